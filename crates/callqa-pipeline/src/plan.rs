//! [`RunPlan::resolve`]: every option of a run resolved once (pipeline file and rule
//! pack, language, threads and workers, model paths), before anything is opened, so a
//! bad option fails at once and the rest of the pipeline reads settled values.

use crate::transcribe::WorkerPlan;
use anyhow::{Context, Result};
use callqa_core::config::{AsrEngineChoice, AsrEngineKind};
use callqa_core::{paths, PipelineConfig};
use callqa_dataset::{OpenOptions, Policy, Shard};
use callqa_rules::RulePack;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Default ceiling of the number of Whisper workers: each holds a decoding state and a
/// call in memory.
#[cfg(not(feature = "cuda"))]
pub const MAX_DEFAULT_WORKERS: usize = 8;
/// Default ceiling of the number of Whisper workers on a GPU build: they share one GPU.
#[cfg(feature = "cuda")]
pub const MAX_DEFAULT_WORKERS: usize = 2;

/// What a user asks of `callqa run` (the command line's options, unresolved).
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// A folder of recordings, one audio file, a manifest CSV, or an `s3://` prefix.
    pub input: PathBuf,
    /// Output folder or `s3://bucket/prefix`.
    pub out: PathBuf,
    /// Pipeline file (default: the shipped pack for the language).
    pub pipeline: Option<PathBuf>,
    /// Language of the calls: a Whisper code or name, or `auto` (default: the pipeline's).
    pub language: Option<String>,
    /// Whisper model in ggml format, or a CTranslate2 model directory for engine `ct2`
    /// (default: the installed Whisper base of the engine).
    pub model: Option<PathBuf>,
    /// ASR engine, `whisper-cpp` or `ct2` (default: the pipeline's `[asr] engine`).
    pub engine: Option<String>,
    /// CPU threads for Whisper, all workers together (default: all cores).
    pub threads: Option<usize>,
    /// Whisper workers (default: one per thread, at most [`MAX_DEFAULT_WORKERS`]).
    pub asr_workers: Option<usize>,
    /// Silero VAD model (default: the installed one).
    pub vad_model: Option<PathBuf>,
    /// Skip the acoustic stage whatever the pipeline says.
    pub no_acoustic: bool,
    /// Voice baselines file (default: `<out>/baselines/operators.json`).
    pub baselines: Option<PathBuf>,
    /// Also write each call's transcript as JSON here.
    pub dump_transcripts: Option<PathBuf>,
    /// Commit every N calls.
    pub flush_every: usize,
    /// `--reprocess` / `--retry-errors`.
    pub policy: Policy,
    /// This worker's shard.
    pub shard: Option<Shard>,
    /// Remove a dead run's lock on an `s3://` output.
    pub break_lock: bool,
}

/// A run with every option settled.
pub struct RunPlan {
    /// The options as given.
    pub options: RunOptions,
    /// The pipeline file used.
    pub pipeline_path: PathBuf,
    /// Its content.
    pub cfg: Arc<PipelineConfig>,
    /// Its rule pack, compiled.
    pub rules: RulePack,
    /// Whisper threads, all workers together.
    pub threads: usize,
    /// Workers, threads each, and the run's language.
    pub workers: WorkerPlan,
    /// Whisper model file (or CTranslate2 model directory).
    pub model: PathBuf,
    /// The ASR engine.
    pub engine: AsrEngineKind,
    /// Why this engine: the pipeline or `--engine` asked for it, or what `auto` found.
    pub engine_reason: String,
    /// Silero VAD model file.
    pub vad_model: PathBuf,
    /// Whether the acoustic stage runs.
    pub acoustic: bool,
}

impl RunPlan {
    /// Resolve `options`: read the pipeline file, compile its rules, settle the language,
    /// the threads and the model paths. Fails on a bad pipeline file or language.
    pub fn resolve(options: RunOptions) -> Result<Self> {
        let lang = options
            .language
            .as_deref()
            .and_then(callqa_asr::language_code);
        let pipeline_path = pipeline_for(options.pipeline.clone(), lang);
        let (mut cfg, rules) = load_pipeline(&pipeline_path)?;
        if let Some(e) = options.engine.as_deref() {
            cfg.asr.engine = AsrEngineChoice::parse(e).ok_or_else(|| {
                anyhow::anyhow!("unknown ASR engine {e:?}: use auto, whisper-cpp or ct2")
            })?;
        }
        let (engine, engine_reason) = choose_engine(cfg.asr.engine, options.model.as_deref());
        let default_language =
            resolve_language(options.language.as_deref().or(Some(&cfg.pipeline.language)))?;
        let threads = options
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
            .max(1);
        // Both engines: one worker (a whisper.cpp decoding state, or a CTranslate2
        // replica) per thread. CTranslate2's replicas share the weights; two replicas of
        // one thread keep both cores busy where one replica of two threads used about one
        // (benches/README.md, "CTranslate2 engine").
        let default_workers = threads.min(MAX_DEFAULT_WORKERS);
        let workers = options
            .asr_workers
            .unwrap_or(default_workers)
            .clamp(1, threads);
        let model = options.model.clone().unwrap_or_else(|| match engine {
            AsrEngineKind::WhisperCpp => paths::default_whisper_model(),
            AsrEngineKind::Ct2 => paths::model_file("ct2-whisper-base"),
        });
        let vad_model = options
            .vad_model
            .clone()
            .unwrap_or_else(|| paths::model_file("silero_vad_16k_sequence.onnx"));
        let acoustic = cfg.acoustic.enabled && !options.no_acoustic;
        Ok(RunPlan {
            options,
            pipeline_path,
            cfg: Arc::new(cfg),
            rules,
            threads,
            workers: WorkerPlan {
                workers,
                threads_per_worker: (threads / workers).max(1),
                default_language,
            },
            model,
            engine,
            engine_reason,
            vad_model,
            acoustic,
        })
    }

