//! `callqa run`: recordings → decode → VAD → (Whisper on speech only ∥ emotion/arousal on
//! speech windows) → rules, timing, smile scores → Parquet.
//!
//! Three stages overlap: a preparation thread decodes each call, finds its speech (VAD)
//! and runs the acoustic classifiers on it; Whisper workers, each with its own decoding
//! state, transcribe the channels of the calls prepared before (one channel at a time, so
//! the last call of a batch is shared out too); the main thread alone assembles each call
//! and builds and commits its rows. Bounded queues between them keep memory flat however
//! many calls the input holds. A panic met on one call becomes that call's error row.

use crate::inputs::{self, Inputs};
use crate::output::{self, record, Output};
use crate::summary::{CallSummary, Summary};
use anyhow::{Context, Result};
use callqa_asr::{AsrEngine, ChannelTranscript};
use callqa_core::{failpoint, Speaker};
use callqa_core::{
    paths, CallMeta, Channel, ChannelLayout, ErrorRow, PipelineConfig, SpeechSegment, Transcript,
    Utterance,
};
use callqa_dataset::{
    is_remote, Decision, InputStat, OpenOptions, Outcome as Ledger, Policy, RemoteReader, Shard,
};
use callqa_emotion::{Analyzer, BaselineStore, ChannelScores, Scorer};
use callqa_rules::RulePack;
use chrono::Utc;
use clap::Args;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
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
    /// Whisper model in ggml format (default: .cache/models/ggml-base.bin from scripts/setup.sh).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// CPU threads for Whisper, all workers together (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Whisper workers, each transcribing one channel at a time with threads / workers
    /// threads (default: one worker per thread, at most 8, or 2 on a GPU build:
    /// whisper.cpp scales better across channels than across the threads of one).
    #[arg(long)]
    pub asr_workers: Option<usize>,
    /// Also write each call's transcript as JSON (the `callqa analyze` input format) here.
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

/// What a `run` or `analyze` did, for the exit code.
pub struct Outcome {
    /// Inputs that produced error rows.
    pub failed: usize,
}

/// Default ceiling of `--asr-workers`: each worker holds a Whisper decoding state and a
/// call in memory.
#[cfg(not(feature = "cuda"))]
const MAX_DEFAULT_WORKERS: usize = 8;
/// Default ceiling of `--asr-workers` on a GPU build: the workers share one GPU.
#[cfg(feature = "cuda")]
const MAX_DEFAULT_WORKERS: usize = 2;

/// What the ledger needs to know about an input being processed.
struct Job {
    meta: CallMeta,
    stat: InputStat,
    /// Earlier rows of this call exist and are replaced.
    replace: bool,
}

/// The ledger view of a job, whatever its outcome.
struct JobInfo {
    call_id: String,
    path: String,
    stat: InputStat,
    sha: Option<String>,
    replace: bool,
}

impl JobInfo {
    fn record(&self, outcome: Ledger, stage: Option<&str>) -> callqa_dataset::InputRecord {
        record(
            &self.call_id,
            &self.call_id,
            &self.path,
            self.stat,
            self.sha.clone(),
            outcome,
            stage,
        )
    }
}

/// What Whisper made of one call: its utterances in time order and its language.
struct Asr {
    utterances: Vec<Utterance>,
    language: Option<String>,
}

/// The language a call is transcribed in: the manifest's, else the run's; `None` lets
/// Whisper detect it.
fn call_language(meta: &CallMeta, default_lang: Option<&str>) -> Option<String> {
    language_arg(meta.language.as_deref())
        .map(|l| callqa_asr::language_code(&l).map_or(l, str::to_string))
        .or_else(|| default_lang.map(str::to_string))
}

/// The audio of a call being transcribed, shared by the workers that transcribe its
/// channels and freed when the last of them is done.
struct CallAudio {
    call_id: String,
    channels: Vec<(Channel, Vec<SpeechSegment>)>,
    language: Option<String>,
}

