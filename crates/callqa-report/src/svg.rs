//! Hand-rendered SVG charts: plain strings, no fonts or scripts of their own, so the
//! report stays one file that opens without a network. Every chart takes pre-aggregated
//! figures; none walks calls.

use crate::html::{esc, Labels};
use crate::model::{Driver, SlChannel};
use std::fmt::Write;

/// Colours (Okabe–Ito, readable by colour-blind viewers).
pub const ORANGE: &str = "#e69f00";
/// Speech / calls.
pub const BLUE: &str = "#0072b2";
/// Positive / meets target.
pub const GREEN: &str = "#009e73";
/// Negative / below target.
pub const RED: &str = "#d55e00";
/// Not proven / no data.
pub const GREY: &str = "#999999";

fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// Every `step`-th index so that at most `max` labels show.
fn label_step(n: usize, max: usize) -> usize {
    n.div_ceil(max.max(1)).max(1)
}

/// Calls per day (bars, left axis) and the mean smile & speech score (line, 0–100).
pub fn daily(l: &Labels, days: &[(String, u64, Option<f64>)]) -> String {
    let (w, h, ml, mr, mt, mb) = (900.0, 260.0, 50.0, 50.0, 28.0, 40.0);
    let pw = w - ml - mr;
    let ph = h - mt - mb;
    let n = days.len().max(1);
    // A round axis maximum: four gridlines at multiples of a 1-2-5 step.
    let peak = days.iter().map(|d| d.1).max().unwrap_or(1).max(1) as f64;
    let max_calls = nice_step(peak / 4.0).max(1.0) * 4.0;
    let bw = pw / n as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="chart-daily" class="chart" viewBox="0 0 {w} {h}" role="img" xmlns="http://www.w3.org/2000/svg">"#
    );
    // Grid and axes.
    for k in 0..=4 {
        let y = mt + ph - ph * k as f64 / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{ml}" x2="{}" y1="{y}" y2="{y}" stroke="#e5e5e5"/><text x="{}" y="{}" class="ax" text-anchor="end">{}</text><text x="{}" y="{}" class="ax">{}</text>"##,
            w - mr,
            ml - 6.0,
            y + 4.0,
            (max_calls * k as f64 / 4.0).round(),
            w - mr + 6.0,
            y + 4.0,
            25 * k
        );
    }
    for (i, (date, calls, _)) in days.iter().enumerate() {
        let bh = ph * *calls as f64 / max_calls;
        let x = ml + bw * i as f64;
        let _ = write!(
            s,
            r#"<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{BLUE}" fill-opacity="0.35"><title>{} · {}</title></rect>"#,
            f(x + bw * 0.1),
            f(mt + ph - bh),
            f((bw * 0.8).max(0.5)),
            f(bh),
            esc(date),
            calls
        );
    }
    let step = label_step(days.len(), 12);
    for (i, (date, _, _)) in days.iter().enumerate().step_by(step) {
        let x = ml + bw * (i as f64 + 0.5);
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" class="ax" text-anchor="middle">{}</text>"#,
            f(x),
            h - mb + 16.0,
            esc(date.get(5..).unwrap_or(date))
        );
    }
    let pts: Vec<String> = days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            d.2.map(|v| {
                format!(
                    "{},{}",
                    f(ml + bw * (i as f64 + 0.5)),
                    f(mt + ph - ph * v.clamp(0.0, 100.0) / 100.0)
                )
            })
        })
        .collect();
    if !pts.is_empty() {
        let _ = write!(
            s,
            r#"<polyline class="line" points="{}" fill="none" stroke="{ORANGE}" stroke-width="2.5"/>"#,
            pts.join(" ")
        );
    }
    // Legend.
    let _ = write!(
        s,
        r#"<rect x="{ml}" y="6" width="12" height="12" fill="{BLUE}" fill-opacity="0.35"/>{}<line x1="{}" x2="{}" y1="12" y2="12" stroke="{ORANGE}" stroke-width="2.5"/>{}"#,
        l.svg_text(ml + 16.0, 16.0, "legend_calls", "class=\"lg\""),
        ml + 130.0,
        ml + 150.0,
        l.svg_text(ml + 156.0, 16.0, "legend_smile_speech", "class=\"lg\""),
    );
    s.push_str("</svg>");
    s
}

