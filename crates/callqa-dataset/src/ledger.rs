//! The ledger: one row per input a run handled, in `_ledger/part-<batch>.parquet`. It is
//! Parquet like the tables, so ops can query it too:
//! `select * from read_parquet('out/_ledger/*.parquet')`.

use crate::Result;
use arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit, TimestampMicrosecondType};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// What became of an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Its call row was written (possibly with a warning row in `errors/`).
    Ok,
    /// It produced an `errors/` row and no call row.
    Error,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
        }
    }
}

/// What the caller knows about an input it handled.
#[derive(Clone, Debug, PartialEq)]
pub struct InputRecord {
    /// The ledger key: the call id, or for an input without one (a broken manifest row)
    /// a key derived from its path and error.
    pub input_key: String,
    /// The call id (may be empty).
    pub call_id: String,
    /// The input's path or URL.
    pub path: String,
    /// Size in bytes, when the input is a file.
    pub size_bytes: Option<u64>,
    /// Modification time, when the input is a file.
    pub mtime: Option<DateTime<Utc>>,
    /// SHA-256 of the content (hex), when it was read.
    pub content_sha256: Option<String>,
    /// What became of it.
    pub outcome: Outcome,
    /// For errors, the stage that failed.
    pub stage: Option<String>,
}

/// A ledger row: the record plus when and by which run and batch it was committed.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerEntry {
    /// The input.
    pub input: InputRecord,
    /// The run that committed it.
    pub run_id: String,
    /// The batch (and ledger file) that committed it.
    pub batch_id: String,
    /// The shard of that run (`all`, `3-of-8`).
    pub shard: String,
    /// Commit time.
    pub committed_at: DateTime<Utc>,
}

fn schema() -> SchemaRef {
    let ts = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    Arc::new(Schema::new(vec![
        Field::new("input_key", DataType::Utf8, false),
        Field::new("call_id", DataType::Utf8, false),
        Field::new("path", DataType::Utf8, false),
        Field::new("size_bytes", DataType::Int64, true),
        Field::new("mtime", ts.clone(), true),
        Field::new("content_sha256", DataType::Utf8, true),
        Field::new("outcome", DataType::Utf8, false),
        Field::new("stage", DataType::Utf8, true),
        Field::new("run_id", DataType::Utf8, false),
        Field::new("batch_id", DataType::Utf8, false),
        Field::new("shard", DataType::Utf8, false),
        Field::new("committed_at", ts, false),
    ]))
}

/// Encode ledger rows as one Parquet file.
pub(crate) fn encode(name: &str, rows: &[LedgerEntry]) -> Result<Vec<u8>> {
    let s = |f: &dyn Fn(&LedgerEntry) -> Option<String>| -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<StringArray>())
    };
    let ts = |f: &dyn Fn(&LedgerEntry) -> Option<DateTime<Utc>>| -> ArrayRef {
        Arc::new(
            rows.iter()
                .map(|r| f(r).map(|t| t.timestamp_micros()))
                .collect::<TimestampMicrosecondArray>()
                .with_timezone("UTC"),
        )
    };
    let columns: Vec<ArrayRef> = vec![
        s(&|r| Some(r.input.input_key.clone())),
        s(&|r| Some(r.input.call_id.clone())),
        s(&|r| Some(r.input.path.clone())),
        Arc::new(
            rows.iter()
                .map(|r| r.input.size_bytes.map(|v| v as i64))
                .collect::<Int64Array>(),
        ),
        ts(&|r| r.input.mtime),
        s(&|r| r.input.content_sha256.clone()),
        s(&|r| Some(r.input.outcome.as_str().to_string())),
        s(&|r| r.input.stage.clone()),
        s(&|r| Some(r.run_id.clone())),
        s(&|r| Some(r.batch_id.clone())),
        s(&|r| Some(r.shard.clone())),
        ts(&|r| Some(r.committed_at)),
    ];
    let batch =
        RecordBatch::try_new(schema(), columns).map_err(|e| callqa_parquet::SinkError::Encode {
            path: name.to_string(),
            message: e.to_string(),
        })?;
    Ok(callqa_parquet::encode(name, &[batch])?)
}

