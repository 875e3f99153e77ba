//! Arrow batches of the score tables, one per `call_date` partition, written through
//! `callqa_parquet::ParquetSink::write_batches` (same layout, zstd and atomic files as
//! the call tables). Columns are documented in `docs/SCHEMA.md`.

use crate::daily::OperatorDay;
use crate::drivers::DriverRow;
use crate::review::ReviewItem;
use crate::service_level::{Counts, DayRow, IntervalRow};
use crate::ScoredCall;
use arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, RecordBatch, StringArray,
    TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::error::ArrowError;
use callqa_core::ScoresConfig;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Columns of one batch under construction.
#[derive(Default)]
struct Cols {
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
}

impl Cols {
    fn push(&mut self, name: &str, t: DataType, nullable: bool, a: ArrayRef) -> &mut Self {
        self.fields.push(Field::new(name, t, nullable));
        self.arrays.push(a);
        self
    }
    fn s<'a>(
        &mut self,
        name: &str,
        v: impl Iterator<Item = Option<&'a str>>,
        nullable: bool,
    ) -> &mut Self {
        self.push(
            name,
            DataType::Utf8,
            nullable,
            Arc::new(v.collect::<StringArray>()),
        )
    }
    fn f(&mut self, name: &str, v: impl Iterator<Item = Option<f64>>) -> &mut Self {
        self.push(
            name,
            DataType::Float64,
            true,
            Arc::new(v.collect::<Float64Array>()),
        )
    }
    /// A DOUBLE column that always has a value (NOT NULL in the schema).
    fn fr(&mut self, name: &str, v: impl Iterator<Item = f64>) -> &mut Self {
        self.push(
            name,
            DataType::Float64,
            false,
            Arc::new(v.map(Some).collect::<Float64Array>()),
        )
    }
    fn i(&mut self, name: &str, v: impl Iterator<Item = Option<i32>>, nullable: bool) -> &mut Self {
        self.push(
            name,
            DataType::Int32,
            nullable,
            Arc::new(v.collect::<Int32Array>()),
        )
    }
    fn b(&mut self, name: &str, v: impl Iterator<Item = Option<bool>>) -> &mut Self {
        self.push(
            name,
            DataType::Boolean,
            true,
            Arc::new(v.collect::<BooleanArray>()),
        )
    }
    fn ts(
        &mut self,
        name: &str,
        v: impl Iterator<Item = Option<DateTime<Utc>>>,
        nullable: bool,
    ) -> &mut Self {
        let a = v
            .map(|t| t.map(|t| t.timestamp_micros()))
            .collect::<TimestampMicrosecondArray>()
            .with_timezone("UTC");
        self.push(
            name,
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            nullable,
            Arc::new(a),
        )
    }
    fn local(&mut self, name: &str, v: impl Iterator<Item = NaiveDateTime>) -> &mut Self {
        let a = v
            .map(|t| Some(t.and_utc().timestamp_micros()))
            .collect::<TimestampMicrosecondArray>();
        self.push(
            name,
            DataType::Timestamp(TimeUnit::Microsecond, None),
            false,
            Arc::new(a),
        )
    }
    fn d(&mut self, name: &str, v: impl Iterator<Item = Option<NaiveDate>>) -> &mut Self {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let a = v
            .map(|d| d.and_then(|d| i32::try_from((d - epoch).num_days()).ok()))
            .collect::<Date32Array>();
        self.push(name, DataType::Date32, false, Arc::new(a))
    }
    fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let schema = Arc::new(Schema::new(std::mem::take(&mut self.fields)));
        RecordBatch::try_new(schema, std::mem::take(&mut self.arrays))
    }
}

/// A table split into one batch per date.
pub type Parts = Vec<(Option<NaiveDate>, RecordBatch)>;

fn partitioned<R>(
    rows: &[R],
    date: impl Fn(&R) -> NaiveDate,
    build: impl Fn(&[&R]) -> Result<RecordBatch, ArrowError>,
) -> Result<Parts, ArrowError> {
    let mut groups: BTreeMap<NaiveDate, Vec<&R>> = BTreeMap::new();
    for r in rows {
        groups.entry(date(r)).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|(d, g)| Ok((Some(d), build(&g)?)))
        .collect()
}

fn i32_of(v: f64) -> Option<i32> {
    // Ratings are validated integers in 0–10.
    (v.is_finite() && v.abs() < 1e9).then_some(v as i32)
}

