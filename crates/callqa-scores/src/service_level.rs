//! Service Level from call metadata: `call_id,channel,queue,offered_at,answered_at,abandoned_at`.
//!
//! Per interval (`[service_level] interval_min`, 30 min), channel and queue:
//! SL = answered within the channel's threshold / (offered − abandoned within
//! `short_abandon_s`). "Within" is inclusive (answered at exactly 20 s counts). A contact
//! neither answered nor abandoned counts as offered only. When the denominator is 0 (an
//! empty interval, or every contact abandoned within 5 s) SL is undefined: null, and the
//! interval does not count towards the day's share of intervals meeting target.

use crate::{error_row, open_csv, parse_time, CsvHeader, ScoreError};
use callqa_core::{ErrorRow, ServiceLevelConfig};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// One valid metadata row.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Call id.
    pub call_id: String,
    /// Channel (`voice`, `chat`, `email`, … as configured).
    pub channel: String,
    /// Queue (may be empty).
    pub queue: String,
    /// Entered the queue.
    pub offered_at: DateTime<Utc>,
    /// Answered, if it was.
    pub answered_at: Option<DateTime<Utc>>,
    /// Abandoned, if it was.
    pub abandoned_at: Option<DateTime<Utc>>,
}

/// One row of `service_level/`.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRow {
    /// Start of the interval, UTC.
    pub interval_start: DateTime<Utc>,
    /// Channel.
    pub channel: String,
    /// Queue.
    pub queue: String,
    /// Contacts offered.
    pub offered: i32,
    /// Answered.
    pub answered: i32,
    /// Answered within the threshold.
    pub answered_within_threshold: i32,
    /// Abandoned.
    pub abandoned: i32,
    /// Abandoned within `short_abandon_s`.
    pub abandoned_short: i32,
    /// SL, 0–1, null when undefined.
    pub service_level: Option<f64>,
    /// Mean answer time of the answered contacts, s.
    pub avg_answer_s: Option<f64>,
    /// Threshold, s.
    pub threshold_s: f64,
    /// Target, 0–1.
    pub target: f64,
    /// SL ≥ target; null when SL is.
    pub meets_target: Option<bool>,
}

impl IntervalRow {
    /// UTC date of the interval.
    pub fn date(&self) -> NaiveDate {
        self.interval_start.date_naive()
    }
}

/// One row of `service_level_daily/`.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRow {
    /// Date.
    pub call_date: NaiveDate,
    /// Channel.
    pub channel: String,
    /// Queue.
    pub queue: String,
    /// Intervals from the day's first to last contact of this channel and queue.
    pub intervals: i32,
    /// Intervals whose SL is defined.
    pub intervals_measured: i32,
    /// Intervals meeting target.
    pub intervals_meeting_target: i32,
    /// intervals_meeting_target / intervals_measured, null when none is measured.
    pub share_meeting_target: Option<f64>,
    /// Day totals.
    pub offered: i32,
    /// Answered.
    pub answered: i32,
    /// Answered within threshold.
    pub answered_within_threshold: i32,
    /// Abandoned.
    pub abandoned: i32,
    /// Abandoned within `short_abandon_s`.
    pub abandoned_short: i32,
    /// The day's SL from the totals.
    pub service_level: Option<f64>,
    /// Threshold, s.
    pub threshold_s: f64,
    /// Target.
    pub target: f64,
}

/// Read the metadata CSV; broken rows become [`ErrorRow`]s (stage `calls_meta`) naming
/// the file and line: missing fields, bad timestamps, unknown channels, answered or
/// abandoned before offered, both answered and abandoned, duplicate call ids.
pub fn read_meta(
    path: &Path,
    cfg: &ServiceLevelConfig,
) -> Result<(Vec<Contact>, Vec<ErrorRow>), ScoreError> {
    let (header, records) = open_csv(path, &["call_id", "channel", "offered_at"])?;
    let label = path.display().to_string();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (line, record) in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(error_row(
                    "",
                    None,
                    &label,
                    "calls_meta",
                    "bad_csv",
                    line,
                    &e,
                ));
                continue;
            }
        };
        match parse_contact(&record, &header, cfg, &mut seen) {
            Ok(c) => out.push(c),
            Err((id, date, kind, cause)) => {
                errors.push(error_row(
                    &id,
                    date,
                    &label,
                    "calls_meta",
                    kind,
                    line,
                    &cause,
                ));
            }
        }
    }
    Ok((out, errors))
}

