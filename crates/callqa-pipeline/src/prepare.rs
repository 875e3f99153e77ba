//! The [`Preparer`]: everything a call needs before speech recognition. It fetches a
//! remote input, hashes what it reads (for the ledger), decodes to 16 kHz channels, finds
//! the speech on each (VAD), splits a mono call's channel into one per speaker
//! (`callqa-diarize`) and extracts the acoustic stage's window features from the speech
//! (the run scores them later: batch calibration). It runs on its own thread, ahead of
//! the Whisper workers.

use crate::call::{operator_of, CallInput, Failed, PreparedCall, Step};
use crate::failure::{contain, CallFailure, Stage};
use callqa_core::SpeechSegment;
use callqa_core::{failpoint, CallMeta, Channel, ChannelLayout, PipelineConfig, Speaker};
use callqa_dataset::{is_remote, sha256_file, Journal, RemoteReader};
use callqa_diarize::{Diarizer, Split, VoiceStore};
use callqa_emotion::Analyzer;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Decodes, finds speech and analyses the voice of one call after another.
pub struct Preparer {
    cfg: Arc<PipelineConfig>,
    vad: callqa_vad::Vad,
    analyzer: Option<Analyzer>,
    remote: Option<RemoteReader>,
    diarizer: Option<Diarizer>,
    voices: Arc<VoiceStore>,
    /// The run's journal of calls in flight (crash isolation): stages are marked in it.
    journal: Option<Journal>,
}

impl Preparer {
    /// A preparer with its VAD, the acoustic feature extractor (`None`: the stage is
    /// off) and an S3 client for remote inputs.
    pub fn new(
        cfg: Arc<PipelineConfig>,
        vad: callqa_vad::Vad,
        analyzer: Option<Analyzer>,
        remote: Option<RemoteReader>,
    ) -> Self {
        Preparer {
            cfg,
            vad,
            analyzer,
            remote,
            diarizer: None,
            voices: Arc::new(VoiceStore::new("")),
            journal: None,
        }
    }

    /// Mark each call's stages in the run's journal of calls in flight.
    pub fn with_journal(mut self, journal: Journal) -> Self {
        self.journal = Some(journal);
        self
    }

    fn mark(&self, call_id: &str, stage: &str) {
        if let Some(j) = &self.journal {
            j.enter(call_id, stage);
        }
    }

    /// Diarize mono calls with `diarizer`; `voices` are the operators' voiceprints as
    /// they were when the run started.
    pub fn with_diarizer(mut self, diarizer: Diarizer, voices: Arc<VoiceStore>) -> Self {
        self.diarizer = Some(diarizer);
        self.voices = voices;
        self
    }

    /// A mono call's `mixed` channel becomes one channel per speaker (a call with one
    /// voice stays as it is). A failure is a warning: the call goes on mixed.
    fn diarize(
        &mut self,
        meta: &CallMeta,
        out: &mut Vec<(Channel, Vec<SpeechSegment>)>,
    ) -> (Option<Split>, Option<CallFailure>) {
        let Some(d) = self.diarizer.as_mut() else {
            return (None, None);
        };
        let [(ch, segs)] = out.as_slice() else {
            return (None, None);
        };
        if ch.speaker != Speaker::Mixed {
            return (None, None);
        }
        let voiceprint = operator_of(meta).and_then(|id| self.voices.get(id));
        let rule = self.cfg.diarization.roles;
        match callqa_diarize::split_channel(d, ch, segs, &self.cfg.vad, voiceprint.as_ref(), rule) {
            Ok(mut split) => {
                if !split.channels.is_empty() {
                    *out = std::mem::take(&mut split.channels);
                }
                (Some(split), None)
            }
            Err(e) => {
                let m = format!("{}: {e} (the call is kept as one mixed channel)", meta.path);
                (
                    None,
                    Some(CallFailure::new(Stage::Diarization, e.kind(), m)),
                )
            }
        }
    }

