//! The pipeline file (`pipelines/*.toml`): models, thresholds, channel map and the rule
//! pack, as data. Stage crates read their own section; `[rules]` is kept as a raw TOML
//! table and compiled by `callqa-rules`, so adding a rule kind never touches this crate.

use crate::types::{ChannelLayout, Speaker};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A whole pipeline file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// Name and version, written to every output row.
    pub pipeline: PipelineInfo,
    /// Channel-to-speaker map.
    #[serde(default)]
    pub channels: ChannelMap,
    /// Voice-activity detection.
    #[serde(default)]
    pub vad: VadConfig,
    /// Speech recognition.
    #[serde(default)]
    pub asr: AsrConfig,
    /// Pauses and interruptions.
    #[serde(default)]
    pub timing: TimingConfig,
    /// Emotion, arousal and intonation ("smile monitoring").
    #[serde(default)]
    pub acoustic: AcousticConfig,
    /// The rule pack (script elements), compiled by `callqa-rules`.
    #[serde(default)]
    pub rules: toml::Table,
}

/// `[pipeline]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineInfo {
    /// Pipeline name, e.g. `ru-contact-center`.
    pub name: String,
    /// Version of the rule pack; bump it when rules change so BI can compare like with like.
    pub version: String,
    /// Default language code for ASR (`ru`, `en`, … or `auto`).
    #[serde(default = "default_language")]
    pub language: String,
}

fn default_language() -> String {
    "auto".into()
}

/// `[channels]`: how stereo files map to speakers.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelMap {
    /// Layout of two-channel files (`operator_left` or `customer_left`).
    #[serde(default = "default_stereo")]
    pub stereo: ChannelLayout,
}

fn default_stereo() -> ChannelLayout {
    ChannelLayout::OperatorLeft
}

impl Default for ChannelMap {
    fn default() -> Self {
        ChannelMap {
            stereo: default_stereo(),
        }
    }
}

impl ChannelLayout {
    /// Speakers of the channels, in channel order.
    pub fn speakers(self) -> &'static [Speaker] {
        match self {
            ChannelLayout::Mono => &[Speaker::Mixed],
            ChannelLayout::OperatorLeft => &[Speaker::Operator, Speaker::Customer],
            ChannelLayout::CustomerLeft => &[Speaker::Customer, Speaker::Operator],
        }
    }
}

/// `[vad]`: Silero VAD post-processing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VadConfig {
    /// Speech probability at or above which a frame is speech.
    pub threshold: f32,
    /// Speech shorter than this is dropped, seconds.
    pub min_speech_s: f64,
    /// Silence shorter than this inside speech does not split a segment, seconds.
    pub min_silence_s: f64,
    /// Padding added to both ends of a segment, seconds.
    pub pad_s: f64,
}

impl Default for VadConfig {
    fn default() -> Self {
        VadConfig {
            threshold: 0.5,
            min_speech_s: 0.25,
            min_silence_s: 0.5,
            pad_s: 0.1,
        }
    }
}

/// `[asr]`: Whisper decoding.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AsrConfig {
    /// Speech segments of a channel are packed into windows of at most this many seconds.
    pub window_s: f64,
    /// Silence inserted between packed segments, seconds.
    pub gap_s: f64,
    /// Size the encoder context to the window (`true`) or always use the full 30 s.
    pub dynamic_audio_ctx: bool,
    /// Beam size; 1 = greedy.
    pub beam_size: u32,
}

impl Default for AsrConfig {
    fn default() -> Self {
        AsrConfig {
            window_s: 28.0,
            gap_s: 0.3,
            dynamic_audio_ctx: true,
            beam_size: 1,
        }
    }
}

/// `[timing]`: pauses and interruptions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TimingConfig {
    /// A gap where nobody talks at least this long is a long pause, seconds.
    pub pause_threshold_s: f64,
    /// An overlap at least this long is an interruption, seconds.
    pub interruption_min_overlap_s: f64,
    /// Utterances shorter than this are backchannels and never interrupt, seconds.
    pub backchannel_max_s: f64,
}

impl Default for TimingConfig {
    fn default() -> Self {
        TimingConfig {
            pause_threshold_s: 5.0,
            interruption_min_overlap_s: 1.0,
            backchannel_max_s: 1.0,
        }
    }
}

