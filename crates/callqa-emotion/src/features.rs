//! Feature set `callqa-emo-v2`: 181 functionals over frame-level features of one utterance.
//!
//! This is the Rust twin of `scripts/emo_features.py::extract`; every constant and every
//! step below mirrors it, and `tests/parity.rs` checks the two against each other on EmoDB
//! files. Change one, change both, and bump [`FEATURE_SET`].
//!
//! The first 130 values are those of `callqa-emo-v1` (spectral envelope, energy, F0
//! statistics); the other 51 are the eGeMAPS-style voice-quality, spectral-balance,
//! loudness, F0-slope and timing descriptors of [`crate::voice`] (jitter, shimmer, HNR,
//! formants F1–F3 and bandwidths, H1–H2, H1–A3, alpha ratio, Hammarberg index, spectral
//! slopes 0–500 / 500–1500 Hz, loudness, voiced / unvoiced segment lengths and rates).
//!
//! * 16 kHz input, 25 ms frames (400 samples), 10 ms hop (160); a frame is taken only when
//!   it fits entirely in the signal.
//! * Spectral frames: pre-emphasis 0.97, symmetric Hamming window, 512-point FFT power.
//! * Frame-level features: 24 HTK-mel log energies (100–3800 Hz), MFCC c1–c12 (orthonormal
//!   DCT-II of the log-mels), energy in dB of the raw frame, spectral centroid (0–4 kHz, in
//!   kHz), alpha ratio (power 1–4 kHz over 50 Hz–1 kHz, dB), deltas `(x[t+1] − x[t−1]) / 2`
//!   of MFCCs and energy (edges repeated), and F0 (YIN-style estimator, see [`yin_f0`]).
//! * Active frames: energy within 35 dB of the loudest frame. Voiced frames: active frames
//!   where YIN finds a period.
//! * Functionals over active (resp. voiced) frames: mean, population std and linear-
//!   interpolated percentiles (numpy's default), in the order of [`feature_names`].
//! * YIN also gives each voiced frame's HNR: the normalised autocorrelation at the chosen
//!   period, `r = 1 − d(τ) / (Σx[j]² + Σx[j+τ]²)`, as `10·log10(r / (1 − r))`.

use crate::{voice, EmotionError};
use realfft::RealFftPlanner;

/// Version tag of this feature definition; a model spec names the set it was trained on.
pub const FEATURE_SET: &str = "callqa-emo-v2";
/// Sample rate the features are defined at.
pub const SAMPLE_RATE: u32 = 16_000;
/// Number of values in a feature vector.
pub const N_FEATURES: usize = N_V1 + crate::voice::N_VOICE;
/// Values shared with `callqa-emo-v1` (the vector's first part).
const N_V1: usize = 130;

pub(crate) const SR: f64 = SAMPLE_RATE as f64;
pub(crate) const FRAME: usize = 400;
pub(crate) const HOP: usize = 160;
pub(crate) const NFFT: usize = 512;
pub(crate) const NBINS: usize = NFFT / 2 + 1;
const PREEMPH: f64 = 0.97;
const N_MELS: usize = 24;
const MEL_LO_HZ: f64 = 100.0;
const MEL_HI_HZ: f64 = 3800.0;
const N_MFCC: usize = 12;
const ACTIVE_DB: f64 = 35.0;
pub(crate) const EPS: f64 = 1e-10;
const F0_WIN: usize = 640;
const TAU_MIN: usize = 32; // 500 Hz
const TAU_MAX: usize = 266; // 60 Hz
const F0_INT: usize = F0_WIN - TAU_MAX;
const YIN_THRESHOLD: f64 = 0.2;
pub(crate) const ST_REF_HZ: f64 = 27.5;

/// Pitch-based intonation measures of one utterance, from the voiced frames' F0 track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pitch {
    /// Mean F0 in Hz; `None` when no frame is voiced.
    pub f0_mean_hz: Option<f64>,
    /// F0 range in Hz: 90th minus 10th percentile (robust to single octave errors).
    pub f0_range_hz: Option<f64>,
    /// F0 variability: standard deviation of F0 in semitones.
    pub f0_std_st: Option<f64>,
    /// Share of active frames that are voiced (0 when none is).
    pub voiced_ratio: f64,
}

