//! Which diarized speaker is the operator.
//!
//! Three kinds of evidence, added as log-odds for "speaker k is the operator":
//!
//! * **words** (after ASR): the pipeline's own rule pack is evaluated with speaker k as
//!   the operator and everyone else as the customer; each operator element of the
//!   standard found (greeting, self-introduction, thanks, survey offer, farewell, custom
//!   operator elements) counts [`WORD_LOGODDS`]. Customers rarely greet with the
//!   company's name or offer the survey, so the operator is the speaker under whom the
//!   standard is met.
//! * **voice**: the cosine similarity of the speaker's voice to the operator's
//!   voiceprint ([`crate::voices`]), when the call names an operator who has one,
//!   [`VOICE_LOGODDS`] per unit of similarity.
//! * **who speaks first**: in an inbound centre the operator answers, a weak
//!   [`FIRST_LOGODDS`] (the pipeline can make it the rule: `roles =
//!   "first_speaker_operator"` or `"first_speaker_customer"`).
//!
//! The operator is the speaker with the most evidence; the others are customers.
//! `role_confidence` is the logistic of the evidence gap between the operator and the
//! runner-up: a probability, given the evidence, that the roles are right.

use crate::cluster::dot;
use crate::{Diarization, Embedding};
use callqa_core::{RoleRule, Speaker, Utterance};
use callqa_rules::{RulePack, SpeakerFilter};

/// Log-odds per operator element of the standard found under a speaker.
pub const WORD_LOGODDS: f64 = 1.5;
/// Log-odds per unit of cosine similarity to the operator's voiceprint (a 0.25 gap,
/// typical between two voices, is 3: 95 %).
pub const VOICE_LOGODDS: f64 = 12.0;
/// Log-odds for the first speaker.
pub const FIRST_LOGODDS: f64 = 0.5;

/// The roles of a call's speakers.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleAssignment {
    /// Role of each speaker, parallel to [`Diarization::speakers`].
    pub roles: Vec<Speaker>,
    /// Index of the operator among the speakers.
    pub operator: usize,
    /// The evidence that decided: `words`, `voice`, `words+voice`, `first_speaker` or
    /// `fixed` (the pipeline's rule).
    pub method: String,
    /// Probability that the operator is the right speaker, 0.5–1.
    pub confidence: f64,
}

/// Roles before ASR, from the voice and who speaks first (the acoustic stage needs a
/// provisional operator to pick the operator's emotion baseline).
pub fn provisional_roles(
    d: &Diarization,
    voiceprint: Option<&Embedding>,
    rule: RoleRule,
) -> RoleAssignment {
    assign_roles(d, &[], 0.0, None, voiceprint, rule)
}

/// Number of operator elements of `rules` found when speaker `k` is the operator.
fn operator_elements(
    per_speaker: &[Vec<Utterance>],
    k: usize,
    duration_s: f64,
    rules: &RulePack,
) -> usize {
    let call: Vec<Utterance> = per_speaker
        .iter()
        .enumerate()
        .flat_map(|(j, us)| {
            let speaker = if j == k {
                Speaker::Operator
            } else {
                Speaker::Customer
            };
            us.iter().map(move |u| Utterance {
                speaker,
                ..u.clone()
            })
        })
        .collect();
    let r = rules.evaluate(&call, duration_s);
    rules
        .elements()
        .iter()
        .filter(|e| e.speaker == SpeakerFilter::Operator)
        .filter(|e| r.elements.get(&e.name).is_some_and(|h| h.found))
        .count()
}

