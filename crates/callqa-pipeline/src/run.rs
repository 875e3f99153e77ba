//! `callqa run`: recordings → decode → VAD → (mono: speakers) → (Whisper on speech only
//! ∥ emotion/arousal on speech windows) → (mono: roles) → rules, timing, smile scores →
//! Parquet. This is the one place
//! where the stages are connected.
//!
//! Three stages overlap: the [`Preparer`] thread decodes each call, finds its speech and
//! extracts the acoustic window features; the Whisper workers ([`transcribe_all`]) each
//! transcribe one channel at a time with their own decoding state; the calling thread
//! alone scores the acoustic windows ([`DeferredScorer`]), runs the [`Assembler`] and
//! commits each call through [`Output`]. Bounded queues between them keep memory flat
//! however many calls the input holds: at most workers + 3 calls' audio (one being
//! prepared, two queued, one per worker).
//!
//! Batch calibration: a call whose operator has no stored voice baseline waits in the
//! [`DeferredScorer`] (its window features and transcript, no audio) until the batch has
//! shown enough of that operator's voice, or ends; `[acoustic] max_pending_windows`
//! bounds what waits. A call is committed when it is scored, so a run killed before
//! that leaves it unprocessed, and the next run takes it up again.
//!
//! Crash isolation: every call's stage is marked in the run's journal of calls in flight
//! (`callqa_dataset::Journal`), so a run that dies in native code (an abort, a segfault)
//! is followed by one that runs the calls it had in flight alone and, for a call in
//! flight in two dead runs, writes a `crashed` error row instead of dying a third time.
//! A call held in the [`DeferredScorer`] runs nothing: its stage is `pending`, which
//! neither blocks a solo call nor blames the call when the run dies; while the scorer
//! runs the models on it, its stage is `acoustic`.

use crate::assemble::Assembler;
use crate::call::{CallInput, CallRecord, Step, TranscribedCall};
use crate::events::{Events, RunReport};
use crate::failure::CallFailure;
use crate::inputs::{self, Inputs};
use crate::plan::RunPlan;
use crate::prepare::Preparer;
use crate::transcribe::{transcribe_all, Asr};
use anyhow::{Context, Result};
use callqa_asr::AsrEngine;
use callqa_core::config::AsrEngineKind;
use callqa_core::{paths, CallMeta, ErrorRow, PipelineConfig, Speaker, Transcript, Utterance};
use callqa_dataset::{
    is_remote, sha256_file, Admission, CallResult, InputStat, Journal, Output, RemoteReader,
    Ticket, PENDING,
};
use callqa_diarize::{Diarizer, VoiceStore};
use callqa_emotion::{Analyzer, BaselineStore, DeferredScorer, Scored};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

/// Where the operators' voice baselines are kept in the output.
pub const BASELINES: &str = "baselines/operators.json";
/// Where the operators' voiceprints (speaker embeddings, for the roles of mono calls)
/// are kept in the output.
pub const VOICES: &str = "baselines/voices.json";

