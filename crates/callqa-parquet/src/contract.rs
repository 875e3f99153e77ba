//! The table contract: the tables callqa writes, and the check that what a writer puts
//! in the files is what `docs/SCHEMA.md` documents, column for column, with its SQL
//! type and nullability.
//!
//! The call tables' Arrow schemas are defined once in this crate ([`crate::calls_schema`],
//! …); the score tables' in `callqa-scores`' writer. Adding a column touches the schema,
//! the writer and the doc; the tests (`contract` unit tests here for the call tables, the
//! end-to-end report test for the score tables, which reads the files `callqa score`
//! wrote). A row of the doc may name several columns of one type (`a, b, c`). fail when the three disagree. Readers go through [`crate::read`], by name.

use arrow::datatypes::{DataType, Schema, TimeUnit};

/// The folders of a `callqa run` / `callqa analyze` output (docs/SCHEMA.md).
pub const CALL_TABLES: [&str; 3] = ["calls", "utterances", "errors"];

/// The folders `callqa score` writes (docs/SCHEMA.md, "Scores").
pub const SCORE_TABLES: [&str; 6] = [
    "scores",
    "operator_daily",
    "drivers",
    "review_queue",
    "service_level",
    "service_level_daily",
];

/// A column as docs/SCHEMA.md documents it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocColumn {
    /// Column name.
    pub name: String,
    /// SQL type as written in the doc (`DOUBLE`, `LIST(VARCHAR)`, …).
    pub sql_type: String,
    /// `, null` after the type.
    pub nullable: bool,
}

/// The SQL type docs/SCHEMA.md writes for an Arrow type (DuckDB's names).
pub fn sql_type(t: &DataType) -> String {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 => "VARCHAR".into(),
        DataType::Boolean => "BOOLEAN".into(),
        DataType::Int32 => "INTEGER".into(),
        DataType::Int64 => "BIGINT".into(),
        DataType::Float32 => "FLOAT".into(),
        DataType::Float64 => "DOUBLE".into(),
        DataType::Date32 => "DATE".into(),
        DataType::Timestamp(TimeUnit::Microsecond, Some(_)) => "TIMESTAMP WITH TIME ZONE".into(),
        DataType::Timestamp(TimeUnit::Microsecond, None) => "TIMESTAMP".into(),
        DataType::List(f) => format!("LIST({})", sql_type(f.data_type())),
        DataType::Map(f, _) => match f.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => format!(
                "MAP({}, {})",
                sql_type(kv[0].data_type()),
                sql_type(kv[1].data_type())
            ),
            other => format!("MAP?{other}"),
        },
        other => other.to_string(),
    }
}

/// The columns of `table` as documented: the first `| column | type |` table after the
/// heading `## <table>`, without the partition column (`DATE (partition)`, which lives
/// in the folder names). Empty when the doc has no such section.
pub fn documented(doc: &str, table: &str) -> Vec<DocColumn> {
    let heading = format!("## {table}");
    let mut lines = doc.lines().skip_while(|l| l.trim_end() != heading).skip(1);
    let mut cols = Vec::new();
    let mut in_table = false;
    for l in lines.by_ref() {
        if l.starts_with("## ") || l.starts_with("# ") {
            break;
        }
        if !in_table {
            in_table = l.starts_with("| column | type |");
            continue;
        }
        if l.starts_with("|---") {
            continue;
        }
        let Some(cells) = l
            .strip_prefix('|')
            .map(|r| r.split('|').collect::<Vec<_>>())
        else {
            break;
        };
        let (Some(name), Some(ty)) = (cells.first(), cells.get(1)) else {
            break;
        };
        let ty = ty.trim();
        if ty.ends_with("(partition)") {
            continue;
        }
        let (sql_type, nullable) = match ty.strip_suffix(", null") {
            Some(t) => (t.to_string(), true),
            None => (ty.to_string(), false),
        };
        // A row may document several columns of one type: `promoters, passives, detractors`.
        for name in name.split(',') {
            cols.push(DocColumn {
                name: name.trim().trim_matches('`').to_string(),
                sql_type: sql_type.clone(),
                nullable,
            });
        }
    }
    cols
}

/// Where `schema` (what a writer puts in the files of `table`) and the doc disagree:
/// columns missing on either side, in another order, or of another type or
/// nullability. Empty when they agree.
pub fn check(doc: &str, table: &str, schema: &Schema) -> Vec<String> {
    let documented = documented(doc, table);
    let mut problems = Vec::new();
    if documented.is_empty() {
        problems.push(format!("docs/SCHEMA.md documents no columns of `{table}`"));
        return problems;
    }
    for f in schema.fields() {
        let Some(d) = documented.iter().find(|d| &d.name == f.name()) else {
            problems.push(format!(
                "{table}.{} is written but not documented",
                f.name()
            ));
            continue;
        };
        let written = sql_type(f.data_type());
        if d.sql_type != written {
            problems.push(format!(
                "{table}.{}: written as {written}, documented as {}",
                f.name(),
                d.sql_type
            ));
        }
        if d.nullable != f.is_nullable() {
            problems.push(format!(
                "{table}.{}: written {}, documented {}",
                f.name(),
                if f.is_nullable() {
                    "nullable"
                } else {
                    "not null"
                },
                if d.nullable { "nullable" } else { "not null" },
            ));
        }
    }
    for d in &documented {
        if schema.field_with_name(&d.name).is_err() {
            problems.push(format!("{table}.{} is documented but not written", d.name));
        }
    }
    let written: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let doc_order: Vec<&str> = documented.iter().map(|d| d.name.as_str()).collect();
    if problems.is_empty() && written != doc_order {
        problems.push(format!(
            "{table}: the doc lists the columns in another order than the files"
        ));
    }
    problems
}

/// The Arrow schema of the first data file of a table folder (`None` when it has none).
pub fn file_schema(dir: &std::path::Path) -> Result<Option<Schema>, crate::SinkError> {
    match crate::read::table_files(dir)?.first() {
        Some(p) => Ok(Some(crate::read::file_schema(p)?.as_ref().clone())),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = include_str!("../../../docs/SCHEMA.md");

    #[test]
    fn call_tables_are_written_as_documented() {
        for (table, schema) in [
            ("calls", crate::calls_schema()),
            ("utterances", crate::utterances_schema()),
            ("errors", crate::errors_schema()),
        ] {
            let problems = check(DOC, table, &schema);
            assert!(problems.is_empty(), "{}", problems.join("\n"));
        }
    }

    #[test]
    fn every_score_table_is_documented() {
        for t in SCORE_TABLES {
            assert!(
                !documented(DOC, t).is_empty(),
                "docs/SCHEMA.md: no `## {t}` table"
            );
        }
    }

    #[test]
    fn a_drift_is_named() {
        use arrow::datatypes::Field;
        let doc = "## t\n\n| column | type | definition |\n|---|---|---|\n\
                   | a | VARCHAR | x |\n| d | DATE (partition) | y |\n| b | DOUBLE, null | z |\n\n";
        let ok = Schema::new(vec![
            Field::new("a", DataType::Utf8, false),
            Field::new("b", DataType::Float64, true),
        ]);
        assert!(check(doc, "t", &ok).is_empty());
        let bad = Schema::new(vec![
            Field::new("a", DataType::Int32, true),
            Field::new("c", DataType::Float64, true),
        ]);
        let p = check(doc, "t", &bad);
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p[0].contains("written as INTEGER, documented as VARCHAR"));
        assert!(p[2].contains("t.c is written but not documented"));
        assert!(p[3].contains("t.b is documented but not written"));
    }
}
