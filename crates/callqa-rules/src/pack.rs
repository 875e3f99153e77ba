//! Compiling the `[rules]` table of a pipeline file into a [`RulePack`].

use crate::normalize::{self, normalize, Token};
use regex::{Regex, RegexBuilder};
use rust_stemmers::{Algorithm, Stemmer};
use std::fmt;

/// Elements with a column of their own in `calls/`. Any other element must be declared
/// `custom = true` and only tags utterances (this catches typos such as `greting`).
pub const KNOWN_ELEMENTS: &[&str] = &[
    "greeting",
    "self_introduction",
    "thanks",
    "survey_offer",
    "farewell",
];

/// Tables of `[rules]` that are not script elements: the customer-question detector, the
/// concrete / vague answer classifier and the complaint types (see
/// [`crate::QuestionRules`], [`crate::AnswerRules`], [`crate::ComplaintRules`]).
pub const SPECIAL_TABLES: &[&str] = &["questions", "answers", "complaints"];

/// Default `window_s` of `scope = "opening"`, seconds.
pub const DEFAULT_WINDOW_S: f64 = 15.0;
/// Default `last_utterances` of `scope = "closing"`.
pub const DEFAULT_LAST_UTTERANCES: usize = 3;
/// Default `last_s` of `scope = "closing"`, seconds.
pub const DEFAULT_LAST_S: f64 = 30.0;
/// Default `fuzzy_min_chars`: stems at least this long match with one edit.
pub const DEFAULT_FUZZY_MIN_CHARS: usize = 7;

/// Why a `[rules]` table could not be compiled. Every variant names the element (empty
/// for a top-level `[rules]` key) and the key.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// A key is missing, unknown, of the wrong type or out of range.
    #[error("{}: {message}", Loc(element, key))]
    Invalid {
        /// Element name (`greeting`, …); empty for a top-level key.
        element: String,
        /// Key inside the element, e.g. `window_s` or `phrases[2]`.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A regex pattern does not compile.
    #[error("{}: invalid regex {pattern:?}: {source}", Loc(element, key))]
    Regex {
        /// Element name.
        element: String,
        /// Key with index, e.g. `patterns[0]`.
        key: String,
        /// The pattern as written.
        pattern: String,
        /// Cause.
        source: Box<regex::Error>,
    },
}

struct Loc<'a>(&'a str, &'a str);

impl fmt::Display for Loc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.is_empty(), self.1.is_empty()) {
            (true, _) => write!(f, "[rules] {}", self.1),
            (false, true) => write!(f, "[rules.{}]", self.0),
            (false, false) => write!(f, "[rules.{}] {}", self.0, self.1),
        }
    }
}

pub(crate) fn invalid(element: &str, key: &str, message: impl Into<String>) -> RulesError {
    RulesError::Invalid {
        element: element.to_string(),
        key: key.to_string(),
        message: message.into(),
    }
}

/// Whose utterances an element looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeakerFilter {
    /// Operator utterances, and `mixed` ones of mono calls.
    Operator,
    /// Customer utterances, and `mixed` ones of mono calls.
    Customer,
    /// Every utterance.
    Any,
}

/// Where in the call an element counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scope {
    /// Utterances starting at most `window_s` after the anchor.
    Opening {
        /// Window length, seconds.
        window_s: f64,
        /// `true`: from the element speaker's first utterance; `false`: from call start.
        from_first_utterance: bool,
    },
    /// The element speaker's last `last_utterances` utterances, and any of theirs that
    /// reaches into the last `last_s` seconds of the call.
    Closing {
        /// How many final utterances of the speaker count.
        last_utterances: usize,
        /// Length of the closing tail of the call, seconds.
        last_s: f64,
    },
    /// The whole call.
    Anywhere,
}

/// One word of a compiled phrase.
#[derive(Debug, Clone)]
pub(crate) enum Word {
    /// Matches a token with this stem (or within one edit of it, for long stems).
    Stem { stem: String, fuzzy: bool },
    /// `word*` in the pack: matches a token whose normalised form starts with this.
    Prefix(String),
    /// A word the stemmer cuts to a fragment of one or two letters ("awful" → "aw"):
    /// matches only the same word, so the fragment does not match the letters of a
    /// booking code ("AW-0913" → "aw").
    Exact(String),
}

/// One cue: a phrase or a regex pattern.
#[derive(Debug, Clone)]
pub(crate) enum Cue {
    Phrase { text: String, words: Vec<Word> },
    Pattern { re: Regex },
}

