//! Who may write an output, and when. Three locks, all under `_locks/`:
//!
//! * `<shard>.lock`: held by a run for its whole life. A run refuses to start while a
//!   run of the same **or an overlapping** shard holds its lock ([`Shard::overlaps`]: an
//!   unsharded run overlaps every shard, `0/2` overlaps `0/3` but not `1/4`), so no call
//!   can be processed by two live runs at once.
//! * `_open.lock` (local outputs): held while a run takes its shard lock, checks the
//!   others and recovers dead runs' batches, so two runs starting together cannot both
//!   pass the overlap check.
//! * `_commit.lock`: held exclusively while a batch is committed (replaced files read,
//!   ledger written, files published) and while dead batches are recovered, and shared by
//!   readers (`callqa score`, `callqa report`, through `callqa_parquet::snapshot`), so a
//!   reader never sees half of a commit and commits of non-overlapping shards rewriting
//!   one old file are serialized.
//!
//! A local output uses OS file locks (`flock`), which the kernel releases when the
//! process dies, even by kill -9. S3 has no such thing: a lock is an object created only
//! if absent (a conditional put). A run killed without cleanup leaves its shard lock
//! behind and the next run says so and how to break it (`--break-lock`); the overlap
//! check there is "create mine, then list the others" (two runs starting together both
//! see each other and both refuse, never both proceed). A commit lock older than
//! [`STALE_COMMIT_LOCK`] on S3 is a dead run's and is removed.

use crate::location::Location;
use crate::shard::Shard;
use crate::{store_err, DatasetError, Result};
use futures::TryStreamExt;
use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload};
use std::io::{Read, Seek, Write};
use std::time::Duration;

/// A commit lock on S3 older than this belongs to a dead run (a commit takes seconds).
pub(crate) const STALE_COMMIT_LOCK: Duration = Duration::from_secs(600);

/// How long a commit waits for the commit lock on S3 before giving up.
const COMMIT_WAIT: Duration = Duration::from_secs(1800);

/// A held lock; released on drop (local) or by [`LockGuard::release`] (S3).
pub(crate) enum LockGuard {
    Local(std::fs::File),
    Remote(object_store::path::Path),
}

fn holder_text(run_id: &str) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "unknown-host".into());
    format!(
        "host {host}, pid {}, run {run_id}, since {}",
        std::process::id(),
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}

fn local_io(path: &std::path::Path) -> impl Fn(std::io::Error) -> DatasetError + '_ {
    move |e| DatasetError::Store {
        url: path.display().to_string(),
        message: e.to_string(),
    }
}

fn open_lock_file(path: &std::path::Path) -> Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(local_io(dir))?;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(local_io(path))
}

/// The shard tags that have a lock file or object under `_locks/`.
async fn lock_tags(loc: &Location) -> Result<Vec<String>> {
    let metas: Vec<object_store::ObjectMeta> = loc
        .store
        .list(Some(&loc.key("_locks")))
        .try_collect()
        .await
        .map_err(store_err(loc.show("_locks")))?;
    Ok(metas
        .iter()
        .filter_map(|m| {
            let rel = loc.rel(&m.location);
            let name = rel.rsplit('/').next()?.strip_suffix(".lock")?;
            (!name.starts_with('_')).then(|| name.to_string())
        })
        .collect())
}

/// Take `_open.lock` of a local output (blocking: other runs hold it only briefly); `None`
/// for S3.
pub(crate) fn open_registry(loc: &Location) -> Result<Option<std::fs::File>> {
    let Some(dir) = &loc.local else {
        return Ok(None);
    };
    let path = dir.join("_locks").join("_open.lock");
    let file = open_lock_file(&path)?;
    file.lock().map_err(local_io(&path))?;
    Ok(Some(file))
}

fn locked(loc: &Location, holder: String, hint: String) -> DatasetError {
    DatasetError::Locked {
        url: loc.url.clone(),
        holder,
        hint,
    }
}

