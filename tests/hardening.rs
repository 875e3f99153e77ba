//! Issue 17: a nightly batch that nothing can stop or corrupt. Each test puts one kind of
//! hostile input or concurrent use through the real `callqa` binary and asserts the
//! error row (stage and kind), the exit code, and that nothing else was lost or
//! duplicated; memory cases run under an address-space limit (`setrlimit(RLIMIT_AS)` in
//! the child, like `ulimit -v`). See `tests/BAD_INPUTS.md` ("Hostile inputs and
//! concurrent runs") for the table of cases.

use crate::common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Limit the child's address space to `bytes` (what `ulimit -v` does).
fn limit_memory(cmd: &mut Command, bytes: u64) {
    // SAFETY: only an async-signal-safe libc call between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

const GIB: u64 = 1 << 30;

/// Every table of an output, read back with DuckDB.
const READ: &str = r#"
import duckdb, json, sys, glob, os
out = sys.argv[1]
c = duckdb.connect()
def t(name):
    return f"read_parquet('{out}/{name}/**/*.parquet', hive_partitioning=true, union_by_name=true)"
has = lambda name: bool(glob.glob(f"{out}/{name}/**/*.parquet", recursive=True))
q = lambda sql: c.execute(sql).fetchall()
calls = q(f"select call_id, count(*), max(duration_s) from {t('calls')} group by all order by all") if has('calls') else []
errs = q(f"select call_id, path, stage, error_kind, count(*), max(message) from {t('errors')} group by all order by all") if has('errors') else []
utts = q(f"select count(*) from {t('utterances')}")[0][0] if has('utterances') else 0
staging = [p for p in glob.glob(f"{out}/_staging/**", recursive=True) if os.path.isfile(p)]
print(json.dumps({"calls": calls, "errs": errs, "utts": utts, "staging": staging}, default=str))
"#;

fn state(out: &Path) -> Value {
    py_json(READ, &[out])
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Call ids in `calls/`, each asserted to appear once.
fn call_ids(s: &Value) -> Vec<String> {
    s["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c[1], 1, "call {} appears {} times", c[0], c[1]);
            c[0].as_str().unwrap().to_string()
        })
        .collect()
}

/// The one error row whose path ends with `file`: (stage, kind, message).
fn error_of(s: &Value, file: &str) -> (String, String, String) {
    let rows: Vec<&Value> = s["errs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e[1].as_str().unwrap_or("").ends_with(file))
        .collect();
    assert_eq!(rows.len(), 1, "error rows of {file}: {rows:?}");
    assert_eq!(rows[0][4], 1, "{file}: error row duplicated");
    let f = |i: usize| rows[0][i].as_str().unwrap_or("").to_string();
    (f(2), f(3), f(5))
}

// ---------------------------------------------------------------------------------
// Transcripts (`callqa analyze`, no models): hostile text and sizes.

fn transcript(call_id: &str, operator: &str, text: &str) -> Value {
    json!({
        "call_id": call_id,
        "operator_id": operator,
        "started_at": "2026-11-02T09:00:00Z",
        "language": "en",
        "utterances": [
            {"speaker": "operator", "start": 0.5, "end": 2.0, "text": format!("Hello, thank you for calling. {text}")},
            {"speaker": "customer", "start": 2.5, "end": 4.0, "text": text},
            {"speaker": "operator", "start": 4.5, "end": 6.0, "text": "Goodbye, have a nice day."}
        ]
    })
}

fn write_json(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
    p
}

fn analyze(input: &Path, out: &Path, limit: Option<u64>) -> Output {
    let mut c = callqa();
    c.arg("analyze")
        .arg("--transcripts")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--pipeline")
        .arg(repo().join("pipelines/en-contact-center.toml"))
        .arg("--summary-rows")
        .arg("100");
    if let Some(b) = limit {
        limit_memory(&mut c, b);
    }
    c.output().unwrap()
}

/// Hostile ids are refused by the one call-id check with an error row each; hostile text
/// in ids, operator ids and transcripts is data in the report, which still parses.
#[test]
fn hostile_ids_and_text_are_data_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let nasty = "<!-- </script><script>alert(1)</script> \u{2028} & \"q\" ]]>";
    // Accepted: odd but harmless characters, each with hostile operator ids and text.
    let ok_ids = ["<!--c1", "c2 <script>", "c3 & \"q\"", "звонок 4"];
    for (i, id) in ok_ids.iter().enumerate() {
        write_json(
            &input,
            &format!("ok{i}.json"),
            &transcript(id, &format!("op<!--{i}"), nasty),
        );
    }
    // Refused by the call-id check, whatever the input kind.
    let bad: [(&str, String); 6] = [
        ("esc.json", "c\u{1b}[2J\u{1b}[31mred".into()),
        ("long.json", "x".repeat(100_000)),
        ("slash.json", "a/b".into()),
        ("bidi.json", "c\u{202E}gnp.exe".into()),
        ("zw.json", "c\u{200B}5".into()),
        ("nl.json", "c6\ninjected".into()),
    ];
    for (file, id) in &bad {
        write_json(&input, file, &transcript(id, "op", "hi"));
    }
    let out = dir.path().join("out");
    let o = analyze(&input, &out, None);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let printed = String::from_utf8_lossy(&o.stdout);
    // (The log's own colours are escape sequences too; the id's must not get through.)
    for seq in ["\u{1b}[2J", "\u{1b}[31m"] {
        assert!(
            !printed.contains(seq) && !stderr(&o).contains(seq),
            "a terminal escape sequence from a call id reached the terminal"
        );
    }
    let s = state(&out);
    let mut ids = call_ids(&s);
    ids.sort();
    let mut want: Vec<String> = ok_ids.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(ids, want);
    for (file, _) in &bad {
        let (stage, kind, msg) = error_of(&s, file);
        assert_eq!(
            (stage.as_str(), kind.as_str()),
            ("transcript", "bad_call_id"),
            "{file}"
        );
        assert!(msg.contains(file) && msg.len() < 600, "{file}: {msg}");
        assert!(!msg.chars().any(|c| c.is_control()), "{file}: {msg:?}");
    }
    assert!(
        !s["errs"].to_string().contains(&"x".repeat(1000)),
        "a 100 kB id was stored"
    );

    // Rated 1/5, every accepted call goes to the review queue, so the report carries
    // its transcript too.
    let ratings = dir.path().join("ratings.csv");
    let mut csv = String::from("call_id,rating,scale\n");
    for id in ok_ids {
        csv.push_str(&format!("\"{}\",1,csat5\n", id.replace('"', "\"\"")));
    }
    std::fs::write(&ratings, csv).unwrap();
    let o = score_cmd(&out, &ratings, &out).output().unwrap();
    assert!(matches!(code(&o), 0 | 3), "{}", stderr(&o));
    // The report: every field hostile, the embedded JSON must parse (with Python's
    // parser, not ours) and carry the calls, the queue and the transcripts.
    let html = dir.path().join("report.html");
    let o = callqa()
        .args(["report", "--features"])
        .arg(&out)
        .arg("--out")
        .arg(&html)
        .args(["--title", nasty])
        .output()
        .unwrap();
    check(&o, "callqa report");
    // The hostile text as it appears inside a JSON string.
    let needle = serde_json::to_string(nasty).unwrap();
    let needle = &needle[1..needle.len() - 1];
    let v = py_json(
        r#"
import json, sys
html = open(sys.argv[1], encoding="utf-8").read()
open_tag = '<script type="application/json" id="report-data">'
start = html.index(open_tag) + len(open_tag)
block = html[start:html.index("</script>", start)]
assert "<" not in block and ">" not in block, "raw angle bracket in the data block"
data = json.loads(block)
print(json.dumps({"calls": [c[0] for c in data["calls"]], "tx": sorted(data["tx"].keys()),
                  "review": len(data["review"]), "ops": data["ops"],
                  "scripts": html.count("</script>"),
                  "text": sys.argv[2] in json.dumps(data["tx"], ensure_ascii=False),
                  "sample": json.dumps(data["tx"], ensure_ascii=False)[:400]}))
"#,
        &[&html, Path::new(needle)],
    );
    let mut got: Vec<String> = v["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap_or("").to_string())
        .collect();
    got.sort();
    assert_eq!(got, want, "the report's call list");
    assert_eq!(v["scripts"], 2, "user text closed a script block");
    assert_eq!(v["review"], ok_ids.len(), "review queue");
    let mut tx: Vec<String> = serde_json::from_value(v["tx"].clone()).unwrap();
    tx.sort();
    assert_eq!(tx, want, "transcripts");
    // (Searched as JSON text: the quotes of the hostile text are escaped there.)
    assert_eq!(v["text"], true, "transcript text: {}", v["sample"]);
    assert!(
        v["ops"].to_string().contains("op<!--0"),
        "operator ids: {}",
        v["ops"]
    );
}

/// A 200 MB transcript is an error row `too_large` decided from its size, under a 1.5 GB
/// address-space limit (it used to take 5 GB); the other transcripts are written.
#[test]
fn huge_transcript_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    write_json(&input, "a.json", &transcript("a", "op1", "fine"));
    write_json(&input, "b.json", &transcript("b", "op1", "fine"));
    // 200 MB of valid JSON: a call with 3.6 million tiny utterances.
    let big = input.join("huge.json");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    write!(
        f,
        r#"{{"call_id":"huge","started_at":"2026-11-02T09:00:00Z","utterances":["#
    )
    .unwrap();
    let u = r#"{"speaker":"operator","start":1,"end":2,"text":"x"}"#;
    let n = 200_000_000 / (u.len() + 1);
    for i in 0..n {
        if i > 0 {
            f.write_all(b",").unwrap();
        }
        f.write_all(u.as_bytes()).unwrap();
    }
    f.write_all(b"]}").unwrap();
    f.flush().unwrap();
    drop(f);
    assert!(std::fs::metadata(&big).unwrap().len() > 190_000_000);
    let out = dir.path().join("out");
    let t = Instant::now();
    let o = analyze(&input, &out, Some(3 * GIB / 2));
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(t.elapsed() < Duration::from_secs(120));
    let s = state(&out);
    assert_eq!(call_ids(&s), ["a", "b"]);
    let (stage, kind, msg) = error_of(&s, "huge.json");
    assert_eq!((stage.as_str(), kind.as_str()), ("transcript", "too_large"));
    assert!(msg.contains("max_transcript_bytes"), "{msg}");
    // A rerun does not read it again, and loses nothing.
    let o = analyze(&input, &out, Some(3 * GIB / 2));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(state(&out), s);
}

/// `callqa sql` over folders whose names are hostile: a newline cannot inject SQL from
/// a comment line, and `o[1]` is the folder `o[1]`, not `o1`.
#[test]
fn sql_script_treats_folder_names_as_data() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    write_json(&input, "a.json", &transcript("a", "op1", "fine"));
    write_json(&input, "b.json", &transcript("b", "op1", "fine"));
    let decoy_in = dir.path().join("decoy");
    std::fs::create_dir_all(&decoy_in).unwrap();
    write_json(&decoy_in, "z.json", &transcript("decoy", "op1", "fine"));
    let outs = [
        dir.path().join("o[1]"),
        dir.path()
            .join("x\ncreate table pwned as select 42 as v; --"),
        dir.path().join("q?*'"),
    ];
    // The decoy a glob class would match instead of `o[1]`.
    check(
        &analyze(&decoy_in, &dir.path().join("o1"), None),
        "analyze decoy",
    );
    for out in &outs {
        check(&analyze(&input, out, None), "analyze");
        let o = callqa().arg("sql").arg("--out").arg(out).output().unwrap();
        check(&o, "callqa sql");
        let script = dir.path().join("session.sql");
        std::fs::write(&script, &o.stdout).unwrap();
        let v = py_json(
            r#"
import duckdb, json, sys
c = duckdb.connect()
c.execute(open(sys.argv[1], encoding="utf-8").read())
ids = [r[0] for r in c.execute("select call_id from calls order by 1").fetchall()]
pwned = c.execute("select count(*) from information_schema.tables where table_name = 'pwned'").fetchone()[0]
print(json.dumps({"ids": ids, "pwned": pwned}))
"#,
            &[&script],
        );
        assert_eq!(v["ids"], json!(["a", "b"]), "{}", out.display());
        assert_eq!(v["pwned"], 0, "SQL injected through {}", out.display());
    }
}