impl Cue {
    /// The cue written to tags when it matches `tokens` / `normalized`: the phrase as
    /// written in the pack (normalised), or the text the pattern matched.
    pub(crate) fn find(&self, tokens: &[Token], normalized: &str) -> Option<String> {
        match self {
            Cue::Phrase { text, words } => {
                if words.is_empty() || words.len() > tokens.len() {
                    return None;
                }
                tokens
                    .windows(words.len())
                    .any(|win| win.iter().zip(words).all(|(t, w)| w.matches(t)))
                    .then(|| text.clone())
            }
            Cue::Pattern { re } => re.find(normalized).map(|m| m.as_str().trim().to_string()),
        }
    }
}

impl Cue {
    /// Every match as a half-open range of token indices (a pattern covers the tokens its
    /// match overlaps). Used to tell whether an utterance is *only* made of some cues.
    pub(crate) fn spans(&self, tokens: &[Token], normalized: &str) -> Vec<(usize, usize)> {
        match self {
            Cue::Phrase { words, .. } => {
                if words.is_empty() || words.len() > tokens.len() {
                    return Vec::new();
                }
                tokens
                    .windows(words.len())
                    .enumerate()
                    .filter(|(_, win)| win.iter().zip(words).all(|(t, w)| w.matches(t)))
                    .map(|(k, _)| (k, k + words.len()))
                    .collect()
            }
            Cue::Pattern { re } => {
                // Byte range of each token in `normalized` (single spaces between them).
                let mut ranges = Vec::with_capacity(tokens.len());
                let mut at = 0;
                for w in normalized.split(' ').filter(|w| !w.is_empty()) {
                    let start = normalized[at..].find(w).map_or(at, |i| at + i);
                    ranges.push((start, start + w.len()));
                    at = start + w.len();
                }
                re.find_iter(normalized)
                    .filter(|m| !m.as_str().trim().is_empty())
                    .filter_map(|m| {
                        let first = ranges.iter().position(|&(_, e)| e > m.start())?;
                        let last = ranges.iter().rposition(|&(s, _)| s < m.end())?;
                        (first <= last).then_some((first, last + 1))
                    })
                    .collect()
            }
        }
    }

    /// Like [`Cue::find`], but the match must begin within the first `max_start` words.
    pub(crate) fn find_starting_within(
        &self,
        tokens: &[Token],
        normalized: &str,
        max_start: usize,
    ) -> Option<String> {
        match self {
            Cue::Phrase { text, words } => {
                if words.is_empty() || words.len() > tokens.len() {
                    return None;
                }
                tokens
                    .windows(words.len())
                    .take(max_start)
                    .any(|win| win.iter().zip(words).all(|(t, w)| w.matches(t)))
                    .then(|| text.clone())
            }
            Cue::Pattern { re } => {
                // Byte offset where word number `max_start` (0-based) begins.
                let limit = normalized
                    .match_indices(' ')
                    .nth(max_start.saturating_sub(1))
                    .map_or(normalized.len(), |(i, _)| i);
                re.find_iter(normalized)
                    .find(|m| m.start() <= limit)
                    .map(|m| m.as_str().trim().to_string())
            }
        }
    }
}

impl Word {
    fn matches(&self, t: &Token) -> bool {
        match self {
            Word::Prefix(p) => t.norm.starts_with(p.as_str()),
            Word::Exact(w) => t.norm == *w,
            Word::Stem { stem, fuzzy } => {
                t.stem == *stem || (*fuzzy && normalize::within_edits(&t.stem, stem, 1))
            }
        }
    }
}

/// A compiled script element.
#[derive(Debug, Clone)]
pub struct Element {
    /// Element name (the `[rules.NAME]` table).
    pub name: String,
    /// Whose utterances count.
    pub speaker: SpeakerFilter,
    /// Where in the call.
    pub scope: Scope,
    pub(crate) cues: Vec<Cue>,
    pub(crate) exclude: Vec<Cue>,
    pub(crate) requires: Vec<Cue>,
}

/// A compiled rule pack: the `[rules]` table of a pipeline file.
#[derive(Debug, Clone)]
pub struct RulePack {
    pub(crate) algorithm: Option<Algorithm>,
    pub(crate) elements: Vec<Element>,
    pub(crate) questions: Option<crate::qa::QuestionRules>,
    pub(crate) answers: Option<crate::qa::AnswerRules>,
    pub(crate) complaints: Option<crate::complaints::ComplaintRules>,
}

