//! Crash isolation: which calls were in flight when a run died, and of what.
//!
//! A panic on one call becomes its error row, but an abort or a segfault in native code
//! (whisper.cpp, ONNX Runtime, a decoder) takes the whole process down, and the next run
//! would meet the same call first and die the same way, night after night. So each run
//! keeps a small journal object, `_inflight/<run_id>.json`, naming the calls it has
//! started and not yet handed to the output, and the stage each is at (`decode`, `vad`,
//! `diarization`, `acoustic`, `asr`, `features`, or [`PENDING`]: transcribed and held for
//! batch calibration, running nothing); written through at every change, so it is current
//! when the process dies. On a local output the run also writes the fatal signal it dies
//! of to `_inflight/<run_id>.signal` (see `signal`): a journal with a signal file is a
//! **crash**; one without is a **kill** (`kill -9`, the OOM killer, a power cut), which
//! says nothing about its calls. A run that ends normally deletes both.
//!
//! A run that opens the output and finds the journal of a dead run (one of its own
//! shard, or of a shard whose lock is free) adds it to the record of every call named in
//! it, in `_inflight/_crashes.json` ([`CrashRecord`]: crashes, kills, last stage, last
//! signal), and deletes it. What the pipeline does with a record
//! ([`crate::Ticket::crashes`]):
//!
//! * a call in flight in any dead run is a suspect: it runs *solo*, first, with no other
//!   call in flight ([`Journal::wait_idle`]), so if it brings the process down again it
//!   alone is blamed;
//! * a call that was [`PENDING`] when a run died ran nothing: it is neither counted nor a
//!   suspect (a run holds many such calls until the batch ends; blaming them would run
//!   them all solo, and blame the innocent), and the next run takes it up like any call
//!   that was not written. While the scorer runs the models on a held call, its stage
//!   is `acoustic`, so a crash there blames that call alone;
//! * a call in flight in **two crashes** ([`CrashRecord::is_poison`]) is written as an
//!   error row, stage = where it was, kind `crashed`, and not tried again without
//!   `--retry-errors`. Kills never count: an operator may `kill -9` runs again and again
//!   and every call is still written exactly once. On S3, where no signal file can be
//!   written, every death counts as a crash.
//!
//! So a poison call costs at most two dead runs and the third run writes everything
//! else; an innocent call that happened to be in flight beside it runs solo once and is
//! written. A record is cleared when the call's row (or error row) is committed.

use crate::location::Location;
use crate::{store_err, Result};
use object_store::{ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};

/// The stage of a call that is held (transcribed, waiting for its operator's batch
/// statistics) and runs nothing: ignored by [`Journal::wait_idle`] and by the crash
/// records.
pub const PENDING: &str = "pending";

/// Where the crash counts are kept, dataset-relative.
pub(crate) const CRASHES: &str = "_inflight/_crashes.json";

/// A call's record of dead runs it was in flight in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CrashRecord {
    /// Runs that crashed (died of a fatal signal, or of anything on S3) with the call in
    /// flight.
    pub count: u32,
    /// Runs that were killed (no signal recorded: `kill -9`, the OOM killer) with the
    /// call in flight. They make the call a suspect, never poison.
    #[serde(default)]
    pub killed: u32,
    /// The stage it was at the last time.
    pub stage: String,
    /// The signal of the last crash, when it was recorded.
    #[serde(default)]
    pub signal: Option<i32>,
}

/// Crashes with the call in flight after which it is written as a `crashed` error row.
pub const POISON_CRASHES: u32 = 2;

impl CrashRecord {
    /// Crashed [`POISON_CRASHES`] times with this call in flight: do not try it again.
    pub fn is_poison(&self) -> bool {
        self.count >= POISON_CRASHES
    }

    /// "SIGABRT" or "signal unknown", for messages.
    pub fn signal_name(&self) -> String {
        self.signal
            .map_or_else(|| "signal unknown".to_string(), crate::signal::name)
    }
}

/// One entry of a run's journal.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct InFlight {
    pub stage: String,
}

#[derive(Default, Serialize, Deserialize)]
pub(crate) struct JournalFile {
    pub calls: BTreeMap<String, InFlight>,
}

struct Inner {
    loc: Location,
    rt: tokio::runtime::Runtime,
    rel: String,
    /// `_inflight/<run>.signal` of a local output.
    marker: Option<PathBuf>,
    state: Mutex<JournalFile>,
    /// Work on held calls going on now ([`Journal::busy`]); in memory only.
    busy: Mutex<usize>,
    idle: Condvar,
}

/// This run's journal of calls in flight; cheap to clone and shared by the pipeline's
/// threads. Every change is written through, so the journal on disk (or S3) is current
/// when the process dies.
#[derive(Clone)]
pub struct Journal {
    inner: Arc<Inner>,
}

