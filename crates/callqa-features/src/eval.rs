//! Quality metrics of predicted per-call features against labelled truth (`callqa eval`).
//!
//! Boolean elements (`greeting`, `thanks`, `complaint`, …) get precision, recall and F1 of
//! the positive class; counts (`long_pauses`, `concrete_answers`, …) get the exact-match
//! rate and the mean absolute error; `complaint_types` (a set per call) gets precision,
//! recall and F1 per type. Personal-data redaction is scored on labelled spans
//! ([`evaluate_redaction`]), questions one by one against a per-question ledger
//! ([`questions`]). The CLI reads the files; this module only counts, so the
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

pub mod questions;
pub use questions::{
    evaluate_questions, questions_from_tags, Ledger, Outcome, Question, QuestionError,
    QuestionReport,
};

/// Boolean columns scored by precision / recall / F1, in report order.
pub const BOOL_COLUMNS: &[&str] = &[
    "greeting",
    "self_introduction",
    "thanks",
    "survey_offer",
    "farewell",
    "complaint",
];

/// Set-valued columns scored per member (precision / recall / F1 of each value).
pub const SET_COLUMNS: &[&str] = &["complaint_types"];

/// Count columns scored by exact match / MAE, in report order.
pub const COUNT_COLUMNS: &[&str] = &[
    "long_pauses",
    "operator_interruptions",
    "customer_interruptions",
    "customer_questions",
    "concrete_answers",
    "vague_answers",
    "unanswered_questions",
    "pii_redactions",
];

/// One labelled or predicted value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A boolean element.
    Bool(bool),
    /// A count.
    Count(i64),
    /// A set of names (`complaint_types`).
    Set(std::collections::BTreeSet<String>),
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
    /// Per set column present in the truth, per value (`complaint_types` → `churn` → …).
    pub sets: BTreeMap<String, BTreeMap<String, BoolScore>>,
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

