//! English and Russian labels of the report. `--lang en|ru` renders one language;
//! `--lang both` renders both, and a toggle in the page shows one at a time (CSS hides the
//! other; the script-rendered tables read the same dictionary from the page data).

use std::collections::BTreeMap;

/// Which labels the report carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English only.
    En,
    /// Russian only.
    Ru,
    /// Both, English shown first, with a toggle.
    Both,
}

impl Lang {
    /// Parse `en`, `ru` or `both`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            "both" => Some(Lang::Both),
            _ => None,
        }
    }
    /// The language shown when the page opens.
    pub fn initial(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            _ => "en",
        }
    }
}

/// (key, English, Russian).
const LABELS: &[(&str, &str, &str)] = &[
    ("title", "Call quality report", "Отчёт о качестве обслуживания"),
    ("nav_overview", "Overview", "Обзор"),
    ("nav_operators", "Operators", "Операторы"),
    ("nav_compliance", "Compliance", "Соблюдение стандарта"),
    ("nav_drivers", "Drivers", "Драйверы оценок"),
    ("nav_sl", "Service level", "Уровень сервиса"),
    ("nav_review", "Review queue", "Очередь прослушивания"),
    ("nav_calls", "Calls", "Звонки"),
    ("nav_complaints", "Complaints", "Жалобы"),
    ("complaints_title", "Complaints by operator and by day", "Жалобы по операторам и по дням"),
    ("complaints_note", "Calls where the customer complained, and of which type (a call can have several). Fix each call; review each type's root cause.", "Звонки, где клиент жаловался, и типы жалоб (у звонка может быть несколько). Каждый звонок — исправить, каждый тип — разобрать причины."),
    ("complaint_calls", "Complaints", "Жалобы"),
    ("complaint_share", "Share", "Доля"),
    ("no_complaints", "No complaint data: the rule pack has no [rules.complaints].", "Нет данных о жалобах: в пакете правил нет [rules.complaints]."),
    ("ct_service", "Service / employee", "Обслуживание / сотрудник"),
    ("ct_supervisor", "Supervisor", "Руководитель"),
    ("ct_formal", "Formal / regulator", "Официальная / надзор"),
    ("ct_repeat", "Repeat call", "Повторное обращение"),
    ("ct_churn", "Threat to leave", "Угроза уйти"),
    ("period", "Period", "Период"),
    ("kpi_calls", "Calls", "Звонков"),
    ("kpi_hours", "Audio hours", "Часов аудио"),
    ("kpi_smile_speech", "Mean smile & speech score", "Средний балл «улыбка и речь»"),
    ("kpi_nps", "NPS", "NPS"),
    ("kpi_sl", "Service level", "Уровень сервиса (SL)"),
    ("kpi_operators", "Operators", "Операторов"),
    ("kpi_rated", "Rated calls", "Оценённых звонков"),
    ("kpi_expected_detractors", "Expected detractors among unrated calls (sum of P)", "Ожидаемо критиков среди неоценённых (сумма вероятностей)"),
    ("kpi_process", "Mean process score", "Средний балл процесса"),
    ("daily_title", "Calls and smile & speech score by day", "Звонки и балл «улыбка и речь» по дням"),
    ("legend_calls", "calls", "звонки"),
    ("legend_smile_speech", "smile & speech score", "балл «улыбка и речь»"),
    ("legend_smile", "smile", "улыбка"),
    ("legend_speech", "speech", "речь"),
    ("ops_title", "Operator scorecards", "Карточки операторов"),
    ("ops_note", "Lines: daily mean smile score (orange) and speech score (blue), 0–100.", "Линии: средний за день балл улыбки (оранжевый) и речи (синий), 0–100."),
    ("operator", "Operator", "Оператор"),
    ("calls", "Calls", "Звонки"),
    ("smile", "Smile", "Улыбка"),
    ("speech", "Speech", "Речь"),
    ("smile_speech", "Smile & speech", "Улыбка и речь"),
    ("process", "Process", "Процесс"),
    ("nps", "NPS", "NPS"),
    ("rated", "Rated", "Оценено"),
    ("no_operator", "(no operator)", "(без оператора)"),
    ("heat_title", "Compliance with the standard by operator", "Соблюдение стандарта по операторам"),
    ("heat_note", "Share of calls with each element; darker is better, grey: not applicable.", "Доля звонков с элементом; темнее — лучше, серый — неприменимо."),
    ("el_greeting", "Greeting", "Приветствие"),
    ("el_self_introduction", "Self-introduction", "Представление"),
    ("el_thanks", "Thanks", "Благодарность"),
    ("el_survey_offer", "Survey offer", "Предложение оценить"),
    ("el_farewell", "Farewell", "Прощание"),
    ("el_no_interruptions", "No interruptions", "Без перебиваний"),
    ("el_no_long_pauses", "No long pauses", "Без долгих пауз"),
    ("el_concrete_answers", "Concrete answers", "Конкретные ответы"),
    ("drivers_title", "What moves the ratings (drivers)", "Что влияет на оценки (драйверы)"),
    ("drivers_note", "How much each element is associated with the 0–10 rating, per unit, comparing calls of the same operator (operator fixed effects) net of the other elements, call complexity and survey type, with its interval from the wild cluster bootstrap by operator. Filled circle: proven (keep); grey square: no effect, the interval lies inside the shaded equivalence band (drop); hollow circle on a dashed line: inconclusive (collect more rated calls). Observational data: an association, not proof of cause.", "Насколько каждый элемент связан с оценкой 0–10 (на единицу) при сравнении звонков одного оператора (фиксированные эффекты оператора), за вычетом других элементов, сложности звонка и типа опроса; интервал — wild cluster bootstrap по операторам. Закрашенный круг — доказано (оставить); серый квадрат — эффекта нет, интервал внутри серой полосы эквивалентности (убрать); пустой круг на пунктире — неясно (нужно больше оценок). Данные наблюдательные: это связь, а не доказанная причина."),
    ("proven", "proven", "доказано"),
    ("no_effect", "no effect", "нет эффекта"),
    ("inconclusive", "inconclusive", "неясно"),
    ("not_proven", "not proven", "не доказано"),
    ("too_few_data", "too few data", "мало данных"),
    ("sl_title", "Service level by 30-minute interval", "Уровень сервиса по 30-минутным интервалам"),
    ("sl_note", "All days and queues of a channel pooled, on the contact centre's clock: answered within the threshold / (offered − short abandons). Red: below target. Intervals meeting target count the channel's totals.", "Все дни и очереди канала вместе, по местному времени контакт-центра: отвечено в пределах порога / (поступило − короткие сбросы). Красный — ниже цели. Интервалы с выполненной целью — по итогам канала."),
    ("target", "target", "цель"),
    ("review_title", "Review queue", "Очередь на прослушивание"),
    ("review_note", "Calls QA should listen to, ranked per day. Click a call to open its transcript.", "Звонки для прослушивания, по дням и приоритету. Нажмите на звонок, чтобы открыть расшифровку."),
    ("date", "Date", "Дата"),
    ("rank", "Rank", "Место"),
    ("call", "Call", "Звонок"),
    ("time", "Time", "Время"),
    ("priority", "Priority", "Приоритет"),
    ("reasons", "Reasons", "Причины"),
    ("rating", "Rating", "Оценка"),
    ("duration", "Duration", "Длительность"),
    ("calls_title", "All calls", "Все звонки"),
    ("calls_note", "Paginated; filter by call or operator id.", "По страницам; фильтр по звонку или оператору."),
    ("filter", "Filter…", "Фильтр…"),
    ("prev", "‹ Prev", "‹ Назад"),
    ("next", "Next ›", "Вперёд ›"),
    ("page", "Page", "Страница"),
    ("of", "of", "из"),
    ("transcript", "Transcript", "Расшифровка"),
    ("back", "← Back to the report", "← Назад к отчёту"),
    ("no_transcript", "No transcript in this report (only calls of the review queue carry one).", "В отчёте нет расшифровки этого звонка (расшифровки есть только у звонков из очереди)."),
    ("speaker_operator", "Operator", "Оператор"),
    ("speaker_customer", "Customer", "Клиент"),
    ("speaker_mixed", "Mixed", "Смешанный"),
    ("emotion", "Emotion", "Эмоция"),
    ("arousal_short", "arousal ", "возбуждение "),
    ("tags", "Tags", "Теги"),
    ("text", "Text", "Текст"),
    ("pause", "pause", "пауза"),
    ("interruption", "interruption", "перебивание"),
    ("timeline", "Timeline", "Шкала времени"),
    ("predicted", "predicted", "прогноз"),
    ("no_data", "No data for this section.", "Нет данных для этого раздела."),
    ("no_scores", "No scores: run callqa score and pass --scores.", "Нет баллов: запустите callqa score и укажите --scores."),
    ("no_sl", "No Service Level data: run callqa score with --calls-meta.", "Нет данных уровня сервиса: запустите callqa score с --calls-meta."),
    ("generated", "Generated", "Сформирован"),
    ("lang_toggle", "Русский", "English"),
];

