//! The acoustic stage of a call: windows of each channel's speech → features → emotion
//! and arousal probabilities, an F0 track, and from them the per-utterance values and the
//! per-call "smile monitoring" scores.
//!
//! Windows, not utterances, are the unit the models see: the stage runs right after VAD,
//! before (and in parallel with) Whisper, so utterance boundaries are not known yet.
//! Each VAD speech region is cut into windows of `window_s` with hop `hop_s` (a region
//! shorter than a window is one window; the last window is aligned to the region's end so
//! no tail goes unscored). Utterance values are overlap-weighted means of the windows that
//! overlap the utterance.
//!
//! The stage is split in two so that scoring can wait for a speaker baseline:
//! [`Analyzer::features`] extracts a channel's window features and F0 track (no model
//! runs), [`Analyzer::score`] normalises them ([`Norm`]) and runs the models.
//! [`Analyzer::analyze_channel`] does both at once.
//!
//! Normalisation: the shipped models take features z-scored against a speaker baseline.
//! An operator with enough history from earlier runs ([`crate::BaselineStore`]) is
//! z-scored against their own baseline; an operator without one, against their windows in
//! this batch ([`crate::calibrate`], deferred scoring). A customer is heard once, and
//! z-scoring an angry customer against their own angry call would make them look neutral,
//! so customers are z-scored against the *population* statistics stored in the model spec
//! (training speakers, wideband and telephone) unless per-call normalisation is switched
//! on. See `models/emotion.md` for what each gives in accuracy.

use crate::calibrate::{Norm, NormSource};
use crate::features;
use crate::{Classifier, EmotionError, InputKind, NormalisationKind, SpeakerBaseline};
use callqa_core::{
    AcousticConfig, AcousticResult, CallAcoustics, Speaker, SpeechSegment, Utterance,
    UtteranceAcoustics, SAMPLE_RATE,
};
use callqa_onnx::Environment;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Scores of one window of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowScore {
    /// Start, seconds from call start.
    pub start_s: f64,
    /// End, seconds from call start.
    pub end_s: f64,
    /// Emotion probabilities, in the emotion model's label order.
    pub emotion: Vec<f32>,
    /// Probability of high arousal.
    pub arousal: f32,
}

/// One channel's window features, not yet scored: what deferred scoring keeps of a call
/// (about 0.8 KB per window plus 16 bytes per voiced 10 ms frame; no audio).
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelFeatures {
    /// Who speaks on the channel.
    pub speaker: Speaker,
    /// Window spans `(start_s, end_s)`, in time order.
    pub spans: Vec<(f64, f64)>,
    /// Raw (unnormalised) feature vector of each window, parallel to `spans`.
    pub features: Vec<Vec<f32>>,
    /// Voiced frames of the channel's speech: `(time_s, f0_hz)`, in time order.
    pub f0: Vec<(f64, f64)>,
    /// Mean / spread of this channel's raw window features.
    pub stats: SpeakerBaseline,
    /// Window probabilities of a waveform-input model (`[emotion, arousal]`), computed at
    /// extraction because the audio is not kept; `None` for feature models.
    pub waveform_probs: [Option<Vec<Vec<f32>>>; 2],
}

/// The acoustic stage's output for one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelScores {
    /// Who speaks on the channel.
    pub speaker: Speaker,
    /// Scored windows, in time order.
    pub windows: Vec<WindowScore>,
    /// Voiced frames of the channel's speech: `(time_s, f0_hz)`, in time order.
    pub f0: Vec<(f64, f64)>,
    /// Mean / spread of this channel's raw window features (to grow a speaker baseline).
    pub stats: SpeakerBaseline,
    /// What the windows were z-scored with.
    pub normalisation: NormSource,
}

/// Turns windows into per-utterance and per-call values. Cheap to clone; needs no model.
#[derive(Debug, Clone)]
pub struct Scorer {
    cfg: AcousticConfig,
    labels: Vec<String>,
    model_tag: String,
}