/// Take this run's shard lock and check that no run of an overlapping shard holds its
/// own. Local outputs: call with `_open.lock` held ([`open_registry`]).
pub(crate) async fn acquire(
    loc: &Location,
    shard: &Shard,
    run_id: &str,
    break_lock: bool,
) -> Result<LockGuard> {
    let tag = shard.tag();
    let others: Vec<String> = lock_tags(loc)
        .await?
        .into_iter()
        .filter(|t| *t != tag && Shard::from_tag(t).is_some_and(|o| o.overlaps(shard)))
        .collect();
    if let Some(dir) = &loc.local {
        let path = dir.join("_locks").join(format!("{tag}.lock"));
        let mut file = open_lock_file(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(locked(
                    loc,
                    holder.trim().to_string(),
                    "wait for it to finish (the lock is released when it exits or dies)".into(),
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(local_io(&path)(e)),
        }
        for other in &others {
            let p = dir.join("_locks").join(format!("{other}.lock"));
            let mut f = open_lock_file(&p)?;
            if let Err(std::fs::TryLockError::WouldBlock) = f.try_lock() {
                let mut holder = String::new();
                let _ = f.read_to_string(&mut holder);
                return Err(locked(
                    loc,
                    format!("shard {other}: {}", holder.trim()),
                    format!(
                        "shard {tag} overlaps shard {other}: the two would process the same \
                         calls; wait for it to finish, or run a shard that does not overlap \
                         (the same N, another I)"
                    ),
                ));
            }
            // Not held: a dead run's file; dropping `f` unlocks it again.
        }
        file.set_len(0).map_err(local_io(&path))?;
        file.rewind().map_err(local_io(&path))?;
        writeln!(file, "{}", holder_text(run_id)).map_err(local_io(&path))?;
        return Ok(LockGuard::Local(file));
    }
    if break_lock {
        for other in &others {
            let rel = format!("_locks/{other}.lock");
            tracing::warn!(lock = %loc.show(&rel), "--break-lock: removing the lock of an earlier run of an overlapping shard");
            delete_quiet(loc, &rel).await?;
        }
    }
    let own = create_remote(loc, &format!("_locks/{tag}.lock"), run_id, break_lock).await?;
    // Created mine; now any overlapping run that starts later sees it. One that started
    // earlier has its lock listed here.
    let clash = lock_tags(loc)
        .await?
        .into_iter()
        .find(|t| *t != tag && Shard::from_tag(t).is_some_and(|o| o.overlaps(shard)));
    if let Some(other) = clash {
        let rel = format!("_locks/{other}.lock");
        let holder = read_text(loc, &rel).await;
        LockGuard::Remote(own).release(loc).await;
        return Err(locked(
            loc,
            format!("shard {other}: {holder}"),
            format!(
                "shard {tag} overlaps shard {other}: the two would process the same calls; \
                 if that run is no longer alive (killed, node lost), rerun with --break-lock \
                 or delete {}",
                loc.show(&rel)
            ),
        ));
    }
    Ok(LockGuard::Remote(own))
}

async fn read_text(loc: &Location, rel: &str) -> String {
    match loc.store.get(&loc.key(rel)).await {
        Ok(r) => r
            .bytes()
            .await
            .map(|b| String::from_utf8_lossy(&b).trim().to_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn delete_quiet(loc: &Location, rel: &str) -> Result<()> {
    match loc.store.delete(&loc.key(rel)).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(e) => Err(store_err(loc.show(rel))(e)),
    }
}

/// Create a lock object on S3 (conditional put); `break_lock` removes an existing one
/// first.
async fn create_remote(
    loc: &Location,
    rel: &str,
    run_id: &str,
    break_lock: bool,
) -> Result<object_store::path::Path> {
    let key = loc.key(rel);
    let body = holder_text(run_id);
    for attempt in 0..2 {
        let opts = PutOptions {
            mode: PutMode::Create,
            ..Default::default()
        };
        match loc
            .store
            .put_opts(&key, PutPayload::from(body.clone().into_bytes()), opts)
            .await
        {
            Ok(_) => return Ok(key),
            Err(object_store::Error::AlreadyExists { .. })
            | Err(object_store::Error::Precondition { .. }) => {
                if break_lock && attempt == 0 {
                    tracing::warn!(lock = %loc.show(rel), "--break-lock: removing the lock of an earlier run");
                    delete_quiet(loc, rel).await?;
                    continue;
                }
                let holder = read_text(loc, rel).await;
                return Err(locked(
                    loc,
                    holder,
                    format!(
                        "if that run is no longer alive (killed, node lost), rerun with --break-lock \
                         or delete {}",
                        loc.show(rel)
                    ),
                ));
            }
            Err(e) => return Err(store_err(loc.show(rel))(e)),
        }
    }
    Err(DatasetError::Invalid(format!(
        "cannot take the lock {}",
        loc.show(rel)
    )))
}

/// Try to take the shard lock of another tag without waiting: `Some` when no live run
/// holds it (its run is dead, so this run may recover its staged batches).
pub(crate) async fn try_take_dead(
    loc: &Location,
    tag: &str,
    run_id: &str,
) -> Result<Option<LockGuard>> {
    let rel = format!("_locks/{tag}.lock");
    if let Some(dir) = &loc.local {
        let path = dir.join("_locks").join(format!("{tag}.lock"));
        let file = open_lock_file(&path)?;
        return match file.try_lock() {
            Ok(()) => Ok(Some(LockGuard::Local(file))),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(local_io(&path)(e)),
        };
    }
    match create_remote(loc, &rel, run_id, false).await {
        Ok(key) => Ok(Some(LockGuard::Remote(key))),
        Err(DatasetError::Locked { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The run id a lock's holder text names (`…, run <id>, …`).
fn holder_run(holder: &str) -> Option<&str> {
    holder.split(", run ").nth(1)?.split(',').next()
}

/// The shard tag of the run named in a lock's holder text
/// (`host h, pid p, run <time>-<tag>-<salt>, since t`).
fn holder_tag(holder: &str) -> Option<String> {
    run_tag(holder.split(", run ").nth(1)?.split(',').next()?)
}

/// The shard tag of a run id (`<time>-<tag>-<salt>`).
pub(crate) fn run_tag(run_id: &str) -> Option<String> {
    let (_, rest) = run_id.split_once('-')?;
    let (tag, _) = rest.rsplit_once('-')?;
    Shard::from_tag(tag).map(|_| tag.to_string())
}

/// Take the commit lock: exclusive for a writer, waiting for readers and other writers.
pub(crate) async fn commit_lock(loc: &Location, run_id: &str) -> Result<LockGuard> {
    if let Some(dir) = &loc.local {
        let path = dir.join(callqa_parquet::snapshot::COMMIT_LOCK);
        let file = open_lock_file(&path)?;
        file.lock().map_err(local_io(&path))?;
        return Ok(LockGuard::Local(file));
    }
    let rel = callqa_parquet::snapshot::COMMIT_LOCK;
    let key = loc.key(rel);
    let start = std::time::Instant::now();
    loop {
        let opts = PutOptions {
            mode: PutMode::Create,
            ..Default::default()
        };
        let body = PutPayload::from(holder_text(run_id).into_bytes());
        match loc.store.put_opts(&key, body, opts).await {
            Ok(_) => return Ok(LockGuard::Remote(key)),
            Err(object_store::Error::AlreadyExists { .. })
            | Err(object_store::Error::Precondition { .. }) => {
                // The holder's run is dead when its shard lock is gone (it finished
                // without cleanup, or --break-lock removed it) or names another run (a
                // run took the shard over with --break-lock: this one, often, whose
                // recovery is what needs the commit lock).
                let holder = read_text(loc, rel).await;
                if let Some(tag) = holder_tag(&holder) {
                    // (A shard lock that cannot be read now counts as the holder's.)
                    let alive = match loc.store.get(&loc.key(&format!("_locks/{tag}.lock"))).await {
                        Ok(r) => r.bytes().await.map_or(true, |b| {
                            holder_run(String::from_utf8_lossy(&b).trim()) == holder_run(&holder)
                        }),
                        Err(object_store::Error::NotFound { .. }) => false,
                        Err(_) => true,
                    };
                    if !alive {
                        tracing::warn!(lock = %loc.show(rel), "removing the commit lock of a dead run ({holder})");
                        delete_quiet(loc, rel).await?;
                        continue;
                    }
                }
                if let Ok(m) = loc.store.head(&key).await {
                    let age = chrono::Utc::now() - m.last_modified;
                    if age.to_std().is_ok_and(|a| a > STALE_COMMIT_LOCK) {
                        tracing::warn!(lock = %loc.show(rel), "removing a commit lock a dead run left");
                        delete_quiet(loc, rel).await?;
                        continue;
                    }
                }
                if start.elapsed() > COMMIT_WAIT {
                    let holder = read_text(loc, rel).await;
                    return Err(locked(
                        loc,
                        holder,
                        format!("the commit lock {} was not released", loc.show(rel)),
                    ));
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => return Err(store_err(loc.show(rel))(e)),
        }
    }
}

impl LockGuard {
    pub(crate) async fn release(self, loc: &Location) {
        match self {
            LockGuard::Local(f) => drop(f),
            LockGuard::Remote(key) => {
                if let Err(e) = loc.store.delete(&key).await {
                    tracing::warn!(lock = %key, "cannot remove the lock: {e}");
                }
            }
        }
    }
}
