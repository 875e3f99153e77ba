//! Silero VAD on real synthesised speech: 2 s silence, a sentence, 4 s silence, a sentence.

use callqa_core::config::VadConfig;
use callqa_core::paths;
use std::process::Command;

fn run(cmd: &mut Command) {
    let st = cmd
        .status()
        .expect("spawn (run scripts/setup.sh to install espeak-ng and sox)");
    assert!(st.success(), "{cmd:?} failed");
}

#[test]
fn finds_two_sentences_in_silence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(Command::new("espeak-ng")
        .args(["-w"])
        .arg(d.join("a.wav"))
        .arg("Good morning, thank you for calling."));
    run(Command::new("espeak-ng")
        .args(["-w"])
        .arg(d.join("b.wav"))
        .arg("How can I help you today?"));
    for n in ["a", "b"] {
        run(Command::new("sox")
            .arg(d.join(format!("{n}.wav")))
            .args(["-r", "16000", "-c", "1", "-b", "16"])
            .arg(d.join(format!("{n}16.wav"))));
    }
    // 2 s silence + a + 4 s silence + b + 1 s silence
    run(Command::new("sox")
        .args(["-n", "-r", "16000", "-c", "1", "-b", "16"])
        .arg(d.join("s2.wav"))
        .args(["trim", "0", "2"]));
    run(Command::new("sox")
        .args(["-n", "-r", "16000", "-c", "1", "-b", "16"])
        .arg(d.join("s4.wav"))
        .args(["trim", "0", "4"]));
    run(Command::new("sox")
        .arg(d.join("s2.wav"))
        .arg(d.join("a16.wav"))
        .arg(d.join("s4.wav"))
        .arg(d.join("b16.wav"))
        .arg(d.join("s2.wav"))
        .arg(d.join("call.wav")));
    let a_len = hound::WavReader::open(d.join("a16.wav"))
        .unwrap()
        .duration() as f64
        / 16000.0;
    let samples: Vec<f32> = hound::WavReader::open(d.join("call.wav"))
        .unwrap()
        .samples::<i16>()
        .map(|s| f32::from(s.unwrap()) / 32768.0)
        .collect();

    let lib = paths::onnxruntime_lib();
    let env = callqa_onnx::environment(&lib).unwrap_or_else(|e| panic!("{e}"));
    let model = paths::models_dir().join("silero_vad_16k_sequence.onnx");
    let mut vad = callqa_vad::Vad::open(env, &model).unwrap_or_else(|e| panic!("{e}"));
    let segs = vad.detect(&samples, &VadConfig::default()).unwrap();
    assert_eq!(segs.len(), 2, "{segs:?}");
    let b_start = 2.0 + a_len + 4.0;
    assert!((segs[0].start_s - 2.0).abs() < 0.3, "{segs:?}");
    assert!((segs[0].end_s - (2.0 + a_len)).abs() < 0.5, "{segs:?}");
    assert!((segs[1].start_s - b_start).abs() < 0.3, "{segs:?}");

    // pure silence and low noise give no speech
    let silence = vec![0.0f32; 16000 * 5];
    assert!(vad
        .detect(&silence, &VadConfig::default())
        .unwrap()
        .is_empty());
}
