//! Crash-test hooks. `CALLQA_FAILPOINT=<name>[:<n>]` makes the process stop dead at the
//! `n`-th time (default: the first) it passes the named point: it prints
//! `callqa failpoint <name> reached` on stderr and waits, so a test can `kill -9` it at
//! exactly that moment (between two writes of a commit, say) and check that a rerun
//! repairs everything. Without the variable a failpoint costs one atomic load.
//!
//! Points: `decode` (a call decoded), `asr` (a call transcribed), `stage` (batch files
//! staged, before the ledger commit), `commit` (ledger written, before publishing),
//! `publish` (one staged file moved into place).

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