/// `[acoustic]`: emotion / arousal classifiers on windows of each channel's speech, and
/// the per-call scores built from them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AcousticConfig {
    /// Run the acoustic stage (`false` leaves every acoustic column null).
    pub enabled: bool,
    /// Emotion model spec (JSON); relative paths are resolved against the pipeline
    /// file's folder. Default: the shipped `models/emotion.json`.
    pub emotion_model: Option<PathBuf>,
    /// Arousal model spec (JSON), resolved like `emotion_model`. Default: the shipped
    /// `models/arousal.json`.
    pub arousal_model: Option<PathBuf>,
    /// Window length, seconds. Speech regions shorter than this are one window.
    pub window_s: f64,
    /// Hop between windows of one speech region, seconds.
    pub hop_s: f64,
    /// Speech regions (and region tails) shorter than this are not scored, seconds.
    pub min_window_s: f64,
    /// Worker threads for feature extraction (windows of a call run in parallel).
    pub threads: usize,
    /// ONNX Runtime intra-op threads per model.
    pub ort_threads: usize,
    /// Windows per model call.
    pub batch_size: usize,
    /// Emotion labels that count as friendly / positive affect (`operator_smile_index`).
    pub positive_labels: Vec<String>,
    /// Emotion labels that count as negative affect (`operator_negative_share`).
    pub negative_labels: Vec<String>,
    /// Emotion label of anger (`customer_anger_share`).
    pub anger_label: String,
    /// Arousal label of high arousal.
    pub high_arousal_label: String,
    /// A window whose high-arousal probability is at least this is "agitated".
    pub high_arousal_threshold: f64,
    /// After an agitated customer window, the operator's windows starting within this many
    /// seconds are the operator's response (`calm_under_pressure`, `mirroring`).
    pub response_s: f64,
}

impl Default for AcousticConfig {
    fn default() -> Self {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
        AcousticConfig {
            enabled: true,
            emotion_model: None,
            arousal_model: None,
            window_s: 3.0,
            hop_s: 1.5,
            min_window_s: 0.5,
            threads: 1,
            ort_threads: 1,
            batch_size: 32,
            positive_labels: s(&["happiness"]),
            negative_labels: s(&["anger", "disgust", "fear", "sadness", "boredom"]),
            anger_label: "anger".into(),
            high_arousal_label: "high".into(),
            high_arousal_threshold: 0.5,
            response_s: 5.0,
        }
    }
}

impl AcousticConfig {
    /// Check values a run cannot work with; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.window_s > 0.0 && self.window_s.is_finite()) {
            return Err(format!(
                "[acoustic] window_s must be > 0, got {}",
                self.window_s
            ));
        }
        if !(self.hop_s > 0.0 && self.hop_s <= self.window_s) {
            return Err(format!(
                "[acoustic] hop_s must be > 0 and <= window_s, got {}",
                self.hop_s
            ));
        }
        if !(0.05..=self.window_s).contains(&self.min_window_s) {
            return Err(format!(
                "[acoustic] min_window_s must be in 0.05..=window_s, got {}",
                self.min_window_s
            ));
        }
        if !(0.0..=1.0).contains(&self.high_arousal_threshold) {
            return Err(format!(
                "[acoustic] high_arousal_threshold must be in 0..=1, got {}",
                self.high_arousal_threshold
            ));
        }
        if self.response_s.is_nan() || self.response_s <= 0.0 {
            return Err(format!(
                "[acoustic] response_s must be > 0, got {}",
                self.response_s
            ));
        }
        if self.threads == 0 || self.ort_threads == 0 || self.batch_size == 0 {
            return Err("[acoustic] threads, ort_threads and batch_size must be >= 1".into());
        }
        Ok(())
    }
}

/// Why a pipeline file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Read error.
    #[error("cannot read pipeline file {path}: {source}")]
    Io {
        /// File path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// TOML or schema error.
    #[error("pipeline file {path}: {message}")]
    Parse {
        /// File path.
        path: String,
        /// Cause, with line and column.
        message: String,
    },
}

impl PipelineConfig {
    /// Load a pipeline file.
    pub fn from_path(path: &Path) -> Result<Self, ConfigError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: p.clone(),
            source,
        })?;
        Self::from_toml(&text, &p)
    }

    /// Parse pipeline TOML; `path` is only used in error messages.
    pub fn from_toml(text: &str, path: &str) -> Result<Self, ConfigError> {
        let cfg: PipelineConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        cfg.acoustic
            .validate()
            .map_err(|message| ConfigError::Parse {
                path: path.to_string(),
                message,
            })?;
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_file_gets_defaults() {
        let c = PipelineConfig::from_toml("[pipeline]\nname='x'\nversion='1'\n", "p.toml").unwrap();
        assert_eq!(c.timing.pause_threshold_s, 5.0);
        assert_eq!(c.channels.stereo, ChannelLayout::OperatorLeft);
        assert_eq!(c.pipeline.language, "auto");
    }

    #[test]
    fn bad_acoustic_values_are_errors_naming_the_key() {
        let e = PipelineConfig::from_toml(
            "[pipeline]\nname='x'\nversion='1'\n[acoustic]\nhop_s=5.0\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("p.toml") && e.contains("hop_s"), "{e}");
        let c = PipelineConfig::from_toml("[pipeline]\nname='x'\nversion='1'\n", "p.toml").unwrap();
        assert!(c.acoustic.enabled && c.acoustic.window_s == 3.0);
    }

    #[test]
    fn unknown_key_is_an_error_naming_the_file() {
        let e = PipelineConfig::from_toml(
            "[pipeline]\nname='x'\nversion='1'\n[timing]\npause_treshold_s=3\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("p.toml") && e.contains("pause_treshold_s"),
            "{e}"
        );
    }
}
