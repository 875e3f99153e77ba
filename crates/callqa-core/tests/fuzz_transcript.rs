//! Property-based fuzzing of the transcript JSON parser (issue 7): arbitrary bytes and
//! mutated valid transcripts never panic `Transcript::from_slice`; whatever it accepts
//! obeys the format's rules; and valid transcripts round-trip through JSON.

use callqa_core::transcript::MAX_TIME_S;
use callqa_core::{Speaker, Transcript, TranscriptUtterance};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;

/// What every accepted transcript must satisfy.
fn check_accepted(t: &Transcript) {
    assert!(!t.call_id.trim().is_empty());
    for u in &t.utterances {
        assert!(u.start.is_finite() && u.end.is_finite());
        assert!(u.start >= 0.0 && u.start <= u.end && u.end <= MAX_TIME_S);
    }
    assert!(t.utterances.windows(2).all(|w| w[0].start <= w[1].start));
    // The accessors the pipeline calls never panic on accepted input.
    let d = t.duration_s();
    assert!(d.is_finite() && d >= 0.0);
    let _ = t.layout();
    let _ = t.to_utterances();
    let _ = t.meta("x.json");
}

fn parse(bytes: &[u8]) {
    match Transcript::from_slice(bytes, "fuzz.json") {
        Ok(t) => check_accepted(&t),
        Err(e) => assert!(e.to_string().contains("fuzz.json"), "{e}"),
    }
}

fn speaker() -> impl Strategy<Value = Speaker> {
    prop_oneof![
        Just(Speaker::Operator),
        Just(Speaker::Customer),
        Just(Speaker::Mixed)
    ]
}

/// Times with millisecond resolution (as `--dump-transcripts` writes them), so the JSON
/// text round-trips exactly.
fn utterance() -> impl Strategy<Value = TranscriptUtterance> {
    (speaker(), 0u32..3_600_000, 0u32..60_000, ".{0,40}").prop_map(|(speaker, s, len, text)| {
        TranscriptUtterance {
            speaker,
            start: f64::from(s) / 1000.0,
            end: f64::from(s + len) / 1000.0,
            text,
        }
    })
}

fn transcript() -> impl Strategy<Value = Transcript> {
    (
        "[a-zA-Z0-9_\\-]{1,20}",
        proptest::option::of("[a-z0-9]{0,8}"),
        0i64..4_000_000_000,
        proptest::option::of(prop_oneof![Just("ru".to_string()), Just("en".to_string())]),
        prop::collection::vec(utterance(), 0..12),
    )
        .prop_map(
            |(call_id, operator_id, secs, language, utterances)| Transcript {
                call_id,
                operator_id,
                started_at: Utc
                    .timestamp_opt(secs, 0)
                    .single()
                    .expect("in range timestamp"),
                language,
                utterances,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        parse(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,300}") {
        parse(s.as_bytes());
    }

    #[test]
    fn valid_transcripts_round_trip(t in transcript(), bom in any::<bool>(), pretty in any::<bool>()) {
        let json = if pretty {
            serde_json::to_vec_pretty(&t).expect("serialise")
        } else {
            serde_json::to_vec(&t).expect("serialise")
        };
        let mut bytes = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(&json);
        let back = Transcript::from_slice(&bytes, "rt.json").expect("valid transcript parses");
        check_accepted(&back);
        let mut want = t.clone();
        want.utterances.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.end.total_cmp(&b.end)));
        prop_assert_eq!(back, want);
    }

    #[test]
    fn mutated_transcripts_never_panic(
        t in transcript(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..4), 1..8),
    ) {
        let mut b = serde_json::to_vec(&t).expect("serialise");
        for (pos, byte, op) in edits {
            if b.is_empty() {
                break;
            }
            let i = pos % b.len();
            match op {
                0 => b[i] = byte,
                1 => b.insert(i, byte),
                2 => { b.remove(i); }
                _ => b.truncate(i),
            }
        }
        parse(&b);
    }

    #[test]
    fn structural_mutations_never_panic(
        t in transcript(),
        field in prop_oneof![Just("start"), Just("end"), Just("speaker"), Just("text"),
                             Just("call_id"), Just("started_at"), Just("utterances")],
        value in prop_oneof![
            Just(serde_json::json!(null)), Just(serde_json::json!(-1.0)),
            Just(serde_json::json!(1e300)), Just(serde_json::json!("x")),
            Just(serde_json::json!([])), Just(serde_json::json!({})),
            Just(serde_json::json!(true)), Just(serde_json::json!(86_400.5)),
            Just(serde_json::json!("robot")), Just(serde_json::json!(u64::MAX)),
        ],
    ) {
        let mut v = serde_json::to_value(&t).expect("serialise");
        if let Some(u) = v["utterances"].as_array_mut().and_then(|a| a.first_mut()) {
            if u.get(field).is_some() {
                u[field] = value.clone();
            }
        }
        if v.get(field).is_some() {
            v[field] = value;
        }
        parse(&serde_json::to_vec(&v).expect("serialise"));
    }
}