/// Run the whole pipeline as `plan` says, telling `events` as it goes.
pub fn run(plan: RunPlan, events: &mut dyn Events) -> Result<RunReport> {
    let url = plan.options.out.to_string_lossy().to_string();
    // Take the output's lock (and repair what a killed run left) before loading models.
    let out = Output::open(&url, plan.options.flush_every, plan.open_options())
        .with_context(|| format!("cannot use output {url}"))?;
    let (listed, remote) = list_inputs(&plan)?;
    let models = Models::load(&plan, &out)?;
    log_start(&plan, &out);
    if let Some(d) = &plan.options.dump_transcripts {
        std::fs::create_dir_all(d)
            .with_context(|| format!("cannot create transcript folder {}", d.display()))?;
    }
    let journal = out.journal();
    journal.catch_fatal_signals();
    let mut sink = Sink {
        out,
        events,
        report: RunReport::default(),
        grown: BaselineStore::default(),
        grown_voices: VoiceStore::new(&models.voices.encoder),
        dump: plan.options.dump_transcripts.clone(),
        journal: Some(journal.clone()),
    };
    let todo = sink.admit_all(listed, &plan, remote.as_ref())?;
    sink.events.processing(todo.len());
    let Models {
        vad,
        asr,
        analyzer,
        scoring,
        baselines,
        diarizer,
        voices,
    } = models;
    let voices = Arc::new(voices);
    let assembler = Assembler::new(
        Arc::clone(&plan.cfg),
        plan.rules.clone(),
        analyzer.as_ref().map(|a| a.scorer().clone()),
    )
    .with_voices(Arc::clone(&voices));
    let mut deferred =
        scoring.map(|a| DeferredScorer::new(a, &plan.cfg.acoustic, baselines.clone()));
    let mut preparer =
        Preparer::new(Arc::clone(&plan.cfg), vad, analyzer, remote).with_journal(journal.clone());
    if let Some(d) = diarizer {
        preparer = preparer.with_diarizer(d, Arc::clone(&voices));
    }
    let (tx, rx) = mpsc::sync_channel::<Step<crate::call::PreparedCall>>(2);
    let producer = spawn_preparer(preparer, todo, tx, journal.clone())?;
    transcribe_all(&asr, &plan.workers, rx, |step| {
        match (step, deferred.as_mut()) {
            (Ok(mut call), Some(d)) => match call.acoustic_features.take() {
                Some(Ok(features)) => {
                    for scored in defer(d, &journal, call, features) {
                        sink.finish_scored(scored, &assembler)?;
                    }
                    Ok(())
                }
                Some(Err(failure)) => {
                    call.acoustic = Some(Err(failure));
                    sink.finish_call(Ok(call), &assembler)
                }
                None => sink.finish_call(Ok(call), &assembler),
            },
            (step, _) => sink.finish_call(step, &assembler),
        }
    })?;
    producer
        .join()
        .map_err(|_| anyhow::anyhow!("the preparation thread panicked"))?;
    // The end of the batch: the calls still waiting for their operator's statistics.
    let rest = deferred.as_mut().map(|d| {
        let _busy = journal.busy();
        d.finish_with(&mut |c, start| watch_scoring(&journal, c, start))
    });
    for scored in rest.unwrap_or_default() {
        sink.finish_scored(scored, &assembler)?;
    }
    sink.flush()?;
    sink.save_baselines(&plan)?;
    sink.save_voices(&plan, &voices)?;
    let report = sink.report;
    sink.out
        .finish()
        .with_context(|| format!("cannot finish writing {url}"))?;
    Ok(report)
}

/// Hand a transcribed call to the [`DeferredScorer`]; returns the calls scored now. A
/// held call runs nothing: its journal stage is `pending` (not blamed if the run dies,
/// not waited for by a call run solo) except while the models score it (`acoustic`).
/// The scorer counts as busy throughout, so no suspect starts beside it.
fn defer(
    d: &mut DeferredScorer<TranscribedCall>,
    journal: &Journal,
    call: TranscribedCall,
    features: Vec<callqa_emotion::ChannelFeatures>,
) -> Vec<Scored<TranscribedCall>> {
    let _busy = journal.busy();
    journal.enter(&call.input.meta.call_id, PENDING);
    let operator = crate::call::operator_of(&call.input.meta).map(str::to_string);
    d.push_with(operator.as_deref(), features, call, &mut |c, start| {
        watch_scoring(journal, c, start)
    })
}

/// The [`DeferredScorer`] starts (`start`) or ends scoring `call`: its journal stage.
fn watch_scoring(journal: &Journal, call: &TranscribedCall, start: bool) {
    let id = &call.input.meta.call_id;
    if start {
        journal.enter(id, "acoustic");
        callqa_core::abort_point("acoustic", id);
    } else {
        journal.enter(id, PENDING);
    }
}

/// The calls `--input` names (after sharding), the inputs broken before they could be
/// described, and an S3 client when some input is remote.
fn list_inputs(plan: &RunPlan) -> Result<(Inputs, Option<RemoteReader>)> {
    let input = &plan.options.input;
    let input_str = input.to_string_lossy().to_string();
    let mut remote: Option<RemoteReader> = None;
    let mut listed = if is_remote(&input_str) {
        let r = RemoteReader::new()?;
        let i = inputs::from_remote(&r, &input_str, inputs::AUDIO_EXTENSIONS)?;
        remote = Some(r);
        i
    } else {
        inputs::collect(input, inputs::AUDIO_EXTENSIONS)?
    };
    if remote.is_none() && listed.calls.iter().any(|c| is_remote(&c.path)) {
        remote = Some(RemoteReader::new()?);
    }
    let shard = plan.options.shard.unwrap_or_default();
    if shard.count > 1 {
        let before = listed.calls.len();
        listed.calls.retain(|c| shard.contains(&c.call_id));
        // Input errors without a call id are reported by the first shard only.
        listed.errors.retain(|e| {
            if e.call_id.is_empty() {
                shard.index == 0
            } else {
                shard.contains(&e.call_id)
            }
        });
        tracing::info!(
            shard = %shard.tag(),
            calls = listed.calls.len(),
            of = before,
            "shard {}/{}: {} of {} calls",
            shard.index,
            shard.count,
            listed.calls.len(),
            before
        );
    }
    Ok((listed, remote))
}

