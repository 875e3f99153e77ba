//! Issue 17, "check before you decode": what a header declares is checked before a
//! packet is decoded, and what is decoded is resampled while streaming, so memory
//! follows 16 kHz whatever the file's rate. The poison files are sparse (gigabytes of
//! declared zeros in a few kilobytes of disk).

use callqa_audio::{decode_file, decode_file_with, DecodeOptions};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// A 16-bit PCM WAV of `seconds` whose samples are a sparse hole (zeros, no disk).
fn sparse_wav(path: &Path, rate: u32, channels: u16, seconds: u64) {
    let data_len = u64::from(rate) * seconds * u64::from(channels) * 2;
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&((36 + data_len) as u32).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&(rate * u32::from(channels) * 2).to_le_bytes());
    h.extend_from_slice(&(channels * 2).to_le_bytes());
    h.extend_from_slice(&16u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&(data_len as u32).to_le_bytes());
    let f = std::fs::File::create(path).unwrap();
    (&f).write_all(&h).unwrap();
    f.set_len(44 + data_len).unwrap();
}

#[test]
fn poison_headers_are_refused_before_decoding() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("rate384k.wav", 384_000, 2, 20 * 60, "bad_sample_rate"),
        ("rate4k.wav", 4_000, 1, 10, "bad_sample_rate"),
        ("eight.wav", 48_000, 8, 20 * 60, "bad_channels"),
        ("three.wav", 48_000, 3, 60, "bad_channels"),
        ("three_hours.wav", 8_000, 2, 3 * 3600, "too_long"),
    ];
    for (name, rate, ch, secs, kind) in cases {
        let p = dir.path().join(name);
        sparse_wav(&p, rate, ch, secs);
        let t = Instant::now();
        let e = decode_file(&p).unwrap_err();
        assert_eq!(e.kind(), kind, "{name}: {e}");
        assert!(e.to_string().contains(name), "{e}");
        // Refused from the header: no time spent decoding gigabytes of zeros.
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "{name}: {:?}",
            t.elapsed()
        );
    }
    // The cap comes from the pipeline file.
    let p = dir.path().join("ten_minutes.wav");
    sparse_wav(&p, 8_000, 1, 600);
    let short_cap = DecodeOptions {
        max_duration_s: 300.0,
        ..DecodeOptions::default()
    };
    assert_eq!(
        decode_file_with(&p, &short_cap).unwrap_err().kind(),
        "too_long"
    );
    assert_eq!(decode_file(&p).unwrap().duration_s, 600.0);
}

#[test]
fn a_channel_map_picks_two_of_many_channels() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("four.wav");
    let (rate, frames, ch) = (16_000u32, 16_000usize, 4u16);
    let mut w = hound::WavWriter::create(
        &p,
        hound::WavSpec {
            channels: ch,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        },
    )
    .unwrap();
    for _ in 0..frames {
        for c in 0..ch {
            // Channel c holds the constant (c + 1) / 8.
            w.write_sample((f32::from(c + 1) / 8.0 * 32767.0) as i16)
                .unwrap();
        }
    }
    w.finalize().unwrap();
    assert_eq!(decode_file(&p).unwrap_err().kind(), "bad_channels");
    let pick = DecodeOptions {
        pick_channels: Some([2, 0]),
        ..DecodeOptions::default()
    };
    let d = decode_file_with(&p, &pick).unwrap();
    assert_eq!(d.source_channels, 4);
    assert_eq!(d.channels.len(), 2);
    assert!((d.channels[0][8000] - 3.0 / 8.0).abs() < 1e-3);
    assert!((d.channels[1][8000] - 1.0 / 8.0).abs() < 1e-3);
    let beyond = DecodeOptions {
        pick_channels: Some([0, 4]),
        ..DecodeOptions::default()
    };
    assert_eq!(
        decode_file_with(&p, &beyond).unwrap_err().kind(),
        "bad_channels"
    );
}

/// The child half of `a_192k_recording_decodes_in_the_memory_of_16k`.
#[test]
fn child_decodes_a_big_file() {
    let Ok(p) = std::env::var("CALLQA_AUDIO_CHILD_FILE") else {
        return;
    };
    let d = decode_file(Path::new(&p)).unwrap();
    assert_eq!(d.channels.len(), 2);
    assert!((d.duration_s - 300.0).abs() < 1e-6, "{}", d.duration_s);
    println!("CHILD-OK {}", d.channels[0].len());
}

/// 5 minutes of 192 kHz stereo (461 MB as f32 at the file's rate, 38 MB at 16 kHz)
/// decode under a 384 MiB address-space limit (`prlimit --as`, like `ulimit -v`): the
/// decoder holds 16 kHz output and one FFT chunk of input, never the file's rate.
/// (Measured with `/usr/bin/time -v` on 10 minutes: 80 MB peak RSS, 77 MB of it the
/// output.)
#[test]
fn a_192k_recording_decodes_in_the_memory_of_16k() {
    if std::process::Command::new("prlimit")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("prlimit (util-linux) not found: memory limit not checked");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("quiet192k.wav");
    sparse_wav(&p, 192_000, 2, 300);
    let o = std::process::Command::new("prlimit")
        .arg(format!("--as={}", 384u64 << 20))
        .arg("--")
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", "child_decodes_a_big_file", "--nocapture"])
        .env("CALLQA_AUDIO_CHILD_FILE", &p)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && out.contains("CHILD-OK 4800000"),
        "{:?}\n{out}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}
