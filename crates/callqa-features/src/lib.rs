//! Per-call features of callqa: timing (talk time, silence, long pauses, interruptions)
//! and the builder of the Parquet rows (`calls/` and `utterances/`).
//!
//! This is the last stage before the sink: it takes a call's utterances (from ASR or an
//! imported transcript), the compiled rule pack and the pipeline's `[timing]` thresholds,
//! and produces one [`CallFeatures`] and one [`UtteranceRow`] per utterance. Keeping the
//! arithmetic here, away from audio and models, makes every number BI sees testable on
//! hand-written transcripts.
//!
//! Definitions (all times in seconds on the call clock):
//!
//! * **talk time** of a speaker: length of the union of their utterance intervals
//!   (overlapping utterances of one speaker are merged, not double-counted);
//! * **silence**: time in `[0, duration]` covered by nobody's utterance, *including* the
//!   leading silence before the first utterance and the trailing one after the last;
//! * **long pause**: a gap where nobody talks of at least `pause_threshold_s`, counted
//!   only **between** speech: the leading gap (ringing, IVR, recorder start) and the
//!   trailing one (post-call silence) are not dead air the operator caused, so they are
//!   left out of `long_pauses` and `longest_pause_s` (they are still in `silence_s`);
//! * **interruption**: an utterance that starts while the other party is talking (the other
//!   party started strictly earlier) and overlaps that speech by at least
//!   `interruption_min_overlap_s`; utterances shorter than `backchannel_max_s` ("угу",
//!   "uh-huh") never interrupt. `operator_interruptions` counts the operator starting over
//!   the customer, `customer_interruptions` the reverse.
//!
//! Mono calls (any `mixed` utterance, or [`ChannelLayout::Mono`] in [`build_rows`]) have no
//! speaker split: talk times and interruptions are `None`, pauses and silence are computed.
#![deny(missing_docs)]

pub mod eval;

use callqa_core::config::TimingConfig;
use callqa_core::{
    AcousticResult, CallFeatures, CallMeta, ChannelLayout, PipelineConfig, Speaker, Utterance,
    UtteranceAcoustics, UtteranceRow,
};
use callqa_rules::RulePack;
use chrono::{DateTime, Utc};

/// Tolerance for comparing times against thresholds, so that a pause of exactly
/// `pause_threshold_s` counts despite floating-point subtraction (`7.3 - 2.3`).
const EPS: f64 = 1e-6;

/// Tag added to an interrupting utterance.
pub const TAG_INTERRUPTION: &str = "interruption";
/// Prefix of the tag added to the utterance after a long pause: `long_pause_before:7.0`
/// (the gap in seconds, one decimal).
pub const TAG_LONG_PAUSE_BEFORE: &str = "long_pause_before";

/// Timing features of one call.
#[derive(Debug, Clone, PartialEq)]
pub struct TimingFeatures {
    /// Operator speech time (union of intervals); `None` for mono calls.
    pub operator_talk_s: Option<f64>,
    /// Customer speech time (union of intervals); `None` for mono calls.
    pub customer_talk_s: Option<f64>,
    /// Time in `[0, duration]` where nobody talks, leading and trailing silence included.
    pub silence_s: f64,
    /// Gaps between speech (leading/trailing silence excluded) of at least
    /// `pause_threshold_s`.
    pub long_pauses: u32,
    /// Longest gap between speech (leading/trailing silence excluded); 0 when none.
    pub longest_pause_s: f64,
    /// Times the operator started over the customer; `None` for mono calls.
    pub operator_interruptions: Option<u32>,
    /// Times the customer started over the operator; `None` for mono calls.
    pub customer_interruptions: Option<u32>,
    /// Indices (into the given slice) of interrupting utterances, ascending.
    pub interruption_at: Vec<usize>,
    /// Parallel to the given slice: the silent gap that ends where the utterance starts,
    /// seconds; `0.0` when someone was still talking, and for the first utterance (the
    /// leading silence is not a pause between speech). When several utterances start at
    /// the end of the same gap, only the first (in start order) carries it.
    pub pause_before: Vec<f64>,
    /// Silence before the first utterance (the whole duration when there is none).
    pub leading_silence_s: f64,
    /// Silence after the last utterance ends, up to the duration.
    pub trailing_silence_s: f64,
}

