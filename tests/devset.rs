//! The labelled development set (tests/data/devset): `callqa analyze` on the Russian and
//! English calls, then `callqa eval` against truth.csv must pass F1 >= 0.95 for every
//! boolean element and exact match >= 0.90 for every count. Also: eval's failure exit code,
//! missing calls and broken truth rows.

use crate::common::*;
use std::path::Path;

fn analyze(lang: &str, out: &Path) {
    let o = callqa()
        .args(["analyze", "--transcripts"])
        .arg(repo().join("tests/data/devset").join(lang))
        .arg("--pipeline")
        .arg(repo().join(format!("pipelines/{lang}-contact-center.toml")))
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    check(&o, &format!("callqa analyze devset/{lang}"));
}

fn eval(out: &Path, truth: &Path, min_f1: &str, min_exact: &str) -> std::process::Output {
    callqa()
        .args(["eval", "--pred"])
        .arg(out)
        .arg("--truth")
        .arg(truth)
        .args(["--min-f1", min_f1, "--min-exact", min_exact])
        .output()
        .unwrap()
}

#[test]
fn devset_meets_quality_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze("ru", &out);
    analyze("en", &out);
    let truth = repo().join("tests/data/devset/truth.csv");
    let n_truth = std::fs::read_to_string(&truth).unwrap().lines().count() - 1;
    assert!(n_truth >= 60, "{n_truth} truth rows");
    let o = eval(&out, &truth, "0.95", "0.90");
    let stdout = String::from_utf8_lossy(&o.stdout);
    check(&o, "callqa eval");
    eprintln!("{stdout}");
    for el in [
        "greeting",
        "thanks",
        "survey_offer",
        "farewell",
        "self_introduction",
        "long_pauses",
        "operator_interruptions",
        "customer_interruptions",
        "customer_questions",
        "concrete_answers",
        "vague_answers",
    ] {
        assert!(
            stdout.lines().any(|l| l.starts_with(el)),
            "{el} not reported:\n{stdout}"
        );
    }
    assert!(stdout.contains("PASS"), "{stdout}");
    assert!(!stdout.contains("missing"), "{stdout}");

    // A stricter bar than the set reaches fails with exit code 4 and names the element.
    let o = eval(&out, &truth, "1.01", "0.90");
    assert_eq!(o.status.code(), Some(4), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("greeting: F1 1.000 < 1.01"));
}

#[test]
fn eval_reports_missing_calls_and_broken_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze("en", &out);
    let truth = dir.path().join("truth.csv");
    std::fs::write(
        &truth,
        "call_id,greeting,thanks,survey_offer,long_pauses,operator_interruptions,customer_interruptions,concrete_answers,vague_answers\n\
         en_dev_01_power_outage_concrete,true,true,true,0,0,0,1,0\n\
         en_dev_02_power_outage_vague_asr,maybe,false,false,0,0,0,0,1\n\
         en_dev_03_delivery_where,true,true\n\
         no_such_call,true,true,true,0,0,0,0,0\n",
    )
    .unwrap();
    let o = eval(&out, &truth, "0", "0");
    let stdout = String::from_utf8_lossy(&o.stdout);
    check(&o, "callqa eval without thresholds");
    assert!(
        stdout.contains("line 3") && stdout.contains("greeting = \"maybe\""),
        "{stdout}"
    );
    assert!(stdout.contains("line 4"), "{stdout}");
    assert!(
        stdout.contains("1 truth call(s) missing") && stdout.contains("no_such_call"),
        "{stdout}"
    );
    assert!(stdout.contains("not in the truth, ignored"), "{stdout}");
    // The missing call is scored as wrong: greeting recall 1/2.
    let g = stdout
        .lines()
        .find(|l| l.starts_with("greeting"))
        .unwrap_or_default();
    assert!(g.contains("0.500"), "{g}");

    // No predictions at all is a clear error, not a pass.
    let o = eval(&dir.path().join("nothing"), &truth, "0", "0");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no calls/ folder"));
}