/// Emotion and arousal models plus the worker pool that extracts features.
pub struct Analyzer {
    emotion: Classifier,
    arousal: Classifier,
    /// The specs' `population_model`s (for windows without speaker statistics), if any.
    emotion_pop_model: Option<Classifier>,
    arousal_pop_model: Option<Classifier>,
    emotion_population: Option<SpeakerBaseline>,
    arousal_population: Option<SpeakerBaseline>,
    high_index: usize,
    min_baseline: u64,
    std_floor: f64,
    pool: rayon::ThreadPool,
    scorer: Scorer,
}

/// Spec paths of the acoustic models: the configured ones (relative to `base_dir`, the
/// pipeline file's folder), else the shipped `models/emotion.json` / `models/arousal.json`
/// under `shipped_dir`.
pub fn model_paths(cfg: &AcousticConfig, base_dir: &Path, shipped_dir: &Path) -> [PathBuf; 2] {
    let pick = |p: &Option<PathBuf>, default: &str| match p {
        Some(p) if p.is_absolute() => p.clone(),
        Some(p) => base_dir.join(p),
        None => shipped_dir.join(default),
    };
    [
        pick(&cfg.emotion_model, "emotion.json"),
        pick(&cfg.arousal_model, "arousal.json"),
    ]
}

fn population(c: &Classifier, path: &Path) -> Result<Option<SpeakerBaseline>, EmotionError> {
    let spec = c.spec();
    if spec.input_kind == InputKind::Waveform || spec.normalisation.kind == NormalisationKind::None
    {
        return Ok(None);
    }
    match spec.normalisation.population() {
        Some(b) => b.map(Some),
        None => Err(EmotionError::Spec {
            path: path.display().to_string(),
            message: "normalisation is speaker_z but the spec has no population_mean / \
                      population_std (needed for speakers without a baseline)"
                .into(),
        }),
    }
}

fn sha_tag(c: &Classifier) -> String {
    let spec = c.spec();
    match &spec.sha256 {
        Some(sha) => format!("{}@{}", spec.name, &sha[..sha.len().min(8)]),
        None => spec.name.clone(),
    }
}

impl Analyzer {
    /// Open both models (spec paths from [`model_paths`]) and a pool of `cfg.threads`.
    pub fn open(
        env: &Environment,
        cfg: &AcousticConfig,
        emotion_spec: &Path,
        arousal_spec: &Path,
    ) -> Result<Self, EmotionError> {
        let emotion = Classifier::open_with_threads(env, emotion_spec, cfg.ort_threads)?;
        let arousal = Classifier::open_with_threads(env, arousal_spec, cfg.ort_threads)?;
        let high_index = arousal
            .labels()
            .iter()
            .position(|l| *l == cfg.high_arousal_label)
            .ok_or_else(|| EmotionError::Spec {
                path: arousal_spec.display().to_string(),
                message: format!(
                    "no label {:?} (the pipeline's [acoustic] high_arousal_label); labels: {:?}",
                    cfg.high_arousal_label,
                    arousal.labels()
                ),
            })?;
        let emotion_labels = emotion.labels().to_vec();
        for l in cfg
            .positive_labels
            .iter()
            .chain(&cfg.negative_labels)
            .chain(std::iter::once(&cfg.anger_label))
        {
            if !emotion_labels.contains(l) {
                return Err(EmotionError::Spec {
                    path: emotion_spec.display().to_string(),
                    message: format!(
                        "no label {l:?} (named in the pipeline's [acoustic] section); labels: \
                         {emotion_labels:?}"
                    ),
                });
            }
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.threads)
            .thread_name(|i| format!("callqa-acoustic-{i}"))
            .build()
            .map_err(|e| EmotionError::Inference(format!("cannot start worker pool: {e}")))?;
        let model_tag = format!("{}+{}", sha_tag(&emotion), sha_tag(&arousal));
        let emotion_pop_model = emotion.population_variant(env, emotion_spec, cfg.ort_threads)?;
        let arousal_pop_model = arousal.population_variant(env, arousal_spec, cfg.ort_threads)?;
        let norm = &emotion.spec().normalisation;
        let (min_baseline, std_floor) = (norm.min_utterances.max(1), norm.std_floor);
        Ok(Analyzer {
            emotion_population: population(&emotion, emotion_spec)?,
            arousal_population: population(&arousal, arousal_spec)?,
            min_baseline,
            std_floor,
            emotion,
            arousal,
            emotion_pop_model,
            arousal_pop_model,
            high_index,
            pool,
            scorer: Scorer {
                cfg: cfg.clone(),
                labels: emotion_labels,
                model_tag,
            },
        })
    }

