//! The Parquet sink: callqa's rows become zstd-compressed Parquet files in a
//! hive-partitioned layout that DuckDB, Trino, Spark, pyarrow and Power BI read as one
//! dataset and prune by date:
//!
//! ```text
//! <out>/calls/call_date=2026-11-02/part-<run>-<seq>.parquet
//! <out>/utterances/call_date=2026-11-02/part-<run>-<seq>.parquet
//! <out>/errors/call_date=2026-11-02/part-<run>-<seq>.parquet
//! <out>/errors/call_date=__HIVE_DEFAULT_PARTITION__/…   (inputs whose date is unknown)
//! ```
//!
//! Two decisions shape this crate:
//! - **The partition column lives in the path only**, as Hive, Spark and Trino expect
//!   (Spark refuses a dataset whose files repeat the partition column). Readers get
//!   `call_date` from the path (`hive_partitioning` in DuckDB, automatic in pyarrow).
//! - **Atomic files.** Each file is written under a hidden temporary name (`.tmp-…`,
//!   which dataset readers ignore), flushed to disk, then renamed into place, so a crash
//!   never leaves a half-written file that a reader picks up.
//!
//! The Arrow schema of each table is defined once here ([`calls_schema`],
//! [`utterances_schema`], [`errors_schema`]) and documented in `docs/SCHEMA.md`.
#![deny(missing_docs)]

pub mod contract;
pub mod read;
pub mod snapshot;

