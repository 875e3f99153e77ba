//! Per-operator feature baselines kept across runs (`<out>/baselines/operators.json`).
//!
//! A speaker's own baseline is worth 0.06–0.08 unweighted accuracy over the population
//! one (`models/emotion.md`), and operators are heard on hundreds of calls. So every run
//! folds its operators' window features into a store beside the Parquet tables, and the
//! next run z-scores an operator with enough history against their own baseline.
//!
//! A run only *reads* the baselines it starts with, so its results do not depend on the
//! order calls are processed in, and the store is updated once, at the end, by merging
//! this run's statistics into the store as it is *then* (read-modify-write under a lock:
//! [`BaselineStore::merge_into_file`], or the output's commit lock for the default
//! location), so shards finishing together add up instead of overwriting each other.
//! Only calls whose row was written count, and a rerun skips them, so no call is counted
//! twice; a run killed before its end loses its contribution (the calls are kept).

use crate::{EmotionError, SpeakerBaseline, FEATURE_SET, N_FEATURES};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The store file's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineStore {
    /// Feature set of the stored statistics; a store of another set is ignored.
    pub feature_set: String,
    /// Baselines by operator id.
    pub operators: BTreeMap<String, StoredBaseline>,
}

/// One operator's baseline: windows seen, feature means and sums of squared deviations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredBaseline {
    /// Windows seen.
    pub n: u64,
    /// Mean of each feature.
    pub mean: Vec<f64>,
    /// Sum of squared deviations from the mean of each feature (Welford's `M2`).
    pub m2: Vec<f64>,
}

impl Default for BaselineStore {
    fn default() -> Self {
        BaselineStore {
            feature_set: FEATURE_SET.to_string(),
            operators: BTreeMap::new(),
        }
    }
}

impl BaselineStore {
    /// Read the store at `path`; an absent file is an empty store. A store of another
    /// feature set is discarded with a warning (its statistics mean something else).
    pub fn load(path: &Path) -> Result<Self, EmotionError> {
        match std::fs::read(path) {
            Ok(bytes) => Self::from_json(&path.display().to_string(), &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(EmotionError::Spec {
                path: path.display().to_string(),
                message: format!("cannot read the baseline store: {e}"),
            }),
        }
    }

    /// Parse a store from its JSON (`name` names it in errors: a path or a URL). A store
    /// of another feature set is discarded with a warning.
    pub fn from_json(name: &str, bytes: &[u8]) -> Result<Self, EmotionError> {
        let err = |message: String| EmotionError::Spec {
            path: name.to_string(),
            message,
        };
        let store: BaselineStore =
            serde_json::from_slice(bytes).map_err(|e| err(format!("not a baseline store: {e}")))?;
        if store.feature_set != FEATURE_SET {
            tracing::warn!(
                path = %name,
                found = %store.feature_set,
                "baseline store is for another feature set: starting a new one"
            );
            return Ok(Self::default());
        }
        for (id, b) in &store.operators {
            if b.mean.len() != N_FEATURES || b.m2.len() != N_FEATURES {
                return Err(err(format!(
                    "operator {id:?}: {} / {} values, expected {N_FEATURES}",
                    b.mean.len(),
                    b.m2.len()
                )));
            }
        }
        Ok(store)
    }

    /// The store as JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The operator's baseline, if stored.
    pub fn get(&self, operator: &str, std_floor: f64) -> Option<SpeakerBaseline> {
        let b = self.operators.get(operator)?;
        SpeakerBaseline::from_state(b.n, b.mean.clone(), b.m2.clone(), std_floor).ok()
    }

    /// Fold `add` into the operator's baseline.
    pub fn merge(&mut self, operator: &str, add: &SpeakerBaseline) -> Result<(), EmotionError> {
        let mut b = self
            .get(operator, 0.0)
            .unwrap_or_else(|| SpeakerBaseline::new(N_FEATURES, 0.0));
        b.merge(add)?;
        let (n, mean, m2) = b.state();
        self.operators.insert(
            operator.to_string(),
            StoredBaseline {
                n,
                mean: mean.to_vec(),
                m2: m2.to_vec(),
            },
        );
        Ok(())
    }

    /// Fold every operator of `other` (e.g. what one run heard) into this store.
    pub fn absorb(&mut self, other: &BaselineStore) -> Result<(), EmotionError> {
        for (id, b) in &other.operators {
            let add = SpeakerBaseline::from_state(b.n, b.mean.clone(), b.m2.clone(), 0.0)?;
            self.merge(id, &add)?;
        }
        Ok(())
    }

    /// Merge `add` into the store file at `path` as it is now: read, merge, write
    /// atomically, all under an exclusive lock on `<path>.lock`, so runs sharing one
    /// store never lose each other's updates.
    pub fn merge_into_file(path: &Path, add: &BaselineStore) -> Result<(), EmotionError> {
        let err = |message: String| EmotionError::Spec {
            path: path.display().to_string(),
            message,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| err(format!("cannot create folder: {e}")))?;
        }
        let lock_path = path.with_extension("json.lock");
        let lock = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(|e| err(format!("cannot open {}: {e}", lock_path.display())))?;
        lock.lock()
            .map_err(|e| err(format!("cannot lock {}: {e}", lock_path.display())))?;
        let mut store = Self::load(path)?;
        store.absorb(add)?;
        store.save(path)
    }