    /// The scorer for this analyzer's models and config.
    pub fn scorer(&self) -> &Scorer {
        &self.scorer
    }

    /// Windows a speaker baseline needs before it replaces the population one (the
    /// emotion spec's `normalisation.min_utterances`).
    pub fn min_baseline(&self) -> u64 {
        self.min_baseline
    }

    /// Standard-deviation floor of the emotion spec, for baselines read from a store.
    pub fn std_floor(&self) -> f64 {
        self.std_floor
    }

    /// Score one channel: 16 kHz samples, its VAD speech segments, its speaker, and the
    /// speaker's own baseline if known (used once it holds [`Analyzer::min_baseline`]
    /// windows; otherwise the spec's population statistics are). [`Analyzer::features`]
    /// then [`Analyzer::score`].
    pub fn analyze_channel(
        &mut self,
        samples: &[f32],
        segments: &[SpeechSegment],
        speaker: Speaker,
        baseline: Option<&SpeakerBaseline>,
    ) -> Result<ChannelScores, EmotionError> {
        let ch = self.features(samples, segments, speaker)?;
        let norm = match baseline.filter(|b| b.is_ready(self.min_baseline)) {
            Some(b) => Norm {
                source: NormSource::OperatorBaseline,
                baseline: Some(b.clone()),
            },
            None => Norm::population(),
        };
        self.score(ch, &norm)
    }

    /// Window features and F0 track of one channel (16 kHz samples and its VAD speech
    /// segments); no feature model runs (a waveform-input model does, it needs the audio).
    /// Windows run in parallel on the analyzer's pool.
    pub fn features(
        &mut self,
        samples: &[f32],
        segments: &[SpeechSegment],
        speaker: Speaker,
    ) -> Result<ChannelFeatures, EmotionError> {
        let cfg = &self.scorer.cfg;
        let sr = f64::from(SAMPLE_RATE);
        let clip = |a: f64, b: f64| -> &[f32] {
            let i = ((a * sr).round().max(0.0) as usize).min(samples.len());
            let j = ((b * sr).round().max(0.0) as usize).min(samples.len());
            &samples[i..j.max(i)]
        };
        let min_len = (cfg.min_window_s * sr) as usize;
        let spans: Vec<(f64, f64)> = windows(segments, cfg)
            .into_iter()
            .filter(|&(a, b)| clip(a, b).len() >= min_len.max(400))
            .collect();
        let (feats, tracks) = self.pool.install(|| {
            let feats: Result<Vec<Vec<f32>>, EmotionError> = spans
                .par_iter()
                .map(|&(a, b)| {
                    features::extract(clip(a, b))
                        .map(|f| f.values.iter().map(|&v| v as f32).collect())
                })
                .collect();
            let tracks: Vec<Vec<(f64, f64)>> = segments
                .par_iter()
                .map(|s| {
                    let x = clip(s.start_s, s.end_s);
                    features::pitch_track(x)
                        .map(|t| t.into_iter().map(|(t, f)| (s.start_s + t, f)).collect())
                        .unwrap_or_default()
                })
                .collect();
            (feats, tracks)
        });
        let feats = feats?;
        let mut stats = SpeakerBaseline::new(features::N_FEATURES, self.std_floor);
        for f in &feats {
            stats.push(&f.iter().map(|&v| f64::from(v)).collect::<Vec<_>>())?;
        }
        let mut f0: Vec<(f64, f64)> = tracks.into_iter().flatten().collect();
        f0.sort_by(|a, b| a.0.total_cmp(&b.0));
        let waveform = |m: &mut Classifier| -> Result<_, EmotionError> {
            if m.spec().input_kind != InputKind::Waveform {
                return Ok(None);
            }
            let p: Result<Vec<_>, _> = spans
                .iter()
                .map(|&(a, b)| m.predict_waveform(clip(a, b)))
                .collect();
            p.map(Some)
        };
        let waveform_probs = [waveform(&mut self.emotion)?, waveform(&mut self.arousal)?];
        Ok(ChannelFeatures {
            speaker,
            spans,
            features: feats,
            f0,
            stats,
            waveform_probs,
        })
    }

