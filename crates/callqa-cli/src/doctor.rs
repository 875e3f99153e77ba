//! `callqa doctor`: print what `callqa_pipeline::doctor` found, one line per model,
//! library and pipeline file, then the CPU and GPU support; exit 1 when something a run
//! needs is missing or does not load.

use crate::Outcome;
use anyhow::Result;
use callqa_pipeline::doctor::{self, Status};
use clap::Args;

/// Arguments of `callqa doctor` (none yet).
#[derive(Args, Debug)]
pub struct DoctorArgs {}

/// Entry point: `failed` counts the problems.
pub fn doctor(_args: DoctorArgs) -> Result<Outcome> {
    let r = doctor::check();
    println!("callqa {} doctor", env!("CARGO_PKG_VERSION"));
    if let Ok(exe) = std::env::current_exe() {
        println!("binary: {}", exe.display());
    }
    println!("looked in, in this order:");
    for (i, (path, what)) in r.places.iter().enumerate() {
        let here = if path.is_dir() { "" } else { " (absent)" };
        println!("  {}. {what}: {}{here}", i + 1, path.display());
    }
    println!();
    println!(
        "{:<16} {:<7} {:<14} {:<24} path",
        "item", "status", "from", "sha256"
    );
    for i in &r.items {
        let status = match &i.status {
            Status::Ok => "ok".to_string(),
            Status::Differs => "ok*".to_string(),
            Status::Missing => "MISSING".to_string(),
            Status::Broken(_) => "BROKEN".to_string(),
        };
        println!(
            "{:<16} {:<7} {:<14} {:<24} {}",
            i.what,
            status,
            i.source,
            i.checksum,
            i.path.display()
        );
        if let Status::Broken(why) = &i.status {
            println!("{:>16}{why}", "");
        }
    }
    println!();
    let feats: Vec<String> = r
        .cpu_features
        .iter()
        .map(|(f, on)| format!("{f} {}", if *on { "yes" } else { "no" }))
        .collect();
    println!("CPU: {}", feats.join(", "));
    println!("whisper.cpp: {}", r.whisper_system);
    println!(
        "GPU build: {}",
        if r.gpu_build {
            "yes (cuda feature; see docs/GPU.md)"
        } else {
            "no (CPU build; `cargo build --release --features cuda` for NVIDIA GPUs)"
        }
    );
    match &r.ct2_engine {
        Ok(plugin) => println!(
            "CTranslate2 engine: {} (`--engine auto`, the default, runs it on CPU builds)",
            plugin.display()
        ),
        Err(why) => println!("CTranslate2 engine: not available, runs whisper.cpp ({why})"),
    }
    let problems = r.problems();
    if r.items.iter().any(|i| i.status == Status::Differs) {
        println!("ok*: found and loads, but not the file this release pins (a model of your own?)");
    }
    if problems == 0 {
        println!("\nall {} items found and loaded", r.items.len());
    } else {
        println!(
            "\n{problems} problem(s): run scripts/setup.sh (or `scripts/setup.sh --prefix DIR` for an \
             installed binary), or set CALLQA_MODELS_DIR / ORT_DYLIB_PATH"
        );
    }
    Ok(Outcome { failed: problems })
}
