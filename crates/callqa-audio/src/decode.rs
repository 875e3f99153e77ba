//! Container/codec decoding with symphonia, and the checks that turn bad input into a
//! clear [`AudioError`].

use crate::resample::Stream;
use crate::{AudioError, DecodeOptions, DecodedAudio};
use callqa_core::SAMPLE_RATE;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{CodecType, DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// How many bytes of the start of a file the RIFF/WAVE pre-check looks at.
const PRECHECK_BYTES: usize = 64 * 1024;

/// Consecutive packet errors after which a stream is given up (guards against a reader
/// that fails without advancing, i.e. a hang).
const MAX_CONSECUTIVE_ERRORS: usize = 64;

/// Where the samples of a RIFF/WAVE file start, from the pre-check.
#[derive(Debug, Clone)]
struct WavLayout {
    /// Byte offset of the data chunk's samples.
    data_offset: u64,
    /// Bytes per frame.
    block_align: u64,
    /// The data chunk's declared length, bytes.
    data_len: u32,
    /// The `fmt ` chunk, header included (`None` until found, e.g. after the data).
    fmt: Option<Vec<u8>>,
    /// The `fact` chunk, header included, when it precedes the data.
    fact: Option<Vec<u8>>,
}

/// How many chunks after the data chunk are searched for a late `fmt ` chunk.
const MAX_TRAILING_CHUNKS: usize = 16;

/// Decoder delay of an MPEG layer III decoder, frames.
const MP3_DECODER_DELAY: usize = 529;

pub(crate) fn decode_path(path: &Path, limits: DecodeOptions) -> Result<DecodedAudio, AudioError> {
    let name = path.display().to_string();
    let io_err = |source: io::Error| AudioError::Io {
        file: name.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if meta.is_dir() {
        return Err(io_err(io::Error::other(
            "is a directory, not an audio file",
        )));
    }
    let mut file = std::fs::File::open(path).map_err(io_err)?;
    let mut head = Vec::with_capacity(PRECHECK_BYTES.min(meta.len() as usize));
    (&mut file)
        .take(PRECHECK_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io_err)?;
    let whole = head.len() < PRECHECK_BYTES;
    let total_len = meta.len();
    let mut wav = precheck(&head, whole, &name, &limits)?;
    if let Some(w) = wav.as_mut().filter(|w| w.fmt.is_none()) {
        w.fmt = trailing_fmt(&mut file, w, total_len).map_err(io_err)?;
    }
    let wav = wav
        .map(|w| validate_layout(w, &name, &limits))
        .transpose()?
        .flatten();
    file.seek(SeekFrom::Start(0)).map_err(io_err)?;
    let ext = path.extension().and_then(|e| e.to_str());
    let source: Box<dyn MediaSource> = match &wav {
        Some(w) => Box::new(Canonical::new(file, w, total_len)),
        None => Box::new(file),
    };
    decode_source(source, ext, &name, limits, wav, total_len)
}

/// Look for a `fmt ` chunk after the data chunk (some writers put it last).
fn trailing_fmt<R: Read + Seek>(
    r: &mut R,
    w: &WavLayout,
    total_len: u64,
) -> io::Result<Option<Vec<u8>>> {
    let mut pos = w.data_offset + u64::from(w.data_len) + u64::from(w.data_len & 1);
    for _ in 0..MAX_TRAILING_CHUNKS {
        if pos + 8 > total_len {
            return Ok(None);
        }
        r.seek(SeekFrom::Start(pos))?;
        let mut hdr = [0u8; 8];
        r.read_exact(&mut hdr)?;
        let len = u32::from_le_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]);
        if &hdr[0..4] == b"fmt " {
            if !(16..=1024).contains(&len) || pos + 8 + u64::from(len) > total_len {
                return Ok(None);
            }
            let mut chunk = hdr.to_vec();
            chunk.resize(8 + len as usize, 0);
            r.read_exact(&mut chunk[8..])?;
            if len & 1 == 1 {
                chunk.push(0);
            }
            return Ok(Some(chunk));
        }
        pos += 8 + u64::from(len) + u64::from(len & 1);
    }
    Ok(None)
}

