//! callqa-features (stub)
