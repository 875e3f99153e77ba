//! Which elements of the standard and which acoustic measures are associated with the
//! ratings, in a way a QA manager can act on.
//!
//! Calls of one operator share that operator's rating level and habits, so the model is
//! least squares with **operator fixed effects**: rating on the common 0–10 scale =
//! operator's own level + Σ effect × element + controls, fitted jointly over the rated
//! calls where every element is known. An operator who rates well *and* greets does not
//! make greeting look good: only differences between calls of the same operator count.
//! The controls, never reported as drivers, are the call's complexity (number of customer
//! questions, or its duration when questions are unknown) and the survey type (csat5 vs
//! nps10: the two scales sit at different levels on 0–10). Each acoustic measure is then
//! added to that model on its own. Standard errors are clustered by `operator_id`; the
//! p-values and intervals come from the restricted wild cluster bootstrap
//! ([`crate::inference`]), which keeps its size with a handful of operators. Holm's
//! adjustment runs over every fitted row.
//!
//! Verdicts: `proven` (Holm-adjusted p < alpha and the interval excludes 0),
//! `no_effect` (the whole interval lies inside ±`equivalence_margin`: the element can be
//! dropped), `inconclusive` (neither: collect more rated calls) and `too_few_data` (no
//! fit: too few operators or calls, too little variation, ratings that do not vary, a
//! near-singular design). This is observational data: "associated with", not "causes".

use crate::calls::Call;
use crate::inference::{
    cr2_test, fit, webb_weights, wild_test, Design, DesignError, Fit, WildTest,
};
use crate::predict::ElementModel;
use crate::ratings::{Rating, Scale};
use crate::stats::holm;
use callqa_core::ScoresConfig;
use nalgebra::DMatrix;
use std::collections::{BTreeMap, BTreeSet};

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
    /// Associated with ratings: Holm-adjusted p < alpha and the interval excludes 0.
    Proven,
    /// The whole interval lies inside ±`equivalence_margin`: no effect worth keeping.
    NoEffect,
    /// Fitted, but neither proven nor shown to be negligible.
    Inconclusive,
    /// No fit: too few operators or rated calls, too little variation, or a degenerate
    /// design.
    TooFewData,
}

impl Verdict {
    /// `proven`, `no_effect`, `inconclusive`, `too_few_data`.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Proven => "proven",
            Verdict::NoEffect => "no_effect",
            Verdict::Inconclusive => "inconclusive",
            Verdict::TooFewData => "too_few_data",
        }
    }

    /// Read a verdict as written by this or an older version: `no_evidence` (before the
    /// verdicts were split, "not proven") reads as [`Verdict::Inconclusive`], since an
    /// old `no_evidence` row never showed that the effect is negligible.
    pub fn parse(s: &str) -> Option<Verdict> {
        match s {
            "proven" => Some(Verdict::Proven),
            "no_effect" => Some(Verdict::NoEffect),
            "inconclusive" | "no_evidence" => Some(Verdict::Inconclusive),
            "too_few_data" => Some(Verdict::TooFewData),
            _ => None,
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
    /// Operators in the fit.
    pub operators: usize,
    /// Effect on the 0–10 rating per unit.
    pub effect: Option<f64>,
    /// Interval, low end (wild cluster bootstrap, inverted test).
    pub ci_lo: Option<f64>,
    /// Interval, high end.
    pub ci_hi: Option<f64>,
    /// Effect per within-operator standard deviation of the predictor.
    pub effect_per_sd: Option<f64>,
    /// Cluster-robust (by operator) standard error of `effect`.
    pub std_error: Option<f64>,
    /// Wild cluster bootstrap p-value of effect = 0.
    pub p_value: Option<f64>,
    /// t-test p-value with the clustered error, t(G − 1).
    pub p_value_cluster_t: Option<f64>,
    /// Holm-adjusted `p_value`.
    pub p_value_holm: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// `keep`, `drop`, `revise`, `use_in_coaching`, `ignore`, `collect_more_data`.
    pub recommendation: &'static str,
    /// One sentence for people.
    pub note: String,
    /// Within-operator R² of the model the row comes from.
    pub model_r2: Option<f64>,
    /// What the effect is net of, in words.
    pub controls: String,
    /// Which test gave `p_value` and the interval; `None` when not fitted.
    pub test: Option<Test>,
    /// Degrees of freedom of the CR2 test's t reference (`None` for the bootstrap).
    pub df: Option<f64>,
}

/// The test behind a driver row's p-value and interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// The restricted wild cluster bootstrap (at least `bootstrap_min_operators` operators).
    WildBootstrap,
    /// The CR2 t test with Bell–McCaffrey degrees of freedom (fewer operators).
    Cr2,
}

