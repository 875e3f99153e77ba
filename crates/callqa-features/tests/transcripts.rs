//! The shipped pipeline packs on the hand-written transcripts in `tests/data/transcripts`:
//! every call's flags and timing counts match `tests/data/transcripts/expected.csv`.

use callqa_core::config::TimingConfig;
use callqa_core::{CallFeatures, PipelineConfig, Transcript, UtteranceRow};
use callqa_rules::{RulePack, KNOWN_ELEMENTS};
use chrono::{TimeZone, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

fn load_pack(lang: &str) -> (PipelineConfig, RulePack) {
    let path = repo().join(format!("pipelines/{lang}-contact-center.toml"));
    let cfg = PipelineConfig::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
    let rules = RulePack::from_table(&cfg.rules, &cfg.pipeline.language)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (cfg, rules)
}

/// Analyse one transcript file the way `callqa analyze` does.
fn analyse(
    path: &Path,
    cfg: &PipelineConfig,
    rules: &RulePack,
) -> (CallFeatures, Vec<UtteranceRow>) {
    let t = Transcript::from_path(path).unwrap_or_else(|e| panic!("{e}"));
    let mut utterances = t.to_utterances();
    let pii = callqa_features::redact(&mut utterances, cfg);
    let (layout, duration_s) = (t.layout(), t.duration_s());
    let meta = t.meta(&path.display().to_string());
    callqa_features::build_rows(
        &meta,
        duration_s,
        layout,
        t.language.as_deref(),
        &utterances,
        pii,
        rules,
        cfg,
        None,
        None,
        Utc.with_ymd_and_hms(2026, 11, 10, 0, 0, 0).unwrap(),
    )
}

fn expected() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut rdr =
        csv::Reader::from_path(repo().join("tests/data/transcripts/expected.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let m: BTreeMap<String, String> = headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.trim().to_string()))
                .collect();
            (m["call_id"].clone(), m)
        })
        .collect()
}

fn actual(c: &CallFeatures, col: &str) -> String {
    let opt = |v: Option<u32>| v.map_or(String::new(), |n| n.to_string());
    match col {
        "greeting" => c.greeting.to_string(),
        "self_introduction" => c.self_introduction.to_string(),
        "thanks" => c.thanks.to_string(),
        "survey_offer" => c.survey_offer.to_string(),
        "long_pauses" => c.long_pauses.to_string(),
        "operator_interruptions" => opt(c.operator_interruptions),
        "customer_interruptions" => opt(c.customer_interruptions),
        other => panic!("expected.csv: unknown column {other}"),
    }
}