const ELEMENT_KEYS: &[&str] = &[
    "description",
    "custom",
    "speaker",
    "scope",
    "window_s",
    "anchor",
    "last_utterances",
    "last_s",
    "phrases",
    "patterns",
    "exclude_phrases",
    "exclude_patterns",
    "requires_phrases",
    "requires_patterns",
];

impl RulePack {
    /// Compile the `[rules]` table. `language` is the pipeline language (`ru`, `en`,
    /// `auto`, …); it picks the stemmer unless the pack sets `stemmer` itself.
    ///
    /// Errors name the element and the key: unknown keys, wrong types, empty phrases,
    /// invalid regexes, unknown element names without `custom = true`.
    pub fn from_table(table: &toml::Table, language: &str) -> Result<RulePack, RulesError> {
        let mut algorithm = normalize::algorithm(language).unwrap_or(None);
        let mut fuzzy_min_chars = DEFAULT_FUZZY_MIN_CHARS;
        let mut element_tables = Vec::new();
        for (key, value) in table {
            match (key.as_str(), value) {
                (_, toml::Value::Table(t)) => element_tables.push((key.as_str(), t)),
                ("stemmer", toml::Value::String(s)) => {
                    algorithm = normalize::algorithm(s).map_err(|_| {
                        invalid(
                            "",
                            key,
                            format!("unknown stemmer {s:?} (russian, english, none, …)"),
                        )
                    })?;
                }
                ("fuzzy_min_chars", toml::Value::Integer(n)) => {
                    fuzzy_min_chars = usize::try_from(*n)
                        .map_err(|_| invalid("", key, "must be >= 0 (0 = no fuzzy matching)"))?;
                }
                ("description", toml::Value::String(_)) => {}
                ("stemmer" | "fuzzy_min_chars" | "description", v) => {
                    return Err(invalid("", key, format!("wrong type {}", v.type_str())));
                }
                _ => {
                    return Err(invalid(
                        "",
                        key,
                        "unknown key (top-level keys: stemmer, fuzzy_min_chars, description; \
                         elements are tables such as [rules.greeting])",
                    ))
                }
            }
        }
        let fuzzy_min = if fuzzy_min_chars == 0 {
            usize::MAX
        } else {
            fuzzy_min_chars
        };
        let stemmer = algorithm.map(Stemmer::create);
        let mut questions = None;
        let mut answers = None;
        let mut complaints = None;
        let mut elements = Vec::new();
        for (name, t) in element_tables {
            match name {
                "questions" => {
                    questions = Some(crate::qa::QuestionRules::compile(
                        t,
                        stemmer.as_ref(),
                        fuzzy_min,
                        language,
                    )?)
                }
                "answers" => {
                    answers = Some(crate::qa::AnswerRules::compile(
                        t,
                        stemmer.as_ref(),
                        fuzzy_min,
                        language,
                    )?)
                }
                "complaints" => {
                    complaints = Some(crate::complaints::ComplaintRules::compile(
                        t,
                        stemmer.as_ref(),
                        fuzzy_min,
                        language,
                    )?)
                }
                _ => elements.push(compile_element(name, t, stemmer.as_ref(), fuzzy_min)?),
            }
        }
        if answers.is_some() && questions.is_none() {
            return Err(invalid(
                "answers",
                "",
                "[rules.answers] classifies replies to customer questions: it needs [rules.questions] too",
            ));
        }
        Ok(RulePack {
            algorithm,
            elements,
            questions,
            answers,
            complaints,
        })
    }

    /// The compiled elements, in pack order.
    pub fn elements(&self) -> &[Element] {
        &self.elements
    }

    /// The element with this name, if the pack has it.
    pub fn element(&self, name: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.name == name)
    }

    /// The customer-question detector, when the pack has `[rules.questions]`.
    pub fn questions(&self) -> Option<&crate::qa::QuestionRules> {
        self.questions.as_ref()
    }

    /// The answer classifier, when the pack has `[rules.answers]`.
    pub fn answers(&self) -> Option<&crate::qa::AnswerRules> {
        self.answers.as_ref()
    }

    /// The complaint types, when the pack has `[rules.complaints]`.
    pub fn complaints(&self) -> Option<&crate::complaints::ComplaintRules> {
        self.complaints.as_ref()
    }

    /// Whether words are stemmed before matching.
    pub fn stems(&self) -> bool {
        self.algorithm.is_some()
    }
}