    /// Run both models on a channel's windows, z-scored as `norm` says (its baseline, or
    /// each model's population statistics).
    pub fn score(
        &mut self,
        mut ch: ChannelFeatures,
        norm: &Norm,
    ) -> Result<ChannelScores, EmotionError> {
        let batch = self.scorer.cfg.batch_size;
        let [we, wa] = std::mem::take(&mut ch.waveform_probs);
        let own = norm.baseline.as_ref();
        let emotion = match we {
            Some(p) => p,
            None => predict(
                pick(own, &mut self.emotion, &mut self.emotion_pop_model),
                own.or(self.emotion_population.as_ref()),
                &ch.features,
                batch,
            )?,
        };
        let arousal = match wa {
            Some(p) => p,
            None => predict(
                pick(own, &mut self.arousal, &mut self.arousal_pop_model),
                own.or(self.arousal_population.as_ref()),
                &ch.features,
                batch,
            )?,
        };
        let windows = ch
            .spans
            .iter()
            .zip(emotion)
            .zip(arousal)
            .map(|((&(start_s, end_s), emotion), arousal)| WindowScore {
                start_s,
                end_s,
                emotion,
                arousal: arousal.get(self.high_index).copied().unwrap_or(0.0),
            })
            .collect();
        Ok(ChannelScores {
            speaker: ch.speaker,
            windows,
            f0: ch.f0,
            stats: ch.stats,
            normalisation: norm.source,
        })
    }
}

/// The population model when there are no speaker statistics and the spec has one.
fn pick<'a>(
    own: Option<&SpeakerBaseline>,
    main: &'a mut Classifier,
    pop: &'a mut Option<Classifier>,
) -> &'a mut Classifier {
    match (own, pop) {
        (None, Some(p)) => p,
        _ => main,
    }
}

/// Class probabilities of every window (raw features, z-scored by `baseline` when the
/// spec asks for it), in batches.
fn predict(
    model: &mut Classifier,
    baseline: Option<&SpeakerBaseline>,
    feats: &[Vec<f32>],
    batch_size: usize,
) -> Result<Vec<Vec<f32>>, EmotionError> {
    let inputs: Vec<Vec<f32>> = feats
        .iter()
        .map(|f| match baseline {
            Some(b) => b.normalise(&f.iter().map(|&v| f64::from(v)).collect::<Vec<_>>()),
            None => Ok(f.clone()),
        })
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(inputs.len());
    for chunk in inputs.chunks(batch_size.max(1)) {
        out.extend(model.predict(chunk)?);
    }
    Ok(out)
}

