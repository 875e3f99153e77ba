//! The transcript JSON format: one call per file. `callqa analyze` reads it,
//! `callqa run --dump-transcripts` writes it.
//!
//! ```json
//! {"call_id": "c1", "operator_id": "op7", "started_at": "2026-11-02T09:15:00Z",
//!  "language": "ru",
//!  "utterances": [{"speaker": "operator", "start": 0.4, "end": 2.9, "text": "Здравствуйте!"}]}
//! ```

use crate::types::{CallMeta, ChannelLayout, Speaker, Utterance};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One call's transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// Stable key of the call.
    pub call_id: String,
    /// Operator id (may be empty or absent).
    #[serde(default)]
    pub operator_id: Option<String>,
    /// Call start, RFC 3339.
    pub started_at: DateTime<Utc>,
    /// Language code.
    #[serde(default)]
    pub language: Option<String>,
    /// Utterances in any order; they are sorted by start time when loaded.
    pub utterances: Vec<TranscriptUtterance>,
}

/// One utterance in a transcript file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptUtterance {
    /// `operator`, `customer` or `mixed`.
    pub speaker: Speaker,
    /// Start, seconds from call start.
    pub start: f64,
    /// End, seconds from call start.
    pub end: f64,
    /// Text.
    pub text: String,
}

/// Latest utterance time accepted, seconds from call start (24 hours). Later times are
/// an export bug (milliseconds written as seconds, epoch timestamps), and would turn into
/// absurd durations and silences.
pub const MAX_TIME_S: f64 = 86_400.0;

/// Why a transcript file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TranscriptError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// File path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The JSON does not match the format.
    #[error("{path}: not a callqa transcript: {source}")]
    Json {
        /// File path.
        path: String,
        /// Cause (with line and column).
        source: serde_json::Error,
    },
    /// The JSON parses but a value is impossible.
    #[error("{path}: {message}")]
    Invalid {
        /// File path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The `call_id` fails [`crate::check_call_id`].
    #[error("{path}: {message}")]
    BadCallId {
        /// File path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The file is larger than the cap (`[input] max_transcript_bytes`); it is not read.
    #[error(
        "{path}: too large: {bytes} bytes, the limit is {max} bytes ([input] max_transcript_bytes)"
    )]
    TooLarge {
        /// File path.
        path: String,
        /// Its size (at least), bytes.
        bytes: u64,
        /// The cap, bytes.
        max: u64,
    },
}

impl TranscriptError {
    /// Short machine-readable kind for the `errors/` table: `io`, `bad_transcript`,
    /// `bad_call_id` or `too_large`.
    pub fn kind(&self) -> &'static str {
        match self {
            TranscriptError::Io { .. } => "io",
            TranscriptError::Json { .. } | TranscriptError::Invalid { .. } => "bad_transcript",
            TranscriptError::BadCallId { .. } => "bad_call_id",
            TranscriptError::TooLarge { .. } => "too_large",
        }
    }
}

