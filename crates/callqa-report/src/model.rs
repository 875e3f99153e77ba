//! The report's data: the tables read once and pre-aggregated (per day, per operator,
//! per operator × element, per 30-minute slot), so the page carries figures, not rows.
//! Only two parts are per call: a compact list of every call (paginated by the page
//! script) and the transcripts of the review queue's calls.

use crate::read::{read_table, table_exists, Table, V};
use crate::ReportError;
use chrono::{DateTime, Timelike, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The standard's elements shown in the heat map, in order (label key = `el_<name>`).
pub const ELEMENTS: [&str; 8] = [
    "greeting",
    "self_introduction",
    "thanks",
    "survey_offer",
    "farewell",
    "no_interruptions",
    "no_long_pauses",
    "concrete_answers",
];

/// A share: `num / den` when `den > 0`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rate {
    /// Numerator.
    pub num: f64,
    /// Denominator.
    pub den: f64,
}

impl Rate {
    /// Add one observation worth `den` with `num` of it "yes".
    pub fn add(&mut self, num: f64, den: f64) {
        self.num += num;
        self.den += den;
    }
    /// Add a yes/no observation.
    pub fn flag(&mut self, v: Option<bool>) {
        if let Some(b) = v {
            self.add(f64::from(u8::from(b)), 1.0);
        }
    }
    /// The share, `None` without observations.
    pub fn value(&self) -> Option<f64> {
        (self.den > 0.0).then(|| self.num / self.den)
    }
}

/// A running mean.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Mean {
    sum: f64,
    n: f64,
}

impl Mean {
    /// Add a value when present.
    pub fn add(&mut self, v: Option<f64>) {
        if let Some(v) = v {
            self.sum += v;
            self.n += 1.0;
        }
    }
    /// The mean, `None` without values.
    pub fn value(&self) -> Option<f64> {
        (self.n > 0.0).then(|| self.sum / self.n)
    }
}

/// NPS counts: NPS is a measure of 0–10 "would you recommend" ratings, so only nps10
/// ratings count in it (`rated` counts every rating).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Nps {
    /// nps10 promoters (9–10).
    pub promoters: u64,
    /// nps10 detractors (0–6).
    pub detractors: u64,
    /// nps10-rated calls.
    pub nps_calls: u64,
    /// Rated calls, both scales.
    pub rated: u64,
}

impl Nps {
    /// Count one call's NPS class (`None` = unrated); a csat5 rating counts as rated only.
    pub fn add(&mut self, class: Option<&str>, scale: Option<&str>) {
        if let Some(c) = class {
            self.rated += 1;
            if scale == Some("csat5") {
                return;
            }
            self.nps_calls += 1;
            match c {
                "promoter" => self.promoters += 1,
                "detractor" => self.detractors += 1,
                _ => {}
            }
        }
    }
    /// % promoters − % detractors of the nps10 ratings, `None` without them.
    pub fn value(&self) -> Option<f64> {
        (self.nps_calls > 0).then(|| {
            100.0 * (self.promoters as f64 - self.detractors as f64) / self.nps_calls as f64
        })
    }
}

/// One call, with its scores when `callqa score` ran.
#[derive(Debug, Clone, Default)]
pub struct CallRow {
    /// `call_id`.
    pub id: String,
    /// `call_date`.
    pub date: String,
    /// `started_at`, µs since the epoch.
    pub started_us: i64,
    /// `operator_id`.
    pub operator: Option<String>,
    /// `duration_s`.
    pub duration_s: f64,
    /// Element compliance in [`ELEMENTS`] order: (yes share numerator, denominator).
    pub elements: [Option<(f64, f64)>; 8],
    /// `smile_score`, or `operator_smile_index` without scores.
    pub smile: Option<f64>,
    /// `speech_score`.
    pub speech: Option<f64>,
    /// `smile_speech_score`.
    pub smile_speech: Option<f64>,
    /// `process_score`.
    pub process: Option<f64>,
    /// Rating on its own scale.
    pub rating: Option<i64>,
    /// `csat5` / `nps10`.
    pub rating_scale: Option<String>,
    /// NPS class.
    pub nps_class: Option<String>,
    /// Predicted rating (0–10) of an unrated call.
    pub predicted: Option<f64>,
    /// P(detractor) of an unrated call.
    pub p_detractor: Option<f64>,
    /// `complaint` (null when the rule pack has no complaint rules).
    pub complaint: Option<bool>,
    /// `complaint_types`.
    pub complaint_types: Vec<String>,
}

