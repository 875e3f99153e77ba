//! The output dataset as a small transactional store, so a nightly batch over an archive
//! never loses or duplicates a call, whatever kills it and wherever it writes.
//!
//! A callqa output (a local folder or an `s3://bucket/prefix`, through `object_store`)
//! holds the Parquet tables (`calls/`, `utterances/`, `errors/`) and four bookkeeping
//! folders that dataset readers skip (their names start with `_`):
//!
//! ```text
//! _locks/<shard>.lock            one writer per output (and shard) at a time
//! _ledger/part-<batch>.parquet   one row per input handled: path, size, mtime, sha256,
//!                                call_id, outcome, run and batch: THE commit record
//! _staging/<shard>/<batch>/…     files of a batch being committed
//! _inflight/<run>.json           calls a run has in flight (crash isolation)
//! _inflight/<run>.signal         the fatal signal a run died of (local outputs)
//! _inflight/_crashes.json        calls in flight when runs died: crashes, kills, stage
//! ```
//!
//! **Why a ledger and staging, not just atomic files.** Each Parquet file is atomic on its
//! own, but a batch writes several (utterances, calls and errors, one per date), and a
//! reprocessed call must replace its old rows. A crash between two of those writes would
//! leave a call's utterances without its call row, or a call twice. So a batch is first
//! written under `_staging/`, then one object, the batch's ledger file, is written: that
//! put is the commit. Only then are the staged files moved into the tables (and files
//! holding replaced rows deleted). On start, [`Dataset::open`] finishes every batch whose
//! ledger file exists and discards every one whose ledger file does not: a kill -9 at any
//! moment followed by a rerun leaves every call exactly once.
//!
//! **Why the ledger decides what a rerun does.** It records each input's size, mtime and
//! content hash, so a rerun processes only new or changed inputs ([`Dataset::decide`]);
//! a changed input replaces its earlier rows instead of adding to them.
//!
//! **The pipeline's view.** A run sees the dataset through [`Output`]: it *admits* each
//! input ([`Output::admit`]: the ledger's [`Decision`] plus a [`Ticket`] that remembers
//! what the ledger record needs — path, size, mtime, content hash, whether earlier rows
//! are replaced) and later *commits* the input's result with that ticket
//! ([`Output::commit`]), buffered into batches. Hashing, ledger records and the tracking
//! of replaced rows stay here.
//!
//! **Shards.** `--shard I/N` gives each worker the calls whose stable hash of `call_id`
//! falls in its bucket ([`Shard`]); workers lock and stage separately and write
//! differently named files, so N workers can share one output. It is still one dataset:
//! a run refuses to start beside a live run of an overlapping shard, recovers the
//! half-committed batches of every dead run whatever its shard, and commits (and readers
//! read) under one dataset-wide lock (see `lock`).
//!
//! **Crash isolation.** A run journals the calls it has in flight (`_inflight/`) and, on
//! a local output, the fatal signal it dies of; the next run runs the calls a dead run
//! had in flight alone, and turns a call that was in flight in two crashes (not kills)
//! into a `crashed` error row ([`Journal`], [`CrashRecord`]). A call held for batch
//! calibration ([`PENDING`]) runs nothing and is never blamed.
#![deny(missing_docs)]

mod dataset;
mod journal;
mod ledger;
mod location;
mod lock;
mod output;
mod rawlist;
mod remote;
mod safe;
mod shard;
mod signal;

pub use dataset::{Batch, Dataset, Decision, InputStat, OpenOptions, Policy};
pub use journal::{Busy, CrashRecord, Journal, PENDING, POISON_CRASHES};
pub use ledger::{InputRecord, LedgerEntry, Outcome};
pub use location::Location;
pub use output::{
    key_without_call_id, sha256_file, stat_file, Admission, CallResult, Output, Ticket,
};
pub use remote::{is_remote, Listing, RemoteInput, RemoteReader};
pub use shard::Shard;

/// Why the dataset could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The object store failed (I/O, network, permissions).
    #[error("{url}: {message}")]
    Store {
        /// Object or folder, as the user would name it.
        url: String,
        /// Cause.
        message: String,
    },
    /// Another run holds the output's lock.
    #[error("output {url} is in use by another callqa run ({holder}); {hint}")]
    Locked {
        /// Output.
        url: String,
        /// Who holds the lock, as recorded in the lock file.
        holder: String,
        /// What to do.
        hint: String,
    },
    /// Encoding or decoding a Parquet file failed.
    #[error(transparent)]
    Parquet(#[from] callqa_parquet::SinkError),
    /// Bad argument (a malformed `--shard`, an unsupported URL).
    #[error("{0}")]
    Invalid(String),
}

/// Result alias.
pub type Result<T> = std::result::Result<T, DatasetError>;

pub(crate) fn store_err(
    url: impl Into<String>,
) -> impl FnOnce(object_store::Error) -> DatasetError {
    let url = url.into();
    move |e| DatasetError::Store {
        url,
        message: safe::message(&e),
    }
}

/// The runtime for object-store calls: one worker thread; callqa's own threads block on it.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("callqa-io")
        .enable_all()
        .build()
        .map_err(|e| DatasetError::Invalid(format!("cannot start the I/O runtime: {e}")))
}
