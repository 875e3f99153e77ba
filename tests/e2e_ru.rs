//! End to end in Russian: a stereo 8 kHz A-law call spoken by Festival's recorded Russian
//! voice (Whisper base understands it with realistic errors, the kind the rules must
//! survive): greeting with company and name, a hold phrase "оставайтесь на линии" in the
//! middle (not a survey offer), a 7 s hold, a 1.5 s customer interruption, thanks, a
//! survey offer and a farewell in the closing part.

use crate::common::*;

const READ: &str = r#"
import duckdb, json, sys
out = sys.argv[1]
def rows(sql):
    cur = duckdb.sql(sql)
    return [dict(zip(cur.columns, r)) for r in cur.fetchall()]
calls = rows(f"select * from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true)")
utts = rows(f"select idx, speaker, start_s, end_s, text, tags from read_parquet('{out}/utterances/**/*.parquet', hive_partitioning=true) order by idx")
print(json.dumps({"calls": calls, "utts": utts}, default=str))
"#;

#[test]
fn russian_festival_call_through_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let truth = synth(
        &repo().join("tests/data/calls/ru_call_basic.json"),
        &input.join("ru_call_basic.wav"),
    );
    let out = dir.path().join("out");
    let o = callqa()
        .args(["run", "--language", "ru", "--input"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    check(&o, "callqa run (ru)");
    let v = py_json(READ, &[&out]);
    let c = &v["calls"][0];
    eprintln!("call row: {c}");
    assert_eq!(c["pipeline"], "ru-contact-center");
    assert_eq!(c["language"], "ru");
    for flag in ["greeting", "self_introduction", "thanks", "survey_offer"] {
        assert_eq!(c[flag], true, "{flag}: {c}");
    }
    assert_eq!(c["long_pauses"], 1, "{c}");
    let longest = c["longest_pause_s"].as_f64().unwrap();
    assert!((6.4..=7.3).contains(&longest), "{c}");
    assert_eq!(c["customer_interruptions"], 1, "{c}");
    assert_eq!(c["operator_interruptions"], 0, "{c}");

    let utts = v["utts"].as_array().unwrap();
    let said = |who: &str| -> String {
        utts.iter()
            .filter(|u| u["speaker"] == who)
            .map(|u| u["text"].as_str().unwrap())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let truth_said = |who: &str| -> String {
        truth["turns"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["speaker"] == who)
            .map(|t| t["text"].as_str().unwrap())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let w = wer(
        &format!("{} {}", truth_said("operator"), truth_said("customer")),
        &format!("{} {}", said("operator"), said("customer")),
    );
    eprintln!("Russian WER {w:.3}");
    assert!(
        w <= 0.35,
        "WER {w}: {}",
        serde_json::to_string_pretty(utts).unwrap()
    );

    // the mid-call hold "оставайтесь на линии" carries no survey_offer tag; the closing does
    let tags_of = |u: &serde_json::Value| -> Vec<String> {
        u["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    };
    let hold = utts
        .iter()
        .find(|u| {
            u["speaker"] == "operator"
                && u["start_s"].as_f64().unwrap() < 20.0
                && u["text"].as_str().unwrap().to_lowercase().contains("уточн")
        })
        .unwrap_or_else(|| panic!("hold utterance not recognised: {utts:?}"));
    assert!(
        !tags_of(hold).iter().any(|t| t.starts_with("survey_offer")),
        "{hold}"
    );
    let last_op = utts
        .iter()
        .rev()
        .find(|u| u["speaker"] == "operator")
        .unwrap();
    assert!(
        tags_of(last_op)
            .iter()
            .any(|t| t.starts_with("survey_offer")),
        "{last_op}"
    );
}
