//! The ratings CSV: `call_id,rating,scale[,rated_at]` (extra columns ignored), and the
//! two rating scales with their common 0–10 scale and NPS classes.

use crate::{error_row, open_csv, parse_time_in, CsvHeader, ScoreError};
use callqa_core::ErrorRow;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// A rating scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// Customer satisfaction, 1–5.
    Csat5,
    /// Likelihood to recommend, 0–10.
    Nps10,
}

impl Scale {
    /// Parse `csat5` / `nps10` (case-insensitive).
    pub fn parse(s: &str) -> Option<Scale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csat5" => Some(Scale::Csat5),
            "nps10" => Some(Scale::Nps10),
            _ => None,
        }
    }

    /// Name as written in the CSV and the output.
    pub fn name(self) -> &'static str {
        match self {
            Scale::Csat5 => "csat5",
            Scale::Nps10 => "nps10",
        }
    }

    /// Lowest and highest valid rating.
    pub fn range(self) -> (f64, f64) {
        match self {
            Scale::Csat5 => (1.0, 5.0),
            Scale::Nps10 => (0.0, 10.0),
        }
    }

    /// The rating on the common 0–10 scale: nps10 as is, csat5 linearly (1 → 0, 3 → 5,
    /// 4 → 7.5, 5 → 10). Drivers, predictions and `mean_rating_10` use this scale.
    pub fn to_common(self, rating: f64) -> f64 {
        match self {
            Scale::Csat5 => (rating - 1.0) * 2.5,
            Scale::Nps10 => rating,
        }
    }
}

/// NPS class of a rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsClass {
    /// nps10 9–10, csat5 5.
    Promoter,
    /// nps10 7–8, csat5 4.
    Passive,
    /// nps10 0–6, csat5 1–3.
    Detractor,
}

impl NpsClass {
    /// Class of a rating on the common 0–10 scale: ≥ 9 promoter, ≥ 7 passive, else
    /// detractor. For nps10 that is the usual NPS split; csat5 maps through
    /// [`Scale::to_common`] to 5 → promoter, 4 → passive, 1–3 → detractor (a class on
    /// the common scale, not NPS: `operator_daily.nps` counts nps10 ratings only).
    pub fn of_common(v: f64) -> NpsClass {
        if v >= 9.0 {
            NpsClass::Promoter
        } else if v >= 7.0 {
            NpsClass::Passive
        } else {
            NpsClass::Detractor
        }
    }

    /// `promoter`, `passive`, `detractor`.
    pub fn name(self) -> &'static str {
        match self {
            NpsClass::Promoter => "promoter",
            NpsClass::Passive => "passive",
            NpsClass::Detractor => "detractor",
        }
    }
}

/// One valid rating.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    /// The rated call.
    pub call_id: String,
    /// The rating on its own scale (an integer).
    pub value: f64,
    /// Its scale.
    pub scale: Scale,
    /// When it was given, if the CSV says.
    pub rated_at: Option<DateTime<Utc>>,
}

impl Rating {
    /// The rating on the common 0–10 scale.
    pub fn common(&self) -> f64 {
        self.scale.to_common(self.value)
    }

    /// Its NPS class.
    pub fn class(&self) -> NpsClass {
        NpsClass::of_common(self.common())
    }

    /// `4/5`, `3/10`.
    pub fn display(&self) -> String {
        format!("{}/{}", self.value, self.scale.range().1)
    }
}

/// Read the ratings CSV. `calls` maps every known call id to its date. Rows with an
/// unknown call id, a duplicate call id, a missing or unknown scale, an unparsable or
/// out-of-range rating or a bad `rated_at` become [`ErrorRow`]s (stage `ratings`, the
/// message names the file and line); the valid rows are returned. A file without the
/// required header columns is an error. A `rated_at` without offset is local time in
/// `tz`.
pub fn read_ratings(
    path: &Path,
    calls: &HashMap<String, NaiveDate>,
    tz: Tz,
) -> Result<(Vec<Rating>, Vec<ErrorRow>), ScoreError> {
    let (header, records) = open_csv(path, &["call_id", "rating", "scale"])?;
    let label = path.display().to_string();
    let mut ratings = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (line, record) in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(error_row("", None, &label, "ratings", "bad_csv", line, &e));
                continue;
            }
        };
        match parse_rating(&record, &header, calls, &mut seen, tz) {
            Ok(r) => ratings.push(r),
            Err((id, kind, cause)) => {
                let date = calls.get(&id).copied();
                errors.push(error_row(&id, date, &label, "ratings", kind, line, &cause));
            }
        }
    }
    Ok((ratings, errors))
}

