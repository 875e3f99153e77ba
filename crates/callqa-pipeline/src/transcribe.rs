//! The Whisper workers and their channel scheduler.
//!
//! Each worker holds its own decoding state (one copy of the weights) for the whole run
//! and takes the next *channel* to transcribe: a channel left over from a call already
//! taken up, else the first channel of the next prepared call. Channels rather than
//! calls, so that the last calls of a batch are shared out among the workers too (with
//! whole calls, the last call ran on one worker while the others idled: 8 bench calls on
//! 2 workers took 66.7 s instead of 60.9 s). The calling thread alone joins the channels
//! of a call back into a [`TranscribedCall`], in the order calls finish.

use crate::call::{AcousticFeatures, CallInput, Failed, PreparedCall, Step, TranscribedCall};
use crate::failure::{contain, CallFailure, Stage};
use callqa_asr::ct2::{ChannelJob, Ct2Engine};
use callqa_asr::{AsrEngine, AsrError, AsrSession, ChannelTranscript};
use callqa_core::Utterance;
use callqa_core::{failpoint, CallMeta, Channel, ChannelLayout, Speaker, SpeechSegment};
use std::collections::{HashMap, VecDeque};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

/// The loaded ASR engine of a run (`[asr] engine`, `callqa run --engine`).
#[derive(Debug)]
pub enum Asr {
    /// whisper.cpp: each worker transcribes one channel at a time with its own state.
    WhisperCpp(AsrEngine),
    /// CTranslate2: each worker takes the channels that are ready (up to
    /// `[asr] batch_size`) and decodes their windows as batches.
    Ct2(Ct2Engine),
}

impl Asr {
    /// The model's name (file or directory), for the rows' `asr_model`.
    pub fn model_name(&self) -> &str {
        match self {
            Asr::WhisperCpp(e) => e.model_name(),
            Asr::Ct2(e) => e.model_name(),
        }
    }
}

/// How the Whisper workers run.
#[derive(Clone, Debug)]
pub struct WorkerPlan {
    /// Number of workers (each with its own decoding state).
    pub workers: usize,
    /// whisper.cpp threads of each worker.
    pub threads_per_worker: usize,
    /// The run's language (`None`: Whisper detects it), used where the call names none.
    pub default_language: Option<String>,
}

/// The language a call is transcribed in: the manifest's, else the run's; `None` lets
/// Whisper detect it.
pub fn call_language(meta: &CallMeta, default_lang: Option<&str>) -> Option<String> {
    crate::plan::language_arg(meta.language.as_deref())
        .map(|l| callqa_asr::language_code(&l).map_or(l, str::to_string))
        .or_else(|| default_lang.map(str::to_string))
}

/// The audio of a call being transcribed, shared by the workers that transcribe its
/// channels and freed when the last of them is done.
struct CallAudio {
    call_id: String,
    channels: Vec<(Channel, Vec<SpeechSegment>)>,
    language: Option<String>,
}

/// One unit of Whisper work: one channel of a call.
struct ChannelTask {
    seq: usize,
    channel: usize,
    audio: Arc<CallAudio>,
}

type ChannelResult = Result<ChannelTranscript, AsrError>;

/// What the workers tell the calling thread.
enum Msg {
    /// A prepared call was taken up (its audio moved to the workers): one `Channel`
    /// message per speaker follows.
    Started { seq: usize, call: Box<Waiting> },
    /// A call whose preparation failed.
    Failed(Box<Failed>),
    /// One channel transcribed.
    Channel {
        seq: usize,
        channel: usize,
        result: ChannelResult,
    },
}

/// A call on the calling thread, waiting for its channels.
struct Waiting {
    input: CallInput,
    diarized: Option<callqa_diarize::Split>,
    diarization_failure: Option<CallFailure>,
    layout: ChannelLayout,
    duration_s: f64,
    acoustic: Option<AcousticFeatures>,
    acoustic_s: f64,
    speakers: Vec<Speaker>,
    results: Vec<Option<ChannelResult>>,
}

