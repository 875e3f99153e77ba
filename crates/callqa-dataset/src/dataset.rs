//! [`Dataset`]: open (lock + recovery + ledger), decide what to process, commit batches.

use crate::journal::{self, CrashRecord, Journal};
use crate::ledger::{self, InputRecord, LedgerEntry, Outcome};
use crate::location::Location;
use crate::lock::{self, LockGuard};
use crate::shard::Shard;
use crate::{store_err, DatasetError, Result};
use arrow::array::{Array, AsArray, BooleanArray, RecordBatch};
use callqa_core::{failpoint, CallFeatures, ErrorRow, UtteranceRow};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use object_store::{ObjectStoreExt, PutPayload};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The tables a batch writes, in publishing order: a call row appears last, after its
/// utterances, so a reader never sees a call whose utterances are missing.
pub const TABLES: [&str; 3] = ["utterances", "errors", "calls"];

/// Ledger files beyond which a run merges them into one at its end.
pub const LEDGER_COMPACT_AT: usize = 64;

/// How [`Dataset::open`] behaves.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// This worker's shard.
    pub shard: Shard,
    /// Remove a lock left by a dead run (S3 only; local locks die with their process).
    pub break_lock: bool,
}

/// What a rerun does with inputs it has seen.
#[derive(Clone, Copy, Debug, Default)]
pub struct Policy {
    /// Process every input again, replacing its earlier rows (`--reprocess`).
    pub reprocess: bool,
    /// Process again the inputs whose last outcome was an error (`--retry-errors`).
    pub retry_errors: bool,
}

/// Size and modification time of an input, as its source reports them.
#[derive(Clone, Copy, Debug, Default)]
pub struct InputStat {
    /// Bytes.
    pub size: Option<u64>,
    /// Last modification.
    pub mtime: Option<DateTime<Utc>>,
}

/// Whether to process an input.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Process it; `replace` = rows of an earlier run must be replaced.
    Process {
        /// Earlier rows of this call exist and go when the new ones are committed.
        replace: bool,
    },
    /// Skip it, with the reason.
    Skip(String),
}

/// One batch of results to commit atomically.
#[derive(Default)]
pub struct Batch {
    /// Call rows.
    pub calls: Vec<CallFeatures>,
    /// Utterance rows.
    pub utterances: Vec<UtteranceRow>,
    /// Error rows.
    pub errors: Vec<ErrorRow>,
    /// One ledger record per input handled.
    pub inputs: Vec<InputRecord>,
    /// Call ids whose earlier rows this batch replaces.
    pub replace: HashSet<String>,
}