// ---------------------------------------------------------------------------------
// `callqa score` and readers beside writers.

fn gen_month(dir: &Path) {
    let o = Command::new(python())
        .arg(repo().join("tests/data/scores/gen_month.py"))
        .arg(dir)
        .output()
        .unwrap();
    check(&o, "gen_month.py");
}

fn score_cmd(features: &Path, ratings: &Path, out: &Path) -> Command {
    let mut c = callqa();
    c.arg("score")
        .arg("--features")
        .arg(features)
        .arg("--ratings")
        .arg(ratings)
        .arg("--out")
        .arg(out)
        .arg("--pipeline")
        .arg(repo().join("pipelines/ru-contact-center.toml"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

const SCORE_ROWS: &str = r#"
import duckdb, json, sys
c = duckdb.connect()
n, d = c.execute(f"select count(*), count(distinct call_id) from read_parquet('{sys.argv[1]}/scores/**/*.parquet')").fetchone()
print(json.dumps([n, d]))
"#;

/// Two `callqa score` into one folder at once leave one set of rows (they used to leave
/// 685 rows for 400 calls); `score` beside a writer replacing every call's rows never
/// fails and always sees every call once.
#[test]
fn score_runs_together_and_beside_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    gen_month(dir.path());
    let features = dir.path().join("features");
    let ratings = dir.path().join("ratings.csv");
    let n_calls = {
        let v = py_json(
            "import duckdb,json,sys; print(json.dumps(duckdb.connect().execute(f\"select count(*) from read_parquet('{sys.argv[1]}/calls/**/*.parquet')\").fetchone()[0]))",
            &[&features],
        );
        v.as_u64().unwrap()
    };
    let out = dir.path().join("scored");
    for round in 0..3 {
        let kids: Vec<Child> = (0..3)
            .map(|_| score_cmd(&features, &ratings, &out).spawn().unwrap())
            .collect();
        for k in kids {
            let o = k.wait_with_output().unwrap();
            assert!(matches!(code(&o), 0 | 3), "round {round}: {}", stderr(&o));
        }
        let v = py_json(SCORE_ROWS, &[&out]);
        assert_eq!(v, json!([n_calls, n_calls]), "round {round}: scores/ rows");
    }

    // A writer replacing rows: `callqa analyze --reprocess` on transcripts of 60 calls,
    // looped, while `score` reads the same folder.
    let tin = dir.path().join("tin");
    std::fs::create_dir_all(&tin).unwrap();
    for i in 0..60 {
        write_json(
            &tin,
            &format!("t{i}.json"),
            &transcript(&format!("t{i}"), "op1", "fine"),
        );
    }
    let live = dir.path().join("live");
    check(&analyze(&tin, &live, None), "first analyze");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (tin, live, stop) = (tin.clone(), live.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let o = callqa()
                    .arg("analyze")
                    .arg("--transcripts")
                    .arg(&tin)
                    .arg("--out")
                    .arg(&live)
                    .arg("--reprocess")
                    .args(["--flush-every", "7"])
                    .output()
                    .unwrap();
                assert_eq!(code(&o), 0, "{}", stderr(&o));
                n += 1;
            }
            n
        })
    };
    let ratings_live = dir.path().join("r.csv");
    std::fs::write(
        &ratings_live,
        "call_id,rating,scale\nt1,5,csat5\nt2,1,csat5\n",
    )
    .unwrap();
    for i in 0..6 {
        let sout = dir.path().join(format!("s{i}"));
        let o = score_cmd(&live, &ratings_live, &sout).output().unwrap();
        assert!(
            matches!(code(&o), 0 | 3),
            "score beside a writer: {}",
            stderr(&o)
        );
        assert_eq!(py_json(SCORE_ROWS, &[&sout]), json!([60, 60]), "score {i}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let rounds = writer.join().unwrap();
    assert!(rounds >= 1);
    let s = state(&live);
    assert_eq!(call_ids(&s).len(), 60);
}

// ---------------------------------------------------------------------------------
// `callqa run` (real models): poison recordings and shard settings on one output.

/// A 16-bit PCM WAV header for `frames` frames; the data is left to the caller (a sparse
/// file: `set_len` makes it zeros that take no disk).
fn sparse_wav(path: &Path, rate: u32, channels: u16, seconds: u64) {
    let frames = u64::from(rate) * seconds;
    let data_len = frames * u64::from(channels) * 2;
    assert!(data_len < u64::from(u32::MAX));
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&((36 + data_len) as u32).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&(rate * u32::from(channels) * 2).to_le_bytes());
    h.extend_from_slice(&(channels * 2).to_le_bytes());
    h.extend_from_slice(&16u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&(data_len as u32).to_le_bytes());
    let f = std::fs::File::create(path).unwrap();
    (&f).write_all(&h).unwrap();
    f.set_len(44 + data_len).unwrap();
}

