//! Reading callqa's hive-partitioned Parquet tables generically, by column name: the one
//! reader of the tables, used by `callqa report` / `callqa sql`, `callqa score` and
//! `callqa eval`.
//!
//! A table is a folder (`<out>/calls/`, `<dir>/scores/` …) of `call_date=YYYY-MM-DD/`
//! partitions. Files and folders whose names start with `.` (temporary files of an
//! atomic write) or `_` (`_ledger/`, `_staging/`: bookkeeping, not data) are skipped at
//! every level. Only the columns asked for are decoded (projection), and a column a file
//! lacks reads as null, so an older output or one without the acoustic stage still reads.

use crate::{SinkError, NULL_PARTITION};
use arrow::array::{Array, AsArray};
use arrow::datatypes::{
    DataType, Date32Type, Float32Type, Float64Type, Int32Type, Int64Type, TimeUnit,
    TimestampMicrosecondType,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    /// SQL null (or a column the file lacks).
    Null,
    /// BOOLEAN.
    Bool(bool),
    /// An integer column.
    Int(i64),
    /// A floating-point column (non-finite values read as null).
    Float(f64),
    /// VARCHAR; DATE as `YYYY-MM-DD`.
    Str(String),
    /// TIMESTAMP, microseconds since the epoch (UTC).
    Ts(i64),
    /// LIST(VARCHAR).
    List(Vec<String>),
}

impl V {
    /// The value as a number (integers, floats, booleans as 0/1).
    pub fn num(&self) -> Option<f64> {
        match self {
            V::Int(v) => Some(*v as f64),
            V::Float(v) => Some(*v),
            V::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        }
    }
    /// The value as a boolean.
    pub fn flag(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            V::Int(v) => Some(*v != 0),
            _ => None,
        }
    }
    /// The value as text (empty strings are `None`).
    pub fn text(&self) -> Option<&str> {
        match self {
            V::Str(s) if !s.is_empty() => Some(s),
            _ => None,
        }
    }
    /// A timestamp in microseconds.
    pub fn ts(&self) -> Option<i64> {
        match self {
            V::Ts(t) | V::Int(t) => Some(*t),
            _ => None,
        }
    }
}

/// Rows of one table, column-wise: `cols[name][row]`. `call_date` (the partition, from
/// the folder name) is always present: `Str("YYYY-MM-DD")`, or null for the
/// `__HIVE_DEFAULT_PARTITION__`.
#[derive(Debug, Default)]
pub struct Table {
    /// Number of rows.
    pub rows: usize,
    cols: HashMap<String, Vec<V>>,
}

static NULL: V = V::Null;

impl Table {
    /// Cell `row` of column `name` (null when the column is unknown).
    pub fn get(&self, name: &str, row: usize) -> &V {
        self.cols
            .get(name)
            .and_then(|c| c.get(row))
            .unwrap_or(&NULL)
    }
    /// Whether any file had the column.
    pub fn has(&self, name: &str) -> bool {
        self.cols.contains_key(name)
    }
}

/// Whether a file or folder name is data (not hidden, not `_bookkeeping`).
fn visible(name: &str) -> bool {
    !name.starts_with('.') && !name.starts_with('_')
}

/// The Parquet files of a table folder, sorted; hidden and `_` names skipped at every
/// level. A missing folder has none.
pub fn table_files(dir: &Path) -> Result<Vec<PathBuf>, SinkError> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| io(&d, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io(&d, e))?;
            let name = entry.file_name().to_string_lossy().to_string();
            if !visible(&name) {
                continue;
            }
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if name.ends_with(".parquet") {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Whether `dir` holds at least one data file.
pub fn table_exists(dir: &Path) -> bool {
    table_files(dir).is_ok_and(|f| !f.is_empty())
}

fn partition_date(file: &Path) -> V {
    for comp in file.ancestors().skip(1) {
        if let Some(v) = comp
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("call_date="))
        {
            return if v == NULL_PARTITION {
                V::Null
            } else {
                V::Str(v.to_string())
            };
        }
    }
    V::Null
}

/// A row filter: rows whose value in the column (one of the names read) fails the test
/// are dropped while reading (e.g. only the utterances of some calls).
pub type Keep<'a> = (&'a str, &'a dyn Fn(&V) -> bool);

