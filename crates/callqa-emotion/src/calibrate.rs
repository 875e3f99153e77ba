//! Cold-start calibration within a batch: deferred scoring of an operator's windows until
//! the batch has shown enough of their voice.
//!
//! Emotion features only mean something relative to the speaker's own voice (EmoDB,
//! nested leave-speakers-out: see `models/emotion.md`). An operator with a baseline from
//! earlier runs ([`crate::BaselineStore`]) is compared with it. On the first night there is
//! none, but the batch itself holds many calls of each operator: their windows, unlabelled,
//! are a baseline as good as one from earlier runs. So a call whose operator has no (or a
//! thin) stored baseline is *held* — only its raw window features and F0 track, a few KB
//! per minute of speech, never audio — and scored once the operator's statistics from this
//! batch are known:
//!
//! * an operator's batch statistics are frozen when they hold `freeze_windows` windows (with
//!   a thin stored baseline folded in); every held call of that operator is then released,
//!   and later calls of theirs are scored at once against the frozen statistics;
//! * at the end of the batch ([`BatchCalibrator::finish`]) every held call is released with
//!   its operator's statistics as they stand; an operator with fewer than `min_windows`
//!   windows in all falls back to the population statistics;
//! * memory is bounded whatever the archive size: at most `max_pending_windows` windows are
//!   held; beyond that the operator holding most is frozen and released early.
//!
//! Customers have no identity across calls. A customer channel with at least
//! `call_min_windows` windows is z-scored by its own windows (`call`), else by the
//! population statistics; `call_min_windows = 0` keeps every customer on the population
//! (the default: see `models/emotion.md` on why a one-emotion call z-scored by itself loses
//! the emotion). A mono (mixed) channel always uses the population statistics.
//!
//! The calibrator is generic over the caller's per-call payload (`T`: whatever the pipeline
//! must write once the call is scored), and never runs a model itself. [`DeferredScorer`]
//! puts it together with the models and the stored baselines: what a pipeline calls.

use crate::analysis::{ChannelFeatures, ChannelScores};
use crate::{Analyzer, BaselineStore, EmotionError, SpeakerBaseline};
use callqa_core::{AcousticConfig, Speaker};
use std::collections::{HashMap, VecDeque};

/// What a channel's features were z-scored with (the `emotion_normalisation` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NormSource {
    /// The operator's own baseline from earlier runs.
    OperatorBaseline,
    /// The operator's windows in this batch (with a thin stored baseline folded in).
    BatchOperator,
    /// The channel's own windows in this call (customers).
    Call,
    /// The training speakers' statistics in the model spec.
    Population,
}

impl NormSource {
    /// The column value.
    pub fn as_str(self) -> &'static str {
        match self {
            NormSource::OperatorBaseline => "operator_baseline",
            NormSource::BatchOperator => "batch_operator",
            NormSource::Call => "call",
            NormSource::Population => "population",
        }
    }
}

/// How to normalise one channel: the source, and the speaker statistics it uses (`None`
/// for the population statistics of each model's spec).
#[derive(Debug, Clone, PartialEq)]
pub struct Norm {
    /// Where the statistics come from.
    pub source: NormSource,
    /// The statistics (`None`: population).
    pub baseline: Option<SpeakerBaseline>,
}

impl Norm {
    /// The population statistics.
    pub fn population() -> Self {
        Norm {
            source: NormSource::Population,
            baseline: None,
        }
    }
}

/// Settings of [`BatchCalibrator`].
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationConfig {
    /// Hold operators without a ready stored baseline for their batch statistics; `false`
    /// scores them at once against the population statistics (the behaviour before
    /// batch calibration).
    pub batch: bool,
    /// Windows a speaker's statistics need before they are used (stored, batch or call).
    pub min_windows: u64,
    /// An operator's batch statistics are final (and their calls released) at this many
    /// windows.
    pub freeze_windows: u64,
    /// Most windows held across all operators, all channels of a held call counted, plus
    /// one per call (memory bound: ~0.8 KB per window).
    pub max_pending_windows: usize,
    /// Windows a customer channel needs to be z-scored by itself (0: never, population).
    pub call_min_windows: u64,
    /// Standard-deviation floor of the statistics.
    pub std_floor: f64,
}

