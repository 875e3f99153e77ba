//! `callqa eval`: compare the predicted `calls/` Parquet of an output folder with a
//! labelled truth CSV and print per-element quality; with `--pii-truth`, also score the
//! personal-data redaction of `utterances/` against labelled spans. The CLI only reads
//! files and prints; the metrics live in `callqa_features::eval` (pure, unit-tested).

use anyhow::{Context, Result};
use callqa_features::eval::{
    self, PiiSpan, Table, Value, BOOL_COLUMNS, COUNT_COLUMNS, SET_COLUMNS,
};
use callqa_parquet::Cell;
use clap::Args;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tracing::warn;

/// Exit code of `callqa eval` when an element is below its threshold.
pub const EXIT_BELOW_THRESHOLD: u8 = 4;

/// Arguments of `callqa eval`.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Output folder of `callqa analyze` / `callqa run` (its calls/ Parquet is read).
    #[arg(long)]
    pub pred: PathBuf,
    /// Truth CSV: call_id, then any of the scored columns (empty cell = not scored).
    #[arg(long)]
    pub truth: PathBuf,
    /// Fail (exit 4) when the F1 of any boolean element is below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_f1: f64,
    /// Fail (exit 4) when the exact-match rate of any count is below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_exact: f64,
    /// Labelled personal data: CSV call_id, idx, kind, value (kind PHONE, CARD, EMAIL,
    /// PASSPORT, SNILS, INN, or KEEP for a number that must stay); scores the redaction of
    /// the predicted utterances/ texts.
    #[arg(long)]
    pub pii_truth: Option<PathBuf>,
    /// With --pii-truth: fail (exit 4) when redaction recall is below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_redaction_recall: f64,
    /// With --pii-truth: fail (exit 4) when the share of KEEP numbers kept is below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_kept: f64,
}

/// Entry point: `Ok(true)` when every element meets its threshold.
pub fn eval(args: EvalArgs) -> Result<bool> {
    let truth = read_truth(&args.truth)?;
    anyhow::ensure!(
        !truth.is_empty(),
        "{}: no usable truth rows",
        args.truth.display()
    );
    let pred = read_pred(&args.pred)?;
    let report = eval::evaluate(&truth, &pred);
    println!(
        "callqa eval: {} truth calls, {} predicted calls ({})",
        truth.len(),
        pred.len(),
        args.pred.display()
    );
    if !report.missing.is_empty() {
        println!(
            "ERROR: {} truth call(s) missing from the predictions, scored as wrong: {}",
            report.missing.len(),
            report.missing.join(", ")
        );
    }
    if !report.extra.is_empty() {
        println!(
            "note: {} predicted call(s) not in the truth, ignored",
            report.extra.len()
        );
    }
    println!();
    println!(
        "{:<24} {:>5} {:>4} {:>4} {:>4} {:>9} {:>7} {:>6}",
        "element", "n", "TP", "FP", "FN", "precision", "recall", "F1"
    );
    for c in BOOL_COLUMNS {
        if let Some(s) = report.bools.get(*c) {
            println!(
                "{:<24} {:>5} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>6.3}",
                c,
                s.n(),
                s.tp,
                s.fp,
                s.fn_,
                s.precision(),
                s.recall(),
                s.f1()
            );
        }
    }
    println!();
    println!("{:<24} {:>5} {:>6} {:>6}", "count", "n", "exact", "MAE");
    for c in COUNT_COLUMNS {
        if let Some(s) = report.counts.get(*c) {
            println!(
                "{:<24} {:>5} {:>6.3} {:>6.3}",
                c,
                s.n,
                s.exact_rate(),
                s.mae()
            );
        }
    }
    print_sets(&report);
    let mut failures = report.failures(args.min_f1, args.min_exact);
    if let Some(path) = &args.pii_truth {
        failures.extend(redaction(&args, path, &truth)?);
    }
    println!();
    if failures.is_empty() {
        println!(
            "PASS (min F1 {}, min exact {})",
            args.min_f1, args.min_exact
        );
    } else {
        println!("FAIL: {}", failures.join("; "));
    }
    Ok(failures.is_empty())
}