fn sox_trim(from: &Path, to: &Path, seconds: f64) {
    let st = Command::new("sox")
        .arg(from)
        .arg(to)
        .args(["trim", "0", &seconds.to_string()])
        .status()
        .unwrap();
    assert!(st.success(), "sox trim {}", from.display());
}

/// Short real calls (the first 8 s of the synthesised English call) named `names`.
fn calls_folder(root: &Path, names: &[&str]) -> PathBuf {
    let input = root.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let wav = root.join("call.wav");
    synth(&repo().join("tests/data/calls/en_call_basic.json"), &wav);
    for name in names {
        sox_trim(&wav, &input.join(format!("{name}.wav")), 8.0);
    }
    input
}

fn run_cmd(input: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut c = callqa();
    c.arg("run")
        .args(["--language", "en", "--threads", "2", "--no-acoustic"])
        .args(["--summary-rows", "0"])
        .arg("--input")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(extra);
    c
}

/// Poison recordings under a 3 GiB address-space limit: a sparse 20-minute stereo WAV
/// declaring 384 kHz (4 KB on disk; decoding it took 3.7 GB and killed the batch), an
/// 8-channel one, one declaring 3 hours, and a sparse 2-minute 192 kHz stereo WAV that
/// is valid (resampled while streaming: memory follows 16 kHz, not 192 kHz). Each bad
/// one is an error row; the good calls are written once, with their dumped transcripts,
/// whose file names cannot collide.
#[test]
fn poison_recordings_cost_one_error_row_each_under_a_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    let input = calls_folder(dir.path(), &["a_b", "a b", "a%20b"]);
    sparse_wav(&input.join("rate384k.wav"), 384_000, 2, 20 * 60);
    sparse_wav(&input.join("eight.wav"), 48_000, 8, 5 * 60);
    sparse_wav(&input.join("three_hours.wav"), 8_000, 1, 3 * 3600);
    sparse_wav(&input.join("quiet192k.wav"), 192_000, 2, 2 * 60);
    let on_disk = |p: &str| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(input.join(p)).unwrap().blocks() * 512
    };
    assert!(on_disk("rate384k.wav") <= 8192, "not sparse");
    let out = dir.path().join("out");
    let dump = dir.path().join("dump");
    for attempt in 0..2 {
        let mut c = run_cmd(
            &input,
            &out,
            &["--dump-transcripts", dump.to_str().unwrap()],
        );
        limit_memory(&mut c, 3 * GIB);
        let o = c.output().unwrap();
        // First run: the bad files are error rows (3); second: all skipped (0).
        assert_eq!(code(&o), [3, 0][attempt], "run {attempt}: {}", stderr(&o));
    }
    let s = state(&out);
    let mut ids = call_ids(&s);
    ids.sort();
    assert_eq!(ids, ["a b", "a%20b", "a_b", "quiet192k"]);
    let quiet = s["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c[0] == "quiet192k")
        .unwrap()[2]
        .as_f64()
        .unwrap();
    assert!(
        (quiet - 120.0).abs() < 0.01,
        "192 kHz call duration {quiet}"
    );
    let want = [
        ("rate384k.wav", "bad_sample_rate"),
        ("eight.wav", "bad_channels"),
        ("three_hours.wav", "too_long"),
    ];
    for (file, kind) in want {
        let (stage, k, msg) = error_of(&s, file);
        assert_eq!(
            (stage.as_str(), k.as_str()),
            ("decode", kind),
            "{file}: {msg}"
        );
        assert!(msg.contains(file), "{msg}");
    }
    assert_eq!(s["errs"].as_array().unwrap().len(), 3, "{}", s["errs"]);
    let mut dumped: Vec<String> = std::fs::read_dir(&dump)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    dumped.sort();
    assert_eq!(
        dumped,
        ["a%20b.json", "a%2520b.json", "a_b.json", "quiet192k.json"],
        "one transcript file per call"
    );
}