use arrow::array::{
    ArrayRef, BooleanArray, Float32Builder, Float64Array, Int32Array, ListBuilder, MapBuilder,
    MapFieldNames, RecordBatch, StringArray, StringBuilder, TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use callqa_core::{CallFeatures, ErrorRow, UtteranceRow};
use chrono::{DateTime, NaiveDate, Utc};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Hive's name for the partition of rows whose key is null.
pub const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// Why rows could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// File-system error.
    #[error("cannot write {path}: {source}")]
    Io {
        /// Path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Arrow or Parquet encoding error.
    #[error("cannot encode {path}: {message}")]
    Encode {
        /// Path.
        path: String,
        /// Cause.
        message: String,
    },
    /// A Parquet file that cannot be decoded (or a column of a type no reader knows).
    #[error("cannot read {path}: {message}")]
    Read {
        /// Path.
        path: String,
        /// Cause.
        message: String,
    },
}

fn ts_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

/// Schema of `calls/` files (without the `call_date` partition column).
pub fn calls_schema() -> SchemaRef {
    let f = |n: &str, t: DataType, null: bool| Field::new(n, t, null);
    use DataType::*;
    Arc::new(Schema::new(vec![
        f("call_id", Utf8, false),
        f("operator_id", Utf8, true),
        f("started_at", ts_type(), false),
        f("duration_s", Float64, false),
        f("channel_layout", Utf8, false),
        f("language", Utf8, true),
        f("operator_talk_s", Float64, true),
        f("customer_talk_s", Float64, true),
        f("silence_s", Float64, false),
        f("long_pauses", Int32, false),
        f("longest_pause_s", Float64, false),
        f("operator_interruptions", Int32, true),
        f("customer_interruptions", Int32, true),
        f("greeting", Boolean, false),
        f("greeting_at_s", Float64, true),
        f("self_introduction", Boolean, false),
        f("thanks", Boolean, false),
        f("survey_offer", Boolean, false),
        f("farewell", Boolean, false),
        f("customer_questions", Int32, true),
        f("concrete_answers", Int32, true),
        f("vague_answers", Int32, true),
        f("unanswered_questions", Int32, true),
        f("complaint", Boolean, true),
        f(
            "complaint_types",
            List(Arc::new(Field::new("item", Utf8, true))),
            true,
        ),
        f("pii_redactions", Int32, true),
        f("operator_smile_index", Float64, true),
        f("operator_negative_share", Float64, true),
        f("customer_anger_share", Float64, true),
        f("customer_arousal_max", Float64, true),
        f("operator_arousal_mean", Float64, true),
        f("calm_under_pressure", Float64, true),
        f("mirroring", Float64, true),
        f("operator_f0_variability", Float64, true),
        f("emotion_model", Utf8, true),
        f("emotion_normalisation", Utf8, true),
        f("diarization", Utf8, true),
        f("speakers", Int32, true),
        f("role_method", Utf8, true),
        f("role_confidence", Float64, true),
        f("customer_emotion_normalisation", Utf8, true),
        f("emotion_confidence", Float64, true),
        f("asr_model", Utf8, true),
        f("pipeline", Utf8, false),
        f("pipeline_version", Utf8, false),
        f("processed_at", ts_type(), false),
    ]))
}

/// Schema of `utterances/` files (without the `call_date` partition column).
pub fn utterances_schema() -> SchemaRef {
    use DataType::*;
    Arc::new(Schema::new(vec![
        Field::new("call_id", Utf8, false),
        Field::new("idx", Int32, false),
        Field::new("speaker", Utf8, false),
        Field::new("start_s", Float64, false),
        Field::new("end_s", Float64, false),
        Field::new("text", Utf8, false),
        Field::new(
            "tags",
            List(Arc::new(Field::new("item", Utf8, true))),
            false,
        ),
        Field::new("emotion", Utf8, true),
        Field::new("emotion_probs", emotion_probs_type(), true),
        Field::new("arousal", Float64, true),
        Field::new("f0_mean_hz", Float64, true),
        Field::new("f0_range_hz", Float64, true),
        Field::new("emotion_confidence", Float64, true),
    ]))
}

/// `MAP<VARCHAR, FLOAT>`: label → probability, in the model's label order.
fn emotion_probs_type() -> DataType {
    DataType::Map(
        Arc::new(Field::new(
            "key_value",
            DataType::Struct(
                vec![
                    Field::new("key", DataType::Utf8, false),
                    Field::new("value", DataType::Float32, true),
                ]
                .into(),
            ),
            false,
        )),
        false,
    )
}

/// Schema of `errors/` files (without the `call_date` partition column).
pub fn errors_schema() -> SchemaRef {
    use DataType::*;
    Arc::new(Schema::new(vec![
        Field::new("call_id", Utf8, false),
        Field::new("path", Utf8, false),
        Field::new("stage", Utf8, false),
        Field::new("error_kind", Utf8, false),
        Field::new("message", Utf8, false),
        Field::new("processed_at", ts_type(), false),
    ]))
}

fn micros(t: &DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn u32_to_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn calls_batch(rows: &[&CallFeatures]) -> Result<RecordBatch, arrow::error::ArrowError> {
    let s = |f: &dyn Fn(&CallFeatures) -> Option<&str>| -> ArrayRef {
        Arc::new(rows.iter().map(|r| f(r)).collect::<StringArray>())
    };
    let f64c = |f: &dyn Fn(&CallFeatures) -> Option<f64>| -> ArrayRef {
        Arc::new(rows.iter().map(|r| f(r)).collect::<Float64Array>())
    };
    let i32c = |f: &dyn Fn(&CallFeatures) -> Option<u32>| -> ArrayRef {
        Arc::new(
            rows.iter()
                .map(|r| f(r).map(u32_to_i32))
                .collect::<Int32Array>(),
        )
    };
    let b = |f: &dyn Fn(&CallFeatures) -> bool| -> ArrayRef {
        Arc::new(rows.iter().map(|r| Some(f(r))).collect::<BooleanArray>())
    };
    let ts = |f: &dyn Fn(&CallFeatures) -> DateTime<Utc>| -> ArrayRef {
        Arc::new(
            rows.iter()
                .map(|r| Some(micros(&f(r))))
                .collect::<TimestampMicrosecondArray>()
                .with_timezone("UTC"),
        )
    };
    RecordBatch::try_new(
        calls_schema(),
        vec![
            s(&|r| Some(&r.call_id)),
            s(&|r| r.operator_id.as_deref()),
            ts(&|r| r.started_at),
            f64c(&|r| Some(r.duration_s)),
            s(&|r| Some(&r.channel_layout)),
            s(&|r| r.language.as_deref()),
            f64c(&|r| r.operator_talk_s),
            f64c(&|r| r.customer_talk_s),
            f64c(&|r| Some(r.silence_s)),
            i32c(&|r| Some(r.long_pauses)),
            f64c(&|r| Some(r.longest_pause_s)),
            i32c(&|r| r.operator_interruptions),
            i32c(&|r| r.customer_interruptions),
            b(&|r| r.greeting),
            f64c(&|r| r.greeting_at_s),
            b(&|r| r.self_introduction),
            b(&|r| r.thanks),
            b(&|r| r.survey_offer),
            b(&|r| r.farewell),
            i32c(&|r| r.customer_questions),
            i32c(&|r| r.concrete_answers),
            i32c(&|r| r.vague_answers),
            i32c(&|r| r.unanswered_questions),
            Arc::new(rows.iter().map(|r| r.complaint).collect::<BooleanArray>()),
            string_list(rows.iter().map(|r| r.complaint_types.as_deref())),
            i32c(&|r| r.pii_redactions),
            f64c(&|r| r.operator_smile_index),
            f64c(&|r| r.operator_negative_share),
            f64c(&|r| r.customer_anger_share),
            f64c(&|r| r.customer_arousal_max),
            f64c(&|r| r.operator_arousal_mean),
            f64c(&|r| r.calm_under_pressure),
            f64c(&|r| r.mirroring),
            f64c(&|r| r.operator_f0_variability),
            s(&|r| r.emotion_model.as_deref()),
            s(&|r| r.emotion_normalisation.as_deref()),
            s(&|r| r.diarization.as_deref()),
            i32c(&|r| r.speakers),
            s(&|r| r.role_method.as_deref()),
            f64c(&|r| r.role_confidence),
            s(&|r| r.customer_emotion_normalisation.as_deref()),
            f64c(&|r| r.emotion_confidence),
            s(&|r| r.asr_model.as_deref()),
            s(&|r| Some(&r.pipeline)),
            s(&|r| Some(&r.pipeline_version)),
            ts(&|r| r.processed_at),
        ],
    )
}

/// A `LIST<VARCHAR>` column; `None` is a null list.
fn string_list<'a>(items: impl Iterator<Item = Option<&'a [String]>>) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for item in items {
        match item {
            Some(list) => {
                for s in list {
                    b.values().append_value(s);
                }
                b.append(true);
            }
            None => b.append(false),
        }
    }
    Arc::new(b.finish())
}

