//! callqa-asr (stub)