/// Complaint counts of a group of calls (an operator, a day, everything), so QA can feed
/// each one back: per call for the fix, per type for the root cause.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Complaints {
    /// Calls whose `complaint` is known (the pack has complaint rules).
    pub calls: u64,
    /// Calls with a complaint.
    pub complaints: u64,
    /// Complaint type → calls with that type.
    pub by_type: BTreeMap<String, u64>,
}

impl Complaints {
    /// Count one call.
    pub fn add(&mut self, complaint: Option<bool>, types: &[String]) {
        let Some(c) = complaint else {
            return;
        };
        self.calls += 1;
        self.complaints += u64::from(c);
        for t in types {
            *self.by_type.entry(t.clone()).or_default() += 1;
        }
    }
    /// Share of the calls with a complaint, `None` without known calls.
    pub fn share(&self) -> Option<f64> {
        (self.calls > 0).then(|| self.complaints as f64 / self.calls as f64)
    }
}

/// One utterance of a transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Utt {
    /// `operator`, `customer` or `mixed`.
    pub speaker: String,
    /// Start, s.
    pub start: f64,
    /// End, s.
    pub end: f64,
    /// Text.
    pub text: String,
    /// Tags (`greeting:…`, `interruption`, `long_pause_before:7.2` …).
    pub tags: Vec<String>,
    /// Most probable emotion.
    pub emotion: Option<String>,
    /// High-arousal probability.
    pub arousal: Option<f64>,
}

/// One row of the review queue.
#[derive(Debug, Clone, Default)]
pub struct ReviewRow {
    /// Day.
    pub date: String,
    /// Rank within the day.
    pub rank: i64,
    /// Sum of the reasons' weights.
    pub priority: f64,
    /// The reasons.
    pub reasons: String,
    /// The call.
    pub call_id: String,
    /// Operator.
    pub operator: Option<String>,
    /// Call start, µs.
    pub started_us: Option<i64>,
    /// Rating on its own scale, with the scale (`3/10`).
    pub rating: Option<String>,
    /// Predicted rating.
    pub predicted: Option<f64>,
}

/// One driver row (the latest analysis).
#[derive(Debug, Clone, Default)]
pub struct Driver {
    /// The `calls` column.
    pub element: String,
    /// `standard_element` / `acoustic`.
    pub kind: String,
    /// Unit of the effect.
    pub unit: String,
    /// Calls in the fit.
    pub n: i64,
    /// Effect on the 0–10 rating per unit.
    pub effect: Option<f64>,
    /// 95 % interval.
    pub ci_lo: Option<f64>,
    /// 95 % interval.
    pub ci_hi: Option<f64>,
    /// Holm-adjusted p-value.
    pub p_holm: Option<f64>,
    /// `proven` / `no_effect` / `inconclusive` / `too_few_data` (`no_evidence` in
    /// outputs of older versions: not proven).
    pub verdict: String,
    /// The equivalence margin of `no_effect` (± points), when the table has it.
    pub margin: Option<f64>,
    /// Operators in the fit, when the table has it.
    pub operators: Option<i64>,
    /// keep / drop / revise / …
    pub recommendation: String,
    /// A sentence.
    pub note: String,
}

/// Service Level pooled per 30-minute slot of the day, for one channel.
#[derive(Debug, Clone, Default)]
pub struct SlChannel {
    /// Channel.
    pub channel: String,
    /// Target, 0–1.
    pub target: f64,
    /// Threshold, s.
    pub threshold_s: f64,
    /// Minute of the day → (answered within threshold, offered − short abandons, offered).
    pub slots: BTreeMap<u32, (f64, f64, f64)>,
    /// Intervals measured / meeting the target (each day's intervals; the channel-total
    /// rows where the table has them, else every queue's).
    pub intervals_measured: u64,
    /// Intervals meeting the target.
    pub intervals_meeting: u64,
    /// Measured / meeting intervals of the channel-total rows.
    total_intervals: (u64, u64),
    /// Whether the table has channel-total rows for this channel.
    has_totals: bool,
}