fn utterances_batch(rows: &[&UtteranceRow]) -> Result<RecordBatch, arrow::error::ArrowError> {
    let mut tags = ListBuilder::new(StringBuilder::new());
    for r in rows {
        for t in &r.tags {
            tags.values().append_value(t);
        }
        tags.append(true);
    }
    let mut probs = MapBuilder::new(
        Some(MapFieldNames {
            entry: "key_value".into(),
            key: "key".into(),
            value: "value".into(),
        }),
        StringBuilder::new(),
        Float32Builder::new(),
    );
    for r in rows {
        for (k, v) in &r.emotion_probs {
            probs.keys().append_value(k);
            probs.values().append_value(*v);
        }
        probs.append(!r.emotion_probs.is_empty())?;
    }
    let f64c = |f: &dyn Fn(&UtteranceRow) -> Option<f64>| -> ArrayRef {
        Arc::new(rows.iter().map(|r| f(r)).collect::<Float64Array>())
    };
    RecordBatch::try_new(
        utterances_schema(),
        vec![
            Arc::new(
                rows.iter()
                    .map(|r| Some(r.call_id.as_str()))
                    .collect::<StringArray>(),
            ),
            Arc::new(
                rows.iter()
                    .map(|r| Some(u32_to_i32(r.idx)))
                    .collect::<Int32Array>(),
            ),
            Arc::new(
                rows.iter()
                    .map(|r| Some(r.speaker.as_str()))
                    .collect::<StringArray>(),
            ),
            Arc::new(
                rows.iter()
                    .map(|r| Some(r.start_s))
                    .collect::<Float64Array>(),
            ),
            Arc::new(rows.iter().map(|r| Some(r.end_s)).collect::<Float64Array>()),
            Arc::new(
                rows.iter()
                    .map(|r| Some(r.text.as_str()))
                    .collect::<StringArray>(),
            ),
            Arc::new(tags.finish()),
            Arc::new(
                rows.iter()
                    .map(|r| r.emotion.as_deref())
                    .collect::<StringArray>(),
            ),
            Arc::new(probs.finish()),
            f64c(&|r| r.arousal),
            f64c(&|r| r.f0_mean_hz),
            f64c(&|r| r.f0_range_hz),
            f64c(&|r| r.emotion_confidence),
        ],
    )
}

fn errors_batch(rows: &[&ErrorRow]) -> Result<RecordBatch, arrow::error::ArrowError> {
    let s = |f: &dyn Fn(&ErrorRow) -> &str| -> ArrayRef {
        Arc::new(rows.iter().map(|r| Some(f(r))).collect::<StringArray>())
    };
    RecordBatch::try_new(
        errors_schema(),
        vec![
            s(&|r| &r.call_id),
            s(&|r| &r.path),
            s(&|r| &r.stage),
            s(&|r| &r.error_kind),
            s(&|r| &r.message),
            Arc::new(
                rows.iter()
                    .map(|r| Some(micros(&r.processed_at)))
                    .collect::<TimestampMicrosecondArray>()
                    .with_timezone("UTC"),
            ),
        ],
    )
}

