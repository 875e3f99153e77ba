//! The rows written to Parquet. One struct per table; `docs/SCHEMA.md` documents every
//! field, and `callqa-parquet` maps each field to one column of the same name.
//! Adding a column = a field here, its computation in `callqa-features` or `callqa-rules`,
//! its column in `callqa-parquet`, and a line in `docs/SCHEMA.md`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One row of `calls/`: per-call quality features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallFeatures {
    /// Stable key of the call.
    pub call_id: String,
    /// Operator id, if known.
    pub operator_id: Option<String>,
    /// Call start, UTC.
    pub started_at: DateTime<Utc>,
    /// UTC date of `started_at`: the partition key.
    pub call_date: NaiveDate,
    /// Length of the recording (or last utterance end for transcripts), seconds.
    pub duration_s: f64,
    /// `mono`, `operator_left` or `customer_left`.
    pub channel_layout: String,
    /// Language code used or detected.
    pub language: Option<String>,
    /// Operator speech time, seconds (null for mono calls that were not diarized into two speakers).
    pub operator_talk_s: Option<f64>,
    /// Customer speech time, seconds (null for mono calls that were not diarized into two speakers).
    pub customer_talk_s: Option<f64>,
    /// Time where nobody talks, seconds.
    pub silence_s: f64,
    /// Gaps where nobody talks of at least `pause_threshold_s`.
    pub long_pauses: u32,
    /// Longest gap where nobody talks, seconds.
    pub longest_pause_s: f64,
    /// Times the operator started talking over the customer (null for mono).
    pub operator_interruptions: Option<u32>,
    /// Times the customer started talking over the operator (null for mono).
    pub customer_interruptions: Option<u32>,
    /// The operator greeted within the greeting window.
    pub greeting: bool,
    /// When the greeting started, seconds from call start.
    pub greeting_at_s: Option<f64>,
    /// The operator named the company or themselves.
    pub self_introduction: bool,
    /// The operator thanked the customer in the closing part.
    pub thanks: bool,
    /// The operator offered to rate the call / take a survey in the closing part.
    pub survey_offer: bool,
    /// The operator said goodbye in the closing part.
    pub farewell: bool,
    /// Questions asked by the customer (null when the pack has no `[rules.questions]`).
    pub customer_questions: Option<u32>,
    /// Customer questions whose reply was concrete (null without `[rules.answers]`).
    pub concrete_answers: Option<u32>,
    /// Customer questions whose reply was vague (null without `[rules.answers]`).
    pub vague_answers: Option<u32>,
    /// Customer questions left open when the customer asked another one or the call
    /// ended (null without `[rules.answers]`); `customer_questions = concrete_answers +
    /// vague_answers + unanswered_questions`.
    pub unanswered_questions: Option<u32>,
    /// The customer complained (null when the pack has no `[rules.complaints]`).
    pub complaint: Option<bool>,
    /// Complaint types found (`service`, `supervisor`, `formal`, `repeat`, `churn`, …:
    /// the pack's `[rules.complaints.<type>]` names); empty without a complaint, null
    /// without `[rules.complaints]`.
    pub complaint_types: Option<Vec<String>>,
    /// Personal-data placeholders written into this call's utterances (`[PHONE]`, …);
    /// null when redaction is off (`[redaction] enabled = false`).
    pub pii_redactions: Option<u32>,
    /// 0–100: the operator's mean probability of positive (friendly) affect.
    pub operator_smile_index: Option<f64>,
    /// Share of the operator's speech windows with a negative top emotion.
    pub operator_negative_share: Option<f64>,
    /// Share of the customer's speech windows whose top emotion is anger.
    pub customer_anger_share: Option<f64>,
    /// Highest high-arousal probability of the customer's windows.
    pub customer_arousal_max: Option<f64>,
    /// Mean high-arousal probability of the operator's windows.
    pub operator_arousal_mean: Option<f64>,
    /// Share of the customer's agitated windows after which the operator stayed calm
    /// (null when the customer never got agitated or the operator never answered).
    pub calm_under_pressure: Option<f64>,
    /// Operator arousal after agitated customer windows minus after calm ones (−1…1).
    pub mirroring: Option<f64>,
    /// Standard deviation of the operator's F0 over the call, semitones.
    pub operator_f0_variability: Option<f64>,
    /// Emotion/arousal models that scored the call (null when the stage did not run).
    pub emotion_model: Option<String>,
    /// What the operator's voice was compared with: `operator_baseline`,
    /// `batch_operator`, `call` or `population` (docs/SCHEMA.md).
    pub emotion_normalisation: Option<String>,
    /// Diarization of a mono call: the speaker encoder that split it, e.g.
    /// `resemblyzer_ge2e@38baf38f` (null for stereo calls and imported transcripts).
    pub diarization: Option<String>,
    /// Speakers the diarization found (null when it did not run).
    pub speakers: Option<u32>,
    /// How the operator was told from the customer on a diarized call: `words`, `voice`,
    /// `words+voice`, `first_speaker` or `fixed` (null when there were not two speakers).
    pub role_method: Option<String>,
    /// Probability that the roles are right, 0.5–1 (null with `role_method`).
    pub role_confidence: Option<f64>,
    /// What the customer's voice was compared with: `call` or `population`.
    pub customer_emotion_normalisation: Option<String>,
    /// Mean probability of the top emotion over the call's scored windows, 0–1.
    pub emotion_confidence: Option<f64>,
    /// ASR model file name, or null for imported transcripts.
    pub asr_model: Option<String>,
    /// Pipeline name.
    pub pipeline: String,
    /// Pipeline (rule pack) version.
    pub pipeline_version: String,
    /// When this row was computed, UTC.
    pub processed_at: DateTime<Utc>,
}

