//! The CTranslate2 engine with the real model: two channels of espeak-ng
//! English, transcribed in one batched call, each sentence in its own VAD segment.
//!
//! Needs `.cache/models/ct2-whisper-base` and `.cache/ctranslate2` (scripts/setup.sh),
//! `espeak-ng` and `sox`.

use callqa_asr::ct2::{ChannelJob, Ct2Engine};
use callqa_core::config::AsrConfig;
use callqa_core::{SpeechSegment, SAMPLE_RATE};
use std::path::Path;
use std::process::Command;

const OPERATOR_1: &str =
    "Good morning, thank you for calling customer support. How can I help you today?";
const OPERATOR_2: &str = "Your new address will be used from tomorrow.";
const CUSTOMER_1: &str = "I would like to change the delivery address for my order, please.";

/// `text` spoken by espeak-ng, as 16 kHz mono samples.
fn synth(dir: &Path, name: &str, text: &str) -> Vec<f32> {
    let raw = dir.join(format!("{name}-raw.wav"));
    let wav = dir.join(format!("{name}.wav"));
    let st = Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "150", "-w"])
        .arg(&raw)
        .arg(text)
        .status()
        .expect("espeak-ng is needed for this test (apt-get install espeak-ng)");
    assert!(st.success(), "espeak-ng failed");
    let st = Command::new("sox")
        .arg(&raw)
        .args(["-r", "16000", "-c", "1", "-b", "16"])
        .arg(&wav)
        .status()
        .expect("sox is needed for this test (apt-get install sox)");
    assert!(st.success(), "sox failed");
    let mut r = hound::WavReader::open(&wav).unwrap();
    r.samples::<i16>()
        .map(|s| f32::from(s.unwrap()) / 32768.0)
        .collect()
}

fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// Word error rate of `hyp` against `reference` (lower case, no punctuation).
fn wer(reference: &str, hyp: &str) -> f64 {
    let (r, h) = (words(reference), words(hyp));
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut cur = vec![i + 1; h.len() + 1];
        for (j, hw) in h.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(rw != hw))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[h.len()] as f64 / r.len().max(1) as f64
}

/// A channel with the given sentences at the given start times (s), and their segments
/// (padded by 0.1 s as the VAD does).
fn channel(parts: &[(f64, &[f32])], len_s: f64) -> (Vec<f32>, Vec<SpeechSegment>) {
    let sr = f64::from(SAMPLE_RATE);
    let mut ch = vec![0.0f32; (len_s * sr) as usize];
    let mut segs = Vec::new();
    for &(at, audio) in parts {
        let a = (at * sr) as usize;
        ch[a..a + audio.len()].copy_from_slice(audio);
        segs.push(SpeechSegment {
            start_s: at - 0.1,
            end_s: (a + audio.len()) as f64 / sr + 0.1,
        });
    }
    (ch, segs)
}

#[test]
fn two_channels_in_one_batch_with_text_in_the_right_segments() {
    let model = callqa_core::paths::model_file("ct2-whisper-base");
    assert!(
        model.join("model.bin").is_file(),
        "{} is missing: run scripts/setup.sh",
        model.display()
    );
    let engine = Ct2Engine::load(&model, &AsrConfig::default(), 1, 2)
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", model.display()));

    let dir = tempfile::tempdir().unwrap();
    let op1 = synth(dir.path(), "op1", OPERATOR_1);
    let op2 = synth(dir.path(), "op2", OPERATOR_2);
    let cu1 = synth(dir.path(), "cu1", CUSTOMER_1);
    // Operator: two sentences 12 s apart (packed into one window); customer: one sentence
    // between them.
    let (operator, op_segs) = channel(&[(0.5, &op1), (20.0, &op2)], 24.0);
    let (customer, cu_segs) = channel(&[(8.0, &cu1)], 24.0);
    let jobs = [
        ChannelJob {
            samples: &operator,
            segments: &op_segs,
            language: Some("en"),
        },
        ChannelJob {
            samples: &customer,
            segments: &cu_segs,
            language: None,
        },
    ];
    let out = engine.transcribe_channels(&jobs);
    assert_eq!(out.len(), 2);
    let op = out[0].as_ref().unwrap();
    let cu = out[1].as_ref().unwrap();
    eprintln!("operator: {:#?}\ncustomer: {:#?}", op.pieces, cu.pieces);

    assert_eq!(op.windows, 1);
    assert_eq!(cu.windows, 1);
    assert_eq!(op.language.as_deref(), Some("en"));
    // Detected on the customer's window.
    assert_eq!(cu.language.as_deref(), Some("en"));
    // One piece per segment, with the VAD bounds, and each sentence in its own.
    assert_eq!(op.pieces.len(), 2, "{:#?}", op.pieces);
    assert_eq!(cu.pieces.len(), 1, "{:#?}", cu.pieces);
    for (p, s) in op.pieces.iter().zip(&op_segs) {
        assert_eq!((p.start_s, p.end_s), (s.start_s, s.end_s));
    }
    let w = [
        wer(OPERATOR_1, &op.pieces[0].text),
        wer(OPERATOR_2, &op.pieces[1].text),
        wer(CUSTOMER_1, &cu.pieces[0].text),
    ];
    eprintln!("WER per sentence: {w:?}");
    assert!(w.iter().all(|&x| x <= 0.15), "WER {w:?}");

    // The same channel alone gives the same text as in the batch.
    let alone = engine.transcribe(&customer, &cu_segs, Some("en")).unwrap();
    assert_eq!(alone.pieces, cu.pieces);
    // An unknown language fails that channel only.
    let bad = engine.transcribe_channels(&[
        ChannelJob {
            language: Some("xx-klingon"),
            ..jobs[0]
        },
        jobs[1],
    ]);
    assert_eq!(bad[0].as_ref().unwrap_err().kind(), "language");
    assert!(bad[1].is_ok());

    // The batch encoded one window per pass (`[asr] ct2_encoder_batch = 1`; the default
    // encodes these two in one pass) and decoded as one: the same text and times.
    let one_per_pass = AsrConfig {
        ct2_encoder_batch: 1,
        ..AsrConfig::default()
    };
    let engine1 = Ct2Engine::load(&model, &one_per_pass, 1, 2)
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", model.display()));
    let split = engine1.transcribe_channels(&jobs);
    assert_eq!(split[0].as_ref().unwrap().pieces, op.pieces);
    assert_eq!(split[1].as_ref().unwrap().pieces, cu.pieces);
}
