//! [`Output`]: the write side of a run, as the pipeline sees it. An input is first
//! *admitted* ([`Output::admit`]: the ledger decides whether it is processed, and the
//! answer is a [`Ticket`]), then its result is *committed* with that ticket
//! ([`Output::commit`]). Between the two the pipeline does its work and knows nothing of
//! ledgers, hashes or replaced rows: the ticket carries what the ledger record needs.
//!
//! Results are buffered and committed to the [`Dataset`] every `flush_every` inputs, each
//! batch with its ledger records, so a crash loses at most the uncommitted batch and a
//! rerun redoes exactly that.

use crate::Result;
use crate::{Batch, Dataset, Decision, InputRecord, InputStat, OpenOptions, Outcome, Policy};
use callqa_core::{CallFeatures, ErrorRow, UtteranceRow};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

/// The right to commit one input's result: what the ledger record of the input needs,
/// gathered when it was admitted and while it was processed.
#[derive(Clone, Debug)]
pub struct Ticket {
    call_id: String,
    path: String,
    stat: InputStat,
    sha: Option<String>,
    replace: bool,
    /// Dead runs this call was in flight in, and its stage the last time (see `journal`).
    crashed: Option<crate::CrashRecord>,
}

impl Ticket {
    /// How many runs died while this call was in flight, and at which stage the last
    /// time; `None` when none did. One: run it solo. Two: write it as a `crashed` error
    /// row instead of trying again.
    pub fn crashes(&self) -> Option<&crate::CrashRecord> {
        self.crashed.as_ref()
    }

    /// The call id the input was admitted under.
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// The input's path or URL.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether earlier rows of this call exist and go when this result is committed.
    pub fn replaces(&self) -> bool {
        self.replace
    }

    /// Record the content hash of the bytes actually processed (a remote input is hashed
    /// once it has been fetched).
    pub fn set_content_hash(&mut self, sha: Option<String>) {
        if sha.is_some() {
            self.sha = sha;
        }
    }

    fn record(&self, outcome: Outcome, stage: Option<&str>) -> InputRecord {
        InputRecord {
            input_key: self.call_id.clone(),
            call_id: self.call_id.clone(),
            path: self.path.clone(),
            size_bytes: self.stat.size,
            mtime: self.stat.mtime,
            content_sha256: self.sha.clone(),
            outcome,
            stage: stage.map(str::to_string),
        }
    }
}

/// What [`Output::admit`] decided.
#[derive(Debug)]
pub enum Admission {
    /// Process the input; commit its result with this ticket.
    Process(Ticket),
    /// Skip it, with the reason (already done, unchanged, failed before, …).
    Skip(String),
}

/// The result of one admitted input.
#[derive(Debug)]
pub enum CallResult {
    /// The call's rows, and warning rows of stages that could be left out (the call row
    /// is written with their columns null).
    Written {
        /// The call row.
        call: Box<CallFeatures>,
        /// Its utterance rows.
        utterances: Vec<UtteranceRow>,
        /// Warning rows.
        warnings: Vec<ErrorRow>,
    },
    /// The input failed: one error row and no call row.
    Failed(ErrorRow),
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

/// SHA-256 of a local file, streamed; `None` when it cannot be read.
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

/// Size and mtime of a local file (unknown when it cannot be read).
pub fn stat_file(path: &Path) -> InputStat {
    match std::fs::metadata(path) {
        Ok(m) => InputStat {
            size: Some(m.len()),
            // At the ledger's precision (microseconds), so an untouched file compares
            // equal to its ledger row and is not hashed again on every rerun.
            mtime: m
                .modified()
                .ok()
                .map(chrono::DateTime::<chrono::Utc>::from)
                .and_then(|t| chrono::DateTime::from_timestamp_micros(t.timestamp_micros())),
        },
        Err(_) => InputStat::default(),
    }
}

/// The output of one `run` or `analyze` invocation: a locked dataset plus the batch being
/// filled.
pub struct Output {
    ds: Dataset,
    flush_every: usize,
    batch: Batch,
    inputs_in_batch: usize,
    /// Calls admitted for replacement whose old rows are not located yet.
    to_index: HashSet<String>,
    /// Data files written so far.
    pub files: usize,
}

impl Output {
    /// Open `url` (a folder or `s3://bucket/prefix`): lock it, repair what a crashed run
    /// left, read its ledger.
    pub fn open(url: &str, flush_every: usize, opts: OpenOptions) -> Result<Self> {
        let ds = Dataset::open(url, opts)?;
        tracing::debug!(run_id = ds.run_id(), "output {url} opened");
        Ok(Output {
            ds,
            flush_every: flush_every.max(1),
            batch: Batch::default(),
            inputs_in_batch: 0,
            to_index: HashSet::new(),
            files: 0,
        })
    }

