//! `callqa score`: scores, rating drivers, review queue and Service Level from the
//! `calls/` Parquet of `callqa run` / `callqa analyze`, a ratings CSV and optional call
//! metadata. The CLI only resolves paths and prints; everything else is in
//! `callqa-scores`.

use crate::Outcome;
use anyhow::{Context, Result};
use callqa_core::PipelineConfig;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `callqa score`.
#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// Output folder of `callqa run` / `callqa analyze` (its calls/ Parquet is read).
    #[arg(long)]
    pub features: PathBuf,
    /// Ratings CSV: call_id,rating,scale[,rated_at] with scale csat5 (1-5) or nps10 (0-10).
    #[arg(long)]
    pub ratings: PathBuf,
    /// Call metadata CSV for Service Level: call_id,channel,queue,offered_at,answered_at,abandoned_at.
    #[arg(long)]
    pub calls_meta: Option<PathBuf>,
    /// Output folder (may be the features folder); earlier `callqa score` tables there are replaced.
    #[arg(long)]
    pub out: PathBuf,
    /// Pipeline file with [scores] and [service_level] (default: pipelines/ru-contact-center.toml).
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
}

/// Entry point of `callqa score`.
pub fn score(args: ScoreArgs) -> Result<Outcome> {
    let pipeline_path = crate::resolve_pipeline(args.pipeline.clone(), None);
    let cfg = PipelineConfig::from_path(&pipeline_path)?;
    let summary = callqa_scores::score(&callqa_scores::Options {
        features: &args.features,
        ratings: &args.ratings,
        calls_meta: args.calls_meta.as_deref(),
        out: &args.out,
        pipeline: &cfg,
    })
    .with_context(|| format!("callqa score into {}", args.out.display()))?;
    println!(
        "callqa score: {} calls, {} rated, {} predicted, {} in the review queue, {} service-level intervals, {} error rows, {} files in {}",
        summary.calls,
        summary.rated,
        summary.predicted,
        summary.review,
        summary.service_intervals,
        summary.errors,
        summary.files,
        args.out.display()
    );
    println!();
    // The interval's level follows [scores] alpha (0.1: "90% CI", 0.025: "97.5% CI").
    let pct = 100.0 * (1.0 - cfg.scores.alpha);
    let level = if (pct - pct.round()).abs() < 1e-9 {
        format!("{pct:.0}% CI")
    } else {
        format!("{pct:.1}% CI")
    };
    println!(
        "{:<24} {:>5} {:>4} {:>8} {:>18} {:>9} {:<13} recommendation",
        "driver", "n", "ops", "effect", level, "p (Holm)", "verdict"
    );
    let num = |v: Option<f64>, prec: usize| v.map_or("-".to_string(), |v| format!("{v:+.prec$}"));
    for r in &summary.drivers {
        let ci = match (r.ci_lo, r.ci_hi) {
            (Some(lo), Some(hi)) => format!("[{lo:+.2}, {hi:+.2}]"),
            _ => "-".into(),
        };
        println!(
            "{:<24} {:>5} {:>4} {:>8} {:>18} {:>9} {:<13} {}",
            r.element,
            r.n,
            r.operators,
            num(r.effect, 2),
            ci,
            r.p_value_holm.map_or("-".into(), |p| format!("{p:.4}")),
            r.verdict.name(),
            r.recommendation
        );
    }
    println!(
        "(effects: points of the 0-10 rating per unit, within operators (operator fixed effects), net of the other elements, call complexity and survey type; \
         intervals and p-values: wild cluster bootstrap by operator; proven = associated with ratings (observational data); \
         no_effect = interval within +-{} points: drop; inconclusive: collect more rated calls)",
        cfg.scores.equivalence_margin
    );
    Ok(Outcome {
        failed: summary.errors,
    })
}
