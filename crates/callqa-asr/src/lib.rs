//! Speech recognition for callqa: OpenAI Whisper run by whisper.cpp (through
//! [`whisper-rs`](https://docs.rs/whisper-rs)) on the speech segments that voice-activity
//! detection found in a channel.
//!
//! Why it is built this way:
//!
//! * **Only speech is decoded.** Contact-centre channels are mostly silence (the other
//!   party talks, hold music, waiting). The VAD segments of a channel are packed end to
//!   end into windows of at most [`AsrConfig::window_s`] seconds with a short silence
//!   between them ([`packing`]), and each window is transcribed once. Whisper's encoder
//!   costs the same for 3 s as for 30 s of audio, so packing roughly halves the time
//!   compared with whole channels or one call per segment.
//! * **The encoder is sized to the window.** With [`AsrConfig::dynamic_audio_ctx`] the
//!   encoder context is `min(1500, 50 × window seconds + 64)` frames instead of the full
//!   30 s. It is never smaller than the window's audio: a context that cuts the audio off
//!   makes the decoder loop through every temperature fallback.
//! * **Timestamps are channel time, pieces are VAD segments.** Every token's
//!   (token-level) timestamp is mapped back through the packing to the VAD segment it
//!   falls in, and the result is one [`AsrPiece`] per VAD segment with the segment's
//!   bounds. Downstream timing features (pauses, interruptions) use those bounds, which
//!   come from the VAD rather than from Whisper's less reliable segment timestamps.
//! * **One engine, many threads.** [`AsrEngine`] holds the loaded model
//!   (`WhisperContext`) and is `Send + Sync`; every [`AsrEngine::transcribe`] call makes
//!   its own decoding state, so several channels can be transcribed at once with one copy
//!   of the weights.
//!
//! whisper.cpp's own log output is routed into `tracing` (targets under `whisper_rs`).
//!
//! [`AsrConfig::window_s`]: callqa_core::config::AsrConfig::window_s
//! [`AsrConfig::dynamic_audio_ctx`]: callqa_core::config::AsrConfig::dynamic_audio_ctx
#![deny(missing_docs)]

pub mod ct2;
pub mod packing;

use callqa_core::config::AsrConfig;
use callqa_core::{SpeechSegment, SAMPLE_RATE};
use std::collections::HashMap;
use std::io::Read;
use std::os::raw::c_int;
use std::path::{Path, PathBuf};
use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext,
    WhisperContextParameters, WhisperError,
};

/// Full encoder context of Whisper (30 s at 50 frames per second).
const FULL_AUDIO_CTX: usize = 1500;

/// Why speech recognition failed.
#[derive(Debug, thiserror::Error)]
pub enum AsrError {
    /// The model file does not exist.
    #[error(
        "Whisper model {path} not found (run scripts/setup.sh, or pass a ggml model with --model)"
    )]
    ModelMissing {
        /// The path that was tried.
        path: PathBuf,
    },
    /// The file exists but is not a whisper.cpp ggml model.
    #[error("{path} is not a whisper.cpp ggml model: {reason}")]
    NotGgml {
        /// The model path.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// whisper.cpp could not load the model.
    #[error("whisper.cpp could not load model {path}: {source}")]
    ModelLoad {
        /// The model path.
        path: PathBuf,
        /// whisper-rs error.
        #[source]
        source: WhisperError,
    },
    /// The language code is not one Whisper knows.
    #[error("unknown Whisper language code {0:?}")]
    UnknownLanguage(String),
    /// A bug met while transcribing (a Rust panic, caught): the call gets an error row
    /// and the batch goes on.
    #[error("internal error while transcribing (please report it): {0}")]
    Panic(String),
    /// The CTranslate2 engine cannot run here (its plug-in or libctranslate2 is missing).
    #[error("{reason}")]
    Ct2Unavailable {
        /// What was tried and why it failed.
        reason: String,
    },
    /// CTranslate2 could not load the model directory (engine `ct2`).
    #[error("CTranslate2 could not load the Whisper model {path}: {reason}")]
    Ct2Load {
        /// The model directory.
        path: PathBuf,
        /// What CTranslate2 (or the vocabulary reader) said.
        reason: String,
    },
    /// CTranslate2 failed while transcribing (engine `ct2`).
    #[error("CTranslate2 failed while {during}: {message}")]
    Ct2 {
        /// What was being done.
        during: &'static str,
        /// CTranslate2's message.
        message: String,
    },
    /// Inference failed.
    #[error("whisper.cpp failed while {during}: {source}")]
    Whisper {
        /// What was being done.
        during: &'static str,
        /// whisper-rs error.
        #[source]
        source: WhisperError,
    },
}