/// Per-operator aggregates.
#[derive(Debug, Clone, Default)]
pub struct OpCard {
    /// Operator id (`None` for calls without one).
    pub id: Option<String>,
    /// Calls.
    pub calls: u64,
    /// Audio seconds.
    pub audio_s: f64,
    /// Mean smile score.
    pub smile: Mean,
    /// Mean speech score.
    pub speech: Mean,
    /// Mean smile & speech score.
    pub smile_speech: Mean,
    /// Mean process score.
    pub process: Mean,
    /// NPS.
    pub nps: Nps,
    /// Compliance per element.
    pub elements: [Rate; 8],
    /// Day → (smile, speech) means.
    pub trend: BTreeMap<String, (Mean, Mean)>,
    /// Complaints of the operator's calls.
    pub complaints: Complaints,
}

/// Per-day aggregates.
#[derive(Debug, Clone, Default)]
pub struct Day {
    /// Calls.
    pub calls: u64,
    /// Audio seconds.
    pub audio_s: f64,
    /// Mean smile & speech score.
    pub smile_speech: Mean,
    /// Complaints of the day's calls.
    pub complaints: Complaints,
}

/// Everything the page shows.
#[derive(Debug, Default)]
pub struct ReportData {
    /// Every call, by start time.
    pub calls: Vec<CallRow>,
    /// Whether the scores tables were found.
    pub has_scores: bool,
    /// Day → aggregates.
    pub days: BTreeMap<String, Day>,
    /// Operators, by id (no-operator group last).
    pub operators: Vec<OpCard>,
    /// Overall NPS.
    pub nps: Nps,
    /// Overall mean smile & speech score.
    pub smile_speech: Mean,
    /// Overall mean process score.
    pub process: Mean,
    /// Drivers of the latest analysis.
    pub drivers: Vec<Driver>,
    /// Service Level per channel (empty without `service_level/`).
    pub sl: Vec<SlChannel>,
    /// Review queue, by day then rank.
    pub review: Vec<ReviewRow>,
    /// Transcripts of the review queue's calls.
    pub transcripts: HashMap<String, Vec<Utt>>,
    /// Complaints of every call.
    pub complaints: Complaints,
}

impl ReportData {
    /// Total audio hours.
    pub fn audio_hours(&self) -> f64 {
        self.calls.iter().map(|c| c.duration_s).sum::<f64>() / 3600.0
    }
    /// Expected detractors among the unrated calls: the sum of their P(detractor);
    /// `None` when no call has one (no scores, or an older `scores` table).
    pub fn expected_detractors(&self) -> Option<f64> {
        let p: Vec<f64> = self.calls.iter().filter_map(|c| c.p_detractor).collect();
        (!p.is_empty()).then(|| p.iter().sum())
    }
    /// Overall Service Level over every channel's pooled totals.
    pub fn service_level(&self) -> Option<f64> {
        let (w, d) = self
            .sl
            .iter()
            .flat_map(|c| c.slots.values())
            .fold((0.0, 0.0), |(w, d), s| (w + s.0, d + s.1));
        (d > 0.0).then(|| w / d)
    }
}

fn num(t: &Table, c: &str, r: usize) -> Option<f64> {
    t.get(c, r).num()
}

fn text(t: &Table, c: &str, r: usize) -> Option<String> {
    t.get(c, r).text().map(str::to_string)
}

/// Where the score tables are: `--scores`, else the features folder when it holds them.
pub fn scores_dir<'a>(features: &'a Path, scores: Option<&'a Path>) -> Option<&'a Path> {
    match scores {
        Some(s) => Some(s),
        None => table_exists(&features.join("scores")).then_some(features),
    }
}

