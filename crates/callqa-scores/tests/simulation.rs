//! Simulation study of the drivers: the real `drivers()` on months generated with known
//! truth ([`callqa_scores::simulate`]), counting how often its verdicts are wrong.
//!
//! Months have 6, 12 or 24 operators; each operator has their own rating level (sd 1
//! point against call noise sd 2) and habits that follow it (good operators greet more,
//! interrupt and hedge less); call complexity (customer questions) lowers ratings and
//! raises answer counts; 30 % of ratings are csat5. Months without element effects have
//! 300 rated calls, months with effects 600. Besides these balanced months, months with
//! 6 and 8 **unequal** operators (one takes G times the calls of another, call noise from
//! 0.5 to 1.5 × sd 2) check the small-operator test where it is hardest. Run with
//! `cargo test --release -p callqa-scores --test simulation -- --nocapture` to see the
//! tables (docs/SCHEMA.md, "drivers", quotes them).
//!
//! With 12 and 24 operators p-values come from the restricted wild cluster bootstrap;
//! with 6 and 8 (below `bootstrap_min_operators`, 12) from the CR2 t test with
//! Bell–McCaffrey degrees of freedom: with the bootstrap, six operators had true effects
//! `proven` in only 8–22 % of months (its p-values are coarse with so few operators and
//! rarely pass Holm over nine elements). `CALLQA_SIM_SCALE=6` runs six times the months.

use callqa_core::ScoresConfig;
use callqa_scores::drivers::{drivers, Kind, Verdict};
use callqa_scores::simulate::{month, MonthSpec, Truth};
use rayon::prelude::*;

/// (operators, unequal operators) of the simulated months.
const CENTRES: [(usize, bool); 5] = [(6, false), (12, false), (24, false), (6, true), (8, true)];

fn label(g: usize, unequal: bool) -> String {
    format!("{g}{}", if unequal { " unequal" } else { "" })
}

fn cfg() -> ScoresConfig {
    // Fewer draws than the shipped 1000 keep the study to a few seconds; 399 still lets
    // Holm over 9 elements reach p < 0.05 (1/400 × 9 = 0.0225).
    ScoresConfig {
        bootstrap_samples: 399,
        ..ScoresConfig::default()
    }
}

/// Verdicts of the standard elements for `months` months of `spec` with `operators`.
fn run(
    spec: MonthSpec,
    (operators, unequal): (usize, bool),
    months: u64,
) -> Vec<Vec<(String, Verdict, &'static str)>> {
    let cfg = cfg();
    (0..months)
        .into_par_iter()
        .map(|m| {
            let spec = MonthSpec {
                operators,
                unequal,
                ..spec
            };
            let month = month(
                &spec,
                1_000_003 * operators as u64 + m + if unequal { 7_919 } else { 0 },
            );
            drivers(&month.rated(), &cfg)
                .rows
                .into_iter()
                .filter(|r| r.kind == Kind::Element)
                .map(|r| (r.element, r.verdict, r.recommendation))
                .collect()
        })
        .collect()
}

/// Months per row: `default`, times `CALLQA_SIM_SCALE` (a whole number, default 1) for a
/// closer look than the test suite's few seconds allow.
fn months(default: u64) -> u64 {
    let scale = std::env::var("CALLQA_SIM_SCALE")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(1)
        .max(1);
    default * scale
}

fn share(n: usize, of: usize) -> f64 {
    100.0 * n as f64 / of.max(1) as f64
}

#[test]
fn months_without_effects_rarely_prove_anything() {
    let per = months(70);
    let (mut any_total, mut months_total) = (0, 0);
    println!("no element effect, operator levels sd 1, habits tied to operator quality:");
    println!(
        "{:>11} {:>7} {:>22} {:>20}",
        "operators", "months", "months with a proven", "element rows fitted"
    );
    for (g, unequal) in CENTRES {
        let res = run(MonthSpec::default(), (g, unequal), per);
        let any = res
            .iter()
            .filter(|m| m.iter().any(|r| r.1 == Verdict::Proven))
            .count();
        let fitted = res
            .iter()
            .flatten()
            .filter(|r| r.1 != Verdict::TooFewData)
            .count();
        println!(
            "{:>11} {per:>7} {:>15} ({:>4.1} %) {:>13} of {}",
            label(g, unequal),
            any,
            share(any, per as usize),
            fitted,
            res.iter().flatten().count()
        );
        any_total += any;
        months_total += per as usize;
    }
    let rate = share(any_total, months_total);
    println!("all: {any_total} of {months_total} months ({rate:.1} %) with any false proven");
    assert!(months_total >= 200);
    assert!(
        rate <= 5.0,
        "{rate:.1} % of months with a false proven element"
    );
}

#[test]
fn real_effects_are_proven_and_never_dropped() {
    let per = months(40);
    let spec = MonthSpec {
        calls: 600,
        truth: Truth {
            vague_answers: -1.0,
            operator_interruptions: -0.8,
            self_introduction: 1.0,
            ..Truth::default()
        },
        ..MonthSpec::default()
    };
    let count =
        |res: &[Vec<(String, Verdict, &str)>], el: &str, f: &dyn Fn(Verdict, &str) -> bool| {
            res.iter()
                .flatten()
                .filter(|r| r.0 == el && f(r.1, r.2))
                .count()
        };
    let proven = |v: Verdict, _: &str| v == Verdict::Proven;
    let dropped = |_: Verdict, rec: &str| rec == "drop";
    println!("true effects: vague answer -1.0, interruption -0.8, self-introduction +1.0:");
    println!(
        "{:>11} {:>7} {:>14} {:>14} {:>18} {:>16}",
        "operators",
        "months",
        "vague proven",
        "interr. proven",
        "self-intro proven",
        "self-intro drop"
    );
    // Pooled over the balanced centres (6, 12, 24 operators: the study), and
    // per centre of 12 and 24 operators, each effect must be proven in >= 80 % of months;
    // 6 operators alone get less (docs/SCHEMA.md), unequal centres are reported.
    let (mut vague, mut interr, mut drop_n, mut total) = (0, 0, 0, 0);
    let mut low = Vec::new();
    for (g, unequal) in CENTRES {
        let res = run(spec, (g, unequal), per);
        let n = per as usize;
        let (v, i, s, d) = (
            count(&res, "vague_answers", &proven),
            count(&res, "operator_interruptions", &proven),
            count(&res, "self_introduction", &proven),
            count(&res, "self_introduction", &dropped),
        );
        println!(
            "{:>11} {n:>7} {:>13.0}% {:>13.0}% {:>17.0}% {:>16}",
            label(g, unequal),
            share(v, n),
            share(i, n),
            share(s, n),
            d
        );
        drop_n += d;
        if !unequal {
            vague += v;
            interr += i;
            total += n;
        }
        if g >= 12 && (share(v, n) < 80.0 || share(i, n) < 80.0) {
            low.push(format!(
                "{} operators: vague {v}, interruptions {i} of {n}",
                label(g, unequal)
            ));
        }
    }
    let (pv, pi) = (share(vague, total), share(interr, total));
    println!(
        "balanced centres, {total} months: vague proven {pv:.1} %, interruptions proven {pi:.1} %; self-introduction dropped {drop_n} times in all"
    );
    assert!(
        pv >= 80.0 && pi >= 80.0,
        "pooled over 6, 12 and 24 operators: vague {pv:.1} %, interruptions {pi:.1} % proven"
    );
    assert!(
        low.is_empty(),
        "proven in fewer than 80 % of months: {low:?}"
    );
    assert_eq!(
        drop_n, 0,
        "an element with a true +1.0 effect was told `drop`"
    );
}
