//! Crash-test hooks. `CALLQA_FAILPOINT=<name>[:<n>]` makes the process stop dead at the
//! `n`-th time (default: the first) it passes the named point: it prints
//! `callqa failpoint <name> reached` on stderr and waits, so a test can `kill -9` it at
//! exactly that moment (between two writes of a commit, say) and check that a rerun
//! repairs everything. Without the variable a failpoint costs one atomic load.
//!
//! Points: `decode` (a call decoded), `asr` (a call transcribed), `stage` (batch files
//! staged, before the ledger commit), `commit` (ledger written, before publishing),
//! `publish` (one staged file moved into place).
//!
//! `CALLQA_PANIC=<stage>:<call_id>` makes the named stage panic on that call
//! ([`panic_point`]: `prepare`, `asr` or `features`), to test that a bug met on one call
//! becomes that call's error row and the batch goes on.
//!
//! `CALLQA_ABORT=<stage>:<call_id>` makes the process call `std::process::abort()` when
//! that call reaches the stage ([`abort_point`]: `decode`, `asr`, `acoustic` (deferred
//! scoring) or `features`), like a segfault in whisper.cpp or ONNX Runtime would: no
//! unwinding, no cleanup. It tests that such a call ends as a `crashed` error row within
//! a bounded number of runs and takes no other call with it.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

fn target() -> &'static Option<(String, u64)> {
    static T: OnceLock<Option<(String, u64)>> = OnceLock::new();
    T.get_or_init(|| {
        let v = std::env::var("CALLQA_FAILPOINT").ok()?;
        let (name, n) = match v.split_once(':') {
            Some((name, n)) => (name.to_string(), n.trim().parse().unwrap_or(1)),
            None => (v, 1),
        };
        Some((name.trim().to_string(), n.max(1)))
    })
}

/// Stop here (forever) if `CALLQA_FAILPOINT` names this point and its count is reached.
pub fn failpoint(name: &str) {
    let Some((want, n)) = target() else { return };
    if want != name {
        return;
    }
    static HITS: OnceLock<Mutex<HashMap<String, u64>>> = OnceLock::new();
    let hits = HITS.get_or_init(|| Mutex::new(HashMap::new()));
    let count = {
        let mut h = hits.lock().unwrap_or_else(|e| e.into_inner());
        let c = h.entry(name.to_string()).or_insert(0);
        *c += 1;
        *c
    };
    if count == *n {
        eprintln!("callqa failpoint {name} reached");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

/// Panic here if `CALLQA_PANIC` is `<stage>:<call_id>` for this stage and call.
pub fn panic_point(stage: &str, call_id: &str) {
    static T: OnceLock<Option<String>> = OnceLock::new();
    let Some(want) = T.get_or_init(|| std::env::var("CALLQA_PANIC").ok()) else {
        return;
    };
    if want.split_once(':') == Some((stage, call_id)) {
        panic!("callqa panic point {stage} reached on call {call_id}");
    }
}

/// Abort the process here if `CALLQA_ABORT` is `<stage>:<call_id>` for this stage and
/// call.
pub fn abort_point(stage: &str, call_id: &str) {
    static T: OnceLock<Option<String>> = OnceLock::new();
    let Some(want) = T.get_or_init(|| std::env::var("CALLQA_ABORT").ok()) else {
        return;
    };
    if want.split_once(':') == Some((stage, call_id)) {
        eprintln!("callqa abort point {stage} reached on call {call_id}");
        std::process::abort();
    }
}