fn compile_element(
    name: &str,
    t: &toml::Table,
    stemmer: Option<&Stemmer>,
    fuzzy_min: usize,
) -> Result<Element, RulesError> {
    for key in t.keys() {
        if !ELEMENT_KEYS.contains(&key.as_str()) {
            return Err(invalid(
                name,
                key,
                format!("unknown key (known: {})", ELEMENT_KEYS.join(", ")),
            ));
        }
    }
    let custom = get_bool(name, t, "custom")?.unwrap_or(false);
    if !custom && !KNOWN_ELEMENTS.contains(&name) {
        return Err(invalid(
            name,
            "",
            format!(
                "unknown element (known: {}); add `custom = true` for an element that only tags utterances",
                KNOWN_ELEMENTS.join(", ")
            ),
        ));
    }
    let speaker = match get_str(name, t, "speaker")?.as_deref() {
        None | Some("operator") => SpeakerFilter::Operator,
        Some("customer") => SpeakerFilter::Customer,
        Some("any") => SpeakerFilter::Any,
        Some(s) => {
            return Err(invalid(
                name,
                "speaker",
                format!("{s:?}: expected operator, customer or any"),
            ))
        }
    };
    let default_scope = match name {
        "greeting" => "opening",
        "thanks" | "survey_offer" | "farewell" => "closing",
        _ => "anywhere",
    };
    let scope_name = get_str(name, t, "scope")?.unwrap_or_else(|| default_scope.to_string());
    let only_for = |key: &str, scope: &str| -> Result<(), RulesError> {
        if t.contains_key(key) && scope_name != scope {
            Err(invalid(
                name,
                key,
                format!("only valid with scope = \"{scope}\" (scope is \"{scope_name}\")"),
            ))
        } else {
            Ok(())
        }
    };
    only_for("window_s", "opening")?;
    only_for("anchor", "opening")?;
    only_for("last_utterances", "closing")?;
    only_for("last_s", "closing")?;
    let scope = match scope_name.as_str() {
        "opening" => Scope::Opening {
            window_s: get_secs(name, t, "window_s")?.unwrap_or(DEFAULT_WINDOW_S),
            from_first_utterance: match get_str(name, t, "anchor")?.as_deref() {
                None | Some("call_start") => false,
                Some("first_utterance") => true,
                Some(s) => {
                    return Err(invalid(
                        name,
                        "anchor",
                        format!("{s:?}: expected call_start or first_utterance"),
                    ))
                }
            },
        },
        "closing" => Scope::Closing {
            last_utterances: match t.get("last_utterances") {
                None => DEFAULT_LAST_UTTERANCES,
                Some(toml::Value::Integer(n)) => usize::try_from(*n)
                    .map_err(|_| invalid(name, "last_utterances", "must be >= 0"))?,
                Some(v) => {
                    return Err(invalid(
                        name,
                        "last_utterances",
                        format!("expected an integer, got {}", v.type_str()),
                    ))
                }
            },
            last_s: get_secs(name, t, "last_s")?.unwrap_or(DEFAULT_LAST_S),
        },
        "anywhere" => Scope::Anywhere,
        s => {
            return Err(invalid(
                name,
                "scope",
                format!("{s:?}: expected opening, closing or anywhere"),
            ))
        }
    };
    let cue_set = |prefix: &str| -> Result<Vec<Cue>, RulesError> {
        compile_cues(name, t, prefix, stemmer, fuzzy_min)
    };
    let cues = cue_set("")?;
    if cues.is_empty() {
        return Err(invalid(
            name,
            "phrases",
            "the element needs at least one entry in `phrases` or `patterns`",
        ));
    }
    Ok(Element {
        name: name.to_string(),
        speaker,
        scope,
        cues,
        exclude: cue_set("exclude_")?,
        requires: cue_set("requires_")?,
    })
}

/// Compile `<prefix>phrases` and `<prefix>patterns` of table `t` (element `name`).
pub(crate) fn compile_cues(
    name: &str,
    t: &toml::Table,
    prefix: &str,
    stemmer: Option<&Stemmer>,
    fuzzy_min: usize,
) -> Result<Vec<Cue>, RulesError> {
    let phrases_key = format!("{prefix}phrases");
    let patterns_key = format!("{prefix}patterns");
    let mut cues = Vec::new();
    for (i, p) in get_strings(name, t, &phrases_key)?.into_iter().enumerate() {
        let key = format!("{phrases_key}[{i}]");
        cues.push(compile_phrase(name, &key, &p, stemmer, fuzzy_min)?);
    }
    for (i, p) in get_strings(name, t, &patterns_key)?.into_iter().enumerate() {
        let key = format!("{patterns_key}[{i}]");
        cues.push(Cue::Pattern {
            re: compile_regex(name, &key, &p)?,
        });
    }
    Ok(cues)
}

