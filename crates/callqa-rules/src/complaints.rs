//! Customer complaints (`[rules.complaints]`).
//!
//! The complaint-handling loop of a service standard needs to know *that* a customer
//! complained and *what kind* of complaint it was, so that each call gets a short-term fix
//! and each type a root-cause review. The types are data: every sub-table of
//! `[rules.complaints]` is one type (`[rules.complaints.supervisor]`, …) with the usual
//! `phrases` / `patterns` / `exclude_*` cues, and its name is what `calls.complaint_types`
//! lists and what the utterance tag says (`complaint:supervisor:позовите руководителя`).
//!
//! Negations are the hard part ("претензий нет", "I'm not complaining", "жаловаться не
//! буду"): the table's `ignore_patterns` spans are blanked out of the utterance before any
//! type is matched, so a negated complaint leaves nothing to match while the rest of the
//! utterance still counts ("претензий к оператору нет, но я напишу в Роспотребнадзор" is
//! still a formal complaint). Blanking spans, rather than vetoing the utterance, is why
//! negations are patterns here and not `exclude_*` cues.

use crate::normalize::{self, Token};
use crate::pack::{compile_cues, compile_regex, get_strings, invalid, Cue, RulesError};
use crate::qa::Prepared;
use crate::SpeakerFilter;
use regex::Regex;
use rust_stemmers::Stemmer;

const TABLE_KEYS: &[&str] = &["description", "speaker", "ignore_patterns"];
const TYPE_KEYS: &[&str] = &[
    "description",
    "phrases",
    "patterns",
    "exclude_phrases",
    "exclude_patterns",
];

/// One complaint type: its name and cues.
#[derive(Debug, Clone)]
pub struct ComplaintType {
    /// The sub-table name, e.g. `supervisor`.
    pub name: String,
    cues: Vec<Cue>,
    exclude: Vec<Cue>,
}

/// The compiled `[rules.complaints]` table.
#[derive(Debug, Clone)]
pub struct ComplaintRules {
    /// Whose utterances can be complaints (default: the customer).
    pub speaker: SpeakerFilter,
    ignore: Vec<Regex>,
    types: Vec<ComplaintType>,
}

impl ComplaintRules {
    pub(crate) fn compile(
        t: &toml::Table,
        stemmer: Option<&Stemmer>,
        fuzzy_min: usize,
    ) -> Result<Self, RulesError> {
        const N: &str = "complaints";
        let mut types = Vec::new();
        for (key, value) in t {
            match value {
                toml::Value::Table(sub) => {
                    types.push(compile_type(key, sub, stemmer, fuzzy_min)?);
                }
                _ if TABLE_KEYS.contains(&key.as_str()) => {}
                _ => {
                    return Err(invalid(
                        N,
                        key,
                        format!(
                            "unknown key (known: {}; each complaint type is a table such as \
                             [rules.complaints.supervisor])",
                            TABLE_KEYS.join(", ")
                        ),
                    ))
                }
            }
        }
        if types.is_empty() {
            return Err(invalid(
                N,
                "",
                "needs at least one complaint type, e.g. [rules.complaints.supervisor] with phrases",
            ));
        }
        let speaker = crate::qa::speaker(N, t, SpeakerFilter::Customer)?;
        let ignore = get_strings(N, t, "ignore_patterns")?
            .iter()
            .enumerate()
            .map(|(i, p)| compile_regex(N, &format!("ignore_patterns[{i}]"), p))
            .collect::<Result<_, _>>()?;
        Ok(ComplaintRules {
            speaker,
            ignore,
            types,
        })
    }

    /// The complaint types, by name.
    pub fn types(&self) -> &[ComplaintType] {
        &self.types
    }

    /// The complaint types found in `p` with their deciding cue, by type name.
    pub(crate) fn detect(
        &self,
        p: &Prepared<'_>,
        stemmer: Option<&Stemmer>,
    ) -> Vec<(&str, String)> {
        let norm = crate::qa::blank(&p.norm, &self.ignore);
        let toks: Vec<Token> = normalize::tokens(&norm, stemmer);
        self.types
            .iter()
            .filter(|ty| !ty.exclude.iter().any(|c| c.find(&toks, &norm).is_some()))
            .filter_map(|ty| {
                crate::qa::best_cue(&ty.cues, &toks, &norm).map(|c| (ty.name.as_str(), c))
            })
            .collect()
    }
}

fn compile_type(
    name: &str,
    t: &toml::Table,
    stemmer: Option<&Stemmer>,
    fuzzy_min: usize,
) -> Result<ComplaintType, RulesError> {
    let element = format!("complaints.{name}");
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(invalid(
            &element,
            "",
            "a complaint type name is lowercase ASCII letters, digits and _ (it becomes a value of calls.complaint_types)",
        ));
    }
    for key in t.keys() {
        if !TYPE_KEYS.contains(&key.as_str()) {
            return Err(invalid(
                &element,
                key,
                format!("unknown key (known: {})", TYPE_KEYS.join(", ")),
            ));
        }
    }
    let cues = compile_cues(&element, t, "", stemmer, fuzzy_min)?;
    if cues.is_empty() {
        return Err(invalid(
            &element,
            "phrases",
            "the complaint type needs at least one entry in `phrases` or `patterns`",
        ));
    }
    Ok(ComplaintType {
        name: name.to_string(),
        cues,
        exclude: compile_cues(&element, t, "exclude_", stemmer, fuzzy_min)?,
    })
}
