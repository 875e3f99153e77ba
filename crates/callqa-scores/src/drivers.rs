//! Which elements of the standard and which acoustic measures move the ratings.
//!
//! The elements are fitted jointly, each controlling for the others: rating on the
//! common 0–10 scale = intercept + Σ effect × element, by least squares over the rated
//! calls where every element is known. Each acoustic measure is then added to that model
//! on its own (rated calls where it is known), so its effect is net of the elements.
//! Confidence intervals are percentile bootstraps over calls with a fixed seed, p-values
//! are t-tests adjusted across all rows by Holm's method, and a row is `proven` only when
//! both the adjusted p-value is below `alpha` and the interval excludes 0.

use crate::calls::Call;
use crate::stats::{bootstrap_ci, holm, ols, Ols};
use callqa_core::ScoresConfig;
use nalgebra::{DMatrix, DVector};

/// Element of the standard or acoustic measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An element of the service standard (a `calls` script column).
    Element,
    /// A smile-monitoring measure.
    Acoustic,
}

impl Kind {
    /// `standard_element` / `acoustic`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Element => "standard_element",
            Kind::Acoustic => "acoustic",
        }
    }
}

/// A predictor: a `calls` column in the unit its effect is reported in.
#[derive(Debug, Clone, Copy)]
pub struct Predictor {
    /// The `calls` column.
    pub name: &'static str,
    /// Element or acoustic measure.
    pub kind: Kind,
    /// What one unit of the effect is.
    pub unit: &'static str,
    /// The value, in that unit.
    pub get: fn(&Call) -> Option<f64>,
    /// +1 when the standard wants more of it (greeting), −1 when less (interruptions).
    pub wanted: f64,
}

fn yes(v: Option<bool>) -> Option<f64> {
    v.map(|b| if b { 1.0 } else { 0.0 })
}

/// The elements of the standard, fitted jointly.
pub const ELEMENTS: [Predictor; 9] = [
    Predictor {
        name: "greeting",
        kind: Kind::Element,
        unit: "yes vs no",
        get: |c| yes(c.greeting),
        wanted: 1.0,
    },
    Predictor {
        name: "self_introduction",
        kind: Kind::Element,
        unit: "yes vs no",
        get: |c| yes(c.self_introduction),
        wanted: 1.0,
    },
    Predictor {
        name: "operator_interruptions",
        kind: Kind::Element,
        unit: "per interruption",
        get: |c| c.operator_interruptions,
        wanted: -1.0,
    },
    Predictor {
        name: "long_pauses",
        kind: Kind::Element,
        unit: "per long pause",
        get: |c| c.long_pauses,
        wanted: -1.0,
    },
    Predictor {
        name: "concrete_answers",
        kind: Kind::Element,
        unit: "per concrete answer",
        get: |c| c.concrete_answers,
        wanted: 1.0,
    },
    Predictor {
        name: "vague_answers",
        kind: Kind::Element,
        unit: "per vague answer",
        get: |c| c.vague_answers,
        wanted: -1.0,
    },
    Predictor {
        name: "thanks",
        kind: Kind::Element,
        unit: "yes vs no",
        get: |c| yes(c.thanks),
        wanted: 1.0,
    },
    Predictor {
        name: "survey_offer",
        kind: Kind::Element,
        unit: "yes vs no",
        get: |c| yes(c.survey_offer),
        wanted: 1.0,
    },
    Predictor {
        name: "farewell",
        kind: Kind::Element,
        unit: "yes vs no",
        get: |c| yes(c.farewell),
        wanted: 1.0,
    },
];

