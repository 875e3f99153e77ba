//! The bad-input corpus (issue 7): ~70 kinds of broken or odd input, generated at run
//! time into a temp dir, mixed with valid calls and pushed through the real
//! `callqa run` (a folder, then a manifest) and `callqa analyze` (transcript JSON).
//!
//! Every kind has one expected outcome in a table: a call row (odd but valid input), an
//! error row with a given stage and kind whose message names the file, or a documented
//! skip (not an input). The tables are read back with DuckDB, a reader we did not write.
//! Each run must finish without a panic, exit 3 (partial), keep every valid call exactly
//! once and add nothing unexpected. `tests/BAD_INPUTS.md` lists the kinds.

use crate::common::*;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- expectations

/// What one kind of input must give.
#[derive(Debug, Clone)]
enum Expect {
    /// Exactly one `calls/` row with this call id, and no error row.
    Call(String),
    /// Exactly one `errors/` row at this stage with one of these kinds, no call row.
    Error {
        stage: &'static str,
        kinds: &'static [&'static str],
    },
    /// Not an input: no row of any kind mentions it.
    Skip,
}

/// How the row of a case is recognised.
#[derive(Debug, Clone)]
enum Key {
    /// The row's `call_id` equals this.
    CallId(String),
    /// The row's `path` contains this.
    Path(String),
    /// The row's `message` contains this (manifest rows without a usable id or path).
    Message(String),
}

#[derive(Debug, Clone)]
struct Case {
    kind: &'static str,
    key: Key,
    expect: Expect,
    /// What the error message must contain (the file name, or the manifest line).
    names: String,
}

fn call(kind: &'static str, id: &str) -> Case {
    Case {
        kind,
        key: Key::CallId(id.into()),
        expect: Expect::Call(id.into()),
        names: String::new(),
    }
}

fn err_path(
    kind: &'static str,
    file: &str,
    stage: &'static str,
    kinds: &'static [&'static str],
) -> Case {
    Case {
        kind,
        key: Key::Path(file.into()),
        expect: Expect::Error { stage, kinds },
        names: file.into(),
    }
}

fn err_id(
    kind: &'static str,
    id: &str,
    names: &str,
    stage: &'static str,
    kinds: &'static [&'static str],
) -> Case {
    Case {
        kind,
        key: Key::CallId(id.into()),
        expect: Expect::Error { stage, kinds },
        names: names.into(),
    }
}

fn err_msg(
    kind: &'static str,
    needle: &str,
    stage: &'static str,
    kinds: &'static [&'static str],
) -> Case {
    Case {
        kind,
        key: Key::Message(needle.into()),
        expect: Expect::Error { stage, kinds },
        names: needle.into(),
    }
}

fn skip(kind: &'static str, file: &str) -> Case {
    Case {
        kind,
        key: Key::Path(file.into()),
        expect: Expect::Skip,
        names: file.into(),
    }
}

const READ: &str = r#"
import duckdb, glob, json, sys
out = sys.argv[1]
c = duckdb.connect()
def rows(table, cols):
    if not glob.glob(f"{out}/{table}/**/*.parquet", recursive=True):
        return []
    cur = c.execute(f"select {cols} from read_parquet('{out}/{table}/**/*.parquet', hive_partitioning=true)")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
calls = rows("calls", "call_id, duration_s")
utts = rows("utterances", "call_id")
n = {}
for u in utts:
    n[u["call_id"]] = n.get(u["call_id"], 0) + 1
for r in calls:
    r["utterances"] = n.get(r["call_id"], 0)
errs = rows("errors", "call_id, path, stage, error_kind, message")
print(json.dumps({"calls": calls, "errs": errs}, default=str))
"#;

fn matches(key: &Key, row: &Value) -> bool {
    let s = |k: &str| row[k].as_str().unwrap_or("");
    match key {
        Key::CallId(id) => s("call_id") == id,
        Key::Path(p) => s("path").contains(p.as_str()),
        Key::Message(m) => s("message").contains(m.as_str()),
    }
}

