//! callqa-audio (stub)