impl Batch {
    /// Nothing to commit.
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty() && self.calls.is_empty() && self.errors.is_empty()
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CommitPlan {
    batch_id: String,
    /// Files (dataset-relative) staged under the batch folder, to move into place.
    files: Vec<String>,
    /// Files (dataset-relative) to delete: they held replaced rows.
    deletes: Vec<String>,
}

/// An open output dataset, locked for this run.
pub struct Dataset {
    loc: Location,
    rt: tokio::runtime::Runtime,
    shard: Shard,
    run_id: String,
    seq: u64,
    lock: Option<LockGuard>,
    /// Latest ledger entry per input key.
    ledger: HashMap<String, LedgerEntry>,
    /// Call ids present in `calls/` when the run started.
    existing: HashSet<String>,
    /// For calls due for replacement: the data files holding their rows.
    index: HashMap<String, HashSet<String>>,
    /// Call ids already looked up for `index`.
    indexed: HashSet<String>,
    /// Ledger files read at open or written by this run.
    ledger_files: Vec<String>,
    /// Crash counts of calls that were in flight when runs died (see `journal`).
    crashes: HashMap<String, CrashRecord>,
    /// This run's journal of calls in flight.
    journal: Journal,
    /// Files written so far.
    pub files_written: usize,
}

fn new_run_id(shard: &Shard) -> String {
    let now = Utc::now();
    // pid + nanoseconds keep two workers of the same shard tag on different hosts apart.
    let salt = (u64::from(std::process::id()) << 32) ^ u64::from(now.timestamp_subsec_nanos());
    format!(
        "{}-{}-{:08x}",
        now.format("%Y%m%dT%H%M%SZ"),
        shard.tag(),
        salt & 0xffff_ffff
    )
}

/// Stages one table's rows of a batch (see [`Dataset::commit`]): returns the staged file.
type StageFn<'a> =
    dyn FnMut(&Dataset, &str, &[RecordBatch], &mut CommitPlan) -> Result<String> + 'a;

impl Dataset {
    /// Open `out` (a folder or `s3://bucket/prefix`): take the lock (refused while a run
    /// of an overlapping shard holds its own, see `lock`), finish or discard the batches
    /// that dead runs of any shard left half-committed, and read the ledger.
    pub fn open(out: &str, opts: OpenOptions) -> Result<Self> {
        let loc = Location::parse(out)?;
        let rt = crate::runtime()?;
        let run_id = new_run_id(&opts.shard);
        // Local outputs: one run at a time takes its lock and recovers dead runs' batches.
        let registry = lock::open_registry(&loc)?;
        let lock = rt.block_on(lock::acquire(&loc, &opts.shard, &run_id, opts.break_lock))?;
        let journal = Journal::new(loc.clone(), &run_id)?;
        let mut ds = Dataset {
            loc,
            rt,
            shard: opts.shard,
            run_id,
            seq: 0,
            lock: Some(lock),
            ledger: HashMap::new(),
            existing: HashSet::new(),
            index: HashMap::new(),
            indexed: HashSet::new(),
            ledger_files: Vec::new(),
            crashes: HashMap::new(),
            journal,
            files_written: 0,
        };
        let own = ds.shard.tag();
        // Staged batches of other shards whose run is dead (its lock is free) are this
        // run's to finish or discard too, whatever their shard: the ledger is one.
        let mut dead: Vec<(String, LockGuard)> = Vec::new();
        for tag in ds.tags_with_leftovers()? {
            if tag == own {
                continue;
            }
            if let Some(g) = ds
                .rt
                .block_on(lock::try_take_dead(&ds.loc, &tag, &ds.run_id))?
            {
                dead.push((tag, g));
            }
        }
        let recovered = ds.recover_all(&own, &dead);
        for (_, g) in dead {
            ds.rt.block_on(g.release(&ds.loc));
        }
        drop(registry);
        recovered?;
        ds.existing = ds.scan_call_ids("calls")?.into_values().flatten().collect();
        Ok(ds)
    }

    /// The shard tags with a folder under `_staging/` or a run's journal or signal file
    /// under `_inflight/`: what a dead run of that shard may have left.
    fn tags_with_leftovers(&self) -> Result<Vec<String>> {
        let mut tags: Vec<String> = self
            .list("_staging")?
            .iter()
            .filter_map(|m| {
                let rel = self.loc.rel(&m.location);
                rel.strip_prefix("_staging/")?
                    .split('/')
                    .next()
                    .map(str::to_string)
            })
            .collect();
        tags.extend(self.list("_inflight")?.iter().filter_map(|m| {
            let rel = self.loc.rel(&m.location);
            let (run, _) = rel.strip_prefix("_inflight/")?.rsplit_once('.')?;
            lock::run_tag(run)
        }));
        tags.sort();
        tags.dedup();
        Ok(tags)
    }

    /// Read the ledger, then (under the commit lock) recover this run's shard and the
    /// dead ones.
    fn recover_all(&mut self, own: &str, dead: &[(String, LockGuard)]) -> Result<()> {
        let committed = self.load_ledger()?;
        let commit = self
            .rt
            .block_on(lock::commit_lock(&self.loc, &self.run_id))?;
        let mut r = self.recover(own, &committed);
        for (tag, _) in dead {
            if r.is_ok() {
                r = self.recover(tag, &committed);
            }
            if let Some(dir) = &self.loc.local {
                let _ = std::fs::remove_dir(dir.join("_staging").join(tag));
            }
        }
        if r.is_ok() {
            // Journals of dead runs of these shards: their calls were in flight.
            let me = self.run_id.clone();
            let is_dead = |run: &str| {
                run != me
                    && lock::run_tag(run)
                        .is_some_and(|t| t == own || dead.iter().any(|(d, _)| *d == t))
            };
            match self.rt.block_on(journal::fold_dead(&self.loc, &is_dead)) {
                Ok(c) => self.crashes = c,
                Err(e) => r = Err(e),
            }
        }
        self.rt.block_on(commit.release(&self.loc));
        r
    }