impl AsrError {
    /// Short machine-readable kind for error rows: `model_missing`, `model_load`,
    /// `language`, `whisper`, `ct2` or `panic`.
    pub fn kind(&self) -> &'static str {
        match self {
            AsrError::ModelMissing { .. } => "model_missing",
            AsrError::NotGgml { .. }
            | AsrError::ModelLoad { .. }
            | AsrError::Ct2Load { .. }
            | AsrError::Ct2Unavailable { .. } => "model_load",
            AsrError::Ct2 { .. } => "ct2",
            AsrError::UnknownLanguage(_) => "language",
            AsrError::Whisper { .. } => "whisper",
            AsrError::Panic(_) => "panic",
        }
    }
}

/// The recognised text of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelTranscript {
    /// Language code: the one given, or the one Whisper detected (the language of most
    /// of the decoded audio); `None` when nothing was decoded.
    pub language: Option<String>,
    /// One piece per VAD segment that received text, in time order.
    pub pieces: Vec<AsrPiece>,
    /// Number of Whisper windows decoded.
    pub windows: usize,
    /// Seconds of audio fed to Whisper (speech, inserted gaps and padding).
    pub audio_s_decoded: f64,
}

/// The text of one VAD speech segment.
#[derive(Debug, Clone, PartialEq)]
pub struct AsrPiece {
    /// Start of the VAD segment, seconds from the channel start.
    pub start_s: f64,
    /// End of the VAD segment, seconds from the channel start.
    pub end_s: f64,
    /// Text of the tokens that fall in the segment, trimmed.
    pub text: String,
}

/// A loaded Whisper model. `Send + Sync`: share one engine between threads; each
/// [`transcribe`](AsrEngine::transcribe) call creates its own decoding state.
#[derive(Debug)]
pub struct AsrEngine {
    ctx: WhisperContext,
    cfg: AsrConfig,
    model_name: String,
}

/// whisper.cpp's build and CPU features (`AVX2 = 1 | … | LLAMAFILE = 1 | …`).
pub fn system_info() -> String {
    whisper_rs::print_system_info().to_string()
}

/// Whether Whisper knows the language code (`ru`, `en`, …).
pub fn language_supported(code: &str) -> bool {
    whisper_rs::get_lang_id(code).is_some()
}

/// Whisper's short code for a language given as a code or a name
/// (`"russian"` → `"ru"`, `"EN"` → `"en"`); `None` if Whisper does not know it.
pub fn language_code(code_or_name: &str) -> Option<&'static str> {
    let id = whisper_rs::get_lang_id(&code_or_name.trim().to_ascii_lowercase())?;
    whisper_rs::get_lang_str(id)
}

/// The whisper.cpp version linked in.
pub fn whisper_cpp_version() -> &'static str {
    whisper_rs::WHISPER_CPP_VERSION
}

/// The hyper-parameters at the start of a whisper.cpp ggml file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct GgmlHparams {
    n_vocab: i32,
    n_audio_state: i32,
    n_audio_layer: i32,
    n_text_layer: i32,
    n_mels: i32,
}

