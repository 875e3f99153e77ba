//! The `calls/` table of a `callqa run` / `callqa analyze` output, read generically by
//! column name: a column the files lack (an older output, `callqa analyze` without the
//! acoustic stage) reads as null, so this crate does not depend on the exact
//! `CallFeatures` struct of the version that wrote the files.

use crate::ScoreError;
use callqa_parquet::Cell;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use tracing::warn;

/// The columns of one call that scoring uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Call {
    /// `call_id`.
    pub call_id: String,
    /// `operator_id` (null when unknown).
    pub operator_id: Option<String>,
    /// `started_at`, UTC.
    pub started_at: DateTime<Utc>,
    /// Day of `started_at`: UTC as read; [`crate::score`] sets it to the day in
    /// `[scores] time_zone`, the `call_date` of the score tables.
    pub call_date: NaiveDate,
    /// `duration_s`.
    pub duration_s: Option<f64>,
    /// Script elements.
    pub greeting: Option<bool>,
    /// The operator introduced themselves.
    pub self_introduction: Option<bool>,
    /// The operator thanked the customer.
    pub thanks: Option<bool>,
    /// The operator offered the survey.
    pub survey_offer: Option<bool>,
    /// The operator said goodbye.
    pub farewell: Option<bool>,
    /// Long pauses (count).
    pub long_pauses: Option<f64>,
    /// Operator interruptions (count).
    pub operator_interruptions: Option<f64>,
    /// Customer interruptions (count).
    pub customer_interruptions: Option<f64>,
    /// Customer questions (count).
    pub customer_questions: Option<f64>,
    /// Customer questions left without an answer (count; null in outputs that predate
    /// the column).
    pub unanswered_questions: Option<f64>,
    /// The customer complained (null when the column is absent).
    pub complaint: Option<bool>,
    /// Where the complaint is escalated (`supervisor`, `regulator`, …), when known.
    pub complaint_types: Vec<String>,
    /// Concretely answered questions (count).
    pub concrete_answers: Option<f64>,
    /// Vaguely answered questions (count).
    pub vague_answers: Option<f64>,
    /// Smile monitoring, 0–100.
    pub operator_smile_index: Option<f64>,
    /// 0–1.
    pub operator_negative_share: Option<f64>,
    /// 0–1.
    pub customer_anger_share: Option<f64>,
    /// 0–1.
    pub customer_arousal_max: Option<f64>,
    /// 0–1.
    pub operator_arousal_mean: Option<f64>,
    /// 0–1.
    pub calm_under_pressure: Option<f64>,
    /// −1…1.
    pub mirroring: Option<f64>,
    /// Semitones.
    pub operator_f0_variability: Option<f64>,
}

type Row = BTreeMap<String, Cell>;

fn num(r: &Row, k: &str) -> Option<f64> {
    match r.get(k)? {
        Cell::Int(v) => Some(*v as f64),
        Cell::Float(v) if v.is_finite() => Some(*v),
        _ => None,
    }
}

fn flag(r: &Row, k: &str) -> Option<bool> {
    match r.get(k)? {
        Cell::Bool(b) => Some(*b),
        Cell::Int(v) => Some(*v != 0),
        _ => None,
    }
}

