//! The [`Assembler`]: a [`TranscribedCall`] becomes its rows. It takes personal data out
//! of the utterances first (`[redaction]`), gives a diarized mono call's speakers their
//! roles (`callqa-diarize`: the rule pack's words, the operator's voiceprint), then
//! applies the rule pack, the timing features and the acoustic scorer. It is shared by
//! `callqa run` and `callqa analyze`, so a transcript and a recording of the same call
//! give the same rows, and nothing after it (rows, tags, dumped transcripts, the report)
//! sees the redacted data.

use crate::call::{operator_of, CallRecord, Failed, Step, TranscribedCall};
use crate::failure::{contain, CallFailure, Stage};
use callqa_core::{PipelineConfig, Speaker, Utterance};
use callqa_diarize::{RoleAssignment, VoiceStore};
use callqa_emotion::Scorer;
use callqa_rules::RulePack;
use chrono::Utc;
use std::sync::Arc;

/// Rules, timing and smile scores → rows.
pub struct Assembler {
    cfg: Arc<PipelineConfig>,
    rules: RulePack,
    scorer: Option<Scorer>,
    voices: Arc<VoiceStore>,
}

impl Assembler {
    /// An assembler for the pipeline `cfg` with its compiled `rules`; `scorer` turns the
    /// acoustic stage's windows into utterance and call values (`None`: no acoustic
    /// stage).
    pub fn new(cfg: Arc<PipelineConfig>, rules: RulePack, scorer: Option<Scorer>) -> Self {
        Assembler {
            cfg,
            rules,
            scorer,
            voices: Arc::new(VoiceStore::new("")),
        }
    }

    /// Use the operators' voiceprints (as they were when the run started) to tell the
    /// operator of a diarized mono call.
    pub fn with_voices(mut self, voices: Arc<VoiceStore>) -> Self {
        self.voices = voices;
        self
    }

    /// A diarized call's roles, now that its words are known: each speaker's utterances
    /// and acoustic scores take their speaker's role.
    fn assign_roles(&self, call: &mut TranscribedCall) -> Option<RoleAssignment> {
        let split = call.diarized.as_ref().filter(|s| s.provisional.is_some())?;
        let mut per: Vec<Vec<Utterance>> = vec![Vec::new(); split.diarization.speakers.len()];
        for (u, &k) in call.utterances.iter().zip(&call.channel_of) {
            if let Some(v) = per.get_mut(k) {
                v.push(u.clone());
            }
        }
        let voiceprint = operator_of(&call.input.meta).and_then(|id| self.voices.get(id));
        let r = callqa_diarize::final_roles(
            split,
            &per,
            call.duration_s,
            &self.rules,
            voiceprint.as_ref(),
            self.cfg.diarization.roles,
        );
        for (u, &k) in call.utterances.iter_mut().zip(&call.channel_of) {
            if let Some(&role) = r.roles.get(k) {
                u.speaker = role;
            }
        }
        if let Some(Ok(channels)) = call.acoustic.as_mut() {
            for (c, &role) in channels.iter_mut().zip(&r.roles) {
                c.speaker = role;
            }
        }
        Some(r)
    }

    /// The rows of one call. Redaction, roles, scores and rows are pure computations: a
    /// panic met here becomes this call's failure (stage `features`).
    pub fn assemble(&self, mut call: TranscribedCall) -> Step<CallRecord> {
        let computed = contain(|| {
            callqa_core::abort_point("features", &call.input.meta.call_id);
            callqa_core::panic_point("features", &call.input.meta.call_id);
            // Personal data leaves the text before rules, rows and the dump see it.
            let pii = callqa_features::redact(&mut call.utterances, &self.cfg);
            let roles = self.assign_roles(&mut call);
            let acoustics = match (&self.scorer, &call.acoustic) {
                (Some(s), Some(Ok(channels))) => Some(s.score(channels, &call.utterances)),
                _ => None,
            };
            let (row, rows) = callqa_features::build_rows(
                &call.input.meta,
                call.duration_s,
                call.layout,
                call.language.as_deref(),
                &call.utterances,
                pii,
                &self.rules,
                &self.cfg,
                call.asr_model.as_deref(),
                acoustics.as_ref(),
                Utc::now(),
            );
            (acoustics.map(|a| a.call.windows), row, rows, roles)
        });
        let (windows, mut row, rows, roles) = match computed {
            Ok(x) => x,
            Err(msg) => {
                let failure = CallFailure::panic(
                    Stage::Features,
                    &call.input.meta.path,
                    "scoring this call",
                    &msg,
                );
                return Err(Box::new(Failed {
                    input: call.input,
                    failure,
                }));
            }
        };
        let mut warnings = Vec::new();
        let mut operator_voiceprint = None;
        if let Some(split) = &call.diarized {
            callqa_diarize::annotate(&mut row, split, roles.as_ref());
            // The operator's voice, from calls whose roles are near certain.
            if let (Some(id), Some(r)) = (operator_of(&call.input.meta), &roles) {
                if r.confidence >= callqa_diarize::voices::MIN_CONFIDENCE {
                    operator_voiceprint = split
                        .diarization
                        .speakers
                        .get(r.operator)
                        .map(|t| (id.to_string(), t.voice));
                }
            }
        }
        if let Some(f) = call.diarization_failure.take() {
            warnings.push(f.into_row(&call.input.meta));
        }
        let mut acoustic_work = None;
        let mut operator_voice = None;
        // A diarized call grows the operator's baseline only when its roles are near
        // certain: a customer's voice must not become the operator's.
        let sure = call.diarized.is_none()
            || roles
                .as_ref()
                .is_some_and(|r| r.confidence >= callqa_diarize::voices::MIN_CONFIDENCE);
        match (windows, call.acoustic) {
            (Some(windows), Some(Ok(channels))) => {
                acoustic_work = Some((windows, call.acoustic_s));
                operator_voice = operator_of(&call.input.meta).filter(|_| sure).map(|id| {
                    let stats = channels
                        .into_iter()
                        .filter(|c| c.speaker == Speaker::Operator)
                        .map(|c| c.stats)
                        .collect();
                    (id.to_string(), stats)
                });
            }
            (_, Some(Err(failure))) => warnings.push(failure.into_row(&call.input.meta)),
            _ => {}
        }
        Ok(CallRecord {
            input: call.input,
            call: row,
            utterances: rows,
            warnings,
            audio_s: call.duration_s,
            acoustic_work,
            operator_voice,
            operator_voiceprint,
        })
    }
}