    /// This run's journal of calls in flight (crash isolation, see `callqa_dataset`'s
    /// `journal` module).
    pub fn journal(&self) -> crate::Journal {
        self.ds.journal()
    }

    /// The dataset (ledger lookups, extra objects such as the voice baselines).
    pub fn dataset(&self) -> &Dataset {
        &self.ds
    }

    /// Decide whether to process an input. `hash` computes its content hash; it is called
    /// only when size or mtime differ from the ledger's.
    pub fn admit(
        &mut self,
        call_id: &str,
        path: &str,
        stat: InputStat,
        policy: Policy,
        hash: &mut dyn FnMut() -> Option<String>,
    ) -> Admission {
        let mut sha = None;
        let decision = self
            .ds
            .decide(call_id, call_id, path, stat, policy, &mut || {
                sha = hash();
                sha.clone()
            });
        match decision {
            Decision::Skip(reason) => Admission::Skip(reason),
            Decision::Process { replace } => {
                if replace {
                    self.to_index.insert(call_id.to_string());
                }
                Admission::Process(Ticket {
                    call_id: call_id.to_string(),
                    path: path.to_string(),
                    stat,
                    sha,
                    replace,
                    crashed: self.ds.crash_record(call_id).cloned(),
                })
            }
        }
    }

    /// [`Output::admit`] for a local file: its size and mtime from the file system, its
    /// hash read only when needed.
    pub fn admit_file(&mut self, call_id: &str, file: &Path, policy: Policy) -> Admission {
        let path = file.display().to_string();
        self.admit(call_id, &path, stat_file(file), policy, &mut || {
            sha256_file(file)
        })
    }

    /// Locate, in one scan, the old rows of every call admitted for replacement so far
    /// (a commit does it for its own calls otherwise).
    pub fn index_admitted(&mut self) -> Result<()> {
        if self.to_index.is_empty() {
            return Ok(());
        }
        tracing::info!(
            calls = self.to_index.len(),
            "{} call(s) changed or forced: their earlier rows will be replaced",
            self.to_index.len()
        );
        let ids = std::mem::take(&mut self.to_index);
        self.ds.index_for_replacement(&ids)
    }

    /// Commit the result of an admitted input (buffered: written with the next batch).
    pub fn commit(&mut self, ticket: Ticket, result: CallResult) -> Result<()> {
        if ticket.replace {
            self.batch.replace.insert(ticket.call_id.clone());
        }
        let record = match result {
            CallResult::Written {
                call,
                utterances,
                warnings,
            } => {
                for w in warnings {
                    self.push_error(w);
                }
                self.batch.calls.push(*call);
                self.batch.utterances.extend(utterances);
                ticket.record(Outcome::Ok, None)
            }
            CallResult::Failed(e) => {
                let record = ticket.record(Outcome::Error, Some(&e.stage));
                self.push_error(e);
                record
            }
        };
        self.push_record(record)
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
        let record = InputRecord {
            input_key: key,
            call_id: e.call_id.clone(),
            path: e.path.clone(),
            size_bytes: stat.size,
            mtime: stat.mtime,
            content_sha256: None,
            outcome: Outcome::Error,
            stage: Some(e.stage.clone()),
        };
        self.push_error(e);
        self.push_record(record)?;
        Ok(true)
    }

    fn push_error(&mut self, e: ErrorRow) {
        tracing::warn!(call_id = %e.call_id, path = %e.path, stage = %e.stage, kind = %e.error_kind, "{}", e.message);
        self.batch.errors.push(e);
    }

    fn push_record(&mut self, record: InputRecord) -> Result<()> {
        self.batch.inputs.push(record);
        self.inputs_in_batch += 1;
        if self.inputs_in_batch >= self.flush_every {
            self.flush()?;
        }
        Ok(())
    }

    /// Commit everything buffered.
    pub fn flush(&mut self) -> Result<()> {
        self.index_admitted()?;
        let batch = std::mem::take(&mut self.batch);
        self.inputs_in_batch = 0;
        self.files += self.ds.commit(batch)?;
        Ok(())
    }

    /// Commit what is left and release the output's lock.
    pub fn finish(mut self) -> Result<()> {
        self.flush()?;
        self.ds.close()
    }
}
