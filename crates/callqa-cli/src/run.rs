//! `callqa run` and `callqa analyze`: their arguments, turned into the pipeline's options
//! (`callqa-pipeline` does the work), with the progress bar and summary of `summary.rs`.

use crate::summary::Summary;
use crate::Outcome;
use anyhow::Result;
use callqa_pipeline::dataset::{Policy, Shard};
use callqa_pipeline::{AnalyzeOptions, RunOptions, RunPlan};

use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `callqa run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// A folder of recordings (searched recursively: wav, mp3, flac, ogg), one audio
    /// file, a manifest CSV, or an `s3://bucket/prefix/` of recordings.
    #[arg(long)]
    pub input: PathBuf,
    /// Output folder or `s3://bucket/prefix` (Parquet tables calls/, utterances/,
    /// errors/, and the ledger _ledger/).
    #[arg(long)]
    pub out: PathBuf,
    /// Pipeline file (default: pipelines/ru-contact-center.toml, or the English pack with --language en).
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
    /// Language of the calls: ru, en, any Whisper code, or auto (default: the pipeline's).
    #[arg(long)]
    pub language: Option<String>,
    /// Whisper model: a ggml file (whisper.cpp; default .cache/models/ggml-base.bin from
    /// scripts/setup.sh) or a CTranslate2 model directory (ct2; default
    /// .cache/models/ct2-whisper-base). With `--engine auto` the kind of model picks the
    /// engine.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// ASR engine: auto, whisper-cpp (whisper.cpp; CPU and GPU builds) or ct2
    /// (CTranslate2, batched across channels; CPU). Default: the pipeline's `[asr] engine`
    /// (auto in the shipped packs: ct2 where its plug-in and model are installed and the
    /// build is not a GPU build, else whisper-cpp; the run's log says which and why).
    #[arg(long)]
    pub engine: Option<String>,
    /// CPU threads for Whisper, all workers together (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Whisper workers, each transcribing one channel at a time with threads / workers
    /// threads (default: one worker per thread, at most 8, or 2 on a GPU build:
    /// whisper.cpp scales better across channels than across the threads of one).
    #[arg(long)]
    pub asr_workers: Option<usize>,
    /// Also write each call's transcript as JSON (the `callqa analyze` input format) here,
    /// as `<call id>.json` with every character but letters, digits, `-` and `_` written
    /// `%XX` (so distinct ids never share a file; long ids end in a hash).
    #[arg(long)]
    pub dump_transcripts: Option<PathBuf>,
    /// Write Parquet files every N calls (bigger = fewer, larger files).
    #[arg(long, default_value_t = 100)]
    pub flush_every: usize,
    /// Silero VAD model (default: .cache/models/silero_vad_16k_sequence.onnx).
    #[arg(long)]
    pub vad_model: Option<PathBuf>,
    /// Print the per-call summary table for at most this many calls.
    #[arg(long, default_value_t = 50)]
    pub summary_rows: usize,
    /// Skip the acoustic stage (emotion, arousal, pitch): its columns stay null. Overrides
    /// the pipeline's `[acoustic] enabled`.
    #[arg(long)]
    pub no_acoustic: bool,
    /// Per-operator voice baselines of the acoustic stage: read at the start, updated with
    /// this run's operators at the end (default: <out>/baselines/operators.json).
    #[arg(long)]
    pub baselines: Option<PathBuf>,
    /// Process every input again, even those the ledger says are done; their earlier
    /// rows are replaced, never duplicated.
    #[arg(long)]
    pub reprocess: bool,
    /// Process again the inputs whose last attempt ended in an error row (the old error
    /// rows are replaced).
    #[arg(long)]
    pub retry_errors: bool,
    /// Take only shard I of N (0-based), split by a stable hash of call_id, so N workers
    /// cover the archive with no overlap; they may share one --out.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Remove the lock an earlier run left on an s3:// output (only when that run is
    /// dead: local locks are released by the OS and never need this).
    #[arg(long)]
    pub break_lock: bool,
}

/// Arguments of `callqa analyze`.
#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// Folder of transcript JSON files (searched recursively), or one file.
    #[arg(long)]
    pub transcripts: PathBuf,
    /// Output folder (Parquet tables calls/, utterances/, errors/).
    #[arg(long)]
    pub out: PathBuf,
    /// Pipeline file (default: pipelines/ru-contact-center.toml).
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
    /// Write Parquet files every N calls.
    #[arg(long, default_value_t = 1000)]
    pub flush_every: usize,
    /// Print the per-call summary table for at most this many calls.
    #[arg(long, default_value_t = 50)]
    pub summary_rows: usize,
    /// Analyse every transcript again, even those the ledger says are done; earlier rows
    /// are replaced, never duplicated.
    #[arg(long)]
    pub reprocess: bool,
}

/// Entry point of `callqa run`.
pub fn run(args: RunArgs) -> Result<Outcome> {
    let t0 = Instant::now();
    let (out, rows) = (args.out.clone(), args.summary_rows);
    let plan = RunPlan::resolve(RunOptions {
        input: args.input,
        out: args.out,
        pipeline: args.pipeline,
        language: args.language,
        model: args.model,
        engine: args.engine,
        threads: args.threads,
        asr_workers: args.asr_workers,
        vad_model: args.vad_model,
        no_acoustic: args.no_acoustic,
        baselines: args.baselines,
        dump_transcripts: args.dump_transcripts,
        flush_every: args.flush_every,
        policy: Policy {
            reprocess: args.reprocess,
            retry_errors: args.retry_errors,
        },
        shard: args.shard,
        break_lock: args.break_lock,
    })?;
    let mut summary = Summary::new();
    let report = callqa_pipeline::run(plan, &mut summary)?;
    summary.print(&out, t0.elapsed(), rows);
    Ok(Outcome::from(report))
}

/// Entry point of `callqa analyze`.
pub fn analyze(args: AnalyzeArgs) -> Result<Outcome> {
    let t0 = Instant::now();
    let opts = AnalyzeOptions {
        transcripts: args.transcripts,
        out: args.out,
        pipeline: args.pipeline,
        flush_every: args.flush_every,
        reprocess: args.reprocess,
    };
    let mut summary = Summary::new();
    let report = callqa_pipeline::analyze(&opts, &mut summary)?;
    summary.print(&opts.out, t0.elapsed(), args.summary_rows);
    Ok(Outcome::from(report))
}
