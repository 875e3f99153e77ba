//! Parity: Rust `callqa-emo-v2` features vs the training script's (numpy) features on the
//! same 16 kHz samples (EmoDB files resampled by sox exactly as the script does).
//!
//! Tolerance: every value within 1e-6 · max(1, |python|). Both sides compute in f64 with
//! the same steps; the remaining differences are summation order (numpy sums pairwise) and
//! FFT rounding, ~1e-12. A YIN voicing decision sitting exactly on its threshold could
//! flip one frame and move an F0 value more than that; none does on these files.

mod common;

use callqa_emotion::{extract, features::feature_names, FEATURE_SET, N_FEATURES};

const TOL: f64 = 1e-6;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL * b.abs().max(1.0)
}

#[test]
fn reference_describes_this_feature_set() {
    let r = common::reference();
    assert_eq!(r["feature_set"], FEATURE_SET);
    let names: Vec<String> = r["feature_names"]
        .as_array()
        .expect("names")
        .iter()
        .map(|v| v.as_str().expect("name").to_string())
        .collect();
    assert_eq!(names, feature_names());
}

#[test]
fn rust_features_match_python_on_emodb() {
    let Some(wav) = common::emodb_wav() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = common::reference();
    let names = feature_names();
    let files = r["files"].as_array().expect("files");
    assert!(files.len() >= 6);
    let mut worst = (0.0f64, String::new());
    for f in files {
        let name = f["file"].as_str().expect("file");
        let samples = common::load_16k(&wav, name, tmp.path());
        let got = extract(&samples).expect("features");
        let want = common::f64s(&f["features"]);
        assert_eq!(want.len(), N_FEATURES);
        for (i, (&g, &w)) in got.values.iter().zip(&want).enumerate() {
            let rel = (g - w).abs() / w.abs().max(1.0);
            if rel > worst.0 {
                worst = (rel, format!("{name} {}", names[i]));
            }
            assert!(close(g, w), "{name} {}: rust {g} python {w}", names[i]);
        }
        let p = &f["pitch"];
        for (key, got) in [
            ("f0_mean_hz", got.pitch.f0_mean_hz),
            ("f0_range_hz", got.pitch.f0_range_hz),
            ("f0_std_st", got.pitch.f0_std_st),
            ("voiced_ratio", Some(got.pitch.voiced_ratio)),
        ] {
            match (got, p[key].as_f64()) {
                (Some(g), Some(w)) => assert!(close(g, w), "{name} {key}: {g} vs {w}"),
                (None, None) => {}
                (g, w) => panic!("{name} {key}: rust {g:?} python {w:?}"),
            }
        }
    }
    eprintln!("largest relative difference {:.2e} ({})", worst.0, worst.1);
}
