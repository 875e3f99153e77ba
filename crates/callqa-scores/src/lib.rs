//! `callqa score`: from the `calls/` Parquet of `callqa run` / `callqa analyze` and a
//! ratings CSV to scores, rating drivers, a review queue and (with call metadata)
//! Service Level, written as zstd Parquet beside the call tables:
//!
//! ```text
//! <out>/scores/call_date=…/          per call: process, smile, speech scores; rating; prediction
//! <out>/operator_daily/call_date=…/  per operator and day
//! <out>/drivers/call_date=<last day>/ per element and acoustic measure: effect on ratings, verdict
//! <out>/review_queue/call_date=…/    calls to listen to, ranked, with reasons
//! <out>/service_level/call_date=…/   per 30-min interval, channel, queue, and channel totals
//! <out>/service_level_daily/call_date=…/
//! <out>/errors/call_date=…/          broken ratings / metadata rows (stage ratings, calls_meta)
//! ```
//!
//! The computations are pure functions in their modules ([`scoring`], [`drivers`],
//! [`predict`], [`daily`], [`review`], [`service_level`]); [`score`] reads, computes and
//! writes. Every table is documented in `docs/SCHEMA.md`.
//!
//! The key design decision is in [`drivers`] and [`inference`]: a manager acts on the
//! verdicts ("keep this element in the standard, drop that one"), and calls of one
//! operator are not independent, so effects are estimated within operators (operator
//! fixed effects), uncertainty is clustered by operator and tested with the wild
//! cluster bootstrap, and an element is only `drop`ped when its interval shows the
//! effect is negligible, not merely unproven. A simulation with known truth
//! (`tests/simulation.rs`) counts how often the verdicts are wrong.
#![deny(missing_docs)]

pub mod calls;
pub mod daily;
pub mod drivers;
pub mod inference;
pub mod predict;
pub mod ratings;
pub mod review;
pub mod scoring;
pub mod service_level;
pub mod simulate;
pub mod stats;
pub mod tables;

use callqa_core::{ErrorRow, PipelineConfig};
use callqa_parquet::{ParquetSink, SinkError};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tracing::{info, warn};

pub use calls::Call;
pub use drivers::{DriverRow, Verdict};
pub use predict::Prediction;
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
    /// A value of the pipeline file this crate cannot use.
    #[error("pipeline file: {0}")]
    Config(String),
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
    parse_time_in(s, Tz::UTC)
}

/// RFC 3339 (its offset kept), or a timestamp without offset read as local time in `tz`
/// (`2026-11-02 09:10:00` in Europe/Moscow is 06:10 UTC). A local time skipped by a
/// daylight-saving change is `None`; a repeated one is read as the earlier instant.
pub fn parse_time_in(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .and_then(|t| tz.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
}

/// The day of `t` in `tz`.
pub fn local_date(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// `[scores] time_zone` as a time zone; the error names the key.
pub fn time_zone(name: &str) -> Result<Tz, ScoreError> {
    name.trim().parse::<Tz>().map_err(|_| {
        ScoreError::Config(format!(
            "[scores] time_zone {name:?} is not an IANA time zone name (e.g. \"Europe/Moscow\", \"UTC\")"
        ))
    })
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
    /// For an unrated call: its predicted rating as a distribution.
    pub predicted: Option<Prediction>,
}

impl ScoredCall {
    /// The prediction, only when the call is unrated.
    pub fn unrated_prediction(&self) -> Option<Prediction> {
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
    let tz = time_zone(&cfg.time_zone)?;
    let mut calls = calls::read_calls(o.features)?;
    if calls.is_empty() {
        return Err(ScoreError::NoCalls(o.features.display().to_string()));
    }
    for c in &mut calls {
        c.call_date = local_date(c.started_at, tz);
    }
    let known: HashMap<String, NaiveDate> = calls
        .iter()
        .map(|c| (c.call_id.clone(), c.call_date))
        .collect();
    let (ratings, mut errors) = ratings::read_ratings(o.ratings, &known, tz)?;
    let mut by_id: HashMap<String, Rating> = ratings
        .into_iter()
        .map(|r| (r.call_id.clone(), r))
        .collect();
    let rated: Vec<(&Call, &Rating)> = calls
        .iter()
        .filter_map(|c| by_id.get(&c.call_id).map(|r| (c, r)))
        .collect();
    let n_rated = rated.len();
    info!(calls = calls.len(), rated = n_rated, "scoring");
    let drv = drivers::drivers(&rated, cfg);
    drop(rated);
    let fitted = drv.rows.iter().filter(|r| r.p_value.is_some()).count();
    if fitted > 0 && fitted as f64 / (cfg.bootstrap_samples as f64 + 1.0) >= cfg.alpha {
        warn!(
            draws = cfg.bootstrap_samples,
            fitted,
            "bootstrap_samples too small: with Holm over {fitted} drivers nothing can be proven; raise it"
        );
    }
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
    let daily = daily::operator_daily(&scored, cfg);
    let queue = review::review_queue(&scored, cfg);
    let (sl, sl_days) = match o.calls_meta {
        Some(p) => {
            let sl_cfg = service_level::Targets::new(&o.pipeline.service_level, tz);
            let (contacts, errs) = service_level::read_meta(p, &sl_cfg)?;
            errors.extend(errs);
            service_level::service_level(&contacts, &sl_cfg)
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
            tables::drivers(&drv.rows, period, n_rated, now, cfg).map_err(arrow("drivers"))?,
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

    #[test]
    fn naive_times_and_days_in_the_time_zone() {
        let msk = time_zone("Europe/Moscow").unwrap();
        let a = parse_time("2026-11-02T06:10:00Z").unwrap();
        // A timestamp without offset is Moscow time; one with an offset keeps it.
        assert_eq!(parse_time_in("2026-11-02 09:10:00", msk), Some(a));
        assert_eq!(parse_time_in("2026-11-02T06:10:00Z", msk), Some(a));
        // 00:00 local is the new day; 23:59 local is still the old one (20:59 UTC).
        let midnight = parse_time_in("2026-11-03 00:00:00", msk).unwrap();
        assert_eq!(midnight, parse_time("2026-11-02T21:00:00Z").unwrap());
        assert_eq!(local_date(midnight, msk).to_string(), "2026-11-03");
        assert_eq!(local_date(midnight, Tz::UTC).to_string(), "2026-11-02");
        let before = midnight - chrono::Duration::seconds(1);
        assert_eq!(local_date(before, msk).to_string(), "2026-11-02");
        // A local time skipped by a daylight-saving change does not exist.
        let berlin = time_zone("Europe/Berlin").unwrap();
        assert_eq!(parse_time_in("2026-03-29 02:30:00", berlin), None);
        let e = time_zone("Moscow").unwrap_err().to_string();
        assert!(e.contains("time_zone") && e.contains("Moscow"), "{e}");
    }
}
