//! End to end: a synthesised stereo 8 kHz µ-law English call (greeting, a 7 s hold pause,
//! a 1.5 s interruption by the customer, thanks and a survey offer) plus broken inputs,
//! through `callqa run`, read back with DuckDB.

use crate::common::*;

const READ: &str = r#"
import duckdb, json, sys
out = sys.argv[1]
c = duckdb.connect()
def rows(sql):
    cur = c.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
calls = rows(f"select * from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true) order by call_id")
types = {r['column_name']: r['column_type'] for r in rows(f"describe select * from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true)")}
utts = rows(f"select call_id, idx, speaker, start_s, end_s, text, tags from read_parquet('{out}/utterances/**/*.parquet', hive_partitioning=true) order by call_id, idx")
import glob
errs = rows(f"select call_id, path, stage, error_kind, message from read_parquet('{out}/errors/**/*.parquet', hive_partitioning=true) order by call_id") if glob.glob(f"{out}/errors/**/*.parquet", recursive=True) else []
print(json.dumps({"calls": calls, "types": types, "utts": utts, "errs": errs}, default=str))
"#;

#[test]
fn stereo_call_through_run_to_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let truth = synth(
        &repo().join("tests/data/calls/en_call_basic.json"),
        &input.join("en_call_basic.wav"),
    );
    // broken inputs: the batch must go on and report them
    std::fs::write(input.join("empty.wav"), b"").unwrap();
    std::fs::write(input.join("notes.wav"), b"this is a text file, not audio\n").unwrap();

    let out = dir.path().join("out");
    let transcripts = dir.path().join("transcripts");
    let o = callqa()
        .args(["run", "--language", "en", "--threads", "2", "--input"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .arg("--dump-transcripts")
        .arg(&transcripts)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(
        o.status.code(),
        Some(3),
        "partial run must exit 3\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("en_call_basic"),
        "summary table lists the call:\n{stdout}"
    );

    let v = py_json(READ, &[&out]);
    let calls = v["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 1, "{v}");
    let c = &calls[0];
    eprintln!("call row: {c}");

    // columns and types as BI tools see them
    let t = &v["types"];
    for (col, ty) in [
        ("call_id", "VARCHAR"),
        ("started_at", "TIMESTAMP WITH TIME ZONE"),
        ("call_date", "DATE"),
        ("duration_s", "DOUBLE"),
        ("long_pauses", "INTEGER"),
        ("longest_pause_s", "DOUBLE"),
        ("operator_interruptions", "INTEGER"),
        ("customer_interruptions", "INTEGER"),
        ("greeting", "BOOLEAN"),
        ("greeting_at_s", "DOUBLE"),
        ("self_introduction", "BOOLEAN"),
        ("thanks", "BOOLEAN"),
        ("survey_offer", "BOOLEAN"),
        ("farewell", "BOOLEAN"),
        ("customer_questions", "INTEGER"),
        ("concrete_answers", "INTEGER"),
        ("vague_answers", "INTEGER"),
        ("asr_model", "VARCHAR"),
        ("pipeline", "VARCHAR"),
        ("pipeline_version", "VARCHAR"),
        ("processed_at", "TIMESTAMP WITH TIME ZONE"),
        ("operator_talk_s", "DOUBLE"),
        ("customer_talk_s", "DOUBLE"),
        ("silence_s", "DOUBLE"),
        ("channel_layout", "VARCHAR"),
        ("language", "VARCHAR"),
        ("operator_id", "VARCHAR"),
        ("operator_smile_index", "DOUBLE"),
        ("operator_negative_share", "DOUBLE"),
        ("customer_anger_share", "DOUBLE"),
        ("customer_arousal_max", "DOUBLE"),
        ("operator_arousal_mean", "DOUBLE"),
        ("calm_under_pressure", "DOUBLE"),
        ("mirroring", "DOUBLE"),
        ("operator_f0_variability", "DOUBLE"),
        ("emotion_model", "VARCHAR"),
    ] {
        assert_eq!(t[col], ty, "column {col}: {t}");
    }

    let dur = truth["duration_s"].as_f64().unwrap();
    assert!((c["duration_s"].as_f64().unwrap() - dur).abs() < 0.1, "{c}");
    assert_eq!(c["channel_layout"], "operator_left");
    assert_eq!(c["language"], "en");
    // The default engine (`auto`) on a CPU build with scripts/setup.sh done: CTranslate2.
    assert_eq!(c["asr_model"], "ct2-whisper-base");
    assert_eq!(c["pipeline"], "en-contact-center");
    // the 7 s hold is the only long pause; VAD padding trims it a little
    assert_eq!(c["long_pauses"], 1, "{c}");
    let longest = c["longest_pause_s"].as_f64().unwrap();
    assert!(
        (6.4..=7.3).contains(&longest),
        "longest pause {longest}: {c}"
    );
    // the customer's 1.5 s overlap is an interruption; nothing else is
    assert_eq!(c["customer_interruptions"], 1, "{c}");
    assert_eq!(c["operator_interruptions"], 0, "{c}");
    assert_eq!(c["greeting"], true, "{c}");
    assert!(c["greeting_at_s"].as_f64().unwrap() < 1.5, "{c}");
    assert_eq!(c["self_introduction"], true, "{c}");
    assert_eq!(c["thanks"], true, "{c}");
    // The survey offer follows the words heard (common.rs, `operator_heard_rate`).
    let (operator_words, heard_rate) = operator_heard_rate(v["utts"].as_array().unwrap());
    assert_eq!(c["survey_offer"], heard_rate, "{c} / {operator_words}");
    // The English pack defines questions and answers: the counts are integers, and no more
    // questions are answered than asked.
    let n = |k: &str| {
        c[k].as_i64()
            .unwrap_or_else(|| panic!("{k} not an integer: {c}"))
    };
    assert!(
        n("concrete_answers") + n("vague_answers") <= n("customer_questions"),
        "{c}"
    );
    assert!(c["farewell"].is_boolean(), "{c}");
    // The acoustic stage ran on both channels (the values for espeak-ng's voice are not
    // meaningful; tests/e2e_smile.rs checks them on emotional speech).
    assert!(c["emotion_model"].is_string(), "{c}");
    let smile = c["operator_smile_index"].as_f64().unwrap_or(-1.0);
    assert!((0.0..=100.0).contains(&smile), "{c}");
    let op_talk = c["operator_talk_s"].as_f64().unwrap();
    let truth_op: f64 = truth["turns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["speaker"] == "operator")
        .map(|t| t["end"].as_f64().unwrap() - t["start"].as_f64().unwrap())
        .sum();
    assert!(
        (op_talk - truth_op).abs() < 2.5,
        "operator talk {op_talk} vs truth {truth_op}"
    );

    // transcript: words recognised, speakers right, time order, tags explain the flags
    let utts = v["utts"].as_array().unwrap();
    let text_of = |who: &str| -> String {
        utts.iter()
            .filter(|u| u["speaker"] == who)
            .map(|u| u["text"].as_str().unwrap())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let truth_of = |who: &str| -> String {
        truth["turns"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["speaker"] == who)
            .map(|t| t["text"].as_str().unwrap())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (op_wer, cu_wer) = (
        wer(&truth_of("operator"), &text_of("operator")),
        wer(&truth_of("customer"), &text_of("customer")),
    );
    eprintln!("operator WER {op_wer:.3}, customer WER {cu_wer:.3}");
    assert!(
        op_wer <= 0.25 && cu_wer <= 0.25,
        "WER op {op_wer} cu {cu_wer}\n{v}"
    );
    let cust = text_of("customer").to_lowercase();
    assert!(
        cust.contains("card") && cust.contains("yesterday"),
        "{cust}"
    );
    eprintln!("operator: {}", text_of("operator"));
    let starts: Vec<f64> = utts
        .iter()
        .map(|u| u["start_s"].as_f64().unwrap())
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "utterances in time order"
    );
    let all_tags: Vec<String> = utts
        .iter()
        .flat_map(|u| {
            u["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
        })
        .collect();
    let wanted: &[&str] = if heard_rate {
        &["greeting", "thanks", "survey_offer", "interruption"]
    } else {
        &["greeting", "thanks", "interruption"]
    };
    for want in wanted {
        assert!(
            all_tags.iter().any(|t| t.starts_with(want)),
            "no {want} tag in {all_tags:?}"
        );
    }

    // broken inputs are error rows naming the file; the valid call is not lost
    let errs = v["errs"].as_array().unwrap();
    assert_eq!(errs.len(), 2, "{errs:?}");
    for e in errs {
        assert_eq!(e["stage"], "decode", "{e}");
        let path = e["path"].as_str().unwrap();
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains(path.rsplit('/').next().unwrap()),
            "{e}"
        );
    }
    assert_eq!(errs[0]["call_id"], "empty");
    assert_eq!(errs[0]["error_kind"], "empty");
    assert_eq!(errs[1]["error_kind"], "unsupported_format");

    // --dump-transcripts writes the analyze format; analyze on it gives the same flags
    let dumped = transcripts.join("en_call_basic.json");
    let t = callqa_core::Transcript::from_path(&dumped).unwrap();
    assert_eq!(t.utterances.len(), utts.len());
    let out2 = dir.path().join("out2");
    let o = callqa()
        .args(["analyze", "--pipeline"])
        .arg(repo().join("pipelines/en-contact-center.toml"))
        .arg("--transcripts")
        .arg(&transcripts)
        .arg("--out")
        .arg(&out2)
        .output()
        .unwrap();
    check(&o, "callqa analyze on dumped transcripts");
    let v2 = py_json(READ, &[&out2]);
    let c2 = &v2["calls"][0];
    for k in [
        "greeting",
        "self_introduction",
        "thanks",
        "survey_offer",
        "long_pauses",
        "customer_interruptions",
    ] {
        assert_eq!(c2[k], c[k], "{k}");
    }
    assert!(c2["asr_model"].is_null());

    // a rerun skips what is already written (the ledger says so, broken inputs included):
    // no duplicate rows, nothing new failed, exit 0
    let o = callqa()
        .args(["run", "--language", "en", "--input"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v3 = py_json(READ, &[&out]);
    assert_eq!(
        v3["calls"].as_array().unwrap().len(),
        1,
        "rerun must not duplicate calls"
    );
    assert_eq!(v3["utts"].as_array().unwrap().len(), utts.len());
    assert_eq!(
        v3["errs"].as_array().unwrap().len(),
        errs.len(),
        "rerun must not report the same broken inputs again"
    );
}

/// `tests/data/calls/en_call_basic.json` synthesised into `dir`, and an empty input
/// folder beside it: (input folder, the call's WAV).
fn basic_call_and_input(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let full = dir.join("en_call_basic.wav");
    synth(&repo().join("tests/data/calls/en_call_basic.json"), &full);
    (input, full)
}

/// `sox FROM TO EFFECTS...`, which must succeed.
fn sox(from: &std::path::Path, to: &std::path::Path, effects: &[&str]) {
    let st = std::process::Command::new("sox")
        .arg(from)
        .arg(to)
        .args(effects)
        .status()
        .expect("run sox");
    assert!(st.success(), "sox {from:?} {to:?} {effects:?}");
}

/// Several Whisper workers transcribe different calls at once. Each call must get its own
/// words. whisper.cpp: with one thread per worker, the rows equal those of a single worker
/// run one call at a time (whisper.cpp is deterministic for a given thread count).
/// CTranslate2 (the default engine): the same utterances, and the same words but for the
/// odd one, since a window's encoder input is padded to the longest window of its batch
/// and the batches differ with the number of workers (docs/ARCHITECTURE.md).
#[test]
fn parallel_whisper_workers_keep_calls_apart() {
    let dir = tempfile::tempdir().unwrap();
    let (input, full) = basic_call_and_input(dir.path());
    // Three different calls: the whole call, its first 12 s, and its channels swapped.
    std::fs::copy(&full, input.join("whole.wav")).unwrap();
    sox(&full, &input.join("first12.wav"), &["trim", "0", "12"]);
    sox(&full, &input.join("swapped.wav"), &["remix", "2", "1"]);

    const UTTS: &str = r#"
import duckdb, json, sys
rows = duckdb.sql(f"select call_id, idx, speaker, round(start_s, 3), text from read_parquet('{sys.argv[1]}/utterances/**/*.parquet', hive_partitioning=true) order by call_id, idx").fetchall()
print(json.dumps(rows))
"#;
    let run = |name: &str, engine: &str, threads: &str, workers: &str| {
        let out = dir.path().join(name);
        let o = callqa()
            .args([
                "run",
                "--language",
                "en",
                "--no-acoustic",
                "--summary-rows",
                "0",
                "--engine",
                engine,
            ])
            .args(["--threads", threads, "--asr-workers", workers, "--input"])
            .arg(&input)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        check(
            &o,
            &format!("callqa run --threads {threads} --asr-workers {workers}"),
        );
        py_json(UTTS, &[&out])
    };
    let serial = run("serial", "whisper-cpp", "1", "1");
    let parallel = run("parallel", "whisper-cpp", "3", "3");
    let rows = serial.as_array().unwrap();
    let calls: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(calls.len(), 3, "every call has utterances: {serial}");
    // The swapped call has the operator's words on the customer side.
    let said = |call: &str, who: &str| -> String {
        rows.iter()
            .filter(|r| r[0] == call && r[2] == who)
            .map(|r| r[4].as_str().unwrap().to_lowercase())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(said("whole", "customer").contains("card"), "{serial}");
    assert!(said("swapped", "operator").contains("card"), "{serial}");
    assert_eq!(parallel, serial, "parallel workers changed the rows");

    // CTranslate2: the same utterances (call, index, speaker, start) and at least 90 % of
    // the words of each call in common.
    let serial = run("serial-ct2", "ct2", "1", "1");
    let parallel = run("parallel-ct2", "ct2", "3", "3");
    let (a, b) = (serial.as_array().unwrap(), parallel.as_array().unwrap());
    let frame = |rows: &[serde_json::Value]| -> Vec<String> {
        rows.iter()
            .map(|r| format!("{} {} {} {}", r[0], r[1], r[2], r[3]))
            .collect()
    };
    assert_eq!(
        frame(a),
        frame(b),
        "parallel workers changed the utterances"
    );
    let words = |rows: &[serde_json::Value], call: &str| -> Vec<String> {
        let mut w: Vec<String> = rows
            .iter()
            .filter(|r| r[0] == call)
            .flat_map(|r| {
                r[4].as_str()
                    .unwrap()
                    .split_whitespace()
                    .map(|w| w.to_lowercase())
                    .collect::<Vec<_>>()
            })
            .collect();
        w.sort();
        w
    };
    for call in ["whole", "first12", "swapped"] {
        let (x, y) = (words(a, call), words(b, call));
        let mut common = 0;
        let mut rest = y.clone();
        for w in &x {
            if let Some(i) = rest.iter().position(|v| v == w) {
                rest.swap_remove(i);
                common += 1;
            }
        }
        assert!(
            common as f64 >= 0.9 * x.len().max(y.len()) as f64,
            "{call}: {common} words in common of {} and {}: {serial} / {parallel}",
            x.len(),
            y.len()
        );
    }
}

/// Regression: on this call whisper.cpp 1.8.3 used to re-decode a window from a timestamp
/// under 0.14 s and abort the whole process in its DTW step (`filter_width < a->ne[2]`),
/// which would stop a nightly batch at the same call on every rerun. Windows are now
/// decoded in one pass (`single_segment`). Run with `[asr] dtw = true` (off by default).
#[test]
fn call_that_aborted_whisper_dtw_is_transcribed() {
    let dir = tempfile::tempdir().unwrap();
    let gen = dir.path().join("gen");
    let o = std::process::Command::new(python())
        .arg(repo().join("benches/gen_calls.py"))
        .arg("22")
        .arg(&gen)
        .output()
        .unwrap();
    check(&o, "benches/gen_calls.py 22");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::rename(gen.join("call_00021.wav"), input.join("call_00021.wav")).unwrap();
    // The English pack with DTW on (model paths made absolute for the copy).
    let pack = std::fs::read_to_string(repo().join("pipelines/en-contact-center.toml")).unwrap();
    assert!(
        pack.contains("\ndtw = false\n"),
        "the pack sets dtw = false"
    );
    let models = format!("\"{}/", repo().join("models").display());
    let pack = pack
        .replace("\ndtw = false\n", "\ndtw = true\n")
        .replace("\"../models/", &models);
    let pipeline = dir.path().join("en-dtw.toml");
    std::fs::write(&pipeline, pack).unwrap();
    let out = dir.path().join("out");
    let o = callqa()
        .args(["run", "--language", "en", "--no-acoustic", "--threads", "1"])
        .args(["--summary-rows", "0", "--pipeline"])
        .arg(&pipeline)
        .arg("--input")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    check(&o, "callqa run on call_00021");
    const N: &str = r#"
import duckdb, json, sys
print(json.dumps(duckdb.connect().execute(f"select count(*) from read_parquet('{sys.argv[1]}/utterances/**/*.parquet', hive_partitioning=true)").fetchone()[0]))
"#;
    let n = py_json(N, &[&out]).as_i64().unwrap();
    assert!(n >= 10, "call_00021 should have many utterances, got {n}");
}

/// A bug met on one call (a panic in preparation, transcription or scoring) becomes that
/// call's error row; the other calls are written and the run ends with exit code 3, so
/// a nightly batch never stops at the same call on every rerun. `--retry-errors` then
/// processes the call again.
#[test]
fn a_panic_on_one_call_becomes_its_error_row_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (input, full) = basic_call_and_input(dir.path());
    for (name, from) in [("a", "0"), ("b", "6"), ("c", "12")] {
        sox(
            &full,
            &input.join(format!("{name}.wav")),
            &["trim", from, "8"],
        );
    }
    let run = |out: &std::path::Path, panic: Option<&str>, extra: &[&str]| {
        let mut cmd = callqa();
        cmd.args([
            "run",
            "--language",
            "en",
            "--no-acoustic",
            "--summary-rows",
            "0",
        ])
        .args(["--threads", "2", "--input"])
        .arg(&input)
        .arg("--out")
        .arg(out)
        .args(extra);
        if let Some(p) = panic {
            cmd.env("CALLQA_PANIC", p);
        }
        let o = cmd.output().unwrap();
        let v = py_json(READ, &[out]);
        let calls: Vec<String> = v["calls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["call_id"].as_str().unwrap().to_string())
            .collect();
        (o, calls, v["errs"].as_array().unwrap().clone())
    };
    for stage in ["prepare", "asr", "features"] {
        let out = dir.path().join(format!("out-{stage}"));
        let (o, calls, errs) = run(&out, Some(&format!("{stage}:b")), &[]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(3), "panic in {stage}: {stderr}");
        assert_eq!(calls, ["a", "c"], "panic in {stage}: {stderr}");
        assert_eq!(errs.len(), 1, "panic in {stage}: {errs:?}");
        let e = &errs[0];
        assert_eq!(e["call_id"], "b");
        assert_eq!(e["stage"], stage);
        assert_eq!(e["error_kind"], "panic");
        let msg = e["message"].as_str().unwrap();
        assert!(
            msg.contains("b.wav") && msg.contains("panic point"),
            "the message names the file and the panic: {msg}"
        );
        if stage == "asr" {
            // Fixed (no more panic): --retry-errors writes the call and drops its error row.
            let (o, calls, errs) = run(&out, None, &["--retry-errors"]);
            check(&o, "callqa run --retry-errors");
            assert_eq!(calls, ["a", "b", "c"]);
            assert!(errs.is_empty(), "{errs:?}");
        }
    }
}
