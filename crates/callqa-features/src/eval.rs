//! Quality metrics of predicted per-call features against labelled truth (`callqa eval`).
//!
//! Boolean elements (`greeting`, `thanks`, …) get precision, recall and F1 of the
//! positive class; counts (`long_pauses`, `concrete_answers`, …) get the exact-match rate
//! and the mean absolute error. The CLI reads the files; this module only counts, so the
//! numbers are testable without I/O.
//!
//! Conventions:
//! * an empty truth cell is not scored (e.g. interruptions of a mono call);
//! * a call in the truth but not in the predictions is an error on every labelled cell: a
//!   boolean counts as the wrong answer (a false negative when the truth is `true`, a false
//!   positive when it is `false`), a count as a miss with error `max(truth, 1)`;
//! * a null prediction where the truth has a value is wrong (error = the truth value, at
//!   least 1);
//! * with no positives in truth and no positive predictions, precision, recall and F1 are
//!   1.0 (nothing to find, nothing wrongly found).

use std::collections::BTreeMap;

/// Boolean columns scored by precision / recall / F1, in report order.
pub const BOOL_COLUMNS: &[&str] = &[
    "greeting",
    "self_introduction",
    "thanks",
    "survey_offer",
    "farewell",
];

/// Count columns scored by exact match / MAE, in report order.
pub const COUNT_COLUMNS: &[&str] = &[
    "long_pauses",
    "operator_interruptions",
    "customer_interruptions",
    "customer_questions",
    "concrete_answers",
    "vague_answers",
];

/// One labelled or predicted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A boolean element.
    Bool(bool),
    /// A count.
    Count(i64),
    /// Null (no value).
    Null,
}

/// Confusion counts of one boolean element.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BoolScore {
    /// True positives.
    pub tp: u32,
    /// False positives.
    pub fp: u32,
    /// False negatives.
    pub fn_: u32,
    /// True negatives.
    pub tn: u32,
}

impl BoolScore {
    /// Scored calls.
    pub fn n(&self) -> u32 {
        self.tp + self.fp + self.fn_ + self.tn
    }
    /// TP / (TP + FP); 1.0 when nothing was predicted positive.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// TP / (TP + FN); 1.0 when the truth has no positives.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        1.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

/// Exact-match and absolute-error totals of one count column.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CountScore {
    /// Scored calls.
    pub n: u32,
    /// Calls where prediction = truth.
    pub exact: u32,
    /// Sum of |prediction − truth|.
    pub abs_err: f64,
}

impl CountScore {
    /// Share of exact matches; 1.0 when nothing was scored.
    pub fn exact_rate(&self) -> f64 {
        ratio(self.exact, self.n)
    }
    /// Mean absolute error; 0.0 when nothing was scored.
    pub fn mae(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.abs_err / f64::from(self.n)
        }
    }
}

/// Rows by call id: column → value.
pub type Table = BTreeMap<String, BTreeMap<String, Value>>;

/// The outcome of comparing predictions with the truth.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Per boolean column present in the truth.
    pub bools: BTreeMap<String, BoolScore>,
    /// Per count column present in the truth.
    pub counts: BTreeMap<String, CountScore>,
    /// Truth calls with no prediction (scored as errors).
    pub missing: Vec<String>,
    /// Predicted calls not in the truth (ignored).
    pub extra: Vec<String>,
}

impl Report {
    /// Elements below the thresholds, as readable lines (empty = pass).
    pub fn failures(&self, min_f1: f64, min_exact: f64) -> Vec<String> {
        let mut out = Vec::new();
        for (c, s) in &self.bools {
            if s.f1() + 1e-12 < min_f1 {
                out.push(format!("{c}: F1 {:.3} < {min_f1}", s.f1()));
            }
        }
        for (c, s) in &self.counts {
            if s.exact_rate() + 1e-12 < min_exact {
                out.push(format!("{c}: exact {:.3} < {min_exact}", s.exact_rate()));
            }
        }
        out
    }
}