/// A list column: read back as text such as `[supervisor, regulator]` (or a plain
/// comma-separated string).
fn list(r: &Row, k: &str) -> Vec<String> {
    match r.get(k) {
        Some(Cell::Str(s)) => s
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split(',')
            .map(|x| x.trim().trim_matches('"').trim_matches('\'').to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

fn text(r: &Row, k: &str) -> Option<String> {
    match r.get(k)? {
        Cell::Str(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// One generic `calls/` row as a [`Call`]; `None` without `call_id` or `started_at`.
pub fn call_from_row(r: &Row) -> Option<Call> {
    let call_id = text(r, "call_id")?;
    let started_at = match r.get("started_at")? {
        Cell::Str(s) => DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc),
        Cell::Int(us) => DateTime::<Utc>::from_timestamp_micros(*us)?,
        _ => return None,
    };
    Some(Call {
        call_id,
        operator_id: text(r, "operator_id"),
        call_date: started_at.date_naive(),
        started_at,
        duration_s: num(r, "duration_s"),
        greeting: flag(r, "greeting"),
        self_introduction: flag(r, "self_introduction"),
        thanks: flag(r, "thanks"),
        survey_offer: flag(r, "survey_offer"),
        farewell: flag(r, "farewell"),
        long_pauses: num(r, "long_pauses"),
        operator_interruptions: num(r, "operator_interruptions"),
        customer_interruptions: num(r, "customer_interruptions"),
        customer_questions: num(r, "customer_questions"),
        unanswered_questions: num(r, "unanswered_questions"),
        complaint: flag(r, "complaint"),
        complaint_types: list(r, "complaint_types"),
        concrete_answers: num(r, "concrete_answers"),
        vague_answers: num(r, "vague_answers"),
        operator_smile_index: num(r, "operator_smile_index"),
        operator_negative_share: num(r, "operator_negative_share"),
        customer_anger_share: num(r, "customer_anger_share"),
        customer_arousal_max: num(r, "customer_arousal_max"),
        operator_arousal_mean: num(r, "operator_arousal_mean"),
        calm_under_pressure: num(r, "calm_under_pressure"),
        mirroring: num(r, "mirroring"),
        operator_f0_variability: num(r, "operator_f0_variability"),
    })
}

/// Every call of `<features>/calls/`, sorted by `started_at` then `call_id`. Rows without
/// a call id or start time are skipped with a warning; a call id seen twice (two runs
/// into one folder) keeps its first row.
pub fn read_calls(features: &Path) -> Result<Vec<Call>, ScoreError> {
    let rows = callqa_parquet::read_calls(features)?;
    let mut seen = HashSet::new();
    let mut calls = Vec::with_capacity(rows.len());
    for r in &rows {
        match call_from_row(r) {
            Some(c) => {
                if seen.insert(c.call_id.clone()) {
                    calls.push(c);
                } else {
                    warn!(call_id = %c.call_id, "call id appears twice in calls/; first row kept");
                }
            }
            None => warn!("calls/ row without call_id or started_at skipped"),
        }
    }
    calls.sort_by(|a, b| {
        a.started_at
            .cmp(&b.started_at)
            .then_with(|| a.call_id.cmp(&b.call_id))
    });
    Ok(calls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_columns_read_as_null() {
        let mut r = Row::new();
        r.insert("call_id".into(), Cell::Str("c1".into()));
        r.insert(
            "started_at".into(),
            Cell::Str("2026-11-02T09:30:00+00:00".into()),
        );
        r.insert("greeting".into(), Cell::Bool(true));
        r.insert("vague_answers".into(), Cell::Int(2));
        r.insert("operator_smile_index".into(), Cell::Null);
        let c = call_from_row(&r).unwrap();
        assert_eq!(c.call_date.to_string(), "2026-11-02");
        assert_eq!(c.greeting, Some(true));
        assert_eq!(c.vague_answers, Some(2.0));
        assert_eq!(c.operator_smile_index, None);
        assert_eq!(c.customer_anger_share, None);
        assert_eq!((c.unanswered_questions, c.complaint), (None, None));
        r.insert("complaint".into(), Cell::Bool(true));
        r.insert(
            "complaint_types".into(),
            Cell::Str("[supervisor, regulator]".into()),
        );
        r.insert("unanswered_questions".into(), Cell::Int(3));
        let c = call_from_row(&r).unwrap();
        assert_eq!(c.complaint, Some(true));
        assert_eq!(c.complaint_types, ["supervisor", "regulator"]);
        assert_eq!(c.unanswered_questions, Some(3.0));
        r.remove("started_at");
        assert!(call_from_row(&r).is_none());
    }
}
