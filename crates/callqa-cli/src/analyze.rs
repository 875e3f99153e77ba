//! `callqa analyze`: bring-your-own transcripts (another ASR, a vendor export) through
//! the same rules and timing features into the same Parquet, acoustic columns null.

use crate::output::Output;
use crate::run::{error_row, load_pipeline, Outcome};
use crate::summary::{CallSummary, Summary};
use anyhow::Result;
use callqa_core::{ErrorRow, Transcript};
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
}

/// Entry point of `callqa analyze`.
pub fn analyze(args: AnalyzeArgs) -> Result<Outcome> {
    let t0 = Instant::now();
    let pipeline_path = crate::resolve_pipeline(args.pipeline.clone(), None);
    let (cfg, rules) = load_pipeline(&pipeline_path)?;
    let files = if args.transcripts.is_file() {
        vec![args.transcripts.clone()]
    } else if args.transcripts.is_dir() {
        let mut v: Vec<PathBuf> = walkdir::WalkDir::new(&args.transcripts)
            .follow_links(true)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_type().is_file()
                    && e.path()
                        .extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                    && !e.file_name().to_string_lossy().starts_with('.')
            })
            .map(|e| e.into_path())
            .collect();
        v.sort();
        v
    } else {
        anyhow::bail!("transcripts {} do not exist", args.transcripts.display());
    };
    let mut out = Output::open(&args.out, args.flush_every)?;
    let mut summary = Summary::new(files.len());
    let mut seen = std::collections::HashSet::new();
    for f in files {
        let path = f.display().to_string();
        let t = match Transcript::from_path(&f) {
            Ok(t) => t,
            Err(e) => {
                summary.failed += 1;
                out.push_error(ErrorRow {
                    call_id: f
                        .file_stem()
                        .map(|s| s.to_string_lossy().to_string())
                        .unwrap_or_default(),
                    call_date: None,
                    path,
                    stage: "transcript".into(),
                    error_kind: "bad_transcript".into(),
                    message: e.to_string(),
                    processed_at: Utc::now(),
                });
                continue;
            }
        };
        let meta = t.meta(&path);
        if out.existing.contains(&meta.call_id) {
            summary.skipped += 1;
            continue;
        }
        if !seen.insert(meta.call_id.clone()) {
            summary.failed += 1;
            out.push_error(error_row(
                &meta,
                "transcript",
                "duplicate_call_id",
                format!(
                    "{}: call_id {:?} is used by another transcript file",
                    meta.path, meta.call_id
                ),
            ));
            continue;
        }
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
        out.push_call(call, rows)?;
    }
    out.flush()?;
    summary.print(&args.out, t0.elapsed(), args.summary_rows);
    Ok(Outcome {
        failed: summary.failed,
    })
}
