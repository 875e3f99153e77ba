//! `callqa eval`: compare the predicted `calls/` Parquet of an output folder with a
//! labelled truth CSV and print per-element quality; with `--pii-truth`, also score the
//! personal-data redaction of `utterances/` against labelled spans; with
//! `--questions-truth`, the customer questions one by one against a per-question ledger. The CLI only prints;
//! reading lives in `callqa_pipeline::eval`, the metrics in
//! `callqa_features::eval` (pure, unit-tested).

use anyhow::Result;
use callqa_pipeline::eval::{self, Table, BOOL_COLUMNS, COUNT_COLUMNS};
use clap::Args;
use std::path::{Path, PathBuf};

/// Exit code of `callqa eval` when an element is below its threshold.
pub const EXIT_BELOW_THRESHOLD: u8 = 4;

/// Arguments of `callqa eval`.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Output folder of `callqa analyze` / `callqa run` (its calls/ Parquet is read).
    #[arg(long)]
    pub pred: PathBuf,
    /// Truth CSV: call_id, then any of the scored columns (empty cell = not scored).
    #[arg(long)]
    pub truth: PathBuf,
    /// Fail (exit 4) when the F1 of any boolean element is below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_f1: f64,
    /// Fail (exit 4) when the exact-match rate of any count is below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_exact: f64,
    /// Labelled personal data: CSV call_id, idx, kind, value (kind PHONE, CARD, EMAIL,
    /// PASSPORT, SNILS, INN, or KEEP for a number that must stay); scores the redaction of
    /// the predicted utterances/ texts.
    #[arg(long)]
    pub pii_truth: Option<PathBuf>,
    /// With --pii-truth: fail (exit 4) when redaction recall is below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_redaction_recall: f64,
    /// With --pii-truth: fail (exit 4) when the share of KEEP numbers kept is below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_kept: f64,
    /// Per-question ledger: CSV call_id, question_idx, reply_idx, outcome (concrete, vague
    /// or unanswered; reply_idx empty when unanswered); scores the questions of the
    /// predicted utterances/ tags one by one (the truth's calls that are in the ledger).
    #[arg(long)]
    pub questions_truth: Option<PathBuf>,
    /// With --questions-truth: fail (exit 4) when the F1 of question detection is below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_question_f1: f64,
    /// With --questions-truth: list every question found where none was asked, missed, or
    /// given the wrong outcome or reply, with the texts (to find the words a pack lacks).
    #[arg(long)]
    pub list_question_errors: bool,
}

/// Entry point: `Ok(true)` when every element meets its threshold.
pub fn eval(args: EvalArgs) -> Result<bool> {
    let truth = eval::read_truth(&args.truth, &mut |m: &str| println!("{m}"))?;
    anyhow::ensure!(
        !truth.is_empty(),
        "{}: no usable truth rows",
        args.truth.display()
    );
    let pred = eval::read_pred(&args.pred)?;
    let report = eval::evaluate(&truth, &pred);
    println!(
        "callqa eval: {} truth calls, {} predicted calls ({})",
        truth.len(),
        pred.len(),
        args.pred.display()
    );
    if !report.missing.is_empty() {
        println!(
            "ERROR: {} truth call(s) missing from the predictions, scored as wrong: {}",
            report.missing.len(),
            report.missing.join(", ")
        );
    }
    if !report.extra.is_empty() {
        println!(
            "note: {} predicted call(s) not in the truth, ignored",
            report.extra.len()
        );
    }
    println!();
    println!(
        "{:<24} {:>5} {:>4} {:>4} {:>4} {:>9} {:>7} {:>6}",
        "element", "n", "TP", "FP", "FN", "precision", "recall", "F1"
    );
    for c in BOOL_COLUMNS {
        if let Some(s) = report.bools.get(*c) {
            println!(
                "{:<24} {:>5} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>6.3}",
                c,
                s.n(),
                s.tp,
                s.fp,
                s.fn_,
                s.precision(),
                s.recall(),
                s.f1()
            );
        }
    }
    println!();
    println!("{:<24} {:>5} {:>6} {:>6}", "count", "n", "exact", "MAE");
    for c in COUNT_COLUMNS {
        if let Some(s) = report.counts.get(*c) {
            println!(
                "{:<24} {:>5} {:>6.3} {:>6.3}",
                c,
                s.n,
                s.exact_rate(),
                s.mae()
            );
        }
    }
    print_sets(&report);
    let mut failures = report.failures(args.min_f1, args.min_exact);
    if let Some(path) = &args.pii_truth {
        failures.extend(redaction(&args, path, &truth)?);
    }
    if let Some(path) = &args.questions_truth {
        failures.extend(questions(&args, path, &truth)?);
    }
    println!();
    if failures.is_empty() {
        println!(
            "PASS (min F1 {}, min exact {})",
            args.min_f1, args.min_exact
        );
    } else {
        println!("FAIL: {}", failures.join("; "));
    }
    Ok(failures.is_empty())
}

