//! callqa-parquet (stub)