/// Writes the three tables of one output directory. Every call to a `write_*` method
/// produces at most one new file per partition, named `part-<run_id>-<seq>.parquet`.
pub struct ParquetSink {
    out: PathBuf,
    run_id: String,
    seq: AtomicU64,
    props: WriterProperties,
}

impl ParquetSink {
    /// A sink writing under `out` (created if missing); `run_id` makes this run's file
    /// names unique (e.g. a UTC timestamp plus the process id).
    pub fn new(out: &Path, run_id: &str) -> Result<Self, SinkError> {
        std::fs::create_dir_all(out).map_err(|source| SinkError::Io {
            path: out.display().to_string(),
            source,
        })?;
        let props = writer_properties();
        Ok(ParquetSink {
            out: out.to_path_buf(),
            run_id: run_id.to_string(),
            seq: AtomicU64::new(0),
            props,
        })
    }

    /// The output directory.
    pub fn out_dir(&self) -> &Path {
        &self.out
    }

    /// Write `calls/` rows; returns the files written.
    pub fn write_calls(&self, rows: &[CallFeatures]) -> Result<Vec<PathBuf>, SinkError> {
        self.write_partitioned("calls", rows, |r| Some(r.call_date), calls_batch)
    }

    /// Write `utterances/` rows; returns the files written.
    pub fn write_utterances(&self, rows: &[UtteranceRow]) -> Result<Vec<PathBuf>, SinkError> {
        self.write_partitioned("utterances", rows, |r| Some(r.call_date), utterances_batch)
    }

    /// Write `errors/` rows; returns the files written.
    pub fn write_errors(&self, rows: &[ErrorRow]) -> Result<Vec<PathBuf>, SinkError> {
        self.write_partitioned("errors", rows, |r| r.call_date, errors_batch)
    }

    /// Write a table of any schema (e.g. `callqa score`'s `scores/`), one ready batch per
    /// partition, with the same layout and atomic files as the call tables:
    /// `<out>/<table>/call_date=<date>/part-<run_id>-<seq>.parquet` (a `None` date goes to
    /// [`NULL_PARTITION`]). Empty batches are skipped. Returns the files written.
    pub fn write_batches(
        &self,
        table: &str,
        parts: &[(Option<NaiveDate>, RecordBatch)],
    ) -> Result<Vec<PathBuf>, SinkError> {
        let mut written = Vec::new();
        for (d, batch) in parts {
            if batch.num_rows() == 0 {
                continue;
            }
            let (dir, name) = self.next_file(table, *d);
            written.push(write_atomic(&dir, &name, batch, &self.props)?);
        }
        Ok(written)
    }

    /// Folder and file name of the next file of `table` in the partition of `date`.
    fn next_file(&self, table: &str, date: Option<NaiveDate>) -> (PathBuf, String) {
        let part = match date {
            Some(d) => format!("call_date={}", d.format("%Y-%m-%d")),
            None => format!("call_date={NULL_PARTITION}"),
        };
        let dir = self.out.join(table).join(part);
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        (dir, format!("part-{}-{:05}.parquet", self.run_id, seq))
    }

    fn write_partitioned<R>(
        &self,
        table: &str,
        rows: &[R],
        date: impl Fn(&R) -> Option<NaiveDate>,
        to_batch: impl Fn(&[&R]) -> Result<RecordBatch, arrow::error::ArrowError>,
    ) -> Result<Vec<PathBuf>, SinkError> {
        let mut groups: BTreeMap<Option<NaiveDate>, Vec<&R>> = BTreeMap::new();
        for r in rows {
            groups.entry(date(r)).or_default().push(r);
        }
        let mut written = Vec::new();
        for (d, group) in groups {
            let (dir, name) = self.next_file(table, d);
            let batch = to_batch(&group).map_err(|e| SinkError::Encode {
                path: dir.join(&name).display().to_string(),
                message: e.to_string(),
            })?;
            written.push(write_atomic(&dir, &name, &batch, &self.props)?);
        }
        Ok(written)
    }
}

/// The partition folder of a date: `call_date=YYYY-MM-DD`, or Hive's null partition.
pub fn partition_dir(date: Option<NaiveDate>) -> String {
    match date {
        Some(d) => format!("call_date={}", d.format("%Y-%m-%d")),
        None => format!("call_date={NULL_PARTITION}"),
    }
}