/// A time for a message: plain when ordinary, scientific when huge (1e300 has 301 digits).
fn short(x: f64) -> String {
    if x.abs() < 1e9 {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

impl Transcript {
    /// Read and validate a transcript file of at most the default
    /// `[input] max_transcript_bytes`.
    pub fn from_path(path: &Path) -> Result<Self, TranscriptError> {
        Self::from_path_limited(path, crate::InputConfig::default().max_transcript_bytes)
    }

    /// Read and validate a transcript file; one larger than `max_bytes` is `TooLarge`,
    /// found from its size before it is read (and while reading, for a file that grows).
    pub fn from_path_limited(path: &Path, max_bytes: u64) -> Result<Self, TranscriptError> {
        use std::io::Read;
        let p = path.display().to_string();
        let io = |source| TranscriptError::Io {
            path: p.clone(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let too_large = |bytes| TranscriptError::TooLarge {
            path: p.clone(),
            bytes,
            max: max_bytes,
        };
        if len > max_bytes {
            return Err(too_large(len));
        }
        let mut bytes = Vec::with_capacity(len as usize);
        file.take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > max_bytes {
            return Err(too_large(bytes.len() as u64));
        }
        Self::from_slice(&bytes, &p)
    }

    /// Parse and validate transcript JSON; `path` is only used in error messages.
    pub fn from_slice(bytes: &[u8], path: &str) -> Result<Self, TranscriptError> {
        // Windows tools write a UTF-8 byte order mark, which JSON does not allow.
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let mut t: Transcript =
            serde_json::from_slice(bytes).map_err(|source| TranscriptError::Json {
                path: path.to_string(),
                source,
            })?;
        if let Err(message) = crate::check_call_id(&t.call_id) {
            return Err(TranscriptError::BadCallId {
                path: path.to_string(),
                message,
            });
        }
        for (i, u) in t.utterances.iter().enumerate() {
            if !(u.start.is_finite() && u.end.is_finite())
                || u.start < 0.0
                || u.end < u.start
                || u.end > MAX_TIME_S
            {
                return Err(TranscriptError::Invalid {
                    path: path.to_string(),
                    message: format!(
                        "utterance {i}: start {} / end {} must be finite, >= 0, start <= end \
                         and end <= {MAX_TIME_S} s",
                        short(u.start),
                        short(u.end)
                    ),
                });
            }
        }
        t.utterances
            .sort_by(|a, b| a.start.total_cmp(&b.start).then(a.end.total_cmp(&b.end)));
        Ok(t)
    }

    /// The utterances as pipeline [`Utterance`]s, sorted by start.
    pub fn to_utterances(&self) -> Vec<Utterance> {
        self.utterances
            .iter()
            .map(|u| Utterance {
                speaker: u.speaker,
                start_s: u.start,
                end_s: u.end,
                text: u.text.clone(),
            })
            .collect()
    }

    /// `Mono` when any utterance is `mixed`, else two speakers (`OperatorLeft`).
    pub fn layout(&self) -> ChannelLayout {
        if self.utterances.iter().any(|u| u.speaker == Speaker::Mixed) {
            ChannelLayout::Mono
        } else {
            ChannelLayout::OperatorLeft
        }
    }

    /// Call length as far as the transcript knows it: the end of the last utterance.
    pub fn duration_s(&self) -> f64 {
        self.utterances.iter().map(|u| u.end).fold(0.0, f64::max)
    }

    /// The call's metadata; `path` is the transcript file, for lineage and error rows.
    pub fn meta(&self, path: &str) -> CallMeta {
        CallMeta {
            call_id: self.call_id.clone(),
            operator_id: self.operator_id.clone(),
            started_at: self.started_at,
            language: self.language.clone(),
            channel_layout: Some(self.layout()),
            path: path.to_string(),
        }
    }

    /// Build a transcript from pipeline utterances (for `--dump-transcripts`).
    pub fn from_utterances(
        call_id: &str,
        operator_id: Option<&str>,
        started_at: DateTime<Utc>,
        language: Option<&str>,
        utterances: &[Utterance],
    ) -> Self {
        Transcript {
            call_id: call_id.to_string(),
            operator_id: operator_id.map(str::to_string),
            started_at,
            language: language.map(str::to_string),
            utterances: utterances
                .iter()
                .map(|u| TranscriptUtterance {
                    speaker: u.speaker,
                    start: (u.start_s * 1000.0).round() / 1000.0,
                    end: (u.end_s * 1000.0).round() / 1000.0,
                    text: u.text.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_sorts() {
        let j = br#"{"call_id":"c1","operator_id":"op","started_at":"2026-11-02T09:15:00+03:00","language":"ru",
          "utterances":[{"speaker":"customer","start":3,"end":4,"text":"b"},{"speaker":"operator","start":0.5,"end":2,"text":"a"}]}"#;
        let t = Transcript::from_slice(j, "x.json").unwrap();
        assert_eq!(t.utterances[0].text, "a");
        assert_eq!(t.started_at.to_rfc3339(), "2026-11-02T06:15:00+00:00");
    }

    #[test]
    fn rejects_bad_times_and_names_file() {
        let j = br#"{"call_id":"c1","started_at":"2026-11-02T09:15:00Z","utterances":[{"speaker":"operator","start":5,"end":2,"text":"a"}]}"#;
        let e = Transcript::from_slice(j, "bad.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("bad.json") && e.contains("utterance 0"), "{e}");
        let e = Transcript::from_slice(b"{", "trunc.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("trunc.json"), "{e}");
        let j = br#"{"call_id":"c1","started_at":"2026-11-02T09:15:00Z","utterances":[{"speaker":"robot","start":1,"end":2,"text":"a"}]}"#;
        assert!(Transcript::from_slice(j, "s.json").is_err());
    }
}
