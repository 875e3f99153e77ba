//! The learned answer-verdict model (`models/answer-verdict/model.json`, packs 1.9.17): a
//! logistic regression over hashed features of an operator reply, the question it answers
//! and the answer rules' verdict on it, giving P(the reply leaves the question vague).
//! Trained in Python (`scripts/question_detector/answers.py`) on the blind writers'
//! per-question ledgers, with the rules' verdict taken out of fold; model card
//! `models/answer-verdict.md`.
//!
//! callqa uses it in one direction only (`[rules.answers] learned = true`): a reply the
//! rules call **concrete** counts as vague when P ≥ `learned_threshold` (tag
//! `answer:vague:learned`). A number, a day or an action named without settling anything
//! ("it should come back at some point this week, I can't see exactly when", "давайте я
//! уточню у мастера и перезвоню вам") is the largest outcome error of the rules on fresh
//! writers; the other direction turned plainly vague replies concrete on early calls and is
//! not run. Like the question model it is data compiled into the binary (`include_str!`),
//! parsed once on first use.

use crate::question_model::{self, ModelFile, QuestionModel};
use std::sync::OnceLock;

/// The model file, byte-identical to the one measured (sha256 in the model card).
pub const MODEL_JSON: &str = include_str!("../../../models/answer-verdict/model.json");

/// The only feature set the file may name.
const FEATURE_SET: &str = "reply";

/// The parsed model.
#[derive(Debug)]
pub struct AnswerModel {
    linear: QuestionModel,
}

static MODEL: OnceLock<Result<AnswerModel, String>> = OnceLock::new();

/// The embedded model, parsed on first use. An error means the file in the repository is
/// broken (a build defect, not user input); it is reported, not panicked on.
pub fn model() -> Result<&'static AnswerModel, &'static str> {
    MODEL
        .get_or_init(|| AnswerModel::from_json(MODEL_JSON))
        .as_ref()
        .map_err(String::as_str)
}

/// The answer rules' verdict on a reply, as the model reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleAnswer<'a> {
    /// `true` for concrete, `false` for vague.
    pub concrete: bool,
    /// The cue that decided it, `none` when the unmarked default did.
    pub cue: &'a str,
}

impl AnswerModel {
    /// Parse a model file in the format of `models/answer-verdict/model.json`.
    pub fn from_json(json: &str) -> Result<AnswerModel, String> {
        const WHAT: &str = "answer-verdict model";
        let f: ModelFile = serde_json::from_str(json).map_err(|e| format!("{WHAT}: {e}"))?;
        if (f.feature_set.as_str(), f.aggregation.as_str()) != (FEATURE_SET, "utt") {
            return Err(format!(
                "{WHAT}: feature_set {:?} / aggregation {:?} not supported ({FEATURE_SET} / utt)",
                f.feature_set, f.aggregation
            ));
        }
        let linear =
            QuestionModel::linear(WHAT, f.intercept, f.threshold, f.hashing.bits, &f.weights)?;
        Ok(AnswerModel { linear })
    }

    /// The threshold the model was selected with.
    pub fn threshold(&self) -> f64 {
        self.linear.threshold()
    }

    /// P(the reply leaves the question vague): the reply's and the question's (redacted)
    /// text, the pack language and the rules' verdict.
    pub fn probability(
        &self,
        reply: &str,
        question: &str,
        language: &str,
        rules: RuleAnswer<'_>,
    ) -> f64 {
        self.linear
            .probability_of(&reply_features(reply, question, language, rules))
    }
}

/// The feature strings of a reply (reference: `reply_feats` in features.py): `bias`,
/// `lang:<language>`, `rv:concrete` / `rv:vague`, `rvcue:none` / `rvcue:word`, the reply's
/// word features and character n-grams, the question's word features with prefix `q`.
pub fn reply_features(
    reply: &str,
    question: &str,
    language: &str,
    rules: RuleAnswer<'_>,
) -> Vec<String> {
    let mut f = vec![
        "bias".to_string(),
        format!("lang:{language}"),
        format!("rv:{}", if rules.concrete { "concrete" } else { "vague" }),
        format!(
            "rvcue:{}",
            if rules.cue == "none" { "none" } else { "word" }
        ),
    ];
    let norm = question_model::normalize(reply);
    question_model::word_features(&mut f, "", &norm);
    question_model::char_ngrams(&mut f, &norm);
    question_model::word_features(&mut f, "q", &question_model::normalize(question));
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Vector {
        call_id: String,
        reply: String,
        question: String,
        language: String,
        rule_kind: String,
        rule_cue: String,
        features: Vec<String>,
        indices: Vec<usize>,
        probability: f64,
    }

    #[derive(Deserialize)]
    struct Vectors {
        test_vectors: Vec<Vector>,
    }

    /// The Rust features, indices and P agree with Python's on the exported test vectors
    /// (the reply pairs of four tuning calls, ru and en), two of which the model turns
    /// vague and the rest it keeps.
    #[test]
    fn reproduces_the_reference_test_vectors() {
        let m = model().unwrap();
        let v: Vectors = serde_json::from_str(MODEL_JSON).unwrap();
        assert!(
            v.test_vectors.len() >= 10,
            "{} vectors",
            v.test_vectors.len()
        );
        let mut flipped = 0;
        for t in &v.test_vectors {
            let rules = RuleAnswer {
                concrete: t.rule_kind == "concrete",
                cue: &t.rule_cue,
            };
            let f = reply_features(&t.reply, &t.question, &t.language, rules);
            assert_eq!(f, t.features, "{}", t.call_id);
            assert_eq!(m.linear.indices(&f), t.indices, "{}", t.call_id);
            let p = m.probability(&t.reply, &t.question, &t.language, rules);
            assert!(
                (p - t.probability).abs() < 1e-9,
                "{}: {p} vs {}",
                t.call_id,
                t.probability
            );
            flipped += usize::from(rules.concrete && p >= m.threshold());
        }
        assert!(
            flipped >= 2 && flipped < v.test_vectors.len() / 2,
            "{flipped}"
        );
    }

    /// A named number keeps a reply concrete; a deferral to someone else, worded so that
    /// no rule cue of the packs would read it as vague, is taken for vague.
    #[test]
    fn keeps_settled_replies_and_flags_deferrals() {
        let m = model().unwrap();
        let t = m.threshold();
        let concrete = |cue| RuleAnswer {
            concrete: true,
            cue,
        };
        let p = m.probability(
            "Your refund of 45 pounds went out yesterday, it shows on the card within 3 days.",
            "When will I get my money back?",
            "en",
            concrete("yesterday"),
        );
        assert!(p < t, "{p}");
        let p = m.probability(
            "Мастер приедет завтра с десяти до двенадцати.",
            "Когда придёт мастер?",
            "ru",
            concrete("завтра"),
        );
        assert!(p < t, "{p}");
        let p = m.probability(
            "that's really up to the manager, she'll decide once she's had a look, i can't say today",
            "will you refund the deposit",
            "en",
            concrete("none"),
        );
        assert!(p >= t, "{p}");
    }

    #[test]
    fn broken_model_files_are_errors() {
        assert!(AnswerModel::from_json("{}").is_err());
        let other = MODEL_JSON.replacen("\"feature_set\": \"reply\"", "\"feature_set\": \"x\"", 1);
        assert_ne!(other, MODEL_JSON);
        let e = AnswerModel::from_json(&other).unwrap_err();
        assert!(e.contains("\"x\""), "{e}");
    }
}
