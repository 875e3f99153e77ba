//! `operator_daily/`: one row per operator and day.

use crate::ratings::{NpsClass, Scale};
use crate::scoring::questions_asked;
use crate::ScoredCall;
use callqa_core::ScoresConfig;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One row of `operator_daily/`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperatorDay {
    /// Day (partition).
    pub call_date: NaiveDate,
    /// Operator (null when the calls have none).
    pub operator_id: Option<String>,
    /// Calls.
    pub calls: i32,
    /// Rated calls.
    pub rated_calls: i32,
    /// Mean rating on the common 0–10 scale.
    pub mean_rating_10: Option<f64>,
    /// Rated promoters (both scales, classes on the common 0–10 scale).
    pub promoters: i32,
    /// Rated passives.
    pub passives: i32,
    /// Rated detractors.
    pub detractors: i32,
    /// nps10-rated calls.
    pub nps_calls: i32,
    /// Net Promoter Score of the nps10 ratings: % 9–10 − % 0–6.
    pub nps: Option<f64>,
    /// csat5-rated calls.
    pub csat_calls: i32,
    /// Mean csat5 rating (1–5).
    pub csat_mean: Option<f64>,
    /// % of csat5 ratings that are 4 or 5.
    pub csat_pct: Option<f64>,
    /// Unrated calls whose P(detractor) ≥ `review_detractor_probability`.
    pub predicted_detractors: i32,
    /// Σ P(detractor) over the unrated calls with a prediction: expected detractors.
    pub expected_detractors: Option<f64>,
    /// Means of the scores.
    pub mean_process_score: Option<f64>,
    /// Mean smile score.
    pub mean_smile_score: Option<f64>,
    /// Mean speech score.
    pub mean_speech_score: Option<f64>,
    /// Mean smile+speech score.
    pub mean_smile_speech_score: Option<f64>,
    /// Calls with a smile+speech score (the weight of its mean when rolling up days).
    pub smile_speech_calls: i32,
    /// Compliance rates, 0–1.
    pub greeting_rate: Option<f64>,
    /// Self-introduction rate.
    pub self_introduction_rate: Option<f64>,
    /// Share of calls without operator interruptions.
    pub no_interruptions_rate: Option<f64>,
    /// Share of calls without long pauses.
    pub no_long_pauses_rate: Option<f64>,
    /// Σ concrete answers / Σ questions asked, over the day's calls.
    pub concrete_answer_rate: Option<f64>,
    /// Thanks rate.
    pub thanks_rate: Option<f64>,
    /// Survey-offer rate.
    pub survey_offer_rate: Option<f64>,
    /// Farewell rate.
    pub farewell_rate: Option<f64>,
}