/// The writer settings of every callqa file: zstd level 3, `created_by` callqa.
pub fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).unwrap_or_default()))
        .set_created_by(format!("callqa {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// One Arrow batch per `call_date` partition of a table's rows.
pub type Parts = Vec<(Option<NaiveDate>, RecordBatch)>;

fn parts<R>(
    rows: &[R],
    date: impl Fn(&R) -> Option<NaiveDate>,
    to_batch: impl Fn(&[&R]) -> Result<RecordBatch, arrow::error::ArrowError>,
) -> Result<Parts, SinkError> {
    let mut groups: BTreeMap<Option<NaiveDate>, Vec<&R>> = BTreeMap::new();
    for r in rows {
        groups.entry(date(r)).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|(d, g)| {
            to_batch(&g).map(|b| (d, b)).map_err(|e| SinkError::Encode {
                path: partition_dir(d),
                message: e.to_string(),
            })
        })
        .collect()
}

/// `calls/` rows as one batch per partition.
pub fn calls_parts(rows: &[CallFeatures]) -> Result<Parts, SinkError> {
    parts(rows, |r| Some(r.call_date), calls_batch)
}

/// `utterances/` rows as one batch per partition.
pub fn utterances_parts(rows: &[UtteranceRow]) -> Result<Parts, SinkError> {
    parts(rows, |r| Some(r.call_date), utterances_batch)
}

/// `errors/` rows as one batch per partition.
pub fn errors_parts(rows: &[ErrorRow]) -> Result<Parts, SinkError> {
    parts(rows, |r| r.call_date, errors_batch)
}

/// Encode batches (one schema) as one Parquet file in memory; `name` is for errors.
pub fn encode(name: &str, batches: &[RecordBatch]) -> Result<Vec<u8>, SinkError> {
    let enc = |e: parquet::errors::ParquetError| SinkError::Encode {
        path: name.to_string(),
        message: e.to_string(),
    };
    let Some(first) = batches.first() else {
        return Err(SinkError::Encode {
            path: name.to_string(),
            message: "no rows to write".into(),
        });
    };
    let mut buf = Vec::new();
    let mut writer =
        ArrowWriter::try_new(&mut buf, first.schema(), Some(writer_properties())).map_err(enc)?;
    for b in batches {
        writer.write(b).map_err(enc)?;
    }
    writer.close().map_err(enc)?;
    Ok(buf)
}

/// Decode a whole Parquet file held in memory; `name` is for errors.
pub fn decode(name: &str, bytes: bytes::Bytes) -> Result<Vec<RecordBatch>, SinkError> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let bad = |message: String| SinkError::Encode {
        path: name.to_string(),
        message,
    };
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes)
        .and_then(|b| b.build())
        .map_err(|e| bad(e.to_string()))?;
    reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(e.to_string()))
}

/// The distinct values of the `call_id` column of a Parquet file held in memory.
pub fn call_ids_of(
    name: &str,
    bytes: bytes::Bytes,
) -> Result<std::collections::HashSet<String>, SinkError> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::arrow::ProjectionMask;
    let bad = |message: String| SinkError::Encode {
        path: name.to_string(),
        message,
    };
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(bytes).map_err(|e| bad(e.to_string()))?;
    let mask = ProjectionMask::columns(builder.parquet_schema(), ["call_id"]);
    let reader = builder
        .with_projection(mask)
        .build()
        .map_err(|e| bad(e.to_string()))?;
    let mut ids = std::collections::HashSet::new();
    for batch in reader {
        let batch = batch.map_err(|e| bad(e.to_string()))?;
        let col = batch
            .column_by_name("call_id")
            .and_then(|c| c.as_any().downcast_ref::<StringArray>())
            .ok_or_else(|| bad("no call_id string column".into()))?;
        ids.extend(col.iter().flatten().map(str::to_string));
    }
    Ok(ids)
}

