//! Plain data passed between stages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Who speaks on a channel or in an utterance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    /// The contact-centre agent.
    Operator,
    /// The caller.
    Customer,
    /// A mono recording: both parties on one channel (no diarization yet).
    Mixed,
}

impl Speaker {
    /// The lowercase name written to Parquet and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Operator => "operator",
            Speaker::Customer => "customer",
            Speaker::Mixed => "mixed",
        }
    }
}

impl fmt::Display for Speaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Speaker {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "operator" | "agent" => Ok(Speaker::Operator),
            "customer" | "client" | "caller" => Ok(Speaker::Customer),
            "mixed" => Ok(Speaker::Mixed),
            other => Err(format!(
                "unknown speaker {other:?} (expected operator, customer or mixed)"
            )),
        }
    }
}

/// One decoded channel of a call, resampled to [`crate::SAMPLE_RATE`].
#[derive(Debug, Clone)]
pub struct Channel {
    /// Who speaks on this channel.
    pub speaker: Speaker,
    /// Mono samples in [-1, 1] at 16 kHz.
    pub samples: Vec<f32>,
}

impl Channel {
    /// Duration in seconds.
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / f64::from(crate::SAMPLE_RATE)
    }
}

/// A region of speech found by voice-activity detection, in seconds from the start of
/// the channel (which is also call time: channels of a call share one clock).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpeechSegment {
    /// Start, seconds.
    pub start_s: f64,
    /// End, seconds (exclusive).
    pub end_s: f64,
}

impl SpeechSegment {
    /// Length in seconds.
    pub fn duration_s(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// One utterance on the call timeline: a stretch of one speaker's speech with its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Utterance {
    /// Who spoke.
    pub speaker: Speaker,
    /// Start, seconds from call start.
    pub start_s: f64,
    /// End, seconds from call start.
    pub end_s: f64,
    /// Recognised (or supplied) text, as is.
    pub text: String,
}

impl Utterance {
    /// Length in seconds.
    pub fn duration_s(&self) -> f64 {
        (self.end_s - self.start_s).max(0.0)
    }
}

/// How a recording's channels map to speakers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelLayout {
    /// One channel, both parties mixed.
    Mono,
    /// Two channels, operator left, customer right.
    OperatorLeft,
    /// Two channels, customer left, operator right.
    CustomerLeft,
}

impl ChannelLayout {
    /// Name written to Parquet (`mono`, `operator_left`, `customer_left`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelLayout::Mono => "mono",
            ChannelLayout::OperatorLeft => "operator_left",
            ChannelLayout::CustomerLeft => "customer_left",
        }
    }
}

impl std::str::FromStr for ChannelLayout {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mono" | "mixed" => Ok(ChannelLayout::Mono),
            "operator_left" | "stereo" | "operator-left" => Ok(ChannelLayout::OperatorLeft),
            "customer_left" | "customer-left" => Ok(ChannelLayout::CustomerLeft),
            other => Err(format!(
                "unknown channel_layout {other:?} (expected mono, operator_left or customer_left)"
            )),
        }
    }
}

/// What is known about a call before its audio is processed (from the manifest, the
/// file system or a transcript file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallMeta {
    /// Stable key of the call.
    pub call_id: String,
    /// Operator (agent) id; empty when unknown.
    pub operator_id: Option<String>,
    /// When the call started (UTC).
    pub started_at: DateTime<Utc>,
    /// Language code (`ru`, `en`, …) or `None` for auto-detection.
    pub language: Option<String>,
    /// Channel layout override; `None` = decide from the channel count and the pipeline.
    pub channel_layout: Option<ChannelLayout>,
    /// Source path (audio or transcript), for error rows and lineage.
    pub path: String,
}
