//! The labelled development set (tests/data/devset): `callqa analyze` on the Russian and
//! English calls, then `callqa eval` on the calls the rules were tuned on must pass F1 >=
//! 0.95 for every boolean element, exact match >= 0.90 for every count, redaction recall 1
//! and >= 95 % of the numbers that must stay kept; the held-out calls must hold their
//! measured quality (docs/QUALITY.md). Also: eval's failure exit code, missing calls and
//! broken truth rows, and no labelled personal data anywhere in utterances/.

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
    eval_with(out, truth, min_f1, min_exact, &[])
}

fn eval_with(
    out: &Path,
    truth: &Path,
    min_f1: &str,
    min_exact: &str,
    extra: &[&str],
) -> std::process::Output {
    callqa()
        .args(["eval", "--pred"])
        .arg(out)
        .arg("--truth")
        .arg(truth)
        .args(["--min-f1", min_f1, "--min-exact", min_exact])
        .args(extra)
        .output()
        .unwrap()
}

/// `--pii-truth <devset>/<file>` with the issue's bars: every labelled piece of personal
/// data redacted, at least 95 % of the numbers that must stay kept.
fn pii_args(file: &Path) -> Vec<String> {
    pii_args_with(file, "1")
}

fn pii_args_with(file: &Path, recall: &str) -> Vec<String> {
    vec![
        "--pii-truth".into(),
        file.display().to_string(),
        "--min-redaction-recall".into(),
        recall.into(),
        "--min-kept".into(),
        "0.95".into(),
    ]
}

/// `<devset>/<name>` without the rows of the held-out calls, written to `dir`.
fn without_heldout(name: &str, dir: &Path) -> std::path::PathBuf {
    let devset = repo().join("tests/data/devset");
    let held = std::fs::read_to_string(devset.join("truth_heldout.csv")).unwrap();
    let held: Vec<&str> = held
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    let all = std::fs::read_to_string(devset.join(name)).unwrap();
    let kept: Vec<&str> = all
        .lines()
        .filter(|l| !held.contains(&l.split(',').next().unwrap_or("")))
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    path
}

/// The calls the rules were developed on (every dev call but the held-out ones).
#[test]
fn devset_meets_quality_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze("ru", &out);
    analyze("en", &out);
    let truth = without_heldout("truth.csv", dir.path());
    let n_truth = std::fs::read_to_string(&truth).unwrap().lines().count() - 1;
    // Every set not held out is tuning data, the eleventh blind set included (packs 1.6.2).
    assert!(n_truth >= 349, "{n_truth} truth rows");
    // Per question on the tuning calls: detection F1 0.998 with packs 1.9.16 (the stacked
    // detector was trained on the ledgers of the tuning sets up to 79), 0.999 with 1.9.12
    // (trained up to 71), 0.994 with 1.9.8 (trained up to 33), 0.981 with 1.9.1.
    let mut extra = pii_args(&without_heldout("pii.csv", dir.path()));
    extra.extend(question_args("0.97"));
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let o = eval_with(&out, &truth, "0.95", "0.90", &extra);
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
        "unanswered_questions",
        "complaint",
        "pii_redactions",
        "complaint_types",
        "redaction",
        "questions (per question)",
    ] {
        assert!(
            stdout.lines().any(|l| l.starts_with(el)),
            "{el} not reported:\n{stdout}"
        );
    }
    assert!(stdout.contains("PASS"), "{stdout}");
    assert!(!stdout.contains("missing"), "{stdout}");

    for kind in ["PHONE", "CARD", "EMAIL", "PASSPORT", "SNILS", "INN"] {
        assert!(
            stdout.lines().any(|l| l.trim_start().starts_with(kind)),
            "{kind} not scored:\n{stdout}"
        );
    }
    for t in ["service", "supervisor", "formal", "repeat", "churn"] {
        assert!(
            stdout.contains(&format!("  {t} ")),
            "{t} not scored:\n{stdout}"
        );
    }

    // A stricter bar than the set reaches fails with exit code 4 and names the element.
    let o = eval(&out, &truth, "1.01", "0.90");
    assert_eq!(o.status.code(), Some(4), "{o:?}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("greeting: F1 ") && l.ends_with("< 1.01")),
        "{stdout}"
    );
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

    // The per-question ledger: a broken row is named by its line and skipped; a question
    // on an utterance the rules did not take for one is missed, and the F1 bar fails.
    let ledger = dir.path().join("questions.csv");
    std::fs::write(
        &ledger,
        "call_id,question_idx,reply_idx,outcome\n\
         en_dev_01_power_outage_concrete,999,,unanswered\n\
         en_dev_01_power_outage_concrete,1,,concrete\n",
    )
    .unwrap();
    let o = eval_with(
        &out,
        &truth,
        "0",
        "0",
        &[
            "--questions-truth",
            &ledger.display().to_string(),
            "--min-question-f1",
            "0.5",
            "--list-question-errors",
        ],
    );
    assert_eq!(o.status.code(), Some(4), "{o:?}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("line 3") && stdout.contains("reply_idx (empty exactly when unanswered)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("questions: detection F1 0.000 < 0.5"),
        "{stdout}"
    );
    // --list-question-errors names each one: here the labelled question never found.
    assert!(
        stdout.contains(
            "en_dev_01_power_outage_concrete #999: question missed (unanswered labelled)"
        ),
        "{stdout}"
    );

    // No predictions at all is a clear error, not a pass.
    let o = eval(&dir.path().join("nothing"), &truth, "0", "0");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no calls/ folder"));
}

