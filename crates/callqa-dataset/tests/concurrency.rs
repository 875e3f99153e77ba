//! Issue 17, "one dataset, one truth": runs of different shard settings, readers and
//! writers on one output. Each test drives the real `Dataset` (and, for a killed run, a
//! child process of this test binary stopped at a failpoint and killed with SIGKILL),
//! then reads the tables back with the crate's own Parquet reader.

use callqa_core::ErrorRow;
use callqa_dataset::{Batch, Dataset, InputRecord, OpenOptions, Outcome, Shard};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn opts(shard: &str) -> OpenOptions {
    OpenOptions {
        shard: shard.parse().unwrap(),
        break_lock: false,
    }
}

fn row(call_id: &str, message: &str) -> ErrorRow {
    ErrorRow {
        call_id: call_id.into(),
        call_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 2),
        path: format!("/in/{call_id}.wav"),
        stage: "decode".into(),
        error_kind: "empty".into(),
        message: message.into(),
        processed_at: chrono::Utc::now(),
    }
}

fn input(call_id: &str) -> InputRecord {
    InputRecord {
        input_key: call_id.into(),
        call_id: call_id.into(),
        path: format!("/in/{call_id}.wav"),
        size_bytes: Some(1),
        mtime: None,
        content_sha256: None,
        outcome: Outcome::Error,
        stage: Some("decode".into()),
    }
}

/// A batch of one error row (standing in for a call's rows) per call id.
fn batch(ids: &[String], message: &str, replace: bool) -> Batch {
    Batch {
        errors: ids.iter().map(|c| row(c, message)).collect(),
        inputs: ids.iter().map(|c| input(c)).collect(),
        replace: if replace {
            ids.iter().cloned().collect()
        } else {
            HashSet::new()
        },
        ..Batch::default()
    }
}

/// `(call_id, message) -> count` over every `errors/` file.
fn rows(out: &Path) -> BTreeMap<(String, String), usize> {
    let mut m = BTreeMap::new();
    for f in callqa_parquet::parquet_files(&out.join("errors")).unwrap() {
        let bytes = std::fs::read(&f).unwrap();
        for b in callqa_parquet::decode("x", bytes.into()).unwrap() {
            use arrow::array::AsArray;
            let ids = b.column_by_name("call_id").unwrap().as_string::<i32>();
            let msg = b.column_by_name("message").unwrap().as_string::<i32>();
            for i in 0..b.num_rows() {
                *m.entry((ids.value(i).to_string(), msg.value(i).to_string()))
                    .or_default() += 1;
            }
        }
    }
    m
}

fn staging_files(out: &Path) -> usize {
    walk(&out.join("_staging"))
}