/// Check the Parquet in `out` against `cases`; returns the table lines for the report.
fn check_outcomes(what: &str, out: &Path, cases: &[Case]) -> Vec<String> {
    let v = py_json(READ, &[out]);
    let calls = v["calls"].as_array().cloned().unwrap_or_default();
    let errs = v["errs"].as_array().cloned().unwrap_or_default();
    let mut failures = Vec::new();
    let mut table = Vec::new();
    let claimed = |r: &Value| {
        cases
            .iter()
            .any(|c| matches!(c.expect, Expect::Error { .. }) && matches(&c.key, r))
    };
    for c in cases {
        let ecount = errs.iter().filter(|r| matches(&c.key, r)).count();
        let ccount = calls.iter().filter(|r| matches(&c.key, r)).count();
        let got = match &c.expect {
            Expect::Call(id) => {
                let n = calls.iter().filter(|r| r["call_id"] == id.as_str()).count();
                // Error rows of this call id that no error case explains (an acoustic
                // warning beside the call row would show up here).
                let own: Vec<&Value> = errs
                    .iter()
                    .filter(|r| r["call_id"] == id.as_str() && !claimed(r))
                    .collect();
                if n != 1 || !own.is_empty() {
                    failures.push(format!(
                        "{}: want one call row {id:?} and no error row, got {n} call rows and error rows {own:?}",
                        c.kind
                    ));
                }
                let utts = calls
                    .iter()
                    .find(|r| r["call_id"] == id.as_str())
                    .map_or(0, |r| r["utterances"].as_i64().unwrap_or(0));
                format!("call row ({utts} utterances)")
            }
            Expect::Error { stage, kinds } => {
                let rows: Vec<&Value> = errs.iter().filter(|r| matches(&c.key, r)).collect();
                if rows.len() != 1 || ccount != 0 {
                    failures.push(format!(
                        "{}: want one error row {stage}/{kinds:?}, got {} error rows {rows:?} and {ccount} call rows",
                        c.kind,
                        rows.len()
                    ));
                    format!("{} error rows", rows.len())
                } else {
                    let r = rows[0];
                    let (st, k, msg) = (
                        r["stage"].as_str().unwrap_or(""),
                        r["error_kind"].as_str().unwrap_or(""),
                        r["message"].as_str().unwrap_or(""),
                    );
                    if st != *stage || !kinds.contains(&k) {
                        failures.push(format!(
                            "{}: want {stage}/{kinds:?}, got {st}/{k}: {msg}",
                            c.kind
                        ));
                    }
                    if !msg.contains(c.names.as_str()) {
                        failures.push(format!(
                            "{}: message does not name {:?}: {msg}",
                            c.kind, c.names
                        ));
                    }
                    format!("error {st}/{k}: {msg}")
                }
            }
            Expect::Skip => {
                let stem = Path::new(&c.names)
                    .file_stem()
                    .map_or(String::new(), |s| s.to_string_lossy().to_string());
                let ccount = ccount
                    + calls
                        .iter()
                        .filter(|r| r["call_id"] == stem.as_str())
                        .count();
                if ecount + ccount != 0 {
                    failures.push(format!(
                        "{}: want no row, got {ecount} error and {ccount} call rows",
                        c.kind
                    ));
                }
                "skipped (not an input)".to_string()
            }
        };
        table.push(format!("| {} | {} |", c.kind, got.replace('\n', " ")));
    }
    // Nothing unexpected: every row belongs to exactly one expected case.
    for r in &errs {
        let n = cases
            .iter()
            .filter(|c| matches!(c.expect, Expect::Error { .. }) && matches(&c.key, r))
            .count();
        if n != 1 {
            failures.push(format!("error row matched by {n} cases: {r}"));
        }
    }
    for r in &calls {
        let id = r["call_id"].as_str().unwrap_or("");
        let n = calls.iter().filter(|x| x["call_id"] == id).count();
        let wanted = cases
            .iter()
            .any(|c| matches!(&c.expect, Expect::Call(w) if w == id));
        if n != 1 || !wanted {
            failures.push(format!("unexpected or duplicate call row ({n}x): {r}"));
        }
    }
    eprintln!("---- {what}: {} kinds ----", cases.len());
    for l in &table {
        eprintln!("{l}");
    }
    assert!(
        failures.is_empty(),
        "{what}: {} problem(s):\n{}\ncalls: {calls:?}",
        failures.len(),
        failures.join("\n")
    );
    table
}

/// Run callqa with `args`; assert it finished, without a panic, with exit code `code`.
fn run_callqa(args: &[&std::ffi::OsStr], code: i32, limit: Duration) -> (String, Duration) {
    let t = Instant::now();
    let o = callqa().args(args).output().expect("run callqa");
    let took = t.elapsed();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        !stderr.contains("panicked"),
        "callqa panicked:\n{stderr}\n{stdout}"
    );
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit code\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        took < limit,
        "callqa took {took:?} (limit {limit:?})\n{stderr}"
    );
    (stderr, took)
}

// ---------------------------------------------------------------- audio generators

fn sox(args: &[&str]) {
    let o = Command::new("sox").args(args).output().expect("sox");
    check(&o, &format!("sox {args:?}"));
}

/// `secs` of a sine at `freq` Hz, amplitude `amp` (values past 1 are clipped).
fn tone(rate: u32, secs: f64, freq: f64, amp: f64) -> Vec<f64> {
    let n = (f64::from(rate) * secs) as usize;
    (0..n)
        .map(|i| {
            (amp * (2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate)).sin())
                .clamp(-1.0, 1.0)
        })
        .collect()
}

fn pcm16(x: &[f64]) -> Vec<u8> {
    x.iter()
        .flat_map(|v| ((v * 32767.0).round() as i16).to_le_bytes())
        .collect()
}

/// A canonical 44-byte-header WAV (format tag `tag`), with the given data bytes.
fn wav(tag: u16, channels: u16, rate: u32, bits: u16, data: &[u8]) -> Vec<u8> {
    let align = channels * bits.div_ceil(8);
    let mut b = Vec::with_capacity(44 + data.len());
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&tag.to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * u32::from(align)).to_le_bytes());
    b.extend_from_slice(&align.to_le_bytes());
    b.extend_from_slice(&bits.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(data);
    b
}

/// A 16-bit mono WAV of a 2 s 440 Hz tone at `rate`.
fn tone_wav(rate: u32) -> Vec<u8> {
    wav(1, 1, rate, 16, &pcm16(&tone(rate, 2.0, 440.0, 0.3)))
}

fn put(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

/// A tone encoded by sox into `name` (format from the extension, `enc` extra options).
fn sox_tone(dir: &Path, name: &str, rate: u32, ch: u32, secs: f64, enc: &[&str]) -> PathBuf {
    let p = dir.join(name);
    let (r, c, s) = (rate.to_string(), ch.to_string(), secs.to_string());
    let mut args = vec!["-n", "-r", &r, "-c", &c];
    args.extend_from_slice(enc);
    let ps = p.to_str().unwrap().to_string();
    args.extend_from_slice(&[&ps, "synth", &s, "sine", "440", "vol", "0.3"]);
    sox(&args);
    p
}

/// Deterministic pseudo-random bytes.
fn junk(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.max(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 8) as u8
        })
        .collect()
}

/// Two short valid English calls synthesised with espeak-ng; returns their paths.
fn valid_calls(dir: &Path) -> [PathBuf; 2] {
    let specs = [
        (
            "valid_call_1",
            r#"{"rate": 8000, "encoding": "mu-law", "turns": [
              {"speaker": "operator", "text": "Good morning, Acme Bank, my name is Anna. How can I help you?"},
              {"speaker": "customer", "text": "Hello, I would like to check my balance please.", "gap": 0.5},
              {"speaker": "operator", "text": "Thank you for calling. Goodbye.", "gap": 0.5}]}"#,
        ),
        (
            "valid_call_2",
            r#"{"rate": 16000, "encoding": "signed-integer", "layout": "mono", "turns": [
              {"speaker": "operator", "text": "Hello, this is Acme Bank, Peter speaking."},
              {"speaker": "customer", "text": "Hi, my card does not work.", "gap": 0.5}]}"#,
        ),
    ];
    specs.map(|(name, spec)| {
        let s = dir.join(format!("{name}.spec.json"));
        std::fs::write(&s, spec).unwrap();
        let out = dir.join(format!("{name}.wav"));
        synth(&s, &out);
        out
    })
}

