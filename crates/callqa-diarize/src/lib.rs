//! Speaker diarization of mono calls, and which speaker is the operator.
//!
//! A mono recording holds the operator and the customer on one channel. Without knowing
//! who speaks when, talk times, interruptions, per-speaker emotion and calm under
//! pressure are all null. This stage sits between VAD and ASR: it splits a `mixed`
//! channel's speech into speakers, so that each speaker's segments can be transcribed
//! and scored like a channel of a stereo call; after ASR, [`roles`] decides which
//! speaker is the operator, from the words (the pipeline's own script rules: who
//! greets, introduces themselves, offers the survey), the operator's stored voiceprint
//! ([`voices`]) when the call names the operator, and who speaks first.
//!
//! How ([`Diarizer::diarize`]):
//!
//! 1. VAD segments are split at pauses into *islands* ([`timeline::islands`]): a turn
//!    taken after a short pause lies inside one VAD segment.
//! 2. Windows of 1 s every 0.5 s over each island are embedded by a trained speaker
//!    encoder: the GE2E LSTM of PyPI `resemblyzer` 0.1.4 (Apache-2.0), converted to ONNX
//!    by `scripts/resemblyzer_to_onnx.py` and run with ONNX Runtime ([`encoder`], front
//!    end in [`mel`]). A trained encoder separates voices far better than MFCC statistics
//!    and BIC, and at ~5 ms per window it runs well over 100× faster than real time.
//! 3. Windows are clustered into speakers ([`cluster`]: spherical k-means, bisected up
//!    to `max_speakers`; two clusters whose voices are more similar than
//!    `same_voice_similarity` are one speaker: a voicemail, an IVR).
//! 4. Overlapped speech: the stage mixes pairs of the call's own clean windows of the two
//!    main speakers and embeds the mixtures, which gives a third prototype, "both
//!    talking". Islands whose windows do not all agree are embedded again every 0.1 s and
//!    labelled A, B or both by Viterbi smoothing, so a change of speaker inside an island
//!    is placed to ~0.1 s and an interruption keeps both speakers where they overlap.
//!    That is why interruptions survive downmixing.
//!
//! Each speaker's segments are padded and bridged like a stereo channel's VAD segments
//! (the VAD's `pad_s` and `min_silence_s`), so timing features compare with stereo.
#![deny(missing_docs)]

pub mod cluster;
pub mod encoder;
pub mod mel;
pub mod pipeline;
pub mod roles;
pub mod timeline;
pub mod voices;

pub use encoder::{Embedding, Encoder, DIM};
pub use pipeline::{annotate, final_roles, split_channel, Split};
pub use roles::{assign_roles, provisional_roles, RoleAssignment};
pub use voices::VoiceStore;

use callqa_core::config::VadConfig;
use callqa_core::{DiarizationConfig, SpeechSegment, SAMPLE_RATE};
use callqa_onnx::{Environment, OnnxError};
use cluster::dot;
use mel::{MelFrontEnd, N_MELS};
use std::path::{Path, PathBuf};
use timeline::Island;

/// Why diarization failed.
#[derive(Debug, thiserror::Error)]
pub enum DiarizeError {
    /// Model or runtime could not be loaded.
    #[error(transparent)]
    Load(#[from] OnnxError),
    /// Inference failed.
    #[error("speaker encoder failed: {0}")]
    Inference(String),
    /// The voiceprint store could not be read or written.
    #[error("voiceprint store {path}: {message}")]
    Store {
        /// Store path or URL.
        path: String,
        /// Cause.
        message: String,
    },
}

impl DiarizeError {
    /// Short kind for error rows.
    pub fn kind(&self) -> &'static str {
        match self {
            DiarizeError::Load(_) => "model_load",
            DiarizeError::Inference(_) => "inference",
            DiarizeError::Store { .. } => "voiceprints",
        }
    }
}

