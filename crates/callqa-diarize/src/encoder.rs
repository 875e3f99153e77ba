//! The GE2E speaker encoder (Resemblyzer's, converted to ONNX by
//! `scripts/resemblyzer_to_onnx.py`): power mel frames in, 256-d L2-normalised
//! embeddings out, many windows per ONNX call.

use crate::mel::N_MELS;
use crate::DiarizeError;
use callqa_onnx::ort::value::TensorRef;
use callqa_onnx::{Environment, Session};
use ndarray::{Array1, Array3};
use std::path::Path;

/// Embedding size.
pub const DIM: usize = 256;
/// Windows per ONNX call: enough to keep the LSTM's matrix products wide, few enough
/// that a batch's input stays small (64 × 100 frames × 40 bands = 1 MB).
const BATCH: usize = 64;

/// A speaker embedding (unit length).
pub type Embedding = [f32; DIM];

/// An open speaker encoder.
pub struct Encoder {
    session: Session,
    /// `name@sha256-prefix` of the model file, for the `diarization` column.
    tag: String,
}

impl Encoder {
    /// Open the ONNX model at `path` with `threads` intra-op threads.
    pub fn open(env: &Environment, path: &Path, threads: usize) -> Result<Self, DiarizeError> {
        let session = callqa_onnx::session(env, path, threads)?;
        let stem = path.file_stem().map_or_else(
            || "speaker_encoder".into(),
            |s| s.to_string_lossy().to_string(),
        );
        let tag = match file_sha_prefix(path) {
            Some(sha) => format!("{stem}@{sha}"),
            None => stem,
        };
        Ok(Encoder { session, tag })
    }

    /// The model's tag, e.g. `resemblyzer_ge2e@38baf38f`.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// Embeddings of windows of mel frames (each at least one frame), in order.
    pub fn embed(&mut self, windows: &[&[[f32; N_MELS]]]) -> Result<Vec<Embedding>, DiarizeError> {
        let mut out = Vec::with_capacity(windows.len());
        // Similar lengths share a batch, so little of the LSTM's work is padding.
        let mut order: Vec<usize> = (0..windows.len()).collect();
        order.sort_by_key(|&i| windows[i].len());
        let mut by_index: Vec<Option<Embedding>> = vec![None; windows.len()];
        for chunk in order.chunks(BATCH) {
            let frames = chunk
                .iter()
                .map(|&i| windows[i].len())
                .max()
                .unwrap_or(1)
                .max(1);
            let mut x = Array3::<f32>::zeros((frames, chunk.len(), N_MELS));
            let mut lengths = Array1::<i32>::zeros(chunk.len());
            for (b, &i) in chunk.iter().enumerate() {
                let w = windows[i];
                lengths[b] = w.len().max(1) as i32;
                for (t, frame) in w.iter().enumerate() {
                    for (m, &v) in frame.iter().enumerate() {
                        x[[t, b, m]] = v;
                    }
                }
            }
            let inf = |e: callqa_onnx::ort::Error| DiarizeError::Inference(e.to_string());
            let outputs = self
                .session
                .run(callqa_onnx::ort::inputs![
                    "mels" => TensorRef::from_array_view(&x).map_err(inf)?,
                    "lengths" => TensorRef::from_array_view(&lengths).map_err(inf)?,
                ])
                .map_err(inf)?;
            let e = outputs["embedding"]
                .try_extract_array::<f32>()
                .map_err(inf)?;
            if e.shape() != [chunk.len(), DIM] {
                return Err(DiarizeError::Inference(format!(
                    "the speaker encoder returned shape {:?}, expected [{}, {DIM}]",
                    e.shape(),
                    chunk.len()
                )));
            }
            for (b, &i) in chunk.iter().enumerate() {
                let mut v = [0.0f32; DIM];
                for (d, slot) in v.iter_mut().enumerate() {
                    *slot = e[[b, d]];
                }
                by_index[i] = Some(v);
            }
        }
        for v in by_index {
            out.push(v.unwrap_or([0.0; DIM]));
        }
        Ok(out)
    }
}

/// First 8 hex digits of the file's SHA-256 (a content tag for the output).
fn file_sha_prefix(path: &Path) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).ok()?;
    let d = h.finalize();
    Some(d[..4].iter().map(|b| format!("{b:02x}")).collect())
}