// ---------------------------------------------------------------- the folder corpus

/// Writes the audio kinds into `d`; returns the cases.
fn audio_corpus(d: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let decode = "decode";

    put(d, "empty.wav", b"");
    cases.push(err_path(
        "empty file (0 bytes)",
        "empty.wav",
        decode,
        &["empty"],
    ));

    put(d, "header_only.wav", &wav(1, 1, 8000, 16, &[]));
    cases.push(err_path(
        "header only (data chunk of 0 bytes, nothing after)",
        "header_only.wav",
        decode,
        &["empty"],
    ));

    let full = tone_wav(8000);
    put(d, "header_cut.wav", &full[..30]);
    cases.push(err_path(
        "header cut inside the fmt chunk",
        "header_cut.wav",
        decode,
        &["empty", "truncated", "corrupt"],
    ));

    put(d, "truncated_data.wav", &full[..44 + 8000]);
    cases.push(err_path(
        "truncated data chunk (header says 2 s, 0.5 s present)",
        "truncated_data.wav",
        decode,
        &["truncated"],
    ));

    let mut b = full.clone();
    put_u32(&mut b, 4, 1_000_000_000);
    put(d, "riff_size_too_big.wav", &b);
    cases.push(call(
        "wrong RIFF size (too big; data chunk right)",
        "riff_size_too_big",
    ));

    let mut b = full.clone();
    put_u32(&mut b, 4, 20);
    put(d, "riff_size_too_small.wav", &b);
    cases.push(call(
        "wrong RIFF size (too small; data chunk right)",
        "riff_size_too_small",
    ));

    let mut b = full.clone();
    put_u32(&mut b, 40, 0x7000_0000);
    put_u32(&mut b, 4, 0x7000_0024);
    put(d, "data_claims_2gb.wav", &b);
    cases.push(err_path(
        "data chunk claims 1.9 GB (32 KB present): no huge allocation",
        "data_claims_2gb.wav",
        decode,
        &["truncated"],
    ));

    let mut b = full.clone();
    put_u32(&mut b, 40, u32::MAX);
    put_u32(&mut b, 4, u32::MAX);
    put(d, "data_size_placeholder.wav", &b);
    cases.push(call(
        "data size 0xFFFFFFFF (streaming writer placeholder)",
        "data_size_placeholder",
    ));

    let mut b = full.clone();
    put_u32(&mut b, 40, 0);
    put(d, "data_size_zero.wav", &b);
    cases.push(err_path(
        "0-length data chunk with samples after it",
        "data_size_zero.wav",
        decode,
        &["empty"],
    ));

    let mut b = full.clone();
    put_u16(&mut b, 22, 0);
    put(d, "zero_channels.wav", &b);
    cases.push(err_path(
        "0 channels",
        "zero_channels.wav",
        decode,
        &["bad_channels"],
    ));

    let six: Vec<f64> = tone(8000, 1.0, 440.0, 0.3)
        .into_iter()
        .flat_map(|v| [v; 6])
        .collect();
    put(d, "six_channels.wav", &wav(1, 6, 8000, 16, &pcm16(&six)));
    cases.push(err_path(
        "6 channels (5.1)",
        "six_channels.wav",
        decode,
        &["bad_channels"],
    ));

    let mut b = full.clone();
    put_u32(&mut b, 24, 1);
    put_u32(&mut b, 28, 2);
    put(d, "rate_1hz.wav", &b);
    cases.push(err_path(
        "1 Hz sample rate",
        "rate_1hz.wav",
        decode,
        &["bad_sample_rate"],
    ));

    let mut b = full.clone();
    put_u32(&mut b, 24, 4_000_000_000);
    put(d, "rate_4ghz.wav", &b);
    cases.push(err_path(
        "4 GHz sample rate",
        "rate_4ghz.wav",
        decode,
        &["bad_sample_rate"],
    ));

    let mut b = full.clone();
    put_u16(&mut b, 32, 3);
    put(d, "odd_block_align.wav", &b);
    cases.push(err_path(
        "odd block align (3 bytes for 16-bit mono)",
        "odd_block_align.wav",
        decode,
        &["corrupt"],
    ));

    let mut b = full.clone();
    put_u16(&mut b, 34, 12);
    put_u16(&mut b, 32, 2);
    put(d, "bits_12.wav", &b);
    cases.push(err_path(
        "12 bits per sample",
        "bits_12.wav",
        decode,
        &["corrupt", "unsupported_format"],
    ));

    // fmt after data: RIFF, WAVE, data chunk, then fmt chunk.
    let mut b = Vec::new();
    b.extend_from_slice(&full[..12]);
    b.extend_from_slice(&full[36..]);
    b.extend_from_slice(&full[12..36]);
    put(d, "fmt_after_data.wav", &b);
    cases.push(call("fmt chunk after the data chunk", "fmt_after_data"));

    // An unknown chunk (LIST) between fmt and data is fine.
    let mut b = full[..36].to_vec();
    b.extend_from_slice(b"LIST");
    b.extend_from_slice(&5u32.to_le_bytes());
    b.extend_from_slice(b"INFOx\0");
    b.extend_from_slice(&full[36..]);
    let riff = (b.len() - 8) as u32;
    put_u32(&mut b, 4, riff);
    put(d, "odd_list_chunk.wav", &b);
    cases.push(call(
        "odd-sized LIST chunk (padding byte) before data",
        "odd_list_chunk",
    ));

    let mut b = full.clone();
    put_u16(&mut b, 20, 0x0055);
    put(d, "mp3_in_wav_tag.wav", &b);
    cases.push(err_path(
        "WAV with an MPEG format tag over PCM bytes",
        "mp3_in_wav_tag.wav",
        decode,
        &["unsupported_format", "corrupt"],
    ));

    sox_tone(d, "adpcm.wav", 8000, 1, 1.0, &["-e", "ima-adpcm"]);
    cases.push(err_path(
        "IMA ADPCM WAV (unsupported codec)",
        "adpcm.wav",
        decode,
        &["unsupported_format"],
    ));

    let mut riff_avi = full.clone();
    riff_avi[8..12].copy_from_slice(b"AVI ");
    put(d, "riff_avi.wav", &riff_avi);
    cases.push(err_path(
        "RIFF but not WAVE (AVI)",
        "riff_avi.wav",
        decode,
        &["unsupported_format"],
    ));

    put(
        d,
        "blip.wav",
        &wav(1, 1, 8000, 16, &pcm16(&tone(8000, 0.001, 440.0, 0.3))),
    );
    cases.push(err_path(
        "1 ms of audio",
        "blip.wav",
        decode,
        &["too_short"],
    ));

    // 1 hour of digital silence, 8 kHz 16-bit mono (57.6 MB): VAD finds nothing, no ASR.
    {
        let n = 8000 * 3600 * 2;
        let mut f = std::fs::File::create(d.join("silence_1h.wav")).unwrap();
        let mut hdr = wav(1, 1, 8000, 16, &[]);
        put_u32(&mut hdr, 40, n as u32);
        put_u32(&mut hdr, 4, 36 + n as u32);
        f.write_all(&hdr).unwrap();
        let zeros = vec![0u8; 1 << 20];
        let mut left = n;
        while left > 0 {
            let k = left.min(zeros.len());
            f.write_all(&zeros[..k]).unwrap();
            left -= k;
        }
    }
    cases.push(call("1 hour of silence (8 kHz mono)", "silence_1h"));

    let noise: Vec<f64> = junk(8000 * 3, 7)
        .into_iter()
        .map(|v| (f64::from(v) - 127.5) / 128.0 * 0.5)
        .collect();
    put(d, "pure_noise.wav", &wav(1, 1, 8000, 16, &pcm16(&noise)));
    cases.push(call("3 s of pure white noise", "pure_noise"));

    put(
        d,
        "clipping.wav",
        &wav(1, 2, 8000, 16, &pcm16(&tone(8000, 6.0, 300.0, 8.0))),
    );
    cases.push(call("stereo full-scale clipping (square-ish)", "clipping"));

    put(
        d,
        "mono_8k_3s.wav",
        &wav(1, 1, 8000, 16, &pcm16(&tone(8000, 3.0, 440.0, 0.3))),
    );
    cases.push(call("8 kHz 3-second mono", "mono_8k_3s"));

    put(d, "EXT_UPPER.WAV", &tone_wav(8000));
    cases.push(call("extension in capitals (.WAV)", "EXT_UPPER"));

    sox_tone(d, "pcm24.wav", 16000, 1, 1.0, &["-b", "24"]);
    cases.push(call("24-bit PCM", "pcm24"));

    sox_tone(d, "alaw.wav", 8000, 2, 1.0, &["-e", "a-law"]);
    cases.push(call("A-law stereo", "alaw"));

    sox_tone(
        d,
        "u8.wav",
        11025,
        1,
        1.0,
        &["-b", "8", "-e", "unsigned-integer"],
    );
    cases.push(call("8-bit unsigned PCM at 11025 Hz", "u8"));

    let mut fl: Vec<u8> = Vec::new();
    for (i, v) in tone(8000, 2.0, 440.0, 0.3).into_iter().enumerate() {
        let s = match i % 997 {
            0 => f32::NAN,
            1 => f32::INFINITY,
            2 => f32::NEG_INFINITY,
            3 => 1e30,
            _ => v as f32,
        };
        fl.extend_from_slice(&s.to_le_bytes());
    }
    put(d, "float_nan_inf.wav", &wav(3, 1, 8000, 32, &fl));
    cases.push(call(
        "32-bit float with NaN, ±Inf and 1e30 samples",
        "float_nan_inf",
    ));

    let flac = std::fs::read(sox_tone(d, "src_flac.tmp.flac", 8000, 2, 2.0, &[])).unwrap();
    std::fs::remove_file(d.join("src_flac.tmp.flac")).unwrap();
    put(d, "flac_truncated.flac", &flac[..flac.len() / 2]);
    cases.push(err_path(
        "FLAC cut in half",
        "flac_truncated.flac",
        decode,
        &["truncated"],
    ));
    put(d, "flac_header_only.flac", &flac[..flac.len().min(200)]);
    cases.push(err_path(
        "FLAC with STREAMINFO but no frames",
        "flac_header_only.flac",
        decode,
        &["truncated", "empty"],
    ));

    let ogg = std::fs::read(sox_tone(d, "src_ogg.tmp.ogg", 16000, 1, 2.0, &[])).unwrap();
    std::fs::remove_file(d.join("src_ogg.tmp.ogg")).unwrap();
    // Keep the pages before the first one that carries audio (granule position > 0).
    let mut cut = ogg.len();
    let mut i = 0;
    while i + 14 <= ogg.len() {
        if &ogg[i..i + 4] == b"OggS" {
            let g = u64::from_le_bytes(ogg[i + 6..i + 14].try_into().unwrap());
            if g != 0 && g != u64::MAX {
                cut = i;
                break;
            }
        }
        i += 1;
    }
    assert!(cut < ogg.len(), "no audio page in the sox Ogg");
    put(d, "ogg_header_only.ogg", &ogg[..cut]);
    cases.push(err_path(
        "Ogg Vorbis headers only",
        "ogg_header_only.ogg",
        decode,
        &["empty", "truncated"],
    ));
    let mut b = ogg.clone();
    let n = b.len();
    for (k, v) in b[cut + 40..n - 200].iter_mut().enumerate() {
        if k % 7 == 0 {
            *v ^= 0x5a;
        }
    }
    put(d, "ogg_damaged_pages.ogg", &b);
    cases.push(Case {
        kind: "Ogg Vorbis with damaged pages (CRC mismatches)",
        key: Key::Path("ogg_damaged_pages.ogg".into()),
        // Pages with a bad CRC are dropped; with none left the file is an error.
        expect: Expect::Error {
            stage: decode,
            kinds: &["corrupt", "empty", "truncated"],
        },
        names: "ogg_damaged_pages.ogg".into(),
    });

    let mp3 = std::fs::read(sox_tone(d, "src_mp3.tmp.mp3", 22050, 1, 3.0, &[])).unwrap();
    std::fs::remove_file(d.join("src_mp3.tmp.mp3")).unwrap();
    let mut b = mp3.clone();
    let (s, n) = (b.len() / 2, b.len() / 10);
    b[s..s + n].copy_from_slice(&junk(n, 99));
    put(d, "mp3_garbage_inside.mp3", &b);
    cases.push(call(
        "MP3 with 10 % garbage in the middle (decoded around it)",
        "mp3_garbage_inside",
    ));
    put(d, "mp3_junk.mp3", &junk(20_000, 3));
    cases.push(err_path(
        "random bytes named .mp3",
        "mp3_junk.mp3",
        decode,
        &["corrupt", "unsupported_format", "truncated"],
    ));
    put(d, "mp3_cut.mp3", &mp3[..mp3.len().min(300)]);
    // Lossy streams are decoded as far as they go (callqa-audio's policy), with a warning
    // when the LAME tag promised more.
    cases.push(call(
        "MP3 cut after 300 bytes (decoded as far as it goes)",
        "mp3_cut",
    ));

    put(
        d,
        "text_file.wav",
        "call notes: customer angry, call back tomorrow\n"
            .repeat(40)
            .as_bytes(),
    );
    cases.push(err_path(
        "a text file named .wav",
        "text_file.wav",
        decode,
        &["unsupported_format"],
    ));
    put(d, "wav_is_flac.wav", &flac);
    cases.push(call("a FLAC file named .wav (content wins)", "wav_is_flac"));

    // Unreadable permissions. As root the file is still readable: then it is a call.
    let p = put(d, "unreadable.wav", &tone_wav(8000));
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    if std::fs::File::open(&p).is_ok() {
        cases.push(call(
            "unreadable permissions (running as root: readable)",
            "unreadable",
        ));
    } else {
        cases.push(err_path(
            "unreadable permissions (mode 000)",
            "unreadable.wav",
            decode,
            &["io"],
        ));
    }

    // Symlinks: a loop of two links, a link to itself, a dangling link, a directory
    // link back to its parent.
    std::os::unix::fs::symlink("loop_b.wav", d.join("loop_a.wav")).unwrap();
    std::os::unix::fs::symlink("loop_a.wav", d.join("loop_b.wav")).unwrap();
    cases.push(err_path(
        "symlink loop (a.wav → b.wav → a.wav)",
        "loop_a.wav",
        "input",
        &["symlink_loop"],
    ));
    cases.push(err_path(
        "symlink loop (b.wav → a.wav → b.wav)",
        "loop_b.wav",
        "input",
        &["symlink_loop"],
    ));
    std::os::unix::fs::symlink("nowhere.wav", d.join("dangling.wav")).unwrap();
    cases.push(err_path(
        "dangling symlink",
        "dangling.wav",
        "input",
        &["io"],
    ));
    std::fs::create_dir(d.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", d.join("sub/parent_link")).unwrap();
    cases.push(err_path(
        "directory symlink back to an ancestor",
        "parent_link",
        "input",
        &["symlink_loop"],
    ));
    put(&d.join("sub"), "nested_ok.wav", &tone_wav(8000));
    cases.push(call("valid file in a subfolder", "nested_ok"));

    // Non-UTF-8 file name.
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"nonutf8_\xff\xfe.wav");
        std::fs::write(d.join(name), tone_wav(8000)).unwrap();
    }
    cases.push(err_path(
        "non-UTF-8 file name",
        "nonutf8_",
        "input",
        &["bad_file_name"],
    ));

    put(d, "ctrl\x07bell.wav", &tone_wav(8000));
    cases.push(err_path(
        "control character in the file name (call_id)",
        "bell.wav",
        "input",
        &["bad_call_id"],
    ));

    // Duplicate call ids: the stem is the id.
    put(d, "dup.flac", &flac);
    put(d, "dup.wav", &tone_wav(8000));
    cases.push(call("duplicate call_id: first file (dup.flac)", "dup"));
    cases.push(Case {
        kind: "duplicate call_id: second file (dup.wav)",
        key: Key::Path("dup.wav".into()),
        expect: Expect::Error {
            stage: "input",
            kinds: &["duplicate_call_id"],
        },
        names: "dup.wav".into(),
    });

    std::fs::create_dir(d.join("folder.wav")).unwrap();
    cases.push(skip(
        "a directory named .wav (searched, not decoded)",
        "folder.wav",
    ));
    put(d, ".hidden.wav", &tone_wav(8000));
    cases.push(skip("hidden file (.hidden.wav)", ".hidden.wav"));
    put(d, "notes.txt", b"not audio");
    cases.push(skip("non-audio extension (.txt)", "notes.txt"));
    put(d, "no_extension", &tone_wav(8000));
    cases.push(skip("audio without an extension", "no_extension"));

    cases
}