type RowError = (String, &'static str, String);

fn parse_rating(
    record: &csv::StringRecord,
    header: &CsvHeader,
    calls: &HashMap<String, NaiveDate>,
    seen: &mut HashSet<String>,
    tz: Tz,
) -> Result<Rating, RowError> {
    let id = header.get(record, "call_id").unwrap_or("").to_string();
    let fail = |kind: &'static str, cause: String| Err((id.clone(), kind, cause));
    if id.is_empty() {
        return fail("missing_field", "empty call_id".into());
    }
    let scale_s = header.get(record, "scale").unwrap_or("");
    let Some(scale) = Scale::parse(scale_s) else {
        return fail(
            "bad_scale",
            format!("scale {scale_s:?} is not csat5 or nps10"),
        );
    };
    let raw = header.get(record, "rating").unwrap_or("");
    let value = match raw.parse::<f64>() {
        Ok(v) if v.is_finite() && v.fract() == 0.0 => v,
        _ => return fail("bad_rating", format!("rating {raw:?} is not an integer")),
    };
    let (lo, hi) = scale.range();
    if !(lo..=hi).contains(&value) {
        return fail(
            "rating_out_of_range",
            format!("rating {value} is outside {lo}–{hi} of {}", scale.name()),
        );
    }
    let rated_at = match header.get(record, "rated_at").unwrap_or("") {
        "" => None,
        s => match parse_time_in(s, tz) {
            Some(t) => Some(t),
            None => return fail("bad_date", format!("rated_at {s:?} is not a timestamp")),
        },
    };
    if !calls.contains_key(&id) {
        return fail(
            "unknown_call_id",
            format!("call_id {id:?} is not in the features' calls/"),
        );
    }
    if !seen.insert(id.clone()) {
        return fail(
            "duplicate_call_id",
            format!("call_id {id:?} is rated twice (first rating kept)"),
        );
    }
    Ok(Rating {
        call_id: id,
        value,
        scale,
        rated_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn classes_and_common_scale() {
        assert_eq!(Scale::Csat5.to_common(1.0), 0.0);
        assert_eq!(Scale::Csat5.to_common(4.0), 7.5);
        assert_eq!(
            NpsClass::of_common(Scale::Csat5.to_common(5.0)),
            NpsClass::Promoter
        );
        assert_eq!(
            NpsClass::of_common(Scale::Csat5.to_common(4.0)),
            NpsClass::Passive
        );
        assert_eq!(
            NpsClass::of_common(Scale::Csat5.to_common(3.0)),
            NpsClass::Detractor
        );
        assert_eq!(NpsClass::of_common(9.0), NpsClass::Promoter);
        assert_eq!(NpsClass::of_common(8.0), NpsClass::Passive);
        assert_eq!(NpsClass::of_common(6.0), NpsClass::Detractor);
    }

    #[test]
    fn bad_rows_become_errors_with_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.csv");
        let mut f = std::fs::File::create(&p).unwrap();
        write!(
            f,
            "call_id,rating,scale,rated_at,comment\n\
             a,5,csat5,2026-11-02T10:00:00Z,fine\n\
             b,11,nps10,,\n\
             zz,3,csat5,,\n\
             a,4,csat5,,\n\
             c,x,nps10,,\n\
             c,7,stars,,\n\
             c,9,NPS10,,\n\
             d,3.5,csat5,,\n"
        )
        .unwrap();
        drop(f);
        let d = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let calls: HashMap<String, NaiveDate> = ["a", "b", "c", "d"]
            .iter()
            .map(|s| (s.to_string(), d))
            .collect();
        let (ok, errs) = read_ratings(&p, &calls, Tz::UTC).unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].call_id, "a");
        assert_eq!(ok[1].scale, Scale::Nps10);
        let kinds: Vec<(&str, bool)> = errs
            .iter()
            .map(|e| (e.error_kind.as_str(), e.message.contains("r.csv line")))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("rating_out_of_range", true),
                ("unknown_call_id", true),
                ("duplicate_call_id", true),
                ("bad_rating", true),
                ("bad_scale", true),
                ("bad_rating", true),
            ]
        );
        assert!(errs[0].message.contains("line 3"), "{}", errs[0].message);
        assert!(errs[5].message.contains("line 9"), "{}", errs[5].message);
        assert_eq!(errs[1].call_date, None);
        assert_eq!(errs[0].call_date, Some(d));
        assert!(errs.iter().all(|e| e.stage == "ratings"));
    }

    #[test]
    fn missing_header_column_is_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.csv");
        std::fs::write(&p, "call_id,score\na,5\n").unwrap();
        let e = read_ratings(&p, &HashMap::new(), Tz::UTC)
            .unwrap_err()
            .to_string();
        assert!(e.contains("rating") && e.contains("r.csv"), "{e}");
    }
}