/// The models of a run, loaded once.
struct Models {
    vad: callqa_vad::Vad,
    asr: Asr,
    /// Extracts the acoustic features (the preparation thread).
    analyzer: Option<Analyzer>,
    /// Scores them (the calling thread: batch calibration).
    scoring: Option<Analyzer>,
    /// The operators' voice baselines as they are when the run starts.
    baselines: BaselineStore,
    /// The speaker encoder for mono calls (`None`: `[diarization] enabled = false`).
    diarizer: Option<Diarizer>,
    /// The operators' voiceprints as they are when the run starts.
    voices: VoiceStore,
}

impl Models {
    fn load(plan: &RunPlan, out: &Output) -> Result<Self> {
        let env = callqa_onnx::environment(&paths::onnxruntime_lib())?;
        let vad = callqa_vad::Vad::open(env, &plan.vad_model)?;
        let asr = load_asr(plan)?;
        let (analyzer, scoring) = if plan.acoustic {
            (
                Some(open_acoustic(env, &plan.cfg, &plan.pipeline_path)?),
                Some(open_acoustic(env, &plan.cfg, &plan.pipeline_path)?),
            )
        } else {
            (None, None)
        };
        let baselines = match (&analyzer, &plan.options.baselines) {
            (None, _) => BaselineStore::default(),
            (Some(_), Some(p)) => BaselineStore::load(p)?,
            (Some(_), None) => match out.dataset().get(BASELINES)? {
                Some(b) => {
                    BaselineStore::from_json(&format!("{}/{BASELINES}", out.dataset().url()), &b)?
                }
                None => BaselineStore::default(),
            },
        };
        let diarizer = if plan.cfg.diarization.enabled {
            let base = plan
                .pipeline_path
                .parent()
                .unwrap_or_else(|| Path::new("."));
            let model = callqa_diarize::model_path(&plan.cfg.diarization, base);
            Some(
                Diarizer::open(env, &model, &plan.cfg.diarization).with_context(|| {
                    format!(
                        "pipeline {}: cannot open the speaker encoder for mono calls (turn \
                         diarization off with `[diarization] enabled = false`)",
                        plan.pipeline_path.display()
                    )
                })?,
            )
        } else {
            None
        };
        let encoder = diarizer.as_ref().map_or("", |d| d.encoder_tag());
        let voices = match (&diarizer, voices_path(plan)) {
            (None, _) => VoiceStore::new(""),
            (Some(_), Some(p)) => VoiceStore::load(&p, encoder)?,
            (Some(_), None) => match out.dataset().get(VOICES)? {
                Some(b) => VoiceStore::from_json(
                    &format!("{}/{VOICES}", out.dataset().url()),
                    &b,
                    encoder,
                )?,
                None => VoiceStore::new(encoder),
            },
        };
        Ok(Models {
            vad,
            asr,
            analyzer,
            scoring,
            baselines,
            diarizer,
            voices,
        })
    }
}

/// The run's ASR engine. CTranslate2 gets one replica per worker, each with the worker's
/// threads.
fn load_asr(plan: &RunPlan) -> Result<Asr> {
    match plan.engine {
        AsrEngineKind::WhisperCpp => Ok(Asr::WhisperCpp(AsrEngine::load(
            &plan.model,
            &plan.cfg.asr,
        )?)),
        AsrEngineKind::Ct2 => Ok(Asr::Ct2(callqa_asr::ct2::Ct2Engine::load(
            &plan.model,
            &plan.cfg.asr,
            plan.workers.workers,
            plan.workers.threads_per_worker,
        )?)),
    }
}

/// The voiceprint store: beside `--baselines` when it is given, else in the output.
fn voices_path(plan: &RunPlan) -> Option<PathBuf> {
    plan.options
        .baselines
        .as_ref()
        .map(|p| p.with_file_name("voices.json"))
}

