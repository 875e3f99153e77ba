//! Decode a call recording and resample it to 16 kHz mono `f32`, one vector per channel.
//!
//! This is the first stage of the callqa pipeline: Silero VAD and Whisper both expect
//! 16 kHz mono samples in [-1, 1], while contact-centre archives hold anything from
//! 8 kHz µ-law WAV (telephony) to 44.1 kHz MP3. Stereo recordings usually carry one
//! party per channel, so channels are kept apart and mapped to speakers by
//! [`to_channels`].
//!
//! * Decoding uses [symphonia](https://crates.io/crates/symphonia): WAV (PCM 8/16/24/32-bit,
//!   32/64-bit float, µ-law, A-law), MP3, FLAC and Ogg Vorbis.
//! * Resampling uses rubato's synchronous FFT resampler (band-limited, not linear
//!   interpolation, which costs Whisper accuracy). Its delay is trimmed, so an event at
//!   `t` seconds in the file is at `t` seconds in the output, and the output has
//!   `ceil(len * 16000 / rate)` samples. 16 kHz input passes through unchanged.
//!
//! **Check before you decode; resample while decoding.** The key design decision: memory
//! must follow what the pipeline keeps (16 kHz, at most two channels, at most
//! [`DecodeOptions::max_duration_s`]), never what a file's header claims. So the header
//! is checked first (sample rate within [`MIN_SAMPLE_RATE`]..=[`MAX_SAMPLE_RATE`], at most
//! two channels unless [`DecodeOptions::pick_channels`] names two, a declared duration
//! within the cap), and each packet is resampled as it is decoded, so the file's own rate
//! is never held for more than one FFT chunk: a sparse 20-minute 192 kHz stereo WAV costs
//! what 20 minutes at 16 kHz cost (see `tests/decode.rs`, measured under `ulimit -v`).
//!
//! Bad input gives an [`AudioError`] whose [`kind`](AudioError::kind) goes to the
//! `errors/` table and whose message names the file; nothing panics. Policies:
//!
//! * a header declaring more samples than the file holds is `truncated` (an error: a
//!   cut-off recording is suspect); the message says how many seconds were readable;
//! * lossy streams with damaged packets (junk inside an MP3) are decoded as far as they
//!   go, skipping the bad packets with a `tracing` warning; a stream with no decodable
//!   packet at all is `corrupt`;
//! * a RIFF/WAVE file is read through a canonical header rebuilt from its own chunks, so a
//!   wrong RIFF size, a malformed `LIST` chunk or `fmt ` after `data` do not lose audio
//!   that is fine (see `tests/BAD_INPUTS.md`).
#![deny(missing_docs)]

mod decode;
mod error;
mod resample;

pub use error::AudioError;

use callqa_core::{Channel, ChannelLayout, Speaker, SAMPLE_RATE};
use std::path::Path;

/// Default longest recording decoded, seconds (2 hours); longer ones are `too_long`.
/// Two channels of it at 16 kHz are 0.9 GB, which a nightly worker can hold beside its
/// models; the pipeline file's `[input] max_duration_s` changes it.
pub const MAX_DURATION_S: f64 = 2.0 * 3600.0;
/// Shortest recording accepted, seconds (10 ms); shorter ones are `too_short`.
pub const MIN_DURATION_S: f64 = 0.01;
/// Lowest source sample rate accepted, Hz (narrow-band telephony).
pub const MIN_SAMPLE_RATE: u32 = 8_000;
/// Highest source sample rate accepted, Hz (studio rates; anything above is a damaged or
/// hostile header).
pub const MAX_SAMPLE_RATE: u32 = 192_000;

/// Limits of one decode, checked against the header before decoding and again while
/// decoding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecodeOptions {
    /// Refuse recordings longer than this (declared in the header or met while
    /// decoding), seconds: `too_long`.
    pub max_duration_s: f64,
    /// For a file with more than two channels: the two (0-based) that carry the parties,
    /// in the order of the stereo layout; the others are dropped while decoding. `None`
    /// refuses such files (`bad_channels`).
    pub pick_channels: Option<[usize; 2]>,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_duration_s: MAX_DURATION_S,
            pick_channels: None,
        }
    }
}

