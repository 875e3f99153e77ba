//! The typed hand-offs between the stages of a run:
//!
//! ```text
//! CallInput ──Preparer──▶ PreparedCall ──Whisper workers──▶ TranscribedCall ──Assembler──▶ CallRecord
//!  (meta + ledger ticket)   (16 kHz channels,                 (utterances,                   (rows, warnings,
//!                            speech segments,                   language,                     voice statistics)
//!                            acoustic features)                 acoustic features
//!                                                               → scores, by the run's
//!                                                               DeferredScorer)
//! ```
//!
//! Every stage either hands the next value on or fails with [`Failed`], which keeps the
//! [`CallInput`] so the failure can be committed with the input's ticket. `callqa
//! analyze` enters at [`TranscribedCall`], built from a transcript.

use crate::failure::CallFailure;
use callqa_core::{CallFeatures, CallMeta, Channel, ChannelLayout, ErrorRow};
use callqa_core::{SpeechSegment, Utterance, UtteranceRow};
use callqa_dataset::Ticket;
use callqa_diarize::Split;
use callqa_emotion::{ChannelFeatures, ChannelScores, SpeakerBaseline};

/// An input the run will process: what is known of the call, and the ledger's ticket for
/// committing its result.
#[derive(Debug)]
pub struct CallInput {
    /// The call.
    pub meta: CallMeta,
    /// Commits its result ([`callqa_dataset::Output::commit`]).
    pub ticket: Ticket,
}

/// A stage's failure on one call, with the input it failed on.
#[derive(Debug)]
pub struct Failed {
    /// The input.
    pub input: CallInput,
    /// What went wrong, and where.
    pub failure: CallFailure,
}

impl Failed {
    /// The `errors/` row.
    pub fn row(&self) -> ErrorRow {
        self.failure.clone().into_row(&self.input.meta)
    }
}

/// What one stage gives: the next value, or the failure of the call.
pub type Step<T> = Result<T, Box<Failed>>;

/// The acoustic stage's outcome on a call: per-channel window scores, or the failure
/// (the call is still written, with null acoustic columns).
pub type Acoustic = Result<Vec<ChannelScores>, CallFailure>;

/// The acoustic stage's first half: per-channel window features, not yet scored (the
/// run scores them once the operator's voice statistics are known: batch calibration,
/// `callqa_emotion::DeferredScorer`), or the failure.
pub type AcousticFeatures = Result<Vec<ChannelFeatures>, CallFailure>;

/// A call after decoding, VAD and the acoustic stage, waiting for speech recognition.
#[derive(Debug)]
pub struct PreparedCall {
    /// The input.
    pub input: CallInput,
    /// How its channels map to speakers.
    pub layout: ChannelLayout,
    /// Audio length, seconds.
    pub duration_s: f64,
    /// Each channel at 16 kHz with its speech segments.
    pub channels: Vec<(Channel, Vec<SpeechSegment>)>,
    /// `None` when the acoustic stage is off.
    pub acoustic: Option<AcousticFeatures>,
    /// Seconds the acoustic stage took.
    pub acoustic_s: f64,
    /// A mono call's diarization: its channels are then one per speaker.
    pub diarized: Option<Split>,
    /// Why diarization failed (the call goes on as one `mixed` channel, with this
    /// warning).
    pub diarization_failure: Option<CallFailure>,
}

/// A call with its words: from Whisper (`callqa run`) or from a transcript (`callqa
/// analyze`).
#[derive(Debug)]
pub struct TranscribedCall {
    /// The input.
    pub input: CallInput,
    /// How its channels map to speakers.
    pub layout: ChannelLayout,
    /// Audio length, seconds.
    pub duration_s: f64,
    /// The call's language (asked for, detected, or the transcript's).
    pub language: Option<String>,
    /// Utterances of every speaker, in time order.
    pub utterances: Vec<Utterance>,
    /// The Whisper model that transcribed it (`None` for a transcript).
    pub asr_model: Option<String>,
    /// The acoustic features, until the run scores them (`None` when the stage did not
    /// run or they were scored).
    pub acoustic_features: Option<AcousticFeatures>,
    /// The acoustic stage's outcome (`None` when it did not run or is not done).
    pub acoustic: Option<Acoustic>,
    /// Seconds the acoustic stage took.
    pub acoustic_s: f64,
    /// A mono call's diarization (`None` for stereo calls and transcripts).
    pub diarized: Option<Split>,
    /// With `diarized`: the channel (speaker) each utterance came from, parallel to
    /// `utterances`.
    pub channel_of: Vec<usize>,
    /// Why diarization failed (a warning: the call is written as one `mixed` channel).
    pub diarization_failure: Option<CallFailure>,
}

/// A finished call: its rows, ready to commit, and what the run learns from it.
#[derive(Debug)]
pub struct CallRecord {
    /// The input.
    pub input: CallInput,
    /// The `calls/` row.
    pub call: CallFeatures,
    /// The `utterances/` rows.
    pub utterances: Vec<UtteranceRow>,
    /// Error rows of stages that were left out (the acoustic stage): the call is written.
    pub warnings: Vec<ErrorRow>,
    /// Audio length, seconds.
    pub audio_s: f64,
    /// Windows the acoustic stage scored and the seconds it took, when it ran.
    pub acoustic_work: Option<(u32, f64)>,
    /// Voice statistics of the operator named by the call, to fold into their baseline
    /// once the call is committed.
    pub operator_voice: Option<(String, Vec<SpeakerBaseline>)>,
    /// The operator's voice embedding from a diarized mono call whose roles are near
    /// certain, to fold into their voiceprint once the call is committed.
    pub operator_voiceprint: Option<(String, callqa_diarize::Embedding)>,
}

/// The operator id of a call, when it names one (trimmed, non-empty).
pub fn operator_of(meta: &CallMeta) -> Option<&str> {
    meta.operator_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}