    /// Write the store atomically (temp file + rename), creating its folder.
    pub fn save(&self, path: &Path) -> Result<(), EmotionError> {
        let err = |message: String| EmotionError::Spec {
            path: path.display().to_string(),
            message,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| err(format!("cannot create folder: {e}")))?;
        }
        // Unique per process: two writers never share a temporary file.
        let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
        let json = serde_json::to_vec(self).map_err(|e| err(e.to_string()))?;
        std::fs::write(&tmp, json).map_err(|e| err(format!("cannot write: {e}")))?;
        std::fs::rename(&tmp, path).map_err(|e| err(format!("cannot write: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_load_merge_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("baselines/operators.json");
        let mut store = BaselineStore::load(&path).expect("absent = empty");
        assert!(store.operators.is_empty());
        let mut b = SpeakerBaseline::new(N_FEATURES, 1e-6);
        b.push(&vec![1.0; N_FEATURES]).expect("push");
        b.push(&vec![3.0; N_FEATURES]).expect("push");
        store.merge("op1", &b).expect("merge");
        store.merge("op1", &b).expect("merge again");
        store.save(&path).expect("save");
        let back = BaselineStore::load(&path).expect("load");
        let op = back.get("op1", 1e-6).expect("op1");
        assert_eq!(op.count(), 4);
        assert!((op.mean()[0] - 2.0).abs() < 1e-12 && (op.std()[0] - 1.0).abs() < 1e-12);
        assert!(back.get("op2", 1e-6).is_none());

        std::fs::write(&path, "{not json").expect("write");
        let e = BaselineStore::load(&path)
            .expect_err("broken store")
            .to_string();
        assert!(e.contains("operators.json"), "{e}");
    }

    /// Issue 17: runs finishing together (shards sharing one store) add up.
    #[test]
    fn concurrent_merges_into_one_file_add_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("operators.json");
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let path = path.clone();
                std::thread::spawn(move || {
                    for _ in 0..5 {
                        let mut add = BaselineStore::default();
                        let mut b = SpeakerBaseline::new(N_FEATURES, 1e-6);
                        b.push(&vec![f64::from(t); N_FEATURES]).expect("push");
                        add.merge("op", &b).expect("merge");
                        add.merge(&format!("op{t}"), &b).expect("merge");
                        BaselineStore::merge_into_file(&path, &add).expect("merge into file");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        let back = BaselineStore::load(&path).expect("load");
        assert_eq!(back.get("op", 1e-6).expect("op").count(), 40);
        for t in 0..8 {
            assert_eq!(back.get(&format!("op{t}"), 1e-6).expect("op t").count(), 5);
        }
    }
}