// ---------------------------------------------------------------- the manifest corpus

fn manifest_corpus(root: &Path, valid: &[PathBuf; 2]) -> (PathBuf, Vec<Case>) {
    let m = root.join("manifest.csv");
    let rel = |p: &Path| p.strip_prefix(root).unwrap().to_string_lossy().to_string();
    let mdir = root.join("m");
    std::fs::create_dir_all(mdir.join("a_directory.wav")).unwrap();
    put(&mdir, "tone.wav", &tone_wav(8000));
    let long_id = "x".repeat(300);
    let mut rows: Vec<Vec<u8>> = vec![
        // BOM + CRLF line endings for the whole file.
        b"\xef\xbb\xbfpath,call_id,operator_id,started_at,channel_layout,language".to_vec(),
        format!(
            "{},valid_m1,op1,2026-11-02T09:00:00Z,operator_left,en",
            rel(&valid[0])
        )
        .into_bytes(),
        format!("{},valid_m2,op2,2026-11-02 10:00:00,,", rel(&valid[1])).into_bytes(),
        b",no_path,op1,2026-11-02T09:00:00Z,,".to_vec(), // line 4
        b"m/tone.wav,,op1,2026-11-02T09:00:00Z,,".to_vec(), // line 5
        b"m/tone.wav,bad_date_word,op1,yesterday,,".to_vec(), // line 6
        b"m/tone.wav,bad_date_feb30,op1,2026-02-30T10:00:00Z,,".to_vec(), // line 7
        b"m/tone.wav,bad_date_us,op1,11/02/2026,,".to_vec(), // line 8
        b"../../etc/passwd,traversal,op1,2026-11-02T09:00:00Z,,".to_vec(),
        format!("{},valid_m1,op9,2026-11-02T09:00:00Z,,", rel(&valid[0])).into_bytes(), // line 10
        format!("m/tone.wav,{long_id},op1,2026-11-02T09:00:00Z,,").into_bytes(),
        b"m/a_directory.wav,dir_path,op1,2026-11-02T09:00:00Z,,".to_vec(),
        b"m/missing.wav,missing_file,op1,2026-11-02T09:00:00Z,,".to_vec(),
        b"m/tone.wav,bad_layout,op1,2026-11-02T09:00:00Z,sideways,".to_vec(),
        b"m/tone.wav,bad_language,op1,2026-11-02T09:00:00Z,,klingon".to_vec(),
        b"m/tone.wav,few_fields".to_vec(),
        b"m/tone.wav,bad_\xff\xfe_bytes,op1,2026-11-02T09:00:00Z,,".to_vec(), // line 17
        b"m/tone.wav,\"quoted, id\",\"op, 1\",2026-11-02T09:00:00Z,,".to_vec(),
        b"m/tone.wav,ctrl\x07id,op1,2026-11-02T09:00:00Z,,".to_vec(),
        b"m/tone.wav,auto_language,op1,2026-11-02T09:00:00+03:00,customer_left,auto".to_vec(),
        b"".to_vec(), // an empty line is skipped
        b"m/tone.wav,tz_offset,op1,2026-11-02T23:30:00-05:00,mono,English".to_vec(),
    ];
    let mut bytes = Vec::new();
    for r in rows.drain(..) {
        bytes.extend_from_slice(&r);
        bytes.extend_from_slice(b"\r\n");
    }
    std::fs::write(&m, bytes).unwrap();
    let mf = "manifest";
    let cases = vec![
        call(
            "manifest with a UTF-8 BOM and CRLF line endings",
            "valid_m1",
        ),
        call("manifest date without a zone (taken as UTC)", "valid_m2"),
        err_id(
            "manifest row without path",
            "no_path",
            "line 4",
            mf,
            &["missing_field"],
        ),
        err_msg(
            "manifest row without call_id",
            "line 5",
            mf,
            &["missing_field"],
        ),
        err_id(
            "manifest date that is a word",
            "bad_date_word",
            "line 6",
            mf,
            &["bad_date"],
        ),
        err_id(
            "manifest date Feb 30",
            "bad_date_feb30",
            "line 7",
            mf,
            &["bad_date"],
        ),
        err_id(
            "manifest date in US format",
            "bad_date_us",
            "line 8",
            mf,
            &["bad_date"],
        ),
        err_id(
            "manifest path traversal ../../etc/passwd",
            "traversal",
            "etc/passwd",
            "decode",
            &["unsupported_format"],
        ),
        err_msg(
            "manifest duplicate call_id",
            "line 10",
            mf,
            &["duplicate_call_id"],
        ),
        err_msg(
            "manifest call_id of 300 characters",
            "line 11",
            mf,
            &["bad_call_id"],
        ),
        err_id(
            "manifest path to a directory",
            "dir_path",
            "a_directory.wav",
            "decode",
            &["io"],
        ),
        err_id(
            "manifest path to a missing file",
            "missing_file",
            "missing.wav",
            "decode",
            &["io"],
        ),
        err_id(
            "manifest unknown channel_layout",
            "bad_layout",
            "line 14",
            mf,
            &["bad_channel_layout"],
        ),
        err_id(
            "manifest unknown language",
            "bad_language",
            "line 15",
            mf,
            &["bad_language"],
        ),
        call("manifest row with only path and call_id", "few_fields"),
        err_msg(
            "manifest row with non-UTF-8 bytes",
            "line 17",
            mf,
            &["bad_row"],
        ),
        call("manifest quoted fields with commas", "quoted, id"),
        err_msg(
            "manifest call_id with a control character",
            "line 19",
            mf,
            &["bad_call_id"],
        ),
        call(
            "manifest language auto, customer_left layout",
            "auto_language",
        ),
        call(
            "manifest language as a name (English), mono layout",
            "tz_offset",
        ),
    ];
    (m, cases)
}

