//! Packing VAD speech segments into Whisper windows, and mapping window time back to
//! channel time.
//!
//! Whisper's encoder costs the same for 3 s of speech as for 30 s, so transcribing each
//! segment alone wastes most of the work. Consecutive segments are therefore laid end to
//! end in one window (with a short silence between them, so words do not run into each
//! other), up to a maximum window length. Every piece of a window remembers where it came
//! from, so a time inside the window maps back to the channel and to its VAD segment.
//!
//! This module is pure (no model); it is what [`crate::AsrEngine::transcribe`] runs on.

use callqa_core::SpeechSegment;

/// Shortest window handed to whisper.cpp, seconds: it rejects input shorter than 1 s, so
/// shorter windows are padded with silence to this length.
pub const MIN_WINDOW_S: f64 = 1.1;

/// One stretch of speech placed in a window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowPart {
    /// Index of the VAD segment this part comes from (in the slice given to
    /// [`plan_windows`]). A segment longer than the window is split into several parts
    /// with the same index.
    pub segment: usize,
    /// First sample of the part in the channel.
    pub channel_start: usize,
    /// One past the last sample of the part in the channel.
    pub channel_end: usize,
    /// First sample of the part in the window.
    pub window_start: usize,
}

impl WindowPart {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.channel_end - self.channel_start
    }

    /// True when the part has no samples (never produced by [`plan_windows`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// One past the last sample of the part in the window.
    pub fn window_end(&self) -> usize {
        self.window_start + self.len()
    }
}

/// One Whisper window: parts of speech laid end to end with silence between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// The parts, in window order.
    pub parts: Vec<WindowPart>,
    /// Window length in samples, padding included (at least [`MIN_WINDOW_S`]).
    pub len: usize,
}

impl Window {
    /// Window length in seconds at `sample_rate`.
    pub fn duration_s(&self, sample_rate: u32) -> f64 {
        self.len as f64 / f64::from(sample_rate)
    }

