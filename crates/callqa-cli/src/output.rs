//! Buffered output: rows of finished calls are collected and flushed to the Parquet
//! sink every `flush_every` calls, utterances before calls, so `calls/` is the record of
//! what has been written completely.

use anyhow::{Context, Result};
use callqa_core::{CallFeatures, ErrorRow, UtteranceRow};
use callqa_parquet::ParquetSink;
use std::collections::HashSet;
use std::path::Path;

/// Output of one `run` or `analyze` invocation.
pub struct Output {
    sink: ParquetSink,
    flush_every: usize,
    calls: Vec<CallFeatures>,
    utterances: Vec<UtteranceRow>,
    errors: Vec<ErrorRow>,
    /// Call ids present before this run started.
    pub existing: HashSet<String>,
    /// Files written so far.
    pub files: usize,
}

impl Output {
    /// Open `out`, reading the call ids it already holds.
    pub fn open(out: &Path, flush_every: usize) -> Result<Self> {
        let run_id = format!(
            "{}-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ"),
            std::process::id()
        );
        let sink = ParquetSink::new(out, &run_id)
            .with_context(|| format!("cannot use output directory {}", out.display()))?;
        let existing = callqa_parquet::existing_call_ids(out)
            .with_context(|| format!("cannot read existing calls in {}", out.display()))?;
        Ok(Output {
            sink,
            flush_every: flush_every.max(1),
            calls: Vec::new(),
            utterances: Vec::new(),
            errors: Vec::new(),
            existing,
            files: 0,
        })
    }

    /// Add one processed call.
    pub fn push_call(&mut self, call: CallFeatures, utterances: Vec<UtteranceRow>) -> Result<()> {
        self.calls.push(call);
        self.utterances.extend(utterances);
        if self.calls.len() >= self.flush_every {
            self.flush()?;
        }
        Ok(())
    }

    /// Add one error row.
    pub fn push_error(&mut self, e: ErrorRow) {
        tracing::warn!(call_id = %e.call_id, path = %e.path, stage = %e.stage, kind = %e.error_kind, "{}", e.message);
        self.errors.push(e);
    }

    /// Write everything buffered.
    pub fn flush(&mut self) -> Result<()> {
        if !self.utterances.is_empty() {
            self.files += self.sink.write_utterances(&self.utterances)?.len();
            self.utterances.clear();
        }
        if !self.calls.is_empty() {
            self.files += self.sink.write_calls(&self.calls)?.len();
            self.calls.clear();
        }
        if !self.errors.is_empty() {
            self.files += self.sink.write_errors(&self.errors)?.len();
            self.errors.clear();
        }
        Ok(())
    }
}
