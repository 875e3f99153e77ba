//! The learned customer-question detector (`models/question-detector/`): a logistic
//! regression over hashed word and character n-grams of one customer utterance plus a few
//! facts about its place in the call, giving P(the utterance holds a question).
//!
//! The first model (`model.json`) is used only beside the phrase rules (`learned = true`
//! in `[rules.questions]`): an utterance the rules do not take for a question counts as one
//! when P reaches the threshold ("rules OR model", the combination fixed before the blind
//! measurement in `models/question-detector.md`). On its own it is no better than the
//! rules. The second (`stacked.json`, `learned_decides = true`, packs 1.9.2) reads the
//! rules' verdict on the utterance as features ([`RuleVerdict`]) and decides alone: it
//! also turns down rule questions (a "how" in a subordinate clause, a rhetorical question
//! in a grievance, small talk).
//!
//! The model is data, compiled into the binary (`include_str!`) so a deployment needs no
//! extra file, and parsed once on first use. Feature strings, hashing and normalisation
//! follow the spec in `model.json` exactly (it was trained in Python; the unit tests
//! reproduce its 12 test vectors): normalise (Unicode lowercase, `ё` → `е`, typed
//! placeholders `[PHONE]` … → ` pii `, digit runs → `0`, every char that is not a letter
//! or digit → space), then word unigrams and bigrams, first / first-two / last token,
//! character 3-, 4- and 5-grams over Unicode code points, and the context features; each
//! string is hashed with FNV-1a 32 over its UTF-8 bytes into 2^18 binary features.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The model file, byte-identical to the one measured blind (sha256 in the model card).
pub const MODEL_JSON: &str = include_str!("../../../models/question-detector/model.json");

/// The second model file (rules as features; sha256 in the model card).
pub const STACKED_JSON: &str = include_str!("../../../models/question-detector/stacked.json");

/// Languages the model was trained on (`lang:` feature).
pub const LANGUAGES: &[&str] = &["ru", "en"];

/// Typed placeholders of the redactor that the model reads as the token `pii`.
const PLACEHOLDERS: &[&str] = &["PHONE", "CARD", "EMAIL", "PASSPORT", "SNILS", "INN"];

/// The parsed model: intercept, dense weights over the hashed feature space, threshold.
#[derive(Debug)]
pub struct QuestionModel {
    intercept: f64,
    threshold: f64,
    bits: u32,
    weights: Vec<f64>,
    /// `feature_set = "ctx"`: the text features plus the neighbouring operator turns.
    operator_turns: bool,
    /// `feature_set = "ctx_rules"`: the `ctx` features plus the rules' verdict.
    rule_verdict: bool,
    /// `feature_set = "ctx_rules_qw"` (packs 1.9.13): `ctx_rules` plus
    /// [`question_word_features`] over these words; empty for the other sets.
    question_words: BTreeSet<String>,
}

/// What the phrase rules say about a customer utterance: the features the stacked model
/// (`feature_set = "ctx_rules"`) adds to `ctx` ([`rule_features`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleVerdict<'a> {
    /// The question rules' deciding cue (`?` for the question mark), `None` when they do
    /// not take the utterance for a question.
    pub cue: Option<&'a str>,
    /// The utterance carries a complaint tag (rules or the complaint model).
    pub complaint: bool,
}

/// The operator's turns right before and after a customer utterance in the call's
/// timeline (`None` when that neighbour is not the operator's, or there is none): the
/// `ctx` feature set reads them ("what is your date of birth?" before "12 march 1980").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OperatorTurns<'a> {
    /// The (redacted) text of the operator utterance just before.
    pub prev: Option<&'a str>,
    /// The (redacted) text of the operator utterance just after.
    pub next: Option<&'a str>,
}

#[derive(Deserialize)]
pub(crate) struct Hashing {
    pub(crate) bits: u32,
}

/// The keys of a model file the Rust inference reads (the question models' and the
/// answer-verdict model's).
#[derive(Deserialize)]
pub(crate) struct ModelFile {
    pub(crate) feature_set: String,
    pub(crate) aggregation: String,
    pub(crate) hashing: Hashing,
    pub(crate) intercept: f64,
    pub(crate) threshold: f64,
    pub(crate) weights: BTreeMap<String, f64>,
    /// `feature_set = "ctx_rules_qw"`: the words whose presence [`question_word_features`]
    /// reports.
    #[serde(default)]
    pub(crate) question_words: Vec<String>,
}

