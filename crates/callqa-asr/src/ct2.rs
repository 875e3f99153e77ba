//! The CTranslate2 engine: Whisper run by CTranslate2 on CPU nodes,
//! with the windows of several channels (and calls) encoded and decoded as one batch.
//!
//! * **Same windows, same output.** Channels are packed exactly as for whisper.cpp
//!   ([`crate::packing`]), and the result is the same [`ChannelTranscript`]: one
//!   [`AsrPiece`](crate::AsrPiece) per VAD segment, with the segment's bounds.
//! * **Batches.** [`Ct2Engine::transcribe_channels`] takes the windows of all the channels
//!   it is given, sorts them by length and decodes them `[asr] batch_size` at a time in
//!   one `generate` call: CTranslate2 encodes the batch as one tensor and decodes it with
//!   one batched matrix product per layer and step (faster-whisper's
//!   `BatchedInferencePipeline` gets its speed the same way).
//! * **Encoder sized to the batch.** CTranslate2 accepts fewer than 3000 mel frames: a
//!   batch gets `2 × audio_ctx` frames of its longest window (the whisper.cpp engine's
//!   `audio_ctx`, [`crate::audio_ctx_for`], rounded up to 0.5 s so that oneDNN meets a
//!   bounded set of shapes), so short windows are not encoded as 30 s. The batch is
//!   encoded `[asr] ct2_encoder_batch` windows at a time (the self-attention matrix is
//!   what grows with the window) and decoded as one.
//! * **Timing.** Decoding keeps Whisper's timestamp tokens. With `[asr] ct2_align` (the
//!   default) each text token is then timed by CTranslate2's alignment (DTW over the
//!   cross-attention of the model's alignment heads, one decoder pass over the window's
//!   text on the encoder output the decode used); without it, the text tokens between two
//!   timestamps are spread evenly between them. Each word goes to the VAD segment of the
//!   window part its first token falls in (as the whisper.cpp engine does).
//! * **One encoder pass.** A batch is encoded once; decoding, language detection aside,
//!   and alignment reuse the encoder output.
//! * **Model.** The CTranslate2 directory that `scripts/setup.sh` fetches
//!   (`.cache/models/ct2-whisper-base`: `model.bin`, `config.json`, `vocabulary.txt`),
//!   loaded as it is, weights quantised to int8 on load; no conversion.
//! * **Library.** CTranslate2 4.8.4 as shipped in the PyPI wheel `ctranslate2==4.8.4`
//!   (MKL and oneDNN inside), reached through a small C shim (`ct2/shim.cpp`), which
//!   `build.rs` builds against the vendored headers of the same version into a plug-in,
//!   `libcallqa_ct2.so`, loaded at run time ([`available`], [`plugin_candidates`]): the
//!   callqa binary does not depend on libctranslate2, and runs whisper.cpp where the
//!   plug-in is missing.

use crate::packing::{self, Window};
use crate::{audio_ctx_for, language_code, AsrError, ChannelTranscript};
use callqa_core::config::AsrConfig;
use callqa_core::{SpeechSegment, SAMPLE_RATE};
use realfft::{RealFftPlanner, RealToComplex};
use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_long};
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::{Arc, OnceLock};

mod ffi {
    use std::os::raw::{c_char, c_int, c_long};
    use std::path::Path;

    #[repr(C)]
    pub struct Whisper {
        _private: [u8; 0],
    }

    #[repr(C)]
    pub struct Encoded {
        _private: [u8; 0],
    }

    #[repr(C)]
    pub struct Options {
        pub beam_size: usize,
        pub max_length: usize,
        pub repetition_penalty: f32,
        pub no_repeat_ngram_size: usize,
        pub sampling_temperature: f32,
        pub suppress_blank: c_int,
        pub max_initial_timestamp_index: usize,
    }

    pub type Load = unsafe extern "C" fn(
        model_dir: *const c_char,
        compute_type: *const c_char,
        inter_threads: usize,
        intra_threads: usize,
        err: *mut *mut c_char,
    ) -> *mut Whisper;
    pub type Free = unsafe extern "C" fn(w: *mut Whisper);
    pub type FreeError = unsafe extern "C" fn(e: *mut c_char);
    pub type NMels = unsafe extern "C" fn(w: *const Whisper) -> usize;
    pub type Encode = unsafe extern "C" fn(
        w: *mut Whisper,
        features: *const f32,
        batch: usize,
        n_mels: usize,
        n_frames: usize,
        chunk: usize,
        err: *mut *mut c_char,
    ) -> *mut Encoded;
    pub type EncodedFree = unsafe extern "C" fn(e: *mut Encoded);
    pub type Generate = unsafe extern "C" fn(
        w: *mut Whisper,
        encoded: *const Encoded,
        features: *const f32,
        batch: usize,
        n_mels: usize,
        n_frames: usize,
        prompts: *const usize,
        prompt_len: usize,
        opt: *const Options,
        out_ids: *mut usize,
        out_lens: *mut usize,
        out_logprob: *mut f32,
        out_no_speech: *mut f32,
        err: *mut *mut c_char,
    ) -> c_int;
    pub type Align = unsafe extern "C" fn(
        w: *mut Whisper,
        encoded: *const Encoded,
        start_sequences: *const usize,
        start_len: usize,
        tokens: *const usize,
        token_lens: *const usize,
        num_frames: *const usize,
        median_filter_width: usize,
        stride: usize,
        out_first: *mut c_long,
        err: *mut *mut c_char,
    ) -> c_int;
    pub type DetectLanguage = unsafe extern "C" fn(
        w: *mut Whisper,
        features: *const f32,
        batch: usize,
        n_mels: usize,
        n_frames: usize,
        out_tokens: *mut c_char,
        err: *mut *mut c_char,
    ) -> c_int;

    /// The functions of the plug-in (`ct2/shim.cpp`), resolved once. The library stays
    /// loaded for the life of the process (the pointers borrow it).
    pub struct Api {
        pub load: Load,
        pub free: Free,
        pub free_error: FreeError,
        pub n_mels: NMels,
        pub encode: Encode,
        pub encoded_free: EncodedFree,
        pub generate: Generate,
        pub align: Align,
        pub detect_language: DetectLanguage,
        _lib: libloading::Library,
    }

    impl Api {
        /// Load the plug-in at `path` (which loads libctranslate2) and resolve its
        /// functions.
        ///
        /// # Safety
        /// `path` must be a plug-in built from `ct2/shim.cpp` with the signatures above
        /// (build.rs builds it; the symbol names are checked, the signatures cannot be).
        pub unsafe fn open(path: &Path) -> Result<Api, String> {
            // SAFETY: the caller's contract; the shim's initialisers only set up
            // CTranslate2's statics.
            let lib = unsafe { libloading::Library::new(path) }.map_err(|e| e.to_string())?;
            macro_rules! sym {
                ($name:literal) => {
                    // SAFETY: the symbol has this signature in ct2/shim.cpp.
                    *unsafe { lib.get(concat!($name, "\0").as_bytes()) }
                        .map_err(|e| format!("{}: {e}", $name))?
                };
            }
            Ok(Api {
                load: sym!("callqa_ct2_load"),
                free: sym!("callqa_ct2_free"),
                free_error: sym!("callqa_ct2_free_error"),
                n_mels: sym!("callqa_ct2_n_mels"),
                encode: sym!("callqa_ct2_encode_chunks"),
                encoded_free: sym!("callqa_ct2_encoded_free"),
                generate: sym!("callqa_ct2_generate"),
                align: sym!("callqa_ct2_align"),
                detect_language: sym!("callqa_ct2_detect_language"),
                _lib: lib,
            })
        }
    }
}