    /// The output as the user named it.
    pub fn url(&self) -> &str {
        &self.loc.url
    }

    /// This run's id (part of every file name it writes).
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The local folder of a local output.
    pub fn local_dir(&self) -> Option<&std::path::Path> {
        self.loc.local.as_deref()
    }

    /// Call ids in `calls/` when the run started.
    pub fn existing_calls(&self) -> &HashSet<String> {
        &self.existing
    }

    /// How often the call was in flight when a run died, and where (see `journal`).
    pub fn crash_record(&self, call_id: &str) -> Option<&CrashRecord> {
        self.crashes.get(call_id)
    }

    /// This run's journal of calls in flight, for the pipeline's threads.
    pub fn journal(&self) -> Journal {
        self.journal.clone()
    }

    /// The latest ledger entry of an input key.
    pub fn ledger_entry(&self, key: &str) -> Option<&LedgerEntry> {
        self.ledger.get(key)
    }

    fn list(&self, rel: &str) -> Result<Vec<object_store::ObjectMeta>> {
        let key = self.loc.key(rel);
        let store = &self.loc.store;
        self.rt
            .block_on(store.list(Some(&key)).try_collect::<Vec<_>>())
            .map_err(store_err(self.loc.show(rel)))
    }

    /// Read a whole object of the dataset; `None` when absent.
    pub fn get(&self, rel: &str) -> Result<Option<bytes::Bytes>> {
        let key = self.loc.key(rel);
        let r = self
            .rt
            .block_on(async { self.loc.store.get(&key).await?.bytes().await });
        match r {
            Ok(b) => Ok(Some(b)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(store_err(self.loc.show(rel))(e)),
        }
    }

    /// Write a whole object of the dataset (atomic: a reader sees the old or the new).
    pub fn put(&self, rel: &str, bytes: Vec<u8>) -> Result<()> {
        let key = self.loc.key(rel);
        self.rt
            .block_on(self.loc.store.put(&key, PutPayload::from(bytes)))
            .map(|_| ())
            .map_err(store_err(self.loc.show(rel)))
    }

    /// Read-modify-write one object of the dataset under the commit lock, so runs of
    /// different shards updating it together (the operator voice baselines) never lose
    /// each other's changes: `f` gets the current bytes (`None` when absent) and returns
    /// the new ones.
    pub fn update(
        &self,
        rel: &str,
        f: impl FnOnce(
            Option<bytes::Bytes>,
        )
            -> std::result::Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>>,
    ) -> Result<()> {
        let commit = self
            .rt
            .block_on(lock::commit_lock(&self.loc, &self.run_id))?;
        let r = self.get(rel).and_then(|old| {
            let new = f(old)
                .map_err(|e| DatasetError::Invalid(format!("{}: {e}", self.loc.show(rel))))?;
            self.put(rel, new)
        });
        self.rt.block_on(commit.release(&self.loc));
        r
    }

    fn delete(&self, rel: &str) -> Result<()> {
        let key = self.loc.key(rel);
        match self.rt.block_on(self.loc.store.delete(&key)) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(store_err(self.loc.show(rel))(e)),
        }
    }

    fn exists(&self, rel: &str) -> Result<bool> {
        let key = self.loc.key(rel);
        match self.rt.block_on(self.loc.store.head(&key)) {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(store_err(self.loc.show(rel))(e)),
        }
    }

