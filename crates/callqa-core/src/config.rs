//! The pipeline file (`pipelines/*.toml`): models, thresholds, channel map and the rule
//! pack, as data. Stage crates read their own section; `[rules]` is kept as a raw TOML
//! table and compiled by `callqa-rules`, so adding a rule kind never touches this crate.

use crate::types::{ChannelLayout, Speaker};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A whole pipeline file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// Name and version, written to every output row.
    pub pipeline: PipelineInfo,
    /// Channel-to-speaker map.
    #[serde(default)]
    pub channels: ChannelMap,
    /// Limits on one input (recording length, channels, transcript size).
    #[serde(default)]
    pub input: InputConfig,
    /// Voice-activity detection.
    #[serde(default)]
    pub vad: VadConfig,
    /// Speech recognition.
    #[serde(default)]
    pub asr: AsrConfig,
    /// Pauses and interruptions.
    #[serde(default)]
    pub timing: TimingConfig,
    /// Emotion, arousal and intonation ("smile monitoring").
    #[serde(default)]
    pub acoustic: AcousticConfig,
    /// Who speaks when on a mono recording, and which speaker is the operator.
    #[serde(default)]
    pub diarization: DiarizationConfig,
    /// `callqa score`: score weights, driver statistics and review-queue thresholds.
    #[serde(default)]
    pub scores: ScoresConfig,
    /// `callqa score --calls-meta`: Service Level thresholds and targets per channel.
    #[serde(default)]
    pub service_level: ServiceLevelConfig,
    /// Personal data taken out of utterances before rules run and anything is written.
    #[serde(default)]
    pub redaction: RedactionConfig,
    /// The rule pack (script elements), compiled by `callqa-rules`.
    #[serde(default)]
    pub rules: toml::Table,
}

/// `[redaction]`: which kinds of personal data `callqa_rules::Redactor` replaces with a
/// placeholder (`[PHONE]`, …) in every utterance before rules, rows, dumps and reports see
/// it. Everything is on by default; a kind set to `false` stays in the text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedactionConfig {
    /// `false` switches redaction off altogether (`calls.pii_redactions` is then null).
    pub enabled: bool,
    /// Phone numbers.
    pub phone: bool,
    /// Payment card numbers (13-19 digits, Luhn-valid or announced as a card).
    pub card: bool,
    /// E-mail addresses, also spoken ("jane dot miller at gmail dot com").
    pub email: bool,
    /// Russian passport series and number (after "паспорт" / "серия").
    pub passport: bool,
    /// SNILS (after "СНИЛС").
    pub snils: bool,
    /// INN (after "ИНН").
    pub inn: bool,
}

impl Default for RedactionConfig {
    fn default() -> Self {
        RedactionConfig {
            enabled: true,
            phone: true,
            card: true,
            email: true,
            passport: true,
            snils: true,
            inn: true,
        }
    }
}

/// `[pipeline]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineInfo {
    /// Pipeline name, e.g. `ru-contact-center`.
    pub name: String,
    /// Version of the rule pack; bump it when rules change so BI can compare like with like.
    pub version: String,
    /// Default language code for ASR (`ru`, `en`, … or `auto`).
    #[serde(default = "default_language")]
    pub language: String,
}

fn default_language() -> String {
    "auto".into()
}

/// `[channels]`: how stereo files map to speakers.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelMap {
    /// Layout of two-channel files (`operator_left` or `customer_left`).
    #[serde(default = "default_stereo")]
    pub stereo: ChannelLayout,
}

fn default_stereo() -> ChannelLayout {
    ChannelLayout::OperatorLeft
}

impl Default for ChannelMap {
    fn default() -> Self {
        ChannelMap {
            stereo: default_stereo(),
        }
    }
}

impl ChannelLayout {
    /// Speakers of the channels, in channel order.
    pub fn speakers(self) -> &'static [Speaker] {
        match self {
            ChannelLayout::Mono => &[Speaker::Mixed],
            ChannelLayout::OperatorLeft => &[Speaker::Operator, Speaker::Customer],
            ChannelLayout::CustomerLeft => &[Speaker::Customer, Speaker::Operator],
        }
    }
}