/// Compile one pattern for normalised text: case-insensitive, `е` for `ё`.
pub(crate) fn compile_regex(name: &str, key: &str, p: &str) -> Result<Regex, RulesError> {
    let src = p.replace('ё', "е").replace('Ё', "Е");
    RegexBuilder::new(&src)
        .case_insensitive(true)
        .build()
        .map_err(|e| RulesError::Regex {
            element: name.to_string(),
            key: key.to_string(),
            pattern: p.to_string(),
            source: Box::new(e),
        })
}

/// A stem shorter than this, cut from a longer word, is a fragment ([`Word::Exact`]).
const MIN_STEM_CHARS: usize = 3;

fn compile_phrase(
    element: &str,
    key: &str,
    phrase: &str,
    stemmer: Option<&Stemmer>,
    fuzzy_min: usize,
) -> Result<Cue, RulesError> {
    let mut words = Vec::new();
    let mut text = Vec::new();
    for raw in phrase.split_whitespace() {
        let prefix = raw.ends_with('*');
        let parts: Vec<String> = normalize(raw)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let n = parts.len();
        for (j, w) in parts.into_iter().enumerate() {
            if prefix && j + 1 == n {
                text.push(format!("{w}*"));
                words.push(Word::Prefix(w));
            } else {
                let stem = normalize::stem(&w, stemmer);
                let fuzzy = stem.chars().count() >= fuzzy_min;
                let fragment = stem.chars().count() < MIN_STEM_CHARS && stem != w;
                words.push(if fragment {
                    Word::Exact(w.clone())
                } else {
                    Word::Stem { stem, fuzzy }
                });
                text.push(w);
            }
        }
    }
    if words.is_empty() {
        return Err(invalid(
            element,
            key,
            format!("{phrase:?} is empty after normalisation"),
        ));
    }
    Ok(Cue::Phrase {
        text: text.join(" "),
        words,
    })
}

pub(crate) fn get_str(
    element: &str,
    t: &toml::Table,
    key: &str,
) -> Result<Option<String>, RulesError> {
    match t.get(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.trim().to_ascii_lowercase())),
        Some(v) => Err(invalid(
            element,
            key,
            format!("expected a string, got {}", v.type_str()),
        )),
    }
}

pub(crate) fn get_bool(
    element: &str,
    t: &toml::Table,
    key: &str,
) -> Result<Option<bool>, RulesError> {
    match t.get(key) {
        None => Ok(None),
        Some(toml::Value::Boolean(b)) => Ok(Some(*b)),
        Some(v) => Err(invalid(
            element,
            key,
            format!("expected true or false, got {}", v.type_str()),
        )),
    }
}

pub(crate) fn get_secs(
    element: &str,
    t: &toml::Table,
    key: &str,
) -> Result<Option<f64>, RulesError> {
    let v = match t.get(key) {
        None => return Ok(None),
        Some(toml::Value::Float(f)) => *f,
        Some(toml::Value::Integer(i)) => *i as f64,
        Some(v) => {
            return Err(invalid(
                element,
                key,
                format!("expected seconds (a number), got {}", v.type_str()),
            ))
        }
    };
    if !v.is_finite() || v < 0.0 {
        return Err(invalid(
            element,
            key,
            format!("{v} must be a finite number >= 0"),
        ));
    }
    Ok(Some(v))
}

pub(crate) fn get_strings(
    element: &str,
    t: &toml::Table,
    key: &str,
) -> Result<Vec<String>, RulesError> {
    match t.get(key) {
        None => Ok(Vec::new()),
        Some(toml::Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                toml::Value::String(s) => Ok(s.clone()),
                v => Err(invalid(
                    element,
                    &format!("{key}[{i}]"),
                    format!("expected a string, got {}", v.type_str()),
                )),
            })
            .collect(),
        Some(v) => Err(invalid(
            element,
            key,
            format!("expected an array of strings, got {}", v.type_str()),
        )),
    }
}
