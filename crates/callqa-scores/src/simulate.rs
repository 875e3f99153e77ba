//! Synthetic months with known truth, for the simulation study of the drivers
//! (`tests/simulation.rs`) and the calibration test of the predictions.
//!
//! A month is what a contact centre looks like to [`crate::drivers`]: operators with
//! their own rating level (a random effect) and habits that go with it (good operators
//! greet more and interrupt less), calls whose complexity (customer questions) both
//! lowers the rating and raises the answer counts, ratings on two scales (csat5 and
//! nps10, with csat raters a little more generous), rounded and clipped like real ones.
//! Which elements really move the rating, and by how much, is set in [`Truth`].

use crate::calls::Call;
use crate::ratings::{Rating, Scale};
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// True effects on the latent 0–10 rating, per unit of each element.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Truth {
    /// Per vague answer.
    pub vague_answers: f64,
    /// Per operator interruption.
    pub operator_interruptions: f64,
    /// Self-introduction, yes vs no.
    pub self_introduction: f64,
    /// Greeting, yes vs no.
    pub greeting: f64,
}

/// How a month is generated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthSpec {
    /// Operators.
    pub operators: usize,
    /// Calls, every one rated unless `rated_share` < 1.
    pub calls: usize,
    /// Share of calls with a rating.
    pub rated_share: f64,
    /// Mean latent rating of a call of average complexity, 0–10.
    pub level: f64,
    /// Standard deviation of the operators' own rating levels, points.
    pub operator_sd: f64,
    /// Standard deviation of the call-to-call noise, points.
    pub noise_sd: f64,
    /// How strongly habits follow operator quality (0: not at all).
    pub habit_tie: f64,
    /// Rating points per customer question (call complexity), usually negative.
    pub per_question: f64,
    /// Share of ratings given on the csat5 scale.
    pub csat_share: f64,
    /// Extra points csat raters give on the latent scale.
    pub csat_shift: f64,
    /// The true element effects.
    pub truth: Truth,
    /// Operators that differ in size and noise: operator k (0-based) takes calls in
    /// proportion to k + 1 (the largest has G times the smallest's calls), and its call
    /// noise sd runs from 0.5 to 1.5 × `noise_sd` across the operators. `false`: every
    /// operator takes every G-th call and the same noise.
    pub unequal: bool,
}

impl Default for MonthSpec {
    fn default() -> Self {
        MonthSpec {
            operators: 12,
            calls: 300,
            rated_share: 1.0,
            level: 7.5,
            operator_sd: 1.0,
            noise_sd: 2.0,
            habit_tie: 1.0,
            per_question: -0.4,
            csat_share: 0.3,
            csat_shift: 0.5,
            truth: Truth::default(),
            unequal: false,
        }
    }
}

/// A generated month: calls, and the ratings of the rated ones.
#[derive(Debug, Clone)]
pub struct Month {
    /// Every call.
    pub calls: Vec<Call>,
    /// Ratings, by call index (`None`: unrated).
    pub ratings: Vec<Option<Rating>>,
    /// The latent rating of every call (what a rating would have been, before rounding
    /// and clipping), for calibration checks.
    pub latent: Vec<f64>,
}

