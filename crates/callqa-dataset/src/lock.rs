//! One writer per output (and shard). A local output uses an OS file lock, which the
//! kernel releases when the process dies, even by kill -9. S3 has no such thing: the lock
//! is an object created only if absent (a conditional put); a run killed without cleanup
//! leaves it behind, and the next run says so and how to break it (`--break-lock`).

use crate::location::Location;
use crate::{store_err, DatasetError, Result};
use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload};
use std::io::{Read, Seek, Write};

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

pub(crate) async fn acquire(
    loc: &Location,
    tag: &str,
    run_id: &str,
    break_lock: bool,
) -> Result<LockGuard> {
    let rel = format!("_locks/{tag}.lock");
    if let Some(dir) = &loc.local {
        let path = dir.join("_locks").join(format!("{tag}.lock"));
        let io = |e: std::io::Error| DatasetError::Store {
            url: path.display().to_string(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(dir.join("_locks")).map_err(io)?;
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(DatasetError::Locked {
                    url: loc.url.clone(),
                    holder: holder.trim().to_string(),
                    hint: "wait for it to finish (the lock is released when it exits or dies)"
                        .into(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        writeln!(file, "{}", holder_text(run_id)).map_err(io)?;
        return Ok(LockGuard::Local(file));
    }
    let key = loc.key(&rel);
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
            Ok(_) => return Ok(LockGuard::Remote(key)),
            Err(object_store::Error::AlreadyExists { .. })
            | Err(object_store::Error::Precondition { .. }) => {
                if break_lock && attempt == 0 {
                    tracing::warn!(lock = %loc.show(&rel), "--break-lock: removing the lock of an earlier run");
                    loc.store
                        .delete(&key)
                        .await
                        .map_err(store_err(loc.show(&rel)))?;
                    continue;
                }
                let holder = match loc.store.get(&key).await {
                    Ok(r) => r
                        .bytes()
                        .await
                        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
                        .unwrap_or_default(),
                    Err(_) => String::new(),
                };
                return Err(DatasetError::Locked {
                    url: loc.url.clone(),
                    holder,
                    hint: format!(
                        "if that run is no longer alive (killed, node lost), rerun with --break-lock \
                         or delete {}",
                        loc.show(&rel)
                    ),
                });
            }
            Err(e) => return Err(store_err(loc.show(&rel))(e)),
        }
    }
    Err(DatasetError::Invalid(format!(
        "cannot take the lock {}",
        loc.show(&rel)
    )))
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