/// The acoustic measures, each added to the element model on its own.
pub const ACOUSTIC: [Predictor; 8] = [
    Predictor {
        name: "operator_smile_index",
        kind: Kind::Acoustic,
        unit: "per 10 index points",
        get: |c| c.operator_smile_index.map(|v| v / 10.0),
        wanted: 1.0,
    },
    Predictor {
        name: "operator_negative_share",
        kind: Kind::Acoustic,
        unit: "per 0.1 share",
        get: |c| c.operator_negative_share.map(|v| v * 10.0),
        wanted: -1.0,
    },
    Predictor {
        name: "customer_anger_share",
        kind: Kind::Acoustic,
        unit: "per 0.1 share",
        get: |c| c.customer_anger_share.map(|v| v * 10.0),
        wanted: -1.0,
    },
    Predictor {
        name: "customer_arousal_max",
        kind: Kind::Acoustic,
        unit: "per 0.1 probability",
        get: |c| c.customer_arousal_max.map(|v| v * 10.0),
        wanted: -1.0,
    },
    Predictor {
        name: "operator_arousal_mean",
        kind: Kind::Acoustic,
        unit: "per 0.1 probability",
        get: |c| c.operator_arousal_mean.map(|v| v * 10.0),
        wanted: -1.0,
    },
    Predictor {
        name: "calm_under_pressure",
        kind: Kind::Acoustic,
        unit: "per 0.1 share",
        get: |c| c.calm_under_pressure.map(|v| v * 10.0),
        wanted: 1.0,
    },
    Predictor {
        name: "mirroring",
        kind: Kind::Acoustic,
        unit: "per 0.1",
        get: |c| c.mirroring.map(|v| v * 10.0),
        wanted: -1.0,
    },
    Predictor {
        name: "operator_f0_variability",
        kind: Kind::Acoustic,
        unit: "per semitone",
        get: |c| c.operator_f0_variability,
        wanted: 1.0,
    },
];

/// Verdict on one predictor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It moves ratings: adjusted p < alpha and the interval excludes 0.
    Proven,
    /// Enough data, no evidence of an effect.
    NoEvidence,
    /// Too few rated calls, or too little variation, to tell.
    TooFewData,
}

impl Verdict {
    /// `proven`, `no_evidence`, `too_few_data`.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Proven => "proven",
            Verdict::NoEvidence => "no_evidence",
            Verdict::TooFewData => "too_few_data",
        }
    }
}

/// One row of `drivers/`.
#[derive(Debug, Clone, PartialEq)]
pub struct DriverRow {
    /// The `calls` column.
    pub element: String,
    /// `standard_element` / `acoustic`.
    pub kind: Kind,
    /// Unit of `effect`.
    pub unit: String,
    /// Rated calls in the fit.
    pub n: usize,
    /// Effect on the 0–10 rating per unit.
    pub effect: Option<f64>,
    /// Bootstrap interval, low end.
    pub ci_lo: Option<f64>,
    /// Bootstrap interval, high end.
    pub ci_hi: Option<f64>,
    /// Effect per standard deviation of the predictor.
    pub effect_per_sd: Option<f64>,
    /// Standard error of `effect`.
    pub std_error: Option<f64>,
    /// Two-sided t-test p-value.
    pub p_value: Option<f64>,
    /// Holm-adjusted p-value.
    pub p_value_holm: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// `keep`, `drop`, `revise`, `use_in_coaching`, `ignore`, `collect_more_data`.
    pub recommendation: &'static str,
    /// One sentence for people.
    pub note: String,
    /// R² of the model the row comes from.
    pub model_r2: Option<f64>,
}

/// The joint element model, reused to predict ratings of unrated calls.
#[derive(Debug, Clone)]
pub struct ElementModel {
    /// Indices into [`ELEMENTS`] of the columns in the model (after the intercept).
    pub cols: Vec<usize>,
    /// The fit.
    pub fit: Ols,
}

impl ElementModel {
    /// The model's design row for `c`; `None` when a column it needs is null.
    pub fn row(&self, c: &Call) -> Option<DVector<f64>> {
        let mut v = vec![1.0];
        for &i in &self.cols {
            v.push((ELEMENTS[i].get)(c)?);
        }
        Some(DVector::from_vec(v))
    }

    /// Predicted rating (0–10) with its (1 − alpha) prediction interval, clipped to 0–10.
    pub fn predict(&self, c: &Call, alpha: f64) -> Option<(f64, f64, f64)> {
        let (y, lo, hi) = self.fit.predict(&self.row(c)?, alpha);
        let clip = |v: f64| v.clamp(0.0, 10.0);
        Some((clip(y), clip(lo), clip(hi)))
    }
}