/// A sparkline of one operator's daily smile (orange) and speech (blue) means, 0–100,
/// on the report's day axis (`days` = every day of the report, in order).
pub fn sparkline(days: &[&str], trend: &[(usize, Option<f64>, Option<f64>)]) -> String {
    let (w, h, m) = (240.0, 64.0, 4.0);
    let n = days.len().max(2) - 1;
    let x = |i: usize| m + (w - 2.0 * m) * i as f64 / n as f64;
    let y = |v: f64| h - m - (h - 2.0 * m) * v.clamp(0.0, 100.0) / 100.0;
    let mut s = format!(
        r##"<svg class="spark" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg"><rect x="0" y="0" width="{w}" height="{h}" fill="#fafafa"/><line x1="{m}" x2="{}" y1="{}" y2="{}" stroke="#e0e0e0" stroke-dasharray="3 3"/>"##,
        w - m,
        y(50.0),
        y(50.0)
    );
    for (k, colour) in [(1, ORANGE), (2, BLUE)] {
        let pts: Vec<String> = trend
            .iter()
            .filter_map(|t| {
                let v = if k == 1 { t.1 } else { t.2 };
                v.map(|v| format!("{},{}", f(x(t.0)), f(y(v))))
            })
            .collect();
        match pts.len() {
            0 => {}
            1 => {
                let mut xy = pts[0].split(',');
                let _ = write!(
                    s,
                    r#"<circle cx="{}" cy="{}" r="2.5" fill="{colour}"/>"#,
                    xy.next().unwrap_or("0"),
                    xy.next().unwrap_or("0")
                );
            }
            _ => {
                let _ = write!(
                    s,
                    r#"<polyline class="{}" points="{}" fill="none" stroke="{colour}" stroke-width="1.8"/>"#,
                    if k == 1 { "smile" } else { "speech" },
                    pts.join(" ")
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// Green scale for a compliance share; grey for none.
fn heat_colour(v: Option<f64>) -> String {
    match v {
        None => "#eeeeee".into(),
        Some(v) => {
            let v = v.clamp(0.0, 1.0);
            // White (0) → green #00734f (1).
            let c = |a: f64, b: f64| (a + (b - a) * v).round() as u8;
            format!(
                "#{:02x}{:02x}{:02x}",
                c(255.0, 0.0),
                c(255.0, 115.0),
                c(255.0, 79.0)
            )
        }
    }
}

/// Heat map: one row per operator, one column per element, the cell is the share.
pub fn heatmap(l: &Labels, rows: &[(String, Vec<Option<f64>>)], columns: &[&str]) -> String {
    let (cw, ch, ml, mt) = (92.0, 24.0, 130.0, 96.0);
    let w = ml + cw * columns.len() as f64 + 80.0; // room for the last slanted header
    let h = mt + ch * rows.len() as f64 + 10.0;
    let mut s = format!(
        r#"<svg id="chart-heatmap" class="chart" viewBox="0 0 {w} {h}" width="{w}" role="img" xmlns="http://www.w3.org/2000/svg">"#
    );
    for (j, c) in columns.iter().enumerate() {
        let x = ml + cw * (j as f64 + 0.5);
        let key = format!("el_{c}");
        s.push_str(&l.svg_text(
            x,
            mt - 8.0,
            &key,
            &format!("class=\"hd\" transform=\"rotate(-35 {x} {})\"", mt - 8.0),
        ));
    }
    for (i, (op, vals)) in rows.iter().enumerate() {
        let y = mt + ch * i as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" class="rl" text-anchor="end">{}</text>"#,
            ml - 8.0,
            y + ch * 0.65,
            esc(op)
        );
        for (j, v) in vals.iter().enumerate() {
            let x = ml + cw * j as f64;
            let txt = v.map_or("–".to_string(), |v| format!("{:.0}%", v * 100.0));
            let ink = if v.is_some_and(|v| v > 0.55) {
                "#fff"
            } else {
                "#222"
            };
            let _ = write!(
                s,
                r##"<rect class="cell" x="{x}" y="{y}" width="{}" height="{}" fill="{}" stroke="#fff"><title>{} · {}: {txt}</title></rect><text x="{}" y="{}" class="cv" fill="{ink}" text-anchor="middle">{txt}</text>"##,
                cw - 1.0,
                ch - 1.0,
                heat_colour(*v),
                esc(op),
                esc(columns[j]),
                x + cw / 2.0,
                y + ch * 0.68,
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// How a driver row is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Filled circle, solid interval, coloured by direction.
    Proven,
    /// Grey filled square, solid grey interval (inside the equivalence band).
    NoEffect,
    /// Hollow circle, dashed interval.
    Inconclusive,
    /// Label only.
    TooFewData,
}

fn mark(verdict: &str) -> (Mark, &'static str, &'static str) {
    match verdict {
        "proven" => (Mark::Proven, "proven", "proven"),
        "no_effect" => (Mark::NoEffect, "no-effect", "no_effect"),
        "too_few_data" => (Mark::TooFewData, "too-few-data", "too_few_data"),
        // `no_evidence` of older outputs meant "not proven": shown as inconclusive.
        "no_evidence" => (Mark::Inconclusive, "inconclusive", "not_proven"),
        _ => (Mark::Inconclusive, "inconclusive", "inconclusive"),
    }
}

/// Forest plot of the drivers: effect and interval per element, drawn by verdict:
/// `proven` a filled circle (green up, red down), `no_effect` a grey square with its
/// interval inside the shaded ± equivalence-margin band, `inconclusive` a hollow circle
/// on a dashed interval, `too_few_data` the label only.
pub fn drivers(l: &Labels, rows: &[Driver]) -> String {
    let (w, rh, ml, mr, mt) = (900.0, 26.0, 200.0, 150.0, 30.0);
    let h = mt + rh * rows.len() as f64 + 34.0;
    let margin = rows.iter().find_map(|d| d.margin).filter(|m| *m > 0.0);
    let ext = rows
        .iter()
        .flat_map(|d| [d.effect, d.ci_lo, d.ci_hi])
        .flatten()
        .chain(margin)
        .map(f64::abs)
        .fold(0.5_f64, f64::max)
        * 1.1;
    let pw = w - ml - mr;
    let x = |v: f64| ml + pw * (v.clamp(-ext, ext) + ext) / (2.0 * ext);
    let mut s = format!(
        r#"<svg id="chart-drivers" class="chart" viewBox="0 0 {w} {h}" role="img" xmlns="http://www.w3.org/2000/svg">"#
    );
    if let Some(m) = margin {
        let _ = write!(
            s,
            r##"<rect class="equivalence" x="{}" y="{mt}" width="{}" height="{}" fill="#f0f0f0"><title>±{m}</title></rect>"##,
            f(x(-m)),
            f(x(m) - x(-m)),
            f(h - 30.0 - mt)
        );
    }
    // Axis ticks.
    let tick = nice_step(ext * 2.0 / 6.0);
    let mut t = -(ext / tick).floor() * tick;
    while t <= ext + 1e-9 {
        let _ = write!(
            s,
            r##"<line x1="{0}" x2="{0}" y1="{mt}" y2="{1}" stroke="{2}"/><text x="{0}" y="{3}" class="ax" text-anchor="middle">{4}</text>"##,
            f(x(t)),
            h - 30.0,
            if t.abs() < 1e-9 { "#555" } else { "#e4e4e4" },
            h - 16.0,
            format_tick(t)
        );
        t += tick;
    }
    for (i, d) in rows.iter().enumerate() {
        let y = mt + rh * (i as f64 + 0.5);
        let (m, class, label) = mark(&d.verdict);
        let colour = match (m, d.effect) {
            (Mark::Proven, Some(e)) if e > 0.0 => GREEN,
            (Mark::Proven, _) => RED,
            (Mark::Inconclusive, _) => BLUE,
            _ => GREY,
        };
        let _ = write!(
            s,
            r#"<g class="driver {class}" data-element="{}"><text x="{}" y="{}" class="rl" text-anchor="end">{}</text>"#,
            esc(&d.element),
            ml - 10.0,
            y + 4.0,
            esc(&d.element)
        );
        if let (Some(lo), Some(hi)) = (d.ci_lo, d.ci_hi) {
            let _ = write!(
                s,
                r#"<line class="ci" x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{colour}" stroke-width="2"{}/>"#,
                f(x(lo)),
                f(x(hi)),
                if m == Mark::Inconclusive {
                    r#" stroke-dasharray="4 3""#
                } else {
                    ""
                }
            );
        }
        if let (Some(e), true) = (d.effect, m != Mark::TooFewData) {
            let title = format!(
                "{}: {:+.2} [{}, {}] · {} · {}",
                esc(&d.element),
                e,
                d.ci_lo.map_or("–".into(), |v| format!("{v:+.2}")),
                d.ci_hi.map_or("–".into(), |v| format!("{v:+.2}")),
                esc(&d.unit),
                esc(&d.note)
            );
            let _ = if m == Mark::NoEffect {
                write!(
                    s,
                    r#"<rect class="effect" x="{}" y="{}" width="10" height="10" fill="{colour}"><title>{title}</title></rect>"#,
                    f(x(e) - 5.0),
                    f(y - 5.0)
                )
            } else {
                write!(
                    s,
                    r#"<circle class="effect" cx="{}" cy="{y}" r="5" fill="{}" stroke="{colour}" stroke-width="2"><title>{title}</title></circle>"#,
                    f(x(e)),
                    if m == Mark::Proven { colour } else { "#fff" }
                )
            };
        }
        s.push_str(&l.svg_text(
            w - mr + 10.0,
            y + 4.0,
            label,
            &format!("class=\"vd\" fill=\"{colour}\""),
        ));
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

fn nice_step(raw: f64) -> f64 {
    let p = 10f64.powf(raw.max(1e-9).log10().floor());
    let m = raw / p;
    p * if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    }
}

fn format_tick(t: f64) -> String {
    if t.abs() < 1e-9 {
        "0".into()
    } else if (t - t.round()).abs() < 1e-9 {
        format!("{t:+.0}")
    } else {
        format!("{t:+.1}")
    }
}

/// Service Level per 30-minute slot of the day (all days pooled) against the target.
pub fn service_level(l: &Labels, c: &SlChannel) -> String {
    let (w, h, ml, mr, mt, mb) = (900.0, 240.0, 46.0, 20.0, 24.0, 36.0);
    let (Some(first), Some(last)) = (c.slots.keys().next(), c.slots.keys().next_back()) else {
        return String::new();
    };
    let slots: Vec<u32> = (*first..=*last).step_by(30).collect();
    let pw = w - ml - mr;
    let ph = h - mt - mb;
    let bw = pw / slots.len().max(1) as f64;
    let y = |v: f64| mt + ph - ph * v.clamp(0.0, 1.0);
    let id: String = c
        .channel
        .chars()
        .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '_' })
        .collect();
    let mut s = format!(
        r#"<svg id="chart-sl-{id}" class="chart sl-chart" viewBox="0 0 {w} {h}" role="img" xmlns="http://www.w3.org/2000/svg">"#
    );
    for k in 0..=4 {
        let v = k as f64 / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{ml}" x2="{0}" y1="{1}" y2="{1}" stroke="#eeeeee"/><text x="{2}" y="{3}" class="ax" text-anchor="end">{4}%</text>"##,
            w - mr,
            y(v),
            ml - 6.0,
            y(v) + 4.0,
            k * 25
        );
    }
    for (i, m) in slots.iter().enumerate() {
        let x = ml + bw * i as f64;
        let label = format!("{:02}:{:02}", m / 60, m % 60);
        match c.slots.get(m) {
            Some(&(within, den, offered)) if den > 0.0 => {
                let sl = within / den;
                let below = sl < c.target;
                let _ = write!(
                    s,
                    r#"<rect class="sl-bar{}" x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{label} · SL {:.0}% · {offered:.0} offered</title></rect>"#,
                    if below { " below" } else { "" },
                    f(x + bw * 0.12),
                    f(y(sl)),
                    f((bw * 0.76).max(0.5)),
                    f(mt + ph - y(sl)),
                    if below { RED } else { GREEN },
                    sl * 100.0
                );
            }
            _ => {}
        }
        if m % 120 == 0 {
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" class="ax" text-anchor="middle">{label}</text>"#,
                f(x + bw / 2.0),
                h - mb + 16.0
            );
        }
    }
    let ty = y(c.target);
    let _ = write!(
        s,
        r##"<line class="target" x1="{ml}" x2="{}" y1="{ty}" y2="{ty}" stroke="#333" stroke-dasharray="6 4" stroke-width="1.5"/>"##,
        w - mr
    );
    s.push_str(&l.svg_text_with(
        w - mr - 4.0,
        ty - 6.0,
        "target",
        &format!(" {:.0}%", c.target * 100.0),
        "class=\"lg\" text-anchor=\"end\"",
    ));
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn charts_are_well_formed_svg() {
        let l = Labels::new(Lang::Both);
        let days = vec![
            ("2026-11-02".to_string(), 10, Some(60.0)),
            ("2026-11-03".to_string(), 0, None),
            ("2026-11-04".to_string(), 5, Some(70.0)),
        ];
        let s = daily(&l, &days);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert_eq!(s.matches("class=\"bar\"").count(), 3);
        assert!(s.contains("class=\"l-en") && s.contains("class=\"l-ru"));
        let sp = sparkline(
            &["a", "b", "c"],
            &[(0, Some(10.0), Some(20.0)), (2, Some(90.0), None)],
        );
        assert!(sp.contains("class=\"smile\"") && sp.contains("<circle"));
        let hm = heatmap(
            &l,
            &[("op1".into(), vec![Some(0.5), None])],
            &["greeting", "thanks"],
        );
        assert_eq!(hm.matches("class=\"cell\"").count(), 2);
        assert!(hm.contains("50%") && hm.contains("#eeeeee"));
        assert_eq!(heat_colour(Some(1.0)), "#00734f");
    }

    /// The three verdicts look different, and the old `no_evidence` still draws.
    #[test]
    fn drivers_chart_distinguishes_the_verdicts() {
        let l = Labels::new(Lang::En);
        let row = |el: &str, verdict: &str, e: f64, lo: f64, hi: f64| Driver {
            element: el.into(),
            verdict: verdict.into(),
            effect: Some(e),
            ci_lo: Some(lo),
            ci_hi: Some(hi),
            margin: Some(0.3),
            ..Driver::default()
        };
        let s = drivers(
            &l,
            &[
                row("vague_answers", "proven", -0.9, -1.2, -0.6),
                row("thanks", "no_effect", 0.02, -0.2, 0.25),
                row("greeting", "inconclusive", 0.3, -0.4, 1.0),
                row("farewell", "no_evidence", 0.1, -0.5, 0.7),
                Driver {
                    element: "mirroring".into(),
                    verdict: "too_few_data".into(),
                    ..Driver::default()
                },
            ],
        );
        assert!(s.contains(r#"class="driver proven" data-element="vague_answers""#));
        assert!(s.contains(r#"class="driver no-effect" data-element="thanks""#));
        assert!(s.contains(r#"class="driver inconclusive" data-element="greeting""#));
        assert!(s.contains(r#"class="driver inconclusive" data-element="farewell""#));
        assert!(s.contains(r#"class="driver too-few-data" data-element="mirroring""#));
        assert!(s.contains(r#"class="equivalence""#));
        assert_eq!(
            s.matches("stroke-dasharray").count(),
            2,
            "inconclusive intervals dash"
        );
        assert_eq!(
            s.matches(r#"<rect class="effect""#).count(),
            1,
            "no_effect is a square"
        );
        for label in [
            "proven",
            "no effect",
            "inconclusive",
            "not proven",
            "too few data",
        ] {
            assert!(s.contains(&format!(">{label}<")), "{label}");
        }
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_step(0.37), 0.5);
        assert_eq!(nice_step(1.2), 2.0);
        assert_eq!(format_tick(-1.0), "-1");
        assert_eq!(format_tick(0.5), "+0.5");
    }
}
