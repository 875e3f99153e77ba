//! callqa-vad (stub)
