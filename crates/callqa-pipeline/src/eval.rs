//! `callqa eval`'s reading: the labelled truth CSVs and the predicted tables of an
//! output folder (through `callqa_parquet`'s one table reader), turned into the
//! [`Table`]s that `callqa_features::eval`'s metrics (re-exported here) compare. The CLI
//! prints; `note` receives the lines about skipped truth rows and unscored columns.

use anyhow::{Context, Result};
pub use callqa_features::eval::*;
use callqa_parquet::Cell;
use std::collections::BTreeMap;
use std::path::Path;
use tracing::warn;

/// The rows of a labelled CSV after its header, each with its line number. An unreadable
/// file or row is an error naming the file.
fn rows(path: &Path) -> Result<Vec<(u64, csv::StringRecord)>> {
    let mut rdr = csv::ReaderBuilder::new()
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    rdr.records()
        .map(|rec| {
            let rec = rec.with_context(|| format!("{}: unreadable row", path.display()))?;
            Ok((rec.position().map_or(0, |p| p.line()), rec))
        })
        .collect()
}

/// Read the labelled personal data (call_id, idx, kind, value).
pub fn read_pii_truth(path: &Path, note: &mut dyn FnMut(&str)) -> Result<Vec<PiiSpan>> {
    let mut spans = Vec::new();
    for (line, rec) in rows(path)? {
        let field = |k: usize| rec.get(k).unwrap_or("").to_string();
        let kind = field(2).trim().to_ascii_uppercase();
        let idx = field(1).trim().parse::<u32>();
        let known = known_pii_kind(&kind);
        match idx {
            Ok(idx) if known && !field(3).is_empty() => spans.push(PiiSpan {
                call_id: field(0).trim().to_string(),
                idx,
                kind,
                value: field(3),
            }),
            _ => report_bad(note, path, line, "expected call_id, idx (>= 0), kind (PHONE, CARD, EMAIL, PASSPORT, SNILS, INN or KEEP), value"),
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
pub fn read_truth(path: &Path, note: &mut dyn FnMut(&str)) -> Result<Table> {
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
            note(&format!(
                "note: {}: column {h:?} is not scored (known: {}, {}, {})",
                path.display(),
                BOOL_COLUMNS.join(", "),
                COUNT_COLUMNS.join(", "),
                SET_COLUMNS.join(", ")
            ));
        }
    }
    let mut table = Table::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                report_bad(note, path, line, &format!("unreadable row: {e}"));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != headers.len() {
            report_bad(
                note,
                path,
                line,
                &format!("{} fields, the header has {}", rec.len(), headers.len()),
            );
            continue;
        }
        let id = rec.get(0).unwrap_or("").to_string();
        if id.is_empty() {
            report_bad(note, path, line, "empty call_id");
            continue;
        }
        if table.contains_key(&id) {
            report_bad(note, path, line, &format!("duplicate call_id {id:?}"));
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
            Some(e) => report_bad(note, path, line, &e),
            None => {
                table.insert(id, row);
            }
        }
    }
    Ok(table)
}

fn report_bad(note: &mut dyn FnMut(&str), path: &Path, line: u64, why: &str) {
    note(&format!(
        "warning: {} line {line}: {why}; row skipped",
        path.display()
    ));
    warn!(truth = %path.display(), line, "bad truth row skipped: {why}");
}

/// Read the predicted `calls/` rows of an output folder.
pub fn read_pred(out: &Path) -> Result<Table> {
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

/// The text of every utterance of an output folder, by (call_id, idx).
pub fn read_utterance_texts(pred: &Path) -> Result<BTreeMap<(String, u32), String>> {
    Ok(callqa_parquet::read_table(pred, "utterances")
        .with_context(|| format!("cannot read utterances in {}", pred.display()))?
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
        .collect())
}

/// Read the per-question ledger: CSV `call_id, question_idx, reply_idx, outcome` (outcome
/// `concrete`, `vague` or `unanswered`; `reply_idx` empty when unanswered). A row with an
/// empty `question_idx` labels a call with no question. A broken row is reported with its
/// line number and skipped.
pub fn read_questions_truth(path: &Path, note: &mut dyn FnMut(&str)) -> Result<Ledger> {
    let mut ledger = Ledger::new();
    for (line, rec) in rows(path)? {
        let field = |k: usize| rec.get(k).unwrap_or("").trim();
        let call = field(0);
        if call.is_empty() {
            report_bad(note, path, line, "empty call_id");
            continue;
        }
        if field(1).is_empty() {
            ledger.entry(call.to_string()).or_default();
            continue;
        }
        let idx = field(1).parse::<u32>().ok();
        let reply = match field(2) {
            "" => Some(None),
            r => r.parse::<u32>().ok().map(Some),
        };
        let outcome = Outcome::parse(field(3));
        match (idx, reply, outcome) {
            (Some(idx), Some(reply), Some(outcome))
                if (outcome == Outcome::Unanswered) == reply.is_none() =>
            {
                ledger.entry(call.to_string()).or_default().push(Question {
                    idx,
                    reply,
                    outcome,
                })
            }
            _ => report_bad(note, path, line, "expected call_id, question_idx (>= 0), reply_idx (empty exactly when unanswered), outcome (concrete, vague or unanswered)"),
        }
    }
    anyhow::ensure!(
        !ledger.is_empty(),
        "{}: no labelled questions",
        path.display()
    );
    Ok(ledger)
}

/// The tags of every utterance of an output folder: call_id → idx → tags.
pub fn read_utterance_tags(pred: &Path) -> Result<BTreeMap<String, BTreeMap<u32, Vec<String>>>> {
    let mut out: BTreeMap<String, BTreeMap<u32, Vec<String>>> = BTreeMap::new();
    let rows = callqa_parquet::read_table(pred, "utterances")
        .with_context(|| format!("cannot read utterances in {}", pred.display()))?;
    for r in rows {
        let (Some(Cell::Str(id)), Some(Cell::Int(idx))) = (r.get("call_id"), r.get("idx")) else {
            continue;
        };
        let Ok(idx) = u32::try_from(*idx) else {
            continue;
        };
        // The table reader renders a list as "[a, b]"; tags hold no ", ".
        let tags = match r.get("tags") {
            Some(Cell::Str(s)) => s
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split(", ")
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        out.entry(id.clone()).or_default().insert(idx, tags);
    }
    Ok(out)
}
