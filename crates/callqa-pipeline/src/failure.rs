//! Why a call failed, and where: [`Stage`] + [`CallFailure`], turned into the `errors/`
//! row in one place ([`CallFailure::into_row`]). Panics met on one call are contained
//! here too ([`contain`]), so a bug becomes that call's error row instead of ending the
//! batch (and every rerun of it) at the same call.

use callqa_core::{CallMeta, ErrorRow};
use chrono::{NaiveDate, Utc};

/// The stage of the pipeline an error row names (`errors.stage`, docs/SCHEMA.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Listing or fetching the input (folder entry, S3 object).
    Input,
    /// A manifest row.
    Manifest,
    /// Decoding the audio.
    Decode,
    /// Voice activity detection.
    Vad,
    /// Diarization of a mono call (a warning: the call is written as one `mixed`
    /// channel).
    Diarization,
    /// The acoustic stage (a warning: the call is still written).
    Acoustic,
    /// Speech recognition.
    Asr,
    /// A bring-your-own transcript.
    Transcript,
    /// A bug met while decoding, finding speech or analysing the voice.
    Prepare,
    /// A bug met while applying the rules and building the rows.
    Features,
}

impl Stage {
    /// The value written to `errors.stage`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Input => "input",
            Stage::Manifest => "manifest",
            Stage::Decode => "decode",
            Stage::Vad => "vad",
            Stage::Diarization => "diarization",
            Stage::Acoustic => "acoustic",
            Stage::Asr => "asr",
            Stage::Transcript => "transcript",
            Stage::Prepare => "prepare",
            Stage::Features => "features",
        }
    }
}

impl Stage {
    /// The stage an `errors.stage` value (or a crash journal entry) names; an unknown name
    /// is [`Stage::Prepare`].
    pub fn from_name(name: &str) -> Stage {
        [
            Stage::Input,
            Stage::Manifest,
            Stage::Decode,
            Stage::Vad,
            Stage::Diarization,
            Stage::Acoustic,
            Stage::Asr,
            Stage::Transcript,
            Stage::Prepare,
            Stage::Features,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
        .unwrap_or(Stage::Prepare)
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A call that could not be processed (or, for [`Stage::Acoustic`], a part of it that
/// was left out): the stage, a short machine-readable kind and a message naming the file.
#[derive(Clone, Debug, PartialEq)]
pub struct CallFailure {
    /// Where it failed.
    pub stage: Stage,
    /// `errors.error_kind`, e.g. `bad_header`, `fetch`, `panic`.
    pub kind: String,
    /// What happened, naming the input.
    pub message: String,
}

impl CallFailure {
    /// A failure at `stage`.
    pub fn new(stage: Stage, kind: impl Into<String>, message: impl Into<String>) -> Self {
        CallFailure {
            stage,
            kind: kind.into(),
            message: message.into(),
        }
    }

    /// A panic met at `stage` on the input at `path` (a bug: the message asks for a
    /// report).
    pub fn panic(stage: Stage, path: &str, doing: &str, msg: &str) -> Self {
        CallFailure::new(
            stage,
            "panic",
            format!("{path}: internal error while {doing} (please report it): {msg}"),
        )
    }

    /// The process crashed (an abort or a segfault, most likely in native code) in
    /// [`callqa_dataset::POISON_CRASHES`] runs while the call at `path` was in flight:
    /// it is not tried again without `--retry-errors`.
    pub fn crashed(record: &callqa_dataset::CrashRecord, path: &str) -> Self {
        let stage = record.stage.as_str();
        CallFailure::new(
            Stage::from_name(stage),
            "crashed",
            format!(
                "{path}: the process crashed {} times while this call was at stage {stage} \
                 (last: {}; an abort or a fault in native code: the decoder, ONNX Runtime \
                 or whisper.cpp); not tried again without --retry-errors",
                record.count,
                record.signal_name()
            ),
        )
    }

    /// The `errors/` row of this failure for the call `meta`.
    pub fn into_row(self, meta: &CallMeta) -> ErrorRow {
        self.row_for(
            &meta.call_id,
            &meta.path,
            Some(meta.started_at.date_naive()),
        )
    }

    /// The `errors/` row of this failure for an input known only by its call id, path
    /// and (maybe) date.
    pub fn row_for(self, call_id: &str, path: &str, call_date: Option<NaiveDate>) -> ErrorRow {
        ErrorRow {
            call_id: call_id.to_string(),
            call_date,
            path: path.to_string(),
            stage: self.stage.as_str().to_string(),
            error_kind: self.kind,
            message: self.message,
            processed_at: Utc::now(),
        }
    }
}

/// Run `f`, turning a panic into its message: a bug met on one call must become that
/// call's error row, not end the batch (and every rerun of it) at the same call.
pub fn contain<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_becomes_one_error_row_with_the_stage_name() {
        let meta = CallMeta {
            call_id: "c1".into(),
            operator_id: None,
            started_at: chrono::DateTime::parse_from_rfc3339("2026-11-02T23:30:00Z")
                .map(|t| t.with_timezone(&Utc))
                .expect("valid time"),
            language: None,
            channel_layout: None,
            path: "/in/c1.wav".into(),
        };
        let row =
            CallFailure::new(Stage::Decode, "bad_header", "/in/c1.wav: no RIFF").into_row(&meta);
        assert_eq!(row.stage, "decode");
        assert_eq!(row.error_kind, "bad_header");
        assert_eq!(row.call_id, "c1");
        assert_eq!(
            row.call_date.map(|d| d.to_string()).as_deref(),
            Some("2026-11-02")
        );
    }

    #[test]
    fn a_panic_is_contained_with_its_message() {
        let r: Result<(), String> = contain(|| panic!("boom {}", 7));
        assert_eq!(r, Err("boom 7".to_string()));
        assert_eq!(contain(|| 3), Ok(3));
    }
}