/// `scores/`.
pub fn scores(calls: &[ScoredCall], scored_at: DateTime<Utc>) -> Result<Parts, ArrowError> {
    partitioned(
        calls,
        |c| c.call.call_date,
        |g| {
            let mut c = Cols::default();
            c.s(
                "call_id",
                g.iter().map(|r| Some(r.call.call_id.as_str())),
                false,
            )
            .s(
                "operator_id",
                g.iter().map(|r| r.call.operator_id.as_deref()),
                true,
            )
            .ts(
                "started_at",
                g.iter().map(|r| Some(r.call.started_at)),
                false,
            )
            .f("process_score", g.iter().map(|r| r.scores.process_score))
            .f("smile_score", g.iter().map(|r| r.scores.smile_score))
            .f("speech_score", g.iter().map(|r| r.scores.speech_score))
            .f(
                "smile_speech_score",
                g.iter().map(|r| r.scores.smile_speech_score),
            )
            .i(
                "rating",
                g.iter()
                    .map(|r| r.rating.as_ref().and_then(|x| i32_of(x.value))),
                true,
            )
            .s(
                "rating_scale",
                g.iter().map(|r| r.rating.as_ref().map(|x| x.scale.name())),
                true,
            )
            .f(
                "rating_10",
                g.iter().map(|r| r.rating.as_ref().map(|x| x.common())),
            )
            .s(
                "nps_class",
                g.iter()
                    .map(|r| r.rating.as_ref().map(|x| x.class().name())),
                true,
            )
            .ts(
                "rated_at",
                g.iter().map(|r| r.rating.as_ref().and_then(|x| x.rated_at)),
                true,
            )
            .f(
                "predicted_rating",
                g.iter().map(|r| r.unrated_prediction().map(|p| p.rating)),
            )
            .f(
                "predicted_rating_lo",
                g.iter().map(|r| r.unrated_prediction().map(|p| p.lo)),
            )
            .f(
                "predicted_rating_hi",
                g.iter().map(|r| r.unrated_prediction().map(|p| p.hi)),
            )
            .s(
                "predicted_nps_class",
                g.iter()
                    .map(|r| r.unrated_prediction().map(|p| p.class().name())),
                true,
            )
            .f(
                "p_detractor",
                g.iter()
                    .map(|r| r.unrated_prediction().map(|p| p.p_detractor)),
            )
            .f(
                "p_promoter",
                g.iter()
                    .map(|r| r.unrated_prediction().map(|p| p.p_promoter)),
            )
            .ts("scored_at", g.iter().map(|_| Some(scored_at)), false);
            c.finish()
        },
    )
}

/// `operator_daily/`.
pub fn operator_daily(rows: &[OperatorDay]) -> Result<Parts, ArrowError> {
    partitioned(
        rows,
        |r| r.call_date,
        |g| {
            let mut c = Cols::default();
            let f = |k: fn(&OperatorDay) -> Option<f64>| g.iter().map(move |r| k(r));
            let i = |k: fn(&OperatorDay) -> i32| g.iter().map(move |r| Some(k(r)));
            c.s(
                "operator_id",
                g.iter().map(|r| r.operator_id.as_deref()),
                true,
            )
            .i("calls", i(|r| r.calls), false)
            .i("rated_calls", i(|r| r.rated_calls), false)
            .f("mean_rating_10", f(|r| r.mean_rating_10))
            .i("promoters", i(|r| r.promoters), false)
            .i("passives", i(|r| r.passives), false)
            .i("detractors", i(|r| r.detractors), false)
            .i("nps_calls", i(|r| r.nps_calls), false)
            .f("nps", f(|r| r.nps))
            .i("csat_calls", i(|r| r.csat_calls), false)
            .f("csat_mean", f(|r| r.csat_mean))
            .f("csat_pct", f(|r| r.csat_pct))
            .i("predicted_detractors", i(|r| r.predicted_detractors), false)
            .f("expected_detractors", f(|r| r.expected_detractors))
            .f("mean_process_score", f(|r| r.mean_process_score))
            .f("mean_smile_score", f(|r| r.mean_smile_score))
            .f("mean_speech_score", f(|r| r.mean_speech_score))
            .f("mean_smile_speech_score", f(|r| r.mean_smile_speech_score))
            .i("smile_speech_calls", i(|r| r.smile_speech_calls), false)
            .f("greeting_rate", f(|r| r.greeting_rate))
            .f("self_introduction_rate", f(|r| r.self_introduction_rate))
            .f("no_interruptions_rate", f(|r| r.no_interruptions_rate))
            .f("no_long_pauses_rate", f(|r| r.no_long_pauses_rate))
            .f("concrete_answer_rate", f(|r| r.concrete_answer_rate))
            .f("thanks_rate", f(|r| r.thanks_rate))
            .f("survey_offer_rate", f(|r| r.survey_offer_rate))
            .f("farewell_rate", f(|r| r.farewell_rate));
            c.finish()
        },
    )
}

