//! The pipeline file (`pipelines/*.toml`): models, thresholds, channel map and the rule
//! pack, as data. Stage crates read their own section; `[rules]` is kept as a raw TOML
//! table and compiled by `callqa-rules`, so adding a rule kind never touches this crate.

use crate::types::{ChannelLayout, Speaker};
use serde::{Deserialize, Serialize};
use std::path::Path;

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
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_string(),
            message: e.to_string(),
        })
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
