//! Band-limited resampling to 16 kHz with rubato's synchronous FFT resampler.
//!
//! rubato's `process_all` runs the chunk loop, drops the resampler's start-up delay and
//! flushes its tail, so the output has exactly `ceil(len * 16000 / rate)` samples and
//! sample `n` of the output is time `n / 16000` s of the input (no shift; checked by
//! the onset tests in `tests/decode.rs`).

use crate::AudioError;
use callqa_core::SAMPLE_RATE;
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

/// Target chunk size of the FFT resampler, in input frames (rounded by rubato to fit the
/// rate ratio). 1024 gives a steep anti-aliasing filter at a small start-up delay.
const CHUNK: usize = 1024;

/// Resample one channel from `from_rate` to 16 kHz; `name` is only used in errors.
pub(crate) fn resample_named(
    samples: &[f32],
    from_rate: u32,
    name: &str,
) -> Result<Vec<f32>, AudioError> {
    if !(crate::MIN_SAMPLE_RATE..=crate::MAX_SAMPLE_RATE).contains(&from_rate) {
        return Err(AudioError::BadSampleRate {
            file: name.to_string(),
            rate: from_rate,
        });
    }
    if from_rate == SAMPLE_RATE {
        return Ok(samples.to_vec());
    }
    if samples.is_empty() {
        return Ok(Vec::new());
    }
    let err = |detail: String| AudioError::Resample {
        file: name.to_string(),
        from_rate,
        detail,
    };
    let mut resampler = Fft::<f32>::new(
        from_rate as usize,
        SAMPLE_RATE as usize,
        CHUNK,
        1,
        FixedSync::Both,
    )
    .map_err(|e| err(e.to_string()))?;
    let input = InterleavedSlice::new(samples, 1, samples.len()).map_err(|e| err(e.to_string()))?;
    let output = resampler
        .process_all(&input, samples.len(), None)
        .map_err(|e| err(e.to_string()))?;
    let mut out = output.take_data();
    // The band-limited filter can overshoot a full-scale input slightly (Gibbs); keep
    // the documented [-1, 1] range.
    for s in &mut out {
        *s = s.clamp(-1.0, 1.0);
    }
    Ok(out)
}
