//! Model specs and the ONNX classifier.

use crate::features::{FEATURE_SET, N_FEATURES, SAMPLE_RATE};
use crate::{EmotionError, SpeakerBaseline};
use callqa_onnx::ort::value::TensorRef;
use callqa_onnx::{Environment, Session};
use ndarray::Array2;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What the model takes as input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// `float32 [N, n_features]` feature vectors of the spec's `feature_set`
    /// (this build computes `callqa-emo-v2`), normalised as the spec says.
    Functionals,
    /// `float32 [1, samples]` raw 16 kHz mono waveform of one utterance (e.g. an exported
    /// wav2vec2-style SER model); no normalisation is applied.
    Waveform,
}

/// What the model's output holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    /// Class probabilities (used as they are).
    Probabilities,
    /// Unnormalised scores (softmax is applied).
    Logits,
}

/// How feature vectors are normalised before the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NormalisationKind {
    /// z-score by the speaker's own baseline ([`crate::SpeakerBaseline`]).
    SpeakerZ,
    /// Raw features (the model normalises inside, or needs none).
    None,
}

/// The spec's `normalisation` block.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Normalisation {
    /// Kind of normalisation.
    pub kind: NormalisationKind,
    /// Utterances a speaker baseline should hold before it is trusted.
    #[serde(default)]
    pub min_utterances: u64,
    /// Floor for a feature's standard deviation.
    #[serde(default = "default_floor")]
    pub std_floor: f64,
    /// Mean of each feature over the training speakers: the cold-start baseline for a
    /// speaker without enough history (every customer, a new operator).
    #[serde(default)]
    pub population_mean: Option<Vec<f64>>,
    /// Population standard deviation of each feature over the training speakers.
    #[serde(default)]
    pub population_std: Option<Vec<f64>>,
}

impl Normalisation {
    /// The population baseline, when the spec has one.
    pub fn population(&self) -> Option<Result<SpeakerBaseline, EmotionError>> {
        let (m, s) = (
            self.population_mean.as_ref()?,
            self.population_std.as_ref()?,
        );
        Some(SpeakerBaseline::from_stats(
            m.clone(),
            s,
            self.min_utterances.max(1),
            self.std_floor,
        ))
    }
}

fn default_floor() -> f64 {
    1e-6
}

/// A model's description, read from the JSON beside it (`models/emotion.json`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ModelSpec {
    /// Short name (`emotion`, `arousal`).
    pub name: String,
    /// ONNX file, relative to the spec's folder (or absolute).
    pub model: PathBuf,
    /// Input kind.
    pub input_kind: InputKind,
    /// Feature set the model was trained on (required for functionals).
    #[serde(default)]
    pub feature_set: Option<String>,
    /// Sample rate the model expects (must be 16000).
    pub sample_rate_hz: u32,
    /// Name of the input tensor.
    pub input: String,
    /// Size of a feature vector (functionals only).
    #[serde(default)]
    pub n_features: Option<usize>,
    /// Name of the output tensor `[N, labels.len()]`.
    pub output: String,
    /// Whether the output holds probabilities or logits.
    pub output_kind: OutputKind,
    /// Class labels, in output order.
    pub labels: Vec<String>,
    /// Normalisation of the input features.
    pub normalisation: Normalisation,
    /// SHA-256 of the ONNX file, as written by the training script (provenance: the
    /// first 8 hex digits go into the `emotion_model` column).
    #[serde(default)]
    pub sha256: Option<String>,
    /// A second ONNX file (same input and output) for speakers normalised by the
    /// population statistics, relative to the spec's folder; `None`: `model` serves both.
    #[serde(default)]
    pub population_model: Option<PathBuf>,
    /// SHA-256 of `population_model`.
    #[serde(default)]
    pub population_model_sha256: Option<String>,
}

