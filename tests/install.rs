//! `callqa doctor`, and a binary installed with its data (`scripts/install.sh --prefix`)
//! that runs from any folder with no environment variables: the lookup order of
//! `callqa_core::paths` (prefix before the source tree) seen from outside.

use crate::common::*;
use std::path::Path;
use std::process::{Command, Output};

/// Run `bin` with an environment holding only PATH and a HOME with no callqa data, so
/// nothing but the binary's own location can lead it to its models.
fn bare(bin: &Path, home: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .args(args)
        .output()
        .expect("run callqa")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// The doctor line of an item (`Whisper model`, `ONNX Runtime`, …).
fn line<'a>(out: &'a str, item: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(item))
        .unwrap_or_else(|| panic!("no {item:?} line in:\n{out}"))
}

#[test]
fn doctor_finds_and_loads_everything_of_a_development_tree() {
    let o = callqa().arg("doctor").output().expect("run callqa doctor");
    let out = stdout(&o);
    check(&o, "callqa doctor");
    for item in [
        "ONNX Runtime",
        "Whisper model",
        "Silero VAD",
        "emotion model",
        "arousal model",
    ] {
        let l = line(&out, item);
        assert!(l.contains(" ok ") && l.contains("ok"), "{l}");
    }
    assert!(
        line(&out, "Whisper model").contains("sha256") || out.contains("ok "),
        "{out}"
    );
    assert!(out.contains("all 8 items found and loaded"), "{out}");
    assert!(out.contains("GPU build: no"), "{out}");
    assert!(out.contains("CPU: "), "{out}");
}

#[test]
fn an_installed_prefix_runs_a_call_with_no_environment_variables() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("opt/callqa");
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let st = Command::new("bash")
        .arg(repo().join("scripts/install.sh"))
        .arg("--prefix")
        .arg(&prefix)
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_callqa"))
        .status()
        .expect("run install.sh");
    assert!(st.success(), "install.sh failed");
    let bin = prefix.join("bin/callqa");

    // Everything comes from the prefix, checksums as pinned.
    let o = bare(&bin, &home, &["doctor"]);
    let out = stdout(&o);
    check(&o, "installed callqa doctor");
    for item in [
        "ONNX Runtime",
        "Whisper model",
        "Silero VAD",
        "emotion model",
        "pipeline",
    ] {
        let l = line(&out, item);
        assert!(l.contains("prefix") && l.contains(" ok"), "{l}");
    }
    // The CTranslate2 engine's plug-in and libraries come from the prefix too.
    let plugin = prefix.join("share/callqa/ctranslate2/libcallqa_ct2.so");
    assert!(
        out.contains(&format!("CTranslate2 engine: {}", plugin.display())),
        "{out}"
    );

    // A call, from a folder outside the source tree, with the default pipeline.
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    synth(
        &repo().join("tests/data/calls/en_call_basic.json"),
        &input.join("c1.wav"),
    );
    let out_dir = dir.path().join("out");
    let o = Command::new(&bin)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", &home)
        .current_dir(dir.path())
        .args([
            "run",
            "--input",
            "in",
            "--out",
            "out",
            "--language",
            "en",
            "--threads",
            "2",
        ])
        .output()
        .expect("run installed callqa");
    check(&o, "installed callqa run");
    let log = String::from_utf8_lossy(&o.stderr);
    // The default engine (`auto`) on a CPU build: CTranslate2, with the prefix's model.
    let ct2_model = prefix.join("share/callqa/models/ct2-whisper-base");
    assert!(log.contains(&ct2_model.display().to_string()), "{log}");
    let model = prefix.join("share/callqa/models/ggml-base.bin");
    let rows = py_json(
        "import duckdb,sys,json; print(json.dumps(duckdb.sql(f\"select call_id, greeting from \
         read_parquet('{sys.argv[1]}/calls/**/*.parquet')\").fetchall()))",
        &[&out_dir],
    );
    assert_eq!(rows, serde_json::json!([["c1", true]]), "{rows}");

    // Without the prefix's Whisper model, the lookup moves on (here: to the source tree
    // this binary was built from) and says so.
    std::fs::remove_file(&model).unwrap();
    let o = bare(&bin, &home, &["doctor"]);
    let out = stdout(&o);
    assert!(line(&out, "Whisper model").contains("source tree"), "{out}");
    assert!(line(&out, "Silero VAD").contains("prefix"), "{out}");
}

/// Without the CTranslate2 plug-in (here: `CALLQA_CT2_PLUGIN` names a file that is not
/// there), `doctor` says so without counting a problem, the default engine falls back to
/// whisper.cpp and says why, and `--engine ct2` fails naming what it looked for.
#[test]
fn without_the_ct2_plugin_auto_runs_whisper_cpp_and_ct2_says_why() {
    let missing = "/nonexistent/libcallqa_ct2.so";
    let o = callqa()
        .env("CALLQA_CT2_PLUGIN", missing)
        .arg("doctor")
        .output()
        .expect("run callqa doctor");
    check(&o, "callqa doctor without the plug-in");
    let out = stdout(&o);
    assert!(
        out.contains("CTranslate2 engine: not available, runs whisper.cpp")
            && out.contains(&format!("{missing}: no such file")),
        "{out}"
    );

    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let run = |engine: &str| {
        callqa()
            .env("CALLQA_CT2_PLUGIN", missing)
            .env("NO_COLOR", "1")
            .args(["run", "--language", "en", "--engine", engine, "--input"])
            .arg(&input)
            .arg("--out")
            .arg(dir.path().join(format!("out-{engine}")))
            .output()
            .expect("run callqa run")
    };
    let o = run("auto");
    check(&o, "callqa run --engine auto without the plug-in");
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(
        log.contains("ggml-base.bin") && log.contains(missing),
        "{log}"
    );
    let o = run("ct2");
    assert!(!o.status.success(), "--engine ct2 ran without its plug-in");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("CTranslate2 plug-in could not be loaded") && err.contains(missing),
        "{err}"
    );
}
