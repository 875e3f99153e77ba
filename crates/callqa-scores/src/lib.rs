//! `callqa score`: from the `calls/` Parquet of `callqa run` / `callqa analyze` and a
//! ratings CSV to scores, rating drivers, a review queue and (with call metadata)
//! Service Level, written as zstd Parquet beside the call tables:
//!
//! ```text
//! <out>/scores/call_date=…/          per call: process, smile, speech scores; rating; prediction
//! <out>/operator_daily/call_date=…/  per operator and day
//! <out>/drivers/call_date=<last day>/ per element and acoustic measure: effect on ratings, verdict
//! <out>/review_queue/call_date=…/    calls to listen to, ranked, with reasons
//! <out>/service_level/call_date=…/   per 30-min interval, channel, queue (--calls-meta)
//! <out>/service_level_daily/call_date=…/
//! <out>/errors/call_date=…/          broken ratings / metadata rows (stage ratings, calls_meta)
//! ```
//!
//! The computations are pure functions in their modules ([`scoring`], [`drivers`],
//! [`daily`], [`review`], [`service_level`]); [`score`] reads, computes and writes.
//! Every table is documented in `docs/SCHEMA.md`.
#![deny(missing_docs)]

pub mod calls;
pub mod daily;
pub mod drivers;
pub mod ratings;
pub mod review;
pub mod scoring;
pub mod service_level;
pub mod stats;
pub mod tables;

use callqa_core::{ErrorRow, PipelineConfig};
use callqa_parquet::{ParquetSink, SinkError};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tracing::{info, warn};

pub use calls::Call;
pub use drivers::{DriverRow, Verdict};
pub use ratings::{NpsClass, Rating, Scale};
pub use scoring::Scores;

/// Why `callqa score` could not run.
#[derive(Debug, thiserror::Error)]
pub enum ScoreError {
    /// Reading the features or writing the output failed.
    #[error(transparent)]
    Sink(#[from] SinkError),
    /// A CSV input is unreadable or lacks required columns.
    #[error("{path}: {message}")]
    Csv {
        /// The file.
        path: String,
        /// The cause.
        message: String,
    },
    /// The features folder has no calls.
    #[error("no calls in {0}/calls (is it an output folder of callqa run / analyze?)")]
    NoCalls(String),
    /// Building an Arrow batch failed (a bug).
    #[error("cannot build table {table}: {message}")]
    Arrow {
        /// The table.
        table: &'static str,
        /// The cause.
        message: String,
    },
    /// Removing an older output file failed.
    #[error("cannot remove {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// Column positions of a CSV header (names trimmed, case-insensitive).
pub(crate) struct CsvHeader(HashMap<String, usize>);

impl CsvHeader {
    pub(crate) fn get<'r>(&self, r: &'r csv::StringRecord, k: &str) -> Option<&'r str> {
        self.0.get(k).and_then(|&i| r.get(i)).map(str::trim)
    }
}

/// A CSV record with its 1-based line number, or why the line is not a record.
pub(crate) type CsvLine = (u64, Result<csv::StringRecord, String>);

/// Read a CSV whose header has `required` columns. Blank lines and lines starting with
/// `#` are skipped. Each line is one record (quoted commas work, quoted line breaks do
/// not): lines are split here rather than by the csv reader because its line numbers
/// drift after blank and comment lines, and error rows must name the right line.
pub(crate) fn open_csv(
    path: &Path,
    required: &[&str],
) -> Result<(CsvHeader, Vec<CsvLine>), ScoreError> {
    let bad = |message: String| ScoreError::Csv {
        path: path.display().to_string(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let text = String::from_utf8_lossy(&bytes);
    let parse = |line: &str| -> Result<csv::StringRecord, String> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(line.as_bytes());
        let mut rec = csv::StringRecord::new();
        match r.read_record(&mut rec) {
            Ok(_) => Ok(rec),
            Err(e) => Err(e.to_string()),
        }
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let (_, head) = lines
        .next()
        .ok_or_else(|| bad("empty file, no header".into()))?;
    let header: HashMap<String, usize> = parse(head)
        .map_err(bad)?
        .iter()
        .enumerate()
        .map(|(i, h)| {
            (
                h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase(),
                i,
            )
        })
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|k| !header.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        return Err(bad(format!(
            "header lacks column(s) {} (needs {})",
            missing.join(", "),
            required.join(",")
        )));
    }
    let records = lines.map(|(n, l)| (n, parse(l))).collect();
    Ok((CsvHeader(header), records))
}

/// An [`ErrorRow`] for line `line` of the CSV `path`.
pub(crate) fn error_row(
    call_id: &str,
    call_date: Option<NaiveDate>,
    path: &str,
    stage: &str,
    kind: &str,
    line: u64,
    cause: &str,
) -> ErrorRow {
    ErrorRow {
        call_id: call_id.to_string(),
        call_date,
        path: path.to_string(),
        stage: stage.to_string(),
        error_kind: kind.to_string(),
        message: format!("{path} line {line}: {cause}"),
        processed_at: Utc::now(),
    }
}

/// RFC 3339, or `YYYY-MM-DD HH:MM:SS[.fff]` / `YYYY-MM-DDTHH:MM:SS[.fff]` read as UTC.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|t| t.and_utc())
}