/// Check a layout's `fmt ` chunk; `None` (let symphonia decide and report) when there is
/// none or its block align is 0.
fn validate_layout(
    mut w: WavLayout,
    name: &str,
    limits: &DecodeOptions,
) -> Result<Option<WavLayout>, AudioError> {
    let Some(fmt) = w.fmt.as_deref() else {
        return Ok(None);
    };
    if fmt.len() < 8 + 16 {
        return Ok(None);
    }
    w.block_align = check_fmt(&fmt[8..], name, limits)?;
    Ok((w.block_align > 0).then_some(w))
}

/// A RIFF/WAVE file as symphonia should see it: a canonical header (`RIFF` with a
/// consistent size, `WAVE`, the `fmt ` and `fact` chunks, the `data` chunk header)
/// followed by the file's data bytes. Real files have wrong RIFF sizes (writers that
/// crashed), malformed `LIST` chunks or `fmt ` after `data`, all of which make the WAV
/// reader refuse audio that is fine; the samples are the same bytes either way.
struct Canonical<R> {
    head: Vec<u8>,
    inner: R,
    data_start: u64,
    data_end: u64,
    pos: u64,
}

impl<R: Read + Seek> Canonical<R> {
    fn new(inner: R, w: &WavLayout, total_len: u64) -> Self {
        let mut head = b"RIFF\0\0\0\0WAVE".to_vec();
        head.extend_from_slice(w.fmt.as_deref().unwrap_or_default());
        if let Some(fact) = &w.fact {
            head.extend_from_slice(fact);
        }
        head.extend_from_slice(b"data");
        let before_data = (head.len() + 4 - 8) as u64;
        let (riff_len, data_len) = if w.data_len == u32::MAX
            || before_data + u64::from(w.data_len) > u64::from(u32::MAX)
        {
            // ffmpeg's streaming placeholder, which the WAV reader accepts as such.
            (u32::MAX, u32::MAX)
        } else {
            ((before_data + u64::from(w.data_len)) as u32, w.data_len)
        };
        head.extend_from_slice(&data_len.to_le_bytes());
        head[4..8].copy_from_slice(&riff_len.to_le_bytes());
        let data_end = total_len.min(w.data_offset + u64::from(w.data_len));
        Canonical {
            head,
            inner,
            data_start: w.data_offset,
            data_end: data_end.max(w.data_offset),
            pos: 0,
        }
    }

    fn len(&self) -> u64 {
        self.head.len() as u64 + (self.data_end - self.data_start)
    }
}

impl<R: Read + Seek> Read for Canonical<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let head_len = self.head.len() as u64;
        if self.pos < head_len {
            let from = &self.head[self.pos as usize..];
            let n = from.len().min(buf.len());
            buf[..n].copy_from_slice(&from[..n]);
            self.pos += n as u64;
            return Ok(n);
        }
        let at = self.data_start + (self.pos - head_len);
        if at >= self.data_end {
            return Ok(0);
        }
        let want = ((self.data_end - at).min(buf.len() as u64)) as usize;
        self.inner.seek(SeekFrom::Start(at))?;
        let n = self.inner.read(&mut buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for Canonical<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len().checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let target = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        self.pos = target;
        Ok(target)
    }
}

impl<R: Read + Seek + Send + Sync> MediaSource for Canonical<R> {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        Some(self.len())
    }
}

pub(crate) fn decode_memory(
    bytes: Vec<u8>,
    hint_ext: Option<&str>,
    name: &str,
    limits: DecodeOptions,
) -> Result<DecodedAudio, AudioError> {
    let mut wav = precheck(
        &bytes[..bytes.len().min(PRECHECK_BYTES)],
        bytes.len() <= PRECHECK_BYTES,
        name,
        &limits,
    )?;
    let total_len = bytes.len() as u64;
    let mut cursor = io::Cursor::new(bytes);
    if let Some(w) = wav.as_mut().filter(|w| w.fmt.is_none()) {
        // Reading a Cursor in memory cannot fail; a short read means no fmt chunk.
        w.fmt = trailing_fmt(&mut cursor, w, total_len).unwrap_or(None);
    }
    let wav = wav
        .map(|w| validate_layout(w, name, &limits))
        .transpose()?
        .flatten();
    cursor.set_position(0);
    let source: Box<dyn MediaSource> = match &wav {
        Some(w) => Box::new(Canonical::new(cursor, w, total_len)),
        None => Box::new(cursor),
    };
    decode_source(source, hint_ext, name, limits, wav, total_len)
}

