//! The speaker encoder's front end: a power (not log) mel spectrogram of 40 bands over
//! 25 ms Hann frames every 10 ms at 16 kHz, as Resemblyzer computes it with
//! `librosa.feature.melspectrogram(sr=16000, n_fft=400, hop_length=160, n_mels=40)`
//! (centred frames, zero padding, Slaney mel scale and area normalisation), and the
//! loudness normalisation Resemblyzer applies first (raise speech to −30 dBFS, never
//! lower it). The encoder was trained on exactly this input, so it is reproduced here
//! rather than shared with the emotion stage's log-mel features.

use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// Mel bands.
pub const N_MELS: usize = 40;
/// FFT length and window: 25 ms at 16 kHz.
pub const N_FFT: usize = 400;
/// Hop: 10 ms at 16 kHz.
pub const HOP: usize = 160;
/// Frames per second.
pub const FRAMES_PER_S: f64 = 100.0;
/// Resemblyzer's loudness target, dBFS.
const TARGET_DBFS: f64 = -30.0;

fn hz_to_mel(f: f64) -> f64 {
    // Slaney: linear below 1 kHz, logarithmic above.
    let (f_sp, min_log_hz) = (200.0 / 3.0, 1000.0);
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4f64.ln() / 27.0;
    if f >= min_log_hz {
        min_log_mel + (f / min_log_hz).ln() / logstep
    } else {
        f / f_sp
    }
}

fn mel_to_hz(m: f64) -> f64 {
    let (f_sp, min_log_hz) = (200.0 / 3.0, 1000.0);
    let min_log_mel = min_log_hz / f_sp;
    let logstep = 6.4f64.ln() / 27.0;
    if m >= min_log_mel {
        min_log_hz * (logstep * (m - min_log_mel)).exp()
    } else {
        f_sp * m
    }
}

/// Triangular Slaney-normalised filters, `N_MELS` rows of `N_FFT / 2 + 1` weights, as
/// `librosa.filters.mel(sr=16000, n_fft=400, n_mels=40)`.
pub fn filterbank() -> Vec<Vec<f32>> {
    let n_freq = N_FFT / 2 + 1;
    let sr = 16_000.0;
    let fft_freqs: Vec<f64> = (0..n_freq).map(|i| i as f64 * sr / N_FFT as f64).collect();
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(sr / 2.0));
    let hz: Vec<f64> = (0..N_MELS + 2)
        .map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (N_MELS + 1) as f64))
        .collect();
    (0..N_MELS)
        .map(|m| {
            let enorm = 2.0 / (hz[m + 2] - hz[m]);
            fft_freqs
                .iter()
                .map(|&f| {
                    let lower = (f - hz[m]) / (hz[m + 1] - hz[m]);
                    let upper = (hz[m + 2] - f) / (hz[m + 2] - hz[m + 1]);
                    (lower.min(upper).max(0.0) * enorm) as f32
                })
                .collect()
        })
        .collect()
}

/// Gain that raises `samples`' RMS to −30 dBFS (1 when it is already louder, or silent).
pub fn loudness_gain(samples: impl Iterator<Item = f32>) -> f32 {
    let (n, sum) = samples.fold((0usize, 0.0f64), |(n, s), x| {
        (n + 1, s + f64::from(x) * f64::from(x))
    });
    if n == 0 || sum <= 0.0 {
        return 1.0;
    }
    let dbfs = 10.0 * (sum / n as f64).log10();
    let change = TARGET_DBFS - dbfs;
    if change > 0.0 {
        10f64.powf(change / 20.0) as f32
    } else {
        1.0
    }
}

/// Computes power mel spectrograms; holds the FFT plan and the filters.
pub struct MelFrontEnd {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    filters: Vec<Vec<f32>>,
    /// First and one-past-last non-zero bin of each filter (the filters are sparse).
    spans: Vec<(usize, usize)>,
}

impl Default for MelFrontEnd {
    fn default() -> Self {
        Self::new()
    }
}

