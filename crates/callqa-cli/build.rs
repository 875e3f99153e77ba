//! With the `ct2` feature: the callqa binary finds libctranslate2 where it was linked
//! from (callqa-asr's build script reports the folder), or in `lib/` beside `bin/` of an
//! installation.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_CALLQA_CT2_LIB_DIR");
    if let Ok(dir) = std::env::var("DEP_CALLQA_CT2_LIB_DIR") {
        println!("cargo:rustc-link-arg-bins=-Wl,-rpath,{dir}");
        println!("cargo:rustc-link-arg-bins=-Wl,-rpath,$ORIGIN/../lib");
    }
}
