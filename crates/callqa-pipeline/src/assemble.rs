//! The [`Assembler`]: a [`TranscribedCall`] becomes its rows. It applies the rule pack,
//! the timing features and the acoustic scorer, and is shared by `callqa run` and
//! `callqa analyze`, so a transcript and a recording of the same call give the same rows.

use crate::call::{operator_of, CallRecord, Failed, Step, TranscribedCall};
use crate::failure::{contain, CallFailure, Stage};
use callqa_core::{PipelineConfig, Speaker};
use callqa_emotion::Scorer;
use callqa_rules::RulePack;
use chrono::Utc;
use std::sync::Arc;

/// Rules, timing and smile scores → rows.
pub struct Assembler {
    cfg: Arc<PipelineConfig>,
    rules: RulePack,
    scorer: Option<Scorer>,
}

impl Assembler {
    /// An assembler for the pipeline `cfg` with its compiled `rules`; `scorer` turns the
    /// acoustic stage's windows into utterance and call values (`None`: no acoustic
    /// stage).
    pub fn new(cfg: Arc<PipelineConfig>, rules: RulePack, scorer: Option<Scorer>) -> Self {
        Assembler { cfg, rules, scorer }
    }

    /// The rows of one call. Scores and rows are pure computations: a panic met here
    /// becomes this call's failure (stage `features`).
    pub fn assemble(&self, call: TranscribedCall) -> Step<CallRecord> {
        let computed = contain(|| {
            callqa_core::panic_point("features", &call.input.meta.call_id);
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
                &self.rules,
                &self.cfg,
                call.asr_model.as_deref(),
                acoustics.as_ref(),
                Utc::now(),
            );
            (acoustics.map(|a| a.call.windows), row, rows)
        });
        let (windows, row, rows) = match computed {
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
        let mut acoustic_work = None;
        let mut operator_voice = None;
        match (windows, call.acoustic) {
            (Some(windows), Some(Ok(channels))) => {
                acoustic_work = Some((windows, call.acoustic_s));
                operator_voice = operator_of(&call.input.meta).map(|id| {
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
        })
    }
}
