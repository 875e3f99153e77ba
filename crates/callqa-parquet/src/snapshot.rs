//! Readers see committed data only. A writer (a `callqa run` commit, a `callqa score`
//! replacing its tables) holds `<out>/_locks/_commit.lock` exclusively while it moves
//! files in and deletes the files they replace; a reader holds it shared while it lists
//! and reads a folder's tables. So a reader sees every table as it was between two
//! commits, never a call's new rows beside its replaced ones, and never a file deleted
//! under it. The locks are OS file locks (`flock`): a process that dies releases them.

use crate::SinkError;
use std::fs::File;
use std::path::Path;

/// The commit lock, relative to an output folder.
pub const COMMIT_LOCK: &str = "_locks/_commit.lock";

/// A held lock; released when dropped.
#[derive(Debug)]
pub struct Guard {
    _file: Option<File>,
}

/// Hold the commit lock of `out` shared while reading its tables. An output written by
/// no lock-aware writer (no lock file), or a folder this user cannot lock (read-only
/// media), is read without it.
pub fn read_lock(out: &Path) -> Guard {
    let path = out.join(COMMIT_LOCK);
    let file = File::open(&path).ok().filter(|f| match f.lock_shared() {
        Ok(()) => true,
        Err(e) => {
            tracing::debug!(path = %path.display(), "reading without the commit lock: {e}");
            false
        }
    });
    Guard { _file: file }
}

/// Hold the commit lock of `out` exclusively while replacing tables in it (created if
/// missing). Waits for readers and other writers.
pub fn write_lock(out: &Path) -> Result<Guard, SinkError> {
    let path = out.join(COMMIT_LOCK);
    let io = |source| SinkError::Io {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    file.lock().map_err(io)?;
    Ok(Guard { _file: Some(file) })
}