/// Evaluate every transcript of `lang`; return the calls by id and check them against
/// expected.csv.
fn run_lang(lang: &str) -> BTreeMap<String, (CallFeatures, Vec<UtteranceRow>)> {
    let (cfg, rules) = load_pack(lang);
    let exp = expected();
    let dir = repo().join("tests/data/transcripts").join(lang);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut out = BTreeMap::new();
    for f in &files {
        let (call, rows) = analyse(f, &cfg, &rules);
        let e = exp
            .get(&call.call_id)
            .unwrap_or_else(|| panic!("{} missing from expected.csv", call.call_id));
        for (col, want) in e {
            if col == "call_id" {
                continue;
            }
            let got = actual(&call, col);
            if got != want.to_lowercase() {
                let tags: Vec<String> = rows
                    .iter()
                    .map(|r| format!("  {} {:?} {:?}", r.idx, r.text, r.tags))
                    .collect();
                failures.push(format!(
                    "{}.{col}: got {got:?}, want {want:?}\n{}",
                    call.call_id,
                    tags.join("\n")
                ));
            }
        }
        assert_eq!(call.pipeline, format!("{lang}-contact-center"));
        // Both packs define [rules.questions] and [rules.answers].
        assert!(call.customer_questions.is_some() && call.asr_model.is_none());
        // Every question is answered concretely, vaguely, or left unanswered.
        let counted = call.concrete_answers.unwrap_or(0)
            + call.vague_answers.unwrap_or(0)
            + call.unanswered_questions.unwrap_or(0);
        assert_eq!(counted, call.customer_questions.unwrap_or(0), "{call:?}");
        assert_eq!(
            rows.len(),
            Transcript::from_path(f).unwrap().utterances.len()
        );
        out.insert(call.call_id.clone(), (call, rows));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let prefix = format!("{lang}_");
    for id in exp.keys().filter(|k| k.starts_with(&prefix)) {
        assert!(
            out.contains_key(id),
            "{id} is in expected.csv but has no transcript"
        );
    }
    out
}

#[test]
fn both_pipeline_files_parse_with_every_element() {
    for (lang, name) in [("ru", "ru-contact-center"), ("en", "en-contact-center")] {
        let (cfg, rules) = load_pack(lang);
        assert_eq!(cfg.pipeline.name, name);
        assert_eq!(cfg.pipeline.language, lang);
        assert!(rules.stems());
        for el in KNOWN_ELEMENTS {
            assert!(rules.element(el).is_some(), "{name}: no [rules.{el}]");
        }
        // The [timing] values written out are the documented defaults.
        let d = TimingConfig::default();
        assert_eq!(cfg.timing.pause_threshold_s, d.pause_threshold_s);
        assert_eq!(
            cfg.timing.interruption_min_overlap_s,
            d.interruption_min_overlap_s
        );
        assert_eq!(cfg.timing.backchannel_max_s, d.backchannel_max_s);
    }
}

#[test]
fn russian_transcripts_give_expected_flags() {
    let calls = run_lang("ru");
    assert!(calls.len() >= 8, "{}", calls.len());

    let (c, rows) = &calls["ru_01_standard"];
    assert_eq!(c.greeting_at_s, Some(0.8));
    assert_eq!(c.operator_id.as_deref(), Some("op101"));
    assert_eq!(c.call_date.to_string(), "2026-11-02");
    assert!(
        rows[0].tags.contains(&"greeting:здравствуйте".to_string()),
        "{:?}",
        rows[0].tags
    );
    assert!(
        rows[6]
            .tags
            .contains(&"thanks:спасибо за обращение".to_string()),
        "{:?}",
        rows[6].tags
    );
    assert!(
        rows[6].tags.iter().any(|t| t.starts_with("survey_offer:")),
        "{:?}",
        rows[6].tags
    );
    assert!(
        (c.operator_talk_s.unwrap() - 30.6).abs() < 1e-9,
        "{:?}",
        c.operator_talk_s
    );

    // Greeting after 15 s: no greeting time; the call date is the UTC date.
    let (c, _) = &calls["ru_03_late_greeting"];
    assert_eq!(c.greeting_at_s, None);
    assert_eq!(c.call_date.to_string(), "2026-11-03");

    // The hold phrase is not a survey offer; the 30 s hold is a long pause.
    let (c, rows) = &calls["ru_04_hold_mid_call"];
    assert!(
        rows[2].tags.iter().all(|t| !t.starts_with("survey_offer")),
        "{:?}",
        rows[2].tags
    );
    assert_eq!(
        rows[3].tags.last().map(String::as_str),
        Some("long_pause_before:30.0")
    );
    assert_eq!(c.longest_pause_s, 30.0);

    let (_, rows) = &calls["ru_05_interruptions_no_thanks"];
    let interrupting: Vec<u32> = rows
        .iter()
        .filter(|r| r.tags.iter().any(|t| t == "interruption"))
        .map(|r| r.idx)
        .collect();
    assert_eq!(interrupting, vec![2, 5]);

    let (c, _) = &calls["ru_06_mono_asr"];
    assert_eq!(c.channel_layout, "mono");
    assert_eq!((c.operator_talk_s, c.customer_talk_s), (None, None));
}

#[test]
fn english_transcripts_give_expected_flags() {
    let calls = run_lang("en");
    assert!(calls.len() >= 5, "{}", calls.len());
    let (c, rows) = &calls["en_01_standard"];
    assert_eq!(c.greeting_at_s, Some(0.5));
    assert!(
        rows[0]
            .tags
            .contains(&"greeting:thank you for calling".to_string()),
        "{:?}",
        rows[0].tags
    );
    let (c, _) = &calls["en_06_no_greeting_rate_experience"];
    assert_eq!(c.operator_id, None, "empty operator_id is written as null");
}
