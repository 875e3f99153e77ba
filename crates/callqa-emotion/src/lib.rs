//! Utterance-level emotion and arousal, and pitch-based intonation measures.
//!
//! An operator's tone is part of service quality that the transcript cannot show: an
//! angry or flat voice reads the same on paper as a friendly one. This crate scores each
//! utterance's voice with small ONNX classifiers and measures its intonation:
//!
//! * [`features::extract`] turns 16 kHz samples into the 181 functionals of feature set
//!   `callqa-emo-v2` (log-mels, MFCCs, energy, spectral shape, F0, deltas, and the
//!   eGeMAPS voice-quality, loudness and timing descriptors: jitter, shimmer, HNR,
//!   formants, spectral balance, F0 slopes, segment lengths) and a [`Pitch`]
//!   summary (F0 mean, range, variability). The same definition lives in
//!   `scripts/train_emotion.py`, which trains the shipped models, and a parity test keeps
//!   the two identical, so a model sees at inference what it saw in training.
//! * [`SpeakerBaseline`] z-scores features against the speaker's own mean and std. Each
//!   voice has its own baseline pitch, loudness and tempo; removing it is worth more than
//!   the classifier (on EmoDB, leave-one-speaker-out, see `models/emotion.md`). In a
//!   contact centre each operator has hundreds of calls, so the baseline is kept per
//!   `operator_id` across runs ([`BaselineStore`]); a customer heard once has none and is
//!   compared with the population statistics in the model spec, which is less reliable.
//! * [`analysis`]: the pipeline stage. Windows of each channel's speech are scored
//!   ([`Analyzer`]) and turned into per-utterance values and per-call scores ([`Scorer`]).
//! * [`Classifier`] loads a model through `callqa-onnx` from a small JSON [`ModelSpec`]
//!   (`models/emotion.json`, `models/arousal.json`): input name and size, labels, output
//!   kind, normalisation. A stronger model exported to ONNX, on these features or on the
//!   raw waveform, is swapped in by editing the spec, without recompiling.
//!
//! The shipped models are trained on acted German speech (EmoDB), with a simulated
//! telephone channel; read their model cards before trusting a single score.
#![deny(missing_docs)]

pub mod analysis;
mod baseline;
pub mod calibrate;
pub mod features;
mod model;
pub mod store;
mod voice;

pub use analysis::{Analyzer, ChannelFeatures, ChannelScores, Scorer, WindowScore};
pub use baseline::SpeakerBaseline;
pub use calibrate::{
    BatchCalibrator, CalibrationConfig, DeferredScorer, Norm, NormSource, PendingCall, ReadyCall,
    Scored,
};
pub use features::{
    extract, f0_summary, pitch_track, Features, Pitch, FEATURE_SET, N_FEATURES, SAMPLE_RATE,
};
pub use model::{Classifier, InputKind, ModelSpec, Normalisation, NormalisationKind, OutputKind};
pub use store::BaselineStore;

use callqa_onnx::OnnxError;

/// Why features, a baseline or a classifier failed.
#[derive(Debug, thiserror::Error)]
pub enum EmotionError {
    /// The utterance is shorter than one analysis frame.
    #[error("utterance too short for emotion features: {samples} samples, need {min}")]
    TooShort {
        /// Samples given.
        samples: usize,
        /// Samples needed.
        min: usize,
    },
    /// Input values the computation cannot use (non-finite samples, wrong vector size).
    #[error("bad input: {0}")]
    BadInput(String),
    /// The model spec is missing, unreadable or inconsistent.
    #[error("bad model spec {path}: {message}")]
    Spec {
        /// Spec path.
        path: String,
        /// Cause.
        message: String,
    },
    /// ONNX Runtime or the model could not be loaded.
    #[error(transparent)]
    Load(#[from] OnnxError),
    /// Inference failed or gave an output that does not match the spec.
    #[error("emotion inference failed: {0}")]
    Inference(String),
}

impl EmotionError {
    /// Short kind for error rows.
    pub fn kind(&self) -> &'static str {
        match self {
            EmotionError::TooShort { .. } => "too_short",
            EmotionError::BadInput(_) => "bad_input",
            EmotionError::Spec { .. } => "model_spec",
            EmotionError::Load(_) => "model_load",
            EmotionError::Inference(_) => "inference",
        }
    }
}
