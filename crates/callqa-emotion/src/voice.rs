//! The eGeMAPS-style half of feature set `callqa-emo-v2`: voice quality (jitter, shimmer,
//! HNR, formants and their bandwidths, harmonic differences), spectral balance (alpha
//! ratio, Hammarberg index, spectral slopes), loudness, F0 slopes and the timing of voiced
//! and unvoiced segments.
//!
//! Written from the definitions in Eyben et al., "The Geneva Minimalistic Acoustic
//! Parameter Set (GeMAPS) for Voice Research and Affective Computing" (IEEE Trans.
//! Affective Computing 7(2), 2016); openSMILE, the paper's reference implementation, may
//! not be shipped in a commercial product, so these few descriptors are written by hand
//! (no permissively licensed crate computes them). The Python twin is
//! `scripts/emo_features.py::gemaps`; the parity test checks the two. Every choice below
//! (bands, LPC order, the cycle tracker) is documented there and mirrored here step by step.

use crate::features::{mean, percentile, std, EPS, FRAME, HOP, NBINS, SR, ST_REF_HZ};
use realfft::RealFftPlanner;
use std::sync::Arc;

/// Values this module adds to the vector.
pub(crate) const N_VOICE: usize = 51;

const DF: f64 = SR / crate::features::NFFT as f64;
const LOUDNESS_EXP: f64 = 0.3;
pub(crate) const HNR_R_MIN: f64 = 0.001;
pub(crate) const HNR_R_MAX: f64 = 0.999;
const LPC_ORDER: usize = 18;
const LPC_NFFT: usize = 1024;
const LPC_DF: f64 = SR / LPC_NFFT as f64;
const FORMANT_LO_HZ: f64 = 150.0;
const FORMANT_HI_HZ: f64 = 5000.0;
const N_FORMANTS: usize = 3;
/// Descriptors averaged over voiced frames (mean and std each), in vector order.
pub(crate) const VOICED_LLDS: [&str; 13] = [
    "hnr_db",
    "f1_hz",
    "f1_bw_hz",
    "f2_hz",
    "f2_bw_hz",
    "f3_hz",
    "f3_bw_hz",
    "h1_h2_db",
    "h1_a3_db",
    "alpha_ratio_g_db",
    "hammarberg_db",
    "slope_0_500",
    "slope_500_1500",
];
/// Descriptors averaged over unvoiced (active, not voiced) frames, in vector order.
pub(crate) const UNVOICED_LLDS: [&str; 4] = [
    "alpha_ratio_g_db",
    "hammarberg_db",
    "slope_0_500",
    "slope_500_1500",
];

/// Names of this module's values, in vector order.
pub(crate) fn names() -> Vec<String> {
    let mut n: Vec<String> = ["mean", "std", "p20", "p50", "p80", "range_20_80"]
        .iter()
        .map(|f| format!("loudness_{f}"))
        .collect();
    for f in [
        "f0_st_p20",
        "f0_st_p80",
        "f0_st_range_20_80",
        "f0_rising_slope_mean",
        "f0_rising_slope_std",
        "f0_falling_slope_mean",
        "f0_falling_slope_std",
        "jitter_local",
        "shimmer_local_db",
    ] {
        n.push(f.into());
    }
    for d in VOICED_LLDS {
        n.push(format!("{d}_voiced_mean"));
        n.push(format!("{d}_voiced_std"));
    }
    for d in UNVOICED_LLDS {
        n.push(format!("{d}_unvoiced_mean"));
    }
    for f in [
        "loudness_peaks_per_s",
        "voiced_segments_per_s",
        "voiced_segment_mean_s",
        "voiced_segment_std_s",
        "unvoiced_segment_mean_s",
        "unvoiced_segment_std_s",
    ] {
        n.push(f.into());
    }
    n
}

/// Spectral descriptors of one frame, from its un-pre-emphasised power spectrum.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Balance {
    pub loudness: f64,
    pub alpha: f64,
    pub hammarberg: f64,
    pub slope_lo: f64,
    pub slope_hi: f64,
}