/// Write `batch` to `dir/name` through a hidden temporary file and a rename.
fn write_atomic(
    dir: &Path,
    name: &str,
    batch: &RecordBatch,
    props: &WriterProperties,
) -> Result<PathBuf, SinkError> {
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| SinkError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let tmp = dir.join(format!(".tmp-{name}"));
    let dest = dir.join(name);
    let file = File::create(&tmp).map_err(io(&tmp))?;
    let enc = |e: parquet::errors::ParquetError| SinkError::Encode {
        path: dest.display().to_string(),
        message: e.to_string(),
    };
    let mut writer =
        ArrowWriter::try_new(file, batch.schema(), Some(props.clone())).map_err(enc)?;
    writer.write(batch).map_err(enc)?;
    let file = writer.into_inner().map_err(enc)?;
    file.sync_all().map_err(io(&tmp))?;
    drop(file);
    std::fs::rename(&tmp, &dest).map_err(io(&dest))?;
    if let Ok(d) = File::open(dir) {
        // Persist the rename itself; not all file systems support syncing a directory.
        let _ = d.sync_all();
    }
    Ok(dest)
}

/// Call ids already present in `<out>/calls/` (from earlier runs), so a rerun can skip
/// them instead of writing them twice. Files that cannot be read are reported by path.
pub fn existing_call_ids(out: &Path) -> Result<std::collections::HashSet<String>, SinkError> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::arrow::ProjectionMask;
    let mut ids = std::collections::HashSet::new();
    for p in parquet_files(&out.join("calls"))? {
        let bad = |message: String| SinkError::Encode {
            path: p.display().to_string(),
            message,
        };
        let file = File::open(&p).map_err(|source| SinkError::Io {
            path: p.display().to_string(),
            source,
        })?;
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| bad(e.to_string()))?;
        let mask = ProjectionMask::columns(builder.parquet_schema(), ["call_id"]);
        let reader = builder
            .with_projection(mask)
            .build()
            .map_err(|e| bad(e.to_string()))?;
        for batch in reader {
            let batch = batch.map_err(|e| bad(e.to_string()))?;
            let col = batch
                .column(0)
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| bad("call_id is not a string column".into()))?;
            ids.extend(col.iter().flatten().map(str::to_string));
        }
    }
    Ok(ids)
}

/// One cell of a `calls/` row as read back by [`read_calls`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// SQL null.
    Null,
    /// A BOOLEAN column.
    Bool(bool),
    /// An INTEGER column.
    Int(i64),
    /// A DOUBLE column.
    Float(f64),
    /// A VARCHAR column, or a timestamp as RFC 3339.
    Str(String),
}

/// The Parquet files under `dir` (recursively), hidden and temporary files left out,
/// sorted by path. A missing folder has none.
pub fn parquet_files(dir: &Path) -> Result<Vec<PathBuf>, SinkError> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| SinkError::Io {
            path: d.display().to_string(),
            source,
        })?;
        for entry in entries.flatten() {
            let p = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if !name.starts_with('.') && name.ends_with(".parquet") {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Read every row of `<out>/calls/` back, column name → value (the `call_date` partition
/// column is not in the files and not returned). Used by `callqa eval`.
pub fn read_calls(out: &Path) -> Result<Vec<BTreeMap<String, Cell>>, SinkError> {
    read_table(out, "calls")
}

/// Read every row of `<out>/<table>/` back like [`read_calls`], through the one table
/// reader ([`read::read_all`]): a LIST column reads as its display string, `[a, b]`, a
/// timestamp as RFC 3339; the `call_date` partition column is left out. Used by
/// `callqa eval` for `utterances/`.
pub fn read_table(out: &Path, table: &str) -> Result<Vec<BTreeMap<String, Cell>>, SinkError> {
    // Committed data only, never half of a concurrent commit (see `snapshot`).
    let _snapshot = snapshot::read_lock(out);
    let t = read::read_all(&out.join(table))?;
    let names: Vec<String> = t
        .names()
        .filter(|n| *n != "call_date")
        .map(str::to_string)
        .collect();
    Ok((0..t.rows)
        .map(|r| {
            names
                .iter()
                .map(|n| (n.clone(), Cell::from(t.get(n, r))))
                .collect()
        })
        .collect())
}

impl From<&read::V> for Cell {
    fn from(v: &read::V) -> Cell {
        use read::V;
        match v {
            V::Null => Cell::Null,
            V::Bool(b) => Cell::Bool(*b),
            V::Int(i) => Cell::Int(*i),
            V::Float(f) => Cell::Float(*f),
            V::Str(s) => Cell::Str(s.clone()),
            V::Ts(us) => DateTime::<Utc>::from_timestamp_micros(*us)
                .map_or(Cell::Int(*us), |t| Cell::Str(t.to_rfc3339())),
            V::List(items) => Cell::Str(format!("[{}]", items.join(", "))),
        }
    }
}

/// A date for the errors table from a timestamp.
pub fn date_of(t: &DateTime<Utc>) -> NaiveDate {
    t.date_naive()
}
