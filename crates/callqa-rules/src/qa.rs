//! Customer questions and concrete / vague answers (`[rules.questions]`,
//! `[rules.answers]`), counted as a QA listener counts them.
//!
//! A **question** is a customer utterance that has a `?` in a clause that is not only
//! ignored text, or an interrogative cue: a `start_phrases` cue beginning within the first
//! `start_words` words, or a `phrases` / `patterns` cue anywhere (indirect requests such as
//! "хотела бы уточнить" are cues too). `ignore_patterns` spans ("как только", "вы меня
//! слышите") are blanked out first, and a `?` closing a clause with such a span is small
//! talk, not a question; `blank_patterns` spans ("где-то", "что-нибудь") are blanked too,
//! but only hide a question word: "Он что-нибудь находил в салоне?" is still a question by
//! its `?`. `exclude_*` vetoes the utterance (for the learned detector too, packs 1.8.0).
//! One utterance is at most one question.
//! With `learned = true`, a customer utterance the rules do not take for a question still
//! counts as one when the learned detector (module `question_model`) gives it P >=
//! `learned_threshold`: "rules OR model", as it was measured (packs 1.6.0 - 1.9.1). With
//! `learned_decides = true` as well (ru / en packs from 1.9.2) the stacked model, which
//! reads the rules' verdict and whether the utterance is a complaint, decides alone: a
//! rule question it gives P < `learned_threshold` is none (tag `not_question:<cue>`).
//! `exclude_*` vetoes either way. Mono calls (no customer channel) keep the rules alone.
//!
//! Walking the call in time order, a question stays **open** until an operator reply
//! answers it. A reply answers at most one question, the latest open one: when the
//! customer asks a new question while one is open (say the operator only put them on
//! hold), the earlier one is **unanswered**, and so is a question still open when the call
//! ends, or when the customer takes it back in the same utterance (`withdrawn_*`, packs
//! 1.8.9). A reply is *substantive* unless it is a backchannel (only `backchannel_words`, or
//! shorter than `backchannel_max_s` without any cue), a hold (`hold_*` without a vague
//! cue), a clarifying question of the operator (with `skip_questions`: a `?` the question
//! rules accept, or, in unpunctuated text, a question cue opening the reply; see
//! `QuestionRules::asks_back`), or only closing words (`closing_*` spans plus backchannel
//! words: "спасибо за звонок, всего доброго" answers nothing; with two closing spans or
//! more, the customer's name may stand among them, up to two words that carry no answer
//! cue). A reply that says goodbye (the `farewell` element) and that no cue decides is a
//! goodbye too (packs 1.8.5; `RulePack::questions_and_answers`).
//!
//! A substantive reply **settles** the question (concrete) or does not (vague). After
//! blanking `ignore_patterns` (e.g. "одну минуту") and the words of closing spans, in this
//! order:
//! 1. a `hedge_*` cue ("точно не скажу", "зависит от", "I can't promise", "it depends")
//!    makes it **vague** even when it names a number or a date: a hedged figure does not
//!    settle anything;
//! 2. a `concrete_*` cue (a time, date, day, amount, number, place, an action done) makes
//!    it **concrete**;
//! 3. a `vague_*` cue ("в ближайшее время", "as soon as possible") makes it **vague**;
//! 4. a `definite_*` cue (a definite yes / no with content, a reason, a fact stated as
//!    settled: "да, возврат идёт на ту же карту", "because your readings never reached
//!    us") makes it **concrete**;
//! 5. otherwise `unmarked` decides (`none` in the tag): **vague** by default, **concrete**
//!    with `unmarked = "concrete"` (the shipped packs) unless the question asks for a value
//!    (`value_question_*`).
//!
//! So `customer_questions = concrete + vague + unanswered`.

use crate::answer_model::{self, AnswerModel, RuleAnswer};
use crate::normalize::{self, normalize, Token};
use crate::pack::{
    compile_cues, compile_regex, get_bool, get_secs, get_str, get_strings, invalid, Cue, RulesError,
};
use crate::question_model::{self, QuestionModel};
use crate::SpeakerFilter;
use regex::Regex;
use rust_stemmers::Stemmer;
use std::collections::HashSet;

/// Default `start_words` of `[rules.questions]`.
pub const DEFAULT_START_WORDS: usize = 3;
/// Default `backchannel_max_s` of `[rules.answers]`, seconds.
pub const DEFAULT_BACKCHANNEL_MAX_S: f64 = 1.0;

