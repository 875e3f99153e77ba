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
//!    to `max_speakers`; two clusters closer than `one_speaker_margin` are one voice).
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
pub mod roles;
pub mod timeline;
pub mod voices;

pub use encoder::{Embedding, Encoder, DIM};
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
    /// Their voice: the mean direction of their windows' embeddings.
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
    /// Separation of the two main voice clusters (see [`cluster::margin`]).
    pub separation: f32,
    /// The speaker encoder, e.g. `resemblyzer_ge2e@38baf38f` (the `diarization` column).
    pub encoder: String,
    /// Windows embedded: every island's, the mixtures, and the fine ones where an island
    /// changes speaker (what the stage's time is proportional to).
    pub windows_embedded: usize,
}

/// Default speaker encoder: `<models>/resemblyzer_ge2e.onnx`.
pub fn default_model() -> PathBuf {
    callqa_core::paths::models_dir().join("resemblyzer_ge2e.onnx")
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
/// Floor of a class's similarity spread.
const SD_FLOOR: f32 = 0.02;

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

/// A call's speaker models: centroids, the "both" prototype, and each class's typical
/// similarity (mean and spread) to its own prototype.
struct Classes {
    protos: Vec<Embedding>,
    mu: Vec<f32>,
    sd: Vec<f32>,
    /// Index of the "both talking" class, when modelled.
    both: Option<usize>,
    /// The two speakers "both" stands for.
    pair: (usize, usize),
}

impl Classes {
    /// Score of each class for an embedding: 0 at or above the class's typical
    /// similarity, −z²/2 below it.
    fn scores(&self, e: &Embedding) -> Vec<f32> {
        self.protos
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let z = ((dot(e, p) - self.mu[k]) / self.sd[k]).min(0.0);
                -0.5 * z * z
            })
            .collect()
    }

    fn best(&self, e: &Embedding) -> usize {
        let s = self.scores(e);
        (0..s.len())
            .max_by(|&a, &b| s[a].total_cmp(&s[b]))
            .unwrap_or(0)
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
            separation: 0.0,
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
        let (lab, cents, separation) = cluster::speakers(
            &w.emb,
            &weight,
            &members,
            self.cfg.max_speakers,
            self.cfg.one_speaker_margin as f32,
        );
        result.separation = separation;
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
                    voice: cents[k],
                }
            })
            .filter(|t| !t.segments.is_empty())
            .collect();
        tracks.sort_by(|a, b| a.segments[0].start_s.total_cmp(&b.segments[0].start_s));
        if tracks.len() >= 2 {
            let (a, b) = (classes.pair.0, classes.pair.1);
            let find = |c: &Embedding| tracks.iter().position(|t| t.voice == *c);
            if let (Some(i), Some(j)) = (find(&cents[a]), find(&cents[b])) {
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
        let weight_of = |c: usize| -> f64 {
            members
                .iter()
                .zip(lab)
                .filter(|(_, &l)| l == c)
                .map(|(&i, _)| w.spans[i].1 - w.spans[i].0)
                .sum()
        };
        let mut by_weight: Vec<usize> = (0..k).collect();
        by_weight.sort_by(|&a, &b| weight_of(b).total_cmp(&weight_of(a)));
        let pair = (by_weight[0], by_weight[1]);
        let mut mu = Vec::with_capacity(k + 1);
        let mut sd = Vec::with_capacity(k + 1);
        for (c, cent) in cents.iter().enumerate() {
            let sims: Vec<f32> = members
                .iter()
                .zip(lab)
                .filter(|(_, &l)| l == c)
                .map(|(&i, _)| dot(&w.emb[i], cent))
                .collect();
            let (m, s) = median_sd(&sims);
            mu.push(m);
            sd.push(s);
        }
        let mut classes = Classes {
            protos: cents.to_vec(),
            mu,
            sd,
            both: None,
            pair,
        };
        if !self.cfg.overlap {
            return Ok(classes);
        }
        // The clearest full-length windows of each main speaker.
        let clearest = |c: usize, other: usize| -> Vec<usize> {
            let mut v: Vec<usize> = members
                .iter()
                .zip(lab)
                .filter(|(&i, &l)| {
                    l == c && w.spans[i].1 - w.spans[i].0 >= self.cfg.window_s - 1e-6
                })
                .map(|(&i, _)| i)
                .collect();
            let margin = |i: usize| dot(&w.emb[i], &cents[c]) - dot(&w.emb[i], &cents[other]);
            v.sort_by(|&a, &b| margin(b).total_cmp(&margin(a)));
            v.truncate(MIXES);
            v
        };
        let (ia, ib) = (clearest(pair.0, pair.1), clearest(pair.1, pair.0));
        let n = ia.len().min(ib.len());
        if n == 0 {
            return Ok(classes);
        }
        let sr = f64::from(SAMPLE_RATE);
        // Relative levels from −12 to +12 dB: in a real overlap either voice may dominate.
        let db = [-6.0f32, 6.0, -3.0, 3.0, 0.0, -4.5, 4.5, -1.5];
        let mut mix_audio: Vec<f32> = Vec::new();
        let mut spans = Vec::new();
        for (m, (&a, &b)) in ia.iter().zip(&ib).take(n).enumerate() {
            let g = 10f32.powf(db[m % db.len()] / 20.0);
            let at = |i: usize| ((w.spans[i].0 * sr) as usize).min(x.len());
            let len = ((self.cfg.window_s * sr) as usize)
                .min(x.len() - at(a))
                .min(x.len() - at(b));
            let start = mix_audio.len() as f64 / sr;
            mix_audio.extend((0..len).map(|t| x[at(a) + t] * g + x[at(b) + t] / g));
            spans.push((start, mix_audio.len() as f64 / sr));
            // Separate the mixtures so no frame straddles two.
            mix_audio.extend(std::iter::repeat_n(0.0, 400));
        }
        let mixes = self.embed_spans(&mix_audio, &spans)?;
        let weights = vec![1.0f32; mixes.len()];
        let proto = cluster::centroid(&mixes, &weights, 0..mixes.len());
        let sims: Vec<f32> = mixes.iter().map(|e| dot(e, &proto)).collect();
        let (m, s) = median_sd(&sims);
        classes.both = Some(classes.protos.len());
        classes.protos.push(proto);
        classes.mu.push(m);
        classes.sd.push(s);
        Ok(classes)
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
            let scores: Vec<Vec<f32>> = emb[at..at + wins.len()]
                .iter()
                .map(|e| classes.scores(e))
                .collect();
            at += wins.len();
            let path = timeline::viterbi(&scores, &switch);
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

/// Median and standard deviation (floored at [`SD_FLOOR`]) of similarities.
fn median_sd(v: &[f32]) -> (f32, f32) {
    if v.is_empty() {
        return (0.9, SD_FLOOR);
    }
    let mut s = v.to_vec();
    s.sort_by(f32::total_cmp);
    let med = s[s.len() / 2];
    let mean = v.iter().sum::<f32>() / v.len() as f32;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>() / v.len() as f32;
    (med, var.sqrt().max(SD_FLOOR))
}