/// Who speaks next to an utterance in the call's timeline (`prev:` / `next:` features).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Neighbour {
    /// The utterance is the first (or last) of the call.
    None,
    /// The operator.
    Operator,
    /// Anyone else (the customer, or a mono call's mixed channel).
    Customer,
}

impl Neighbour {
    fn as_str(self) -> &'static str {
        match self {
            Neighbour::None => "none",
            Neighbour::Operator => "op",
            Neighbour::Customer => "cust",
        }
    }
}

/// Where a customer utterance stands in its call (the model's context features).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// 0-based position among all the call's utterances in timeline order.
    pub position: usize,
    /// Number of utterances in the call (both speakers).
    pub n_utterances: usize,
    /// It is the call's first customer utterance.
    pub first_customer: bool,
    /// It is the call's last customer utterance.
    pub last_customer: bool,
    /// Speaker of the utterance before.
    pub prev: Neighbour,
    /// Speaker of the utterance after.
    pub next: Neighbour,
}

impl Context {
    /// The context of every utterance of a call, given whether each one (in timeline
    /// order) is the customer's and whether it is the operator's. `None` for utterances
    /// that are not the customer's.
    pub fn for_call(is_customer: &[bool], is_operator: &[bool]) -> Vec<Option<Context>> {
        let n = is_customer.len();
        let first = is_customer.iter().position(|&c| c);
        let last = is_customer.iter().rposition(|&c| c);
        let who = |k: Option<usize>| match k {
            None => Neighbour::None,
            Some(k) if is_operator.get(k).copied().unwrap_or(false) => Neighbour::Operator,
            Some(_) => Neighbour::Customer,
        };
        (0..n)
            .map(|i| {
                is_customer[i].then(|| Context {
                    position: i,
                    n_utterances: n,
                    first_customer: first == Some(i),
                    last_customer: last == Some(i),
                    prev: who(i.checked_sub(1)),
                    next: who((i + 1 < n).then_some(i + 1)),
                })
            })
            .collect()
    }
}

static MODEL: OnceLock<Result<QuestionModel, String>> = OnceLock::new();
static STACKED: OnceLock<Result<QuestionModel, String>> = OnceLock::new();

/// The embedded model, parsed on first use. An error means the file in the repository is
/// broken (a build defect, not user input); it is reported, not panicked on.
pub fn model() -> Result<&'static QuestionModel, &'static str> {
    MODEL
        .get_or_init(|| QuestionModel::from_json(MODEL_JSON))
        .as_ref()
        .map_err(String::as_str)
}

/// The embedded stacked model (`stacked.json`), parsed on first use.
pub fn stacked_model() -> Result<&'static QuestionModel, &'static str> {
    STACKED
        .get_or_init(|| QuestionModel::from_json(STACKED_JSON))
        .as_ref()
        .map_err(String::as_str)
}

impl QuestionModel {
    /// Parse a model file in the format of `models/question-detector/model.json`.
    pub fn from_json(json: &str) -> Result<QuestionModel, String> {
        let f: ModelFile =
            serde_json::from_str(json).map_err(|e| format!("question model: {e}"))?;
        let (operator_turns, rule_verdict, words) = match (f.feature_set.as_str(), f.aggregation.as_str()) {
            ("text", "utt") => (false, false, false),
            ("ctx", "utt") => (true, false, false),
            ("ctx_rules", "utt") => (true, true, false),
            ("ctx_rules_qw", "utt") => (true, true, true),
            _ => {
                return Err(format!(
                "question model: feature_set {:?} / aggregation {:?} not supported (text, ctx, ctx_rules or ctx_rules_qw / utt)",
                f.feature_set, f.aggregation
            ))
            }
        };
        if words == f.question_words.is_empty() {
            return Err(format!(
                "question model: feature_set {:?} with {} question_words (ctx_rules_qw needs them, the others take none)",
                f.feature_set,
                f.question_words.len()
            ));
        }
        let mut m = QuestionModel::linear(
            "question model",
            f.intercept,
            f.threshold,
            f.hashing.bits,
            &f.weights,
        )?;
        m.operator_turns = operator_turns;
        m.rule_verdict = rule_verdict;
        m.question_words = f.question_words.into_iter().collect();
        Ok(m)
    }

