//! `callqa doctor`: what ops run first on a new node. It finds every model, the ONNX
//! Runtime library and the shipped pipeline files the way a run would
//! ([`callqa_core::paths`]), checks each file against the checksums pinned in
//! `models/CHECKSUMS.sha256` (compiled into the binary), loads what can be loaded, and
//! says what CPU features and GPU support the binary has.

use callqa_core::paths::{self, Asset};
use callqa_dataset::sha256_file;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The checksums of the files a release ships or fetches (`sha256sum` format).
pub const PINNED: &str = include_str!("../../../models/CHECKSUMS.sha256");

/// The pinned SHA-256 of a file name, if it has one.
pub fn pinned(name: &str) -> Option<&'static str> {
    PINNED.lines().find_map(|l| {
        let (sum, file) = l.split_once("  ")?;
        (file.trim() == name).then_some(sum.trim())
    })
}

/// How one item fared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Found, checksum as pinned (or none pinned), and it loads where that was tried.
    Ok,
    /// Found, but another file than the pinned one (a user's model, or a corrupt copy).
    Differs,
    /// Not found anywhere.
    Missing,
    /// Found but it does not load.
    Broken(String),
}

impl Status {
    /// Whether this item keeps a run from working.
    pub fn is_problem(&self) -> bool {
        matches!(self, Status::Missing | Status::Broken(_))
    }
}

/// One thing callqa needs, where it was found, and its state.
#[derive(Clone, Debug)]
pub struct Item {
    /// What it is (`Whisper model`, `ONNX Runtime`, …).
    pub what: &'static str,
    /// The path used (or expected, when missing).
    pub path: PathBuf,
    /// Where from: `CALLQA_MODELS_DIR`, `ORT_DYLIB_PATH`, `prefix`, `XDG_DATA_HOME`,
    /// `source tree`, or `-`.
    pub source: &'static str,
    /// The checksum verdict, as text (`ok`, `differs`, `not pinned`, `-`).
    pub checksum: String,
    /// Its state.
    pub status: Status,
}

