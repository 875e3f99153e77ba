//! `review_queue/`: the calls QA should listen to, each day ranked by priority, with the
//! reasons in words.

use crate::ratings::NpsClass;
use crate::ScoredCall;
use callqa_core::ScoresConfig;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One row of `review_queue/`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    /// Day of the call (partition).
    pub call_date: NaiveDate,
    /// 1 = listen first, within the day.
    pub rank: i32,
    /// Sum of the reasons' weights.
    pub priority: f64,
    /// Reasons, most important first, joined by `; `.
    pub reasons: String,
    /// Index of the call in the scored calls.
    pub index: usize,
}

fn times(n: f64, one: &str, many: &str) -> String {
    match n as i64 {
        1 => format!("{one} once"),
        2 => format!("{one} twice"),
        k => format!("{one} {k} {many}"),
    }
}

fn plural(n: f64, one: &str, many: &str) -> String {
    if n as i64 == 1 {
        one.to_string()
    } else {
        format!("{} {many}", n as i64)
    }
}

/// Weight of a complaint: enough on its own to enter the queue with the default
/// `review_min_priority` (2).
pub const COMPLAINT_WEIGHT: f64 = 3.0;

/// Why `c` deserves a listen, with each reason's weight.
pub fn reasons(c: &ScoredCall, cfg: &ScoresConfig) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    let call = &c.call;
    if call.complaint == Some(true) {
        let text = if call.complaint_types.is_empty() {
            "complaint".to_string()
        } else {
            format!("complaint ({})", call.complaint_types.join(", "))
        };
        out.push((COMPLAINT_WEIGHT, text));
    }
    match (&c.rating, c.predicted) {
        (Some(r), _) if r.class() == NpsClass::Detractor => {
            // 2 for a 6/10 (or 3/5) up to 4 for the lowest rating.
            out.push((
                2.0 + (6.0 - r.common()).max(0.0) / 3.0,
                format!("rated {}", r.display()),
            ));
        }
        (None, Some(p)) if p.p_detractor >= cfg.review_detractor_probability => {
            // 2.5 × P: from P = 0.8 on, a likely detractor is enough on its own (like
            // a rated 6/10); less likely ones need another reason.
            out.push((
                2.5 * p.p_detractor,
                format!(
                    "unrated, predicted detractor (P = {:.0} %, expected {:.1}/10)",
                    100.0 * p.p_detractor,
                    p.rating
                ),
            ));
        }
        _ => {}
    }
    if let Some(a) = call
        .customer_anger_share
        .filter(|a| *a >= cfg.review_anger_share)
    {
        out.push((1.0 + a, format!("customer anger {:.0} %", 100.0 * a)));
    }
    if let Some(n) = call.operator_interruptions.filter(|n| *n >= 1.0) {
        out.push((0.5 * n.min(4.0), times(n, "operator interrupted", "times")));
    }
    if let Some(n) = call.vague_answers.filter(|n| *n >= 1.0) {
        out.push((0.5 * n.min(4.0), plural(n, "vague answer", "vague answers")));
    }
    if let Some(v) = call.calm_under_pressure.filter(|v| *v < 0.5) {
        out.push((
            0.5,
            format!("operator not calm under pressure ({:.0} %)", 100.0 * v),
        ));
    }
    if call.mirroring.is_some_and(|m| m > 0.2) {
        out.push((0.5, "operator mirrored the customer's agitation".into()));
    }
    if let Some(v) = call.operator_negative_share.filter(|v| *v >= 0.3) {
        out.push((
            0.5,
            format!("operator sounded negative {:.0} % of the time", 100.0 * v),
        ));
    }
    if let Some(p) = c
        .scores
        .process_score
        .filter(|p| *p < cfg.review_process_below)
    {
        out.push((0.5, format!("process score {p:.0}")));
    }
    if let Some(n) = call.long_pauses.filter(|n| *n >= 1.0) {
        out.push((0.25 * n.min(4.0), plural(n, "long pause", "long pauses")));
    }
    let w = &cfg.process_weights;
    for (ok, weight, what) in [
        (call.greeting, w.greeting, "no greeting"),
        (
            call.self_introduction,
            w.self_introduction,
            "no self-introduction",
        ),
        (call.thanks, w.thanks, "no thanks"),
        (call.survey_offer, w.survey_offer, "no survey offer"),
        (call.farewell, w.farewell, "no farewell"),
    ] {
        if ok == Some(false) && weight > 0.0 {
            out.push((0.25, what.to_string()));
        }
    }
    // Stable: equal weights keep the order above.
    out.sort_by(|a, b| b.0.total_cmp(&a.0));
    out
}