/// One speaker found on a channel.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerTrack {
    /// Where they speak (sorted, disjoint), padded and bridged like a channel's VAD
    /// segments. Overlapped speech is in both speakers' segments.
    pub segments: Vec<SpeechSegment>,
    /// Their voice: the mean direction of their clearer windows' embeddings.
    pub voice: Embedding,
    /// Total length of `segments`, seconds.
    pub talk_s: f64,
}

/// Who speaks when on one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Diarization {
    /// Speakers in order of first speech; one for a voicemail or IVR, none without speech.
    pub speakers: Vec<SpeakerTrack>,
    /// Speech where the two main speakers overlap, seconds.
    pub overlap_s: f64,
    /// How similar the two main voices are (see [`cluster::core_similarity`]; 1 when
    /// there was nothing to split). Above `same_voice_similarity` they are one speaker.
    pub voice_similarity: f32,
    /// The speaker encoder, e.g. `resemblyzer_ge2e@38baf38f` (the `diarization` column).
    pub encoder: String,
    /// Windows embedded: every island's, the mixtures, and the fine ones where an island
    /// changes speaker (what the stage's time is proportional to).
    pub windows_embedded: usize,
}

/// Default speaker encoder: `<models>/resemblyzer_ge2e.onnx`.
pub fn default_model() -> PathBuf {
    callqa_core::paths::model_file("resemblyzer_ge2e.onnx")
}

/// The speaker encoder named by `[diarization] model` (relative to the pipeline file's
/// folder `base_dir`), else the default.
pub fn model_path(cfg: &DiarizationConfig, base_dir: &Path) -> PathBuf {
    match &cfg.model {
        Some(p) if p.is_absolute() => p.clone(),
        Some(p) => base_dir.join(p),
        None => default_model(),
    }
}

/// Viterbi penalty for a change between two speakers.
const SWITCH: f32 = 3.0;
/// Viterbi penalty for entering or leaving "both talking".
const OVERLAP_SWITCH: f32 = 3.0;
/// Mixtures embedded to learn a call's "both talking" prototype.
const MIXES: usize = 8;
/// Windows shorter than this do not shape the clusters (they are still labelled).
const MIN_CLUSTER_WINDOW_S: f64 = 0.5;
/// Floor of the variance of a similarity (0.03²).
const VAR_FLOOR: f32 = 0.0009;

/// The diarization stage: a speaker encoder and its front end. One per thread.
pub struct Diarizer {
    /// Windows embedded since the last call to [`Diarizer::diarize`] began.
    embedded: usize,
    encoder: Encoder,
    front: MelFrontEnd,
    cfg: DiarizationConfig,
}

/// Windows of one call: where each lies and its embedding.
struct Windows {
    spans: Vec<(f64, f64)>,
    island: Vec<usize>,
    emb: Vec<Embedding>,
}

/// A call's speaker models. Each window is described by its similarities to every
/// prototype (the speakers' and, when modelled, "both talking"); each class is a
/// Gaussian over that vector (its own mean, a variance pooled over the classes), learnt
/// from the speakers' clearest windows and from the mixtures. Using the whole vector
/// matters: a window where both talk is often as close to the louder voice as that
/// voice's own windows are, and only its higher similarity to the other voice and to
/// the mixtures gives it away.
struct Classes {
    protos: Vec<Embedding>,
    /// Mean similarity vector of each class.
    means: Vec<Vec<f32>>,
    /// Pooled variance of each similarity.
    var: Vec<f32>,
    /// Index of the "both talking" class, when modelled.
    both: Option<usize>,
    /// The two speakers "both" stands for.
    pair: (usize, usize),
}

impl Classes {
    fn sims(&self, e: &Embedding) -> Vec<f32> {
        self.protos.iter().map(|p| dot(e, p)).collect()
    }

    /// Log-likelihood (up to a constant) of each class for an embedding.
    fn scores(&self, e: &Embedding) -> Vec<f32> {
        let f = self.sims(e);
        self.means
            .iter()
            .map(|m| {
                -0.5 * f
                    .iter()
                    .zip(m)
                    .zip(&self.var)
                    .map(|((x, mu), v)| (x - mu) * (x - mu) / v)
                    .sum::<f32>()
            })
            .collect()
    }

