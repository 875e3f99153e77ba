//! Decoding real files made with `sox`, resampler timing, and every bad-input kind.

use callqa_audio::{decode_bytes, decode_file, resample_to_16k, to_channels, AudioError};
use callqa_core::{ChannelLayout, Speaker};
use std::path::{Path, PathBuf};
use std::process::Command;

fn sox(args: &[&str]) {
    let out = Command::new("sox")
        .args(args)
        .output()
        .expect("sox must be installed to run these tests");
    assert!(
        out.status.success(),
        "sox {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A 2 s stereo file at `rate`: left a 440 Hz sine at amplitude 0.5, right silent.
/// `enc` are sox output options (`-e u-law`, `-b 24`, ...).
fn stereo_tone(dir: &Path, name: &str, rate: u32, enc: &[&str]) -> PathBuf {
    let p = dir.join(name);
    let r = rate.to_string();
    let mut args = vec!["-n", "-r", &r, "-c", "2"];
    args.extend_from_slice(enc);
    let ps = p.to_str().unwrap().to_string();
    args.extend_from_slice(&[
        &ps, "synth", "2", "sine", "440", "vol", "0.5", "remix", "1", "0",
    ]);
    sox(&args);
    p
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// Dominant frequency by zero crossings, Hz (good enough for a clean sine).
fn zero_cross_hz(x: &[f32], rate: f64) -> f64 {
    let n = x
        .windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count();
    n as f64 / 2.0 / (x.len() as f64 / rate)
}

fn check_stereo_tone(path: &Path, codec: &str, rate: u32, rms_tol: f64) {
    check_stereo_tone_len(path, codec, rate, rms_tol, 0.0);
}

/// `extra_s`: how much longer than 2 s the decoded file may be (MP3 encoder delay and
/// frame padding when the file has no LAME tag).
fn check_stereo_tone_len(path: &Path, codec: &str, rate: u32, rms_tol: f64, extra_s: f64) {
    let d = decode_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(d.codec, codec, "{}", path.display());
    assert_eq!(d.source_sample_rate, rate, "{}", path.display());
    assert_eq!(d.source_channels, 2);
    assert_eq!(d.channels.len(), 2);
    assert!(
        d.duration_s >= 2.0 - 0.02 && d.duration_s <= 2.0 + 0.02 + extra_s,
        "{}: {}",
        path.display(),
        d.duration_s
    );
    assert_eq!(d.channels[0].len(), d.channels[1].len());
    assert!(
        (d.channels[0].len() as f64 / 16_000.0 - d.duration_s).abs() < 1e-9,
        "duration is at 16 kHz"
    );
    // Skip the edges (codec/resampler ramps), then check level and pitch.
    let mid = &d.channels[0][1600..d.channels[0].len() - 1600];
    let want = 0.5 / 2f64.sqrt();
    let l = rms(mid);
    assert!(
        (l - want).abs() <= rms_tol,
        "{}: left RMS {l}, want {want}",
        path.display()
    );
    let hz = zero_cross_hz(mid, 16_000.0);
    assert!(
        (hz - 440.0).abs() < 5.0,
        "{}: left at {hz} Hz",
        path.display()
    );
    let r = rms(&d.channels[1]);
    assert!(
        r < 0.01,
        "{}: right channel should be silent, RMS {r}",
        path.display()
    );
    assert!(d
        .channels
        .iter()
        .flatten()
        .all(|s| (-1.0..=1.0).contains(s)));
}

#[test]
fn wav_encodings_decode_to_16k_stereo() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, u32, &[&str], &str, f64)] = &[
        ("s16.wav", 8000, &["-b", "16"], "pcm_s16le", 0.01),
        ("ulaw.wav", 8000, &["-e", "u-law"], "pcm_mulaw", 0.02),
        ("alaw.wav", 8000, &["-e", "a-law"], "pcm_alaw", 0.02),
        (
            "u8.wav",
            8000,
            &["-b", "8", "-e", "unsigned"],
            "pcm_u8",
            0.02,
        ),
        ("s24.wav", 44_100, &["-b", "24"], "pcm_s24le", 0.01),
        ("s32.wav", 22_050, &["-b", "32"], "pcm_s32le", 0.01),
        (
            "f32.wav",
            48_000,
            &["-e", "floating-point", "-b", "32"],
            "pcm_f32le",
            0.01,
        ),
        (
            "f64.wav",
            11_025,
            &["-e", "floating-point", "-b", "64"],
            "pcm_f64le",
            0.01,
        ),
        ("s16_16k.wav", 16_000, &["-b", "16"], "pcm_s16le", 0.01),
    ];
    for (name, rate, enc, codec, tol) in cases {
        let p = stereo_tone(dir.path(), name, *rate, enc);
        check_stereo_tone(&p, codec, *rate, *tol);
    }
}