impl Test {
    /// The name in the `drivers` table's `test` column.
    pub fn name(self) -> &'static str {
        match self {
            Test::WildBootstrap => "wild_cluster_bootstrap",
            Test::Cr2 => "cr2_bell_mccaffrey",
        }
    }
}

/// The driver analysis.
#[derive(Debug, Clone)]
pub struct Drivers {
    /// One row per element, then per acoustic measure.
    pub rows: Vec<DriverRow>,
    /// The element model, when it could be fitted.
    pub model: Option<ElementModel>,
}

/// One rated call as the fit sees it.
#[derive(Debug, Clone, Copy)]
struct Obs<'a> {
    call: &'a Call,
    y: f64,
    scale: Scale,
    op: usize,
}

/// A control column: never reported as a driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// `customer_questions` (call complexity).
    Questions,
    /// `duration_s` in minutes, when questions are unknown.
    DurationMin,
    /// 1 for a csat5 rating, 0 for nps10.
    Csat5,
}

impl Control {
    /// The value for a call rated on `scale` (`None` for an unrated call: nps10 level).
    pub fn value(self, c: &Call, scale: Option<Scale>) -> Option<f64> {
        match self {
            Control::Questions => c.customer_questions,
            Control::DurationMin => c.duration_s.map(|s| s / 60.0),
            Control::Csat5 => Some(if scale == Some(Scale::Csat5) {
                1.0
            } else {
                0.0
            }),
        }
    }
    /// In words, for notes.
    pub fn words(self) -> &'static str {
        match self {
            Control::Questions => "the number of customer questions",
            Control::DurationMin => "call duration",
            Control::Csat5 => "survey type (csat5 / nps10)",
        }
    }
}

/// A column of the design: an element, an acoustic measure or a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// Index into [`ELEMENTS`].
    Element(usize),
    /// Index into [`ACOUSTIC`].
    Acoustic(usize),
    /// A control.
    Control(Control),
}

impl Col {
    /// The column's value for call `c` rated on `scale` (`None`: unrated).
    pub fn get(self, c: &Call, scale: Option<Scale>) -> Option<f64> {
        match self {
            Col::Element(i) => (ELEMENTS[i].get)(c),
            Col::Acoustic(i) => (ACOUSTIC[i].get)(c),
            Col::Control(k) => k.value(c, scale),
        }
    }
    fn value(self, o: &Obs) -> Option<f64> {
        self.get(o.call, Some(o.scale))
    }
}

fn enough_variation(xs: &[f64], g: usize) -> bool {
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    xs.iter().filter(|&&v| v > lo).count() >= g && xs.iter().filter(|&&v| v < hi).count() >= g
}

/// Operators within whose calls `col` takes more than one value.
fn operators_varying(obs: &[Obs], col: Col) -> usize {
    let mut seen: BTreeMap<usize, (f64, bool)> = BTreeMap::new();
    for o in obs {
        if let Some(v) = col.value(o) {
            let e = seen.entry(o.op).or_insert((v, false));
            e.1 |= e.0 != v;
        }
    }
    seen.values().filter(|s| s.1).count()
}

fn empty_row(p: &Predictor, n: usize, operators: usize, why: &str) -> DriverRow {
    DriverRow {
        element: p.name.into(),
        kind: p.kind,
        unit: p.unit.into(),
        n,
        operators,
        effect: None,
        ci_lo: None,
        ci_hi: None,
        effect_per_sd: None,
        std_error: None,
        p_value: None,
        p_value_cluster_t: None,
        p_value_holm: None,
        verdict: Verdict::TooFewData,
        recommendation: "collect_more_data",
        note: why.into(),
        model_r2: None,
        controls: String::new(),
        test: None,
        df: None,
    }
}

fn predictor(c: Col) -> Option<&'static Predictor> {
    match c {
        Col::Element(i) => Some(&ELEMENTS[i]),
        Col::Acoustic(i) => Some(&ACOUSTIC[i]),
        Col::Control(_) => None,
    }
}

