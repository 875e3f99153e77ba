//! `callqa analyze` on the hand-written Russian and English transcripts in
//! tests/data/transcripts: the flags read back from Parquet (DuckDB) match
//! tests/data/transcripts/expected.csv.

use crate::common::*;
use std::collections::HashMap;

const READ: &str = r#"
import duckdb, json, sys
out = sys.argv[1]
rows = duckdb.sql(f"select * from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true)")
names = rows.columns
print(json.dumps([dict(zip(names, r)) for r in rows.fetchall()], default=str))
"#;

fn expected() -> HashMap<String, HashMap<String, String>> {
    let path = repo().join("tests/data/transcripts/expected.csv");
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let m: HashMap<String, String> = headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            (m["call_id"].clone(), m)
        })
        .collect()
}

fn run_pack(lang: &str) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = callqa()
        .args(["analyze", "--transcripts"])
        .arg(repo().join("tests/data/transcripts").join(lang))
        .arg("--pipeline")
        .arg(repo().join(format!("pipelines/{lang}-contact-center.toml")))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    check(&o, &format!("callqa analyze ({lang})"));
    let calls = py_json(READ, &[&out]);
    let exp = expected();
    let calls = calls.as_array().unwrap();
    assert!(!calls.is_empty());
    let mut failures = Vec::new();
    for c in calls {
        let id = c["call_id"].as_str().unwrap();
        let e = exp
            .get(id)
            .unwrap_or_else(|| panic!("{id} missing from expected.csv"));
        for (col, want) in e {
            if col == "call_id" || want.is_empty() {
                continue;
            }
            let got = match &c[col.as_str()] {
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Null => "".into(),
                v => v.to_string(),
            };
            if got != want.to_lowercase() {
                failures.push(format!("{id}.{col}: got {got}, want {want}"));
            }
        }
        assert!(c["asr_model"].is_null(), "analyze has no ASR model");
        assert_eq!(c["pipeline"], format!("{lang}-contact-center"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    calls.len()
}

#[test]
fn russian_transcripts_give_expected_flags() {
    assert!(run_pack("ru") >= 8);
}

#[test]
fn english_transcripts_give_expected_flags() {
    assert!(run_pack("en") >= 5);
}

#[test]
fn broken_transcript_is_an_error_row_and_the_rest_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("ok.json"),
        r#"{"call_id":"ok1","operator_id":"op","started_at":"2026-11-02T10:00:00Z","language":"en",
            "utterances":[{"speaker":"operator","start":0.5,"end":3,"text":"Good morning, Acme Bank, my name is Anna."}]}"#,
    )
    .unwrap();
    std::fs::write(
        input.join("trunc.json"),
        r#"{"call_id":"t1","utterances":[{"spea"#,
    )
    .unwrap();
    std::fs::write(
        input.join("times.json"),
        r#"{"call_id":"t2","started_at":"2026-11-02T10:00:00Z","utterances":[{"speaker":"operator","start":9,"end":3,"text":"x"}]}"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = callqa()
        .args(["analyze", "--pipeline"])
        .arg(repo().join("pipelines/en-contact-center.toml"))
        .arg("--transcripts")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = py_json(
        r#"
import duckdb, json, sys
out = sys.argv[1]
c = duckdb.sql(f"select call_id, greeting from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true)").fetchall()
e = duckdb.sql(f"select path, stage, message from read_parquet('{out}/errors/**/*.parquet', hive_partitioning=true) order by path").fetchall()
print(json.dumps({"calls": c, "errors": e}))
"#,
        &[&out],
    );
    assert_eq!(v["calls"], serde_json::json!([["ok1", true]]));
    let errs = v["errors"].as_array().unwrap();
    assert_eq!(errs.len(), 2);
    assert!(errs[0][2].as_str().unwrap().contains("times.json"));
    assert!(errs[1][2].as_str().unwrap().contains("trunc.json"));
}
