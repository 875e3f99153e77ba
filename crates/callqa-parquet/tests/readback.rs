//! Rows written by the sink, read back by DuckDB (a reader we did not write).

use callqa_core::{paths, CallFeatures, ErrorRow, UtteranceRow};
use callqa_parquet::ParquetSink;
use chrono::{TimeZone, Utc};
use std::process::Command;

fn call(id: &str, day: u32) -> CallFeatures {
    let started = Utc.with_ymd_and_hms(2026, 11, day, 23, 30, 0).unwrap();
    CallFeatures {
        call_id: id.into(),
        operator_id: Some("op1".into()),
        started_at: started,
        call_date: started.date_naive(),
        duration_s: 61.5,
        channel_layout: "operator_left".into(),
        language: Some("ru".into()),
        operator_talk_s: Some(30.0),
        customer_talk_s: None,
        silence_s: 10.0,
        long_pauses: 1,
        longest_pause_s: 7.25,
        operator_interruptions: Some(2),
        customer_interruptions: Some(0),
        greeting: true,
        greeting_at_s: Some(0.5),
        self_introduction: false,
        thanks: true,
        survey_offer: false,
        farewell: true,
        customer_questions: None,
        concrete_answers: None,
        vague_answers: None,
        unanswered_questions: Some(1),
        // a: two complaint types; b: no complaint; c: a pack without complaint rules.
        complaint: (id != "c").then_some(id == "a"),
        complaint_types: match id {
            "a" => Some(vec!["service".into(), "supervisor".into()]),
            "c" => None,
            _ => Some(Vec::new()),
        },
        pii_redactions: Some(2),
        operator_smile_index: Some(62.5),
        operator_negative_share: Some(0.1),
        customer_anger_share: None,
        customer_arousal_max: Some(0.9),
        operator_arousal_mean: Some(0.3),
        calm_under_pressure: Some(1.0),
        mirroring: None,
        operator_f0_variability: Some(2.5),
        emotion_model: Some("emotion@38e57667+arousal@d5a50bb5".into()),
        emotion_normalisation: Some("population".into()),
        diarization: None,
        speakers: None,
        role_method: None,
        role_confidence: None,
        customer_emotion_normalisation: Some("call".into()),
        emotion_confidence: Some(0.61),
        asr_model: Some("ggml-base.bin".into()),
        pipeline: "ru-contact-center".into(),
        pipeline_version: "1".into(),
        processed_at: Utc::now(),
    }
}

#[test]
fn duckdb_reads_partitioned_tables() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let sink = ParquetSink::new(out, "test").unwrap();
    let calls = vec![call("a", 2), call("b", 2), call("c", 3)];
    let files = sink.write_calls(&calls).unwrap();
    assert_eq!(files.len(), 2, "one file per date partition");
    sink.write_utterances(&[UtteranceRow {
        call_id: "a".into(),
        call_date: calls[0].call_date,
        idx: 0,
        speaker: "operator".into(),
        start_s: 0.5,
        end_s: 2.0,
        text: "Здравствуйте, ёлка".into(),
        tags: vec!["greeting:здравствуйте".into()],
        emotion: Some("happiness".into()),
        emotion_probs: vec![("anger".into(), 0.25), ("happiness".into(), 0.75)],
        arousal: Some(0.4),
        f0_mean_hz: Some(180.0),
        f0_range_hz: None,
        emotion_confidence: Some(0.55),
    }])
    .unwrap();
    sink.write_errors(&[
        ErrorRow {
            call_id: "x".into(),
            call_date: None,
            path: "/in/x.wav".into(),
            stage: "decode".into(),
            error_kind: "empty".into(),
            message: "x.wav: empty".into(),
            processed_at: Utc::now(),
        },
        ErrorRow {
            call_id: "y".into(),
            call_date: Some(calls[0].call_date),
            path: "/in/y.wav".into(),
            stage: "decode".into(),
            error_kind: "truncated".into(),
            message: "y.wav: truncated".into(),
            processed_at: Utc::now(),
        },
    ])
    .unwrap();
    // no temp files left behind
    let leftovers: Vec<_> = walk(out)
        .into_iter()
        .filter(|p| p.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let py = paths::repo_root().join(".cache/venv/bin/python");
    let script = r#"
import duckdb, sys
out = sys.argv[1]
c = duckdb.connect()
def q(s): return c.execute(s).fetchall()
rows = q(f"select call_id, cast(call_date as varchar), typeof(call_date), typeof(started_at), typeof(long_pauses), typeof(greeting), customer_talk_s is null from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true) order by call_id")
print(rows)
assert [r[0] for r in rows] == ['a','b','c'], rows
assert rows[0][1] == '2026-11-02' and rows[2][1] == '2026-11-03', rows
assert rows[0][2] == 'DATE', rows
assert rows[0][3] == 'TIMESTAMP WITH TIME ZONE', rows
assert rows[0][4] == 'INTEGER' and rows[0][5] == 'BOOLEAN' and rows[0][6] is True, rows
u = q(f"select text, tags from read_parquet('{out}/utterances/**/*.parquet', hive_partitioning=true)")
assert u == [('Здравствуйте, ёлка', ['greeting:здравствуйте'])], u
m = q(f"select emotion, emotion_probs['happiness'], typeof(emotion_probs), arousal, f0_range_hz from read_parquet('{out}/utterances/**/*.parquet', hive_partitioning=true)")
assert m == [('happiness', 0.75, 'MAP(VARCHAR, FLOAT)', 0.4, None)], m
k = q(f"select call_id, complaint, complaint_types, typeof(complaint_types), unanswered_questions, pii_redactions from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true) order by call_id")
assert k == [('a', True, ['service', 'supervisor'], 'VARCHAR[]', 1, 2), ('b', False, [], 'VARCHAR[]', 1, 2), ('c', None, None, 'VARCHAR[]', 1, 2)], k
a = q(f"select operator_smile_index, customer_anger_share, typeof(calm_under_pressure), emotion_model from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true) where call_id = 'a'")
assert a == [(62.5, None, 'DOUBLE', 'emotion@38e57667+arousal@d5a50bb5')], a
e = q(f"select call_id, call_date from read_parquet('{out}/errors/**/*.parquet', hive_partitioning=true) order by call_id")
assert e[0][0] == 'x' and e[0][1] is None and str(e[1][1]) == '2026-11-02', e
# pruning: a filter on the partition reads only that directory
n = q(f"select count(*) from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true) where call_date = DATE '2026-11-03'")
assert n == [(1,)], n
import pyarrow.dataset as ds
t = ds.dataset(f"{out}/calls", format="parquet", partitioning="hive").to_table()
assert t.num_rows == 3 and 'call_date' in t.column_names
print("ok")
"#;
    let o = Command::new(&py)
        .arg("-c")
        .arg(script)
        .arg(out)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup.sh)", py.display()));
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );

    let ids = callqa_parquet::existing_call_ids(out).unwrap();
    assert_eq!(ids.len(), 3);
}

fn walk(p: &std::path::Path) -> Vec<String> {
    let mut v = Vec::new();
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                v.extend(walk(&path));
            } else {
                v.push(path.display().to_string());
            }
        }
    }
    v
}