impl Month {
    /// The rated calls with their ratings, as [`crate::drivers::drivers`] takes them.
    pub fn rated(&self) -> Vec<(&Call, &Rating)> {
        self.calls
            .iter()
            .zip(&self.ratings)
            .filter_map(|(c, r)| r.as_ref().map(|r| (c, r)))
            .collect()
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller; rand 0.9 has no normal distribution without rand_distr.
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> f64 {
    // Knuth's method: fine for the small rates used here.
    let l = (-lambda).exp();
    let (mut k, mut p) = (0.0, 1.0);
    loop {
        p *= rng.random_range(0.0..1.0);
        if p <= l {
            return k;
        }
        k += 1.0;
    }
}

fn binomial(rng: &mut ChaCha8Rng, n: f64, p: f64) -> f64 {
    (0..n as usize)
        .filter(|_| rng.random_bool(p.clamp(0.0, 1.0)))
        .count() as f64
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Generate one month from `spec` with `seed`.
pub fn month(spec: &MonthSpec, seed: u64) -> Month {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let levels: Vec<f64> = (0..spec.operators)
        .map(|_| spec.operator_sd * normal(&mut rng))
        .collect();
    let start: DateTime<Utc> = DateTime::from_timestamp(1_793_491_200, 0).unwrap_or_default();
    let t = &spec.truth;
    let mut out = Month {
        calls: Vec::with_capacity(spec.calls),
        ratings: Vec::with_capacity(spec.calls),
        latent: Vec::with_capacity(spec.calls),
    };
    let g = spec.operators.max(1);
    // Unequal operators: call i goes to the operator whose cumulative share covers it.
    let total_weight = (g * (g + 1) / 2) as f64;
    let unequal_op = |i: usize| -> usize {
        let pos = (i as f64 + 0.5) / spec.calls.max(1) as f64 * total_weight;
        let mut acc = 0.0;
        for k in 0..g {
            acc += (k + 1) as f64;
            if pos < acc {
                return k;
            }
        }
        g - 1
    };
    for i in 0..spec.calls {
        let (op, noise_sd) = if spec.unequal {
            let op = unequal_op(i);
            let spread = if g > 1 {
                op as f64 / (g - 1) as f64
            } else {
                0.5
            };
            (op, spec.noise_sd * (0.5 + spread))
        } else {
            (i % g, spec.noise_sd)
        };
        let u = levels[op];
        // Habits follow quality: better operators greet more, interrupt and hedge less.
        let tie = spec.habit_tie * u / spec.operator_sd.max(1e-9);
        let q = 1.0 + poisson(&mut rng, 1.5);
        let vague = binomial(&mut rng, q, logistic(-1.2 - 0.5 * tie));
        let concrete = binomial(&mut rng, q - vague, 0.85);
        let interruptions = poisson(&mut rng, 0.8 * (-0.4 * tie).exp()).min(6.0);
        let greeting = rng.random_bool(logistic(1.0 + tie));
        let intro = rng.random_bool(0.7);
        let started_at = start + Duration::minutes(i as i64 * 7);
        let call = Call {
            call_id: format!("s{i:05}"),
            operator_id: Some(format!("op{op:02}")),
            started_at,
            call_date: started_at.date_naive(),
            duration_s: Some(120.0 + 60.0 * q + 30.0 * normal(&mut rng).abs()),
            greeting: Some(greeting),
            self_introduction: Some(intro),
            thanks: Some(rng.random_bool(0.8)),
            survey_offer: Some(rng.random_bool(0.5)),
            farewell: Some(rng.random_bool(0.85)),
            long_pauses: Some(poisson(&mut rng, 0.4)),
            operator_interruptions: Some(interruptions),
            customer_questions: Some(q),
            concrete_answers: Some(concrete),
            vague_answers: Some(vague),
            unanswered_questions: Some(q - vague - concrete),
            ..Call::default()
        };
        let csat = rng.random_bool(spec.csat_share);
        let y = spec.level
            + u
            + spec.per_question * (q - 2.5)
            + t.vague_answers * vague
            + t.operator_interruptions * interruptions
            + t.self_introduction * f64::from(u8::from(intro))
            + t.greeting * f64::from(u8::from(greeting))
            + if csat { spec.csat_shift } else { 0.0 }
            + noise_sd * normal(&mut rng);
        let rating = rng.random_bool(spec.rated_share).then(|| {
            let (scale, value) = if csat {
                (Scale::Csat5, (y / 2.5 + 1.0).round().clamp(1.0, 5.0))
            } else {
                (Scale::Nps10, y.round().clamp(0.0, 10.0))
            };
            Rating {
                call_id: call.call_id.clone(),
                value,
                scale,
                rated_at: None,
            }
        });
        out.calls.push(call);
        out.ratings.push(rating);
        out.latent.push(y);
    }
    out
}
