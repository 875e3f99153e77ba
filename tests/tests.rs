//! callqa's integration tests, one module per area, linked into one test binary (as
//! ripgrep does): on a 2-core machine the suite links once instead of once per file.
//! They drive the real `callqa` binary on real inputs (synthesised speech, EmoDB, broken
//! files) and read its Parquet back with DuckDB or pyarrow.

mod common;

mod analyze;
mod bad_inputs;
mod devset;
mod e2e_mono;
mod e2e_redaction;
mod e2e_report;
mod e2e_ru;
mod e2e_run;
mod e2e_score;
mod e2e_smile;
mod exactly_once;
mod hardening;
mod install;
mod s3;