/// Roles of the speakers of `d`. `utterances[k]` are speaker k's transcribed
/// utterances (empty before ASR); `rules` evaluates them (words evidence);
/// `voiceprint` is the call's operator's stored voice.
pub fn assign_roles(
    d: &Diarization,
    utterances: &[Vec<Utterance>],
    duration_s: f64,
    rules: Option<&RulePack>,
    voiceprint: Option<&Embedding>,
    rule: RoleRule,
) -> RoleAssignment {
    let n = d.speakers.len();
    let first = 0; // speakers are in order of first speech
    let fixed = |operator: usize| RoleAssignment {
        roles: (0..n)
            .map(|k| {
                if k == operator {
                    Speaker::Operator
                } else {
                    Speaker::Customer
                }
            })
            .collect(),
        operator,
        method: "fixed".into(),
        confidence: 1.0,
    };
    match rule {
        RoleRule::FirstSpeakerOperator => return fixed(first.min(n.saturating_sub(1))),
        RoleRule::FirstSpeakerCustomer => return fixed(1.min(n.saturating_sub(1))),
        _ => {}
    }
    let use_words = rule != RoleRule::Voice && utterances.len() == n;
    let use_voice = rule != RoleRule::Words;
    let words: Vec<f64> = (0..n)
        .map(|k| match rules {
            Some(r) if use_words => operator_elements(utterances, k, duration_s, r) as f64,
            _ => 0.0,
        })
        .collect();
    let voice: Vec<f64> = (0..n)
        .map(|k| match voiceprint {
            Some(v) if use_voice => f64::from(dot(&d.speakers[k].voice, v)),
            _ => 0.0,
        })
        .collect();
    let score = |k: usize| {
        WORD_LOGODDS * words[k]
            + VOICE_LOGODDS * voice[k]
            + if k == first { FIRST_LOGODDS } else { 0.0 }
    };
    let operator = (0..n)
        .max_by(|&a, &b| score(a).total_cmp(&score(b)).then(b.cmp(&a)))
        .unwrap_or(0);
    let runner_up = (0..n)
        .filter(|&k| k != operator)
        .max_by(|&a, &b| score(a).total_cmp(&score(b)));
    let (gap, method) = match runner_up {
        None => (f64::INFINITY, "first_speaker".to_string()),
        Some(r) => {
            let by_words = words[operator] != words[r];
            let by_voice =
                voiceprint.is_some() && use_voice && (voice[operator] - voice[r]).abs() > 1e-6;
            let m = match (by_words, by_voice) {
                (true, true) => "words+voice",
                (true, false) => "words",
                (false, true) => "voice",
                (false, false) => "first_speaker",
            };
            (score(operator) - score(r), m.to_string())
        }
    };
    let mut a = fixed(operator);
    a.method = method;
    a.confidence = 1.0 / (1.0 + (-gap).exp());
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SpeakerTrack, DIM};
    use callqa_core::SpeechSegment;

    fn track(start: f64, axis: usize) -> SpeakerTrack {
        let mut voice = [0.0f32; DIM];
        voice[axis] = 1.0;
        SpeakerTrack {
            segments: vec![SpeechSegment {
                start_s: start,
                end_s: start + 2.0,
            }],
            voice,
            talk_s: 2.0,
        }
    }

    fn diar() -> Diarization {
        Diarization {
            speakers: vec![track(0.5, 0), track(3.0, 1)],
            overlap_s: 0.0,
            voice_similarity: 0.6,
            encoder: "test".into(),
            windows_embedded: 0,
        }
    }

    fn u(start: f64, text: &str) -> Utterance {
        Utterance {
            speaker: Speaker::Mixed,
            start_s: start,
            end_s: start + 2.0,
            text: text.into(),
        }
    }

    fn pack() -> RulePack {
        let t: toml::Table = toml::from_str(
            r#"
            [greeting]
            phrases = ["good morning", "thank you for calling"]
            [self_introduction]
            phrases = ["my name is"]
            [survey_offer]
            phrases = ["survey"]
            "#,
        )
        .unwrap();
        RulePack::from_table(&t, "en").unwrap()
    }

    #[test]
    fn the_speaker_who_meets_the_standard_is_the_operator() {
        let d = diar();
        // The customer speaks first here ("hello?"), the operator greets second.
        let utts = vec![
            vec![u(0.5, "hello is this the bank"), u(8.0, "thanks bye")],
            vec![
                u(3.0, "good morning thank you for calling my name is anna"),
                u(10.0, "please take our survey"),
            ],
        ];
        let r = assign_roles(&d, &utts, 20.0, Some(&pack()), None, RoleRule::Auto);
        assert_eq!(r.roles, vec![Speaker::Customer, Speaker::Operator]);
        assert_eq!(r.method, "words");
        assert!(r.confidence > 0.95, "{r:?}");
        // Fixed rules ignore the words.
        let r = assign_roles(
            &d,
            &utts,
            20.0,
            Some(&pack()),
            None,
            RoleRule::FirstSpeakerOperator,
        );
        assert_eq!(
            (r.operator, r.method.as_str(), r.confidence),
            (0, "fixed", 1.0)
        );
    }

    #[test]
    fn voice_decides_without_words_and_first_speaker_without_either() {
        let d = diar();
        let mut vp = [0.0f32; DIM];
        vp[1] = 0.9;
        vp[0] = 0.1;
        let r = provisional_roles(&d, Some(&vp), RoleRule::Auto);
        assert_eq!((r.operator, r.method.as_str()), (1, "voice"));
        let r = provisional_roles(&d, None, RoleRule::Auto);
        assert_eq!((r.operator, r.method.as_str()), (0, "first_speaker"));
        assert!((r.confidence - 1.0 / (1.0 + (-FIRST_LOGODDS).exp())).abs() < 1e-12);
        // `words` ignores the voiceprint.
        let r = assign_roles(
            &d,
            &[vec![], vec![]],
            20.0,
            Some(&pack()),
            Some(&vp),
            RoleRule::Words,
        );
        assert_eq!((r.operator, r.method.as_str()), (0, "first_speaker"));
    }
}