fn walk(d: &Path) -> usize {
    std::fs::read_dir(d).map_or(0, |rd| {
        rd.flatten()
            .map(|e| {
                if e.path().is_dir() {
                    walk(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

#[test]
fn a_run_refuses_to_start_beside_an_overlapping_shard() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let a = Dataset::open(out, opts("0/2")).unwrap();
    for clash in ["0/1", "0/2", "0/4", "2/4", "0/3", "1/3", "2/3"] {
        let e = Dataset::open(out, opts(clash)).err().unwrap().to_string();
        assert!(e.contains("in use by another callqa run"), "{clash}: {e}");
    }
    // 1/4 shares no call with 0/2 and may run beside it; then 1/2 overlaps 1/4.
    let b = Dataset::open(out, opts("1/4")).unwrap();
    let e = Dataset::open(out, opts("1/2")).err().unwrap().to_string();
    assert!(e.contains("overlaps shard 1-of-4"), "{e}");
    let c = Dataset::open(out, opts("3/4")).unwrap();
    a.close().unwrap();
    b.close().unwrap();
    c.close().unwrap();
    // All gone: the unsharded run may start.
    Dataset::open(out, opts("0/1")).unwrap().close().unwrap();
}

/// The child half of `a_killed_shards_half_committed_batch_is_finished_by_any_later_run`:
/// commit a batch as shard 0/2 and stop at the failpoint after the ledger write.
#[test]
fn child_commits_and_hangs() {
    let Ok(out) = std::env::var("CALLQA_TEST_CHILD_OUT") else {
        return;
    };
    let shard = std::env::var("CALLQA_TEST_CHILD_SHARD").unwrap();
    let mut ds = Dataset::open(&out, opts(&shard)).unwrap();
    let ids: Vec<String> = (0..6).map(|i| format!("k{i}")).collect();
    ds.commit(batch(&ids, "first", false)).unwrap();
    unreachable!("the failpoint stops the commit");
}

fn kill_at_commit(out: &str, shard: &str) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_commits_and_hangs", "--nocapture"])
        .env("CALLQA_TEST_CHILD_OUT", out)
        .env("CALLQA_TEST_CHILD_SHARD", shard)
        .env("CALLQA_FAILPOINT", "commit")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        seen.push_str(&line);
        if line.contains("callqa failpoint commit reached") {
            break;
        }
    }
    assert!(seen.contains("failpoint commit reached"), "{seen}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_killed_shards_half_committed_batch_is_finished_by_any_later_run() {
    for later in ["0/1", "1/2", "0/3"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let out_s = out.to_str().unwrap();
        kill_at_commit(out_s, "0/2");
        assert!(staging_files(&out) > 0, "the kill left a staged batch");
        assert!(rows(&out).is_empty(), "nothing published yet");
        // The ledger already calls the batch done: a later run of another shard must
        // publish it (before, it was stranded in _staging/0-of-2 and the calls lost).
        let ds = Dataset::open(out_s, opts(later)).unwrap();
        ds.close().unwrap();
        let r = rows(&out);
        assert_eq!(r.len(), 6, "{later}: {r:?}");
        assert!(r.values().all(|&n| n == 1), "{later}: {r:?}");
        assert_eq!(staging_files(&out), 0, "{later}: staging left over");
    }
}

/// Files written by an unsharded run hold calls of both shards; 0/2 and 1/2 replacing
/// their calls at the same time must each drop only their own rows, once.
#[test]
fn shards_replacing_rows_of_one_old_file_keep_every_call_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    let ids: Vec<String> = (0..40).map(|i| format!("c{i}")).collect();
    let mut all = Dataset::open(out_s, opts("0/1")).unwrap();
    all.commit(batch(&ids, "old", false)).unwrap();
    all.close().unwrap();
    let s0: Shard = "0/2".parse().unwrap();
    let (mine0, mine1): (Vec<String>, Vec<String>) =
        ids.iter().cloned().partition(|c| s0.contains(c));
    let mut a = Dataset::open(out_s, opts("0/2")).unwrap();
    let mut b = Dataset::open(out_s, opts("1/2")).unwrap();
    // Both look up the old file before either commits (the runs overlap in time).
    a.index_for_replacement(&mine0.iter().cloned().collect())
        .unwrap();
    b.index_for_replacement(&mine1.iter().cloned().collect())
        .unwrap();
    a.commit(batch(&mine0, "new", true)).unwrap();
    b.commit(batch(&mine1, "new", true)).unwrap();
    a.close().unwrap();
    b.close().unwrap();
    let r = rows(&out);
    for c in &ids {
        assert_eq!(r.get(&(c.clone(), "new".into())), Some(&1), "{c}: {r:?}");
        assert_eq!(r.get(&(c.clone(), "old".into())), None, "{c}: {r:?}");
    }
    assert_eq!(r.len(), ids.len());
}

/// A commit waits for a reader holding the snapshot lock, so the reader's view stays
/// the one it started with.
#[test]
fn readers_see_no_half_commit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap().to_string();
    let mut ds = Dataset::open(&out_s, opts("0/1")).unwrap();
    ds.commit(batch(&["r0".into()], "old", false)).unwrap();
    let guard = callqa_parquet::snapshot::read_lock(&out);
    let (tx, rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        ds.commit(batch(&["r0".into(), "r1".into()], "new", true))
            .unwrap();
        tx.send(()).unwrap();
        ds.close().unwrap();
    });
    assert!(
        rx.recv_timeout(Duration::from_millis(700)).is_err(),
        "the commit went ahead while a reader held the snapshot"
    );
    assert_eq!(rows(&out).len(), 1, "the reader's view changed");
    drop(guard);
    rx.recv_timeout(Duration::from_secs(30)).unwrap();
    t.join().unwrap();
    let r = rows(&out);
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(r.keys().all(|(_, m)| m == "new"), "{r:?}");
}

/// Two shards updating one object (the voice baselines) at the same time add up.
#[test]
fn concurrent_updates_of_one_object_merge() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap().to_string();
    let handles: Vec<_> = ["0/2", "1/2"]
        .into_iter()
        .map(|shard| {
            let out_s = out_s.clone();
            std::thread::spawn(move || {
                let ds = Dataset::open(&out_s, opts(shard)).unwrap();
                for _ in 0..25 {
                    ds.update("baselines/counter.json", |old| {
                        let n: u64 = match old {
                            Some(b) => serde_json::from_slice(&b)?,
                            None => 0,
                        };
                        Ok(serde_json::to_vec(&(n + 1))?)
                    })
                    .unwrap();
                }
                ds.close().unwrap();
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let n: u64 =
        serde_json::from_slice(&std::fs::read(out.join("baselines/counter.json")).unwrap())
            .unwrap();
    assert_eq!(n, 50);
}

/// The child half of `calls_in_flight_when_a_run_dies_are_counted`: journal two calls in
/// flight, then die without cleanup: `abort()` with the fatal-signal handler armed (a
/// crash), or SIGKILL from outside (a kill).
#[test]
fn child_journals_and_dies() {
    let Ok(out) = std::env::var("CALLQA_TEST_JOURNAL_OUT") else {
        return;
    };
    let ds = Dataset::open(&out, opts("0/2")).unwrap();
    let j = ds.journal();
    j.catch_fatal_signals();
    j.enter("p", "decode");
    j.enter("p", "asr");
    j.enter("q", "decode");
    j.leave("q");
    // Transcribed and held for batch calibration: runs nothing, never blamed.
    j.enter("h", "asr");
    j.enter("h", callqa_dataset::PENDING);
    if std::env::var("CALLQA_TEST_JOURNAL_DEATH").as_deref() == Ok("kill") {
        let me = std::process::id().to_string();
        let _ = Command::new("kill").args(["-9", &me]).status();
        std::thread::sleep(Duration::from_secs(60));
    }
    std::process::abort();
}

/// Run `child_journals_and_dies` once; it dies by `death` (`abort` or `kill`).
fn journal_and_die(out: &str, death: &str) {
    let st = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_journals_and_dies", "--test-threads=1"])
        .env("CALLQA_TEST_JOURNAL_OUT", out)
        .env("CALLQA_TEST_JOURNAL_DEATH", death)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    let want = if death == "kill" { 9 } else { 6 };
    assert_eq!(st.signal(), Some(want), "{death}: {st:?}");
}

#[test]
fn calls_in_flight_when_a_run_dies_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    // Killed twice (no signal recorded): a suspect, never poison.
    journal_and_die(out_s, "kill");
    journal_and_die(out_s, "kill");
    // Then crashed twice (SIGABRT recorded by the handler): poison.
    journal_and_die(out_s, "abort");
    // A run that dies while it rewrites its journal leaves the half-written copy
    // (`<run>.json#<n>`) beside it: the next run deletes it with the journal.
    let inflight = out.join("_inflight");
    let journal = std::fs::read_dir(&inflight)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .find(|n| n.ends_with(".json") && !n.starts_with('_'))
        .expect("the dead run's journal");
    std::fs::write(inflight.join(format!("{journal}#12")), b"{\"calls\":{").unwrap();
    let ds = Dataset::open(out_s, opts("1/2")).unwrap();
    assert!(
        !inflight.join(format!("{journal}#12")).exists(),
        "the half-written journal of a dead run is deleted"
    );
    let p = ds.crash_record("p").cloned().unwrap();
    assert_eq!((p.count, p.killed, p.stage.as_str()), (1, 2, "asr"));
    assert!(!p.is_poison());
    ds.close().unwrap();
    journal_and_die(out_s, "abort");
    // Any later run, whatever its shard, counts the dead runs' calls (q had left: not
    // counted).
    let mut ds = Dataset::open(out_s, opts("0/1")).unwrap();
    let p = ds.crash_record("p").cloned().unwrap();
    assert_eq!((p.count, p.killed, p.stage.as_str()), (2, 2, "asr"));
    assert_eq!(p.signal, Some(6));
    assert!(p.is_poison());
    assert!(ds.crash_record("q").is_none());
    assert!(ds.crash_record("h").is_none(), "a held call is not blamed");
    // Committing the call's outcome clears its record; a clean run leaves nothing in
    // `_inflight/`.
    ds.commit(batch(&["p".into()], "crashed", false)).unwrap();
    ds.close().unwrap();
    let ds = Dataset::open(out_s, opts("0/1")).unwrap();
    assert!(ds.crash_record("p").is_none());
    ds.close().unwrap();
    assert_eq!(walk(&out.join("_inflight")), 0);
}

/// A call run solo waits for the calls that run something, not for those held for batch
/// calibration (released only at the end of the batch: waiting for them would never
/// end), and not while the scorer works on held calls.
#[test]
fn waiting_for_idle_ignores_held_calls_but_not_the_scorer() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let ds = Dataset::open(out.to_str().unwrap(), opts("0/1")).unwrap();
    let j = ds.journal();
    j.enter("held", callqa_dataset::PENDING);
    j.wait_idle(); // returns at once: only a held call is in flight
    j.enter("running", "asr");
    let busy = j.busy();
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = {
        let j = j.clone();
        std::thread::spawn(move || {
            j.wait_idle();
            tx.send(()).unwrap();
        })
    };
    let blocked =
        |rx: &std::sync::mpsc::Receiver<()>| rx.recv_timeout(Duration::from_millis(200)).is_err();
    assert!(blocked(&rx), "a running call blocks");
    j.enter("running", callqa_dataset::PENDING);
    assert!(blocked(&rx), "the scorer at work blocks");
    drop(busy);
    rx.recv_timeout(Duration::from_secs(10))
        .expect("idle once only held calls remain");
    waiter.join().unwrap();
    j.leave("held");
    j.leave("running");
    ds.close().unwrap();
}