#[test]
fn compressed_formats_decode() {
    let dir = tempfile::tempdir().unwrap();
    for (name, rate, codec, tol) in [
        ("x.flac", 8000, "flac", 0.01),
        ("x.ogg", 16_000, "vorbis", 0.03),
        ("x.ogg", 44_100, "vorbis", 0.03),
    ] {
        let p = stereo_tone(dir.path(), name, rate, &[]);
        check_stereo_tone(&p, codec, rate, tol);
    }
    // sox writes MP3 without a LAME tag, so the encoder delay (576 frames) and the
    // padding to a whole MP3 frame (1152 frames at 32 kHz and up, 576 below) stay.
    for (rate, frame) in [(44_100u32, 1152.0), (8000, 576.0)] {
        let p = stereo_tone(dir.path(), &format!("x{rate}.mp3"), rate, &[]);
        check_stereo_tone_len(&p, "mp3", rate, 0.03, (576.0 + frame) / f64::from(rate));
    }
}

#[test]
fn bytes_and_file_decode_alike() {
    let dir = tempfile::tempdir().unwrap();
    let p = stereo_tone(dir.path(), "m.wav", 8000, &["-e", "u-law"]);
    let a = decode_file(&p).unwrap();
    let b = decode_bytes(std::fs::read(&p).unwrap(), None, "m.wav").unwrap();
    assert_eq!(a.channels, b.channels);
    assert_eq!(b.codec, "pcm_mulaw");
}

#[test]
fn mono_and_16k_passthrough() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("mono16k.wav");
    sox(&[
        "-n",
        "-r",
        "16000",
        "-c",
        "1",
        "-b",
        "16",
        p.to_str().unwrap(),
        "synth",
        "1",
        "sine",
        "1000",
    ]);
    let d = decode_file(&p).unwrap();
    assert_eq!(d.channels.len(), 1);
    assert_eq!(d.channels[0].len(), 16_000);
    // Passthrough: exactly the 16-bit samples.
    let raw = std::fs::read(&p).unwrap();
    let first = i16::from_le_bytes([raw[raw.len() - 32_000 + 2], raw[raw.len() - 32_000 + 3]]);
    assert_eq!(d.channels[0][1], f32::from(first) / 32768.0);
    let ch = to_channels(d, ChannelLayout::OperatorLeft).unwrap();
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].speaker, Speaker::Mixed);
    assert!((ch[0].duration_s() - 1.0).abs() < 1e-9);
}

#[test]
fn stereo_layouts_map_speakers() {
    let dir = tempfile::tempdir().unwrap();
    let p = stereo_tone(dir.path(), "s.wav", 8000, &["-e", "u-law"]);
    let d = decode_file(&p).unwrap();

    let ch = to_channels(d.clone(), ChannelLayout::CustomerLeft).unwrap();
    assert_eq!(ch.len(), 2);
    assert_eq!(ch[0].speaker, Speaker::Customer);
    assert_eq!(ch[1].speaker, Speaker::Operator);
    assert!(rms(&ch[0].samples) > 0.3 && rms(&ch[1].samples) < 0.01);

    let ch = to_channels(d.clone(), ChannelLayout::OperatorLeft).unwrap();
    assert_eq!(ch[0].speaker, Speaker::Operator);
    assert!(rms(&ch[0].samples) > 0.3);

    // Mono layout for a stereo file: downmix.
    let ch = to_channels(d, ChannelLayout::Mono).unwrap();
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].speaker, Speaker::Mixed);
    let r = rms(&ch[0].samples[1600..30_000]);
    assert!(
        (r - 0.5 / 2f64.sqrt() / 2.0).abs() < 0.02,
        "downmix RMS {r}"
    );
}