/// Checks symphonia would report vaguely or not at all: a 0-byte file, and in a RIFF/WAVE
/// header 0 channels, an absurd sample rate or no samples. `whole` says `head` is the
/// entire file. For a RIFF/WAVE file it returns where the data is and the `fmt ` / `fact`
/// chunks seen before it.
fn precheck(
    head: &[u8],
    whole: bool,
    name: &str,
    limits: &DecodeOptions,
) -> Result<Option<WavLayout>, AudioError> {
    if head.is_empty() {
        return Err(AudioError::Empty {
            file: name.to_string(),
            detail: "the file is 0 bytes".into(),
        });
    }
    if head.len() < 12 || &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return Ok(None);
    }
    let mut pos = 12usize;
    let mut saw_fmt = false;
    let mut fmt: Option<Vec<u8>> = None;
    let mut fact: Option<Vec<u8>> = None;
    while pos + 8 <= head.len() {
        let tag = &head[pos..pos + 4];
        let len = u32::from_le_bytes([head[pos + 4], head[pos + 5], head[pos + 6], head[pos + 7]]);
        let body = pos + 8;
        // A chunk with its header and padding, when it lies within `head`.
        let whole_chunk = || {
            let end = body.checked_add(len as usize)?;
            let mut c = head.get(pos..end)?.to_vec();
            if len & 1 == 1 {
                c.push(0);
            }
            Some(c)
        };
        if tag == b"fmt " && body + 16 <= head.len() {
            saw_fmt = true;
            check_fmt(&head[body..], name, limits)?;
            if fmt.is_none() && len >= 16 {
                fmt = whole_chunk();
            }
        }
        if tag == b"fact" && fact.is_none() {
            fact = whole_chunk();
        }
        if tag == b"data" {
            let available = head.len() - body;
            if len == 0 || (whole && available == 0) {
                let detail = if available == 0 {
                    "the WAV file has a header but no samples".to_string()
                } else {
                    format!(
                        "the WAV data chunk declares 0 bytes ({available}+ bytes follow it; \
                         a streaming writer that never fixed the header?)"
                    )
                };
                return Err(AudioError::Empty {
                    file: name.to_string(),
                    detail,
                });
            }
            return Ok(Some(WavLayout {
                data_offset: body as u64,
                block_align: 0,
                data_len: len,
                fmt,
                fact,
            }));
        }
        // Chunks are word-aligned.
        pos = body
            .saturating_add(len as usize)
            .saturating_add((len & 1) as usize);
    }
    if whole && saw_fmt {
        return Err(AudioError::Empty {
            file: name.to_string(),
            detail: "the WAV file has a header but no data chunk".into(),
        });
    }
    Ok(None)
}

/// Check the body of a `fmt ` chunk (at least 16 bytes): channels, sample rate and block
/// align. Returns the block align.
fn check_fmt(body: &[u8], name: &str, limits: &DecodeOptions) -> Result<u64, AudioError> {
    let u16_at = |i: usize| u16::from_le_bytes([body[i], body[i + 1]]);
    let format_tag = u16_at(0);
    let channels = u16_at(2);
    let rate = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
    let block_align = u64::from(u16_at(12));
    let bits = u16_at(14);
    // For sample formats (PCM, float, A-law, µ-law, extensible) a frame is one sample per
    // channel. A mismatch means a damaged header, and symphonia would size its packets
    // from the bogus value.
    let expected = u64::from(channels) * u64::from(bits).div_ceil(8);
    if channels > 0 && matches!(format_tag, 1 | 3 | 6 | 7 | 0xFFFE) && block_align != expected {
        return Err(AudioError::Corrupt {
            file: name.to_string(),
            detail: format!(
                "the WAV header is inconsistent: block align {block_align} bytes, \
                 expected {expected} for {channels} channel(s) of {bits} bits"
            ),
        });
    }
    if channels == 0 {
        return Err(AudioError::BadChannels {
            file: name.to_string(),
            channels: 0,
            detail: "the WAV header declares no channels".into(),
        });
    }
    if !(crate::MIN_SAMPLE_RATE..=crate::MAX_SAMPLE_RATE).contains(&rate) {
        return Err(AudioError::BadSampleRate {
            file: name.to_string(),
            rate,
        });
    }
    check_channel_count(usize::from(channels), name, limits)?;
    Ok(block_align)
}