    fn best(&self, e: &Embedding) -> usize {
        let s = self.scores(e);
        (0..s.len())
            .max_by(|&a, &b| s[a].total_cmp(&s[b]))
            .unwrap_or(0)
    }

    /// Fit the class Gaussians: `examples[c]` are class c's embeddings.
    fn fit(&mut self, examples: &[Vec<Embedding>]) {
        let d = self.protos.len();
        let feats: Vec<Vec<Vec<f32>>> = examples
            .iter()
            .map(|ex| ex.iter().map(|e| self.sims(e)).collect())
            .collect();
        self.means = feats
            .iter()
            .map(|f| {
                (0..d)
                    .map(|j| f.iter().map(|v| v[j]).sum::<f32>() / f.len().max(1) as f32)
                    .collect()
            })
            .collect();
        let n: usize = feats.iter().map(Vec::len).sum();
        self.var = (0..d)
            .map(|j| {
                let ss: f32 = feats
                    .iter()
                    .zip(&self.means)
                    .flat_map(|(f, m)| f.iter().map(move |v| (v[j] - m[j]) * (v[j] - m[j])))
                    .sum();
                (ss / n.max(1) as f32).max(VAR_FLOOR)
            })
            .collect();
    }
}

impl Diarizer {
    /// Open the speaker encoder at `model`.
    pub fn open(
        env: &Environment,
        model: &Path,
        cfg: &DiarizationConfig,
    ) -> Result<Self, DiarizeError> {
        Ok(Diarizer {
            embedded: 0,
            encoder: Encoder::open(env, model, cfg.ort_threads)?,
            front: MelFrontEnd::new(),
            cfg: cfg.clone(),
        })
    }

    /// The encoder's tag (the `diarization` column).
    pub fn encoder_tag(&self) -> &str {
        self.encoder.tag()
    }

    /// Embeddings of arbitrary stretches of (gain-adjusted) audio.
    fn embed_spans(
        &mut self,
        x: &[f32],
        spans: &[(f64, f64)],
    ) -> Result<Vec<Embedding>, DiarizeError> {
        let sr = f64::from(SAMPLE_RATE);
        let mels: Vec<Vec<[f32; N_MELS]>> = spans
            .iter()
            .map(|&(a, b)| {
                let i = ((a * sr) as usize).min(x.len());
                let j = ((b * sr) as usize).clamp(i, x.len());
                self.front.frames(&x[i..j])
            })
            .collect();
        let refs: Vec<&[[f32; N_MELS]]> = mels.iter().map(|m| m.as_slice()).collect();
        self.embedded += refs.len();
        self.encoder.embed(&refs)
    }

    /// Who speaks when in `samples` (16 kHz), given its VAD `segments`; `vad` gives the
    /// padding and bridging each speaker's segments get, as a stereo channel's would.
    pub fn diarize(
        &mut self,
        samples: &[f32],
        segments: &[SpeechSegment],
        vad: &VadConfig,
    ) -> Result<Diarization, DiarizeError> {
        self.embedded = 0;
        let mut result = self.diarize_inner(samples, segments, vad)?;
        result.windows_embedded = self.embedded;
        Ok(result)
    }

