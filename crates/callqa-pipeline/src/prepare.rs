//! The [`Preparer`]: everything a call needs before speech recognition. It fetches a
//! remote input, hashes what it reads (for the ledger), decodes to 16 kHz channels, finds
//! the speech on each (VAD) and extracts the acoustic stage's window features from it
//! (the run scores them later: batch calibration). It runs on its own thread, ahead of
//! the Whisper workers.

use crate::call::{CallInput, Failed, PreparedCall, Step};
use crate::failure::{contain, CallFailure, Stage};
use callqa_core::{failpoint, ChannelLayout, PipelineConfig};
use callqa_dataset::{is_remote, sha256_file, RemoteReader};
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
        let decoded = callqa_audio::decode_file(local).map_err(|e| {
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
        let mut out = Vec::with_capacity(channels.len());
        for ch in channels {
            let segs = self.vad.detect(&ch.samples, &self.cfg.vad).map_err(|e| {
                CallFailure::new(Stage::Vad, e.kind(), format!("{}: {e}", meta.path))
            })?;
            out.push((ch, segs));
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
}