/// The label of `key` in `lang` (`en` / `ru`); the key itself when unknown.
pub fn tr(key: &str, lang: &str) -> &'static str {
    LABELS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("?", |(_, en, ru)| if lang == "ru" { ru } else { en })
}

/// Whether `key` is a known label.
pub fn known(key: &str) -> bool {
    LABELS.iter().any(|(k, _, _)| *k == key)
}

/// Dictionaries for the page script: `{"en": {key: label}, "ru": {...}}`, only the
/// languages the report carries.
pub fn dictionaries(lang: Lang) -> BTreeMap<&'static str, BTreeMap<&'static str, &'static str>> {
    let mut out = BTreeMap::new();
    for l in ["en", "ru"] {
        if lang == Lang::Both || lang.initial() == l {
            out.insert(l, LABELS.iter().map(|(k, _, _)| (*k, tr(k, l))).collect());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_both_languages_and_keys_are_unique() {
        let mut keys = std::collections::HashSet::new();
        for (k, en, ru) in LABELS {
            assert!(keys.insert(*k), "duplicate key {k}");
            assert!(!en.is_empty() && !ru.is_empty(), "{k}");
        }
        assert_eq!(tr("calls", "ru"), "Звонки");
        assert_eq!(Lang::parse("RU"), Some(Lang::Ru));
        assert_eq!(dictionaries(Lang::En).len(), 1);
        assert_eq!(dictionaries(Lang::Both).len(), 2);
    }
}