/// A fitted design: its columns, the fit and the bootstrap weights.
struct Fitted {
    cols: Vec<Col>,
    design: Design,
    fit: Fit,
    weights: DMatrix<f64>,
}

/// Build and fit the design of `cols` over `obs`, dropping columns the design cannot
/// carry (constant within operators, or collinear with the columns before them): each
/// dropped column comes back with the reason. `Err` when the ratings do not vary within
/// operators or too few calls are left.
fn fit_design(
    obs: &[Obs],
    groups: usize,
    mut cols: Vec<Col>,
    seed: u64,
    draws: usize,
) -> Result<(Fitted, Vec<(Col, String)>), String> {
    let mut dropped = Vec::new();
    let y: Vec<f64> = obs.iter().map(|o| o.y).collect();
    let group: Vec<usize> = obs.iter().map(|o| o.op).collect();
    loop {
        let x = DMatrix::from_fn(obs.len(), cols.len(), |i, j| {
            cols[j].value(&obs[i]).unwrap_or(0.0)
        });
        let design = Design::new(&x, &y, &group, groups);
        let bad = match design.check() {
            Ok(()) => None,
            Err(DesignError::ConstantOutcome) => {
                return Err("the ratings do not vary within operators: nothing to explain".into())
            }
            Err(DesignError::TooFewRows) => {
                return Err(format!(
                    "{} rated calls are too few for {} operators and {} columns",
                    obs.len(),
                    design.clusters(),
                    cols.len()
                ))
            }
            Err(DesignError::ConstantColumn(j)) => {
                Some((j, "does not vary within any operator's calls".to_string()))
            }
            Err(DesignError::Collinear(j, vif)) => Some((
                j,
                if vif.is_finite() {
                    format!("is nearly a combination of the columns before it (variance inflation {vif:.0})")
                } else {
                    "is a combination of the columns before it".to_string()
                },
            )),
        };
        if let Some((j, why)) = bad {
            dropped.push((cols.remove(j), why));
            continue;
        }
        let Some(f) = fit(&design) else {
            return Err("the design is singular: no fit".into());
        };
        let weights = webb_weights(draws, groups, seed);
        return Ok((
            Fitted {
                cols,
                design,
                fit: f,
                weights,
            },
            dropped,
        ));
    }
}

fn within_sd(d: &Design, j: usize) -> f64 {
    let n = d.x.nrows() as f64;
    (d.x.column(j).norm_squared() / (n - 1.0).max(1.0)).sqrt()
}

/// A driver row for column `j` of a fitted design, verdict still open. With at least
/// `bootstrap_min_operators` operators the p-value and interval come from the wild
/// cluster bootstrap; with fewer, from the CR2 t test with Bell–McCaffrey degrees of
/// freedom ([`cr2_test`]), whose p-values can reach what Holm's adjustment needs.
fn fitted_row(f: &Fitted, j: usize, cfg: &ScoresConfig, controls: &str) -> Option<DriverRow> {
    let p = predictor(f.cols[j])?;
    let n = f.design.x.nrows();
    let ops = f.design.clusters();
    let b = f.fit.beta[j];
    let mut df = None;
    let (pv, lo, hi, se, test, why_none) = if ops < cfg.bootstrap_min_operators {
        match cr2_test(&f.fit, j, cfg.alpha) {
            Some(t) => {
                df = Some(t.df);
                (t.p, Some(t.lo), Some(t.hi), t.se, Test::Cr2, None)
            }
            None => (0.0, None, None, 0.0, Test::Cr2, Some(
                "one operator's calls alone determine the effect (the small-sample clustered variance is undefined): no verdict",
            )),
        }
    } else {
        match wild_test(&f.design, &f.fit, j, &f.weights, cfg.alpha) {
            Some(WildTest { p, lo, hi }) => (p, lo, hi, f.fit.se[j], Test::WildBootstrap, None),
            None => (
                0.0,
                None,
                None,
                0.0,
                Test::WildBootstrap,
                Some(
                    "a bootstrap draw is degenerate (no variation left under the null): no verdict",
                ),
            ),
        }
    };
    if let Some(why) = why_none {
        return Some(empty_row(p, n, ops, why));
    }
    Some(DriverRow {
        element: p.name.into(),
        kind: p.kind,
        unit: p.unit.into(),
        n,
        operators: ops,
        effect: Some(b),
        ci_lo: lo,
        ci_hi: hi,
        effect_per_sd: Some(b * within_sd(&f.design, j)),
        std_error: Some(se),
        p_value: Some(pv),
        p_value_cluster_t: Some(f.fit.p_t[j]),
        p_value_holm: None,
        verdict: Verdict::Inconclusive,
        recommendation: "",
        note: String::new(),
        model_r2: Some(f.fit.r2_within),
        controls: controls.to_string(),
        test: Some(test),
        df,
    })
}