    /// Parquet data files of a table (dataset-relative), hidden names left out.
    fn data_files(&self, table: &str) -> Result<Vec<String>> {
        let mut files: Vec<String> = self
            .list(table)?
            .into_iter()
            .map(|m| self.loc.rel(&m.location))
            .filter(|rel| {
                let name = rel.rsplit('/').next().unwrap_or("");
                name.ends_with(".parquet") && !name.starts_with('.') && !name.starts_with('_')
            })
            .collect();
        files.sort();
        Ok(files)
    }

    /// Call ids per data file of a table.
    fn scan_call_ids(&self, table: &str) -> Result<BTreeMap<String, HashSet<String>>> {
        let mut out = BTreeMap::new();
        for rel in self.data_files(table)? {
            if let Some(bytes) = self.get(&rel)? {
                let ids = callqa_parquet::call_ids_of(&self.loc.show(&rel), bytes)?;
                out.insert(rel, ids);
            }
        }
        Ok(out)
    }

    /// Read the ledger into `self.ledger` (latest entry per input) and `self.ledger_files`;
    /// returns the ids of every committed batch.
    fn load_ledger(&mut self) -> Result<HashSet<String>> {
        let mut latest: HashMap<String, LedgerEntry> = HashMap::new();
        let mut committed = HashSet::new();
        let mut files = 0;
        for m in self.list("_ledger")? {
            let rel = self.loc.rel(&m.location);
            let name = rel.rsplit('/').next().unwrap_or("");
            if !name.ends_with(".parquet") || name.starts_with('.') {
                continue;
            }
            let Some(bytes) = self.get(&rel)? else {
                continue;
            };
            files += 1;
            self.ledger_files.push(rel.clone());
            for e in ledger::decode(&self.loc.show(&rel), bytes)? {
                committed.insert(e.batch_id.clone());
                let newer = latest.get(&e.input.input_key).is_none_or(|old| {
                    (e.committed_at, &e.batch_id) >= (old.committed_at, &old.batch_id)
                });
                if newer {
                    latest.insert(e.input.input_key.clone(), e);
                }
            }
        }
        tracing::debug!(files, inputs = latest.len(), "ledger read");
        self.ledger = latest;
        Ok(committed)
    }

    /// Replace the ledger files this run has seen by one file of their latest entries,
    /// once there are more than [`LEDGER_COMPACT_AT`], so reading the ledger stays cheap
    /// night after night. Crash-safe: the new file is written before the old ones are
    /// deleted, and duplicate entries are harmless (the latest per input wins). Files
    /// other workers add meanwhile are not touched; recovery looks batches up by the
    /// `batch_id`s inside the ledger, not by file name, so merged files still count.
    fn compact_ledger(&mut self) -> Result<()> {
        if self.ledger_files.len() <= LEDGER_COMPACT_AT {
            return Ok(());
        }
        let mut entries: Vec<LedgerEntry> = self.ledger.values().cloned().collect();
        entries.sort_by(|a, b| a.input.input_key.cmp(&b.input.input_key));
        let rel = format!("_ledger/part-{}-compact.parquet", self.run_id);
        let bytes = ledger::encode(&self.loc.show(&rel), &entries)?;
        self.put(&rel, bytes)?;
        let old = std::mem::take(&mut self.ledger_files);
        for f in old.iter().filter(|f| **f != rel) {
            self.delete(f)?;
        }
        tracing::info!(
            files = old.len(),
            inputs = entries.len(),
            "ledger compacted into {rel}"
        );
        self.ledger_files = vec![rel];
        Ok(())
    }