/// The driver analysis.
#[derive(Debug, Clone)]
pub struct Drivers {
    /// One row per element, then per acoustic measure.
    pub rows: Vec<DriverRow>,
    /// The element model, when there were enough rated calls.
    pub model: Option<ElementModel>,
}

fn enough_variation(xs: &[f64], g: usize) -> bool {
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    xs.iter().filter(|&&v| v > lo).count() >= g && xs.iter().filter(|&&v| v < hi).count() >= g
}

fn sd(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    (xs.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt()
}

fn empty_row(p: &Predictor, n: usize, why: &str) -> DriverRow {
    DriverRow {
        element: p.name.into(),
        kind: p.kind,
        unit: p.unit.into(),
        n,
        effect: None,
        ci_lo: None,
        ci_hi: None,
        effect_per_sd: None,
        std_error: None,
        p_value: None,
        p_value_holm: None,
        verdict: Verdict::TooFewData,
        recommendation: "collect_more_data",
        note: why.into(),
        model_r2: None,
    }
}

/// Fit `y` on `[1, cols...]` over `rows` and fill a row for each of `targets` (positions
/// in `cols`); `seed` drives the bootstrap.
fn fit_rows(
    cols: &[Vec<f64>],
    y: &[f64],
    targets: &[(usize, &Predictor)],
    cfg: &ScoresConfig,
    seed: u64,
) -> Option<(Ols, Vec<DriverRow>)> {
    let n = y.len();
    let x = DMatrix::from_fn(
        n,
        cols.len() + 1,
        |i, j| if j == 0 { 1.0 } else { cols[j - 1][i] },
    );
    let yv = DVector::from_column_slice(y);
    let fit = ols(&x, &yv)?;
    let ci = bootstrap_ci(&x, &yv, cfg.bootstrap_samples, seed, cfg.alpha);
    let rows = targets
        .iter()
        .map(|&(k, p)| {
            let j = k + 1;
            let (lo, hi) = ci
                .as_ref()
                .map_or((None, None), |c| (Some(c[j].0), Some(c[j].1)));
            DriverRow {
                element: p.name.into(),
                kind: p.kind,
                unit: p.unit.into(),
                n,
                effect: Some(fit.beta[j]),
                ci_lo: lo,
                ci_hi: hi,
                effect_per_sd: Some(fit.beta[j] * sd(&cols[k])),
                std_error: Some(fit.se[j]),
                p_value: Some(fit.p[j]),
                p_value_holm: None,
                verdict: Verdict::NoEvidence,
                recommendation: "",
                note: String::new(),
                model_r2: Some(fit.r2),
            }
        })
        .collect();
    Some((fit, rows))
}

/// Analyse `rated`: each rated call with its rating on the common 0–10 scale.
pub fn drivers(rated: &[(&Call, f64)], cfg: &ScoresConfig) -> Drivers {
    let g = cfg.min_group_calls;
    let min_n = cfg.min_rated_calls;
    let total = rated.len();
    let mut rows: Vec<Option<DriverRow>> = vec![None; ELEMENTS.len() + ACOUSTIC.len()];
    // Elements known on fewer than half the rated calls would shrink the joint fit to
    // the few calls that have them: they are reported as too_few_data instead.
    let mut cand: Vec<usize> = Vec::new();
    for (i, p) in ELEMENTS.iter().enumerate() {
        let known = rated.iter().filter(|(c, _)| (p.get)(c).is_some()).count();
        if known * 2 < total || known < min_n {
            rows[i] = Some(empty_row(
                p,
                known,
                &format!(
                    "{known} of {total} rated calls have {}: too few to tell",
                    p.name
                ),
            ));
        } else {
            cand.push(i);
        }
    }
    let complete: Vec<&(&Call, f64)> = rated
        .iter()
        .filter(|(c, _)| cand.iter().all(|&i| (ELEMENTS[i].get)(c).is_some()))
        .collect();
    let mut cols_idx = Vec::new();
    for &i in &cand {
        let xs: Vec<f64> = complete
            .iter()
            .filter_map(|(c, _)| (ELEMENTS[i].get)(c))
            .collect();
        if complete.len() < min_n || !enough_variation(&xs, g) {
            let why = if complete.len() < min_n {
                format!(
                    "{} rated calls with every element known; at least {min_n} needed",
                    complete.len()
                )
            } else {
                format!(
                    "fewer than {g} rated calls on one side of {}: too little variation",
                    ELEMENTS[i].name
                )
            };
            rows[i] = Some(empty_row(&ELEMENTS[i], complete.len(), &why));
        } else {
            cols_idx.push(i);
        }
    }
    let y: Vec<f64> = complete.iter().map(|(_, r)| *r).collect();
    let cols: Vec<Vec<f64>> = cols_idx
        .iter()
        .map(|&i| {
            complete
                .iter()
                .filter_map(|(c, _)| (ELEMENTS[i].get)(c))
                .collect()
        })
        .collect();
    let targets: Vec<(usize, &Predictor)> = cols_idx
        .iter()
        .enumerate()
        .map(|(k, &i)| (k, &ELEMENTS[i]))
        .collect();
    let mut model = None;
    if !cols_idx.is_empty() {
        match fit_rows(&cols, &y, &targets, cfg, cfg.seed) {
            Some((fit, fitted)) => {
                for (r, &i) in fitted.into_iter().zip(&cols_idx) {
                    rows[i] = Some(r);
                }
                model = Some(ElementModel {
                    cols: cols_idx.clone(),
                    fit,
                });
            }
            None => {
                for &i in &cols_idx {
                    rows[i] = Some(empty_row(
                        &ELEMENTS[i],
                        complete.len(),
                        "the elements are collinear or too few calls: no fit",
                    ));
                }
            }
        }
    }
    for (a, p) in ACOUSTIC.iter().enumerate() {
        let sub: Vec<&(&Call, f64)> = complete
            .iter()
            .copied()
            .filter(|(c, _)| (p.get)(c).is_some())
            .collect();
        let xs: Vec<f64> = sub.iter().filter_map(|(c, _)| (p.get)(c)).collect();
        let slot = ELEMENTS.len() + a;
        if sub.len() < min_n.max(cols_idx.len() + 4) || !enough_variation(&xs, g) {
            rows[slot] = Some(empty_row(
                p,
                sub.len(),
                &format!(
                    "{} rated calls with {} known; at least {min_n} with some variation needed",
                    sub.len(),
                    p.name
                ),
            ));
            continue;
        }
        let mut cols: Vec<Vec<f64>> = cols_idx
            .iter()
            .map(|&i| {
                sub.iter()
                    .filter_map(|(c, _)| (ELEMENTS[i].get)(c))
                    .collect()
            })
            .collect();
        cols.push(xs);
        let y: Vec<f64> = sub.iter().map(|(_, r)| *r).collect();
        let k = cols.len() - 1;
        rows[slot] = Some(
            match fit_rows(
                &cols,
                &y,
                &[(k, p)],
                cfg,
                cfg.seed.wrapping_add(1 + a as u64),
            ) {
                Some((_, mut r)) => r.remove(0),
                None => empty_row(p, sub.len(), "collinear with the elements: no fit"),
            },
        );
    }
    let mut rows: Vec<DriverRow> = rows.into_iter().flatten().collect();
    let tested: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].p_value.is_some())
        .collect();
    let adj = holm(
        &tested
            .iter()
            .filter_map(|&i| rows[i].p_value)
            .collect::<Vec<_>>(),
    );
    for (&i, a) in tested.iter().zip(adj) {
        rows[i].p_value_holm = Some(a);
    }
    let wanted = |name: &str| {
        ELEMENTS
            .iter()
            .chain(ACOUSTIC.iter())
            .find(|p| p.name == name)
            .map_or(1.0, |p| p.wanted)
    };
    for r in &mut rows {
        if r.verdict == Verdict::TooFewData {
            continue;
        }
        let excl = match (r.ci_lo, r.ci_hi) {
            (Some(lo), Some(hi)) => lo > 0.0 || hi < 0.0,
            _ => true,
        };
        let sig = r.p_value_holm.is_some_and(|p| p < cfg.alpha);
        let effect = r.effect.unwrap_or(0.0);
        r.verdict = if sig && excl {
            Verdict::Proven
        } else {
            Verdict::NoEvidence
        };
        let along = effect * wanted(&r.element) > 0.0;
        let (rec, note) = match (r.kind, r.verdict, along) {
            (Kind::Element, Verdict::Proven, true) => ("keep", format!("keep in the standard: proven to move ratings ({effect:+.2} points of 10 {})", r.unit)),
            (Kind::Element, Verdict::Proven, false) => ("revise", format!("proven to move ratings the wrong way ({effect:+.2} points of 10 {}): revise how it is done", r.unit)),
            (Kind::Element, _, _) => ("drop", "no evidence it moves ratings: the standard should keep only proven elements".to_string()),
            (Kind::Acoustic, Verdict::Proven, _) => ("use_in_coaching", format!("proven to move ratings ({effect:+.2} points of 10 {})", r.unit)),
            (Kind::Acoustic, _, _) => ("ignore", "no evidence it moves ratings".to_string()),
        };
        r.recommendation = rec;
        r.note = note;
    }
    Drivers { rows, model }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Ratings built from known effects: vague answers −0.8, interruptions −0.5,
    /// greeting 0, smile index +0.3 per 10 points.
    #[test]
    fn recovers_known_effects() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let calls: Vec<Call> = (0..600)
            .map(|i| Call {
                call_id: format!("c{i}"),
                greeting: Some(rng.random_bool(0.7)),
                self_introduction: Some(rng.random_bool(0.6)),
                thanks: Some(rng.random_bool(0.8)),
                survey_offer: Some(rng.random_bool(0.5)),
                farewell: Some(rng.random_bool(0.9)),
                long_pauses: Some(f64::from(rng.random_range(0..3))),
                operator_interruptions: Some(f64::from(rng.random_range(0..4))),
                concrete_answers: Some(f64::from(rng.random_range(0..3))),
                vague_answers: Some(f64::from(rng.random_range(0..3))),
                operator_smile_index: (i % 3 != 0).then(|| rng.random_range(0.0..100.0)),
                ..Call::default()
            })
            .collect();
        let rated: Vec<(&Call, f64)> = calls
            .iter()
            .map(|c| {
                let noise: f64 = (0..6).map(|_| rng.random_range(-1.0..1.0)).sum::<f64>() * 0.5;
                let y =
                    7.0 - 0.8 * c.vague_answers.unwrap() - 0.5 * c.operator_interruptions.unwrap()
                        + 0.03 * c.operator_smile_index.unwrap_or(50.0)
                        + noise;
                (c, y)
            })
            .collect();
        let d = drivers(&rated, &ScoresConfig::default());
        let get = |n: &str| d.rows.iter().find(|r| r.element == n).unwrap();
        for (name, truth) in [
            ("vague_answers", -0.8),
            ("operator_interruptions", -0.5),
            ("operator_smile_index", 0.3),
        ] {
            let r = get(name);
            assert!(
                r.ci_lo.unwrap() < truth && truth < r.ci_hi.unwrap(),
                "{r:?}"
            );
            assert_eq!(r.verdict, Verdict::Proven, "{r:?}");
        }
        assert_eq!(get("vague_answers").recommendation, "keep");
        let g = get("greeting");
        assert_eq!(g.verdict, Verdict::NoEvidence, "{g:?}");
        assert_eq!(g.recommendation, "drop");
        assert!(get("operator_smile_index").n < 600);
        assert_eq!(get("calm_under_pressure").verdict, Verdict::TooFewData);
        let m = d.model.unwrap();
        let (y, lo, hi) = m.predict(&calls[0], 0.05).unwrap();
        assert!(lo < y && y < hi);
    }
}
