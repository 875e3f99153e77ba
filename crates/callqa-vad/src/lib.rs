//! Voice-activity detection: a channel's 16 kHz samples in, its speech segments out.
//!
//! In a stereo call each channel is silent while the other side talks, and Whisper's
//! encoder costs a full window whatever it hears, so finding speech first is what keeps
//! ASR time proportional to speech rather than to call length. The segments also carry
//! the call's timing (talk time, pauses, interruptions): VAD boundaries are sharper than
//! Whisper's timestamps.
//!
//! The model is Silero VAD's sequence export (`silero_vad_16k_sequence.onnx`, MIT, from
//! the PyPI `silero-vad` package): one ONNX call scores a whole block of 32 ms frames,
//! with the LSTM state carried between blocks, which is ~1.5× cheaper than the
//! frame-by-frame export. Frame probabilities become segments by hysteresis
//! ([`segments_from_probs`], pure and unit-tested), then short speech is dropped, short
//! silences are bridged and segments are padded, per [`VadConfig`].
#![deny(missing_docs)]

use callqa_core::config::VadConfig;
use callqa_core::SpeechSegment;
use callqa_onnx::ort::value::TensorRef;
use callqa_onnx::{Environment, OnnxError, Session};
use ndarray::{Array2, Array3};
use std::path::Path;

/// New samples per frame at 16 kHz (32 ms).
pub const FRAME: usize = 512;
/// Samples of left context the model sees before each frame.
const CONTEXT: usize = 64;
/// Frames per ONNX call: 60 s of audio, so memory stays bounded on long calls.
const BLOCK_FRAMES: usize = 1875;
/// The state size of the sequence model's LSTM.
const STATE: usize = 128;
/// Frame duration in seconds.
pub const FRAME_S: f64 = FRAME as f64 / 16_000.0;

/// Why voice-activity detection failed.
#[derive(Debug, thiserror::Error)]
pub enum VadError {
    /// Model or runtime could not be loaded.
    #[error(transparent)]
    Load(#[from] OnnxError),
    /// Inference failed.
    #[error("VAD inference failed: {0}")]
    Inference(String),
}

impl VadError {
    /// Short kind for error rows.
    pub fn kind(&self) -> &'static str {
        match self {
            VadError::Load(_) => "model_load",
            VadError::Inference(_) => "inference",
        }
    }
}

/// A Silero VAD session. Not shared between threads: open one per worker (the model is
/// 1.2 MB, opening it takes milliseconds).
pub struct Vad {
    session: Session,
}

impl Vad {
    /// Open the sequence model at `model` with one intra-op thread.
    pub fn open(env: &Environment, model: &Path) -> Result<Self, VadError> {
        let session = callqa_onnx::session(env, model, 1)?;
        Ok(Vad { session })
    }

    /// Speech probability of every 32 ms frame of `samples` (16 kHz). The last partial
    /// frame is zero-padded.
    pub fn frame_probs(&mut self, samples: &[f32]) -> Result<Vec<f32>, VadError> {
        let n_frames = samples.len().div_ceil(FRAME);
        let mut probs = Vec::with_capacity(n_frames);
        let mut h = Array3::<f32>::zeros((1, 1, STATE));
        let mut c = Array3::<f32>::zeros((1, 1, STATE));
        let inf = |e: callqa_onnx::ort::Error| VadError::Inference(e.to_string());
        let mut frame0 = 0;
        while frame0 < n_frames {
            let frames = BLOCK_FRAMES.min(n_frames - frame0);
            let mut input = Array2::<f32>::zeros((frames, CONTEXT + FRAME));
            for (i, mut row) in input.outer_iter_mut().enumerate() {
                let start = (frame0 + i) * FRAME;
                // context: the 64 samples before this frame (zeros before the start)
                let ctx_start = start.saturating_sub(CONTEXT);
                let ctx = &samples[ctx_start..start.min(samples.len())];
                let off = CONTEXT - ctx.len();
                for (j, &s) in ctx.iter().enumerate() {
                    row[off + j] = s;
                }
                let end = (start + FRAME).min(samples.len());
                for (j, &s) in samples[start..end].iter().enumerate() {
                    row[CONTEXT + j] = s;
                }
            }
            let outputs = self
                .session
                .run(callqa_onnx::ort::inputs![
                    "input" => TensorRef::from_array_view(&input).map_err(inf)?,
                    "h" => TensorRef::from_array_view(&h).map_err(inf)?,
                    "c" => TensorRef::from_array_view(&c).map_err(inf)?,
                ])
                .map_err(inf)?;
            let p = outputs["speech_probs"]
                .try_extract_array::<f32>()
                .map_err(inf)?;
            probs.extend(p.iter().copied());
            let hn = outputs["hn"].try_extract_array::<f32>().map_err(inf)?;
            let cn = outputs["cn"].try_extract_array::<f32>().map_err(inf)?;
            h.as_slice_mut()
                .ok_or_else(|| VadError::Inference("state not contiguous".into()))?
                .copy_from_slice(&hn.iter().copied().collect::<Vec<_>>());
            c.as_slice_mut()
                .ok_or_else(|| VadError::Inference("state not contiguous".into()))?
                .copy_from_slice(&cn.iter().copied().collect::<Vec<_>>());
            frame0 += frames;
        }
        Ok(probs)
    }