fn spawn_at(mut cmd: Command, failpoint: &str) -> (Child, mpsc::Receiver<String>) {
    cmd.env("CALLQA_FAILPOINT", failpoint)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let err = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let name = failpoint.split(':').next().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut seen = String::new();
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(l) => {
                let hit = l.contains(&format!("callqa failpoint {name} reached"));
                seen.push_str(&l);
                seen.push('\n');
                if hit {
                    break;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("exited early:\n{seen}"),
        }
        assert!(
            Instant::now() < deadline,
            "failpoint {failpoint} not reached"
        );
    }
    (child, rx)
}

/// Shard settings meet on one output: an unsharded run refuses to start beside a live
/// `--shard 0/2` run (before, both wrote and left duplicates); after a `--shard 0/2` run
/// is killed with its batch committed but not published, an unsharded rerun publishes
/// it (before, those calls sat in `_staging/0-of-2/` while the ledger called them done).
#[test]
fn shard_settings_are_one_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let input = calls_folder(dir.path(), &["s1", "s2", "s3", "s4"]);
    let out = dir.path().join("out");
    // A live 0/2 run (held while decoding its first call) and an unsharded one.
    let (mut live, _rx) = spawn_at(run_cmd(&input, &out, &["--shard", "0/2"]), "decode");
    let o = run_cmd(&input, &out, &[]).output().unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("overlaps shard 0-of-2"),
        "{}",
        stderr(&o)
    );
    let o = run_cmd(&input, &out, &["--shard", "0/3"]).output().unwrap();
    assert_eq!(code(&o), 1, "0/3 beside 0/2: {}", stderr(&o));
    live.kill().unwrap();
    live.wait().unwrap();

    // 0/2 killed between its ledger write and publishing.
    let (mut dead, _rx) = spawn_at(
        run_cmd(&input, &out, &["--shard", "0/2", "--flush-every", "1"]),
        "commit",
    );
    dead.kill().unwrap();
    dead.wait().unwrap();
    let o = run_cmd(&input, &out, &[]).output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = state(&out);
    let mut ids = call_ids(&s);
    ids.sort();
    assert_eq!(ids, ["s1", "s2", "s3", "s4"], "every call exactly once");
    assert_eq!(s["staging"], json!([]));
    assert_eq!(s["errs"], json!([]));
    // And the other order: sharded runs after an unsharded one change nothing.
    for shard in ["0/2", "1/2", "2/3"] {
        let o = run_cmd(&input, &out, &["--shard", shard]).output().unwrap();
        assert_eq!(code(&o), 0, "{shard}: {}", stderr(&o));
    }
    assert_eq!(state(&out), s);
}