/// Index of the first sample whose magnitude reaches `thr`.
fn onset(x: &[f32], thr: f32) -> usize {
    x.iter().position(|v| v.abs() >= thr).expect("no onset")
}

#[test]
fn resampling_keeps_onsets_in_place() {
    for rate in [8000u32, 11_025, 22_050, 44_100, 48_000] {
        let fr = f64::from(rate);
        let n = (fr * 2.0) as usize;
        // A click at 0.5 s and a 300 Hz tone burst starting at 1.2 s.
        let t_click = 0.5;
        let t_tone = 1.2;
        let mut x = vec![0.0f32; n];
        x[(t_click * fr) as usize] = 0.9;
        let start = (t_tone * fr) as usize;
        for (i, v) in x[start..start + (0.3 * fr) as usize].iter_mut().enumerate() {
            *v = 0.5 * (2.0 * std::f64::consts::PI * 300.0 * i as f64 / fr).sin() as f32;
        }
        let y = resample_to_16k(&x, rate).unwrap();
        let want_len = (n as f64 * 16_000.0 / fr).ceil() as usize;
        assert!(
            y.len().abs_diff(want_len) <= 1,
            "{rate}: {} vs {want_len}",
            y.len()
        );

        let click_at = y[..16_000]
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .unwrap()
            .0 as f64
            / 16_000.0;
        assert!(
            (click_at - t_click).abs() <= 0.005,
            "{rate}: click at {click_at}"
        );

        let tone_at = (16_000 + onset(&y[16_000..], 0.25)) as f64 / 16_000.0;
        assert!(
            (tone_at - t_tone).abs() <= 0.005,
            "{rate}: tone at {tone_at}"
        );
        // A sine of amplitude 0.5 keeps its level.
        let mid = &y[(1.3 * 16_000.0) as usize..(1.45 * 16_000.0) as usize];
        assert!(
            (rms(mid) - 0.5 / 2f64.sqrt()).abs() < 0.01,
            "{rate}: {}",
            rms(mid)
        );
    }
}

#[test]
fn sox_file_onset_survives_decoding() {
    // 8 kHz µ-law: 0.7 s of silence, then a tone. The onset must stay at 0.7 s.
    let dir = tempfile::tempdir().unwrap();
    for (name, rate, enc) in [
        ("o.wav", "8000", "u-law"),
        ("o44.wav", "44100", "signed-integer"),
        ("o.flac", "8000", "signed-integer"),
        ("o.ogg", "16000", "signed-integer"),
        ("o.mp3", "44100", "signed-integer"),
        ("o8k.mp3", "8000", "signed-integer"),
    ] {
        let p = dir.path().join(name);
        sox(&[
            "-n",
            "-r",
            rate,
            "-c",
            "1",
            "-e",
            enc,
            p.to_str().unwrap(),
            "synth",
            "1.5",
            "sine",
            "500",
            "vol",
            "0.5",
            "pad",
            "0.7",
            "0",
        ]);
        let d = decode_file(&p).unwrap();
        let t = onset(&d.channels[0], 0.25) as f64 / 16_000.0;
        let fr: f64 = rate.parse().unwrap();
        // An MP3 without a LAME tag keeps the encoder's delay (576 frames for LAME); the
        // decoder's own 529 frames are trimmed.
        let (late, extra) = if name.ends_with(".mp3") {
            let frame = if fr >= 32_000.0 { 1152.0 } else { 576.0 };
            (576.0 / fr, (576.0 + frame) / fr)
        } else {
            (0.0, 0.0)
        };
        assert!(
            d.duration_s >= 2.2 - 0.02 && d.duration_s <= 2.2 + 0.02 + extra,
            "{name}: {}",
            d.duration_s
        );
        assert!((t - 0.7 - late).abs() <= 0.005, "{name}: onset at {t}");
    }
}