/// Refuse more than two channels unless [`DecodeOptions::pick_channels`] names two of
/// them; checked from the header, before anything is decoded.
fn check_channel_count(
    channels: usize,
    name: &str,
    limits: &DecodeOptions,
) -> Result<(), AudioError> {
    if channels <= 2 {
        return Ok(());
    }
    match limits.pick_channels {
        None => Err(AudioError::BadChannels {
            file: name.to_string(),
            channels,
            detail: "expected 1 (mixed) or 2 (one party per channel); for a multichannel \
                     recording name the two parties' channels in the pipeline file \
                     ([input] pick_channels = [i, j])"
                .into(),
        }),
        Some(p) if p.iter().any(|&c| c >= channels) => Err(AudioError::BadChannels {
            file: name.to_string(),
            channels,
            detail: format!(
                "[input] pick_channels = [{}, {}] names a channel the file does not have",
                p[0], p[1]
            ),
        }),
        Some(_) => Ok(()),
    }
}

fn codec_name(codec: CodecType) -> String {
    symphonia::default::get_codecs()
        .get_codec(codec)
        .map(|d| d.short_name.to_string())
        .unwrap_or_else(|| format!("{codec}"))
}

fn is_pcm(codec: &str) -> bool {
    codec.starts_with("pcm_")
}

/// Map an error from probing or opening the container.
fn open_error(e: SymError, name: &str) -> AudioError {
    let file = name.to_string();
    match e {
        SymError::Unsupported(what) => AudioError::UnsupportedFormat {
            file,
            detail: format!("not a recognised audio file ({what})"),
        },
        SymError::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => AudioError::Truncated {
            file,
            readable_s: 0.0,
            detail: "the file ends before its headers are complete (cut off, damaged, or \
                     not the format it looks like)"
                .into(),
        },
        SymError::IoError(source) => AudioError::Io { file, source },
        other => AudioError::Corrupt {
            file,
            detail: other.to_string(),
        },
    }
}

/// The audio track of a probed container and what its header declares.
struct Track {
    format: Box<dyn symphonia::core::formats::FormatReader>,
    track_id: u32,
    params: symphonia::core::codecs::CodecParameters,
    codec: String,
}

/// Probe the container and check what its header declares (sample rate, channels,
/// duration) before a single packet is decoded.
fn open_track(
    source: Box<dyn MediaSource>,
    hint_ext: Option<&str>,
    name: &str,
    limits: &DecodeOptions,
    wav: Option<&WavLayout>,
    total_len: u64,
) -> Result<Track, AudioError> {
    let file = || name.to_string();
    let mut hint = Hint::new();
    if let Some(ext) = hint_ext {
        hint.with_extension(ext);
    }
    let mss = MediaSourceStream::new(source, Default::default());
    let format_opts = FormatOptions {
        // Trim encoder delay and padding (MP3 LAME/Xing tags) so timestamps line up.
        enable_gapless: true,
        ..Default::default()
    };
    let probed = symphonia::default::get_probe()
        .format(&hint, mss, &format_opts, &MetadataOptions::default())
        .map_err(|e| open_error(e, name))?;
    let format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or_else(|| AudioError::UnsupportedFormat {
            file: file(),
            detail: "the container has no audio track".into(),
        })?;
    let track_id = track.id;
    let params = track.codec_params.clone();
    let codec = codec_name(params.codec);

    if let Some(rate) = params.sample_rate {
        if !(crate::MIN_SAMPLE_RATE..=crate::MAX_SAMPLE_RATE).contains(&rate) {
            return Err(AudioError::BadSampleRate { file: file(), rate });
        }
        // The declared length; for a WAV, no more than the file's bytes can hold (a
        // lying data length is `truncated`, found after decoding what is there).
        let on_disk = wav
            .filter(|w| w.block_align > 0 && is_pcm(&codec))
            .map(|w| {
                total_len
                    .saturating_sub(w.data_offset)
                    .min(u64::from(w.data_len))
                    / w.block_align
            });
        let declared = match (params.n_frames, on_disk) {
            (Some(n), Some(d)) => Some(n.min(d)),
            (n, d) => n.or(d),
        };
        if let Some(n) = declared {
            if n as f64 > limits.max_duration_s * f64::from(rate) {
                return Err(AudioError::TooLong {
                    file: file(),
                    max_s: limits.max_duration_s,
                });
            }
        }
    }
    if let Some(ch) = params.channels {
        if ch.count() == 0 {
            return Err(AudioError::BadChannels {
                file: file(),
                channels: 0,
                detail: "the header declares no channels".into(),
            });
        }
        check_channel_count(ch.count(), name, limits)?;
    }
    Ok(Track {
        format,
        track_id,
        params,
        codec,
    })
}

