//! Inputs on S3: list the recordings under `s3://bucket/prefix/` and download one at a
//! time to a local temporary file for the decoder (which wants a seekable file).

use crate::location::{s3_store, split_s3};
use crate::{store_err, DatasetError, Result};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use object_store::path::Path as ObjPath;
use object_store::{ObjectStore, ObjectStoreExt};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Whether `--input`/`--out` names a remote location.
pub fn is_remote(s: &str) -> bool {
    s.starts_with("s3://")
}

/// One object found under an input prefix.
#[derive(Clone, Debug)]
pub struct RemoteInput {
    /// `s3://bucket/key`.
    pub url: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modification.
    pub mtime: DateTime<Utc>,
}

/// Reads remote inputs; holds one client per bucket and its own I/O runtime, so it can be
/// moved to the preparation thread.
pub struct RemoteReader {
    rt: tokio::runtime::Runtime,
    stores: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
}

impl RemoteReader {
    /// A reader (starts its runtime).
    pub fn new() -> Result<Self> {
        Ok(RemoteReader {
            rt: crate::runtime()?,
            stores: Mutex::new(HashMap::new()),
        })
    }

    fn store(&self, bucket: &str) -> Result<Arc<dyn ObjectStore>> {
        let mut m = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = m.get(bucket) {
            return Ok(Arc::clone(s));
        }
        let s = s3_store(bucket)?;
        m.insert(bucket.to_string(), Arc::clone(&s));
        Ok(s)
    }

    /// Objects under `url` (a prefix) whose extension is in `exts` (case-insensitive),
    /// hidden names (`.x`, `_x`) left out, sorted by key.
    pub fn list(&self, url: &str, exts: &[&str]) -> Result<Vec<RemoteInput>> {
        let (bucket, prefix) = split_s3(url)?;
        let store = self.store(&bucket)?;
        let prefix_path = (!prefix.is_empty()).then(|| ObjPath::from(prefix.as_str()));
        let metas: Vec<object_store::ObjectMeta> = self
            .rt
            .block_on(store.list(prefix_path.as_ref()).try_collect())
            .map_err(store_err(url))?;
        let mut out: Vec<RemoteInput> = metas
            .into_iter()
            .filter(|m| {
                let name = m.location.filename().unwrap_or("");
                let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
                !name.starts_with('.')
                    && !name.starts_with('_')
                    && ext.is_some_and(|e| exts.contains(&e.as_str()))
            })
            .map(|m| RemoteInput {
                url: format!("s3://{bucket}/{}", m.location),
                size: m.size,
                mtime: m.last_modified,
            })
            .collect();
        out.sort_by(|a, b| a.url.cmp(&b.url));
        Ok(out)
    }

    /// The size and modification time of one object.
    pub fn stat(&self, url: &str) -> Result<RemoteInput> {
        let (bucket, key) = split_s3(url)?;
        let store = self.store(&bucket)?;
        let m = self
            .rt
            .block_on(store.head(&ObjPath::from(key.as_str())))
            .map_err(store_err(url))?;
        Ok(RemoteInput {
            url: url.to_string(),
            size: m.size,
            mtime: m.last_modified,
        })
    }

    /// Download `url` into a new temporary file (deleted when dropped); keeps the file
    /// extension so the decoder's format hint still works.
    pub fn fetch(&self, url: &str) -> Result<tempfile::NamedTempFile> {
        let (bucket, key) = split_s3(url)?;
        let store = self.store(&bucket)?;
        let bytes = self
            .rt
            .block_on(async { store.get(&ObjPath::from(key.as_str())).await?.bytes().await })
            .map_err(store_err(url))?;
        let ext = key
            .rsplit_once('.')
            .map(|(_, e)| format!(".{e}"))
            .unwrap_or_default();
        let io = |e: std::io::Error| DatasetError::Store {
            url: url.to_string(),
            message: format!("cannot write a local copy: {e}"),
        };
        let mut f = tempfile::Builder::new()
            .prefix("callqa-input-")
            .suffix(&ext)
            .tempfile()
            .map_err(io)?;
        f.write_all(&bytes).map_err(io)?;
        f.flush().map_err(io)?;
        Ok(f)
    }

    /// Read a small object whole (a manifest).
    pub fn read(&self, url: &str) -> Result<bytes::Bytes> {
        let (bucket, key) = split_s3(url)?;
        let store = self.store(&bucket)?;
        self.rt
            .block_on(async { store.get(&ObjPath::from(key.as_str())).await?.bytes().await })
            .map_err(store_err(url))
    }
}
