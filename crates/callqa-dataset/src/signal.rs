//! Telling a crash from a kill: the fatal signal a run died of, written down as it dies.
//!
//! A run that dies leaves its journal of calls in flight behind whatever killed it. An
//! abort or a segfault in native code (whisper.cpp, ONNX Runtime, a decoder) says
//! something about the calls in flight; an operator's `kill -9`, the OOM killer or a
//! power cut says nothing. So `callqa run` installs a handler for the signals a crash
//! raises (SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE) that writes the signal's number to
//! `_inflight/<run>.signal` beside the journal, puts the default action back and raises
//! the signal again, so the process still dies of it (exit status, core dump) as before.
//! SIGKILL cannot be caught: a journal with no signal file is a run that was killed.
//!
//! Only local outputs get the file: the handler may only make async-signal-safe calls
//! (`open`, `write`, `close`, `signal`, `raise`), which cannot reach S3. On S3 the cause
//! of a death is unknown and every death counts as a crash (see `journal`).
//!
//! Written by hand on `libc::sigaction` rather than with `signal-hook`: signal-hook's
//! checked API refuses exactly these synchronous fault signals, and its handler chaining
//! is made for signals a process survives; here the handler runs once and the process
//! dies.

use std::ffi::{c_char, CString};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// The signals a crash of native code raises.
const FATAL: [libc::c_int; 5] = [
    libc::SIGABRT,
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGILL,
    libc::SIGFPE,
];

/// The signal file of the run that armed the handler (a leaked `CString`), or null.
static MARKER: AtomicPtr<c_char> = AtomicPtr::new(std::ptr::null_mut());

/// Set by the first thread that meets a fatal signal. Two threads can crash at once (two
/// Whisper workers on the two channels of one poison call): the first one writes the
/// signal file and kills the process; any other waits for that, so it can neither
/// truncate the file nor kill the process before the number is written.
static DYING: AtomicBool = AtomicBool::new(false);

const NOTE: &[u8] =
    b"callqa: died of a fatal signal (a crash, likely in native code); see docs/DEPLOY.md\n";

extern "C" fn on_fatal(sig: libc::c_int) {
    let path = MARKER.load(Ordering::Acquire);
    // SAFETY: only async-signal-safe functions are called (signal-safety(7)); `path` is
    // null or a NUL-terminated string that is never freed.
    unsafe {
        if DYING.swap(true, Ordering::AcqRel) {
            // Another thread is writing the signal file; it ends the process.
            loop {
                libc::pause();
            }
        }
        if !path.is_null() {
            let fd = libc::open(
                path,
                libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC | libc::O_CLOEXEC,
                0o644 as libc::c_uint,
            );
            if fd >= 0 {
                let (buf, n) = decimal(sig);
                libc::write(fd, buf.as_ptr().cast(), n);
                libc::close(fd);
            }
        }
        libc::write(2, NOTE.as_ptr().cast(), NOTE.len());
        // Die of the signal as before: default action, then raise it again (it is blocked
        // while this handler runs, so it is delivered when the handler returns).
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

/// `n` (a signal number, 1..=64) in decimal, without allocating.
fn decimal(n: libc::c_int) -> ([u8; 3], usize) {
    let n = n.clamp(0, 999) as u16;
    let d = [(n / 100) as u8, (n / 10 % 10) as u8, (n % 10) as u8].map(|d| b'0' + d);
    match n {
        0..=9 => ([d[2], 0, 0], 1),
        10..=99 => ([d[1], d[2], 0], 2),
        _ => (d, 3),
    }
}

/// From now on, a fatal signal writes its number to `marker` before the process dies.
/// A later call names another file (one run at a time per process arms it).
pub(crate) fn arm(marker: &Path) {
    let Ok(c) = CString::new(marker.as_os_str().as_encoded_bytes()) else {
        return;
    };
    // Leaked on purpose: the handler may read it at any moment, even after a later arm.
    MARKER.store(c.into_raw(), Ordering::Release);
    for sig in FATAL {
        // SAFETY: a zeroed sigaction is valid; the handler is an `extern "C" fn(c_int)`
        // that makes only async-signal-safe calls.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_fatal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            // On the alternate stack where there is one (Rust threads have one), so a
            // stack overflow still gets its signal file.
            sa.sa_flags = libc::SA_ONSTACK;
            libc::sigemptyset(&mut sa.sa_mask);
            if libc::sigaction(sig, &sa, std::ptr::null_mut()) != 0 {
                tracing::warn!(
                    "cannot install a handler for signal {sig}: a crash will look like a kill"
                );
            }
        }
    }
}

/// The run is over: a fatal signal no longer names its signal file.
pub(crate) fn disarm() {
    MARKER.store(std::ptr::null_mut(), Ordering::Release);
}

/// Whether a dead run left a signal file (it died of a fatal signal), and the signal it
/// names. A file without a number (the process died while writing it) is still a crash.
pub(crate) fn read(marker: &Path) -> Option<Option<i32>> {
    let text = std::fs::read_to_string(marker).ok()?;
    Some(text.trim().parse().ok())
}

/// The usual name of a signal number, for messages.
pub(crate) fn name(sig: i32) -> String {
    match sig {
        libc::SIGABRT => "SIGABRT".into(),
        libc::SIGSEGV => "SIGSEGV".into(),
        libc::SIGBUS => "SIGBUS".into(),
        libc::SIGILL => "SIGILL".into(),
        libc::SIGFPE => "SIGFPE".into(),
        n => format!("signal {n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_file_without_a_number_is_still_a_crash() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("run.signal");
        assert_eq!(read(&f), None, "no file: a kill");
        std::fs::write(&f, "").unwrap();
        assert_eq!(read(&f), Some(None));
        std::fs::write(&f, "6").unwrap();
        assert_eq!(read(&f), Some(Some(6)));
    }

    #[test]
    fn decimal_digits() {
        for n in [1, 6, 9, 10, 11, 64, 99, 100, 134] {
            let (b, len) = decimal(n);
            assert_eq!(std::str::from_utf8(&b[..len]).unwrap(), n.to_string());
        }
    }
}
