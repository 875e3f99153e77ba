//! The QA team's view of a callqa archive: `callqa report` and `callqa sql`.
//!
//! QA supervisors do not read Parquet. This crate turns an output folder of
//! `callqa run` / `callqa analyze` (and the tables of `callqa score`) into:
//!
//! - **one self-contained HTML file** ([`build_report`]): overview KPIs, per-operator
//!   scorecards with daily smile and speech trends, a heat map of element compliance,
//!   the rating drivers with their intervals, Service Level per 30-minute interval against
//!   target, the review queue, a paginated list of every call, and a transcript view per
//!   reviewed call (speaker turns, tags, emotion, pauses and interruptions on a timeline).
//!   Charts are SVG rendered here; the CSS and the small script are inlined, so the file
//!   opens offline and can be mailed. Everything is **pre-aggregated** (per day, per
//!   operator, per slot): the page carries figures, not rows, and stays quick to open for
//!   100k calls; only the call list (compact JSON, paginated in the page) and the
//!   review queue's transcripts are per call.
//! - **the DuckDB session script** ([`sql::session_script`]) with the BI views of the
//!   repository's `sql/` folder over the dataset.
//!
//! Tables are read generically by column name ([`read`]), skipping hidden and `_`
//! bookkeeping folders, so an older output or one without the acoustic stage still reads.
#![deny(missing_docs)]

pub mod html;
pub mod i18n;
pub mod model;
pub mod read;
pub mod sql;
pub mod svg;

pub use i18n::Lang;
use std::path::{Path, PathBuf};

/// Why a report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// File-system error.
    #[error("{path}: {source}")]
    Io {
        /// Path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// A Parquet file that cannot be decoded.
    #[error("cannot read {path}: {message}")]
    Read {
        /// Path.
        path: String,
        /// Cause.
        message: String,
    },
    /// The features folder has no calls.
    #[error(
        "{path}: no calls (expected call_date=*/ Parquet files written by callqa run / analyze)"
    )]
    NoCalls {
        /// The calls/ folder.
        path: String,
    },
}

impl From<callqa_parquet::SinkError> for ReportError {
    fn from(e: callqa_parquet::SinkError) -> ReportError {
        use callqa_parquet::SinkError;
        match e {
            SinkError::Io { path, source } => ReportError::Io { path, source },
            SinkError::Encode { path, message } | SinkError::Read { path, message } => {
                ReportError::Read { path, message }
            }
        }
    }
}

impl ReportError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> ReportError {
        ReportError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// What to build.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// Output folder of `callqa run` / `analyze` (calls/, utterances/).
    pub features: &'a Path,
    /// Folder with the tables of `callqa score`; `None`: the features folder when it
    /// holds them.
    pub scores: Option<&'a Path>,
    /// The HTML file to write.
    pub out: &'a Path,
    /// Label languages.
    pub lang: Lang,
    /// Page title (default: "Call quality report").
    pub title: Option<&'a str>,
    /// At most this many transcripts (the review queue's calls, best-ranked first).
    pub max_transcripts: usize,
}

/// What was built.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The file written.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Calls.
    pub calls: usize,
    /// Operators (the no-operator group included).
    pub operators: usize,
    /// Days.
    pub days: usize,
    /// Review-queue rows.
    pub review: usize,
    /// Transcripts carried.
    pub transcripts: usize,
    /// Whether score tables were found.
    pub has_scores: bool,
}

/// Read, aggregate and write the report (atomically: a temporary file renamed).
pub fn build_report(o: &Options) -> Result<Summary, ReportError> {
    // Committed data only: no half of a concurrent `callqa run` commit or `callqa score`.
    let _features = callqa_parquet::snapshot::read_lock(o.features);
    let _scores = o
        .scores
        .filter(|s| *s != o.features)
        .map(callqa_parquet::snapshot::read_lock);
    let data = model::load(o.features, o.scores, o.max_transcripts)?;
    drop((_features, _scores));
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    let page = html::render(&data, o.lang, o.title, &now);
    if let Some(dir) = o.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| ReportError::io(dir, e))?;
    }
    let name = o
        .out
        .file_name()
        .map_or("report.html".into(), |n| n.to_string_lossy().to_string());
    let tmp = o.out.with_file_name(format!(".tmp-{name}"));
    std::fs::write(&tmp, page.as_bytes()).map_err(|e| ReportError::io(&tmp, e))?;
    std::fs::rename(&tmp, o.out).map_err(|e| ReportError::io(o.out, e))?;
    Ok(Summary {
        path: o.out.to_path_buf(),
        bytes: page.len() as u64,
        calls: data.calls.len(),
        operators: data.operators.len(),
        days: data.days.len(),
        review: data.review.len(),
        transcripts: data.transcripts.len(),
        has_scores: data.has_scores,
    })
}
