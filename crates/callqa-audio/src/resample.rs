//! Band-limited resampling to 16 kHz with rubato's synchronous FFT resampler, fed while
//! the file is decoded.
//!
//! [`Stream`] takes the decoded samples of one channel packet by packet and keeps only
//! what the resampler has not consumed yet (under one FFT chunk), so memory is the 16 kHz
//! output plus a few kilobytes whatever rate the file has: a 20-minute 192 kHz stereo file
//! never exists at 192 kHz in memory. The result is sample for sample what rubato's
//! `process_all` gives for the whole clip: the resampler's start-up delay is dropped and
//! the tail flushed, so the output has exactly `ceil(len * 16000 / rate)` samples and
//! sample `n` of the output is time `n / 16000` s of the input (no shift; checked by the
//! onset tests in `tests/decode.rs`). rubato has no such push-style wrapper itself: its
//! `process_all` wants the whole clip in memory.

use crate::AudioError;
use callqa_core::SAMPLE_RATE;
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler};

/// Target chunk size of the FFT resampler, in input frames (rounded by rubato to fit the
/// rate ratio). 1024 gives a steep anti-aliasing filter at a small start-up delay.
const CHUNK: usize = 1024;

/// Resample one channel from `from_rate` to 16 kHz; `name` is only used in errors.
pub(crate) fn resample_named(
    samples: &[f32],
    from_rate: u32,
    name: &str,
) -> Result<Vec<f32>, AudioError> {
    let mut s = Stream::new(from_rate, name)?;
    s.push(samples)?;
    s.finish()
}

/// One channel being resampled to 16 kHz as its samples arrive.
pub(crate) struct Stream {
    /// `None` at 16 kHz: samples pass through.
    resampler: Option<Fft<f32>>,
    from_rate: u32,
    name: String,
    /// Input not yet consumed by the resampler (less than one chunk between calls).
    pending: Vec<f32>,
    /// Output frames still to drop: the resampler's start-up delay.
    to_trim: usize,
    /// Input frames pushed so far.
    total_in: u64,
    out: Vec<f32>,
}

impl Stream {
    /// A stream from `from_rate` Hz; a rate outside
    /// [`crate::MIN_SAMPLE_RATE`]..=[`crate::MAX_SAMPLE_RATE`] is `bad_sample_rate`.
    pub(crate) fn new(from_rate: u32, name: &str) -> Result<Self, AudioError> {
        if !(crate::MIN_SAMPLE_RATE..=crate::MAX_SAMPLE_RATE).contains(&from_rate) {
            return Err(AudioError::BadSampleRate {
                file: name.to_string(),
                rate: from_rate,
            });
        }
        let resampler = if from_rate == SAMPLE_RATE {
            None
        } else {
            Some(
                Fft::<f32>::new(
                    from_rate as usize,
                    SAMPLE_RATE as usize,
                    CHUNK,
                    1,
                    FixedSync::Both,
                )
                .map_err(|e| AudioError::Resample {
                    file: name.to_string(),
                    from_rate,
                    detail: e.to_string(),
                })?,
            )
        };
        let to_trim = resampler.as_ref().map_or(0, Resampler::output_delay);
        Ok(Stream {
            resampler,
            from_rate,
            name: name.to_string(),
            pending: Vec::new(),
            to_trim,
            total_in: 0,
            out: Vec::new(),
        })
    }

    fn err(&self, detail: impl std::fmt::Display) -> AudioError {
        AudioError::Resample {
            file: self.name.clone(),
            from_rate: self.from_rate,
            detail: detail.to_string(),
        }
    }

    /// Feed samples; whole chunks are resampled at once.
    pub(crate) fn push(&mut self, samples: &[f32]) -> Result<(), AudioError> {
        self.total_in += samples.len() as u64;
        if self.resampler.is_none() {
            self.out.extend_from_slice(samples);
            return Ok(());
        }
        self.pending.extend_from_slice(samples);
        let mut used = 0;
        loop {
            let need = self
                .resampler
                .as_ref()
                .map_or(0, Resampler::input_frames_next);
            if self.pending.len() - used < need {
                break;
            }
            self.chunk(used, need, None)?;
            used += need;
        }
        self.pending.drain(..used);
        Ok(())
    }