impl Waiting {
    fn complete(&self) -> bool {
        self.results.iter().all(Option::is_some)
    }

    /// The call's utterances (all channels, in time order) and language (the one asked
    /// for, else the one Whisper detected on the first channel that has one), or the
    /// failure of the first channel that failed.
    fn assemble(self, default_lang: Option<&str>, model: &str) -> Step<TranscribedCall> {
        let mut utterances: Vec<(usize, Utterance)> = Vec::new();
        let mut detected: Option<String> = None;
        for (k, (r, &speaker)) in self.results.into_iter().zip(&self.speakers).enumerate() {
            let Some(r) = r else { continue };
            let t = match r {
                Ok(t) => t,
                Err(e) => {
                    let message = format!("{}: {e}", self.input.meta.path);
                    let failure = CallFailure::new(Stage::Asr, e.kind(), message);
                    return Err(Box::new(Failed {
                        input: self.input,
                        failure,
                    }));
                }
            };
            if detected.is_none() {
                detected = t.language;
            }
            utterances.extend(t.pieces.into_iter().map(|piece| {
                let u = Utterance {
                    speaker,
                    start_s: piece.start_s,
                    end_s: piece.end_s,
                    text: piece.text,
                };
                (k, u)
            }));
        }
        utterances.sort_by(|a, b| a.1.start_s.total_cmp(&b.1.start_s));
        let (channel_of, utterances) = utterances.into_iter().unzip();
        let language = call_language(&self.input.meta, default_lang).or(detected);
        Ok(TranscribedCall {
            input: self.input,
            layout: self.layout,
            duration_s: self.duration_s,
            language,
            utterances,
            asr_model: Some(model.to_string()),
            acoustic_features: self.acoustic,
            acoustic: None,
            acoustic_s: self.acoustic_s,
            diarized: self.diarized,
            channel_of,
            diarization_failure: self.diarization_failure,
        })
    }
}

/// Where the workers take their work from: channels left over from calls already
/// started, else the next prepared call.
struct Feed {
    rx: mpsc::Receiver<Step<PreparedCall>>,
    queue: VecDeque<ChannelTask>,
    next_seq: usize,
}

impl Feed {
    /// The next channel to transcribe, or `None` when every call has been handed out.
    /// Calls taken from the preparation queue are announced to the calling thread
    /// (before any of their channels can finish) through `done`.
    fn next(
        &mut self,
        default_lang: Option<&str>,
        done: &mpsc::SyncSender<Msg>,
    ) -> Option<ChannelTask> {
        self.take(default_lang, done, true)
    }

    /// [`next`](Feed::next), but `None` rather than waiting when no channel is ready.
    fn try_next(
        &mut self,
        default_lang: Option<&str>,
        done: &mpsc::SyncSender<Msg>,
    ) -> Option<ChannelTask> {
        self.take(default_lang, done, false)
    }

    fn take(
        &mut self,
        default_lang: Option<&str>,
        done: &mpsc::SyncSender<Msg>,
        block: bool,
    ) -> Option<ChannelTask> {
        loop {
            if let Some(task) = self.queue.pop_front() {
                return Some(task);
            }
            let next = if block {
                self.rx.recv().ok()
            } else {
                self.rx.try_recv().ok()
            };
            let call = match next? {
                Ok(p) => p,
                Err(failed) => {
                    done.send(Msg::Failed(failed)).ok()?;
                    continue;
                }
            };
            let seq = self.next_seq;
            self.next_seq += 1;
            let PreparedCall {
                input,
                layout,
                duration_s,
                channels,
                acoustic,
                acoustic_s,
                diarized,
                diarization_failure,
            } = call;
            let audio = Arc::new(CallAudio {
                call_id: input.meta.call_id.clone(),
                language: call_language(&input.meta, default_lang),
                channels,
            });
            let speakers: Vec<Speaker> = audio.channels.iter().map(|(c, _)| c.speaker).collect();
            let waiting = Waiting {
                input,
                diarized,
                diarization_failure,
                layout,
                duration_s,
                acoustic,
                acoustic_s,
                results: speakers.iter().map(|_| None).collect(),
                speakers,
            };
            done.send(Msg::Started {
                seq,
                call: Box::new(waiting),
            })
            .ok()?;
            for channel in 0..audio.channels.len() {
                self.queue.push_back(ChannelTask {
                    seq,
                    channel,
                    audio: Arc::clone(&audio),
                });
            }
        }
    }
}