/// Per-value scores of the set columns (complaint types).
fn print_sets(report: &eval::Report) {
    for (col, per) in &report.sets {
        println!();
        println!(
            "{:<24} {:>5} {:>4} {:>4} {:>4} {:>9} {:>7} {:>6}",
            col, "n", "TP", "FP", "FN", "precision", "recall", "F1"
        );
        for (name, s) in per {
            println!(
                "  {:<22} {:>5} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>6.3}",
                name,
                s.n(),
                s.tp,
                s.fp,
                s.fn_,
                s.precision(),
                s.recall(),
                s.f1()
            );
        }
    }
}

/// Score redaction against the labelled spans; returns the failed thresholds.
fn redaction(args: &EvalArgs, path: &Path, truth: &Table) -> Result<Vec<String>> {
    let mut note = |m: &str| println!("{m}");
    let spans = eval::read_pii_truth(path, &mut note)?;
    let texts = eval::read_utterance_texts(&args.pred)?;
    let calls = truth.keys().cloned().collect();
    let r = eval::evaluate_redaction(&spans, &texts, &calls);
    println!();
    println!(
        "{:<24} {:>5} {:>4} {:>4} {:>4} {:>9} {:>7} {:>6}",
        "redaction", "spans", "TP", "FP", "FN", "precision", "recall", "F1"
    );
    let total = r.total();
    for (kind, s) in r.kinds.iter().chain([(&"all".to_string(), &total)]) {
        println!(
            "  {:<22} {:>5} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>6.3}",
            kind,
            s.tp + s.fn_,
            s.tp,
            s.fp,
            s.fn_,
            s.precision(),
            s.recall(),
            s.f1()
        );
    }
    println!(
        "  {:<22} {:>5} kept {} ({:.3})",
        "numbers that must stay",
        r.keep_total,
        r.kept,
        r.kept_rate()
    );
    for m in &r.misses {
        println!("  miss: {m}");
    }
    let mut failures = Vec::new();
    if total.recall() + 1e-12 < args.min_redaction_recall {
        failures.push(format!(
            "redaction: recall {:.3} < {}",
            total.recall(),
            args.min_redaction_recall
        ));
    }
    if r.kept_rate() + 1e-12 < args.min_kept {
        failures.push(format!(
            "redaction: kept {:.3} < {}",
            r.kept_rate(),
            args.min_kept
        ));
    }
    Ok(failures)
}