// ---- bad input ----

fn assert_kind(e: &AudioError, kind: &str, name: &str) {
    assert_eq!(e.kind(), kind, "{e}");
    let msg = e.to_string();
    eprintln!("{kind}: {msg}");
    assert!(msg.contains(name), "message does not name {name}: {msg}");
}

#[test]
fn empty_file_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("zero.wav");
    std::fs::write(&p, b"").unwrap();
    assert_kind(&decode_file(&p).unwrap_err(), "empty", "zero.wav");
    assert_kind(
        &decode_bytes(Vec::new(), None, "zero.bin").unwrap_err(),
        "empty",
        "zero.bin",
    );
}

#[test]
fn header_only_wav_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("hdr.wav");
    sox(&[
        "-n",
        "-r",
        "8000",
        "-c",
        "1",
        p.to_str().unwrap(),
        "trim",
        "0",
        "0",
    ]);
    assert_kind(&decode_file(&p).unwrap_err(), "empty", "hdr.wav");
    // Header cut before the data chunk.
    let p2 = dir.path().join("nodata.wav");
    let full = std::fs::read(stereo_tone(dir.path(), "full.wav", 8000, &[])).unwrap();
    std::fs::write(&p2, &full[..36]).unwrap();
    assert_kind(&decode_file(&p2).unwrap_err(), "empty", "nodata.wav");
}

#[test]
fn truncated_wav_and_flac_are_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read(stereo_tone(dir.path(), "full.wav", 8000, &["-b", "16"])).unwrap();
    // 44-byte header + 1 s of 16-bit stereo 8 kHz = 32000 bytes.
    let p = dir.path().join("cut.wav");
    std::fs::write(&p, &full[..44 + 32_000]).unwrap();
    let e = decode_file(&p).unwrap_err();
    assert_kind(&e, "truncated", "cut.wav");
    assert!(e.to_string().contains("1.00 s"), "{e}");
    assert!(e.to_string().contains("2.00 s"), "{e}");

    let flac = std::fs::read(stereo_tone(dir.path(), "full.flac", 8000, &[])).unwrap();
    let p = dir.path().join("cut.flac");
    std::fs::write(&p, &flac[..flac.len() / 2]).unwrap();
    assert_kind(&decode_file(&p).unwrap_err(), "truncated", "cut.flac");
}

#[test]
fn text_file_named_wav_is_unsupported() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notes.wav");
    std::fs::write(
        &p,
        "this is not audio, just some notes about a call\n".repeat(50),
    )
    .unwrap();
    assert_kind(
        &decode_file(&p).unwrap_err(),
        "unsupported_format",
        "notes.wav",
    );
}

#[test]
fn six_channels_are_bad_channels_from_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("six.wav");
    sox(&[
        "-n",
        "-r",
        "8000",
        "-c",
        "6",
        p.to_str().unwrap(),
        "synth",
        "0.5",
        "sine",
        "440",
    ]);
    // Refused before decoding (issue 17: an 8-channel file used to reach 1 GB first).
    assert_kind(&decode_file(&p).unwrap_err(), "bad_channels", "six.wav");
    // Channels decoded some other way are still refused when mapped to speakers.
    let d = callqa_audio::DecodedAudio {
        channels: vec![vec![0.0; 160]; 6],
        source_sample_rate: 8000,
        source_channels: 6,
        codec: "pcm_s16le".into(),
        duration_s: 0.01,
        name: "six.wav".into(),
    };
    let e = to_channels(d, ChannelLayout::OperatorLeft).unwrap_err();
    assert_kind(&e, "bad_channels", "six.wav");
}