    /// Build the window's audio from the channel's samples (silence between parts and at
    /// the end).
    pub fn audio(&self, channel: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0f32; self.len];
        for p in &self.parts {
            out[p.window_start..p.window_end()]
                .copy_from_slice(&channel[p.channel_start..p.channel_end]);
        }
        out
    }

    /// The part a window time (in samples) belongs to: the part containing it, else the
    /// nearest part (a time in the inserted silence goes to the closer neighbour).
    /// `None` only for a window without parts.
    pub fn part_at(&self, window_sample: f64) -> Option<&WindowPart> {
        self.parts.iter().min_by(|a, b| {
            distance(a, window_sample)
                .partial_cmp(&distance(b, window_sample))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    }

    /// Map a window time (samples) to channel time (samples), through the part it
    /// belongs to; times outside a part are clamped to that part.
    pub fn to_channel(&self, window_sample: f64) -> Option<f64> {
        let p = self.part_at(window_sample)?;
        let clamped = window_sample.clamp(p.window_start as f64, p.window_end() as f64);
        Some(clamped - p.window_start as f64 + p.channel_start as f64)
    }
}

fn distance(p: &WindowPart, t: f64) -> f64 {
    if t < p.window_start as f64 {
        p.window_start as f64 - t
    } else if t > p.window_end() as f64 {
        t - p.window_end() as f64
    } else {
        0.0
    }
}

/// Convert a segment's bounds to a sample range clamped to the channel.
pub fn segment_samples(seg: &SpeechSegment, n_samples: usize, sample_rate: u32) -> (usize, usize) {
    let sr = f64::from(sample_rate);
    let to_sample = |s: f64| {
        if s.is_finite() {
            ((s * sr).round().max(0.0) as usize).min(n_samples)
        } else {
            0
        }
    };
    let (a, b) = (to_sample(seg.start_s), to_sample(seg.end_s));
    (a, b.max(a))
}

/// Pack `segments` of a channel of `n_samples` samples into windows of at most `window_s`
/// seconds of audio, with `gap_s` seconds of silence between consecutive parts.
///
/// Segments are taken in order of start time; empty segments (after clamping to the
/// channel) are skipped; a segment longer than `window_s` is split into parts of at most
/// `window_s`. Windows shorter than [`MIN_WINDOW_S`] are padded with silence.
pub fn plan_windows(
    segments: &[SpeechSegment],
    n_samples: usize,
    sample_rate: u32,
    window_s: f64,
    gap_s: f64,
) -> Vec<Window> {
    plan_windows_with_context(segments, n_samples, sample_rate, window_s, gap_s, 0.0)
}

/// [`plan_windows`], each segment's audio extended by up to `context_s` seconds of the
/// channel on both sides (never past the channel, and never more than halfway to the
/// neighbouring segment). Whisper then hears a word's end that the VAD clipped, while the
/// parts still belong to their segment, so utterance bounds stay the VAD's.
pub fn plan_windows_with_context(
    segments: &[SpeechSegment],
    n_samples: usize,
    sample_rate: u32,
    window_s: f64,
    gap_s: f64,
    context_s: f64,
) -> Vec<Window> {
    let sr = f64::from(sample_rate);
    let max_len = ((window_s.max(MIN_WINDOW_S) * sr) as usize).max(1);
    let gap = (gap_s.max(0.0) * sr).round() as usize;
    let min_len = (MIN_WINDOW_S * sr).ceil() as usize;

    let mut ranges: Vec<(usize, usize, usize)> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (a, b) = segment_samples(s, n_samples, sample_rate);
            (a, b, i)
        })
        .filter(|&(a, b, _)| b > a)
        .collect();
    ranges.sort_unstable();
    let context = if context_s.is_finite() {
        (context_s.max(0.0) * sr).round() as usize
    } else {
        0
    };
    if context > 0 {
        let bounds: Vec<(usize, usize)> = ranges.iter().map(|&(a, b, _)| (a, b)).collect();
        for (i, r) in ranges.iter_mut().enumerate() {
            let lo = if i == 0 {
                0
            } else {
                let prev_end = bounds[i - 1].1;
                // Halfway into the silence before; nothing when the segments overlap.
                if prev_end < r.0 {
                    prev_end + (r.0 - prev_end) / 2
                } else {
                    r.0
                }
            };
            let hi = match bounds.get(i + 1) {
                Some(&(next_start, _)) if next_start > r.1 => r.1 + (next_start - r.1) / 2,
                Some(_) => r.1,
                None => n_samples,
            };
            r.0 = r.0.saturating_sub(context).max(lo).min(r.0);
            r.1 = (r.1 + context).min(hi).max(r.1);
        }
    }

    let mut windows = Vec::new();
    let mut cur: Vec<WindowPart> = Vec::new();
    let mut cur_len = 0usize;
    let finish = |parts: Vec<WindowPart>, len: usize, windows: &mut Vec<Window>| {
        if !parts.is_empty() {
            windows.push(Window {
                parts,
                len: len.max(min_len),
            });
        }
    };
    for (mut start, end, idx) in ranges {
        while start < end {
            let len = (end - start).min(max_len);
            let needed = if cur.is_empty() {
                len
            } else {
                cur_len + gap + len
            };
            if needed > max_len {
                finish(std::mem::take(&mut cur), cur_len, &mut windows);
                cur_len = 0;
            }
            let window_start = if cur.is_empty() { 0 } else { cur_len + gap };
            cur.push(WindowPart {
                segment: idx,
                channel_start: start,
                channel_end: start + len,
                window_start,
            });
            cur_len = window_start + len;
            start += len;
        }
    }
    finish(cur, cur_len, &mut windows);
    windows
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
    fn packs_splits_and_maps_back() {
        let sr = 100; // 100 samples per second keeps the numbers readable
        let segs = [
            seg(1.0, 3.0),
            seg(10.0, 12.0),
            seg(20.0, 45.0),
            seg(50.0, 50.5),
        ];
        let w = plan_windows(&segs, 6000, sr, 10.0, 0.5);
        // [1-3, 10-12] fit in 10 s; 20-45 is split into 10 + 10 + 5; the 5 s tail and
        // 50-50.5 share a window.
        assert_eq!(w.len(), 4);
        assert_eq!(w[0].parts.len(), 2);
        assert_eq!(w[0].parts[1].window_start, 250);
        assert_eq!(w[0].len, 450);
        assert_eq!(
            w[1].parts,
            vec![WindowPart {
                segment: 2,
                channel_start: 2000,
                channel_end: 3000,
                window_start: 0
            }]
        );
        assert_eq!(w[3].parts.len(), 2);
        assert_eq!(w[3].parts[0].segment, 2);
        assert_eq!(w[3].parts[1].segment, 3);
        assert_eq!(w[3].parts[1].window_start, 550);
        // Window time 300 (0.5 s into the second part) is channel time 10.5 s.
        assert_eq!(w[0].to_channel(300.0), Some(1050.0));
        assert_eq!(w[0].part_at(300.0).unwrap().segment, 1);
        // A time in the gap goes to the nearer part.
        assert_eq!(w[0].part_at(210.0).unwrap().segment, 0);
        assert_eq!(w[0].part_at(240.0).unwrap().segment, 1);
        // Audio is copied to the right place.
        let ch: Vec<f32> = (0..6000).map(|i| i as f32).collect();
        let a = w[0].audio(&ch);
        assert_eq!(a[0], 100.0);
        assert_eq!(a[220], 0.0);
        assert_eq!(a[250], 1000.0);
    }

    #[test]
    fn context_extends_parts_but_not_into_neighbours() {
        let sr = 100;
        // Channel of 20 s; segments 1-3 s, 3.4-5 s (0.4 s apart), 10-19.95 s.
        let segs = [seg(1.0, 3.0), seg(3.4, 5.0), seg(10.0, 19.95)];
        let w = plan_windows_with_context(&segs, 2000, sr, 30.0, 0.3, 0.5);
        assert_eq!(w.len(), 1);
        let p = &w[0].parts;
        assert_eq!(p.len(), 3);
        // 0.5 s before the first, but only halfway (0.2 s) into the 0.4 s silence.
        assert_eq!((p[0].channel_start, p[0].channel_end), (50, 320));
        assert_eq!((p[1].channel_start, p[1].channel_end), (320, 550));
        // The last one stops at the channel's end.
        assert_eq!((p[2].channel_start, p[2].channel_end), (950, 2000));
        assert_eq!(
            p.iter().map(|x| x.segment).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        // Without context: the VAD bounds.
        let w0 = plan_windows(&segs, 2000, sr, 30.0, 0.3);
        assert_eq!(
            (w0[0].parts[0].channel_start, w0[0].parts[0].channel_end),
            (100, 300)
        );
    }

    #[test]
    fn short_windows_are_padded_and_bad_segments_skipped() {
        let segs = [
            seg(5.0, 4.0),
            seg(0.2, 0.5),
            seg(f64::NAN, 1.0),
            seg(99.0, 120.0),
        ];
        let w = plan_windows(&segs, 16000, 16000, 28.0, 0.3);
        // NaN start clamps to 0: segment 2 covers 0-1 s and is first in time order.
        assert_eq!(w.len(), 1);
        assert_eq!(
            w[0].parts.iter().map(|p| p.segment).collect::<Vec<_>>(),
            vec![2, 1]
        );
        assert!(w[0].len >= (1.1 * 16000.0) as usize);
    }
}