// ---------------------------------------------------------------- the transcript corpus

fn transcript_corpus(d: &Path) -> Vec<Case> {
    let src = repo().join("tests/data/transcripts/en");
    for f in ["en_01_standard.json", "en_02_asr_hold_no_thanks.json"] {
        std::fs::copy(src.join(f), d.join(f)).unwrap();
    }
    let head = r#""started_at":"2026-11-02T09:00:00Z","language":"en""#;
    let utt = |id: &str, u: &str| format!(r#"{{"call_id":"{id}",{head},"utterances":[{u}]}}"#);
    let ok_u = r#"{"speaker":"operator","start":0.5,"end":2.0,"text":"Good morning, Acme Bank."}"#;
    let st = "transcript";
    let bad = &["bad_transcript"];
    let mut cases = vec![
        call("valid transcript 1", "en_01_standard"),
        call("valid transcript 2", "en_02_asr_hold_no_thanks"),
    ];
    let mut add = |name: &str, bytes: Vec<u8>, case: Case| {
        std::fs::write(d.join(name), bytes).unwrap();
        cases.push(case);
    };
    let full = utt("t_truncated", ok_u);
    add(
        "t_truncated.json",
        full.as_bytes()[..full.len() / 2].to_vec(),
        err_path("transcript: truncated JSON", "t_truncated.json", st, bad),
    );
    add(
        "t_empty.json",
        Vec::new(),
        err_path("transcript: empty file", "t_empty.json", st, bad),
    );
    add(
        "t_wrong_types.json",
        utt(
            "t_wrong_types",
            r#"{"speaker":"operator","start":"zero","end":2,"text":"hi"}"#,
        )
        .into_bytes(),
        err_path(
            "transcript: start is a string",
            "t_wrong_types.json",
            st,
            bad,
        ),
    );
    add(
        "t_text_number.json",
        utt(
            "t_text_number",
            r#"{"speaker":"operator","start":0,"end":2,"text":42}"#,
        )
        .into_bytes(),
        err_path(
            "transcript: text is a number",
            "t_text_number.json",
            st,
            bad,
        ),
    );
    add(
        "t_negative.json",
        utt(
            "t_negative",
            r#"{"speaker":"operator","start":-1,"end":2,"text":"hi"}"#,
        )
        .into_bytes(),
        err_path("transcript: negative start", "t_negative.json", st, bad),
    );
    add(
        "t_nan.json",
        utt(
            "t_nan",
            r#"{"speaker":"operator","start":NaN,"end":2,"text":"hi"}"#,
        )
        .into_bytes(),
        err_path("transcript: NaN time", "t_nan.json", st, bad),
    );
    add(
        "t_inf.json",
        utt(
            "t_inf",
            r#"{"speaker":"operator","start":0,"end":1e999,"text":"hi"}"#,
        )
        .into_bytes(),
        err_path("transcript: time 1e999 (infinite)", "t_inf.json", st, bad),
    );
    add(
        "t_huge_time.json",
        utt(
            "t_huge_time",
            r#"{"speaker":"operator","start":0,"end":1e300,"text":"hi"}"#,
        )
        .into_bytes(),
        err_path("transcript: end at 1e300 s", "t_huge_time.json", st, bad),
    );
    add(
        "t_end_before_start.json",
        utt(
            "t_end_before_start",
            r#"{"speaker":"operator","start":5,"end":2,"text":"hi"}"#,
        )
        .into_bytes(),
        err_path(
            "transcript: end < start",
            "t_end_before_start.json",
            st,
            bad,
        ),
    );
    add(
        "t_unknown_speaker.json",
        utt(
            "t_unknown_speaker",
            r#"{"speaker":"robot","start":0,"end":2,"text":"hi"}"#,
        )
        .into_bytes(),
        err_path(
            "transcript: unknown speaker",
            "t_unknown_speaker.json",
            st,
            bad,
        ),
    );
    add(
        "t_missing_call_id.json",
        format!(r#"{{{head},"utterances":[{ok_u}]}}"#).into_bytes(),
        err_path("transcript: no call_id", "t_missing_call_id.json", st, bad),
    );
    add(
        "t_blank_call_id.json",
        utt("  ", ok_u).into_bytes(),
        err_path(
            "transcript: blank call_id",
            "t_blank_call_id.json",
            st,
            &["bad_call_id"],
        ),
    );
    add(
        "t_bad_date.json",
        format!(r#"{{"call_id":"t_bad_date","started_at":"yesterday","utterances":[{ok_u}]}}"#)
            .into_bytes(),
        err_path("transcript: bad started_at", "t_bad_date.json", st, bad),
    );
    add(
        "t_array.json",
        format!("[{}]", utt("t_array", ok_u)).into_bytes(),
        err_path("transcript: top-level array", "t_array.json", st, bad),
    );
    add(
        "t_deep.json",
        "[".repeat(100_000).into_bytes(),
        err_path("transcript: 100 000 nested arrays", "t_deep.json", st, bad),
    );
    let mut b = utt("t_non_utf8", ok_u).into_bytes();
    let at = b.len() - 10;
    b[at] = 0xff;
    add(
        "t_non_utf8.json",
        b,
        err_path(
            "transcript: non-UTF-8 bytes in text",
            "t_non_utf8.json",
            st,
            bad,
        ),
    );
    add(
        "t_utf16.json",
        utt("t_utf16", ok_u)
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect(),
        err_path("transcript: UTF-16 file", "t_utf16.json", st, bad),
    );
    add(
        "t_dup_a.json",
        utt("t_dup", ok_u).into_bytes(),
        call("transcript: duplicate call_id, first file", "t_dup"),
    );
    add(
        "t_dup_b.json",
        utt("t_dup", ok_u).into_bytes(),
        Case {
            kind: "transcript: duplicate call_id, second file",
            key: Key::Path("t_dup_b.json".into()),
            expect: Expect::Error {
                stage: st,
                kinds: &["duplicate_call_id"],
            },
            names: "t_dup_b.json".into(),
        },
    );
    let mut b = b"\xef\xbb\xbf".to_vec();
    b.extend_from_slice(utt("t_bom", ok_u).as_bytes());
    add("t_bom.json", b, call("transcript: UTF-8 BOM", "t_bom"));
    add(
        "t_no_utterances.json",
        utt("t_no_utterances", "").into_bytes(),
        call("transcript: empty utterance list", "t_no_utterances"),
    );
    add(
        "t_empty_text.json",
        utt(
            "t_empty_text",
            r#"{"speaker":"operator","start":0,"end":0,"text":""},{"speaker":"customer","start":1,"end":1,"text":"   "}"#,
        )
        .into_bytes(),
        call("transcript: empty texts, zero-length utterances", "t_empty_text"),
    );
    let big = "word ".repeat(400_000);
    add(
        "t_huge_text.json",
        utt(
            "t_huge_text",
            &format!(r#"{{"speaker":"customer","start":0,"end":60,"text":"{big}"}}"#),
        )
        .into_bytes(),
        call("transcript: 2 MB text in one utterance", "t_huge_text"),
    );
    let many: Vec<String> = (0..20_000)
        .map(|i| {
            format!(
                r#"{{"speaker":"{}","start":{},"end":{},"text":"yes"}}"#,
                if i % 2 == 0 { "operator" } else { "customer" },
                i as f64 * 0.5,
                i as f64 * 0.5 + 0.6
            )
        })
        .collect();
    add(
        "t_many.json",
        utt("t_many", &many.join(",")).into_bytes(),
        call("transcript: 20 000 overlapping utterances", "t_many"),
    );
    add(
        "t_control_chars.json",
        utt(
            "t_control_chars",
            r#"{"speaker":"mixed","start":0,"end":2,"text":"a\u0000b\u0007c\n\td"}"#,
        )
        .into_bytes(),
        call(
            "transcript: control characters in text, mixed speaker",
            "t_control_chars",
        ),
    );
    add(
        "t_extra_fields.json",
        format!(
            r#"{{"call_id":"t_extra_fields",{head},"vendor":{{"x":1}},"utterances":[{{"speaker":"operator","start":0,"end":1,"text":"hi","confidence":0.9}}]}}"#
        )
        .into_bytes(),
        call("transcript: unknown extra fields", "t_extra_fields"),
    );
    add(
        "t_null_operator.json",
        format!(
            r#"{{"call_id":"t_null_operator","operator_id":null,"started_at":"2026-11-02T09:00:00+14:00","language":null,"utterances":[{ok_u}]}}"#
        )
        .into_bytes(),
        call("transcript: null operator and language, +14:00 zone", "t_null_operator"),
    );
    add(
        "T_UPPER.JSON",
        utt("t_upper", ok_u).into_bytes(),
        call("transcript: extension in capitals (.JSON)", "t_upper"),
    );
    std::fs::write(d.join("notes.txt"), b"{}").unwrap();
    cases.push(skip("transcript folder: non-JSON file", "notes.txt"));
    std::os::unix::fs::symlink("t_loop.json", d.join("t_loop.json")).unwrap();
    cases.push(err_path(
        "transcript folder: symlink to itself",
        "t_loop.json",
        "input",
        &["symlink_loop"],
    ));
    std::os::unix::fs::symlink("gone.json", d.join("t_dangling.json")).unwrap();
    cases.push(err_path(
        "transcript folder: dangling symlink",
        "t_dangling.json",
        "input",
        &["io"],
    ));
    cases
}

// ---------------------------------------------------------------- the tests

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

#[test]
fn bad_audio_and_manifest_inputs_become_error_rows() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let input = root.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let valid = valid_calls(&input);
    let mut cases = vec![
        call("valid call 1 (stereo 8 kHz µ-law)", "valid_call_1"),
        call("valid call 2 (mono 16 kHz)", "valid_call_2"),
    ];
    cases.extend(audio_corpus(&input));
    // The synthesiser's spec and truth files (JSON) lie beside the audio: not inputs.
    let out = root.join("out");
    let (stderr, took) = run_callqa(
        &[
            os("run"),
            os("--language"),
            os("en"),
            os("--threads"),
            os("2"),
            os("--input"),
            input.as_os_str(),
            os("--out"),
            out.as_os_str(),
        ],
        3,
        Duration::from_secs(600),
    );
    eprintln!("callqa run on the folder corpus: {took:.1?}");
    let folder_table = check_outcomes("folder", &out, &cases);
    assert!(
        folder_table.len() >= 30,
        "the corpus must have at least 30 kinds"
    );
    // The hour of silence is a call row without utterances (VAD found no speech, so
    // Whisper never ran on it) and of the right length.
    let v = py_json(READ, &[&out]);
    let sil = v["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["call_id"] == "silence_1h")
        .unwrap()
        .clone();
    assert_eq!(sil["utterances"], 0, "{sil}");
    assert!(
        (sil["duration_s"].as_f64().unwrap() - 3600.0).abs() < 0.1,
        "{sil}"
    );
    for id in ["valid_call_1", "valid_call_2"] {
        let c = v["calls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["call_id"] == id)
            .unwrap();
        assert!(c["utterances"].as_i64().unwrap() >= 1, "{c}");
    }
    assert!(stderr.contains("WARN"), "bad inputs are logged:\n{stderr}");

    // The manifest run reuses the valid recordings.
    let (manifest, mcases) = manifest_corpus(root, &valid);
    let out_m = root.join("out_m");
    let (_, took) = run_callqa(
        &[
            os("run"),
            os("--language"),
            os("en"),
            os("--threads"),
            os("2"),
            os("--no-acoustic"),
            os("--input"),
            manifest.as_os_str(),
            os("--out"),
            out_m.as_os_str(),
        ],
        3,
        Duration::from_secs(300),
    );
    eprintln!("callqa run on the manifest corpus: {took:.1?}");
    check_outcomes("manifest", &out_m, &mcases);

    // A manifest that cannot be a manifest is fatal (exit 1) and says why.
    for (name, body) in [
        ("no_columns.csv", &b"file,id\na.wav,1\n"[..]),
        ("zero_bytes.csv", &b""[..]),
    ] {
        let m = put(root, name, body);
        let o = callqa()
            .args(["run", "--language", "en", "--input"])
            .arg(&m)
            .arg("--out")
            .arg(root.join("out_fatal"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains(name) && !stderr.contains("panicked"),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn bad_transcripts_become_error_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t");
    std::fs::create_dir_all(&input).unwrap();
    let cases = transcript_corpus(&input);
    let out = dir.path().join("out");
    let (_, took) = run_callqa(
        &[
            os("analyze"),
            os("--pipeline"),
            repo().join("pipelines/en-contact-center.toml").as_os_str(),
            os("--transcripts"),
            input.as_os_str(),
            os("--out"),
            out.as_os_str(),
        ],
        3,
        Duration::from_secs(120),
    );
    eprintln!("callqa analyze on the transcript corpus: {took:.1?}");
    let table = check_outcomes("transcripts", &out, &cases);
    assert!(table.len() >= 25);
}
