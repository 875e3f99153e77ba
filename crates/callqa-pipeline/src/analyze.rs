//! `callqa analyze`: bring-your-own transcripts (another ASR, a vendor export) through
//! the same [`Assembler`] as `callqa run` into the same Parquet, acoustic columns null.
//! A transcript enters the pipeline as a [`TranscribedCall`].

use crate::assemble::Assembler;
use crate::call::{CallInput, TranscribedCall};
use crate::events::{Events, RunReport};
use crate::failure::{CallFailure, Stage};
use crate::plan::{load_pipeline, pipeline_for};
use crate::run::Sink;
use anyhow::{Context, Result};
use callqa_core::{ErrorRow, Transcript};
use callqa_dataset::{sha256_file, stat_file, Admission, OpenOptions, Output, Policy};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a user asks of `callqa analyze`.
#[derive(Clone, Debug, Default)]
pub struct AnalyzeOptions {
    /// Folder of transcript JSON files (searched recursively), or one file.
    pub transcripts: PathBuf,
    /// Output folder.
    pub out: PathBuf,
    /// Pipeline file (default: the Russian pack).
    pub pipeline: Option<PathBuf>,
    /// Commit every N calls.
    pub flush_every: usize,
    /// Analyse every transcript again, replacing earlier rows.
    pub reprocess: bool,
}

/// Apply the rules to every transcript of `opts.transcripts` and commit the rows.
pub fn analyze(opts: &AnalyzeOptions, events: &mut dyn Events) -> Result<RunReport> {
    let pipeline_path = pipeline_for(opts.pipeline.clone(), None);
    let (cfg, rules) = load_pipeline(&pipeline_path)?;
    let cfg = Arc::new(cfg);
    let (files, walk_errors) = transcript_files(&opts.transcripts)?;
    let url = opts.out.to_string_lossy().to_string();
    let out = Output::open(&url, opts.flush_every, OpenOptions::default())
        .with_context(|| format!("cannot use output {url}"))?;
    let policy = Policy {
        reprocess: opts.reprocess,
        retry_errors: false,
    };
    let assembler = Assembler::new(Arc::clone(&cfg), rules, None);
    let mut sink = Sink::new(out, events);
    sink.events.inputs_found(files.len() + walk_errors.len());
    for e in walk_errors {
        sink.report_input_problem(e)?;
    }
    let mut seen = HashSet::new();
    for f in files {
        analyze_one(&f, &cfg, policy, &assembler, &mut sink, &mut seen)?;
    }
    sink.flush()?;
    let report = sink.report;
    sink.out
        .finish()
        .with_context(|| format!("cannot finish writing {url}"))?;
    Ok(report)
}

/// One transcript file: read it, ask the ledger, assemble and commit it.
fn analyze_one(
    f: &Path,
    cfg: &callqa_core::PipelineConfig,
    policy: Policy,
    assembler: &Assembler,
    sink: &mut Sink<'_>,
    seen: &mut HashSet<String>,
) -> Result<()> {
    let path = f.display().to_string();
    let default_language = cfg.pipeline.language.as_str();
    // Larger files are refused from their size, before they are read (issue 17).
    let t = match Transcript::from_path_limited(f, cfg.input.max_transcript_bytes) {
        Ok(t) => t,
        Err(e) => {
            // A file that is not a transcript is keyed by its file stem.
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let Some(ticket) = admit(sink, &stem, f, policy) else {
                return Ok(());
            };
            let failure = CallFailure::new(Stage::Transcript, e.kind(), e.to_string());
            return sink.commit_failed_row(ticket, failure.row_for(&stem, &path, None));
        }
    };
    let meta = t.meta(&path);
    if !seen.insert(meta.call_id.clone()) {
        let message = format!(
            "{}: call_id {:?} is used by another transcript file",
            meta.path, meta.call_id
        );
        let row = CallFailure::new(Stage::Transcript, "duplicate_call_id", message).into_row(&meta);
        return sink.report_input_problem_with(row, stat_file(f));
    }
    let Some(ticket) = admit(sink, &meta.call_id, f, policy) else {
        return Ok(());
    };
    let call = TranscribedCall {
        diarized: None,
        channel_of: Vec::new(),
        diarization_failure: None,
        layout: t.layout(),
        duration_s: t.duration_s(),
        language: t
            .language
            .clone()
            .or_else(|| Some(default_language.to_string())),
        utterances: t.to_utterances(),
        asr_model: None,
        acoustic_features: None,
        acoustic: None,
        acoustic_s: 0.0,
        input: CallInput { meta, ticket },
    };
    match assembler.assemble(call) {
        Ok(record) => sink.commit_record(record),
        Err(failed) => sink.commit_failure(*failed),
    }
}

/// The ledger's decision on a transcript file; `None` (counted as skipped) when it is
/// not to be analysed.
fn admit(
    sink: &mut Sink<'_>,
    call_id: &str,
    f: &Path,
    policy: Policy,
) -> Option<callqa_dataset::Ticket> {
    match sink.out.admit_file(call_id, f, policy) {
        Admission::Process(mut ticket) => {
            ticket.set_content_hash(sha256_file(f));
            Some(ticket)
        }
        Admission::Skip(reason) => {
            tracing::debug!(call_id, "skipped: {reason}");
            sink.skip(&reason);
            None
        }
    }
}

/// The transcript files under `dir` (or `dir` itself when it is a file), sorted, and an
/// error row for every entry the walk could not read (symlink loops, dangling links,
/// unreadable folders) instead of letting them vanish.
fn transcript_files(dir: &Path) -> Result<(Vec<PathBuf>, Vec<ErrorRow>)> {
    if dir.is_file() {
        return Ok((vec![dir.to_path_buf()], Vec::new()));
    }
    if !dir.is_dir() {
        anyhow::bail!("transcripts {} do not exist", dir.display());
    }
    let mut files: Vec<PathBuf> = Vec::new();
    let mut errors = Vec::new();
    for e in walkdir::WalkDir::new(dir).follow_links(true) {
        match e {
            Ok(e) => {
                let is_json = e
                    .path()
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("json"));
                let hidden = e.file_name().to_string_lossy().starts_with('.');
                if e.file_type().is_file() && is_json && !hidden {
                    files.push(e.into_path());
                }
            }
            Err(e) => {
                let path = e.path().unwrap_or(dir).display().to_string();
                let kind = crate::inputs::walk_error_kind(&e);
                let message = format!("{path}: cannot read: {e}");
                errors.push(CallFailure::new(Stage::Input, kind, message).row_for("", &path, None));
            }
        }
    }
    files.sort();
    Ok((files, errors))
}
