//! ONNX Runtime for the callqa stages that run ONNX models: Silero VAD and the acoustic
//! (emotion, arousal) classifiers.
//!
//! callqa links ONNX Runtime dynamically (`ort`'s `load-dynamic`): no prebuilt binary can
//! be downloaded at build time here, so `scripts/setup.sh` takes `libonnxruntime.so` from
//! the PyPI `onnxruntime` wheel that matches the `ort` crate's API level (1.31). The
//! library can be loaded only once per process, so this crate owns that step and hands
//! every stage the same [`Environment`]; stages open their own [`Session`]s from it.
#![deny(missing_docs)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use ort;
pub use ort::environment::Environment;
pub use ort::session::Session;

/// Why ONNX Runtime or a model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum OnnxError {
    /// The shared library is missing or does not load.
    #[error(
        "cannot load ONNX Runtime from {path}: {message} \
         (run scripts/setup.sh or `callqa doctor`, or set ORT_DYLIB_PATH to libonnxruntime.so 1.31)"
    )]
    Runtime {
        /// Library path tried.
        path: String,
        /// Cause.
        message: String,
    },
    /// The model file is missing or invalid.
    #[error("cannot load ONNX model {path}: {message}")]
    Model {
        /// Model path.
        path: String,
        /// Cause.
        message: String,
    },
}

static ENV: OnceLock<Result<Environment, String>> = OnceLock::new();
static ENV_PATH: OnceLock<PathBuf> = OnceLock::new();

/// The process-wide ONNX Runtime environment, loading the library from `lib` on first
/// use (later calls return the same environment whatever path they pass).
pub fn environment(lib: &Path) -> Result<&'static Environment, OnnxError> {
    let path = ENV_PATH.get_or_init(|| lib.to_path_buf());
    let env = ENV.get_or_init(|| {
        if !path.exists() {
            return Err("file not found".to_string());
        }
        let builder = ort::init_from(path).map_err(|e| e.to_string())?;
        builder.build().map_err(|e| e.to_string())
    });
    env.as_ref().map_err(|m| OnnxError::Runtime {
        path: path.display().to_string(),
        message: m.clone(),
    })
}

/// Open a model with `intra_threads` threads inside operators (1 is right when the
/// caller already runs several sessions in parallel).
pub fn session(
    env: &Environment,
    model: &Path,
    intra_threads: usize,
) -> Result<Session, OnnxError> {
    let err = |message: String| OnnxError::Model {
        path: model.display().to_string(),
        message,
    };
    if !model.is_file() {
        return Err(err("file not found (run scripts/setup.sh)".into()));
    }
    let builder = Session::builder(env)
        .map_err(|e| err(e.to_string()))?
        .with_intra_threads(intra_threads.max(1))
        .map_err(|e| err(e.to_string()))?
        .with_inter_threads(1)
        .map_err(|e| err(e.to_string()))?;
    // `--features cuda`: run on the GPU when ONNX Runtime has the CUDA provider (the
    // onnxruntime-gpu build); ort falls back to the CPU, with a warning, when it cannot.
    #[cfg(feature = "cuda")]
    let builder = builder
        .with_execution_providers([ort::ep::CUDA::default().build()])
        .map_err(|e| err(e.to_string()))?;
    let mut builder = builder;
    builder
        .commit_from_file(model)
        .map_err(|e| err(e.to_string()))
}