type RowError = (String, Option<NaiveDate>, &'static str, String);

fn parse_contact(
    record: &csv::StringRecord,
    header: &CsvHeader,
    cfg: &ServiceLevelConfig,
    seen: &mut HashSet<String>,
) -> Result<Contact, RowError> {
    let get = |k: &str| header.get(record, k).unwrap_or("").to_string();
    let id = get("call_id");
    let mut date = None;
    let fail = |kind: &'static str, date: Option<NaiveDate>, cause: String| {
        Err((id.clone(), date, kind, cause))
    };
    if id.is_empty() {
        return fail("missing_field", None, "empty call_id".into());
    }
    let time = |k: &str| -> Result<Option<DateTime<Utc>>, String> {
        match get(k).as_str() {
            "" => Ok(None),
            s => parse_time(s)
                .map(Some)
                .ok_or_else(|| format!("{k} {s:?} is not a timestamp")),
        }
    };
    let offered_at = match time("offered_at") {
        Ok(Some(t)) => t,
        Ok(None) => return fail("missing_field", None, "empty offered_at".into()),
        Err(e) => return fail("bad_date", None, e),
    };
    date = date.or(Some(offered_at.date_naive()));
    let channel = get("channel").to_ascii_lowercase();
    if channel.is_empty() {
        return fail("missing_field", date, "empty channel".into());
    }
    if !cfg.channels.contains_key(&channel) {
        let known: Vec<&str> = cfg.channels.keys().map(String::as_str).collect();
        return fail(
            "unknown_channel",
            date,
            format!(
                "channel {channel:?} has no [service_level.channels.{channel}] target (known: {})",
                known.join(", ")
            ),
        );
    }
    let (answered_at, abandoned_at) = match (time("answered_at"), time("abandoned_at")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return fail("bad_date", date, e),
    };
    if answered_at.is_some() && abandoned_at.is_some() {
        return fail(
            "bad_times",
            date,
            "both answered_at and abandoned_at are set".into(),
        );
    }
    for (k, t) in [("answered_at", answered_at), ("abandoned_at", abandoned_at)] {
        if t.is_some_and(|t| t < offered_at) {
            return fail("bad_times", date, format!("{k} is before offered_at"));
        }
    }
    if !seen.insert(id.clone()) {
        return fail(
            "duplicate_call_id",
            date,
            format!("call_id {id:?} appears twice (first row kept)"),
        );
    }
    Ok(Contact {
        call_id: id,
        channel,
        queue: get("queue"),
        offered_at,
        answered_at,
        abandoned_at,
    })
}