    fn diarize_inner(
        &mut self,
        samples: &[f32],
        segments: &[SpeechSegment],
        vad: &VadConfig,
    ) -> Result<Diarization, DiarizeError> {
        let duration = samples.len() as f64 / f64::from(SAMPLE_RATE);
        let sr = f64::from(SAMPLE_RATE);
        let speech = segments.iter().flat_map(|s| {
            let i = ((s.start_s * sr) as usize).min(samples.len());
            let j = ((s.end_s * sr) as usize).clamp(i, samples.len());
            samples[i..j].iter().copied()
        });
        let gain = mel::loudness_gain(speech);
        let x: Vec<f32> = samples.iter().map(|v| v * gain).collect();
        let islands = timeline::islands(&x, segments, self.cfg.min_pause_s, vad.pad_s);
        let mut result = Diarization {
            speakers: Vec::new(),
            overlap_s: 0.0,
            voice_similarity: 1.0,
            encoder: self.encoder.tag().to_string(),
            windows_embedded: 0,
        };
        if islands.is_empty() {
            return Ok(result);
        }
        let w = self.coarse_windows(&x, &islands)?;
        let weight: Vec<f32> = w.spans.iter().map(|s| (s.1 - s.0) as f32).collect();
        let mut members: Vec<usize> = (0..w.spans.len())
            .filter(|&i| w.spans[i].1 - w.spans[i].0 >= MIN_CLUSTER_WINDOW_S - 1e-9)
            .collect();
        if members.len() < 2 {
            members = (0..w.spans.len()).collect();
        }
        let (lab, cents, similarity) = cluster::speakers(
            &w.emb,
            &weight,
            &members,
            self.cfg.max_speakers,
            self.cfg.same_voice_similarity as f32,
        );
        result.voice_similarity = similarity;
        if cents.len() < 2 {
            let voice = cluster::centroid(&w.emb, &weight, 0..w.emb.len());
            result.speakers.push(SpeakerTrack {
                talk_s: segments.iter().map(|s| s.duration_s()).sum(),
                segments: segments.to_vec(),
                voice,
            });
            return Ok(result);
        }
        let classes = self.classes(&x, &w, &members, &lab, &cents)?;
        let pieces = self.label_islands(&x, &islands, &w, &classes)?;
        let mut tracks: Vec<SpeakerTrack> = (0..cents.len())
            .map(|k| {
                let segs = timeline::join(pieces[k].clone(), vad.min_silence_s, duration);
                SpeakerTrack {
                    talk_s: segs.iter().map(|s| s.duration_s()).sum(),
                    segments: segs,
                    voice: classes.protos[k],
                }
            })
            .filter(|t| !t.segments.is_empty())
            .collect();
        tracks.sort_by(|a, b| a.segments[0].start_s.total_cmp(&b.segments[0].start_s));
        if tracks.len() >= 2 {
            let (a, b) = (classes.pair.0, classes.pair.1);
            let find = |c: &Embedding| tracks.iter().position(|t| t.voice == *c);
            if let (Some(i), Some(j)) = (find(&classes.protos[a]), find(&classes.protos[b])) {
                result.overlap_s = timeline::overlap_s(&tracks[i].segments, &tracks[j].segments);
            }
        }
        result.speakers = tracks;
        Ok(result)
    }

    /// Windows of `window_s` every `hop_s` over every island, embedded.
    fn coarse_windows(&mut self, x: &[f32], islands: &[Island]) -> Result<Windows, DiarizeError> {
        let mut spans = Vec::new();
        let mut island = Vec::new();
        for (k, i) in islands.iter().enumerate() {
            for s in timeline::windows(i.start_s, i.end_s, self.cfg.window_s, self.cfg.hop_s) {
                spans.push(s);
                island.push(k);
            }
        }
        let emb = self.embed_spans(x, &spans)?;
        Ok(Windows { spans, island, emb })
    }