/// Mel frames of the encoder input for a batch whose longest window is `longest_s`
/// seconds: `2 × audio_ctx` rounded up to [`CTX_STEP`] positions (`dynamic`), or a full
/// 30 s window.
fn encoder_frames(longest_s: f64, dynamic: bool) -> usize {
    if dynamic {
        let ctx = audio_ctx_for(longest_s).div_ceil(CTX_STEP) * CTX_STEP;
        (2 * ctx).min(FULL_FRAMES)
    } else {
        FULL_FRAMES
    }
}

/// File name of the engine's plug-in.
pub const PLUGIN_FILE: &str = "libcallqa_ct2.so";

/// Where the engine's plug-in is looked for, in order: `$CALLQA_CT2_PLUGIN` (a file);
/// `ctranslate2/` of the install roots (`<binary>/../share/callqa/`, then
/// `$XDG_DATA_HOME/callqa/`, where `scripts/install.sh` puts it with libctranslate2);
/// beside the executable; and where build.rs built it (development builds).
pub fn plugin_candidates() -> Vec<PathBuf> {
    if let Some(p) = std::env::var_os("CALLQA_CT2_PLUGIN") {
        return vec![PathBuf::from(p)];
    }
    let mut out: Vec<PathBuf> = callqa_core::paths::install_roots()
        .into_iter()
        .map(|(root, _)| root.join("ctranslate2").join(PLUGIN_FILE))
        .collect();
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        out.push(dir.join(PLUGIN_FILE));
    }
    let built = env!("CALLQA_CT2_PLUGIN_BUILT");
    if !built.is_empty() {
        out.push(PathBuf::from(built));
    }
    out
}

/// The engine's functions and the plug-in they came from, loaded on first use; the error
/// says what was tried and why it failed (no plug-in built, no libctranslate2 beside it...).
fn loaded() -> Result<&'static (ffi::Api, PathBuf), String> {
    static API: OnceLock<Result<(ffi::Api, PathBuf), String>> = OnceLock::new();
    API.get_or_init(|| {
        let mut tried = Vec::new();
        for path in plugin_candidates() {
            if !path.is_file() {
                tried.push(format!("{}: no such file", path.display()));
                continue;
            }
            // SAFETY: a file of the plug-in's name in callqa's own places (see
            // `plugin_candidates`), built from ct2/shim.cpp.
            match unsafe { ffi::Api::open(&path) } {
                Ok(api) => return Ok((api, path)),
                Err(e) => tried.push(format!("{}: {e}", path.display())),
            }
        }
        if env!("CALLQA_CT2_PLUGIN_BUILT").is_empty() {
            tried.push(
                "this callqa was built without libctranslate2: run scripts/setup.sh, then \
                 cargo build"
                    .into(),
            );
        }
        Err(format!(
            "the CTranslate2 plug-in could not be loaded ({})",
            tried.join("; ")
        ))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Whether the CTranslate2 engine can run here: the plug-in's path, or why not.
pub fn available() -> Result<&'static Path, String> {
    loaded().map(|(_, path)| path.as_path())
}

/// Whisper's front end: 16 kHz, 25 ms frames every 10 ms.
const N_FFT: usize = 400;
const HOP: usize = 160;
/// Mel frames of a full 30 s window.
const FULL_FRAMES: usize = 3000;
/// A batch's encoder context is rounded up to a multiple of this many 20 ms positions
/// (0.5 s). oneDNN, inside CTranslate2, builds and caches a convolution primitive for every
/// input shape it meets (up to 1024 of them); unrounded, almost every batch had a shape of
/// its own and the cache grew with the number of calls. Rounded, a run meets at most
/// 58 lengths per batch size (43 with 20 s windows); the extra padding is under 0.5 s of
/// encoder input.
const CTX_STEP: usize = 25;
/// Longest decode, tokens (Whisper's text context).
const MAX_LENGTH: usize = 448;
/// Temperatures tried after greedy decoding fails the checks below (whisper.cpp's and
/// faster-whisper's defaults).
const FALLBACK_TEMPERATURES: [f32; 5] = [0.2, 0.4, 0.6, 0.8, 1.0];
/// A decode whose mean token log-probability is below this is retried hotter.
const LOGPROB_THRESHOLD: f32 = -1.0;
/// A decode whose text compresses better than this (it repeats itself) is retried.
const COMPRESSION_RATIO_THRESHOLD: f64 = 2.4;
/// No-speech probability above which a window that also decoded with a low log-probability
/// is taken as silence.
const NO_SPEECH_THRESHOLD: f32 = 0.6;
/// Width of the median filter over the alignment heads' attention (faster-whisper's).
const ALIGN_MEDIAN_FILTER: usize = 7;
/// Second pass: a VAD segment at least this long (s) that the first pass left with fewer
/// than [`SPARSE_WORDS_PER_S`] words per second is decoded again in a window of its own.
const SPARSE_MIN_S: f64 = 1.0;
/// See [`SPARSE_MIN_S`]: people speak 2-3 words a second, so under 0.5 the decoder
/// stopped early in a packed window or gave the segment's words to a neighbour.
const SPARSE_WORDS_PER_S: f64 = 0.5;

/// The CTranslate2 library handle; freed on drop.
struct Handle {
    ptr: NonNull<ffi::Whisper>,
    api: &'static ffi::Api,
}

// SAFETY: a CTranslate2 `ReplicaPool` is thread-safe: `generate` and `detect_language`
// queue jobs to its own worker threads and may be called from any thread at once.
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the pointer came from callqa_ct2_load and is freed once.
        unsafe { (self.api.free)(self.ptr.as_ptr()) }
    }
}

/// A batch's encoder output inside CTranslate2; freed on drop.
struct EncodedBatch {
    ptr: NonNull<ffi::Encoded>,
    api: &'static ffi::Api,
}

impl Drop for EncodedBatch {
    fn drop(&mut self) {
        // SAFETY: the pointer came from callqa_ct2_encode_chunks and is freed once.
        unsafe { (self.api.encoded_free)(self.ptr.as_ptr()) }
    }
}

fn take_error(api: &ffi::Api, err: *mut c_char) -> String {
    if err.is_null() {
        return "unknown error".to_string();
    }
    // SAFETY: the shim returns a NUL-terminated malloc'd string, freed here once.
    let s = unsafe { CStr::from_ptr(err) }
        .to_string_lossy()
        .into_owned();
    unsafe { (api.free_error)(err) };
    s
}