/// Voice-quality descriptors of one voiced frame.
#[derive(Debug, Clone, Default)]
pub(crate) struct VoicedFrame {
    pub hnr: f64,
    pub formants: Vec<(f64, f64)>,
    pub h1_h2: f64,
    pub h1_a3: Option<f64>,
}

/// Fixed tables and FFT plans for the per-frame work; built once per utterance.
pub(crate) struct VoiceTables {
    slope_lo: (usize, Vec<f64>),
    slope_hi: (usize, Vec<f64>),
    lpc_fft: Arc<dyn realfft::RealToComplex<f64>>,
}

impl VoiceTables {
    pub fn new(planner: &mut RealFftPlanner<f64>) -> Self {
        VoiceTables {
            slope_lo: slope_weights(0.0, 500.0),
            slope_hi: slope_weights(500.0, 1500.0),
            lpc_fft: planner.plan_fft_forward(LPC_NFFT),
        }
    }

    /// Loudness and spectral balance of a frame's raw power spectrum (`NBINS` values);
    /// `mel` is the mel filterbank.
    pub fn balance(&self, power: &[f64], mel: &[[f64; NBINS]]) -> Balance {
        let loudness = mel
            .iter()
            .map(|w| {
                power
                    .iter()
                    .zip(w)
                    .map(|(p, w)| p * w)
                    .sum::<f64>()
                    .powf(LOUDNESS_EXP)
            })
            .sum();
        let (mut lo, mut hi, mut max_lo, mut max_hi) =
            (0.0, 0.0, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (k, &p) in power.iter().enumerate() {
            let f = k as f64 * DF;
            if (50.0..1000.0).contains(&f) {
                lo += p;
            }
            if (1000.0..=5000.0).contains(&f) {
                hi += p;
            }
            if f <= 2000.0 {
                max_lo = max_lo.max(p);
            } else if f <= 5000.0 {
                max_hi = max_hi.max(p);
            }
        }
        let slope = |(k0, w): &(usize, Vec<f64>)| -> f64 {
            w.iter()
                .zip(&power[*k0..*k0 + w.len()])
                .map(|(w, p)| 10.0 * (p + EPS).log10() * w)
                .sum()
        };
        Balance {
            loudness,
            alpha: 10.0 * ((hi + EPS) / (lo + EPS)).log10(),
            hammarberg: 10.0 * ((max_lo + EPS) / (max_hi + EPS)).log10(),
            slope_lo: slope(&self.slope_lo),
            slope_hi: slope(&self.slope_hi),
        }
    }

    /// Voice quality of a voiced frame: `pre` is its pre-emphasised, windowed frame
    /// (`FRAME` samples), `power` its raw power spectrum, `f0` and `hnr` from YIN.
    pub fn voiced(&self, pre: &[f64], power: &[f64], f0: f64, hnr: f64) -> VoicedFrame {
        let formants = self.formants(pre);
        let h1 = band_max(power, 0.9 * f0, 1.1 * f0);
        let h2 = band_max(power, 1.8 * f0, 2.2 * f0);
        let h1_a3 = (formants.len() == N_FORMANTS).then(|| {
            let f3 = formants[2].0;
            let a3 = band_max(power, 0.9 * f3, 1.1 * f3);
            10.0 * ((h1 + EPS) / (a3 + EPS)).log10()
        });
        VoicedFrame {
            hnr,
            h1_h2: 10.0 * ((h1 + EPS) / (h2 + EPS)).log10(),
            h1_a3,
            formants,
        }
    }

    /// `(frequency, bandwidth)` in Hz of the first three LPC envelope peaks in 150–5000 Hz.
    fn formants(&self, frame: &[f64]) -> Vec<(f64, f64)> {
        let Some(a) = lpc(frame) else {
            return Vec::new();
        };
        let mut buf = vec![0.0; LPC_NFFT];
        buf[..a.len()].copy_from_slice(&a);
        let mut spec = self.lpc_fft.make_output_vec();
        if self.lpc_fft.process(&mut buf, &mut spec).is_err() {
            return Vec::new();
        }
        let env: Vec<f64> = spec
            .iter()
            .map(|c| -10.0 * (c.re * c.re + c.im * c.im + EPS).log10())
            .collect();
        let k_lo = ((FORMANT_LO_HZ / LPC_DF).ceil() as usize).max(1);
        let k_hi = ((FORMANT_HI_HZ / LPC_DF) as usize).min(LPC_NFFT / 2 - 1);
        let mut out = Vec::with_capacity(N_FORMANTS);
        for k in k_lo..=k_hi {
            if env[k] > env[k - 1] && env[k] >= env[k + 1] {
                let (y0, y1, y2) = (env[k - 1], env[k], env[k + 1]);
                let c2 = 0.5 * (y0 - 2.0 * y1 + y2);
                if c2 >= 0.0 {
                    continue;
                }
                let p = 0.25 * (y0 - y2) / c2;
                out.push(((k as f64 + p) * LPC_DF, 2.0 * (3.0 / -c2).sqrt() * LPC_DF));
                if out.len() == N_FORMANTS {
                    break;
                }
            }
        }
        out
    }
}

/// LPC coefficients `[1, a1 … a18]` of a frame (autocorrelation method, Levinson–Durbin,
/// a 1e-9 white-noise correction); `None` for a silent or numerically singular frame.
fn lpc(frame: &[f64]) -> Option<Vec<f64>> {
    let mut r = [0.0f64; LPC_ORDER + 1];
    for (k, rk) in r.iter_mut().enumerate() {
        *rk = frame[..FRAME - k]
            .iter()
            .zip(&frame[k..])
            .map(|(a, b)| a * b)
            .sum();
    }
    if r[0] <= 0.0 {
        return None;
    }
    r[0] *= 1.0 + 1e-9;
    let mut a = vec![0.0f64; LPC_ORDER + 1];
    a[0] = 1.0;
    let mut err = r[0];
    let mut prev = a.clone();
    for i in 1..=LPC_ORDER {
        let mut acc = r[i];
        for j in 1..i {
            acc += a[j] * r[i - j];
        }
        let k = -acc / err;
        prev.copy_from_slice(&a);
        for j in 1..i {
            a[j] = prev[j] + k * prev[i - j];
        }
        a[i] = k;
        err *= 1.0 - k * k;
        if err <= 0.0 {
            return None;
        }
    }
    Some(a)
}

/// Largest power of the bins `floor(lo / DF) ..= ceil(hi / DF)`, clipped to the spectrum.
fn band_max(power: &[f64], lo_hz: f64, hi_hz: f64) -> f64 {
    let a = (lo_hz / DF).floor().max(0.0) as usize;
    let b = ((hi_hz / DF).ceil().max(0.0) as usize).min(NBINS - 1);
    if b < a {
        return 0.0;
    }
    power[a..=b]
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
}

/// First bin and least-squares weights `w` (slope = Σ w·dB, dB per kHz) over the bins
/// with `lo_hz <= f <= hi_hz`.
fn slope_weights(lo_hz: f64, hi_hz: f64) -> (usize, Vec<f64>) {
    let bins: Vec<usize> = (0..NBINS)
        .filter(|&k| (lo_hz..=hi_hz).contains(&(k as f64 * DF)))
        .collect();
    let f: Vec<f64> = bins.iter().map(|&k| k as f64 * DF / 1000.0).collect();
    let m = mean(&f);
    let c: Vec<f64> = f.iter().map(|v| v - m).collect();
    let ss: f64 = c.iter().map(|v| v * v).sum();
    (bins[0], c.iter().map(|v| v / ss).collect())
}

/// `(first, last)` frame of each run of `true`.
pub(crate) fn runs(flags: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (t, &v) in flags.iter().enumerate() {
        match (v, start) {
            (true, None) => start = Some(t),
            (false, Some(s)) => {
                out.push((s, t - 1));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, flags.len() - 1));
    }
    out
}

/// Periods (samples) and peak-to-peak amplitudes of the pitch cycles of one voiced run
/// (frames `first..=last`): peaks tracked from the run's first period onwards, each next
/// peak searched in 0.8–1.2 periods (the YIN period of the frame the last peak lies in),
/// refined by a parabola through the peak sample and its neighbours.
fn cycles(x: &[f64], f0: &[f64], first: usize, last: usize) -> (Vec<f64>, Vec<f64>) {
    let s_end = (last * HOP + FRAME).min(x.len());
    let s0 = first * HOP;
    let t0 = (SR / f0[first]) as usize;
    if s0 + t0 > s_end || t0 < 1 {
        return (Vec::new(), Vec::new());
    }
    let argmax = |a: usize, b: usize| -> usize {
        let mut best = a;
        for i in a + 1..b {
            if x[i] > x[best] {
                best = i;
            }
        }
        best
    };
    let mut marks = vec![argmax(s0, s0 + t0)];
    loop {
        let m = marks[marks.len() - 1];
        let t = (m as i64 - (FRAME / 2) as i64).div_euclid(HOP as i64);
        let t = t.clamp(first as i64, last as i64) as usize;
        let period = SR / f0[t];
        let (lo, hi) = (m + (0.8 * period) as usize, m + (1.2 * period) as usize + 1);
        if hi > s_end {
            break;
        }
        marks.push(argmax(lo, hi));
    }
    let refined: Vec<f64> = marks
        .iter()
        .map(|&m| {
            let mut shift = 0.0;
            if m > 0 && m + 1 < x.len() {
                let (a, b, c) = (x[m - 1], x[m], x[m + 1]);
                let den = a - 2.0 * b + c;
                if den < 0.0 {
                    shift = (0.5 * (a - c) / den).clamp(-0.5, 0.5);
                }
            }
            m as f64 + shift
        })
        .collect();
    let periods = refined.windows(2).map(|w| w[1] - w[0]).collect();
    let amps = marks
        .windows(2)
        .map(|w| {
            let seg = &x[w[0]..w[1]];
            let hi = seg.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lo = seg.iter().copied().fold(f64::INFINITY, f64::min);
            hi - lo
        })
        .collect();
    (periods, amps)
}

/// Slopes (st/s, absolute) of the rising and of the falling monotonic parts of each
/// voiced run's F0 contour `st` (semitones).
fn f0_slopes(st: &[f64], voiced_runs: &[(usize, usize)]) -> (Vec<f64>, Vec<f64>) {
    let (mut rising, mut falling) = (Vec::new(), Vec::new());
    let dt = HOP as f64 / SR;
    for &(a, b) in voiced_runs {
        let (mut sign, mut start) = (0i8, a);
        let mut close = |sign: i8, from: usize, to: usize| {
            let slope = ((st[to] - st[from]) / ((to - from) as f64 * dt)).abs();
            if sign > 0 {
                rising.push(slope);
            } else {
                falling.push(slope);
            }
        };
        for t in a..b {
            let d = st[t + 1] - st[t];
            let sg = if d > 0.0 {
                1
            } else if d < 0.0 {
                -1
            } else {
                0
            };
            if sg != sign {
                if sign != 0 {
                    close(sign, start, t);
                }
                sign = sg;
                start = t;
            }
        }
        if sign != 0 {
            close(sign, start, b);
        }
    }
    (rising, falling)
}

fn mean_std0(v: &[f64]) -> [f64; 2] {
    if v.is_empty() {
        [0.0, 0.0]
    } else {
        [mean(v), std(v)]
    }
}

/// The per-frame inputs of [`functionals`].
pub(crate) struct Frames<'a> {
    pub x: &'a [f64],
    pub f0: &'a [f64],
    pub active: &'a [bool],
    pub voiced: &'a [bool],
    pub balance: &'a [Balance],
    /// One entry per voiced frame, in time order.
    pub voiced_frames: &'a [VoicedFrame],
}