impl ModelSpec {
    /// Read and check a spec; the model path is resolved against the spec's folder.
    pub fn load(path: &Path) -> Result<Self, EmotionError> {
        let err = |message: String| EmotionError::Spec {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let mut spec: ModelSpec = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
        let dir = path.parent().unwrap_or_else(|| Path::new("."));
        if spec.model.is_relative() {
            spec.model = dir.join(&spec.model);
        }
        if let Some(p) = spec.population_model.as_mut().filter(|p| p.is_relative()) {
            *p = dir.join(&*p);
        }
        spec.validate().map_err(err)?;
        Ok(spec)
    }

    fn validate(&self) -> Result<(), String> {
        if self.labels.len() < 2 {
            return Err("needs at least two labels".into());
        }
        if self.sample_rate_hz != SAMPLE_RATE {
            return Err(format!(
                "sample_rate_hz {} unsupported (callqa audio is {SAMPLE_RATE})",
                self.sample_rate_hz
            ));
        }
        if self.input_kind == InputKind::Functionals {
            match self.feature_set.as_deref() {
                Some(FEATURE_SET) => {}
                other => {
                    return Err(format!(
                        "feature_set {other:?} unknown; this build computes {FEATURE_SET:?}"
                    ))
                }
            }
            if self.n_features != Some(N_FEATURES) {
                return Err(format!(
                    "n_features {:?} but {FEATURE_SET} has {N_FEATURES}",
                    self.n_features
                ));
            }
        }
        let n = &self.normalisation;
        match (&n.population_mean, &n.population_std) {
            (None, None) => {}
            (Some(m), Some(s)) => {
                if m.len() != N_FEATURES || s.len() != N_FEATURES {
                    return Err(format!(
                        "normalisation.population_mean/std need {N_FEATURES} values, got {}/{}",
                        m.len(),
                        s.len()
                    ));
                }
                if m.iter().chain(s).any(|v| !v.is_finite()) || s.iter().any(|v| *v <= 0.0) {
                    return Err("normalisation.population_mean/std must be finite, std > 0".into());
                }
            }
            _ => return Err("normalisation.population_mean and population_std go together".into()),
        }
        Ok(())
    }
}

/// An emotion / arousal classifier: an ONNX session and its [`ModelSpec`]. Not shared
/// between threads: open one per worker.
pub struct Classifier {
    spec: ModelSpec,
    session: Session,
}

impl Classifier {
    /// Open the model described by the spec at `spec_path`, with one intra-op thread.
    pub fn open(env: &Environment, spec_path: &Path) -> Result<Self, EmotionError> {
        Self::open_with_threads(env, spec_path, 1)
    }

    /// Open the model described by the spec at `spec_path`, with `intra_threads` ONNX
    /// Runtime intra-op threads.
    pub fn open_with_threads(
        env: &Environment,
        spec_path: &Path,
        intra_threads: usize,
    ) -> Result<Self, EmotionError> {
        let spec = ModelSpec::load(spec_path)?;
        Self::from_spec(env, spec, spec_path, intra_threads)
    }

    /// The spec's `population_model` as a classifier of its own (same spec otherwise), or
    /// `None` when the spec has none.
    pub fn population_variant(
        &self,
        env: &Environment,
        spec_path: &Path,
        intra_threads: usize,
    ) -> Result<Option<Self>, EmotionError> {
        let Some(path) = &self.spec.population_model else {
            return Ok(None);
        };
        let mut spec = self.spec.clone();
        spec.model = path.clone();
        spec.sha256 = spec.population_model_sha256.clone();
        spec.population_model = None;
        Self::from_spec(env, spec, spec_path, intra_threads).map(Some)
    }

    fn from_spec(
        env: &Environment,
        spec: ModelSpec,
        spec_path: &Path,
        intra_threads: usize,
    ) -> Result<Self, EmotionError> {
        let session = callqa_onnx::session(env, &spec.model, intra_threads)?;
        let err = |message: String| EmotionError::Spec {
            path: spec_path.display().to_string(),
            message,
        };
        if !session.inputs().iter().any(|i| i.name() == spec.input) {
            return Err(err(format!("model has no input {:?}", spec.input)));
        }
        if !session.outputs().iter().any(|o| o.name() == spec.output) {
            return Err(err(format!("model has no output {:?}", spec.output)));
        }
        Ok(Classifier { spec, session })
    }

    /// The spec.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// Class labels, in probability order.
    pub fn labels(&self) -> &[String] {
        &self.spec.labels
    }