/// Window spans `(start_s, end_s)` over speech segments (see the module docs).
pub fn windows(segments: &[SpeechSegment], cfg: &AcousticConfig) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for s in segments {
        let len = s.end_s - s.start_s;
        if len.is_nan() || len < cfg.min_window_s {
            continue;
        }
        if len <= cfg.window_s {
            out.push((s.start_s, s.end_s));
            continue;
        }
        let mut a = s.start_s;
        while a + cfg.window_s <= s.end_s + 1e-9 {
            out.push((a, a + cfg.window_s));
            a += cfg.hop_s;
        }
        let last_end = out.last().map_or(s.start_s, |w| w.1);
        if s.end_s - last_end > 1e-6 {
            out.push((s.end_s - cfg.window_s, s.end_s));
        }
    }
    out
}

fn argmax(p: &[f32]) -> Option<usize> {
    p.iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| i)
}

fn overlap(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.1.min(b.1) - a.0.max(b.0)).max(0.0)
}

fn mean(v: impl Iterator<Item = f64>) -> Option<f64> {
    let (n, s) = v.fold((0usize, 0.0), |(n, s), x| (n + 1, s + x));
    (n > 0).then(|| s / n as f64)
}

impl Scorer {
    /// Emotion labels, in probability order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Per-utterance values (parallel to `utterances`) and per-call scores of one call.
    /// A channel's windows and F0 frames are matched to the utterances of its speaker.
    pub fn score(&self, channels: &[ChannelScores], utterances: &[Utterance]) -> AcousticResult {
        let utts = utterances
            .iter()
            .map(|u| self.utterance(channels, u))
            .collect();
        AcousticResult {
            call: self.call(channels),
            utterances: utts,
        }
    }

    fn utterance(&self, channels: &[ChannelScores], u: &Utterance) -> UtteranceAcoustics {
        let span = (u.start_s, u.end_s);
        let Some(ch) = channels.iter().find(|c| c.speaker == u.speaker) else {
            return UtteranceAcoustics::default();
        };
        let k = self.labels.len();
        let (mut probs, mut arousal, mut weight) = (vec![0.0f64; k], 0.0f64, 0.0f64);
        for w in &ch.windows {
            let o = overlap(span, (w.start_s, w.end_s));
            if o <= 0.0 || w.emotion.len() != k {
                continue;
            }
            weight += o;
            arousal += o * f64::from(w.arousal);
            for (p, &v) in probs.iter_mut().zip(&w.emotion) {
                *p += o * f64::from(v);
            }
        }
        let hz: Vec<f64> = ch
            .f0
            .iter()
            .filter(|(t, _)| *t >= u.start_s && *t < u.end_s)
            .map(|&(_, f)| f)
            .collect();
        let f0 = features::f0_summary(&hz);
        if weight <= 0.0 {
            return UtteranceAcoustics {
                f0_mean_hz: f0.map(|f| f.0),
                f0_range_hz: f0.map(|f| f.1),
                ..UtteranceAcoustics::default()
            };
        }
        let probs: Vec<f32> = probs.iter().map(|p| (p / weight) as f32).collect();
        let top = argmax(&probs);
        UtteranceAcoustics {
            emotion: top.map(|i| self.labels[i].clone()),
            emotion_confidence: top.map(|i| f64::from(probs[i])),
            emotion_probs: self.labels.iter().cloned().zip(probs).collect(),
            arousal: Some(arousal / weight),
            f0_mean_hz: f0.map(|f| f.0),
            f0_range_hz: f0.map(|f| f.1),
        }
    }

