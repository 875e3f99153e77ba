//! Inputs on S3: list the recordings under `s3://bucket/prefix/` and download one at a
//! time to a local temporary file for the decoder (which wants a seekable file). The
//! download is streamed to disk chunk by chunk, so a 2 GB object costs 2 GB of disk, not
//! of memory. Keys are used as S3 spells them (`%` in a key is a `%`), and a key that
//! cannot be used at all (a control character) is reported, not fatal to the listing.

use crate::location::{s3_store, split_s3};
use crate::{store_err, DatasetError, Result};
use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
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

/// What a listing found: the usable objects, and the keys that cannot be used (with why).
#[derive(Clone, Debug, Default)]
pub struct Listing {
    /// Objects with a wanted extension, sorted by key.
    pub objects: Vec<RemoteInput>,
    /// `(url, reason)` of keys no request can name (control characters, empty segments):
    /// each becomes an error row, and the rest of the listing goes on.
    pub unusable: Vec<(String, String)>,
}

/// How many unusable keys a listing steps over before it gives up.
const MAX_UNUSABLE_KEYS: usize = 1000;

/// The object key of a `s3://bucket/key` as S3 spells it (no re-encoding of `%`).
fn raw_key(url: &str, key: &str) -> Result<ObjPath> {
    ObjPath::parse(key).map_err(|e| DatasetError::Store {
        url: url.to_string(),
        message: format!("not a usable object key: {e}"),
    })
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
    /// hidden names (`.x`, `_x`) left out, sorted by key; keys no request can name are
    /// listed apart ([`Listing::unusable`]).
    pub fn list(&self, url: &str, exts: &[&str]) -> Result<Listing> {
        let (bucket, prefix) = split_s3(url)?;
        let store = self.store(&bucket)?;
        let prefix_path = (!prefix.is_empty()).then(|| ObjPath::from(prefix.as_str()));
        let listed: std::result::Result<Vec<object_store::ObjectMeta>, _> = self
            .rt
            .block_on(store.list(prefix_path.as_ref()).try_collect());
        let (metas, unusable) = match listed {
            Ok(m) => (m, Vec::new()),
            // A page holding a key object_store cannot represent (a control character)
            // fails whole: list again with S3's URL-encoded listing, which takes every key.
            Err(e) if crate::safe::is_unusable_key(&e) => {
                tracing::warn!(
                    "{url}: a key cannot be used ({}); listing again key by key",
                    crate::safe::message(&e)
                );
                let raw = self.rt.block_on(crate::rawlist::list(&bucket, &prefix))?;
                let mut metas = Vec::new();
                let mut unusable = Vec::new();
                for o in raw {
                    match ObjPath::parse(&o.key) {
                        Ok(location) => metas.push(object_store::ObjectMeta {
                            location,
                            last_modified: o.last_modified,
                            size: o.size,
                            e_tag: None,
                            version: None,
                        }),
                        Err(_) if unusable.len() < MAX_UNUSABLE_KEYS => unusable.push((
                            format!("s3://{bucket}/{}", o.key.escape_default()),
                            "the object key holds a control character or an empty or \
                             relative path segment"
                                .to_string(),
                        )),
                        Err(_) => {}
                    }
                }
                (metas, unusable)
            }
            Err(e) => return Err(store_err(url)(e)),
        };
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
        Ok(Listing {
            objects: out,
            unusable,
        })
    }

    /// The size and modification time of one object.
    pub fn stat(&self, url: &str) -> Result<RemoteInput> {
        let (bucket, key) = split_s3(url)?;
        let store = self.store(&bucket)?;
        let m = self
            .rt
            .block_on(store.head(&raw_key(url, &key)?))
            .map_err(store_err(url))?;
        Ok(RemoteInput {
            url: url.to_string(),
            size: m.size,
            mtime: m.last_modified,
        })
    }

    /// Download `url` into a new temporary file (deleted when dropped), streamed chunk by
    /// chunk so memory stays flat whatever the object's size; keeps the file extension so
    /// the decoder's format hint still works.
    pub fn fetch(&self, url: &str) -> Result<tempfile::NamedTempFile> {
        let (bucket, key) = split_s3(url)?;
        let store = self.store(&bucket)?;
        let path = raw_key(url, &key)?;
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
        let file = f.as_file_mut();
        self.rt.block_on(async {
            let mut chunks = store
                .get(&path)
                .await
                .map_err(store_err(url))?
                .into_stream();
            while let Some(chunk) = chunks.next().await {
                file.write_all(&chunk.map_err(store_err(url))?)
                    .map_err(io)?;
            }
            file.flush().map_err(io)
        })?;
        Ok(f)
    }

    /// Read a small object whole (a manifest).
    pub fn read(&self, url: &str) -> Result<bytes::Bytes> {
        let (bucket, key) = split_s3(url)?;
        let store = self.store(&bucket)?;
        let path = raw_key(url, &key)?;
        self.rt
            .block_on(async { store.get(&path).await?.bytes().await })
            .map_err(store_err(url))
    }
}
