//! Personal data never reaches the tables: a synthesised call in which the customer reads
//! out a phone number goes through `callqa run` (real Whisper); the number must be a
//! `[PHONE]` placeholder in `utterances.text`, in the tags and in the `--dump-transcripts`
//! JSON, counted in `calls.pii_redactions`, while the operator's "three o'clock" still makes
//! a concrete answer. With `[redaction] enabled = false` the digits stay and the count is
//! null.

use crate::common::*;

const READ: &str = r#"
import duckdb, json, sys
out = sys.argv[1]
c = duckdb.connect()
calls = c.execute(f"select pii_redactions, concrete_answers from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true)").fetchall()
utts = c.execute(f"select speaker, text, tags from read_parquet('{out}/utterances/**/*.parquet', hive_partitioning=true) order by idx").fetchall()
print(json.dumps({"calls": calls, "utts": utts}))
"#;

/// Longest run of digits (ignoring spaces, dashes, commas, dots, brackets) in `s`.
fn longest_digit_run(s: &str) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in s.chars() {
        if c.is_ascii_digit() {
            cur += 1;
            best = best.max(cur);
        } else if !matches!(c, ' ' | '-' | ',' | '.' | '(' | ')') {
            cur = 0;
        }
    }
    best
}

#[test]
fn dictated_phone_number_is_redacted_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    synth(
        &repo().join("tests/data/calls/en_call_pii.json"),
        &input.join("en_call_pii.wav"),
    );
    let run = |pipeline: &std::path::Path, out: &std::path::Path, dump: &std::path::Path| {
        let o = callqa()
            .args(["run", "--language", "en", "--no-acoustic", "--input"])
            .arg(&input)
            .arg("--pipeline")
            .arg(pipeline)
            .arg("--out")
            .arg(out)
            .arg("--dump-transcripts")
            .arg(dump)
            .output()
            .unwrap();
        check(&o, "callqa run");
        py_json(READ, &[out])
    };
    let shipped = repo().join("pipelines/en-contact-center.toml");
    let (out, dump) = (dir.path().join("out"), dir.path().join("dump"));
    let v = run(&shipped, &out, &dump);
    eprintln!("{v}");
    let utts = v["utts"].as_array().unwrap();
    let customer = utts
        .iter()
        .find(|u| u[1].as_str().unwrap_or("").contains("[PHONE]"))
        .unwrap_or_else(|| panic!("no [PHONE] in the utterances: {v}"));
    assert_eq!(customer[0], "customer");
    for u in utts {
        let text = u[1].as_str().unwrap();
        assert!(longest_digit_run(text) < 7, "digits left in {text:?}");
        assert!(
            longest_digit_run(&u[2].to_string()) < 7,
            "digits in tags {}",
            u[2]
        );
    }
    assert!(v["calls"][0][0].as_i64().unwrap() >= 1, "{v}");
    // The operator's promise is still a concrete answer.
    assert_eq!(v["calls"][0][1], 1, "{v}");
    let dumped = callqa_core::Transcript::from_path(&dump.join("en_call_pii.json")).unwrap();
    let texts: Vec<&str> = dumped.utterances.iter().map(|u| u.text.as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("[PHONE]")), "{texts:?}");
    assert!(texts.iter().all(|t| longest_digit_run(t) < 7), "{texts:?}");

    // Switched off in the pipeline file: the digits stay, the count is null.
    let cfg = std::fs::read_to_string(&shipped).unwrap();
    let (head, tail) = cfg.split_once("\n[redaction]\n").unwrap();
    let cfg = format!(
        "{head}\n[redaction]\n{}",
        tail.replacen("enabled = true", "enabled = false", 1)
    );
    let off = dir.path().join("no-redaction.toml");
    std::fs::write(&off, cfg).unwrap();
    let v = run(&off, &dir.path().join("out2"), &dir.path().join("dump2"));
    assert!(v["calls"][0][0].is_null(), "{v}");
    let texts: String = v["utts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u[1].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        !texts.contains("[PHONE]") && longest_digit_run(&texts) >= 7,
        "{texts}"
    );
}