    /// A bare logistic regression over hashed feature strings (no feature set of its own:
    /// [`QuestionModel::probability_of`] only), as the answer-verdict model uses it.
    /// `weights` maps hashed indices, written as decimal strings, to weights.
    pub(crate) fn linear(
        what: &str,
        intercept: f64,
        threshold: f64,
        bits: u32,
        weights: &BTreeMap<String, f64>,
    ) -> Result<QuestionModel, String> {
        if !(1..=24).contains(&bits) {
            return Err(format!("{what}: {bits} hash bits"));
        }
        let mut dense = vec![0.0; 1 << bits];
        for (k, w) in weights {
            let slot = k
                .parse::<usize>()
                .ok()
                .and_then(|i| dense.get_mut(i))
                .ok_or_else(|| format!("{what}: weight index {k:?} out of range"))?;
            *slot = *w;
        }
        Ok(QuestionModel {
            intercept,
            threshold,
            bits,
            weights: dense,
            operator_turns: false,
            rule_verdict: false,
            question_words: BTreeSet::new(),
        })
    }

    /// The threshold the model was selected with (0.45 for the model of packs 1.8.3, 0.35
    /// for the stacked model of packs 1.9.2 - 1.9.20, 0.5 for the NB-weighted stacked model
    /// of packs 1.9.21).
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Whether the model reads the rules' verdict (`feature_set = "ctx_rules"`): it then
    /// decides alone instead of adding to the rules.
    pub fn reads_rules(&self) -> bool {
        self.rule_verdict
    }

    /// The intercept (the complaint model's parity test scores raw indices).
    #[cfg(test)]
    pub(crate) fn intercept(&self) -> f64 {
        self.intercept
    }

    /// The weight of hashed index `i` (0 outside the feature space).
    #[cfg(test)]
    pub(crate) fn weight(&self, i: usize) -> f64 {
        self.weights.get(i).copied().unwrap_or(0.0)
    }

    /// The hashed indices of feature strings: distinct, ascending.
    pub fn indices<S: AsRef<str>>(&self, features: &[S]) -> Vec<usize> {
        let mask = (1u32 << self.bits) - 1;
        let set: BTreeSet<usize> = features
            .iter()
            .map(|f| (fnv1a32(f.as_ref().as_bytes()) & mask) as usize)
            .collect();
        set.into_iter().collect()
    }

    /// P(question) from feature strings.
    pub fn probability_of<S: AsRef<str>>(&self, features: &[S]) -> f64 {
        let z = self.intercept
            + self
                .indices(features)
                .into_iter()
                .map(|i| self.weights[i])
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }

    /// P(question) of a customer utterance: its (redacted) text, the pack language, its
    /// place in the call, the operator's turns around it (read by a `ctx` or `ctx_rules`
    /// model only) and the rules' verdict (read by a `ctx_rules` model only).
    pub fn probability(
        &self,
        text: &str,
        language: &str,
        ctx: &Context,
        turns: &OperatorTurns<'_>,
        rules: &RuleVerdict<'_>,
    ) -> f64 {
        self.probability_of(&self.features(text, language, ctx, turns, rules))
    }

    /// The feature strings this model reads: [`features`], with `feature_set = "ctx"`
    /// [`operator_turn_features`] after them, with `ctx_rules` then [`rule_features`].
    pub fn features(
        &self,
        text: &str,
        language: &str,
        ctx: &Context,
        turns: &OperatorTurns<'_>,
        rules: &RuleVerdict<'_>,
    ) -> Vec<String> {
        let mut f = features(text, language, ctx);
        if self.operator_turns {
            f.extend(operator_turn_features(turns));
        }
        if self.rule_verdict {
            f.extend(rule_features(rules));
        }
        if !self.question_words.is_empty() {
            f.extend(question_word_features(
                text,
                ctx,
                rules,
                &self.question_words,
            ));
        }
        f
    }
}