/// The decoded channels being resampled to 16 kHz as packets arrive.
struct Sink {
    /// Source channels kept (all of a mono or stereo file, the picked two of more).
    keep: Vec<usize>,
    streams: Vec<Stream>,
    /// Channel count of the file.
    n_ch: usize,
    rate: u32,
    /// Frames still to drop at the start (the MP3 decoder delay).
    skip: usize,
    /// Frames decoded (before `skip`).
    frames: u64,
    /// Frames fed to the resamplers.
    fed: u64,
    max_frames: u64,
    scratch: Vec<f32>,
}

impl Sink {
    fn new(
        n_ch: usize,
        rate: u32,
        name: &str,
        limits: &DecodeOptions,
        skip: usize,
    ) -> Result<Self, AudioError> {
        if !(crate::MIN_SAMPLE_RATE..=crate::MAX_SAMPLE_RATE).contains(&rate) {
            return Err(AudioError::BadSampleRate {
                file: name.to_string(),
                rate,
            });
        }
        check_channel_count(n_ch, name, limits)?;
        let keep: Vec<usize> = match limits.pick_channels {
            Some(p) if n_ch > 2 => p.to_vec(),
            _ => (0..n_ch).collect(),
        };
        let streams = keep
            .iter()
            .map(|_| Stream::new(rate, name))
            .collect::<Result<_, _>>()?;
        Ok(Sink {
            keep,
            streams,
            n_ch,
            rate,
            skip,
            frames: 0,
            fed: 0,
            max_frames: (limits.max_duration_s * f64::from(rate)) as u64,
            scratch: Vec::new(),
        })
    }

    /// Feed `n` interleaved frames of `n_ch` channels.
    fn push(&mut self, interleaved: &[f32], n: usize) -> Result<(), AudioError> {
        self.frames += n as u64;
        let from = self.skip.min(n);
        self.skip -= from;
        if from == n {
            return Ok(());
        }
        for (k, &c) in self.keep.iter().enumerate() {
            self.scratch.clear();
            self.scratch.extend(
                interleaved[from * self.n_ch..n * self.n_ch]
                    .iter()
                    .skip(c)
                    .step_by(self.n_ch)
                    // Float WAVs may hold NaN or values past full scale.
                    .map(|s| {
                        if s.is_finite() {
                            s.clamp(-1.0, 1.0)
                        } else {
                            0.0
                        }
                    }),
            );
            self.streams[k].push(&self.scratch)?;
        }
        self.fed += (n - from) as u64;
        Ok(())
    }
}

/// What the packet loop met besides audio.
#[derive(Default)]
struct LoopStats {
    skipped: usize,
    first_skip: Option<String>,
    /// The stream ended early on an I/O error (e.g. EOF inside the data).
    ended_early: bool,
}

