//! What a run tells its caller as it goes ([`Events`]): the command line turns it into a
//! progress bar and the final summary; a library user may ignore it ([`NoEvents`]).

use crate::call::CallRecord;
use callqa_core::ErrorRow;

/// Progress of a `run` or `analyze`, reported on the thread that called it.
pub trait Events {
    /// The inputs were listed: `n` inputs in all (calls, and inputs broken before they
    /// could be described).
    fn inputs_found(&mut self, _n: usize) {}
    /// The ledger has decided: `n` calls will be processed.
    fn processing(&mut self, _n: usize) {}
    /// An input was skipped, with the reason.
    fn skipped(&mut self, _reason: &str) {}
    /// An input failed: its error row was committed.
    fn failed(&mut self, _row: &ErrorRow) {}
    /// A call was committed (its warnings, if any, with it).
    fn call_done(&mut self, _record: &CallRecord) {}
}

/// Ignores every event.
pub struct NoEvents;

impl Events for NoEvents {}

/// What a run did, for the exit code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Calls written.
    pub written: usize,
    /// Inputs that became error rows.
    pub failed: usize,
    /// Calls written with a warning row (the acoustic stage failed on them).
    pub warnings: usize,
    /// Inputs skipped (done before, unchanged, failed before, already reported).
    pub skipped: usize,
}

impl RunReport {
    /// Every input was processed with no error row.
    pub fn is_clean(&self) -> bool {
        self.failed == 0 && self.warnings == 0
    }
}