    /// Fetch (remote inputs), hash and prepare one call. A panic met here becomes the
    /// call's failure.
    pub fn prepare(&mut self, mut input: CallInput) -> Step<PreparedCall> {
        let fail = |input: CallInput, failure: CallFailure| Box::new(Failed { input, failure });
        // A remote input is downloaded to a temporary file that lives until decoding is
        // done.
        let _local_copy;
        let local: PathBuf = if is_remote(&input.meta.path) {
            let fetched = self
                .remote
                .as_ref()
                .ok_or_else(|| "no S3 client".to_string())
                .and_then(|r| r.fetch(&input.meta.path).map_err(|e| e.to_string()));
            match fetched {
                Ok(f) => {
                    let p = f.path().to_path_buf();
                    _local_copy = f;
                    p
                }
                Err(m) => return Err(fail(input, CallFailure::new(Stage::Input, "fetch", m))),
            }
        } else {
            PathBuf::from(&input.meta.path)
        };
        input.ticket.set_content_hash(sha256_file(&local));
        match contain(|| self.decode_and_analyse(&input, &local)) {
            Ok(Ok(p)) => Ok(PreparedCall {
                input,
                layout: p.layout,
                duration_s: p.duration_s,
                channels: p.channels,
                acoustic: p.acoustic,
                acoustic_s: p.acoustic_s,
                diarized: p.diarized,
                diarization_failure: p.diarization_failure,
            }),
            Ok(Err(failure)) => Err(fail(input, failure)),
            Err(msg) => {
                let failure = CallFailure::panic(
                    Stage::Prepare,
                    &input.meta.path,
                    "decoding or analysing this input",
                    &msg,
                );
                Err(fail(input, failure))
            }
        }
    }

    fn decode_and_analyse(
        &mut self,
        input: &CallInput,
        local: &Path,
    ) -> Result<Audio, CallFailure> {
        let meta = &input.meta;
        // The pipeline file's limits, checked against the header before decoding.
        let limits = callqa_audio::DecodeOptions {
            max_duration_s: self.cfg.input.max_duration_s,
            pick_channels: self.cfg.input.pick_channels,
        };
        let decoded = callqa_audio::decode_file_with(local, &limits).map_err(|e| {
            let msg = e.to_string();
            // Name the input, not the temporary copy of a remote one.
            let shown = local.to_string_lossy();
            let msg = if shown != meta.path.as_str() {
                msg.replace(&*shown, &meta.path)
            } else {
                msg
            };
            CallFailure::new(Stage::Decode, e.kind(), msg)
        })?;
        failpoint("decode");
        callqa_core::abort_point("decode", &meta.call_id);
        callqa_core::panic_point("prepare", &meta.call_id);
        let layout = meta
            .channel_layout
            .unwrap_or(match decoded.source_channels {
                1 => ChannelLayout::Mono,
                _ => self.cfg.channels.stereo,
            });
        let duration_s = decoded.duration_s;
        let channels = callqa_audio::to_channels(decoded, layout)
            .map_err(|e| CallFailure::new(Stage::Decode, e.kind(), e.to_string()))?;
        self.mark(&meta.call_id, "vad");
        let mut out = Vec::with_capacity(channels.len());
        for ch in channels {
            let segs = self.vad.detect(&ch.samples, &self.cfg.vad).map_err(|e| {
                CallFailure::new(Stage::Vad, e.kind(), format!("{}: {e}", meta.path))
            })?;
            out.push((ch, segs));
        }
        if self.diarizer.is_some()
            && matches!(out.as_slice(), [(ch, _)] if ch.speaker == Speaker::Mixed)
        {
            self.mark(&meta.call_id, "diarization");
        }
        let (diarized, diarization_failure) = self.diarize(meta, &mut out);
        if self.analyzer.is_some() {
            self.mark(&meta.call_id, "acoustic");
        }
        let t_acoustic = Instant::now();
        let acoustic = self.analyzer.as_mut().map(|a| {
            out.iter()
                .map(|(ch, segs)| a.features(&ch.samples, segs, ch.speaker))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    CallFailure::new(Stage::Acoustic, e.kind(), format!("{}: {e}", meta.path))
                })
        });
        Ok(Audio {
            layout,
            duration_s,
            channels: out,
            acoustic,
            acoustic_s: t_acoustic.elapsed().as_secs_f64(),
            diarized,
            diarization_failure,
        })
    }
}

/// What decoding and analysis give, before it is joined with its input.
struct Audio {
    layout: ChannelLayout,
    duration_s: f64,
    channels: Vec<(callqa_core::Channel, Vec<callqa_core::SpeechSegment>)>,
    acoustic: Option<crate::call::AcousticFeatures>,
    acoustic_s: f64,
    diarized: Option<Split>,
    diarization_failure: Option<CallFailure>,
}