fn read_ggml_header(path: &Path) -> Result<GgmlHparams, AsrError> {
    let not_ggml = |reason: String| AsrError::NotGgml {
        path: path.to_path_buf(),
        reason,
    };
    let mut f = std::fs::File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            AsrError::ModelMissing {
                path: path.to_path_buf(),
            }
        } else {
            not_ggml(format!("cannot open: {e}"))
        }
    })?;
    // Magic 0x67676d6c ("ggml", little-endian u32), then 11 i32 hparams: n_vocab,
    // n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state,
    // n_text_head, n_text_layer, n_mels, ftype.
    let mut head = [0u8; 48];
    f.read_exact(&mut head)
        .map_err(|e| not_ggml(format!("cannot read the header: {e}")))?;
    let word = |i: usize| {
        i32::from_le_bytes([
            head[4 * i],
            head[4 * i + 1],
            head[4 * i + 2],
            head[4 * i + 3],
        ])
    };
    if word(0) as u32 != 0x6767_6d6c {
        return Err(not_ggml(format!(
            "bad magic {:02x?} (convert CTranslate2 models with scripts/ct2_to_ggml.py)",
            &head[..4]
        )));
    }
    let h = GgmlHparams {
        n_vocab: word(1),
        n_audio_state: word(3),
        n_audio_layer: word(5),
        n_text_layer: word(9),
        n_mels: word(10),
    };
    if h.n_vocab <= 0 || h.n_audio_layer <= 0 || h.n_text_layer <= 0 || h.n_mels <= 0 {
        return Err(not_ggml(format!("implausible hyper-parameters {h:?}")));
    }
    Ok(h)
}

/// Alignment heads for DTW token timestamps: the published preset when the model's
/// shape identifies a standard Whisper model, else the heads of the top half of the
/// text layers.
fn dtw_mode(h: &GgmlHparams) -> DtwMode<'static> {
    use DtwModelPreset as P;
    let en = h.n_vocab == 51864;
    let preset = match (h.n_audio_state, h.n_audio_layer, h.n_text_layer) {
        (384, 4, 4) => Some(if en { P::TinyEn } else { P::Tiny }),
        (512, 6, 6) => Some(if en { P::BaseEn } else { P::Base }),
        (768, 12, 12) => Some(if en { P::SmallEn } else { P::Small }),
        (1024, 24, 24) => Some(if en { P::MediumEn } else { P::Medium }),
        (1280, 32, 4) if h.n_mels == 128 => Some(P::LargeV3Turbo),
        (1280, 32, 32) if h.n_mels == 128 => Some(P::LargeV3),
        // large-v1 and large-v2 have the same shape but different heads.
        _ => None,
    };
    match preset {
        Some(model_preset) => DtwMode::ModelPreset { model_preset },
        None => DtwMode::TopMost {
            n_top: (h.n_text_layer / 2).max(1),
        },
    }
}