impl Journal {
    pub(crate) fn new(loc: Location, run_id: &str) -> Result<Self> {
        Ok(Journal {
            inner: Arc::new(Inner {
                loc: loc.clone(),
                rt: crate::runtime()?,
                rel: format!("_inflight/{run_id}.json"),
                marker: loc
                    .local
                    .as_ref()
                    .map(|d| d.join("_inflight").join(format!("{run_id}.signal"))),
                state: Mutex::new(JournalFile::default()),
                busy: Mutex::new(0),
                idle: Condvar::new(),
            }),
        })
    }

    fn write(&self, state: &JournalFile) {
        let i = &self.inner;
        let bytes = serde_json::to_vec(state).unwrap_or_default();
        let key = i.loc.key(&i.rel);
        if let Err(e) =
            i.rt.block_on(i.loc.store.put(&key, PutPayload::from(bytes)))
        {
            // Losing the journal loses crash isolation, not data: go on, loudly.
            tracing::warn!(
                "cannot write {}: {}",
                i.loc.show(&i.rel),
                crate::safe::message(&e)
            );
        }
    }

    /// `call_id` enters `stage` (and is in flight until [`Journal::leave`]); [`PENDING`]
    /// says it is held and runs nothing.
    pub fn enter(&self, call_id: &str, stage: &str) {
        let mut s = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
        s.calls.insert(
            call_id.to_string(),
            InFlight {
                stage: stage.to_string(),
            },
        );
        self.write(&s);
        if stage == PENDING {
            self.inner.idle.notify_all();
        }
    }

    /// `call_id` is done with (its result handed to the output).
    pub fn leave(&self, call_id: &str) {
        let mut s = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.calls.remove(call_id).is_some() {
            self.write(&s);
        }
        self.inner.idle.notify_all();
    }

    /// Work on held calls is going on (the scorer may take up any of them) until the
    /// guard is dropped: [`Journal::wait_idle`] waits for it, so a call run solo never
    /// overlaps it.
    pub fn busy(&self) -> Busy<'_> {
        let _s = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
        *self.inner.busy.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        Busy { journal: self }
    }

    /// Block until no call is running anything (to run a suspect call solo): every call
    /// in flight is [`PENDING`] and no [`Journal::busy`] guard is alive.
    pub fn wait_idle(&self) {
        let mut s = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let busy = *self.inner.busy.lock().unwrap_or_else(|e| e.into_inner());
            if busy == 0 && s.calls.values().all(|c| c.stage == PENDING) {
                return;
            }
            s = self.inner.idle.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// From now on, a fatal signal (abort, segfault) records itself beside the journal
    /// as the process dies, so the next run can tell this run's crash from a kill (local
    /// outputs; see `signal`). For `callqa run`, once per process at a time.
    pub fn catch_fatal_signals(&self) {
        if let Some(m) = &self.inner.marker {
            if let Some(dir) = m.parent() {
                if let Err(e) = std::fs::create_dir_all(dir) {
                    tracing::warn!("cannot create {}: {e}", dir.display());
                    return;
                }
            }
            crate::signal::arm(m);
        }
    }

    /// The run ended: no call is in flight; remove the journal (and stop recording
    /// signals).
    pub(crate) fn remove(&self) {
        let i = &self.inner;
        if let Some(m) = &i.marker {
            crate::signal::disarm();
            let _ = std::fs::remove_file(m);
        }
        let _ = i.rt.block_on(i.loc.store.delete(&i.loc.key(&i.rel)));
    }
}

/// A [`Journal::busy`] guard.
pub struct Busy<'a> {
    journal: &'a Journal,
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        let i = &self.journal.inner;
        let _s = i.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut b = i.busy.lock().unwrap_or_else(|e| e.into_inner());
        *b = b.saturating_sub(1);
        i.idle.notify_all();
    }
}