/// Open the emotion and arousal models named by the pipeline (or the shipped ones).
fn open_acoustic(
    env: &callqa_onnx::Environment,
    cfg: &PipelineConfig,
    pipeline_path: &Path,
) -> Result<Analyzer> {
    let base = pipeline_path.parent().unwrap_or_else(|| Path::new("."));
    let [emotion, arousal] =
        callqa_emotion::analysis::model_paths(&cfg.acoustic, base, &paths::shipped_models_dir());
    Analyzer::open(env, &cfg.acoustic, &emotion, &arousal).with_context(|| {
        format!(
            "pipeline {}: cannot open the acoustic models (turn the stage off with \
             `[acoustic] enabled = false` or --no-acoustic)",
            pipeline_path.display()
        )
    })
}

/// The settings of the run, logged once at its start.
fn log_start(plan: &RunPlan, out: &Output) {
    let cfg = &plan.cfg;
    tracing::info!(
        pipeline = %plan.pipeline_path.display(),
        model = %plan.model.display(),
        engine = plan.engine.name(),
        engine_reason = %plan.engine_reason,
        batch_size = cfg.asr.batch_size,
        threads = plan.threads,
        asr_workers = plan.workers.workers,
        threads_per_worker = plan.workers.threads_per_worker,
        language = plan.workers.default_language.as_deref().unwrap_or("auto"),
        window_s = cfg.asr.window_s,
        dynamic_audio_ctx = cfg.asr.dynamic_audio_ctx,
        beam_size = cfg.asr.beam_size,
        run_id = out.dataset().run_id(),
        "callqa run: {}",
        callqa_asr::system_info().trim()
    );
}

/// The preparation thread: prepares the calls in order and queues them for the workers,
/// marking each call's stage in the run's journal of calls in flight. A suspect (in
/// flight once when a run died) runs solo: it starts when no other call is in flight,
/// and the next call starts when it is done, so a crash during it blames it alone.
fn spawn_preparer(
    mut preparer: Preparer,
    todo: Vec<CallInput>,
    tx: mpsc::SyncSender<Step<crate::call::PreparedCall>>,
    journal: Journal,
) -> Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("callqa-prepare".into())
        .spawn(move || {
            for input in todo {
                let solo = input.ticket.crashes().is_some();
                let id = input.meta.call_id.clone();
                if solo {
                    tracing::warn!(call_id = %id, "a run died while this call was in flight: running it alone");
                    journal.wait_idle();
                }
                journal.enter(&id, "decode");
                let step = preparer.prepare(input);
                if step.is_ok() {
                    journal.enter(&id, "asr");
                }
                if tx.send(step).is_err() {
                    break;
                }
                if solo {
                    journal.wait_idle();
                }
            }
        })
        .context("cannot start the preparation thread")
}

