//! Per-question scoring (`callqa eval --questions-truth`): the call counts of
//! `customer_questions`, `concrete_answers`, … say whether a call's totals are right; this
//! says which questions were found, and whether each was given the right reply.
//!
//! The truth is a ledger per question: the customer utterance that asks it, the operator
//! utterance that answers it (none when unanswered) and the outcome (concrete, vague,
//! unanswered). The prediction is rebuilt from the utterance tags the rules wrote, the
//! way they were written ([`questions_from_tags`]): a `question:…` tag opens a question,
//! an `answer:concrete:…` / `answer:vague:…` tag answers the latest question still open,
//! `unanswered_question` closes its own.
//!
//! Scored:
//! * detection: a labelled question whose utterance carries a predicted question is a
//!   true positive, a predicted question on any other utterance of a labelled call a
//!   false positive;
//! * outcome, on the questions found: right when the outcome matches and, for an answer,
//!   the reply is the same utterance; the confusion of outcomes (whatever the reply) shows
//!   where the wrong ones go.

use super::{ratio, BoolScore};
use std::collections::{BTreeMap, BTreeSet};

/// What became of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Answered with specifics.
    Concrete,
    /// Answered without specifics.
    Vague,
    /// Never answered (a new question, or the end of the call, came first).
    Unanswered,
}

impl Outcome {
    /// All outcomes, in report order.
    pub const ALL: [Outcome; 3] = [Outcome::Concrete, Outcome::Vague, Outcome::Unanswered];

    /// The name in the truth CSV and the report.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Concrete => "concrete",
            Outcome::Vague => "vague",
            Outcome::Unanswered => "unanswered",
        }
    }

    /// Parse a truth cell: `concrete` / `vague` / `unanswered` (or `C` / `V` / `U`).
    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim().to_ascii_lowercase().as_str() {
            "concrete" | "c" => Some(Outcome::Concrete),
            "vague" | "v" => Some(Outcome::Vague),
            "unanswered" | "u" => Some(Outcome::Unanswered),
            _ => None,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One question: where it was asked, which utterance answered it, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The question utterance (`utterances.idx`).
    pub idx: u32,
    /// The answering utterance; `None` when unanswered.
    pub reply: Option<u32>,
    /// The outcome.
    pub outcome: Outcome,
}

/// Questions per call. A call with an empty list is labelled as having none.
pub type Ledger = BTreeMap<String, Vec<Question>>;

/// Rebuild the questions of each call from its utterance tags (by `idx`, timeline order).
pub fn questions_from_tags(tags: &BTreeMap<String, BTreeMap<u32, Vec<String>>>) -> Ledger {
    let mut out = Ledger::new();
    for (call, utts) in tags {
        let mut qs: Vec<Question> = Vec::new();
        // Indices into `qs` of the questions still open, latest last.
        let mut open: Vec<usize> = Vec::new();
        for (&idx, tags) in utts {
            let has = |prefix: &str| tags.iter().any(|t| t.starts_with(prefix));
            if has("question:") {
                qs.push(Question {
                    idx,
                    reply: None,
                    outcome: Outcome::Unanswered,
                });
                if !tags.iter().any(|t| t == callqa_rules::TAG_UNANSWERED) {
                    open.push(qs.len() - 1);
                }
            }
            let answer = if has("answer:concrete") {
                Some(Outcome::Concrete)
            } else if has("answer:vague") {
                Some(Outcome::Vague)
            } else {
                None
            };
            if let Some(outcome) = answer {
                if let Some(k) = open.pop() {
                    qs[k].reply = Some(idx);
                    qs[k].outcome = outcome;
                }
            }
            if has(callqa_rules::TAG_UNANSWERED) {
                open.retain(|&k| qs[k].idx != idx);
            }
        }
        out.insert(call.clone(), qs);
    }
    out
}

/// Per-question quality.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuestionReport {
    /// Calls scored.
    pub calls: u32,
    /// Question detection, per utterance.
    pub detection: BoolScore,
    /// Labelled questions found whose outcome and reply are right.
    pub outcome_right: u32,
    /// `confusion[truth][predicted]` over the labelled questions found, by
    /// [`Outcome::ALL`] order (the reply may differ).
    pub confusion: [[u32; 3]; 3],
    /// Found, same outcome (concrete or vague), but another utterance taken for the reply.
    pub other_reply: u32,
    /// Every question not right, in call and utterance order.
    pub errors: Vec<QuestionError>,
}

/// One question the prediction got wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionError {
    /// Call key.
    pub call_id: String,
    /// The labelled question, when there is one (`None`: a question where none was asked).
    pub truth: Option<Question>,
    /// The predicted question on the same utterance (`None`: missed).
    pub pred: Option<Question>,
}

impl QuestionReport {
    /// Share of the questions found whose outcome (and reply) is right.
    pub fn outcome_accuracy(&self) -> f64 {
        ratio(self.outcome_right, self.detection.tp)
    }

    /// Share of all labelled questions found with the right outcome and reply.
    pub fn end_to_end(&self) -> f64 {
        ratio(self.outcome_right, self.detection.tp + self.detection.fn_)
    }
}

