//! Where the fetched models live.
//!
//! `scripts/setup.sh` fills `<repo>/.cache/models` (git-ignored). A binary built from a
//! clone finds them there with no configuration; `CALLQA_MODELS_DIR` points elsewhere
//! (e.g. a shared volume on a GPU node).

use std::path::PathBuf;

/// The models directory: `$CALLQA_MODELS_DIR`, else `<repo>/.cache/models`.
pub fn models_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CALLQA_MODELS_DIR") {
        return PathBuf::from(d);
    }
    repo_root().join(".cache").join("models")
}

/// The repository root this binary was built from.
pub fn repo_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(2).map(PathBuf::from).unwrap_or(here)
}

/// Default Whisper model: `<models>/ggml-base.bin`.
pub fn default_whisper_model() -> PathBuf {
    models_dir().join("ggml-base.bin")
}

/// Default ONNX Runtime shared library: `$ORT_DYLIB_PATH`, else
/// `<repo>/.cache/onnxruntime/libonnxruntime.so`.
pub fn onnxruntime_lib() -> PathBuf {
    if let Some(d) = std::env::var_os("ORT_DYLIB_PATH") {
        return PathBuf::from(d);
    }
    repo_root()
        .join(".cache")
        .join("onnxruntime")
        .join("libonnxruntime.so")
}