/// The calling thread's end of a run: admission, commits, counts, transcripts and the
/// voice statistics learnt.
pub(crate) struct Sink<'a> {
    pub(crate) out: Output,
    pub(crate) events: &'a mut dyn Events,
    pub(crate) report: RunReport,
    grown: BaselineStore,
    grown_voices: VoiceStore,
    dump: Option<PathBuf>,
    /// The run's journal of calls in flight (`callqa run` only).
    journal: Option<Journal>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(out: Output, events: &'a mut dyn Events) -> Self {
        Sink {
            out,
            events,
            report: RunReport::default(),
            grown: BaselineStore::default(),
            grown_voices: VoiceStore::new(""),
            dump: None,
            journal: None,
        }
    }

    /// The call is done with: out of the journal of calls in flight.
    fn leave(&self, call_id: &str) {
        if let Some(j) = &self.journal {
            j.leave(call_id);
        }
    }

    /// Report the broken inputs, ask the ledger about every call, and return those to
    /// process.
    fn admit_all(
        &mut self,
        listed: Inputs,
        plan: &RunPlan,
        remote: Option<&RemoteReader>,
    ) -> Result<Vec<CallInput>> {
        self.events
            .inputs_found(listed.calls.len() + listed.errors.len());
        for e in listed.errors {
            self.report_input_problem(e)?;
        }
        let mut skip_reasons: BTreeMap<String, usize> = BTreeMap::new();
        let mut todo = Vec::new();
        for meta in listed.calls {
            match self.admit(&meta, plan, remote) {
                Admission::Process(ticket) => match ticket.crashes().cloned() {
                    // In flight in two runs that crashed: an error row, not a third try.
                    Some(c) if c.is_poison() => {
                        let failure = CallFailure::crashed(&c, &meta.path);
                        let mut ticket = ticket;
                        // The ledger row names the content, so a rerun skips it unchanged.
                        if !is_remote(&meta.path) {
                            ticket.set_content_hash(sha256_file(Path::new(&meta.path)));
                        }
                        self.commit_failed_row(ticket, failure.into_row(&meta))?;
                    }
                    _ => todo.push(CallInput { meta, ticket }),
                },
                Admission::Skip(reason) => {
                    tracing::debug!(call_id = %meta.call_id, "skipped: {reason}");
                    self.skip(&reason);
                    let short = reason.split(" since run").next().unwrap_or(&reason);
                    let short = short.split(" as in run").next().unwrap_or(short);
                    *skip_reasons.entry(short.to_string()).or_default() += 1;
                }
            }
        }
        for (reason, n) in &skip_reasons {
            tracing::info!(skipped = n, "{n} input(s) skipped: {reason}");
        }
        // Suspects of a crash first, each on its own (see `spawn_preparer`).
        todo.sort_by_key(|c| c.ticket.crashes().is_none());
        self.out
            .index_admitted()
            .with_context(|| format!("cannot read {}", self.out.dataset().url()))?;
        Ok(todo)
    }

    /// The ledger's decision on one call: a local file is hashed only when it changed,
    /// a remote one is hashed once fetched.
    fn admit(
        &mut self,
        meta: &CallMeta,
        plan: &RunPlan,
        remote: Option<&RemoteReader>,
    ) -> Admission {
        let policy = plan.options.policy;
        if !is_remote(&meta.path) {
            return self
                .out
                .admit_file(&meta.call_id, Path::new(&meta.path), policy);
        }
        let stat = remote
            .and_then(|r| r.stat(&meta.path).ok())
            .map(|r| InputStat {
                size: Some(r.size),
                mtime: Some(r.mtime),
            })
            .unwrap_or_default();
        self.out
            .admit(&meta.call_id, &meta.path, stat, policy, &mut || None)
    }

    pub(crate) fn skip(&mut self, reason: &str) {
        self.report.skipped += 1;
        self.events.skipped(reason);
    }

    /// An input problem with no call of its own, reported once across runs.
    pub(crate) fn report_input_problem(&mut self, e: ErrorRow) -> Result<()> {
        self.report_input_problem_with(e, InputStat::default())
    }

    pub(crate) fn report_input_problem_with(&mut self, e: ErrorRow, stat: InputStat) -> Result<()> {
        let reported = self.out.report_input_problem(e.clone(), stat)?;
        if reported {
            self.report.failed += 1;
            self.events.failed(&e);
        } else {
            self.skip("input problem already reported in errors/");
        }
        Ok(())
    }

    /// One call back from the Whisper workers: assemble it, commit it, dump its
    /// transcript, count it.
    fn finish_call(&mut self, step: Step<TranscribedCall>, assembler: &Assembler) -> Result<()> {
        let transcribed = match step {
            Ok(t) => t,
            Err(failed) => return self.commit_failure(*failed),
        };
        if let Some(j) = &self.journal {
            j.enter(&transcribed.input.meta.call_id, "features");
        }
        match assembler.assemble(transcribed) {
            Ok(record) => {
                if let Some(dir) = &self.dump {
                    write_transcript(dir, &transcript_of(&record))?;
                }
                self.commit_record(record)
            }
            Err(failed) => self.commit_failure(*failed),
        }
    }

    /// A call back from the [`DeferredScorer`]: its acoustic scores (or why scoring
    /// failed: a warning row, the call is still written), then as [`Sink::finish_call`].
    fn finish_scored(
        &mut self,
        scored: Scored<TranscribedCall>,
        assembler: &Assembler,
    ) -> Result<()> {
        let mut call = scored.payload;
        call.acoustic_s += scored.seconds;
        let path = call.input.meta.path.clone();
        call.acoustic = Some(scored.channels.map_err(|e| {
            crate::failure::CallFailure::new(
                crate::failure::Stage::Acoustic,
                e.kind(),
                format!("{path}: {e}"),
            )
        }));
        self.finish_call(Ok(call), assembler)
    }

    pub(crate) fn commit_failure(&mut self, failed: crate::call::Failed) -> Result<()> {
        let row = failed.row();
        self.commit_failed_row(failed.input.ticket, row)
    }

    /// Commit an input's error row (it gets no call row).
    pub(crate) fn commit_failed_row(&mut self, ticket: Ticket, row: ErrorRow) -> Result<()> {
        self.leave(ticket.call_id());
        self.report.failed += 1;
        self.events.failed(&row);
        self.out
            .commit(ticket, CallResult::Failed(row))
            .with_context(|| format!("cannot write to {}", self.out.dataset().url()))
    }

    pub(crate) fn commit_record(&mut self, mut record: CallRecord) -> Result<()> {
        tracing::info!(
            call_id = %record.call.call_id,
            audio_s = format!("{:.1}", record.audio_s),
            utterances = record.utterances.len(),
            done = self.report.written + 1,
            "call processed"
        );
        self.leave(record.input.ticket.call_id());
        self.report.written += 1;
        if !record.warnings.is_empty() {
            self.report.warnings += 1;
        }
        self.events.call_done(&record);
        let voice = record.operator_voice.take();
        let voiceprint = record.operator_voiceprint.take();
        let result = CallResult::Written {
            call: Box::new(record.call),
            utterances: record.utterances,
            warnings: record.warnings,
        };
        self.out
            .commit(record.input.ticket, result)
            .with_context(|| format!("cannot write to {}", self.out.dataset().url()))?;
        if let Some((id, stats)) = voice {
            for s in &stats {
                self.grown.merge(&id, s)?;
            }
        }
        if let Some((id, v)) = voiceprint {
            self.grown_voices.add(&id, &v);
        }
        Ok(())
    }

    pub(crate) fn flush(&mut self) -> Result<()> {
        self.out
            .flush()
            .with_context(|| format!("cannot write to {}", self.out.dataset().url()))
    }

    /// Fold this run's operators into the voice baselines, now that their calls are all
    /// written, and store them: read-modify-write of the store as it is *now*, under a
    /// lock, so shards finishing together add up instead of overwriting each other.
    fn save_baselines(&self, plan: &RunPlan) -> Result<()> {
        if self.grown.operators.is_empty() {
            return Ok(());
        }
        let at = match &plan.options.baselines {
            Some(p) => {
                BaselineStore::merge_into_file(p, &self.grown)?;
                p.display().to_string()
            }
            None => {
                let ds = self.out.dataset();
                let name = format!("{}/{BASELINES}", ds.url());
                ds.update(BASELINES, |old| {
                    let mut store = match old {
                        Some(b) => BaselineStore::from_json(&name, &b)?,
                        None => BaselineStore::default(),
                    };
                    store.absorb(&self.grown)?;
                    Ok(store.to_json())
                })?;
                name
            }
        };
        tracing::info!(
            path = %at,
            operators = self.grown.operators.len(),
            "operator voice baselines updated"
        );
        Ok(())
    }
}