/// Decode every packet of the track into a [`Sink`]; `None` when no packet had audio.
fn decode_packets(
    t: &mut Track,
    name: &str,
    limits: &DecodeOptions,
    stats: &mut LoopStats,
) -> Result<Option<Sink>, AudioError> {
    let file = || name.to_string();
    let codec = t.codec.clone();
    let mut decoder = symphonia::default::get_codecs()
        .make(&t.params, &DecoderOptions::default())
        .map_err(|e| match e {
            SymError::Unsupported(what) => AudioError::UnsupportedFormat {
                file: file(),
                detail: format!("codec {codec} is not supported ({what})"),
            },
            other => AudioError::Corrupt {
                file: file(),
                detail: format!("cannot set up the {codec} decoder: {other}"),
            },
        })?;
    // MP3 without a LAME/Xing tag: symphonia trims nothing, so drop the standard decoder
    // delay (528 + 1 frames, as ffmpeg does) to keep timestamps in place. The encoder's
    // own delay is unknown without the tag and stays (576 frames for LAME).
    let skip = if codec == "mp3" && t.params.delay.is_none() {
        MP3_DECODER_DELAY
    } else {
        0
    };
    let mut sink: Option<Sink> = None;
    let mut sample_buf: Option<SampleBuffer<f32>> = None;
    let mut consecutive_errors = 0usize;
    let corrupt = |e: SymError| AudioError::Corrupt {
        file: file(),
        detail: e.to_string(),
    };
    loop {
        if consecutive_errors >= MAX_CONSECUTIVE_ERRORS {
            tracing::warn!(
                file = name,
                "giving up after {consecutive_errors} consecutive errors"
            );
            stats.ended_early = true;
            break;
        }
        let packet = match t.format.next_packet() {
            Ok(p) => p,
            Err(SymError::IoError(e)) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(SymError::IoError(source)) => {
                return Err(AudioError::Io {
                    file: file(),
                    source,
                })
            }
            Err(SymError::ResetRequired) => {
                tracing::warn!(
                    file = name,
                    "stream parameters change mid-file; decoding stops there"
                );
                break;
            }
            Err(SymError::DecodeError(what)) => {
                stats.skipped += 1;
                consecutive_errors += 1;
                stats.first_skip.get_or_insert_with(|| what.to_string());
                continue;
            }
            Err(e) => return Err(corrupt(e)),
        };
        if packet.track_id() != t.track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            Err(SymError::DecodeError(what)) => {
                stats.skipped += 1;
                consecutive_errors += 1;
                stats.first_skip.get_or_insert_with(|| what.to_string());
                continue;
            }
            Err(SymError::IoError(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                stats.ended_early = true;
                break;
            }
            Err(SymError::IoError(source)) => {
                return Err(AudioError::Io {
                    file: file(),
                    source,
                })
            }
            Err(e) => return Err(corrupt(e)),
        };
        consecutive_errors = 0;
        let spec = *decoded.spec();
        let n_ch = spec.channels.count();
        if n_ch == 0 {
            return Err(AudioError::BadChannels {
                file: file(),
                channels: 0,
                detail: "the stream has no channels".into(),
            });
        }
        let s = match sink.as_mut() {
            None => sink.insert(Sink::new(n_ch, spec.rate, name, limits, skip)?),
            Some(s) if s.rate != spec.rate || s.n_ch != n_ch => {
                return Err(AudioError::Corrupt {
                    file: file(),
                    detail: format!(
                        "the stream changes from {} ch {} Hz to {n_ch} ch {} Hz mid-file",
                        s.n_ch, s.rate, spec.rate
                    ),
                });
            }
            Some(s) => s,
        };
        let n = decoded.frames();
        if n == 0 {
            continue;
        }
        if s.frames + n as u64 > s.max_frames {
            return Err(AudioError::TooLong {
                file: file(),
                max_s: limits.max_duration_s,
            });
        }
        let needs_new = sample_buf
            .as_ref()
            .is_none_or(|b| b.capacity() < decoded.capacity() * n_ch);
        if needs_new {
            sample_buf = Some(SampleBuffer::new(decoded.capacity() as u64, spec));
        }
        let buf = sample_buf.as_mut().expect("sample buffer was just set");
        buf.copy_interleaved_ref(decoded);
        s.push(buf.samples(), n)?;
    }
    Ok(sink)
}

