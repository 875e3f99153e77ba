//! Text normalisation and tokenisation shared by utterances and rule-pack phrases.

use rust_stemmers::{Algorithm, Stemmer};

/// Normalise text for matching: lowercase, `ё` → `е`, apostrophes dropped (`you've` →
/// `youve`), every other character that is not a letter or digit (punctuation, hyphens,
/// symbols) turned into a space, whitespace collapsed and trimmed.
///
/// ASR output (no punctuation, no capitals) and hand-punctuated text normalise to the same
/// string, which is what makes one rule pack work for both.
///
/// ```
/// assert_eq!(callqa_rules::normalize("Здравствуйте!  Ёлки-палки, you've…"), "здравствуйте елки палки youve");
/// ```
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut chars = text.char_indices().peekable();
    while let Some((at, ch)) = chars.next() {
        if ch == '[' {
            if let Some(len) = placeholder_len(&text[at..]) {
                // A redaction placeholder (`[PHONE]`) stays one token, `[phone]`, so rules
                // can tell it from the word "phone".
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&text[at..at + len].to_ascii_lowercase());
                pending_space = true;
                while chars.peek().is_some_and(|&(i, _)| i < at + len) {
                    chars.next();
                }
                continue;
            }
        }
        if matches!(
            ch,
            '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}'
        ) {
            continue;
        }
        if ch.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            for lc in ch.to_lowercase() {
                out.push(match lc {
                    'ё' => 'е',
                    c => c,
                });
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// Byte length of a placeholder `[KIND]` (2-12 ASCII capitals) at the start of `s`.
fn placeholder_len(s: &str) -> Option<usize> {
    let inner = s.strip_prefix('[')?;
    let n = inner.bytes().take_while(u8::is_ascii_uppercase).count();
    ((2..=12).contains(&n) && inner.as_bytes().get(n) == Some(&b']')).then_some(n + 2)
}

/// One word of normalised text with its stem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// The normalised word.
    pub norm: String,
    /// Its stem (equal to `norm` when the pack does not stem).
    pub stem: String,
}

/// Split already-normalised text into stemmed tokens.
pub(crate) fn tokens(normalized: &str, stemmer: Option<&Stemmer>) -> Vec<Token> {
    normalized
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| Token {
            norm: w.to_string(),
            stem: stem(w, stemmer),
        })
        .collect()
}

/// Stem one normalised word.
pub(crate) fn stem(word: &str, stemmer: Option<&Stemmer>) -> String {
    match stemmer {
        Some(s) => s.stem(word).into_owned(),
        None => word.to_string(),
    }
}

/// The stemming algorithm named in a pack (`stemmer = "russian"`) or implied by the
/// pipeline language (`ru`, `en`, …). `Ok(None)` = no stemming.
pub(crate) fn algorithm(name: &str) -> Result<Option<Algorithm>, ()> {
    Ok(Some(match name.trim().to_ascii_lowercase().as_str() {
        "none" | "off" | "" => return Ok(None),
        "ru" | "russian" => Algorithm::Russian,
        "en" | "english" => Algorithm::English,
        "de" | "german" => Algorithm::German,
        "fr" | "french" => Algorithm::French,
        "es" | "spanish" => Algorithm::Spanish,
        "it" | "italian" => Algorithm::Italian,
        "pt" | "portuguese" => Algorithm::Portuguese,
        "nl" | "dutch" => Algorithm::Dutch,
        "sv" | "swedish" => Algorithm::Swedish,
        "no" | "nb" | "norwegian" => Algorithm::Norwegian,
        "da" | "danish" => Algorithm::Danish,
        "fi" | "finnish" => Algorithm::Finnish,
        "hu" | "hungarian" => Algorithm::Hungarian,
        "ro" | "romanian" => Algorithm::Romanian,
        "tr" | "turkish" => Algorithm::Turkish,
        "el" | "greek" => Algorithm::Greek,
        "ar" | "arabic" => Algorithm::Arabic,
        "ta" | "tamil" => Algorithm::Tamil,
        _ => return Err(()),
    }))
}

/// Levenshtein distance between two words, stopping early once it exceeds `max`.
pub(crate) fn within_edits(a: &str, b: &str, max: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return false;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] <= max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_punctuation_case_yo_and_spaces() {
        assert_eq!(
            normalize("  Добрый   день!!! Компания «Ёж»."),
            "добрый день компания еж"
        );
        assert_eq!(
            normalize("I'm Anna — you’ve reached Acme."),
            "im anna youve reached acme"
        );
        assert_eq!(normalize("по-моему,да"), "по моему да");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("?!"), "");
        assert_eq!(
            normalize("Call [PHONE], or [EMAIL]. [x] [A]"),
            "call [phone] or [email] x a"
        );
        assert_eq!(normalize("ДОБРЫЙ ДЕНЬ 24/7"), "добрый день 24 7");
    }

    #[test]
    fn russian_stems_join_word_forms() {
        let s = Stemmer::create(Algorithm::Russian);
        assert_eq!(stem("оцените", Some(&s)), stem("оценить", Some(&s)));
        assert_eq!(stem("оценить", Some(&s)), "оцен");
        // Noun forms keep the `к`: that is what `оцен*` prefix words are for.
        assert_eq!(stem("оценку", Some(&s)), "оценк");
        let en = Stemmer::create(Algorithm::English);
        assert_eq!(stem("thanks", Some(&en)), stem("thanked", Some(&en)));
        assert_eq!(stem("спасибо", None), "спасибо");
    }

    #[test]
    fn edit_distance() {
        assert!(within_edits("здравствуйт", "здраствуйт", 1));
        assert!(within_edits("abc", "abc", 0));
        assert!(!within_edits("abc", "abd", 0));
        assert!(!within_edits("kitten", "sitting", 2));
        assert!(within_edits("kitten", "sitting", 3));
    }
}