/// The module's [`N_VOICE`] values of one utterance.
pub(crate) fn functionals(fr: &Frames) -> Vec<f64> {
    let mut out = Vec::with_capacity(N_VOICE);
    let n_frames = fr.f0.len();
    let dur = fr.x.len() as f64 / SR;
    let loud: Vec<f64> = fr.balance.iter().map(|b| b.loudness).collect();
    let v: Vec<f64> = loud
        .iter()
        .zip(fr.active)
        .filter(|(_, &a)| a)
        .map(|(&l, _)| l)
        .collect();
    let (p20, p50, p80) = (
        percentile(&v, 20.0),
        percentile(&v, 50.0),
        percentile(&v, 80.0),
    );
    out.extend([mean(&v), std(&v), p20, p50, p80, p80 - p20]);

    let vruns = runs(fr.voiced);
    let st: Vec<f64> = fr
        .f0
        .iter()
        .zip(fr.voiced)
        .map(|(&f, &v)| {
            if v {
                12.0 * (f / ST_REF_HZ).log2()
            } else {
                0.0
            }
        })
        .collect();
    let sv: Vec<f64> = st
        .iter()
        .zip(fr.voiced)
        .filter(|(_, &v)| v)
        .map(|(&s, _)| s)
        .collect();
    if sv.is_empty() {
        out.extend([0.0; 3]);
    } else {
        let (q20, q80) = (percentile(&sv, 20.0), percentile(&sv, 80.0));
        out.extend([q20, q80, q80 - q20]);
    }
    let (rising, falling) = f0_slopes(&st, &vruns);
    out.extend(mean_std0(&rising));
    out.extend(mean_std0(&falling));
    out.extend(perturbation(fr.x, fr.f0, &vruns));
    out.extend(voiced_functionals(fr));
    out.extend(timing(&loud, fr.active, &vruns, n_frames, dur));
    debug_assert_eq!(out.len(), N_VOICE);
    out
}

