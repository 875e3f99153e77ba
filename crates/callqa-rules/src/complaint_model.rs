//! The learned customer-complaint detector (issue 18): logistic regressions over the
//! question detector's hashed features of one customer utterance
//! ([`question_model::features`]). A presence model gives P(the utterance holds a
//! complaint); five type models, fitted on complaint utterances only, give the type of an
//! utterance the presence model flags: the one with the highest P. Trained in Python
//! (`scripts/complaint_detector/train.py`) on silver labels, the rules' complaint tags on
//! the tuning calls; model card `models/complaint-detector.md`.
//!
//! callqa uses it only **beside** the rules of `[rules.complaints]` (`learned = true`): a
//! customer utterance without a rule complaint counts as one when P ≥ `learned_threshold`.
//! Like the question model, it is data compiled into the binary (`include_str!`).

use crate::question_model::{self, Context, QuestionModel};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The model file, byte-identical to the one measured (sha256 in the model card).
pub const MODEL_JSON: &str = include_str!("../../../models/complaint-detector/model.json");

/// The presence model and one model per complaint type.
#[derive(Debug)]
pub struct ComplaintModel {
    presence: QuestionModel,
    types: Vec<(String, QuestionModel)>,
}

#[derive(Deserialize)]
struct TypesFile {
    types_order: Vec<String>,
    types: BTreeMap<String, serde_json::Value>,
}

static MODEL: OnceLock<Result<ComplaintModel, String>> = OnceLock::new();

/// The embedded model, parsed on first use. An error means the file in the repository is
/// broken (a build defect, not user input); it is reported, not panicked on.
pub fn model() -> Result<&'static ComplaintModel, &'static str> {
    MODEL
        .get_or_init(|| ComplaintModel::from_json(MODEL_JSON))
        .as_ref()
        .map_err(String::as_str)
}

impl ComplaintModel {
    /// Parse a model file in the format of `models/complaint-detector/model.json`: the
    /// presence model's keys at the top level (as in the question model), and `types`, one
    /// such object per type named in `types_order`.
    pub fn from_json(json: &str) -> Result<ComplaintModel, String> {
        let presence =
            QuestionModel::from_json(json).map_err(|e| format!("complaint model: {e}"))?;
        let f: TypesFile =
            serde_json::from_str(json).map_err(|e| format!("complaint model: {e}"))?;
        if f.types_order.is_empty() {
            return Err("complaint model: no complaint types".into());
        }
        let types = f
            .types_order
            .iter()
            .map(|name| {
                let v = f
                    .types
                    .get(name)
                    .ok_or_else(|| format!("complaint model: type {name:?} has no model"))?;
                let m = QuestionModel::from_json(&v.to_string())
                    .map_err(|e| format!("complaint model, type {name:?}: {e}"))?;
                Ok((name.clone(), m))
            })
            .collect::<Result<_, String>>()?;
        Ok(ComplaintModel { presence, types })
    }

    /// The threshold the model was selected with.
    pub fn threshold(&self) -> f64 {
        self.presence.threshold()
    }

    /// The complaint types the model knows, in its order.
    pub fn type_names(&self) -> impl Iterator<Item = &str> {
        self.types.iter().map(|(n, _)| n.as_str())
    }

    /// P(complaint) from feature strings.
    pub fn probability_of<S: AsRef<str>>(&self, features: &[S]) -> f64 {
        self.presence.probability_of(features)
    }

    /// The most likely type from feature strings, with its P (ties: the first in order).
    pub fn type_of<S: AsRef<str>>(&self, features: &[S]) -> (&str, f64) {
        let mut best = ("", f64::NEG_INFINITY);
        for (name, m) in &self.types {
            let p = m.probability_of(features);
            if p > best.1 {
                best = (name.as_str(), p);
            }
        }
        best
    }

    /// The type of a customer utterance when the model takes it for a complaint at
    /// `threshold`: its (redacted) text, the pack language and its place in the call.
    pub fn complaint(
        &self,
        text: &str,
        language: &str,
        ctx: &Context,
        threshold: f64,
    ) -> Option<&str> {
        let f = question_model::features(text, language, ctx);
        (self.probability_of(&f) >= threshold).then(|| self.type_of(&f).0)
    }

    /// P of each type from feature strings, in the model's order.
    pub fn type_probabilities<S: AsRef<str>>(&self, features: &[S]) -> Vec<(&str, f64)> {
        self.types
            .iter()
            .map(|(n, m)| (n.as_str(), m.probability_of(features)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question_model::Neighbour;

    #[derive(Deserialize)]
    struct Vector {
        call_id: String,
        indices: Vec<usize>,
        probability: f64,
        type_probabilities: BTreeMap<String, f64>,
    }

    #[derive(Deserialize)]
    struct Vectors {
        test_vectors: Vec<Vector>,
    }

    /// The Rust inference reproduces Python's P of presence and of every type on the
    /// exported test vectors (the customer utterances of two calls).
    #[test]
    fn reproduces_the_reference_test_vectors() {
        let m = model().unwrap();
        let v: Vectors = serde_json::from_str(MODEL_JSON).unwrap();
        assert!(
            v.test_vectors.len() >= 8,
            "{} vectors",
            v.test_vectors.len()
        );
        let z = |m: &QuestionModel, idx: &[usize]| {
            // The vectors hold Python's hashed indices (feature parity is the question
            // model's test): score the indices directly.
            let s: f64 = idx.iter().map(|&i| m.weight(i)).sum::<f64>() + m.intercept();
            1.0 / (1.0 + (-s).exp())
        };
        let mut flagged = 0;
        for t in &v.test_vectors {
            let p = z(&m.presence, &t.indices);
            assert!(
                (p - t.probability).abs() < 1e-9,
                "{}: {p} vs {}",
                t.call_id,
                t.probability
            );
            for (name, tm) in &m.types {
                let q = z(tm, &t.indices);
                let want = t.type_probabilities[name];
                assert!(
                    (q - want).abs() < 1e-9,
                    "{} {name}: {q} vs {want}",
                    t.call_id
                );
            }
            flagged += usize::from(p >= m.threshold());
        }
        // Both calls are complaint calls: some of their turns must be flagged, not all.
        assert!(flagged > 0 && flagged < v.test_vectors.len(), "{flagged}");
    }

    /// A complaint in words the rules lack is found and typed; a neutral request is not.
    #[test]
    fn flags_and_types_customer_utterances() {
        let m = model().unwrap();
        let ctx = Context {
            position: 3,
            n_utterances: 10,
            first_customer: false,
            last_customer: false,
            prev: Neighbour::Operator,
            next: Neighbour::Operator,
        };
        let t = m.threshold();
        assert_eq!(m.type_names().count(), 5);
        assert_eq!(
            m.complaint(
                "Подскажите, пожалуйста, во сколько вы открываетесь?",
                "ru",
                &ctx,
                t
            ),
            None
        );
        assert_eq!(
            m.complaint("What time do you open on Saturday?", "en", &ctx, t),
            None
        );
        let churn = m.complaint(
            "if this happens again we'll take our business to another company",
            "en",
            &ctx,
            0.5,
        );
        assert_eq!(churn, Some("churn"));
    }

    #[test]
    fn broken_model_files_are_errors() {
        assert!(ComplaintModel::from_json("{}").is_err());
        let no_types = MODEL_JSON.replacen("\"types_order\":[", "\"types_order\":[\"x\",", 1);
        let e = ComplaintModel::from_json(&no_types).unwrap_err();
        assert!(e.contains("\"x\""), "{e}");
    }
}