fn controls_words(cols: &[Col], acoustic: bool) -> String {
    let mut w = vec!["the operator (fixed effects)".to_string()];
    w.push(if acoustic {
        "the elements of the standard".to_string()
    } else {
        "the other elements".to_string()
    });
    w.extend(cols.iter().filter_map(|c| match c {
        Col::Control(k) => Some(k.words().to_string()),
        _ => None,
    }));
    w.join(", ")
}

/// Rated calls with an operator, operators indexed in id order.
fn observations<'a>(rated: &[(&'a Call, &Rating)]) -> (Vec<Obs<'a>>, Vec<String>) {
    let ops: BTreeSet<&str> = rated
        .iter()
        .filter_map(|(c, _)| c.operator_id.as_deref())
        .collect();
    let ids: Vec<String> = ops.iter().map(|s| s.to_string()).collect();
    let index: BTreeMap<&str, usize> = ops.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let obs = rated
        .iter()
        .filter_map(|(c, r)| {
            let op = *index.get(c.operator_id.as_deref()?)?;
            Some(Obs {
                call: c,
                y: r.common(),
                scale: r.scale,
                op,
            })
        })
        .collect();
    (obs, ids)
}

/// Why no driver can be fitted at all, if so.
fn gate(obs: &[Obs], total: usize, groups: usize, cfg: &ScoresConfig) -> Option<String> {
    let no_op = total - obs.len();
    let left_out = if no_op > 0 {
        format!(" ({no_op} rated calls without operator_id left out)")
    } else {
        String::new()
    };
    if obs.len() < cfg.min_rated_calls {
        return Some(format!(
            "{} rated calls with an operator{left_out}; at least {} needed",
            obs.len(),
            cfg.min_rated_calls
        ));
    }
    if groups < cfg.min_operators {
        return Some(format!(
            "{groups} operators with rated calls{left_out}; at least {} (min_operators) needed to tell operators' own rating levels from the elements",
            cfg.min_operators
        ));
    }
    let first = obs[0].y;
    if obs.iter().all(|o| o.y == first) {
        return Some(format!(
            "every rating is the same ({first} of 10): nothing to explain"
        ));
    }
    None
}

/// Analyse `rated`: each rated call with its rating.
pub fn drivers(rated: &[(&Call, &Rating)], cfg: &ScoresConfig) -> Drivers {
    let n_pred = ELEMENTS.len() + ACOUSTIC.len();
    let (obs, op_ids) = observations(rated);
    let groups = op_ids.len();
    if let Some(why) = gate(&obs, rated.len(), groups, cfg) {
        let rows = ELEMENTS
            .iter()
            .chain(ACOUSTIC.iter())
            .map(|p| empty_row(p, obs.len(), groups, &why))
            .collect();
        return Drivers { rows, model: None };
    }
    let mut rows: Vec<Option<DriverRow>> = vec![None; n_pred];
    let (complete, element_cols) = element_candidates(&obs, cfg, groups, &mut rows);
    let mut cols: Vec<Col> = element_cols.iter().map(|&i| Col::Element(i)).collect();
    cols.extend(controls(&complete, cfg));
    let mut model = None;
    let mut base_cols: Vec<Col> = Vec::new();
    if !element_cols.is_empty() {
        match fit_design(&complete, groups, cols, cfg.seed, cfg.bootstrap_samples) {
            Ok((f, dropped)) => {
                for (c, why) in dropped {
                    if let Col::Element(i) = c {
                        rows[i] = Some(empty_row(
                            &ELEMENTS[i],
                            complete.len(),
                            f.design.clusters(),
                            &format!("{} {why}: no separate effect", ELEMENTS[i].name),
                        ));
                    }
                }
                let words = controls_words(&f.cols, false);
                for (j, c) in f.cols.iter().enumerate() {
                    if let Col::Element(i) = c {
                        rows[*i] = fitted_row(&f, j, cfg, &words);
                    }
                }
                model = ElementModel::new(&f.cols, &f.design, &f.fit, &op_ids);
                base_cols = f.cols;
            }
            Err(why) => {
                for &i in &element_cols {
                    rows[i] = Some(empty_row(&ELEMENTS[i], complete.len(), groups, &why));
                }
            }
        }
    }
    for a in 0..ACOUSTIC.len() {
        rows[ELEMENTS.len() + a] = Some(acoustic_row(a, &complete, &base_cols, groups, cfg));
    }
    let mut rows: Vec<DriverRow> = rows.into_iter().flatten().collect();
    decide(&mut rows, cfg);
    Drivers { rows, model }
}