impl TimingFeatures {
    /// Whether the pause before utterance `i` is a long pause under `cfg`.
    pub fn long_pause_before(&self, i: usize, cfg: &TimingConfig) -> bool {
        self.pause_before
            .get(i)
            .is_some_and(|&g| g > 0.0 && g + EPS >= cfg.pause_threshold_s)
    }
}

/// Merge intervals into their union, sorted; empty intervals are dropped.
fn union(mut iv: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    iv.retain(|(s, e)| e > s);
    iv.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(iv.len());
    for (s, e) in iv {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

fn total(iv: &[(f64, f64)]) -> f64 {
    // fold from +0.0: `sum()` of no floats is -0.0, which BI tools print as "-0".
    iv.iter().map(|(s, e)| e - s).fold(0.0, |a, b| a + b)
}

/// Compute the timing features of one call. `utterances` may be in any order; indices in
/// the result refer to the slice as given. The effective duration is the larger of
/// `duration_s` and the last utterance end (speech past the end of the file is not lost).
/// A call is mono when any utterance is `mixed`.
pub fn timing(utterances: &[Utterance], duration_s: f64, cfg: &TimingConfig) -> TimingFeatures {
    let duration = utterances
        .iter()
        .map(|u| u.end_s)
        .fold(duration_s.max(0.0), f64::max);
    let mono = utterances.iter().any(|u| u.speaker == Speaker::Mixed);
    let intervals = |pred: &dyn Fn(Speaker) -> bool| {
        union(
            utterances
                .iter()
                .filter(|u| pred(u.speaker))
                .map(|u| (u.start_s.max(0.0), u.end_s.min(duration)))
                .collect(),
        )
    };
    let all = intervals(&|_| true);
    let op = intervals(&|s| s == Speaker::Operator);
    let cu = intervals(&|s| s == Speaker::Customer);

    let speech = total(&all);
    let silence_s = (duration - speech).max(0.0);
    let leading_silence_s = all.first().map_or(duration, |iv| iv.0);
    let trailing_silence_s = all.last().map_or(0.0, |iv| (duration - iv.1).max(0.0));

    // Pauses: walk utterances in start order, tracking the end of speech so far.
    let mut order: Vec<usize> = (0..utterances.len()).collect();
    order.sort_by(|&a, &b| {
        let (ua, ub) = (&utterances[a], &utterances[b]);
        ua.start_s
            .total_cmp(&ub.start_s)
            .then(ua.end_s.total_cmp(&ub.end_s))
    });
    let mut pause_before = vec![0.0; utterances.len()];
    let mut long_pauses = 0;
    let mut longest_pause_s: f64 = 0.0;
    let mut covered_to: Option<f64> = None;
    for &i in &order {
        let u = &utterances[i];
        if let Some(end) = covered_to {
            let gap = u.start_s - end;
            if gap > 0.0 {
                pause_before[i] = gap;
                longest_pause_s = longest_pause_s.max(gap);
                if gap + EPS >= cfg.pause_threshold_s {
                    long_pauses += 1;
                }
            }
        }
        covered_to = Some(covered_to.map_or(u.end_s, |e| e.max(u.end_s)));
    }

    // Interruptions: an utterance starting inside the other party's speech.
    let mut interruption_at = Vec::new();
    let (mut by_op, mut by_cu) = (0u32, 0u32);
    if !mono {
        for (i, u) in utterances.iter().enumerate() {
            let other = match u.speaker {
                Speaker::Operator => &cu,
                Speaker::Customer => &op,
                Speaker::Mixed => continue,
            };
            if u.duration_s() + EPS < cfg.backchannel_max_s {
                continue;
            }
            let Some(&(_, other_end)) =
                other.iter().find(|&&(s, e)| s < u.start_s && u.start_s < e)
            else {
                continue;
            };
            let overlap = other_end.min(u.end_s) - u.start_s;
            if overlap + EPS >= cfg.interruption_min_overlap_s {
                interruption_at.push(i);
                match u.speaker {
                    Speaker::Operator => by_op += 1,
                    _ => by_cu += 1,
                }
            }
        }
    }

    TimingFeatures {
        operator_talk_s: (!mono).then(|| total(&op)),
        customer_talk_s: (!mono).then(|| total(&cu)),
        silence_s,
        long_pauses,
        longest_pause_s,
        operator_interruptions: (!mono).then_some(by_op),
        customer_interruptions: (!mono).then_some(by_cu),
        interruption_at,
        pause_before,
        leading_silence_s,
        trailing_silence_s,
    }
}

/// Take personal data out of a call's utterances as the pipeline file asks
/// (`[redaction]`, every kind on by default): phone and card numbers, e-mails, passport,
/// SNILS and INN numbers become `[PHONE]`, `[CARD]`, … (see `callqa_rules::redact`).
/// Call it once, right after the utterances are assembled and before rules, rows or a
/// transcript dump see them. Returns `calls.pii_redactions` for [`build_rows`]: the
/// number of placeholders, `None` when redaction is switched off.
pub fn redact(utterances: &mut [Utterance], cfg: &PipelineConfig) -> Option<u32> {
    cfg.redaction
        .enabled
        .then(|| callqa_rules::Redactor::from_config(&cfg.redaction).redact_utterances(utterances))
}

/// Build the `calls/` row and the `utterances/` rows of one call.
///
/// Utterances are sorted by start (then end) and numbered from 0 in that order. Tags of
/// an utterance: the rule-pack tags (`greeting:здравствуйте`, …), then
/// [`TAG_INTERRUPTION`], then `long_pause_before:<gap>`. `call_date` is the UTC date of
/// `meta.started_at`; an empty `operator_id` is written as null. With
/// [`ChannelLayout::Mono`], talk times and interruptions are null unless the call was
/// diarized (its utterances are the operator's and the customer's, not `mixed`).
/// `pii_redactions` is what [`redact`] returned for these utterances.
#[allow(clippy::too_many_arguments)]
pub fn build_rows(
    meta: &CallMeta,
    duration_s: f64,
    layout: ChannelLayout,
    language: Option<&str>,
    utterances: &[Utterance],
    pii_redactions: Option<u32>,
    rules: &RulePack,
    cfg: &PipelineConfig,
    asr_model: Option<&str>,
    acoustics: Option<&AcousticResult>,
    processed_at: DateTime<Utc>,
) -> (CallFeatures, Vec<UtteranceRow>) {
    let mut order: Vec<usize> = (0..utterances.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&utterances[a], &utterances[b]);
        a.start_s
            .total_cmp(&b.start_s)
            .then(a.end_s.total_cmp(&b.end_s))
    });
    let sorted: Vec<Utterance> = order.iter().map(|&i| utterances[i].clone()).collect();
    let no_acoustics = UtteranceAcoustics::default();
    let utt_acoustics = |k: usize| -> &UtteranceAcoustics {
        acoustics
            .and_then(|a| a.utterances.get(order[k]))
            .unwrap_or(&no_acoustics)
    };
    let mut t = timing(&sorted, duration_s, &cfg.timing);
    // A mono call diarized into operator and customer has its speaker split; one that
    // was not (or had no speech) has none.
    let diarized = sorted.iter().any(|u| u.speaker != Speaker::Mixed);
    if layout == ChannelLayout::Mono && !diarized {
        t.operator_talk_s = None;
        t.customer_talk_s = None;
        t.operator_interruptions = None;
        t.customer_interruptions = None;
        t.interruption_at.clear();
    }
    let script = rules.evaluate(&sorted, duration_s);
    let call_date = meta.started_at.date_naive();

    let mut tags = script.tags;
    for &i in &t.interruption_at {
        tags[i].push(TAG_INTERRUPTION.to_string());
    }
    for (i, tag) in tags.iter_mut().enumerate() {
        if t.long_pause_before(i, &cfg.timing) {
            tag.push(format!("{TAG_LONG_PAUSE_BEFORE}:{:.1}", t.pause_before[i]));
        }
    }
    let rows = sorted
        .iter()
        .zip(tags)
        .enumerate()
        .map(|(i, (u, tags))| {
            let a = utt_acoustics(i);
            UtteranceRow {
                call_id: meta.call_id.clone(),
                call_date,
                idx: i as u32,
                speaker: u.speaker.as_str().to_string(),
                start_s: u.start_s,
                end_s: u.end_s,
                text: u.text.clone(),
                tags,
                emotion: a.emotion.clone(),
                emotion_probs: a.emotion_probs.clone(),
                arousal: a.arousal,
                f0_mean_hz: a.f0_mean_hz,
                f0_range_hz: a.f0_range_hz,
                emotion_confidence: a.emotion_confidence,
            }
        })
        .collect();

    let ca = acoustics.map(|a| &a.call);
    let call = CallFeatures {
        call_id: meta.call_id.clone(),
        operator_id: meta
            .operator_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        started_at: meta.started_at,
        call_date,
        duration_s,
        channel_layout: layout.as_str().to_string(),
        language: language.map(str::to_string),
        operator_talk_s: t.operator_talk_s,
        customer_talk_s: t.customer_talk_s,
        silence_s: t.silence_s,
        long_pauses: t.long_pauses,
        longest_pause_s: t.longest_pause_s,
        operator_interruptions: t.operator_interruptions,
        customer_interruptions: t.customer_interruptions,
        greeting: script.greeting,
        greeting_at_s: script.greeting_at_s,
        self_introduction: script.self_introduction,
        thanks: script.thanks,
        survey_offer: script.survey_offer,
        farewell: script.farewell,
        customer_questions: script.customer_questions,
        concrete_answers: script.concrete_answers,
        vague_answers: script.vague_answers,
        unanswered_questions: script.unanswered_questions,
        complaint: script.complaint,
        complaint_types: script.complaint_types,
        pii_redactions,
        operator_smile_index: ca.and_then(|c| c.operator_smile_index),
        operator_negative_share: ca.and_then(|c| c.operator_negative_share),
        customer_anger_share: ca.and_then(|c| c.customer_anger_share),
        customer_arousal_max: ca.and_then(|c| c.customer_arousal_max),
        operator_arousal_mean: ca.and_then(|c| c.operator_arousal_mean),
        calm_under_pressure: ca.and_then(|c| c.calm_under_pressure),
        mirroring: ca.and_then(|c| c.mirroring),
        operator_f0_variability: ca.and_then(|c| c.operator_f0_variability),
        emotion_model: ca.map(|c| c.emotion_model.clone()),
        emotion_normalisation: ca.map(|c| c.emotion_normalisation.clone()),
        // Filled in by the pipeline for diarized mono calls (`callqa-diarize`).
        diarization: None,
        speakers: None,
        role_method: None,
        role_confidence: None,
        customer_emotion_normalisation: ca.and_then(|c| c.customer_emotion_normalisation.clone()),
        emotion_confidence: ca.and_then(|c| c.emotion_confidence),
        asr_model: asr_model.map(str::to_string),
        pipeline: cfg.pipeline.name.clone(),
        pipeline_version: cfg.pipeline.version.clone(),
        processed_at,
    };
    (call, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(speaker: Speaker, start: f64, end: f64) -> Utterance {
        Utterance {
            speaker,
            start_s: start,
            end_s: end,
            text: String::new(),
        }
    }
    use Speaker::{Customer as C, Mixed as M, Operator as O};

    fn cfg() -> TimingConfig {
        TimingConfig::default()
    }

    #[test]
    fn no_speech_gives_positive_zero_talk() {
        let t = timing(&[], 10.0, &TimingConfig::default());
        assert!(t.operator_talk_s.unwrap_or(0.0).is_sign_positive());
        assert!(t.silence_s == 10.0);
    }

    #[test]
    fn no_utterances() {
        let t = timing(&[], 30.0, &cfg());
        assert_eq!(t.operator_talk_s, Some(0.0));
        assert_eq!(t.customer_talk_s, Some(0.0));
        assert_eq!(t.silence_s, 30.0);
        assert_eq!((t.long_pauses, t.longest_pause_s), (0, 0.0));
        assert_eq!(t.operator_interruptions, Some(0));
        assert!(t.interruption_at.is_empty() && t.pause_before.is_empty());
        assert_eq!((t.leading_silence_s, t.trailing_silence_s), (30.0, 0.0));
        let t = timing(&[], 0.0, &cfg());
        assert_eq!(t.silence_s, 0.0);
    }

    #[test]
    fn overlapping_same_speaker_is_merged() {
        let t = timing(
            &[u(O, 1.0, 5.0), u(O, 3.0, 8.0), u(C, 10.0, 12.0)],
            12.0,
            &cfg(),
        );
        assert_eq!(t.operator_talk_s, Some(7.0));
        assert_eq!(t.customer_talk_s, Some(2.0));
        assert_eq!(t.silence_s, 3.0); // 0-1 and 8-10
        assert_eq!(t.operator_interruptions, Some(0));
        assert_eq!(t.pause_before, vec![0.0, 0.0, 2.0]);
    }

    #[test]
    fn backchannel_overlap_is_not_an_interruption() {
        // "угу" of 0.6 s entirely inside the operator's speech.
        let t = timing(&[u(O, 0.0, 10.0), u(C, 3.0, 3.6)], 10.0, &cfg());
        assert_eq!(t.customer_interruptions, Some(0));
        assert!(t.interruption_at.is_empty());
    }

    #[test]
    fn overlap_threshold() {
        // Customer starts 0.9 s before the operator stops: not an interruption.
        let t = timing(&[u(O, 0.0, 10.0), u(C, 9.1, 14.0)], 14.0, &cfg());
        assert_eq!(t.customer_interruptions, Some(0));
        // 1.5 s: counted, attributed to the customer, indexed in the given order.
        let t = timing(&[u(C, 8.5, 14.0), u(O, 0.0, 10.0)], 14.0, &cfg());
        assert_eq!(t.customer_interruptions, Some(1));
        assert_eq!(t.operator_interruptions, Some(0));
        assert_eq!(t.interruption_at, vec![0]);
        // Exactly 1.0 s counts (>=); operator over customer.
        let t = timing(&[u(C, 0.0, 10.0), u(O, 9.0, 14.0)], 14.0, &cfg());
        assert_eq!(t.operator_interruptions, Some(1));
        // Starting at the same instant is nobody's interruption.
        let t = timing(&[u(C, 0.0, 10.0), u(O, 0.0, 14.0)], 14.0, &cfg());
        assert_eq!(
            (t.operator_interruptions, t.customer_interruptions),
            (Some(0), Some(0))
        );
    }

    #[test]
    fn pause_threshold_is_inclusive_and_edges_are_not_pauses() {
        // Internal gap of exactly 5.0 s (7.3 - 2.3 in floating point) counts.
        let t = timing(&[u(O, 0.5, 2.3), u(C, 7.3, 11.0)], 20.0, &cfg());
        assert_eq!(t.long_pauses, 1);
        assert!((t.longest_pause_s - 5.0).abs() < 1e-9);
        assert!(t.long_pause_before(1, &cfg()) && !t.long_pause_before(0, &cfg()));
        let t = timing(&[u(O, 6.0, 8.0), u(C, 12.9, 14.0)], 30.0, &cfg());
        assert_eq!(t.long_pauses, 0, "4.9 s is below the threshold");
        assert!((t.longest_pause_s - 4.9).abs() < 1e-9);
        assert_eq!((t.leading_silence_s, t.trailing_silence_s), (6.0, 16.0));
        assert!((t.silence_s - 6.0 - 4.9 - 16.0).abs() < 1e-9);
    }

    #[test]
    fn mono_has_no_talk_split_or_interruptions() {
        let t = timing(
            &[u(M, 0.0, 10.0), u(M, 5.0, 20.0), u(M, 30.0, 31.0)],
            31.0,
            &cfg(),
        );
        assert_eq!(t.operator_talk_s, None);
        assert_eq!(t.customer_interruptions, None);
        assert!(t.interruption_at.is_empty());
        assert_eq!((t.long_pauses, t.longest_pause_s), (1, 10.0));
        assert_eq!(t.silence_s, 10.0);
    }

    #[test]
    fn speech_past_the_duration_extends_it() {
        let t = timing(&[u(O, 1.0, 12.0)], 10.0, &cfg());
        assert_eq!(t.silence_s, 1.0);
        assert_eq!(t.trailing_silence_s, 0.0);
    }
}
