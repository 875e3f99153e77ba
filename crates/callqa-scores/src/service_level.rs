//! Service Level from call metadata: `call_id,channel,queue,offered_at,answered_at,abandoned_at`.
//!
//! Per interval (`[service_level] interval_min`, 30 min, aligned to the hour in
//! `[scores] time_zone`), channel and queue: SL = answered within the channel's
//! threshold / (offered − abandoned within `short_abandon_s`). Beside the queue rows,
//! each channel gets a **channel total** row (queue null, `level = channel`) from the
//! summed counts: two queues at 0.5 and 1.0 with 1 and 5 contacts make a channel at
//! 0.83, not the mean 0.75. "Within" is inclusive (answered at exactly 20 s counts). A
//! contact neither answered nor abandoned counts as offered only. When the denominator
//! is 0 (an empty interval, or every contact abandoned within 5 s) SL is undefined:
//! null, and the interval does not count towards the day's share of intervals meeting
//! target. Days are local days in the time zone; channel names are matched without
//! regard to case.

use crate::{error_row, open_csv, parse_time_in, CsvHeader, ScoreError};
use callqa_core::{ChannelTarget, ErrorRow, ServiceLevelConfig};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The `[service_level]` settings as used: channel names lower-cased, and the time zone.
#[derive(Debug, Clone)]
pub struct Targets {
    /// Interval length, minutes.
    pub interval_min: u32,
    /// Short-abandon limit, s.
    pub short_abandon_s: f64,
    /// Targets by lower-case channel name.
    pub channels: BTreeMap<String, ChannelTarget>,
    /// Time zone of days and intervals, and of timestamps without offset.
    pub tz: Tz,
}

impl Targets {
    /// From the pipeline's `[service_level]` and `[scores] time_zone`.
    pub fn new(cfg: &ServiceLevelConfig, tz: Tz) -> Targets {
        Targets {
            interval_min: cfg.interval_min,
            short_abandon_s: cfg.short_abandon_s,
            channels: cfg
                .channels
                .iter()
                .map(|(k, v)| (k.to_lowercase(), v.clone()))
                .collect(),
            tz,
        }
    }
}

/// One valid metadata row.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Call id.
    pub call_id: String,
    /// Channel, lower case (`voice`, `chat`, `email`, … as configured).
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

/// Whether a row is one queue's or the channel's total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// One queue of a channel.
    Queue,
    /// Every queue of the channel, from the summed counts.
    Channel,
}

impl Level {
    /// `queue` / `channel`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Queue => "queue",
            Level::Channel => "channel",
        }
    }
}

/// The counts of one interval (or one day).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
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
}

impl Counts {
    /// SL, 0–1; `None` when offered − abandoned_short is 0.
    pub fn service_level(&self) -> Option<f64> {
        ratio(
            self.answered_within_threshold,
            self.offered - self.abandoned_short,
        )
    }
    fn add(&mut self, o: &Counts) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.answered_within_threshold += o.answered_within_threshold;
        self.abandoned += o.abandoned;
        self.abandoned_short += o.abandoned_short;
    }
}

/// One row of `service_level/`.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRow {
    /// Start of the interval, UTC.
    pub interval_start: DateTime<Utc>,
    /// Start of the interval, wall-clock time in the time zone.
    pub interval_start_local: NaiveDateTime,
    /// `queue` or `channel` (the channel total).
    pub level: Level,
    /// Channel.
    pub channel: String,
    /// Queue; `None` on a channel-total row.
    pub queue: Option<String>,
    /// The counts.
    pub counts: Counts,
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
    /// Local date of the interval (the partition).
    pub fn date(&self) -> NaiveDate {
        self.interval_start_local.date()
    }
}

