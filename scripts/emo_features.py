"""Feature set callqa-emo-v2: the Python twin of crates/callqa-emotion/src/features.rs.

Every constant and step here mirrors the Rust code; the Rust parity test
(crates/callqa-emotion/tests/parity.rs) checks the two against each other on EmoDB files,
using the reference that scripts/train_emotion.py writes. Change one, change both, and bump
FEATURE_SET. Plain numpy on purpose: parity matters more than elegance.

The vector is the 130 functionals of callqa-emo-v1 (MFCCs, log-mels, energy, spectral shape,
F0 statistics) followed by 51 voice-quality, prosody and timing functionals after the
extended Geneva Minimalistic Acoustic Parameter Set (eGeMAPS; Eyben et al., "The Geneva
Minimalistic Acoustic Parameter Set (GeMAPS) for Voice Research and Affective Computing",
IEEE Trans. Affective Computing 7(2), 2016), implemented from the paper's definitions:

* loudness: Stevens' power law over the mel bands of the un-pre-emphasised spectrum,
  sum of band power ** 0.3 (the paper: auditory spectrum, specific loudness summed);
* HNR: from the normalised autocorrelation r at the F0 period that YIN picked,
  10·log10(r / (1 − r)), r clipped to [0.001, 0.999];
* jitter (local) and shimmer (local, dB) over pitch cycles: cycle peaks are tracked through
  each voiced run with the YIN period, jitter = mean |T[i+1] − T[i]| / mean T, shimmer =
  mean |20·log10(A[i+1] / A[i])| with A the peak-to-peak amplitude of a cycle;
* formants F1–F3 and their bandwidths: the first three peaks (150–5000 Hz) of the LPC
  envelope (order 18 at 16 kHz, autocorrelation method on the pre-emphasised Hamming
  frame), peak frequency and −3 dB bandwidth from a parabola through the peak in dB;
* H1–H2 and H1–A3: harmonic (± 10 %) and F3 (± 10 %) amplitude differences in dB;
* alpha ratio (50–1000 Hz vs 1–5 kHz), Hammarberg index (strongest peak 0–2 kHz vs
  2–5 kHz), spectral slopes 0–500 Hz and 500–1500 Hz (least-squares slope of the power
  spectrum in dB per kHz), on the un-pre-emphasised spectrum;
* F0 in semitones: 20th/80th percentiles and their range, mean and std of rising and
  falling slopes (st/s) of the monotonic parts of each voiced run;
* timing: loudness peaks per second, voiced segments per second, mean and std of voiced
  and unvoiced segment lengths.

Functionals follow eGeMAPS: mean and std over voiced frames for the voice-quality and
spectral descriptors, means over unvoiced (active, not voiced) frames for the four spectral
balance ones; a descriptor with no frame to average gives 0.
"""
from __future__ import annotations

import numpy as np