/// A call given to [`BatchCalibrator::push`]: its operator, its channels' features, and the
/// caller's payload.
#[derive(Debug)]
pub struct PendingCall<T> {
    /// The operator named for the call, if any.
    pub operator: Option<String>,
    /// Window features of each channel.
    pub channels: Vec<ChannelFeatures>,
    /// Whatever the caller needs back with the scored call.
    pub payload: T,
}

/// A call ready to be scored: its channels and, parallel to them, how to normalise each.
#[derive(Debug)]
pub struct ReadyCall<T> {
    /// Window features of each channel.
    pub channels: Vec<ChannelFeatures>,
    /// Normalisation of each channel, parallel to `channels`.
    pub norms: Vec<Norm>,
    /// The caller's payload.
    pub payload: T,
}

struct Operator<T> {
    /// Thin stored baseline (fewer than `min_windows`) folded with this batch's windows.
    stats: SpeakerBaseline,
    frozen: bool,
    held: VecDeque<PendingCall<T>>,
    held_windows: usize,
}

/// Deferred scoring for one batch (see the module docs).
pub struct BatchCalibrator<T> {
    cfg: CalibrationConfig,
    dim: usize,
    operators: HashMap<String, Operator<T>>,
    /// Operators in the order they were first seen (release order at the end).
    order: Vec<String>,
    pending_windows: usize,
}

/// What a held call counts against `max_pending_windows`: its windows on every channel,
/// plus one (so calls without speech are bounded too).
fn held_size(channels: &[ChannelFeatures]) -> usize {
    1 + channels.iter().map(|c| c.features.len()).sum::<usize>()
}

impl<T> BatchCalibrator<T> {
    /// A calibrator for feature vectors of `dim` values.
    pub fn new(cfg: CalibrationConfig, dim: usize) -> Self {
        BatchCalibrator {
            cfg,
            dim,
            operators: HashMap::new(),
            order: Vec::new(),
            pending_windows: 0,
        }
    }

    /// Windows held now.
    pub fn pending_windows(&self) -> usize {
        self.pending_windows
    }

    /// Calls held now.
    pub fn pending_calls(&self) -> usize {
        self.operators.values().map(|o| o.held.len()).sum()
    }

    /// Add a call. `stored` is the operator's baseline from earlier runs, if any (read once,
    /// the first time the operator is seen). Returns the calls that can be scored now: this
    /// one, earlier held ones, both or none.
    pub fn push(
        &mut self,
        call: PendingCall<T>,
        stored: Option<&SpeakerBaseline>,
    ) -> Vec<ReadyCall<T>> {
        let Some(op) = call.operator.clone() else {
            return vec![self.ready(call, None)];
        };
        if let Some(b) = stored.filter(|b| b.is_ready(self.cfg.min_windows)) {
            let norm = Norm {
                source: NormSource::OperatorBaseline,
                baseline: Some(b.clone()),
            };
            return vec![self.ready(call, Some(norm))];
        }
        if !self.cfg.batch {
            return vec![self.ready(call, Some(Norm::population()))];
        }
        let (dim, floor) = (self.dim, self.cfg.std_floor);
        if !self.operators.contains_key(&op) {
            self.order.push(op.clone());
        }
        let state = self.operators.entry(op.clone()).or_insert_with(|| {
            let mut stats = SpeakerBaseline::new(dim, floor);
            if let Some(b) = stored {
                // a thin baseline of another size is ignored rather than failing the call
                let _ = stats.merge(b);
            }
            Operator {
                stats,
                frozen: false,
                held: VecDeque::new(),
                held_windows: 0,
            }
        });
        if state.frozen {
            let norm = operator_norm(&state.stats, self.cfg.min_windows);
            return vec![self.ready(call, Some(norm))];
        }
        for ch in call
            .channels
            .iter()
            .filter(|c| c.speaker == Speaker::Operator)
        {
            for f in &ch.features {
                let v: Vec<f64> = f.iter().map(|&x| f64::from(x)).collect();
                // a vector of the wrong size or non-finite is skipped, not fatal
                let _ = state.stats.push(&v);
            }
        }
        let n = held_size(&call.channels);
        state.held_windows += n;
        state.held.push_back(call);
        self.pending_windows += n;
        let mut out = Vec::new();
        if state.stats.count() >= self.cfg.freeze_windows {
            out.extend(self.release(&op));
        }
        while self.pending_windows > self.cfg.max_pending_windows {
            let Some(biggest) = self
                .operators
                .iter()
                .filter(|(_, o)| !o.held.is_empty())
                .max_by_key(|(id, o)| (o.held_windows, std::cmp::Reverse((*id).clone())))
                .map(|(id, _)| id.clone())
            else {
                break;
            };
            out.extend(self.release(&biggest));
        }
        out
    }

