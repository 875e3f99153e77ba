-- DuckDB source views: one per table of a callqa output folder, named like the folder.
-- `callqa sql --out <dir> [--scores <dir>]` prints this file with {features} and {scores}
-- replaced by absolute paths, keeping only the tables that exist, then the qa_* views
-- of the other files in sql/. One statement per line (the CLI filters by line).
--
-- The glob reads only data files: `call_date=*/part-*.parquet` leaves out hidden
-- temporary files (`.tmp-…`) and bookkeeping folders such as `_ledger/` or `_staging/`.
-- call_date comes from the folder names (hive_partitioning) as a DATE.
-- Trino / Spark: create external tables with these names over the same folders instead
-- (docs/BI.md); the qa_* views then run unchanged.
-- Timestamps are UTC; hour() and date_trunc() in the views read them in UTC. The score
-- tables' call_date (and service_level's interval_start_local) are the contact centre's
-- days and clock, from the pipeline's [scores] time_zone; calls.call_date is the UTC day.
set TimeZone = 'UTC';
create or replace view calls as select * from read_parquet('{features}/calls/call_date=*/part-*.parquet', hive_partitioning = true);
create or replace view utterances as select * from read_parquet('{features}/utterances/call_date=*/part-*.parquet', hive_partitioning = true);
create or replace view errors as select * from read_parquet('{features}/errors/call_date=*/part-*.parquet', hive_partitioning = true);
create or replace view scores as select * from read_parquet('{scores}/scores/call_date=*/part-*.parquet', hive_partitioning = true);
create or replace view operator_daily as select * from read_parquet('{scores}/operator_daily/call_date=*/part-*.parquet', hive_partitioning = true);
create or replace view drivers as select * from read_parquet('{scores}/drivers/call_date=*/part-*.parquet', hive_partitioning = true);
create or replace view review_queue as select * from read_parquet('{scores}/review_queue/call_date=*/part-*.parquet', hive_partitioning = true);
create or replace view service_level as select * from read_parquet('{scores}/service_level/call_date=*/part-*.parquet', hive_partitioning = true);
create or replace view service_level_daily as select * from read_parquet('{scores}/service_level_daily/call_date=*/part-*.parquet', hive_partitioning = true);
