//! Cost of the acoustic features per hour of audio (used by `benches/feature_cost.sh`).
//!
//!     cargo run --release -p callqa-emotion --example feature_cost -- DIR [ROUNDS]
//!
//! Reads every 16 kHz mono 16-bit WAV in DIR, cuts each into the pipeline's windows
//! (3 s, hop 1.5 s; a shorter file is one window) and times `extract` (all features) and
//! `pitch_track` (the F0 track the pipeline also computes per speech segment) on one
//! thread, best of ROUNDS (default 3). Prints one line: `feature_set windows audio_s
//! extract_s pitch_s`. The code only uses API present since `callqa-emo-v1`, so the same
//! file builds against an older commit for a back-to-back comparison.

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: feature_cost DIR [ROUNDS]"));
    let rounds: usize = args.next().map_or(3, |r| r.parse().expect("ROUNDS"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read DIR")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    files.sort();
    let (win, hop) = (48_000usize, 24_000usize);
    let mut windows: Vec<Vec<f32>> = Vec::new();
    let mut audio = 0usize;
    for f in &files {
        let r = hound::WavReader::open(f).expect("wav");
        assert_eq!(r.spec().sample_rate, 16_000, "{}", f.display());
        let x: Vec<f32> = r
            .into_samples::<i16>()
            .map(|s| f32::from(s.expect("sample")) / 32768.0)
            .collect();
        audio += x.len();
        if x.len() <= win {
            windows.push(x);
            continue;
        }
        let mut a = 0;
        while a + win <= x.len() {
            windows.push(x[a..a + win].to_vec());
            a += hop;
        }
        if x.len() - (a - hop + win) > 0 {
            windows.push(x[x.len() - win..].to_vec());
        }
    }
    let time = |f: &dyn Fn(&[f32])| {
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                for w in &windows {
                    f(w);
                }
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let extract_s = time(&|w| {
        std::hint::black_box(callqa_emotion::extract(w).expect("features"));
    });
    let pitch_s = time(&|w| {
        std::hint::black_box(callqa_emotion::pitch_track(w).expect("pitch"));
    });
    println!(
        "{} {} {:.1} {:.3} {:.3}",
        callqa_emotion::FEATURE_SET,
        windows.len(),
        audio as f64 / 16_000.0,
        extract_s,
        pitch_s
    );
}
