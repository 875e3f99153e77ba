//! Call ids: one check for every input kind (manifest, folder, S3 listing, transcript
//! JSON), and the file name a call id gets on disk (`--dump-transcripts`).
//!
//! A call id is data that ends up in BI tables, terminal summaries, HTML reports and file
//! names, so the check refuses what would be dangerous or invisible in any of them: more
//! than [`MAX_CALL_ID_BYTES`] bytes, control characters (terminal escape sequences, line
//! breaks), bidirectional overrides and zero-width characters (an id that displays as
//! another), and path separators (an id that names another folder). Everything else —
//! spaces, Cyrillic, punctuation — is an id like any other.

/// Longest call id accepted, bytes: ids are keys in BI tables and file names of
/// `--dump-transcripts`.
pub const MAX_CALL_ID_BYTES: usize = 200;

/// Characters that change how text around them displays without being visible
/// themselves: bidirectional controls (the "Trojan Source" characters), zero-width
/// characters and other invisible format characters.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                  // soft hyphen
        | '\u{061C}'                // Arabic letter mark
        | '\u{115F}' | '\u{1160}'   // Hangul fillers
        | '\u{180E}'                // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}'   // zero-width space/joiners, LRM, RLM
        | '\u{2028}' | '\u{2029}'   // line and paragraph separators
        | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}'   // word joiner, invisible operators, bidi isolates
        | '\u{3164}'                // Hangul filler
        | '\u{FE00}'..='\u{FE0F}'   // variation selectors
        | '\u{FEFF}'                // zero-width no-break space (BOM)
        | '\u{FFA0}'                // halfwidth Hangul filler
        | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotation
        | '\u{E0000}'..='\u{E007F}' // tags
    )
}

/// Why `id` cannot be a call id, if it cannot: empty, longer than
/// [`MAX_CALL_ID_BYTES`], or holding a control, bidirectional, zero-width or path
/// separator character. The message shows the id escaped, so it is safe to print.
pub fn check_call_id(id: &str) -> Result<(), String> {
    if id.trim().is_empty() {
        return Err("call_id is empty".into());
    }
    if id.len() > MAX_CALL_ID_BYTES {
        return Err(format!(
            "call_id is {} bytes long (at most {MAX_CALL_ID_BYTES}): {:?}…",
            id.len(),
            id.chars()
                .take(40)
                .collect::<String>()
                .escape_default()
                .to_string()
        ));
    }
    if let Some(c) = id.chars().find(|&c| c.is_control()) {
        return Err(format!(
            "call_id \"{}\" contains a control character ({})",
            id.escape_default(),
            c.escape_unicode()
        ));
    }
    if let Some(c) = id.chars().find(|&c| is_invisible_format(c)) {
        return Err(format!(
            "call_id \"{}\" contains an invisible or bidirectional character ({})",
            id.escape_default(),
            c.escape_unicode()
        ));
    }
    if id.contains(['/', '\\']) {
        return Err(format!(
            "call_id \"{}\" contains a path separator (/ or \\)",
            id.escape_default()
        ));
    }
    if id == "." || id == ".." {
        return Err(format!("call_id {id:?} is not a name"));
    }
    Ok(())
}

/// Longest file name [`file_name_for`] builds before it falls back to a hash, bytes (file
/// systems allow 255).
const MAX_NAME_BYTES: usize = 180;

/// A file name for a call id, e.g. `<dir>/<file_name_for(id)>.json`: distinct ids always
/// get distinct names (on a case-sensitive file system), whatever they hold.
///
/// Letters and digits (any script), `-` and `_` are kept; every other byte (space, `.`,
/// `%`, `/`, …) is written `%XX`, so `a b`, `a_b` and `a/b` become `a%20b`, `a_b` and
/// `a%2Fb`. A name that would be longer than 180 bytes is cut and ends in `~` and 16 hex
/// digits of the id's SHA-256 (`~` never appears otherwise, as it is escaped).
pub fn file_name_for(call_id: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut out = String::with_capacity(call_id.len());
    for c in call_id.chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    if out.is_empty() {
        // Only an empty id (refused by `check_call_id`) gets here.
        out.push_str("%00");
    }
    if out.len() <= MAX_NAME_BYTES {
        return out;
    }
    let mut cut = MAX_NAME_BYTES - 17;
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    let h = Sha256::digest(call_id.as_bytes());
    let hex: String = h[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}~{hex}", &out[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_ids_pass() {
        for id in [
            "c-001",
            "c-001_ок",
            "a b",
            "2026.11.02 #7",
            &"x".repeat(200),
        ] {
            assert!(check_call_id(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn hostile_ids_are_refused() {
        for id in [
            "",
            " ",
            &"x".repeat(201),
            "a\nb",
            "a\u{1b}[31mred",
            "a\u{202E}fdp.exe",
            "a\u{200B}b",
            "a\u{2066}b",
            "\u{FEFF}c1",
            "a/b",
            "..\\x",
            "..",
        ] {
            let e = check_call_id(id).unwrap_err();
            assert!(!e.chars().any(|c| c.is_control()), "{e:?}");
        }
    }

    #[test]
    fn file_names_never_collide() {
        let ids = [
            "a/b", "a_b", "a b", "a%2Fb", "a.b", "A", "a", ".", "..", "a~", "ок", "о к",
        ];
        let names: std::collections::HashSet<String> =
            ids.iter().map(|i| file_name_for(i)).collect();
        assert_eq!(names.len(), ids.len(), "{names:?}");
        for n in &names {
            assert!(!n.contains('/') && !n.starts_with('.') && n.len() <= MAX_NAME_BYTES);
        }
        assert_eq!(file_name_for("c-001"), "c-001");
        let long_a = "é".repeat(100);
        let long_b = format!("{}x", "é".repeat(99));
        let (a, b) = (file_name_for(&long_a), file_name_for(&long_b));
        assert!(a.len() <= MAX_NAME_BYTES && a.contains('~'), "{a}");
        assert_ne!(a, b);
    }
}