const QUESTION_KEYS: &[&str] = &[
    "description",
    "speaker",
    "question_mark",
    "start_words",
    "start_phrases",
    "phrases",
    "patterns",
    "ignore_patterns",
    "blank_patterns",
    "exclude_phrases",
    "exclude_patterns",
    "withdrawn_phrases",
    "withdrawn_patterns",
    "learned",
    "learned_threshold",
    "learned_decides",
];

/// An operator's sentence asks back when a question cue begins among its first this many
/// words (after backchannel words): "а какой у вас адрес", not "we email when it's fixed".
const ASK_BACK_WORDS: usize = 2;

/// Subject pronouns that may stand among a pack's backchannel words ("got it", "i see"):
/// one of them last before a question word opens a statement ("it does, the roof …").
const SUBJECT_PRONOUNS: &[&str] = &["i", "it", "we", "they", "я", "мы", "они"];

/// Default `learned_threshold` of `[rules.questions]`: the threshold the learned model was
/// selected and measured with.
pub const DEFAULT_LEARNED_THRESHOLD: f64 = 0.45;

const ANSWER_KEYS: &[&str] = &[
    "description",
    "speaker",
    "backchannel_max_s",
    "backchannel_words",
    "hold_phrases",
    "hold_patterns",
    "skip_questions",
    "closing_phrases",
    "closing_patterns",
    "ignore_patterns",
    "concrete_phrases",
    "concrete_patterns",
    "vague_phrases",
    "vague_patterns",
    "hedge_phrases",
    "hedge_patterns",
    "definite_phrases",
    "definite_patterns",
    "unmarked",
    "value_question_phrases",
    "value_question_patterns",
    "learned",
    "learned_threshold",
];

/// The compiled `[rules.questions]` table: which customer utterances are questions.
#[derive(Debug, Clone)]
pub struct QuestionRules {
    /// Whose utterances can be questions (default: the customer).
    pub speaker: SpeakerFilter,
    question_mark: bool,
    start_words: usize,
    start: Vec<Cue>,
    anywhere: Vec<Cue>,
    ignore: Vec<Regex>,
    /// Blanked before the word cues, but no veto on a `?` (indefinite pronouns).
    blank_only: Vec<Regex>,
    exclude: Vec<Cue>,
    /// A question the customer takes back in the same utterance ("… or is there a fee?
    /// actually, don't worry, I'll check"): counted, and left unanswered.
    withdrawn: Vec<Cue>,
    learned: Option<Learned>,
}

/// `learned = true`: the learned detector (module `question_model`) beside the rules.
#[derive(Debug, Clone)]
pub(crate) struct Learned {
    /// The `lang:` feature: the pack language, one the model knows.
    pub language: &'static str,
    /// An utterance the rules miss is a question when P >= this (with `decides`: any
    /// utterance is a question exactly when P >= this).
    pub threshold: f64,
    pub model: &'static QuestionModel,
    /// `learned_decides = true` (packs 1.9.2): the stacked model, which reads the rules'
    /// verdict, decides alone: it adds questions and turns rule questions down.
    pub decides: bool,
}

/// The compiled `[rules.answers]` table: how an operator reply is classified.
#[derive(Debug, Clone)]
pub struct AnswerRules {
    /// Whose utterances are replies (default: the operator).
    pub speaker: SpeakerFilter,
    backchannel_max_s: f64,
    backchannel_words: HashSet<String>,
    hold: Vec<Cue>,
    skip_questions: bool,
    closing: Vec<Cue>,
    ignore: Vec<Regex>,
    concrete: Vec<Cue>,
    vague: Vec<Cue>,
    hedge: Vec<Cue>,
    definite: Vec<Cue>,
    /// `unmarked = "concrete"`: a substantive reply no cue decides settles the question,
    /// unless the question asks for a value (`value_question_*`).
    unmarked_concrete: bool,
    /// Questions that ask for a value ("когда", "сколько стоит", "how long"): only a
    /// concrete cue (the value) settles them.
    value_question: Vec<Cue>,
    /// `learned = true` (packs 1.9.17): the answer-verdict model turns a concrete verdict
    /// vague.
    learned: Option<LearnedAnswers>,
}

/// `[rules.answers] learned = true`: the answer-verdict model (module `answer_model`).
#[derive(Debug, Clone)]
struct LearnedAnswers {
    /// The `lang:` feature: the pack language, one the model knows.
    language: &'static str,
    /// A concrete reply is vague when P >= this.
    threshold: f64,
    model: &'static AnswerModel,
}

