//! `callqa analyze`: bring-your-own transcripts (another ASR, a vendor export) through
//! the same rules and timing features into the same Parquet, acoustic columns null.

use crate::output::{self, record, Output};
use crate::run::{error_row, load_pipeline, Outcome};
use crate::summary::{CallSummary, Summary};
use anyhow::Result;
use callqa_core::{ErrorRow, Transcript};
use callqa_dataset::{Decision, InputStat, OpenOptions, Outcome as Ledger, Policy};
use chrono::Utc;
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `callqa analyze`.
#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// Folder of transcript JSON files (searched recursively), or one file.
    #[arg(long)]
    pub transcripts: PathBuf,
    /// Output folder (Parquet tables calls/, utterances/, errors/).
    #[arg(long)]
    pub out: PathBuf,
    /// Pipeline file (default: pipelines/ru-contact-center.toml).
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
    /// Write Parquet files every N calls.
    #[arg(long, default_value_t = 1000)]
    pub flush_every: usize,
    /// Print the per-call summary table for at most this many calls.
    #[arg(long, default_value_t = 50)]
    pub summary_rows: usize,
    /// Analyse every transcript again, even those the ledger says are done; earlier rows
    /// are replaced, never duplicated.
    #[arg(long)]
    pub reprocess: bool,
}

/// Entry point of `callqa analyze`.
pub fn analyze(args: AnalyzeArgs) -> Result<Outcome> {
    let t0 = Instant::now();
    let pipeline_path = crate::resolve_pipeline(args.pipeline.clone(), None);
    let (cfg, rules) = load_pipeline(&pipeline_path)?;
    // Entries the folder walk could not read (symlink loops, dangling links, unreadable
    // folders) become error rows instead of vanishing.
    let mut walk_errors: Vec<ErrorRow> = Vec::new();
    let files = if args.transcripts.is_file() {
        vec![args.transcripts.clone()]
    } else if args.transcripts.is_dir() {
        let mut v: Vec<PathBuf> = Vec::new();
        for e in walkdir::WalkDir::new(&args.transcripts).follow_links(true) {
            match e {
                Ok(e) => {
                    if e.file_type().is_file()
                        && e.path()
                            .extension()
                            .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                        && !e.file_name().to_string_lossy().starts_with('.')
                    {
                        v.push(e.into_path());
                    }
                }
                Err(e) => {
                    let path = e.path().unwrap_or(&args.transcripts).display().to_string();
                    let kind = crate::inputs::walk_error_kind(&e);
                    walk_errors.push(ErrorRow {
                        call_id: String::new(),
                        call_date: None,
                        path: path.clone(),
                        stage: "input".into(),
                        error_kind: kind.into(),
                        message: format!("{path}: cannot read: {e}"),
                        processed_at: Utc::now(),
                    });
                }
            }
        }
        v.sort();
        v
    } else {
        anyhow::bail!("transcripts {} do not exist", args.transcripts.display());
    };
    let mut out = Output::open(&args.out, args.flush_every, OpenOptions::default())?;
    let policy = Policy {
        reprocess: args.reprocess,
        retry_errors: false,
    };
    let mut summary = Summary::new(files.len() + walk_errors.len());
    for e in walk_errors {
        if out.report_input_problem(e, InputStat::default())? {
            summary.failed += 1;
        } else {
            summary.skipped += 1;
        }
    }
    let mut seen = std::collections::HashSet::new();
    for f in files {
        let path = f.display().to_string();
        let stat = output::stat_file(&f);
        let decide = |out: &Output, call_id: &str| {
            out.dataset()
                .decide(call_id, call_id, &path, stat, policy, &mut || {
                    output::sha256_file(&f)
                })
        };
        let t = match Transcript::from_path(&f) {
            Ok(t) => t,
            Err(e) => {
                let stem = f
                    .file_stem()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_default();
                let replace = match decide(&out, &stem) {
                    Decision::Skip(_) => {
                        summary.skipped += 1;
                        continue;
                    }
                    Decision::Process { replace } => replace,
                };
                summary.failed += 1;
                let rec = record(
                    &stem,
                    &stem,
                    &path,
                    stat,
                    output::sha256_file(&f),
                    Ledger::Error,
                    Some("transcript"),
                );
                let row = ErrorRow {
                    call_id: stem,
                    call_date: None,
                    path,
                    stage: "transcript".into(),
                    error_kind: "bad_transcript".into(),
                    message: e.to_string(),
                    processed_at: Utc::now(),
                };
                out.push_failed(row, rec, replace)?;
                continue;
            }
        };
        let meta = t.meta(&path);
        if !seen.insert(meta.call_id.clone()) {
            let message = format!(
                "{}: call_id {:?} is used by another transcript file",
                meta.path, meta.call_id
            );
            let row = error_row(&meta, "transcript", "duplicate_call_id", message);
            if out.report_input_problem(row, stat)? {
                summary.failed += 1;
            } else {
                summary.skipped += 1;
            }
            continue;
        }
        let replace = match decide(&out, &meta.call_id) {
            Decision::Skip(reason) => {
                tracing::debug!(call_id = %meta.call_id, "skipped: {reason}");
                summary.skipped += 1;
                continue;
            }
            Decision::Process { replace } => replace,
        };
        let utterances = t.to_utterances();
        let (layout, duration_s) = (t.layout(), t.duration_s());
        let language = t
            .language
            .clone()
            .or_else(|| Some(cfg.pipeline.language.clone()));
        let (call, rows) = callqa_features::build_rows(
            &meta,
            duration_s,
            layout,
            language.as_deref(),
            &utterances,
            &rules,
            &cfg,
            None,
            None,
            Utc::now(),
        );
        summary.add(CallSummary::from_row(&call, duration_s));
        let rec = record(
            &meta.call_id,
            &meta.call_id,
            &path,
            stat,
            output::sha256_file(&f),
            Ledger::Ok,
            None,
        );
        out.push_call(call, rows, rec, replace)?;
    }
    out.finish()?;
    summary.print(&args.out, t0.elapsed(), args.summary_rows);
    Ok(Outcome {
        failed: summary.failed,
    })
}
