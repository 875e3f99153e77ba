//! End-to-end checks with the real model: English sentences synthesised with espeak-ng,
//! transcribed on their VAD-like segments, compared with the known text.
//!
//! Needs `.cache/models/ggml-base.bin` (made by `scripts/setup.sh`), `espeak-ng` and
//! `sox`. Run with `--release`: whisper.cpp is slow in debug builds.

use callqa_asr::{packing, AsrEngine};
use callqa_core::config::AsrConfig;
use callqa_core::{SpeechSegment, SAMPLE_RATE};
use std::path::Path;
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Instant;

const SENTENCE_1: &str =
    "Good morning, thank you for calling customer support. How can I help you today?";
const SENTENCE_2: &str = "I would like to change the delivery address for my order, please.";

/// Model tests run one at a time: ggml's worker threads spin while they wait, so two
/// decodes sharing 2 cores slow each other down many times over (and timings lie).
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn engine() -> &'static AsrEngine {
    static ENGINE: OnceLock<AsrEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let path = callqa_core::paths::default_whisper_model();
        assert!(
            path.is_file(),
            "Whisper model {} is missing: run scripts/setup.sh first \
             (it converts the CTranslate2 model with scripts/ct2_to_ggml.py)",
            path.display()
        );
        AsrEngine::load(&path, &AsrConfig::default())
            .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()))
    })
}

/// Synthesise `text` with espeak-ng and return it as 16 kHz mono samples.
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
    assert_eq!(r.spec().sample_rate, SAMPLE_RATE);
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

/// Word error rate of `hyp` against `reference`, after lower-casing and removing
/// punctuation.
fn wer(reference: &str, hyp: &str) -> f64 {
    let r = words(reference);
    let h = words(hyp);
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut cur = vec![i + 1; h.len() + 1];
        for (j, hw) in h.iter().enumerate() {
            let sub = prev[j] + usize::from(rw != hw);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[h.len()] as f64 / r.len().max(1) as f64
}

#[test]
fn wer_function() {
    assert_eq!(wer("Hello, world!", "hello world"), 0.0);
    assert_eq!(wer("a b c d", "a x c"), 0.5);
    assert_eq!(wer("a b", "a b c d"), 1.0);
}

/// `lead` s of silence, sentence 1, `gap` s of silence, sentence 2, 0.5 s of silence;
/// returns the channel and the two speech segments (padded by 0.1 s like a VAD would).
fn two_sentence_channel(lead: f64, gap: f64) -> (Vec<f32>, [SpeechSegment; 2]) {
    let dir = tempfile::tempdir().unwrap();
    let s1 = synth(dir.path(), "s1", SENTENCE_1);
    let s2 = synth(dir.path(), "s2", SENTENCE_2);
    let sr = f64::from(SAMPLE_RATE);
    let silence = |s: f64| vec![0.0f32; (s * sr) as usize];
    let mut ch = silence(lead);
    let a = ch.len();
    ch.extend(&s1);
    let b = ch.len();
    ch.extend(silence(gap));
    let c = ch.len();
    ch.extend(&s2);
    let d = ch.len();
    ch.extend(silence(0.5));
    let seg = |x: usize, y: usize| SpeechSegment {
        start_s: (x as f64 / sr - 0.1).max(0.0),
        end_s: y as f64 / sr + 0.1,
    };
    (ch, [seg(a, b), seg(c, d)])
}

#[test]
fn two_segments_are_packed_transcribed_and_mapped_back() {
    let _serial = serial();
    let engine = engine();
    let (ch, segs) = two_sentence_channel(0.7, 10.0);
    assert!(segs[1].start_s >= 10.0);

    let t0 = Instant::now();
    let out = engine.transcribe(&ch, &segs, Some("en"), 2).unwrap();
    let took = t0.elapsed().as_secs_f64();
    let speech_s: f64 = segs.iter().map(SpeechSegment::duration_s).sum();
    eprintln!(
        "two segments ({:.1} s of speech in a {:.1} s channel): {} window(s), {:.1} s decoded, \
         {took:.2} s wall\n{:#?}",
        speech_s,
        ch.len() as f64 / f64::from(SAMPLE_RATE),
        out.windows,
        out.audio_s_decoded,
        out.pieces
    );

    // Both segments fit in one window; only speech (+ gap) is decoded, not the silence.
    assert_eq!(out.windows, 1);
    assert!(
        out.audio_s_decoded < speech_s + 1.0,
        "{}",
        out.audio_s_decoded
    );
    assert_eq!(out.language.as_deref(), Some("en"));

    // One piece per segment, with the segment's bounds (channel time).
    assert_eq!(out.pieces.len(), 2, "{:#?}", out.pieces);
    for (p, s) in out.pieces.iter().zip(&segs) {
        assert_eq!((p.start_s, p.end_s), (s.start_s, s.end_s));
    }
    assert!(out.pieces[1].start_s >= 10.0);

    let all: Vec<&str> = out.pieces.iter().map(|p| p.text.as_str()).collect();
    let total = wer(&format!("{SENTENCE_1} {SENTENCE_2}"), &all.join(" "));
    let w1 = wer(SENTENCE_1, &out.pieces[0].text);
    let w2 = wer(SENTENCE_2, &out.pieces[1].text);
    eprintln!(
        "WER total {:.1} %, piece 1 {:.1} %, piece 2 {:.1} %",
        total * 100.0,
        w1 * 100.0,
        w2 * 100.0
    );
    assert!(total <= 0.10, "WER {:.1} % > 10 %: {all:?}", total * 100.0);
    // Each sentence's text lands in its own segment.
    assert!(
        w1 <= 0.10 && w2 <= 0.10,
        "text attributed to the wrong segment: {all:?}"
    );
}

#[test]
fn language_is_detected_and_engine_is_shared_between_threads() {
    let _serial = serial();
    let engine = engine();
    let (ch, segs) = two_sentence_channel(0.3, 2.0);
    // One segment spanning both sentences, language auto-detected; a second thread
    // transcribes the second sentence alone with the same engine at the same time.
    let whole = [SpeechSegment {
        start_s: segs[0].start_s,
        end_s: segs[1].end_s,
    }];
    let t0 = Instant::now();
    let (a, b) = std::thread::scope(|s| {
        let h = s.spawn(|| engine.transcribe(&ch, &segs[1..], None, 1));
        let a = engine.transcribe(&ch, &whole, None, 1).unwrap();
        (a, h.join().unwrap().unwrap())
    });
    eprintln!(
        "auto language, 2 threads: {:.2} s\n{a:#?}\n{b:#?}",
        t0.elapsed().as_secs_f64()
    );
    assert_eq!(a.language.as_deref(), Some("en"));
    assert_eq!(a.pieces.len(), 1);
    let w = wer(&format!("{SENTENCE_1} {SENTENCE_2}"), &a.pieces[0].text);
    assert!(w <= 0.10, "WER {:.1} %: {:?}", w * 100.0, a.pieces[0].text);
    assert_eq!(b.pieces.len(), 1);
    assert!(
        wer(SENTENCE_2, &b.pieces[0].text) <= 0.10,
        "{:?}",
        b.pieces[0].text
    );
}

#[test]
fn no_segments_decode_nothing() {
    let _serial = serial();
    let out = engine()
        .transcribe(&vec![0.0; 16000], &[], Some("en"), 1)
        .unwrap();
    assert_eq!(out.windows, 0);
    assert!(out.pieces.is_empty());
    assert_eq!(engine().model_name(), "ggml-base.bin");
}

#[test]
fn packing_maps_window_time_to_channel_time() {
    // Pure: no model. Segments at 1-2 s and 12-14 s of a 16 kHz channel, 0.3 s gap.
    let segs = [
        SpeechSegment {
            start_s: 1.0,
            end_s: 2.0,
        },
        SpeechSegment {
            start_s: 12.0,
            end_s: 14.0,
        },
    ];
    let w = packing::plan_windows(&segs, 16000 * 20, SAMPLE_RATE, 28.0, 0.3);
    assert_eq!(w.len(), 1);
    let sr = f64::from(SAMPLE_RATE);
    // 0.5 s into the window is 1.5 s in the channel, segment 0.
    assert_eq!(w[0].to_channel(0.5 * sr).unwrap() / sr, 1.5);
    // The second part starts at 1.3 s in the window = 12 s in the channel.
    assert_eq!(w[0].parts[1].window_start as f64 / sr, 1.3);
    assert_eq!(w[0].to_channel(2.3 * sr).unwrap() / sr, 13.0);
    assert_eq!(w[0].part_at(2.3 * sr).unwrap().segment, 1);
    assert_eq!(w[0].len as f64 / sr, 3.3);
}

#[test]
fn beam_search_and_system_info() {
    let _serial = serial();
    let info = callqa_asr::system_info();
    eprintln!("whisper.cpp {}: {info}", callqa_asr::whisper_cpp_version());
    assert!(!info.is_empty());
    let path = callqa_core::paths::default_whisper_model();
    assert!(
        path.is_file(),
        "{} is missing: run scripts/setup.sh first",
        path.display()
    );
    let cfg = AsrConfig {
        beam_size: 5,
        ..AsrConfig::default()
    };
    let engine = AsrEngine::load(&path, &cfg).unwrap();
    let (ch, segs) = two_sentence_channel(0.3, 1.0);
    let out = engine.transcribe(&ch, &segs[1..], Some("en"), 2).unwrap();
    assert_eq!(out.pieces.len(), 1, "{out:#?}");
    assert!(wer(SENTENCE_2, &out.pieces[0].text) <= 0.10, "{out:#?}");
}

/// This process's resident set, MiB (Linux).
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kib / 1024.0
}

