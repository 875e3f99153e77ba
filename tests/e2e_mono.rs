//! Mono recordings end to end: the basic English call (greeting, a 7 s hold pause, a
//! 1.5 s interruption by the customer, thanks and a survey offer) synthesised on ONE
//! channel, and a one-voice voicemail, through `callqa run`, read back with DuckDB.

use crate::common::*;

const READ: &str = r#"
import duckdb, json, sys
out = sys.argv[1]
c = duckdb.connect()
def rows(sql):
    cur = c.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
calls = {r['call_id']: r for r in rows(f"select * from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true)")}
utts = rows(f"select call_id, idx, speaker, start_s, end_s, text, tags from read_parquet('{out}/utterances/**/*.parquet', hive_partitioning=true) order by call_id, idx")
print(json.dumps({"calls": calls, "utts": utts}, default=str))
"#;

fn f(c: &serde_json::Value, k: &str) -> f64 {
    c[k].as_f64()
        .unwrap_or_else(|| panic!("{k} is not a number: {c}"))
}

#[test]
fn downmixed_call_gets_operator_and_customer_and_a_voicemail_stays_one_speaker() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    // The stereo test's call, on one channel.
    let mut spec: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("tests/data/calls/en_call_basic.json")).unwrap(),
    )
    .unwrap();
    spec["layout"] = "mono".into();
    let spec_path = dir.path().join("mono.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    let truth = synth(&spec_path, &input.join("mono_call.wav"));
    let vm = serde_json::json!({"layout": "mono", "turns": [
        {"speaker": "operator", "text": "Hello, you have reached the voicemail of Anna Smith."},
        {"speaker": "operator", "text": "I cannot take your call right now.", "gap": 0.6},
        {"speaker": "operator", "text": "Please leave a message after the tone.", "gap": 0.8}]});
    let vm_path = dir.path().join("vm.json");
    std::fs::write(&vm_path, vm.to_string()).unwrap();
    synth(&vm_path, &input.join("voicemail.wav"));

    let out = dir.path().join("out");
    let o = callqa()
        .args(["run", "--language", "en", "--threads", "2", "--input"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    check(&o, "callqa run");
    let v = py_json(READ, &[&out]);
    let c = &v["calls"]["mono_call"];
    eprintln!("mono call: {c}");

    // Two speakers, told apart by the words of the script.
    assert_eq!(c["channel_layout"], "mono");
    assert_eq!(c["speakers"], 2, "{c}");
    assert!(
        c["diarization"]
            .as_str()
            .is_some_and(|d| d.starts_with("resemblyzer_ge2e@")),
        "{c}"
    );
    assert!(
        c["role_method"]
            .as_str()
            .is_some_and(|m| m.starts_with("words")),
        "{c}"
    );
    assert!(f(c, "role_confidence") > 0.9, "{c}");
    // Each truth turn is heard from its speaker, in order.
    let utts: Vec<&serde_json::Value> = v["utts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["call_id"] == "mono_call")
        .collect();
    for t in truth["turns"].as_array().unwrap() {
        let mid = (f(t, "start") + f(t, "end")) / 2.0;
        assert!(
            utts.iter().any(|u| u["speaker"] == t["speaker"]
                && f(u, "start_s") <= mid
                && mid < f(u, "end_s")),
            "turn {t} not heard from its speaker: {utts:?}"
        );
    }
    // Timing as in stereo: talk times near the truth's, the hold pause, the interruption.
    let talk = |who: &str| -> f64 {
        truth["turns"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["speaker"] == who)
            .map(|t| f(t, "end") - f(t, "start"))
            .sum()
    };
    for (col, who) in [
        ("operator_talk_s", "operator"),
        ("customer_talk_s", "customer"),
    ] {
        let (got, want) = (f(c, col), talk(who));
        assert!((got - want).abs() <= 0.15 * want, "{col}: {got} vs {want}");
    }
    assert_eq!(c["long_pauses"], 1, "{c}");
    assert_eq!(c["customer_interruptions"], 1, "{c}");
    assert_eq!(c["operator_interruptions"], 0, "{c}");
    for k in ["greeting", "self_introduction", "thanks"] {
        assert_eq!(c[k], true, "{k}: {c}");
    }
    // The survey offer follows the words heard (common.rs, `operator_heard_rate`).
    let (operator_words, heard_rate) = operator_heard_rate(utts.iter().copied());
    assert_eq!(c["survey_offer"], heard_rate, "{c} / {operator_words}");

    // One voice: one speaker, and null where a second one is needed; no error.
    let vm = &v["calls"]["voicemail"];
    assert_eq!(vm["speakers"], 1, "{vm}");
    for k in [
        "operator_talk_s",
        "customer_talk_s",
        "operator_interruptions",
        "role_method",
        "role_confidence",
    ] {
        assert!(vm[k].is_null(), "{k} must be null: {vm}");
    }
    assert!(v["utts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["call_id"] == "voicemail")
        .all(|u| u["speaker"] == "mixed"));
}