/// One row of `utterances/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UtteranceRow {
    /// Call key.
    pub call_id: String,
    /// Partition key (same as the call's).
    pub call_date: NaiveDate,
    /// Position on the call timeline, from 0.
    pub idx: u32,
    /// `operator`, `customer` or `mixed`.
    pub speaker: String,
    /// Start, seconds from call start.
    pub start_s: f64,
    /// End, seconds from call start.
    pub end_s: f64,
    /// Text.
    pub text: String,
    /// Script elements matched in this utterance, e.g. `greeting`, `survey_offer`,
    /// `interruption`, with the cue where useful (`greeting:здравствуйте`).
    pub tags: Vec<String>,
    /// Most probable emotion (null when not scored).
    pub emotion: Option<String>,
    /// Emotion probabilities by label (empty when not scored; written as a MAP).
    pub emotion_probs: Vec<(String, f32)>,
    /// Probability of high arousal, 0–1.
    pub arousal: Option<f64>,
    /// Mean F0 of the voiced frames, Hz.
    pub f0_mean_hz: Option<f64>,
    /// F0 range (p90 − p10 of voiced frames), Hz.
    pub f0_range_hz: Option<f64>,
    /// Probability of `emotion`, 0–1.
    pub emotion_confidence: Option<f64>,
}

/// One row of `errors/`: an input that could not be processed, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRow {
    /// Call key if known (file stem or manifest value), else empty.
    pub call_id: String,
    /// Partition key, when the call's date is known.
    pub call_date: Option<NaiveDate>,
    /// Input path.
    pub path: String,
    /// Stage that failed: `manifest`, `decode`, `vad`, `asr`, `transcript`, `features`, `write`.
    pub stage: String,
    /// Short machine-readable kind, e.g. `empty`, `truncated`, `unsupported_format`.
    pub error_kind: String,
    /// Human-readable message naming the file and the cause.
    pub message: String,
    /// When the error was recorded, UTC.
    pub processed_at: DateTime<Utc>,
}