/// Read the tables and aggregate. `max_transcripts` bounds the transcripts carried
/// (the review queue's calls, best-ranked first).
pub fn load(
    features: &Path,
    scores: Option<&Path>,
    max_transcripts: usize,
) -> Result<ReportData, ReportError> {
    let calls_dir = features.join("calls");
    let t = read_table(
        &calls_dir,
        &[
            "call_id",
            "operator_id",
            "started_at",
            "duration_s",
            "greeting",
            "self_introduction",
            "thanks",
            "survey_offer",
            "farewell",
            "operator_interruptions",
            "long_pauses",
            "concrete_answers",
            "vague_answers",
            "operator_smile_index",
            "complaint",
            "complaint_types",
        ],
        None,
    )?;
    if t.rows == 0 {
        return Err(ReportError::NoCalls {
            path: calls_dir.display().to_string(),
        });
    }
    let mut d = ReportData::default();
    let mut seen = HashSet::new();
    for r in 0..t.rows {
        let Some(id) = text(&t, "call_id", r) else {
            continue;
        };
        let Some(started_us) = t.get("started_at", r).ts() else {
            continue;
        };
        if !seen.insert(id.clone()) {
            continue; // a call written twice: the first row counts
        }
        let flag = |c: &str| t.get(c, r).flag().map(|b| (f64::from(u8::from(b)), 1.0));
        let zero = |c: &str| num(&t, c, r).map(|v| (f64::from(u8::from(v == 0.0)), 1.0));
        let concrete = match (num(&t, "concrete_answers", r), num(&t, "vague_answers", r)) {
            (Some(c), Some(v)) if c + v > 0.0 => Some((c, c + v)),
            _ => None,
        };
        let date = match t.get("call_date", r) {
            V::Str(s) => s.clone(),
            _ => DateTime::<Utc>::from_timestamp_micros(started_us)
                .map(|t| t.date_naive().to_string())
                .unwrap_or_default(),
        };
        d.calls.push(CallRow {
            id,
            date,
            started_us,
            operator: text(&t, "operator_id", r),
            duration_s: num(&t, "duration_s", r).unwrap_or(0.0),
            elements: [
                flag("greeting"),
                flag("self_introduction"),
                flag("thanks"),
                flag("survey_offer"),
                flag("farewell"),
                zero("operator_interruptions"),
                zero("long_pauses"),
                concrete,
            ],
            smile: num(&t, "operator_smile_index", r),
            complaint: t.get("complaint", r).flag(),
            complaint_types: match t.get("complaint_types", r) {
                V::List(l) => l.clone(),
                _ => Vec::new(),
            },
            ..CallRow::default()
        });
    }
    drop(t);
    d.calls
        .sort_by(|a, b| (a.started_us, &a.id).cmp(&(b.started_us, &b.id)));
    let index: HashMap<String, usize> = d
        .calls
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();

    if let Some(sd) = scores_dir(features, scores) {
        let s = read_table(
            &sd.join("scores"),
            &[
                "call_id",
                "process_score",
                "smile_score",
                "speech_score",
                "smile_speech_score",
                "rating",
                "rating_scale",
                "nps_class",
                "predicted_rating",
                "p_detractor",
            ],
            None,
        )?;
        d.has_scores = s.rows > 0;
        for r in 0..s.rows {
            let Some(&i) = s.get("call_id", r).text().and_then(|id| index.get(id)) else {
                continue;
            };
            let c = &mut d.calls[i];
            c.process = num(&s, "process_score", r);
            c.smile = num(&s, "smile_score", r);
            c.speech = num(&s, "speech_score", r);
            c.smile_speech = num(&s, "smile_speech_score", r);
            c.rating = s.get("rating", r).num().map(|v| v as i64);
            c.rating_scale = text(&s, "rating_scale", r);
            c.nps_class = text(&s, "nps_class", r);
            c.predicted = num(&s, "predicted_rating", r);
            c.p_detractor = num(&s, "p_detractor", r);
        }
        d.drivers = read_drivers(&sd.join("drivers"))?;
        d.review = read_review(&sd.join("review_queue"), &d.calls, &index)?;
        d.sl = read_sl(&sd.join("service_level"))?;
    }
    aggregate(&mut d);

    let mut ranked: Vec<&ReviewRow> = d.review.iter().collect();
    ranked.sort_by(|a, b| (a.rank, &b.date).cmp(&(b.rank, &a.date)));
    let mut set = HashSet::new();
    for r in ranked {
        if set.len() >= max_transcripts {
            break;
        }
        set.insert(r.call_id.as_str());
    }
    if !set.is_empty() {
        d.transcripts = read_transcripts(&features.join("utterances"), &set)?;
    }
    Ok(d)
}

