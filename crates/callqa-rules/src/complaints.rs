//! Customer complaints (`[rules.complaints]`).
//!
//! The complaint-handling loop of a service standard needs to know *that* a customer
//! complained and *what kind* of complaint it was, so that each call gets a short-term fix
//! and each type a root-cause review. The types are data: every sub-table of
//! `[rules.complaints]` is one type (`[rules.complaints.supervisor]`, …) with the usual
//! `phrases` / `patterns` / `exclude_*` cues, and its name is what `calls.complaint_types`
//! lists and what the utterance tag says (`complaint:supervisor:позовите руководителя`).
//!
//! Negations are the hard part ("претензий нет", "I'm not complaining", "жаловаться не
//! буду"): the table's `ignore_patterns` spans are blanked out of the utterance before any
//! type is matched, so a negated complaint leaves nothing to match while the rest of the
//! utterance still counts ("претензий к оператору нет, но я напишу в Роспотребнадзор" is
//! still a formal complaint). Blanking spans, rather than vetoing the utterance, is why
//! negations are patterns here and not `exclude_*` cues. A type's `exclude_*` cues, which
//! veto that type for the utterance (a neutral reason for leaving, "не ваша вина"), are
//! read on the utterance both before and after the blanking, so an exclude may name the
//! negation itself ("к вам никаких претензий").

use crate::complaint_model::{self, ComplaintModel};
use crate::normalize::{self, Token};
use crate::pack::{compile_cues, compile_regex, get_strings, invalid, Cue, RulesError};
use crate::qa::Prepared;
use crate::SpeakerFilter;
use regex::Regex;
use rust_stemmers::Stemmer;

const TABLE_KEYS: &[&str] = &[
    "description",
    "speaker",
    "ignore_patterns",
    "learned",
    "learned_threshold",
];

/// Default `learned_threshold` of `[rules.complaints]`: the threshold the learned model
/// was selected with (models/complaint-detector.md).
pub const DEFAULT_LEARNED_THRESHOLD: f64 = 0.8;

/// `learned = true`: the learned complaint detector (module `complaint_model`) beside the
/// rules, for a language it was trained on.
#[derive(Debug, Clone)]
pub struct LearnedComplaints {
    /// The pack language (`ru` / `en`), a model feature.
    pub language: &'static str,
    /// P at or above which an utterance the rules leave alone is a complaint.
    pub threshold: f64,
    /// The embedded model.
    pub model: &'static ComplaintModel,
}
const TYPE_KEYS: &[&str] = &[
    "description",
    "phrases",
    "patterns",
    "exclude_phrases",
    "exclude_patterns",
];

/// One complaint type: its name and cues.
#[derive(Debug, Clone)]
pub struct ComplaintType {
    /// The sub-table name, e.g. `supervisor`.
    pub name: String,
    cues: Vec<Cue>,
    exclude: Vec<Cue>,
}

/// The compiled `[rules.complaints]` table.
#[derive(Debug, Clone)]
pub struct ComplaintRules {
    /// Whose utterances can be complaints (default: the customer).
    pub speaker: SpeakerFilter,
    ignore: Vec<Regex>,
    types: Vec<ComplaintType>,
    learned: Option<LearnedComplaints>,
}

impl ComplaintRules {
    pub(crate) fn compile(
        t: &toml::Table,
        stemmer: Option<&Stemmer>,
        fuzzy_min: usize,
        language: &str,
    ) -> Result<Self, RulesError> {
        const N: &str = "complaints";
        let mut types = Vec::new();
        for (key, value) in t {
            match value {
                toml::Value::Table(sub) => {
                    types.push(compile_type(key, sub, stemmer, fuzzy_min)?);
                }
                _ if TABLE_KEYS.contains(&key.as_str()) => {}
                _ => {
                    return Err(invalid(
                        N,
                        key,
                        format!(
                            "unknown key (known: {}; each complaint type is a table such as \
                             [rules.complaints.supervisor])",
                            TABLE_KEYS.join(", ")
                        ),
                    ))
                }
            }
        }
        if types.is_empty() {
            return Err(invalid(
                N,
                "",
                "needs at least one complaint type, e.g. [rules.complaints.supervisor] with phrases",
            ));
        }
        let speaker = crate::qa::speaker(N, t, SpeakerFilter::Customer)?;
        let ignore = get_strings(N, t, "ignore_patterns")?
            .iter()
            .enumerate()
            .map(|(i, p)| compile_regex(N, &format!("ignore_patterns[{i}]"), p))
            .collect::<Result<_, _>>()?;
        let learned = learned(t, language)?;
        Ok(ComplaintRules {
            speaker,
            ignore,
            types,
            learned,
        })
    }

    /// The learned detector, when `learned = true` and the language is one it knows.
    pub fn learned(&self) -> Option<&LearnedComplaints> {
        self.learned.as_ref()
    }

    /// The complaint types, by name.
    pub fn types(&self) -> &[ComplaintType] {
        &self.types
    }

    /// Whether the rules read a negation or a look-alike in `p` (an `ignore_patterns` span
    /// or a type's `exclude_*` cue): "претензий нет", "no need for a manager". The learned
    /// detector is not asked about such an utterance: its complaint words are exactly what
    /// the rules recognised as not a complaint.
    pub(crate) fn negated(&self, p: &Prepared<'_>) -> bool {
        self.ignore.iter().any(|re| re.is_match(&p.norm))
            || self.types.iter().any(|ty| {
                ty.exclude
                    .iter()
                    .any(|c| c.find(&p.toks, &p.norm).is_some())
            })
    }

    /// The complaint types found in `p` with their deciding cue, by type name.
    pub(crate) fn detect(
        &self,
        p: &Prepared<'_>,
        stemmer: Option<&Stemmer>,
    ) -> Vec<(&str, String)> {
        let norm = crate::qa::blank(&p.norm, &self.ignore);
        let toks: Vec<Token> = normalize::tokens(&norm, stemmer);
        // An exclude cue is read on the utterance as said, before the negations are
        // blanked: "к вам никаких претензий, просто продал машину" is a neutral reason
        // for leaving, and its "никаких претензий" is exactly what says so.
        let excluded = |ty: &ComplaintType| {
            ty.exclude
                .iter()
                .any(|c| c.find(&toks, &norm).is_some() || c.find(&p.toks, &p.norm).is_some())
        };
        self.types
            .iter()
            .filter(|ty| !excluded(ty))
            .filter_map(|ty| {
                crate::qa::best_cue(&ty.cues, &toks, &norm).map(|c| (ty.name.as_str(), c))
            })
            .collect()
    }
}

/// `learned` / `learned_threshold` of `[rules.complaints]`.
fn learned(t: &toml::Table, language: &str) -> Result<Option<LearnedComplaints>, RulesError> {
    const N: &str = "complaints";
    let Some((language, threshold)) =
        crate::qa::learned_settings(N, t, language, DEFAULT_LEARNED_THRESHOLD)?
    else {
        return Ok(None);
    };
    let model = complaint_model::model()
        .map_err(|e| invalid(N, "learned", format!("the embedded model is broken: {e}")))?;
    Ok(Some(LearnedComplaints {
        language,
        threshold,
        model,
    }))
}

fn compile_type(
    name: &str,
    t: &toml::Table,
    stemmer: Option<&Stemmer>,
    fuzzy_min: usize,
) -> Result<ComplaintType, RulesError> {
    let element = format!("complaints.{name}");
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(invalid(
            &element,
            "",
            "a complaint type name is lowercase ASCII letters, digits and _ (it becomes a value of calls.complaint_types)",
        ));
    }
    for key in t.keys() {
        if !TYPE_KEYS.contains(&key.as_str()) {
            return Err(invalid(
                &element,
                key,
                format!("unknown key (known: {})", TYPE_KEYS.join(", ")),
            ));
        }
    }
    let cues = compile_cues(&element, t, "", stemmer, fuzzy_min)?;
    if cues.is_empty() {
        return Err(invalid(
            &element,
            "phrases",
            "the complaint type needs at least one entry in `phrases` or `patterns`",
        ));
    }
    Ok(ComplaintType {
        name: name.to_string(),
        cues,
        exclude: compile_cues(&element, t, "exclude_", stemmer, fuzzy_min)?,
    })
}

/// The shipped packs' `[rules.complaints]` on the complaint taxonomy of docs/QUALITY.md:
/// each type in several wordings per language, and the look-alikes that are not
/// complaints (negations in either word order, a job title, "cancel my order", "say that
/// again", a court order, a clinic's "жалобы", the Bank of Russia rate, politeness).
#[cfg(test)]
mod tests {
    use crate::RulePack;
    use callqa_core::{Speaker, Utterance};

    /// A shipped pack with the rules alone: these tests probe the rules' cues and
    /// negations, sentence by sentence; the learned detector beside them is measured on
    /// whole calls (lib.rs `learned_complaints_beside_the_rules`, the devset test).
    fn shipped(lang: &str) -> RulePack {
        crate::tests::shipped_with_complaints(lang, |c| {
            assert_eq!(c.get("learned"), Some(&toml::Value::Boolean(true)));
            c.insert("learned".into(), toml::Value::Boolean(false));
        })
    }