    fn call(&self, channels: &[ChannelScores]) -> CallAcoustics {
        let cfg = &self.cfg;
        let idx = |names: &[String]| -> Vec<usize> {
            names
                .iter()
                .filter_map(|n| self.labels.iter().position(|l| l == n))
                .collect()
        };
        let (positive, negative) = (idx(&cfg.positive_labels), idx(&cfg.negative_labels));
        let anger = self.labels.iter().position(|l| *l == cfg.anger_label);
        let empty: &[WindowScore] = &[];
        let of = |s: Speaker| {
            channels
                .iter()
                .find(|c| c.speaker == s)
                .map_or(empty, |c| c.windows.as_slice())
        };
        let (op, cu) = (of(Speaker::Operator), of(Speaker::Customer));
        let share = |ws: &[WindowScore], hit: &dyn Fn(usize) -> bool| {
            mean(
                ws.iter()
                    .filter_map(|w| argmax(&w.emotion))
                    .map(|i| if hit(i) { 1.0 } else { 0.0 }),
            )
        };
        let thr = cfg.high_arousal_threshold;
        // The operator's response to a customer window: operator windows starting from the
        // customer window's start to `response_s` after its end.
        let response = |c: &WindowScore| {
            mean(
                op.iter()
                    .filter(|o| o.start_s >= c.start_s && o.start_s <= c.end_s + cfg.response_s)
                    .map(|o| f64::from(o.arousal)),
            )
        };
        let after_agitated: Vec<f64> = cu
            .iter()
            .filter(|c| f64::from(c.arousal) >= thr)
            .filter_map(response)
            .collect();
        let after_calm: Vec<f64> = cu
            .iter()
            .filter(|c| f64::from(c.arousal) < thr)
            .filter_map(response)
            .collect();
        let calm_under_pressure = mean(
            after_agitated
                .iter()
                .map(|&a| if a < thr { 1.0 } else { 0.0 }),
        );
        let mirroring = match (
            mean(after_agitated.iter().copied()),
            mean(after_calm.iter().copied()),
        ) {
            (Some(a), Some(c)) => Some(a - c),
            _ => None,
        };
        let op_f0: Vec<f64> = channels
            .iter()
            .filter(|c| c.speaker == Speaker::Operator)
            .flat_map(|c| c.f0.iter().map(|&(_, f)| f))
            .collect();
        CallAcoustics {
            operator_smile_index: mean(
                op.iter()
                    .map(|w| positive.iter().map(|&i| f64::from(w.emotion[i])).sum()),
            )
            .map(|m: f64| 100.0 * m),
            operator_negative_share: share(op, &|i| negative.contains(&i)),
            customer_anger_share: share(cu, &|i| Some(i) == anger),
            customer_arousal_max: cu.iter().map(|w| f64::from(w.arousal)).reduce(f64::max),
            operator_arousal_mean: mean(op.iter().map(|w| f64::from(w.arousal))),
            calm_under_pressure,
            mirroring,
            operator_f0_variability: (op_f0.len() >= MIN_VOICED_FRAMES)
                .then(|| features::f0_summary(&op_f0).map(|f| f.2))
                .flatten(),
            windows: channels.iter().map(|c| c.windows.len() as u32).sum(),
            emotion_model: self.model_tag.clone(),
            emotion_normalisation: channels
                .iter()
                .find(|c| c.speaker == Speaker::Operator)
                .or(channels.first())
                .map_or(NormSource::Population, |c| c.normalisation)
                .as_str()
                .to_string(),
            customer_emotion_normalisation: channels
                .iter()
                .find(|c| c.speaker == Speaker::Customer)
                .map(|c| c.normalisation.as_str().to_string()),
            emotion_confidence: mean(
                channels
                    .iter()
                    .flat_map(|c| &c.windows)
                    .filter_map(|w| argmax(&w.emotion).map(|i| f64::from(w.emotion[i]))),
            ),
        }
    }
}

