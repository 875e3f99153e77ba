//! Rust ONNX inference vs the training script's onnxruntime inference, and the
//! angry-vs-neutral sanity check, with the shipped models in `models/`.
//!
//! The reference files belong to speakers 03 and 08; each is z-scored by its speaker's
//! baseline (mean/std over all that speaker's utterances, stored in the reference JSON),
//! as the pipeline does with an operator's baseline.

mod common;

use callqa_core::paths;
use callqa_emotion::{extract, Classifier, SpeakerBaseline};
use serde_json::Value;

fn open(name: &str) -> Classifier {
    let env = callqa_onnx::environment(&paths::onnxruntime_lib()).unwrap_or_else(|e| panic!("{e}"));
    Classifier::open(env, &common::models_dir().join(format!("{name}.json")))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn baseline(r: &Value, speaker: &str, floor: f64) -> SpeakerBaseline {
    let b = &r["baselines"][speaker];
    SpeakerBaseline::from_stats(
        common::f64s(&b["mean"]),
        &common::f64s(&b["std"]),
        b["n"].as_u64().expect("n"),
        floor,
    )
    .expect("baseline")
}

fn argmax(p: &[f32]) -> usize {
    p.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| i)
        .expect("non-empty")
}

/// Normalised feature vectors of the reference files (from the Rust extractor on audio
/// when EmoDB is here, else from the reference's Python features).
fn inputs(r: &Value, floor: f64) -> Vec<Vec<f32>> {
    let files = r["files"].as_array().expect("files");
    let wav = common::emodb_wav();
    let tmp = tempfile::tempdir().expect("tempdir");
    files
        .iter()
        .map(|f| {
            let spk = f["speaker"].as_str().expect("speaker");
            let raw = match &wav {
                Some(w) => {
                    let s = common::load_16k(w, f["file"].as_str().expect("file"), tmp.path());
                    extract(&s).expect("features").values
                }
                None => common::f64s(&f["features"]),
            };
            baseline(r, spk, floor).normalise(&raw).expect("normalise")
        })
        .collect()
}

#[test]
fn rust_inference_matches_python_onnxruntime() {
    let r = common::reference();
    for task in ["emotion", "arousal"] {
        let mut clf = open(task);
        let floor = clf.spec().normalisation.std_floor;
        let probs = clf.predict(&inputs(&r, floor)).expect("predict");
        for (f, p) in r["files"].as_array().expect("files").iter().zip(&probs) {
            let name = f["file"].as_str().expect("file");
            let want = &f[task];
            let label = &clf.labels()[argmax(p)];
            assert_eq!(
                label,
                want["label"].as_str().expect("label"),
                "{task} {name}"
            );
            for (g, w) in p.iter().zip(common::f64s(&want["probabilities"])) {
                assert!(
                    (f64::from(*g) - w).abs() < 1e-4,
                    "{task} {name}: {p:?} vs {want}"
                );
            }
            let sum: f32 = p.iter().sum();
            assert!(
                (sum - 1.0).abs() < 1e-4,
                "{task} {name}: probabilities sum to {sum}"
            );
        }
    }
}

#[test]
fn angry_and_neutral_are_told_apart() {
    let r = common::reference();
    let files = r["files"].as_array().expect("files");
    let idx = |name: &str| {
        files
            .iter()
            .position(|f| f["file"] == name)
            .unwrap_or_else(|| panic!("{name} not in reference"))
    };
    // same speaker (03), same sentence (a01)
    let (angry, neutral) = (idx("03a01Wa.wav"), idx("03a01Nc.wav"));
    let mut emo = open("emotion");
    let mut aro = open("arousal");
    let x = inputs(&r, emo.spec().normalisation.std_floor);
    let batch = vec![x[angry].clone(), x[neutral].clone()];
    let pe = emo.predict(&batch).expect("emotion");
    let pa = aro.predict(&batch).expect("arousal");
    let anger = emo
        .labels()
        .iter()
        .position(|l| l == "anger")
        .expect("anger label");
    let high = aro
        .labels()
        .iter()
        .position(|l| l == "high")
        .expect("high label");
    assert!(
        pe[0][anger] > pe[1][anger],
        "anger prob: angry {:?} neutral {:?}",
        pe[0],
        pe[1]
    );
    assert_eq!(emo.labels()[argmax(&pe[0])], "anger", "{:?}", pe[0]);
    assert_ne!(emo.labels()[argmax(&pe[1])], "anger", "{:?}", pe[1]);
    assert!(pa[0][high] > 0.5 && pa[1][high] < 0.5, "arousal: {pa:?}");
}

#[test]
fn batch_of_wrong_width_is_an_error() {
    let mut emo = open("emotion");
    assert!(emo.predict(&[vec![0.0; 3]]).is_err());
    assert!(emo.predict(&[]).expect("empty batch").is_empty());
    assert!(
        emo.predict_waveform(&[0.0; 16000]).is_err(),
        "functionals model"
    );
}