/// One unit of Whisper work: one channel of a call. Channels rather than calls, so that
/// the last calls of a batch are shared out among the workers too.
struct ChannelTask {
    seq: usize,
    channel: usize,
    audio: Arc<CallAudio>,
}

/// What the Whisper workers tell the main thread.
enum Msg {
    /// A prepared call was taken up (its audio moved to the workers): one `Channel`
    /// message per speaker follows.
    Started {
        seq: usize,
        info: JobInfo,
        call: Box<Prepared>,
        speakers: Vec<Speaker>,
    },
    /// A call whose preparation failed.
    Failed { info: JobInfo, error: Box<ErrorRow> },
    /// One channel transcribed.
    Channel {
        seq: usize,
        channel: usize,
        result: std::result::Result<ChannelTranscript, callqa_asr::AsrError>,
    },
}

type Item = (JobInfo, std::result::Result<Prepared, Box<ErrorRow>>);

/// Where the workers take their work from: channels left over from calls already
/// started, else the next prepared call.
struct Feed {
    rx: mpsc::Receiver<Item>,
    queue: VecDeque<ChannelTask>,
    next_seq: usize,
}

impl Feed {
    /// The next channel to transcribe, or `None` when every call has been handed out.
    /// Calls taken from the preparation queue are announced to the main thread (before
    /// any of their channels can finish) through `done`.
    fn next(
        &mut self,
        default_lang: Option<&str>,
        done: &mpsc::SyncSender<Msg>,
    ) -> Option<ChannelTask> {
        loop {
            if let Some(task) = self.queue.pop_front() {
                return Some(task);
            }
            let (info, item) = self.rx.recv().ok()?;
            let mut call = match item {
                Ok(p) => p,
                Err(error) => {
                    done.send(Msg::Failed { info, error }).ok()?;
                    continue;
                }
            };
            let seq = self.next_seq;
            self.next_seq += 1;
            let audio = Arc::new(CallAudio {
                call_id: call.meta.call_id.clone(),
                channels: std::mem::take(&mut call.channels),
                language: call_language(&call.meta, default_lang),
            });
            let speakers = audio.channels.iter().map(|(c, _)| c.speaker).collect();
            done.send(Msg::Started {
                seq,
                info,
                call: Box::new(call),
                speakers,
            })
            .ok()?;
            for channel in 0..audio.channels.len() {
                self.queue.push_back(ChannelTask {
                    seq,
                    channel,
                    audio: Arc::clone(&audio),
                });
            }
        }
    }
}

/// A call on the main thread, waiting for its channels.
struct Pending {
    info: JobInfo,
    call: Box<Prepared>,
    speakers: Vec<Speaker>,
    results: Vec<Option<std::result::Result<ChannelTranscript, callqa_asr::AsrError>>>,
}

impl Pending {
    fn complete(&self) -> bool {
        self.results.iter().all(Option::is_some)
    }

    /// The call's utterances (all channels, in time order) and language (the one asked
    /// for, else the one Whisper detected on the first channel that has one), or the
    /// error row of the first channel that failed.
    fn assemble(
        results: Vec<Option<std::result::Result<ChannelTranscript, callqa_asr::AsrError>>>,
        speakers: &[Speaker],
        meta: &CallMeta,
        default_lang: Option<&str>,
    ) -> std::result::Result<Asr, Box<ErrorRow>> {
        let mut utterances: Vec<Utterance> = Vec::new();
        let mut detected: Option<String> = None;
        for (r, &speaker) in results.into_iter().zip(speakers) {
            let Some(r) = r else { continue };
            let t = r.map_err(|e| asr_error(meta, &e))?;
            if detected.is_none() {
                detected = t.language;
            }
            utterances.extend(t.pieces.into_iter().map(|piece| Utterance {
                speaker,
                start_s: piece.start_s,
                end_s: piece.end_s,
                text: piece.text,
            }));
        }
        utterances.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        Ok(Asr {
            utterances,
            language: call_language(meta, default_lang).or(detected),
        })
    }
}