/// A sox 16-bit mono WAV with header fields patched.
fn patched_wav(dir: &Path, name: &str, patch: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let src = dir.join(format!("src-{name}"));
    sox(&[
        "-n",
        "-r",
        "8000",
        "-c",
        "1",
        "-b",
        "16",
        src.to_str().unwrap(),
        "synth",
        "1",
        "sine",
        "440",
    ]);
    let mut b = std::fs::read(&src).unwrap();
    assert_eq!(&b[12..16], b"fmt ");
    patch(&mut b);
    let p = dir.join(name);
    std::fs::write(&p, b).unwrap();
    p
}

#[test]
fn zero_channels_is_bad_channels() {
    let dir = tempfile::tempdir().unwrap();
    let p = patched_wav(dir.path(), "zero-ch.wav", |b| {
        b[22..24].copy_from_slice(&0u16.to_le_bytes())
    });
    assert_kind(&decode_file(&p).unwrap_err(), "bad_channels", "zero-ch.wav");
}

#[test]
fn absurd_sample_rates_are_bad_sample_rate() {
    let dir = tempfile::tempdir().unwrap();
    for (name, rate) in [
        ("one-hz.wav", 1u32),
        ("zero-hz.wav", 0),
        ("huge.wav", 4_000_000_000),
    ] {
        let p = patched_wav(dir.path(), name, |b| {
            b[24..28].copy_from_slice(&rate.to_le_bytes());
            b[28..32].copy_from_slice(&rate.wrapping_mul(2).to_le_bytes());
        });
        let e = decode_file(&p).unwrap_err();
        assert_kind(&e, "bad_sample_rate", name);
        assert!(e.to_string().contains(&rate.to_string()), "{e}");
    }
}

#[test]
fn mp3_with_garbage_decodes_what_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let p = stereo_tone(dir.path(), "g.mp3", 44_100, &[]);
    let mut b = std::fs::read(&p).unwrap();
    // Overwrite ~10 % in the middle with junk.
    let (s, n) = (b.len() / 2, b.len() / 10);
    for (i, v) in b[s..s + n].iter_mut().enumerate() {
        *v = (i * 131 % 256) as u8;
    }
    let q = dir.path().join("garbled.mp3");
    std::fs::write(&q, &b).unwrap();
    let d = decode_file(&q).unwrap();
    assert_eq!(d.codec, "mp3");
    assert!(d.duration_s > 1.5 && d.duration_s < 2.1, "{}", d.duration_s);

    // Junk that is not an MP3 at all, named .mp3.
    let junk: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let q = dir.path().join("junk.mp3");
    std::fs::write(&q, &junk).unwrap();
    let e = decode_file(&q).unwrap_err();
    eprintln!("{}: {e}", e.kind());
    assert!(
        ["corrupt", "unsupported_format"].contains(&e.kind()),
        "{}: {e}",
        e.kind()
    );
    assert!(e.to_string().contains("junk.mp3"), "{e}");
}

#[test]
fn directory_and_missing_file_are_io() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("calls.wav");
    std::fs::create_dir(&d).unwrap();
    assert_kind(&decode_file(&d).unwrap_err(), "io", "calls.wav");
    assert_kind(
        &decode_file(&dir.path().join("missing.wav")).unwrap_err(),
        "io",
        "missing.wav",
    );
}

#[test]
fn tiny_file_is_too_short() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("blip.wav");
    sox(&[
        "-n",
        "-r",
        "8000",
        "-c",
        "1",
        p.to_str().unwrap(),
        "synth",
        "0.001",
        "sine",
        "440",
    ]);
    assert_kind(&decode_file(&p).unwrap_err(), "too_short", "blip.wav");
}

#[test]
fn undecodable_wav_fields_are_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    // 12 bits per sample is not a PCM width symphonia (or anyone) writes.
    let p = patched_wav(dir.path(), "bits12.wav", |b| {
        b[34..36].copy_from_slice(&12u16.to_le_bytes())
    });
    assert_kind(&decode_file(&p).unwrap_err(), "corrupt", "bits12.wav");
    // Block align 0: no frame can be read.
    let p = patched_wav(dir.path(), "align0.wav", |b| {
        b[32..34].copy_from_slice(&0u16.to_le_bytes())
    });
    let e = decode_file(&p).unwrap_err();
    assert_kind(&e, "corrupt", "align0.wav");
}