impl MelFrontEnd {
    /// A front end for 16 kHz audio.
    pub fn new() -> Self {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(N_FFT);
        // Periodic Hann window (scipy's `get_window("hann", 400)`, librosa's default).
        let window = (0..N_FFT)
            .map(|i| {
                (0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / N_FFT as f64).cos()) as f32
            })
            .collect();
        let filters = filterbank();
        let spans = filters
            .iter()
            .map(|f| {
                let a = f.iter().position(|&w| w > 0.0).unwrap_or(0);
                let b = f.iter().rposition(|&w| w > 0.0).map_or(a, |i| i + 1);
                (a, b)
            })
            .collect();
        MelFrontEnd {
            fft,
            window,
            filters,
            spans,
        }
    }

    /// Mel frames of `samples` (already gain-adjusted): `1 + len / HOP` frames, frame `i`
    /// centred on sample `i * HOP` (zeros beyond the edges), each `N_MELS` values.
    pub fn frames(&self, samples: &[f32]) -> Vec<[f32; N_MELS]> {
        let n_frames = 1 + samples.len() / HOP;
        let mut out = Vec::with_capacity(n_frames);
        let mut input = self.fft.make_input_vec();
        let mut spectrum = self.fft.make_output_vec();
        let mut scratch = self.fft.make_scratch_vec();
        let mut power = vec![0.0f32; spectrum.len()];
        let half = (N_FFT / 2) as isize;
        for i in 0..n_frames {
            let start = (i * HOP) as isize - half;
            for (j, v) in input.iter_mut().enumerate() {
                let k = start + j as isize;
                let x = if k >= 0 && (k as usize) < samples.len() {
                    samples[k as usize]
                } else {
                    0.0
                };
                *v = x * self.window[j];
            }
            // Lengths always match the plan, so this cannot fail.
            if self
                .fft
                .process_with_scratch(&mut input, &mut spectrum, &mut scratch)
                .is_err()
            {
                out.push([0.0; N_MELS]);
                continue;
            }
            for (p, c) in power.iter_mut().zip(&spectrum) {
                *p = c.re * c.re + c.im * c.im;
            }
            let mut frame = [0.0f32; N_MELS];
            for (m, v) in frame.iter_mut().enumerate() {
                let (a, b) = self.spans[m];
                *v = self.filters[m][a..b]
                    .iter()
                    .zip(&power[a..b])
                    .map(|(w, p)| w * p)
                    .sum();
            }
            out.push(frame);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filterbank_matches_librosa_slaney() {
        let fb = filterbank();
        assert_eq!((fb.len(), fb[0].len()), (N_MELS, N_FFT / 2 + 1));
        // Known answers from an independent implementation of librosa's formula (numpy,
        // `mel_filterbank(16000, 400, 40)` of scripts/ct2_to_ggml.py).
        let known = [
            (0, 1, 0.007_390_209),
            (10, 20, 0.011_879_490),
            (20, 42, 0.003_160_240),
            (39, 190, 0.001_215_154),
        ];
        for (m, k, want) in known {
            assert!(
                (f64::from(fb[m][k]) - want).abs() < 2e-6,
                "filter {m} bin {k}: {} vs {want}",
                fb[m][k]
            );
        }
    }

    #[test]
    fn a_tone_lands_in_its_band_and_power_scales_with_amplitude() {
        let fe = MelFrontEnd::new();
        let tone = |amp: f32| -> Vec<f32> {
            (0..16_000)
                .map(|i| amp * (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / 16_000.0).sin())
                .collect()
        };
        let a = fe.frames(&tone(0.1));
        assert_eq!(a.len(), 101);
        let mid = &a[50];
        let peak = (0..N_MELS)
            .max_by(|&i, &j| mid[i].total_cmp(&mid[j]))
            .unwrap();
        // 1 kHz is mel 15 on the Slaney scale: band 14 or 15 of 40 (0..8 kHz).
        let m = hz_to_mel(1000.0);
        assert!((m - 15.0).abs() < 1e-9);
        assert!((13..=16).contains(&peak), "peak band {peak}");
        let b = fe.frames(&tone(0.2));
        let ratio = b[50][peak] / a[50][peak];
        assert!((ratio - 4.0).abs() < 1e-3, "power, not amplitude: {ratio}");
    }

    #[test]
    fn gain_raises_quiet_speech_only() {
        let quiet = vec![0.001f32; 1000];
        let g = loudness_gain(quiet.iter().copied());
        let rms_db = 20.0 * f64::from(0.001 * g).log10();
        assert!((rms_db + 30.0).abs() < 1e-3, "{rms_db}");
        assert_eq!(loudness_gain([0.5f32; 10].into_iter()), 1.0);
        assert_eq!(loudness_gain(std::iter::empty()), 1.0);
        assert_eq!(loudness_gain([0.0f32; 10].into_iter()), 1.0);
    }
}
