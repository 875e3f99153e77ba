//! Pure timeline arithmetic of the diarizer: speech islands (VAD segments split at
//! pauses), the windows laid over them, the Viterbi smoothing of window labels, and the
//! per-speaker segments built from labelled pieces.

use callqa_core::SpeechSegment;

/// 10 ms energy frames.
const FRAME: usize = 160;

/// A stretch of speech with no pause of `min_pause_s` inside: one VAD segment, or a
/// piece of one between two pauses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Island {
    /// Start, seconds.
    pub start_s: f64,
    /// End, seconds.
    pub end_s: f64,
    /// Padding its speaker gets before `start_s`: half the pause before it (at most
    /// the VAD's padding), 0 at a VAD segment's start (already padded).
    pub pad_before: f64,
    /// Padding after `end_s`, likewise.
    pub pad_after: f64,
    /// It starts where its VAD segment starts (after silence, not after a pause).
    pub starts_segment: bool,
    /// It ends where its VAD segment ends.
    pub ends_segment: bool,
}

/// Frame energies of `samples` in dB, one per 10 ms.
pub fn frame_db(samples: &[f32]) -> Vec<f32> {
    samples
        .chunks_exact(FRAME)
        .map(|c| {
            let ms = c.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>() / FRAME as f64;
            (10.0 * (ms + 1e-10).log10()) as f32
        })
        .collect()
}

fn percentile(v: &mut [f32], q: f64) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f32::total_cmp);
    let i = ((v.len() - 1) as f64 * q).round() as usize;
    v[i.min(v.len() - 1)]
}

/// Split VAD segments at pauses: runs of at least `min_pause_s` whose energy is below a
/// threshold 30 % of the way from the channel's noise floor (10th percentile of all
/// frames) to its speech level (90th percentile of speech frames), in dB. Turns inside
/// one VAD segment (the VAD bridges pauses shorter than its `min_silence_s`) are found
/// this way; a change of speaker inside an island is left to the embeddings.
pub fn islands(
    samples: &[f32],
    segments: &[SpeechSegment],
    min_pause_s: f64,
    vad_pad_s: f64,
) -> Vec<Island> {
    let db = frame_db(samples);
    let n = db.len();
    let to_frame = |t: f64| ((t * 100.0).round().max(0.0) as usize).min(n);
    let mut speech: Vec<f32> = segments
        .iter()
        .flat_map(|s| db[to_frame(s.start_s)..to_frame(s.end_s)].iter().copied())
        .collect();
    let mut all = db.clone();
    let floor = percentile(&mut all, 0.10);
    let level = percentile(&mut speech, 0.90);
    let threshold = floor + 0.3 * (level - floor);
    let min_run = (min_pause_s * 100.0).round().max(1.0) as usize;
    let mut out = Vec::new();
    for s in segments {
        let (a, b) = (to_frame(s.start_s), to_frame(s.end_s));
        // Pauses strictly inside the segment: [q0, q1) frames below the threshold.
        let mut pauses: Vec<(usize, usize)> = Vec::new();
        let mut k = a;
        while k < b {
            if db[k] < threshold {
                let j = (k..b).find(|&j| db[j] >= threshold).unwrap_or(b);
                if j - k >= min_run && k > a && j < b {
                    pauses.push((k, j));
                }
                k = j;
            } else {
                k += 1;
            }
        }
        let mut start = s.start_s;
        let mut pad_before = 0.0;
        let mut first = true;
        for (q0, q1) in pauses {
            let (p0, p1) = (q0 as f64 / 100.0, q1 as f64 / 100.0);
            let pad = vad_pad_s.min((p1 - p0) / 2.0);
            out.push(Island {
                start_s: start,
                end_s: p0,
                pad_before,
                pad_after: pad,
                starts_segment: first,
                ends_segment: false,
            });
            start = p1;
            pad_before = pad;
            first = false;
        }
        out.push(Island {
            start_s: start,
            end_s: s.end_s.max(start),
            pad_before,
            pad_after: 0.0,
            starts_segment: first,
            ends_segment: true,
        });
    }
    out.retain(|i| i.end_s - i.start_s >= 0.02);
    out
}

/// Windows of `win` seconds every `hop` seconds over `[s, e]`; the last one ends at
/// `e`. A stretch no longer than `win` is one window.
pub fn windows(s: f64, e: f64, win: f64, hop: f64) -> Vec<(f64, f64)> {
    if e - s <= win + 1e-9 {
        return vec![(s, e)];
    }
    let mut out = Vec::new();
    let mut a = s;
    while a + win < e - 1e-9 {
        out.push((a, a + win));
        a += hop;
    }
    out.push((e - win, e));
    out
}

/// The state sequence with the highest total of per-window `scores` minus a penalty
/// `switch[from][to]` for every change of state (Viterbi).
pub fn viterbi(scores: &[Vec<f32>], switch: &[Vec<f32>]) -> Vec<usize> {
    let Some(first) = scores.first() else {
        return Vec::new();
    };
    let k = first.len();
    let mut best = first.clone();
    let mut back: Vec<Vec<usize>> = Vec::with_capacity(scores.len());
    back.push(vec![0; k]);
    for s in &scores[1..] {
        let mut next = vec![f32::NEG_INFINITY; k];
        let mut from = vec![0usize; k];
        for to in 0..k {
            for (f, &b) in best.iter().enumerate() {
                let v = b - switch[f][to];
                if v > next[to] {
                    next[to] = v;
                    from[to] = f;
                }
            }
            next[to] += s[to];
        }
        best = next;
        back.push(from);
    }
    let mut state = (0..k)
        .max_by(|&a, &b| best[a].total_cmp(&best[b]))
        .unwrap_or(0);
    let mut path = vec![state; scores.len()];
    for t in (1..scores.len()).rev() {
        state = back[t][state];
        path[t - 1] = state;
    }
    path
}