/// The features of one utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// The [`N_FEATURES`] functionals, in [`feature_names`] order (before any normalisation).
    pub values: Vec<f64>,
    /// Intonation measures.
    pub pitch: Pitch,
}

/// Names of the feature vector's values, in order.
pub fn feature_names() -> Vec<String> {
    let mut n = Vec::with_capacity(N_FEATURES);
    for i in 1..=N_MFCC {
        for f in ["mean", "std", "p10", "p90"] {
            n.push(format!("mfcc{i}_{f}"));
        }
    }
    for f in ["mean", "std", "p10", "p50", "p90"] {
        n.push(format!("energy_db_{f}"));
    }
    for base in ["centroid_khz", "alpha_ratio_db"] {
        for f in ["mean", "std", "p10", "p90"] {
            n.push(format!("{base}_{f}"));
        }
    }
    for m in 0..N_MELS {
        n.push(format!("logmel{m}_mean"));
        n.push(format!("logmel{m}_std"));
    }
    for i in 1..=N_MFCC {
        n.push(format!("d_mfcc{i}_std"));
    }
    n.push("d_energy_db_std".into());
    for f in ["mean", "std", "p10", "p50", "p90", "range"] {
        n.push(format!("f0_st_{f}"));
    }
    n.push("voiced_ratio".into());
    n.push("f0_st_mean_abs_delta".into());
    n.extend(crate::voice::names());
    n
}

fn hz_to_mel(f: f64) -> f64 {
    2595.0 * (1.0 + f / 700.0).log10()
}

fn mel_to_hz(m: f64) -> f64 {
    700.0 * (10f64.powf(m / 2595.0) - 1.0)
}

fn bin_hz(k: usize) -> f64 {
    k as f64 * SR / NFFT as f64
}

/// Triangular HTK-mel weights, `N_MELS` rows of `NBINS`.
fn mel_filterbank() -> Vec<[f64; NBINS]> {
    let (lo, hi) = (hz_to_mel(MEL_LO_HZ), hz_to_mel(MEL_HI_HZ));
    let pts: Vec<f64> = (0..N_MELS + 2)
        .map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (N_MELS + 1) as f64))
        .collect();
    (0..N_MELS)
        .map(|m| {
            let (a, c, b) = (pts[m], pts[m + 1], pts[m + 2]);
            let mut w = [0.0; NBINS];
            for (k, wk) in w.iter_mut().enumerate() {
                let f = bin_hz(k);
                let up = (f - a) / (c - a);
                let down = (b - f) / (b - c);
                *wk = up.min(down).max(0.0);
            }
            w
        })
        .collect()
}

pub(crate) fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

pub(crate) fn std(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt()
}