/// Run `f`, turning a panic into its message: a bug met on one call must become that
/// call's error row, not end the batch (and every rerun of it) at the same call.
fn contain<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into())
    })
}

/// A worker's decoding state, its buffers grown to their peak size up front.
fn open_session(
    asr: &AsrEngine,
    worker: usize,
) -> std::result::Result<callqa_asr::AsrSession<'_>, callqa_asr::AsrError> {
    let t = Instant::now();
    let mut s = asr.session()?;
    s.reserve_peak_buffers()?;
    tracing::debug!(
        worker,
        secs = t.elapsed().as_secs_f64(),
        "decoding state opened, buffers reserved"
    );
    Ok(s)
}

/// The error row of a call whose speech recognition failed.
fn asr_error(meta: &CallMeta, e: &callqa_asr::AsrError) -> Box<ErrorRow> {
    Box::new(error_row(
        meta,
        "asr",
        e.kind(),
        format!("{}: {e}", meta.path),
    ))
}

/// A call after decoding and VAD, waiting for ASR.
struct Prepared {
    meta: CallMeta,
    layout: ChannelLayout,
    duration_s: f64,
    channels: Vec<(Channel, Vec<SpeechSegment>)>,
    /// Acoustic scores per channel: `None` when the stage is off, an error row when it
    /// failed (the call is still written, with null acoustic columns).
    acoustic: Option<std::result::Result<Vec<ChannelScores>, Box<ErrorRow>>>,
    /// Seconds the acoustic stage took on this call.
    acoustic_s: f64,
}

pub(crate) fn error_row(meta: &CallMeta, stage: &str, kind: &str, message: String) -> ErrorRow {
    ErrorRow {
        call_id: meta.call_id.clone(),
        call_date: Some(meta.started_at.date_naive()),
        path: meta.path.clone(),
        stage: stage.to_string(),
        error_kind: kind.to_string(),
        message,
        processed_at: Utc::now(),
    }
}

fn language_arg(lang: Option<&str>) -> Option<String> {
    lang.map(str::trim)
        .filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case("auto"))
        .map(str::to_ascii_lowercase)
}

/// Load the pipeline file and compile its rule pack.
pub(crate) fn load_pipeline(path: &Path) -> Result<(PipelineConfig, RulePack)> {
    let cfg = PipelineConfig::from_path(path)?;
    let rules = RulePack::from_table(&cfg.rules, &cfg.pipeline.language)
        .with_context(|| format!("pipeline file {}: [rules]", path.display()))?;
    Ok((cfg, rules))
}