    /// End of the batch: every held call, with its operator's statistics as they stand.
    pub fn finish(&mut self) -> Vec<ReadyCall<T>> {
        let order = std::mem::take(&mut self.order);
        order.iter().flat_map(|op| self.release(op)).collect()
    }

    /// Freeze an operator's statistics and release their held calls.
    fn release(&mut self, op: &str) -> Vec<ReadyCall<T>> {
        let Some(state) = self.operators.get_mut(op) else {
            return Vec::new();
        };
        state.frozen = true;
        let norm = operator_norm(&state.stats, self.cfg.min_windows);
        let held: Vec<PendingCall<T>> = state.held.drain(..).collect();
        self.pending_windows -= state.held_windows;
        state.held_windows = 0;
        held.into_iter()
            .map(|c| self.ready(c, Some(norm.clone())))
            .collect()
    }

    /// The call with each channel's normalisation; `operator` is the operator channel's
    /// (`None`: no operator id, treated like a customer).
    fn ready(&self, call: PendingCall<T>, operator: Option<Norm>) -> ReadyCall<T> {
        let norms = call
            .channels
            .iter()
            .map(|ch| match (ch.speaker, &operator) {
                (Speaker::Operator, Some(n)) => n.clone(),
                (Speaker::Mixed, _) => Norm::population(),
                _ => self.call_norm(ch),
            })
            .collect();
        ReadyCall {
            channels: call.channels,
            norms,
            payload: call.payload,
        }
    }

    /// A channel z-scored by itself when it has enough windows and the config allows it.
    fn call_norm(&self, ch: &ChannelFeatures) -> Norm {
        let n = self.cfg.call_min_windows;
        if n > 0 && ch.stats.is_ready(n) {
            Norm {
                source: NormSource::Call,
                baseline: Some(ch.stats.clone()),
            }
        } else {
            Norm::population()
        }
    }
}

/// A call scored by [`DeferredScorer`]: the caller's payload and its channels' scores
/// (parallel to the channels pushed), or why scoring failed.
#[derive(Debug)]
pub struct Scored<T> {
    /// The caller's payload.
    pub payload: T,
    /// Scores of each channel.
    pub channels: Result<Vec<ChannelScores>, EmotionError>,
    /// Seconds the models took on this call.
    pub seconds: f64,
}

/// Deferred scoring for a pipeline run: the batch calibrator, the models that score the
/// released calls, and the operators' stored baselines from earlier runs.
///
/// Per call: extract [`ChannelFeatures`] with [`Analyzer::features`] (anywhere, e.g. in a
/// preparation thread with its own analyzer), then [`DeferredScorer::push`] them with the
/// call's operator id and whatever must be written later; write every [`Scored`] it
/// returns. After the last call, [`DeferredScorer::finish`] returns the rest.
pub struct DeferredScorer<T> {
    analyzer: Analyzer,
    store: BaselineStore,
    calibrator: BatchCalibrator<T>,
}

impl<T> DeferredScorer<T> {
    /// A scorer with `analyzer`'s models, the `[acoustic]` settings in `cfg` and the
    /// stored baselines of `store`.
    pub fn new(analyzer: Analyzer, cfg: &AcousticConfig, store: BaselineStore) -> Self {
        let calibration = CalibrationConfig {
            batch: cfg.batch_calibration,
            min_windows: analyzer.min_baseline(),
            freeze_windows: cfg.batch_freeze_windows,
            max_pending_windows: cfg.max_pending_windows,
            call_min_windows: cfg.customer_call_min_windows,
            std_floor: analyzer.std_floor(),
        };
        DeferredScorer {
            analyzer,
            store,
            calibrator: BatchCalibrator::new(calibration, crate::N_FEATURES),
        }
    }

