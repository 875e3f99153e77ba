//! Exactly-once under kill -9. Three calls and a broken file go through `callqa run`
//! with a commit after every call; the process is killed with SIGKILL at chosen points
//! (while decoding, after ASR, with a batch staged but not committed, committed but not
//! published, half published) and at random moments, then rerun. Every time, DuckDB
//! must read the output as one dataset in which each call, its utterances and the
//! error row appear exactly once, identical to an uninterrupted run. Also: the ledger
//! makes reruns incremental, a changed input replaces its rows, `--reprocess` replaces
//! everything, a second run on the same output is refused, and `--shard` workers share
//! one output without overlap.

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const READ: &str = r#"
import duckdb, json, sys, glob, os
out = sys.argv[1]
c = duckdb.connect()
def q(sql):
    return c.execute(sql).fetchall()
def t(name):
    return f"read_parquet('{out}/{name}/**/*.parquet', hive_partitioning=true, union_by_name=true)"
has = lambda name: bool(glob.glob(f"{out}/{name}/**/*.parquet", recursive=True))
calls = q(f"select call_id, count(*), max(long_pauses), max(duration_s) from {t('calls')} group by call_id order by call_id") if has('calls') else []
utts = q(f"select call_id, count(*), count(distinct idx) from {t('utterances')} group by call_id order by call_id") if has('utterances') else []
errs = q(f"select call_id, stage, error_kind, count(*) from {t('errors')} group by all order by all") if has('errors') else []
ledger = q(f"select input_key, outcome, count(*) from read_parquet('{out}/_ledger/*.parquet') group by all order by all") if glob.glob(f"{out}/_ledger/*.parquet") else []
staging = [p for p in glob.glob(f"{out}/_staging/**", recursive=True) if os.path.isfile(p)]
files = sorted(os.path.relpath(p, out) for p in glob.glob(f"{out}/*/**/*.parquet", recursive=True) if not os.path.relpath(p, out).startswith('_'))
print(json.dumps({"calls": calls, "utts": utts, "errs": errs, "ledger": ledger, "staging": staging, "files": files}, default=str))
"#;

struct Fixture {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    input: std::path::PathBuf,
}

/// Three copies of the synthesised English call under different names, and an empty
/// (broken) .wav.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let input = root.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let wav = root.join("call.wav");
    synth(&repo().join("tests/data/calls/en_call_basic.json"), &wav);
    // The first 15 s of the call (greeting, question, hold): short calls keep the many
    // runs of these tests cheap.
    for name in ["call_a", "call_b", "call_c"] {
        sox_trim(&wav, &input.join(format!("{name}.wav")), 15.0);
    }
    std::fs::write(input.join("broken.wav"), b"").unwrap();
    Fixture {
        _dir: dir,
        root,
        input,
    }
}

fn sox_trim(from: &Path, to: &Path, seconds: f64) {
    let st = std::process::Command::new("sox")
        .arg(from)
        .arg(to)
        .args(["trim", "0", &seconds.to_string()])
        .status()
        .unwrap();
    assert!(st.success(), "sox trim {}", from.display());
}

fn run_args(input: &Path, out: &Path) -> Vec<String> {
    vec![
        "run".into(),
        "--language".into(),
        "en".into(),
        "--threads".into(),
        "2".into(),
        "--no-acoustic".into(),
        "--flush-every".into(),
        "1".into(),
        "--summary-rows".into(),
        "0".into(),
        "--input".into(),
        input.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ]
}