    /// Finish the batches of shard `tag` whose ledger file exists; discard the others.
    /// Call with the commit lock and `tag`'s shard lock held.
    fn recover(&mut self, tag: &str, committed: &HashSet<String>) -> Result<()> {
        let root = format!("_staging/{tag}");
        let mut batches: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for m in self.list(&root)? {
            let rel = self.loc.rel(&m.location);
            let Some(rest) = rel.strip_prefix(&format!("{root}/")) else {
                continue;
            };
            let batch = rest.split('/').next().unwrap_or("").to_string();
            batches.entry(batch).or_default().push(rel);
        }
        for (batch, staged) in &batches {
            let stage_dir = format!("{root}/{batch}");
            if committed.contains(batch) {
                match self.get(&format!("{stage_dir}/_commit.json"))? {
                    Some(plan) => {
                        let plan: CommitPlan = serde_json::from_slice(&plan).map_err(|e| {
                            DatasetError::Invalid(format!(
                                "{}: not a commit plan: {e}",
                                self.loc.show(&format!("{stage_dir}/_commit.json"))
                            ))
                        })?;
                        tracing::warn!(batch = %batch, files = plan.files.len(), "finishing a batch an earlier run committed but did not publish");
                        self.publish(&stage_dir, &plan)?;
                    }
                    None => {
                        // Published already; only leftovers of the cleanup remain.
                        for rel in staged {
                            self.delete(rel)?;
                        }
                    }
                }
            } else {
                tracing::warn!(batch = %batch, files = staged.len(), "discarding a batch an earlier run staged but did not commit");
                for rel in staged {
                    self.delete(rel)?;
                }
            }
            self.remove_local_dir(&stage_dir);
        }
        Ok(())
    }

    /// Remove an emptied staging folder of a local output (and temporary files a killed
    /// upload left in it).
    fn remove_local_dir(&self, rel: &str) {
        if let Some(dir) = &self.loc.local {
            let _ = std::fs::remove_dir_all(dir.join(rel));
        }
    }

    /// Whether to process an input. `hash` computes its content hash, and is called only
    /// when size or mtime differ from the ledger's.
    pub fn decide(
        &self,
        key: &str,
        call_id: &str,
        path: &str,
        stat: InputStat,
        policy: Policy,
        hash: &mut dyn FnMut() -> Option<String>,
    ) -> Decision {
        let in_calls = !call_id.is_empty() && self.existing.contains(call_id);
        let prev = self.ledger.get(key);
        let known = prev.is_some() || in_calls;
        if policy.reprocess {
            return Decision::Process { replace: known };
        }
        let Some(prev) = prev else {
            return if in_calls {
                Decision::Skip("already in calls/ (written before the ledger existed)".into())
            } else {
                Decision::Process { replace: false }
            };
        };
        if prev.input.outcome == Outcome::Error && policy.retry_errors {
            return Decision::Process { replace: true };
        }
        let what = match prev.input.outcome {
            Outcome::Ok => "done",
            Outcome::Error => "failed (use --retry-errors to try again)",
        };
        let same_stat = prev.input.path == path
            && prev.input.size_bytes == stat.size
            && prev.input.mtime == stat.mtime;
        if same_stat {
            return Decision::Skip(format!("unchanged since run {}: {what}", prev.run_id));
        }
        match (hash(), &prev.input.content_sha256) {
            (Some(h), Some(old)) if &h == old => Decision::Skip(format!(
                "same content as in run {} (only its path or mtime changed): {what}",
                prev.run_id
            )),
            _ => Decision::Process { replace: true },
        }
    }

    /// Find the data files holding rows of the calls that will be replaced (one scan per
    /// run; [`Dataset::commit`] keeps the index current).
    pub fn index_for_replacement(&mut self, ids: &HashSet<String>) -> Result<()> {
        let ids: HashSet<String> = ids.difference(&self.indexed).cloned().collect();
        if ids.is_empty() {
            return Ok(());
        }
        for table in TABLES {
            for (rel, found) in self.scan_call_ids(table)? {
                let hit: Vec<String> = found.intersection(&ids).cloned().collect();
                if !hit.is_empty() {
                    self.index.entry(rel).or_default().extend(hit);
                }
            }
        }
        self.indexed.extend(ids);
        Ok(())
    }