fn mean(it: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let (mut s, mut n) = (0.0, 0usize);
    for v in it.flatten() {
        s += v;
        n += 1;
    }
    (n > 0).then(|| s / n as f64)
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Aggregate scored calls per (day, operator).
pub fn operator_daily(calls: &[ScoredCall], cfg: &ScoresConfig) -> Vec<OperatorDay> {
    let mut groups: BTreeMap<(NaiveDate, Option<String>), Vec<&ScoredCall>> = BTreeMap::new();
    for c in calls {
        groups
            .entry((c.call.call_date, c.call.operator_id.clone()))
            .or_default()
            .push(c);
    }
    groups
        .into_iter()
        .map(|((day, op), g)| {
            let rated: Vec<_> = g.iter().filter_map(|c| c.rating.as_ref()).collect();
            let class_n = |k: NpsClass| rated.iter().filter(|r| r.class() == k).count();
            let (p, d) = (class_n(NpsClass::Promoter), class_n(NpsClass::Detractor));
            let csat: Vec<f64> = rated
                .iter()
                .filter(|r| r.scale == Scale::Csat5)
                .map(|r| r.value)
                .collect();
            let nps10: Vec<NpsClass> = rated
                .iter()
                .filter(|r| r.scale == Scale::Nps10)
                .map(|r| r.class())
                .collect();
            let nps10_n = |k: NpsClass| nps10.iter().filter(|c| **c == k).count() as f64;
            let (k_sum, q_sum) = g.iter().fold((0.0, 0.0), |(k, q), c| {
                match (c.call.concrete_answers, questions_asked(&c.call)) {
                    (Some(a), Some(b)) => (k + a, q + b),
                    _ => (k, q),
                }
            });
            let preds: Vec<f64> = g
                .iter()
                .filter_map(|c| c.unrated_prediction().map(|p| p.p_detractor))
                .collect();
            let rate = |f: fn(&ScoredCall) -> Option<f64>| mean(g.iter().map(|c| f(c)));
            OperatorDay {
                call_date: day,
                operator_id: op,
                calls: count(g.len()),
                rated_calls: count(rated.len()),
                mean_rating_10: mean(rated.iter().map(|r| Some(r.common()))),
                promoters: count(p),
                passives: count(class_n(NpsClass::Passive)),
                detractors: count(d),
                nps_calls: count(nps10.len()),
                nps: (!nps10.is_empty()).then(|| {
                    100.0 * (nps10_n(NpsClass::Promoter) - nps10_n(NpsClass::Detractor))
                        / nps10.len() as f64
                }),
                csat_calls: count(csat.len()),
                csat_mean: mean(csat.iter().map(|v| Some(*v))),
                csat_pct: (!csat.is_empty()).then(|| {
                    100.0 * csat.iter().filter(|v| **v >= 4.0).count() as f64 / csat.len() as f64
                }),
                predicted_detractors: count(
                    preds
                        .iter()
                        .filter(|p| **p >= cfg.review_detractor_probability)
                        .count(),
                ),
                expected_detractors: (!preds.is_empty()).then(|| preds.iter().sum()),
                mean_process_score: rate(|c| c.scores.process_score),
                mean_smile_score: rate(|c| c.scores.smile_score),
                mean_speech_score: rate(|c| c.scores.speech_score),
                mean_smile_speech_score: rate(|c| c.scores.smile_speech_score),
                smile_speech_calls: count(
                    g.iter()
                        .filter(|c| c.scores.smile_speech_score.is_some())
                        .count(),
                ),
                greeting_rate: rate(|c| c.scores.compliance.greeting),
                self_introduction_rate: rate(|c| c.scores.compliance.self_introduction),
                no_interruptions_rate: rate(|c| c.scores.compliance.no_interruptions),
                no_long_pauses_rate: rate(|c| c.scores.compliance.no_long_pauses),
                concrete_answer_rate: (q_sum > 0.0).then(|| k_sum / q_sum),
                thanks_rate: rate(|c| c.scores.compliance.thanks),
                survey_offer_rate: rate(|c| c.scores.compliance.survey_offer),
                farewell_rate: rate(|c| c.scores.compliance.farewell),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::Call;
    use crate::predict::Prediction;
    use crate::ratings::Rating;
    use crate::scoring::score;

    fn call(id: &str, questions: f64, concrete: f64) -> Call {
        Call {
            call_id: id.into(),
            operator_id: Some("op".into()),
            customer_questions: Some(questions),
            concrete_answers: Some(concrete),
            vague_answers: Some(0.0),
            ..Call::default()
        }
    }

    fn scored(c: Call, rating: Option<(f64, Scale)>, p: Option<f64>) -> ScoredCall {
        let cfg = ScoresConfig::default();
        ScoredCall {
            scores: score(&c, &cfg),
            rating: rating.map(|(value, scale)| Rating {
                call_id: c.call_id.clone(),
                value,
                scale,
                rated_at: None,
            }),
            predicted: p.map(|p_detractor| Prediction {
                rating: 6.0,
                lo: 2.0,
                hi: 10.0,
                p_detractor,
                p_promoter: 0.1,
            }),
            call: c,
        }
    }

    /// NPS counts nps10 ratings only; expected detractors add up probabilities; the
    /// concrete-answer rate divides by the questions asked.
    #[test]
    fn nps_expected_detractors_and_compliance_per_day() {
        let calls = vec![
            scored(call("a", 5.0, 1.0), Some((10.0, Scale::Nps10)), None),
            scored(call("b", 1.0, 1.0), Some((3.0, Scale::Nps10)), None),
            scored(call("c", 2.0, 2.0), Some((1.0, Scale::Csat5)), None),
            scored(call("d", 2.0, 0.0), None, Some(0.7)),
            scored(call("e", 0.0, 0.0), None, Some(0.2)),
        ];
        let d = &operator_daily(&calls, &ScoresConfig::default())[0];
        assert_eq!((d.calls, d.rated_calls, d.nps_calls), (5, 3, 2));
        // nps10: one promoter, one detractor → 0; the csat 1/5 is no part of it.
        assert_eq!(d.nps, Some(0.0));
        assert_eq!(d.detractors, 2, "classes still count both scales");
        assert_eq!(d.predicted_detractors, 1);
        assert!((d.expected_detractors.unwrap() - 0.9).abs() < 1e-12);
        // 4 concrete answers of 10 questions asked.
        assert_eq!(d.concrete_answer_rate, Some(0.4));
    }
}