/// Voiced frames (10 ms each) the operator needs for `operator_f0_variability`.
const MIN_VOICED_FRAMES: usize = 50;

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(a: f64, b: f64) -> SpeechSegment {
        SpeechSegment {
            start_s: a,
            end_s: b,
        }
    }

    #[test]
    fn windows_cover_each_region_to_its_end() {
        let cfg = AcousticConfig::default(); // 3 s windows, 1.5 s hop, 0.5 s minimum
        let w = windows(&[seg(0.0, 0.3), seg(1.0, 3.0), seg(10.0, 17.0)], &cfg);
        assert_eq!(
            w,
            vec![
                (1.0, 3.0),
                (10.0, 13.0),
                (11.5, 14.5),
                (13.0, 16.0),
                (14.0, 17.0)
            ]
        );
    }

    fn w(a: f64, b: f64, emotion: &[f32], arousal: f32) -> WindowScore {
        WindowScore {
            start_s: a,
            end_s: b,
            emotion: emotion.to_vec(),
            arousal,
        }
    }

    fn scorer() -> Scorer {
        Scorer {
            cfg: AcousticConfig::default(),
            labels: ["anger", "happiness", "neutral"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            model_tag: "t".into(),
        }
    }

    const ANGRY: [f32; 3] = [0.8, 0.1, 0.1];
    const CALM: [f32; 3] = [0.1, 0.2, 0.7];

    #[test]
    fn calm_operator_under_an_angry_customer() {
        let cu = ChannelScores {
            speaker: Speaker::Customer,
            windows: vec![w(0.0, 3.0, &ANGRY, 0.9), w(8.0, 11.0, &ANGRY, 0.8)],
            f0: vec![],
            stats: SpeakerBaseline::new(2, 1e-6),
            normalisation: NormSource::Population,
        };
        let op = ChannelScores {
            speaker: Speaker::Operator,
            windows: vec![w(3.5, 6.5, &CALM, 0.2), w(11.5, 14.5, &CALM, 0.6)],
            f0: (0..100).map(|i| (4.0 + i as f64 * 0.01, 200.0)).collect(),
            stats: SpeakerBaseline::new(2, 1e-6),
            normalisation: NormSource::Population,
        };
        let r = scorer().score(
            &[op, cu],
            &[
                Utterance {
                    speaker: Speaker::Customer,
                    start_s: 0.0,
                    end_s: 3.0,
                    text: String::new(),
                },
                Utterance {
                    speaker: Speaker::Operator,
                    start_s: 4.0,
                    end_s: 6.0,
                    text: String::new(),
                },
            ],
        );
        let c = &r.call;
        assert_eq!(c.customer_anger_share, Some(1.0));
        assert_eq!(c.calm_under_pressure, Some(0.5), "one calm reply of two");
        assert_eq!(c.mirroring, None, "no calm customer window to compare with");
        assert_eq!(c.operator_negative_share, Some(0.0));
        assert!((c.operator_smile_index.unwrap() - 20.0).abs() < 1e-4);
        assert!((c.customer_arousal_max.unwrap() - 0.9).abs() < 1e-6);
        assert!(
            c.operator_f0_variability.is_some_and(|v| v.abs() < 1e-9),
            "flat 200 Hz: {:?}",
            c.operator_f0_variability
        );
        assert_eq!(c.windows, 4);
        assert_eq!(r.utterances[0].emotion.as_deref(), Some("anger"));
        assert_eq!(r.utterances[1].emotion.as_deref(), Some("neutral"));
        assert_eq!(r.utterances[1].f0_mean_hz, Some(200.0));
        assert_eq!(r.utterances[0].f0_mean_hz, None);
    }

    #[test]
    fn mono_and_silent_calls_leave_scores_null() {
        let mixed = ChannelScores {
            speaker: Speaker::Mixed,
            windows: vec![w(0.0, 3.0, &ANGRY, 0.9)],
            f0: vec![],
            stats: SpeakerBaseline::new(2, 1e-6),
            normalisation: NormSource::Population,
        };
        let c = scorer().score(&[mixed], &[]).call;
        assert_eq!(c.customer_anger_share, None);
        assert_eq!(c.operator_smile_index, None);
        assert_eq!(c.calm_under_pressure, None);
        assert_eq!(c.windows, 1);
    }
}