/// Fill the per-day, per-operator and overall aggregates from `d.calls`.
pub(crate) fn aggregate(d: &mut ReportData) {
    let mut ops: BTreeMap<Option<String>, OpCard> = BTreeMap::new();
    for c in &d.calls {
        let day = d.days.entry(c.date.clone()).or_default();
        day.calls += 1;
        day.audio_s += c.duration_s;
        day.smile_speech.add(c.smile_speech);
        day.complaints.add(c.complaint, &c.complaint_types);
        d.complaints.add(c.complaint, &c.complaint_types);
        d.nps.add(c.nps_class.as_deref(), c.rating_scale.as_deref());
        d.smile_speech.add(c.smile_speech);
        d.process.add(c.process);
        let o = ops.entry(c.operator.clone()).or_insert_with(|| OpCard {
            id: c.operator.clone(),
            ..OpCard::default()
        });
        o.calls += 1;
        o.audio_s += c.duration_s;
        o.smile.add(c.smile);
        o.speech.add(c.speech);
        o.smile_speech.add(c.smile_speech);
        o.process.add(c.process);
        o.nps.add(c.nps_class.as_deref(), c.rating_scale.as_deref());
        o.complaints.add(c.complaint, &c.complaint_types);
        for (k, e) in c.elements.iter().enumerate() {
            if let Some((n, den)) = e {
                o.elements[k].add(*n, *den);
            }
        }
        let tr = o.trend.entry(c.date.clone()).or_default();
        tr.0.add(c.smile);
        tr.1.add(c.speech);
    }
    // Named operators first (by id), the no-operator group last.
    let (mut named, none): (Vec<OpCard>, Vec<OpCard>) =
        ops.into_values().partition(|o| o.id.is_some());
    named.extend(none);
    d.operators = named;
}

fn read_drivers(dir: &Path) -> Result<Vec<Driver>, ReportError> {
    let t = read_table(
        dir,
        &[
            "element",
            "kind",
            "unit",
            "n",
            "effect",
            "ci_lo",
            "ci_hi",
            "p_value_holm",
            "verdict",
            "recommendation",
            "note",
            "equivalence_margin",
            "operators",
        ],
        None,
    )?;
    // The latest analysis only: the rows of the last partition.
    let last = (0..t.rows)
        .filter_map(|r| t.get("call_date", r).text().map(str::to_string))
        .max();
    let mut out = Vec::new();
    for r in 0..t.rows {
        if t.get("call_date", r).text().map(str::to_string) != last {
            continue;
        }
        out.push(Driver {
            element: text(&t, "element", r).unwrap_or_default(),
            kind: text(&t, "kind", r).unwrap_or_default(),
            unit: text(&t, "unit", r).unwrap_or_default(),
            n: num(&t, "n", r).unwrap_or(0.0) as i64,
            effect: num(&t, "effect", r),
            ci_lo: num(&t, "ci_lo", r),
            ci_hi: num(&t, "ci_hi", r),
            p_holm: num(&t, "p_value_holm", r),
            verdict: text(&t, "verdict", r).unwrap_or_default(),
            margin: num(&t, "equivalence_margin", r),
            operators: num(&t, "operators", r).map(|v| v as i64),
            recommendation: text(&t, "recommendation", r).unwrap_or_default(),
            note: text(&t, "note", r).unwrap_or_default(),
        });
    }
    // Standard elements first, then acoustic measures, each by element name.
    out.sort_by(|a, b| {
        (a.kind != "standard_element", &a.element).cmp(&(b.kind != "standard_element", &b.element))
    });
    Ok(out)
}

fn read_review(
    dir: &Path,
    calls: &[CallRow],
    index: &HashMap<String, usize>,
) -> Result<Vec<ReviewRow>, ReportError> {
    let t = read_table(
        dir,
        &[
            "rank",
            "priority",
            "reasons",
            "call_id",
            "operator_id",
            "started_at",
            "rating",
            "rating_scale",
            "predicted_rating",
        ],
        None,
    )?;
    let mut out = Vec::with_capacity(t.rows);
    for r in 0..t.rows {
        let Some(call_id) = text(&t, "call_id", r) else {
            continue;
        };
        let rating = match (t.get("rating", r).num(), t.get("rating_scale", r).text()) {
            (Some(v), Some("csat5")) => Some(format!("{v:.0}/5")),
            (Some(v), _) => Some(format!("{v:.0}/10")),
            _ => None,
        };
        let call = index.get(&call_id).map(|&i| &calls[i]);
        out.push(ReviewRow {
            date: text(&t, "call_date", r)
                .or_else(|| call.map(|c| c.date.clone()))
                .unwrap_or_default(),
            rank: num(&t, "rank", r).unwrap_or(0.0) as i64,
            priority: num(&t, "priority", r).unwrap_or(0.0),
            reasons: text(&t, "reasons", r).unwrap_or_default(),
            operator: text(&t, "operator_id", r).or_else(|| call.and_then(|c| c.operator.clone())),
            started_us: t.get("started_at", r).ts().or(call.map(|c| c.started_us)),
            rating,
            predicted: num(&t, "predicted_rating", r),
            call_id,
        });
    }
    out.sort_by(|a, b| (&a.date, a.rank).cmp(&(&b.date, b.rank)));
    Ok(out)
}

