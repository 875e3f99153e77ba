//! `callqa report`: one self-contained HTML report (inline SVG charts, no network) from
//! an output folder and the tables of `callqa score`. Everything is in `callqa-report`;
//! this only parses arguments and prints what was written.

use crate::Outcome;
use anyhow::{Context, Result};
use callqa_report::{build_report, Lang, Options};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `callqa report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Output folder of `callqa run` / `callqa analyze` (calls/ and utterances/ are read).
    #[arg(long)]
    pub features: PathBuf,
    /// Folder with the tables of `callqa score` (default: the features folder when it holds them).
    #[arg(long)]
    pub scores: Option<PathBuf>,
    /// The HTML file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Label language: en, ru, or both (with a toggle in the page).
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    pub lang: Lang,
    /// Page title.
    #[arg(long)]
    pub title: Option<String>,
    /// At most this many transcripts in the file (the review queue's calls, best-ranked first).
    #[arg(long, default_value_t = 5000)]
    pub max_transcripts: usize,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language {s:?}: use en, ru or both"))
}

/// Entry point of `callqa report`.
pub fn report(args: ReportArgs) -> Result<Outcome> {
    let s = build_report(&Options {
        features: &args.features,
        scores: args.scores.as_deref(),
        out: &args.out,
        lang: args.lang,
        title: args.title.as_deref(),
        max_transcripts: args.max_transcripts,
    })
    .with_context(|| format!("callqa report from {}", args.features.display()))?;
    println!(
        "callqa report: {} calls, {} operators, {} days, {} review-queue rows, {} transcripts{} -> {} ({:.1} KiB)",
        s.calls,
        s.operators,
        s.days,
        s.review,
        s.transcripts,
        if s.has_scores { "" } else { " (no score tables: run callqa score)" },
        s.path.display(),
        s.bytes as f64 / 1024.0
    );
    Ok(Outcome { failed: 0 })
}