    /// The complaint types of one customer utterance.
    fn types(p: &RulePack, text: &str) -> Vec<String> {
        let u = Utterance {
            speaker: Speaker::Customer,
            start_s: 0.0,
            end_s: 3.0,
            text: text.into(),
        };
        p.evaluate(&[u], 3.0).complaint_types.unwrap_or_default()
    }

    fn check(lang: &str, typed: &[(&str, &[&str])], not_complaints: &[&str]) {
        let p = shipped(lang);
        let mut wrong = Vec::new();
        for (text, want) in typed {
            let got = types(&p, text);
            if got != *want {
                wrong.push(format!("{text:?}: {got:?}, want {want:?}"));
            }
        }
        for text in not_complaints {
            let got = types(&p, text);
            if !got.is_empty() {
                wrong.push(format!("{text:?}: {got:?}, want no complaint"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn russian_taxonomy_and_look_alikes() {
        check("ru", RU_TYPED, RU_NOT_COMPLAINTS);
    }

    #[test]
    fn english_taxonomy_and_look_alikes() {
        check("en", EN_TYPED, EN_NOT_COMPLAINTS);
    }

    /// Service complaints without a complaint word (irony, a grievance told as a story),
    /// churn in everyday words, and the look-alikes: leaving for a neutral reason said as
    /// such, bad weather, sincere thanks. Probe sentences written for this, not taken
    /// from any labelled call.
    #[test]
    fn implicit_service_everyday_churn_and_neutral_leaving() {
        check(
            "ru",
            &[
                ("Отличная у вас доставка, ничего не скажешь.", &["service"]),
                (
                    "Ну молодцы, три дня чинили и опять сломалось.",
                    &["service"],
                ),
                ("Спасибо вам большое за такое обслуживание.", &["service"]),
                (
                    "Такого отношения к клиентам я ещё нигде не встречал.",
                    &["service"],
                ),
                (
                    "Мастер разговаривал со мной как с дурочкой, будто я ничего не понимаю.",
                    &["service"],
                ),
                ("Курьер швырнул посылку через забор и уехал.", &["service"]),
                ("Администратор закатила глаза и отвернулась.", &["service"]),
                ("Больше я у вас ничего заказывать не буду.", &["churn"]),
                ("Больше я вашим такси не езжу.", &["churn"]),
                (
                    "Теперь буду страховать машину только в другой компании.",
                    &["churn"],
                ),
                ("Если к среде не вернёте деньги, закрываю счёт.", &["churn"]),
            ],
            &[
                "Мы переезжаем в Тверь, поэтому договор нужно расторгнуть.",
                "Хочу расторгнуть договор, к вашей работе претензий нет, просто переехали.",
                "Расторгаю договор, всё было отлично, дело в переезде.",
                "Спасибо большое, вы мне очень помогли.",
                "Ну спасибо вам, до свидания.",
                "Метель третий день, дороги замело, сидим дома.",
                "Погода ужасная, но вы тут ни при чём.",
                "Больше у меня вопросов нет.",
                "А потом я сама нашла карту, ничего страшного.",
            ],
        );
        check(
            "en",
            &[
                ("Oh great, just what I needed, another delay.", &["service"]),
                ("Thanks for nothing, honestly.", &["service"]),
                ("Nobody there seems to have a clue what's going on.", &["service"]),
                ("The nurse rolled her eyes when I asked.", &["service"]),
                ("Your engineer talked over me the whole time.", &["service"]),
                ("The courier chucked it over the fence.", &["service"]),
                ("Sort it by Friday or I'm off.", &["churn"]),
                ("I'm taking my number with me to someone cheaper.", &["churn"]),
                ("Next time I'll book with another hotel chain.", &["churn"]),
                ("I'll shop somewhere else from now on.", &["churn"]),
                (
                    "If it keeps dropping I'll be switching and going with the cable firm instead.",
                    &["churn"],
                ),
            ],
            &[
                "We're moving abroad next month so I need to cancel the contract.",
                "I have to cancel my membership, we're moving to Leeds in June, nothing wrong with the gym.",
                "Please cancel my subscription, I've loved it, there's nothing wrong with it.",
                "The snow is terrible out here but I know that's not your fault.",
                "I'm off to work now, can you text me the details?",
                "Thanks, that was really helpful.",
                "I'll book it with you for next year then.",
            ],
        );
        check(
            "ru",
            &[
                (
                    "Вот спасибо, удружили, теперь я без света на выходных.",
                    &["service"],
                ),
                (
                    "Ваш монтажник курил прямо в квартире и оставил после себя грязь.",
                    &["service"],
                ),
                (
                    "Я полчаса объясняла девушке, а она меня даже не слушала.",
                    &["service"],
                ),
                (
                    "Со мной так ещё ни в одном банке не разговаривали.",
                    &["service"],
                ),
                ("Если так пойдёт дальше, я от вас уйду.", &["churn"]),
                ("Всё, следующий кредит возьму в другом банке.", &["churn"]),
                (
                    "Отличный сервис, конечно: неделю без интернета и ни одного звонка.",
                    &["service"],
                ),
                (
                    "Ваш курьер даже не позвонил, просто кинул извещение в ящик.",
                    &["service"],
                ),
                (
                    "Мне в трубку зевали и явно хотели побыстрее отделаться.",
                    &["service"],
                ),
                (
                    "Вы сами-то понимаете, что натворили с моим счётом?",
                    &["service"],
                ),
                ("Ещё одна такая ошибка — и я меняю банк.", &["churn"]),
                (
                    "Всё, ухожу на другой тариф у другого оператора.",
                    &["churn"],
                ),
                (
                    "Просто прекрасно: деньги списали дважды, а вернуть никто не может.",
                    &["service"],
                ),
                (
                    "Сотрудница в отделении разговаривала по телефону, пока я стояла у окошка.",
                    &["service"],
                ),
                (
                    "Вы хоть понимаете, что я из-за вас опоздала на поезд?",
                    &["service"],
                ),
                ("Подумываю отказаться от вашей карты совсем.", &["churn"]),
            ],
            &[
                "Мы уезжаем за границу, поэтому закрываем счёт, к банку претензий нет.",
                "Гроза оборвала провода, это не ваша вина, просто скажите, когда починят.",
                "Спасибо, вы очень помогли, всё понятно.",
                "Я сама виновата, перепутала даты.",
                "Закрываю карту, потому что уезжаю работать за границу, всё устраивало.",
                "Ураган повалил деревья, понимаю, что вы не виноваты.",
                "Спасибо огромное, очень выручили.",
                "Это я напутала с реквизитами, извините.",
                "Расторгаю договор — дочь забирает меня к себе в другой город, спасибо за всё.",
                "Из-за паводка дорогу размыло, понятно, что это не от вас зависит.",
                "Вы мне очень помогли, огромное спасибо.",
                "Сама перепутала кнопки в приложении, бывает.",
            ],
        );
        check(
            "en",
            &[
                ("Well that's just fantastic, another week without heating.", &["service"]),
                ("The fitter left muddy footprints all over my carpet and didn't even apologise.", &["service"]),
                ("Your colleague basically laughed when I explained what happened.", &["service"]),
                ("I asked three simple questions and got three different answers.", &["service"]),
                ("Keep this up and I'll be with a different bank by Christmas.", &["churn"]),
                ("Honestly, next year I'm insuring the car with someone else.", &["churn"]),
                ("Lovely, so I've wasted my whole morning for nothing.", &["service"]),
                ("The guy on the phone just sighed at me and put me on hold again.", &["service"]),
                ("She couldn't have been less interested in helping.", &["service"]),
                ("I was told it would be fixed in a day, it's been a fortnight.", &["service"]),
                ("One more bill like this and you won't see me again.", &["churn"]),
                ("I'm this close to taking my broadband elsewhere.", &["churn"]),
                ("Marvellous, another engineer who doesn't turn up.", &["service"]),
                ("The lady at the counter kept chatting to her colleague while I waited.", &["service"]),
                ("Do you realise I missed my flight because of this?", &["service"]),
                ("Put the price up again and I'm gone.", &["churn"]),
                ("I'm seriously considering moving my mortgage to a rival lender.", &["churn"]),
            ],
            &[
                "We're relocating to Canada so I need to close the account, no complaints at all.",
                "The flooding round here is awful, I know it's not your fault.",
                "Thanks, you've been really helpful.",
                "It was my own mistake, I typed the wrong postcode.",
                "We're emigrating next spring, so please cancel the policy, it's been great.",
                "The storm knocked the line down, obviously that's nobody's fault.",
                "You've been brilliant, thanks so much.",
                "I messed up the dates myself, sorry about that.",
                "My mum is moving in with us in Scotland, so we have to cancel the care package, you've all been wonderful.",
                "The blizzard has shut the roads, I know there's nothing you can do.",
                "That's sorted everything, you've been a star.",
                "My own fault really, I forgot to top up.",
            ],
        );
    }

    /// Ordinals: "n-th call about the same problem" is a repeat, with the possessive in
    /// between too; calling back after a dropped line, the n-th flight, day or purchase are
    /// not. A manager asked *for* is a supervisor request, someone's boss who sent the
    /// customer is not; a court the customer needs a paper for is no threat; a neutral
    /// reason for cancelling vetoes churn; "the last time I use you" is churn. Probe
    /// sentences written for this test.
    #[test]
    fn ordinals_bosses_courts_and_neutral_cancelling() {
        check(
            "ru",
            &[
                (
                    "Это уже пятый наш звонок вам по одной и той же аварии.",
                    &["repeat"],
                ),
                (
                    "Звоню вам уже в третий раз по поводу счётчика.",
                    &["repeat"],
                ),
                ("Третий раз по этому вопросу звоню.", &["repeat"]),
                ("Позовите, пожалуйста, старшего смены.", &["supervisor"]),
            ],
            &[
                "Я снова звоню, нас разъединили, когда вы искали мою запись.",
                "Второй раз звоню, в прошлый раз звонок сорвался на полуслове.",
                "Я уже третий раз лечу с вами в этом году, всё отлично.",
                "Это пятый день отпуска, хотела бы уточнить по экскурсии.",
                "Начальник на работе попросил взять выписку по счёту.",
                "Мне директор велел уточнить реквизиты.",
                "Выписка нужна для суда по наследству.",
                "Продала квартиру, поэтому расторгаю договор страхования, к вам никаких претензий.",
            ],
        );
        check(
            "en",
            &[
                ("This is my fifth call about the very same meter.", &["repeat"]),
                ("It's the second time I've rung about this.", &["repeat"]),
                ("Could I speak to the branch manager, please?", &["supervisor"]),
                ("That's the last time I shop with you.", &["churn"]),
            ],
            &[
                "It's the third time I've stayed at your hotel and it's lovely.",
                "I'm calling you back, we got cut off a minute ago.",
                "My boss told me to get the invoice re-issued.",
                "The branch manager said you could help with the form.",
                "I need to cancel my membership, I've changed jobs, nothing to do with you.",
                "We sold the car last week so please cancel the policy, the service has been great.",
            ],
        );
    }

    /// Negated complaints in everyday words (a call "not with a complaint", "not a
    /// moan"), a real word one edit from a cue ("curious" is not "furious"), repeat calls
    /// counted with "dial" / "ring", senior roles asked for by title, formal routes through
    /// the courts, and churn as "never using you again". Probe sentences written for this
    /// (packs 1.6.2, after set 11 was tuned on), not copied from any labelled call.
    #[test]
    fn negations_by_topic_and_escalations_by_title() {
        check(
            "ru",
            &[
                (
                    "Набираю вам уже в пятый раз по этой же протечке.",
                    &["repeat"],
                ),
                (
                    "Позовите, пожалуйста, управляющего салоном, я жду объяснений.",
                    &["supervisor"],
                ),
                (
                    "Если к пятнице не привезёте, закажу диван у других.",
                    &["churn"],
                ),
            ],
            &[
                "Я не с жалобой, просто хочу узнать график вывоза мусора.",
                "Мы не с претензией звоним, хотели уточнить про счёт.",
                "Это не претензия, просто у меня кожа чувствительная.",
                "Это вовсе не упрёк, я понимаю, что праздники.",
            ],
        );
        check(
            "en",
            &[
                (
                    "I've rung you lot four times about this boiler.",
                    &["repeat"],
                ),
                (
                    "That's five times now I've called about the same leak.",
                    &["repeat"],
                ),
                ("Put me through to a duty manager, please.", &["supervisor"]),
                (
                    "I want the shop owner to call me back today.",
                    &["supervisor"],
                ),
                (
                    "I'd like to speak to the project manager, not the fitter.",
                    &["supervisor"],
                ),
                (
                    "Then I'll send a letter before action and take it through the courts.",
                    &["formal"],
                ),
                (
                    "I'll file a money claim online for the deposit.",
                    &["formal"],
                ),
                (
                    "Honestly, I won't be using you again after this.",
                    &["churn"],
                ),
                (
                    "If nobody turns up I'm going to the garage down the road instead.",
                    &["churn"],
                ),
                (
                    "I'm moving my savings straight over to another bank.",
                    &["churn"],
                ),
            ],
            &[
                "This isn't me having a moan, I just want to know when they'll come.",
                "Not a grumble at all, just wondering about the invoice.",
                "I'm curious whether the back windows are included.",
                "My project manager said you would send the drawings.",
                "I'm not whingeing, I'd just like a date.",
            ],
        );
    }

    const RU_TYPED: &[(&str, &[&str])] = &[
        ("ваш курьер опоздал на три часа и даже не извинился я очень недоволен", &["service"]),
        ("Ваш оператор мне нахамила и бросила трубку.", &["service"]),
        ("Почему у вас такие хамы работают?", &["service"]),
        ("Мастер был груб со мной, это никуда не годится.", &["service"]),
        ("Сотрудники у вас совершенно некомпетентные.", &["service"]),
        ("Это просто кошмар, а не обслуживание.", &["service"]),
        ("Позор, а не сервис!", &["service"]),
        ("Я возмущена вашим отношением к клиентам.", &["service"]),
        ("Вы там издеваетесь надо мной?", &["service"]),
        ("Мне надоело ждать, сколько можно ждать!", &["service"]),
        ("До вас невозможно дозвониться, я сорок минут висела на линии.", &["service"]),
        ("Я не могу до вас дозвониться уже неделю.", &["service"]),
        ("Жду возврат уже третью неделю, это ненормально.", &["service"]),
        ("Мне обещали перезвонить, и никто не перезвонил.", &["service"]),
        ("Я крайне разочарован вашим сервисом.", &["service"]),
        ("Очень плохое обслуживание у вас.", &["service"]),
        ("Вы меня просто футболите от одного к другому.", &["service"]),
        ("Вы меня обманули, это развод.", &["service"]),
        ("Меня уже достало это всё.", &["service"]),
        ("Я не довольна тем, как со мной разговаривали.", &["service"]),
        ("Наплевательское отношение, вам всё равно на клиентов.", &["service"]),
        ("Сотрудник на меня накричал.", &["service"]),
        ("Это беспредел какой-то.", &["service"]),
        ("Безответственность полная, никто ничего не делает.", &["service"]),
        ("Терпение моё лопнуло.", &["service"]),
        ("позовите пожалуйста главного инженера мне нужно с ним поговорить", &["supervisor"]),
        ("Дайте мне старшего.", &["supervisor"]),
        ("Соедините меня с вашим начальником.", &["supervisor"]),
        ("Хочу поговорить с кем-то из руководства.", &["supervisor"]),
        ("Кто у вас тут главный?", &["supervisor"]),
        ("Позовите администратора.", &["supervisor"]),
        ("Я хочу поговорить с заведующим.", &["supervisor"]),
        ("Переведите меня на кого-нибудь постарше.", &["supervisor"]),
        ("Дайте трубку вашему руководителю.", &["supervisor"]),
        ("Я дойду до вашего руководства.", &["supervisor"]),
        ("Я напишу жалобу в Роспотребнадзор.", &["formal"]),
        ("Буду писать в Центробанк.", &["formal"]),
        ("Я обращусь в ЦБ и к финансовому уполномоченному.", &["formal"]),
        ("Пойду в прокуратуру.", &["formal"]),
        ("Подам на вас в суд.", &["formal"]),
        ("Буду судиться с вами.", &["formal"]),
        ("Мой юрист подготовит иск.", &["formal"]),
        ("Я отправлю вам письменную претензию.", &["formal"]),
        ("Я пожалуюсь в общество защиты прав потребителей.", &["formal"]),
        ("Мой адвокат с вами свяжется.", &["formal"]),
        ("Оставлю негативный отзыв везде, где только можно.", &["formal"]),
        ("Дайте мне номер претензионного отдела.", &["formal"]),
        ("Я требую официальный письменный ответ.", &["formal"]),
        ("Хочу оформить официальную жалобу.", &["formal"]),
        ("Напишу в антимонопольную службу.", &["formal"]),
        ("Я обращаюсь к вам уже в пятый раз по поводу двойного списания.", &["repeat"]),
        ("Это мой третий звонок за неделю.", &["repeat"]),
        ("Звоню вам опять по той же проблеме.", &["repeat"]),
        ("Я вам уже звонила вчера и позавчера.", &["repeat"]),
        ("Сколько можно звонить по одному и тому же вопросу?", &["repeat"]),
        ("Я неоднократно обращался к вам.", &["repeat"]),
        ("Звоню вам каждую неделю, и ничего.", &["repeat"]),
        ("В прошлый раз мне сказали, что всё исправят.", &["repeat"]),
        ("Уже много раз писал вам про это.", &["repeat"]),
        ("Я в который раз объясняю одно и то же.", &["repeat"]),
        ("Звоню повторно, заявка так и не выполнена.", &["repeat"]),
        ("Сколько раз мне ещё нужно звонить?", &["repeat"]),
        ("Я уже оставляла заявку на прошлой неделе.", &["repeat"]),
        ("Если ничего не изменится, я расторгну договор и уйду к конкурентам.", &["churn"]),
        ("Я от вас уйду.", &["churn"]),
        ("Закрою все счета и перейду в другой банк.", &["churn"]),
        ("Мне проще сменить провайдера.", &["churn"]),
        ("Откажусь от ваших услуг.", &["churn"]),
        ("Хочу расторгнуть договор.", &["churn"]),
        ("Больше никогда не буду пользоваться вашими услугами.", &["churn"]),
        ("Отключусь от вас к чёртовой матери.", &["churn"]),
        ("Пойду в другую компанию.", &["churn"]),
        ("Переведу все деньги в другой банк.", &["churn"]),
        ("В другом банке условия лучше, уйду туда.", &["churn"]),
        ("Это безобразие! Я уже в третий раз звоню.", &["repeat", "service"]),
        ("Тогда я подам в суд и закрою все счета в вашем банке.", &["churn", "formal"]),
        ("Мой юрист уже готовит документы.", &["formal"]),
        ("Это вообще нормально так обращаться с клиентами?", &["service"]),
        ("Ваши сотрудники со мной разговаривали сквозь зубы.", &["service"]),
        ("Меня отправляют из одного отдела в другой уже полдня.", &["service"]),
        ("Ваша служба доставки работает отвратно.", &["service"]),
        ("Я в шоке от вашего обслуживания.", &["service"]),
        ("Мне очень не понравилось, как меня обслужили.", &["service"]),
        ("Ваш мастер всё сломал и ушёл.", &["service"]),
        ("Сколько можно кормить обещаниями!", &["service"]),
        ("Я жду курьера с утра, а его до сих пор нет, это издевательство.", &["service"]),
        ("Худший сервис, с которым я сталкивалась.", &["service"]),
        ("Вы вообще работать умеете?", &["service"]),
        ("У вас бардак полный в отделении.", &["service"]),
        ("Меня это крайне возмутило.", &["service"]),
        ("Я уже неделю без интернета, и никому нет дела.", &["service"]),
        ("Пригласите к телефону вашего начальника.", &["supervisor"]),
        ("Мне нужен старший по смене.", &["supervisor"]),
        ("Соедините с тем, кто принимает решения.", &["supervisor"]),
        ("Я хочу разговаривать с вашим руководителем, а не с вами.", &["supervisor"]),
        ("Дайте мне кого-нибудь, кто может решить вопрос.", &["supervisor"]),
        ("Переключите на вышестоящего сотрудника.", &["supervisor"]),
        ("Я буду жаловаться во все инстанции.", &["formal"]),
        ("Подам заявление в Роспотребнадзор.", &["formal"]),
        ("Напишу обращение финансовому омбудсмену.", &["formal"]),
        ("Обращусь в суд, если не вернёте деньги.", &["formal"]),
        ("Мне придётся подключить юристов.", &["formal"]),
        ("Я зафиксирую это официально и отправлю претензию.", &["formal"]),
        ("Пожалуюсь на вас в жилинспекцию.", &["formal"]),
        ("Обращусь в прокуратуру и в полицию.", &["formal"]),
        ("Я звоню уже пятый раз за эту неделю.", &["repeat"]),
        ("Мне каждый раз обещают, что перезвонят.", &["repeat"]),
        ("Это уже третье моё обращение.", &["repeat"]),
        ("Я уже дважды звонила по этому поводу.", &["repeat"]),
        ("Опять звоню вам по поводу счётчика.", &["repeat"]),
        ("Вы мне в прошлый раз то же самое говорили.", &["repeat"]),
        ("Я уже писала вам три раза.", &["repeat"]),
        ("Я подумываю сменить банк.", &["churn"]),
        ("Если так будет продолжаться, я от вас отключусь.", &["churn"]),
        ("Всё, я закрываю договор с вами.", &["churn"]),
        ("Я буду расторгать договор.", &["churn"]),
        ("Верните мне деньги, и я больше с вами дела иметь не буду.", &["churn"]),
        ("Уйду к МТС.", &["churn"]),
        ("Сколько можно!", &["service"]),
        ("Прошло уже две недели, а ничего не сделано.", &["service"]),
        ("Постоянные задержки с доставкой.", &["service"]),
        ("Старшего мне позовите.", &["supervisor"]),
        ("Главного позовите, с вами бесполезно.", &["service", "supervisor"]),
        ("Уйду к вашим конкурентам.", &["churn"]),
        ("Перейду на другого оператора.", &["churn"]),
        ("Отключите меня совсем от вашего интернета.", &["churn"]),
        ("Мне это не нравится.", &["service"]),
        ("Это неприемлемо.", &["service"]),
        ("Мне прислали бракованный чайник.", &["service"]),
        ("Я уже устала вам звонить.", &["repeat"]),
        ("Требую компенсацию за простой.", &["formal"]),
        ("Буду звонить на горячую линию Банка России.", &["formal"]),
        ("Переведу пенсию в другой банк.", &["churn"]),
        ("Вы потеряли клиента.", &["churn", "service"]),
        ("Где ваш начальник?", &["supervisor"]),
        ("Дайте жалобную книгу.", &["formal"]),
        ("Я требую руководителя.", &["supervisor"]),
        ("Я хочу поговорить с начальником.", &["supervisor"]),
        ("Кошмар какой-то, третий день без света.", &["service"]),
        ("Сколько можно меня обманывать!", &["service"]),
        ("Я звонила и на прошлой неделе, и позавчера.", &["repeat"]),
        ("Заберу свои деньги и уйду.", &["churn"]),
        ("Больше к вам ни ногой.", &["churn"]),
        ("Я больше у вас ничего покупать не буду.", &["churn"]),
        ("Позовите директора магазина.", &["supervisor"]),
        ("Я дойду до вашего директора.", &["supervisor"]),
        ("Переключите на руководителя.", &["supervisor"]),
        ("Напишу жалобу на вашего директора.", &["formal", "supervisor"]),
        ("Вы мне испортили весь отпуск своей задержкой.", &["service"]),
        ("Это просто неуважение к клиентам.", &["service"]),
        ("Никакого сервиса, одно расстройство.", &["service"]),
        ("Ваши девочки на линии вообще ничего не знают.", &["service"]),
        ("Мне нагло соврали в отделении.", &["service"]),
        ("Я очень расстроена вашим отношением.", &["service"]),
        ("Почему я должна вам по десять раз всё объяснять?", &["repeat"]),
        ("Вы меня за дурака держите?", &["service"]),
        ("Доставку переносили уже три раза.", &["service"]),
        ("Пусть мне перезвонит ваш руководитель.", &["supervisor"]),
        ("Соедините меня со старшим по смене.", &["supervisor"]),
        ("Мне нужен кто-то из начальства.", &["supervisor"]),
        ("Я оставлю жалобу на сайте.", &["formal"]),
        ("Напишу претензию в головной офис.", &["formal"]),
        ("Я этого так не оставлю, пойду в Роспотребнадзор.", &["formal"]),
        ("Подаю в суд на вашу компанию.", &["formal"]),
        ("Обращусь к финансовому уполномоченному.", &["formal"]),
        ("Я вам уже объясняла всё это на прошлой неделе.", &["repeat"]),
        ("Это уже четвёртое обращение за месяц.", &["repeat"]),
        ("Звоню вам по этому вопросу в пятый раз.", &["repeat"]),
        ("Я переведу зарплату в другой банк.", &["churn"]),
        ("Завтра же напишу заявление на расторжение.", &["churn"]),
        ("Если не решите, уйду от вас.", &["churn"]),
        ("Отказываюсь от ваших услуг.", &["churn"]),
        ("Найду другого провайдера.", &["churn"]),
        ("У вас в отделении полный хаос.", &["service"]),
        ("Вы игнорируете мои письма уже месяц.", &["service"]),
        ("Я в бешенстве от вашей доставки.", &["service"]),
        ("Меня бесит ваше приложение.", &["service"]),
        ("Вы меня подвели, а я на вас рассчитывала.", &["service"]),
        ("добрый день у меня уже вторую неделю не работает домофон и никто не приходит хотя заявку я оставляла", &["service"]),
        ("здравствуйте это опять я по поводу возврата мне обещали что деньги придут в понедельник", &["repeat"]),
        ("если вы не вернёте деньги до пятницы я закрываю счёт и ухожу в сбер", &["churn"]),
        ("девушка я с вами разговаривать не буду дайте мне вашего старшего", &["supervisor"]),
        ("я уже подготовила претензию и если не ответите за десять дней пойду в суд", &["formal"]),
        ("Вы вообще понимаете, что я без денег осталась из-за вас?", &["service"]),
        ("Так с людьми не поступают.", &["service"]),
        ("Я больше часа провисела на вашей горячей линии.", &["service"]),
        ("Качество связи у вас просто никакое.", &["service"]),
        ("Третий месяц подряд ошибки в квитанции, это уже ни в какие ворота.", &["service"]),
        ("Ваш курьер был пьяный.", &["service"]),
        ("Мне нахамили в вашем колл-центре.", &["service"]),
        ("Девушка-оператор просто бросила трубку.", &["service"]),
        ("Вы мне всю нервную систему испортили.", &["service"]),
        ("Обслуживание у вас хуже некуда.", &["service"]),
        ("Соедините с отделом претензий, а лучше с начальником отдела.", &["formal", "supervisor"]),
        ("Это уже пятая заявка, а толку ноль.", &["repeat"]),
        ("Я уже обращалась и в чат, и по телефону.", &["repeat"]),
        ("Я ухожу от вас, надоело.", &["churn", "service"]),
        ("Перехожу в другой банк, документы уже подала.", &["churn"]),
        ("С вами бесполезно, давайте вашего руководителя.", &["service", "supervisor"]),
        ("Мне нужно поговорить со старшим оператором.", &["supervisor"]),
        ("Пригласите, пожалуйста, заведующую.", &["supervisor"]),
        ("Переведите звонок на вашего начальника.", &["supervisor"]),
        ("Кто у вас за это отвечает? Дайте его.", &["supervisor"]),
        ("Я буду писать в вышестоящие инстанции.", &["formal", "supervisor"]),
        ("Я подам жалобу через Госуслуги.", &["formal"]),
        ("Обращусь в Роспотребнадзор и в прокуратуру.", &["formal"]),
        ("С этим я пойду к юристу.", &["formal"]),
        ("Ждите официальную претензию.", &["formal"]),
        ("Я вам звоню уже четвёртый день подряд.", &["repeat"]),
        ("Мне уже третий раз обещают перезвонить.", &["repeat"]),
        ("Я уже два раза оставляла заявку.", &["repeat"]),
        ("Сколько раз можно повторять одно и то же!", &["repeat"]),
        ("Всё, отключайте меня, я ухожу к другому провайдеру.", &["churn"]),
        ("Я расторгаю с вами договор.", &["churn"]),
        ("Заберу вклад и переведу его в другой банк.", &["churn"]),
        ("Я больше не буду вашим клиентом.", &["churn"]),
        ("Ваш сотрудник говорил со мной свысока.", &["service"]),
        ("Меня просто проигнорировали в отделении.", &["service"]),
        ("Вы работаете спустя рукава.", &["service"]),
        ("Мне обидно, что так обслуживают постоянных клиентов.", &["service"]),
        ("Я ждала мастера весь день, а он так и не пришёл.", &["service"]),
        ("Деньги списали, а услугу не оказали, это что вообще такое.", &["service"]),
        ("Сколько можно издеваться над людьми.", &["service"]),
        ("Я буквально в слезах после разговора с вашим оператором.", &["service"]),
        ("Ваши консультанты только время тратят.", &["service"]),
        ("Что за безобразное отношение к пенсионерам!", &["service"]),
        // packs 1.9.22 (set 110)
        ("Если к пятнице не сделают, мы всё отменяем и поедем в другое место.", &["churn"]),
        // packs 1.9.24 (sets 118, 119)
        ("Не починят до среды — заберу и отнесу в другую мастерскую.", &["churn"]),
        // packs 1.9.27 (set 127)
        ("Если цену не снизите, мы уходим в другую студию.", &["churn"]),
        ("Отменили за час до начала. Ну кто так делает?", &["service"]),
        // packs 1.9.29 (sets 130, 131, 134, 135)
        ("вы их вообще проверяете перед отправкой или просто кидаете в коробку как попало", &["service"]),
        ("Корешок приклеен криво. Это не реставрация, а порча вещи.", &["service"]),
        ("Неужели так сложно проверить технику перед сеансом?", &["service"]),
        ("если так будет и дальше на следующую ярмарку мы позовем других", &["churn"]),
        ("так работать нельзя в следующем году мы к вам не поедем и знакомым не посоветую", &["churn", "service"]),
        ("а если меня не переведут я сдам путевку и уеду", &["churn"]),
        // packs 1.9.31 (sets 139, 143)
        ("если в следующей партии опять будет недовес я у вас больше брать не буду", &["churn"]),
        ("если и замена придет поломанная я у вас больше ничего заказывать не буду", &["churn"]),
    ];
    const RU_NOT_COMPLAINTS: &[&str] = &[
        "здравствуйте никаких претензий к вам не имею всё хорошо",
        // packs 1.9.22 (set 111)
        "Претензий у нас нет, мы сами перепутали дату.",
        // packs 1.9.27 (set 126, 127)
        "Претензий особых нет, просто хотела уточнить срок.",
        "Ну ладно, претензию писать не буду.",
        // packs 1.9.31 (set 143)
        "у нее мигает буква претензий к вам пока никаких просто хочу понять это по гарантии",
        "Я не имею никаких претензий, просто вопрос.",
        "Жаловаться не на что, всё отлично.",
        "Грех жаловаться, мастер всё сделал.",
        "Не могу пожаловаться на обслуживание.",
        "уходить от вас я не собираюсь просто скажите какой процент по вкладу",
        "Я никуда от вас уходить не собираюсь.",
        "Расторгать договор я не буду, просто уточняю.",
        "Руководителя мне звать не нужно, вы сами разберётесь.",
        "Не надо меня переключать на начальника.",
        "Старшего звать не надо.",
        "Мой руководитель попросил справку о платежах.",
        "Я руководитель отдела закупок, нам нужен счёт.",
        "Наш директор подпишет договор завтра.",
        "Курьер не дозвонился, у него неправильный номер.",
        "Курьер не может до меня дозвониться.",
        "А сколько ещё ждать?",
        "Как перевести деньги в другой банк?",
        "Хочу отменить заказ.",
        "Отключите, пожалуйста, платную подписку.",
        "Хочу сменить тариф на более дешёвый.",
        "Запишите к неврологу, жалобы на головные боли.",
        "Мне заблокировали счёт по решению суда, приставы списали деньги.",
        "Какой курс ЦБ на сегодня?",
        "Скажите, где главный офис?",
        "Главное, чтобы работало.",
        "Я позвоню ещё раз завтра.",
        "Грубо говоря, мне нужно две карты.",
        "Извините, не хочу показаться грубым, но можно побыстрее?",
        "Ужасно рада, что всё решилось.",
        "Хочу отозвать свою жалобу, вопрос решён.",
        "Водитель не грубил, всё было нормально.",
        "Мой старший сын будет получать посылку.",
        "Ваш менеджер сказал, что доставка завтра, это так?",
        "Я вчера звонила, мне всё объяснили, спасибо, теперь другой вопрос.",
        "Хочу закрыть кредит досрочно.",
        "Мне звонили мошенники, представились банком.",
        "Переведите меня на техподдержку.",
        "Можно перейти на другой тариф?",
        "Давайте я ещё раз продиктую номер.",
        "Соедините меня с менеджером по ипотеке.",
        "Можно поговорить с администратором? Хочу перенести запись.",
        "Хочу вернуть футболку, не подошёл размер.",
        "Я обращусь в другое отделение, там ближе.",
        "Курьер молодец, напишу отзыв.",
        "Мне звонили мошенники, я обращусь в полицию.",
        "Закройте мне вклад, срок истёк, деньги переведите на карту.",
        "уходить от вас я никуда не собираюсь и жаловаться мне не на что",
        "мне нужна выписка для юриста по наследству",
        "Спасибо, вы мне очень помогли.",
        "Я уже звонила по другому вопросу, а сейчас хочу оформить доставку.",
        "Скажите, как подать жалобу на соседей по шуму.",
        "Пожалуйста, ещё раз назовите номер заказа.",
        "Мой муж уже оплатил счёт.",
        "Я звоню от имени директора, нам нужен акт сверки.",
        "Можно ли перейти на другой тариф без доплаты?",
        "Закройте, пожалуйста, старую заявку, вопрос решился.",
        "Отмените заказ, я передумала.",
        "Курьер приехал вовремя, всё отлично.",
        "Здравствуйте, хочу узнать баланс карты.",
        "У меня ужасно болит голова, запишите к терапевту.",
        "Я вчера звонила, мне сказали перезвонить сегодня.",
        "Мне сказали, что нужно принести паспорт, вот я и звоню.",
        "Ваш сотрудник был очень вежлив, спасибо ему.",
        "Передайте благодарность мастеру, всё сделал быстро.",
        "Можно оформить карту для сына?",
        "Мне нужно закрыть старый счёт и открыть новый.",
        "Я переезжаю в другой город, хочу перенести интернет.",
        "Мне нужен менеджер по кредитам.",
        "Старший брат заберёт посылку.",
        "Хочу поменять оператора связи на вашего, перейти к вам.",
        "Я перешла к вам из другого банка, всё нравится.",
        "Раньше я была в другом банке, теперь у вас.",
        "Соедините с бухгалтерией.",
        "Пожалуйста, ещё раз, я не расслышала.",
        "Вы не могли бы повторить ещё раз?",
        "Главная проблема в том, что приложение не открывается.",
        "Директор школы попросил справку.",
        "Я уже оплатила, спасибо.",
        "Хочу написать благодарность вашему сотруднику.",
        "Мой начальник оплатит счёт завтра.",
        "Курьер был вежливый, претензий к нему нет.",
        "Позор мне, я забыла пароль.",
        "Я не недовольна, просто хочу разобраться.",
        "Мне надо отказаться от страховки по кредиту, это законно?",
        "Отключите мне роуминг.",
        "Можно перейти на другой тариф?",
        "Я сейчас отключусь, перезвоню позже.",
        "Кошмар, я потеряла карту, заблокируйте.",
        "Хочу снять деньги с вклада.",
        "Счёт выставьте на нашего финансового директора.",
        "Доверенность от директора я привезу завтра.",
        "Наш главный инженер подпишет акт.",
        "Скажите, какой срок рассмотрения претензии?",
        "Назовите номер моего обращения, пожалуйста.",
        "Сколько дней рассматривается жалоба?",
        "Я хочу оставить заявку на подключение.",
        "Сегодня ваш мастер всё отлично сделал.",
        "Передайте руководству благодарность.",
        "Мне нужна справка для работодателя.",
        "Давайте я ещё раз перезвоню вечером.",
        "Я в прошлый раз оплатила картой, а сейчас хочу наличными.",
        "Я перешёл к вам от конкурентов в прошлом месяце.",
        "Скажите, можно перевести вклад в другой банк без потери процентов?",
        "Отмените, пожалуйста, доставку на завтра.",
        "Мне нужно поменять номер телефона в договоре.",
        "Электрики подвели свет к дому, спасибо.",
        "Давайте подведём итог: заказ оформлен.",
        "добрый день я хотела бы узнать когда придёт карта я её заказала на прошлой неделе и мне сказали что через пять дней",
        "здравствуйте у меня вопрос по счёту за свет в прошлом месяце было больше чем обычно можно проверить показания",
        "алло да я звоню потому что мой сын потерял телефон и нужно заблокировать сим карту срочно",
        "здравствуйте меня зовут ольга я старшая по дому хотела передать показания счётчиков за весь подъезд",
        "добрый вечер я уже звонила утром мне сказали перезвонить после шести вот перезваниваю",
        "мне нужно перенести запись к врачу на другой день я не успеваю",
        "у нас в офисе руководитель хочет подключить корпоративный тариф для всех сотрудников",
        "я хочу оформить кредит но сначала узнать условия в другом банке мне предложили дешевле",
        "мастер приходил вчера всё починил спасибо огромное",
        "Мне нужна помощь с настройкой роутера.",
        "Курьер немного опоздал, но ничего страшного.",
        "Соедините меня с отделом доставки.",
        "Скажите, пожалуйста, кто у вас отвечает за подключение юрлиц?",
        "Дайте, пожалуйста, телефон бухгалтерии.",
        "Я хочу подать заявление на возврат налогового вычета.",
        "Я третий раз в жизни пользуюсь доставкой, подскажите, как отслеживать?",
        "Мне очень понравилось, как меня обслужили.",
        "Я не в претензии, всё нормально.",
        // packs 1.9.0 - 1.9.1 (probe sentences in other words than sets 28 - 33)
        "Соседи пока не жалуются, ко мне никто претензий не имеет.",
        "Справки мне пришлось собирать, бегала по инстанциям две недели.",
        "Я классный руководитель пятого Б, хотим к вам на экскурсию.",
        "Передайте, пожалуйста, руководителю, что ваш мастер просто золото.",
        "а справку для налоговой вы потом пришлете",
    ];
    const EN_TYPED: &[(&str, &[&str])] = &[
        ("hi honestly your support has been terrible ive been cut off twice today", &["service"]),
        ("The engineer was so rude to me.", &["service"]),
        ("This is absolutely ridiculous.", &["service"]),
        ("Your service is appalling.", &["service"]),
        ("I'm really unhappy with how this was handled.", &["service"]),
        ("This is a joke, nobody ever calls me back.", &["service"]),
        ("I'm so frustrated with you people.", &["service"]),
        ("Frankly your customer service is shocking.", &["service"]),
        ("That's not acceptable.", &["service"]),
        ("I've been on hold for forty minutes.", &["service"]),
        ("I've been waiting three weeks for my refund.", &["service"]),
        ("You promised to call me back and nobody did.", &["service"]),
        ("Your agent hung up on me.", &["service"]),
        ("The technician was really unprofessional.", &["service"]),
        ("I'm sick and tired of this.", &["service"]),
        ("I've had enough of your excuses.", &["service"]),
        ("This is the worst service I've ever had.", &["service"]),
        ("Poor service all round.", &["service"]),
        ("I keep getting passed from one department to another.", &["service"]),
        ("Honestly it's been a nightmare dealing with you.", &["service"]),
        ("I'm absolutely furious.", &["service"]),
        ("Nobody seems to care.", &["service"]),
        ("I want to speak to your manager.", &["supervisor"]),
        ("Can I talk to a supervisor please?", &["supervisor"]),
        ("Put me through to someone more senior.", &["supervisor"]),
        ("Get me someone in charge.", &["supervisor"]),
        ("I'd like to escalate this.", &["supervisor"]),
        ("Is there anyone higher up I can talk to?", &["supervisor"]),
        ("Let me speak with your boss.", &["supervisor"]),
        ("Transfer me to a manager now.", &["supervisor"]),
        ("I want to talk to someone who can actually fix this.", &["supervisor"]),
        ("Can you get your team leader on the line?", &["supervisor"]),
        ("I want to make a formal complaint.", &["formal"]),
        ("I'll be reporting you to the FCA.", &["formal"]),
        ("I'm going to the financial ombudsman.", &["formal"]),
        ("I'll file a complaint with the CFPB.", &["formal"]),
        ("I'm reporting this to the Better Business Bureau.", &["formal"]),
        ("I'll take you to small claims court.", &["formal"]),
        ("My lawyer will be in touch.", &["formal"]),
        ("I'm going to speak to my solicitor.", &["formal"]),
        ("I'll sue you.", &["formal"]),
        ("I'm contacting trading standards.", &["formal"]),
        ("Give me the address of your complaints department.", &["formal"]),
        ("I'll leave a one star review everywhere.", &["formal"]),
        ("I'll report this to the regulator.", &["formal"]),
        ("I'm taking legal action.", &["formal"]),
        ("I want to complain about the engineer.", &["formal"]),
        ("Hi, this is my fourth call this month about the same slow connection.", &["repeat"]),
        ("This is the third time I'm calling.", &["repeat"]),
        ("I've called you five times already.", &["repeat"]),
        ("I've called about this twice already.", &["repeat"]),
        ("I keep calling and nothing happens.", &["repeat"]),
        ("How many times do I have to explain this?", &["repeat"]),
        ("It's not the first time I've called about this.", &["repeat"]),
        ("I'm calling again about the same bill.", &["repeat"]),
        ("I've rung you every week since March.", &["repeat"]),
        ("I already reported this last week.", &["repeat"]),
        ("Last time I called you said it would be fixed.", &["repeat"]),
        ("I've spoken to three different people already.", &["repeat"]),
        ("I'm telling you for the third time.", &["repeat"]),
        ("This is my second call today.", &["repeat"]),
        ("And I want to cancel my policy with you.", &["churn"]),
        ("If nothing changes I'll move to another provider.", &["churn"]),
        ("I'm going to switch to a competitor.", &["churn"]),
        ("Close my account, I'm done with you.", &["churn"]),
        ("I'm taking my business elsewhere.", &["churn"]),
        ("I want to terminate my contract.", &["churn"]),
        ("I won't be renewing.", &["churn"]),
        ("I'll never use you again.", &["churn"]),
        ("You've just lost a customer.", &["churn"]),
        ("I'm looking for another bank.", &["churn"]),
        ("Cancel my subscription.", &["churn"]),
        ("I'm leaving you for another supplier.", &["churn"]),
        ("I'll port my number out.", &["churn"]),
        ("You denied my claim with no explanation. My lawyer will be in touch, and I want to cancel my policy with you.", &["churn", "formal"]),
        ("This is my fourth call, I'll move to another provider.", &["churn", "repeat"]),
        ("What a joke.", &["service"]),
        ("Your service has been absolutely shocking.", &["service"]),
        ("Your staff clearly don't care about customers.", &["service"]),
        ("I was treated like an idiot by your agent.", &["service"]),
        ("This is the most ridiculous thing I've ever heard.", &["service"]),
        ("I've been passed around five departments today.", &["service"]),
        ("Frankly I'm disgusted.", &["service"]),
        ("Your technician never showed up, again.", &["service"]),
        ("It's just not good enough.", &["service"]),
        ("I'm really not happy with the way I've been treated.", &["service"]),
        ("Your customer service is a disgrace.", &["service"]),
        ("I have been waiting since Monday for someone to call me back.", &["service"]),
        ("The driver was extremely aggressive.", &["service"]),
        ("Honestly, this has been a terrible experience.", &["service"]),
        ("The whole thing has been a complete shambles.", &["service"]),
        ("I'm appalled by how this was handled.", &["service"]),
        ("Nobody has bothered to get back to me.", &["service"]),
        ("Can I speak to whoever's in charge?", &["supervisor"]),
        ("I'd like to talk to your superior.", &["supervisor"]),
        ("Please get a manager on the phone.", &["supervisor"]),
        ("I need to speak to a supervisor right now.", &["supervisor"]),
        ("Escalate this to management.", &["supervisor"]),
        ("I want someone with more authority.", &["supervisor"]),
        ("I'm lodging a formal complaint.", &["formal"]),
        ("I'll be taking this to the ombudsman.", &["formal"]),
        ("I'm going to report you to Ofcom.", &["formal"]),
        ("I will be seeking legal advice.", &["formal"]),
        ("I'll see you in court.", &["formal"]),
        ("Expect to hear from my attorney.", &["formal"]),
        ("I'll be contacting the state attorney general.", &["formal"]),
        ("I'm going to file a chargeback and report you.", &["formal"]),
        ("I've called three times this week already.", &["repeat"]),
        ("This is the fifth time I've had to ring about this.", &["repeat"]),
        ("I keep having to call back about the same thing.", &["repeat"]),
        ("I rang last week and was promised a refund.", &["repeat"]),
        ("I've been calling for a month now.", &["repeat"]),
        ("Every time I ring I get told something different.", &["repeat"]),
        ("Yet again I'm calling about my bill.", &["repeat"]),
        ("I'll be taking my custom elsewhere.", &["churn"]),
        ("I want to leave your company.", &["churn"]),
        ("I'm going to switch energy suppliers.", &["churn"]),
        ("Please close my account.", &["churn"]),
        ("I'd like to end my contract early.", &["churn"]),
        ("Consider this my notice, I'm cancelling.", &["churn"]),
        ("I'm done, I'm moving to BT.", &["churn"]),
        ("Every week I call you about this.", &["repeat"]),
        ("I've been calling you again and again.", &["repeat"]),
        ("It's been two weeks and still nothing.", &["service"]),
        ("Constant delays with your deliveries.", &["service"]),
        ("I want a senior member of staff.", &["supervisor"]),
        ("I'm going to your competitors.", &["churn"]),
        ("I'm switching away from you.", &["churn"]),
        ("I want to cancel with you.", &["churn"]),
        ("I'm extremely dissatisfied with the service.", &["service"]),
        ("It took me an hour to get through to you.", &["service"]),
        ("Why does nobody ever answer the phone?", &["service"]),
        ("Your app is rubbish.", &["service"]),
        ("I'd like to raise a formal grievance.", &["formal"]),
        ("I'm going to write to my MP.", &["formal"]),
        ("I demand a full refund.", &["formal"]),
        ("I've lost count of how many times I've called.", &["repeat"]),
        ("I'm thinking of leaving.", &["churn"]),
        ("I want out of this contract.", &["churn"]),
        ("You'll lose my business.", &["churn"]),
        ("I'll go with someone else.", &["churn"]),
        ("Can I have your manager's name?", &["supervisor"]),
        ("I've had it with you people.", &["service"]),
        ("You people are hopeless.", &["service"]),
        ("This call has been a complete waste of time.", &["service"]),
        ("I'm at the end of my tether.", &["service"]),
        ("I'm off to Sky.", &["churn"]),
        ("I'll find another provider.", &["churn"]),
        ("I want to make a complaint about your driver.", &["formal"]),
        ("Get me the duty manager.", &["supervisor"]),
        ("Cancel my order and close my account.", &["churn"]),
        ("You've completely ruined my holiday.", &["service"]),
        ("Your staff have no idea what they're doing.", &["service"]),
        ("Honestly the service has been a letdown.", &["service"]),
        ("I was lied to by your sales rep.", &["service"]),
        ("I feel like nobody is listening to me.", &["service"]),
        ("Your delivery driver threw my parcel over the fence.", &["service"]),
        ("The engineer turned up four hours late.", &["service"]),
        ("This has been going on for months.", &["service"]),
        ("Have your manager call me back.", &["supervisor"]),
        ("I'd like to speak to the person in charge of complaints.", &["formal", "supervisor"]),
        ("Who's your supervisor? I want to talk to them.", &["supervisor"]),
        ("I'll be putting in a formal complaint.", &["formal"]),
        ("I'm reporting this to Ofgem.", &["formal"]),
        ("I'll take legal advice on this.", &["formal"]),
        ("My next call will be to my lawyer.", &["formal"]),
        ("I explained all of this to your colleague yesterday.", &["repeat"]),
        ("I'm on my third call about this bill.", &["repeat"]),
        ("Every single month I have to call about the same error.", &["repeat"]),
        ("I'm going to move my mortgage elsewhere.", &["churn"]),
        ("I'll cancel my membership today.", &["churn"]),
        ("If you don't fix this, I'm gone.", &["churn"]),
        ("I want to leave.", &["churn"]),
        ("I'm taking my accounts somewhere else.", &["churn"]),
        ("You keep ignoring my emails.", &["service"]),
        ("Nobody has ever replied to my letter.", &["service"]),
        ("Still no refund after all this time.", &["service"]),
        ("I'm not impressed at all.", &["service"]),
        ("You're ripping customers off.", &["service"]),
        ("hi this is the third week without hot water and nobody has come out its really not good enough", &["service"]),
        ("hi its me again about the refund i was promised it would be back by monday", &["repeat"]),
        ("if the money isnt back by friday im closing my account and going to another bank", &["churn"]),
        ("look i dont want to talk to you anymore put me through to your supervisor", &["supervisor"]),
        ("ive already written a formal complaint and if i dont hear back in eight weeks im going to the ombudsman", &["formal"]),
        ("You've left me without money for a week.", &["service"]),
        ("That's no way to treat a customer.", &["service"]),
        ("I spent over an hour on your helpline.", &["service"]),
        ("Your call quality is just awful.", &["service"]),
        ("Three months in a row the bill has been wrong, it's beyond a joke.", &["service"]),
        ("Your agent put the phone down on me.", &["service"]),
        ("I'm very unhappy.", &["service"]),
        ("I'm really upset about how this was handled.", &["service"]),
        ("The service I received was poor.", &["service"]),
        ("Put me through to the complaints team or a manager.", &["formal", "supervisor"]),
        ("This is my fifth request and still nothing.", &["repeat"]),
        ("I've already contacted you by chat and by phone.", &["repeat"]),
        ("I'm leaving, I've had enough.", &["churn", "service"]),
        ("I'm moving to another bank, I've already applied.", &["churn"]),
        ("Honestly you guys are a total rip off.", &["service"]),
        ("You're useless, get me your boss.", &["service", "supervisor"]),
        ("I'd like to speak to a team leader please.", &["supervisor"]),
        ("Can you transfer me to a supervisor?", &["supervisor"]),
        ("Who's in charge there? I want to speak to them.", &["supervisor"]),
        ("I'll be filing a complaint with the Better Business Bureau.", &["formal"]),
        ("I'm going to take this up with the regulator.", &["formal"]),
        ("I've already spoken to a solicitor about this.", &["formal"]),
        ("Expect a letter from my attorney.", &["formal"]),
        ("I'm going to the ombudsman.", &["formal"]),
        ("This is the fourth day in a row I've called.", &["repeat"]),
        ("I've been promised a callback three times now.", &["repeat"]),
        ("I submitted two requests already.", &["repeat"]),
        ("How many times do I need to tell you the same thing?", &["repeat"]),
        ("I'm done, disconnect me, I'm going to another provider.", &["churn"]),
        ("I'm terminating my contract with you.", &["churn"]),
        ("I'm pulling all my money out and moving it to another bank.", &["churn"]),
        ("I won't be your customer any more.", &["churn"]),
        ("Your agent was really condescending.", &["service"]),
        ("I was completely ignored at the branch.", &["service"]),
        ("I waited in all day and the engineer never came.", &["service"]),
        ("You took my money and didn't deliver the service.", &["service"]),
        ("I'm honestly in tears after that call.", &["service"]),
        ("Your advisers just waste my time.", &["service"]),
        ("The way you treat older customers is shameful.", &["service"]),
        ("I'm very let down.", &["service"]),
        ("This is totally unacceptable behaviour from your staff.", &["service"]),
        ("I'm sorry but your support is a complete joke.", &["service"]),
        // packs 1.9.22 (sets 110, 111)
        ("If it happens again I'll go to the school in Kingsbridge instead.", &["churn"]),
        ("If the pitch isn't fixed by May, we're not renewing.", &["churn"]),
        ("Losing the master copy, that's just amateur.", &["service"]),
        ("Leaving a beginner alone out there was irresponsible.", &["service"]),
        ("If March is called off as well, you won't see us again.", &["churn"]),
        // packs 1.9.23 (set 115)
        ("Charging full price for broken ones is a con.", &["service"]),
        // packs 1.9.24 (sets 118, 119)
        ("Shut again on a Saturday. What am I paying you for?", &["service"]),
        ("The way he spoke to my son was totally out of order.", &["service"]),
        ("If she's teaching next term, I'm not coming back.", &["churn"]),
        ("Honestly, the whole evening was shambolic.", &["service"]),
        // packs 1.9.27 (set 127)
        ("If it's wrong again I'll get my yarn somewhere else.", &["churn"]),
        ("That's it, I won't be ordering anything from you again.", &["churn"]),
        // packs 1.9.29 (sets 130, 131, 135)
        ("You've been selling duck feather as goose down, that's just misleading people.", &["service"]),
        ("For £185 I expected something that survives a ten-minute drive.", &["service"]),
        ("If you can't get a tower right, I'll be ordering the wedding cake from somewhere else.", &["churn"]),
        ("well if thats how it works well just adopt from another rescue", &["churn"]),
        ("I'm writing to the Charity Commission about it.", &["formal"]),
        // packs 1.9.31 (sets 139, 142)
        ("well if shes going to sit on the bench were moving her to the club in scarborough", &["churn"]),
        ("the finish is patchy as well its a rushed amateur job to be honest", &["service"]),
        ("If there were newts in there, I'll be reporting it to Natural England.", &["formal"]),
        // packs 1.9.32 (sets 146, 147)
        ("Well, I've reported it to the Food Standards Agency this morning.", &["formal"]),
        ("How hard is it to read a ticket? She was on her phone the whole time.", &["service"]),
    ];
    const EN_NOT_COMPLAINTS: &[&str] = &[
        // packs 1.9.29 (sets 130, 131)
        "our tutor didnt turn up yesterday im not complaining these things happen i just need to know if itll be made up",
        "Brilliant, I'm leaving now.",
        "you dont need to transfer me to a manager i just want to know when my renewal is due",
        "No need for a supervisor, thanks.",
        "I don't want to speak to a manager, it's fine.",
        "I'm not complaining or anything, the crew was great.",
        "No complaints at all, the delivery was fine.",
        "I have no complaint about the engineer, he was lovely.",
        "I can't complain, the service has been great.",
        "This isn't a complaint, just a question.",
        "I don't want to make a complaint, I just need the form.",
        "I want to withdraw my complaint, it's been sorted.",
        "I'm not going to cancel, I just want to understand the charges.",
        "I'm not planning to leave SkyTel, I just want this fixed.",
        "I have no intention of switching.",
        "I called last week to order a router, and it arrived.",
        "Could you say that again?",
        "Sorry, can you repeat that again please?",
        "I'll try again tomorrow.",
        "I'll call again later.",
        "I want to cancel my order.",
        "Can I cancel the engineer appointment for my broadband?",
        "Please cancel the direct debit, I'll pay by card.",
        "Cancel my card, it was stolen.",
        "My account manager said you'd send a form.",
        "I'm the office manager here.",
        "The branch manager told me to call this number.",
        "I have power of attorney for my mother.",
        "I'm moving to another city next month, can I keep my broadband?",
        "Can you switch me to another plan?",
        "I need to change my direct debit to another bank account.",
        "Sorry, I don't mean to be rude, but can you hurry?",
        "That's awfully kind of you.",
        "I'm terribly sorry, I missed your call.",
        "In the worst case, how long will it take?",
        "I've got a terrible cold, so excuse my voice.",
        "I have a court hearing on Monday, can we move the appointment?",
        "Once again thanks for your help.",
        "What's the status of the delivery?",
        "Hold on a second.",
        "Is the manager of the Main Street branch called John?",
        "Has my case been escalated?",
        "I'm going to the bank tomorrow to pay it.",
        "Can I leave you my number?",
        "I need to change my bank details.",
        "Can you send me that in writing?",
        "The light is not on.",
        "Is it not okay to pay later?",
        "Is there a second delivery attempt?",
        "I already told the other agent my postcode.",
        "Okay I think that's everything, thanks.",
        "I was looking around your website and couldn't find the form.",
        "My son is very upset he lost his phone.",
        "Can I cancel my insurance claim? I found the ring.",
        "The manager said I'd get a refund.",
        "Thanks, you've been really helpful.",
        "Could you repeat the reference number again?",
        "Can I speak to the accounts department?",
        "I'd like to cancel the booking for Saturday.",
        "My manager needs a copy of the invoice.",
        "I'm calling about a complaint my neighbour made about my dog.",
        "Is there a fee if I switch to a different plan?",
        "I'll call you back again after lunch.",
        "The engineer was lovely, no issues at all.",
        "Can I close the ticket, it's resolved.",
        "Hi, I'd like to check my balance.",
        "I called yesterday and they said to call back today.",
        "They told me last time to bring my passport, so here I am.",
        "Your colleague was really helpful, thank you.",
        "Can I speak to someone in the billing team?",
        "I need to talk to the mortgage team.",
        "I'd like to switch to the cheaper plan.",
        "I'm moving house next week, can I move my service?",
        "I want to cancel my direct debit and pay by card instead.",
        "Can you cancel the payment I scheduled for Friday?",
        "I was wondering if you could tell me again what the fee is.",
        "My manager asked me to call about the invoice.",
        "I'm the manager of a small cafe and need a business account.",
        "The main issue is the app keeps crashing.",
        "Sorry, that was terrible of me, I forgot the password.",
        "Can I close my old savings account and move the money to my current account?",
        "I'm switching my phone to a new model, do I need a new SIM?",
        "I left my bag in the taxi.",
        "Can I leave a message for the engineer?",
        "We're going to a different address for the delivery.",
        "I need a letter for my lawyer about the house sale.",
        "The court sent me a letter, I need my statements.",
        "I'm thinking of upgrading my plan.",
        "Thanks again for sorting that.",
        "I'd like to report a lost card.",
        "I want to report a fault on my line.",
        "Please cancel the order, I found it cheaper elsewhere.",
        "My second question is about the delivery date.",
        "Could you say it again slowly?",
        "My rubbish wasn't collected on Tuesday, can you send someone?",
        "I'm thinking of moving house next year.",
        "Unbelievable, thank you so much!",
        "At worst it will be Monday, right?",
        "Please address the invoice to our finance manager, Tom.",
        "It's in my manager's name.",
        "How long does a complaint usually take?",
        "What's the status of my complaint?",
        "I have a complaint reference number, it's on the letter.",
        "Can I cancel my broadband installation appointment?",
        "Please cancel my insurance payment for this month, I'll pay by card.",
        "Please pass my thanks to the engineer.",
        "I'd like to book an engineer visit.",
        "I'll ring back later, I'm driving.",
        "Sorry, I didn't catch that, again please.",
        "Can you cancel the old card and send a new one?",
        "My complaint from last year was handled really well.",
        "I'm calling on behalf of my manager.",
        "Can I leave a review for the driver? He was great.",
        "I need to switch the account into my name.",
        "I'm closing my late father's account, I have the death certificate.",
        "I got a scam call pretending to be you.",
        "I think I was charged twice, can you check?",
        "hi yeah im calling because i got a letter saying my direct debit failed and i wanted to know why",
        "hello my mum passed away last month and i need to close her account what do i need to send",
        "hi the engineer came yesterday and he was brilliant so thanks for that but i have a question about my bill",
        "hi i called earlier and the lady said to call back after two so here i am",
        "morning i want to upgrade my plan and i was told to speak to the sales team",
        "hi my manager asked me to get a quote for ten phones for the office",
        "i just want to change my address again because i gave the wrong postcode last time",
        "im moving to a new flat so i need to switch the electricity into my name",
        "I need help setting up my router.",
        "The courier was a bit late, but no big deal.",
        "Can you put me through to the delivery team?",
        "I got a text from you, is this a scam?",
        "Who's in charge of business accounts? I'd like to open one.",
        "Can I have the number for the accounts department?",
        "I'd like to submit a claim for my broken phone.",
        "It's my third time using your app, how do I track my order?",
        "I was really impressed with your service.",
        "I'm not upset, I just want to understand.",
        // packs 1.9.0 - 1.9.1 (probe sentences in other words than sets 28 - 33)
        "Lovely, thanks a lot, that's all I needed.",
        "I'm not having a go at anyone, the old fitters just left a bit of dust.",
        "Two of the mugs arrived chipped, which is a shame, but I'm not cross about it.",
        "Ah, that must be from when I switched banks in March.",
    ];
}