/// Elements known on enough calls and varying enough; the rest get their rows. Returns
/// the calls where every candidate is known and the candidates.
fn element_candidates<'a>(
    obs: &[Obs<'a>],
    cfg: &ScoresConfig,
    groups: usize,
    rows: &mut [Option<DriverRow>],
) -> (Vec<Obs<'a>>, Vec<usize>) {
    let (total, min_n, g) = (obs.len(), cfg.min_rated_calls, cfg.min_group_calls);
    // Elements known on fewer than half the rated calls would shrink the joint fit to
    // the few calls that have them: they are reported as too_few_data instead.
    let mut cand: Vec<usize> = Vec::new();
    for (i, p) in ELEMENTS.iter().enumerate() {
        let known = obs.iter().filter(|o| (p.get)(o.call).is_some()).count();
        if known * 2 < total || known < min_n {
            let why = format!(
                "{known} of {total} rated calls have {}: too few to tell",
                p.name
            );
            rows[i] = Some(empty_row(p, known, groups, &why));
        } else {
            cand.push(i);
        }
    }
    let complete: Vec<Obs> = obs
        .iter()
        .copied()
        .filter(|o| cand.iter().all(|&i| (ELEMENTS[i].get)(o.call).is_some()))
        .collect();
    let mut keep = Vec::new();
    let ops: BTreeSet<usize> = complete.iter().map(|o| o.op).collect();
    for &i in &cand {
        let xs: Vec<f64> = complete
            .iter()
            .filter_map(|o| (ELEMENTS[i].get)(o.call))
            .collect();
        let why = if ops.len() < cfg.min_operators {
            Some(format!(
                "{} operators have rated calls with every element known; at least {} (min_operators) needed",
                ops.len(),
                cfg.min_operators
            ))
        } else if complete.len() < min_n {
            Some(format!(
                "{} rated calls with every element known; at least {min_n} needed",
                complete.len()
            ))
        } else if !enough_variation(&xs, g) {
            Some(format!(
                "fewer than {g} rated calls on one side of {}: too little variation",
                ELEMENTS[i].name
            ))
        } else if operators_varying(&complete, Col::Element(i)) < 2 {
            Some(format!(
                "{} varies within fewer than 2 operators' calls: too little variation",
                ELEMENTS[i].name
            ))
        } else {
            None
        };
        match why {
            Some(w) => rows[i] = Some(empty_row(&ELEMENTS[i], complete.len(), groups, &w)),
            None => keep.push(i),
        }
    }
    (complete, keep)
}

/// The controls the calls allow: call complexity (customer questions, else duration)
/// and the survey type when both scales are used.
fn controls(obs: &[Obs], cfg: &ScoresConfig) -> Vec<Col> {
    let mut out = Vec::new();
    for c in [Control::Questions, Control::DurationMin] {
        let known = obs.iter().all(|o| c.value(o.call, None).is_some());
        if known && operators_varying(obs, Col::Control(c)) >= 2 {
            out.push(Col::Control(c));
            break;
        }
    }
    let csat = obs.iter().filter(|o| o.scale == Scale::Csat5).count();
    if csat >= cfg.min_group_calls && obs.len() - csat >= cfg.min_group_calls {
        out.push(Col::Control(Control::Csat5));
    }
    out
}