impl AsrEngine {
    /// Load a whisper.cpp ggml model (any official `ggml-*.bin`, or the one
    /// `scripts/ct2_to_ggml.py` writes). Fails with an error naming the file if it is
    /// missing or not a ggml model. `cfg` sets the packing and decoding used by
    /// [`transcribe`](AsrEngine::transcribe).
    pub fn load(model_path: &Path, cfg: &AsrConfig) -> Result<Self, AsrError> {
        whisper_rs::install_logging_hooks();
        if !model_path.is_file() {
            return Err(AsrError::ModelMissing {
                path: model_path.to_path_buf(),
            });
        }
        let hparams = read_ggml_header(model_path)?;
        let mut params = WhisperContextParameters::default();
        // Measured: flash attention is 20–35 % slower on CPU builds (and whisper.cpp
        // turns DTW off with it).
        params.flash_attn(false);
        // Optional DTW over the cross-attention of the alignment heads for token times.
        // Measured on the bench calls (windows decoded in one pass): 11 % of the run's
        // time, and words attributed to their utterance no better than by the timestamp
        // tokens (WER by turn 22.7 % with DTW, 20.6 % without), so it is off by default.
        if cfg.dtw {
            params.dtw_parameters(DtwParameters {
                mode: dtw_mode(&hparams),
                ..DtwParameters::default()
            });
        }
        let ctx = WhisperContext::new_with_params(model_path, params).map_err(|source| {
            AsrError::ModelLoad {
                path: model_path.to_path_buf(),
                source,
            }
        })?;
        let model_name = model_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| model_path.display().to_string());
        tracing::debug!(model = %model_path.display(), "loaded Whisper model");
        Ok(AsrEngine {
            ctx,
            cfg: cfg.clone(),
            model_name,
        })
    }

    /// The model's file name, e.g. `ggml-base.bin`.
    pub fn model_name(&self) -> &str {
        &self.model_name
    }

    /// The packing and decoding settings in use.
    pub fn config(&self) -> &AsrConfig {
        &self.cfg
    }

    /// A decoding session: a whisper.cpp state (key/value caches and compute buffers,
    /// about 100–200 MiB for base) to transcribe channel after channel on one thread.
    /// Keep one per worker thread rather than one per call: creating a state allocates
    /// and measures its buffers.
    pub fn session(&self) -> Result<AsrSession<'_>, AsrError> {
        let state = self
            .ctx
            .create_state()
            .map_err(|source| AsrError::Whisper {
                during: "creating a decoding state",
                source,
            })?;
        Ok(AsrSession {
            engine: self,
            state,
        })
    }

    /// Transcribe one channel in a session of its own (see [`AsrSession::transcribe`]).
    pub fn transcribe(
        &self,
        samples_16k: &[f32],
        segments: &[SpeechSegment],
        language: Option<&str>,
        threads: usize,
    ) -> Result<ChannelTranscript, AsrError> {
        self.session()?
            .transcribe(samples_16k, segments, language, threads)
    }

    fn full_params<'a>(
        &self,
        language: Option<&'a str>,
        threads: usize,
        window_s: f64,
    ) -> FullParams<'a, 'static> {
        let strategy = if self.cfg.beam_size <= 1 {
            SamplingStrategy::Greedy { best_of: 5 }
        } else {
            SamplingStrategy::BeamSearch {
                beam_size: self.cfg.beam_size.min(16) as c_int,
                patience: -1.0,
            }
        };
        // Defaults kept from whisper.cpp: temperature 0 with fallback (+0.2 up to 1.0 when
        // the entropy exceeds 2.4 or the mean log-probability is below -1), no-speech
        // threshold 0.6, suppress_blank.
        let mut p = FullParams::new(strategy);
        p.set_n_threads(threads.clamp(1, 64) as c_int);
        p.set_language(language);
        p.set_detect_language(false);
        p.set_translate(false);
        p.set_no_context(true);
        p.set_token_timestamps(true);
        // One pass per window. Without it whisper.cpp decodes again from the last
        // timestamp when the text ends before the window does; when that timestamp is
        // under 0.14 s its DTW step aborts the whole process (`filter_width <
        // a->ne[2]` in median_filter, whisper.cpp 1.8.3; found on benches/gen_calls.py
        // call_00021). Packed windows end where their speech ends, so nothing is lost.
        p.set_single_segment(true);
        p.set_suppress_blank(true);
        p.set_suppress_nst(true);
        p.set_print_special(false);
        p.set_print_progress(false);
        p.set_print_realtime(false);
        p.set_print_timestamps(false);
        if self.cfg.dynamic_audio_ctx {
            p.set_audio_ctx(audio_ctx_for(window_s) as c_int);
        }
        p
    }
}

/// A Whisper decoding state bound to its engine; see [`AsrEngine::session`].
pub struct AsrSession<'a> {
    engine: &'a AsrEngine,
    state: whisper_rs::WhisperState,
}

impl std::fmt::Debug for AsrSession<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsrSession")
            .field("model", &self.engine.model_name)
            .finish_non_exhaustive()
    }
}