FEATURE_SET = "callqa-emo-v2"
SR = 16000
FRAME = 400  # 25 ms analysis frame
HOP = 160  # 10 ms hop
NFFT = 512
DF = SR / NFFT  # 31.25 Hz per bin
PREEMPH = 0.97
N_MELS = 24
MEL_LO_HZ = 100.0
MEL_HI_HZ = 3800.0  # inside the telephone band's upper edge: wideband and call audio comparable
N_MFCC = 12  # c1..c12 (c0 left out: it is the frame energy again)
ACTIVE_DB = 35.0  # a frame is active when its energy is within 35 dB of the loudest frame
EPS = 1e-10
# F0 (YIN-style cumulative-mean-normalised difference function)
F0_WIN = 640  # 40 ms window from each frame start (signal zero-padded at the end)
F0_MIN_HZ = 60.0
F0_MAX_HZ = 500.0
TAU_MIN = int(SR // F0_MAX_HZ)  # 32
TAU_MAX = int(SR // F0_MIN_HZ)  # 266
F0_INT = F0_WIN - TAU_MAX  # 374 samples of integration
YIN_THRESHOLD = 0.2
ST_REF_HZ = 27.5  # semitone reference (A0)
# eGeMAPS-style descriptors
LOUDNESS_EXP = 0.3
HNR_R_MIN, HNR_R_MAX = 0.001, 0.999
LPC_ORDER = 18
LPC_NFFT = 1024
LPC_DF = SR / LPC_NFFT  # 15.625 Hz
FORMANT_LO_HZ, FORMANT_HI_HZ = 150.0, 5000.0
N_FORMANTS = 3
VOICED_LLDS = ["hnr_db", "f1_hz", "f1_bw_hz", "f2_hz", "f2_bw_hz", "f3_hz", "f3_bw_hz", "h1_h2_db", "h1_a3_db",
               "alpha_ratio_g_db", "hammarberg_db", "slope_0_500", "slope_500_1500"]
UNVOICED_LLDS = ["alpha_ratio_g_db", "hammarberg_db", "slope_0_500", "slope_500_1500"]


def feature_names() -> list[str]:
    n = []
    for i in range(1, N_MFCC + 1):
        n += [f"mfcc{i}_{f}" for f in ("mean", "std", "p10", "p90")]
    n += [f"energy_db_{f}" for f in ("mean", "std", "p10", "p50", "p90")]
    n += [f"centroid_khz_{f}" for f in ("mean", "std", "p10", "p90")]
    n += [f"alpha_ratio_db_{f}" for f in ("mean", "std", "p10", "p90")]
    for m in range(N_MELS):
        n += [f"logmel{m}_mean", f"logmel{m}_std"]
    n += [f"d_mfcc{i}_std" for i in range(1, N_MFCC + 1)]
    n += ["d_energy_db_std"]
    n += [f"f0_st_{f}" for f in ("mean", "std", "p10", "p50", "p90", "range")]
    n += ["voiced_ratio", "f0_st_mean_abs_delta"]
    # --- eGeMAPS-style (v2)
    n += [f"loudness_{f}" for f in ("mean", "std", "p20", "p50", "p80", "range_20_80")]
    n += ["f0_st_p20", "f0_st_p80", "f0_st_range_20_80",
          "f0_rising_slope_mean", "f0_rising_slope_std", "f0_falling_slope_mean", "f0_falling_slope_std"]
    n += ["jitter_local", "shimmer_local_db"]
    for d in VOICED_LLDS:
        n += [f"{d}_voiced_mean", f"{d}_voiced_std"]
    n += [f"{d}_unvoiced_mean" for d in UNVOICED_LLDS]
    n += ["loudness_peaks_per_s", "voiced_segments_per_s", "voiced_segment_mean_s", "voiced_segment_std_s",
          "unvoiced_segment_mean_s", "unvoiced_segment_std_s"]
    return n


N_FEATURES = len(feature_names())  # 181
N_FEATURES_V1 = 130


def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (m / 2595.0) - 1.0)


def mel_filterbank() -> np.ndarray:
    """(N_MELS, NFFT/2+1) triangular weights on the bins' centre frequencies (HTK mel)."""
    lo, hi = hz_to_mel(MEL_LO_HZ), hz_to_mel(MEL_HI_HZ)
    pts = mel_to_hz(np.array([lo + (hi - lo) * i / (N_MELS + 1) for i in range(N_MELS + 2)]))
    freqs = np.arange(NFFT // 2 + 1) * SR / NFFT
    w = np.zeros((N_MELS, NFFT // 2 + 1))
    for m in range(N_MELS):
        a, c, b = pts[m], pts[m + 1], pts[m + 2]
        up = (freqs - a) / (c - a)
        down = (b - freqs) / (b - c)
        w[m] = np.maximum(0.0, np.minimum(up, down))
    return w


def hamming(n: int) -> np.ndarray:
    return np.array([0.54 - 0.46 * np.cos(2.0 * np.pi * i / (n - 1)) for i in range(n)])


def percentile(v: np.ndarray, q: float) -> float:
    """numpy's default (linear) percentile, written out so Rust can match it."""
    s = np.sort(v)
    pos = q / 100.0 * (len(s) - 1)
    lo = int(np.floor(pos))
    hi = min(lo + 1, len(s) - 1)
    return float(s[lo] + (s[hi] - s[lo]) * (pos - lo))


def mean(v) -> float:
    v = np.asarray(v, dtype=np.float64)
    return float(np.sum(v) / len(v))


def std(v) -> float:
    v = np.asarray(v, dtype=np.float64)
    m = mean(v)
    return float(np.sqrt(np.sum((v - m) ** 2) / len(v)))


def mean_std0(v) -> list[float]:
    """[mean, std], or [0, 0] for an empty list."""
    return [mean(v), std(v)] if len(v) else [0.0, 0.0]


def yin(x: np.ndarray, n_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """F0 in Hz per frame (0 = no periodicity found) and the HNR in dB of each frame with
    an F0 (0 elsewhere)."""
    xp = np.concatenate([x, np.zeros(F0_WIN)])
    f0 = np.zeros(n_frames)
    hnr = np.zeros(n_frames)
    if n_frames == 0:
        return f0, hnr
    idx = np.arange(n_frames)[:, None] * HOP
    base = xp[idx + np.arange(F0_INT)[None, :]]  # (T, F0_INT)
    d = np.zeros((n_frames, TAU_MAX + 1))
    for tau in range(1, TAU_MAX + 1):
        shifted = xp[idx + tau + np.arange(F0_INT)[None, :]]
        d[:, tau] = np.sum((base - shifted) ** 2, axis=1)
    cum = np.cumsum(d[:, 1:], axis=1)  # cum[:, tau-1] = sum_{k=1..tau} d[k]
    taus = np.arange(1, TAU_MAX + 1)
    cmnd = np.ones((n_frames, TAU_MAX + 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(cum > 0.0, d[:, 1:] * taus / cum, 1.0)
    cmnd[:, 1:] = c
    for t in range(n_frames):
        row = cmnd[t]
        tau = -1
        for k in range(TAU_MIN, TAU_MAX + 1):
            if row[k] < YIN_THRESHOLD:
                tau = k
                break
        if tau < 0:
            continue
        while tau + 1 <= TAU_MAX and row[tau + 1] < row[tau]:
            tau += 1
        refined = float(tau)
        if tau - 1 >= 1 and tau + 1 <= TAU_MAX:
            a, b, cc = row[tau - 1], row[tau], row[tau + 1]
            den = a - 2.0 * b + cc
            if abs(den) > 1e-12:
                shift = 0.5 * (a - cc) / den
                refined = tau + max(-1.0, min(1.0, shift))
        f0[t] = SR / refined
        s = t * HOP
        e = float(np.sum(xp[s:s + F0_INT] ** 2) + np.sum(xp[s + tau:s + tau + F0_INT] ** 2))
        q = d[t, tau] / e if e > 0.0 else 1.0
        q = min(max(q, 1.0 - HNR_R_MAX), 1.0 - HNR_R_MIN)
        hnr[t] = 10.0 * np.log10((1.0 - q) / q)
    return f0, hnr


def runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) frame of each run of True."""
    out, start = [], -1
    for t, v in enumerate(flags):
        if v and start < 0:
            start = t
        elif not v and start >= 0:
            out.append((start, t - 1))
            start = -1
    if start >= 0:
        out.append((start, len(flags) - 1))
    return out


def lpc_formants(frame: np.ndarray) -> list[tuple[float, float]]:
    """(frequency, bandwidth) in Hz of the first N_FORMANTS LPC envelope peaks in
    FORMANT_LO_HZ..FORMANT_HI_HZ of one pre-emphasised, windowed frame."""
    r = np.array([float(np.sum(frame[: FRAME - k] * frame[k:])) for k in range(LPC_ORDER + 1)])
    if r[0] <= 0.0:
        return []
    r[0] *= 1.0 + 1e-9  # white-noise correction: keeps the recursion stable
    a = np.zeros(LPC_ORDER + 1)
    a[0] = 1.0
    err = r[0]
    for i in range(1, LPC_ORDER + 1):
        acc = r[i]
        for j in range(1, i):
            acc += a[j] * r[i - j]
        k = -acc / err
        prev = a.copy()
        for j in range(1, i):
            a[j] = prev[j] + k * prev[i - j]
        a[i] = k
        err *= 1.0 - k * k
        if err <= 0.0:
            return []
    spec = np.fft.rfft(a, n=LPC_NFFT)
    env = -10.0 * np.log10(spec.real**2 + spec.imag**2 + EPS)
    out = []
    k_lo = int(np.ceil(FORMANT_LO_HZ / LPC_DF))
    k_hi = int(FORMANT_HI_HZ / LPC_DF)
    for k in range(max(k_lo, 1), min(k_hi, LPC_NFFT // 2 - 1) + 1):
        if env[k] > env[k - 1] and env[k] >= env[k + 1]:
            y0, y1, y2 = env[k - 1], env[k], env[k + 1]
            c2 = 0.5 * (y0 - 2.0 * y1 + y2)
            if c2 >= 0.0:
                continue
            p = 0.25 * (y0 - y2) / c2  # vertex offset in bins
            out.append(((k + p) * LPC_DF, 2.0 * np.sqrt(3.0 / -c2) * LPC_DF))
            if len(out) == N_FORMANTS:
                break
    return out


def band_max(pw: np.ndarray, lo_hz: float, hi_hz: float) -> float:
    """Largest power of the bins in [floor(lo / DF), ceil(hi / DF)] (clipped to the spectrum)."""
    a = max(int(np.floor(lo_hz / DF)), 0)
    b = min(int(np.ceil(hi_hz / DF)), NFFT // 2)
    return float(np.max(pw[a : b + 1])) if b >= a else 0.0


def cycles(x: np.ndarray, f0: np.ndarray, first: int, last: int) -> tuple[list[float], list[float]]:
    """Pitch cycles of one voiced run (frames first..last): periods (samples) and peak-to-
    peak amplitudes, from peaks tracked with the run's YIN periods."""
    s_end = min(last * HOP + FRAME, len(x))
    s0 = first * HOP
    t0 = int(SR / f0[first])
    if s0 + t0 > s_end or t0 < 1:
        return [], []
    m = s0 + int(np.argmax(x[s0 : s0 + t0]))
    marks = [m]
    while True:
        t = min(max((m - FRAME // 2) // HOP, first), last)
        period = SR / f0[t]
        lo, hi = m + int(0.8 * period), m + int(1.2 * period) + 1
        if hi > s_end:
            break
        m = lo + int(np.argmax(x[lo:hi]))
        marks.append(m)
    refined = []
    for m in marks:
        shift = 0.0
        if 0 < m < len(x) - 1:
            a, b, c = x[m - 1], x[m], x[m + 1]
            den = a - 2.0 * b + c
            if den < 0.0:
                shift = max(-0.5, min(0.5, 0.5 * (a - c) / den))
        refined.append(m + shift)
    periods = [refined[i + 1] - refined[i] for i in range(len(marks) - 1)]
    amps = [float(np.max(x[marks[i] : marks[i + 1]]) - np.min(x[marks[i] : marks[i + 1]])) for i in range(len(marks) - 1)]
    return periods, amps


def f0_slopes(st: np.ndarray, voiced_runs) -> tuple[list[float], list[float]]:
    """Slopes (st/s) of the rising and falling monotonic parts of each voiced run's F0."""
    rising, falling = [], []
    for a, b in voiced_runs:
        sign, start = 0, a
        for t in range(a, b):
            d = st[t + 1] - st[t]
            sg = 1 if d > 0.0 else (-1 if d < 0.0 else 0)
            if sg != sign:
                if sign != 0:
                    slope = (st[t] - st[start]) / ((t - start) * HOP / SR)
                    (rising if sign > 0 else falling).append(abs(slope))
                sign, start = sg, t
        if sign != 0:
            slope = (st[b] - st[start]) / ((b - start) * HOP / SR)
            (rising if sign > 0 else falling).append(abs(slope))
    return rising, falling


def slope_weights(lo_hz: float, hi_hz: float) -> tuple[int, np.ndarray]:
    """First bin and least-squares weights w with slope = sum(w * dB) in dB per kHz over
    the bins with lo_hz <= f <= hi_hz."""
    k = np.array([k for k in range(NFFT // 2 + 1) if lo_hz <= k * DF <= hi_hz])
    f = k * DF / 1000.0
    c = f - mean(f)
    return int(k[0]), c / float(np.sum(c * c))


def gemaps(x, raw_power, frames_pre, f0, hnr, active, voiced, fb) -> list[float]:
    """The 51 eGeMAPS-style functionals (see the module docs)."""
    T = len(f0)
    dur = len(x) / SR
    loud = np.sum((raw_power @ fb.T) ** LOUDNESS_EXP, axis=1)
    out: list[float] = []
    v = loud[active]
    p20, p50, p80 = percentile(v, 20), percentile(v, 50), percentile(v, 80)
    out += [mean(v), std(v), p20, p50, p80, p80 - p20]

    vruns = runs(voiced)
    st = np.where(voiced, 12.0 * np.log2(np.where(voiced, f0, ST_REF_HZ) / ST_REF_HZ), 0.0)
    if np.any(voiced):
        sv = st[voiced]
        q20, q80 = percentile(sv, 20), percentile(sv, 80)
        out += [q20, q80, q80 - q20]
    else:
        out += [0.0, 0.0, 0.0]
    rising, falling = f0_slopes(st, vruns)
    out += mean_std0(rising) + mean_std0(falling)

    periods_dev, periods, amp_dev = [], [], []
    for a, b in vruns:
        p, amp = cycles(x, f0, a, b)
        periods += p
        periods_dev += [abs(p[i + 1] - p[i]) for i in range(len(p) - 1)]
        amp_dev += [abs(20.0 * np.log10((amp[i + 1] + EPS) / (amp[i] + EPS))) for i in range(len(amp) - 1)]
    out.append(mean(periods_dev) / mean(periods) if periods_dev else 0.0)
    out.append(mean(amp_dev) if amp_dev else 0.0)

    # frame-level spectral balance on the un-pre-emphasised spectrum
    freqs = np.arange(NFFT // 2 + 1) * DF
    lo_band = (freqs >= 50.0) & (freqs < 1000.0)
    hi_band = (freqs >= 1000.0) & (freqs <= 5000.0)
    alpha = 10.0 * np.log10((np.sum(raw_power[:, hi_band], axis=1) + EPS) / (np.sum(raw_power[:, lo_band], axis=1) + EPS))
    ham = 10.0 * np.log10((np.max(raw_power[:, freqs <= 2000.0], axis=1) + EPS)
                          / (np.max(raw_power[:, (freqs > 2000.0) & (freqs <= 5000.0)], axis=1) + EPS))
    db = 10.0 * np.log10(raw_power + EPS)
    k0, w0 = slope_weights(0.0, 500.0)
    k1, w1 = slope_weights(500.0, 1500.0)
    s0 = db[:, k0 : k0 + len(w0)] @ w0
    s1 = db[:, k1 : k1 + len(w1)] @ w1

    lld = {name: [] for name in VOICED_LLDS}
    for t in np.nonzero(voiced)[0]:
        lld["hnr_db"].append(hnr[t])
        fm = lpc_formants(frames_pre[t])
        for i, (f, bw) in enumerate(fm):
            lld[f"f{i + 1}_hz"].append(f)
            lld[f"f{i + 1}_bw_hz"].append(bw)
        pw = raw_power[t]
        h1 = band_max(pw, 0.9 * f0[t], 1.1 * f0[t])
        h2 = band_max(pw, 1.8 * f0[t], 2.2 * f0[t])
        lld["h1_h2_db"].append(10.0 * np.log10((h1 + EPS) / (h2 + EPS)))
        if len(fm) == N_FORMANTS:
            a3 = band_max(pw, 0.9 * fm[2][0], 1.1 * fm[2][0])
            lld["h1_a3_db"].append(10.0 * np.log10((h1 + EPS) / (a3 + EPS)))
        lld["alpha_ratio_g_db"].append(alpha[t])
        lld["hammarberg_db"].append(ham[t])
        lld["slope_0_500"].append(s0[t])
        lld["slope_500_1500"].append(s1[t])
    for name in VOICED_LLDS:
        out += mean_std0(lld[name])
    unv = active & ~voiced
    for arr in (alpha, ham, s0, s1):
        out.append(mean(arr[unv]) if np.any(unv) else 0.0)

    # timing
    sm = np.array([(loud[t - 1] + loud[t] + loud[t + 1]) / 3.0 for t in range(1, T - 1)])  # sm[i] = frame i + 1
    peaks = sum(1 for i in range(1, len(sm) - 1) if active[i + 1] and sm[i] > sm[i - 1] and sm[i] >= sm[i + 1])
    vlen = [(b - a + 1) * HOP / SR for a, b in vruns]
    ulen = [(vruns[i + 1][0] - vruns[i][1] - 1) * HOP / SR for i in range(len(vruns) - 1)]
    out += [peaks / dur, len(vruns) / dur]
    out += mean_std0(vlen) + mean_std0(ulen)
    return out


def extract(x: np.ndarray) -> tuple[np.ndarray, dict]:
    """Feature vector (N_FEATURES,) and pitch summary of 16 kHz mono samples in [-1, 1]."""
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    if n < FRAME:
        raise ValueError("utterance shorter than one 25 ms frame")
    T = 1 + (n - FRAME) // HOP
    y = np.empty(n)
    y[0] = x[0]
    y[1:] = x[1:] - PREEMPH * x[:-1]
    idx = np.arange(T)[:, None] * HOP + np.arange(FRAME)[None, :]
    raw = x[idx]
    win = hamming(FRAME)[None, :]
    frames = y[idx] * win
    spec = np.fft.rfft(frames, n=NFFT, axis=1)
    p = spec.real**2 + spec.imag**2  # (T, 257)
    rspec = np.fft.rfft(raw * win, n=NFFT, axis=1)
    raw_power = rspec.real**2 + rspec.imag**2
    freqs = np.arange(NFFT // 2 + 1) * SR / NFFT
    energy_db = 10.0 * np.log10(np.sum(raw**2, axis=1) / FRAME + EPS)
    fb = mel_filterbank()
    logmel = np.log(p @ fb.T + EPS)  # (T, N_MELS)
    m_idx = np.arange(N_MELS)
    dct = np.array([np.cos(np.pi * i * (m_idx + 0.5) / N_MELS) * np.sqrt(2.0 / N_MELS) for i in range(1, N_MFCC + 1)])
    mfcc = logmel @ dct.T  # (T, N_MFCC)
    band = freqs <= 4000.0
    centroid = (p[:, band] @ freqs[band]) / (np.sum(p[:, band], axis=1) + EPS) / 1000.0
    hi_band = (freqs >= 1000.0) & (freqs <= 4000.0)
    lo_band = (freqs >= 50.0) & (freqs < 1000.0)
    alpha = 10.0 * np.log10((np.sum(p[:, hi_band], axis=1) + EPS) / (np.sum(p[:, lo_band], axis=1) + EPS))

    def delta(v):
        prev = np.concatenate([v[:1], v[:-1]])
        nxt = np.concatenate([v[1:], v[-1:]])
        return (nxt - prev) / 2.0

    d_mfcc = delta(mfcc)
    d_energy = delta(energy_db)

    active = energy_db > np.max(energy_db) - ACTIVE_DB
    f0, hnr = yin(x, T)
    voiced = active & (f0 > 0.0)

    feats: list[float] = []
    for i in range(N_MFCC):
        v = mfcc[active, i]
        feats += [mean(v), std(v), percentile(v, 10), percentile(v, 90)]
    v = energy_db[active]
    feats += [mean(v), std(v), percentile(v, 10), percentile(v, 50), percentile(v, 90)]
    for arr in (centroid, alpha):
        v = arr[active]
        feats += [mean(v), std(v), percentile(v, 10), percentile(v, 90)]
    for m in range(N_MELS):
        v = logmel[active, m]
        feats += [mean(v), std(v)]
    for i in range(N_MFCC):
        feats.append(std(d_mfcc[active, i]))
    feats.append(std(d_energy[active]))
    pitch = {"f0_mean_hz": None, "f0_range_hz": None, "f0_std_st": None, "voiced_ratio": 0.0}
    if np.any(voiced):
        hz = f0[voiced]
        st = 12.0 * np.log2(hz / ST_REF_HZ)
        p10, p50, p90 = percentile(st, 10), percentile(st, 50), percentile(st, 90)
        feats += [mean(st), std(st), p10, p50, p90, p90 - p10]
        both = voiced[1:] & voiced[:-1]
        st_all = np.where(voiced, 12.0 * np.log2(np.where(voiced, f0, ST_REF_HZ) / ST_REF_HZ), 0.0)
        jumps = np.abs(st_all[1:] - st_all[:-1])[both]
        vr = float(np.sum(voiced)) / float(np.sum(active))
        feats += [vr, mean(jumps) if len(jumps) else 0.0]
        pitch = {
            "f0_mean_hz": mean(hz),
            "f0_range_hz": percentile(hz, 90) - percentile(hz, 10),
            "f0_std_st": std(st),
            "voiced_ratio": vr,
        }
    else:
        feats += [0.0] * 8
    feats += gemaps(x, raw_power, frames, f0, hnr, active, voiced, fb)
    out = np.array(feats, dtype=np.float64)
    assert out.shape == (N_FEATURES,), out.shape
    return out, pitch