/// A decoded recording, resampled to 16 kHz.
#[derive(Debug, Clone)]
pub struct DecodedAudio {
    /// One vector per source channel, 16 kHz, samples in [-1, 1]; all the same length.
    pub channels: Vec<Vec<f32>>,
    /// Sample rate of the file, Hz.
    pub source_sample_rate: u32,
    /// Channel count of the file.
    pub source_channels: usize,
    /// Codec short name, e.g. `pcm_s16le`, `pcm_mulaw`, `mp3`, `flac`, `vorbis`.
    pub codec: String,
    /// Duration at 16 kHz, seconds.
    pub duration_s: f64,
    /// The file name (or the name given to [`decode_bytes`]), used in error messages.
    pub name: String,
}

/// Decode an audio file and resample every channel to 16 kHz.
///
/// The container is recognised by its content (the extension is only a hint).
pub fn decode_file(path: &Path) -> Result<DecodedAudio, AudioError> {
    decode::decode_path(path, DecodeOptions::default())
}

/// Like [`decode_file`], with the limits of the pipeline file.
pub fn decode_file_with(path: &Path, opts: &DecodeOptions) -> Result<DecodedAudio, AudioError> {
    decode::decode_path(path, *opts)
}

/// Like [`decode_file`], from bytes in memory (object stores, fuzzing). `hint_ext` is
/// the file extension if known; `name_for_errors` names the input in error messages.
pub fn decode_bytes(
    bytes: Vec<u8>,
    hint_ext: Option<&str>,
    name_for_errors: &str,
) -> Result<DecodedAudio, AudioError> {
    decode::decode_memory(bytes, hint_ext, name_for_errors, DecodeOptions::default())
}

/// Map decoded channels to speakers.
///
/// * a mono file gives one [`Speaker::Mixed`] channel, whatever `layout` says;
/// * a file decoded with [`DecodeOptions::pick_channels`] has the two picked channels,
///   mapped like a stereo file;
/// * a stereo file gives two channels with the speakers of `layout.speakers()`, in
///   channel order (`CustomerLeft`: channel 0 is the customer);
/// * a stereo file with `layout` [`ChannelLayout::Mono`] is downmixed (mean of the two
///   channels) to one `Mixed` channel;
/// * 0 or more than 2 channels is `bad_channels`.
pub fn to_channels(
    decoded: DecodedAudio,
    layout: ChannelLayout,
) -> Result<Vec<Channel>, AudioError> {
    let n = decoded.channels.len();
    match (n, layout) {
        (1, _) => {
            let samples = decoded.channels.into_iter().next().unwrap_or_default();
            Ok(vec![Channel {
                speaker: Speaker::Mixed,
                samples,
            }])
        }
        (2, ChannelLayout::Mono) => {
            let mut it = decoded.channels.into_iter();
            let (a, b) = (it.next().unwrap_or_default(), it.next().unwrap_or_default());
            let samples = a.iter().zip(&b).map(|(x, y)| 0.5 * (x + y)).collect();
            Ok(vec![Channel {
                speaker: Speaker::Mixed,
                samples,
            }])
        }
        (2, layout) => Ok(decoded
            .channels
            .into_iter()
            .zip(layout.speakers())
            .map(|(samples, &speaker)| Channel { speaker, samples })
            .collect()),
        (n, _) => Err(AudioError::BadChannels {
            file: decoded.name,
            channels: n,
            detail: "expected 1 (mixed) or 2 (one party per channel)".into(),
        }),
    }
}

/// Resample one channel from `from_rate` Hz to 16 kHz with a band-limited FFT resampler.
///
/// The output has `ceil(len * 16000 / from_rate)` samples and is not shifted in time;
/// 16 kHz input is returned unchanged. A rate outside
/// [`MIN_SAMPLE_RATE`]..=[`MAX_SAMPLE_RATE`] is `bad_sample_rate`.
pub fn resample_to_16k(samples: &[f32], from_rate: u32) -> Result<Vec<f32>, AudioError> {
    resample::resample_named(samples, from_rate, "<in-memory samples>")
}

const _: () = assert!(SAMPLE_RATE == 16_000);

#[cfg(test)]
mod tests {
    use super::*;

