//! Helpers shared by the end-to-end tests: paths, the venv's Python, synthesis, DuckDB.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    callqa_core::paths::repo_root()
}

pub fn python() -> PathBuf {
    let p = repo().join(".cache/venv/bin/python");
    assert!(p.exists(), "{} missing: run scripts/setup.sh", p.display());
    p
}

pub fn callqa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_callqa"))
}

pub fn check(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what} failed ({:?})\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Synthesise a call from a turn spec with scripts/synth_call.py; returns the truth JSON.
pub fn synth(spec: &Path, out: &Path) -> serde_json::Value {
    let truth = out.with_extension("truth.json");
    let o = Command::new(python())
        .arg(repo().join("scripts/synth_call.py"))
        .arg(spec)
        .arg(out)
        .arg("--truth")
        .arg(&truth)
        .output()
        .expect("run synth_call.py");
    check(&o, "synth_call.py");
    serde_json::from_slice(&std::fs::read(&truth).expect("truth file")).expect("truth json")
}

/// Run a Python snippet with DuckDB/pyarrow available; `args` become sys.argv[1..].
/// The snippet prints JSON on its last line, which is returned.
pub fn py_json(script: &str, args: &[&Path]) -> serde_json::Value {
    let o = Command::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("run python");
    check(&o, "python reader");
    let out = String::from_utf8_lossy(&o.stdout);
    let last = out.lines().last().unwrap_or("");
    serde_json::from_str(last).unwrap_or_else(|e| panic!("bad JSON from reader ({e}): {out}"))
}

/// Word error rate of `hyp` against `reference` (case and punctuation ignored).
pub fn wer(reference: &str, hyp: &str) -> f64 {
    let norm = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '\'' {
                    c
                } else {
                    ' '
                }
            })
            .collect::<String>()
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    let (r, h) = (norm(reference), norm(hyp));
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for i in 1..=r.len() {
        let mut cur = vec![i; h.len() + 1];
        for j in 1..=h.len() {
            let sub = prev[j - 1] + usize::from(r[i - 1] != h[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        prev = cur;
    }
    prev[h.len()] as f64 / r.len().max(1) as f64
}

/// EmoDB (`../shared/data/emodb`, or `$CALLQA_EMODB`), or None with a note when absent.
/// CI always has `../shared` beside the clone: there a missing corpus fails the test.
pub fn emodb() -> Option<PathBuf> {
    let dir = std::env::var_os("CALLQA_EMODB")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/data/emodb"));
    if dir.join("labels.csv").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "no EmoDB at {} (CI must have ../shared/data/emodb)",
        dir.display()
    );
    eprintln!("SKIP: no EmoDB at {} (set CALLQA_EMODB)", dir.display());
    None
}

/// A stereo (or `--mono`) call built from EmoDB utterances by `scripts/emodb_call.py`,
/// e.g. `emodb_call(&dir, "03:anger", "08:neutral", &out, &[])`.
pub fn emodb_call(emodb: &Path, customer: &str, operator: &str, out: &Path, extra: &[&str]) {
    let o = Command::new(python())
        .arg(repo().join("scripts/emodb_call.py"))
        .arg("--emodb")
        .arg(emodb)
        .args(["--customer", customer, "--operator", operator])
        .args(extra)
        .arg(out)
        .output()
        .expect("run emodb_call.py");
    check(&o, "emodb_call.py");
}

/// The operator's words among `utts` (rows with `speaker` and `text`), lowercased, and
/// whether they say the survey offer of `tests/data/calls/en_call_basic.json` ("rate our
/// conversation") as heard. CTranslate2 hears espeak-ng's "rate" as "read" in some
/// batchings of that call (on the 16 bench calls both engines find the same 4 survey
/// offers, benches/README.md), so a test asserts that `survey_offer` follows the words.
pub fn operator_heard_rate<'a>(
    utts: impl IntoIterator<Item = &'a serde_json::Value>,
) -> (String, bool) {
    let words = utts
        .into_iter()
        .filter(|u| u["speaker"] == "operator")
        .map(|u| u["text"].as_str().unwrap_or_default().to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let heard = words.contains("rate our") || words.contains("rate the");
    (words, heard)
}