/// Whisper's byte-level BPE vocabulary of a CTranslate2 model (`vocabulary.txt`).
#[derive(Debug)]
struct Vocab {
    /// The bytes of each text token (ids below `eot`).
    bytes: Vec<Vec<u8>>,
    ids: HashMap<String, usize>,
    eot: usize,
    sot: usize,
    transcribe: usize,
    timestamp_begin: usize,
}

/// GPT-2's map from printable characters back to bytes.
fn byte_decoder() -> HashMap<char, u8> {
    let mut bs: Vec<u32> = (u32::from(b'!')..=u32::from(b'~'))
        .chain(0xA1..=0xAC)
        .chain(0xAE..=0xFF)
        .collect();
    let mut cs = bs.clone();
    let mut n = 0;
    for b in 0..256u32 {
        if !bs.contains(&b) {
            bs.push(b);
            cs.push(256 + n);
            n += 1;
        }
    }
    bs.into_iter()
        .zip(cs)
        .filter_map(|(b, c)| Some((char::from_u32(c)?, b as u8)))
        .collect()
}

impl Vocab {
    fn load(dir: &Path) -> Result<Self, String> {
        let path = dir.join("vocabulary.txt");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let tokens: Vec<&str> = text.lines().collect();
        let ids: HashMap<String, usize> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (t.to_string(), i))
            .collect();
        let id = |t: &str| {
            ids.get(t)
                .copied()
                .ok_or_else(|| format!("{} has no token {t}", path.display()))
        };
        let eot = id("<|endoftext|>")?;
        let sot = id("<|startoftranscript|>")?;
        let transcribe = id("<|transcribe|>")?;
        let timestamp_begin = id("<|notimestamps|>")? + 1;
        let dec = byte_decoder();
        let bytes = tokens[..eot]
            .iter()
            .map(|t| t.chars().filter_map(|c| dec.get(&c).copied()).collect())
            .collect();
        Ok(Vocab {
            bytes,
            ids,
            eot,
            sot,
            transcribe,
            timestamp_begin,
        })
    }

    fn language_token(&self, code: &str) -> Option<usize> {
        self.ids.get(&format!("<|{code}|>")).copied()
    }
}

/// Whisper's log-mel spectrogram (80 or 128 Slaney mel bands, periodic Hann window,
/// log10, clamped to 8 below the maximum, scaled as `(x + 4) / 4`).
struct MelFrontEnd {
    n_mels: usize,
    /// `n_mels × (N_FFT / 2 + 1)`, row-major.
    filters: Vec<f32>,
    window: Vec<f32>,
    fft: Arc<dyn RealToComplex<f32>>,
}

impl std::fmt::Debug for MelFrontEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MelFrontEnd")
            .field("n_mels", &self.n_mels)
            .finish_non_exhaustive()
    }
}

fn hz_to_mel(f: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let (min_log_hz, logstep) = (1000.0, (6.4f64).ln() / 27.0);
    if f < min_log_hz {
        f / f_sp
    } else {
        min_log_hz / f_sp + (f / min_log_hz).ln() / logstep
    }
}

fn mel_to_hz(m: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let (min_log_hz, logstep) = (1000.0, (6.4f64).ln() / 27.0);
    let min_log_mel = min_log_hz / f_sp;
    if m < min_log_mel {
        m * f_sp
    } else {
        min_log_hz * (logstep * (m - min_log_mel)).exp()
    }
}

impl MelFrontEnd {
    fn new(n_mels: usize) -> Self {
        // librosa.filters.mel(sr=16000, n_fft=400, n_mels, fmin=0, fmax=8000), Slaney
        // scale and normalisation, as Whisper's mel_filters.npz.
        let n_bins = N_FFT / 2 + 1;
        let sr = f64::from(SAMPLE_RATE);
        let fft_freqs: Vec<f64> = (0..n_bins).map(|j| j as f64 * sr / N_FFT as f64).collect();
        let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(sr / 2.0));
        let mel_f: Vec<f64> = (0..n_mels + 2)
            .map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (n_mels + 1) as f64))
            .collect();
        let mut filters = vec![0f32; n_mels * n_bins];
        for i in 0..n_mels {
            let enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);
            for (j, &f) in fft_freqs.iter().enumerate() {
                let lower = (f - mel_f[i]) / (mel_f[i + 1] - mel_f[i]);
                let upper = (mel_f[i + 2] - f) / (mel_f[i + 2] - mel_f[i + 1]);
                filters[i * n_bins + j] = (lower.min(upper).max(0.0) * enorm) as f32;
            }
        }
        let window = (0..N_FFT)
            .map(|n| {
                (0.5 - 0.5 * (2.0 * std::f64::consts::PI * n as f64 / N_FFT as f64).cos()) as f32
            })
            .collect();
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(N_FFT);
        MelFrontEnd {
            n_mels,
            filters,
            window,
            fft,
        }
    }

    /// `n_mels × n_frames` log-mel of `audio` (zero-padded or cut to `n_frames` hops),
    /// written into `out`.
    fn log_mel(&self, audio: &[f32], n_frames: usize, out: &mut [f32]) {
        let n_bins = N_FFT / 2 + 1;
        let n = n_frames * HOP;
        // Whisper pads with silence, then centres frames (reflect padding of N_FFT / 2).
        let sample = |i: isize| -> f32 {
            let i = if i < 0 {
                -i
            } else if i >= n as isize {
                2 * (n as isize - 1) - i
            } else {
                i
            };
            audio.get(i.max(0) as usize).copied().unwrap_or(0.0)
        };
        let mut input = self.fft.make_input_vec();
        let mut spectrum = self.fft.make_output_vec();
        let mut scratch = self.fft.make_scratch_vec();
        let mut power = vec![0f32; n_bins];
        let mut max = f32::NEG_INFINITY;
        for t in 0..n_frames {
            let start = (t * HOP) as isize - (N_FFT / 2) as isize;
            for (k, x) in input.iter_mut().enumerate() {
                *x = sample(start + k as isize) * self.window[k];
            }
            if self
                .fft
                .process_with_scratch(&mut input, &mut spectrum, &mut scratch)
                .is_err()
            {
                spectrum.iter_mut().for_each(|c| *c = Default::default());
            }
            for (p, c) in power.iter_mut().zip(&spectrum) {
                *p = c.norm_sqr();
            }
            for m in 0..self.n_mels {
                let row = &self.filters[m * n_bins..(m + 1) * n_bins];
                let v: f32 = row.iter().zip(&power).map(|(a, b)| a * b).sum();
                let l = v.max(1e-10).log10();
                out[m * n_frames + t] = l;
                max = max.max(l);
            }
        }
        let floor = max - 8.0;
        for v in out[..self.n_mels * n_frames].iter_mut() {
            *v = (v.max(floor) + 4.0) / 4.0;
        }
    }
}

/// One channel to transcribe with [`Ct2Engine::transcribe_channels`].
#[derive(Debug, Clone, Copy)]
pub struct ChannelJob<'a> {
    /// Mono 16 kHz samples, channel time 0 = sample 0.
    pub samples: &'a [f32],
    /// The channel's VAD speech segments.
    pub segments: &'a [SpeechSegment],
    /// A Whisper language code, or `None` (or `"auto"`) to detect it per window.
    pub language: Option<&'a str>,
}