// ---------------------------------------------------------------------------------
// S3 inputs (moto's S3 server on 127.0.0.1, as in tests/s3.rs).

struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_moto() -> (Moto, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(python())
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto server (scripts/setup.sh installs moto[server])");
    let moto = Moto(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    (moto, format!("http://127.0.0.1:{port}"))
}

/// One S3 key with a control character is an error row `input/bad_key` (it used to fail
/// the whole listing); a key that is not a valid call id is `input/bad_call_id`; a failed
/// download's error row holds the HTTP status and S3 code, not the response body.
#[test]
fn s3_listing_survives_a_bad_key_and_errors_hold_no_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let input = calls_folder(dir.path(), &["k1", "k2"]);
    let (_moto, endpoint) = start_moto();
    let wav = std::fs::read(input.join("k1.wav")).unwrap();
    let put = dir.path().join("put.wav");
    std::fs::write(&put, &wav).unwrap();
    let o = Command::new(python())
        .arg("-c")
        .arg(
            r#"
import boto3, sys
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test")
s3.create_bucket(Bucket="callqa")
for k in ["in/k1.wav", "in/k2.wav", "in/tab\tkey.wav", "in/zw\u200bid.wav"]:
    s3.upload_file(sys.argv[2], "callqa", k)
"#,
        )
        .arg(&endpoint)
        .arg(&put)
        .output()
        .unwrap();
    check(&o, "boto3 upload");
    let env = |c: &mut Command| {
        c.env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", &endpoint)
            .env("AWS_ALLOW_HTTP", "true");
    };
    let out = dir.path().join("out");
    let mut c = run_cmd(Path::new("s3://callqa/in/"), &out, &[]);
    env(&mut c);
    let o = c.output().unwrap();
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let s = state(&out);
    assert_eq!(call_ids(&s), ["k1", "k2"]);
    let errs = s["errs"].as_array().unwrap();
    let kinds: Vec<(String, String)> = errs
        .iter()
        .map(|e| (e[2].as_str().unwrap().into(), e[3].as_str().unwrap().into()))
        .collect();
    assert!(
        kinds.contains(&("input".into(), "bad_key".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("input".into(), "bad_call_id".into())),
        "{kinds:?}"
    );
    assert_eq!(errs.len(), 2, "{errs:?}");

    // A manifest naming a missing object: the error row says 404 / NoSuchKey only.
    let manifest = dir.path().join("m.csv");
    std::fs::write(
        &manifest,
        "path,call_id,operator_id,started_at\ns3://callqa/in/missing.wav,gone,op1,2026-11-02T09:00:00Z\n",
    )
    .unwrap();
    let out2 = dir.path().join("out2");
    let mut c = run_cmd(&manifest, &out2, &[]);
    env(&mut c);
    let o = c.output().unwrap();
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let s = state(&out2);
    let (stage, kind, msg) = error_of(&s, "missing.wav");
    assert_eq!((stage.as_str(), kind.as_str()), ("input", "fetch"));
    assert!(msg.contains("404") && !msg.contains('<'), "{msg}");
}

/// The files of `out/_inflight/`, each as "name: contents", so that a failed check says
/// which journal or crash record was left.
fn inflight_files(out: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(out.join("_inflight")).map_or(vec![], |d| {
        d.filter_map(|e| e.ok())
            .map(|e| {
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                format!("{}: {text}", e.file_name().to_string_lossy())
            })
            .collect()
    })
}

/// A call that brings the process down (`CALLQA_ABORT=asr:c2` calls `abort()` in the
/// Whisper worker, as a segfault in whisper.cpp would). Bound: three runs. The run that
/// meets it dies of SIGABRT (the calls in flight and the signal are journaled); the
/// next runs those calls one at a time, first, and dies on c2 alone; the third writes
/// c2 as an error row `asr/crashed` and every other call exactly once. Before, every
/// rerun died at the same call and the batch never finished.
#[test]
fn a_call_that_kills_the_process_becomes_a_crashed_error_row() {
    let dir = tempfile::tempdir().unwrap();
    let input = calls_folder(dir.path(), &["c1", "c2", "c3"]);
    let out = dir.path().join("out");
    let mut codes = Vec::new();
    for _ in 0..4 {
        let o = run_cmd(&input, &out, &[])
            .env("CALLQA_ABORT", "asr:c2")
            .output()
            .unwrap();
        codes.push(code(&o));
        if code(&o) != -1 {
            break;
        }
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(o.status.signal(), Some(libc::SIGABRT), "{}", stderr(&o));
        assert!(stderr(&o).contains("abort point asr reached on call c2"));
    }
    // -1: killed by a signal (SIGABRT); 3: a partial run (one error row).
    assert_eq!(codes, [-1, -1, 3], "exit codes of the runs");
    let s = state(&out);
    assert_eq!(call_ids(&s), ["c1", "c3"]);
    let (stage, kind, msg) = error_of(&s, "c2.wav");
    assert_eq!((stage.as_str(), kind.as_str()), ("asr", "crashed"), "{msg}");
    assert!(
        msg.contains("crashed 2 times") && msg.contains("SIGABRT"),
        "{msg}"
    );
    assert_eq!(s["errs"].as_array().unwrap().len(), 1);
    assert_eq!(s["staging"], json!([]));
    // The journals of the dead runs were folded, the records cleared at commit.
    let inflight = inflight_files(&out);
    assert!(
        inflight.is_empty(),
        "_inflight/ is empty after a clean run: {inflight:?}"
    );
    // Not tried again (the hook is still set, the run does not die)...
    let o = run_cmd(&input, &out, &[])
        .env("CALLQA_ABORT", "asr:c2")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(state(&out)["errs"].as_array().unwrap().len(), 1);
    // ... unless asked: then it is written and its error row replaced.
    let o = run_cmd(&input, &out, &["--retry-errors"]).output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = state(&out);
    assert_eq!(call_ids(&s), ["c1", "c2", "c3"]);
    assert_eq!(s["errs"], json!([]));
}

/// The same with the acoustic stage on and batch calibration holding every call until
/// the batch ends (one operator, no stored baseline): the process dies while the
/// deferred scorer runs the models on c2. The calls held beside it ran nothing and are
/// not blamed; the suspect c2 runs solo without waiting for the held calls (which are
/// released only at the end: waiting would never end), and dies alone.
#[test]
fn a_call_that_kills_the_process_while_held_for_calibration_is_isolated() {
    let dir = tempfile::tempdir().unwrap();
    calls_folder(dir.path(), &["c1", "c2", "c3"]);
    let manifest = dir.path().join("manifest.csv");
    let mut rows = vec!["path,call_id,operator_id,started_at,channel_layout,language".to_string()];
    for c in ["c1", "c2", "c3"] {
        rows.push(format!("in/{c}.wav,{c},op1,2026-11-02T09:00:00Z,,en"));
    }
    std::fs::write(&manifest, rows.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    let run = |abort: bool| {
        let mut c = callqa();
        c.arg("run")
            .args(["--language", "en", "--threads", "2", "--summary-rows", "0"])
            .arg("--input")
            .arg(&manifest)
            .arg("--out")
            .arg(&out);
        if abort {
            c.env("CALLQA_ABORT", "acoustic:c2");
        }
        c.output().unwrap()
    };
    let mut codes = Vec::new();
    for _ in 0..4 {
        let o = run(true);
        codes.push(code(&o));
        if code(&o) != -1 {
            break;
        }
        assert!(
            stderr(&o).contains("abort point acoustic reached on call c2"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(codes, [-1, -1, 3], "exit codes of the runs");
    let s = state(&out);
    assert_eq!(call_ids(&s), ["c1", "c3"]);
    let (stage, kind, msg) = error_of(&s, "c2.wav");
    assert_eq!(
        (stage.as_str(), kind.as_str()),
        ("acoustic", "crashed"),
        "{msg}"
    );
    assert_eq!(s["errs"].as_array().unwrap().len(), 1);
    let inflight = inflight_files(&out);
    assert!(
        inflight.is_empty(),
        "_inflight/ is empty after a clean run: {inflight:?}"
    );
    // Asked to retry (no hook now): written, its error row replaced.
    let o = {
        let mut c = callqa();
        c.arg("run")
            .args(["--language", "en", "--threads", "2", "--summary-rows", "0"])
            .args(["--retry-errors", "--input"])
            .arg(&manifest)
            .arg("--out")
            .arg(&out);
        c.output().unwrap()
    };
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = state(&out);
    assert_eq!(call_ids(&s), ["c1", "c2", "c3"]);
    assert_eq!(s["errs"], json!([]));
}
