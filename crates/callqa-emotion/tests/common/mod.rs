//! Shared helpers: the Python reference, EmoDB files resampled like the training script.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn reference() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference_features.json");
    let text = std::fs::read_to_string(&path)
        .expect("reference_features.json (run scripts/train_emotion.py)");
    serde_json::from_str(&text).expect("reference JSON")
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn models_dir() -> PathBuf {
    repo_root().join("models")
}

/// EmoDB's wav folder (outside the repository), or None with a note when it is absent.
pub fn emodb_wav() -> Option<PathBuf> {
    let dir = std::env::var_os("CALLQA_EMODB")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/data/emodb"))
        .join("wav");
    if dir.is_dir() {
        Some(dir)
    } else {
        // CI always has ../shared beside the clone: there a missing corpus is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "no EmoDB at {} (CI must have ../shared/data/emodb)",
            dir.display()
        );
        eprintln!(
            "SKIP audio part: no EmoDB at {} (set CALLQA_EMODB)",
            dir.display()
        );
        None
    }
}

/// Samples of an EmoDB file resampled exactly as the training script does
/// (`sox -V1 in -D -b 16 -r 16000 out`, int16 / 32768).
pub fn load_16k(wav_dir: &Path, file: &str, tmp: &Path) -> Vec<f32> {
    let out = tmp.join(file);
    let st = Command::new("sox")
        .arg("-V1")
        .arg(wav_dir.join(file))
        .args(["-D", "-b", "16", "-r", "16000"])
        .arg(&out)
        .status()
        .expect("spawn sox (run scripts/setup.sh)");
    assert!(st.success(), "sox failed on {file}");
    hound::WavReader::open(&out)
        .expect("resampled wav")
        .samples::<i16>()
        .map(|s| f32::from(s.expect("sample")) / 32768.0)
        .collect()
}

pub fn f64s(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}