    /// Class probabilities for a batch of (already normalised) feature vectors; one row
    /// of `labels().len()` values per vector. Functionals models only.
    pub fn predict(&mut self, batch: &[Vec<f32>]) -> Result<Vec<Vec<f32>>, EmotionError> {
        if self.spec.input_kind != InputKind::Functionals {
            return Err(EmotionError::BadInput(format!(
                "model {} takes a waveform, not feature vectors",
                self.spec.name
            )));
        }
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let dim = self.spec.n_features.unwrap_or(N_FEATURES);
        let mut input = Array2::<f32>::zeros((batch.len(), dim));
        for (mut row, v) in input.outer_iter_mut().zip(batch) {
            if v.len() != dim {
                return Err(EmotionError::BadInput(format!(
                    "feature vector has {} values, model {} expects {dim}",
                    v.len(),
                    self.spec.name
                )));
            }
            if v.iter().any(|x| !x.is_finite()) {
                return Err(EmotionError::BadInput("non-finite feature".into()));
            }
            row.iter_mut().zip(v).for_each(|(r, x)| *r = *x);
        }
        self.run(&input, batch.len())
    }

    /// Class probabilities of one utterance's raw 16 kHz waveform. Waveform models only.
    pub fn predict_waveform(&mut self, samples: &[f32]) -> Result<Vec<f32>, EmotionError> {
        if self.spec.input_kind != InputKind::Waveform {
            return Err(EmotionError::BadInput(format!(
                "model {} takes feature vectors, not a waveform",
                self.spec.name
            )));
        }
        if samples.is_empty() || samples.iter().any(|x| !x.is_finite()) {
            return Err(EmotionError::BadInput(
                "empty or non-finite waveform".into(),
            ));
        }
        let input = Array2::from_shape_vec((1, samples.len()), samples.to_vec())
            .map_err(|e| EmotionError::BadInput(e.to_string()))?;
        let mut rows = self.run(&input, 1)?;
        rows.pop()
            .ok_or_else(|| EmotionError::Inference("empty output".into()))
    }

    fn run(&mut self, input: &Array2<f32>, n: usize) -> Result<Vec<Vec<f32>>, EmotionError> {
        let inf = |e: callqa_onnx::ort::Error| EmotionError::Inference(e.to_string());
        let k = self.spec.labels.len();
        let outputs = self
            .session
            .run(callqa_onnx::ort::inputs![
                self.spec.input.as_str() => TensorRef::from_array_view(input).map_err(inf)?,
            ])
            .map_err(inf)?;
        let out = outputs
            .get(self.spec.output.as_str())
            .ok_or_else(|| EmotionError::Inference(format!("no output {}", self.spec.output)))?
            .try_extract_array::<f32>()
            .map_err(inf)?;
        let flat: Vec<f32> = out.iter().copied().collect();
        if flat.len() != n * k {
            return Err(EmotionError::Inference(format!(
                "output {} has {} values, expected {n} × {k} labels",
                self.spec.output,
                flat.len()
            )));
        }
        Ok(flat
            .chunks(k)
            .map(|row| match self.spec.output_kind {
                OutputKind::Probabilities => row.to_vec(),
                OutputKind::Logits => softmax(row),
            })
            .collect())
    }
}

/// Softmax of a row of logits.
fn softmax(row: &[f32]) -> Vec<f32> {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f32> = row.iter().map(|v| (v - max).exp()).collect();
    let sum: f32 = exp.iter().sum();
    exp.iter().map(|e| e / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one() {
        let p = softmax(&[1.0, 2.0, 3.0]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(p[2] > p[1] && p[1] > p[0]);
    }

    #[test]
    fn spec_rejects_wrong_feature_set() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("m.json");
        let mut json = serde_json::json!({
            "name": "x", "model": "x.onnx", "input_kind": "functionals",
            "feature_set": "other", "sample_rate_hz": 16000, "input": "features",
            "n_features": N_FEATURES, "output": "probabilities", "output_kind": "probabilities",
            "labels": ["a", "b"], "normalisation": {"kind": "speaker_z"}
        });
        std::fs::write(&path, json.to_string()).expect("write");
        assert!(matches!(
            ModelSpec::load(&path),
            Err(EmotionError::Spec { .. })
        ));
        json["feature_set"] = FEATURE_SET.into();
        std::fs::write(&path, json.to_string()).expect("write");
        let spec = ModelSpec::load(&path).expect("valid spec");
        assert_eq!(spec.model, dir.path().join("x.onnx"));
        assert_eq!(spec.normalisation.std_floor, 1e-6);
    }
}
