//! Inputs and outputs on S3, against moto's S3-compatible server started by the test on
//! 127.0.0.1: recordings listed and read from `s3://…/in/`, Parquet, ledger and lock
//! written to `s3://…/out`, an incremental rerun that writes nothing, and kill -9 in the
//! middle of a commit followed by a rerun (which must break the dead run's lock on
//! request, then finish or discard its batch) giving every call exactly once. The result
//! is downloaded with boto3 and read with DuckDB.

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_moto() -> Moto {
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
    let endpoint = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "moto did not start on {endpoint}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    Moto { child, endpoint }
}

fn aws_env(cmd: &mut Command, endpoint: &str) {
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ALLOW_HTTP", "true");
}

/// boto3 against moto: `op` is one of mkbucket, upload, download, keys.
const S3: &str = r#"
import boto3, json, os, sys
op, endpoint = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test")
if op == "mkbucket":
    s3.create_bucket(Bucket=sys.argv[3]); print("{}")
elif op == "upload":            # upload DIR BUCKET PREFIX
    d, b, p = sys.argv[3:6]
    for n in sorted(os.listdir(d)):
        s3.upload_file(os.path.join(d, n), b, f"{p}/{n}")
    print("{}")
elif op in ("download", "keys"):  # download BUCKET PREFIX DEST
    b, p = sys.argv[3], sys.argv[4]
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=b, Prefix=p + "/"):
        keys += [o["Key"] for o in page.get("Contents", [])]
    if op == "download":
        for k in keys:
            dest = os.path.join(sys.argv[5], k[len(p) + 1:])
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            s3.download_file(b, k, dest)
    print(json.dumps(sorted(keys)))
"#;

const READ: &str = r#"
import duckdb, json, sys, glob
out = sys.argv[1]
c = duckdb.connect()
def t(n): return f"read_parquet('{out}/{n}/**/*.parquet', hive_partitioning=true)"
calls = c.execute(f"select call_id, count(*), max(operator_talk_s) from {t('calls')} group by 1 order by 1").fetchall()
utts = c.execute(f"select call_id, count(*), count(distinct idx) from {t('utterances')} group by 1 order by 1").fetchall()
errs = c.execute(f"select call_id, stage, error_kind, path, count(*) from {t('errors')} group by all order by all").fetchall() if glob.glob(f"{out}/errors/**/*.parquet", recursive=True) else []
ledger = c.execute(f"select input_key, outcome, path from read_parquet('{out}/_ledger/*.parquet') order by 1").fetchall()
print(json.dumps({"calls": calls, "utts": utts, "errs": errs, "ledger": ledger}))
"#;

fn s3py(endpoint: &str, args: &[&str]) -> serde_json::Value {
    let mut all: Vec<&Path> = vec![Path::new(args[0]), Path::new(endpoint)];
    all.extend(args[1..].iter().map(Path::new));
    py_json(S3, &all)
}

fn callqa_s3(endpoint: &str, args: &[&str], failpoint: Option<&str>) -> Command {
    let mut c = callqa();
    aws_env(&mut c, endpoint);
    c.args(args);
    if let Some(f) = failpoint {
        c.env("CALLQA_FAILPOINT", f);
    }
    c
}

fn read_back(endpoint: &str, prefix: &str, dest: &Path) -> serde_json::Value {
    let _ = std::fs::remove_dir_all(dest);
    std::fs::create_dir_all(dest).unwrap();
    s3py(
        endpoint,
        &["download", "callqa", prefix, dest.to_str().unwrap()],
    );
    py_json(READ, &[dest])
}

fn as_refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn kill_at(mut cmd: Command, failpoint: &str) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let marker = format!(
        "callqa failpoint {} reached",
        failpoint.split(':').next().unwrap()
    );
    let mut seen = String::new();
    let mut reached = false;
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        seen.push_str(&line);
        seen.push('\n');
        if line.contains(&marker) {
            reached = true;
            break;
        }
    }
    let _ = child.kill(); // SIGKILL
    child.wait().unwrap();
    assert!(
        reached,
        "callqa ended before failpoint {failpoint}:\n{seen}"
    );
}