impl Sink<'_> {
    /// Fold this run's confident mono calls into the operators' voiceprints and store
    /// them (like the voice baselines: read at the start, written once at the end).
    fn save_voices(&self, plan: &RunPlan, start: &VoiceStore) -> Result<()> {
        if self.grown_voices.operators.is_empty() {
            return Ok(());
        }
        let mut store = start.clone();
        store.merge(&self.grown_voices);
        match voices_path(plan) {
            Some(p) => store.save(&p)?,
            None => self.out.dataset().put(VOICES, store.to_json())?,
        }
        tracing::info!(
            operators = self.grown_voices.operators.len(),
            "operator voiceprints updated"
        );
        Ok(())
    }
}

/// The transcript JSON of a call (the `callqa analyze` input format), from its rows: the
/// dump holds what the tables hold, personal data redacted.
fn transcript_of(record: &CallRecord) -> Transcript {
    let meta = &record.input.meta;
    let utterances: Vec<Utterance> = record
        .utterances
        .iter()
        .map(|u| Utterance {
            speaker: u.speaker.parse().unwrap_or(Speaker::Mixed),
            start_s: u.start_s,
            end_s: u.end_s,
            text: u.text.clone(),
        })
        .collect();
    Transcript::from_utterances(
        &meta.call_id,
        meta.operator_id.as_deref(),
        meta.started_at,
        record.call.language.as_deref(),
        &utterances,
    )
}

/// Write `<dir>/<name>.json`, the name from [`callqa_core::file_name_for`]: distinct call
/// ids never share a file (`a/b`, `a_b`, `a b` → `a%2Fb`, `a_b`, `a%20b`).
pub fn write_transcript(dir: &Path, t: &Transcript) -> Result<()> {
    let safe = callqa_core::file_name_for(&t.call_id);
    let path = dir.join(format!("{safe}.json"));
    let tmp = dir.join(format!(".{safe}.json.tmp"));
    let json = serde_json::to_vec_pretty(t)?;
    std::fs::write(&tmp, json).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