fn read_sl(dir: &Path) -> Result<Vec<SlChannel>, ReportError> {
    let t = read_table(
        dir,
        &[
            "interval_start",
            "interval_start_local",
            "level",
            "channel",
            "offered",
            "answered_within_threshold",
            "abandoned_short",
            "service_level",
            "threshold_s",
            "target",
            "meets_target",
        ],
        None,
    )?;
    let mut by: BTreeMap<String, SlChannel> = BTreeMap::new();
    for r in 0..t.rows {
        // The slot of the day on the contact centre's clock (older outputs: UTC).
        let Some(start) = t
            .get("interval_start_local", r)
            .ts()
            .or_else(|| t.get("interval_start", r).ts())
            .and_then(DateTime::<Utc>::from_timestamp_micros)
        else {
            continue;
        };
        let channel = text(&t, "channel", r).unwrap_or_default();
        let c = by.entry(channel.clone()).or_insert_with(|| SlChannel {
            channel,
            ..SlChannel::default()
        });
        c.target = num(&t, "target", r).unwrap_or(c.target);
        c.threshold_s = num(&t, "threshold_s", r).unwrap_or(c.threshold_s);
        let meets = t.get("meets_target", r).flag();
        // Channel-total rows (`level = channel`) repeat the queues' counts summed: they
        // give the channel's intervals meeting target, the queue rows the slots.
        if text(&t, "level", r).as_deref() == Some("channel") {
            c.has_totals = true;
            if let Some(m) = meets {
                c.total_intervals.0 += 1;
                c.total_intervals.1 += u64::from(m);
            }
            continue;
        }
        let offered = num(&t, "offered", r).unwrap_or(0.0);
        let within = num(&t, "answered_within_threshold", r).unwrap_or(0.0);
        let short = num(&t, "abandoned_short", r).unwrap_or(0.0);
        let minute = start.hour() * 60 + start.minute();
        let s = c.slots.entry(minute).or_insert((0.0, 0.0, 0.0));
        s.0 += within;
        s.1 += offered - short;
        s.2 += offered;
        if let Some(m) = meets {
            c.intervals_measured += 1;
            c.intervals_meeting += u64::from(m);
        }
    }
    for c in by.values_mut() {
        if c.has_totals {
            (c.intervals_measured, c.intervals_meeting) = c.total_intervals;
        }
    }
    Ok(by.into_values().collect())
}

