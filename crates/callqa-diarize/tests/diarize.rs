//! The diarizer on real synthesised calls (espeak-ng voices, mixed to one 8 kHz µ-law
//! channel by scripts/synth_call.py), with the real models: Silero VAD and the GE2E
//! speaker encoder from scripts/setup.sh.

use callqa_core::config::VadConfig;
use callqa_core::{paths, ChannelLayout, DiarizationConfig, RoleRule, Speaker, Utterance};
use callqa_diarize::{assign_roles, provisional_roles, Diarization, Diarizer, VoiceStore};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

struct Stage {
    vad: callqa_vad::Vad,
    diarizer: Diarizer,
    cfg: VadConfig,
}

fn stage() -> Stage {
    let env = callqa_onnx::environment(&paths::onnxruntime_lib()).unwrap_or_else(|e| panic!("{e}"));
    let vad = callqa_vad::Vad::open(env, &paths::model_file("silero_vad_16k_sequence.onnx"))
        .unwrap_or_else(|e| panic!("{e}"));
    let diarizer = Diarizer::open(
        env,
        &callqa_diarize::default_model(),
        &DiarizationConfig::default(),
    )
    .unwrap_or_else(|e| panic!("{e} (run scripts/setup.sh)"));
    Stage {
        vad,
        diarizer,
        cfg: VadConfig::default(),
    }
}

/// Synthesise a mono call from turns; returns its 16 kHz samples and the truth.
fn synth(dir: &Path, name: &str, turns: Value, tail_s: f64) -> (Vec<f32>, Value) {
    let spec = dir.join(format!("{name}.json"));
    let wav = dir.join(format!("{name}.wav"));
    let truth = dir.join(format!("{name}.truth.json"));
    let s = json!({"layout": "mono", "lead_s": 0.6, "tail_s": tail_s, "turns": turns});
    std::fs::write(&spec, s.to_string()).unwrap();
    let py = paths::repo_root().join(".cache/venv/bin/python");
    let o = Command::new(&py)
        .arg(paths::repo_root().join("scripts/synth_call.py"))
        .arg(&spec)
        .arg(&wav)
        .arg("--truth")
        .arg(&truth)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup.sh)", py.display()));
    assert!(
        o.status.success(),
        "synth_call.py: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let decoded = callqa_audio::decode_file(&wav).unwrap();
    let ch = callqa_audio::to_channels(decoded, ChannelLayout::Mono)
        .unwrap()
        .remove(0);
    let t: Value = serde_json::from_slice(&std::fs::read(truth).unwrap()).unwrap();
    (ch.samples, t)
}

fn diarize(st: &mut Stage, x: &[f32]) -> Diarization {
    let segs = st.vad.detect(x, &st.cfg).unwrap();
    st.diarizer.diarize(x, &segs, &st.cfg).unwrap()
}

/// The speaker whose segments cover time `t`.
fn who(d: &Diarization, t: f64) -> Vec<usize> {
    (0..d.speakers.len())
        .filter(|&k| {
            d.speakers[k]
                .segments
                .iter()
                .any(|s| s.start_s <= t && t < s.end_s)
        })
        .collect()
}

const GREET: &str =
    "Good morning, thank you for calling Acme Bank, my name is Anna. How can I help you?";
const ASK: &str = "My card was blocked yesterday and I cannot pay for anything at all.";
const CHECK: &str = "Let me check your account, one moment please.";
const FIX: &str = "I have unblocked your card, you can use it again in five minutes.";
const CLOSE: &str =
    "Thank you for calling. Please stay on the line to rate our conversation. Goodbye.";