/// One row of `service_level_daily/`.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRow {
    /// Local date.
    pub call_date: NaiveDate,
    /// `queue` or `channel`.
    pub level: Level,
    /// Channel.
    pub channel: String,
    /// Queue; `None` on a channel-total row.
    pub queue: Option<String>,
    /// Intervals from the day's first to last contact of this channel and queue.
    pub intervals: i32,
    /// Intervals whose SL is defined.
    pub intervals_measured: i32,
    /// Intervals meeting target.
    pub intervals_meeting_target: i32,
    /// intervals_meeting_target / intervals_measured, null when none is measured.
    pub share_meeting_target: Option<f64>,
    /// Day totals.
    pub counts: Counts,
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
pub fn read_meta(path: &Path, t: &Targets) -> Result<(Vec<Contact>, Vec<ErrorRow>), ScoreError> {
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
        match parse_contact(&record, &header, t, &mut seen) {
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
    targets: &Targets,
    seen: &mut HashSet<String>,
) -> Result<Contact, RowError> {
    let get = |k: &str| header.get(record, k).unwrap_or("").to_string();
    let id = get("call_id");
    let fail = |kind: &'static str, date: Option<NaiveDate>, cause: String| {
        Err((id.clone(), date, kind, cause))
    };
    if id.is_empty() {
        return fail("missing_field", None, "empty call_id".into());
    }
    let time = |k: &str| -> Result<Option<DateTime<Utc>>, String> {
        match get(k).as_str() {
            "" => Ok(None),
            s => parse_time_in(s, targets.tz)
                .map(Some)
                .ok_or_else(|| format!("{k} {s:?} is not a timestamp")),
        }
    };
    let offered_at = match time("offered_at") {
        Ok(Some(t)) => t,
        Ok(None) => return fail("missing_field", None, "empty offered_at".into()),
        Err(e) => return fail("bad_date", None, e),
    };
    let date = Some(crate::local_date(offered_at, targets.tz));
    let channel = get("channel").to_lowercase();
    if channel.is_empty() {
        return fail("missing_field", date, "empty channel".into());
    }
    if !targets.channels.contains_key(&channel) {
        let known: Vec<&str> = targets.channels.keys().map(String::as_str).collect();
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

/// The counts and mean answer time of the contacts of one interval.
fn interval_counts(cs: &[&Contact], threshold_s: f64, short_s: f64) -> (Counts, Option<f64>) {
    let answered: Vec<f64> = cs
        .iter()
        .filter_map(|c| c.answered_at.map(|a| secs(c.offered_at, a)))
        .collect();
    let abandoned: Vec<f64> = cs
        .iter()
        .filter_map(|c| c.abandoned_at.map(|a| secs(c.offered_at, a)))
        .collect();
    let counts = Counts {
        offered: count(cs.len()),
        answered: count(answered.len()),
        answered_within_threshold: count(answered.iter().filter(|s| **s <= threshold_s).count()),
        abandoned: count(abandoned.len()),
        abandoned_short: count(abandoned.iter().filter(|s| **s <= short_s).count()),
    };
    let avg = (!answered.is_empty()).then(|| answered.iter().sum::<f64>() / answered.len() as f64);
    (counts, avg)
}

/// Local wall-clock start of the interval holding `t`.
fn floor_local(t: DateTime<Utc>, tz: Tz, step_s: u32) -> NaiveDateTime {
    let local = t.with_timezone(&tz).naive_local();
    let s = local.num_seconds_from_midnight();
    let date = local.date();
    date.and_hms_opt(0, 0, 0)
        .map_or(local, |d| d + Duration::seconds(i64::from(s - s % step_s)))
}

type Key = (NaiveDate, String, Option<String>);

/// Interval rows (every interval from the day's first to last contact of a channel and
/// queue, empty ones included; then the same for the channel total) and the daily
/// summary. Intervals are local wall-clock intervals; one skipped by a daylight-saving
/// change has no row, one repeated holds the contacts of both passes.
pub fn service_level(contacts: &[Contact], t: &Targets) -> (Vec<IntervalRow>, Vec<DayRow>) {
    let step = t.interval_min.max(1) * 60;
    let mut by_key: BTreeMap<Key, BTreeMap<NaiveDateTime, Vec<&Contact>>> = BTreeMap::new();
    for c in contacts {
        let start = floor_local(c.offered_at, t.tz, step);
        for queue in [None, Some(c.queue.clone())] {
            by_key
                .entry((start.date(), c.channel.clone(), queue))
                .or_default()
                .entry(start)
                .or_default()
                .push(c);
        }
    }
    let mut rows = Vec::new();
    let mut days = Vec::new();
    for ((day, channel, queue), intervals) in by_key {
        let Some(target) = t.channels.get(&channel) else {
            continue;
        };
        let (Some(&first), Some(&last)) = (intervals.keys().next(), intervals.keys().last()) else {
            continue;
        };
        let level = if queue.is_some() {
            Level::Queue
        } else {
            Level::Channel
        };
        let day_start = rows.len();
        let mut local = first;
        while local <= last {
            if let Some(utc) = t.tz.from_local_datetime(&local).earliest() {
                let cs: &[&Contact] = intervals.get(&local).map_or(&[], Vec::as_slice);
                let (counts, avg) = interval_counts(cs, target.threshold_s, t.short_abandon_s);
                let sl = counts.service_level();
                rows.push(IntervalRow {
                    interval_start: utc.with_timezone(&Utc),
                    interval_start_local: local,
                    level,
                    channel: channel.clone(),
                    queue: queue.clone(),
                    counts,
                    service_level: sl,
                    avg_answer_s: avg,
                    threshold_s: target.threshold_s,
                    target: target.target,
                    meets_target: sl.map(|v| v >= target.target),
                });
            }
            local += Duration::seconds(i64::from(step));
        }
        days.push(day_row(
            day,
            level,
            &channel,
            &queue,
            target,
            &rows[day_start..],
        ));
    }
    (rows, days)
}

fn day_row(
    day: NaiveDate,
    level: Level,
    channel: &str,
    queue: &Option<String>,
    target: &ChannelTarget,
    day_rows: &[IntervalRow],
) -> DayRow {
    let mut counts = Counts::default();
    for r in day_rows {
        counts.add(&r.counts);
    }
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
    DayRow {
        call_date: day,
        level,
        channel: channel.to_string(),
        queue: queue.clone(),
        intervals: count(day_rows.len()),
        intervals_measured: measured,
        intervals_meeting_target: meeting,
        share_meeting_target: ratio(meeting, measured),
        service_level: counts.service_level(),
        counts,
        threshold_s: target.threshold_s,
        target: target.target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/scores/calls_meta.csv")
    }

    fn utc() -> Targets {
        Targets::new(&ServiceLevelConfig::default(), Tz::UTC)
    }

    fn find<'a>(rows: &'a [IntervalRow], ch: &str, q: Option<&str>, hhmm: &str) -> &'a IntervalRow {
        rows.iter()
            .find(|r| {
                r.channel == ch
                    && r.queue.as_deref() == q
                    && r.interval_start_local.format("%H:%M").to_string() == hhmm
            })
            .unwrap_or_else(|| panic!("no row {ch} {q:?} {hhmm}: {rows:#?}"))
    }

    fn n(r: &IntervalRow) -> (i32, i32, i32, i32, i32) {
        let c = r.counts;
        (
            c.offered,
            c.answered,
            c.answered_within_threshold,
            c.abandoned,
            c.abandoned_short,
        )
    }

    /// The checked-in fixture against figures computed by hand (see the comments in
    /// tests/data/scores/calls_meta.csv).
    #[test]
    fn fixture_matches_hand_computation() {
        let (contacts, errors) = read_meta(&fixture(), &utc()).unwrap();
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
        let (rows, days) = service_level(&contacts, &utc());
        // voice/sales 09:00: 5 offered; answered at 10 s, 20 s (within), 35 s; abandoned
        // at 3 s (short) and 40 s. SL = 2 / (5 − 1) = 0.5 < 0.8.
        let r = find(&rows, "voice", Some("sales"), "09:00");
        assert_eq!(n(r), (5, 3, 2, 2, 1));
        assert_eq!(r.level, Level::Queue);
        assert_eq!(r.service_level, Some(0.5));
        assert_eq!(r.meets_target, Some(false));
        assert!((r.avg_answer_s.unwrap() - 65.0 / 3.0).abs() < 1e-9);
        // 09:30: nobody offered: an empty interval, SL undefined.
        let r = find(&rows, "voice", Some("sales"), "09:30");
        assert_eq!(
            (r.counts.offered, r.service_level, r.meets_target),
            (0, None, None)
        );
        // 10:00: 2 offered, both abandoned within 5 s: SL undefined (0 / 0).
        let r = find(&rows, "voice", Some("sales"), "10:00");
        assert_eq!(
            (r.counts.offered, r.counts.abandoned_short, r.service_level),
            (2, 2, None)
        );
        // 10:30: 4 answered within 20 s, 1 at 25 s ("Voice" is the voice channel):
        // SL = 4/5 = 0.8, meets the 80 % target.
        let r = find(&rows, "voice", Some("sales"), "10:30");
        assert_eq!(r.service_level, Some(0.8));
        assert_eq!(r.meets_target, Some(true));
        // chat/support 09:00: 90 s threshold: answered at 60 s and 90 s (within), 120 s,
        // 1 never answered nor abandoned: SL = 2 / 4 = 0.5.
        let r = find(&rows, "chat", Some("support"), "09:00");
        assert_eq!(
            (r.counts.offered, r.counts.answered_within_threshold),
            (4, 2)
        );
        assert_eq!(r.service_level, Some(0.5));
        assert_eq!(r.threshold_s, 90.0);
        // Day voice/sales: intervals 09:00, 09:30, 10:00, 10:30: 2 measured, 1 meets.
        let d = days
            .iter()
            .find(|d| d.channel == "voice" && d.queue.as_deref() == Some("sales"))
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
        let c = d.counts;
        assert_eq!(
            (c.offered, c.abandoned_short, c.answered_within_threshold),
            (12, 3, 6)
        );
        assert!((d.service_level.unwrap() - 6.0 / 9.0).abs() < 1e-12);
        // email 4 h: answered after 3 h 59 m 59 s and 4 h 0 m 1 s: 1 / 2.
        let r = find(&rows, "email", Some(""), "08:00");
        assert_eq!(r.service_level, Some(0.5));
        // One channel, one queue: the channel total equals the queue row.
        let total = find(&rows, "voice", None, "09:00");
        assert_eq!((total.level, n(total)), (Level::Channel, (5, 3, 2, 2, 1)));
    }

    fn contact(id: &str, ch: &str, q: &str, at: &str, wait_s: Option<i64>) -> Contact {
        let offered_at = crate::parse_time(at).unwrap();
        Contact {
            call_id: id.into(),
            channel: ch.into(),
            queue: q.into(),
            offered_at,
            answered_at: wait_s.map(|s| offered_at + Duration::seconds(s)),
            abandoned_at: None,
        }
    }

    /// Two queues at 0.5 (2 contacts) and 1.0 (4 contacts): each queue row is what it is,
    /// the channel total is 5/6 = 0.83 from the summed counts and meets the 80 % target.
    #[test]
    fn channel_totals_come_from_summed_counts() {
        let mut cs = vec![
            contact("a1", "voice", "sales", "2026-11-02T09:01:00Z", Some(5)),
            contact("a2", "voice", "sales", "2026-11-02T09:02:00Z", Some(60)),
        ];
        for i in 0..4 {
            cs.push(contact(
                &format!("b{i}"),
                "voice",
                "support",
                "2026-11-02T09:03:00Z",
                Some(10),
            ));
        }
        let (rows, days) = service_level(&cs, &utc());
        assert_eq!(rows.len(), 3);
        assert_eq!(
            find(&rows, "voice", Some("sales"), "09:00").service_level,
            Some(0.5)
        );
        assert_eq!(
            find(&rows, "voice", Some("support"), "09:00").service_level,
            Some(1.0)
        );
        let total = find(&rows, "voice", None, "09:00");
        assert_eq!(total.level, Level::Channel);
        assert_eq!(n(total), (6, 6, 5, 0, 0));
        assert!((total.service_level.unwrap() - 5.0 / 6.0).abs() < 1e-12);
        assert_eq!(total.meets_target, Some(true));
        let day = days.iter().find(|d| d.level == Level::Channel).unwrap();
        assert_eq!(
            (
                day.queue.as_deref(),
                day.counts.offered,
                day.intervals_meeting_target
            ),
            (None, 6, 1)
        );
    }

    /// `[service_level.channels.Voice]` in the pipeline file is the CSV's `voice` / `VOICE`.
    #[test]
    fn channel_keys_are_case_insensitive() {
        let cfg = ServiceLevelConfig {
            channels: [(
                "Voice".to_string(),
                ChannelTarget {
                    threshold_s: 15.0,
                    target: 0.9,
                },
            )]
            .into_iter()
            .collect(),
            ..ServiceLevelConfig::default()
        };
        let t = Targets::new(&cfg, Tz::UTC);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.csv");
        std::fs::write(
            &p,
            "call_id,channel,queue,offered_at,answered_at,abandoned_at\n\
             a,VOICE,q,2026-11-02T09:00:00Z,2026-11-02T09:00:10Z,\n\
             b,voice,q,2026-11-02T09:01:00Z,2026-11-02T09:01:20Z,\n\
             c,Chat,q,2026-11-02T09:01:00Z,,\n",
        )
        .unwrap();
        let (cs, errs) = read_meta(&p, &t).unwrap();
        assert_eq!(cs.len(), 2);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].error_kind, "unknown_channel");
        let (rows, _) = service_level(&cs, &t);
        let r = find(&rows, "voice", Some("q"), "09:00");
        assert_eq!((r.threshold_s, r.service_level), (15.0, Some(0.5)));
    }

    /// Moscow (UTC+3): a contact at 23:50 and one at 00:05 local are on two days, in
    /// intervals 23:30 and 00:00 local; a naive timestamp is read as Moscow time.
    #[test]
    fn days_and_intervals_follow_the_time_zone() {
        let msk: Tz = "Europe/Moscow".parse().unwrap();
        let t = Targets::new(&ServiceLevelConfig::default(), msk);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.csv");
        std::fs::write(
            &p,
            "call_id,channel,queue,offered_at,answered_at,abandoned_at\n\
             a,voice,q,2026-11-02 23:50:00,2026-11-02 23:50:10,\n\
             b,voice,q,2026-11-02T21:05:00Z,2026-11-02T21:05:30Z,\n\
             c,voice,q,2026-11-03 03:10:00,2026-11-03 03:10:05,\n",
        )
        .unwrap();
        let (cs, errs) = read_meta(&p, &t).unwrap();
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            cs[0].offered_at,
            crate::parse_time("2026-11-02T20:50:00Z").unwrap()
        );
        let (rows, days) = service_level(&cs, &t);
        let a = find(&rows, "voice", Some("q"), "23:30");
        assert_eq!(a.date().to_string(), "2026-11-02");
        assert_eq!(
            a.interval_start,
            crate::parse_time("2026-11-02T20:30:00Z").unwrap()
        );
        let b = find(&rows, "voice", Some("q"), "00:00");
        assert_eq!(b.date().to_string(), "2026-11-03");
        assert_eq!((b.counts.offered, b.service_level), (1, Some(0.0)));
        // In UTC the 00:05 and 03:10 Moscow contacts (21:05 and 00:10 UTC) would fall on
        // different days; in Moscow time both are on 3 November.
        let queue_days: Vec<(String, i32)> = days
            .iter()
            .filter(|d| d.level == Level::Queue)
            .map(|d| (d.call_date.to_string(), d.counts.offered))
            .collect();
        assert_eq!(
            queue_days,
            [("2026-11-02".to_string(), 1), ("2026-11-03".to_string(), 2)]
        );
        let (_, utc_days) = service_level(&cs, &utc());
        let utc_queue: Vec<String> = utc_days
            .iter()
            .filter(|d| d.level == Level::Queue)
            .map(|d| d.call_date.to_string())
            .collect();
        assert_eq!(utc_queue, ["2026-11-02", "2026-11-03"]);
        let first_utc = utc_days.iter().find(|d| d.level == Level::Queue).unwrap();
        assert_eq!(first_utc.counts.offered, 2);
    }
}