    /// Commit a batch: stage its files, write its ledger file (the commit point), then
    /// publish (move staged files in, delete files whose rows it replaces).
    pub fn commit(&mut self, batch: Batch) -> Result<usize> {
        if batch.is_empty() {
            return Ok(0);
        }
        // Normally indexed once up front; a caller that did not gets a scan here.
        self.index_for_replacement(&batch.replace)?;
        let batch_id = format!("{}-{:05}", self.run_id, self.seq);
        self.seq += 1;
        let stage_dir = format!("_staging/{}/{batch_id}", self.shard.tag());
        let mut plan = CommitPlan {
            batch_id: batch_id.clone(),
            files: Vec::new(),
            deletes: Vec::new(),
        };
        let mut k = 0usize;
        let mut stage = |ds: &Self,
                         rel_dir: &str,
                         batches: &[RecordBatch],
                         plan: &mut CommitPlan|
         -> Result<String> {
            let rel = format!("{rel_dir}/part-{batch_id}-{k:03}.parquet");
            k += 1;
            let bytes = callqa_parquet::encode(&ds.loc.show(&rel), batches)?;
            ds.put(&format!("{stage_dir}/{rel}"), bytes)?;
            plan.files.push(rel.clone());
            Ok(rel)
        };
        let parts = [
            (
                "utterances",
                callqa_parquet::utterances_parts(&batch.utterances)?,
            ),
            ("errors", callqa_parquet::errors_parts(&batch.errors)?),
            ("calls", callqa_parquet::calls_parts(&batch.calls)?),
        ];
        for (table, parts) in &parts {
            for (d, b) in parts {
                let dir = format!("{table}/{}", callqa_parquet::partition_dir(*d));
                stage(self, &dir, std::slice::from_ref(b), &mut plan)?;
            }
        }
        // From here to the end of publishing, no other writer commits and no reader reads.
        let commit = self
            .rt
            .block_on(lock::commit_lock(&self.loc, &self.run_id))?;
        let r = self.commit_locked(batch, &stage_dir, &batch_id, plan, &mut stage);
        self.rt.block_on(commit.release(&self.loc));
        r
    }

    /// The part of [`Dataset::commit`] under the commit lock: rewrite the files holding
    /// replaced rows, write the ledger file (the commit point), publish.
    fn commit_locked(
        &mut self,
        batch: Batch,
        stage_dir: &str,
        batch_id: &str,
        mut plan: CommitPlan,
        stage: &mut StageFn<'_>,
    ) -> Result<usize> {
        // Files holding rows this batch replaces: rewrite them without those rows.
        let mut new_index: Vec<(String, HashSet<String>)> = Vec::new();
        if !batch.replace.is_empty() {
            self.refresh_index(&batch.replace)?;
            let affected: Vec<(String, HashSet<String>)> = self
                .index
                .iter()
                .filter(|(_, ids)| !ids.is_disjoint(&batch.replace))
                .map(|(f, ids)| (f.clone(), ids.clone()))
                .collect();
            for (rel, ids) in affected {
                let Some(bytes) = self.get(&rel)? else {
                    continue;
                };
                let kept = filter_out(&self.loc.show(&rel), bytes, &batch.replace)?;
                if !kept.is_empty() {
                    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d).to_string();
                    let new_rel = stage(&*self, &dir, &kept, &mut plan)?;
                    let left: HashSet<String> = ids.difference(&batch.replace).cloned().collect();
                    if !left.is_empty() {
                        new_index.push((new_rel, left));
                    }
                }
                plan.deletes.push(rel);
            }
        }
        let plan_json = serde_json::to_vec_pretty(&plan)
            .map_err(|e| DatasetError::Invalid(format!("cannot encode the commit plan: {e}")))?;
        self.put(&format!("{stage_dir}/_commit.json"), plan_json)?;
        failpoint("stage");

        let now = Utc::now();
        let entries: Vec<LedgerEntry> = batch
            .inputs
            .into_iter()
            .map(|input| LedgerEntry {
                input,
                run_id: self.run_id.clone(),
                batch_id: batch_id.to_string(),
                shard: self.shard.tag(),
                committed_at: now,
            })
            .collect();
        let ledger_rel = format!("_ledger/part-{batch_id}.parquet");
        let stage_dir = stage_dir.to_string();
        let bytes = ledger::encode(&self.loc.show(&ledger_rel), &entries)?;
        self.put(&ledger_rel, bytes)?; // ← the commit point
        self.ledger_files.push(ledger_rel);
        failpoint("commit");