/// `[input]`: limits on what one input may be, checked from its header (or file size)
/// before it is decoded or parsed, so one hostile file costs an error row, never the
/// batch's memory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct InputConfig {
    /// Longest recording accepted, seconds, whether its header declares it or decoding
    /// meets it; longer ones are error rows `too_long`. Two channels of the default
    /// (2 hours) are 0.9 GB at 16 kHz.
    pub max_duration_s: f64,
    /// For recordings with more than two channels: the two channels (0-based) that carry
    /// the parties, in the order of `[channels] stereo`; the others are dropped while
    /// decoding. Unset, such files are error rows `bad_channels`.
    pub pick_channels: Option<[usize; 2]>,
    /// Largest transcript JSON file `callqa analyze` reads, bytes; larger ones are error
    /// rows `too_large` (parsing costs about 25 times the file size).
    pub max_transcript_bytes: u64,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            max_duration_s: 2.0 * 3600.0,
            pick_channels: None,
            max_transcript_bytes: 8 << 20,
        }
    }
}

impl InputConfig {
    /// Check the values.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.max_duration_s.is_finite() && self.max_duration_s > 0.0) {
            return Err(format!(
                "[input] max_duration_s must be a number of seconds > 0, got {}",
                self.max_duration_s
            ));
        }
        if let Some([a, b]) = self.pick_channels {
            if a == b {
                return Err(format!(
                    "[input] pick_channels must name two different channels, got [{a}, {b}]"
                ));
            }
        }
        if self.max_transcript_bytes == 0 {
            return Err("[input] max_transcript_bytes must be > 0".into());
        }
        Ok(())
    }
}

/// `[vad]`: Silero VAD post-processing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VadConfig {
    /// Speech probability at or above which a frame is speech.
    pub threshold: f32,
    /// Speech shorter than this is dropped, seconds.
    pub min_speech_s: f64,
    /// Silence shorter than this inside speech does not split a segment, seconds.
    pub min_silence_s: f64,
    /// Padding added to both ends of a segment, seconds.
    pub pad_s: f64,
}

impl Default for VadConfig {
    fn default() -> Self {
        VadConfig {
            threshold: 0.5,
            min_speech_s: 0.25,
            min_silence_s: 0.5,
            pad_s: 0.1,
        }
    }
}

/// `[asr]`: Whisper decoding.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AsrConfig {
    /// Speech segments of a channel are packed into windows of at most this many seconds.
    pub window_s: f64,
    /// Silence inserted between packed segments, seconds.
    pub gap_s: f64,
    /// Audio around each speech segment that Whisper hears too, seconds on each side (at
    /// most halfway to the neighbouring segment); utterance bounds stay the VAD's. On the
    /// bench calls 0.1 s took WER from 19.6 to 18.7 % and found thanks, farewell and the
    /// survey offer on more calls: the VAD often clips a call's last word.
    pub context_s: f64,
    /// Size the encoder context to the window (`true`) or always use the full 30 s.
    pub dynamic_audio_ctx: bool,
    /// Beam size; 1 = greedy.
    pub beam_size: u32,
    /// Time each word by dynamic time warping over the cross-attention of the alignment
    /// heads (`true`: ~11 % slower), or by whisper.cpp's timestamp-token heuristic
    /// (`false`, the default: with each window decoded in one pass it attributed words to
    /// their utterance as well as DTW on the bench calls, see benches/README.md).
    pub dtw: bool,
    /// The ASR engine: `"auto"` (the default: CTranslate2 where its plug-in and model
    /// are installed and the build is not a GPU build, else whisper.cpp), `"whisper-cpp"`
    /// (whisper.cpp through whisper-rs; CPU and CUDA builds) or `"ct2"` (CTranslate2, CPU).
    /// `callqa run --engine` overrides it.
    pub engine: AsrEngineChoice,
    /// Engine `ct2`: windows decoded together in one batch (across channels and calls).
    pub batch_size: usize,
    /// Engine `ct2`: CTranslate2 compute type of the weights (`int8`, `int8_float32`,
    /// `float32`, ...), quantised on load from the model directory.
    pub ct2_compute_type: String,
    /// Engine `ct2`: time each word by CTranslate2's alignment (dynamic time warping over
    /// the cross-attention of the alignment heads, one extra decoder pass per window over
    /// its text, as faster-whisper's `word_timestamps`), `true`, the default; or spread the
    /// text between two timestamp tokens evenly over their speech, `false`.
    pub ct2_align: bool,
    /// Engine `ct2`: windows per encoder pass (`0`: the whole batch in one pass). The
    /// encoder's self-attention holds a `windows × heads × T × T` matrix of floats (145 MB
    /// for 4 windows of 20 s), so passes of 2 bound the peak memory; the decoder still
    /// decodes the whole batch at once.
    pub ct2_encoder_batch: usize,
}