fn secs(a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
    (b - a).num_milliseconds() as f64 / 1000.0
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn ratio(num: i32, den: i32) -> Option<f64> {
    (den > 0).then(|| f64::from(num) / f64::from(den))
}

/// Interval rows (every interval from the day's first to last contact of a channel and
/// queue, empty ones included) and the daily summary.
pub fn service_level(
    contacts: &[Contact],
    cfg: &ServiceLevelConfig,
) -> (Vec<IntervalRow>, Vec<DayRow>) {
    let step = i64::from(cfg.interval_min) * 60;
    let floor = |t: DateTime<Utc>| {
        let s = t.timestamp();
        DateTime::<Utc>::from_timestamp(s - s.rem_euclid(step), 0).unwrap_or(t)
    };
    type Key = (NaiveDate, String, String);
    let mut by_key: BTreeMap<Key, BTreeMap<DateTime<Utc>, Vec<&Contact>>> = BTreeMap::new();
    for c in contacts {
        let start = floor(c.offered_at);
        by_key
            .entry((start.date_naive(), c.channel.clone(), c.queue.clone()))
            .or_default()
            .entry(start)
            .or_default()
            .push(c);
    }
    let mut rows = Vec::new();
    let mut days = Vec::new();
    for ((day, channel, queue), intervals) in by_key {
        let Some(target) = cfg.channels.get(&channel) else {
            continue;
        };
        let (Some(first), Some(last)) = (
            intervals.keys().next().copied(),
            intervals.keys().last().copied(),
        ) else {
            continue;
        };
        let day_start = rows.len();
        let mut t = first;
        while t <= last {
            let cs: &[&Contact] = intervals.get(&t).map_or(&[], Vec::as_slice);
            let answered: Vec<f64> = cs
                .iter()
                .filter_map(|c| c.answered_at.map(|a| secs(c.offered_at, a)))
                .collect();
            let within = answered
                .iter()
                .filter(|s| **s <= target.threshold_s)
                .count();
            let abandoned: Vec<f64> = cs
                .iter()
                .filter_map(|c| c.abandoned_at.map(|a| secs(c.offered_at, a)))
                .collect();
            let short = abandoned
                .iter()
                .filter(|s| **s <= cfg.short_abandon_s)
                .count();
            let sl = ratio(count(within), count(cs.len()) - count(short));
            rows.push(IntervalRow {
                interval_start: t,
                channel: channel.clone(),
                queue: queue.clone(),
                offered: count(cs.len()),
                answered: count(answered.len()),
                answered_within_threshold: count(within),
                abandoned: count(abandoned.len()),
                abandoned_short: count(short),
                service_level: sl,
                avg_answer_s: (!answered.is_empty())
                    .then(|| answered.iter().sum::<f64>() / answered.len() as f64),
                threshold_s: target.threshold_s,
                target: target.target,
                meets_target: sl.map(|v| v >= target.target),
            });
            t += Duration::seconds(step);
        }
        let day_rows = &rows[day_start..];
        let sum = |f: fn(&IntervalRow) -> i32| day_rows.iter().map(f).sum::<i32>();
        let measured = count(
            day_rows
                .iter()
                .filter(|r| r.service_level.is_some())
                .count(),
        );
        let meeting = count(
            day_rows
                .iter()
                .filter(|r| r.meets_target == Some(true))
                .count(),
        );
        let (offered, short, within) = (
            sum(|r| r.offered),
            sum(|r| r.abandoned_short),
            sum(|r| r.answered_within_threshold),
        );
        days.push(DayRow {
            call_date: day,
            channel: channel.clone(),
            queue: queue.clone(),
            intervals: count(day_rows.len()),
            intervals_measured: measured,
            intervals_meeting_target: meeting,
            share_meeting_target: ratio(meeting, measured),
            offered,
            answered: sum(|r| r.answered),
            answered_within_threshold: within,
            abandoned: sum(|r| r.abandoned),
            abandoned_short: short,
            service_level: ratio(within, offered - short),
            threshold_s: target.threshold_s,
            target: target.target,
        });
    }
    (rows, days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/scores/calls_meta.csv")
    }

    /// The checked-in fixture against figures computed by hand (see the comments in
    /// tests/data/scores/calls_meta.csv).
    #[test]
    fn fixture_matches_hand_computation() {
        let cfg = ServiceLevelConfig::default();
        let (contacts, errors) = read_meta(&fixture(), &cfg).unwrap();
        let kinds: Vec<(&str, bool)> = errors
            .iter()
            .map(|e| {
                (
                    e.error_kind.as_str(),
                    e.message.contains("calls_meta.csv line"),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("unknown_channel", true),
                ("bad_date", true),
                ("bad_times", true),
                ("bad_times", true),
                ("duplicate_call_id", true),
                ("missing_field", true),
            ],
            "{errors:#?}"
        );
        assert!(
            errors[0].message.contains("line 28"),
            "{}",
            errors[0].message
        );
        let (rows, days) = service_level(&contacts, &cfg);
        let find = |ch: &str, q: &str, hhmm: &str| {
            rows.iter()
                .find(|r| {
                    r.channel == ch
                        && r.queue == q
                        && r.interval_start.format("%H:%M").to_string() == hhmm
                })
                .unwrap_or_else(|| panic!("no row {ch} {q} {hhmm}: {rows:#?}"))
        };
        // voice/sales 09:00: 5 offered; answered at 10 s, 20 s (within), 35 s; abandoned
        // at 3 s (short) and 40 s. SL = 2 / (5 − 1) = 0.5 < 0.8.
        let r = find("voice", "sales", "09:00");
        assert_eq!(
            (
                r.offered,
                r.answered,
                r.answered_within_threshold,
                r.abandoned,
                r.abandoned_short
            ),
            (5, 3, 2, 2, 1)
        );
        assert_eq!(r.service_level, Some(0.5));
        assert_eq!(r.meets_target, Some(false));
        assert!((r.avg_answer_s.unwrap() - 65.0 / 3.0).abs() < 1e-9);
        // 09:30: nobody offered: an empty interval, SL undefined.
        let r = find("voice", "sales", "09:30");
        assert_eq!(
            (r.offered, r.service_level, r.meets_target),
            (0, None, None)
        );
        // 10:00: 2 offered, both abandoned within 5 s: SL undefined (0 / 0).
        let r = find("voice", "sales", "10:00");
        assert_eq!(
            (r.offered, r.abandoned_short, r.service_level),
            (2, 2, None)
        );
        // 10:30: 4 answered within 20 s, 1 at 25 s: SL = 4/5 = 0.8, meets the 80 % target.
        let r = find("voice", "sales", "10:30");
        assert_eq!(r.service_level, Some(0.8));
        assert_eq!(r.meets_target, Some(true));
        // chat/support 09:00: 90 s threshold: answered at 60 s and 90 s (within), 120 s,
        // 1 never answered nor abandoned: SL = 2 / 4 = 0.5.
        let r = find("chat", "support", "09:00");
        assert_eq!((r.offered, r.answered_within_threshold), (4, 2));
        assert_eq!(r.service_level, Some(0.5));
        assert_eq!(r.threshold_s, 90.0);
        // Day voice/sales: intervals 09:00, 09:30, 10:00, 10:30: 2 measured, 1 meets.
        let d = days
            .iter()
            .find(|d| d.channel == "voice" && d.queue == "sales")
            .unwrap();
        assert_eq!(
            (
                d.intervals,
                d.intervals_measured,
                d.intervals_meeting_target
            ),
            (4, 2, 1)
        );
        assert_eq!(d.share_meeting_target, Some(0.5));
        // Day SL = (2 + 4) / (5 + 2 + 5 − 1 − 2) = 6 / 9.
        assert_eq!(
            (d.offered, d.abandoned_short, d.answered_within_threshold),
            (12, 3, 6)
        );
        assert!((d.service_level.unwrap() - 6.0 / 9.0).abs() < 1e-12);
        // email 4 h: answered after 3 h 59 m 59 s and 4 h 0 m 1 s: 1 / 2.
        let r = find("email", "", "08:00");
        assert_eq!(r.service_level, Some(0.5));
    }
}