fn read_transcripts(
    dir: &Path,
    calls: &HashSet<&str>,
) -> Result<HashMap<String, Vec<Utt>>, ReportError> {
    let test = |v: &V| v.text().is_some_and(|id| calls.contains(id));
    let t = read_table(
        dir,
        &[
            "call_id", "idx", "speaker", "start_s", "end_s", "text", "tags", "emotion", "arousal",
        ],
        Some(("call_id", &test)),
    )?;
    let mut out: HashMap<String, Vec<(i64, Utt)>> = HashMap::new();
    for r in 0..t.rows {
        let Some(id) = text(&t, "call_id", r) else {
            continue;
        };
        let tags = match t.get("tags", r) {
            V::List(l) => l.clone(),
            _ => Vec::new(),
        };
        out.entry(id).or_default().push((
            num(&t, "idx", r).unwrap_or(0.0) as i64,
            Utt {
                speaker: text(&t, "speaker", r).unwrap_or_default(),
                start: num(&t, "start_s", r).unwrap_or(0.0),
                end: num(&t, "end_s", r).unwrap_or(0.0),
                text: text(&t, "text", r).unwrap_or_default(),
                tags,
                emotion: text(&t, "emotion", r),
                arousal: num(&t, "arousal", r),
            },
        ));
    }
    Ok(out
        .into_iter()
        .map(|(id, mut v)| {
            v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.start.total_cmp(&b.1.start)));
            (id, v.into_iter().map(|x| x.1).collect())
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_means_and_nps() {
        let mut r = Rate::default();
        assert_eq!(r.value(), None);
        r.flag(Some(true));
        r.flag(Some(false));
        r.flag(None);
        assert_eq!(r.value(), Some(0.5));
        let mut m = Mean::default();
        m.add(Some(10.0));
        m.add(None);
        m.add(Some(20.0));
        assert_eq!(m.value(), Some(15.0));
        let mut n = Nps::default();
        for c in [
            Some("promoter"),
            Some("promoter"),
            Some("detractor"),
            Some("passive"),
            None,
        ] {
            n.add(c, Some("nps10"));
        }
        assert_eq!(n.rated, 4);
        assert_eq!(n.value(), Some(25.0));
        // A csat5 rating is rated, but not part of NPS.
        n.add(Some("detractor"), Some("csat5"));
        assert_eq!((n.rated, n.nps_calls), (5, 4));
        assert_eq!(n.value(), Some(25.0));
    }

    #[test]
    fn aggregate_groups_by_operator_and_day() {
        let mut d = ReportData::default();
        for (i, op) in [Some("a"), Some("b"), None, Some("a")].iter().enumerate() {
            d.calls.push(CallRow {
                id: format!("c{i}"),
                date: if i < 2 { "2026-11-02" } else { "2026-11-03" }.into(),
                operator: op.map(str::to_string),
                duration_s: 1800.0,
                elements: [
                    Some((1.0, 1.0)),
                    Some((0.0, 1.0)),
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some((1.0, 2.0)),
                ],
                smile_speech: Some(50.0 + i as f64),
                nps_class: Some("promoter".into()),
                ..CallRow::default()
            });
        }
        aggregate(&mut d);
        assert_eq!(d.operators.len(), 3);
        assert_eq!(d.operators[0].id.as_deref(), Some("a"));
        assert_eq!(d.operators[2].id, None, "no-operator group last");
        assert_eq!(d.operators[0].calls, 2);
        assert_eq!(d.operators[0].elements[0].value(), Some(1.0));
        assert_eq!(d.operators[0].elements[7].value(), Some(0.5));
        assert_eq!(d.days.len(), 2);
        assert!((d.audio_hours() - 2.0).abs() < 1e-9);
        assert_eq!(d.nps.value(), Some(100.0));
        assert_eq!(d.smile_speech.value(), Some(51.5));
        assert_eq!(d.expected_detractors(), None);
        d.calls[0].p_detractor = Some(0.25);
        d.calls[1].p_detractor = Some(0.5);
        assert_eq!(d.expected_detractors(), Some(0.75));
    }

    #[test]
    fn complaints_per_operator_and_day() {
        let mut d = ReportData::default();
        let calls = [
            ("a", "2026-11-02", Some(true), vec!["supervisor", "service"]),
            ("a", "2026-11-02", Some(false), vec![]),
            ("b", "2026-11-03", Some(true), vec!["churn"]),
            ("b", "2026-11-03", None, vec![]),
        ];
        for (i, (op, day, c, types)) in calls.into_iter().enumerate() {
            d.calls.push(CallRow {
                id: format!("c{i}"),
                date: day.into(),
                operator: Some(op.into()),
                complaint: c,
                complaint_types: types.into_iter().map(str::to_string).collect(),
                ..CallRow::default()
            });
        }
        aggregate(&mut d);
        let a = &d.operators[0].complaints;
        assert_eq!((a.calls, a.complaints, a.share()), (2, 1, Some(0.5)));
        assert_eq!(a.by_type["service"], 1);
        let b = &d.operators[1].complaints;
        assert_eq!(
            (b.calls, b.complaints),
            (1, 1),
            "a call without complaint rules is not counted"
        );
        assert_eq!(d.days["2026-11-03"].complaints.by_type["churn"], 1);
        assert_eq!(d.complaints.complaints, 2);
        assert_eq!(d.complaints.by_type.len(), 3);
    }
}