/// Pieces `(start, end)` of an island covered by each window, when each window speaks
/// for the time nearest its centre: boundaries halfway between adjacent centres.
pub fn pieces(s: f64, e: f64, wins: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let c: Vec<f64> = wins.iter().map(|w| (w.0 + w.1) / 2.0).collect();
    (0..c.len())
        .map(|i| {
            let a = if i == 0 { s } else { (c[i - 1] + c[i]) / 2.0 };
            let b = if i + 1 == c.len() {
                e
            } else {
                (c[i] + c[i + 1]) / 2.0
            };
            (a, b)
        })
        .collect()
}

/// One speaker's segments from their pieces: sorted, joined where they touch or where
/// the gap is shorter than `bridge_s` (the VAD's `min_silence_s`, as a channel of a
/// stereo call would be segmented), clamped to `[0, duration_s]`.
pub fn join(mut pieces: Vec<(f64, f64)>, bridge_s: f64, duration_s: f64) -> Vec<SpeechSegment> {
    pieces.retain(|p| p.1 > p.0);
    pieces.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<SpeechSegment> = Vec::new();
    for (a, b) in pieces {
        let (a, b) = (a.max(0.0), b.min(duration_s));
        if b <= a {
            continue;
        }
        match out.last_mut() {
            Some(last) if a - last.end_s < bridge_s => last.end_s = last.end_s.max(b),
            _ => out.push(SpeechSegment {
                start_s: a,
                end_s: b,
            }),
        }
    }
    out
}

/// Total length of the intersection of two sorted, disjoint segment lists.
pub fn overlap_s(a: &[SpeechSegment], b: &[SpeechSegment]) -> f64 {
    let (mut i, mut j, mut total) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        let lo = a[i].start_s.max(b[j].start_s);
        let hi = a[i].end_s.min(b[j].end_s);
        if hi > lo {
            total += hi - lo;
        }
        if a[i].end_s < b[j].end_s {
            i += 1;
        } else {
            j += 1;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(a: f64, b: f64) -> SpeechSegment {
        SpeechSegment {
            start_s: a,
            end_s: b,
        }
    }

    #[test]
    fn a_pause_inside_a_segment_splits_it_with_half_the_pause_as_padding() {
        // 1 s tone, 0.3 s silence, 1 s tone, in one VAD segment.
        let tone =
            |n: usize| -> Vec<f32> { (0..n).map(|i| 0.3 * (i as f32 * 0.3).sin()).collect() };
        let mut x = vec![0.0f32; 8000];
        x.extend(tone(16_000));
        x.extend(vec![0.0; 4800]);
        x.extend(tone(16_000));
        x.extend(vec![0.0; 8000]);
        let isl = islands(&x, &[seg(0.4, 3.4)], 0.15, 0.1);
        assert_eq!(isl.len(), 2, "{isl:?}");
        assert!((isl[0].end_s - 1.5).abs() < 0.02, "{isl:?}");
        assert!((isl[1].start_s - 1.8).abs() < 0.02, "{isl:?}");
        assert_eq!(isl[0].pad_before, 0.0);
        assert!((isl[0].pad_after - 0.1).abs() < 1e-9 && (isl[1].pad_before - 0.1).abs() < 1e-9);
        // A pause shorter than min_pause_s does not split.
        assert_eq!(islands(&x, &[seg(0.4, 3.4)], 0.4, 0.1).len(), 1);
    }

    #[test]
    fn windows_cover_the_stretch() {
        assert_eq!(windows(0.0, 0.7, 1.0, 0.5), vec![(0.0, 0.7)]);
        let w = windows(0.0, 2.2, 1.0, 0.5);
        assert_eq!(w.first(), Some(&(0.0, 1.0)));
        let last = w.last().copied().unwrap();
        assert!((last.0 - 1.2).abs() < 1e-9 && last.1 == 2.2, "{w:?}");
        assert_eq!(w.len(), 4);
        let p = pieces(0.0, 2.2, &w);
        assert_eq!(p.first().map(|x| x.0), Some(0.0));
        assert_eq!(p.last().map(|x| x.1), Some(2.2));
        for k in 1..p.len() {
            assert_eq!(p[k - 1].1, p[k].0);
        }
    }

    #[test]
    fn viterbi_ignores_a_blip_but_follows_a_change() {
        let s = |a: f32, b: f32| vec![a, b];
        let scores = vec![
            s(0.0, -2.0),
            s(0.0, -2.0),
            s(-1.0, 0.0),
            s(0.0, -2.0),
            s(-3.0, 0.0),
            s(-3.0, 0.0),
            s(-3.0, 0.0),
        ];
        let sw = vec![vec![0.0, 2.0], vec![2.0, 0.0]];
        assert_eq!(viterbi(&scores, &sw), vec![0, 0, 0, 0, 1, 1, 1]);
        assert!(viterbi(&[], &sw).is_empty());
    }

    #[test]
    fn join_bridges_short_gaps_and_overlap_is_measured() {
        let j = join(
            vec![(2.0, 3.0), (0.0, 1.0), (1.3, 1.8), (5.0, 9.0)],
            0.5,
            8.0,
        );
        assert_eq!(j, vec![seg(0.0, 3.0), seg(5.0, 8.0)]);
        let o = overlap_s(
            &[seg(0.0, 2.0), seg(3.0, 5.0)],
            &[seg(1.5, 3.5), seg(4.0, 4.5)],
        );
        assert!((o - 1.5).abs() < 1e-9, "{o}");
    }
}
