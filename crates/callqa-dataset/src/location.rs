//! Where an output lives: a local folder or `s3://bucket/prefix`.

use crate::{DatasetError, Result};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjPath;
use object_store::ObjectStore;
use std::path::PathBuf;
use std::sync::Arc;

/// An output location: the store, the prefix of the dataset in it, and how to name it.
#[derive(Clone, Debug)]
pub struct Location {
    /// The store (local file system or S3).
    pub store: Arc<dyn ObjectStore>,
    /// The dataset's prefix inside the store (empty for a local folder).
    pub prefix: ObjPath,
    /// The output as the user gave it (without a trailing slash), for messages.
    pub url: String,
    /// The local folder, for a local output.
    pub local: Option<PathBuf>,
}

/// Split `s3://bucket/some/prefix` into bucket and prefix.
pub(crate) fn split_s3(url: &str) -> Result<(String, String)> {
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| DatasetError::Invalid(format!("{url}: not an s3:// URL")))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(DatasetError::Invalid(format!("{url}: no bucket name")));
    }
    Ok((bucket.to_string(), prefix.trim_matches('/').to_string()))
}

/// An S3 store for `bucket`, configured from the usual AWS environment variables
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL` for
/// S3-compatible servers, `AWS_ALLOW_HTTP=true` for a plain-HTTP endpoint).
pub(crate) fn s3_store(bucket: &str) -> Result<Arc<dyn ObjectStore>> {
    let store = object_store::aws::AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .build()
        .map_err(|e| DatasetError::Store {
            url: format!("s3://{bucket}"),
            message: format!("cannot configure S3 access (AWS_* environment variables): {e}"),
        })?;
    Ok(Arc::new(store))
}

impl Location {
    /// Parse `--out`: `s3://bucket/prefix` or a local folder (created if missing).
    pub fn parse(out: &str) -> Result<Self> {
        if out.starts_with("s3://") {
            let (bucket, prefix) = split_s3(out)?;
            return Ok(Location {
                store: s3_store(&bucket)?,
                prefix: ObjPath::from(prefix),
                url: out.trim_end_matches('/').to_string(),
                local: None,
            });
        }
        if let Some((scheme, _)) = out.split_once("://") {
            return Err(DatasetError::Invalid(format!(
                "{out}: the {scheme}:// scheme is not supported (use a local folder or s3://bucket/prefix)"
            )));
        }
        let dir = PathBuf::from(out);
        std::fs::create_dir_all(&dir).map_err(|e| DatasetError::Store {
            url: out.to_string(),
            message: format!("cannot create the output folder: {e}"),
        })?;
        let dir = dir.canonicalize().map_err(|e| DatasetError::Store {
            url: out.to_string(),
            message: format!("cannot resolve the output folder: {e}"),
        })?;
        let store = LocalFileSystem::new_with_prefix(&dir)
            .map_err(|e| DatasetError::Store {
                url: out.to_string(),
                message: e.to_string(),
            })?
            .with_automatic_cleanup(true);
        Ok(Location {
            store: Arc::new(store),
            prefix: ObjPath::default(),
            url: out.trim_end_matches('/').to_string(),
            local: Some(dir),
        })
    }

    /// The object key of `rel` (a `/`-separated path inside the dataset).
    pub fn key(&self, rel: &str) -> ObjPath {
        let prefix = self.prefix.as_ref();
        if prefix.is_empty() {
            ObjPath::from(rel)
        } else {
            ObjPath::from(format!("{prefix}/{rel}"))
        }
    }

    /// `rel` of a key inside the dataset.
    pub fn rel(&self, key: &ObjPath) -> String {
        let k = key.as_ref();
        let prefix = self.prefix.as_ref();
        if prefix.is_empty() {
            k.to_string()
        } else {
            k.strip_prefix(prefix)
                .map(|r| r.trim_start_matches('/').to_string())
                .unwrap_or_else(|| k.to_string())
        }
    }

    /// How to name `rel` in a message.
    pub fn show(&self, rel: &str) -> String {
        format!("{}/{rel}", self.url)
    }
}