#[test]
fn downmixed_call_gives_both_speakers_in_order_with_the_interruption_and_roles() {
    let dir = tempfile::tempdir().unwrap();
    let turns = json!([
        {"speaker": "operator", "text": GREET},
        {"speaker": "customer", "text": ASK, "gap": 0.4},
        {"speaker": "operator", "text": CHECK, "gap": -1.6},
        {"speaker": "customer", "text": "Okay, thank you.", "gap": 0.3},
        {"speaker": "operator", "text": FIX, "gap": 0.8},
        {"speaker": "customer", "text": "Great, thanks.", "gap": 0.5},
        {"speaker": "operator", "text": CLOSE, "gap": 0.5},
    ]);
    let (x, truth) = synth(dir.path(), "call", turns, 1.0);
    let mut st = stage();
    let d = diarize(&mut st, &x);
    assert_eq!(d.speakers.len(), 2, "{d:?}");
    let turns = truth["turns"].as_array().unwrap();
    let span = |t: &Value| (t["start"].as_f64().unwrap(), t["end"].as_f64().unwrap());
    // Every turn's middle is heard from its own speaker: the operator is speaker 0 (first).
    for t in turns {
        let (a, b) = span(t);
        let want = usize::from(t["speaker"] == "customer");
        assert!(
            who(&d, (a + b) / 2.0).contains(&want),
            "turn {t}: {:?}",
            who(&d, (a + b) / 2.0)
        );
    }
    // The interruption: the operator starts 1.6 s before the customer ends. Both are
    // heard there, for at least a second, as in the stereo recording.
    let (ask, check) = (span(&turns[1]), span(&turns[2]));
    let both = who(&d, (check.0 + ask.1) / 2.0).len() == 2;
    assert!(
        both,
        "overlap not kept: {:?}",
        d.speakers.iter().map(|s| &s.segments).collect::<Vec<_>>()
    );
    assert!(
        d.overlap_s >= 1.0 && d.overlap_s < 2.5,
        "overlap {}",
        d.overlap_s
    );

    // Roles from the words: each speaker's utterances are the truth turns they cover.
    let per: Vec<Vec<Utterance>> = (0..2)
        .map(|k| {
            turns
                .iter()
                .filter(|t| {
                    let (a, b) = span(t);
                    who(&d, (a + b) / 2.0).contains(&k)
                })
                .map(|t| {
                    let (a, b) = span(t);
                    Utterance {
                        speaker: Speaker::Mixed,
                        start_s: a,
                        end_s: b,
                        text: t["text"].as_str().unwrap().into(),
                    }
                })
                .collect()
        })
        .collect();
    let cfg = callqa_core::PipelineConfig::from_path(
        &paths::repo_root().join("pipelines/en-contact-center.toml"),
    )
    .unwrap();
    let rules = callqa_rules::RulePack::from_table(&cfg.rules, "en").unwrap();
    // Spoken in the other order (customer first), the words still find the operator.
    let mut swapped = d.clone();
    swapped.speakers.swap(0, 1);
    let per_swapped = vec![per[1].clone(), per[0].clone()];
    for (dd, utts, op) in [(&d, &per, 0), (&swapped, &per_swapped, 1)] {
        let r = assign_roles(dd, utts, 30.0, Some(&rules), None, RoleRule::Auto);
        assert_eq!(r.operator, op, "{r:?}");
        assert!(
            r.method.starts_with("words") && r.confidence > 0.99,
            "{r:?}"
        );
    }
    // Before ASR, the operator's voiceprint from earlier calls finds them too.
    let mut store = VoiceStore::new(&d.encoder);
    for _ in 0..3 {
        store.add("anna", &d.speakers[0].voice);
    }
    let r = provisional_roles(&swapped, store.get("anna").as_ref(), RoleRule::Auto);
    assert_eq!((r.operator, r.method.as_str()), (1, "voice"), "{r:?}");
    assert!(r.confidence > 0.9, "{r:?}");
}

#[test]
fn one_voice_is_one_speaker() {
    // A voicemail greeting: one voice, three sentences with pauses.
    let dir = tempfile::tempdir().unwrap();
    let turns = json!([
        {"speaker": "operator", "text": "Hello, you have reached the voicemail of Anna Smith."},
        {"speaker": "operator", "text": "I cannot take your call right now.", "gap": 0.6},
        {"speaker": "operator", "text": "Please leave a message after the tone and I will call you back.", "gap": 0.8},
    ]);
    let (x, _) = synth(dir.path(), "vm", turns, 1.0);
    let mut st = stage();
    let segs = st.vad.detect(&x, &st.cfg).unwrap();
    let d = st.diarizer.diarize(&x, &segs, &st.cfg).unwrap();
    assert_eq!(
        d.speakers.len(),
        1,
        "voice similarity {}",
        d.voice_similarity
    );
    assert_eq!(d.speakers[0].segments, segs);
    assert_eq!(d.overlap_s, 0.0);
    let r = provisional_roles(&d, None, RoleRule::Auto);
    assert_eq!(r.roles, vec![Speaker::Operator]);
}