/// The row of acoustic measure `a`: the element model's columns plus the measure, over
/// the calls where it is known.
fn acoustic_row(
    a: usize,
    complete: &[Obs],
    base: &[Col],
    groups: usize,
    cfg: &ScoresConfig,
) -> DriverRow {
    let p = &ACOUSTIC[a];
    let sub: Vec<Obs> = complete
        .iter()
        .copied()
        .filter(|o| (p.get)(o.call).is_some())
        .collect();
    let xs: Vec<f64> = sub.iter().filter_map(|o| (p.get)(o.call)).collect();
    let ops: BTreeSet<usize> = sub.iter().map(|o| o.op).collect();
    let min_n = cfg.min_rated_calls.max(base.len() + 4);
    if sub.len() < min_n || !enough_variation(&xs, cfg.min_group_calls) {
        let why = format!(
            "{} rated calls with {} known; at least {min_n} with some variation needed",
            sub.len(),
            p.name
        );
        return empty_row(p, sub.len(), ops.len(), &why);
    }
    if ops.len() < cfg.min_operators {
        let why = format!(
            "{} known on the calls of {} operators; at least {} (min_operators) needed",
            p.name,
            ops.len(),
            cfg.min_operators
        );
        return empty_row(p, sub.len(), ops.len(), &why);
    }
    let mut cols = base.to_vec();
    cols.push(Col::Acoustic(a));
    let seed = cfg.seed.wrapping_add(1 + a as u64);
    match fit_design(&sub, groups, cols, seed, cfg.bootstrap_samples) {
        Ok((f, dropped)) => {
            if let Some((_, why)) = dropped.iter().find(|(c, _)| *c == Col::Acoustic(a)) {
                return empty_row(
                    p,
                    sub.len(),
                    ops.len(),
                    &format!("{} {why}: no separate effect", p.name),
                );
            }
            let j = f.cols.len() - 1;
            let words = controls_words(&f.cols, true);
            fitted_row(&f, j, cfg, &words)
                .unwrap_or_else(|| empty_row(p, sub.len(), ops.len(), "no fit"))
        }
        Err(why) => empty_row(p, sub.len(), ops.len(), &why),
    }
}