/// The engine a pipeline file or `--engine` asks for (`[asr] engine`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AsrEngineChoice {
    /// CTranslate2 where it can run (its plug-in and model installed, not a GPU build),
    /// else whisper.cpp; the run's log says which and why.
    #[default]
    #[serde(rename = "auto")]
    Auto,
    /// Always whisper.cpp.
    #[serde(rename = "whisper-cpp")]
    WhisperCpp,
    /// Always CTranslate2 (an error where it cannot run).
    #[serde(rename = "ct2")]
    Ct2,
}

impl AsrEngineChoice {
    /// Parse `auto`, `whisper-cpp` or `ct2`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(AsrEngineChoice::Auto),
            other => AsrEngineKind::parse(other).map(|k| match k {
                AsrEngineKind::WhisperCpp => AsrEngineChoice::WhisperCpp,
                AsrEngineKind::Ct2 => AsrEngineChoice::Ct2,
            }),
        }
    }
}

/// The engine that runs Whisper in a run (an [`AsrEngineChoice`] resolved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AsrEngineKind {
    /// whisper.cpp through whisper-rs (the only engine of CUDA builds).
    #[serde(rename = "whisper-cpp")]
    WhisperCpp,
    /// CTranslate2, batched across channels, for CPU nodes.
    #[serde(rename = "ct2")]
    Ct2,
}

impl AsrEngineKind {
    /// The name used in pipeline files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            AsrEngineKind::WhisperCpp => "whisper-cpp",
            AsrEngineKind::Ct2 => "ct2",
        }
    }

    /// Parse `whisper-cpp` or `ct2`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "whisper-cpp" | "whisper.cpp" | "whispercpp" => Some(AsrEngineKind::WhisperCpp),
            "ct2" | "ctranslate2" => Some(AsrEngineKind::Ct2),
            _ => None,
        }
    }
}

impl Default for AsrConfig {
    fn default() -> Self {
        AsrConfig {
            window_s: 20.0,
            gap_s: 0.3,
            context_s: 0.1,
            dynamic_audio_ctx: true,
            beam_size: 1,
            dtw: false,
            engine: AsrEngineChoice::Auto,
            batch_size: 4,
            ct2_compute_type: "int8".to_string(),
            ct2_align: true,
            ct2_encoder_batch: 2,
        }
    }
}

/// `[timing]`: pauses and interruptions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TimingConfig {
    /// A gap where nobody talks at least this long is a long pause, seconds.
    pub pause_threshold_s: f64,
    /// An overlap at least this long is an interruption, seconds.
    pub interruption_min_overlap_s: f64,
    /// Utterances shorter than this are backchannels and never interrupt, seconds.
    pub backchannel_max_s: f64,
}

impl Default for TimingConfig {
    fn default() -> Self {
        TimingConfig {
            pause_threshold_s: 5.0,
            interruption_min_overlap_s: 1.0,
            backchannel_max_s: 1.0,
        }
    }
}

/// `[acoustic]`: emotion / arousal classifiers on windows of each channel's speech, and
/// the per-call scores built from them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AcousticConfig {
    /// Run the acoustic stage (`false` leaves every acoustic column null).
    pub enabled: bool,
    /// Emotion model spec (JSON); relative paths are resolved against the pipeline
    /// file's folder. Default: the shipped `models/emotion.json`.
    pub emotion_model: Option<PathBuf>,
    /// Arousal model spec (JSON), resolved like `emotion_model`. Default: the shipped
    /// `models/arousal.json`.
    pub arousal_model: Option<PathBuf>,
    /// Window length, seconds. Speech regions shorter than this are one window.
    pub window_s: f64,
    /// Hop between windows of one speech region, seconds.
    pub hop_s: f64,
    /// Speech regions (and region tails) shorter than this are not scored, seconds.
    pub min_window_s: f64,
    /// Worker threads for feature extraction (windows of a call run in parallel).
    pub threads: usize,
    /// ONNX Runtime intra-op threads per model.
    pub ort_threads: usize,
    /// Windows per model call.
    pub batch_size: usize,
    /// Emotion labels that count as friendly / positive affect (`operator_smile_index`).
    pub positive_labels: Vec<String>,
    /// Emotion labels that count as negative affect (`operator_negative_share`).
    pub negative_labels: Vec<String>,
    /// Emotion label of anger (`customer_anger_share`).
    pub anger_label: String,
    /// Arousal label of high arousal.
    pub high_arousal_label: String,
    /// A window whose high-arousal probability is at least this is "agitated".
    pub high_arousal_threshold: f64,
    /// After an agitated customer window, the operator's windows starting within this many
    /// seconds are the operator's response (`calm_under_pressure`, `mirroring`).
    pub response_s: f64,
    /// Cold-start calibration: score an operator without a stored baseline against their
    /// windows in this batch (deferred scoring), instead of the population statistics.
    pub batch_calibration: bool,
    /// An operator's batch statistics are final, and their held calls scored, once they
    /// hold this many windows.
    pub batch_freeze_windows: u64,
    /// Most windows held for deferred scoring across all operators (memory bound, about
    /// 1 KB each); beyond it the operator holding most is scored early.
    pub max_pending_windows: usize,
    /// A customer channel with at least this many windows is z-scored by its own windows
    /// (`call`); 0 keeps every customer on the population statistics.
    pub customer_call_min_windows: u64,
}

