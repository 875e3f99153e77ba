//! `callqa sql`: print a DuckDB session script that creates views over an output folder
//! (the source tables and the BI views of the repository's `sql/` folder). The script is
//! built by `callqa_report::sql`; this resolves paths and prints it.

use crate::Outcome;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `callqa sql`.
#[derive(Args, Debug)]
pub struct SqlArgs {
    /// Output folder of `callqa run` / `callqa analyze` (and of `callqa score`, unless --scores).
    #[arg(long)]
    pub out: PathBuf,
    /// Folder with the tables of `callqa score`, when not the same as --out.
    #[arg(long)]
    pub scores: Option<PathBuf>,
}

/// Entry point of `callqa sql`.
pub fn sql(args: SqlArgs) -> Result<Outcome> {
    let abs = |p: &PathBuf| {
        std::fs::canonicalize(p).with_context(|| format!("{}: cannot open the folder", p.display()))
    };
    let features = abs(&args.out)?;
    let scores = match &args.scores {
        Some(s) => abs(s)?,
        None => features.clone(),
    };
    let script = callqa_report::sql::session_script(&features, &scores);
    anyhow::ensure!(
        script.tables.iter().any(|t| t == "calls"),
        "{}: no calls/ Parquet (expected the output folder of callqa run / analyze)",
        features.display()
    );
    print!("{}", script.sql);
    for (view, missing) in &script.skipped {
        eprintln!(
            "callqa sql: {view} left out: no {} table",
            missing.join(", ")
        );
    }
    Ok(Outcome { failed: 0 })
}