impl AsrSession<'_> {
    /// Grow this state's buffers to the largest any window can make them, so that the
    /// process reaches its peak memory in its first seconds rather than hours into a
    /// batch (and a memory limit that is too low fails at once). whisper.cpp allocates
    /// these lazily and keeps them: the self-attention cache grows 7-fold (best_of + 2
    /// decoders) at the first temperature fallback, and, with `[asr] dtw`, the logits
    /// buffers grow with the longest token batch decoded so far (a window's tokens in the
    /// DTW pass, at most half the text context). For base: ~47 MiB per state in ~0.3 s,
    /// with DTW ~140 MiB in ~1.3 s.
    pub fn reserve_peak_buffers(&mut self) -> Result<(), AsrError> {
        let engine = self.engine;
        let err = |source| AsrError::Whisper {
            during: "reserving decoding buffers",
            source,
        };
        // A decode that starts above temperature 0 runs best_of decoders, as a fallback
        // does: 1.2 s of silence, no further fallback.
        let mut p = engine.full_params(Some("en"), 1, 1.2);
        p.set_temperature(0.2);
        p.set_temperature_inc(0.0);
        let silence = vec![0.0f32; 19_200];
        self.state.full(p, &silence).map_err(err)?;
        // With DTW, the longest batch decoded at once: the prompt, up to n_text_ctx / 2 - 4
        // sampled tokens and the end token, all given again to the DTW pass (logits are
        // computed for every token of a batch). Without DTW no batch is longer than the
        // prompt or the best_of decoders, which the decode above covers.
        if engine.cfg.dtw {
            let n = usize::try_from(engine.ctx.n_text_ctx()).unwrap_or(448) / 2 + 4;
            let tokens = vec![engine.ctx.token_beg(); n];
            self.state.decode(&tokens, 0, 1).map_err(err)?;
        }
        Ok(())
    }

    /// Transcribe the speech `segments` of one channel (`samples_16k`: mono, 16 kHz,
    /// channel time 0 = sample 0). `language`: a Whisper language code, or `None` (or
    /// `"auto"`) to detect it per window. `threads`: CPU threads for this call.
    ///
    /// Returns one [`AsrPiece`] per segment that received text, with the segment's
    /// bounds, in time order. Segments with no recognised text are left out.
    pub fn transcribe(
        &mut self,
        samples_16k: &[f32],
        segments: &[SpeechSegment],
        language: Option<&str>,
        threads: usize,
    ) -> Result<ChannelTranscript, AsrError> {
        let language = language
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != "auto");
        if let Some(l) = language {
            if !language_supported(l) {
                return Err(AsrError::UnknownLanguage(l.to_string()));
            }
        }
        let engine = self.engine;
        let windows = packing::plan_windows_with_context(
            segments,
            samples_16k.len(),
            SAMPLE_RATE,
            engine.cfg.window_s,
            engine.cfg.gap_s,
            engine.cfg.context_s,
        );
        let mut out = ChannelTranscript {
            language: language.map(str::to_string),
            pieces: Vec::new(),
            windows: windows.len(),
            audio_s_decoded: 0.0,
        };
        if windows.is_empty() {
            return Ok(out);
        }

        let state = &mut self.state;
        let eot = engine.ctx.token_eot();
        let mut texts: Vec<Vec<u8>> = vec![Vec::new(); segments.len()];
        let mut detected: HashMap<&'static str, f64> = HashMap::new();
        let sr = f64::from(SAMPLE_RATE);

        for w in &windows {
            let audio = w.audio(samples_16k);
            let win_s = w.duration_s(SAMPLE_RATE);
            out.audio_s_decoded += win_s;
            let params = engine.full_params(language, threads, win_s);
            state
                .full(params, &audio)
                .map_err(|source| AsrError::Whisper {
                    during: "decoding a window",
                    source,
                })?;
            if language.is_none() {
                if let Some(code) = whisper_rs::get_lang_str(state.full_lang_id_from_state()) {
                    *detected.entry(code).or_default() += win_s;
                }
            }
            for seg in state.as_iter() {
                // Whisper segment bounds, centiseconds in window time: the fallback for
                // tokens without a usable timestamp.
                let seg_mid = (seg.start_timestamp() + seg.end_timestamp()) as f64 / 2.0;
                let mut prev_part: Option<usize> = None;
                for i in 0..seg.n_tokens() {
                    let Some(tok) = seg.get_token(i) else {
                        continue;
                    };
                    if tok.token_id() >= eot {
                        // <|endoftext|>, <|startoftranscript|>, language, task,
                        // [_BEG_] and timestamp tokens ([_TT_…]): not text.
                        continue;
                    }
                    let Ok(bytes) = tok.to_bytes() else { continue };
                    if bytes.is_empty() || bytes.starts_with(b"[_") {
                        continue;
                    }
                    let joins_word = prev_part.is_some() && continues_word(bytes);
                    let part = if joins_word {
                        prev_part
                    } else {
                        let d = tok.token_data();
                        let t_cs = if d.t_dtw >= 0 {
                            d.t_dtw as f64
                        } else if d.t0 >= 0 && d.t1 >= d.t0 {
                            (d.t0 + d.t1) as f64 / 2.0
                        } else {
                            seg_mid
                        };
                        w.part_at(t_cs / 100.0 * sr).map(|p| p.segment)
                    };
                    if let Some(p) = part {
                        texts[p].extend_from_slice(bytes);
                        prev_part = Some(p);
                    }
                }
            }
        }

        if language.is_none() {
            out.language = detected
                .into_iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(a.0)))
                .map(|(code, _)| code.to_string());
        }
        out.pieces = pieces_from_texts(segments, texts);
        Ok(out)
    }
}

