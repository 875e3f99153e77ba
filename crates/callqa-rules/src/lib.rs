//! callqa-rules (stub)