    /// How the output is opened: this worker's shard, and whether to break a dead lock.
    pub fn open_options(&self) -> OpenOptions {
        OpenOptions {
            shard: self.options.shard.unwrap_or_default(),
            break_lock: self.options.break_lock,
        }
    }
}

/// The language to transcribe in: a Whisper code, or `None` for `auto` (Whisper detects
/// it). An unknown language is an error.
fn resolve_language(lang: Option<&str>) -> Result<Option<String>> {
    match language_arg(lang) {
        Some(l) => Ok(Some(
            callqa_asr::language_code(&l)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "unknown language {l:?}: use a Whisper language code (ru, en, de, …) or auto"
                    )
                })?
                .to_string(),
        )),
        None => Ok(None),
    }
}

/// A language option, trimmed and lower-cased; `None` for empty or `auto`.
pub(crate) fn language_arg(lang: Option<&str>) -> Option<String> {
    lang.map(str::trim)
        .filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case("auto"))
        .map(str::to_ascii_lowercase)
}

/// Load the pipeline file and compile its rule pack.
pub fn load_pipeline(path: &Path) -> Result<(PipelineConfig, RulePack)> {
    let cfg = PipelineConfig::from_path(path)?;
    let rules = RulePack::from_table(&cfg.rules, &cfg.pipeline.language)
        .with_context(|| format!("pipeline file {}: [rules]", path.display()))?;
    Ok((cfg, rules))
}

/// Resolve `[asr] engine` / `--engine`. `auto` takes CTranslate2 (about twice as fast as
/// whisper.cpp on CPU at the same WER, benches/README.md) where it can run: not a GPU
/// build, no `--model` file (a ggml file is whisper.cpp's; a directory is CTranslate2's),
/// the plug-in loads and the CTranslate2 model is installed. Else whisper.cpp.
fn choose_engine(choice: AsrEngineChoice, model: Option<&Path>) -> (AsrEngineKind, String) {
    match choice {
        AsrEngineChoice::WhisperCpp => (AsrEngineKind::WhisperCpp, "asked for".into()),
        AsrEngineChoice::Ct2 => (AsrEngineKind::Ct2, "asked for".into()),
        AsrEngineChoice::Auto if cfg!(feature = "cuda") => (
            AsrEngineKind::WhisperCpp,
            "auto: a GPU build runs whisper.cpp".into(),
        ),
        AsrEngineChoice::Auto => match model {
            Some(m) if m.is_dir() => (
                AsrEngineKind::Ct2,
                "auto: --model is a CTranslate2 model directory".into(),
            ),
            Some(_) => (
                AsrEngineKind::WhisperCpp,
                "auto: --model is a ggml file".into(),
            ),
            None => match callqa_asr::ct2::available() {
                Ok(plugin) => {
                    let dir = callqa_asr::ct2::default_model_dir();
                    if dir.join("model.bin").is_file() {
                        (
                            AsrEngineKind::Ct2,
                            format!("auto: CTranslate2 plug-in {}", plugin.display()),
                        )
                    } else {
                        (
                            AsrEngineKind::WhisperCpp,
                            format!("auto: no CTranslate2 model in {}", dir.display()),
                        )
                    }
                }
                Err(why) => (AsrEngineKind::WhisperCpp, format!("auto: {why}")),
            },
        },
    }
}

/// The pipeline file: the given one, else the shipped pack for the language (`en` →
/// English, anything else → Russian).
pub fn pipeline_for(given: Option<PathBuf>, language: Option<&str>) -> PathBuf {
    given.unwrap_or_else(|| {
        let name = match language {
            Some("en") => "en-contact-center.toml",
            _ => "ru-contact-center.toml",
        };
        paths::pipelines_dir().join(name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_choice_follows_the_request_and_the_model() {
        let dir = tempfile::tempdir().unwrap();
        let ggml = dir.path().join("model.bin");
        std::fs::write(&ggml, b"x").unwrap();
        // Asked for: taken as asked, whatever the model.
        assert_eq!(
            choose_engine(AsrEngineChoice::Ct2, Some(&ggml)).0,
            AsrEngineKind::Ct2
        );
        assert_eq!(
            choose_engine(AsrEngineChoice::WhisperCpp, Some(dir.path())).0,
            AsrEngineKind::WhisperCpp
        );
        // auto: a model file is ggml, a directory is CTranslate2's (on a CPU build).
        let (file, why) = choose_engine(AsrEngineChoice::Auto, Some(&ggml));
        assert_eq!(file, AsrEngineKind::WhisperCpp, "{why}");
        let (folder, why) = choose_engine(AsrEngineChoice::Auto, Some(dir.path()));
        let want = if cfg!(feature = "cuda") {
            AsrEngineKind::WhisperCpp
        } else {
            AsrEngineKind::Ct2
        };
        assert_eq!(folder, want, "{why}");
        // The names users write.
        for (s, want) in [
            ("auto", AsrEngineChoice::Auto),
            ("CT2", AsrEngineChoice::Ct2),
            ("whisper.cpp", AsrEngineChoice::WhisperCpp),
        ] {
            assert_eq!(AsrEngineChoice::parse(s), Some(want), "{s}");
        }
        assert_eq!(AsrEngineChoice::parse("vosk"), None);
    }
}
