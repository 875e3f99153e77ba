//! The callqa pipeline as a library: what `callqa run` and `callqa analyze` do, wired in
//! one place, so the command line only parses arguments and prints progress.
//!
//! A run is resolved once ([`RunPlan::resolve`]: pipeline file, rules, language, threads,
//! models), then each input goes through typed stages ([`call`]):
//! [`CallInput`] → [`Preparer`] (decode, VAD, acoustic) → [`PreparedCall`] → Whisper
//! workers ([`transcribe_all`], one channel at a time) → [`TranscribedCall`] →
//! [`Assembler`] (rules, timing, smile scores) → [`CallRecord`] → committed through
//! [`callqa_dataset::Output`] with the ticket the ledger gave the input. A stage that fails
//! hands on a [`Failed`] instead, whose [`CallFailure`] becomes the call's one `errors/`
//! row. `callqa analyze` enters at [`TranscribedCall`] with the same [`Assembler`], so a
//! transcript and a recording of the same call give the same rows.
//!
//! **Why a library.** Everything planned next (worker processes for crash isolation,
//! diarization of mono calls, batch calibration of the acoustic stage, redaction) is a
//! change to one stage or to the wiring in [`run`](crate::run::run), not to a 500-line
//! command function; and tests can drive the pipeline without a shell.
#![deny(missing_docs)]

pub mod analyze;
pub mod assemble;
pub mod call;
pub mod doctor;
pub mod eval;
pub mod events;
pub mod failure;
pub mod inputs;
pub mod plan;
pub mod prepare;
pub mod run;
pub mod transcribe;

pub use analyze::{analyze, AnalyzeOptions};
pub use assemble::Assembler;
pub use call::{CallInput, CallRecord, Failed, PreparedCall, Step, TranscribedCall};
pub use callqa_dataset as dataset;
pub use events::{Events, NoEvents, RunReport};
pub use failure::{CallFailure, Stage};
pub use plan::{RunOptions, RunPlan};
pub use prepare::Preparer;
pub use run::run;
pub use transcribe::{transcribe_all, WorkerPlan};