/// How one operator utterance counts as a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerVerdict {
    /// Gives specifics; the cue that decided it.
    Concrete(String),
    /// Gives none; the vague cue that matched, or `none`.
    Vague(String),
    /// Not a reply: backchannel, hold, clarifying question or closing words (the reason).
    Skip(&'static str),
}

/// An utterance prepared for matching: raw text, normalised text, stemmed tokens.
pub(crate) struct Prepared<'a> {
    pub raw: &'a str,
    pub norm: String,
    pub toks: Vec<Token>,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(raw: &'a str, stemmer: Option<&Stemmer>) -> Self {
        let norm = normalize(raw);
        let toks = normalize::tokens(&norm, stemmer);
        Prepared { raw, norm, toks }
    }
}

/// Remove the spans matched by `ignore` from normalised text (whitespace collapsed).
pub(crate) fn blank(norm: &str, ignore: &[Regex]) -> String {
    if ignore.is_empty() {
        return norm.to_string();
    }
    let mut s = norm.to_string();
    for re in ignore {
        s = re.replace_all(&s, " ").into_owned();
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The most specific cue of `cues` found in the text (most words; ties: pack order).
pub(crate) fn best_cue<'c>(
    cues: impl IntoIterator<Item = &'c Cue>,
    toks: &[Token],
    norm: &str,
) -> Option<String> {
    cues.into_iter()
        .filter_map(|c| c.find(toks, norm))
        .fold(None, |best: Option<String>, c| match best {
            Some(b) if b.split(' ').count() >= c.split(' ').count() => Some(b),
            _ => Some(c),
        })
}

fn check_keys(name: &str, t: &toml::Table, known: &[&str]) -> Result<(), RulesError> {
    for key in t.keys() {
        if !known.contains(&key.as_str()) {
            return Err(invalid(
                name,
                key,
                format!("unknown key (known: {})", known.join(", ")),
            ));
        }
    }
    Ok(())
}

pub(crate) fn speaker(
    name: &str,
    t: &toml::Table,
    default: SpeakerFilter,
) -> Result<SpeakerFilter, RulesError> {
    Ok(match get_str(name, t, "speaker")?.as_deref() {
        None => default,
        Some("operator") => SpeakerFilter::Operator,
        Some("customer") => SpeakerFilter::Customer,
        Some("any") => SpeakerFilter::Any,
        Some(s) => {
            return Err(invalid(
                name,
                "speaker",
                format!("{s:?}: expected operator, customer or any"),
            ))
        }
    })
}

/// `learned` / `learned_threshold` of a `[rules.<section>]` table with a learned detector
/// beside its rules (`questions`, `complaints`): the pack language as the models know it
/// and the threshold, or `None` when `learned` is off. A language the models were not
/// trained on (anything but ru / en, `auto` included) turns it off with a warning.
pub(crate) fn learned_settings(
    section: &str,
    t: &toml::Table,
    language: &str,
    default_threshold: f64,
) -> Result<Option<(&'static str, f64)>, RulesError> {
    let threshold = match t.get("learned_threshold") {
        None => default_threshold,
        Some(toml::Value::Float(f)) if (0.0..=1.0).contains(f) => *f,
        Some(v) => {
            return Err(invalid(
                section,
                "learned_threshold",
                format!("expected a probability between 0 and 1, got {v}"),
            ))
        }
    };
    if !get_bool(section, t, "learned")?.unwrap_or(false) {
        return Ok(None);
    }
    let lang = language.trim().to_ascii_lowercase();
    let Some(language) = question_model::LANGUAGES.iter().find(|l| **l == lang) else {
        tracing::warn!(
            "[rules.{section}] learned = true ignored: the learned model knows {} only, \
             the pipeline language is {language:?}; the rules work alone",
            question_model::LANGUAGES.join(", ")
        );
        return Ok(None);
    };
    Ok(Some((*language, threshold)))
}

/// `learned` / `learned_threshold` / `learned_decides` of `[rules.questions]`. Without
/// `learned_decides` the first model adds to the rules (threshold default 0.45); with it
/// the stacked model decides (threshold default: the one it was selected with, in its file:
/// 0.5 since packs 1.9.21).
fn learned(t: &toml::Table, language: &str) -> Result<Option<Learned>, RulesError> {
    const N: &str = "questions";
    let decides = get_bool(N, t, "learned_decides")?.unwrap_or(false);
    if decides && !get_bool(N, t, "learned")?.unwrap_or(false) {
        return Err(invalid(
            N,
            "learned_decides",
            "needs learned = true (it chooses which learned detector runs)",
        ));
    }
    let broken = |e: &str| invalid(N, "learned", format!("the embedded model is broken: {e}"));
    // A model is parsed only for a pack that runs it (`decides` implies `learned`).
    let stacked = if decides {
        Some(question_model::stacked_model().map_err(broken)?)
    } else {
        None
    };
    let default_threshold = stacked.map_or(DEFAULT_LEARNED_THRESHOLD, |m| m.threshold());
    let Some((language, threshold)) = learned_settings(N, t, language, default_threshold)? else {
        return Ok(None);
    };
    let model = match stacked {
        Some(m) => m,
        None => question_model::model().map_err(broken)?,
    };
    Ok(Some(Learned {
        language,
        threshold,
        model,
        decides,
    }))
}

fn regexes(name: &str, t: &toml::Table, key: &str) -> Result<Vec<Regex>, RulesError> {
    get_strings(name, t, key)?
        .iter()
        .enumerate()
        .map(|(i, p)| compile_regex(name, &format!("{key}[{i}]"), p))
        .collect()
}

impl QuestionRules {
    /// Compile `[rules.questions]`; `language` is the pipeline language (for `learned`).
    pub(crate) fn compile(
        t: &toml::Table,
        stemmer: Option<&Stemmer>,
        fuzzy_min: usize,
        language: &str,
    ) -> Result<Self, RulesError> {
        const N: &str = "questions";
        check_keys(N, t, QUESTION_KEYS)?;
        let start_words = match t.get("start_words") {
            None => DEFAULT_START_WORDS,
            Some(toml::Value::Integer(n)) if *n >= 1 => *n as usize,
            Some(v) => {
                return Err(invalid(
                    N,
                    "start_words",
                    format!("expected an integer >= 1, got {v}"),
                ))
            }
        };
        let question_mark = get_bool(N, t, "question_mark")?.unwrap_or(true);
        let start = compile_cues(N, t, "start_", stemmer, fuzzy_min)?;
        let anywhere = compile_cues(N, t, "", stemmer, fuzzy_min)?;
        if !question_mark && start.is_empty() && anywhere.is_empty() {
            return Err(invalid(
                N,
                "phrases",
                "needs question_mark = true or at least one start_phrases / phrases / patterns entry",
            ));
        }
        Ok(QuestionRules {
            speaker: speaker(N, t, SpeakerFilter::Customer)?,
            question_mark,
            start_words,
            start,
            anywhere,
            ignore: regexes(N, t, "ignore_patterns")?,
            blank_only: regexes(N, t, "blank_patterns")?,
            exclude: compile_cues(N, t, "exclude_", stemmer, fuzzy_min)?,
            withdrawn: compile_cues(N, t, "withdrawn_", stemmer, fuzzy_min)?,
            learned: learned(t, language)?,
        })
    }

    /// Whether the learned detector runs beside the rules (`learned = true` and a language
    /// the model knows).
    pub fn learned(&self) -> bool {
        self.learned.is_some()
    }

    pub(crate) fn learned_model(&self) -> Option<&Learned> {
        self.learned.as_ref()
    }

    /// Whether `exclude_*` vetoes `p`: never a question, by the rules or by the learned
    /// detector.
    pub(crate) fn excluded(&self, p: &Prepared<'_>) -> bool {
        self.exclude
            .iter()
            .any(|c| c.find(&p.toks, &p.norm).is_some())
    }

    /// Whether the customer takes the question of `p` back in the same utterance
    /// (`withdrawn_*`: "actually never mind, I'll ask at the consultation", "хотя ладно,
    /// бухгалтер сама разберётся"): it counts, and no reply answers it (packs 1.8.9).
    pub(crate) fn withdrawn(&self, p: &Prepared<'_>) -> bool {
        self.withdrawn
            .iter()
            .any(|c| c.find(&p.toks, &p.norm).is_some())
    }

    /// The cue that makes `p` a question (`?` for a question mark), or `None`.
    pub(crate) fn detect(&self, p: &Prepared<'_>, stemmer: Option<&Stemmer>) -> Option<String> {
        if self.excluded(p) {
            return None;
        }
        let norm = blank(&blank(&p.norm, &self.ignore), &self.blank_only);
        let toks = normalize::tokens(&norm, stemmer);
        let at_start = self
            .start
            .iter()
            .filter_map(|c| c.find_starting_within(&toks, &norm, self.start_words));
        let anywhere = self.anywhere.iter().filter_map(|c| c.find(&toks, &norm));
        let word_cue = at_start
            .chain(anywhere)
            .fold(None, |best: Option<String>, c| match best {
                Some(b) if b.split(' ').count() >= c.split(' ').count() => Some(b),
                _ => Some(c),
            });
        if word_cue.is_some() {
            return word_cue;
        }
        (self.question_mark && self.has_question_mark(p.raw)).then(|| "?".to_string())
    }

    /// Whether an operator reply asks the customer something (a clarifying question, which
    /// answers nothing): a `?` in a reply the rules take for a question; in text without
    /// sentence punctuation (speech recognition), a question cue opening it: a `start_*`
    /// cue as its first word, any other among its first [`ASK_BACK_WORDS`] words, after
    /// the `particles` (the pack's backchannel words: "sure whats the postcode on the
    /// order", "так а какой у вас адрес"). A question word further in is part of a
    /// statement ("пока не вижу как кто-то освободится менеджер вам позвонит", "без него
    /// можно достаточно вашего присутствия"). Packs 1.8.5 - 1.8.7: before, a cue anywhere
    /// in an unpunctuated reply, or opening a punctuated sentence without `?`, made it a
    /// clarifying question.
    pub(crate) fn asks_back(
        &self,
        p: &Prepared<'_>,
        stemmer: Option<&Stemmer>,
        particles: &HashSet<String>,
    ) -> bool {
        if p.raw.contains(['?', '？']) {
            return self.detect(p, stemmer).is_some();
        }
        if self.excluded(p) {
            return false;
        }
        // Punctuated text marks its questions with `?`: a sentence without one asks
        // nothing ("Нужно сдать экзамен, потом приходите с паспортом."; packs 1.8.7).
        if p.raw.contains(['.', '!', '…']) {
            return false;
        }
        self.opens_with_cue(p.raw, stemmer, particles)
    }

    /// Whether `sentence` opens with a question cue: a `start_*` cue as its first word, any
    /// other among its first [`ASK_BACK_WORDS`] words, after the `particles`.
    fn opens_with_cue(
        &self,
        sentence: &str,
        stemmer: Option<&Stemmer>,
        particles: &HashSet<String>,
    ) -> bool {
        let norm = blank(&blank(&normalize(sentence), &self.ignore), &self.blank_only);
        let words: Vec<&str> = norm.split(' ').collect();
        let lead = words.iter().take_while(|w| particles.contains(**w)).count();
        // "it does, the roof is deep enough": a subject pronoun among the backchannel words
        // ("got it") opens a statement, and "does" after it asks nothing (set 40).
        if lead > 0 && SUBJECT_PRONOUNS.contains(&words[lead - 1]) {
            return false;
        }
        let rest = words[lead..].join(" ");
        let toks = normalize::tokens(&rest, stemmer);
        self.start
            .iter()
            .any(|c| c.find_starting_within(&toks, &rest, 1).is_some())
            || self.anywhere.iter().any(|c| {
                c.find_starting_within(&toks, &rest, ASK_BACK_WORDS)
                    .is_some()
            })
    }

    /// Whether the operator's line is nothing but a question back to the customer: every
    /// sentence ends in `?` and the line opens with a question cue ("Are they standard
    /// archive boxes, about 40 litres?"). Such a line answers nothing even when it names a
    /// number; an offer that names one first still answers ("Thursday between 8 and 11 is
    /// free, shall I book it?", "Сегодня есть окно в 17:40, записать?"). Packs 1.9.12.
    pub(crate) fn only_asks_back(
        &self,
        p: &Prepared<'_>,
        stemmer: Option<&Stemmer>,
        particles: &HashSet<String>,
    ) -> bool {
        let line = p.raw.trim();
        line.ends_with(['?', '？'])
            && sentences(line).all(|x| x.ends_with(['?', '？']))
            && self.opens_with_cue(line, stemmer, particles)
    }

    /// A `?` closes a clause in which no `ignore_patterns` span matched: "Ольга, как у
    /// вас дела?" is small talk, "Вы меня слышите? Когда дадут свет?" has one question.
    /// A point between digits is a decimal point, not a clause end ("Could you also refund
    /// the £4.95 postage?" is one clause, packs 1.9.23).
    fn has_question_mark(&self, raw: &str) -> bool {
        let mut clause = String::new();
        let mut chars = raw.chars().peekable();
        let mut prev = None;
        while let Some(ch) = chars.next() {
            match ch {
                '?' | '？' => {
                    let norm = normalize(&clause);
                    if !norm.is_empty() && blank(&norm, &self.ignore) == norm {
                        return true;
                    }
                    clause.clear();
                }
                '.' | ',' if decimal_point(prev, ch, chars.peek().copied()) => clause.push(ch),
                '.' | '!' | '…' | ';' => clause.clear(),
                c => clause.push(c),
            }
            prev = Some(ch);
        }
        false
    }
}

impl AnswerRules {
    /// Compile `[rules.answers]`; `language` is the pipeline language (for `learned`).
    pub(crate) fn compile(
        t: &toml::Table,
        stemmer: Option<&Stemmer>,
        fuzzy_min: usize,
        language: &str,
    ) -> Result<Self, RulesError> {
        const N: &str = "answers";
        check_keys(N, t, ANSWER_KEYS)?;
        // The model is parsed only for a pack that runs it.
        let model =
            if get_bool(N, t, "learned")?.unwrap_or(false) {
                Some(answer_model::model().map_err(|e| {
                    invalid(N, "learned", format!("the embedded model is broken: {e}"))
                })?)
            } else {
                None
            };
        let default_threshold = model.map_or(0.5, AnswerModel::threshold);
        let learned = match (learned_settings(N, t, language, default_threshold)?, model) {
            (Some((language, threshold)), Some(model)) => Some(LearnedAnswers {
                language,
                threshold,
                model,
            }),
            _ => None,
        };
        let concrete = compile_cues(N, t, "concrete_", stemmer, fuzzy_min)?;
        if concrete.is_empty() {
            return Err(invalid(
                N,
                "concrete_phrases",
                "the answer classifier needs at least one concrete_phrases / concrete_patterns entry",
            ));
        }
        let backchannel_words = get_strings(N, t, "backchannel_words")?
            .iter()
            .flat_map(|w| {
                normalize(w)
                    .split(' ')
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        Ok(AnswerRules {
            speaker: speaker(N, t, SpeakerFilter::Operator)?,
            backchannel_max_s: get_secs(N, t, "backchannel_max_s")?
                .unwrap_or(DEFAULT_BACKCHANNEL_MAX_S),
            backchannel_words,
            hold: compile_cues(N, t, "hold_", stemmer, fuzzy_min)?,
            skip_questions: get_bool(N, t, "skip_questions")?.unwrap_or(true),
            closing: compile_cues(N, t, "closing_", stemmer, fuzzy_min)?,
            ignore: regexes(N, t, "ignore_patterns")?,
            concrete,
            vague: compile_cues(N, t, "vague_", stemmer, fuzzy_min)?,
            hedge: compile_cues(N, t, "hedge_", stemmer, fuzzy_min)?,
            definite: compile_cues(N, t, "definite_", stemmer, fuzzy_min)?,
            value_question: compile_cues(N, t, "value_question_", stemmer, fuzzy_min)?,
            unmarked_concrete: match get_str(N, t, "unmarked")?.as_deref() {
                None | Some("vague") => false,
                Some("concrete") => true,
                Some(other) => {
                    return Err(invalid(
                        N,
                        "unmarked",
                        format!("expected \"vague\" or \"concrete\", got {other:?}"),
                    ))
                }
            },
            learned,
        })
    }

    /// Whether the answer-verdict model runs (`learned = true` and a language it knows).
    pub fn learned(&self) -> bool {
        self.learned.is_some()
    }

    /// With `learned = true`, whether the model takes a reply the rules call concrete
    /// (deciding cue `cue`) for vague: P(vague) of the reply `p` to the question `asked`
    /// reaches `learned_threshold`. Always `false` without the model.
    pub(crate) fn learned_vague(&self, p: &Prepared<'_>, asked: &Prepared<'_>, cue: &str) -> bool {
        self.learned.as_ref().is_some_and(|l| {
            let rules = RuleAnswer {
                concrete: true,
                cue,
            };
            l.model.probability(p.raw, asked.raw, l.language, rules) >= l.threshold
        })
    }

    /// Classify one operator utterance of `duration_s` seconds as a reply to the customer
    /// question `asked` (when known).
    pub(crate) fn classify(
        &self,
        p: &Prepared<'_>,
        duration_s: f64,
        asked: Option<&Prepared<'_>>,
        questions: Option<&QuestionRules>,
        stemmer: Option<&Stemmer>,
    ) -> AnswerVerdict {
        let covered = self.closing_covered(p);
        if self.only_closing(p, &covered, stemmer) {
            return AnswerVerdict::Skip("closing");
        }
        // The closing words name nothing the question asked: "thank you for your patience
        // today", "до встречи в воскресенье" (packs 1.8.6). The cues read the rest.
        let open = if covered.contains(&true) {
            p.toks
                .iter()
                .zip(&covered)
                .filter(|(_, &c)| !c)
                .map(|(t, _)| t.norm.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            p.norm.clone()
        };
        // A line that only asks back answers nothing, whatever it names (packs 1.9.12).
        if self.skip_questions
            && questions.is_some_and(|q| q.only_asks_back(p, stemmer, &self.backchannel_words))
        {
            return AnswerVerdict::Skip("clarifying_question");
        }
        let norm = blank(&open, &self.ignore);
        let toks = normalize::tokens(&norm, stemmer);
        // A hedge takes back whatever the reply names: "обычно дня три, но точно не скажу".
        if let Some(cue) = best_cue(&self.hedge, &toks, &norm) {
            return AnswerVerdict::Vague(cue);
        }
        if let Some(cue) = best_cue(&self.concrete, &toks, &norm) {
            return AnswerVerdict::Concrete(cue);
        }
        if p.toks
            .iter()
            .all(|t| self.backchannel_words.contains(&t.norm))
        {
            return AnswerVerdict::Skip("backchannel");
        }
        let vague = best_cue(&self.vague, &toks, &norm);
        if vague.is_none() {
            if duration_s < self.backchannel_max_s {
                return AnswerVerdict::Skip("backchannel");
            }
            if self.holds(p, stemmer) {
                return AnswerVerdict::Skip("hold");
            }
            if self.skip_questions
                && questions.is_some_and(|q| q.asks_back(p, stemmer, &self.backchannel_words))
            {
                return AnswerVerdict::Skip("clarifying_question");
            }
            // A definite yes / no with content, a reason, a fact stated as settled.
            if let Some(cue) = best_cue(&self.definite, &toks, &norm) {
                return AnswerVerdict::Concrete(cue);
            }
            if self.unmarked_concrete && !asked.is_some_and(|q| self.asks_for_value(q)) {
                return AnswerVerdict::Concrete(NO_CUE.to_string());
            }
        }
        AnswerVerdict::Vague(vague.unwrap_or_else(|| NO_CUE.to_string()))
    }
}

/// Whether `ch` between `prev` and `next` is a decimal point or separator ("4.95", "2,5"),
/// not a sentence or clause end.
fn decimal_point(prev: Option<char>, ch: char, next: Option<char>) -> bool {
    matches!(ch, '.' | ',')
        && prev.is_some_and(|p| p.is_ascii_digit())
        && next.is_some_and(|n| n.is_ascii_digit())
}

/// The sentences of a punctuated line, each ending in its mark (`.`, `!`, `?`, `…`; a
/// decimal point ends none: "It's £4.95, shall I refund it?" is one sentence), blank pieces
/// left out; unpunctuated text is one sentence.
fn sentences(raw: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut prev = None;
    let mut chars = raw.char_indices().peekable();
    let mut out = Vec::new();
    while let Some((i, ch)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if matches!(ch, '.' | '!' | '?' | '…') && !decimal_point(prev, ch, next) {
            let end = i + ch.len_utf8();
            out.push(&raw[start..end]);
            start = end;
        }
        prev = Some(ch);
    }
    out.push(&raw[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|x| x.chars().any(char::is_alphanumeric))
}

/// At least this many words (backchannel words aside) in the last sentence of a reply that
/// holds the line first make it an answer: "Да-да, я здесь. Капитан разрешает, только без
/// стеклянных бокалов."
const ANSWER_AFTER_HOLD_WORDS: usize = 3;

impl AnswerRules {
    /// Whether `p` holds the line (`hold_*`: "одну минуту", "назовите номер заказа"): a hold
    /// cue anywhere, unless the reply is punctuated and its last sentence, free of hold
    /// cues, goes on to say something ([`ANSWER_AFTER_HOLD_WORDS`] words or more). "I'm
    /// sorry to hear that. Let me check the job card." still holds.
    fn holds(&self, p: &Prepared<'_>, stemmer: Option<&Stemmer>) -> bool {
        let held = |q: &Prepared<'_>| self.hold.iter().any(|c| c.find(&q.toks, &q.norm).is_some());
        if !held(p) {
            return false;
        }
        let sentences: Vec<&str> = sentences(p.raw).collect();
        let [_, .., last] = sentences.as_slice() else {
            return true;
        };
        let last = Prepared::new(last, stemmer);
        let says = last
            .toks
            .iter()
            .filter(|t| !self.backchannel_words.contains(&t.norm))
            .count();
        held(&last) || says < ANSWER_AFTER_HOLD_WORDS
    }
}

impl AnswerRules {
    /// Whether the customer question `q` asks for a value (`value_question_*`), which only
    /// a concrete cue settles: "когда приедет мастер?" is not settled by "мастер в пути".
    fn asks_for_value(&self, q: &Prepared<'_>) -> bool {
        self.value_question
            .iter()
            .any(|c| c.find(&q.toks, &q.norm).is_some())
    }
}

/// The cue of a verdict no cue decided: the pack's default for an unmarked reply
/// (`unmarked`), or vague for a question that asks for a value.
pub(crate) const NO_CUE: &str = "none";

impl AnswerVerdict {
    /// Whether no cue decided the verdict: a reply that names nothing the rules know.
    pub(crate) fn by_default(&self) -> bool {
        matches!(self, Self::Concrete(c) | Self::Vague(c) if c == NO_CUE)
    }
}

/// At most this many words outside the closing spans of a closing line that both thanks
/// and says goodbye (two closing spans or more): the customer's name and patronymic
/// ("спасибо за звонок, Анна Сергеевна, всего доброго").
const CLOSING_NAME_WORDS: usize = 2;

impl AnswerRules {
    /// Per word of `p`: inside a span of a `closing_*` cue.
    fn closing_covered(&self, p: &Prepared<'_>) -> Vec<bool> {
        let mut covered = vec![false; p.toks.len()];
        for cue in &self.closing {
            for (a, b) in cue.spans(&p.toks, &p.norm) {
                covered[a..b].iter_mut().for_each(|c| *c = true);
            }
        }
        covered
    }

    /// Whether `p` is only closing words: at least one `closing_*` cue, and every word
    /// outside the closing spans is a backchannel word ("спасибо за звонок, всего доброго",
    /// "thank you for calling, have a great day"). A line with two closing spans or more
    /// may also address the customer by name: one run of at most [`CLOSING_NAME_WORDS`]
    /// other words, provided they carry no cue of an answer (concrete, definite, vague or
    /// hedge): "спасибо за звонок анна после разговора придёт опрос всего доброго" answers
    /// nothing, "спасибо, заказ готов, до свидания" does.
    /// `covered` is [`Self::closing_covered`] of `p`.
    fn only_closing(&self, p: &Prepared<'_>, covered: &[bool], stemmer: Option<&Stemmer>) -> bool {
        let loose: Vec<usize> = (0..p.toks.len())
            .filter(|&k| !covered[k] && !self.backchannel_words.contains(&p.toks[k].norm))
            .collect();
        let spans = (0..covered.len())
            .filter(|&k| covered[k] && (k == 0 || !covered[k - 1]))
            .count();
        if spans == 0 {
            return false;
        }
        if loose.is_empty() {
            return true;
        }
        let one_run = loose.windows(2).all(|w| w[1] == w[0] + 1);
        if spans < 2 || loose.len() > CLOSING_NAME_WORDS || !one_run {
            return false;
        }
        let rest = loose
            .iter()
            .map(|&k| p.toks[k].norm.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let toks = normalize::tokens(&rest, stemmer);
        [&self.concrete, &self.definite, &self.vague, &self.hedge]
            .into_iter()
            .all(|cues| best_cue(cues.iter(), &toks, &rest).is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::sentences;

    #[test]
    fn a_decimal_point_ends_no_sentence() {
        let got: Vec<&str> = sentences("It's £4.95. Shall I refund it? Да, 2,5 кг… ок").collect();
        assert_eq!(
            got,
            ["It's £4.95.", "Shall I refund it?", "Да, 2,5 кг…", "ок"]
        );
        let got: Vec<&str> = sentences("Version 2. 5 days?").collect();
        assert_eq!(got, ["Version 2.", "5 days?"]);
        assert_eq!(sentences("  ... ").count(), 0);
    }
}