/// Per-value scores of the set columns (complaint types).
fn print_sets(report: &eval::Report) {
    for (col, per) in &report.sets {
        println!();
        println!(
            "{:<24} {:>5} {:>4} {:>4} {:>4} {:>9} {:>7} {:>6}",
            col, "n", "TP", "FP", "FN", "precision", "recall", "F1"
        );
        for (name, s) in per {
            println!(
                "  {:<22} {:>5} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>6.3}",
                name,
                s.n(),
                s.tp,
                s.fp,
                s.fn_,
                s.precision(),
                s.recall(),
                s.f1()
            );
        }
    }
}

/// Score redaction against the labelled spans; returns the failed thresholds.
fn redaction(args: &EvalArgs, path: &Path, truth: &Table) -> Result<Vec<String>> {
    let spans = read_pii_truth(path)?;
    let texts: BTreeMap<(String, u32), String> =
        callqa_parquet::read_table(&args.pred, "utterances")
            .with_context(|| format!("cannot read utterances in {}", args.pred.display()))?
            .into_iter()
            .filter_map(|r| {
                let id = match r.get("call_id") {
                    Some(Cell::Str(s)) => s.clone(),
                    _ => return None,
                };
                let idx = match r.get("idx") {
                    Some(Cell::Int(n)) => u32::try_from(*n).ok()?,
                    _ => return None,
                };
                let text = match r.get("text") {
                    Some(Cell::Str(s)) => s.clone(),
                    _ => String::new(),
                };
                Some(((id, idx), text))
            })
            .collect();
    let calls = truth.keys().cloned().collect();
    let r = eval::evaluate_redaction(&spans, &texts, &calls);
    println!();
    println!(
        "{:<24} {:>5} {:>4} {:>4} {:>4} {:>9} {:>7} {:>6}",
        "redaction", "spans", "TP", "FP", "FN", "precision", "recall", "F1"
    );
    let total = r.total();
    for (kind, s) in r.kinds.iter().chain([(&"all".to_string(), &total)]) {
        println!(
            "  {:<22} {:>5} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>6.3}",
            kind,
            s.tp + s.fn_,
            s.tp,
            s.fp,
            s.fn_,
            s.precision(),
            s.recall(),
            s.f1()
        );
    }
    println!(
        "  {:<22} {:>5} kept {} ({:.3})",
        "numbers that must stay",
        r.keep_total,
        r.kept,
        r.kept_rate()
    );
    for m in &r.misses {
        println!("  miss: {m}");
    }
    let mut failures = Vec::new();
    if total.recall() + 1e-12 < args.min_redaction_recall {
        failures.push(format!(
            "redaction: recall {:.3} < {}",
            total.recall(),
            args.min_redaction_recall
        ));
    }
    if r.kept_rate() + 1e-12 < args.min_kept {
        failures.push(format!(
            "redaction: kept {:.3} < {}",
            r.kept_rate(),
            args.min_kept
        ));
    }
    Ok(failures)
}

/// Read the labelled personal data (call_id, idx, kind, value).
fn read_pii_truth(path: &Path) -> Result<Vec<PiiSpan>> {
    let mut rdr = csv::ReaderBuilder::new()
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut spans = Vec::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{}: unreadable row", path.display()))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |k: usize| rec.get(k).unwrap_or("").to_string();
        let kind = field(2).trim().to_ascii_uppercase();
        let idx = field(1).trim().parse::<u32>();
        let known = eval::known_pii_kind(&kind);
        match idx {
            Ok(idx) if known && !field(3).is_empty() => spans.push(PiiSpan {
                call_id: field(0).trim().to_string(),
                idx,
                kind,
                value: field(3),
            }),
            _ => report_bad(path, line, "expected call_id, idx (>= 0), kind (PHONE, CARD, EMAIL, PASSPORT, SNILS, INN or KEEP), value"),
        }
    }
    anyhow::ensure!(!spans.is_empty(), "{}: no labelled spans", path.display());
    Ok(spans)
}