#[test]
fn very_short_and_silent_recordings() {
    let dir = tempfile::tempdir().unwrap();
    let (x, _) = synth(
        dir.path(),
        "short",
        json!([{"speaker": "customer", "text": "Hello?"}]),
        0.2,
    );
    assert!(x.len() < 2 * 16_000, "{} samples", x.len());
    let mut st = stage();
    let d = diarize(&mut st, &x);
    assert_eq!(d.speakers.len(), 1);
    let silent = vec![0.0f32; 8000];
    let d = diarize(&mut st, &silent);
    assert!(d.speakers.is_empty());
    let d = st.diarizer.diarize(&[], &[], &st.cfg).unwrap();
    assert!(d.speakers.is_empty());
}

/// A melody of plucked notes (harmonics with a decaying envelope), 16 kHz.
fn music(seconds: f64, level: f32) -> Vec<f32> {
    let notes = [261.6f32, 329.6, 392.0, 523.3, 392.0, 329.6, 293.7, 349.2];
    let n = (seconds * 16_000.0) as usize;
    let note_len = 6400; // 0.4 s
    (0..n)
        .map(|i| {
            let f = notes[(i / note_len) % notes.len()];
            let t = (i % note_len) as f32 / 16_000.0;
            let env = (-4.0 * t).exp();
            let s: f32 = (1..=4)
                .map(|h| {
                    (2.0 * std::f32::consts::PI * f * h as f32 * i as f32 / 16_000.0).sin()
                        / h as f32
                })
                .sum();
            level * env * s
        })
        .collect()
}

#[test]
fn music_on_hold_does_not_become_a_speaker() {
    let dir = tempfile::tempdir().unwrap();
    let turns = json!([
        {"speaker": "operator", "text": GREET},
        {"speaker": "customer", "text": ASK, "gap": 0.5},
        {"speaker": "operator", "text": CHECK, "gap": 0.5},
        {"speaker": "operator", "text": FIX, "gap": 9.0},
        {"speaker": "customer", "text": "Great, thank you very much.", "gap": 0.5},
    ]);
    let (mut x, truth) = synth(dir.path(), "hold", turns, 1.0);
    let turns = truth["turns"].as_array().unwrap();
    // Hold music in the 9 s gap, as loud as the speech.
    let peak = x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let hold_from = turns[2]["end"].as_f64().unwrap() + 0.5;
    let m = music(8.0, 0.4 * peak);
    let at = (hold_from * 16_000.0) as usize;
    for (i, v) in m.iter().enumerate() {
        if let Some(s) = x.get_mut(at + i) {
            *s += v;
        }
    }
    let mut st = stage();
    let d = diarize(&mut st, &x);
    assert!(!d.speakers.is_empty() && d.speakers.len() <= 2, "{d:?}");
    // Whatever the VAD makes of the music, the two voices stay apart: each turn's
    // middle belongs to one speaker, operator turns to one and customer turns to the other.
    let mid = |t: &Value| (t["start"].as_f64().unwrap() + t["end"].as_f64().unwrap()) / 2.0;
    let op: Vec<Vec<usize>> = turns
        .iter()
        .filter(|t| t["speaker"] == "operator")
        .map(|t| who(&d, mid(t)))
        .collect();
    let cu: Vec<Vec<usize>> = turns
        .iter()
        .filter(|t| t["speaker"] == "customer")
        .map(|t| who(&d, mid(t)))
        .collect();
    assert!(
        op.iter().all(|w| w.len() == 1 && w == &op[0]),
        "operator turns: {op:?}"
    );
    assert!(
        cu.iter()
            .all(|w| w.len() == 1 && w == &cu[0] && w != &op[0]),
        "customer turns: {cu:?} vs {op:?}"
    );
}