/// Jitter (local) and shimmer (local, dB) over the cycles of every voiced run.
fn perturbation(x: &[f64], f0: &[f64], vruns: &[(usize, usize)]) -> [f64; 2] {
    let (mut periods, mut p_dev, mut a_dev) = (Vec::new(), Vec::new(), Vec::new());
    for &(a, b) in vruns {
        let (p, amp) = cycles(x, f0, a, b);
        p_dev.extend(p.windows(2).map(|w| (w[1] - w[0]).abs()));
        a_dev.extend(
            amp.windows(2)
                .map(|w| (20.0 * ((w[1] + EPS) / (w[0] + EPS)).log10()).abs()),
        );
        periods.extend(p);
    }
    [
        if p_dev.is_empty() {
            0.0
        } else {
            mean(&p_dev) / mean(&periods)
        },
        if a_dev.is_empty() { 0.0 } else { mean(&a_dev) },
    ]
}

/// Means and stds of the voice-quality descriptors over voiced frames, then the means of
/// the spectral-balance ones over unvoiced active frames.
fn voiced_functionals(fr: &Frames) -> Vec<f64> {
    let mut lld: Vec<Vec<f64>> = vec![Vec::new(); VOICED_LLDS.len()];
    let voiced_t = fr
        .voiced
        .iter()
        .enumerate()
        .filter(|(_, &v)| v)
        .map(|(t, _)| t);
    for (t, vf) in voiced_t.zip(fr.voiced_frames) {
        lld[0].push(vf.hnr);
        for (i, &(f, bw)) in vf.formants.iter().enumerate() {
            lld[1 + 2 * i].push(f);
            lld[2 + 2 * i].push(bw);
        }
        lld[7].push(vf.h1_h2);
        if let Some(v) = vf.h1_a3 {
            lld[8].push(v);
        }
        let b = &fr.balance[t];
        lld[9].push(b.alpha);
        lld[10].push(b.hammarberg);
        lld[11].push(b.slope_lo);
        lld[12].push(b.slope_hi);
    }
    let mut out: Vec<f64> = lld.iter().flat_map(|v| mean_std0(v)).collect();
    let unvoiced: Vec<&Balance> = fr
        .balance
        .iter()
        .zip(fr.active.iter().zip(fr.voiced))
        .filter(|(_, (&a, &v))| a && !v)
        .map(|(b, _)| b)
        .collect();
    let getters: [fn(&Balance) -> f64; 4] = [
        |b| b.alpha,
        |b| b.hammarberg,
        |b| b.slope_lo,
        |b| b.slope_hi,
    ];
    for get in getters {
        let v: Vec<f64> = unvoiced.iter().map(|b| get(b)).collect();
        out.push(if v.is_empty() { 0.0 } else { mean(&v) });
    }
    out
}