/// numpy's default (linear) percentile of a non-empty slice, `q` in 0..=100.
pub(crate) fn percentile(v: &[f64], q: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let pos = q / 100.0 * (s.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(s.len() - 1);
    s[lo] + (s[hi] - s[lo]) * (pos - lo as f64)
}

fn delta(v: &[f64]) -> Vec<f64> {
    let n = v.len();
    (0..n)
        .map(|t| {
            let prev = v[t.saturating_sub(1)];
            let next = v[(t + 1).min(n - 1)];
            (next - prev) / 2.0
        })
        .collect()
}

/// F0 in Hz of each of `n_frames` frames (0.0 where no period is found).
///
/// YIN-style: from each frame start a 40 ms window (the signal zero-padded at the end),
/// difference function `d(τ) = Σ_{j<374} (x[j] − x[j+τ])²` for τ = 1..=266, cumulative-
/// mean-normalised `d'(τ) = d(τ)·τ / Σ_{k≤τ} d(k)`; the first τ in 32..=266 (500–60 Hz)
/// with `d'(τ) < 0.2` is followed down to its local minimum and refined by a parabola
/// through its neighbours.
pub fn yin_f0(x: &[f64], n_frames: usize) -> Vec<f64> {
    yin(x, n_frames, None).0
}

/// [`yin_f0`] and the HNR in dB of each frame with an F0 (0.0 elsewhere): from the
/// normalised autocorrelation at the integer period τ that YIN settled on,
/// `q = d(τ) / (Σ x[j]² + Σ x[j+τ]²)` clipped to [0.001, 0.999], `10·log10((1 − q) / q)`.
///
/// With `only`, frames where it is `false` are not analysed (F0 and HNR 0.0): the
/// features use F0 only on active frames, and skipping the others changes no value.
pub(crate) fn yin(x: &[f64], n_frames: usize, only: Option<&[bool]>) -> (Vec<f64>, Vec<f64>) {
    let mut xp = Vec::with_capacity(x.len() + F0_WIN);
    xp.extend_from_slice(x);
    xp.resize(x.len() + F0_WIN, 0.0);
    let mut f0 = vec![0.0; n_frames];
    let mut hnr = vec![0.0; n_frames];
    let mut cmnd = [1.0f64; TAU_MAX + 1];
    let mut diff = DifferenceFunction::new();
    for t in 0..n_frames {
        if only.is_some_and(|m| !m.get(t).copied().unwrap_or(false)) {
            continue;
        }
        let start = t * HOP;
        diff.compute(&xp[start..start + F0_WIN]);
        let d = &diff.d;
        let mut cum = 0.0;
        for tau in 1..=TAU_MAX {
            cum += d[tau];
            cmnd[tau] = if cum > 0.0 {
                d[tau] * tau as f64 / cum
            } else {
                1.0
            };
        }
        let Some(mut tau) = (TAU_MIN..=TAU_MAX).find(|&k| cmnd[k] < YIN_THRESHOLD) else {
            continue;
        };
        while tau < TAU_MAX && cmnd[tau + 1] < cmnd[tau] {
            tau += 1;
        }
        let mut refined = tau as f64;
        if tau > 1 && tau < TAU_MAX {
            let (a, b, c) = (cmnd[tau - 1], cmnd[tau], cmnd[tau + 1]);
            let den = a - 2.0 * b + c;
            if den.abs() > 1e-12 {
                let shift = 0.5 * (a - c) / den;
                refined = tau as f64 + shift.clamp(-1.0, 1.0);
            }
        }
        f0[t] = SR / refined;
        let e = diff.energies(tau);
        let q = if e > 0.0 { d[tau] / e } else { 1.0 };
        let q = q.clamp(1.0 - crate::voice::HNR_R_MAX, 1.0 - crate::voice::HNR_R_MIN);
        hnr[t] = 10.0 * ((1.0 - q) / q).log10();
    }
    (f0, hnr)
}

/// YIN's difference function of one 40 ms window `w` (F0_WIN samples),
/// `d(τ) = Σ_{j<F0_INT} (w[j] − w[j+τ])²` for τ = 0..=TAU_MAX, computed as
/// `e₀ + e_τ − 2·r(τ)` with the energies `e_τ = Σ_{j<F0_INT} w[j+τ]²` from a running sum
/// and the cross-correlation `r(τ) = Σ_{j<F0_INT} w[j]·w[j+τ]` by FFT.
///
/// Why by FFT: the direct sum is F0_INT × TAU_MAX ≈ 100 k multiply-adds per 10 ms frame
/// and ran twice over every second of speech (emotion windows and pitch track), the
/// largest share of callqa's own CPU time; three real FFTs of F0_WIN points do the same
/// work in a fraction of it. The FFT length is F0_WIN itself: the largest index the sum
/// reaches is F0_INT − 1 + TAU_MAX = F0_WIN − 1, so the circular correlation never wraps.
/// The result equals the direct sum up to rounding relative to the window's energy
/// (~1e-15 · e₀, checked against it by a test); negative roundings are clamped to 0.
struct DifferenceFunction {
    forward: std::sync::Arc<dyn realfft::RealToComplex<f64>>,
    inverse: std::sync::Arc<dyn realfft::ComplexToReal<f64>>,
    head: Vec<f64>,
    window: Vec<f64>,
    head_spectrum: Vec<realfft::num_complex::Complex<f64>>,
    spectrum: Vec<realfft::num_complex::Complex<f64>>,
    scratch: Vec<realfft::num_complex::Complex<f64>>,
    corr: Vec<f64>,
    /// `squares[k] = Σ_{j<k} w[j]²`.
    squares: [f64; F0_WIN + 1],
    /// `d(τ)` for τ = 0..=TAU_MAX of the last window computed.
    d: [f64; TAU_MAX + 1],
}

impl DifferenceFunction {
    fn new() -> Self {
        let mut planner = RealFftPlanner::<f64>::new();
        let forward = planner.plan_fft_forward(F0_WIN);
        let inverse = planner.plan_fft_inverse(F0_WIN);
        let scratch_len = forward.get_scratch_len().max(inverse.get_scratch_len());
        DifferenceFunction {
            head: forward.make_input_vec(),
            window: forward.make_input_vec(),
            head_spectrum: forward.make_output_vec(),
            spectrum: forward.make_output_vec(),
            scratch: vec![Default::default(); scratch_len],
            corr: inverse.make_output_vec(),
            forward,
            inverse,
            squares: [0.0; F0_WIN + 1],
            d: [0.0; TAU_MAX + 1],
        }
    }

    /// Compute `d` of the window `w` (exactly F0_WIN samples).
    fn compute(&mut self, w: &[f64]) {
        let mut acc = 0.0;
        for (k, v) in w.iter().enumerate() {
            self.squares[k] = acc;
            acc += v * v;
        }
        self.squares[F0_WIN] = acc;
        self.head[..F0_INT].copy_from_slice(&w[..F0_INT]);
        self.head[F0_INT..].fill(0.0);
        self.window.copy_from_slice(w);
        // The lengths are the plans' own, so the FFTs cannot fail.
        let _ = self.forward.process_with_scratch(
            &mut self.head,
            &mut self.head_spectrum,
            &mut self.scratch,
        );
        let _ = self.forward.process_with_scratch(
            &mut self.window,
            &mut self.spectrum,
            &mut self.scratch,
        );
        for (s, h) in self.spectrum.iter_mut().zip(&self.head_spectrum) {
            *s *= h.conj();
        }
        // Real inputs: the DC and Nyquist bins of the product are real.
        let last = self.spectrum.len() - 1;
        self.spectrum[0].im = 0.0;
        self.spectrum[last].im = 0.0;
        let _ = self.inverse.process_with_scratch(
            &mut self.spectrum,
            &mut self.corr,
            &mut self.scratch,
        );
        let scale = 1.0 / F0_WIN as f64;
        self.d[0] = 0.0;
        for tau in 1..=TAU_MAX {
            self.d[tau] = (self.energies(tau) - 2.0 * self.corr[tau] * scale).max(0.0);
        }
    }

    /// `Σ_{j<F0_INT} w[j]² + Σ_{j<F0_INT} w[j+τ]²` of the last window computed.
    fn energies(&self, tau: usize) -> f64 {
        self.squares[F0_INT] + (self.squares[tau + F0_INT] - self.squares[tau])
    }
}

/// `Σ (a[j] − b[j])²` over the shorter of the two slices, left to right: the direct
/// difference function the FFT one is checked against.
#[cfg(test)]
fn squared_difference(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Energy in dB of each raw (un-windowed) frame, as the features define it.
fn frame_energy_db(x: &[f64], n_frames: usize) -> Vec<f64> {
    (0..n_frames)
        .map(|t| {
            let raw = &x[t * HOP..t * HOP + FRAME];
            10.0 * (raw.iter().map(|v| v * v).sum::<f64>() / FRAME as f64 + EPS).log10()
        })
        .collect()
}

/// The F0 track of a stretch of speech: `(time_s, f0_hz)` of each voiced frame (active
/// and with a period, as in [`extract`]), the time being the frame centre relative to the
/// first sample. Cheaper than [`extract`] when only intonation is needed. Errors like
/// [`extract`].
pub fn pitch_track(samples: &[f32]) -> Result<Vec<(f64, f64)>, EmotionError> {
    let fr = Framed::new(samples)?;
    // YIN leaves the inactive frames at 0.0: a period means an active, voiced frame.
    let (f0, _) = yin(&fr.x, fr.n_frames, Some(&fr.active));
    Ok(f0
        .iter()
        .enumerate()
        .filter(|(_, &f)| f > 0.0)
        .map(|(t, &f)| ((t * HOP + FRAME / 2) as f64 / SR, f))
        .collect())
}

/// A checked utterance in frames: its samples as `f64`, the number of whole frames, each
/// frame's energy in dB and whether it is active (within [`ACTIVE_DB`] of the loudest).
struct Framed {
    x: Vec<f64>,
    n_frames: usize,
    energy_db: Vec<f64>,
    active: Vec<bool>,
}

impl Framed {
    /// Errors on fewer than [`FRAME`] samples and on non-finite samples.
    fn new(samples: &[f32]) -> Result<Self, EmotionError> {
        if samples.len() < FRAME {
            return Err(EmotionError::TooShort {
                samples: samples.len(),
                min: FRAME,
            });
        }
        if samples.iter().any(|s| !s.is_finite()) {
            return Err(EmotionError::BadInput("non-finite sample".into()));
        }
        let x: Vec<f64> = samples.iter().map(|&s| f64::from(s)).collect();
        let n_frames = 1 + (x.len() - FRAME) / HOP;
        let energy_db = frame_energy_db(&x, n_frames);
        let max_db = energy_db.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let active = energy_db.iter().map(|&e| e > max_db - ACTIVE_DB).collect();
        Ok(Framed {
            x,
            n_frames,
            energy_db,
            active,
        })
    }
}

/// Summary of F0 values in Hz: mean, range (p90 − p10) and std in semitones; `None`
/// for an empty slice. The same definitions as [`Pitch`].
pub fn f0_summary(hz: &[f64]) -> Option<(f64, f64, f64)> {
    if hz.is_empty() {
        return None;
    }
    let st: Vec<f64> = hz.iter().map(|&h| 12.0 * (h / ST_REF_HZ).log2()).collect();
    Some((
        mean(hz),
        percentile(hz, 90.0) - percentile(hz, 10.0),
        std(&st),
    ))
}

/// Frame-level spectral features of one utterance (see the module docs).
struct Spectral {
    logmel: Vec<[f64; N_MELS]>,
    mfcc: Vec<[f64; N_MFCC]>,
    centroid: Vec<f64>,
    alpha: Vec<f64>,
    balance: Vec<voice::Balance>,
    voiced_frames: Vec<voice::VoicedFrame>,
}

/// Hamming window of `FRAME` samples (symmetric).
fn hamming() -> Vec<f64> {
    (0..FRAME)
        .map(|i| 0.54 - 0.46 * (2.0 * std::f64::consts::PI * i as f64 / (FRAME - 1) as f64).cos())
        .collect()
}

/// DCT-II rows (orthonormal) giving MFCC c1..c12 from the log-mels.
fn dct_rows() -> Vec<[f64; N_MELS]> {
    (1..=N_MFCC)
        .map(|i| {
            let mut row = [0.0; N_MELS];
            for (m, r) in row.iter_mut().enumerate() {
                *r = (std::f64::consts::PI * i as f64 * (m as f64 + 0.5) / N_MELS as f64).cos()
                    * (2.0 / N_MELS as f64).sqrt();
            }
            row
        })
        .collect()
}

/// One pass over the frames: the pre-emphasised spectrum (log-mels, MFCCs, centroid,
/// alpha ratio), the raw spectrum (loudness, spectral balance) and, on voiced frames, the
/// voice-quality descriptors.
fn spectral(
    x: &[f64],
    n_frames: usize,
    f0: &[f64],
    hnr: &[f64],
    voiced: &[bool],
) -> Result<Spectral, EmotionError> {
    let n = x.len();
    let mut y = Vec::with_capacity(n);
    y.push(x[0]);
    for i in 1..n {
        y.push(x[i] - PREEMPH * x[i - 1]);
    }
    let window = hamming();
    let fb = mel_filterbank();
    let dct = dct_rows();
    let mut planner = RealFftPlanner::<f64>::new();
    let fft = planner.plan_fft_forward(NFFT);
    let tables = voice::VoiceTables::new(&mut planner);
    let mut buf = fft.make_input_vec();
    let mut spec = fft.make_output_vec();
    let mut scratch = fft.make_scratch_vec();
    let fft_err = |e: realfft::FftError| EmotionError::BadInput(format!("FFT: {e}"));
    let mut out = Spectral {
        logmel: vec![[0.0f64; N_MELS]; n_frames],
        mfcc: vec![[0.0f64; N_MFCC]; n_frames],
        centroid: Vec::with_capacity(n_frames),
        alpha: Vec::with_capacity(n_frames),
        balance: Vec::with_capacity(n_frames),
        voiced_frames: Vec::new(),
    };
    let mut power = [0.0f64; NBINS];
    let mut raw_power = [0.0f64; NBINS];
    let mut pre = [0.0f64; FRAME];
    for t in 0..n_frames {
        let s = t * HOP;
        for (i, p) in pre.iter_mut().enumerate() {
            *p = y[s + i] * window[i];
        }
        buf.fill(0.0);
        buf[..FRAME].copy_from_slice(&pre);
        fft.process_with_scratch(&mut buf, &mut spec, &mut scratch)
            .map_err(fft_err)?;
        for (p, c) in power.iter_mut().zip(&spec) {
            *p = c.re * c.re + c.im * c.im;
        }
        for (m, w) in fb.iter().enumerate() {
            let e: f64 = power.iter().zip(w).map(|(p, w)| p * w).sum();
            out.logmel[t][m] = (e + EPS).ln();
        }
        for (i, row) in dct.iter().enumerate() {
            out.mfcc[t][i] = out.logmel[t].iter().zip(row).map(|(l, d)| l * d).sum();
        }
        let (mut num, mut den, mut hi, mut lo) = (0.0, 0.0, 0.0, 0.0);
        for (k, &p) in power.iter().enumerate() {
            let f = bin_hz(k);
            if f <= 4000.0 {
                num += p * f;
                den += p;
            }
            if (1000.0..=4000.0).contains(&f) {
                hi += p;
            }
            if (50.0..1000.0).contains(&f) {
                lo += p;
            }
        }
        out.centroid.push(num / (den + EPS) / 1000.0);
        out.alpha.push(10.0 * ((hi + EPS) / (lo + EPS)).log10());

        buf.fill(0.0);
        for (i, b) in buf.iter_mut().take(FRAME).enumerate() {
            *b = x[s + i] * window[i];
        }
        fft.process_with_scratch(&mut buf, &mut spec, &mut scratch)
            .map_err(fft_err)?;
        for (p, c) in raw_power.iter_mut().zip(&spec) {
            *p = c.re * c.re + c.im * c.im;
        }
        out.balance.push(tables.balance(&raw_power, &fb));
        if voiced[t] {
            out.voiced_frames
                .push(tables.voiced(&pre, &raw_power, f0[t], hnr[t]));
        }
    }
    Ok(out)
}

/// Compute the `callqa-emo-v2` features of one utterance: 16 kHz mono samples in [-1, 1].
///
/// Errors on fewer than 400 samples (one 25 ms frame) and on non-finite samples.
pub fn extract(samples: &[f32]) -> Result<Features, EmotionError> {
    let Framed {
        x,
        n_frames,
        energy_db,
        active,
    } = Framed::new(samples)?;
    let (f0, hnr) = yin(&x, n_frames, Some(&active));
    let voiced: Vec<bool> = active
        .iter()
        .zip(&f0)
        .map(|(&a, &f)| a && f > 0.0)
        .collect();
    let sp = spectral(&x, n_frames, &f0, &hnr, &voiced)?;
    let (mut out, pitch) = v1_functionals(&sp, &energy_db, &f0, &active, &voiced);
    out.extend(voice::functionals(&voice::Frames {
        x: &x,
        f0: &f0,
        active: &active,
        voiced: &voiced,
        balance: &sp.balance,
        voiced_frames: &sp.voiced_frames,
    }));
    debug_assert_eq!(out.len(), N_FEATURES);
    Ok(Features { values: out, pitch })
}

/// The 130 `callqa-emo-v1` functionals and the pitch summary.
fn v1_functionals(
    sp: &Spectral,
    energy_db: &[f64],
    f0: &[f64],
    active: &[bool],
    voiced: &[bool],
) -> (Vec<f64>, Pitch) {
    let n_frames = f0.len();
    let d_energy = delta(energy_db);
    let d_mfcc: Vec<Vec<f64>> = (0..N_MFCC)
        .map(|i| delta(&sp.mfcc.iter().map(|r| r[i]).collect::<Vec<_>>()))
        .collect();
    let pick = |v: &mut dyn Iterator<Item = f64>| -> Vec<f64> {
        v.zip(active).filter(|(_, &a)| a).map(|(x, _)| x).collect()
    };

    let mut out = Vec::with_capacity(N_FEATURES);
    for i in 0..N_MFCC {
        let v = pick(&mut sp.mfcc.iter().map(|r| r[i]));
        out.extend([
            mean(&v),
            std(&v),
            percentile(&v, 10.0),
            percentile(&v, 90.0),
        ]);
    }
    let v = pick(&mut energy_db.iter().copied());
    out.extend([
        mean(&v),
        std(&v),
        percentile(&v, 10.0),
        percentile(&v, 50.0),
        percentile(&v, 90.0),
    ]);
    for arr in [&sp.centroid, &sp.alpha] {
        let v = pick(&mut arr.iter().copied());
        out.extend([
            mean(&v),
            std(&v),
            percentile(&v, 10.0),
            percentile(&v, 90.0),
        ]);
    }
    for m in 0..N_MELS {
        let v = pick(&mut sp.logmel.iter().map(|r| r[m]));
        out.extend([mean(&v), std(&v)]);
    }
    for d in &d_mfcc {
        out.push(std(&pick(&mut d.iter().copied())));
    }
    out.push(std(&pick(&mut d_energy.iter().copied())));

    let st_of = |hz: f64| 12.0 * (hz / ST_REF_HZ).log2();
    let hz: Vec<f64> = f0
        .iter()
        .zip(voiced)
        .filter(|(_, &v)| v)
        .map(|(&f, _)| f)
        .collect();
    let pitch = if hz.is_empty() {
        out.extend([0.0; 8]);
        Pitch {
            f0_mean_hz: None,
            f0_range_hz: None,
            f0_std_st: None,
            voiced_ratio: 0.0,
        }
    } else {
        let st: Vec<f64> = hz.iter().map(|&h| st_of(h)).collect();
        let (p10, p50, p90) = (
            percentile(&st, 10.0),
            percentile(&st, 50.0),
            percentile(&st, 90.0),
        );
        out.extend([mean(&st), std(&st), p10, p50, p90, p90 - p10]);
        let jumps: Vec<f64> = (0..n_frames.saturating_sub(1))
            .filter(|&t| voiced[t] && voiced[t + 1])
            .map(|t| (st_of(f0[t + 1]) - st_of(f0[t])).abs())
            .collect();
        let n_active = active.iter().filter(|&&a| a).count();
        let vr = hz.len() as f64 / n_active as f64;
        out.push(vr);
        out.push(if jumps.is_empty() { 0.0 } else { mean(&jumps) });
        Pitch {
            f0_mean_hz: Some(mean(&hz)),
            f0_range_hz: Some(percentile(&hz, 90.0) - percentile(&hz, 10.0)),
            f0_std_st: Some(std(&st)),
            voiced_ratio: vr,
        }
    };
    debug_assert_eq!(out.len(), N_V1);
    (out, pitch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_vector() {
        assert_eq!(feature_names().len(), N_FEATURES);
    }

    #[test]
    fn percentile_is_numpy_linear() {
        let v = [4.0, 1.0, 3.0, 2.0];
        assert!((percentile(&v, 10.0) - 1.3).abs() < 1e-12);
        assert!((percentile(&v, 50.0) - 2.5).abs() < 1e-12);
        assert!((percentile(&v, 100.0) - 4.0).abs() < 1e-12);
    }

    #[test]
    fn yin_finds_a_sine_pitch() {
        let x: Vec<f32> = (0..16_000)
            .map(|i| (2.0 * std::f32::consts::PI * 200.0 * i as f32 / 16_000.0).sin() * 0.5)
            .collect();
        let f = extract(&x).expect("features");
        let m = f.pitch.f0_mean_hz.expect("voiced");
        assert!((m - 200.0).abs() < 1.0, "{m}");
        assert!(f.pitch.voiced_ratio > 0.9);
        assert!(f.values.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn the_fft_difference_function_and_the_active_mask_change_no_decision() {
        // A pseudo-random signal with a voiced stretch and near-silence around it.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut noise = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let x: Vec<f64> = (0..24_000)
            .map(|i| {
                let loud = (6_000..18_000).contains(&i);
                let tone = (2.0 * std::f64::consts::PI * 140.0 * i as f64 / SR).sin();
                if loud {
                    0.4 * tone + 0.05 * noise()
                } else {
                    1e-4 * noise()
                }
            })
            .collect();
        // The FFT's d(τ) is the direct sum up to rounding relative to the window's energy,
        // loud or near-silent.
        let mut diff = DifferenceFunction::new();
        for start in [0, 2_000, 6_000, 6_100, 11_111, 17_800, 23_000 - F0_WIN] {
            let w = &x[start..start + F0_WIN];
            diff.compute(w);
            let e0: f64 = w[..F0_INT].iter().map(|v| v * v).sum();
            for tau in 1..=TAU_MAX {
                let direct = squared_difference(&w[..F0_INT], &w[tau..tau + F0_INT]);
                assert!(
                    (diff.d[tau] - direct).abs() <= 1e-12 * e0,
                    "start {start}, τ {tau}: fft {} direct {direct}",
                    diff.d[tau]
                );
                let e_tau: f64 = w[tau..tau + F0_INT].iter().map(|v| v * v).sum();
                assert!((diff.energies(tau) - (e0 + e_tau)).abs() <= 1e-12 * (e0 + e_tau));
            }
        }
        // The F0 decisions equal those of the direct sum, frame by frame.
        let n_frames = 1 + (x.len() - FRAME) / HOP;
        let (f0_all, hnr_all) = yin(&x, n_frames, None);
        let mut xp = x.clone();
        xp.resize(x.len() + F0_WIN, 0.0);
        for (t, &f) in f0_all.iter().enumerate() {
            let w = &xp[t * HOP..t * HOP + F0_WIN];
            let d: Vec<f64> = (0..=TAU_MAX)
                .map(|tau| squared_difference(&w[..F0_INT], &w[tau..tau + F0_INT]))
                .collect();
            let mut cum = 0.0;
            let cmnd: Vec<f64> = (0..=TAU_MAX)
                .map(|tau| {
                    cum += if tau > 0 { d[tau] } else { 0.0 };
                    if tau > 0 && cum > 0.0 {
                        d[tau] * tau as f64 / cum
                    } else {
                        1.0
                    }
                })
                .collect();
            let voiced = (TAU_MIN..=TAU_MAX).any(|k| cmnd[k] < YIN_THRESHOLD);
            assert_eq!(f > 0.0, voiced, "frame {t}");
            if voiced {
                let mut tau = (TAU_MIN..=TAU_MAX)
                    .find(|&k| cmnd[k] < YIN_THRESHOLD)
                    .unwrap_or(0);
                while tau < TAU_MAX && cmnd[tau + 1] < cmnd[tau] {
                    tau += 1;
                }
                assert!((SR / f - tau as f64).abs() <= 1.0 + 1e-9, "frame {t}");
            }
        }
        // Skipping inactive frames changes no other frame's value.
        let energy_db = frame_energy_db(&x, n_frames);
        let max_db = energy_db.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let active: Vec<bool> = energy_db.iter().map(|&e| e > max_db - ACTIVE_DB).collect();
        assert!(active.iter().any(|&a| !a) && active.iter().any(|&a| a));
        let (f0, hnr) = yin(&x, n_frames, Some(&active));
        for t in 0..n_frames {
            if active[t] {
                assert_eq!(f0[t].to_bits(), f0_all[t].to_bits(), "frame {t}");
                assert_eq!(hnr[t].to_bits(), hnr_all[t].to_bits(), "frame {t}");
            } else {
                assert_eq!((f0[t], hnr[t]), (0.0, 0.0), "frame {t}");
            }
        }
        assert!(f0.iter().filter(|&&f| f > 0.0).count() > n_frames / 3);
    }

    #[test]
    fn short_and_bad_input_are_errors() {
        assert!(matches!(
            extract(&[0.0; 100]),
            Err(EmotionError::TooShort { .. })
        ));
        let mut x = vec![0.0f32; 1000];
        x[5] = f32::NAN;
        assert!(extract(&x).is_err());
        // digital silence: defined, no pitch
        let f = extract(&[0.0; 1000]).expect("silence");
        assert_eq!(f.pitch.f0_mean_hz, None);
        assert!(f.values.iter().all(|v| v.is_finite()));
    }
}