    /// Add a call; returns the calls scored now (this one, earlier ones, both or none).
    pub fn push(
        &mut self,
        operator: Option<&str>,
        channels: Vec<ChannelFeatures>,
        payload: T,
    ) -> Vec<Scored<T>> {
        self.push_with(operator, channels, payload, &mut |_, _| {})
    }

    /// As [`DeferredScorer::push`], calling `watch(payload, true)` before the models run
    /// on a call and `watch(payload, false)` after: the pipeline records which call
    /// native code is working on (crash isolation).
    pub fn push_with(
        &mut self,
        operator: Option<&str>,
        channels: Vec<ChannelFeatures>,
        payload: T,
        watch: &mut dyn FnMut(&T, bool),
    ) -> Vec<Scored<T>> {
        let stored = operator.and_then(|id| self.store.get(id, self.analyzer.std_floor()));
        let call = PendingCall {
            operator: operator.map(str::to_string),
            channels,
            payload,
        };
        let ready = self.calibrator.push(call, stored.as_ref());
        self.score(ready, watch)
    }

    /// End of the batch: every call still held, scored.
    pub fn finish(&mut self) -> Vec<Scored<T>> {
        self.finish_with(&mut |_, _| {})
    }

    /// As [`DeferredScorer::finish`], with `watch` as in [`DeferredScorer::push_with`].
    pub fn finish_with(&mut self, watch: &mut dyn FnMut(&T, bool)) -> Vec<Scored<T>> {
        let ready = self.calibrator.finish();
        self.score(ready, watch)
    }

    /// Windows and calls held now.
    pub fn pending(&self) -> (usize, usize) {
        (
            self.calibrator.pending_windows(),
            self.calibrator.pending_calls(),
        )
    }

    fn score(
        &mut self,
        ready: Vec<ReadyCall<T>>,
        watch: &mut dyn FnMut(&T, bool),
    ) -> Vec<Scored<T>> {
        ready
            .into_iter()
            .map(|r| {
                watch(&r.payload, true);
                let t = std::time::Instant::now();
                let channels = r
                    .channels
                    .into_iter()
                    .zip(&r.norms)
                    .map(|(ch, n)| self.analyzer.score(ch, n))
                    .collect();
                let seconds = t.elapsed().as_secs_f64();
                watch(&r.payload, false);
                Scored {
                    channels,
                    payload: r.payload,
                    seconds,
                }
            })
            .collect()
    }
}