    /// Resample one chunk of `pending` starting at `from` (`partial` frames of it when
    /// the input has ended: the rest is silence) and append the output, minus the delay.
    fn chunk(&mut self, from: usize, len: usize, partial: Option<usize>) -> Result<(), AudioError> {
        let Some(rs) = self.resampler.as_mut() else {
            return Ok(());
        };
        // rubato reads a full chunk even for a partial one: give it one.
        let mut padded;
        let input: &[f32] = if from + len <= self.pending.len() {
            &self.pending[from..from + len]
        } else {
            padded = self.pending[from..].to_vec();
            padded.resize(len, 0.0);
            &padded
        };
        let adapter = InterleavedSlice::new(input, 1, len).map_err(|e| AudioError::Resample {
            file: self.name.clone(),
            from_rate: self.from_rate,
            detail: e.to_string(),
        })?;
        let indexing = partial.map(|p| Indexing::new().partial_len(p));
        let r = rs.process(&adapter, indexing.as_ref());
        let out = r.map_err(|e| self.err(e))?.take_data();
        let skip = self.to_trim.min(out.len());
        self.to_trim -= skip;
        self.out.extend_from_slice(&out[skip..]);
        Ok(())
    }

    /// Flush the resampler and return the whole channel at 16 kHz, clamped to [-1, 1].
    pub(crate) fn finish(mut self) -> Result<Vec<f32>, AudioError> {
        let expected = if self.resampler.is_some() {
            (self.total_in as f64 * f64::from(SAMPLE_RATE) / f64::from(self.from_rate)).ceil()
                as usize
        } else {
            self.total_in as usize
        };
        if self.resampler.is_some() && self.total_in > 0 {
            let need = self
                .resampler
                .as_ref()
                .map_or(0, Resampler::input_frames_next);
            if !self.pending.is_empty() {
                let left = self.pending.len();
                self.chunk(0, need, Some(left))?;
                self.pending.clear();
            }
            // Pump silence until the delayed tail is out.
            while self.out.len() < expected {
                let need = self
                    .resampler
                    .as_ref()
                    .map_or(0, Resampler::input_frames_next);
                self.chunk(0, need, Some(0))?;
            }
        }
        let mut out = self.out;
        out.truncate(expected);
        // The band-limited filter can overshoot a full-scale input slightly (Gibbs); keep
        // the documented [-1, 1] range.
        for s in &mut out {
            *s = s.clamp(-1.0, 1.0);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole clip at once, as rubato's `process_all` does it: the reference the
    /// stream must match.
    fn whole(samples: &[f32], rate: u32) -> Vec<f32> {
        let mut r = Fft::<f32>::new(
            rate as usize,
            SAMPLE_RATE as usize,
            CHUNK,
            1,
            FixedSync::Both,
        )
        .unwrap();
        let input = InterleavedSlice::new(samples, 1, samples.len()).unwrap();
        let mut out = r
            .process_all(&input, samples.len(), None)
            .unwrap()
            .take_data();
        for s in &mut out {
            *s = s.clamp(-1.0, 1.0);
        }
        out
    }

    #[test]
    fn streaming_matches_the_whole_clip_for_any_packet_sizes() {
        let mut seed = 7u32;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for rate in [8_000u32, 11_025, 22_050, 44_100, 48_000, 96_000, 192_000] {
            for len in [1usize, 100, 1023, 1024, 1025, 30_000, 100_003] {
                let x: Vec<f32> = (0..len)
                    .map(|i| 0.5 * ((i as f32) * 0.013).sin() + ((rnd() % 1000) as f32 / 5000.0))
                    .collect();
                let want = whole(&x, rate);
                let mut s = Stream::new(rate, "t").unwrap();
                let mut at = 0;
                while at < len {
                    let n = (1 + rnd() as usize % 5000).min(len - at);
                    s.push(&x[at..at + n]).unwrap();
                    at += n;
                }
                let got = s.finish().unwrap();
                assert_eq!(got.len(), want.len(), "{rate} Hz, {len} samples");
                let worst = got
                    .iter()
                    .zip(&want)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0f32, f32::max);
                assert!(worst < 1e-5, "{rate} Hz, {len}: differs by {worst}");
            }
        }
    }
}