/// The review queue: calls with priority ≥ `review_min_priority`, ranked per day, at
/// most `review_max_per_day` a day.
pub fn review_queue(calls: &[ScoredCall], cfg: &ScoresConfig) -> Vec<ReviewItem> {
    let mut days: BTreeMap<NaiveDate, Vec<ReviewItem>> = BTreeMap::new();
    for (i, c) in calls.iter().enumerate() {
        let rs = reasons(c, cfg);
        let priority: f64 = rs.iter().map(|r| r.0).sum();
        if rs.is_empty() || priority < cfg.review_min_priority {
            continue;
        }
        days.entry(c.call.call_date).or_default().push(ReviewItem {
            call_date: c.call.call_date,
            rank: 0,
            priority,
            reasons: rs.into_iter().map(|r| r.1).collect::<Vec<_>>().join("; "),
            index: i,
        });
    }
    let mut out = Vec::new();
    for (_, mut items) in days {
        items.sort_by(|a, b| {
            b.priority.total_cmp(&a.priority).then_with(|| {
                calls[a.index]
                    .call
                    .started_at
                    .cmp(&calls[b.index].call.started_at)
            })
        });
        items.truncate(cfg.review_max_per_day);
        for (k, it) in items.iter_mut().enumerate() {
            it.rank = i32::try_from(k + 1).unwrap_or(i32::MAX);
        }
        out.extend(items);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::Call;
    use crate::predict::Prediction;
    use crate::ratings::{Rating, Scale};
    use crate::scoring::score;

    fn pred(rating: f64, p_detractor: f64) -> Option<Prediction> {
        Some(Prediction {
            rating,
            lo: 0.0,
            hi: 10.0,
            p_detractor,
            p_promoter: 0.1,
        })
    }

    fn scored(call: Call, rating: Option<Rating>, predicted: Option<Prediction>) -> ScoredCall {
        let cfg = ScoresConfig::default();
        ScoredCall {
            scores: score(&call, &cfg),
            call,
            rating,
            predicted,
        }
    }

    #[test]
    fn reasons_read_like_a_supervisor_note() {
        let cfg = ScoresConfig::default();
        let call = Call {
            call_id: "a".into(),
            greeting: Some(true),
            self_introduction: Some(true),
            thanks: Some(true),
            survey_offer: Some(true),
            operator_interruptions: Some(2.0),
            vague_answers: Some(1.0),
            concrete_answers: Some(1.0),
            long_pauses: Some(0.0),
            ..Call::default()
        };
        let r = Rating {
            call_id: "a".into(),
            value: 1.0,
            scale: Scale::Csat5,
            rated_at: None,
        };
        let a = scored(call.clone(), Some(r), None);
        let text: Vec<String> = reasons(&a, &cfg).into_iter().map(|r| r.1).collect();
        assert_eq!(
            text.join("; "),
            "rated 1/5; operator interrupted twice; vague answer"
        );
        let mut quiet = call.clone();
        quiet.operator_interruptions = Some(0.0);
        quiet.vague_answers = Some(0.0);
        quiet.customer_anger_share = Some(0.6);
        let b = scored(quiet.clone(), None, pred(6.2, 0.64));
        let text: Vec<String> = reasons(&b, &cfg).into_iter().map(|r| r.1).collect();
        assert_eq!(
            text.join("; "),
            "unrated, predicted detractor (P = 64 %, expected 6.2/10); customer anger 60 %"
        );
        let q = review_queue(&[b, a], &cfg);
        assert_eq!(q.len(), 2);
        assert_eq!((q[0].index, q[0].rank), (1, 1));
        assert_eq!((q[1].index, q[1].rank), (0, 2));
        // A point prediction below 7 is no reason by itself: the probability is.
        let unsure = scored(quiet, None, pred(6.2, 0.45));
        assert!(!reasons(&unsure, &cfg)[0].1.contains("predicted"));
        // Alone, a likely detractor (P ≥ 0.8) enters the queue, a less likely one not.
        let plain = Call {
            call_id: "p".into(),
            ..Call::default()
        };
        let likely = scored(plain.clone(), None, pred(4.0, 0.85));
        let maybe = scored(plain, None, pred(6.0, 0.6));
        let q = review_queue(&[likely, maybe], &cfg);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].index, 0);
    }

    #[test]
    fn complaints_enter_the_queue_with_their_types() {
        let cfg = ScoresConfig::default();
        let mut call = Call {
            call_id: "c".into(),
            complaint: Some(true),
            complaint_types: vec!["supervisor".into(), "regulator".into()],
            ..Call::default()
        };
        let c = scored(call.clone(), None, None);
        let rs = reasons(&c, &cfg);
        assert_eq!(rs[0].1, "complaint (supervisor, regulator)");
        assert_eq!(
            review_queue(&[c], &cfg).len(),
            1,
            "a complaint alone enters"
        );
        call.complaint_types.clear();
        assert_eq!(
            reasons(&scored(call.clone(), None, None), &cfg)[0].1,
            "complaint"
        );
        // Without the column (older outputs) or without a complaint: no reason.
        call.complaint = None;
        assert!(reasons(&scored(call.clone(), None, None), &cfg).is_empty());
        call.complaint = Some(false);
        assert!(reasons(&scored(call, None, None), &cfg).is_empty());
    }
}