/// FNV-1a, 32 bit.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811C_9DC5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Replace each typed placeholder (`[PHONE]`, …) by ` pii `.
fn replace_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let hit = PLACEHOLDERS
            .iter()
            .find(|p| after.strip_prefix(**p).is_some_and(|r| r.starts_with(']')));
        match hit {
            Some(p) => {
                out.push_str(" pii ");
                rest = &after[p.len() + 1..];
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The model's normalisation: placeholders → ` pii `, Unicode lowercase, `ё` → `е`, each
/// run of ASCII digits → `0`, every other char that is not alphanumeric → space,
/// whitespace collapsed and trimmed. (Python's `\d` also takes non-ASCII decimal digits;
/// Russian and English transcripts have none.)
pub fn normalize(text: &str) -> String {
    let lowered = replace_placeholders(text).to_lowercase();
    let mut out = String::with_capacity(lowered.len());
    let mut in_digits = false;
    for c in lowered.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('0');
            }
            in_digits = true;
            continue;
        }
        in_digits = false;
        match c {
            'ё' => out.push('е'),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out.split(' ')
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn len_bin(n: usize) -> &'static str {
    match n {
        0..=1 => "1",
        2..=3 => "2",
        4..=6 => "4",
        7..=12 => "7",
        _ => "13",
    }
}

/// The feature strings of one customer utterance, in the reference implementation's
/// order (duplicates kept; hashing keeps each index once).
pub fn features(text: &str, language: &str, ctx: &Context) -> Vec<String> {
    let norm = normalize(text);
    let toks: Vec<&str> = norm.split(' ').filter(|t| !t.is_empty()).collect();
    let mut f = vec!["bias".to_string(), format!("lang:{language}")];
    word_features(&mut f, "", &norm);
    char_ngrams(&mut f, &norm);
    let punct = text.contains(['.', ',', '!', '?']);
    f.push(format!("style:{}", if punct { "punct" } else { "asr" }));
    if text.contains('?') {
        f.push("has_q".to_string());
    }
    f.push(format!("len:{}", len_bin(toks.len())));
    if ctx.first_customer {
        f.push("pos:first_cust".to_string());
    }
    if ctx.last_customer {
        f.push("pos:last_cust".to_string());
    }
    let rpos = (5 * ctx.position / ctx.n_utterances.max(1)).min(4);
    f.push(format!("rpos:{rpos}"));
    f.push(format!("prev:{}", ctx.prev.as_str()));
    f.push(format!("next:{}", ctx.next.as_str()));
    f
}

/// The `ctx` feature set's additions, in the reference's order: for the operator turn
/// before, `prev_has_q` (a `?` in its raw text) and its words with prefix `p` (`pw:`,
/// `pb:`, `pf:`, `pf2:`, `pl:`, no character n-grams); for the turn after, the same with
/// prefix `n`.
pub fn operator_turn_features(turns: &OperatorTurns<'_>) -> Vec<String> {
    let mut f = Vec::new();
    if let Some(prev) = turns.prev {
        if prev.contains('?') {
            f.push("prev_has_q".to_string());
        }
        word_features(&mut f, "p", &normalize(prev));
    }
    if let Some(next) = turns.next {
        word_features(&mut f, "n", &normalize(next));
    }
    f
}

/// The `ctx_rules` feature set's additions (reference: `rule_feats` in features.py):
/// `rule:q` or `rule:no`; with `rule:q`, `rulecue:?` when the deciding cue is the question
/// mark, else `rulecue:word`; on a complaint, `comp` and `comp_rule:q` / `comp_rule:no`.
pub fn rule_features(rules: &RuleVerdict<'_>) -> Vec<String> {
    let q = rules.cue.is_some();
    let mut f = vec![if q { "rule:q" } else { "rule:no" }.to_string()];
    if let Some(cue) = rules.cue {
        f.push(
            if cue == "?" {
                "rulecue:?"
            } else {
                "rulecue:word"
            }
            .to_string(),
        );
    }
    if rules.complaint {
        f.push("comp".to_string());
        f.push(format!("comp_rule:{}", if q { "q" } else { "no" }));
    }
    f
}

/// The `ctx_rules_qw` feature set's additions (reference: `qword_feats` in features.py),
/// for an utterance the rules do not take for a question only: `qword:<h>`,
/// `qword_first:<h>:<f>` and `qword_len:<h>:<len bin>`, where h = 1 if a word of the
/// normalised text is one of `words` (the model's `question_words`: interrogatives, modal
/// and auxiliary verbs, "ли", "можно", "whether" …) and f = 1 on the first customer
/// utterance. The text features alone cannot say that none of these words occurs: an opening
/// turn that only states the problem has none.
pub fn question_word_features(
    text: &str,
    ctx: &Context,
    rules: &RuleVerdict<'_>,
    words: &BTreeSet<String>,
) -> Vec<String> {
    if rules.cue.is_some() {
        return Vec::new();
    }
    let norm = normalize(text);
    let toks: Vec<&str> = norm.split(' ').filter(|t| !t.is_empty()).collect();
    let has = u8::from(toks.iter().any(|t| words.contains(*t)));
    let first = u8::from(ctx.first_customer);
    vec![
        format!("qword:{has}"),
        format!("qword_first:{has}:{first}"),
        format!("qword_len:{has}:{}", len_bin(toks.len())),
    ]
}

/// Character 3-, 4- and 5-grams (`c:`) over Unicode code points of normalised text padded
/// with a space on each side.
pub(crate) fn char_ngrams(f: &mut Vec<String>, norm: &str) {
    let toks: Vec<&str> = norm.split(' ').filter(|t| !t.is_empty()).collect();
    let padded: Vec<char> = format!(" {} ", toks.join(" ")).chars().collect();
    for n in 3..=5 {
        f.extend(
            padded
                .windows(n)
                .map(|w| format!("c:{}", w.iter().collect::<String>())),
        );
    }
}

/// Word features of normalised text with a prefix: unigrams, bigrams, first, first two,
/// last.
pub(crate) fn word_features(f: &mut Vec<String>, prefix: &str, norm: &str) {
    let toks: Vec<&str> = norm.split(' ').filter(|t| !t.is_empty()).collect();
    f.extend(toks.iter().map(|w| format!("{prefix}w:{w}")));
    f.extend(
        toks.windows(2)
            .map(|p| format!("{prefix}b:{} {}", p[0], p[1])),
    );
    if let (Some(first), Some(last)) = (toks.first(), toks.last()) {
        f.push(format!("{prefix}f:{first}"));
        f.push(format!(
            "{prefix}f2:{}",
            toks[..toks.len().min(2)].join(" ")
        ));
        f.push(format!("{prefix}l:{last}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Vector {
        call_id: String,
        position: usize,
        n_utterances: usize,
        text: String,
        features: Vec<String>,
        indices: Vec<usize>,
        probability: f64,
        /// The operator turns around it (`ctx` models; absent in older files).
        #[serde(default)]
        prev_operator: Option<String>,
        #[serde(default)]
        next_operator: Option<String>,
        /// The rules' verdict (`ctx_rules` models; absent in older files).
        #[serde(default)]
        rule_cue: Option<String>,
        #[serde(default)]
        complaint: bool,
    }

    #[derive(Deserialize)]
    struct Vectors {
        test_vectors: Vec<Vector>,
    }

    fn vectors(json: &str) -> Vec<Vector> {
        serde_json::from_str::<Vectors>(json).unwrap().test_vectors
    }

    /// The reference's 12 test vectors (every customer utterance of two held-out calls,
    /// one per language): the calls are rebuilt from them (customer at the listed
    /// positions, the operator elsewhere), so the context features come from the same
    /// code path as in a run. Feature strings, indices and P must all agree; dropping or
    /// changing any feature breaks the feature-list comparison.
    #[test]
    fn reproduces_the_reference_test_vectors() {
        reproduces(model().unwrap(), MODEL_JSON, 12);
    }

    /// The stacked model's 14 test vectors (every customer utterance of two tuning calls:
    /// rule questions it keeps and turns down, complaints, small talk).
    #[test]
    fn reproduces_the_stacked_reference_test_vectors() {
        let m = stacked_model().unwrap();
        assert!(m.reads_rules() && !model().unwrap().reads_rules());
        reproduces(m, STACKED_JSON, 14);
    }

    fn reproduces(m: &QuestionModel, json: &str, n: usize) {
        let vs = vectors(json);
        assert_eq!(vs.len(), n);
        let mut calls: BTreeMap<&str, (usize, Vec<usize>)> = BTreeMap::new();
        for v in &vs {
            let e = calls.entry(&v.call_id).or_insert((v.n_utterances, vec![]));
            e.1.push(v.position);
        }
        let mut checked = 0;
        for (call, (n, cust)) in &calls {
            let is_c: Vec<bool> = (0..*n).map(|i| cust.contains(&i)).collect();
            let is_o: Vec<bool> = is_c.iter().map(|c| !c).collect();
            let ctx = Context::for_call(&is_c, &is_o);
            for v in vs.iter().filter(|v| v.call_id == *call) {
                let c = ctx[v.position].expect("a customer position");
                let turns = OperatorTurns {
                    prev: v.prev_operator.as_deref(),
                    next: v.next_operator.as_deref(),
                };
                let rules = RuleVerdict {
                    cue: v.rule_cue.as_deref(),
                    complaint: v.complaint,
                };
                let f = m.features(&v.text, &call[..2], &c, &turns, &rules);
                assert_eq!(f, v.features, "{call} #{}", v.position);
                assert_eq!(m.indices(&f), v.indices, "{call} #{}", v.position);
                let p = m.probability(&v.text, &call[..2], &c, &turns, &rules);
                assert!(
                    (p - v.probability).abs() < 1e-6,
                    "{call} #{}: {p} vs {}",
                    v.position,
                    v.probability
                );
                checked += 1;
            }
        }
        assert_eq!(checked, n);
    }

    /// Every feature matters to P: dropping any one kind moves some test vector's P by
    /// more than 1e-6.
    #[test]
    fn every_feature_kind_moves_the_probability() {
        let kinds = [
            "bias", "lang:", "w:", "b:", "f:", "f2:", "l:", "c:", "style:", "has_q", "len:",
            "pos:", "rpos:", "prev:", "next:", "pw:", "pf:", "pl:", "nw:", "nf:", "nl:",
        ];
        moves(model().unwrap(), MODEL_JSON, &kinds);
        let rule_kinds = [
            "rule:",
            "rulecue:",
            "comp",
            "comp_rule:",
            "qword:",
            "qword_first:",
            "qword_len:",
        ];
        moves(
            stacked_model().unwrap(),
            STACKED_JSON,
            &[&kinds[..], &rule_kinds].concat(),
        );
    }

    fn moves(m: &QuestionModel, json: &str, kinds: &[&str]) {
        let vs = vectors(json);
        for &kind in kinds {
            let moved = vs.iter().any(|v| {
                let kept: Vec<&String> = v
                    .features
                    .iter()
                    .filter(|f| !(f.starts_with(kind) && (kind.ends_with(':') || *f == kind)))
                    .collect();
                kept.len() < v.features.len()
                    && (m.probability_of(&kept) - v.probability).abs() > 1e-6
            });
            assert!(moved, "dropping {kind} changes no test vector");
        }
    }

    /// The embedded files are the ones measured (models/question-detector.md).
    #[test]
    fn embedded_model_is_the_measured_one() {
        use sha2::{Digest, Sha256};
        let sum = Sha256::digest(MODEL_JSON.as_bytes());
        assert_eq!(
            format!("{sum:x}"),
            "c818d78756ac4490a07828d0993c53195f4a37c56d5fcbf133980c7183e864b7"
        );
        let sum = Sha256::digest(STACKED_JSON.as_bytes());
        assert_eq!(format!("{sum:x}"), STACKED_SHA256);
    }

    const STACKED_SHA256: &str = "390050ece8de43f66e2b68182f41afb7a5fedeea909633fb84c101dafc3b461b";

    /// The rule features as the reference writes them (features.py `rule_feats`).
    #[test]
    fn rule_features_match_the_reference() {
        let v = |cue, complaint| rule_features(&RuleVerdict { cue, complaint });
        assert_eq!(v(None, false), ["rule:no"]);
        assert_eq!(v(Some("?"), false), ["rule:q", "rulecue:?"]);
        assert_eq!(
            v(Some("как"), true),
            ["rule:q", "rulecue:word", "comp", "comp_rule:q"]
        );
        assert_eq!(v(None, true), ["rule:no", "comp", "comp_rule:no"]);
    }

    /// The question-word features as the reference writes them (features.py `qword_feats`),
    /// with the embedded model's word list.
    #[test]
    fn question_word_features_match_the_reference() {
        let m = stacked_model().unwrap();
        assert!(m.question_words.contains("можно") && m.question_words.contains("whether"));
        let ctx = |first| Context {
            position: 1,
            n_utterances: 4,
            first_customer: first,
            last_customer: false,
            prev: Neighbour::Operator,
            next: Neighbour::Operator,
        };
        let v = |text, cue, first| {
            question_word_features(
                text,
                &ctx(first),
                &RuleVerdict {
                    cue,
                    complaint: false,
                },
                &m.question_words,
            )
        };
        assert_eq!(
            v("здравствуйте я у вас брала набор", None, true),
            ["qword:0", "qword_first:0:1", "qword_len:0:4"]
        );
        assert_eq!(
            v("А можно картой?", None, false),
            ["qword:1", "qword_first:1:0", "qword_len:1:2"]
        );
        assert!(v("Когда?", Some("?"), true).is_empty());
        assert_eq!(
            v("", None, false),
            ["qword:0", "qword_first:0:0", "qword_len:0:1"]
        );
    }

    /// A `ctx_rules_qw` model needs its word list, and no other feature set takes one.
    #[test]
    fn question_words_go_with_their_feature_set() {
        let file = |set: &str, words: &str| {
            format!(
                r#"{{"feature_set": "{set}", "aggregation": "utt", "hashing": {{"bits": 4}},
                "intercept": 0.0, "threshold": 0.5, "weights": {{}}{words}}}"#
            )
        };
        let words = r#", "question_words": ["what"]"#;
        assert!(QuestionModel::from_json(&file("ctx_rules_qw", words)).is_ok());
        assert!(QuestionModel::from_json(&file("ctx_rules_qw", "")).is_err());
        assert!(QuestionModel::from_json(&file("ctx_rules", words)).is_err());
        assert!(QuestionModel::from_json(&file("ctx_rules", "")).is_ok());
    }

    #[test]
    fn fnv1a32_matches_the_reference() {
        assert_eq!(fnv1a32(b""), 0x811C_9DC5);
        assert_eq!(fnv1a32(b"a"), 0xE40C_292C);
        assert_eq!(fnv1a32(b"foobar"), 0xBF9C_F968);
    }

    /// Outputs of the reference `normalize` (feats.py) on the cases the test vectors do
    /// not reach: placeholders, `ё`, digit runs, underscores and punctuation inside words.
    #[test]
    fn normalisation_matches_the_reference() {
        let cases = [
            ("Мой номер [PHONE], ёлки!", "мой номер pii елки"),
            ("card[CARD]and [EMAIL]?", "card pii and pii"),
            ("[phone] [PHONE [SNILS][INN]", "phone phone pii pii"),
            ("Заказ №731205, 3.5 кг", "заказ 0 0 0 кг"),
            ("snake_case x2 Ё-моё", "snake case x0 е мое"),
            ("  I'd   like—to  check ", "i d like to check"),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn context_of_a_call() {
        // operator, customer, customer, operator, customer (last)
        let is_c = [false, true, true, false, true];
        let is_o = [true, false, false, true, false];
        let ctx = Context::for_call(&is_c, &is_o);
        assert!(ctx[0].is_none() && ctx[3].is_none());
        let c1 = ctx[1].unwrap();
        assert!(c1.first_customer && !c1.last_customer);
        assert_eq!(
            (c1.prev, c1.next),
            (Neighbour::Operator, Neighbour::Customer)
        );
        let c4 = ctx[4].unwrap();
        assert!(c4.last_customer && !c4.first_customer);
        assert_eq!((c4.prev, c4.next), (Neighbour::Operator, Neighbour::None));
        let f = features("a b", "ru", &c4);
        assert!(f.contains(&"rpos:4".to_string()), "{f:?}");
        assert_eq!(f.iter().filter(|x| x.starts_with("c:")).count(), 3 + 2 + 1);
    }

    #[test]
    fn broken_model_files_are_errors() {
        assert!(QuestionModel::from_json("{").is_err());
        let bad = r#"{"feature_set":"ctx","aggregation":"smax","hashing":{"bits":18},
            "intercept":0,"threshold":0.5,"weights":{}}"#;
        assert!(QuestionModel::from_json(bad)
            .err()
            .is_some_and(|e| e.contains("smax")));
        let bad = r#"{"feature_set":"words","aggregation":"utt","hashing":{"bits":18},
            "intercept":0,"threshold":0.5,"weights":{}}"#;
        assert!(QuestionModel::from_json(bad)
            .err()
            .is_some_and(|e| e.contains("words")));
        let bad = r#"{"feature_set":"text","aggregation":"utt","hashing":{"bits":4},
            "intercept":0,"threshold":0.5,"weights":{"16":1.0}}"#;
        assert!(QuestionModel::from_json(bad).unwrap_err().contains("16"));
    }
}