    /// Speaker prototypes and, with `overlap` on, the "both talking" prototype of the two
    /// main speakers, learnt from mixtures of their clearest windows.
    fn classes(
        &mut self,
        x: &[f32],
        w: &Windows,
        members: &[usize],
        lab: &[usize],
        cents: &[Embedding],
    ) -> Result<Classes, DiarizeError> {
        let k = cents.len();
        let weights: Vec<f32> = w.spans.iter().map(|s| (s.1 - s.0) as f32).collect();
        let mine = |c: usize| -> Vec<usize> {
            members
                .iter()
                .zip(lab)
                .filter(|(_, &l)| l == c)
                .map(|(&i, _)| i)
                .collect()
        };
        let mut by_weight: Vec<usize> = (0..k).collect();
        let weight_of = |c: usize| -> f32 { mine(c).iter().map(|&i| weights[i]).sum() };
        by_weight.sort_by(|&a, &b| weight_of(b).total_cmp(&weight_of(a)));
        let pair = (by_weight[0], by_weight[1]);
        // How much closer a window is to its own centroid than to the nearest other.
        let margin = |i: usize, c: usize| {
            let other = (0..k)
                .filter(|&o| o != c)
                .map(|o| dot(&w.emb[i], &cents[o]))
                .fold(f32::NEG_INFINITY, f32::max);
            dot(&w.emb[i], &cents[c]) - other
        };
        // Each speaker's clearer half: windows where both voices are heard join the
        // louder voice's cluster, and must not shape its prototype.
        let cores: Vec<Vec<usize>> = (0..k)
            .map(|c| {
                let mut v = mine(c);
                v.sort_by(|&a, &b| margin(b, c).total_cmp(&margin(a, c)));
                v.truncate(v.len().div_ceil(2));
                v
            })
            .collect();
        let mut classes = Classes {
            protos: cores
                .iter()
                .map(|core| cluster::centroid(&w.emb, &weights, core.iter().copied()))
                .collect(),
            means: Vec::new(),
            var: Vec::new(),
            both: None,
            pair,
        };
        let mut examples: Vec<Vec<Embedding>> = cores
            .iter()
            .map(|core| core.iter().map(|&i| w.emb[i]).collect())
            .collect();
        let full = |i: &usize| w.spans[*i].1 - w.spans[*i].0 >= self.cfg.window_s - 1e-6;
        let ia: Vec<usize> = cores[pair.0]
            .iter()
            .copied()
            .filter(full)
            .take(MIXES)
            .collect();
        let ib: Vec<usize> = cores[pair.1]
            .iter()
            .copied()
            .filter(full)
            .take(MIXES)
            .collect();
        if self.cfg.overlap && !ia.is_empty() && !ib.is_empty() {
            let mixes = self.mixtures(x, &w.spans, &ia, &ib)?;
            let ones = vec![1.0f32; mixes.len()];
            classes.both = Some(k);
            classes
                .protos
                .push(cluster::centroid(&mixes, &ones, 0..mixes.len()));
            examples.push(mixes);
        }
        classes.fit(&examples);
        Ok(classes)
    }

    /// Embeddings of the sums of pairs of windows `ia[m]` + `ib[m]`, at relative levels
    /// from −12 to +12 dB: in a real overlap either voice may be the louder.
    fn mixtures(
        &mut self,
        x: &[f32],
        spans: &[(f64, f64)],
        ia: &[usize],
        ib: &[usize],
    ) -> Result<Vec<Embedding>, DiarizeError> {
        let sr = f64::from(SAMPLE_RATE);
        let db = [-6.0f32, 6.0, -3.0, 3.0, 0.0, -4.5, 4.5, -1.5];
        let mut audio: Vec<f32> = Vec::new();
        let mut out = Vec::new();
        for (m, (&a, &b)) in ia.iter().zip(ib).enumerate() {
            let g = 10f32.powf(db[m % db.len()] / 20.0);
            let at = |i: usize| ((spans[i].0 * sr) as usize).min(x.len());
            let len = ((self.cfg.window_s * sr) as usize)
                .min(x.len() - at(a))
                .min(x.len() - at(b));
            let start = audio.len() as f64 / sr;
            audio.extend((0..len).map(|t| x[at(a) + t] * g + x[at(b) + t] / g));
            out.push((start, audio.len() as f64 / sr));
            // Silence between mixtures, so no frame straddles two.
            audio.extend(std::iter::repeat_n(0.0, 400));
        }
        self.embed_spans(&audio, &out)
    }