/// A loaded CTranslate2 Whisper model. `Send + Sync`: share it between threads; each
/// call of [`transcribe_channels`](Ct2Engine::transcribe_channels) runs on one of the
/// model's replicas (`inter_threads` of them).
#[derive(Debug)]
pub struct Ct2Engine {
    handle: Handle,
    vocab: Vocab,
    mel: MelFrontEnd,
    cfg: AsrConfig,
    model_name: String,
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handle")
    }
}

/// Per job of a [`Ct2Engine::transcribe_channels`] call: its result so far, its windows,
/// its language token.
type JobPlans = (
    Vec<Result<ChannelTranscript, AsrError>>,
    Vec<Vec<Window>>,
    Vec<Option<usize>>,
);

/// One window of one channel, in a batch.
struct Item<'w> {
    job: usize,
    window: &'w Window,
    audio: Vec<f32>,
    duration_s: f64,
    language: Option<usize>,
}

/// What one decode of a window gave.
#[derive(Clone)]
struct Decoded {
    ids: Vec<usize>,
    avg_logprob: f32,
    no_speech: f32,
    /// With `[asr] ct2_align`: the time in the window (seconds) of each text token of
    /// `ids` (timestamp tokens left out), from the alignment.
    token_times: Option<Vec<f64>>,
}

