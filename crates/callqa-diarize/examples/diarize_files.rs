//! Diarize mono recordings and print one JSON line per file (benches/diarization.py
//! reads them): each speaker's segments, the overlap, the similarity of the two main voices and the
//! CPU-side seconds the stage took (VAD excluded).
//!
//!     cargo run --release -p callqa-diarize --example diarize_files -- a.wav b.wav
use callqa_core::{ChannelLayout, PipelineConfig};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let cfg = PipelineConfig::from_path(
        &callqa_core::paths::repo_root().join("pipelines/en-contact-center.toml"),
    )?;
    let env = callqa_onnx::environment(&callqa_core::paths::onnxruntime_lib())?;
    let mut vad = callqa_vad::Vad::open(
        env,
        &callqa_core::paths::model_file("silero_vad_16k_sequence.onnx"),
    )?;
    let mut d =
        callqa_diarize::Diarizer::open(env, &callqa_diarize::default_model(), &cfg.diarization)?;
    // CALLQA_DIARIZE_SKIP=1: decode and VAD only (to measure the stage's share of CPU).
    let skip = std::env::var_os("CALLQA_DIARIZE_SKIP").is_some();
    for f in files {
        let decoded = callqa_audio::decode_file(std::path::Path::new(&f))?;
        let ch = callqa_audio::to_channels(decoded, ChannelLayout::Mono)?.remove(0);
        let t0 = Instant::now();
        let segs = vad.detect(&ch.samples, &cfg.vad)?;
        let vad_s = t0.elapsed().as_secs_f64();
        if skip {
            continue;
        }
        let t1 = Instant::now();
        let r = d.diarize(&ch.samples, &segs, &cfg.vad)?;
        let secs = t1.elapsed().as_secs_f64();
        let speakers: Vec<Vec<[f64; 2]>> = r
            .speakers
            .iter()
            .map(|s| s.segments.iter().map(|g| [g.start_s, g.end_s]).collect())
            .collect();
        let line = serde_json::json!({
            "file": f, "speakers": speakers, "overlap_s": r.overlap_s,
            "voice_similarity": r.voice_similarity, "windows": r.windows_embedded, "diarize_s": secs, "vad_s": vad_s,
            "duration_s": ch.duration_s(),
            "vad": segs.iter().map(|g| [g.start_s, g.end_s]).collect::<Vec<_>>(),
        });
        println!("{line}");
    }
    Ok(())
}
