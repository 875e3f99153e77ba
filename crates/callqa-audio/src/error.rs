//! Why a recording could not be decoded.

/// Why a recording could not be decoded, resampled or mapped to speakers.
///
/// Every message names the file (`file`) and the cause; [`AudioError::kind`] gives the
/// short machine-readable kind written to the `errors/` table.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The file could not be opened or read (missing, a directory, no permission, I/O
    /// error).
    #[error("{file}: cannot read: {source}")]
    Io {
        /// File name.
        file: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The file holds no audio samples (0 bytes, or a header with an empty data chunk).
    #[error("{file}: empty: {detail}")]
    Empty {
        /// File name.
        file: String,
        /// What was found.
        detail: String,
    },
    /// The header declares more audio than the file holds. A cut-off recording is
    /// suspect (the copy or upload failed), so it is refused rather than half-analysed.
    #[error("{file}: truncated: only {readable_s:.2} s of audio could be read; {detail}")]
    Truncated {
        /// File name.
        file: String,
        /// Duration that could be decoded, seconds.
        readable_s: f64,
        /// What the header declared.
        detail: String,
    },
    /// Not an audio container or codec this crate decodes (e.g. a text file named
    /// `.wav`, ADPCM, AAC).
    #[error("{file}: unsupported format: {detail}")]
    UnsupportedFormat {
        /// File name.
        file: String,
        /// Cause.
        detail: String,
    },
    /// The container was recognised but its contents could not be decoded.
    #[error("{file}: corrupt audio: {detail}")]
    Corrupt {
        /// File name.
        file: String,
        /// Cause.
        detail: String,
    },
    /// A channel count the pipeline cannot use (0, or more than 2 speakers' worth).
    #[error("{file}: bad channel count {channels}: {detail}")]
    BadChannels {
        /// File name.
        file: String,
        /// Channel count found.
        channels: usize,
        /// What was expected.
        detail: String,
    },
    /// A sample rate outside [`crate::MIN_SAMPLE_RATE`]..=[`crate::MAX_SAMPLE_RATE`].
    #[error(
        "{file}: bad sample rate {rate} Hz (supported: {} to {} Hz)",
        crate::MIN_SAMPLE_RATE,
        crate::MAX_SAMPLE_RATE
    )]
    BadSampleRate {
        /// File name.
        file: String,
        /// Sample rate found, Hz.
        rate: u32,
    },
    /// The recording is longer than the decode cap, which keeps memory bounded.
    #[error("{file}: too long: more than {max_s:.0} s of audio (the limit is {max_s:.0} s)")]
    TooLong {
        /// File name.
        file: String,
        /// The cap, seconds.
        max_s: f64,
    },
    /// Some audio decoded, but less than [`crate::MIN_DURATION_S`]: nothing to analyse.
    #[error("{file}: too short: {duration_s:.4} s of audio (at least {min_s} s needed)")]
    TooShort {
        /// File name.
        file: String,
        /// Decoded duration, seconds.
        duration_s: f64,
        /// The minimum, seconds.
        min_s: f64,
    },
    /// The resampler refused the input (should not happen for a valid sample rate).
    #[error("{file}: resampling from {from_rate} Hz failed: {detail}")]
    Resample {
        /// File name.
        file: String,
        /// Source rate, Hz.
        from_rate: u32,
        /// Cause.
        detail: String,
    },
}

impl AudioError {
    /// Short machine-readable kind for the `errors/` table: `io`, `empty`, `truncated`,
    /// `unsupported_format`, `corrupt`, `bad_channels`, `bad_sample_rate`, `too_long`,
    /// `too_short` or `resample`.
    pub fn kind(&self) -> &'static str {
        match self {
            AudioError::Io { .. } => "io",
            AudioError::Empty { .. } => "empty",
            AudioError::Truncated { .. } => "truncated",
            AudioError::UnsupportedFormat { .. } => "unsupported_format",
            AudioError::Corrupt { .. } => "corrupt",
            AudioError::BadChannels { .. } => "bad_channels",
            AudioError::BadSampleRate { .. } => "bad_sample_rate",
            AudioError::TooLong { .. } => "too_long",
            AudioError::TooShort { .. } => "too_short",
            AudioError::Resample { .. } => "resample",
        }
    }

    /// The file name the error is about.
    pub fn file(&self) -> &str {
        match self {
            AudioError::Io { file, .. }
            | AudioError::Empty { file, .. }
            | AudioError::Truncated { file, .. }
            | AudioError::UnsupportedFormat { file, .. }
            | AudioError::Corrupt { file, .. }
            | AudioError::BadChannels { file, .. }
            | AudioError::BadSampleRate { file, .. }
            | AudioError::TooLong { file, .. }
            | AudioError::TooShort { file, .. }
            | AudioError::Resample { file, .. } => file,
        }
    }
}
