//! Shared types of the callqa pipeline.
//!
//! Every stage crate (audio, VAD, ASR, rules, features, Parquet sink) depends on this
//! crate and on no other stage, so the stages can be tested, swapped and benchmarked on
//! their own. The types here are the hand-off points of the flow:
//!
//! ```text
//! audio file --decode--> Channel (16 kHz f32) --VAD--> SpeechSegment
//!   --ASR--> Utterance --rules + timing--> CallFeatures + UtteranceRow --> Parquet
//! ```
//!
//! A bring-your-own transcript ([`Transcript`]) enters the same flow at the utterance
//! stage, which is why its JSON format is defined here rather than in the CLI.
#![deny(missing_docs)]

pub mod acoustic;
pub mod config;
pub mod failpoint;
pub mod ids;
pub mod paths;
pub mod rows;
pub mod transcript;
pub mod types;

pub use acoustic::{AcousticResult, CallAcoustics, UtteranceAcoustics};
pub use config::{
    AcousticConfig, ChannelMap, ChannelTarget, DiarizationConfig, InputConfig, PipelineConfig,
    ProcessWeights, RoleRule, ScoresConfig, ServiceLevelConfig, SmileWeights,
};
pub use failpoint::{abort_point, failpoint, panic_point};
pub use ids::{check_call_id, file_name_for, MAX_CALL_ID_BYTES};
pub use rows::{CallFeatures, ErrorRow, UtteranceRow};
pub use transcript::{Transcript, TranscriptError, TranscriptUtterance};
pub use types::*;

/// The sample rate every stage after decoding works at (Whisper and Silero VAD expect it).
pub const SAMPLE_RATE: u32 = 16_000;