/// Read the columns `names` of the table in `dir`, keeping the rows `keep` accepts
/// (`None` keeps all).
pub fn read_table(dir: &Path, names: &[&str], keep: Option<Keep>) -> Result<Table, SinkError> {
    let mut t = Table::default();
    for n in names {
        t.cols.insert((*n).to_string(), Vec::new());
    }
    t.cols.insert("call_date".into(), Vec::new());
    let mut seen: HashMap<String, bool> = names.iter().map(|n| (n.to_string(), false)).collect();
    for p in table_files(dir)? {
        let bad = |m: String| SinkError::Read {
            path: p.display().to_string(),
            message: m,
        };
        let file = File::open(&p).map_err(|e| io(&p, e))?;
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| bad(e.to_string()))?;
        let schema = builder.schema().clone();
        let roots: Vec<usize> = names
            .iter()
            .filter_map(|n| schema.index_of(n).ok())
            .collect();
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
        let reader = builder
            .with_projection(mask)
            .with_batch_size(8192)
            .build()
            .map_err(|e| bad(e.to_string()))?;
        let date = partition_date(&p);
        for batch in reader {
            let batch = batch.map_err(|e| bad(e.to_string()))?;
            let bs = batch.schema();
            // The filter column first, so the other columns decode only the kept rows.
            let mask: Option<Vec<bool>> = match keep {
                Some((key, test)) => {
                    let col = match bs.index_of(key) {
                        Ok(i) => decode(batch.column(i).as_ref(), None)
                            .map_err(|m| bad(format!("{key}: {m}")))?,
                        Err(_) => vec![V::Null; batch.num_rows()],
                    };
                    Some(col.iter().map(test).collect())
                }
                None => None,
            };
            let kept = mask
                .as_ref()
                .map_or(batch.num_rows(), |m| m.iter().filter(|k| **k).count());
            if kept == 0 {
                continue;
            }
            for n in names {
                let col = match bs.index_of(n) {
                    Ok(i) => {
                        seen.insert((*n).to_string(), true);
                        decode(batch.column(i).as_ref(), mask.as_deref())
                            .map_err(|m| bad(format!("{n}: {m}")))?
                    }
                    Err(_) => vec![V::Null; kept],
                };
                if let Some(c) = t.cols.get_mut(*n) {
                    c.extend(col);
                }
            }
            if let Some(c) = t.cols.get_mut("call_date") {
                c.extend(std::iter::repeat_n(date.clone(), kept));
            }
            t.rows += kept;
        }
    }
    // Columns no file had are dropped, so `has` tells an old output from a null column.
    for (n, s) in seen {
        if !s {
            t.cols.remove(&n);
        }
    }
    Ok(t)
}

fn io(path: &Path, source: std::io::Error) -> SinkError {
    SinkError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The column names of a table's files, in the order the files first have them (the
/// union over all files: an older file may lack a newer column). No data is read.
pub fn column_names(dir: &Path) -> Result<Vec<String>, SinkError> {
    let mut names: Vec<String> = Vec::new();
    for p in table_files(dir)? {
        for f in file_schema(&p)?.fields() {
            if !names.iter().any(|n| n == f.name()) {
                names.push(f.name().clone());
            }
        }
    }
    Ok(names)
}

/// The Arrow schema of one Parquet file (its footer only; no data is read).
pub fn file_schema(p: &Path) -> Result<arrow::datatypes::SchemaRef, SinkError> {
    let file = File::open(p).map_err(|e| io(p, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| SinkError::Read {
        path: p.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(builder.schema().clone())
}

/// Every column of the table in `dir` (with `call_date` from the folder names).
pub fn read_all(dir: &Path) -> Result<Table, SinkError> {
    let names = column_names(dir)?;
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    read_table(dir, &refs, None)
}

impl Table {
    /// The names of the columns read (those some file had, and `call_date`).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.cols.keys().map(String::as_str)
    }
}

/// Decode a column; with a mask, only the rows whose mask entry is true.
fn decode(col: &dyn Array, mask: Option<&[bool]>) -> Result<Vec<V>, String> {
    let n = col.len();
    let mut out = Vec::with_capacity(n);
    for r in 0..n {
        if mask.is_some_and(|m| !m[r]) {
            continue;
        }
        if col.is_null(r) {
            out.push(V::Null);
            continue;
        }
        let v = match col.data_type() {
            DataType::Boolean => V::Bool(col.as_boolean().value(r)),
            DataType::Int32 => V::Int(col.as_primitive::<Int32Type>().value(r).into()),
            DataType::Int64 => V::Int(col.as_primitive::<Int64Type>().value(r)),
            DataType::Float64 => {
                let v = col.as_primitive::<Float64Type>().value(r);
                if v.is_finite() {
                    V::Float(v)
                } else {
                    V::Null
                }
            }
            DataType::Float32 => {
                let v = f64::from(col.as_primitive::<Float32Type>().value(r));
                if v.is_finite() {
                    V::Float(v)
                } else {
                    V::Null
                }
            }
            DataType::Utf8 => V::Str(col.as_string::<i32>().value(r).to_string()),
            DataType::LargeUtf8 => V::Str(col.as_string::<i64>().value(r).to_string()),
            DataType::Timestamp(TimeUnit::Microsecond, _) => {
                V::Ts(col.as_primitive::<TimestampMicrosecondType>().value(r))
            }
            DataType::Date32 => {
                let d = col.as_primitive::<Date32Type>().value(r);
                chrono::NaiveDate::from_num_days_from_ce_opt(d + 719_163)
                    .map_or(V::Null, |d| V::Str(d.to_string()))
            }
            DataType::List(_) => {
                let items = col.as_list::<i32>().value(r);
                let s = items
                    .as_string_opt::<i32>()
                    .ok_or_else(|| "list items are not strings".to_string())?;
                V::List(s.iter().flatten().map(str::to_string).collect())
            }
            other => {
                return Err(format!("unsupported column type {other}"));
            }
        };
        out.push(v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_underscore_names_are_skipped() {
        let d = tempfile::tempdir().unwrap();
        let t = d.path().join("calls");
        for p in [
            "call_date=2026-11-02/part-a.parquet",
            "call_date=2026-11-02/.tmp-part-b.parquet",
            "_staging/call_date=2026-11-02/part-c.parquet",
            "call_date=2026-11-03/_ledger.parquet",
            "call_date=2026-11-03/notes.txt",
        ] {
            let f = t.join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(&f, b"x").unwrap();
        }
        let files = table_files(&t).unwrap();
        assert_eq!(files, vec![t.join("call_date=2026-11-02/part-a.parquet")]);
        assert_eq!(partition_date(&files[0]), V::Str("2026-11-02".to_string()));
        assert!(table_files(&d.path().join("missing")).unwrap().is_empty());
    }
}