/// How the drivers' uncertainty was computed, in words (the `method` column).
pub fn drivers_method(cfg: &ScoresConfig) -> String {
    format!(
        "least squares with operator fixed effects; standard errors clustered by operator_id; p-values and {:.0} % intervals from the restricted wild cluster bootstrap by operator (Webb weights, {} draws, seed {}, interval by test inversion) with at least {} operators, from the CR2 t test with Bell-McCaffrey degrees of freedom with fewer (column test); Holm over the fitted rows; no_effect = interval within +-{} points",
        100.0 * (1.0 - cfg.alpha),
        cfg.bootstrap_samples,
        cfg.seed,
        cfg.bootstrap_min_operators,
        cfg.equivalence_margin
    )
}

/// `drivers/`: one partition, the last call date of the period.
pub fn drivers(
    rows: &[DriverRow],
    period: (NaiveDate, NaiveDate),
    rated_calls: usize,
    computed_at: DateTime<Utc>,
    cfg: &ScoresConfig,
) -> Result<Parts, ArrowError> {
    let method = drivers_method(cfg);
    let n = |v: usize| Some(i32::try_from(v).unwrap_or(i32::MAX));
    let mut c = Cols::default();
    c.s(
        "element",
        rows.iter().map(|r| Some(r.element.as_str())),
        false,
    )
    .s("kind", rows.iter().map(|r| Some(r.kind.name())), false)
    .s("unit", rows.iter().map(|r| Some(r.unit.as_str())), false)
    .i("n", rows.iter().map(|r| n(r.n)), false)
    .i("operators", rows.iter().map(|r| n(r.operators)), false)
    .f("effect", rows.iter().map(|r| r.effect))
    .f("ci_lo", rows.iter().map(|r| r.ci_lo))
    .f("ci_hi", rows.iter().map(|r| r.ci_hi))
    .f("effect_per_sd", rows.iter().map(|r| r.effect_per_sd))
    .f("std_error", rows.iter().map(|r| r.std_error))
    .f("p_value", rows.iter().map(|r| r.p_value))
    .f(
        "p_value_cluster_t",
        rows.iter().map(|r| r.p_value_cluster_t),
    )
    .f("p_value_holm", rows.iter().map(|r| r.p_value_holm))
    .s(
        "verdict",
        rows.iter().map(|r| Some(r.verdict.name())),
        false,
    )
    .s(
        "recommendation",
        rows.iter().map(|r| Some(r.recommendation)),
        false,
    )
    .s("note", rows.iter().map(|r| Some(r.note.as_str())), false)
    .f("model_r2", rows.iter().map(|r| r.model_r2))
    .s(
        "controls",
        rows.iter()
            .map(|r| Some(r.controls.as_str()).filter(|c| !c.is_empty())),
        true,
    )
    .fr(
        "equivalence_margin",
        rows.iter().map(|_| cfg.equivalence_margin),
    )
    .s("method", rows.iter().map(|_| Some(method.as_str())), false)
    .i("rated_calls", rows.iter().map(|_| n(rated_calls)), false)
    .d("period_start", rows.iter().map(|_| Some(period.0)))
    .d("period_end", rows.iter().map(|_| Some(period.1)))
    .ts("computed_at", rows.iter().map(|_| Some(computed_at)), false)
    .s("test", rows.iter().map(|r| r.test.map(|t| t.name())), true);
    Ok(vec![(Some(period.1), c.finish()?)])
}

