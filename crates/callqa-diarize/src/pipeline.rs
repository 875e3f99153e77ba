//! What the run pipeline calls, in three places, so that a diarized mono call flows on
//! like a stereo one:
//!
//! 1. after VAD, for a `mixed` channel: [`split_channel`] gives one channel per speaker
//!    (the same samples, that speaker's segments), labelled with provisional roles
//!    (voiceprint, first speaker), which ASR and the acoustic stage then treat like the
//!    channels of a stereo call; a call with one speaker (or none) stays `mixed`;
//! 2. after ASR, with each split channel's utterances: [`final_roles`] decides the roles
//!    again with the words; the pipeline relabels the utterances (and the acoustic
//!    stage's channel scores) of channel k with `roles[k]`;
//! 3. on the `calls/` row: [`annotate`] fills `diarization`, `speakers`, `role_method`
//!    and `role_confidence`.

use crate::roles::{assign_roles, provisional_roles, RoleAssignment};
use crate::{Diarization, DiarizeError, Diarizer, Embedding};
use callqa_core::config::VadConfig;
use callqa_core::{CallFeatures, Channel, RoleRule, SpeechSegment, Utterance};
use callqa_rules::RulePack;

/// A mixed channel after diarization.
#[derive(Debug, Clone)]
pub struct Split {
    /// Who speaks when.
    pub diarization: Diarization,
    /// One channel per speaker (two or more speakers), in the order of
    /// `diarization.speakers`, each with that speaker's segments and provisional role;
    /// empty when the channel keeps one `mixed` speaker.
    pub channels: Vec<(Channel, Vec<SpeechSegment>)>,
    /// The roles before ASR (`None` with fewer than two speakers).
    pub provisional: Option<RoleAssignment>,
}

/// Diarize a `mixed` channel and split it into one channel per speaker.
pub fn split_channel(
    diarizer: &mut Diarizer,
    channel: &Channel,
    segments: &[SpeechSegment],
    vad: &VadConfig,
    voiceprint: Option<&Embedding>,
    rule: RoleRule,
) -> Result<Split, DiarizeError> {
    let diarization = diarizer.diarize(&channel.samples, segments, vad)?;
    if diarization.speakers.len() < 2 {
        return Ok(Split {
            diarization,
            channels: Vec::new(),
            provisional: None,
        });
    }
    let roles = provisional_roles(&diarization, voiceprint, rule);
    let channels = diarization
        .speakers
        .iter()
        .zip(&roles.roles)
        .map(|(t, &speaker)| {
            (
                Channel {
                    speaker,
                    samples: channel.samples.clone(),
                },
                t.segments.clone(),
            )
        })
        .collect();
    Ok(Split {
        diarization,
        channels,
        provisional: Some(roles),
    })
}

/// The roles after ASR: `utterances[k]` are split channel k's utterances.
pub fn final_roles(
    split: &Split,
    utterances: &[Vec<Utterance>],
    duration_s: f64,
    rules: &RulePack,
    voiceprint: Option<&Embedding>,
    rule: RoleRule,
) -> RoleAssignment {
    assign_roles(
        &split.diarization,
        utterances,
        duration_s,
        Some(rules),
        voiceprint,
        rule,
    )
}

/// Fill the diarization columns of a `calls/` row.
pub fn annotate(row: &mut CallFeatures, split: &Split, roles: Option<&RoleAssignment>) {
    row.diarization = Some(split.diarization.encoder.clone());
    row.speakers = Some(split.diarization.speakers.len() as u32);
    if let Some(r) = roles.filter(|_| split.diarization.speakers.len() >= 2) {
        row.role_method = Some(r.method.clone());
        row.role_confidence = Some(r.confidence);
    }
}
