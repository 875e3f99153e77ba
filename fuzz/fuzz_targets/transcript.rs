//! cargo-fuzz target: any bytes through the transcript JSON parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = callqa_core::Transcript::from_slice(data, "fuzz.json") {
        assert!(!t.call_id.trim().is_empty());
        for u in &t.utterances {
            assert!(u.start.is_finite() && u.start >= 0.0 && u.start <= u.end);
        }
        let _ = (t.duration_s(), t.layout(), t.to_utterances());
    }
});