/// Score the predicted questions of the labelled calls that are also in `scored` (the
/// calls of the truth table). A call with no predictions has none found.
pub fn evaluate_questions(
    truth: &Ledger,
    pred: &Ledger,
    scored: &BTreeSet<String>,
) -> QuestionReport {
    let mut r = QuestionReport::default();
    let none = Vec::new();
    for (call, gold) in truth.iter().filter(|(c, _)| scored.contains(*c)) {
        r.calls += 1;
        let found: BTreeMap<u32, &Question> = pred
            .get(call)
            .unwrap_or(&none)
            .iter()
            .map(|q| (q.idx, q))
            .collect();
        let asked: BTreeMap<u32, &Question> = gold.iter().map(|q| (q.idx, q)).collect();
        let mut errors: Vec<QuestionError> = Vec::new();
        let mut error = |truth: Option<&Question>, pred: Option<&Question>| {
            errors.push(QuestionError {
                call_id: call.clone(),
                truth: truth.cloned(),
                pred: pred.cloned(),
            })
        };
        for p in found.values().filter(|p| !asked.contains_key(&p.idx)) {
            r.detection.fp += 1;
            error(None, Some(p));
        }
        for g in gold {
            let Some(p) = found.get(&g.idx) else {
                r.detection.fn_ += 1;
                error(Some(g), None);
                continue;
            };
            r.detection.tp += 1;
            r.confusion[g.outcome.index()][p.outcome.index()] += 1;
            let right =
                g.outcome == p.outcome && (g.outcome == Outcome::Unanswered || g.reply == p.reply);
            if right {
                r.outcome_right += 1;
            } else {
                if g.outcome == p.outcome {
                    r.other_reply += 1;
                }
                error(Some(g), Some(p));
            }
        }
        errors.sort_by_key(|e| e.truth.as_ref().or(e.pred.as_ref()).map(|q| q.idx));
        r.errors.extend(errors);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(call: &str, utts: &[(u32, &[&str])]) -> BTreeMap<String, BTreeMap<u32, Vec<String>>> {
        let per = utts
            .iter()
            .map(|(i, t)| (*i, t.iter().map(|s| s.to_string()).collect()))
            .collect();
        BTreeMap::from([(call.to_string(), per)])
    }

    fn q(idx: u32, reply: Option<u32>, outcome: Outcome) -> Question {
        Question {
            idx,
            reply,
            outcome,
        }
    }

    /// The pairing of the rules replayed from their tags: two questions before a reply
    /// (the first left unanswered by the second), a reply, a question open at the end.
    #[test]
    fn questions_are_rebuilt_from_the_tags_as_the_rules_paired_them() {
        let t = tags(
            "c",
            &[
                (1, &["question:?", "unanswered_question"]),
                (2, &["hold"]),
                (3, &["question:когда"]),
                (4, &["answer:concrete:завтра"]),
                (5, &["question:learned"]),
                (6, &["answer:vague:none"]),
                (7, &["question:how", "unanswered_question"]),
                (8, &["farewell"]),
            ],
        );
        let got = &questions_from_tags(&t)["c"];
        assert_eq!(
            got,
            &vec![
                q(1, None, Outcome::Unanswered),
                q(3, Some(4), Outcome::Concrete),
                q(5, Some(6), Outcome::Vague),
                q(7, None, Outcome::Unanswered),
            ]
        );
    }

    /// Detection counts per utterance; an outcome is right only with the same reply; the
    /// confusion shows where the wrong ones went; unlabelled calls are not scored.
    #[test]
    fn questions_are_scored_per_utterance_and_per_reply() {
        let truth = Ledger::from([
            (
                "a".to_string(),
                vec![
                    q(1, Some(2), Outcome::Concrete),
                    q(3, Some(5), Outcome::Vague),
                    q(6, None, Outcome::Unanswered),
                    q(8, Some(9), Outcome::Concrete),
                ],
            ),
            ("b".to_string(), vec![]),
        ]);
        let pred = Ledger::from([
            (
                "a".to_string(),
                vec![
                    q(1, Some(2), Outcome::Concrete), // right
                    q(3, Some(4), Outcome::Vague),    // other reply
                    q(6, Some(7), Outcome::Concrete), // U -> C
                    q(10, None, Outcome::Unanswered), // extra
                ],
            ),
            ("b".to_string(), vec![q(1, None, Outcome::Unanswered)]), // extra
            ("z".to_string(), vec![q(1, None, Outcome::Unanswered)]), // not labelled
        ]);
        let scored: BTreeSet<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
        let r = evaluate_questions(&truth, &pred, &scored);
        assert_eq!(r.calls, 2);
        assert_eq!((r.detection.tp, r.detection.fp, r.detection.fn_), (3, 2, 1));
        assert_eq!(r.outcome_right, 1);
        assert_eq!(r.other_reply, 1);
        assert_eq!(r.confusion[0][0], 1);
        assert_eq!(r.confusion[1][1], 1);
        assert_eq!(r.confusion[2][0], 1);
        assert!((r.outcome_accuracy() - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.end_to_end() - 0.25).abs() < 1e-9);
        // The errors, in call and utterance order: other reply, U -> C, missed, extra.
        let kinds: Vec<(&str, Option<u32>, Option<u32>)> = r
            .errors
            .iter()
            .map(|e| {
                (
                    e.call_id.as_str(),
                    e.truth.as_ref().map(|q| q.idx),
                    e.pred.as_ref().map(|q| q.idx),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("a", Some(3), Some(3)),
                ("a", Some(6), Some(6)),
                ("a", Some(8), None),
                ("a", None, Some(10)),
                ("b", None, Some(1)),
            ]
        );
        // Only the calls of the truth table count.
        let only_b: BTreeSet<String> = ["b".to_string()].into();
        let r = evaluate_questions(&truth, &pred, &only_b);
        assert_eq!((r.calls, r.detection.tp, r.detection.fp), (1, 0, 1));
    }

    #[test]
    fn outcomes_parse_by_name_or_letter() {
        assert_eq!(Outcome::parse(" Concrete "), Some(Outcome::Concrete));
        assert_eq!(Outcome::parse("v"), Some(Outcome::Vague));
        assert_eq!(Outcome::parse("U"), Some(Outcome::Unanswered));
        assert_eq!(Outcome::parse("maybe"), None);
    }
}
