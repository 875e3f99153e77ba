//! Where callqa finds its models, ONNX Runtime and shipped pipeline files.
//!
//! A binary may run from the source tree it was built in, or be installed elsewhere
//! (`scripts/setup.sh --prefix DIR`, the container image) with its data beside it. Each
//! file is looked up in this order, and the first place that has it wins:
//!
//! 1. `$CALLQA_MODELS_DIR` (models); `$ORT_DYLIB_PATH` names the runtime library itself
//!    and, when set, is used as it is;
//! 2. `<executable>/../share/callqa/` — an installed prefix (`bin/callqa` beside
//!    `share/callqa/{models,onnxruntime,pipelines}`), so a prefix copied anywhere works
//!    with no environment variables;
//! 3. `$XDG_DATA_HOME/callqa/` (default `~/.local/share/callqa/`), the same layout;
//! 4. the source tree the binary was built from: `.cache/models`, `models/`,
//!    `.cache/onnxruntime`, `pipelines/` (development builds).
//!
//! When no place has a file, the path returned is where a development build would have
//! it if the source tree exists, else where an installed prefix would: the error that
//! follows then names a sensible place. `callqa doctor` prints every place looked in.

use std::path::{Path, PathBuf};

/// A kind of installed data, and the folder it lives in under an install root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asset {
    /// Models: Whisper and Silero VAD (fetched), emotion and arousal (shipped).
    Model,
    /// The ONNX Runtime shared library.
    Runtime,
    /// Shipped pipeline files.
    Pipeline,
}

impl Asset {
    /// The folder under an install root (`share/callqa/<folder>`).
    pub fn folder(self) -> &'static str {
        match self {
            Asset::Model => "models",
            Asset::Runtime => "onnxruntime",
            Asset::Pipeline => "pipelines",
        }
    }

    /// The folders of the source tree that hold this kind in a development build.
    fn dev_dirs(self) -> Vec<PathBuf> {
        let root = repo_root();
        match self {
            Asset::Model => vec![root.join(".cache").join("models"), root.join("models")],
            Asset::Runtime => vec![root.join(".cache").join("onnxruntime")],
            Asset::Pipeline => vec![root.join("pipelines")],
        }
    }

    /// The variable that overrides the lookup, if any.
    fn override_var(self) -> Option<&'static str> {
        match self {
            Asset::Model => Some("CALLQA_MODELS_DIR"),
            Asset::Runtime | Asset::Pipeline => None,
        }
    }
}

/// One place a file was looked for, and what the place is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Full path of the file there.
    pub path: PathBuf,
    /// `CALLQA_MODELS_DIR`, `prefix`, `XDG_DATA_HOME` or `source tree`.
    pub source: &'static str,
}

/// Install roots (`…/share/callqa`), in lookup order: beside the executable, then the
/// user's data folder.
pub fn install_roots() -> Vec<(PathBuf, &'static str)> {
    let mut roots = Vec::new();
    if let Some(prefix) = std::env::current_exe()
        .ok()
        .and_then(|e| e.canonicalize().ok())
        .and_then(|e| e.parent().and_then(Path::parent).map(Path::to_path_buf))
    {
        roots.push((prefix.join("share").join("callqa"), "prefix"));
    }
    let xdg = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")));
    if let Some(x) = xdg {
        roots.push((x.join("callqa"), "XDG_DATA_HOME"));
    }
    roots
}

/// Every place `name` of kind `asset` is looked for, in order.
pub fn candidates(asset: Asset, name: &str) -> Vec<Candidate> {
    let mut c: Vec<Candidate> = asset
        .override_var()
        .and_then(std::env::var_os)
        .map(|dir| Candidate {
            path: PathBuf::from(dir).join(name),
            source: "CALLQA_MODELS_DIR",
        })
        .into_iter()
        .collect();
    c.extend(install_roots().into_iter().map(|(root, source)| Candidate {
        path: root.join(asset.folder()).join(name),
        source,
    }));
    c.extend(asset.dev_dirs().into_iter().map(|d| Candidate {
        path: d.join(name),
        source: "source tree",
    }));
    c
}

/// The file `name` of kind `asset`: the first place that has it (see the module doc).
pub fn locate(asset: Asset, name: &str) -> PathBuf {
    let all = candidates(asset, name);
    if let Some(found) = all.iter().find(|c| c.path.exists()) {
        return found.path.clone();
    }
    // Found nowhere: name the place the user pointed at, else the one this build expects.
    let dev_build = repo_root().join("Cargo.toml").exists();
    let expected = all
        .iter()
        .find(|c| c.source == "CALLQA_MODELS_DIR")
        .or_else(|| {
            all.iter()
                .find(|c| (c.source == "source tree") == dev_build)
        })
        .or_else(|| all.first());
    expected.map_or_else(|| PathBuf::from(name), |c| c.path.clone())
}

/// A model file (`ggml-base.bin`, `silero_vad_16k_sequence.onnx`, `emotion.json`, …).
pub fn model_file(name: &str) -> PathBuf {
    locate(Asset::Model, name)
}

/// The folder where `ggml-base.bin` is found (or expected).
pub fn models_dir() -> PathBuf {
    parent_of(model_file("ggml-base.bin"))
}

/// The folder of the shipped acoustic models (`emotion.json`, `arousal.json`).
pub fn shipped_models_dir() -> PathBuf {
    parent_of(locate(Asset::Model, "emotion.json"))
}

/// The folder of the shipped pipeline files.
pub fn pipelines_dir() -> PathBuf {
    parent_of(locate(Asset::Pipeline, "ru-contact-center.toml"))
}

fn parent_of(p: PathBuf) -> PathBuf {
    p.parent().map(Path::to_path_buf).unwrap_or(p)
}

/// The repository root this binary was built from (it may not exist where the binary
/// runs).
pub fn repo_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(2).map(PathBuf::from).unwrap_or(here)
}

/// Default Whisper model: `ggml-base.bin`.
pub fn default_whisper_model() -> PathBuf {
    model_file("ggml-base.bin")
}

/// The ONNX Runtime shared library: `$ORT_DYLIB_PATH`, else `libonnxruntime.so` looked
/// up like the models.
pub fn onnxruntime_lib() -> PathBuf {
    if let Some(d) = std::env::var_os("ORT_DYLIB_PATH") {
        return PathBuf::from(d);
    }
    locate(Asset::Runtime, "libonnxruntime.so")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_tree_comes_last() {
        let c = candidates(Asset::Pipeline, "x.toml");
        assert_eq!(c.last().map(|c| c.source), Some("source tree"));
        assert!(c.iter().any(|c| c.source == "prefix"));
        let prefix = c.iter().position(|c| c.source == "prefix");
        let dev = c.iter().position(|c| c.source == "source tree");
        assert!(prefix < dev);
    }

    #[test]
    fn shipped_files_of_a_dev_build_are_found() {
        assert!(pipelines_dir().join("ru-contact-center.toml").exists());
        assert!(shipped_models_dir().join("emotion.json").exists());
    }
}