    /// Speech segments of a channel, in seconds from its start.
    pub fn detect(
        &mut self,
        samples: &[f32],
        cfg: &VadConfig,
    ) -> Result<Vec<SpeechSegment>, VadError> {
        let probs = self.frame_probs(samples)?;
        let duration = samples.len() as f64 / 16_000.0;
        Ok(segments_from_probs(&probs, FRAME_S, duration, cfg))
    }
}

/// Turn frame probabilities into segments: speech starts at a frame ≥ `threshold` and
/// ends after `min_silence_s` of frames below `threshold − 0.15` (hysteresis, as Silero's
/// reference post-processing); segments shorter than `min_speech_s` are dropped; each is
/// padded by `pad_s`, clamped to `[0, duration_s]`, and overlapping ones are merged.
pub fn segments_from_probs(
    probs: &[f32],
    frame_s: f64,
    duration_s: f64,
    cfg: &VadConfig,
) -> Vec<SpeechSegment> {
    let on = cfg.threshold;
    let off = (cfg.threshold - 0.15).max(0.01);
    let mut raw: Vec<(f64, f64)> = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_speech = 0usize;
    let silence_frames = (cfg.min_silence_s / frame_s).ceil().max(1.0) as usize;
    for (i, &p) in probs.iter().enumerate() {
        match start {
            None if p >= on => {
                start = Some(i);
                last_speech = i;
            }
            None => {}
            Some(s) => {
                if p >= off {
                    last_speech = i;
                } else if i - last_speech >= silence_frames {
                    raw.push((s as f64 * frame_s, (last_speech + 1) as f64 * frame_s));
                    start = None;
                }
            }
        }
    }
    if let Some(s) = start {
        raw.push((s as f64 * frame_s, (last_speech + 1) as f64 * frame_s));
    }
    let mut out: Vec<SpeechSegment> = Vec::new();
    for (s, e) in raw {
        if e - s < cfg.min_speech_s {
            continue;
        }
        let seg = SpeechSegment {
            start_s: (s - cfg.pad_s).max(0.0),
            end_s: (e + cfg.pad_s).min(duration_s),
        };
        match out.last_mut() {
            Some(prev) if seg.start_s <= prev.end_s => prev.end_s = prev.end_s.max(seg.end_s),
            _ => out.push(seg),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> VadConfig {
        VadConfig {
            threshold: 0.5,
            min_speech_s: 0.25,
            min_silence_s: 0.1,
            pad_s: 0.0,
        }
    }

    #[test]
    fn hysteresis_bridges_short_dips_and_splits_long_silence() {
        let f = 0.032;
        // 20 frames speech, 2 frames at 0.4 (above off threshold), 10 frames speech,
        // 10 frames silence, 15 frames speech
        let mut p = vec![0.9; 20];
        p.extend([0.4, 0.4]);
        p.extend(vec![0.9; 10]);
        p.extend(vec![0.0; 10]);
        p.extend(vec![0.8; 15]);
        let segs = segments_from_probs(&p, f, 100.0, &cfg());
        assert_eq!(segs.len(), 2, "{segs:?}");
        assert!((segs[0].end_s - 32.0 * f).abs() < 1e-9);
        assert!((segs[1].start_s - 42.0 * f).abs() < 1e-9);
        assert!((segs[1].end_s - 57.0 * f).abs() < 1e-9);
    }

    #[test]
    fn drops_short_blips_and_pads_and_merges() {
        let f = 0.032;
        let mut p = vec![0.0; 5];
        p.extend(vec![0.9; 3]); // 96 ms blip: dropped
        p.extend(vec![0.0; 20]);
        p.extend(vec![0.9; 20]);
        p.extend(vec![0.0; 5]);
        p.extend(vec![0.9; 20]);
        let c = VadConfig {
            pad_s: 0.2,
            ..cfg()
        };
        let segs = segments_from_probs(&p, f, 2.3, &c);
        assert_eq!(
            segs.len(),
            1,
            "padding must merge the two close segments: {segs:?}"
        );
        assert!((segs[0].start_s - (28.0 * f - 0.2)).abs() < 1e-9);
        assert!((segs[0].end_s - 2.3).abs() < 1e-9, "clamped to duration");
    }

    #[test]
    fn silence_gives_nothing() {
        assert!(segments_from_probs(&[0.0; 100], 0.032, 3.2, &cfg()).is_empty());
        assert!(segments_from_probs(&[], 0.032, 0.0, &cfg()).is_empty());
    }
}