/// A call with its scores, rating and (unrated) predicted rating.
#[derive(Debug, Clone)]
pub struct ScoredCall {
    /// The call's features.
    pub call: Call,
    /// Its scores.
    pub scores: Scores,
    /// Its rating, if any.
    pub rating: Option<Rating>,
    /// For an unrated call: predicted 0–10 rating, interval low, high.
    pub predicted: Option<(f64, f64, f64)>,
}

impl ScoredCall {
    /// The prediction, only when the call is unrated.
    pub fn unrated_prediction(&self) -> Option<(f64, f64, f64)> {
        self.predicted.filter(|_| self.rating.is_none())
    }
}

/// What [`score`] reads and where it writes.
pub struct Options<'a> {
    /// Output folder of `callqa run` / `analyze` (its `calls/` is read).
    pub features: &'a Path,
    /// Ratings CSV.
    pub ratings: &'a Path,
    /// Call metadata CSV for Service Level.
    pub calls_meta: Option<&'a Path>,
    /// Output folder.
    pub out: &'a Path,
    /// The pipeline file (`[scores]`, `[service_level]`).
    pub pipeline: &'a PipelineConfig,
}

/// What [`score`] did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Calls scored.
    pub calls: usize,
    /// Calls with a valid rating.
    pub rated: usize,
    /// Unrated calls with a predicted rating.
    pub predicted: usize,
    /// Error rows written.
    pub errors: usize,
    /// Review-queue rows.
    pub review: usize,
    /// Service-level interval rows.
    pub service_intervals: usize,
    /// The drivers.
    pub drivers: Vec<DriverRow>,
    /// Files written.
    pub files: usize,
}

/// Tables `callqa score` owns in the output folder: a rerun replaces them.
pub const TABLES: [&str; 6] = [
    "scores",
    "operator_daily",
    "drivers",
    "review_queue",
    "service_level",
    "service_level_daily",
];