fn operator_norm(stats: &SpeakerBaseline, min_windows: u64) -> Norm {
    if stats.is_ready(min_windows) {
        Norm {
            source: NormSource::BatchOperator,
            baseline: Some(stats.clone()),
        }
    } else {
        Norm::population()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(speaker: Speaker, windows: usize, level: f32) -> ChannelFeatures {
        let features: Vec<Vec<f32>> = (0..windows)
            .map(|i| vec![level + i as f32 * 0.1, level])
            .collect();
        let mut stats = SpeakerBaseline::new(2, 1e-6);
        for f in &features {
            let v: Vec<f64> = f.iter().map(|&x| f64::from(x)).collect();
            stats.push(&v).expect("push");
        }
        ChannelFeatures {
            speaker,
            spans: (0..windows).map(|i| (i as f64, i as f64 + 1.0)).collect(),
            features,
            f0: Vec::new(),
            stats,
            waveform_probs: [None, None],
        }
    }

    fn call(op: Option<&str>, op_windows: usize, id: u32) -> PendingCall<u32> {
        PendingCall {
            operator: op.map(str::to_string),
            channels: vec![
                channel(Speaker::Operator, op_windows, 1.0),
                channel(Speaker::Customer, 4, 5.0),
            ],
            payload: id,
        }
    }

    fn cfg() -> CalibrationConfig {
        CalibrationConfig {
            batch: true,
            min_windows: 10,
            freeze_windows: 30,
            max_pending_windows: 1000,
            call_min_windows: 0,
            std_floor: 1e-6,
        }
    }

    #[test]
    fn holds_until_frozen_then_scores_at_once() {
        let mut c = BatchCalibrator::new(cfg(), 2);
        assert!(c.push(call(Some("a"), 8, 1), None).is_empty());
        assert!(c.push(call(Some("a"), 8, 2), None).is_empty());
        assert_eq!(
            (c.pending_calls(), c.pending_windows()),
            (2, 2 * (8 + 4 + 1))
        );
        let out = c.push(call(Some("a"), 16, 3), None); // 32 >= 30: frozen
        assert_eq!(out.iter().map(|r| r.payload).collect::<Vec<_>>(), [1, 2, 3]);
        for r in &out {
            assert_eq!(r.norms[0].source, NormSource::BatchOperator);
            assert_eq!(r.norms[0].baseline.as_ref().map(|b| b.count()), Some(32));
            assert_eq!(r.norms[1].source, NormSource::Population, "customer");
        }
        let later = c.push(call(Some("a"), 5, 4), None);
        assert_eq!(
            later.len(),
            1,
            "scored at once against the frozen statistics"
        );
        assert_eq!(
            later[0].norms[0].baseline.as_ref().map(|b| b.count()),
            Some(32)
        );
        assert_eq!(c.pending_windows(), 0);
        assert!(c.finish().is_empty());
    }

    #[test]
    fn end_of_batch_releases_with_what_there_is() {
        let mut c = BatchCalibrator::new(cfg(), 2);
        assert!(c.push(call(Some("thin"), 4, 1), None).is_empty());
        assert!(c.push(call(Some("enough"), 12, 2), None).is_empty());
        let none = c.push(call(None, 12, 3), None);
        assert_eq!(none.len(), 1, "no operator id: nothing to wait for");
        assert_eq!(none[0].norms[0].source, NormSource::Population);
        let out = c.finish();
        assert_eq!(out.iter().map(|r| r.payload).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(out[0].norms[0].source, NormSource::Population, "4 < 10");
        assert_eq!(out[1].norms[0].source, NormSource::BatchOperator);
    }

    #[test]
    fn stored_baselines_ready_or_thin() {
        let mut c = BatchCalibrator::new(cfg(), 2);
        let ready = channel(Speaker::Operator, 20, 0.0).stats;
        let out = c.push(call(Some("known"), 3, 1), Some(&ready));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].norms[0].source, NormSource::OperatorBaseline);
        let thin = channel(Speaker::Operator, 6, 0.0).stats;
        assert!(c.push(call(Some("new"), 5, 2), Some(&thin)).is_empty());
        let out = c.finish();
        assert_eq!(
            out[0].norms[0].source,
            NormSource::BatchOperator,
            "6 + 5 >= 10"
        );
        assert_eq!(
            out[0].norms[0].baseline.as_ref().map(|b| b.count()),
            Some(11)
        );
    }

    #[test]
    fn memory_stays_bounded() {
        let mut c = BatchCalibrator::new(
            CalibrationConfig {
                max_pending_windows: 50,
                ..cfg()
            },
            2,
        );
        let mut released = 0;
        for i in 0..200u32 {
            let op = format!("op{}", i % 40);
            released += c.push(call(Some(&op), 3, i), None).len();
            assert!(c.pending_windows() <= 50, "{}", c.pending_windows());
        }
        released += c.finish().len();
        assert_eq!(released, 200, "every call comes out exactly once");
    }

    #[test]
    fn customers_by_call_when_asked() {
        let mut c = BatchCalibrator::new(
            CalibrationConfig {
                call_min_windows: 4,
                ..cfg()
            },
            2,
        );
        let out = c.push(call(None, 2, 1), None);
        assert_eq!(
            out[0].norms[1].source,
            NormSource::Call,
            "4 customer windows"
        );
        assert_eq!(out[0].norms[0].source, NormSource::Population, "2 < 4");
    }
}
