//! The page: a small string template (one `format!` per section) around the SVG charts,
//! with the CSS and script of `assets/` inlined and the per-call data as JSON in a
//! `<script type="application/json">` block. Nothing refers to a URL outside the file.

use crate::i18n::{self, Lang};
use crate::model::{CallRow, Complaints, OpCard, ReportData, ELEMENTS};
use crate::svg;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write;

const CSS: &str = include_str!("../assets/report.css");
const JS: &str = include_str!("../assets/report.js");

/// HTML-escape text (also safe inside attribute values).
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Labels in the report's language(s).
#[derive(Debug, Clone, Copy)]
pub struct Labels {
    /// Which languages.
    pub lang: Lang,
}

impl Labels {
    /// Labels for `lang`.
    pub fn new(lang: Lang) -> Labels {
        Labels { lang }
    }

    fn langs(&self) -> &'static [&'static str] {
        match self.lang {
            Lang::En => &["en"],
            Lang::Ru => &["ru"],
            Lang::Both => &["en", "ru"],
        }
    }

    /// The label as HTML: plain text for one language, a span per language for both.
    pub fn h(&self, key: &str) -> String {
        debug_assert!(i18n::known(key), "unknown label {key}");
        match self.lang {
            Lang::Both => format!(
                r#"<span class="l-en">{}</span><span class="l-ru">{}</span>"#,
                esc(i18n::tr(key, "en")),
                esc(i18n::tr(key, "ru"))
            ),
            l => esc(i18n::tr(key, l.initial())),
        }
    }

    /// An SVG `<text>` per language at (x, y). `attrs` may start with `class="…"`, which
    /// is merged with the language class.
    pub fn svg_text(&self, x: f64, y: f64, key: &str, attrs: &str) -> String {
        self.svg_text_with(x, y, key, "", attrs)
    }

    /// As [`Labels::svg_text`], with `suffix` (plain text) after the label.
    pub fn svg_text_with(&self, x: f64, y: f64, key: &str, suffix: &str, attrs: &str) -> String {
        let mut s = String::new();
        for l in self.langs() {
            let a = match attrs.strip_prefix("class=\"") {
                Some(rest) => format!("class=\"l-{l} {rest}"),
                None => format!("class=\"l-{l}\" {attrs}"),
            };
            let _ = write!(
                s,
                r#"<text x="{x:.1}" y="{y:.1}" {a}>{}{}</text>"#,
                esc(i18n::tr(key, l)),
                esc(suffix)
            );
        }
        s
    }
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or("–".to_string(), |v| format!("{v:.digits$}"))
}

fn hhmm(us: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(us)
        .map_or(String::new(), |t| t.format("%H:%M").to_string())
}

fn round1(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |v| json!((v * 10.0).round() / 10.0))
}

fn rating_text(c: &CallRow) -> Value {
    match (c.rating, c.rating_scale.as_deref()) {
        (Some(r), Some("csat5")) => json!(format!("{r}/5")),
        (Some(r), _) => json!(format!("{r}/10")),
        _ => Value::Null,
    }
}

fn op_name(l: &Labels, o: &OpCard) -> String {
    o.id.clone()
        .unwrap_or_else(|| i18n::tr("no_operator", l.lang.initial()).to_string())
}