impl Default for AcousticConfig {
    fn default() -> Self {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
        AcousticConfig {
            enabled: true,
            emotion_model: None,
            arousal_model: None,
            window_s: 3.0,
            hop_s: 1.5,
            min_window_s: 0.5,
            threads: 1,
            ort_threads: 1,
            batch_size: 32,
            positive_labels: s(&["happiness"]),
            negative_labels: s(&["anger", "disgust", "fear", "sadness", "boredom"]),
            anger_label: "anger".into(),
            high_arousal_label: "high".into(),
            high_arousal_threshold: 0.5,
            response_s: 5.0,
            batch_calibration: true,
            batch_freeze_windows: 200,
            max_pending_windows: 20_000,
            customer_call_min_windows: 0,
        }
    }
}

impl AcousticConfig {
    /// Check values a run cannot work with; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.window_s > 0.0 && self.window_s.is_finite()) {
            return Err(format!(
                "[acoustic] window_s must be > 0, got {}",
                self.window_s
            ));
        }
        if !(self.hop_s > 0.0 && self.hop_s <= self.window_s) {
            return Err(format!(
                "[acoustic] hop_s must be > 0 and <= window_s, got {}",
                self.hop_s
            ));
        }
        if !(0.05..=self.window_s).contains(&self.min_window_s) {
            return Err(format!(
                "[acoustic] min_window_s must be in 0.05..=window_s, got {}",
                self.min_window_s
            ));
        }
        if !(0.0..=1.0).contains(&self.high_arousal_threshold) {
            return Err(format!(
                "[acoustic] high_arousal_threshold must be in 0..=1, got {}",
                self.high_arousal_threshold
            ));
        }
        if self.response_s.is_nan() || self.response_s <= 0.0 {
            return Err(format!(
                "[acoustic] response_s must be > 0, got {}",
                self.response_s
            ));
        }
        if self.batch_freeze_windows == 0 || self.max_pending_windows == 0 {
            return Err(
                "[acoustic] batch_freeze_windows and max_pending_windows must be >= 1".into(),
            );
        }
        if self.threads == 0 || self.ort_threads == 0 || self.batch_size == 0 {
            return Err("[acoustic] threads, ort_threads and batch_size must be >= 1".into());
        }
        Ok(())
    }
}

/// `[diarization]`: mono recordings (and channels marked `mixed`) are split into
/// speakers between VAD and ASR (`callqa-diarize`), and after ASR each speaker is given
/// the role of operator or customer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiarizationConfig {
    /// Diarize mono calls (`false`: they stay one `mixed` channel, as before).
    pub enabled: bool,
    /// Speaker encoder (ONNX); relative paths are resolved against the pipeline file's
    /// folder. Default: `<models>/resemblyzer_ge2e.onnx` from `scripts/setup.sh`.
    pub model: Option<PathBuf>,
    /// At most this many speakers per call (2: operator and customer; more for
    /// transfers and conferences).
    pub max_speakers: usize,
    /// Length of the speech windows that are embedded, seconds.
    pub window_s: f64,
    /// Hop between windows, seconds (every speech stretch).
    pub hop_s: f64,
    /// Hop between windows where a speech stretch changes speaker, seconds.
    pub fine_hop_s: f64,
    /// A quieter stretch at least this long inside a VAD segment splits it, seconds.
    pub min_pause_s: f64,
    /// Two voice clusters more similar than this (cosine similarity of their cores) are
    /// one speaker (voicemail, IVR).
    pub same_voice_similarity: f64,
    /// Detect overlapped speech: where both voices are heard, both speakers talk.
    pub overlap: bool,
    /// How a speaker becomes the operator: `auto` (script phrases, the operator's stored
    /// voice, who speaks first), `words`, `voice`, `first_speaker_operator`,
    /// `first_speaker_customer`.
    pub roles: RoleRule,
    /// ONNX Runtime intra-op threads of the speaker encoder.
    pub ort_threads: usize,
}