/// Score the questions one by one against the ledger; returns the failed thresholds.
fn questions(args: &EvalArgs, path: &Path, truth: &Table) -> Result<Vec<String>> {
    let mut note = |m: &str| println!("{m}");
    let ledger = eval::read_questions_truth(path, &mut note)?;
    let tags = eval::read_utterance_tags(&args.pred)?;
    let pred = eval::questions_from_tags(&tags);
    let calls = truth.keys().cloned().collect();
    let r = eval::evaluate_questions(&ledger, &pred, &calls);
    let d = &r.detection;
    println!();
    println!(
        "{:<24} {:>5} {:>4} {:>4} {:>4} {:>9} {:>7} {:>6}",
        "questions (per question)", "calls", "TP", "FP", "FN", "precision", "recall", "F1"
    );
    println!(
        "  {:<22} {:>5} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>6.3}",
        "detection",
        r.calls,
        d.tp,
        d.fp,
        d.fn_,
        d.precision(),
        d.recall(),
        d.f1()
    );
    println!(
        "  {:<22} {} of {} found ({:.3}); {} of {} labelled ({:.3}); same outcome, other reply: {}",
        "outcome and reply right",
        r.outcome_right,
        d.tp,
        r.outcome_accuracy(),
        r.outcome_right,
        d.tp + d.fn_,
        r.end_to_end(),
        r.other_reply
    );
    print!("  {:<22}", "truth \\ predicted");
    for o in eval::Outcome::ALL {
        print!(" {:>10}", o.name());
    }
    println!();
    for (t, row) in eval::Outcome::ALL.iter().zip(r.confusion) {
        print!("  {:<22}", t.name());
        for n in row {
            print!(" {n:>10}");
        }
        println!();
    }
    if args.list_question_errors {
        list_question_errors(&args.pred, &r.errors, &tags)?;
    }
    let mut failures = Vec::new();
    if r.calls == 0 {
        failures.push(format!(
            "questions: no call of {} is in the truth",
            path.display()
        ));
    } else if d.f1() + 1e-12 < args.min_question_f1 {
        failures.push(format!(
            "questions: detection F1 {:.3} < {}",
            d.f1(),
            args.min_question_f1
        ));
    }
    Ok(failures)
}

/// One line per question error: what was labelled, what was predicted, and the texts.
fn list_question_errors(
    pred: &Path,
    errors: &[eval::QuestionError],
    tags: &std::collections::BTreeMap<String, std::collections::BTreeMap<u32, Vec<String>>>,
) -> Result<()> {
    const SHOWN_CHARS: usize = 120;
    let texts = eval::read_utterance_texts(pred)?;
    let text = |call: &str, idx: Option<u32>| -> String {
        idx.and_then(|i| texts.get(&(call.to_string(), i)))
            .map(|t| {
                let short: String = t.chars().take(SHOWN_CHARS).collect();
                if short.len() < t.len() {
                    format!("\"{short}…\"")
                } else {
                    format!("\"{short}\"")
                }
            })
            .unwrap_or_default()
    };
    let tag = |call: &str, idx: Option<u32>, prefix: &str| -> String {
        idx.and_then(|i| tags.get(call).and_then(|u| u.get(&i)))
            .map(|ts| {
                ts.iter()
                    .filter(|t| t.starts_with(prefix))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    };
    let outcome = |q: &eval::Question| match q.reply {
        Some(r) => format!("{} by #{r}", q.outcome.name()),
        None => q.outcome.name().to_string(),
    };
    println!();
    println!("question errors ({}):", errors.len());
    for e in errors {
        let call = e.call_id.as_str();
        match (&e.truth, &e.pred) {
            (None, Some(p)) => println!(
                "  {call} #{}: no question labelled, [{}] predicted: {}",
                p.idx,
                tag(call, Some(p.idx), "question:"),
                text(call, Some(p.idx))
            ),
            (Some(t), None) => {
                // A rule question the stacked detector turned down says so.
                let vetoed = tag(call, Some(t.idx), "not_question:");
                let vetoed = if vetoed.is_empty() {
                    String::new()
                } else {
                    format!(" [{vetoed}]")
                };
                println!(
                    "  {call} #{}: question missed ({} labelled){vetoed}: {}",
                    t.idx,
                    outcome(t),
                    text(call, Some(t.idx))
                )
            }
            (Some(t), Some(p)) => println!(
                "  {call} #{}: {} labelled, {} predicted [{}]: {} -> {}",
                t.idx,
                outcome(t),
                outcome(p),
                tag(call, p.reply, "answer:"),
                text(call, Some(t.idx)),
                text(call, p.reply.or(t.reply))
            ),
            (None, None) => {}
        }
    }
    Ok(())
}