/// The page data for the script: operators, compact call rows, review rows, transcripts.
fn page_data(d: &ReportData, lang: Lang) -> Value {
    let mut ops: Vec<String> = Vec::new();
    let mut op_idx: HashMap<String, i64> = HashMap::new();
    let mut idx = |o: Option<&str>, ops: &mut Vec<String>| -> i64 {
        match o {
            None => -1,
            Some(o) => *op_idx.entry(o.to_string()).or_insert_with(|| {
                ops.push(o.to_string());
                ops.len() as i64 - 1
            }),
        }
    };
    let in_review: std::collections::HashSet<&str> =
        d.review.iter().map(|r| r.call_id.as_str()).collect();
    let calls: Vec<Value> = d
        .calls
        .iter()
        .map(|c| {
            let flags = u8::from(d.transcripts.contains_key(&c.id))
                | (u8::from(in_review.contains(c.id.as_str())) << 1);
            json!([
                c.id,
                c.date,
                hhmm(c.started_us),
                idx(c.operator.as_deref(), &mut ops),
                c.duration_s.round(),
                round1(c.smile_speech),
                round1(c.process),
                rating_text(c),
                round1(c.predicted),
                flags
            ])
        })
        .collect();
    let review: Vec<Value> = d
        .review
        .iter()
        .map(|r| {
            json!([
                r.date,
                r.rank,
                (r.priority * 100.0).round() / 100.0,
                r.reasons,
                r.call_id,
                idx(r.operator.as_deref(), &mut ops),
                r.started_us.map(hhmm).unwrap_or_default(),
                r.rating,
                round1(r.predicted)
            ])
        })
        .collect();
    let tx: serde_json::Map<String, Value> = d
        .transcripts
        .iter()
        .map(|(id, utts)| {
            let rows: Vec<Value> = utts
                .iter()
                .map(|u| {
                    let spk = match u.speaker.as_str() {
                        "operator" => 0,
                        "customer" => 1,
                        _ => 2,
                    };
                    json!([
                        spk,
                        (u.start * 100.0).round() / 100.0,
                        (u.end * 100.0).round() / 100.0,
                        u.text,
                        u.tags,
                        u.emotion,
                        u.arousal.map(|a| (a * 100.0).round() / 100.0)
                    ])
                })
                .collect();
            (id.clone(), Value::Array(rows))
        })
        .collect();
    json!({
        "lang": lang.initial(),
        "i18n": i18n::dictionaries(lang),
        "ops": ops,
        "calls": calls,
        "review": review,
        "tx": tx,
    })
}

/// JSON that can sit inside `<script>` whatever its strings hold: `<`, `>` and `&` are
/// written `\u003c`, `\u003e`, `\u0026` (so no `</script>` or `<!--` can end or confuse
/// the block) and the JavaScript line terminators U+2028/U+2029 as escapes. Every one of
/// these characters can only occur inside a JSON string, where the escape is valid JSON
/// meaning the same character; `\!` (an earlier attempt) is not a JSON escape at all.
pub(crate) fn script_json(v: &Value) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn kpi(l: &Labels, id: &str, key: &str, value: String) -> String {
    format!(
        r#"<div class="kpi" data-kpi="{id}"><div class="v">{}</div><div class="k">{}</div></div>"#,
        esc(&value),
        l.h(key)
    )
}