fn spawn(args: &[String], failpoint: Option<&str>) -> (Child, mpsc::Receiver<String>) {
    let mut cmd = callqa();
    cmd.args(args).stdout(Stdio::null()).stderr(Stdio::piped());
    if let Some(f) = failpoint {
        cmd.env("CALLQA_FAILPOINT", f);
    }
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Run to the failpoint, then SIGKILL. Returns the stderr seen.
fn run_and_kill_at(args: &[String], failpoint: &str) -> String {
    let (mut child, rx) = spawn(args, Some(failpoint));
    let name = failpoint.split(':').next().unwrap();
    let marker = format!("callqa failpoint {name} reached");
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut seen = String::new();
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => {
                let hit = line.contains(&marker);
                seen.push_str(&line);
                seen.push('\n');
                if hit {
                    break;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                panic!("callqa exited before failpoint {failpoint}:\n{seen}")
            }
        }
        assert!(
            Instant::now() < deadline,
            "failpoint {failpoint} never reached:\n{seen}"
        );
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    seen
}

fn run_to_end(args: &[String], what: &str) -> std::process::Output {
    let o = callqa().args(args).output().unwrap();
    assert!(
        matches!(o.status.code(), Some(0) | Some(3)),
        "{what}: {:?}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn state(out: &Path) -> serde_json::Value {
    py_json(READ, &[out])
}

/// The dataset holds each call, its utterances and the one error exactly once, exactly
/// as the uninterrupted reference run wrote them.
fn assert_exactly_once(out: &Path, reference: &serde_json::Value, what: &str) {
    let s = state(out);
    assert_eq!(
        s["calls"], reference["calls"],
        "{what}: calls (id, count, …)"
    );
    assert_eq!(s["utts"], reference["utts"], "{what}: utterances per call");
    assert_eq!(s["errs"], reference["errs"], "{what}: error rows");
    assert_eq!(
        s["staging"],
        serde_json::json!([]),
        "{what}: staging left over"
    );
    for c in s["calls"].as_array().unwrap() {
        assert_eq!(c[1], 1, "{what}: call {} appears {} times", c[0], c[1]);
    }
    for u in s["utts"].as_array().unwrap() {
        assert_eq!(
            u[1], u[2],
            "{what}: duplicate utterance idx in call {}",
            u[0]
        );
    }
}

#[test]
fn kill_9_at_any_point_then_rerun_gives_every_call_exactly_once() {
    let fx = fixture();
    let reference_out = fx.root.join("reference");
    let o = run_to_end(&run_args(&fx.input, &reference_out), "reference run");
    assert_eq!(o.status.code(), Some(3), "broken.wav makes the run partial");
    let reference = state(&reference_out);
    assert_eq!(
        reference["calls"].as_array().unwrap().len(),
        3,
        "{reference}"
    );
    assert_eq!(
        reference["errs"].as_array().unwrap().len(),
        1,
        "{reference}"
    );
    assert!(reference["utts"].as_array().unwrap().len() == 3);

    // A rerun is incremental: nothing to do, nothing written, exit 0.
    let before = state(&reference_out)["files"].clone();
    let o = run_to_end(&run_args(&fx.input, &reference_out), "incremental rerun");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        state(&reference_out)["files"],
        before,
        "a rerun with nothing new writes nothing"
    );
    assert_exactly_once(&reference_out, &reference, "incremental rerun");

    // Kill at fixed points; each time a rerun repairs the output.
    for fp in [
        "decode:2",
        "asr:2",
        "stage:2",
        "commit:2",
        "publish:2",
        "commit:4",
    ] {
        let out = fx.root.join(format!("out-{}", fp.replace(':', "-")));
        let args = run_args(&fx.input, &out);
        run_and_kill_at(&args, fp);
        // What is visible after the kill is readable (no half-written file) and holds no
        // call twice.
        let s = state(&out);
        for c in s["calls"].as_array().unwrap() {
            assert_eq!(c[1], 1, "after kill at {fp}: {s}");
        }
        run_to_end(&args, &format!("rerun after kill at {fp}"));
        assert_exactly_once(&out, &reference, &format!("kill at {fp}"));
        // And the run after that has nothing left to do.
        let files = state(&out)["files"].clone();
        let o = run_to_end(&args, "third run");
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(
            state(&out)["files"],
            files,
            "after kill at {fp}: third run wrote files"
        );
    }

    // Kills at arbitrary moments, several in a row, then one full run.
    let out = fx.root.join("out-random");
    let args = run_args(&fx.input, &out);
    for ms in [700u64, 2000, 3500, 5000] {
        let (mut child, _rx) = spawn(&args, None);
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill();
        child.wait().unwrap();
        let s = state(&out);
        for c in s["calls"].as_array().unwrap() {
            assert_eq!(c[1], 1, "after a kill at {ms} ms: {s}");
        }
    }
    run_to_end(&args, "rerun after random kills");
    assert_exactly_once(&out, &reference, "random kills");
}

#[test]
fn ledger_lock_replace_reprocess_and_shards() {
    let fx = fixture();
    let out = fx.root.join("out");
    let args = run_args(&fx.input, &out);

    // While one run holds the output, a second is refused with a clear message.
    let (mut first, rx) = spawn(&args, Some("asr:1"));
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
            if l.contains("callqa failpoint asr reached") {
                break;
            }
        }
        assert!(Instant::now() < deadline, "first run never reached ASR");
    }
    let o = callqa().args(&args).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("in use by another callqa run") && err.contains("pid"),
        "{err}"
    );
    first.kill().unwrap();
    first.wait().unwrap();
    // The kernel released the dead run's lock: the next run goes ahead.
    run_to_end(&args, "run after the holder died");
    let reference = state(&out);
    assert_eq!(reference["calls"].as_array().unwrap().len(), 3);

    // The ledger: one ok row per call, one error row for the broken file.
    let ledger = reference["ledger"].as_array().unwrap();
    let ok = ledger.iter().filter(|r| r[1] == "ok").count();
    let bad = ledger.iter().filter(|r| r[1] == "error").count();
    assert_eq!((ok, bad), (3, 1), "{ledger:?}");

    // A changed input replaces its rows: call_b becomes a shorter recording.
    let short = fx.root.join("short.wav");
    sox_trim(&fx.input.join("call_a.wav"), &short, 8.0);
    std::fs::copy(&short, fx.input.join("call_b.wav")).unwrap();
    let o = run_to_end(&args, "rerun after a change");
    assert_eq!(o.status.code(), Some(0), "only call_b is redone");
    let s = state(&out);
    let calls = s["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 3, "{s}");
    let dur = |s: &serde_json::Value, id: &str| -> f64 {
        s["calls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c[0] == id)
            .unwrap()[3]
            .as_f64()
            .unwrap()
    };
    assert!(dur(&s, "call_b") < 9.0 && dur(&s, "call_a") > 14.0, "{s}");
    for c in calls {
        assert_eq!(c[1], 1, "{s}");
    }
    assert_eq!(s["errs"], reference["errs"]);

    // --retry-errors tries the broken file again: still broken, still one error row.
    let retry = [args.clone(), vec!["--retry-errors".into()]].concat();
    let o = run_to_end(&retry, "retry errors");
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(
        state(&out)["errs"],
        reference["errs"],
        "the error row is replaced, not added"
    );

    // Once fixed, a plain rerun picks it up (changed content) and its error row goes.
    std::fs::copy(&short, fx.input.join("broken.wav")).unwrap();
    let o = run_to_end(&args, "rerun after the fix");
    assert_eq!(o.status.code(), Some(0));
    let s = state(&out);
    assert_eq!(s["calls"].as_array().unwrap().len(), 4, "{s}");
    assert_eq!(
        s["errs"],
        serde_json::json!([]),
        "the fixed input's error row is gone"
    );

    // --reprocess: everything again, still exactly once.
    let before = state(&out);
    run_to_end(
        &[args.clone(), vec!["--reprocess".into()]].concat(),
        "reprocess",
    );
    let after = state(&out);
    assert_eq!(after["calls"], before["calls"]);
    assert_eq!(after["utts"], before["utts"]);
    assert_ne!(
        after["files"], before["files"],
        "reprocess rewrote the files"
    );

    // Shards: two workers at once on one output cover every call exactly once.
    let shard_out = fx.root.join("sharded");
    let mut kids = Vec::new();
    for i in 0..2 {
        let a = [
            run_args(&fx.input, &shard_out),
            vec!["--shard".into(), format!("{i}/2")],
        ]
        .concat();
        kids.push(callqa().args(&a).output_async());
    }
    let mut mine = Vec::new();
    for k in kids {
        let o = k.join().unwrap();
        assert!(
            matches!(o.status.code(), Some(0) | Some(3)),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        mine.push(o);
    }
    let s = state(&shard_out);
    let ids: Vec<&str> = s["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[0].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["broken", "call_a", "call_b", "call_c"], "{s}");
    for c in s["calls"].as_array().unwrap() {
        assert_eq!(c[1], 1, "{s}");
    }
    let files = s["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .any(|f| f.as_str().unwrap().contains("-0-of-2-")),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.as_str().unwrap().contains("-1-of-2-")),
        "{files:?}"
    );
    // A bad shard is refused.
    let o = callqa()
        .args(
            [
                run_args(&fx.input, &shard_out),
                vec!["--shard".into(), "2/2".into()],
            ]
            .concat(),
        )
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

trait OutputAsync {
    fn output_async(self) -> std::thread::JoinHandle<std::process::Output>;
}

impl OutputAsync for &mut std::process::Command {
    fn output_async(self) -> std::thread::JoinHandle<std::process::Output> {
        let child = self
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::spawn(move || child.wait_with_output().unwrap())
    }
}
