//! Per-call scores: `process_score` (compliance with the service standard),
//! `smile_score` (the acoustic "smile monitoring" columns), `speech_score` (how the
//! dialogue went, from the transcript) and their blend `smile_speech_score`. All 0–100.

use crate::calls::Call;
use callqa_core::ScoresConfig;

/// Compliance of one call with each element of the standard: 1 complied, 0 not, a
/// fraction for `concrete_answers`, `None` when the element does not apply or its column
/// is null.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Compliance {
    /// The operator greeted.
    pub greeting: Option<f64>,
    /// The operator introduced themselves.
    pub self_introduction: Option<f64>,
    /// No operator interruption.
    pub no_interruptions: Option<f64>,
    /// No long pause.
    pub no_long_pauses: Option<f64>,
    /// Concrete answers / questions asked ([`questions_asked`]; `None` with no question).
    pub concrete_answers: Option<f64>,
    /// The operator thanked.
    pub thanks: Option<f64>,
    /// The operator offered the survey.
    pub survey_offer: Option<f64>,
    /// The operator said goodbye.
    pub farewell: Option<f64>,
}

fn b(v: Option<bool>) -> Option<f64> {
    v.map(|x| if x { 1.0 } else { 0.0 })
}

fn zero(v: Option<f64>) -> Option<f64> {
    v.map(|x| if x == 0.0 { 1.0 } else { 0.0 })
}

/// Questions the customer asked, as the denominator of concrete-answer compliance: the
/// larger of `customer_questions` and concrete + vague + `unanswered_questions` (either
/// may be missing in older outputs; the rules' counts can disagree when one question gets
/// two answers). A question left unanswered counts against the operator: 5 questions with
/// 1 concrete answer are 20 %, not 100 %. `None` without the answer counts.
pub fn questions_asked(c: &Call) -> Option<f64> {
    let answered = c.concrete_answers? + c.vague_answers?;
    let asked = answered + c.unanswered_questions.unwrap_or(0.0).max(0.0);
    Some(asked.max(c.customer_questions.unwrap_or(0.0)))
}

impl Compliance {
    /// Compliance of `c`.
    pub fn of(c: &Call) -> Compliance {
        let concrete = match (c.concrete_answers, questions_asked(c)) {
            (Some(k), Some(q)) if q > 0.0 => Some((k / q).clamp(0.0, 1.0)),
            _ => None,
        };
        Compliance {
            greeting: b(c.greeting),
            self_introduction: b(c.self_introduction),
            no_interruptions: zero(c.operator_interruptions),
            no_long_pauses: zero(c.long_pauses),
            concrete_answers: concrete,
            thanks: b(c.thanks),
            survey_offer: b(c.survey_offer),
            farewell: b(c.farewell),
        }
    }
}

/// Weighted mean of the components that are present (weights renormalised over them);
/// `None` when no component with a positive weight is present.
pub fn weighted(parts: &[(Option<f64>, f64)]) -> Option<f64> {
    let (mut sum, mut w) = (0.0, 0.0);
    for (v, wt) in parts {
        if let Some(v) = v {
            if *wt > 0.0 {
                sum += v * wt;
                w += wt;
            }
        }
    }
    (w > 0.0).then(|| sum / w)
}

/// The four scores of one call.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    /// Per-element compliance.
    pub compliance: Compliance,
    /// 0–100.
    pub process_score: Option<f64>,
    /// 0–100; null without acoustic columns.
    pub smile_score: Option<f64>,
    /// 0–100.
    pub speech_score: Option<f64>,
    /// 0–100.
    pub smile_speech_score: Option<f64>,
}