/// Decode a ledger file.
pub(crate) fn decode(name: &str, bytes: bytes::Bytes) -> Result<Vec<LedgerEntry>> {
    let bad = |message: String| callqa_parquet::SinkError::Encode {
        path: name.to_string(),
        message,
    };
    let mut out = Vec::new();
    for b in callqa_parquet::decode(name, bytes)? {
        let col = |n: &str| -> std::result::Result<&ArrayRef, callqa_parquet::SinkError> {
            b.column_by_name(n)
                .ok_or_else(|| bad(format!("not a callqa ledger file: no column {n}")))
        };
        let strs =
            |n: &str| -> std::result::Result<Vec<Option<String>>, callqa_parquet::SinkError> {
                let c = col(n)?;
                let a = c
                    .as_string_opt::<i32>()
                    .ok_or_else(|| bad(format!("column {n} is not a string")))?;
                Ok(a.iter().map(|v| v.map(str::to_string)).collect())
            };
        let times = |n: &str| -> std::result::Result<
            Vec<Option<DateTime<Utc>>>,
            callqa_parquet::SinkError,
        > {
            let c = col(n)?;
            let a = c
                .as_primitive_opt::<TimestampMicrosecondType>()
                .ok_or_else(|| bad(format!("column {n} is not a timestamp")))?;
            Ok(a.iter()
                .map(|v| v.and_then(DateTime::<Utc>::from_timestamp_micros))
                .collect())
        };
        let (key, call, path, sha, outcome, stage, run, batch, shard) = (
            strs("input_key")?,
            strs("call_id")?,
            strs("path")?,
            strs("content_sha256")?,
            strs("outcome")?,
            strs("stage")?,
            strs("run_id")?,
            strs("batch_id")?,
            strs("shard")?,
        );
        let (mtime, at) = (times("mtime")?, times("committed_at")?);
        let size = col("size_bytes")?
            .as_primitive_opt::<arrow::datatypes::Int64Type>()
            .ok_or_else(|| bad("column size_bytes is not an integer".into()))?;
        for i in 0..b.num_rows() {
            out.push(LedgerEntry {
                input: InputRecord {
                    input_key: key[i].clone().unwrap_or_default(),
                    call_id: call[i].clone().unwrap_or_default(),
                    path: path[i].clone().unwrap_or_default(),
                    size_bytes: (!size.is_null(i)).then(|| size.value(i).max(0) as u64),
                    mtime: mtime[i],
                    content_sha256: sha[i].clone(),
                    outcome: if outcome[i].as_deref() == Some("ok") {
                        Outcome::Ok
                    } else {
                        Outcome::Error
                    },
                    stage: stage[i].clone(),
                },
                run_id: run[i].clone().unwrap_or_default(),
                batch_id: batch[i].clone().unwrap_or_default(),
                shard: shard[i].clone().unwrap_or_default(),
                committed_at: at[i].unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_round_trip() {
        let e = LedgerEntry {
            input: InputRecord {
                input_key: "c1".into(),
                call_id: "c1".into(),
                path: "/a/c1.wav".into(),
                size_bytes: Some(1234),
                mtime: DateTime::from_timestamp(1_700_000_000, 0),
                content_sha256: Some("ab".repeat(32)),
                outcome: Outcome::Ok,
                stage: None,
            },
            run_id: "r".into(),
            batch_id: "r-00000".into(),
            shard: "all".into(),
            committed_at: DateTime::from_timestamp(1_700_000_100, 0).unwrap(),
        };
        let mut e2 = e.clone();
        e2.input.input_key = "bad".into();
        e2.input.outcome = Outcome::Error;
        e2.input.stage = Some("decode".into());
        e2.input.size_bytes = None;
        let bytes = encode("x", &[e.clone(), e2.clone()]).unwrap();
        let back = decode("x", bytes.into()).unwrap();
        assert_eq!(back, vec![e, e2]);
    }
}