/// Fold the journals of dead runs (`dead(run_id)` says which) into the crash records and
/// delete them, with their signal files; returns the records. Call with the commit lock
/// held.
pub(crate) async fn fold_dead(
    loc: &Location,
    dead: &dyn Fn(&str) -> bool,
) -> Result<HashMap<String, CrashRecord>> {
    use futures::TryStreamExt;
    let mut metas: Vec<object_store::ObjectMeta> = loc
        .store
        .list(Some(&loc.key("_inflight")))
        .try_collect()
        .await
        .map_err(store_err(loc.show("_inflight")))?;
    // A run's journal (`.json`) before its signal file (`.signal`), which it reads.
    metas.sort_by(|a, b| a.location.cmp(&b.location));
    let mut crashes = read_crashes(loc).await?;
    let mut changed = false;
    for m in metas {
        let rel = loc.rel(&m.location);
        let Some((run_id, ext)) = rel
            .strip_prefix("_inflight/")
            .and_then(|n| n.rsplit_once('.'))
            .filter(|(n, _)| !n.starts_with('_'))
        else {
            continue;
        };
        if !dead(run_id) {
            continue;
        }
        if ext == "json" {
            let file: JournalFile = match get(loc, &rel).await? {
                Some(b) => serde_json::from_slice(&b).unwrap_or_default(),
                None => continue,
            };
            let signal = loc.local.as_ref().and_then(|d| {
                crate::signal::read(&d.join("_inflight").join(format!("{run_id}.signal")))
            });
            fold_one(&mut crashes, run_id, file, signal, loc.local.is_some());
            changed = true;
        } else if ext != "signal" {
            continue;
        }
        // The signal file goes too, after its journal was read.
        delete(loc, &rel).await?;
    }
    if changed {
        write_crashes(loc, &crashes).await?;
    }
    if let Some(dir) = &loc.local {
        sweep_partial_writes(&dir.join("_inflight"), dead);
    }
    Ok(crashes)
}

/// Delete the half-written journals of dead runs. A local put writes
/// `<name>#<digits>` and renames it into place (object_store's `LocalFileSystem`, which
/// leaves such files out of its listings); a run that dies in the middle of updating its
/// journal, as a run dying beside a busy preparation thread can, leaves that file
/// behind, and nothing else would ever delete it. The journal it was replacing is intact
/// (the rename never happened) and was folded above.
fn sweep_partial_writes(dir: &std::path::Path, dead: &dyn Fn(&str) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some((file, suffix)) = name.to_str().and_then(|n| n.split_once('#')) else {
            continue;
        };
        let partial = !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit());
        let run = file.rsplit_once('.').map_or(file, |(run, _)| run);
        if partial && !run.starts_with('_') && dead(run) {
            if let Err(err) = std::fs::remove_file(e.path()) {
                tracing::warn!("cannot delete {}: {err}", e.path().display());
            }
        }
    }
}

/// Add one dead run's journal to the records: a crash when it left a signal file
/// (`signal`: `Some`, with the number it names, if any), or on S3, where it cannot; else
/// a kill.
fn fold_one(
    crashes: &mut HashMap<String, CrashRecord>,
    run_id: &str,
    file: JournalFile,
    signal: Option<Option<i32>>,
    local: bool,
) {
    let crashed = signal.is_some() || !local;
    let how = match signal {
        Some(Some(s)) => format!("crashed ({})", crate::signal::name(s)),
        Some(None) => "crashed (signal unknown)".to_string(),
        None if crashed => "died".to_string(),
        None => "was killed (no fatal signal recorded: kill -9, the OOM killer)".to_string(),
    };
    let mut held = 0usize;
    for (call_id, f) in file.calls {
        if f.stage == PENDING {
            // Held for batch calibration, running nothing: not this death's cause.
            held += 1;
            continue;
        }
        tracing::warn!(call_id = %call_id, stage = %f.stage, run = %run_id, "this call was in flight when run {run_id} {how}");
        let r = crashes.entry(call_id).or_default();
        if crashed {
            r.count += 1;
            r.signal = signal.flatten();
        } else {
            r.killed += 1;
        }
        r.stage = f.stage;
    }
    if held > 0 {
        tracing::info!(run = %run_id, "{held} call(s) held for batch calibration when run {run_id} {how}: not blamed, processed again");
    }
}

async fn delete(loc: &Location, rel: &str) -> Result<()> {
    match loc.store.delete(&loc.key(rel)).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(e) => Err(store_err(loc.show(rel))(e)),
    }
}

async fn get(loc: &Location, rel: &str) -> Result<Option<bytes::Bytes>> {
    match loc.store.get(&loc.key(rel)).await {
        Ok(r) => Ok(Some(r.bytes().await.map_err(store_err(loc.show(rel)))?)),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(store_err(loc.show(rel))(e)),
    }
}

/// The crash counts kept in the dataset (empty when none).
pub(crate) async fn read_crashes(loc: &Location) -> Result<HashMap<String, CrashRecord>> {
    Ok(match get(loc, CRASHES).await? {
        Some(b) => serde_json::from_slice(&b).unwrap_or_default(),
        None => HashMap::new(),
    })
}

/// Store the crash counts. Call with the commit lock held.
pub(crate) async fn write_crashes(
    loc: &Location,
    crashes: &HashMap<String, CrashRecord>,
) -> Result<()> {
    if crashes.is_empty() {
        return delete(loc, CRASHES).await;
    }
    let bytes = serde_json::to_vec(crashes).unwrap_or_default();
    loc.store
        .put(&loc.key(CRASHES), PutPayload::from(bytes))
        .await
        .map(|_| ())
        .map_err(store_err(loc.show(CRASHES)))
}