/// Score one call.
pub fn score(c: &Call, cfg: &ScoresConfig) -> Scores {
    let k = Compliance::of(c);
    let w = &cfg.process_weights;
    let process = weighted(&[
        (k.greeting, w.greeting),
        (k.self_introduction, w.self_introduction),
        (k.no_interruptions, w.no_interruptions),
        (k.no_long_pauses, w.no_long_pauses),
        (k.concrete_answers, w.concrete_answers),
        (k.thanks, w.thanks),
        (k.survey_offer, w.survey_offer),
        (k.farewell, w.farewell),
    ])
    .map(|v| 100.0 * v);
    let sw = &cfg.smile_weights;
    // The smile index is the core of the smile score: without it the other acoustic
    // columns are not enough to call the voice friendly or not.
    let smile = c.operator_smile_index.and_then(|si| {
        weighted(&[
            (Some((si / 100.0).clamp(0.0, 1.0)), sw.smile_index),
            (
                c.operator_negative_share.map(|v| 1.0 - v.clamp(0.0, 1.0)),
                sw.no_negative,
            ),
            (
                c.calm_under_pressure.map(|v| v.clamp(0.0, 1.0)),
                sw.calm_under_pressure,
            ),
            (
                c.mirroring.map(|v| 1.0 - v.clamp(0.0, 1.0)),
                sw.no_mirroring,
            ),
        ])
        .map(|v| 100.0 * v)
    });
    // Graded, not pass/fail: each interruption or long pause costs more, and the answer
    // quality counts as the share of concrete answers.
    let speech = weighted(&[
        (k.concrete_answers, 1.0),
        (c.operator_interruptions.map(|n| 1.0 / (1.0 + n)), 1.0),
        (c.long_pauses.map(|n| 1.0 / (1.0 + n)), 1.0),
    ])
    .map(|v| 100.0 * v);
    let combined = match (smile, speech) {
        (Some(s), Some(p)) => Some(cfg.smile_share * s + (1.0 - cfg.smile_share) * p),
        (None, p) => p,
        (s, None) => s,
    };
    Scores {
        compliance: k,
        process_score: process,
        smile_score: smile,
        speech_score: speech,
        smile_speech_score: combined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> Call {
        Call {
            greeting: Some(true),
            self_introduction: Some(false),
            thanks: Some(true),
            survey_offer: Some(true),
            farewell: Some(true),
            long_pauses: Some(0.0),
            operator_interruptions: Some(2.0),
            concrete_answers: Some(1.0),
            vague_answers: Some(1.0),
            ..Call::default()
        }
    }

    #[test]
    fn process_score_is_the_weighted_compliance() {
        let cfg = ScoresConfig::default();
        let s = score(&call(), &cfg);
        // greeting 15 + intro 0 + interruptions 0 + pauses 10 + concrete 0.5×20 + thanks 10
        // + survey 10 = 55 of 100 (farewell weighs 0).
        assert!((s.process_score.unwrap() - 55.0).abs() < 1e-9);
        // speech: mean(0.5, 1/3, 1) = 0.6111
        assert!((s.speech_score.unwrap() - 61.111_111).abs() < 1e-3);
        assert_eq!(s.smile_score, None);
        assert_eq!(s.smile_speech_score, s.speech_score);
    }

    #[test]
    fn not_applicable_elements_are_left_out() {
        let cfg = ScoresConfig::default();
        let mut c = call();
        c.concrete_answers = Some(0.0);
        c.vague_answers = Some(0.0);
        c.operator_interruptions = None;
        // 15 + 0 + 10 + 10 + 10 over 15+15+10+10+10 = 45/60
        assert!((score(&c, &cfg).process_score.unwrap() - 75.0).abs() < 1e-9);
    }

    #[test]
    fn unanswered_questions_count_against_compliance() {
        let cfg = ScoresConfig::default();
        // 5 questions, 1 concrete answer, 4 ignored: 20 %, not 100 %.
        let mut c = call();
        c.concrete_answers = Some(1.0);
        c.vague_answers = Some(0.0);
        c.customer_questions = Some(5.0);
        let s = score(&c, &cfg);
        assert_eq!(s.compliance.concrete_answers, Some(0.2));
        // speech: mean(0.2, 1/3, 1)
        let want = 100.0 * (0.2 + 1.0 / 3.0 + 1.0) / 3.0;
        assert!((s.speech_score.unwrap() - want).abs() < 1e-9);
        // The same from unanswered_questions when customer_questions is unknown.
        c.customer_questions = None;
        c.unanswered_questions = Some(4.0);
        assert_eq!(Compliance::of(&c).concrete_answers, Some(0.2));
        // Older outputs without either column: concrete / (concrete + vague) as before.
        c.unanswered_questions = None;
        c.vague_answers = Some(1.0);
        assert_eq!(Compliance::of(&c).concrete_answers, Some(0.5));
        // No question at all: not applicable.
        c.concrete_answers = Some(0.0);
        c.vague_answers = Some(0.0);
        c.customer_questions = Some(0.0);
        assert_eq!(Compliance::of(&c).concrete_answers, None);
    }

    #[test]
    fn smile_score_from_acoustic_columns() {
        let cfg = ScoresConfig::default();
        let mut c = call();
        c.operator_smile_index = Some(50.0);
        c.operator_negative_share = Some(0.2);
        c.calm_under_pressure = None;
        c.mirroring = Some(-0.3);
        // (0.4×0.5 + 0.3×0.8 + 0.1×1.0) / 0.8 = 0.675
        let s = score(&c, &cfg);
        assert!((s.smile_score.unwrap() - 67.5).abs() < 1e-9);
        let blend = 0.5 * 67.5 + 0.5 * s.speech_score.unwrap();
        assert!((s.smile_speech_score.unwrap() - blend).abs() < 1e-9);
    }
}
