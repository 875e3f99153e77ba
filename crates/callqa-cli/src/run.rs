//! `callqa run`: recordings → decode → VAD → (Whisper on speech only ∥ emotion/arousal on
//! speech windows) → rules, timing, smile scores → Parquet.
//!
//! Two stages overlap: a preparation thread decodes each call, finds its speech (VAD) and
//! runs the acoustic classifiers on it, while the main thread transcribes the previous
//! call; a bounded queue between them keeps memory flat however many calls the input
//! holds.

use crate::inputs::{self, Inputs};
use crate::output::Output;
use crate::summary::{CallSummary, Summary};
use anyhow::{Context, Result};
use callqa_asr::AsrEngine;
use callqa_core::Speaker;
use callqa_core::{
    paths, CallMeta, Channel, ChannelLayout, ErrorRow, PipelineConfig, SpeechSegment, Transcript,
    Utterance,
};
use callqa_emotion::{Analyzer, BaselineStore, ChannelScores, Scorer};
use callqa_rules::RulePack;
use chrono::Utc;
use clap::Args;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Instant;

/// Arguments of `callqa run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// A folder of recordings (searched recursively: wav, mp3, flac, ogg), one audio
    /// file, or a manifest CSV.
    #[arg(long)]
    pub input: PathBuf,
    /// Output folder (Parquet tables calls/, utterances/, errors/).
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
    /// CPU threads for Whisper (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
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
}

/// What a `run` or `analyze` did, for the exit code.
pub struct Outcome {
    /// Inputs that produced error rows.
    pub failed: usize,
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

fn prepare(
    meta: CallMeta,
    cfg: &PipelineConfig,
    vad: &mut callqa_vad::Vad,
    analyzer: Option<(&mut Analyzer, &BaselineStore)>,
) -> std::result::Result<Prepared, Box<ErrorRow>> {
    let fail =
        |stage: &str, kind: &str, message: String| Box::new(error_row(&meta, stage, kind, message));
    let decoded = callqa_audio::decode_file(Path::new(&meta.path))
        .map_err(|e| fail("decode", e.kind(), e.to_string()))?;
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
    let env = callqa_onnx::environment(&paths::onnxruntime_lib())?;
    let mut vad = callqa_vad::Vad::open(env, &vad_model)?;
    let asr = AsrEngine::load(&model, &cfg.asr)?;
    let mut analyzer = if cfg.acoustic.enabled && !args.no_acoustic {
        Some(open_acoustic(env, &cfg, &pipeline_path)?)
    } else {
        None
    };
    let scorer: Option<Scorer> = analyzer.as_ref().map(|a| a.scorer().clone());
    let baselines_path = args
        .baselines
        .clone()
        .unwrap_or_else(|| args.out.join("baselines").join("operators.json"));
    let store = if analyzer.is_some() {
        BaselineStore::load(&baselines_path)?
    } else {
        BaselineStore::default()
    };
    let mut grown = BaselineStore::default();
    tracing::info!(
        pipeline = %pipeline_path.display(),
        model = %model.display(),
        threads,
        language = default_lang.as_deref().unwrap_or("auto"),
        window_s = cfg.asr.window_s,
        dynamic_audio_ctx = cfg.asr.dynamic_audio_ctx,
        beam_size = cfg.asr.beam_size,
        "callqa run: {}",
        callqa_asr::system_info().trim()
    );

    let Inputs { calls, errors } = inputs::collect(&args.input, inputs::AUDIO_EXTENSIONS)?;
    let mut out = Output::open(&args.out, args.flush_every)?;
    if let Some(d) = &args.dump_transcripts {
        std::fs::create_dir_all(d)
            .with_context(|| format!("cannot create transcript folder {}", d.display()))?;
    }
    let mut summary = Summary::new(calls.len() + errors.len());
    for e in errors {
        summary.failed += 1;
        out.push_error(e);
    }
    let (todo, skipped): (Vec<_>, Vec<_>) = calls
        .into_iter()
        .partition(|c| !out.existing.contains(&c.call_id));
    summary.skipped = skipped.len();
    if !skipped.is_empty() {
        tracing::info!(
            skipped = skipped.len(),
            "calls already in {} were skipped",
            args.out.display()
        );
    }
    let n_todo = todo.len();
    let progress = summary.progress_bar(n_todo);

    let (tx, rx) = mpsc::sync_channel::<std::result::Result<Prepared, Box<ErrorRow>>>(2);
    let cfg_prep = cfg.clone();
    let store = Arc::new(store);
    let store_prep = Arc::clone(&store);
    let producer = std::thread::Builder::new()
        .name("callqa-prepare".into())
        .spawn(move || {
            for meta in todo {
                if tx
                    .send(prepare(
                        meta,
                        &cfg_prep,
                        &mut vad,
                        analyzer.as_mut().map(|a| (a, store_prep.as_ref())),
                    ))
                    .is_err()
                {
                    break;
                }
            }
        })
        .context("cannot start the preparation thread")?;

    for item in rx {
        let p = match item {
            Ok(p) => p,
            Err(e) => {
                summary.failed += 1;
                progress.inc(1);
                out.push_error(*e);
                continue;
            }
        };
        let mut grown_for_call = Vec::new();
        let lang = language_arg(p.meta.language.as_deref())
            .map(|l| callqa_asr::language_code(&l).map_or(l, str::to_string))
            .or_else(|| default_lang.clone());
        let mut utterances: Vec<Utterance> = Vec::new();
        let mut detected: Option<String> = None;
        let mut asr_failed = None;
        for (ch, segs) in &p.channels {
            match asr.transcribe(&ch.samples, segs, lang.as_deref(), threads) {
                Ok(t) => {
                    if detected.is_none() {
                        detected = t.language.clone();
                    }
                    utterances.extend(t.pieces.into_iter().map(|piece| Utterance {
                        speaker: ch.speaker,
                        start_s: piece.start_s,
                        end_s: piece.end_s,
                        text: piece.text,
                    }));
                }
                Err(e) => {
                    asr_failed = Some(error_row(
                        &p.meta,
                        "asr",
                        e.kind(),
                        format!("{}: {e}", p.meta.path),
                    ));
                    break;
                }
            }
        }
        progress.inc(1);
        if let Some(e) = asr_failed {
            summary.failed += 1;
            out.push_error(e);
            continue;
        }
        utterances.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        let language = lang.or(detected);
        let acoustics = match (&scorer, p.acoustic) {
            (Some(s), Some(Ok(channels))) => {
                let r = s.score(&channels, &utterances);
                summary.add_acoustic(r.call.windows, p.acoustic_s);
                if let Some(id) = operator_of(&p.meta) {
                    for ch in channels.iter().filter(|c| c.speaker == Speaker::Operator) {
                        grown_for_call.push((id.to_string(), ch.stats.clone()));
                    }
                }
                Some(r)
            }
            (_, Some(Err(e))) => {
                tracing::warn!(call_id = %p.meta.call_id, "{}", e.message);
                summary.warnings += 1;
                out.push_error(*e);
                None
            }
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
        out.push_call(call, rows)?;
        for (id, stats) in grown_for_call {
            grown.merge(&id, &stats)?;
        }
    }
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
        store.save(&baselines_path)?;
        tracing::info!(
            path = %baselines_path.display(),
            operators = grown.operators.len(),
            "operator voice baselines updated"
        );
    }
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