/// Everything `callqa doctor` found.
#[derive(Clone, Debug)]
pub struct Report {
    /// The files, in the order a run needs them.
    pub items: Vec<Item>,
    /// Every place looked in, in order (install roots and the source tree).
    pub places: Vec<(PathBuf, &'static str)>,
    /// whisper.cpp's own report of the CPU features it was built for and found.
    pub whisper_system: String,
    /// CPU features that matter to the kernels, as detected at run time.
    pub cpu_features: Vec<(&'static str, bool)>,
    /// Whether this binary was built with the `cuda` feature.
    pub gpu_build: bool,
    /// The CTranslate2 engine: the plug-in that loaded, or why none did (then `auto`
    /// runs whisper.cpp). Optional, so never counted as a problem.
    pub ct2_engine: Result<PathBuf, String>,
}

impl Report {
    /// Items that keep a run from working.
    pub fn problems(&self) -> usize {
        self.items.iter().filter(|i| i.status.is_problem()).count()
    }
}

fn source_of(asset: Asset, path: &Path) -> &'static str {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    paths::candidates(asset, name)
        .into_iter()
        .find(|c| c.path == path)
        .map_or("-", |c| c.source)
}

/// A file item: found or not, and its checksum against the pinned one.
fn file_item(what: &'static str, asset: Asset, path: PathBuf) -> Item {
    let source = source_of(asset, &path);
    if !path.is_file() {
        return Item {
            what,
            path,
            source,
            checksum: "-".into(),
            status: Status::Missing,
        };
    }
    // A symlink (libonnxruntime.so → .so.1.31.1) is pinned under its target's name.
    let real = path.canonicalize().unwrap_or_else(|_| path.clone());
    let name = real.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let (checksum, status) = match pinned(name) {
        None => ("not pinned".to_string(), Status::Ok),
        Some(want) => match sha256_file(&real) {
            Some(got) if got == want => ("ok".to_string(), Status::Ok),
            Some(_) => ("differs from the pinned".to_string(), Status::Differs),
            None => (
                "unreadable".to_string(),
                Status::Broken("cannot read".into()),
            ),
        },
    };
    Item {
        what,
        path,
        source,
        checksum,
        status,
    }
}

/// Mark `item` broken with `why` when it was found but `load` fails.
fn try_load(item: &mut Item, load: impl FnOnce(&Path) -> Result<(), String>) {
    if !item.status.is_problem() {
        let path = item.path.clone();
        if let Err(e) = load(&path) {
            item.status = Status::Broken(e);
        }
    }
}

/// Look for everything and try to load it.
pub fn check() -> Report {
    let mut items = Vec::new();
    let mut ort = file_item("ONNX Runtime", Asset::Runtime, paths::onnxruntime_lib());
    if std::env::var_os("ORT_DYLIB_PATH").is_some() {
        ort.source = "ORT_DYLIB_PATH";
    }
    let mut env = None;
    try_load(&mut ort, |p| {
        env = Some(callqa_onnx::environment(p).map_err(|e| e.to_string())?);
        Ok(())
    });
    items.push(ort);

    let mut whisper = file_item(
        "Whisper model",
        Asset::Model,
        paths::default_whisper_model(),
    );
    try_load(&mut whisper, |p| {
        let cfg = callqa_core::config::AsrConfig::default();
        callqa_asr::AsrEngine::load(p, &cfg)
            .map(drop)
            .map_err(|e| e.to_string())
    });
    items.push(whisper);

    let vad_path = paths::model_file("silero_vad_16k_sequence.onnx");
    let mut vad = file_item("Silero VAD", Asset::Model, vad_path);
    if let Some(env) = env {
        try_load(&mut vad, |p| {
            callqa_vad::Vad::open(env, p)
                .map(drop)
                .map_err(|e| e.to_string())
        });
    }
    items.push(vad);
    let mut encoder = file_item(
        "speaker encoder",
        Asset::Model,
        callqa_diarize::default_model(),
    );
    if let Some(env) = env {
        try_load(&mut encoder, |p| {
            callqa_diarize::Encoder::open(env, p, 1)
                .map(drop)
                .map_err(|e| e.to_string())
        });
    }
    items.push(encoder);

    let shipped = paths::shipped_models_dir();
    for (what, name) in [("emotion model", "emotion"), ("arousal model", "arousal")] {
        let spec = shipped.join(format!("{name}.json"));
        let mut item = file_item(what, Asset::Model, shipped.join(format!("{name}.onnx")));
        if let Some(env) = env {
            try_load(&mut item, |_| {
                callqa_emotion::Classifier::open(env, &spec)
                    .map(drop)
                    .map_err(|e| e.to_string())
            });
        }
        items.push(item);
    }

    let pipelines = paths::pipelines_dir();
    for name in ["ru-contact-center.toml", "en-contact-center.toml"] {
        let mut item = file_item("pipeline", Asset::Pipeline, pipelines.join(name));
        try_load(&mut item, |p| {
            crate::plan::load_pipeline(p)
                .map(drop)
                .map_err(|e| format!("{e:#}"))
        });
        items.push(item);
    }

    let mut places = vec![];
    if let Some(d) = std::env::var_os("CALLQA_MODELS_DIR") {
        places.push((PathBuf::from(d), "CALLQA_MODELS_DIR"));
    }
    places.extend(paths::install_roots());
    places.push((paths::repo_root(), "source tree"));
    Report {
        items,
        places,
        whisper_system: callqa_asr::system_info().trim().to_string(),
        cpu_features: cpu_features(),
        gpu_build: cfg!(feature = "cuda"),
        ct2_engine: callqa_asr::ct2::available().map(Path::to_path_buf),
    }
}

/// CPU features the whisper.cpp and ONNX Runtime kernels use.
fn cpu_features() -> Vec<(&'static str, bool)> {
    let mut f = BTreeMap::new();
    #[cfg(target_arch = "x86_64")]
    {
        f.insert("sse4.2", std::arch::is_x86_feature_detected!("sse4.2"));
        f.insert("avx", std::arch::is_x86_feature_detected!("avx"));
        f.insert("avx2", std::arch::is_x86_feature_detected!("avx2"));
        f.insert("fma", std::arch::is_x86_feature_detected!("fma"));
        f.insert("f16c", std::arch::is_x86_feature_detected!("f16c"));
        f.insert("avx512f", std::arch::is_x86_feature_detected!("avx512f"));
    }
    #[cfg(target_arch = "aarch64")]
    {
        f.insert("neon", std::arch::is_aarch64_feature_detected!("neon"));
    }
    f.into_iter().collect()
}
