//! Deferred scoring with batch calibration on speakers the models never heard: EmoDB
//! speakers 03 and 08 are left out of `tests/data/heldout/` (scripts/train_emotion.py).
//!
//! Each speaker is an operator with six calls, one per emotion (all their EmoDB utterances
//! of that emotion, 0.6 s apart, one speech segment each). The same window features go to
//! two [`DeferredScorer`]s: with batch calibration (the first night of `callqa run`) and
//! without (population statistics). Calibration must hold the calls until the batch ends,
//! say `batch_operator`, and recognise the operators' emotions clearly better.

mod common;

use callqa_core::{paths, AcousticConfig, Speaker, SpeechSegment};
use callqa_emotion::{Analyzer, BaselineStore, DeferredScorer, NormSource};
use std::collections::BTreeMap;

const EMOTIONS: [&str; 6] = [
    "anger",
    "boredom",
    "fear",
    "happiness",
    "neutral",
    "sadness",
];

fn labels() -> Vec<(String, String, String)> {
    let path = common::repo_root().join("../shared/data/emodb/labels.csv");
    let path = std::env::var_os("CALLQA_EMODB")
        .map(|d| std::path::PathBuf::from(d).join("labels.csv"))
        .unwrap_or(path);
    let text = std::fs::read_to_string(path).expect("labels.csv");
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string(), f[4].to_string())
        })
        .collect()
}

#[test]
fn batch_calibration_beats_population_on_unseen_speakers() {
    let Some(wav) = common::emodb_wav() else {
        return;
    };
    let env = callqa_onnx::environment(&paths::onnxruntime_lib()).unwrap_or_else(|e| panic!("{e}"));
    let dir = common::repo_root().join("tests/data/heldout");
    let cfg = AcousticConfig::default();
    let open = || {
        Analyzer::open(
            env,
            &cfg,
            &dir.join("emotion.json"),
            &dir.join("arousal.json"),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let mut extractor = open();
    let mut calibrated = DeferredScorer::new(open(), &cfg, BaselineStore::default());
    let mut population = DeferredScorer::new(
        open(),
        &AcousticConfig {
            batch_calibration: false,
            ..cfg.clone()
        },
        BaselineStore::default(),
    );
    let labels = labels();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut out_cal, mut out_pop) = (Vec::new(), Vec::new());
    for op in ["03", "08"] {
        for emo in EMOTIONS {
            let mut samples: Vec<f32> = Vec::new();
            let mut segments = Vec::new();
            for (file, _, _) in labels.iter().filter(|(_, s, e)| s == op && e == emo) {
                let x = common::load_16k(&wav, file, tmp.path());
                let start = samples.len() as f64 / 16_000.0;
                samples.extend(&x);
                segments.push(SpeechSegment {
                    start_s: start,
                    end_s: samples.len() as f64 / 16_000.0,
                });
                samples.extend(std::iter::repeat_n(0.0, 9_600));
            }
            let ch = extractor
                .features(&samples, &segments, Speaker::Operator)
                .expect("features");
            let id = format!("op{op}");
            let payload = emo.to_string();
            out_cal.extend(calibrated.push(Some(&id), vec![ch.clone()], payload.clone()));
            out_pop.extend(population.push(Some(&id), vec![ch], payload));
        }
    }
    assert!(
        out_cal.is_empty(),
        "held until the batch ends (freeze at 200 windows)"
    );
    assert_eq!(calibrated.pending().1, 12);
    let t = std::time::Instant::now();
    out_cal.extend(calibrated.finish());
    let windows: usize = out_cal
        .iter()
        .flat_map(|s| s.channels.as_ref().map(|c| c[0].windows.len()))
        .sum();
    eprintln!(
        "scoring {windows} windows (both models): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    out_pop.extend(population.finish());
    assert_eq!((out_cal.len(), out_pop.len()), (12, 12));

    // Unweighted accuracy over the operators' windows.
    let ua = |scored: &[callqa_emotion::Scored<String>], want: NormSource| {
        let scorer = extractor.scorer();
        let mut per: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
        for s in scored {
            let chans = s.channels.as_ref().expect("scored");
            assert_eq!(chans[0].normalisation, want, "{}", s.payload);
            for w in &chans[0].windows {
                let top = w
                    .emotion
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .map(|(i, _)| i)
                    .expect("probabilities");
                let e = per.entry(s.payload.as_str()).or_default();
                e.0 += u32::from(scorer.labels()[top] == s.payload);
                e.1 += 1;
            }
        }
        per.values()
            .map(|(h, n)| f64::from(*h) / f64::from(*n))
            .sum::<f64>()
            / per.len() as f64
    };
    let (cal, pop) = (
        ua(&out_cal, NormSource::BatchOperator),
        ua(&out_pop, NormSource::Population),
    );
    eprintln!("unseen operators, window UA: batch calibration {cal:.3}, population {pop:.3}");
    assert!(cal >= pop + 0.1, "{cal:.3} vs {pop:.3}");
    assert!(cal >= 0.5, "chance is 1/6: {cal:.3}");
}