/// `review_queue/`.
pub fn review_queue(items: &[ReviewItem], calls: &[ScoredCall]) -> Result<Parts, ArrowError> {
    partitioned(
        items,
        |r| r.call_date,
        |g| {
            let call = |r: &ReviewItem| &calls[r.index];
            let mut c = Cols::default();
            c.i("rank", g.iter().map(|r| Some(r.rank)), false)
                .fr("priority", g.iter().map(|r| r.priority))
                .s("reasons", g.iter().map(|r| Some(r.reasons.as_str())), false)
                .s(
                    "call_id",
                    g.iter().map(|r| Some(call(r).call.call_id.as_str())),
                    false,
                )
                .s(
                    "operator_id",
                    g.iter().map(|r| call(r).call.operator_id.as_deref()),
                    true,
                )
                .ts(
                    "started_at",
                    g.iter().map(|r| Some(call(r).call.started_at)),
                    false,
                )
                .i(
                    "rating",
                    g.iter()
                        .map(|r| call(r).rating.as_ref().and_then(|x| i32_of(x.value))),
                    true,
                )
                .s(
                    "rating_scale",
                    g.iter()
                        .map(|r| call(r).rating.as_ref().map(|x| x.scale.name())),
                    true,
                )
                .f(
                    "predicted_rating",
                    g.iter()
                        .map(|r| call(r).unrated_prediction().map(|p| p.rating)),
                )
                .f(
                    "p_detractor",
                    g.iter()
                        .map(|r| call(r).unrated_prediction().map(|p| p.p_detractor)),
                )
                .f(
                    "process_score",
                    g.iter().map(|r| call(r).scores.process_score),
                )
                .f(
                    "smile_speech_score",
                    g.iter().map(|r| call(r).scores.smile_speech_score),
                );
            c.finish()
        },
    )
}

/// `service_level/`.
pub fn service_level(rows: &[IntervalRow]) -> Result<Parts, ArrowError> {
    partitioned(rows, IntervalRow::date, |g| {
        let mut c = Cols::default();
        let i = |k: fn(&Counts) -> i32| g.iter().map(move |r| Some(k(&r.counts)));
        c.ts(
            "interval_start",
            g.iter().map(|r| Some(r.interval_start)),
            false,
        )
        .local(
            "interval_start_local",
            g.iter().map(|r| r.interval_start_local),
        )
        .s("level", g.iter().map(|r| Some(r.level.name())), false)
        .s("channel", g.iter().map(|r| Some(r.channel.as_str())), false)
        .s("queue", g.iter().map(|r| r.queue.as_deref()), true)
        .i("offered", i(|c| c.offered), false)
        .i("answered", i(|c| c.answered), false)
        .i(
            "answered_within_threshold",
            i(|c| c.answered_within_threshold),
            false,
        )
        .i("abandoned", i(|c| c.abandoned), false)
        .i("abandoned_short", i(|c| c.abandoned_short), false)
        .f("service_level", g.iter().map(|r| r.service_level))
        .f("avg_answer_s", g.iter().map(|r| r.avg_answer_s))
        .fr("threshold_s", g.iter().map(|r| r.threshold_s))
        .fr("target", g.iter().map(|r| r.target))
        .b("meets_target", g.iter().map(|r| r.meets_target));
        c.finish()
    })
}

/// `service_level_daily/`.
pub fn service_level_daily(rows: &[DayRow]) -> Result<Parts, ArrowError> {
    partitioned(
        rows,
        |r| r.call_date,
        |g| {
            let mut c = Cols::default();
            let i = |k: fn(&DayRow) -> i32| g.iter().map(move |r| Some(k(r)));
            let n = |k: fn(&Counts) -> i32| g.iter().map(move |r| Some(k(&r.counts)));
            c.s("level", g.iter().map(|r| Some(r.level.name())), false)
                .s("channel", g.iter().map(|r| Some(r.channel.as_str())), false)
                .s("queue", g.iter().map(|r| r.queue.as_deref()), true)
                .i("intervals", i(|r| r.intervals), false)
                .i("intervals_measured", i(|r| r.intervals_measured), false)
                .i(
                    "intervals_meeting_target",
                    i(|r| r.intervals_meeting_target),
                    false,
                )
                .f(
                    "share_meeting_target",
                    g.iter().map(|r| r.share_meeting_target),
                )
                .i("offered", n(|c| c.offered), false)
                .i("answered", n(|c| c.answered), false)
                .i(
                    "answered_within_threshold",
                    n(|c| c.answered_within_threshold),
                    false,
                )
                .i("abandoned", n(|c| c.abandoned), false)
                .i("abandoned_short", n(|c| c.abandoned_short), false)
                .f("service_level", g.iter().map(|r| r.service_level))
                .fr("threshold_s", g.iter().map(|r| r.threshold_s))
                .fr("target", g.iter().map(|r| r.target));
            c.finish()
        },
    )
}