        self.publish(&stage_dir, &plan)?;
        self.remove_local_dir(&stage_dir);
        self.clear_crashes(&entries);
        for rel in &plan.deletes {
            self.index.remove(rel);
        }
        self.index.extend(new_index);
        for e in entries {
            self.ledger.insert(e.input.input_key.clone(), e);
        }
        let n = plan.files.len();
        self.files_written += n;
        Ok(n)
    }

    /// A committed call has an outcome now: forget its crash record (under the commit
    /// lock; other runs may have added records since this one opened, so read first).
    /// After the commit point, so a failure here only warns: a stale record makes the
    /// call a suspect (or poison) again only if its input changes.
    fn clear_crashes(&mut self, entries: &[LedgerEntry]) {
        let done: Vec<String> = entries
            .iter()
            .map(|e| e.input.call_id.clone())
            .filter(|c| self.crashes.contains_key(c))
            .collect();
        if done.is_empty() {
            return;
        }
        let r = self.rt.block_on(async {
            let mut current = journal::read_crashes(&self.loc).await?;
            for c in &done {
                current.remove(c);
            }
            journal::write_crashes(&self.loc, &current).await
        });
        if let Err(e) = r {
            tracing::warn!("cannot update {}: {e}", self.loc.show(journal::CRASHES));
        }
        for c in &done {
            self.crashes.remove(c);
        }
    }

    /// Before rewriting files for `ids` (under the commit lock): when a file the index
    /// names is gone, another shard's commit rewrote it (an output written with another
    /// shard count holds calls of several shards in one file), so look the ids up again.
    fn refresh_index(&mut self, ids: &HashSet<String>) -> Result<()> {
        let mut stale = false;
        let files: Vec<String> = self
            .index
            .iter()
            .filter(|(_, held)| !held.is_disjoint(ids))
            .map(|(f, _)| f.clone())
            .collect();
        for f in files {
            if !self.exists(&f)? {
                self.index.remove(&f);
                stale = true;
            }
        }
        if stale {
            tracing::info!(
                "files holding replaced rows were rewritten by another run; looking them up again"
            );
            for held in self.index.values_mut() {
                held.retain(|id| !ids.contains(id));
            }
            self.index.retain(|_, held| !held.is_empty());
            self.indexed.retain(|id| !ids.contains(id));
            self.index_for_replacement(ids)?;
        }
        Ok(())
    }

    /// Move a committed batch's staged files into place and delete the files it replaces.
    /// Idempotent: a rerun after a crash in the middle finishes the job.
    fn publish(&self, stage_dir: &str, plan: &CommitPlan) -> Result<()> {
        for rel in &plan.deletes {
            self.delete(rel)?;
        }
        // Utterances and errors first, calls last (see TABLES).
        let mut files: Vec<&String> = plan.files.iter().collect();
        files.sort_by_key(|f| TABLES.iter().position(|t| f.starts_with(&format!("{t}/"))));
        for rel in files {
            let from = self.loc.key(&format!("{stage_dir}/{rel}"));
            let to = self.loc.key(rel);
            match self.rt.block_on(self.loc.store.rename(&from, &to)) {
                Ok(()) => {}
                Err(object_store::Error::NotFound { .. }) if self.exists(rel)? => {}
                Err(e) => return Err(store_err(self.loc.show(rel))(e)),
            }
            failpoint("publish");
        }
        self.delete(&format!("{stage_dir}/_commit.json"))
    }

    /// Compact the ledger if it has grown, and release the lock.
    pub fn close(mut self) -> Result<()> {
        let compacted = self.compact_ledger();
        // Ended normally: nothing of this run is in flight any more.
        self.journal.remove();
        if let Some(dir) = &self.loc.local {
            // Empty staging folders only; a non-empty one is another shard's business.
            let _ = std::fs::remove_dir(dir.join("_staging").join(self.shard.tag()));
            let _ = std::fs::remove_dir(dir.join("_staging"));
        }
        if let Some(l) = self.lock.take() {
            self.rt.block_on(l.release(&self.loc));
        }
        compacted
    }
}