/// Read, compute, write. The tables of an earlier `callqa score` into the same folder
/// (and its `errors/` files, `part-score-*`) are replaced once the new files are written.
pub fn score(o: &Options) -> Result<Summary, ScoreError> {
    let cfg = &o.pipeline.scores;
    let calls = calls::read_calls(o.features)?;
    if calls.is_empty() {
        return Err(ScoreError::NoCalls(o.features.display().to_string()));
    }
    let known: HashMap<String, NaiveDate> = calls
        .iter()
        .map(|c| (c.call_id.clone(), c.call_date))
        .collect();
    let (ratings, mut errors) = ratings::read_ratings(o.ratings, &known)?;
    let mut by_id: HashMap<String, Rating> = ratings
        .into_iter()
        .map(|r| (r.call_id.clone(), r))
        .collect();
    let rated: Vec<(&Call, f64)> = calls
        .iter()
        .filter_map(|c| by_id.get(&c.call_id).map(|r| (c, r.common())))
        .collect();
    let n_rated = rated.len();
    info!(calls = calls.len(), rated = n_rated, "scoring");
    let drv = drivers::drivers(&rated, cfg);
    drop(rated);
    if drv.model.is_none() {
        warn!(
            rated = n_rated,
            min = cfg.min_rated_calls,
            "too few rated calls for drivers and predictions"
        );
    }
    let period = (
        calls.iter().map(|c| c.call_date).min().unwrap_or_default(),
        calls.iter().map(|c| c.call_date).max().unwrap_or_default(),
    );
    let scored: Vec<ScoredCall> = calls
        .into_iter()
        .map(|call| {
            let rating = by_id.remove(&call.call_id);
            let predicted = match (&rating, &drv.model) {
                (None, Some(m)) => m.predict(&call, cfg.alpha),
                _ => None,
            };
            ScoredCall {
                scores: scoring::score(&call, cfg),
                call,
                rating,
                predicted,
            }
        })
        .collect();
    let daily = daily::operator_daily(&scored);
    let queue = review::review_queue(&scored, cfg);
    let (sl, sl_days) = match o.calls_meta {
        Some(p) => {
            let (contacts, errs) = service_level::read_meta(p, &o.pipeline.service_level)?;
            errors.extend(errs);
            service_level::service_level(&contacts, &o.pipeline.service_level)
        }
        None => (Vec::new(), Vec::new()),
    };
    let now = Utc::now();
    let arrow = |table: &'static str| {
        move |e: arrow::error::ArrowError| ScoreError::Arrow {
            table,
            message: e.to_string(),
        }
    };
    let mut parts: Vec<(&str, tables::Parts)> = vec![
        (
            "scores",
            tables::scores(&scored, now).map_err(arrow("scores"))?,
        ),
        (
            "operator_daily",
            tables::operator_daily(&daily).map_err(arrow("operator_daily"))?,
        ),
        (
            "drivers",
            tables::drivers(&drv.rows, period, n_rated, now).map_err(arrow("drivers"))?,
        ),
        (
            "review_queue",
            tables::review_queue(&queue, &scored).map_err(arrow("review_queue"))?,
        ),
    ];
    if o.calls_meta.is_some() {
        parts.push((
            "service_level",
            tables::service_level(&sl).map_err(arrow("service_level"))?,
        ));
        parts.push((
            "service_level_daily",
            tables::service_level_daily(&sl_days).map_err(arrow("service_level_daily"))?,
        ));
    }
    // One writer at a time, and readers see the old tables or the new ones, never both:
    // listing the old files, writing the new and deleting the old happen under the
    // output's commit lock (see `callqa_parquet::snapshot`).
    let _commit = callqa_parquet::snapshot::write_lock(o.out)?;
    let old = older_outputs(o.out)?;
    let run_id = format!(
        "score-{}-{}",
        now.format("%Y%m%dT%H%M%SZ"),
        std::process::id()
    );
    let sink = ParquetSink::new(o.out, &run_id)?;
    let mut files = 0;
    for (table, p) in &parts {
        files += sink.write_batches(table, p)?.len();
    }
    for e in &errors {
        warn!(call_id = %e.call_id, stage = %e.stage, kind = %e.error_kind, "{}", e.message);
    }
    files += sink.write_errors(&errors)?.len();
    for p in old {
        std::fs::remove_file(&p).map_err(|source| ScoreError::Io {
            path: p.display().to_string(),
            source,
        })?;
    }
    Ok(Summary {
        calls: scored.len(),
        rated: n_rated,
        predicted: scored
            .iter()
            .filter(|c| c.unrated_prediction().is_some())
            .count(),
        errors: errors.len(),
        review: queue.len(),
        service_intervals: sl.len(),
        drivers: drv.rows,
        files,
    })
}

/// Files of an earlier `callqa score` in `out`: every file of its tables, and its
/// `errors/` files (named `part-score-…`; the `errors/` of `callqa run` are kept).
fn older_outputs(out: &Path) -> Result<Vec<PathBuf>, ScoreError> {
    let mut old = Vec::new();
    for t in TABLES {
        old.extend(callqa_parquet::parquet_files(&out.join(t))?);
    }
    old.extend(
        callqa_parquet::parquet_files(&out.join("errors"))?
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("part-score-"))
            }),
    );
    Ok(old)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_pipelines_spell_out_the_defaults() {
        for pack in ["ru-contact-center.toml", "en-contact-center.toml"] {
            let p = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../pipelines")
                .join(pack);
            let c = PipelineConfig::from_path(&p).unwrap();
            let d = callqa_core::ScoresConfig::default();
            assert_eq!(format!("{:?}", c.scores), format!("{d:?}"), "{pack}");
            let d = callqa_core::ServiceLevelConfig::default();
            assert_eq!(format!("{:?}", c.service_level), format!("{d:?}"), "{pack}");
        }
    }

    #[test]
    fn times_in_both_formats() {
        let a = parse_time("2026-11-02T09:10:00Z").unwrap();
        assert_eq!(parse_time("2026-11-02 09:10:00"), Some(a));
        assert_eq!(parse_time("2026-11-02T12:10:00+03:00"), Some(a));
        assert_eq!(parse_time("yesterday"), None);
    }
}