/// `[diarization] roles`: how the operator is found among the speakers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleRule {
    /// Script phrases of the rule pack, the operator's voiceprint when the call names the
    /// operator, and (weakly) who speaks first.
    Auto,
    /// Script phrases only (first speaker on a tie).
    Words,
    /// The operator's voiceprint only (first speaker without one).
    Voice,
    /// The first speaker is the operator (inbound centres).
    FirstSpeakerOperator,
    /// The first speaker is the customer (outbound centres: the customer answers).
    FirstSpeakerCustomer,
}

impl Default for DiarizationConfig {
    fn default() -> Self {
        DiarizationConfig {
            enabled: true,
            model: None,
            max_speakers: 2,
            window_s: 1.0,
            hop_s: 0.5,
            fine_hop_s: 0.1,
            min_pause_s: 0.15,
            same_voice_similarity: 0.78,
            overlap: true,
            roles: RoleRule::Auto,
            ort_threads: 1,
        }
    }
}

impl DiarizationConfig {
    /// Check values a run cannot work with; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=8).contains(&self.max_speakers) {
            return Err(format!(
                "[diarization] max_speakers must be in 1..=8, got {}",
                self.max_speakers
            ));
        }
        if !(0.3..=5.0).contains(&self.window_s) {
            return Err(format!(
                "[diarization] window_s must be in 0.3..=5, got {}",
                self.window_s
            ));
        }
        for (k, v) in [("hop_s", self.hop_s), ("fine_hop_s", self.fine_hop_s)] {
            if !(v >= 0.02 && v <= self.window_s) {
                return Err(format!(
                    "[diarization] {k} must be in 0.02..=window_s, got {v}"
                ));
            }
        }
        if !(0.03..=2.0).contains(&self.min_pause_s) {
            return Err(format!(
                "[diarization] min_pause_s must be in 0.03..=2, got {}",
                self.min_pause_s
            ));
        }
        if !(-1.0..=1.0).contains(&self.same_voice_similarity) {
            return Err(format!(
                "[diarization] same_voice_similarity must be in -1..=1, got {}",
                self.same_voice_similarity
            ));
        }
        if self.ort_threads == 0 {
            return Err("[diarization] ort_threads must be >= 1".into());
        }
        Ok(())
    }
}

/// `[scores]`: how `callqa score` turns call features and ratings into scores, driver
/// statistics and the review queue.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoresConfig {
    /// Weights of the standard's elements in `process_score` (`[scores.process_weights]`).
    pub process_weights: ProcessWeights,
    /// Weights of the acoustic components of `smile_score` (`[scores.smile_weights]`).
    pub smile_weights: SmileWeights,
    /// Weight of `smile_score` in `smile_speech_score` (the rest is `speech_score`), 0–1.
    pub smile_share: f64,
    /// Wild cluster bootstrap draws for the drivers' p-values and intervals.
    pub bootstrap_samples: usize,
    /// Seed of the bootstrap (fixed: the same input gives the same intervals).
    pub seed: u64,
    /// Significance level of a driver (Holm-adjusted p-value and 1 − confidence level).
    pub alpha: f64,
    /// Fewer operators with rated calls than this: drivers are `too_few_data` (operators'
    /// own rating levels cannot be told apart from the elements).
    pub min_operators: usize,
    /// With at least this many operators the drivers' p-values and intervals come from
    /// the wild cluster bootstrap; with fewer (but `min_operators` or more), from the CR2
    /// t test with Bell–McCaffrey degrees of freedom: with few operators the bootstrap's
    /// p-values are too coarse to pass Holm's adjustment (docs/SCHEMA.md, "drivers").
    pub bootstrap_min_operators: usize,
    /// A driver whose whole interval lies within ± this many points of the 0–10 rating
    /// has `no_effect` (an element: recommendation `drop`).
    pub equivalence_margin: f64,
    /// An unrated call with at least this probability of a detractor's rating counts in
    /// `predicted_detractors` and is a review-queue reason.
    pub review_detractor_probability: f64,
    /// IANA time zone of the contact centre (`Europe/Moscow`): days, Service Level
    /// intervals, and timestamps in the CSVs written without an offset.
    pub time_zone: String,
    /// Fewer rated calls than this: drivers are `too_few_data`, no rating is predicted.
    pub min_rated_calls: usize,
    /// A yes/no element needs at least this many rated calls on each side (a count or a
    /// measure: this many with a non-zero / above-median value), else `too_few_data`.
    pub min_group_calls: usize,
    /// Review queue: a call enters with at least this priority (sum of its reasons' weights).
    pub review_min_priority: f64,
    /// Review queue: at most this many calls per day.
    pub review_max_per_day: usize,
    /// Review queue: customer anger share (0–1) from which anger is a reason.
    pub review_anger_share: f64,
    /// Review queue: `process_score` below this is a reason.
    pub review_process_below: f64,
}