/// Floors of the held-out test: element F1, count exact, redaction recall by kind, and the
/// F1 of question detection per question. The held-out calls are the ninth, tenth,
/// fifteenth, seventeenth, thirty-fourth to thirty-ninth, forty-fourth, forty-fifth,
/// forty-eighth, forty-ninth, fifty-second, fifty-third, fifty-sixth, fifty-seventh,
/// sixtieth, sixty-first, sixty-fourth, sixty-fifth, sixty-eighth, sixty-ninth,
/// seventy-second, seventy-third, seventy-sixth, seventy-seventh, eightieth, eighty-first,
/// eighty-fourth, eighty-fifth, eighty-eighth, eighty-ninth, ninety-second, ninety-third,
/// ninety-sixth, ninety-seventh, hundredth, hundred-and-first, hundred-and-fourth,
/// hundred-and-fifth, hundred-and-eighth, hundred-and-ninth, hundred-and-twelfth,
/// hundred-and-thirteenth, hundred-and-sixteenth, hundred-and-seventeenth,
/// hundred-and-twentieth, hundred-and-twenty-first, hundred-and-twenty-fourth,
/// hundred-and-twenty-fifth, hundred-and-twenty-eighth, hundred-and-twenty-ninth,
/// hundred-and-thirty-second, hundred-and-thirty-third, hundred-and-thirty-sixth,
/// hundred-and-thirty-seventh, hundred-and-fortieth, hundred-and-forty-first,
/// hundred-and-forty-fourth, hundred-and-forty-fifth, hundred-and-forty-eighth and
/// hundred-and-forty-ninth blind sets (2048 calls, sixty-four writers), none tuned on
/// (redaction misses of sets 34, 35, 56, 57, 113 and 129 were fixed after their
/// measurement). Packs 1.9.31 were measured once on sets 148 + 149: questions / concrete /
/// vague / unanswered exact 0.953 / 0.953 / 0.984 / 0.984 (packs 1.9.1 on the same calls
/// 0.859 / 0.859 / 0.938 / 0.953), complaint F1 0.983; per question: detection precision
/// 0.995, recall 0.990. Over the 2048 calls with packs 1.9.32 (the NB-weighted stacked
/// detector trained up to set 135; the answer-verdict model trained up to set 91): lowest
/// element F1 0.964 (self_introduction; complaint 0.967), lowest count exact 0.903
/// (concrete_answers), redaction 1965 of 1965, question detection F1 0.985 (the 2013 calls
/// with a per-question ledger). The floors sit under that by a margin a harder new pair of
/// writers can take (sets 52 + 53 alone were 0.625 on concrete, 124 + 125 0.828), so a
/// change that costs the blind calls more than that shows (packs 1.9.12 raised them from
/// 0.90 / 0.80 / 0.94 for F1 / exact / question F1, packs 1.9.17 the exact floor from 0.82,
/// packs 1.9.27 the exact floor from 0.84 and the question F1 floor from 0.96).
const HELDOUT_MIN_F1: &str = "0.92";
const HELDOUT_MIN_EXACT: &str = "0.86";
const HELDOUT_MIN_RECALL: &str = "0.96";
const HELDOUT_MIN_QUESTION_F1: &str = "0.97";