/// Compare `pred` with `truth`, scoring the columns of [`BOOL_COLUMNS`],
/// [`COUNT_COLUMNS`] and [`SET_COLUMNS`] that have a value in the truth.
pub fn evaluate(truth: &Table, pred: &Table) -> Report {
    let mut r = Report::default();
    // Set column → (truth, prediction) per call; scored once every value name is known.
    type Sets = std::collections::BTreeSet<String>;
    let mut sets: BTreeMap<String, Vec<(Sets, Sets)>> = BTreeMap::new();
    for (id, t) in truth {
        let p = pred.get(id);
        if p.is_none() {
            r.missing.push(id.clone());
        }
        for (col, tv) in t {
            let pv = p.and_then(|p| p.get(col)).cloned().unwrap_or(Value::Null);
            if BOOL_COLUMNS.contains(&col.as_str()) {
                let Value::Bool(tb) = *tv else { continue };
                // A missing or null prediction is the wrong answer.
                let pb = match pv {
                    Value::Bool(b) => b,
                    _ => !tb,
                };
                r.bools.entry(col.clone()).or_default().add(tb, pb);
            } else if COUNT_COLUMNS.contains(&col.as_str()) {
                let Value::Count(tc) = *tv else { continue };
                let s = r.counts.entry(col.clone()).or_default();
                s.n += 1;
                match pv {
                    Value::Count(pc) if pc == tc => s.exact += 1,
                    Value::Count(pc) => s.abs_err += (pc - tc).abs() as f64,
                    _ => s.abs_err += tc.max(1) as f64,
                }
            } else if SET_COLUMNS.contains(&col.as_str()) {
                let Value::Set(ts) = tv else { continue };
                let ps = match pv {
                    Value::Set(ps) => ps,
                    _ => Default::default(),
                };
                sets.entry(col.clone()).or_default().push((ts.clone(), ps));
            }
        }
    }
    for (col, calls) in sets {
        let names: Sets = calls
            .iter()
            .flat_map(|(t, p)| t.union(p))
            .cloned()
            .collect();
        let per = r.sets.entry(col).or_default();
        for name in names {
            let s = per.entry(name.clone()).or_default();
            for (t, p) in &calls {
                s.add(t.contains(&name), p.contains(&name));
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

impl BoolScore {
    /// Count one call: truth `t`, prediction `p`.
    pub fn add(&mut self, t: bool, p: bool) {
        match (t, p) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
}

/// Kind of a labelled span of the redaction truth that must stay in the text.
pub const KEEP: &str = "KEEP";

/// Whether `kind` is a kind of the redaction truth: a placeholder name (`PHONE`, `CARD`,
/// `EMAIL`, `PASSPORT`, `SNILS`, `INN`) or [`KEEP`].
pub fn known_pii_kind(kind: &str) -> bool {
    kind == KEEP || callqa_rules::RedactionKind::from_name(kind).is_some()
}

/// One labelled span of personal data (or a number that must stay) in an utterance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiSpan {
    /// Call key.
    pub call_id: String,
    /// The utterance's position on the call timeline (`utterances.idx`).
    pub idx: u32,
    /// `PHONE`, `CARD`, `EMAIL`, `PASSPORT`, `SNILS`, `INN`, or [`KEEP`].
    pub kind: String,
    /// The text as it was in the input.
    pub value: String,
}

/// Redaction quality: per kind, spans found (TP), placeholders with no such span (FP),
/// spans missed or leaked (FN); and how many numbers that must stay stayed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RedactionReport {
    /// Per placeholder kind (`PHONE`, …).
    pub kinds: BTreeMap<String, BoolScore>,
    /// [`KEEP`] spans still in the text.
    pub kept: u32,
    /// [`KEEP`] spans labelled.
    pub keep_total: u32,
    /// Readable descriptions of the misses: leaked data, numbers that were taken out.
    pub misses: Vec<String>,
}

impl RedactionReport {
    /// All kinds together.
    pub fn total(&self) -> BoolScore {
        self.kinds
            .values()
            .fold(BoolScore::default(), |a, s| BoolScore {
                tp: a.tp + s.tp,
                fp: a.fp + s.fp,
                fn_: a.fn_ + s.fn_,
                tn: 0,
            })
    }

    /// Share of the numbers that must stay that stayed; 1.0 when none is labelled.
    pub fn kept_rate(&self) -> f64 {
        ratio(self.kept, self.keep_total)
    }
}

/// The placeholders of `text`: `[PHONE]` → `PHONE`.
fn placeholders(text: &str) -> Vec<&str> {
    text.split('[')
        .skip(1)
        .filter_map(|s| s.split_once(']').map(|(k, _)| k))
        .filter(|k| (2..=12).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_uppercase()))
        .collect()
}

/// Whether a labelled value survived in `text`: verbatim; or one of its digit groups of
/// three or more digits anywhere outside placeholders; or one of its words of three or
/// more letters (an e-mail part) *next to a placeholder* (only connectors such as "dot",
/// "точка", "at" between), which is what a redaction that took only part of the value
/// leaves ("ivan [EMAIL]", "samantha dot [EMAIL]").
///
/// For an e-mail address the side counts: a word of the part before "@" / "at" /
/// "собака" leaks only right before the placeholder, a word of the domain only right
/// after it ("на [EMAIL] перерасчет сделаем" keeps nothing of "перерасчет собака …").
/// A word of the value said on its own elsewhere in the utterance is not a leak: an
/// e-mail's first part is often the customer's name, and names are not personal data
/// of the kinds ("the name is samantha … confirmation to [EMAIL]"). For a written
/// address (with its own "@") "at" and "собака" are ordinary words: "the owner lisa at
/// [EMAIL]" keeps the name, not part of "lisa@…"; so is a word a comma, colon or
/// semicolon parts from the placeholder: "invoices go to our treasurer, [EMAIL]" keeps
/// the role, not part of "treasurer.dmrc@…" (a written address is one token; what a
/// partial redaction leaves is glued to it or one space away).
fn leaked(value: &str, text: &str) -> bool {
    const FILLER: &[&str] = &[
        "номер",
        "серия",
        "dot",
        "точка",
        "собака",
        "com",
        "net",
        "org",
        // The mailbox of a role, not of a person (RFC 2142 style): left beside the
        // placeholder it tells nothing, and it is often the sentence's own word ("send it
        // to the school office office at …" → "to the school office [EMAIL]", set 90).
        "office",
        "info",
        "sales",
        "support",
        "admin",
        "accounts",
        "orders",
        "bookings",
        "enquiries",
        "hello",
        "contact",
        "reception",
    ];
    /// Words that join the parts of a spoken address or number.
    const CONNECTORS: &[&str] = &[
        "dot",
        "точка",
        "at",
        "собака",
        "underscore",
        "dash",
        "hyphen",
        "дефис",
        "тире",
    ];
    let lower = text.to_lowercase();
    if lower.contains(&value.to_lowercase()) {
        return true;
    }
    // A written address has its own "@": an "at" / "собака" beside its placeholder is the
    // sentence's ("the owner lisa at [EMAIL]"), not the address's, so it joins nothing.
    let written_address = value.contains('@');
    let connector = |tok: &str| {
        CONNECTORS.contains(&tok) && !(written_address && matches!(tok, "at" | "собака"))
    };
    // Words of the text, each placeholder one token ("[email]"); connectors dropped.
    let mut tokens: Vec<&str> = Vec::new();
    let mut rest = lower.as_str();
    while let Some(c) = rest.chars().next() {
        let len = if c == '[' {
            rest.find(']').map_or(1, |e| e + 1)
        } else if c.is_alphanumeric() {
            rest.find(|c: char| !c.is_alphanumeric())
                .unwrap_or(rest.len())
        } else {
            c.len_utf8()
        };
        let tok = &rest[..len];
        if ((c == '[' && tok.ends_with(']')) || c.is_alphanumeric()) && !connector(tok) {
            tokens.push(tok);
        } else if written_address && matches!(c, ',' | ';' | ':') {
            // A clause mark parts a word of the sentence from a written address.
            tokens.push(",");
        }
        rest = &rest[len..];
    }
    let is_placeholder = |t: &str| t.starts_with('[');
    // Which side of the placeholder a left-over word would stand on: the part of an
    // address before "@" / "at" / "собака" stays in front of it, the domain after it.
    #[derive(Clone, Copy)]
    enum Side {
        Before,
        After,
        Either,
    }
    let next_to_placeholder = |w: &str, side: Side| {
        tokens.iter().enumerate().any(|(i, t)| {
            let before = || tokens.get(i + 1).is_some_and(|t| is_placeholder(t));
            let after = || i.checked_sub(1).is_some_and(|j| is_placeholder(tokens[j]));
            *t == w
                && match side {
                    Side::Before => before(),
                    Side::After => after(),
                    Side::Either => before() || after(),
                }
        })
    };
    let value = value.to_lowercase();
    let split = ["@", " at ", " собака "]
        .iter()
        .find_map(|sep| value.split_once(sep));
    let parts: Vec<(&str, Side)> = match split {
        Some((local, domain)) => vec![(local, Side::Before), (domain, Side::After)],
        None => vec![(value.as_str(), Side::Either)],
    };
    parts.into_iter().any(|(part, side)| {
        part.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3 && !FILLER.contains(w))
            .any(|w| {
                if w.chars().any(|c| c.is_ascii_digit()) {
                    tokens.contains(&w)
                } else {
                    next_to_placeholder(w, side)
                }
            })
    })
}

/// Score redaction. `texts` are the predicted utterance texts by (call_id, idx);
/// `calls` the labelled calls: a placeholder in any of their utterances that matches no
/// labelled span is a false positive.
pub fn evaluate_redaction(
    spans: &[PiiSpan],
    texts: &BTreeMap<(String, u32), String>,
    calls: &std::collections::BTreeSet<String>,
) -> RedactionReport {
    let mut r = RedactionReport::default();
    let mut by_utt: BTreeMap<(String, u32), Vec<&PiiSpan>> = BTreeMap::new();
    for s in spans {
        by_utt
            .entry((s.call_id.clone(), s.idx))
            .or_default()
            .push(s);
        if s.kind != KEEP {
            r.kinds.entry(s.kind.clone()).or_default();
        }
    }
    for (key, text) in texts.iter().filter(|((c, _), _)| calls.contains(c)) {
        if !by_utt.contains_key(key) {
            for k in placeholders(text) {
                r.kinds.entry(k.to_string()).or_default().fp += 1;
                r.misses.push(format!(
                    "{} #{}: [{k}] where nothing is labelled: {text:?}",
                    key.0, key.1
                ));
            }
        }
    }
    for (key, labelled) in &by_utt {
        let text = texts.get(key).map_or("", String::as_str);
        let found = placeholders(text);
        for s in labelled.iter().filter(|s| s.kind == KEEP) {
            r.keep_total += 1;
            if text.contains(&s.value) {
                r.kept += 1;
            } else {
                r.misses.push(format!(
                    "{} #{}: {:?} was taken out: {text:?}",
                    key.0, key.1, s.value
                ));
            }
        }
        let mut kinds: Vec<&str> = labelled
            .iter()
            .map(|s| s.kind.as_str())
            .filter(|k| *k != KEEP)
            .collect();
        kinds.extend(found.iter().copied());
        kinds.sort_unstable();
        kinds.dedup();
        for kind in kinds {
            let want: Vec<&&PiiSpan> = labelled.iter().filter(|s| s.kind == kind).collect();
            let got = found.iter().filter(|k| **k == kind).count() as u32;
            let n = want.len() as u32;
            let score = r.kinds.entry(kind.to_string()).or_default();
            let mut tp = got.min(n);
            score.fp += got - tp;
            if got > n {
                r.misses.push(format!(
                    "{} #{}: {got} [{kind}] for {n} labelled: {text:?}",
                    key.0, key.1
                ));
            }
            for s in &want {
                if leaked(&s.value, text) && tp > 0 {
                    tp -= 1;
                    r.misses.push(format!(
                        "{} #{}: {kind} {:?} leaked: {text:?}",
                        key.0, key.1, s.value
                    ));
                }
            }
            if got < n {
                r.misses.push(format!(
                    "{} #{}: {} of {n} {kind} found: {text:?}",
                    key.0, key.1, got
                ));
            }
            score.tp += tp;
            score.fn_ += n - tp;
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(&str, Value)]) -> BTreeMap<String, Value> {
        cells
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
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
    fn set_columns_score_each_value_over_every_call() {
        use std::collections::BTreeSet;
        let set = |v: &[&str]| Value::Set(v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>());
        let table = |rows: &[(&str, Value)]| -> Table {
            rows.iter()
                .map(|(id, v)| (id.to_string(), row(&[("complaint_types", v.clone())])))
                .collect()
        };
        let truth = table(&[
            ("a", set(&["churn"])),
            ("b", set(&[])),
            ("c", set(&["churn", "formal"])),
        ]);
        let pred = table(&[
            ("a", set(&["churn"])),
            ("b", set(&["formal"])),
            ("c", set(&["churn"])),
        ]);
        let r = evaluate(&truth, &pred);
        let per = &r.sets["complaint_types"];
        assert_eq!(
            (per["churn"].tp, per["churn"].tn, per["churn"].n()),
            (2, 1, 3)
        );
        let f = per["formal"];
        assert_eq!((f.tp, f.fp, f.fn_, f.tn), (0, 1, 1, 1));
    }

    fn span(call: &str, idx: u32, kind: &str, value: &str) -> PiiSpan {
        PiiSpan {
            call_id: call.into(),
            idx,
            kind: kind.into(),
            value: value.into(),
        }
    }

    #[test]
    fn redaction_counts_found_leaked_extra_and_kept() {
        let spans = [
            span("a", 1, "PHONE", "8 916 555 12 34"),
            span("a", 1, "KEEP", "350"),
            span("a", 2, "EMAIL", "ivan@mail.ru"),
            span("a", 3, "CARD", "4276 3800 1234 5679"),
            span("a", 3, "KEEP", "731205"),
        ];
        let texts: BTreeMap<(String, u32), String> = [
            (1, "звоните [PHONE], тариф 350 рублей"),
            // Replaced, but part of the address stayed: a leak, not a hit.
            (2, "почта ivan [EMAIL]"),
            // The card was missed and the order number taken out.
            (3, "карта 4276 3800 1234 5679, заказ [PHONE]"),
            // A placeholder where nothing was labelled.
            (4, "в [PHONE] часов"),
        ]
        .into_iter()
        .map(|(i, t)| (("a".to_string(), i), t.to_string()))
        .collect();
        let calls = ["a".to_string()].into_iter().collect();
        let r = evaluate_redaction(&spans, &texts, &calls);
        let p = r.kinds["PHONE"];
        assert_eq!((p.tp, p.fp, p.fn_), (1, 2, 0));
        let e = r.kinds["EMAIL"];
        assert_eq!((e.tp, e.fn_), (0, 1), "leaked");
        assert_eq!(r.kinds["CARD"].fn_, 1);
        assert_eq!((r.kept, r.keep_total), (1, 2));
        let t = r.total();
        assert_eq!((t.tp, t.fp, t.fn_), (1, 2, 2));
        assert!((r.kept_rate() - 0.5).abs() < 1e-12);
        assert_eq!(r.misses.len(), 5, "{:?}", r.misses);
        assert_eq!(
            placeholders("x [PHONE] [a] [EMAIL]"),
            vec!["PHONE", "EMAIL"]
        );
    }

    /// Part of a value next to its placeholder is a leak; the customer's name said
    /// elsewhere in the utterance, which is also the e-mail's first part, is not.
    #[test]
    fn a_name_said_apart_from_the_address_is_no_leak() {
        let v = "samantha.jones@brightworks.co.uk";
        assert!(!leaked(
            v,
            "ive corrected the name to samantha and a new confirmation is going to [EMAIL] bye"
        ));
        assert!(!leaked(
            v,
            "my name is samantha jones and the address is [EMAIL]"
        ));
        assert!(leaked(v, "samantha dot [EMAIL]"));
        assert!(leaked(v, "samantha.[EMAIL]"));
        assert!(leaked(v, "[EMAIL] dot brightworks"));
        assert!(leaked(v, "it's samantha.jones@brightworks.co.uk"));
        let spoken = "ольга точка морозова собака яндекс точка ру";
        assert!(leaked(spoken, "ольга точка [EMAIL]"));
        // A role mailbox left beside the placeholder is no personal data (set 90): the
        // sentence's "office" before "office at …" stays.
        let role = "office at hollybrookprimary dot sch dot uk";
        assert!(!leaked(
            role,
            "send the receipt to the school office [EMAIL]"
        ));
        assert!(leaked(role, "send it to [EMAIL] hollybrookprimary"));
        assert!(!leaked(spoken, "меня зовут ольга, почта [EMAIL]"));
        // A word of the address that is also the next word of the sentence, on the side
        // of the placeholder where no part of the address would be left (set 18).
        let v = "перерасчет собака горводоканал точка ру";
        assert!(!leaked(
            v,
            "фото пришлите на [EMAIL] перерасчет сделаем потом"
        ));
        assert!(leaked(
            v,
            "фото пришлите на перерасчет [EMAIL] сделаем потом"
        ));
        assert!(leaked(v, "фото пришлите на [EMAIL] горводоканал точка ру"));
        // Digit groups leak wherever they are.
        assert!(leaked("8 926 305 71 48", "[PHONE] а старый 305 71"));
        assert!(leaked("s.kovaleva84@mail.ru", "kovaleva84 [EMAIL]"));
        // A name before "at" and a written address (set 46): the "at" is the sentence's;
        // the same name joined to the placeholder is the address's first part.
        let v = "lisa@pamperedpooch.co.uk";
        assert!(!leaked(v, "it goes to the salon owner lisa at [EMAIL]"));
        assert!(leaked(v, "it goes to lisa@[EMAIL]"));
        assert!(leaked(v, "it goes to lisa [EMAIL]"));
        // A clause mark between (set 72): the role is the sentence's word.
        let v = "treasurer.dmrc@btinternet.com";
        assert!(!leaked(
            v,
            "Alright. Invoices go to our treasurer, [EMAIL]."
        ));
        assert!(leaked(v, "Invoices go to treasurer.[EMAIL]"));
        assert!(leaked(v, "Invoices go to our treasurer [EMAIL]"));
        assert!(leaked(
            "lisa at pampered pooch dot co dot uk",
            "lisa at [EMAIL]"
        ));
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