fn decode_source(
    source: Box<dyn MediaSource>,
    hint_ext: Option<&str>,
    name: &str,
    limits: DecodeOptions,
    wav: Option<WavLayout>,
    total_len: u64,
) -> Result<DecodedAudio, AudioError> {
    let file = || name.to_string();
    let mut track = open_track(source, hint_ext, name, &limits, wav.as_ref(), total_len)?;
    let mut stats = LoopStats::default();
    let sink = decode_packets(&mut track, name, &limits, &mut stats)?;
    let codec = track.codec;
    let params = track.params;
    let LoopStats {
        skipped,
        first_skip,
        ended_early,
    } = stats;
    let Some(sink) = sink.filter(|s| s.frames > 0) else {
        if skipped > 0 {
            return Err(AudioError::Corrupt {
                file: file(),
                detail: format!(
                    "no decodable audio: {skipped} packet(s) failed, first: {}",
                    first_skip.unwrap_or_default()
                ),
            });
        }
        return Err(AudioError::Empty {
            file: file(),
            detail: format!("the {codec} stream holds no samples"),
        });
    };
    let (rate, frames) = (sink.rate, sink.frames);
    if skipped > 0 {
        // Policy: lossy streams (MP3 with junk between frames, a damaged Ogg page) are
        // decoded as far as possible; the bad packets are skipped with a warning.
        tracing::warn!(
            file = name,
            codec = codec.as_str(),
            skipped,
            first = first_skip.as_deref().unwrap_or(""),
            "skipped undecodable packets"
        );
    }

    // Truncation: the header said how many frames there are, and fewer came out. Only
    // PCM (WAV data length) and FLAC (STREAMINFO) declare an exact count; an MP3 count is
    // an estimate and a damaged MP3 is decoded as far as it goes (see the crate docs).
    let exact_count = is_pcm(&codec) || codec == "flac";
    match params.n_frames {
        Some(declared) if exact_count => {
            let placeholder = is_pcm(&codec) && {
                // Streaming writers (ffmpeg to a pipe) put 0xFFFFFFFF in the data length.
                let bytes = u64::from(
                    params
                        .bits_per_coded_sample
                        .or(params.bits_per_sample)
                        .unwrap_or(8)
                        / 8,
                )
                .max(1)
                    * sink.n_ch as u64;
                declared.saturating_mul(bytes) >= u64::from(u32::MAX) - bytes
            };
            // FLAC frames that failed to decode are not truncation.
            let tolerance = skipped as u64 * params.max_frames_per_packet.unwrap_or(4096);
            if !placeholder && frames + tolerance < declared {
                // The WAV reader drops the last partial packet; count the bytes instead.
                let on_disk = wav.as_ref().filter(|_| is_pcm(&codec)).map_or(0, |w| {
                    total_len.saturating_sub(w.data_offset) / w.block_align
                });
                let readable = frames.max(on_disk.min(declared));
                return Err(AudioError::Truncated {
                    file: file(),
                    readable_s: readable as f64 / f64::from(rate),
                    detail: format!(
                        "the header declares {:.2} s",
                        declared as f64 / f64::from(rate)
                    ),
                });
            }
        }
        declared => {
            if ended_early {
                tracing::warn!(file = name, "stream ended on an error; using what decoded");
            }
            // Lossy streams are decoded as far as they go (see the crate docs), but say so
            // when much less came out than the header (Xing/LAME tag) promised.
            if let Some(d) = declared.filter(|&d| frames.saturating_mul(10) < d.saturating_mul(9)) {
                tracing::warn!(
                    file = name,
                    codec = codec.as_str(),
                    "decoded {:.2} s of the {:.2} s the header declares (cut off or damaged)",
                    frames as f64 / f64::from(rate),
                    d as f64 / f64::from(rate)
                );
            }
        }
    }
    if sink.fed == 0 {
        return Err(AudioError::Empty {
            file: file(),
            detail: format!("the {codec} stream holds no samples"),
        });
    }
    let source_channels = sink.n_ch;
    let channels = sink
        .streams
        .into_iter()
        .map(Stream::finish)
        .collect::<Result<Vec<_>, _>>()?;
    let out_len = channels.first().map_or(0, Vec::len);
    let duration_s = out_len as f64 / f64::from(SAMPLE_RATE);
    if duration_s < crate::MIN_DURATION_S {
        return Err(AudioError::TooShort {
            file: file(),
            duration_s,
            min_s: crate::MIN_DURATION_S,
        });
    }
    Ok(DecodedAudio {
        channels,
        source_sample_rate: rate,
        source_channels,
        codec,
        duration_s,
        name: name.to_string(),
    })
}