fn parse_cell(col: &str, raw: &str) -> Result<Value, String> {
    let v = raw.trim();
    if SET_COLUMNS.contains(&col) {
        return Ok(Value::Set(
            v.split([';', ','])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect(),
        ));
    }
    if v.is_empty() {
        return Ok(Value::Null);
    }
    if BOOL_COLUMNS.contains(&col) {
        match v.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "y" | "t" => Ok(Value::Bool(true)),
            "false" | "0" | "no" | "n" | "f" => Ok(Value::Bool(false)),
            _ => Err(format!("{col} = {v:?}: expected true or false")),
        }
    } else {
        match v.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(Value::Count(n)),
            _ => Err(format!("{col} = {v:?}: expected a count (integer >= 0)")),
        }
    }
}

/// Read the truth CSV. A broken row is reported with its line number and skipped.
fn read_truth(path: &Path) -> Result<Table> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("cannot read truth {}", path.display()))?;
    let headers = rdr
        .headers()
        .with_context(|| format!("{}: cannot read the header", path.display()))?
        .clone();
    anyhow::ensure!(
        headers.iter().next() == Some("call_id"),
        "{}: the first column must be call_id (header: {})",
        path.display(),
        headers.iter().collect::<Vec<_>>().join(",")
    );
    let mut scored = Vec::new();
    for (k, h) in headers.iter().enumerate().skip(1) {
        if BOOL_COLUMNS.contains(&h) || COUNT_COLUMNS.contains(&h) || SET_COLUMNS.contains(&h) {
            scored.push((k, h.to_string()));
        } else {
            println!(
                "note: {}: column {h:?} is not scored (known: {}, {}, {})",
                path.display(),
                BOOL_COLUMNS.join(", "),
                COUNT_COLUMNS.join(", "),
                SET_COLUMNS.join(", ")
            );
        }
    }
    let mut table = Table::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                report_bad(path, line, &format!("unreadable row: {e}"));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != headers.len() {
            report_bad(
                path,
                line,
                &format!("{} fields, the header has {}", rec.len(), headers.len()),
            );
            continue;
        }
        let id = rec.get(0).unwrap_or("").to_string();
        if id.is_empty() {
            report_bad(path, line, "empty call_id");
            continue;
        }
        if table.contains_key(&id) {
            report_bad(path, line, &format!("duplicate call_id {id:?}"));
            continue;
        }
        let mut row = BTreeMap::new();
        let mut error = None;
        for (k, col) in &scored {
            match parse_cell(col, rec.get(*k).unwrap_or("")) {
                Ok(v) => {
                    row.insert(col.clone(), v);
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        match error {
            Some(e) => report_bad(path, line, &e),
            None => {
                table.insert(id, row);
            }
        }
    }
    Ok(table)
}

fn report_bad(path: &Path, line: u64, why: &str) {
    println!(
        "warning: {} line {line}: {why}; row skipped",
        path.display()
    );
    warn!(truth = %path.display(), line, "bad truth row skipped: {why}");
}

/// Read the predicted `calls/` rows of an output folder.
fn read_pred(out: &Path) -> Result<Table> {
    anyhow::ensure!(
        out.join("calls").is_dir(),
        "{}: no calls/ folder (run `callqa analyze --out {}` first)",
        out.display(),
        out.display()
    );
    let rows = callqa_parquet::read_calls(out)
        .with_context(|| format!("cannot read predictions in {}", out.display()))?;
    let mut table = Table::new();
    for r in rows {
        let Some(Cell::Str(id)) = r.get("call_id") else {
            continue;
        };
        let row = BOOL_COLUMNS
            .iter()
            .chain(COUNT_COLUMNS)
            .chain(SET_COLUMNS)
            .map(|c| {
                let v = match r.get(*c) {
                    Some(Cell::Bool(b)) => Value::Bool(*b),
                    Some(Cell::Int(n)) => Value::Count(*n),
                    // A list column reads back as its display string, `[a, b]`.
                    Some(Cell::Str(s)) if SET_COLUMNS.contains(c) => Value::Set(
                        s.trim_matches(['[', ']'])
                            .split(',')
                            .map(|x| x.trim().trim_matches('"').to_string())
                            .filter(|x| !x.is_empty())
                            .collect(),
                    ),
                    _ => Value::Null,
                };
                (c.to_string(), v)
            })
            .collect();
        table.insert(id.clone(), row);
    }
    Ok(table)
}