/// The operator id of a call, when it names one (trimmed, non-empty).
fn operator_of(meta: &CallMeta) -> Option<&str> {
    meta.operator_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Fetch (remote inputs), hash and prepare one call.
fn prepare_job(
    job: Job,
    cfg: &PipelineConfig,
    vad: &mut callqa_vad::Vad,
    analyzer: Option<(&mut Analyzer, &BaselineStore)>,
    remote: Option<&RemoteReader>,
) -> (JobInfo, std::result::Result<Prepared, Box<ErrorRow>>) {
    let mut info = JobInfo {
        call_id: job.meta.call_id.clone(),
        path: job.meta.path.clone(),
        stat: job.stat,
        sha: None,
        replace: job.replace,
    };
    let meta = job.meta;
    // A remote input is downloaded to a temporary file that lives until decoding is done.
    let _local_copy;
    let local: PathBuf = if is_remote(&meta.path) {
        let fetched = remote
            .ok_or_else(|| "no S3 client".to_string())
            .and_then(|r| r.fetch(&meta.path).map_err(|e| e.to_string()));
        match fetched {
            Ok(f) => {
                let p = f.path().to_path_buf();
                _local_copy = f;
                p
            }
            Err(m) => {
                let e = error_row(&meta, "input", "fetch", m);
                return (info, Err(Box::new(e)));
            }
        }
    } else {
        PathBuf::from(&meta.path)
    };
    info.sha = output::sha256_file(&local);
    let m = meta.clone();
    let r = contain(|| prepare(meta, &local, cfg, vad, analyzer)).unwrap_or_else(|msg| {
        let message = format!(
            "{}: internal error while decoding or analysing this input (please report it): {msg}",
            m.path
        );
        Err(Box::new(error_row(&m, "prepare", "panic", message)))
    });
    (info, r)
}

fn prepare(
    meta: CallMeta,
    local: &Path,
    cfg: &PipelineConfig,
    vad: &mut callqa_vad::Vad,
    analyzer: Option<(&mut Analyzer, &BaselineStore)>,
) -> std::result::Result<Prepared, Box<ErrorRow>> {
    let fail =
        |stage: &str, kind: &str, message: String| Box::new(error_row(&meta, stage, kind, message));
    let decoded = callqa_audio::decode_file(local).map_err(|e| {
        let msg = e.to_string();
        // Name the input, not the temporary copy of a remote one.
        let msg = if local.to_string_lossy() != meta.path.as_str() {
            msg.replace(&*local.to_string_lossy(), &meta.path)
        } else {
            msg
        };
        fail("decode", e.kind(), msg)
    })?;
    failpoint("decode");
    callqa_core::panic_point("prepare", &meta.call_id);
    let layout = meta
        .channel_layout
        .unwrap_or(match decoded.source_channels {
            1 => ChannelLayout::Mono,
            _ => cfg.channels.stereo,
        });
    let duration_s = decoded.duration_s;
    let channels = callqa_audio::to_channels(decoded, layout)
        .map_err(|e| fail("decode", e.kind(), e.to_string()))?;
    let mut out = Vec::with_capacity(channels.len());
    for ch in channels {
        let segs = vad
            .detect(&ch.samples, &cfg.vad)
            .map_err(|e| fail("vad", e.kind(), format!("{}: {e}", meta.path)))?;
        out.push((ch, segs));
    }
    let t_acoustic = Instant::now();
    let acoustic = analyzer.map(|(a, store)| {
        // The operator's own baseline from earlier runs, when the call names the operator.
        let own = operator_of(&meta).and_then(|id| store.get(id, a.std_floor()));
        out.iter()
            .map(|(ch, segs)| {
                let baseline = own.as_ref().filter(|_| ch.speaker == Speaker::Operator);
                a.analyze_channel(&ch.samples, segs, ch.speaker, baseline)
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| fail("acoustic", e.kind(), format!("{}: {e}", meta.path)))
    });
    Ok(Prepared {
        meta,
        layout,
        duration_s,
        channels: out,
        acoustic,
        acoustic_s: t_acoustic.elapsed().as_secs_f64(),
    })
}

/// Open the emotion and arousal models named by the pipeline (or the shipped ones).
fn open_acoustic(
    env: &callqa_onnx::Environment,
    cfg: &PipelineConfig,
    pipeline_path: &Path,
) -> Result<Analyzer> {
    let base = pipeline_path.parent().unwrap_or_else(|| Path::new("."));
    let [emotion, arousal] = callqa_emotion::analysis::model_paths(
        &cfg.acoustic,
        base,
        &paths::repo_root().join("models"),
    );
    Analyzer::open(env, &cfg.acoustic, &emotion, &arousal).with_context(|| {
        format!(
            "pipeline {}: cannot open the acoustic models (turn the stage off with \
             `[acoustic] enabled = false` or --no-acoustic)",
            pipeline_path.display()
        )
    })
}

/// Entry point of `callqa run`.
pub fn run(args: RunArgs) -> Result<Outcome> {
    let t0 = Instant::now();
    let pipeline_path = resolve(&args);
    let (cfg, rules) = load_pipeline(&pipeline_path)?;
    let default_lang = language_arg(args.language.as_deref().or(Some(&cfg.pipeline.language)));
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let workers = args
        .asr_workers
        .unwrap_or(threads.min(MAX_DEFAULT_WORKERS))
        .clamp(1, threads);
    let per_worker = (threads / workers).max(1);
    let model = args
        .model
        .clone()
        .unwrap_or_else(paths::default_whisper_model);
    let vad_model = args
        .vad_model
        .clone()
        .unwrap_or_else(|| paths::models_dir().join("silero_vad_16k_sequence.onnx"));

    let default_lang = match default_lang {
        Some(l) => Some(
            callqa_asr::language_code(&l)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "unknown language {l:?}: use a Whisper language code (ru, en, de, …) or auto"
                    )
                })?
                .to_string(),
        ),
        None => None,
    };
    let policy = Policy {
        reprocess: args.reprocess,
        retry_errors: args.retry_errors,
    };
    let shard = args.shard.unwrap_or_default();
    // Take the output's lock (and repair what a killed run left) before loading models.
    let mut out = Output::open(
        &args.out,
        args.flush_every,
        OpenOptions {
            shard,
            break_lock: args.break_lock,
        },
    )?;
    let input_str = args.input.to_string_lossy().to_string();
    let mut remote: Option<RemoteReader> = None;
    let Inputs {
        mut calls,
        mut errors,
    } = if is_remote(&input_str) {
        let r = RemoteReader::new()?;
        let i = inputs::from_remote(&r, &input_str, inputs::AUDIO_EXTENSIONS)?;
        remote = Some(r);
        i
    } else {
        inputs::collect(&args.input, inputs::AUDIO_EXTENSIONS)?
    };
    if remote.is_none() && calls.iter().any(|c| is_remote(&c.path)) {
        remote = Some(RemoteReader::new()?);
    }
    if shard.count > 1 {
        let before = calls.len();
        calls.retain(|c| shard.contains(&c.call_id));
        // Input errors without a call id are reported by the first shard only.
        errors.retain(|e| {
            if e.call_id.is_empty() {
                shard.index == 0
            } else {
                shard.contains(&e.call_id)
            }
        });
        tracing::info!(
            shard = %shard.tag(),
            calls = calls.len(),
            of = before,
            "shard {}/{}: {} of {} calls",
            shard.index,
            shard.count,
            calls.len(),
            before
        );
    }

    let env = callqa_onnx::environment(&paths::onnxruntime_lib())?;
    let mut vad = callqa_vad::Vad::open(env, &vad_model)?;
    let asr = AsrEngine::load(&model, &cfg.asr)?;
    let mut analyzer = if cfg.acoustic.enabled && !args.no_acoustic {
        Some(open_acoustic(env, &cfg, &pipeline_path)?)
    } else {
        None
    };
    let scorer: Option<Scorer> = analyzer.as_ref().map(|a| a.scorer().clone());
    const BASELINES: &str = "baselines/operators.json";
    let store = match (&analyzer, &args.baselines) {
        (None, _) => BaselineStore::default(),
        (Some(_), Some(p)) => BaselineStore::load(p)?,
        (Some(_), None) => match out.dataset().get(BASELINES)? {
            Some(b) => {
                BaselineStore::from_json(&format!("{}/{BASELINES}", out.dataset().url()), &b)?
            }
            None => BaselineStore::default(),
        },
    };
    let mut grown = BaselineStore::default();
    tracing::info!(
        pipeline = %pipeline_path.display(),
        model = %model.display(),
        threads,
        asr_workers = workers,
        threads_per_worker = per_worker,
        language = default_lang.as_deref().unwrap_or("auto"),
        window_s = cfg.asr.window_s,
        dynamic_audio_ctx = cfg.asr.dynamic_audio_ctx,
        beam_size = cfg.asr.beam_size,
        run_id = out.dataset().run_id(),
        "callqa run: {}",
        callqa_asr::system_info().trim()
    );

    if let Some(d) = &args.dump_transcripts {
        std::fs::create_dir_all(d)
            .with_context(|| format!("cannot create transcript folder {}", d.display()))?;
    }
    let mut summary = Summary::new(calls.len() + errors.len());
    let mut skip_reasons: BTreeMap<String, usize> = BTreeMap::new();
    for e in errors {
        if out.report_input_problem(e, InputStat::default())? {
            summary.failed += 1;
        } else {
            summary.skipped += 1;
            *skip_reasons
                .entry("input problem already reported in errors/".into())
                .or_default() += 1;
        }
    }
    let mut todo: Vec<Job> = Vec::new();
    let mut replace_ids: HashSet<String> = HashSet::new();
    for meta in calls {
        let remote_input = is_remote(&meta.path);
        let stat = if remote_input {
            remote
                .as_ref()
                .and_then(|r| r.stat(&meta.path).ok())
                .map(|r| InputStat {
                    size: Some(r.size),
                    mtime: Some(r.mtime),
                })
                .unwrap_or_default()
        } else {
            output::stat_file(Path::new(&meta.path))
        };
        let path = meta.path.clone();
        let decision = out.dataset().decide(
            &meta.call_id,
            &meta.call_id,
            &meta.path,
            stat,
            policy,
            &mut || {
                if remote_input {
                    None
                } else {
                    output::sha256_file(Path::new(&path))
                }
            },
        );
        match decision {
            Decision::Skip(reason) => {
                tracing::debug!(call_id = %meta.call_id, "skipped: {reason}");
                summary.skipped += 1;
                let short = reason.split(" since run").next().unwrap_or(&reason);
                let short = short.split(" as in run").next().unwrap_or(short);
                *skip_reasons.entry(short.to_string()).or_default() += 1;
            }
            Decision::Process { replace } => {
                if replace {
                    replace_ids.insert(meta.call_id.clone());
                }
                todo.push(Job {
                    meta,
                    stat,
                    replace,
                });
            }
        }
    }
    for (reason, n) in &skip_reasons {
        tracing::info!(skipped = n, "{n} input(s) skipped: {reason}");
    }
    if !replace_ids.is_empty() {
        tracing::info!(
            calls = replace_ids.len(),
            "{} call(s) changed or forced: their earlier rows will be replaced",
            replace_ids.len()
        );
        out.index_for_replacement(&replace_ids)?;
    }
    let n_todo = todo.len();
    let progress = summary.progress_bar(n_todo);

    let (tx, rx) = mpsc::sync_channel::<Item>(2);
    let cfg_prep = cfg.clone();
    let store = Arc::new(store);
    let store_prep = Arc::clone(&store);
    let producer = std::thread::Builder::new()
        .name("callqa-prepare".into())
        .spawn(move || {
            for job in todo {
                let item = prepare_job(
                    job,
                    &cfg_prep,
                    &mut vad,
                    analyzer.as_mut().map(|a| (a, store_prep.as_ref())),
                    remote.as_ref(),
                );
                if tx.send(item).is_err() {
                    break;
                }
            }
        })
        .context("cannot start the preparation thread")?;

    // Whisper workers: each takes the next channel to transcribe (of a call already
    // started, else of the next prepared call), transcribes it with its own decoding
    // state and `per_worker` threads, and hands the result to this thread, which alone
    // assembles calls and writes the output (in the order calls finish).
    let feed = std::sync::Mutex::new(Feed {
        rx,
        queue: VecDeque::new(),
        next_seq: 0,
    });
    let (done_tx, done_rx) = mpsc::sync_channel::<Msg>(workers);
    std::thread::scope(|scope| -> Result<()> {
        for w in 0..workers {
            let done_tx = done_tx.clone();
            let (feed, asr, default_lang) = (&feed, &asr, default_lang.as_deref());
            std::thread::Builder::new()
                .name(format!("callqa-asr-{w}"))
                .spawn_scoped(scope, move || {
                    // One decoding state per worker, reused channel after channel,
                    // opened while the first call is being prepared.
                    let mut session = open_session(asr, w)
                        .map_err(|e| tracing::warn!(worker = w, "{e}"))
                        .ok();
                    loop {
                        // The lock is held only while taking (or waiting for) work.
                        let task = match feed.lock() {
                            Ok(mut feed) => feed.next(default_lang, &done_tx),
                            Err(_) => None,
                        };
                        let Some(ChannelTask {
                            seq,
                            channel,
                            audio,
                        }) = task
                        else {
                            break;
                        };
                        let (ch, segs) = &audio.channels[channel];
                        let lang = audio.language.as_deref();
                        let result = contain(|| {
                            callqa_core::panic_point("asr", &audio.call_id);
                            match session.as_mut() {
                                Some(s) => s.transcribe(&ch.samples, segs, lang, per_worker),
                                // The state could not be opened (or was dropped after a
                                // panic): this channel tries again, and its call gets
                                // the error row if that fails too.
                                None => open_session(asr, w).and_then(|mut s| {
                                    let r = s.transcribe(&ch.samples, segs, lang, per_worker);
                                    session = Some(s);
                                    r
                                }),
                            }
                        })
                        .unwrap_or_else(|msg| {
                            // A state left in the middle of a decode is not reused.
                            session = None;
                            Err(callqa_asr::AsrError::Panic(msg))
                        });
                        // The last worker done with a call frees its audio here.
                        drop(audio);
                        if done_tx
                            .send(Msg::Channel {
                                seq,
                                channel,
                                result,
                            })
                            .is_err()
                        {
                            break;
                        }
                    }
                })
                .context("cannot start a Whisper worker thread")?;
        }
        drop(done_tx);
        let mut pending: HashMap<usize, Pending> = HashMap::new();
        // By value: an early error return drops the receiver, so no worker stays blocked
        // on a full channel while the scope waits for it.
        for msg in done_rx {
            let seq = match msg {
                Msg::Failed { info, error } => {
                    summary.failed += 1;
                    progress.inc(1);
                    let rec = info.record(Ledger::Error, Some(&error.stage));
                    out.push_failed(*error, rec, info.replace)?;
                    continue;
                }
                Msg::Started {
                    seq,
                    info,
                    call,
                    speakers,
                } => {
                    let results = speakers.iter().map(|_| None).collect();
                    pending.insert(
                        seq,
                        Pending {
                            info,
                            call,
                            speakers,
                            results,
                        },
                    );
                    seq
                }
                Msg::Channel {
                    seq,
                    channel,
                    result,
                } => {
                    if let Some(slot) = pending
                        .get_mut(&seq)
                        .and_then(|c| c.results.get_mut(channel))
                    {
                        *slot = Some(result);
                    }
                    seq
                }
            };
            if !pending.get(&seq).is_some_and(Pending::complete) {
                continue;
            }
            let Some(Pending {
                info,
                call,
                speakers,
                results,
            }) = pending.remove(&seq)
            else {
                continue;
            };
            let p = *call;
            failpoint("asr");
            progress.inc(1);
            let Asr {
                utterances,
                language,
            } = match Pending::assemble(results, &speakers, &p.meta, default_lang.as_deref()) {
                Ok(a) => a,
                Err(e) => {
                    summary.failed += 1;
                    let rec = info.record(Ledger::Error, Some("asr"));
                    out.push_failed(*e, rec, info.replace)?;
                    continue;
                }
            };
            // Scores and rows are pure computations: a bug met here becomes this call's
            // error row.
            let computed = contain(|| {
                callqa_core::panic_point("features", &p.meta.call_id);
                let acoustics = match (&scorer, &p.acoustic) {
                    (Some(s), Some(Ok(channels))) => Some(s.score(channels, &utterances)),
                    _ => None,
                };
                let (call, rows) = callqa_features::build_rows(
                    &p.meta,
                    p.duration_s,
                    p.layout,
                    language.as_deref(),
                    &utterances,
                    &rules,
                    &cfg,
                    Some(asr.model_name()),
                    acoustics.as_ref(),
                    Utc::now(),
                );
                (acoustics, call, rows)
            });
            let (acoustics, call, rows) = match computed {
                Ok(x) => x,
                Err(msg) => {
                    summary.failed += 1;
                    let e = error_row(
                        &p.meta,
                        "features",
                        "panic",
                        format!(
                            "{}: internal error while scoring this call (please report it): {msg}",
                            p.meta.path
                        ),
                    );
                    let rec = info.record(Ledger::Error, Some("features"));
                    out.push_failed(e, rec, info.replace)?;
                    continue;
                }
            };
            let mut grown_for_call = Vec::new();
            match (acoustics.as_ref(), p.acoustic) {
                (Some(r), Some(Ok(channels))) => {
                    summary.add_acoustic(r.call.windows, p.acoustic_s);
                    if let Some(id) = operator_of(&p.meta) {
                        for ch in channels.iter().filter(|c| c.speaker == Speaker::Operator) {
                            grown_for_call.push((id.to_string(), ch.stats.clone()));
                        }
                    }
                }
                (_, Some(Err(e))) => {
                    summary.warnings += 1;
                    out.push_error(*e);
                }
                _ => {}
            }
            if let Some(d) = &args.dump_transcripts {
                let t = Transcript::from_utterances(
                    &p.meta.call_id,
                    p.meta.operator_id.as_deref(),
                    p.meta.started_at,
                    language.as_deref(),
                    &utterances,
                );
                write_transcript(d, &t)?;
            }
            tracing::info!(
                call_id = %call.call_id,
                audio_s = format!("{:.1}", p.duration_s),
                utterances = rows.len(),
                done = summary.done() + 1,
                of = n_todo,
                "call processed"
            );
            summary.add(CallSummary::from_row(&call, p.duration_s));
            progress.set_message(format!("{:.2} h of audio", summary.audio_hours()));
            out.push_call(call, rows, info.record(Ledger::Ok, None), info.replace)?;
            for (id, stats) in grown_for_call {
                grown.merge(&id, &stats)?;
            }
        }
        if !pending.is_empty() {
            // Not reached unless a worker died: those calls stay out of the ledger, so
            // the next run processes them.
            anyhow::bail!(
                "{} call(s) were taken up but not finished by the Whisper workers",
                pending.len()
            );
        }
        Ok(())
    })?;
    producer
        .join()
        .map_err(|_| anyhow::anyhow!("the preparation thread panicked"))?;
    out.flush()?;
    if !grown.operators.is_empty() {
        // Only now are this run's calls all written: fold their operators in.
        let mut store = Arc::try_unwrap(store).unwrap_or_else(|s| (*s).clone());
        for (id, b) in &grown.operators {
            let add = callqa_emotion::SpeakerBaseline::from_state(
                b.n,
                b.mean.clone(),
                b.m2.clone(),
                0.0,
            )?;
            store.merge(id, &add)?;
        }
        let at = match &args.baselines {
            Some(p) => {
                store.save(p)?;
                p.display().to_string()
            }
            None => {
                out.dataset().put(BASELINES, store.to_json())?;
                format!("{}/{BASELINES}", out.dataset().url())
            }
        };
        tracing::info!(
            path = %at,
            operators = grown.operators.len(),
            "operator voice baselines updated"
        );
    }
    out.finish()?;
    progress.finish_and_clear();
    summary.print(&args.out, t0.elapsed(), args.summary_rows);
    Ok(Outcome {
        failed: summary.failed + summary.warnings,
    })
}

fn resolve(args: &RunArgs) -> PathBuf {
    let lang = args.language.as_deref().and_then(callqa_asr::language_code);
    crate::resolve_pipeline(args.pipeline.clone(), lang)
}

/// Write `<dir>/<call_id>.json` (call ids with path characters are made file-safe).
pub(crate) fn write_transcript(dir: &Path, t: &Transcript) -> Result<()> {
    let safe: String = t
        .call_id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(format!("{safe}.json"));
    let tmp = dir.join(format!(".{safe}.json.tmp"));
    let json = serde_json::to_vec_pretty(t)?;
    std::fs::write(&tmp, json).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
