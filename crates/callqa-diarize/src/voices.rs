//! Operators' voiceprints kept across runs (`<out>/baselines/voices.json`, beside the
//! acoustic stage's `operators.json`).
//!
//! An operator is heard on hundreds of calls, so the mean direction of their voice
//! embeddings is a strong cue to which speaker of a mono call is the operator. Like the
//! emotion baselines, a run only *reads* the store it started with (results do not
//! depend on call order) and folds in its own calls at the end; only calls whose roles
//! were decided with high confidence are added, so a wrong decision rarely feeds back.

use crate::cluster::normalised;
use crate::{DiarizeError, Embedding, DIM};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Calls a voiceprint needs before it is used.
pub const MIN_CALLS: u64 = 3;
/// Role confidence a call needs before its operator's voice is added.
pub const MIN_CONFIDENCE: f64 = 0.95;

/// The store file's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiceStore {
    /// Speaker encoder the voiceprints come from (`name@sha`); another encoder's
    /// embeddings are not comparable, so such a store is discarded.
    pub encoder: String,
    /// Voiceprints by operator id.
    pub operators: BTreeMap<String, Voiceprint>,
}

/// One operator's voiceprint: calls seen and the sum of their unit voice vectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Voiceprint {
    /// Calls added.
    pub calls: u64,
    /// Sum of the calls' voice embeddings (unit vectors).
    pub sum: Vec<f32>,
}

impl VoiceStore {
    /// An empty store for `encoder`.
    pub fn new(encoder: &str) -> Self {
        VoiceStore {
            encoder: encoder.to_string(),
            operators: BTreeMap::new(),
        }
    }

    /// Parse a store (`name` names it in errors). A store of another encoder is
    /// discarded with a warning; an invalid one is an error.
    pub fn from_json(name: &str, bytes: &[u8], encoder: &str) -> Result<Self, DiarizeError> {
        let err = |message: String| DiarizeError::Store {
            path: name.to_string(),
            message,
        };
        let store: VoiceStore = serde_json::from_slice(bytes)
            .map_err(|e| err(format!("not a voiceprint store: {e}")))?;
        if store.encoder != encoder {
            tracing::warn!(path = %name, found = %store.encoder, "voiceprints of another speaker encoder: starting a new store");
            return Ok(Self::new(encoder));
        }
        for (id, v) in &store.operators {
            if v.sum.len() != DIM || v.sum.iter().any(|x| !x.is_finite()) {
                return Err(err(format!(
                    "operator {id:?}: expected {DIM} finite values"
                )));
            }
        }
        Ok(store)
    }

    /// Read the store at `path`; an absent file is an empty store.
    pub fn load(path: &Path, encoder: &str) -> Result<Self, DiarizeError> {
        match std::fs::read(path) {
            Ok(b) => Self::from_json(&path.display().to_string(), &b, encoder),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::new(encoder)),
            Err(e) => Err(DiarizeError::Store {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }

    /// The store as JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Write atomically (temp file + rename), creating the folder.
    pub fn save(&self, path: &Path) -> Result<(), DiarizeError> {
        let err = |e: std::io::Error| DiarizeError::Store {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, self.to_json()).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }

    /// The operator's voiceprint, once it holds [`MIN_CALLS`] calls.
    pub fn get(&self, operator: &str) -> Option<Embedding> {
        let v = self.operators.get(operator)?;
        if v.calls < MIN_CALLS {
            return None;
        }
        let mut e = [0.0f32; DIM];
        e.copy_from_slice(&v.sum);
        Some(normalised(e))
    }

    /// Add one call's operator voice.
    pub fn add(&mut self, operator: &str, voice: &Embedding) {
        let v = self
            .operators
            .entry(operator.to_string())
            .or_insert_with(|| Voiceprint {
                calls: 0,
                sum: vec![0.0; DIM],
            });
        v.calls += 1;
        for (s, x) in v.sum.iter_mut().zip(voice) {
            *s += x;
        }
    }

    /// Fold another store (of the same encoder) into this one.
    pub fn merge(&mut self, other: &VoiceStore) {
        for (id, o) in &other.operators {
            let v = self
                .operators
                .entry(id.clone())
                .or_insert_with(|| Voiceprint {
                    calls: 0,
                    sum: vec![0.0; DIM],
                });
            v.calls += o.calls;
            for (s, x) in v.sum.iter_mut().zip(&o.sum) {
                *s += x;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voiceprints_need_calls_and_survive_a_round_trip() {
        let mut e = [0.0f32; DIM];
        e[3] = 1.0;
        let mut s = VoiceStore::new("enc@1");
        s.add("op1", &e);
        s.add("op1", &e);
        assert!(s.get("op1").is_none(), "two calls are not enough");
        let mut more = VoiceStore::new("enc@1");
        more.add("op1", &e);
        s.merge(&more);
        let v = s.get("op1").unwrap();
        assert!((v[3] - 1.0).abs() < 1e-6);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("baselines/voices.json");
        s.save(&p).unwrap();
        assert_eq!(VoiceStore::load(&p, "enc@1").unwrap(), s);
        // Another encoder's store starts afresh; a missing one is empty; garbage is an error.
        assert!(VoiceStore::load(&p, "enc@2").unwrap().operators.is_empty());
        assert!(VoiceStore::load(&dir.path().join("none.json"), "enc@1")
            .unwrap()
            .operators
            .is_empty());
        std::fs::write(&p, b"{").unwrap();
        let e = VoiceStore::load(&p, "enc@1").unwrap_err().to_string();
        assert!(e.contains("voices.json"), "{e}");
    }
}
