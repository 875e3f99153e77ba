//! Which calls a run covers: a folder of recordings or a manifest CSV, turned into
//! [`CallMeta`]s, with one error row per input that cannot even be described (a broken
//! manifest row, a duplicate call id, an unreadable directory entry).

use callqa_core::{CallMeta, ChannelLayout, ErrorRow};
use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// File extensions picked up from a folder.
pub const AUDIO_EXTENSIONS: &[&str] = &["wav", "wave", "mp3", "flac", "ogg", "oga"];

/// Calls to process and inputs already rejected.
#[derive(Default)]
pub struct Inputs {
    /// Calls, in a stable order.
    pub calls: Vec<CallMeta>,
    /// Rejected inputs.
    pub errors: Vec<ErrorRow>,
}

fn error(call_id: &str, path: &str, stage: &str, kind: &str, message: String) -> ErrorRow {
    ErrorRow {
        call_id: call_id.to_string(),
        call_date: None,
        path: path.to_string(),
        stage: stage.to_string(),
        error_kind: kind.to_string(),
        message,
        processed_at: Utc::now(),
    }
}

fn mtime(path: &Path) -> DateTime<Utc> {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(DateTime::<Utc>::from)
        .unwrap_or_else(|_| Utc::now())
}

/// Inputs from `--input`: a manifest when it is a `.csv` file, else a folder (or a single
/// audio file).
pub fn collect(input: &Path, ext_filter: &[&str]) -> anyhow::Result<Inputs> {
    if input.is_file()
        && input
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        from_manifest(input)
    } else if input.is_dir() {
        Ok(from_dir(input, ext_filter))
    } else if input.is_file() {
        let mut inputs = Inputs::default();
        inputs.calls.push(meta_for_file(input));
        Ok(inputs)
    } else {
        anyhow::bail!("input {} does not exist", input.display())
    }
}

fn meta_for_file(path: &Path) -> CallMeta {
    CallMeta {
        call_id: path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default(),
        operator_id: None,
        started_at: mtime(path),
        language: None,
        channel_layout: None,
        path: path.display().to_string(),
    }
}

/// Every file under `dir` with one of `exts` (case-insensitive), sorted by path;
/// call_id = file stem, started_at = modification time.
pub fn from_dir(dir: &Path, exts: &[&str]) -> Inputs {
    let mut inputs = Inputs::default();
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(true) {
        match entry {
            Ok(e) => {
                let p = e.path();
                let hidden = e.file_name().to_string_lossy().starts_with('.');
                let wanted = p.extension().is_some_and(|x| {
                    let x = x.to_string_lossy().to_ascii_lowercase();
                    exts.contains(&x.as_str())
                });
                if e.file_type().is_file() && wanted && !hidden {
                    files.push(p.to_path_buf());
                }
            }
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| dir.display().to_string());
                let kind = if e.loop_ancestor().is_some() {
                    "symlink_loop"
                } else {
                    "io"
                };
                inputs.errors.push(error(
                    "",
                    &path,
                    "input",
                    kind,
                    format!("{path}: cannot read: {e}"),
                ));
            }
        }
    }
    files.sort();
    let mut seen = HashSet::new();
    for f in files {
        let meta = meta_for_file(&f);
        if !seen.insert(meta.call_id.clone()) {
            inputs.errors.push(error(
                &meta.call_id,
                &meta.path,
                "input",
                "duplicate_call_id",
                format!(
                    "{}: call_id {:?} (the file stem) is already used by another file; rename it or use a manifest",
                    meta.path, meta.call_id
                ),
            ));
            continue;
        }
        inputs.calls.push(meta);
    }
    inputs
}

/// Parse a timestamp: RFC 3339, or `YYYY-MM-DD HH:MM:SS` / `YYYY-MM-DDTHH:MM:SS` taken as UTC.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc());
        }
    }
    None
}