/// The batches of a Parquet file without the rows of `drop_ids`.
fn filter_out(
    name: &str,
    bytes: bytes::Bytes,
    drop_ids: &HashSet<String>,
) -> Result<Vec<RecordBatch>> {
    let mut kept = Vec::new();
    for b in callqa_parquet::decode(name, bytes)? {
        let Some(ids) = b
            .column_by_name("call_id")
            .and_then(|c| c.as_string_opt::<i32>())
        else {
            return Err(DatasetError::Invalid(format!("{name}: no call_id column")));
        };
        let mask: BooleanArray = (0..ids.len())
            .map(|i| Some(ids.is_null(i) || !drop_ids.contains(ids.value(i))))
            .collect();
        let f = arrow::compute::filter_record_batch(&b, &mask)
            .map_err(|e| DatasetError::Invalid(format!("{name}: cannot filter rows: {e}")))?;
        if f.num_rows() > 0 {
            kept.push(f);
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(key: &str) -> InputRecord {
        InputRecord {
            input_key: key.into(),
            call_id: key.into(),
            path: format!("/in/{key}.wav"),
            size_bytes: Some(100),
            mtime: DateTime::from_timestamp(1_700_000_000, 0),
            content_sha256: Some("00".repeat(32)),
            outcome: Outcome::Ok,
            stage: None,
        }
    }

    #[test]
    fn ledger_decides_reruns_and_compacts() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let out = out.to_str().unwrap();
        let mut ds = Dataset::open(out, OpenOptions::default()).unwrap();
        // A second writer is refused while the first holds the output.
        let err = Dataset::open(out, OpenOptions::default()).err().unwrap();
        assert!(
            err.to_string().contains("in use by another callqa run"),
            "{err}"
        );
        let n = LEDGER_COMPACT_AT + 6;
        for i in 0..n {
            let batch = Batch {
                inputs: vec![input(&format!("c{i}"))],
                ..Batch::default()
            };
            ds.commit(batch).unwrap();
        }
        ds.close().unwrap();
        let ledger_dir = dir.path().join("out/_ledger");
        let files: Vec<_> = std::fs::read_dir(&ledger_dir).unwrap().collect();
        assert_eq!(files.len(), 1, "compacted into one file");

        let ds = Dataset::open(out, OpenOptions::default()).unwrap();
        assert_eq!(ds.ledger.len(), n);
        let stat = InputStat {
            size: Some(100),
            mtime: DateTime::from_timestamp(1_700_000_000, 0),
        };
        let p = Policy::default();
        let mut no_hash = || -> Option<String> { panic!("hashed an unchanged input") };
        assert!(matches!(
            ds.decide("c3", "c3", "/in/c3.wav", stat, p, &mut no_hash),
            Decision::Skip(_)
        ));
        // Touched but identical content: skipped after hashing.
        let touched = InputStat {
            mtime: DateTime::from_timestamp(1_700_000_500, 0),
            ..stat
        };
        let same = ds.decide("c3", "c3", "/in/c3.wav", touched, p, &mut || {
            Some("00".repeat(32))
        });
        assert!(matches!(same, Decision::Skip(_)), "{same:?}");
        let changed = ds.decide("c3", "c3", "/in/c3.wav", touched, p, &mut || {
            Some("11".repeat(32))
        });
        assert_eq!(changed, Decision::Process { replace: true });
        let new = ds.decide("zz", "zz", "/in/zz.wav", stat, p, &mut no_hash);
        assert_eq!(new, Decision::Process { replace: false });
        let forced = Policy {
            reprocess: true,
            ..p
        };
        assert_eq!(
            ds.decide("c3", "c3", "/in/c3.wav", stat, forced, &mut no_hash),
            Decision::Process { replace: true }
        );
        ds.close().unwrap();
    }
}