/// A worker's decoding state, its buffers grown to their peak size up front.
fn open_session(asr: &AsrEngine, worker: usize) -> Result<AsrSession<'_>, AsrError> {
    let t = Instant::now();
    let mut s = asr.session()?;
    s.reserve_peak_buffers()?;
    tracing::debug!(
        worker,
        secs = t.elapsed().as_secs_f64(),
        "decoding state opened, buffers reserved"
    );
    Ok(s)
}

/// One worker: take channels from the feed until it is empty, transcribe each, send the
/// results back. A panic on one channel becomes that channel's error; the decoding state
/// it left is not reused.
fn work(
    w: usize,
    asr: &AsrEngine,
    feed: &Mutex<Feed>,
    plan: &WorkerPlan,
    done: &mpsc::SyncSender<Msg>,
) {
    // One decoding state per worker, reused channel after channel, opened while the
    // first call is being prepared.
    let mut session = open_session(asr, w)
        .map_err(|e| tracing::warn!(worker = w, "{e}"))
        .ok();
    let default_lang = plan.default_language.as_deref();
    let threads = plan.threads_per_worker;
    loop {
        // The lock is held only while taking (or waiting for) work.
        let task = match feed.lock() {
            Ok(mut feed) => feed.next(default_lang, done),
            Err(_) => None,
        };
        let Some(ChannelTask {
            seq,
            channel,
            audio,
        }) = task
        else {
            break;
        };
        let (ch, segs) = &audio.channels[channel];
        let lang = audio.language.as_deref();
        let result = contain(|| {
            callqa_core::abort_point("asr", &audio.call_id);
            callqa_core::panic_point("asr", &audio.call_id);
            match session.as_mut() {
                Some(s) => s.transcribe(&ch.samples, segs, lang, threads),
                // The state could not be opened (or was dropped after a panic): this
                // channel tries again, and its call gets the error row if that fails too.
                None => open_session(asr, w).and_then(|mut s| {
                    let r = s.transcribe(&ch.samples, segs, lang, threads);
                    session = Some(s);
                    r
                }),
            }
        })
        .unwrap_or_else(|msg| {
            // A state left in the middle of a decode is not reused.
            session = None;
            Err(AsrError::Panic(msg))
        });
        // The last worker done with a call frees its audio here.
        drop(audio);
        let msg = Msg::Channel {
            seq,
            channel,
            result,
        };
        if done.send(msg).is_err() {
            break;
        }
    }
}

