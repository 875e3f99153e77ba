//! Hand-off types of the acoustic stage ("smile monitoring"): what `callqa-emotion`
//! computes per utterance and per call, and `callqa-features` copies into the rows.

use serde::{Deserialize, Serialize};

/// Emotion, arousal and intonation of one utterance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UtteranceAcoustics {
    /// Most probable emotion label (null when no window overlaps the utterance).
    pub emotion: Option<String>,
    /// Probability of that label (the overlap-weighted mean of the windows'), 0–1.
    pub emotion_confidence: Option<f64>,
    /// Emotion probabilities by label, in the model's label order (empty when unscored).
    pub emotion_probs: Vec<(String, f32)>,
    /// Probability of high arousal, 0–1.
    pub arousal: Option<f64>,
    /// Mean F0 of the utterance's voiced frames, Hz.
    pub f0_mean_hz: Option<f64>,
    /// F0 range (90th − 10th percentile of voiced frames), Hz.
    pub f0_range_hz: Option<f64>,
}

/// Per-call acoustic scores (`docs/SCHEMA.md`, "Smile monitoring").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallAcoustics {
    /// 0–100: the operator's mean probability of positive affect over their windows.
    pub operator_smile_index: Option<f64>,
    /// Share of the operator's windows whose top emotion is a negative one.
    pub operator_negative_share: Option<f64>,
    /// Share of the customer's windows whose top emotion is anger.
    pub customer_anger_share: Option<f64>,
    /// Highest high-arousal probability over the customer's windows.
    pub customer_arousal_max: Option<f64>,
    /// Mean high-arousal probability over the operator's windows.
    pub operator_arousal_mean: Option<f64>,
    /// Share of the customer's agitated windows after which the operator stayed calm.
    pub calm_under_pressure: Option<f64>,
    /// How much more aroused the operator is after agitated customer windows than after
    /// calm ones (−1…1).
    pub mirroring: Option<f64>,
    /// Standard deviation of the operator's F0 over the call, semitones.
    pub operator_f0_variability: Option<f64>,
    /// Windows scored (all channels).
    pub windows: u32,
    /// Which models scored the call, e.g. `emotion@38e57667+arousal@d5a50bb5`.
    pub emotion_model: String,
    /// How the operator's features were normalised (the only channel's, for mono):
    /// `operator_baseline` (their own, from earlier runs), `batch_operator` (their windows
    /// in this batch), `call` (the channel's own windows) or `population`.
    pub emotion_normalisation: String,
    /// How the customer's features were normalised (`call` or `population`); `None`
    /// without a customer channel.
    pub customer_emotion_normalisation: Option<String>,
    /// Mean probability of the top emotion over all scored windows, 0–1.
    pub emotion_confidence: Option<f64>,
}

/// The acoustic stage's output for one call: per-call scores, and one entry per utterance
/// in the order the utterances were given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AcousticResult {
    /// Per-call scores.
    pub call: CallAcoustics,
    /// Per-utterance values, parallel to the utterance slice they were computed for.
    pub utterances: Vec<UtteranceAcoustics>,
}