#[test]
fn s3_input_and_output_with_ledger_lock_and_crash_recovery() {
    let moto = start_moto();
    let ep = moto.endpoint.clone();
    let dir = tempfile::tempdir().unwrap();
    let local_in = dir.path().join("in");
    std::fs::create_dir_all(&local_in).unwrap();
    synth(
        &repo().join("tests/data/calls/en_call_basic.json"),
        &dir.path().join("call.wav"),
    );
    // The first 15 s of the call: short calls keep the runs of this test cheap.
    for n in ["s3_call_1", "s3_call_2"] {
        let st = Command::new("sox")
            .arg(dir.path().join("call.wav"))
            .arg(local_in.join(format!("{n}.wav")))
            .args(["trim", "0", "15"])
            .status()
            .unwrap();
        assert!(st.success());
    }
    std::fs::write(local_in.join("s3_broken.wav"), b"RIFF\x00\x00").unwrap();
    s3py(&ep, &["mkbucket", "callqa"]);
    s3py(&ep, &["upload", local_in.to_str().unwrap(), "callqa", "in"]);

    let run = |out: &str| -> Vec<String> {
        [
            "run",
            "--language",
            "en",
            "--threads",
            "2",
            "--no-acoustic",
            "--flush-every",
            "1",
            "--summary-rows",
            "0",
            "--input",
            "s3://callqa/in/",
            "--out",
            out,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };

    // 1. S3 in, S3 out.
    let args = run("s3://callqa/out");
    let o = callqa_s3(&ep, &as_refs(&args), None).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(3), "{err}");
    let reference = read_back(&ep, "out", &dir.path().join("ref"));
    let calls = reference["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2, "{reference}");
    assert!(
        calls
            .iter()
            .all(|c| c[1] == 1 && c[2].as_f64().unwrap() > 3.0),
        "{reference}"
    );
    let errs = reference["errs"].as_array().unwrap();
    assert_eq!(errs.len(), 1, "{reference}");
    assert_eq!(errs[0][0], "s3_broken");
    assert_eq!(
        errs[0][3], "s3://callqa/in/s3_broken.wav",
        "errors name the S3 object"
    );
    assert_eq!(reference["ledger"].as_array().unwrap().len(), 3);
    let keys = s3py(&ep, &["keys", "callqa", "out"]);
    let keys: Vec<&str> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(
        !keys
            .iter()
            .any(|k| k.contains("_staging") || k.contains("_locks")),
        "{keys:?}"
    );

    // 2. Incremental rerun: nothing to do, nothing written.
    let o = callqa_s3(&ep, &as_refs(&args), None).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let keys2 = s3py(&ep, &["keys", "callqa", "out"]);
    assert_eq!(
        keys2.as_array().unwrap().len(),
        keys.len(),
        "rerun wrote objects"
    );

    // 3. kill -9 after the commit point and in the middle of publishing; the dead run's
    //    lock stays on S3 and blocks the next run until --break-lock.
    for fp in ["stage:2", "commit:2", "publish:2"] {
        let out = format!("s3://callqa/out-{}", fp.replace(':', "-"));
        let args = run(&out);
        kill_at(callqa_s3(&ep, &as_refs(&args), Some(fp)), fp);
        let o = callqa_s3(&ep, &as_refs(&args), None).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("--break-lock"), "{err}");
        let with_break = [args.clone(), vec!["--break-lock".into()]].concat();
        let o = callqa_s3(&ep, &as_refs(&with_break), None)
            .output()
            .unwrap();
        assert!(
            matches!(o.status.code(), Some(0) | Some(3)),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let prefix = out.trim_start_matches("s3://callqa/");
        let got = read_back(&ep, prefix, &dir.path().join(prefix));
        assert_eq!(got["calls"], reference["calls"], "after kill at {fp}");
        assert_eq!(got["utts"], reference["utts"], "after kill at {fp}");
        assert_eq!(got["errs"], reference["errs"], "after kill at {fp}");
        let keys = s3py(&ep, &["keys", "callqa", prefix]);
        assert!(
            !keys
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k.as_str().unwrap().contains("_staging")),
            "{keys}"
        );
    }
}