impl Default for ScoresConfig {
    fn default() -> Self {
        ScoresConfig {
            process_weights: ProcessWeights::default(),
            smile_weights: SmileWeights::default(),
            smile_share: 0.5,
            bootstrap_samples: 1000,
            seed: 42,
            alpha: 0.05,
            min_operators: 5,
            bootstrap_min_operators: 12,
            equivalence_margin: 0.3,
            review_detractor_probability: 0.5,
            time_zone: "UTC".into(),
            min_rated_calls: 30,
            min_group_calls: 10,
            review_min_priority: 2.0,
            review_max_per_day: 20,
            review_anger_share: 0.3,
            review_process_below: 60.0,
        }
    }
}

/// `[scores.process_weights]`: weight of each element of the service standard in
/// `process_score` (any non-negative numbers; they are normalised over the elements
/// that apply to a call).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProcessWeights {
    /// The operator greets.
    pub greeting: f64,
    /// The operator introduces themselves / the company.
    pub self_introduction: f64,
    /// No operator interruptions.
    pub no_interruptions: f64,
    /// No long pauses.
    pub no_long_pauses: f64,
    /// Share of answered customer questions answered concretely.
    pub concrete_answers: f64,
    /// The operator thanks the customer.
    pub thanks: f64,
    /// The operator offers the survey.
    pub survey_offer: f64,
    /// The operator says goodbye.
    pub farewell: f64,
}

impl Default for ProcessWeights {
    fn default() -> Self {
        ProcessWeights {
            greeting: 15.0,
            self_introduction: 15.0,
            no_interruptions: 20.0,
            no_long_pauses: 10.0,
            concrete_answers: 20.0,
            thanks: 10.0,
            survey_offer: 10.0,
            farewell: 0.0,
        }
    }
}

/// `[scores.smile_weights]`: weights of the acoustic components of `smile_score`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmileWeights {
    /// `operator_smile_index` / 100.
    pub smile_index: f64,
    /// 1 − `operator_negative_share`.
    pub no_negative: f64,
    /// `calm_under_pressure`.
    pub calm_under_pressure: f64,
    /// 1 − max(`mirroring`, 0).
    pub no_mirroring: f64,
}

impl Default for SmileWeights {
    fn default() -> Self {
        SmileWeights {
            smile_index: 0.4,
            no_negative: 0.3,
            calm_under_pressure: 0.2,
            no_mirroring: 0.1,
        }
    }
}

impl ScoresConfig {
    /// Check values `callqa score` cannot work with; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        let pw = &self.process_weights;
        let sw = &self.smile_weights;
        let weights = [
            ("process_weights.greeting", pw.greeting),
            ("process_weights.self_introduction", pw.self_introduction),
            ("process_weights.no_interruptions", pw.no_interruptions),
            ("process_weights.no_long_pauses", pw.no_long_pauses),
            ("process_weights.concrete_answers", pw.concrete_answers),
            ("process_weights.thanks", pw.thanks),
            ("process_weights.survey_offer", pw.survey_offer),
            ("process_weights.farewell", pw.farewell),
            ("smile_weights.smile_index", sw.smile_index),
            ("smile_weights.no_negative", sw.no_negative),
            ("smile_weights.calm_under_pressure", sw.calm_under_pressure),
            ("smile_weights.no_mirroring", sw.no_mirroring),
        ];
        for (k, v) in weights {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(format!("[scores] {k} must be a number >= 0, got {v}"));
            }
        }
        if !(0.0..=1.0).contains(&self.smile_share) {
            return Err(format!(
                "[scores] smile_share must be in 0..=1, got {}",
                self.smile_share
            ));
        }
        if !(self.alpha > 0.0 && self.alpha < 0.5) {
            return Err(format!(
                "[scores] alpha must be in (0, 0.5), got {}",
                self.alpha
            ));
        }
        if self.bootstrap_samples < 100 {
            return Err(format!(
                "[scores] bootstrap_samples must be >= 100, got {}",
                self.bootstrap_samples
            ));
        }
        if self.min_operators < 3 {
            return Err(format!(
                "[scores] min_operators must be >= 3 (clustered errors need operators), got {}",
                self.min_operators
            ));
        }
        if !(self.equivalence_margin > 0.0 && self.equivalence_margin.is_finite()) {
            return Err(format!(
                "[scores] equivalence_margin must be > 0, got {}",
                self.equivalence_margin
            ));
        }
        if !(self.review_detractor_probability > 0.0 && self.review_detractor_probability <= 1.0) {
            return Err(format!(
                "[scores] review_detractor_probability must be in (0, 1], got {}",
                self.review_detractor_probability
            ));
        }
        if self.time_zone.trim().is_empty() {
            return Err("[scores] time_zone must be an IANA name such as \"Europe/Moscow\"".into());
        }
        if self.min_rated_calls < 3 || self.min_group_calls < 1 {
            return Err("[scores] min_rated_calls must be >= 3 and min_group_calls >= 1".into());
        }
        Ok(())
    }
}

