//! `callqa score` end to end: a synthetic month with known rating effects
//! (`tests/data/scores/gen_month.py`), the hand-checked Service Level fixture
//! (`tests/data/scores/calls_meta.csv`), every output table read back with DuckDB.

use crate::common::{callqa, check, py_json, python, repo};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn gen_month(dir: &Path) -> Value {
    let o = std::process::Command::new(python())
        .arg(repo().join("tests/data/scores/gen_month.py"))
        .arg(dir)
        .output()
        .expect("run gen_month.py");
    check(&o, "gen_month.py");
    let out = String::from_utf8_lossy(&o.stdout);
    serde_json::from_str(out.lines().last().unwrap_or("")).expect("gen_month JSON")
}

fn score(features: &Path, ratings: &Path, meta: Option<&Path>, out: &Path) -> Output {
    score_with(
        features,
        ratings,
        meta,
        out,
        &repo().join("pipelines/ru-contact-center.toml"),
    )
}

fn score_with(
    features: &Path,
    ratings: &Path,
    meta: Option<&Path>,
    out: &Path,
    pipeline: &Path,
) -> Output {
    let mut c = callqa();
    c.arg("score")
        .arg("--features")
        .arg(features)
        .arg("--ratings")
        .arg(ratings)
        .arg("--out")
        .arg(out)
        .arg("--pipeline")
        .arg(pipeline);
    if let Some(m) = meta {
        c.arg("--calls-meta").arg(m);
    }
    c.output().expect("run callqa score")
}

const READ_ALL: &str = r#"
import duckdb, json, sys
out = sys.argv[1]
con = duckdb.connect()
def q(sql):
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, [v if isinstance(v, (int, float, str, bool, type(None))) else str(v) for v in r])) for r in cur.fetchall()]
t = lambda name: f"read_parquet('{out}/{name}/**/*.parquet', hive_partitioning = true)"
res = {
  "counts": {n: q(f"select count(*) as n from {t(n)}")[0]["n"] for n in
             ["scores", "operator_daily", "drivers", "review_queue", "service_level", "service_level_daily", "errors"]},
  "drivers": q(f"select element, kind, n, operators, effect, ci_lo, ci_hi, p_value, p_value_holm, verdict, recommendation, note, controls, method from {t('drivers')}"),
  "scores": q(f"""select count(*) as calls, count(rating) as rated,
        count(predicted_rating) as predicted,
        count(*) filter (where rating is not null and predicted_rating is not null) as both,
        count(*) filter (where predicted_rating_lo > predicted_rating or predicted_rating_hi < predicted_rating) as bad_interval,
        count(*) filter (where process_score < 0 or process_score > 100 or smile_speech_score < 0 or smile_speech_score > 100) as out_of_range,
        count(smile_score) as smiled,
        count(*) filter (where rating_scale = 'csat5' and rating = 5 and nps_class <> 'promoter') as bad_class,
        count(p_detractor) as with_p,
        count(*) filter (where p_detractor < 0 or p_detractor > 1 or p_promoter < 0 or p_detractor + p_promoter > 1 + 1e-9) as bad_p,
        count(*) filter (where predicted_rating < 7) as point_below_7,
        count(*) filter (where p_detractor >= 0.5) as p_at_least_half,
        sum(p_detractor) as expected_detractors
      from {t('scores')}"""),
  "nps_check": q(f"""with s as (select call_date, operator_id,
          100.0 * (count(*) filter (where rating_scale = 'nps10' and nps_class = 'promoter')
                 - count(*) filter (where rating_scale = 'nps10' and nps_class = 'detractor'))
            / nullif(count(*) filter (where rating_scale = 'nps10'), 0) as nps,
          count(*) as calls, sum(p_detractor) as expected,
          count(*) filter (where p_detractor >= 0.5) as predicted from {t('scores')} group by all)
      select count(*) as mismatches from s join {t('operator_daily')} d using (call_date, operator_id)
      where abs(coalesce(s.nps, -999) - coalesce(d.nps, -999)) > 1e-9 or s.calls <> d.calls
         or abs(coalesce(s.expected, -1) - coalesce(d.expected_detractors, -1)) > 1e-9
         or s.predicted <> d.predicted_detractors"""),
  "review": q(f"""select max(n) as max_per_day, count(*) filter (where top_rank <> 1) as bad_rank,
        count(*) filter (where not ordered) as unordered from (
          select call_date, count(*) as n, min(rank) as top_rank,
                 bool_and(priority_ok) as ordered from (
            select *, priority >= coalesce(lead(priority) over (partition by call_date order by rank), -1) as priority_ok
            from {t('review_queue')}) group by call_date)"""),
  "review_sample": q(f"select reasons from {t('review_queue')} where rank = 1 order by call_date limit 3"),
  "sl": q(f"""select level, channel, queue, strftime(interval_start_local, '%H:%M') as hhmm, offered, answered,
        answered_within_threshold as within, abandoned, abandoned_short as short, service_level as sl, meets_target
      from {t('service_level')} order by channel, queue, interval_start"""),
  "sl_daily": q(f"select level, channel, queue, intervals, intervals_measured, intervals_meeting_target, share_meeting_target, service_level from {t('service_level_daily')} order by channel, level"),
  "errors": q(f"select stage, error_kind, message from {t('errors')} order by stage, message"),
}
print(json.dumps(res))
"#;