/// `--questions-truth <devset>/questions.csv --min-question-f1 <f1>`: the per-question
/// ledger of the blind writers (tests/data/devset/ledger.py), question detection F1 floor.
fn question_args(min_f1: &str) -> Vec<String> {
    vec![
        "--questions-truth".into(),
        repo()
            .join("tests/data/devset/questions.csv")
            .display()
            .to_string(),
        "--min-question-f1".into(),
        min_f1.into(),
    ]
}

/// The calls of `truth_heldout.csv` (written by make_devset.py from the batches marked
/// held out; pii_heldout.csv holds their personal data) must hold the quality measured on
/// them once, so that a regression shows: the HELDOUT_* floors above and >= 95 % of the
/// numbers that must stay kept. Between sets (after every held-out set is tuned on and
/// before the next is added) both files hold only their header, and the test checks just
/// that.
#[test]
fn heldout_calls_hold_their_measured_quality() {
    let truth = repo().join("tests/data/devset/truth_heldout.csv");
    let pii_truth = repo().join("tests/data/devset/pii_heldout.csv");
    let truth_text = std::fs::read_to_string(&truth).unwrap();
    let n = truth_text.lines().skip(1).filter(|l| !l.is_empty()).count();
    if n == 0 {
        assert!(
            truth_text.starts_with("call_id,greeting,"),
            "truth_heldout.csv without its header"
        );
        let pii_text = std::fs::read_to_string(&pii_truth).unwrap();
        assert_eq!(
            pii_text.lines().skip(1).filter(|l| !l.is_empty()).count(),
            0,
            "personal data labelled for held-out calls that truth_heldout.csv lacks"
        );
        eprintln!("no held-out set installed (truth_heldout.csv is empty)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze("ru", &out);
    analyze("en", &out);
    let mut extra = pii_args_with(&pii_truth, HELDOUT_MIN_RECALL);
    extra.extend(question_args(HELDOUT_MIN_QUESTION_F1));
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let o = eval_with(&out, &truth, HELDOUT_MIN_F1, HELDOUT_MIN_EXACT, &extra);
    let stdout = String::from_utf8_lossy(&o.stdout);
    eprintln!("{stdout}");
    check(&o, "callqa eval on the held-out calls");
    assert!(
        stdout.contains("PASS") && !stdout.contains("missing"),
        "{stdout}"
    );
}

/// No labelled piece of personal data of the tuning calls survives anywhere in
/// utterances/: not in the text, not in the tags (DuckDB reads the files). (Held-out
/// calls, when there are any, are held to their measured redaction recall by the test
/// above.)
#[test]
fn no_personal_data_in_utterance_texts_or_tags() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze("ru", &out);
    analyze("en", &out);
    let v = py_json(
        r#"
import csv, duckdb, json, sys
out, pii, heldout = sys.argv[1], sys.argv[2], sys.argv[3]
held = {r["call_id"] for r in csv.DictReader(open(heldout))}
rows = [r for r in duckdb.connect().execute(f"select call_id, idx, lower(text), lower(array_to_string(tags, ' ')) from read_parquet('{out}/utterances/**/*.parquet', hive_partitioning=true)").fetchall() if r[0] not in held]
labelled = [r for r in csv.DictReader(open(pii)) if r["kind"] != "KEEP" and r["call_id"] not in held]
leaks = [(r["call_id"], r["value"]) for r in labelled for (c, i, text, tags) in rows if r["value"].lower() in text or r["value"].lower() in tags]
placeholders = sum(text.count("[") for (_, _, text, _) in rows)
print(json.dumps({"leaks": leaks, "labelled": len(labelled), "placeholders": placeholders}))
"#,
        &[
            &out,
            &repo().join("tests/data/devset/pii.csv"),
            &repo().join("tests/data/devset/truth_heldout.csv"),
        ],
    );
    assert_eq!(v["leaks"], serde_json::json!([]), "{v}");
    assert!(v["labelled"].as_u64().unwrap() >= 30, "{v}");
    assert_eq!(
        v["placeholders"], v["labelled"],
        "one placeholder per labelled piece: {v}"
    );
}