/// Compare `pred` with `truth`, scoring the columns of [`BOOL_COLUMNS`] and
/// [`COUNT_COLUMNS`] that have a value in the truth.
pub fn evaluate(truth: &Table, pred: &Table) -> Report {
    let mut r = Report::default();
    for (id, t) in truth {
        let p = pred.get(id);
        if p.is_none() {
            r.missing.push(id.clone());
        }
        for (col, tv) in t {
            let pv = p.and_then(|p| p.get(col)).copied().unwrap_or(Value::Null);
            if BOOL_COLUMNS.contains(&col.as_str()) {
                let Value::Bool(tb) = *tv else { continue };
                // A missing or null prediction is the wrong answer.
                let pb = match pv {
                    Value::Bool(b) => b,
                    _ => !tb,
                };
                let s = r.bools.entry(col.clone()).or_default();
                match (tb, pb) {
                    (true, true) => s.tp += 1,
                    (false, true) => s.fp += 1,
                    (true, false) => s.fn_ += 1,
                    (false, false) => s.tn += 1,
                }
            } else if COUNT_COLUMNS.contains(&col.as_str()) {
                let Value::Count(tc) = *tv else { continue };
                let s = r.counts.entry(col.clone()).or_default();
                s.n += 1;
                match pv {
                    Value::Count(pc) if pc == tc => s.exact += 1,
                    Value::Count(pc) => s.abs_err += (pc - tc).abs() as f64,
                    _ => s.abs_err += tc.max(1) as f64,
                }
            }
        }
    }
    r.extra = pred
        .keys()
        .filter(|k| !truth.contains_key(*k))
        .cloned()
        .collect();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(&str, Value)]) -> BTreeMap<String, Value> {
        cells.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn scores_bools_counts_missing_and_extra() {
        use Value::*;
        let truth: Table = [
            (
                "a",
                row(&[("greeting", Bool(true)), ("vague_answers", Count(2))]),
            ),
            (
                "b",
                row(&[("greeting", Bool(false)), ("vague_answers", Count(0))]),
            ),
            (
                "c",
                row(&[("greeting", Bool(true)), ("vague_answers", Count(1))]),
            ),
            ("d", row(&[("greeting", Bool(true)), ("long_pauses", Null)])),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let pred: Table = [
            (
                "a",
                row(&[("greeting", Bool(true)), ("vague_answers", Count(1))]),
            ),
            (
                "b",
                row(&[("greeting", Bool(true)), ("vague_answers", Count(0))]),
            ),
            (
                "d",
                row(&[("greeting", Bool(true)), ("long_pauses", Count(3))]),
            ),
            ("z", row(&[("greeting", Bool(true))])),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let r = evaluate(&truth, &pred);
        let g = r.bools["greeting"];
        // a: TP, b: FP, c (missing): FN, d: TP.
        assert_eq!((g.tp, g.fp, g.fn_, g.tn), (2, 1, 1, 0));
        assert!((g.precision() - 2.0 / 3.0).abs() < 1e-12);
        assert!((g.recall() - 2.0 / 3.0).abs() < 1e-12);
        assert!((g.f1() - 2.0 / 3.0).abs() < 1e-12);
        let v = r.counts["vague_answers"];
        assert_eq!((v.n, v.exact), (3, 1));
        assert!((v.mae() - 2.0 / 3.0).abs() < 1e-12, "{}", v.mae());
        assert!(
            !r.counts.contains_key("long_pauses"),
            "null truth is not scored"
        );
        assert_eq!(r.missing, vec!["c"]);
        assert_eq!(r.extra, vec!["z"]);
        assert_eq!(r.failures(0.5, 0.3).len(), 0);
        let f = r.failures(0.95, 0.9);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f[0].starts_with("greeting: F1 0.667"), "{f:?}");
    }

    #[test]
    fn no_positives_is_perfect_and_null_prediction_is_wrong() {
        let s = BoolScore {
            tn: 4,
            ..BoolScore::default()
        };
        assert_eq!((s.precision(), s.recall(), s.f1()), (1.0, 1.0, 1.0));
        let truth: Table = [(
            "a".to_string(),
            row(&[("concrete_answers", Value::Count(0))]),
        )]
        .into_iter()
        .collect();
        let pred: Table = [("a".to_string(), row(&[("concrete_answers", Value::Null)]))]
            .into_iter()
            .collect();
        let r = evaluate(&truth, &pred);
        assert_eq!(r.counts["concrete_answers"].exact, 0);
        assert_eq!(r.counts["concrete_answers"].mae(), 1.0);
    }
}
