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

/// The one call-id check, shared by every input kind (see `callqa_core::ids`).
pub use callqa_core::check_call_id;

/// Whether a manifest `language` is one Whisper knows (a code or an English name), or
/// `auto`.
fn language_ok(lang: &str) -> bool {
    lang.eq_ignore_ascii_case("auto") || callqa_asr::language_code(lang).is_some()
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
        let meta = meta_for_file(input);
        match check_call_id(&meta.call_id) {
            Ok(()) => inputs.calls.push(meta),
            Err(m) => inputs.errors.push(error(
                &meta.call_id,
                &meta.path,
                "input",
                "bad_call_id",
                format!(
                    "{}: {m} (the file stem); rename it or use a manifest",
                    meta.path
                ),
            )),
        }
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
                    if p.to_str().is_none() {
                        // CallMeta carries paths as UTF-8 strings: a lossy copy would
                        // name another (missing) file.
                        let shown = p.display().to_string();
                        inputs.errors.push(error(
                            &p.file_stem()
                                .map(|s| s.to_string_lossy().to_string())
                                .unwrap_or_default(),
                            &shown,
                            "input",
                            "bad_file_name",
                            format!(
                                "{shown}: the file name is not valid UTF-8; rename the file or \
                                 list it in a manifest under a UTF-8 name"
                            ),
                        ));
                        continue;
                    }
                    files.push(p.to_path_buf());
                }
            }
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| dir.display().to_string());
                inputs.errors.push(error(
                    "",
                    &path,
                    "input",
                    walk_error_kind(&e),
                    format!("{path}: cannot read: {e}"),
                ));
            }
        }
    }
    files.sort();
    let mut seen = HashSet::new();
    for f in files {
        let meta = meta_for_file(&f);
        if let Err(m) = check_call_id(&meta.call_id) {
            inputs.errors.push(error(
                &meta.call_id,
                &meta.path,
                "input",
                "bad_call_id",
                format!(
                    "{}: {m} (the file stem); rename it or use a manifest",
                    meta.path
                ),
            ));
            continue;
        }
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

/// The `error_kind` of an entry a folder walk could not read: `symlink_loop` for a
/// directory link back to an ancestor or links that point at each other (ELOOP: "too
/// many levels of symbolic links"), else `io`.
pub fn walk_error_kind(e: &walkdir::Error) -> &'static str {
    let eloop = e
        .io_error()
        .and_then(std::io::Error::raw_os_error)
        .is_some_and(|c| cfg!(target_os = "linux") && c == 40);
    if e.loop_ancestor().is_some() || eloop {
        "symlink_loop"
    } else {
        "io"
    }
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

/// The columns a manifest's header names (`path` and `call_id` are required).
struct ManifestColumns {
    path: usize,
    call_id: usize,
    operator_id: Option<usize>,
    started_at: Option<usize>,
    channel_layout: Option<usize>,
    language: Option<usize>,
}

/// Open a manifest and find its columns.
fn open_manifest(manifest: &Path) -> anyhow::Result<(csv::Reader<std::fs::File>, ManifestColumns)> {
    use anyhow::Context;
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
    let (Some(path), Some(call_id)) = (col("path"), col("call_id")) else {
        anyhow::bail!(
            "manifest {}: header must name at least the columns path and call_id (found: {})",
            manifest.display(),
            headers.iter().collect::<Vec<_>>().join(",")
        );
    };
    let cols = ManifestColumns {
        path,
        call_id,
        operator_id: col("operator_id"),
        started_at: col("started_at"),
        channel_layout: col("channel_layout"),
        language: col("language"),
    };
    Ok((rdr, cols))
}

/// Read a manifest CSV with header `path,call_id,operator_id,started_at[,channel_layout][,language]`.
pub fn from_manifest(manifest: &Path) -> anyhow::Result<Inputs> {
    let base = manifest.parent().unwrap_or(Path::new("."));
    let (mut rdr, cols) = open_manifest(manifest)?;
    let (c_path, c_id) = (cols.path, cols.call_id);
    let (c_op, c_at, c_layout, c_lang) = (
        cols.operator_id,
        cols.started_at,
        cols.channel_layout,
        cols.language,
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
        if let Err(m) = check_call_id(&call_id) {
            inputs.errors.push(bad("bad_call_id", m));
            continue;
        }
        let full = if Path::new(&path).is_absolute() || callqa_dataset::is_remote(&path) {
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
        let lang = get(c_lang);
        if !lang.is_empty() && !language_ok(&lang) {
            inputs.errors.push(bad(
                "bad_language",
                format!(
                    "language {lang:?} is not a Whisper language code or name \
                     (ru, en, german, …) nor auto"
                ),
            ));
            continue;
        }
        if !seen.insert(call_id.clone()) {
            inputs.errors.push(bad(
                "duplicate_call_id",
                format!("call_id {call_id:?} appears more than once; only its first row is used"),
            ));
            continue;
        }
        let op = get(c_op);
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

/// Inputs from an `s3://bucket/prefix/`: every object with one of `exts` under it;
/// call_id = file stem, started_at = the object's last modification.
pub fn from_remote(
    reader: &callqa_dataset::RemoteReader,
    url: &str,
    exts: &[&str],
) -> anyhow::Result<Inputs> {
    use anyhow::Context;
    if url.to_ascii_lowercase().ends_with(".csv") {
        anyhow::bail!(
            "{url}: a manifest must be a local file (its path column may hold s3:// URLs); \
             or pass the s3:// folder of the recordings"
        );
    }
    let listing = reader
        .list(url, exts)
        .with_context(|| format!("cannot list the recordings in {url}"))?;
    let mut inputs = Inputs::default();
    for (key_url, why) in listing.unusable {
        inputs.errors.push(error(
            "",
            &key_url,
            "input",
            "bad_key",
            format!("{key_url}: {why}; rename the object"),
        ));
    }
    let mut seen = HashSet::new();
    for o in listing.objects {
        let name = o.url.rsplit('/').next().unwrap_or("");
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s).to_string();
        if let Err(m) = check_call_id(&stem) {
            inputs.errors.push(error(
                &stem,
                &o.url,
                "input",
                "bad_call_id",
                format!(
                    "{}: {m} (the file stem); rename it or use a manifest",
                    o.url
                ),
            ));
            continue;
        }
        if !seen.insert(stem.clone()) {
            inputs.errors.push(error(
                &stem,
                &o.url,
                "input",
                "duplicate_call_id",
                format!(
                    "{}: call_id {stem:?} (the file stem) is already used by another object; rename it or use a manifest",
                    o.url
                ),
            ));
            continue;
        }
        inputs.calls.push(CallMeta {
            call_id: stem,
            operator_id: None,
            started_at: o.mtime,
            language: None,
            channel_layout: None,
            path: o.url,
        });
    }
    Ok(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use callqa_core::MAX_CALL_ID_BYTES;

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

    #[test]
    fn call_ids_long_or_with_control_characters_are_refused() {
        assert!(check_call_id("c-001_ок").is_ok());
        assert!(check_call_id(&"x".repeat(MAX_CALL_ID_BYTES)).is_ok());
        assert!(check_call_id(&"x".repeat(MAX_CALL_ID_BYTES + 1)).is_err());
        assert!(check_call_id("a\nb").is_err());
        assert!(language_ok("en") && language_ok("Russian") && language_ok("AUTO"));
        assert!(!language_ok("klingon"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]

        /// Fuzz (issue 7): any manifest bytes give `Ok` with valid, unique call ids and
        /// line-numbered error rows, or a fatal error naming the manifest; no panic.
        #[test]
        fn manifest_parser_never_panics(
            body in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::Just(b','), proptest::prelude::Just(b'\n'),
                    proptest::prelude::Just(b'"'), proptest::prelude::Just(b'\r'),
                    proptest::prelude::any::<u8>(), proptest::prelude::Just(b'a'),
                ],
                0..400,
            ),
            header in proptest::prelude::any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let m = dir.path().join("fz.csv");
            let mut bytes = if header {
                b"path,call_id,operator_id,started_at,channel_layout,language\n".to_vec()
            } else {
                Vec::new()
            };
            bytes.extend_from_slice(&body);
            std::fs::write(&m, &bytes).unwrap();
            match from_manifest(&m) {
                Ok(inp) => {
                    let mut ids = HashSet::new();
                    for c in &inp.calls {
                        proptest::prop_assert!(!c.call_id.is_empty() && check_call_id(&c.call_id).is_ok());
                        proptest::prop_assert!(ids.insert(c.call_id.clone()));
                    }
                    for e in &inp.errors {
                        proptest::prop_assert!(e.message.contains("fz.csv") && e.message.contains("line "));
                    }
                }
                Err(e) => {
                    let msg = format!("{e:#}");
                    proptest::prop_assert!(msg.contains("fz.csv"), "{}", msg);
                }
            }
        }
    }
}