/// Holm over the fitted rows, then each row's verdict, recommendation and note.
fn decide(rows: &mut [DriverRow], cfg: &ScoresConfig) {
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
    let m = cfg.equivalence_margin;
    let pct = 100.0 * (1.0 - cfg.alpha);
    for r in rows.iter_mut() {
        if r.p_value.is_none() {
            continue;
        }
        let effect = r.effect.unwrap_or(0.0);
        // A missing interval end is not evidence of anything: only a whole interval can
        // exclude 0 or lie inside the margin.
        let ci = r.ci_lo.zip(r.ci_hi);
        let excludes_zero = ci.is_some_and(|(lo, hi)| lo > 0.0 || hi < 0.0);
        let sig = r.p_value_holm.is_some_and(|p| p < cfg.alpha);
        let inside = ci.is_some_and(|(lo, hi)| lo >= -m && hi <= m);
        r.verdict = if sig && excludes_zero {
            Verdict::Proven
        } else if inside {
            Verdict::NoEffect
        } else {
            Verdict::Inconclusive
        };
        let how = match (r.test, r.df) {
            (Some(Test::Cr2), Some(df)) => format!(" (CR2 t, {df:.1} df)"),
            _ => String::new(),
        };
        let interval = match ci {
            Some((lo, hi)) => format!("{pct:.0} % interval{how} {lo:+.2} to {hi:+.2}"),
            None => "no interval".to_string(),
        };
        let wanted = ELEMENTS
            .iter()
            .chain(ACOUSTIC.iter())
            .find(|p| p.name == r.element)
            .map_or(1.0, |p| p.wanted);
        let along = effect * wanted > 0.0;
        let assoc = format!(
            "associated with {effect:+.2} points of 10 ({}; {interval}), net of {}",
            r.unit, r.controls
        );
        let (rec, note) = match (r.kind, r.verdict, along) {
            (Kind::Element, Verdict::Proven, true) => ("keep", format!("keep in the standard: {assoc}")),
            (Kind::Element, Verdict::Proven, false) => ("revise", format!("revise how it is done: {assoc}, the wrong way")),
            (Kind::Acoustic, Verdict::Proven, _) => ("use_in_coaching", format!("use in coaching: {assoc}")),
            (k, Verdict::NoEffect, _) => (
                if k == Kind::Element { "drop" } else { "ignore" },
                format!("no effect worth keeping: the {interval} lies within ±{m} points of 10; {}",
                    if k == Kind::Element { "the standard can drop it" } else { "leave it out of coaching" }),
            ),
            _ => ("collect_more_data", format!("inconclusive: {assoc}; neither proven (Holm p {:.3}) nor within ±{m}: collect more rated calls", r.p_value_holm.unwrap_or(1.0))),
        };
        r.recommendation = rec;
        r.note = note;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{month, MonthSpec, Truth};

    fn cfg() -> ScoresConfig {
        ScoresConfig {
            bootstrap_samples: 399,
            ..ScoresConfig::default()
        }
    }

    fn row<'a>(d: &'a Drivers, name: &str) -> &'a DriverRow {
        d.rows.iter().find(|r| r.element == name).unwrap()
    }

    /// Operators differ in rating level (sd 1) and good operators greet more: the known
    /// effects are recovered, greeting (no effect) is not credited with their quality.
    #[test]
    fn recovers_known_effects_with_operators_that_differ() {
        let spec = MonthSpec {
            calls: 1200,
            truth: Truth {
                vague_answers: -0.8,
                operator_interruptions: -0.5,
                ..Truth::default()
            },
            ..MonthSpec::default()
        };
        let m = month(&spec, 11);
        let d = drivers(&m.rated(), &cfg());
        for (name, truth) in [("vague_answers", -0.8), ("operator_interruptions", -0.5)] {
            let r = row(&d, name);
            assert!(
                r.ci_lo.unwrap() < truth && truth < r.ci_hi.unwrap(),
                "{r:?}"
            );
            assert_eq!(r.verdict, Verdict::Proven, "{r:?}");
            assert_eq!(r.recommendation, "keep");
            assert!(r.note.contains("associated with"), "{}", r.note);
            assert!(r.controls.contains("operator") && r.controls.contains("customer questions"));
            assert!(r.controls.contains("survey type"), "{}", r.controls);
            assert_eq!(r.operators, 12);
        }
        let g = row(&d, "greeting");
        assert_ne!(g.verdict, Verdict::Proven, "{g:?}");
        assert!(g.ci_lo.unwrap() < 0.0 && 0.0 < g.ci_hi.unwrap(), "{g:?}");
        // Controls are not drivers; acoustic measures without data are too_few_data.
        assert_eq!(d.rows.len(), ELEMENTS.len() + ACOUSTIC.len());
        assert_eq!(row(&d, "operator_smile_index").verdict, Verdict::TooFewData);
        assert!(d.model.is_some());
    }

    /// Below `bootstrap_min_operators` the rows come from the CR2 test (named in `test`
    /// and, with its degrees of freedom, in the note); from it on, from the bootstrap.
    #[test]
    fn few_operators_use_the_cr2_test_and_say_so() {
        let spec = MonthSpec {
            operators: 6,
            calls: 900,
            truth: Truth {
                operator_interruptions: -1.0,
                ..Truth::default()
            },
            ..MonthSpec::default()
        };
        let m = month(&spec, 5);
        let d = drivers(&m.rated(), &cfg());
        let r = row(&d, "operator_interruptions");
        assert_eq!(r.test, Some(Test::Cr2), "{r:?}");
        let df = r.df.unwrap();
        assert!(df > 1.0 && df < 6.0, "{r:?}");
        assert!(
            r.note.contains("CR2 t,") && r.note.contains(" df)"),
            "{}",
            r.note
        );
        assert_eq!(r.verdict, Verdict::Proven, "{r:?}");
        assert!(r.ci_lo.unwrap() < -1.0 && -1.0 < r.ci_hi.unwrap(), "{r:?}");
        // The same month scored with the bootstrap threshold at 6: the bootstrap.
        let boot = ScoresConfig {
            bootstrap_min_operators: 6,
            ..cfg()
        };
        let d = drivers(&m.rated(), &boot);
        let r = row(&d, "operator_interruptions");
        assert_eq!(r.test, Some(Test::WildBootstrap), "{r:?}");
        assert_eq!(r.df, None);
        assert!(!r.note.contains("CR2"), "{}", r.note);
        // Rows without a fit name no test.
        assert_eq!(row(&d, "operator_smile_index").test, None);
    }

    /// With many calls and no effect, the interval sits inside ±0.3: `no_effect`, drop.
    #[test]
    fn a_negligible_effect_is_dropped_not_just_unproven() {
        let spec = MonthSpec {
            operators: 24,
            calls: 6000,
            noise_sd: 1.0,
            ..MonthSpec::default()
        };
        let d = drivers(&month(&spec, 5).rated(), &cfg());
        let r = row(&d, "thanks");
        assert_eq!(r.verdict, Verdict::NoEffect, "{r:?}");
        assert_eq!(r.recommendation, "drop");
        assert!(r.note.contains("within ±0.3"), "{}", r.note);
    }

    #[test]
    fn constant_ratings_give_no_verdict() {
        let m = month(&MonthSpec::default(), 1);
        let all_ten: Vec<Rating> = m
            .calls
            .iter()
            .map(|c| Rating {
                call_id: c.call_id.clone(),
                value: 10.0,
                scale: Scale::Nps10,
                rated_at: None,
            })
            .collect();
        let rated: Vec<(&Call, &Rating)> = m.calls.iter().zip(&all_ten).collect();
        let d = drivers(&rated, &cfg());
        assert!(d.model.is_none());
        for r in &d.rows {
            assert_eq!(r.verdict, Verdict::TooFewData, "{r:?}");
            assert!(r.note.contains("every rating is the same"), "{}", r.note);
        }
        // csat 5 everywhere but one operator's calls at 4 (constant within operators).
        let mixed: Vec<Rating> = m
            .calls
            .iter()
            .map(|c| Rating {
                call_id: c.call_id.clone(),
                value: if c.operator_id.as_deref() == Some("op00") {
                    4.0
                } else {
                    5.0
                },
                scale: Scale::Csat5,
                rated_at: None,
            })
            .collect();
        let rated: Vec<(&Call, &Rating)> = m.calls.iter().zip(&mixed).collect();
        let d = drivers(&rated, &cfg());
        let r = row(&d, "greeting");
        assert_eq!(r.verdict, Verdict::TooFewData);
        assert!(
            r.note.contains("do not vary within operators"),
            "{}",
            r.note
        );
    }

    #[test]
    fn too_few_operators_give_no_verdict() {
        let spec = MonthSpec {
            operators: 4,
            ..MonthSpec::default()
        };
        let d = drivers(&month(&spec, 2).rated(), &cfg());
        for r in &d.rows {
            assert_eq!(r.verdict, Verdict::TooFewData);
            assert!(
                r.note.contains("4 operators") && r.note.contains("min_operators"),
                "{}",
                r.note
            );
        }
        assert!(d.model.is_none());
    }

    /// An element that varies within one operator's calls only: a cluster resample
    /// without that operator would be rank-deficient, and its clustered error rests on
    /// one operator. No verdict; a collinear element gets none either.
    #[test]
    fn rank_deficient_designs_are_refused_per_element() {
        let mut m = month(&MonthSpec::default(), 3);
        let mut flip = false;
        for c in &mut m.calls {
            let first = c.operator_id.as_deref() == Some("op00");
            flip ^= first;
            c.survey_offer = Some(first && flip);
            c.farewell = c.thanks;
        }
        let d = drivers(&m.rated(), &cfg());
        let s = row(&d, "survey_offer");
        assert_eq!(s.verdict, Verdict::TooFewData, "{s:?}");
        assert!(s.note.contains("fewer than 2 operators"), "{}", s.note);
        let f = row(&d, "farewell");
        assert_eq!(f.verdict, Verdict::TooFewData, "{f:?}");
        assert!(f.note.contains("combination"), "{}", f.note);
        // The rest is still fitted.
        assert!(row(&d, "thanks").p_value.is_some());
    }

    /// A row without an interval is never `proven` (a missing interval used to count as
    /// "excludes 0"), nor `no_effect`.
    #[test]
    fn a_missing_interval_is_not_evidence() {
        let mut r = empty_row(&ELEMENTS[0], 300, 12, "");
        r.effect = Some(1.2);
        r.p_value = Some(0.001);
        r.verdict = Verdict::Inconclusive;
        let mut rows = vec![r.clone()];
        decide(&mut rows, &cfg());
        assert_eq!(rows[0].verdict, Verdict::Inconclusive, "{:?}", rows[0]);
        assert_eq!(rows[0].recommendation, "collect_more_data");
        r.ci_lo = Some(0.5);
        let mut rows = vec![r];
        decide(&mut rows, &cfg());
        assert_eq!(rows[0].verdict, Verdict::Inconclusive);
    }

    #[test]
    fn old_verdict_names_still_read() {
        assert_eq!(Verdict::parse("no_evidence"), Some(Verdict::Inconclusive));
        for v in [
            Verdict::Proven,
            Verdict::NoEffect,
            Verdict::Inconclusive,
            Verdict::TooFewData,
        ] {
            assert_eq!(Verdict::parse(v.name()), Some(v));
        }
    }
}