    /// A 16-bit PCM WAV in memory.
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
            let v = ((i as f32 * 0.3).sin() * 8000.0) as i16;
            b.extend_from_slice(&v.to_le_bytes());
        }
        b
    }

    #[test]
    fn in_memory_wav_decodes() {
        let d = decode_bytes(wav(8000, 1, 8000), Some("wav"), "mem.wav").unwrap();
        assert_eq!(d.codec, "pcm_s16le");
        assert_eq!(d.channels[0].len(), 16000);
    }

    #[test]
    fn longer_than_the_cap_is_too_long() {
        let limits = DecodeOptions {
            max_duration_s: 1.0,
            ..DecodeOptions::default()
        };
        let e = decode::decode_memory(wav(8000, 1, 16000), Some("wav"), "long.wav", limits)
            .unwrap_err();
        assert_eq!(e.kind(), "too_long", "{e}");
        assert!(e.to_string().contains("long.wav"), "{e}");
        // At the cap exactly is fine.
        decode::decode_memory(wav(8000, 1, 8000), Some("wav"), "ok.wav", limits).unwrap();
    }

    #[test]
    fn lying_data_length_is_truncated_not_a_huge_allocation() {
        let mut b = wav(8000, 1, 4000);
        // Claim ~1 GB of samples.
        b[40..44].copy_from_slice(&0x4000_0000u32.to_le_bytes());
        b[4..8].copy_from_slice(&0x4000_0024u32.to_le_bytes());
        let e = decode_bytes(b, None, "liar.wav").unwrap_err();
        assert_eq!(e.kind(), "truncated", "{e}");
        assert!(e.to_string().contains("liar.wav"), "{e}");
    }

    #[test]
    fn messy_riff_layouts_decode_like_the_clean_file() {
        let good = wav(8000, 1, 8000);
        let len = |b: Vec<u8>, name: &str| {
            decode_bytes(b, Some("wav"), name)
                .unwrap_or_else(|e| panic!("{e}"))
                .channels[0]
                .len()
        };
        // RIFF size smaller than the file (a writer that crashed).
        let mut b = good.clone();
        b[4..8].copy_from_slice(&20u32.to_le_bytes());
        assert_eq!(len(b, "small-riff.wav"), 16000);
        // fmt chunk after the data chunk.
        let mut b = good[..12].to_vec();
        b.extend_from_slice(&good[36..]);
        b.extend_from_slice(&good[12..36]);
        assert_eq!(len(b, "fmt-last.wav"), 16000);
        // A malformed LIST chunk (odd size, pad byte) before the data.
        let mut b = good[..36].to_vec();
        b.extend_from_slice(b"LIST\x05\0\0\0INFOx\0");
        b.extend_from_slice(&good[36..]);
        assert_eq!(len(b, "list.wav"), 16000);
        // Trailing junk after the declared data is not audio.
        let mut b = good.clone();
        b.extend_from_slice(&[0x55; 1000]);
        assert_eq!(len(b, "tail.wav"), 16000);
    }

    #[test]
    fn garbage_bytes_never_panic() {
        let mut x: u32 = 12345;
        for len in [1usize, 3, 12, 44, 100, 1000, 5000] {
            for _ in 0..20 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        x as u8
                    })
                    .collect();
                for ext in [None, Some("wav"), Some("mp3"), Some("flac"), Some("ogg")] {
                    let _ = decode_bytes(bytes.clone(), ext, "fuzz");
                }
            }
        }
        // A valid header followed by garbage.
        let mut b = wav(8000, 2, 800);
        for (i, v) in b.iter_mut().enumerate().skip(20) {
            *v = (i * 7919 % 251) as u8;
        }
        let _ = decode_bytes(b, Some("wav"), "fuzz.wav");
    }

    #[test]
    fn odd_rates_resample_to_the_right_length() {
        for rate in [8_000u32, 11_025, 44_099, 96_000, 191_999] {
            let n = rate as usize * 3 / 2;
            let x = vec![0.25f32; n];
            let t = std::time::Instant::now();
            let y = resample_to_16k(&x, rate).unwrap();
            let want = (n as f64 * 16_000.0 / f64::from(rate)).ceil() as usize;
            assert!(y.len().abs_diff(want) <= 1, "{rate}: {} vs {want}", y.len());
            let mid = y[want / 2];
            assert!((mid - 0.25).abs() < 0.01, "{rate}: {mid}");
            eprintln!("{rate}: {:?}", t.elapsed());
        }
    }

    #[test]
    fn resample_rejects_absurd_rates() {
        assert_eq!(
            resample_to_16k(&[0.0; 10], 1).unwrap_err().kind(),
            "bad_sample_rate"
        );
        assert_eq!(
            resample_to_16k(&[0.0; 10], 0).unwrap_err().kind(),
            "bad_sample_rate"
        );
        assert_eq!(resample_to_16k(&[0.5; 10], 16_000).unwrap(), vec![0.5; 10]);
    }
}
