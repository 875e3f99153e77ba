//! Builds the CTranslate2 engine's plug-in: the C shim over CTranslate2 (`ct2/shim.cpp`,
//! against the vendored CTranslate2 4.8.4 headers) as a shared library,
//! `$OUT_DIR/libcallqa_ct2.so`, linked to the prebuilt libctranslate2 of the PyPI wheel
//! `ctranslate2==4.8.4` that `scripts/setup.sh` extracts into `.cache/ctranslate2` (another
//! folder: `CALLQA_CT2_LIB_DIR`).
//!
//! callqa loads the plug-in at run time (`src/ct2.rs`), so the binary itself never needs
//! libctranslate2: where the plug-in or the library is missing, the `auto` engine falls
//! back to whisper.cpp. Without libctranslate2 at build time the plug-in is not built and a
//! warning says so; with the cargo feature `ct2` (which asks for the engine explicitly)
//! that is an error instead.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=ct2/shim.cpp");
    println!("cargo:rerun-if-changed=ct2/include");
    println!("cargo:rerun-if-env-changed=CALLQA_CT2_LIB_DIR");
    let required = std::env::var_os("CARGO_FEATURE_CT2").is_some();
    match build_plugin() {
        Ok(plugin) => {
            println!(
                "cargo:rustc-env=CALLQA_CT2_PLUGIN_BUILT={}",
                plugin.display()
            );
        }
        Err(why) if required => panic!("the `ct2` feature: {why}"),
        Err(why) => {
            println!("cargo:warning=the ct2 ASR engine is not built ({why}); callqa will use whisper.cpp");
            println!("cargo:rustc-env=CALLQA_CT2_PLUGIN_BUILT=");
        }
    }
}

/// Compile `ct2/shim.cpp` into `$OUT_DIR/libcallqa_ct2.so`; the error says why not.
fn build_plugin() -> Result<PathBuf, String> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let lib_dir = std::env::var_os("CALLQA_CT2_LIB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../.cache/ctranslate2"));
    // Until scripts/setup.sh has put the library there this path does not exist, which
    // makes cargo rerun this script on every build: a build made before setup gets the
    // plug-in on the next build after it.
    println!(
        "cargo:rerun-if-changed={}",
        lib_dir.join("libctranslate2.so").display()
    );
    let lib_dir = lib_dir.canonicalize().map_err(|_| {
        format!(
            "no libctranslate2 (PyPI wheel ctranslate2==4.8.4) in {}: run scripts/setup.sh, \
             or set CALLQA_CT2_LIB_DIR",
            lib_dir.display()
        )
    })?;
    if !lib_dir.join("libctranslate2.so").exists() {
        return Err(format!(
            "{} has no libctranslate2.so: run scripts/setup.sh, or set CALLQA_CT2_LIB_DIR",
            lib_dir.display()
        ));
    }
    let target = std::env::var("TARGET").unwrap_or_default();
    if !target.contains("linux") {
        return Err(format!("the plug-in is built for Linux only, not {target}"));
    }
    let plugin = out.join("libcallqa_ct2.so");
    let compiler = cc::Build::new().cpp(true).get_compiler();
    let status = Command::new(compiler.path())
        .args(["-shared", "-fPIC", "-O2", "-std=c++17", "-w"])
        .arg("-I")
        .arg(manifest.join("ct2/include"))
        .arg(manifest.join("ct2/shim.cpp"))
        .arg("-L")
        .arg(&lib_dir)
        .arg("-lctranslate2")
        // libctranslate2 where it was linked from, or beside the plug-in in an
        // installation (both copied into one folder).
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-Wl,-rpath,$ORIGIN")
        .arg("-o")
        .arg(&plugin)
        .status()
        .map_err(|e| format!("could not run {}: {e}", compiler.path().display()))?;
    if !status.success() {
        return Err(format!(
            "{} failed on ct2/shim.cpp ({status})",
            display(compiler.path())
        ));
    }
    Ok(plugin)
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
