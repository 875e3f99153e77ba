//! Buffered, transactional output: finished calls and errors are collected and committed
//! to the dataset every `flush_every` calls, each batch with its ledger records, so a
//! crash loses at most the uncommitted batch and a rerun redoes exactly that
//! (see `callqa-dataset`).

use anyhow::{Context, Result};
use callqa_core::{CallFeatures, ErrorRow, UtteranceRow};
use callqa_dataset::{Batch, Dataset, InputRecord, InputStat, OpenOptions, Outcome};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Output of one `run` or `analyze` invocation.
pub struct Output {
    ds: Dataset,
    flush_every: usize,
    batch: Batch,
    calls_in_batch: usize,
    /// Files written so far.
    pub files: usize,
}

/// The ledger key of an input that has no call id (a broken manifest row, an unreadable
/// folder entry): its path plus a digest of the error, so the same problem is reported
/// once, not on every run.
pub fn key_without_call_id(path: &str, message: &str) -> String {
    let h = Sha256::digest(message.as_bytes());
    format!("{path}#{}", hex(&h[..8]))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// SHA-256 of a local file, streamed.
pub fn sha256_file(path: &Path) -> Option<String> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(hex(&h.finalize()))
}

/// Size and mtime of a local file.
pub fn stat_file(path: &Path) -> InputStat {
    match std::fs::metadata(path) {
        Ok(m) => InputStat {
            size: Some(m.len()),
            mtime: m.modified().ok().map(chrono::DateTime::<chrono::Utc>::from),
        },
        Err(_) => InputStat::default(),
    }
}

/// The ledger record of an input (outcome filled in by the caller).
pub fn record(
    key: &str,
    call_id: &str,
    path: &str,
    stat: InputStat,
    sha: Option<String>,
    outcome: Outcome,
    stage: Option<&str>,
) -> InputRecord {
    InputRecord {
        input_key: key.to_string(),
        call_id: call_id.to_string(),
        path: path.to_string(),
        size_bytes: stat.size,
        mtime: stat.mtime,
        content_sha256: sha,
        outcome,
        stage: stage.map(str::to_string),
    }
}

impl Output {
    /// Open `out` (a folder or `s3://bucket/prefix`): lock it, repair what a crashed run
    /// left, read its ledger.
    pub fn open(out: &Path, flush_every: usize, opts: OpenOptions) -> Result<Self> {
        let url = out.to_string_lossy().to_string();
        let ds = Dataset::open(&url, opts).with_context(|| format!("cannot use output {url}"))?;
        tracing::debug!(run_id = ds.run_id(), "output {url} opened");
        Ok(Output {
            ds,
            flush_every: flush_every.max(1),
            batch: Batch::default(),
            calls_in_batch: 0,
            files: 0,
        })
    }

    /// The dataset (ledger lookups, extra objects).
    pub fn dataset(&self) -> &Dataset {
        &self.ds
    }

    /// Report a problem with an input that has no call of its own (a broken manifest row,
    /// an unreadable folder entry, a duplicate call id) once: an error row and a ledger
    /// record keyed by [`key_without_call_id`]. Returns `false`, writing nothing, when an
    /// earlier run already reported it.
    pub fn report_input_problem(&mut self, e: ErrorRow, stat: InputStat) -> Result<bool> {
        let key = key_without_call_id(&e.path, &e.message);
        if self.ds.ledger_entry(&key).is_some() {
            return Ok(false);
        }
        let rec = record(
            &key,
            &e.call_id,
            &e.path,
            stat,
            None,
            Outcome::Error,
            Some(&e.stage),
        );
        self.push_failed(e, rec, false)?;
        Ok(true)
    }

    /// Locate the rows of calls that this run will replace.
    pub fn index_for_replacement(&mut self, ids: &std::collections::HashSet<String>) -> Result<()> {
        self.ds
            .index_for_replacement(ids)
            .with_context(|| format!("cannot read {}", self.ds.url()))
    }

    /// Add one processed call and its ledger record; `replace` = earlier rows go.
    pub fn push_call(
        &mut self,
        call: CallFeatures,
        utterances: Vec<UtteranceRow>,
        input: InputRecord,
        replace: bool,
    ) -> Result<()> {
        if replace {
            self.batch.replace.insert(call.call_id.clone());
        }
        self.batch.calls.push(call);
        self.batch.utterances.extend(utterances);
        self.batch.inputs.push(input);
        self.calls_in_batch += 1;
        if self.calls_in_batch >= self.flush_every {
            self.flush()?;
        }
        Ok(())
    }

    /// Add an error row that ends an input (it gets no call row), with its ledger record.
    pub fn push_failed(&mut self, e: ErrorRow, input: InputRecord, replace: bool) -> Result<()> {
        if replace && !e.call_id.is_empty() {
            self.batch.replace.insert(e.call_id.clone());
        }
        self.push_error(e);
        self.batch.inputs.push(input);
        self.calls_in_batch += 1;
        if self.calls_in_batch >= self.flush_every {
            self.flush()?;
        }
        Ok(())
    }

    /// Add an error row that does not end its input (a warning: the call row is written
    /// too), or one of an input with no ledger record.
    pub fn push_error(&mut self, e: ErrorRow) {
        tracing::warn!(call_id = %e.call_id, path = %e.path, stage = %e.stage, kind = %e.error_kind, "{}", e.message);
        self.batch.errors.push(e);
    }

    /// Commit everything buffered.
    pub fn flush(&mut self) -> Result<()> {
        let batch = std::mem::take(&mut self.batch);
        self.calls_in_batch = 0;
        self.files += self
            .ds
            .commit(batch)
            .with_context(|| format!("cannot write to {}", self.ds.url()))?;
        Ok(())
    }

    /// Commit what is left and release the output's lock.
    pub fn finish(mut self) -> Result<()> {
        self.flush()?;
        let url = self.ds.url().to_string();
        self.ds
            .close()
            .with_context(|| format!("cannot compact the ledger of {url}"))
    }
}