    /// Pieces of speech of each speaker (padding included). Islands whose coarse windows
    /// agree on one speaker go to that speaker whole; the others are embedded again at
    /// the fine hop and labelled by Viterbi.
    fn label_islands(
        &mut self,
        x: &[f32],
        islands: &[Island],
        w: &Windows,
        classes: &Classes,
    ) -> Result<Vec<Vec<(f64, f64)>>, DiarizeError> {
        let n_spk = classes.both.unwrap_or(classes.protos.len());
        let mut pieces: Vec<Vec<(f64, f64)>> = vec![Vec::new(); n_spk];
        let mut mixed: Vec<usize> = Vec::new();
        for (k, isl) in islands.iter().enumerate() {
            let labels: Vec<usize> = (0..w.spans.len())
                .filter(|&i| w.island[i] == k)
                .map(|i| classes.best(&w.emb[i]))
                .collect();
            match labels.first() {
                Some(&l) if l < n_spk && labels.iter().all(|&x| x == l) => {
                    pieces[l].push((isl.start_s - isl.pad_before, isl.end_s + isl.pad_after));
                }
                _ => mixed.push(k),
            }
        }
        // Fine windows of every mixed island, embedded together.
        let mut fine: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
        let mut all = Vec::new();
        for &k in &mixed {
            let isl = &islands[k];
            let wins = timeline::windows(
                isl.start_s,
                isl.end_s,
                self.cfg.window_s,
                self.cfg.fine_hop_s,
            );
            all.extend(wins.iter().copied());
            fine.push((k, wins));
        }
        let emb = self.embed_spans(x, &all)?;
        let n_cls = classes.protos.len();
        let switch: Vec<Vec<f32>> = (0..n_cls)
            .map(|a| {
                (0..n_cls)
                    .map(
                        |b| match (a == b, Some(a) == classes.both || Some(b) == classes.both) {
                            (true, _) => 0.0,
                            (false, true) => OVERLAP_SWITCH,
                            (false, false) => SWITCH,
                        },
                    )
                    .collect()
            })
            .collect();
        let mut at = 0;
        for (k, wins) in fine {
            let isl = &islands[k];
            let mut scores: Vec<Vec<f32>> = emb[at..at + wins.len()]
                .iter()
                .map(|e| classes.scores(e))
                .collect();
            // Two voices starting together after silence (or stopping together before
            // it) is no interruption and rare: speech does not start or end with both
            // talking. (At a pause inside a VAD segment it can: one speaker stops where
            // the other pauses.)
            if let Some(b) = classes.both {
                let last = scores.len() - 1;
                if isl.starts_segment {
                    scores[0][b] = f32::NEG_INFINITY;
                }
                if isl.ends_segment {
                    scores[last][b] = f32::NEG_INFINITY;
                }
            }
            at += wins.len();
            let mut path = timeline::viterbi(&scores, &switch);
            if let Some(b) = classes.both {
                // "Both talking" is where one speaker takes over from the other: the
                // island must hold both speakers too, or continue past a pause where the
                // overlap runs. Otherwise it was a voice that fits neither prototype well.
                let has = |k: usize| path.contains(&k);
                let last = path.len() - 1;
                let at_pause =
                    (path[0] == b && !isl.starts_segment) || (path[last] == b && !isl.ends_segment);
                if has(b) && !(has(classes.pair.0) && has(classes.pair.1)) && !at_pause {
                    for s in &mut scores {
                        s[b] = f32::NEG_INFINITY;
                    }
                    path = timeline::viterbi(&scores, &switch);
                }
            }
            let parts = timeline::pieces(isl.start_s, isl.end_s, &wins);
            let last = parts.len().saturating_sub(1);
            for (j, (&(mut a, mut b), &state)) in parts.iter().zip(&path).enumerate() {
                if j == 0 {
                    a -= isl.pad_before;
                }
                if j == last {
                    b += isl.pad_after;
                }
                if Some(state) == classes.both {
                    pieces[classes.pair.0].push((a, b));
                    pieces[classes.pair.1].push((a, b));
                } else {
                    pieces[state].push((a, b));
                }
            }
        }
        Ok(pieces)
    }
}
