//! Property-based fuzzing of the decoder (issue 7): arbitrary bytes, and valid WAV, MP3,
//! FLAC and Ogg files with mutated headers and bodies, through `decode_bytes` and
//! `decode_file`. Whatever the input, decoding returns `Ok` with well-formed audio or a
//! typed [`AudioError`] that names the input; it never panics, hangs or allocates from a
//! header's claims. Runs in `cargo test` (bounded case counts, a few seconds in
//! release); `fuzz/` has the cargo-fuzz twin for long runs.

use callqa_audio::{decode_bytes, decode_file, to_channels, AudioError, DecodedAudio};
use callqa_core::ChannelLayout;
use proptest::prelude::*;
use std::process::Command;
use std::sync::OnceLock;

const KINDS: &[&str] = &[
    "io",
    "empty",
    "truncated",
    "unsupported_format",
    "corrupt",
    "bad_channels",
    "bad_sample_rate",
    "too_long",
    "too_short",
    "resample",
];

/// A 16-bit PCM WAV of `frames` frames.
fn wav(rate: u32, channels: u16, frames: usize) -> Vec<u8> {
    let data_len = (frames * channels as usize * 2) as u32;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * u32::from(channels) * 2).to_le_bytes());
    b.extend_from_slice(&(channels * 2).to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..frames * channels as usize {
        let v = ((i as f32 * 0.05).sin() * 9000.0) as i16;
        b.extend_from_slice(&v.to_le_bytes());
    }
    b
}

/// Seed files: Rust-made WAVs plus MP3, FLAC, Ogg Vorbis and µ-law WAV made by sox once.
fn seeds() -> &'static [(&'static str, Vec<u8>)] {
    static SEEDS: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut v = vec![("wav", wav(8000, 1, 2000)), ("wav", wav(16000, 2, 1600))];
        let dir = tempfile::tempdir().expect("tempdir");
        for (ext, name, enc) in [
            ("mp3", "s.mp3", &[][..]),
            ("flac", "s.flac", &[][..]),
            ("ogg", "s.ogg", &[][..]),
            ("wav", "u.wav", &["-e", "u-law"][..]),
            ("wav", "f.wav", &["-e", "floating-point", "-b", "32"][..]),
        ] {
            let p = dir.path().join(name);
            let ps = p.to_str().expect("utf-8 temp path").to_string();
            let mut args = vec!["-n", "-r", "8000", "-c", "2"];
            args.extend_from_slice(enc);
            args.extend_from_slice(&[&ps, "synth", "0.3", "sine", "440"]);
            let o = Command::new("sox")
                .args(&args)
                .output()
                .expect("sox must be installed to run these tests");
            assert!(o.status.success(), "sox {args:?}");
            v.push((ext, std::fs::read(&p).expect("sox output")));
        }
        v
    })
}

/// The contract of a decode: `Ok` audio is well-formed, an error is typed and names the
/// input.
fn check(r: Result<DecodedAudio, AudioError>, name: &str, input_len: usize, wav_like: bool) {
    match r {
        Ok(d) => {
            assert!(!d.channels.is_empty(), "{name}: no channels");
            let n = d.channels[0].len();
            assert!(n > 0, "{name}: empty output");
            for ch in &d.channels {
                assert_eq!(ch.len(), n, "{name}: channels differ in length");
                assert!(
                    ch.iter().all(|s| s.is_finite() && (-1.0..=1.0).contains(s)),
                    "{name}: sample outside [-1, 1]"
                );
            }
            assert!((d.duration_s - n as f64 / 16_000.0).abs() < 1e-9);
            assert!(d.duration_s <= callqa_audio::MAX_DURATION_S + 1.0);
            if wav_like {
                // PCM: at most 1 byte per source sample and at least 4 kHz, so at most
                // 4 output samples per byte; memory follows the bytes, not the header.
                let total: usize = d.channels.iter().map(Vec::len).sum();
                assert!(
                    total <= 4 * input_len + 4096,
                    "{name}: {total} samples from {input_len} bytes"
                );
            }
            // Mapping to speakers never panics either.
            let _ = to_channels(d, ChannelLayout::OperatorLeft);
        }
        Err(e) => {
            assert!(
                KINDS.contains(&e.kind()),
                "{name}: unknown kind {}",
                e.kind()
            );
            let msg = e.to_string();
            assert!(
                msg.contains(name),
                "{name}: message does not name it: {msg}"
            );
            assert_eq!(e.file(), name);
        }
    }
}