/// `[service_level]`: Service Level per channel (`callqa score --calls-meta`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceLevelConfig {
    /// Interval length, minutes (must divide a day).
    pub interval_min: u32,
    /// Calls abandoned within this many seconds of being offered are left out of the
    /// Service Level denominator, seconds.
    pub short_abandon_s: f64,
    /// Targets by channel name (the metadata CSV's `channel` column, matched without
    /// regard to case: `[service_level.channels.Voice]` is the `voice` channel).
    pub channels: std::collections::BTreeMap<String, ChannelTarget>,
}

/// `[service_level.channels.<name>]`: "`target` of contacts answered within `threshold_s`".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelTarget {
    /// Answer-time threshold, seconds.
    pub threshold_s: f64,
    /// Target Service Level, 0–1.
    pub target: f64,
}

impl Default for ServiceLevelConfig {
    fn default() -> Self {
        let t = |threshold_s: f64| ChannelTarget {
            threshold_s,
            target: 0.8,
        };
        ServiceLevelConfig {
            interval_min: 30,
            short_abandon_s: 5.0,
            channels: [
                ("voice".to_string(), t(20.0)),
                ("chat".to_string(), t(90.0)),
                ("email".to_string(), t(4.0 * 3600.0)),
            ]
            .into_iter()
            .collect(),
        }
    }
}

impl ServiceLevelConfig {
    /// Check values `callqa score` cannot work with; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        if self.interval_min == 0 || 1440 % self.interval_min != 0 {
            return Err(format!(
                "[service_level] interval_min must divide 1440, got {}",
                self.interval_min
            ));
        }
        if !(self.short_abandon_s >= 0.0 && self.short_abandon_s.is_finite()) {
            return Err(format!(
                "[service_level] short_abandon_s must be >= 0, got {}",
                self.short_abandon_s
            ));
        }
        let mut lower = std::collections::BTreeSet::new();
        for name in self.channels.keys() {
            if !lower.insert(name.to_lowercase()) {
                return Err(format!(
                    "[service_level.channels] {name} is listed twice (channel names are case-insensitive)"
                ));
            }
        }
        for (name, c) in &self.channels {
            if !(c.threshold_s >= 0.0 && c.threshold_s.is_finite()) {
                return Err(format!(
                    "[service_level.channels.{name}] threshold_s must be >= 0, got {}",
                    c.threshold_s
                ));
            }
            if !(0.0..=1.0).contains(&c.target) {
                return Err(format!(
                    "[service_level.channels.{name}] target must be in 0..=1, got {}",
                    c.target
                ));
            }
        }
        Ok(())
    }
}

/// Why a pipeline file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Read error.
    #[error("cannot read pipeline file {path}: {source}")]
    Io {
        /// File path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// TOML or schema error.
    #[error("pipeline file {path}: {message}")]
    Parse {
        /// File path.
        path: String,
        /// Cause, with line and column.
        message: String,
    },
}