/// Render the whole page.
pub fn render(d: &ReportData, lang: Lang, title: Option<&str>, generated_at: &str) -> String {
    let l = Labels::new(lang);
    let first = d.days.keys().next().cloned().unwrap_or_default();
    let last = d.days.keys().next_back().cloned().unwrap_or_default();
    let title_html = match title {
        Some(t) => esc(t),
        None => l.h("title"),
    };
    let mut s = String::with_capacity(1 << 20);
    let _ = write!(
        s,
        r##"<!DOCTYPE html>
<html lang="{0}" data-lang="{0}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{1}</title>
<style>
{CSS}</style>
</head>
<body>
<header><h1 id="report-title">{2}</h1><nav>
<a href="#overview">{3}</a><a href="#operators">{4}</a><a href="#compliance">{5}</a><a href="#complaints">{14}</a><a href="#drivers">{6}</a><a href="#service-level">{7}</a><a href="#review">{8}</a><a href="#calls">{9}</a></nav>
<span class="meta">{10}: {11} – {12}</span>{13}</header>
<main>
"##,
        lang.initial(),
        esc(title.unwrap_or(i18n::tr("title", lang.initial()))),
        title_html,
        l.h("nav_overview"),
        l.h("nav_operators"),
        l.h("nav_compliance"),
        l.h("nav_drivers"),
        l.h("nav_sl"),
        l.h("nav_review"),
        l.h("nav_calls"),
        l.h("period"),
        esc(&first),
        esc(&last),
        if lang == Lang::Both {
            format!(
                r#" <button id="lang-toggle" type="button">{}</button>"#,
                l.h("lang_toggle")
            )
        } else {
            String::new()
        },
        l.h("nav_complaints")
    );

    // Overview.
    let sl = d.service_level();
    let _ = write!(
        s,
        r#"<section id="overview"><h2>{}</h2><div class="kpis" id="kpis">{}{}{}{}{}{}{}{}</div>"#,
        l.h("nav_overview"),
        kpi(&l, "calls", "kpi_calls", d.calls.len().to_string()),
        kpi(
            &l,
            "audio_hours",
            "kpi_hours",
            format!("{:.1}", d.audio_hours())
        ),
        kpi(
            &l,
            "smile_speech",
            "kpi_smile_speech",
            opt(d.smile_speech.value(), 1)
        ),
        kpi(&l, "nps", "kpi_nps", opt(d.nps.value(), 0)),
        kpi(
            &l,
            "sl",
            "kpi_sl",
            sl.map_or("–".into(), |v| format!("{:.1}%", v * 100.0))
        ),
        kpi(&l, "rated", "kpi_rated", d.nps.rated.to_string()),
        kpi(
            &l,
            "expected_detractors",
            "kpi_expected_detractors",
            opt(d.expected_detractors(), 1)
        ),
        kpi(
            &l,
            "operators",
            "kpi_operators",
            d.operators.len().to_string()
        ),
    );
    let days: Vec<(String, u64, Option<f64>)> = d
        .days
        .iter()
        .map(|(k, v)| (k.clone(), v.calls, v.smile_speech.value()))
        .collect();
    let _ = writeln!(
        s,
        r#"<h2>{}</h2>{}</section>"#,
        l.h("daily_title"),
        svg::daily(&l, &days)
    );

    // Operator scorecards.
    let day_keys: Vec<&str> = d.days.keys().map(String::as_str).collect();
    let day_pos: HashMap<&str, usize> = day_keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let _ = write!(
        s,
        r#"<section id="operators"><h2>{}</h2><p class="note">{}</p><div class="cards" id="scorecards">"#,
        l.h("ops_title"),
        l.h("ops_note")
    );
    for o in &d.operators {
        let trend: Vec<(usize, Option<f64>, Option<f64>)> = o
            .trend
            .iter()
            .filter_map(|(day, (sm, sp))| {
                day_pos
                    .get(day.as_str())
                    .map(|&i| (i, sm.value(), sp.value()))
            })
            .collect();
        let _ = write!(
            s,
            r#"<div class="scorecard" data-operator="{0}"><h3>{0} <small>{1} {2}</small></h3><dl><dt>{3}</dt><dt>{4}</dt><dt>{5}</dt><dd>{6}</dd><dd>{7}</dd><dd>{8}</dd><dt>{9}</dt><dt>{10}</dt><dt>{11}</dt><dd>{12}</dd><dd>{13}</dd><dd>{14}</dd></dl>{15}</div>"#,
            esc(&op_name(&l, o)),
            o.calls,
            l.h("calls").to_lowercase(),
            l.h("smile_speech"),
            l.h("smile"),
            l.h("speech"),
            opt(o.smile_speech.value(), 1),
            opt(o.smile.value(), 1),
            opt(o.speech.value(), 1),
            l.h("process"),
            l.h("nps"),
            l.h("rated"),
            opt(o.process.value(), 1),
            opt(o.nps.value(), 0),
            o.nps.rated,
            svg::sparkline(&day_keys, &trend)
        );
    }
    s.push_str("</div></section>\n");

    // Heat map.
    let rows: Vec<(String, Vec<Option<f64>>)> = d
        .operators
        .iter()
        .map(|o| {
            (
                op_name(&l, o),
                o.elements.iter().map(|r| r.value()).collect(),
            )
        })
        .collect();
    let _ = writeln!(
        s,
        r#"<section id="compliance"><h2>{}</h2><p class="note">{}</p><div class="heat-wrap">{}</div></section>"#,
        l.h("heat_title"),
        l.h("heat_note"),
        svg::heatmap(&l, &rows, &ELEMENTS)
    );

    s.push_str(&complaints_section(&l, d));

    // Drivers.
    let drivers = if d.drivers.is_empty() {
        format!(
            r#"<p class="empty">{}</p>"#,
            l.h(if d.has_scores { "no_data" } else { "no_scores" })
        )
    } else {
        svg::drivers(&l, &d.drivers)
    };
    let _ = writeln!(
        s,
        r#"<section id="drivers"><h2>{}</h2><p class="note">{}</p>{}</section>"#,
        l.h("drivers_title"),
        l.h("drivers_note"),
        drivers
    );

    // Service Level.
    let _ = write!(
        s,
        r#"<section id="service-level"><h2>{}</h2><p class="note">{}</p>"#,
        l.h("sl_title"),
        l.h("sl_note")
    );
    if d.sl.is_empty() {
        let _ = write!(s, r#"<p class="empty">{}</p>"#, l.h("no_sl"));
    }
    for c in &d.sl {
        let (w, den) = c
            .slots
            .values()
            .fold((0.0, 0.0), |(w, dd), x| (w + x.0, dd + x.1));
        let _ = write!(
            s,
            r#"<div class="sl-head">{} · SL {} · {} {:.0} s · {}/{}</div>{}"#,
            esc(&c.channel),
            if den > 0.0 {
                format!("{:.1}%", 100.0 * w / den)
            } else {
                "–".into()
            },
            l.h("target"),
            c.threshold_s,
            c.intervals_meeting,
            c.intervals_measured,
            svg::service_level(&l, c)
        );
    }
    s.push_str("</section>\n");

    // Review queue, all calls, the transcript view: filled by the script.
    let _ = write!(
        s,
        r#"<section id="review"><h2>{}</h2><p class="note">{}</p><div id="review-box"></div></section>
<section id="calls"><h2>{}</h2><p class="note">{}</p><input id="calls-filter" class="filter" type="search"><div id="calls-box"></div></section>
<section id="transcript-view"></section>
</main>
<footer>callqa · {}: {}</footer>
<script type="application/json" id="report-data">{}</script>
<script>
{JS}</script>
</body>
</html>
"#,
        l.h("review_title"),
        l.h("review_note"),
        l.h("calls_title"),
        l.h("calls_note"),
        l.h("generated"),
        esc(generated_at),
        script_json(&page_data(d, lang))
    );
    s
}

/// The label of a complaint type: a known one translated, any other as written.
fn complaint_type(l: &Labels, t: &str) -> String {
    let key = format!("ct_{t}");
    if i18n::known(&key) {
        l.h(&key)
    } else {
        esc(t)
    }
}

/// One table row of complaint counts: name, calls, complaints, share, then per type.
fn complaint_row(name: &str, c: &Complaints, types: &[&String]) -> String {
    let mut row = format!(
        "<tr><td>{name}</td><td>{}</td><td>{}</td><td>{}</td>",
        c.calls,
        c.complaints,
        c.share()
            .map_or("–".into(), |v| format!("{:.1}%", 100.0 * v))
    );
    for t in types {
        let _ = write!(row, "<td>{}</td>", c.by_type.get(*t).copied().unwrap_or(0));
    }
    row.push_str("</tr>");
    row
}

/// Complaints per operator and per day, with a column per complaint type (most frequent
/// first), so they can be fed back.
fn complaints_section(l: &Labels, d: &ReportData) -> String {
    let mut s = format!(
        r#"<section id="complaints"><h2>{}</h2><p class="note">{}</p>"#,
        l.h("complaints_title"),
        l.h("complaints_note")
    );
    if d.complaints.calls == 0 {
        let _ = write!(
            s,
            r#"<p class="empty">{}</p></section>"#,
            l.h("no_complaints")
        );
        s.push('\n');
        return s;
    }
    let mut types: Vec<&String> = d.complaints.by_type.keys().collect();
    types.sort_by_key(|t| std::cmp::Reverse(d.complaints.by_type[*t]));
    let head = |first: &str| {
        let mut h = format!(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>",
            l.h(first),
            l.h("calls"),
            l.h("complaint_calls"),
            l.h("complaint_share")
        );
        for t in &types {
            let _ = write!(h, "<th>{}</th>", complaint_type(l, t));
        }
        h.push_str("</tr>");
        h
    };
    let _ = write!(
        s,
        r#"<table id="complaints-operators">{}"#,
        head("operator")
    );
    for o in d.operators.iter().filter(|o| o.complaints.calls > 0) {
        s.push_str(&complaint_row(&esc(&op_name(l, o)), &o.complaints, &types));
    }
    let _ = write!(s, r#"</table><table id="complaints-days">{}"#, head("date"));
    for (day, v) in d.days.iter().filter(|(_, v)| v.complaints.calls > 0) {
        s.push_str(&complaint_row(&esc(day), &v.complaints, &types));
    }
    s.push_str("</table></section>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Driver, Utt};

    fn sample() -> ReportData {
        let mut d = ReportData::default();
        d.calls.push(CallRow {
            id: "c1</script><b>".into(),
            date: "2026-11-02".into(),
            started_us: 1_793_000_000_000_000,
            operator: Some("op<1>".into()),
            duration_s: 90.0,
            smile_speech: Some(61.25),
            rating: Some(3),
            rating_scale: Some("csat5".into()),
            complaint: Some(true),
            complaint_types: vec!["supervisor".into(), "<custom>".into()],
            ..CallRow::default()
        });
        d.transcripts.insert(
            "c1</script><b>".into(),
            vec![Utt {
                speaker: "operator".into(),
                start: 0.5,
                end: 2.0,
                text: "<!-- hi </script>".into(),
                tags: vec!["greeting:hi".into()],
                emotion: Some("happiness".into()),
                arousal: Some(0.7),
            }],
        );
        d.drivers.push(Driver {
            element: "vague_answers".into(),
            effect: Some(-0.8),
            ci_lo: Some(-1.0),
            ci_hi: Some(-0.6),
            verdict: "proven".into(),
            ..Driver::default()
        });
        crate::model::aggregate(&mut d);
        d
    }

    #[test]
    fn page_is_self_contained_and_escaped() {
        let html = render(&sample(), Lang::Both, None, "2026-12-01");
        for bad in ["https://", "src=\"http", "href=\"http", "@import", "url("] {
            assert!(!html.contains(bad), "external reference {bad}");
        }
        // Only the page's own two script blocks; user text cannot close them.
        assert_eq!(html.matches("</script>").count(), 2);
        assert!(html.contains("op&lt;1&gt;"));
        assert!(html.contains("id=\"chart-daily\"") && html.contains("id=\"chart-drivers\""));
        assert!(html.contains("id=\"lang-toggle\""));
        let ru = render(&sample(), Lang::Ru, Some("Отчёт"), "x");
        assert!(ru.contains("data-lang=\"ru\"") && !ru.contains("id=\"lang-toggle\""));
        assert!(ru.contains("Очередь на прослушивание") && !ru.contains("Review queue"));
        // Complaints per operator and per day, types translated or escaped.
        assert!(html.contains(r#"<table id="complaints-operators">"#));
        assert!(html.contains("<td>op&lt;1&gt;</td><td>1</td><td>1</td><td>100.0%</td>"));
        assert!(html.contains("<td>2026-11-02</td><td>1</td><td>1</td>"));
        assert!(ru.contains("Руководитель") && html.contains("&lt;custom&gt;"));
    }

    /// Issue 17: hostile text in every field of the embedded data must leave valid JSON
    /// that gives back the same strings, with nothing that can end or confuse the block.
    #[test]
    fn embedded_json_parses_with_hostile_strings_everywhere() {
        let hostile = [
            "<!--",
            "</script><script>alert(1)</script>",
            "<\\!-- \\u003c",
            "a\u{2028}b\u{2029}c",
            "&amp; & <b>",
            "--> ]]> \" ' `",
        ];
        for h in hostile {
            let mut d = sample();
            d.calls[0].id = format!("c{h}");
            d.calls[0].operator = Some(format!("op{h}"));
            let utts = d.transcripts.remove("c1</script><b>").unwrap_or_default();
            let mut utts = utts;
            utts[0].text = h.to_string();
            utts[0].speaker = format!("operator{h}");
            utts[0].tags = vec![format!("greeting:{h}")];
            d.transcripts.insert(format!("c{h}"), utts);
            crate::model::aggregate(&mut d);
            let html = render(&d, Lang::Both, Some(h), "x");
            let open = "<script type=\"application/json\" id=\"report-data\">";
            let start = html.find(open).expect("data block") + open.len();
            let len = html[start..].find("</script>").expect("end of block");
            let block = &html[start..start + len];
            assert!(!block.contains('<') && !block.contains('>'), "{h:?}");
            let v: Value = serde_json::from_str(block)
                .unwrap_or_else(|e| panic!("{h:?}: the embedded JSON does not parse: {e}"));
            let text = v.to_string();
            for want in [format!("c{h}"), format!("op{h}"), h.to_string()] {
                let enc = serde_json::to_string(&want).unwrap();
                assert!(
                    text.contains(&enc[1..enc.len() - 1]),
                    "{h:?}: {want:?} lost"
                );
            }
            assert_eq!(html.matches("</script>").count(), 2, "{h:?}");
        }
    }
}