/// One CTranslate2 worker: take a channel (waiting for one), then every other channel that
/// is ready without waiting, up to `[asr] batch_size` channels, and transcribe their
/// windows together in batches; send each channel's result back.
fn work_ct2(
    w: usize,
    asr: &Ct2Engine,
    feed: &Mutex<Feed>,
    plan: &WorkerPlan,
    done: &mpsc::SyncSender<Msg>,
) {
    let default_lang = plan.default_language.as_deref();
    let max_channels = asr.config().batch_size.max(1);
    loop {
        let mut tasks: Vec<ChannelTask> = Vec::new();
        if let Ok(mut feed) = feed.lock() {
            if let Some(t) = feed.next(default_lang, done) {
                tasks.push(t);
                while tasks.len() < max_channels {
                    match feed.try_next(default_lang, done) {
                        Some(t) => tasks.push(t),
                        None => break,
                    }
                }
            }
        }
        if tasks.is_empty() {
            break;
        }
        let results = contain(|| {
            for t in &tasks {
                callqa_core::abort_point("asr", &t.audio.call_id);
                callqa_core::panic_point("asr", &t.audio.call_id);
            }
            let jobs: Vec<ChannelJob<'_>> = tasks
                .iter()
                .map(|t| {
                    let (ch, segs) = &t.audio.channels[t.channel];
                    ChannelJob {
                        samples: &ch.samples,
                        segments: segs,
                        language: t.audio.language.as_deref(),
                    }
                })
                .collect();
            asr.transcribe_channels(&jobs)
        });
        let results: Vec<ChannelResult> = match results {
            Ok(r) => r,
            Err(msg) => tasks
                .iter()
                .map(|_| Err(AsrError::Panic(msg.clone())))
                .collect(),
        };
        tracing::debug!(worker = w, channels = tasks.len(), "CTranslate2 batch done");
        for (task, result) in tasks.into_iter().zip(results) {
            let ChannelTask {
                seq,
                channel,
                audio,
            } = task;
            drop(audio);
            let msg = Msg::Channel {
                seq,
                channel,
                result,
            };
            if done.send(msg).is_err() {
                return;
            }
        }
    }
}

/// Transcribe every call that arrives on `prepared` with `plan.workers` Whisper workers,
/// and hand each finished call (or failure) to `on_call` on the calling thread, in the
/// order calls finish. Returns when the preparation side has hung up and every call
/// taken up is finished, or at the first error `on_call` returns.
pub fn transcribe_all(
    asr: &Asr,
    plan: &WorkerPlan,
    prepared: mpsc::Receiver<Step<PreparedCall>>,
    mut on_call: impl FnMut(Step<TranscribedCall>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let feed = Mutex::new(Feed {
        rx: prepared,
        queue: VecDeque::new(),
        next_seq: 0,
    });
    let (done_tx, done_rx) = mpsc::sync_channel::<Msg>(plan.workers);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        for w in 0..plan.workers {
            let done_tx = done_tx.clone();
            let feed = &feed;
            std::thread::Builder::new()
                .name(format!("callqa-asr-{w}"))
                .spawn_scoped(scope, move || match asr {
                    Asr::WhisperCpp(e) => work(w, e, feed, plan, &done_tx),
                    Asr::Ct2(e) => work_ct2(w, e, feed, plan, &done_tx),
                })
                .map_err(|e| anyhow::anyhow!("cannot start a Whisper worker thread: {e}"))?;
        }
        drop(done_tx);
        // By value: an early error return drops the receiver, so no worker stays blocked
        // on a full channel while the scope waits for it.
        collect(done_rx, plan, asr.model_name(), &mut on_call)
    })
}

/// The calling thread's side: join channels into calls and hand them on.
fn collect(
    done: mpsc::Receiver<Msg>,
    plan: &WorkerPlan,
    model: &str,
    on_call: &mut impl FnMut(Step<TranscribedCall>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut waiting: HashMap<usize, Box<Waiting>> = HashMap::new();
    for msg in done {
        let seq = match msg {
            Msg::Failed(failed) => {
                on_call(Err(failed))?;
                continue;
            }
            Msg::Started { seq, call } => {
                waiting.insert(seq, call);
                seq
            }
            Msg::Channel {
                seq,
                channel,
                result,
            } => {
                if let Some(slot) = waiting
                    .get_mut(&seq)
                    .and_then(|c| c.results.get_mut(channel))
                {
                    *slot = Some(result);
                }
                seq
            }
        };
        if !waiting.get(&seq).is_some_and(|c| c.complete()) {
            continue;
        }
        let Some(call) = waiting.remove(&seq) else {
            continue;
        };
        failpoint("asr");
        on_call(call.assemble(plan.default_language.as_deref(), model))?;
    }
    if !waiting.is_empty() {
        // Not reached unless a worker died: those calls stay out of the ledger, so the
        // next run processes them.
        anyhow::bail!(
            "{} call(s) were taken up but not finished by the Whisper workers",
            waiting.len()
        );
    }
    Ok(())
}
