//! The tables are read through `callqa_parquet::read`, the one reader of callqa's
//! hive-partitioned Parquet tables (shared with `callqa score` and `callqa eval`).

pub use callqa_parquet::read::{read_table, table_exists, Table, V};