/// One mutation of a seed file.
#[derive(Debug, Clone)]
enum Mutation {
    /// XOR a byte (`pos` is taken modulo the length; `header` biases it to the first 64).
    Flip { pos: usize, header: bool, xor: u8 },
    /// Overwrite 4 bytes with an interesting little-endian u32.
    Word {
        pos: usize,
        header: bool,
        value: u32,
    },
    /// Cut the file to `keep` ‰ of its length.
    Truncate { keep: u16 },
    /// Insert bytes.
    Insert { pos: usize, bytes: Vec<u8> },
    /// Delete a range.
    Delete { pos: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop_oneof![
        Just(0u32),
        Just(1),
        Just(2),
        Just(0xFFFF),
        Just(0x7FFF_FFFF),
        Just(0x8000_0000),
        Just(0xFFFF_FFFF),
        Just(0xFFFF_FFFE),
        Just(44),
        Just(8000),
        any::<u32>(),
    ];
    prop_oneof![
        (any::<usize>(), any::<bool>(), 1u8..).prop_map(|(pos, header, xor)| Mutation::Flip {
            pos,
            header,
            xor
        }),
        (any::<usize>(), any::<bool>(), interesting)
            .prop_map(|(pos, header, value)| { Mutation::Word { pos, header, value } }),
        (0u16..1000).prop_map(|keep| Mutation::Truncate { keep }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..32))
            .prop_map(|(pos, bytes)| Mutation::Insert { pos, bytes }),
        (any::<usize>(), 1usize..256).prop_map(|(pos, len)| Mutation::Delete { pos, len }),
    ]
}

fn apply(b: &mut Vec<u8>, m: &Mutation) {
    if b.is_empty() {
        return;
    }
    let at = |pos: usize, header: bool, len: usize| {
        if header {
            pos % len.min(64)
        } else {
            pos % len
        }
    };
    match m {
        Mutation::Flip { pos, header, xor } => {
            let i = at(*pos, *header, b.len());
            b[i] ^= xor;
        }
        Mutation::Word { pos, header, value } => {
            let i = at(*pos, *header, b.len());
            for (k, byte) in value.to_le_bytes().iter().enumerate() {
                if let Some(x) = b.get_mut(i + k) {
                    *x = *byte;
                }
            }
        }
        Mutation::Truncate { keep } => {
            let n = b.len() * usize::from(*keep) / 1000;
            b.truncate(n);
        }
        Mutation::Insert { pos, bytes } => {
            let i = pos % (b.len() + 1);
            b.splice(i..i, bytes.iter().copied());
        }
        Mutation::Delete { pos, len } => {
            let i = pos % b.len();
            let j = (i + len).min(b.len());
            b.drain(i..j);
        }
    }
}

fn ext_hint() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        Just(None),
        Just(Some("wav")),
        Just(Some("mp3")),
        Just(Some("flac")),
        Just(Some("ogg")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096), ext in ext_hint()) {
        let len = bytes.len();
        check(decode_bytes(bytes, ext, "fuzz-bytes"), "fuzz-bytes", len, false);
    }

    #[test]
    fn riff_prefix_then_arbitrary_bytes(tail in prop::collection::vec(any::<u8>(), 0..2048)) {
        // Past symphonia's probe straight into the WAV reader with a random header.
        let mut b = b"RIFF\xff\xff\xff\xffWAVE".to_vec();
        b.extend_from_slice(&tail);
        let len = b.len();
        check(decode_bytes(b, Some("wav"), "fuzz-riff"), "fuzz-riff", len, true);
    }

    #[test]
    fn mutated_seed_files_never_panic(
        seed in 0usize..7,
        muts in prop::collection::vec(mutation(), 1..6),
        ext in ext_hint(),
    ) {
        let seeds = seeds();
        let (kind, bytes) = &seeds[seed % seeds.len()];
        let mut b = bytes.clone();
        for m in &muts {
            apply(&mut b, m);
        }
        let len = b.len();
        let hint = ext.or(Some(kind));
        check(decode_bytes(b, hint, "fuzz-mutant"), "fuzz-mutant", len, *kind == "wav");
    }
}

proptest! {
    // The file path goes through the same checks plus the on-disk pre-check.
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn mutated_files_on_disk_never_panic(
        seed in 0usize..7,
        muts in prop::collection::vec(mutation(), 1..4),
    ) {
        let seeds = seeds();
        let (kind, bytes) = &seeds[seed % seeds.len()];
        let mut b = bytes.clone();
        for m in &muts {
            apply(&mut b, m);
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join(format!("mutant.{kind}"));
        std::fs::write(&p, &b).expect("write");
        let len = b.len();
        check(decode_file(&p), &p.display().to_string(), len, *kind == "wav");
        // Bytes and file agree on the outcome kind.
        let a = decode_file(&p).map(|d| d.channels[0].len()).map_err(|e| e.kind());
        let m = decode_bytes(b, Some(kind), "m").map(|d| d.channels[0].len()).map_err(|e| e.kind());
        prop_assert_eq!(a, m);
    }
}

/// Header fields with every interesting value, exhaustively (not random): channels,
/// sample rate, byte rate, block align, bits, data length and RIFF length.
#[test]
fn every_interesting_header_value() {
    let base = wav(8000, 2, 800);
    let values = [
        0u32,
        1,
        2,
        3,
        7,
        8,
        0xFF,
        0xFFFF,
        0x1_0000,
        0x7FFF_FFFF,
        0xFFFF_FFFF,
    ];
    for (off, width) in [
        (4usize, 4usize),
        (16, 4),
        (20, 2),
        (22, 2),
        (24, 4),
        (28, 4),
        (32, 2),
        (34, 2),
        (40, 4),
    ] {
        for v in values {
            let mut b = base.clone();
            b[off..off + width].copy_from_slice(&v.to_le_bytes()[..width]);
            let len = b.len();
            check(
                decode_bytes(b, Some("wav"), "hdr.wav"),
                "hdr.wav",
                len,
                true,
            );
        }
    }
}