/// Loudness peaks per second (local maxima of the 3-frame mean loudness on active
/// frames), voiced segments per second, and mean / std of voiced and unvoiced segment
/// lengths in seconds.
fn timing(
    loud: &[f64],
    active: &[bool],
    vruns: &[(usize, usize)],
    n_frames: usize,
    dur: f64,
) -> Vec<f64> {
    let sm: Vec<f64> = (1..n_frames.saturating_sub(1))
        .map(|t| (loud[t - 1] + loud[t] + loud[t + 1]) / 3.0)
        .collect();
    let peaks = (1..sm.len().saturating_sub(1))
        .filter(|&i| active[i + 1] && sm[i] > sm[i - 1] && sm[i] >= sm[i + 1])
        .count();
    let dt = HOP as f64 / SR;
    let vlen: Vec<f64> = vruns
        .iter()
        .map(|&(a, b)| (b - a + 1) as f64 * dt)
        .collect();
    let ulen: Vec<f64> = vruns
        .windows(2)
        .map(|w| (w[1].0 - w[0].1 - 1) as f64 * dt)
        .collect();
    let mut out = vec![peaks as f64 / dur, vruns.len() as f64 / dur];
    out.extend(mean_std0(&vlen));
    out.extend(mean_std0(&ulen));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_slopes() {
        let flags = [false, true, true, true, false, false, true, true];
        assert_eq!(runs(&flags), vec![(1, 3), (6, 7)]);
        // up 1 st over 2 frames, then down 1 st over 1 frame; second run up 0.5 st
        let st = [0.0, 10.0, 10.5, 11.0, 0.0, 0.0, 20.0, 20.5];
        let (r, f) = f0_slopes(&st, &runs(&flags));
        assert_eq!(r.len(), 2);
        assert!(
            (r[0] - 50.0).abs() < 1e-9 && (r[1] - 50.0).abs() < 1e-9,
            "{r:?}"
        );
        assert!(f.is_empty());
    }

    #[test]
    fn formants_of_a_synthetic_vowel() {
        // Two damped resonances at 700 and 1200 Hz excited by a 100 Hz pulse train.
        let mut x = vec![0.0f64; FRAME + 1];
        let mut state = [(0.0f64, 0.0f64); 2];
        for (i, xi) in x.iter_mut().enumerate() {
            let mut e = if i % 160 == 0 { 1.0 } else { 0.0 };
            for (s, (f, bw)) in state.iter_mut().zip([(700.0, 80.0), (1200.0, 100.0)]) {
                let r = (-std::f64::consts::PI * bw / SR).exp();
                let c = 2.0 * r * (2.0 * std::f64::consts::PI * f / SR).cos();
                let y = e + c * s.0 - r * r * s.1;
                *s = (y, s.0);
                e = y;
            }
            *xi = e;
        }
        let pre: Vec<f64> = (0..FRAME)
            .map(|i| {
                let w = 0.54
                    - 0.46 * (2.0 * std::f64::consts::PI * i as f64 / (FRAME - 1) as f64).cos();
                (x[i + 1] - 0.97 * x[i]) * w
            })
            .collect();
        let mut planner = RealFftPlanner::new();
        let f = VoiceTables::new(&mut planner).formants(&pre);
        assert!(f.len() >= 2, "{f:?}");
        assert!((f[0].0 - 700.0).abs() < 60.0, "{f:?}");
        assert!((f[1].0 - 1200.0).abs() < 80.0, "{f:?}");
        assert!(f[0].1 > 0.0 && f[0].1 < 400.0, "{f:?}");
    }
}