/// The pieces of a channel: each segment with the text its tokens were given (bytes
/// joined, trimmed), segments without text left out, in start order. Both engines end
/// with this.
pub(crate) fn pieces_from_texts(segments: &[SpeechSegment], texts: Vec<Vec<u8>>) -> Vec<AsrPiece> {
    let mut pieces: Vec<AsrPiece> = segments
        .iter()
        .zip(texts)
        .filter_map(|(s, bytes)| {
            let text = String::from_utf8_lossy(&bytes).trim().to_string();
            (!text.is_empty()).then_some(AsrPiece {
                start_s: s.start_s,
                end_s: s.end_s,
                text,
            })
        })
        .collect();
    pieces.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    pieces
}

/// Encoder context (frames of 20 ms) for a window of `window_s` seconds:
/// `min(1500, ceil(50 × window_s) + 64)`. Never less than the window's audio, which
/// would truncate it and make the decoder loop.
pub fn audio_ctx_for(window_s: f64) -> usize {
    // (The epsilon keeps float noise such as 50 × 1.1 = 55.000000000000007 from adding
    // a frame.)
    let frames = (50.0 * window_s.max(0.0) - 1e-6).ceil().max(0.0) as usize + 64;
    frames.min(FULL_AUDIO_CTX)
}

/// Whether a token (its bytes, not empty) continues the word before it rather than
/// starting one: such a token stays with the word's first token, so a word is never split
/// between two segments. Tokens of scripts written without spaces (CJK, whose UTF-8 lead
/// bytes are 0xE0..=0xEF) start their own and are placed by their own times.
pub(crate) fn continues_word(bytes: &[u8]) -> bool {
    bytes
        .first()
        .is_some_and(|&b| !b.is_ascii_whitespace() && !(0xE0..=0xEF).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_names_become_codes() {
        assert_eq!(language_code("russian"), Some("ru"));
        assert_eq!(language_code("EN"), Some("en"));
        assert_eq!(language_code("klingon"), None);
    }

    #[test]
    fn engine_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<AsrEngine>();
    }

    #[test]
    fn audio_ctx_covers_the_window() {
        assert_eq!(audio_ctx_for(1.1), 55 + 64);
        assert_eq!(audio_ctx_for(28.0), 1464);
        assert_eq!(audio_ctx_for(30.0), 1500);
        assert_eq!(audio_ctx_for(45.0), 1500);
        for s in [1.1, 3.3, 10.0, 27.9] {
            assert!(audio_ctx_for(s) as f64 >= 50.0 * s);
        }
    }

    #[test]
    fn missing_and_bad_models_are_named() {
        let cfg = AsrConfig::default();
        let e = AsrEngine::load(Path::new("/nonexistent/ggml-x.bin"), &cfg).unwrap_err();
        assert_eq!(e.kind(), "model_missing");
        assert!(e.to_string().contains("/nonexistent/ggml-x.bin"), "{e}");
        let dir = std::env::temp_dir().join(format!("callqa-asr-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("model.bin");
        std::fs::write(&bad, b"\x06\0\0\0 not a ggml file").unwrap();
        let e = AsrEngine::load(&bad, &cfg).unwrap_err();
        assert_eq!(e.kind(), "model_load");
        assert!(e.to_string().contains("model.bin"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
