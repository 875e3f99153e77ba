//! `callqa`: the command line. It parses arguments, loads the pipeline file and wires
//! the stage crates together; every stage lives in its own library crate
//! (see `docs/ARCHITECTURE.md`).
//!
//! Exit codes: 0 = every input processed; 3 = partial (some inputs produced rows in
//! `errors/`, the rest were written); 1 = fatal (bad pipeline file, missing model,
//! unwritable output); 2 = bad command line.

mod doctor;
mod eval;
mod report;
mod run;
mod score;
mod sql;
mod summary;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code when some inputs failed and the rest were written.
pub const EXIT_PARTIAL: u8 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "callqa",
    version,
    about = "Speech analytics for contact-centre QA: call recordings in, per-call quality features out (Parquet).",
    after_help = "Exit codes: 0 all inputs processed, 3 partial (see errors/ in the output), 1 fatal, 2 bad arguments.\n\
                  Docs: README.md, docs/SCHEMA.md, docs/ARCHITECTURE.md, pipelines/README.md"
)]
struct Cli {
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Transcribe call recordings and write per-call quality features to Parquet.
    #[command(
        after_help = "Example:\n  callqa run --input recordings/ --out out/ --language ru\n  \
        callqa run --input manifest.csv --out out/ --pipeline pipelines/en-contact-center.toml --threads 4\n\n\
        Manifest CSV columns: path,call_id,operator_id,started_at[,channel_layout][,language]\n\
        (paths relative to the manifest's folder; started_at RFC 3339).\n\
        Without a manifest, call_id is the file stem and started_at the file's modification time.\n\
        Reruns process only new or changed inputs (the ledger in <out>/_ledger); --reprocess redoes all,\n\
        --retry-errors retries failed inputs. --shard I/N splits the inputs between N workers;\n\
        --input/--out may be s3://bucket/prefix (AWS_* variables). See docs/DEPLOY.md."
    )]
    Run(run::RunArgs),
    /// Apply the rules to existing transcripts (JSON, one call per file) and write the same Parquet.
    #[command(
        after_help = "Example:\n  callqa analyze --transcripts vendor-export/ --out out/ --pipeline pipelines/ru-contact-center.toml\n\n\
        Transcript JSON: {\"call_id\": str, \"operator_id\": str, \"started_at\": RFC 3339, \"language\": \"ru\",\n  \
        \"utterances\": [{\"speaker\": \"operator\"|\"customer\", \"start\": s, \"end\": s, \"text\": str}]}\n\
        Acoustic columns are null; transcripts already analysed (the ledger in <out>/_ledger) are skipped\n\
        unless they changed or --reprocess is given."
    )]
    Analyze(run::AnalyzeArgs),
    /// Score predicted calls/ Parquet against a labelled truth CSV (precision / recall / F1, exact match / MAE).
    #[command(
        after_help = "Example:\n  callqa analyze --transcripts tests/data/devset/ru --out /tmp/dev --pipeline pipelines/ru-contact-center.toml\n  \
        callqa analyze --transcripts tests/data/devset/en --out /tmp/dev --pipeline pipelines/en-contact-center.toml\n  \
        callqa eval --pred /tmp/dev --truth tests/data/devset/truth.csv --min-f1 0.95 --min-exact 0.90 \\\n    \
        --pii-truth tests/data/devset/pii.csv --min-redaction-recall 1 --min-kept 0.95 \\\n    \
        --questions-truth tests/data/devset/questions.csv --min-question-f1 0.97\n\n\
        Truth CSV: call_id, then any of greeting,self_introduction,thanks,survey_offer,farewell,complaint\n\
        (true/false), long_pauses,operator_interruptions,customer_interruptions,customer_questions,\n\
        concrete_answers,vague_answers,unanswered_questions,pii_redactions (integers) and complaint_types\n\
        (names separated by ;). Empty cells are not scored (an empty complaint_types is no complaint);\n\
        broken rows are reported with their line number and skipped.\n\
        PII truth CSV: call_id,idx,kind,value (kind PHONE, CARD, EMAIL, PASSPORT, SNILS, INN, or KEEP for a\n\
        number that must stay); scored against the predicted utterances/ texts.\n\
        Questions truth CSV: call_id,question_idx,reply_idx,outcome (concrete, vague or unanswered);\n\
        reply_idx empty when unanswered; a row with only call_id labels a call without questions.\n\
        Scored one question at a time against the predicted utterances/ tags.\n\
        Truth calls missing from the predictions count as errors; extra predicted calls are ignored.\n\
        Exit codes: 0 every element meets the thresholds, 4 some element is below, 1 unreadable input."
    )]
    Eval(eval::EvalArgs),
    /// Scores, rating drivers, review queue and Service Level from calls/ Parquet and a ratings CSV.
    #[command(
        after_help = "Example:\n  callqa score --features out/ --ratings ratings.csv --out out/\n  \
        callqa score --features out/ --ratings ratings.csv --calls-meta calls_meta.csv --out scores/ \\\n    \
        --pipeline pipelines/en-contact-center.toml\n\n\
        Ratings CSV: call_id,rating,scale[,rated_at] (scale csat5 = 1-5, nps10 = 0-10; extra columns ignored).\n\
        Calls metadata CSV: call_id,channel,queue,offered_at,answered_at,abandoned_at (empty where not applicable).\n\
        Writes scores/, operator_daily/, drivers/, review_queue/, errors/ (bad CSV rows, with line numbers)\n\
        and, with --calls-meta, service_level/ and service_level_daily/. Tables of an earlier callqa score\n\
        in <out> are replaced.\n\
        Exit codes: 0 ok, 3 some CSV rows became errors/ rows, 1 fatal, 2 bad arguments."
    )]
    Score(score::ScoreArgs),
    /// One self-contained HTML report (KPIs, scorecards, compliance, drivers, SL, review queue, transcripts).
    #[command(
        after_help = "Example:\n  callqa report --features out/ --out report.html\n  \
        callqa report --features out/ --scores scores/ --out report.html --lang both\n\n\
        The file has no external references (inline SVG, CSS and script): open it offline or mail it.\n\
        --lang en|ru|both (both: a toggle in the page). Transcripts are included for the review queue's calls."
    )]
    Report(report::ReportArgs),
    /// Print a DuckDB session script with the BI views (sql/*.sql) over an output folder.
    #[command(after_help = "Example:\n  callqa sql --out out/ > session.sql\n  \
        python -c \"import duckdb; c = duckdb.connect(); c.execute(open('session.sql').read())\"\n\n\
        Views: calls, utterances, scores, ... (one per table found) and qa_daily_calls,\n\
        qa_operator_scorecard, qa_element_compliance_trend, qa_drivers, qa_review_queue,\n\
        qa_service_level. See docs/BI.md.")]
    Sql(sql::SqlArgs),
    /// Check a node: which models, ONNX Runtime and pipeline files are found, from where,
    /// whether their checksums match and they load; CPU features; GPU build.
    #[command(after_help = "Example:\n  callqa doctor\n\n\
        Looks where a run looks: $CALLQA_MODELS_DIR, <binary>/../share/callqa, $XDG_DATA_HOME/callqa\n\
        (~/.local/share/callqa), then the source tree's .cache/ (development builds).\n\
        Exit codes: 0 everything found and loads, 1 something is missing or broken.")]
    Doctor(doctor::DoctorArgs),
}

fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("CALLQA_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,whisper_rs=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.with_target(false).init(),
        LogFormat::Json => builder.json().init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let result: Result<Outcome> = match cli.command {
        Command::Run(a) => run::run(a),
        Command::Analyze(a) => run::analyze(a),
        Command::Score(a) => score::score(a),
        Command::Report(a) => report::report(a),
        Command::Sql(a) => sql::sql(a),
        Command::Doctor(a) => match doctor::doctor(a) {
            Ok(o) if o.failed > 0 => return ExitCode::FAILURE,
            r => r,
        },
        Command::Eval(a) => {
            return match eval::eval(a) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(eval::EXIT_BELOW_THRESHOLD),
                Err(e) => {
                    eprintln!("callqa: error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    };
    match result {
        Ok(o) if o.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(EXIT_PARTIAL),
        Err(e) => {
            eprintln!("callqa: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// What a command did, for the exit code.
pub struct Outcome {
    /// Inputs that produced error rows (or warning rows).
    pub failed: usize,
}

impl From<callqa_pipeline::RunReport> for Outcome {
    fn from(r: callqa_pipeline::RunReport) -> Self {
        Outcome {
            failed: r.failed + r.warnings,
        }
    }
}

/// Pipeline file: the given one, else the shipped pack for the language (`en` → English,
/// anything else → Russian).
pub fn resolve_pipeline(given: Option<PathBuf>, language: Option<&str>) -> PathBuf {
    callqa_pipeline::plan::pipeline_for(given, language)
}