impl Ct2Engine {
    /// Load a CTranslate2 Whisper model directory (`model.bin`, `config.json`,
    /// `vocabulary.txt`) with int8 weights. `inter_threads`: replicas (calls that can
    /// run at once); `intra_threads`: threads of each.
    pub fn load(
        model_dir: &Path,
        cfg: &AsrConfig,
        inter_threads: usize,
        intra_threads: usize,
    ) -> Result<Self, AsrError> {
        let load_err = |reason: String| AsrError::Ct2Load {
            path: model_dir.to_path_buf(),
            reason,
        };
        if !model_dir.join("model.bin").is_file() {
            return Err(AsrError::ModelMissing {
                path: model_dir.to_path_buf(),
            });
        }
        let vocab = Vocab::load(model_dir).map_err(load_err)?;
        let dir = CString::new(model_dir.as_os_str().as_encoded_bytes())
            .map_err(|_| load_err("the path has a NUL byte".into()))?;
        let compute = CString::new(cfg.ct2_compute_type.as_str())
            .map_err(|_| load_err("the compute type has a NUL byte".into()))?;
        let api: &'static ffi::Api = &loaded()
            .map_err(|reason| AsrError::Ct2Unavailable { reason })?
            .0;
        let mut err: *mut c_char = std::ptr::null_mut();
        // SAFETY: valid C strings; err receives an owned string on failure.
        let raw = unsafe {
            (api.load)(
                dir.as_ptr(),
                compute.as_ptr(),
                inter_threads.max(1),
                intra_threads.max(1),
                &mut err,
            )
        };
        let ptr = NonNull::new(raw).ok_or_else(|| load_err(take_error(api, err)))?;
        let handle = Handle { ptr, api };
        // SAFETY: a live handle.
        let n_mels = unsafe { (api.n_mels)(handle.ptr.as_ptr()) };
        let model_name = model_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| model_dir.display().to_string());
        tracing::debug!(model = %model_dir.display(), n_mels, "loaded CTranslate2 Whisper model");
        Ok(Ct2Engine {
            handle,
            vocab,
            mel: MelFrontEnd::new(n_mels),
            cfg: cfg.clone(),
            model_name,
        })
    }

    /// The model directory's name, e.g. `ct2-whisper-base`.
    pub fn model_name(&self) -> &str {
        &self.model_name
    }

    /// The packing and decoding settings in use.
    pub fn config(&self) -> &AsrConfig {
        &self.cfg
    }

    /// Transcribe one channel (see [`transcribe_channels`](Ct2Engine::transcribe_channels)).
    pub fn transcribe(
        &self,
        samples_16k: &[f32],
        segments: &[SpeechSegment],
        language: Option<&str>,
    ) -> Result<ChannelTranscript, AsrError> {
        let job = ChannelJob {
            samples: samples_16k,
            segments,
            language,
        };
        self.transcribe_channels(&[job])
            .pop()
            .unwrap_or_else(|| Err(AsrError::Panic("no result for the channel".into())))
    }

    /// Transcribe several channels: their windows are pooled and decoded
    /// `[asr] batch_size` at a time. Returns one result per job, in order; a failed batch
    /// fails the channels it held windows of.
    pub fn transcribe_channels(
        &self,
        jobs: &[ChannelJob<'_>],
    ) -> Vec<Result<ChannelTranscript, AsrError>> {
        let (mut results, plans, langs) = self.plan_jobs(jobs);

        // A job that failed planning has no windows.
        let mut items = items_for(jobs, &plans, &langs);

        let mut texts: Vec<Vec<Vec<u8>>> = jobs
            .iter()
            .map(|j| vec![Vec::new(); j.segments.len()])
            .collect();
        let mut detected: Vec<HashMap<String, f64>> = vec![HashMap::new(); jobs.len()];
        self.decode_items(
            &mut items,
            jobs,
            &mut results,
            &mut texts,
            Some(&mut detected),
            None,
        );
        self.second_pass(jobs, &langs, &mut results, &mut texts);

        for (j, r) in results.iter_mut().enumerate() {
            let Ok(t) = r else { continue };
            if t.language.is_none() {
                t.language = std::mem::take(&mut detected[j])
                    .into_iter()
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                    .map(|(code, _)| code);
            }
            t.pieces = crate::pieces_from_texts(jobs[j].segments, std::mem::take(&mut texts[j]));
        }
        results
    }

    /// Decode `items` `[asr] batch_size` at a time and attribute each window's text to the
    /// segments of its job in `texts`; a failed batch fails the jobs it held windows of.
    /// With `detected`, the language detected per window is tallied per job (for jobs
    /// without a language); with `min_logprob`, a window decoded less confidently than that
    /// gives no text.
    fn decode_items(
        &self,
        items: &mut [Item<'_>],
        jobs: &[ChannelJob<'_>],
        results: &mut [Result<ChannelTranscript, AsrError>],
        texts: &mut [Vec<Vec<u8>>],
        mut detected: Option<&mut Vec<HashMap<String, f64>>>,
        min_logprob: Option<f32>,
    ) {
        let batch = self.cfg.batch_size.max(1);
        for chunk in items.chunks_mut(batch) {
            let r = self.decode_batch(chunk);
            release_free_heap();
            match r {
                Ok(decoded) => {
                    for (item, d) in chunk.iter().zip(decoded) {
                        if let Ok(t) = &mut results[item.job] {
                            t.audio_s_decoded += item.duration_s;
                        }
                        if let Some(detected) = detected.as_deref_mut() {
                            if jobs[item.job].language.is_none()
                                || jobs[item.job].language.map(str::trim) == Some("auto")
                            {
                                if let Some(code) = item.language.and_then(|t| self.language_of(t))
                                {
                                    *detected[item.job].entry(code).or_default() += item.duration_s;
                                }
                            }
                        }
                        if min_logprob.is_some_and(|m| d.avg_logprob < m) {
                            continue;
                        }
                        self.attribute(item.window, &d, &mut texts[item.job]);
                    }
                }
                Err(e) => {
                    for item in chunk.iter() {
                        if results[item.job].is_ok() {
                            results[item.job] = Err(AsrError::Ct2 {
                                during: "decoding a batch of windows",
                                message: e.clone(),
                            });
                        }
                    }
                }
            }
        }
    }

    /// The second pass: the segments the first pass left (nearly) without words
    /// ([`sparse_segments`]) are decoded again, each in a window of its own; a
    /// segment takes the new text when it has more words and the window decoded
    /// confidently (mean log-probability at least the fallback threshold).
    ///
    /// Why: in a packed window the decoder sometimes ends early or puts a stretch of
    /// words at the wrong time, and a whole utterance is lost. On the bench calls such
    /// bursts (10-35 words deleted in one call) were most of the WER difference between
    /// window lengths and against faster-whisper, whose windows hold one stretch of
    /// audio each (benches/README.md).
    fn second_pass(
        &self,
        jobs: &[ChannelJob<'_>],
        langs: &[Option<usize>],
        results: &mut [Result<ChannelTranscript, AsrError>],
        texts: &mut [Vec<Vec<u8>>],
    ) {
        let sparse: Vec<Vec<usize>> = jobs
            .iter()
            .enumerate()
            .map(|(j, job)| {
                if results[j].is_err() {
                    return Vec::new();
                }
                sparse_segments(job.segments, &texts[j])
            })
            .collect();
        if sparse.iter().all(Vec::is_empty) {
            return;
        }
        let plans: Vec<Vec<Window>> = jobs
            .iter()
            .zip(&sparse)
            .map(|(job, idx)| retry_windows(job.segments, idx, job.samples.len(), &self.cfg))
            .collect();
        let mut items = items_for(jobs, &plans, langs);
        tracing::debug!(
            windows = items.len(),
            segments = sparse.iter().map(Vec::len).sum::<usize>(),
            "CTranslate2 second pass over segments left without words"
        );
        let mut again: Vec<Vec<Vec<u8>>> = jobs
            .iter()
            .map(|j| vec![Vec::new(); j.segments.len()])
            .collect();
        self.decode_items(
            &mut items,
            jobs,
            results,
            &mut again,
            None,
            Some(LOGPROB_THRESHOLD),
        );
        for (j, idx) in sparse.iter().enumerate() {
            for &s in idx {
                let new = std::mem::take(&mut again[j][s]);
                if word_count(&new) > word_count(&texts[j][s]) {
                    texts[j][s] = new;
                }
            }
        }
    }

    /// Each job's windows and language token; a job whose language is unknown gets its
    /// error and no windows.
    fn plan_jobs(&self, jobs: &[ChannelJob<'_>]) -> JobPlans {
        let cfg = &self.cfg;
        let mut results: Vec<Result<ChannelTranscript, AsrError>> = Vec::new();
        let mut plans: Vec<Vec<Window>> = Vec::new();
        let mut langs: Vec<Option<usize>> = Vec::new();
        for job in jobs {
            let language = job
                .language
                .map(str::trim)
                .filter(|l| !l.is_empty() && *l != "auto");
            let lang_tok = match language {
                Some(l) => match language_code(l).and_then(|c| self.vocab.language_token(c)) {
                    Some(t) => Some(t),
                    None => {
                        results.push(Err(AsrError::UnknownLanguage(l.to_string())));
                        plans.push(Vec::new());
                        langs.push(None);
                        continue;
                    }
                },
                None => None,
            };
            let windows = packing::plan_windows_with_context(
                job.segments,
                job.samples.len(),
                SAMPLE_RATE,
                cfg.window_s,
                cfg.gap_s,
                cfg.context_s,
            );
            results.push(Ok(ChannelTranscript {
                language: language.map(str::to_string),
                pieces: Vec::new(),
                windows: windows.len(),
                audio_s_decoded: 0.0,
            }));
            plans.push(windows);
            langs.push(lang_tok);
        }

        (results, plans, langs)
    }

    /// The language code of a language token id (`<|en|>` → `en`).
    fn language_of(&self, token: usize) -> Option<String> {
        self.vocab
            .ids
            .iter()
            .find(|(_, &id)| id == token)
            .map(|(t, _)| {
                t.trim_start_matches("<|")
                    .trim_end_matches("|>")
                    .to_string()
            })
    }

    /// Mel frames for a batch whose longest window is `longest_s` seconds.
    fn frames_for(&self, longest_s: f64) -> usize {
        encoder_frames(longest_s, self.cfg.dynamic_audio_ctx)
    }

    /// Decode one batch: features, language detection where needed, greedy (or beam)
    /// decoding with timestamps, then temperature fallback for the windows that fail
    /// whisper's checks (low log-probability or repetitive text).
    fn decode_batch(&self, items: &mut [Item<'_>]) -> Result<Vec<Decoded>, String> {
        let n_mels = self.mel.n_mels;
        let longest = items.iter().map(|i| i.duration_s).fold(0.0, f64::max);
        let n_frames = self.frames_for(longest);
        let mut features = vec![0f32; items.len() * n_mels * n_frames];
        for (k, item) in items.iter().enumerate() {
            let out = &mut features[k * n_mels * n_frames..(k + 1) * n_mels * n_frames];
            self.mel.log_mel(&item.audio, n_frames, out);
        }
        // Language detection for the windows of channels without a language.
        let undetected: Vec<usize> = (0..items.len())
            .filter(|&k| items[k].language.is_none())
            .collect();
        if !undetected.is_empty() {
            let mut sub = Vec::with_capacity(undetected.len() * n_mels * n_frames);
            for &k in &undetected {
                sub.extend_from_slice(
                    &features[k * n_mels * n_frames..(k + 1) * n_mels * n_frames],
                );
            }
            let toks = self.detect(&sub, undetected.len(), n_frames)?;
            for (&k, tok) in undetected.iter().zip(toks) {
                items[k].language = self.vocab.ids.get(&tok).copied();
            }
        }
        let en = self.vocab.language_token("en");
        let prompts: Vec<[usize; 3]> = items
            .iter()
            .map(|i| {
                [
                    self.vocab.sot,
                    i.language.or(en).unwrap_or(self.vocab.sot + 1),
                    self.vocab.transcribe,
                ]
            })
            .collect();
        let encoded = self.encode(&features, items.len(), n_frames)?;
        let mut out = self.generate(Some(&encoded), &features, &prompts, n_frames, 0.0)?;
        // Temperature fallback, as whisper.cpp and faster-whisper do it.
        let mut retry: Vec<usize> = (0..out.len())
            .filter(|&k| self.needs_fallback(&out[k]))
            .collect();
        for &temp in &FALLBACK_TEMPERATURES {
            if retry.is_empty() {
                break;
            }
            tracing::debug!(
                windows = retry.len(),
                batch = out.len(),
                temperature = temp,
                "CTranslate2 temperature fallback"
            );
            let mut sub = Vec::with_capacity(retry.len() * n_mels * n_frames);
            let mut sub_prompts = Vec::with_capacity(retry.len());
            for &k in &retry {
                sub.extend_from_slice(
                    &features[k * n_mels * n_frames..(k + 1) * n_mels * n_frames],
                );
                sub_prompts.push(prompts[k]);
            }
            let again = self.generate(None, &sub, &sub_prompts, n_frames, temp)?;
            let mut still = Vec::new();
            for (&k, d) in retry.iter().zip(again) {
                let failed = self.needs_fallback(&d);
                if d.avg_logprob > out[k].avg_logprob || !failed {
                    out[k] = d;
                }
                if failed {
                    still.push(k);
                }
            }
            retry = still;
        }
        // Silence: no speech and nothing decoded confidently.
        for d in &mut out {
            if d.no_speech > NO_SPEECH_THRESHOLD && d.avg_logprob < LOGPROB_THRESHOLD {
                d.ids.clear();
            }
        }
        if self.cfg.ct2_align {
            let frames: Vec<usize> = items
                .iter()
                .map(|i| ((i.duration_s * 100.0).round() as usize).clamp(1, n_frames))
                .collect();
            self.align(&encoded, &prompts, &frames, &mut out)?;
        }
        Ok(out)
    }

    fn needs_fallback(&self, d: &Decoded) -> bool {
        if d.no_speech > NO_SPEECH_THRESHOLD && d.avg_logprob < LOGPROB_THRESHOLD {
            return false;
        }
        d.avg_logprob < LOGPROB_THRESHOLD
            || self.compression_ratio(&d.ids) > COMPRESSION_RATIO_THRESHOLD
    }

    fn compression_ratio(&self, ids: &[usize]) -> f64 {
        let text: Vec<u8> = ids
            .iter()
            .filter(|&&id| id < self.vocab.eot)
            .flat_map(|&id| self.vocab.bytes[id].iter().copied())
            .collect();
        compression_ratio(&text)
    }

    fn detect(
        &self,
        features: &[f32],
        batch: usize,
        n_frames: usize,
    ) -> Result<Vec<String>, String> {
        let mut buf = vec![0 as c_char; batch * 32];
        let mut err: *mut c_char = std::ptr::null_mut();
        // SAFETY: features holds batch × n_mels × n_frames floats, buf batch × 32 bytes.
        let rc = unsafe {
            (self.handle.api.detect_language)(
                self.handle.ptr.as_ptr(),
                features.as_ptr(),
                batch,
                self.mel.n_mels,
                n_frames,
                buf.as_mut_ptr(),
                &mut err,
            )
        };
        if rc != 0 {
            return Err(take_error(self.handle.api, err));
        }
        Ok(buf
            .chunks(32)
            .map(|c| {
                let bytes: Vec<u8> = c
                    .iter()
                    .take_while(|&&b| b != 0)
                    .map(|&b| b as u8)
                    .collect();
                String::from_utf8_lossy(&bytes).into_owned()
            })
            .collect())
    }

    /// Run the encoder on a batch of log-mel features (`batch × n_mels × n_frames`).
    fn encode(
        &self,
        features: &[f32],
        batch: usize,
        n_frames: usize,
    ) -> Result<EncodedBatch, String> {
        let mut err: *mut c_char = std::ptr::null_mut();
        // SAFETY: features holds batch × n_mels × n_frames floats.
        let raw = unsafe {
            (self.handle.api.encode)(
                self.handle.ptr.as_ptr(),
                features.as_ptr(),
                batch,
                self.mel.n_mels,
                n_frames,
                self.cfg.ct2_encoder_batch,
                &mut err,
            )
        };
        let api = self.handle.api;
        NonNull::new(raw)
            .map(|ptr| EncodedBatch { ptr, api })
            .ok_or_else(|| take_error(api, err))
    }

    /// Time the text tokens of each decoded window by CTranslate2's alignment against the
    /// batch's encoder output; `frames[k]`: mel frames of window k's audio.
    fn align(
        &self,
        encoded: &EncodedBatch,
        prompts: &[[usize; 3]],
        frames: &[usize],
        out: &mut [Decoded],
    ) -> Result<(), String> {
        let eot = self.vocab.eot;
        let texts: Vec<Vec<usize>> = out
            .iter()
            .map(|d| d.ids.iter().copied().filter(|&id| id < eot).collect())
            .collect();
        let lens: Vec<usize> = texts.iter().map(Vec::len).collect();
        let flat: Vec<usize> = texts.iter().flatten().copied().collect();
        let starts: Vec<usize> = prompts.iter().flatten().copied().collect();
        let stride = MAX_LENGTH + 1;
        let mut first: Vec<c_long> = vec![-1; out.len() * stride];
        let mut err: *mut c_char = std::ptr::null_mut();
        // SAFETY: the encoded batch has out.len() items; starts holds 3 ids per item,
        // flat the sum of lens ids, frames one count per item, first out.len() × stride.
        let rc = unsafe {
            (self.handle.api.align)(
                self.handle.ptr.as_ptr(),
                encoded.ptr.as_ptr(),
                starts.as_ptr(),
                3,
                flat.as_ptr(),
                lens.as_ptr(),
                frames.as_ptr(),
                ALIGN_MEDIAN_FILTER,
                stride,
                first.as_mut_ptr(),
                &mut err,
            )
        };
        if rc != 0 {
            return Err(take_error(self.handle.api, err));
        }
        for (k, d) in out.iter_mut().enumerate() {
            let n = lens[k];
            if n == 0 || n + 1 > stride {
                continue;
            }
            let row = &first[k * stride..k * stride + n + 1];
            if row.iter().any(|&f| f < 0) {
                continue;
            }
            // A token lasts from the frame the path reaches it to the frame it reaches
            // the next one; it is placed at the middle (encoder frames are 20 ms).
            d.token_times = Some(
                (0..n)
                    .map(|t| (row[t] + row[t + 1].max(row[t])) as f64 * 0.5 * 0.02)
                    .collect(),
            );
        }
        Ok(())
    }

    fn generate(
        &self,
        encoded: Option<&EncodedBatch>,
        features: &[f32],
        prompts: &[[usize; 3]],
        n_frames: usize,
        temperature: f32,
    ) -> Result<Vec<Decoded>, String> {
        let batch = prompts.len();
        let flat: Vec<usize> = prompts.iter().flatten().copied().collect();
        let opt = ffi::Options {
            beam_size: if temperature > 0.0 {
                1
            } else {
                self.cfg.beam_size.max(1) as usize
            },
            max_length: MAX_LENGTH,
            repetition_penalty: 1.0,
            no_repeat_ngram_size: 0,
            sampling_temperature: temperature,
            suppress_blank: 1,
            max_initial_timestamp_index: 50,
        };
        let mut ids = vec![0usize; batch * MAX_LENGTH];
        let mut lens = vec![0usize; batch];
        let mut logprob = vec![0f32; batch];
        let mut no_speech = vec![0f32; batch];
        let mut err: *mut c_char = std::ptr::null_mut();
        let encoded = encoded.map_or(std::ptr::null(), |e| e.ptr.as_ptr().cast_const());
        // SAFETY: every buffer is sized as the shim expects (batch items, MAX_LENGTH ids
        // each); features holds batch × n_mels × n_frames floats, or encoded is a live
        // encoder output of `batch` items.
        let rc = unsafe {
            (self.handle.api.generate)(
                self.handle.ptr.as_ptr(),
                encoded,
                features.as_ptr(),
                batch,
                self.mel.n_mels,
                n_frames,
                flat.as_ptr(),
                3,
                &opt,
                ids.as_mut_ptr(),
                lens.as_mut_ptr(),
                logprob.as_mut_ptr(),
                no_speech.as_mut_ptr(),
                &mut err,
            )
        };
        if rc != 0 {
            return Err(take_error(self.handle.api, err));
        }
        Ok((0..batch)
            .map(|k| Decoded {
                ids: ids[k * MAX_LENGTH..k * MAX_LENGTH + lens[k].min(MAX_LENGTH)].to_vec(),
                avg_logprob: logprob[k],
                no_speech: no_speech[k],
                token_times: None,
            })
            .collect())
    }

    /// Place the text tokens of one decoded window into the VAD segments of its parts.
    fn attribute(&self, w: &Window, d: &Decoded, texts: &mut [Vec<u8>]) {
        let v = &self.vocab;
        let sr = f64::from(SAMPLE_RATE);
        let timed = match &d.token_times {
            // Aligned: each text token at its own time.
            Some(times) => d
                .ids
                .iter()
                .copied()
                .filter(|&id| id < v.eot)
                .zip(times.iter().copied())
                .collect(),
            None => self.spread_between_timestamps(w, d),
        };
        let mut prev_part: Option<usize> = None;
        for (id, t) in timed {
            let bytes = &v.bytes[id];
            if bytes.is_empty() {
                continue;
            }
            let part = if prev_part.is_some() && crate::continues_word(bytes) {
                prev_part
            } else {
                w.part_at(t * sr).map(|p| p.segment)
            };
            if let Some(p) = part {
                if let Some(text) = texts.get_mut(p) {
                    text.extend_from_slice(bytes);
                }
                prev_part = Some(p);
            }
        }
    }

    /// Without alignment: (text token id, time in the window, s), the text tokens between
    /// two timestamp tokens spread over that stretch's speech in proportion to their bytes
    /// (espeak and people alike speak at a fairly even rate of characters). Speech time is
    /// window time without the silence inserted between parts, so that text of a Whisper
    /// segment that spans several parts is spread over their speech only.
    fn spread_between_timestamps(&self, w: &Window, d: &Decoded) -> Vec<(usize, f64)> {
        let v = &self.vocab;
        let sr = f64::from(SAMPLE_RATE);
        let window_s = w.len as f64 / sr;
        let mut parts: Vec<(f64, f64)> = w
            .parts
            .iter()
            .map(|p| (p.window_start as f64 / sr, p.window_end() as f64 / sr))
            .collect();
        parts.sort_by(|x, y| x.0.total_cmp(&y.0));
        let to_speech =
            |t: f64| -> f64 { parts.iter().map(|&(a, b)| (t.min(b) - a).max(0.0)).sum() };
        let from_speech = |s: f64| -> f64 {
            let mut left = s;
            for &(a, b) in &parts {
                if left <= b - a {
                    return a + left.max(0.0);
                }
                left -= b - a;
            }
            parts.last().map_or(s, |&(_, b)| b)
        };
        let mut timed: Vec<(usize, f64)> = Vec::new();
        let mut pending: Vec<usize> = Vec::new();
        let mut start = 0.0f64;
        let flush = |pending: &mut Vec<usize>, a: f64, b: f64, timed: &mut Vec<(usize, f64)>| {
            let (sa, sb) = (to_speech(a), to_speech(b.max(a)));
            let total: usize = pending.iter().map(|&id| v.bytes[id].len().max(1)).sum();
            let mut done = 0usize;
            for &id in pending.iter() {
                let n = v.bytes[id].len().max(1);
                let f = (done as f64 + n as f64 / 2.0) / total.max(1) as f64;
                timed.push((id, from_speech(sa + (sb - sa) * f)));
                done += n;
            }
            pending.clear();
        };
        for &id in &d.ids {
            if id >= v.timestamp_begin {
                let t = (id - v.timestamp_begin) as f64 * 0.02;
                if !pending.is_empty() {
                    flush(&mut pending, start, t, &mut timed);
                }
                start = t;
            } else if id < v.eot {
                pending.push(id);
            }
        }
        if !pending.is_empty() {
            flush(&mut pending, start, window_s, &mut timed);
        }
        timed
    }
}

/// Whisper's repetition check, the ratio of the text's length to its zlib-compressed
/// length, approximated without zlib: the text's length over that of its LZ77 parse
/// (greedy longest earlier match of at least 4 bytes within 4 KiB, one unit per literal
/// byte and three per match), which is high on repeated phrases as zlib's ratio is.
/// Texts under 32 bytes count as 1.
fn compression_ratio(text: &[u8]) -> f64 {
    if text.len() < 32 {
        return 1.0;
    }
    let mut units = 0usize;
    let mut i = 0;
    while i < text.len() {
        let mut best = 0;
        for s in i.saturating_sub(4096)..i {
            let mut l = 0;
            while i + l < text.len() && text[s + l] == text[i + l] && l < 258 {
                l += 1;
            }
            best = best.max(l);
        }
        if best >= 4 {
            units += 3;
            i += best;
        } else {
            units += 1;
            i += 1;
        }
    }
    text.len() as f64 / units.max(1) as f64
}

/// The default CTranslate2 model directory: `ct2-whisper-base` among the models
/// (`scripts/setup.sh` fetches it).
pub fn default_model_dir() -> PathBuf {
    callqa_core::paths::model_file("ct2-whisper-base")
}

/// Free heap that glibc may keep after a batch before [`release_free_heap`] hands it back.
const KEEP_FREE_HEAP: usize = 64 << 20;

/// Hand the heap memory freed by a batch back to the system when glibc keeps more than
/// [`KEEP_FREE_HEAP`] of it. CTranslate2 allocates each batch's buffers anew (the
/// encoder's attention alone is batch × heads × frames² floats), and glibc's per-thread
/// arenas keep what was freed for reuse; with two replicas whose batches differ in
/// length, the free memory they hold fragments and the resident set grew with the
/// number of calls (800 → 1300 MiB over 200 calls). `malloc_trim` returns the free
/// pages of every arena; skipping it while little is free saves the page faults of
/// touching those pages again.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_free_heap() {
    // SAFETY: both are plain glibc calls with no preconditions; mallinfo2 (glibc >= 2.33)
    // only reads the allocator's statistics.
    let free = unsafe { libc::mallinfo2() }.fordblks;
    if free >= KEEP_FREE_HEAP {
        // SAFETY: as above.
        unsafe { libc::malloc_trim(0) };
        tracing::debug!(
            free_mib = free >> 20,
            "returned the free heap to the system"
        );
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_free_heap() {}

/// The windows of `plans` (one list per job) as decode items, longest first (windows of
/// similar length then share a batch, and its padding); `langs[j]` is job j's language
/// token (`None`: detected per window).
fn items_for<'w>(
    jobs: &[ChannelJob<'_>],
    plans: &'w [Vec<Window>],
    langs: &[Option<usize>],
) -> Vec<Item<'w>> {
    let mut items: Vec<Item<'w>> = Vec::new();
    for (j, windows) in plans.iter().enumerate() {
        let language = langs[j];
        for w in windows {
            items.push(Item {
                job: j,
                window: w,
                audio: w.audio(jobs[j].samples),
                duration_s: w.duration_s(SAMPLE_RATE),
                language,
            });
        }
    }
    items.sort_by(|a, b| b.duration_s.total_cmp(&a.duration_s));
    items
}

/// Whitespace-separated words of a segment's text bytes.
fn word_count(text: &[u8]) -> usize {
    String::from_utf8_lossy(text).split_whitespace().count()
}

/// Indices of the segments at least [`SPARSE_MIN_S`] long whose text (`texts`, one per
/// segment) has fewer than [`SPARSE_WORDS_PER_S`] words per second of the segment.
fn sparse_segments(segments: &[SpeechSegment], texts: &[Vec<u8>]) -> Vec<usize> {
    segments
        .iter()
        .zip(texts)
        .enumerate()
        .filter(|(_, (seg, text))| {
            let d = seg.duration_s();
            d >= SPARSE_MIN_S && (word_count(text) as f64) < d * SPARSE_WORDS_PER_S
        })
        .map(|(i, _)| i)
        .collect()
}

/// One window for each of the segments `idx` of `segments` (the `[asr]` packing of that
/// segment alone: split if longer than `window_s`, with its context), the parts pointing
/// at the segment's index in `segments`. Alone, because a packed window is where the
/// decoder skipped it: with several segments of the same words in one window (a customer
/// repeating a sentence), Whisper writes the words once.
fn retry_windows(
    segments: &[SpeechSegment],
    idx: &[usize],
    n_samples: usize,
    cfg: &AsrConfig,
) -> Vec<Window> {
    let mut windows = Vec::new();
    for &i in idx {
        let alone = packing::plan_windows_with_context(
            std::slice::from_ref(&segments[i]),
            n_samples,
            SAMPLE_RATE,
            cfg.window_s,
            cfg.gap_s,
            cfg.context_s,
        );
        for mut w in alone {
            for part in &mut w.parts {
                part.segment = i;
            }
            windows.push(w);
        }
    }
    windows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_left_without_words_are_decoded_again_alone() {
        let seg = |a: f64, b: f64| SpeechSegment {
            start_s: a,
            end_s: b,
        };
        let segments = [
            seg(0.0, 3.0),   // 6 words: kept
            seg(4.0, 7.6),   // 1 word in 3.6 s: sparse
            seg(8.0, 8.8),   // nothing, but shorter than SPARSE_MIN_S: kept
            seg(10.0, 12.0), // nothing: sparse
            seg(13.0, 15.0), // 1 word in 2 s: 0.5 words/s is enough
        ];
        let texts: Vec<Vec<u8>> = [" good morning how can i help", " We", "", "", " Thanks"]
            .iter()
            .map(|t| t.as_bytes().to_vec())
            .collect();
        let idx = sparse_segments(&segments, &texts);
        assert_eq!(idx, vec![1, 3]);

        let cfg = AsrConfig::default();
        let n = 16 * SAMPLE_RATE as usize;
        let windows = retry_windows(&segments, &idx, n, &cfg);
        assert_eq!(windows.len(), 2, "one window each");
        let parts: Vec<&packing::WindowPart> = windows.iter().flat_map(|w| &w.parts).collect();
        assert_eq!(
            parts.iter().map(|p| p.segment).collect::<Vec<_>>(),
            vec![1, 3],
            "parts point at the segments' own indices"
        );
        // The audio is each segment's own (context aside), not its neighbours'.
        let sr = f64::from(SAMPLE_RATE);
        for p in parts {
            let s = &segments[p.segment];
            let ctx = cfg.context_s * sr + 1.0;
            assert!((p.channel_start as f64 - s.start_s * sr).abs() <= ctx);
            assert!((p.channel_end as f64 - s.end_s * sr).abs() <= ctx);
        }
        assert!(retry_windows(&segments, &[], n, &cfg).is_empty());
        assert_eq!(word_count(b" a  b\tc "), 3);
    }

    #[test]
    fn encoder_input_covers_the_window_in_a_bounded_set_of_shapes() {
        let mut shapes = std::collections::BTreeSet::new();
        for ms in (0..=31_000).step_by(20) {
            let s = f64::from(ms) / 1000.0;
            let frames = encoder_frames(s, true);
            let exact = 2 * audio_ctx_for(s);
            assert!(
                frames >= exact.min(FULL_FRAMES),
                "{s} s: {frames} < {exact}"
            );
            assert!(
                frames < exact + 2 * CTX_STEP,
                "{s} s: {frames} pads too much"
            );
            assert!(
                frames.is_multiple_of(2 * CTX_STEP) || frames == FULL_FRAMES,
                "{s} s"
            );
            shapes.insert(frames);
        }
        // 1551 lengths in 20 ms steps, 58 shapes (without rounding: 1437).
        assert_eq!(shapes.len(), 58);
        assert_eq!(encoder_frames(3.0, false), FULL_FRAMES);
    }

    #[test]
    fn byte_decoder_inverts_gpt2_map() {
        let d = byte_decoder();
        assert_eq!(d.len(), 256);
        assert_eq!(d[&'Ġ'], b' ');
        assert_eq!(d[&'a'], b'a');
        assert_eq!(d[&'Ċ'], b'\n');
    }

    #[test]
    fn mel_filters_match_librosa_shape() {
        let m = MelFrontEnd::new(80);
        let n_bins = N_FFT / 2 + 1;
        // Every band has weight; the first band peaks at the third FFT bin (mel 1 of 82
        // points between 0 and 8 kHz ≈ 40 Hz... its triangle spans 0–80 Hz).
        for b in 0..80 {
            assert!(m.filters[b * n_bins..(b + 1) * n_bins]
                .iter()
                .any(|&w| w > 0.0));
        }
        // Silence is 8 below the maximum everywhere after scaling: (-10 + 4) / 4 = -1.5
        // when the whole input is silent (max = floor).
        let mut out = vec![0f32; 80 * 10];
        m.log_mel(&[0.0; 1600], 10, &mut out);
        assert!(
            out.iter().all(|&v| (v + 1.5).abs() < 1e-6),
            "{:?}",
            &out[..4]
        );
    }

    #[test]
    fn repeated_text_compresses() {
        let rep = b"press press press press press press press press press press ";
        let prose = b"I would like to change the delivery address for my order, please.";
        assert!(
            compression_ratio(rep) > COMPRESSION_RATIO_THRESHOLD,
            "{}",
            compression_ratio(rep)
        );
        assert!(
            compression_ratio(prose) < COMPRESSION_RATIO_THRESHOLD,
            "{}",
            compression_ratio(prose)
        );
        assert_eq!(compression_ratio(b"short"), 1.0);
    }
}