fn driver<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["drivers"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["element"] == name))
        .unwrap_or_else(|| panic!("no driver row {name}: {r}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[test]
fn score_month_recovers_effects_and_service_level() {
    let dir = tempfile::tempdir().unwrap();
    let month = gen_month(dir.path());
    let features = dir.path().join("features");
    let ratings = dir.path().join("ratings.csv");
    let meta = repo().join("tests/data/scores/calls_meta.csv");
    let out = dir.path().join("scored");
    let o = score(&features, &ratings, Some(&meta), &out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    eprintln!("{stdout}");
    assert_eq!(
        o.status.code(),
        Some(3),
        "bad CSV rows must give exit 3\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("95% CI") && stdout.contains("ops"),
        "{stdout}"
    );
    let r = py_json(READ_ALL, &[&out]);

    // Every table reads back in DuckDB and holds rows.
    for (t, n) in r["counts"].as_object().unwrap() {
        assert!(n.as_i64().unwrap_or(0) > 0, "table {t} is empty: {r}");
    }
    let s = &r["scores"][0];
    assert_eq!(s["calls"], month["calls"]);
    assert_eq!(s["rated"], month["rated"]);
    assert_eq!(s["both"], 0, "rated calls get no prediction");
    let unrated = month["calls"].as_i64().unwrap() - month["rated"].as_i64().unwrap();
    assert_eq!(
        s["predicted"].as_i64(),
        Some(unrated),
        "every unrated call has a prediction"
    );
    assert_eq!(s["bad_interval"], 0);
    assert_eq!(s["out_of_range"], 0);
    assert_eq!(s["bad_class"], 0);
    // Predicted detractors are probabilities: each unrated call has one, in 0-1, and the
    // review threshold (P >= 0.5) flags fewer calls than a point prediction below 7.
    assert_eq!(s["with_p"].as_i64(), Some(unrated));
    assert_eq!(s["bad_p"], 0);
    eprintln!(
        "unrated {unrated}: point prediction < 7: {}, P(detractor) >= 0.5: {}, expected detractors {:.1}",
        s["point_below_7"], s["p_at_least_half"], f(&s["expected_detractors"])
    );
    assert!(f(&s["expected_detractors"]) > 0.0 && f(&s["expected_detractors"]) < unrated as f64);
    assert!(
        s["smiled"].as_i64().unwrap() < month["calls"].as_i64().unwrap(),
        "smile_score is null without acoustic columns"
    );

    // The known effects: signs recovered, truth inside the 95 % interval, zero effect not proven.
    for (name, truth) in [
        ("vague_answers", -0.8),
        ("operator_interruptions", -0.5),
        ("operator_smile_index", 0.5),
    ] {
        let d = driver(&r, name);
        eprintln!(
            "{name}: truth {truth:+.2}, effect {:+.3} [{:+.3}, {:+.3}], n {}, p_holm {:.2e}, {}",
            f(&d["effect"]),
            f(&d["ci_lo"]),
            f(&d["ci_hi"]),
            d["n"],
            f(&d["p_value_holm"]),
            d["verdict"]
        );
        assert!(f(&d["effect"]) * truth > 0.0, "wrong sign: {d}");
        assert!(
            f(&d["ci_lo"]) < truth && truth < f(&d["ci_hi"]),
            "truth outside CI: {d}"
        );
        assert_eq!(d["verdict"], "proven", "{d}");
    }
    assert_eq!(driver(&r, "vague_answers")["recommendation"], "keep");
    let v = driver(&r, "vague_answers");
    assert_eq!(v["operators"], 12, "{v}");
    assert!(
        v["note"].as_str().unwrap_or("").contains("associated with"),
        "{v}"
    );
    let controls = v["controls"].as_str().unwrap_or("");
    for c in ["operator", "customer questions", "survey type"] {
        assert!(controls.contains(c), "controls {controls:?} lack {c}");
    }
    assert!(
        v["method"]
            .as_str()
            .unwrap_or("")
            .contains("wild cluster bootstrap"),
        "{v}"
    );
    // Greeting: no effect, though the operators who greet more also rate better.
    let g = driver(&r, "greeting");
    eprintln!(
        "greeting: truth +0.00, effect {:+.3} [{:+.3}, {:+.3}], p_holm {:.2}, {}",
        f(&g["effect"]),
        f(&g["ci_lo"]),
        f(&g["ci_hi"]),
        f(&g["p_value_holm"]),
        g["verdict"]
    );
    assert!(f(&g["ci_lo"]) < 0.0 && 0.0 < f(&g["ci_hi"]), "{g}");
    let pair = (
        g["verdict"].as_str().unwrap_or(""),
        g["recommendation"].as_str().unwrap_or(""),
    );
    assert!(
        matches!(
            pair,
            ("no_effect", "drop") | ("inconclusive", "collect_more_data")
        ),
        "{g}"
    );
    // No acoustic column the generator left random is called proven.
    for name in ["customer_anger_share", "calm_under_pressure", "mirroring"] {
        let d = driver(&r, name);
        assert!(
            matches!(d["verdict"].as_str(), Some("no_effect" | "inconclusive")),
            "{d}"
        );
    }

    // operator_daily agrees with scores, and the review queue is ranked.
    assert_eq!(r["nps_check"][0]["mismatches"], 0, "{r}");
    let q = &r["review"][0];
    assert!(q["max_per_day"].as_i64().unwrap() <= 20, "{q}");
    assert_eq!(q["bad_rank"], 0);
    assert_eq!(q["unordered"], 0);
    let first = r["review_sample"][0]["reasons"].as_str().unwrap_or("");
    assert!(
        first.starts_with("rated ") || first.starts_with("unrated, predicted detractor"),
        "{first}"
    );

    // Service Level against the hand computation in calls_meta.csv.
    let sl = r["sl"].as_array().unwrap();
    let row_at = |level: &str, ch: &str, hhmm: &str| {
        sl.iter()
            .find(|x| x["level"] == level && x["channel"] == ch && x["hhmm"] == hhmm)
            .unwrap_or_else(|| panic!("no {level} {ch} {hhmm}: {sl:?}"))
    };
    let row = |ch: &str, hhmm: &str| row_at("queue", ch, hhmm);
    let v = row("voice", "09:00");
    assert_eq!(
        (
            v["offered"].as_i64(),
            v["within"].as_i64(),
            v["short"].as_i64()
        ),
        (Some(5), Some(2), Some(1))
    );
    assert_eq!(f(&v["sl"]), 0.5);
    assert_eq!(v["meets_target"], false);
    let empty = row("voice", "09:30");
    assert_eq!(
        (
            empty["offered"].as_i64(),
            &empty["sl"],
            &empty["meets_target"]
        ),
        (Some(0), &Value::Null, &Value::Null)
    );
    let all_short = row("voice", "10:00");
    assert_eq!(
        (all_short["short"].as_i64(), &all_short["sl"]),
        (Some(2), &Value::Null)
    );
    assert_eq!(f(&row("voice", "10:30")["sl"]), 0.8);
    assert_eq!(row("voice", "10:30")["meets_target"], true);
    assert_eq!(f(&row("chat", "09:00")["sl"]), 0.5);
    assert_eq!(f(&row("email", "08:00")["sl"]), 0.5);
    // Channel totals beside the queue rows: one queue per channel here, so equal; the
    // total's queue is null.
    let total = row_at("channel", "voice", "09:00");
    assert_eq!(total["queue"], Value::Null);
    assert_eq!(
        (
            total["offered"].as_i64(),
            total["within"].as_i64(),
            f(&total["sl"])
        ),
        (Some(5), Some(2), 0.5)
    );
    let day = r["sl_daily"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["channel"] == "voice" && d["level"] == "queue")
        .unwrap();
    assert_eq!(
        (
            day["intervals"].as_i64(),
            day["intervals_measured"].as_i64(),
            day["intervals_meeting_target"].as_i64()
        ),
        (Some(4), Some(2), Some(1))
    );
    assert_eq!(f(&day["share_meeting_target"]), 0.5);
    assert!((f(&day["service_level"]) - 6.0 / 9.0).abs() < 1e-12);

    // Broken rows: errors with the file and line number.
    let errors = r["errors"].as_array().unwrap();
    let bad = month["bad_lines"].as_object().unwrap();
    for (kind, line) in bad {
        let want = format!("ratings.csv line {line}:");
        assert!(
            errors.iter().any(|e| e["stage"] == "ratings"
                && e["error_kind"] == kind.as_str()
                && e["message"].as_str().unwrap_or("").contains(&want)),
            "no ratings error {kind} at line {line}: {errors:?}"
        );
    }
    for line in 28..=33 {
        let want = format!("calls_meta.csv line {line}:");
        assert!(
            errors.iter().any(|e| e["stage"] == "calls_meta"
                && e["message"].as_str().unwrap_or("").contains(&want)),
            "no calls_meta error at line {line}: {errors:?}"
        );
    }
    assert_eq!(errors.len(), bad.len() + 6, "{errors:?}");

    // A rerun with clean ratings and no metadata replaces the earlier tables: exit 0,
    // same number of scores, no service level left, no score errors left.
    let text = std::fs::read_to_string(&ratings).unwrap();
    let clean: Vec<&str> = text
        .lines()
        .take(month["rated"].as_u64().unwrap() as usize + 1)
        .collect();
    let clean_path = dir.path().join("clean.csv");
    std::fs::write(&clean_path, clean.join("\n") + "\n").unwrap();
    let o = score(&features, &clean_path, None, &out);
    check(&o, "callqa score (clean rerun)");
    let again = py_json(
        r#"
import duckdb, json, sys
t = lambda n: f"read_parquet('{sys.argv[1]}/{n}/**/*.parquet', hive_partitioning = true)"
con = duckdb.connect()
print(json.dumps({"scores": con.execute(f"select count(*) from {t('scores')}").fetchall()[0][0],
                  "drivers": con.execute(f"select count(*) from {t('drivers')}").fetchall()[0][0]}))
"#,
        &[&out],
    );
    assert_eq!(again["scores"], month["calls"]);
    assert_eq!(again["drivers"].as_i64(), Some(17));
    let files = |t: &str| callqa_parquet::parquet_files(&out.join(t)).unwrap().len();
    assert_eq!(files("service_level"), 0);
    assert_eq!(files("errors"), 0);

    // A Moscow contact centre ([scores] time_zone): the fixture's UTC timestamps land
    // three hours later on the local clock; its one naive timestamp (v03,
    // "2026-11-02 09:10:00") is Moscow time and stays in the 09:00 interval, alone.
    let msk = dir.path().join("msk.toml");
    let text = std::fs::read_to_string(repo().join("pipelines/ru-contact-center.toml")).unwrap();
    assert!(text.contains("time_zone = \"UTC\""));
    std::fs::write(
        &msk,
        text.replace("time_zone = \"UTC\"", "time_zone = \"Europe/Moscow\""),
    )
    .unwrap();
    let out_msk = dir.path().join("msk");
    let o = score_with(&features, &clean_path, Some(&meta), &out_msk, &msk);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let m = py_json(
        r#"
import duckdb, json, sys
t = lambda n: f"read_parquet('{sys.argv[1]}/{n}/**/*.parquet', hive_partitioning = true)"
con = duckdb.connect()
con.execute("set TimeZone = 'UTC'")
rows = con.execute(f"""select strftime(interval_start_local, '%H:%M'), strftime(interval_start, '%H:%M'), offered
    from {t('service_level')} where level = 'queue' and channel = 'voice' and offered > 0
    order by interval_start""").fetchall()
print(json.dumps({"voice": [list(r) for r in rows]}))
"#,
        &[&out_msk],
    );
    assert_eq!(
        m["voice"],
        serde_json::json!([
            ["09:00", "06:00", 1],
            ["12:00", "09:00", 4],
            ["13:00", "10:00", 2],
            ["13:30", "10:30", 5]
        ]),
        "{m}"
    );
}

#[test]
fn score_usage_and_fatal_errors() {
    // Missing required argument: usage error, exit 2.
    let o = callqa()
        .args(["score", "--features", "x", "--out", "y"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    // No calls in the features folder: fatal, exit 1, and it says why.
    let dir = tempfile::tempdir().unwrap();
    let ratings = dir.path().join("r.csv");
    std::fs::write(&ratings, "call_id,rating,scale\n").unwrap();
    let o = score(
        &dir.path().join("nothing"),
        &ratings,
        None,
        &dir.path().join("out"),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no calls"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A ratings file without the required columns: fatal too.
    let month = tempfile::tempdir().unwrap();
    gen_month(month.path());
    std::fs::write(&ratings, "call_id,stars\nm00-000,5\n").unwrap();
    let o = score(
        &month.path().join("features"),
        &ratings,
        None,
        &dir.path().join("out"),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("rating"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
