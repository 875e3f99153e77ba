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

/// Why `c` deserves a listen, with each reason's weight.
pub fn reasons(c: &ScoredCall, cfg: &ScoresConfig) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    let call = &c.call;
    match (&c.rating, c.predicted) {
        (Some(r), _) if r.class() == NpsClass::Detractor => {
            // 2 for a 6/10 (or 3/5) up to 4 for the lowest rating.
            out.push((
                2.0 + (6.0 - r.common()).max(0.0) / 3.0,
                format!("rated {}", r.display()),
            ));
        }
        (None, Some((y, _, hi))) if NpsClass::of_common(y) == NpsClass::Detractor => {
            let w = if hi < 7.0 { 2.0 } else { 1.5 };
            out.push((w, format!("unrated, predicted detractor ({y:.1}/10)")));
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
    use crate::ratings::{Rating, Scale};
    use crate::scoring::score;

    fn scored(
        call: Call,
        rating: Option<Rating>,
        predicted: Option<(f64, f64, f64)>,
    ) -> ScoredCall {
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
        let b = scored(quiet, None, Some((4.2, 2.0, 6.4)));
        let text: Vec<String> = reasons(&b, &cfg).into_iter().map(|r| r.1).collect();
        assert_eq!(
            text.join("; "),
            "unrated, predicted detractor (4.2/10); customer anger 60 %"
        );
        let q = review_queue(&[b, a], &cfg);
        assert_eq!(q.len(), 2);
        assert_eq!((q[0].index, q[0].rank), (1, 1));
        assert_eq!((q[1].index, q[1].rank), (0, 2));
    }
}