/// Read a manifest CSV with header `path,call_id,operator_id,started_at[,channel_layout][,language]`.
pub fn from_manifest(manifest: &Path) -> anyhow::Result<Inputs> {
    use anyhow::Context;
    let base = manifest.parent().unwrap_or(Path::new("."));
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(manifest)
        .with_context(|| format!("cannot read manifest {}", manifest.display()))?;
    let headers = rdr
        .headers()
        .with_context(|| {
            format!(
                "manifest {}: cannot read the header row",
                manifest.display()
            )
        })?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(c_path), Some(c_id)) = (col("path"), col("call_id")) else {
        anyhow::bail!(
            "manifest {}: header must name at least the columns path and call_id (found: {})",
            manifest.display(),
            headers.iter().collect::<Vec<_>>().join(",")
        );
    };
    let (c_op, c_at, c_layout, c_lang) = (
        col("operator_id"),
        col("started_at"),
        col("channel_layout"),
        col("language"),
    );
    let mut inputs = Inputs::default();
    let mut seen = HashSet::new();
    let mname = manifest.display().to_string();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                inputs.errors.push(error(
                    "",
                    &mname,
                    "manifest",
                    "bad_row",
                    format!("{mname} line {line}: {e}"),
                ));
                continue;
            }
        };
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").to_string();
        let (path, call_id) = (get(Some(c_path)), get(Some(c_id)));
        let bad = |kind: &str, msg: String| {
            error(
                &call_id,
                if path.is_empty() { &mname } else { &path },
                "manifest",
                kind,
                format!("{mname} line {line}: {msg}"),
            )
        };
        if path.is_empty() || call_id.is_empty() {
            inputs
                .errors
                .push(bad("missing_field", "path and call_id are required".into()));
            continue;
        }
        let full = if Path::new(&path).is_absolute() {
            PathBuf::from(&path)
        } else {
            base.join(&path)
        };
        let started_at = match get(c_at).as_str() {
            "" => mtime(&full),
            s => match parse_time(s) {
                Some(t) => t,
                None => {
                    inputs.errors.push(bad(
                        "bad_date",
                        format!("started_at {s:?} is not an RFC 3339 timestamp"),
                    ));
                    continue;
                }
            },
        };
        let channel_layout = match get(c_layout).as_str() {
            "" => None,
            s => match s.parse::<ChannelLayout>() {
                Ok(l) => Some(l),
                Err(m) => {
                    inputs.errors.push(bad("bad_channel_layout", m));
                    continue;
                }
            },
        };
        if !seen.insert(call_id.clone()) {
            inputs.errors.push(bad(
                "duplicate_call_id",
                format!("call_id {call_id:?} appears more than once; only its first row is used"),
            ));
            continue;
        }
        let op = get(c_op);
        let lang = get(c_lang);
        inputs.calls.push(CallMeta {
            call_id,
            operator_id: (!op.is_empty()).then_some(op),
            started_at,
            language: (!lang.is_empty()).then_some(lang),
            channel_layout,
            path: full.display().to_string(),
        });
    }
    Ok(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_rows_good_and_bad() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("m.csv");
        std::fs::write(
            &m,
            "path,call_id,operator_id,started_at,channel_layout,language\n\
             a.wav,c1,op1,2026-11-02T09:00:00+03:00,operator_left,ru\n\
             b.wav,c2,op1,yesterday,,\n\
             ,c3,op1,2026-11-02T09:00:00Z,,\n\
             d.wav,c1,op2,2026-11-02T09:00:00Z,,\n\
             e.wav,c5,op2,2026-11-02 10:00:00,sideways,\n\
             f.wav,c6\n",
        )
        .unwrap();
        let inp = from_manifest(&m).unwrap();
        let ids: Vec<_> = inp.calls.iter().map(|c| c.call_id.as_str()).collect();
        assert_eq!(ids, ["c1", "c6"]);
        assert_eq!(
            inp.calls[0].started_at.to_rfc3339(),
            "2026-11-02T06:00:00+00:00"
        );
        assert!(inp.calls[0].path.ends_with("a.wav"));
        let kinds: Vec<_> = inp.errors.iter().map(|e| e.error_kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "bad_date",
                "missing_field",
                "duplicate_call_id",
                "bad_channel_layout"
            ]
        );
        assert!(
            inp.errors[0].message.contains("line 3"),
            "{}",
            inp.errors[0].message
        );
    }

    #[test]
    fn manifest_without_required_columns_is_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("m.csv");
        std::fs::write(&m, "file,id\na.wav,1\n").unwrap();
        let e = from_manifest(&m).err().unwrap().to_string();
        assert!(e.contains("m.csv") && e.contains("call_id"), "{e}");
    }
}