impl PipelineConfig {
    /// Load a pipeline file.
    pub fn from_path(path: &Path) -> Result<Self, ConfigError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: p.clone(),
            source,
        })?;
        Self::from_toml(&text, &p)
    }

    /// Parse pipeline TOML; `path` is only used in error messages.
    pub fn from_toml(text: &str, path: &str) -> Result<Self, ConfigError> {
        let cfg: PipelineConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        cfg.input
            .validate()
            .and_then(|()| cfg.diarization.validate())
            .and_then(|()| cfg.acoustic.validate())
            .and_then(|()| cfg.scores.validate())
            .and_then(|()| cfg.service_level.validate())
            .map_err(|message| ConfigError::Parse {
                path: path.to_string(),
                message,
            })?;
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_file_gets_defaults() {
        let c = PipelineConfig::from_toml("[pipeline]\nname='x'\nversion='1'\n", "p.toml").unwrap();
        assert_eq!(c.timing.pause_threshold_s, 5.0);
        assert_eq!(c.channels.stereo, ChannelLayout::OperatorLeft);
        assert_eq!(c.pipeline.language, "auto");
    }

    #[test]
    fn bad_acoustic_values_are_errors_naming_the_key() {
        let e = PipelineConfig::from_toml(
            "[pipeline]\nname='x'\nversion='1'\n[acoustic]\nhop_s=5.0\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("p.toml") && e.contains("hop_s"), "{e}");
        let c = PipelineConfig::from_toml("[pipeline]\nname='x'\nversion='1'\n", "p.toml").unwrap();
        assert!(c.acoustic.enabled && c.acoustic.window_s == 3.0);
    }

    #[test]
    fn scores_and_service_level_defaults_and_checks() {
        let c = PipelineConfig::from_toml("[pipeline]\nname='x'\nversion='1'\n", "p.toml").unwrap();
        assert_eq!(c.scores.process_weights.no_interruptions, 20.0);
        assert_eq!(c.service_level.channels["voice"].threshold_s, 20.0);
        assert_eq!(c.service_level.channels["email"].threshold_s, 14400.0);
        let e = PipelineConfig::from_toml(
            "[pipeline]\nname='x'\nversion='1'\n[scores]\nsmile_share=2.0\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("smile_share"), "{e}");
        let e = PipelineConfig::from_toml(
            "[pipeline]\nname='x'\nversion='1'\n[service_level.channels.voice]\nthreshold_s=20\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("target"), "{e}");
        let e = PipelineConfig::from_toml(
            "[pipeline]\nname='x'\nversion='1'\n[scores.process_weights]\ngreting=1\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("greting"), "{e}");
    }

    #[test]
    fn diarization_defaults_and_checks() {
        let c = PipelineConfig::from_toml("[pipeline]\nname='x'\nversion='1'\n", "p.toml").unwrap();
        assert!(c.diarization.enabled && c.diarization.max_speakers == 2);
        assert_eq!(c.diarization.roles, RoleRule::Auto);
        let c = PipelineConfig::from_toml(
            "[pipeline]\nname='x'\nversion='1'\n[diarization]\nroles='first_speaker_customer'\n",
            "p.toml",
        )
        .unwrap();
        assert_eq!(c.diarization.roles, RoleRule::FirstSpeakerCustomer);
        let e = PipelineConfig::from_toml(
            "[pipeline]\nname='x'\nversion='1'\n[diarization]\nmax_speakers=0\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("max_speakers"), "{e}");
    }

    #[test]
    fn unknown_key_is_an_error_naming_the_file() {
        let e = PipelineConfig::from_toml(
            "[pipeline]\nname='x'\nversion='1'\n[timing]\npause_treshold_s=3\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("p.toml") && e.contains("pause_treshold_s"),
            "{e}"
        );
    }

    #[test]
    fn scores_and_service_level_settings_are_checked() {
        let head = "[pipeline]\nname='x'\nversion='1'\n";
        let c = PipelineConfig::from_toml(
            &format!("{head}[scores]\ntime_zone='Europe/Moscow'\nequivalence_margin=0.5\n"),
            "p.toml",
        )
        .unwrap();
        assert_eq!(c.scores.time_zone, "Europe/Moscow");
        assert_eq!(c.scores.min_operators, 5);
        for (body, key) in [
            ("[scores]\nmin_operators=2\n", "min_operators"),
            ("[scores]\nequivalence_margin=0\n", "equivalence_margin"),
            ("[scores]\nreview_detractor_probability=1.5\n", "review_detractor_probability"),
            (
                "[service_level.channels.Voice]\nthreshold_s=20\ntarget=0.8\n[service_level.channels.voice]\nthreshold_s=20\ntarget=0.8\n",
                "case-insensitive",
            ),
        ] {
            let e = PipelineConfig::from_toml(&format!("{head}{body}"), "p.toml")
                .unwrap_err()
                .to_string();
            assert!(e.contains(key), "{key}: {e}");
        }
    }
}
