//! With the `ct2` feature: compile the C shim over CTranslate2 (`ct2/shim.cpp`, against the
//! vendored CTranslate2 4.8.4 headers) and link the prebuilt libctranslate2 of the PyPI
//! wheel `ctranslate2==4.8.4`, which `scripts/setup.sh` extracts into `.cache/ctranslate2`
//! (another folder: `CALLQA_CT2_LIB_DIR`). Without the feature this does nothing.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "ct2")]
    ct2::build();
}

#[cfg(feature = "ct2")]
mod ct2 {
    use std::path::PathBuf;

    pub fn build() {
        println!("cargo:rerun-if-changed=ct2/shim.cpp");
        println!("cargo:rerun-if-changed=ct2/include");
        println!("cargo:rerun-if-env-changed=CALLQA_CT2_LIB_DIR");
        let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
        let lib_dir = std::env::var_os("CALLQA_CT2_LIB_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| manifest.join("../../.cache/ctranslate2"));
        let lib_dir = lib_dir.canonicalize().unwrap_or_else(|_| {
            panic!(
                "the `ct2` feature needs libctranslate2 from the PyPI wheel ctranslate2==4.8.4 in {} \
                 (run scripts/setup.sh, or set CALLQA_CT2_LIB_DIR)",
                lib_dir.display()
            )
        });
        assert!(
            lib_dir.join("libctranslate2.so").exists(),
            "{} has no libctranslate2.so (run scripts/setup.sh, or set CALLQA_CT2_LIB_DIR)",
            lib_dir.display()
        );
        cc::Build::new()
            .cpp(true)
            .std("c++17")
            .file("ct2/shim.cpp")
            .include("ct2/include")
            .warnings(false)
            .flag_if_supported("-w")
            .compile("callqa_ct2_shim");
        println!("cargo:rustc-link-search=native={}", lib_dir.display());
        println!("cargo:rustc-link-lib=dylib=ctranslate2");
        // The binaries of this package (tests) find the library where it was linked from;
        // dependents (the callqa binary) get the folder through `links` metadata
        // (DEP_CALLQA_CT2_LIB_DIR) and set their own rpath.
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib_dir.display());
        println!("cargo:lib_dir={}", lib_dir.display());
    }
}