#[test]
fn reserved_buffers_are_resident_and_change_no_transcript() {
    let _serial = serial();
    let (ch, segs) = two_sentence_channel(0.5, 3.0);
    let path = callqa_core::paths::default_whisper_model();
    let dtw_engine = AsrEngine::load(
        &path,
        &AsrConfig {
            dtw: true,
            ..AsrConfig::default()
        },
    )
    .unwrap();
    // The fallback-sized self-attention cache (~44 MB for base); with DTW also the
    // logits of a 228-token batch (~47 MB, twice: compute buffer and logits vector).
    for (engine, min_mib) in [(engine(), 35.0), (&dtw_engine, 100.0)] {
        let dtw = engine.config().dtw;
        let plain = engine.transcribe(&ch, &segs, Some("en"), 1).unwrap();
        let mut session = engine.session().unwrap();
        let before = rss_mib();
        let t0 = Instant::now();
        session.reserve_peak_buffers().unwrap();
        let grown = rss_mib() - before;
        eprintln!(
            "reserve_peak_buffers (dtw {dtw}): +{grown:.0} MiB resident in {:.2} s",
            t0.elapsed().as_secs_f64()
        );
        assert!(
            grown > min_mib,
            "dtw {dtw}: only {grown:.0} MiB became resident"
        );
        let reserved = session.transcribe(&ch, &segs, Some("en"), 1).unwrap();
        let texts = |t: &callqa_asr::ChannelTranscript| {
            t.pieces
                .iter()
                .map(|p| (p.start_s, p.end_s, p.text.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(&plain), texts(&reserved), "dtw {dtw}");
        assert_eq!(plain.pieces.len(), 2, "dtw {dtw}: {:#?}", plain.pieces);
    }
}
