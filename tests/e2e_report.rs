//! `callqa report` and `callqa sql` end to end, as a QA supervisor would use them.
//!
//! Data: a synthetic archive of real callqa output. `tests/data/report/gen_calls.py`
//! writes transcript JSON that `callqa analyze` turns into calls/ and utterances/
//! Parquet; `tests/data/scores/gen_month.py` adds calls with acoustic columns (so the
//! smile trends have data); `callqa score` writes the score tables with Service Level.
//!
//! The report is opened in headless Chromium (`/usr/bin/chromium`, or `$CALLQA_CHROMIUM`)
//! driven over the DevTools protocol on a pipe: the test fails on any uncaught exception,
//! `console.error` or error log entry, and checks each chart and table in the DOM.
//! Screenshots go to `target/test-artefacts/report/`. Without Chromium the browser test
//! is skipped, except under CI (env `CI` set), where it fails.
//!
//! The SQL test runs the script `callqa sql` prints in DuckDB (the venv's Python) and
//! checks every view against the tables it summarises.

use crate::common::{callqa, check, py_json, python, repo};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn artefacts() -> PathBuf {
    let d = repo().join("target/test-artefacts/report");
    std::fs::create_dir_all(&d).expect("create target/test-artefacts/report");
    d
}

/// The archive, built once per test binary: `<artefacts>/data/features` (calls,
/// utterances and the score tables).
fn archive() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = artefacts().join("data");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create data dir");
        let o = Command::new(python())
            .arg(repo().join("tests/data/report/gen_calls.py"))
            .arg(&root)
            .args(["--calls", "300", "--days", "10", "--operators", "8"])
            .output()
            .expect("run gen_calls.py");
        check(&o, "gen_calls.py");
        let features = root.join("features");
        let o = callqa()
            .arg("analyze")
            .arg("--transcripts")
            .arg(root.join("transcripts"))
            .arg("--out")
            .arg(&features)
            .arg("--pipeline")
            .arg(repo().join("pipelines/ru-contact-center.toml"))
            .output()
            .expect("run callqa analyze");
        check(&o, "callqa analyze");
        // Calls with acoustic columns (what `callqa run` writes), days 2026-11-01 … 10.
        let month = root.join("month");
        let o = Command::new(python())
            .arg(repo().join("tests/data/scores/gen_month.py"))
            .arg(&month)
            // 40 calls a day: with operator fixed effects and clustered intervals, fewer
            // rated calls leave every driver inconclusive (true, but the chart then has
            // no proven mark to check).
            .args(["--days", "10", "--per-day", "40"])
            .output()
            .expect("run gen_month.py");
        check(&o, "gen_month.py");
        let src = month.join("features/calls");
        for day in std::fs::read_dir(&src).expect("month calls") {
            let day = day.expect("entry").path();
            let dest = features.join("calls").join(day.file_name().expect("name"));
            std::fs::create_dir_all(&dest).expect("mkdir");
            std::fs::copy(
                day.join("part-gen-00000.parquet"),
                dest.join("part-gen-00000.parquet"),
            )
            .expect("copy month calls");
        }
        // Ratings of both sets; the month's file ends with broken rows on purpose.
        let mut ratings = std::fs::read_to_string(root.join("ratings.csv")).expect("ratings");
        let extra = std::fs::read_to_string(month.join("ratings.csv")).expect("month ratings");
        for line in extra.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            ratings.push_str(&cols[..cols.len().min(4)].join(","));
            ratings.push('\n');
        }
        std::fs::write(root.join("all_ratings.csv"), ratings).expect("write ratings");
        let o = callqa()
            .arg("score")
            .arg("--features")
            .arg(&features)
            .arg("--ratings")
            .arg(root.join("all_ratings.csv"))
            .arg("--calls-meta")
            .arg(root.join("calls_meta.csv"))
            .arg("--out")
            .arg(&features)
            .arg("--pipeline")
            .arg(repo().join("pipelines/ru-contact-center.toml"))
            .output()
            .expect("run callqa score");
        assert!(
            matches!(o.status.code(), Some(0 | 3)),
            "callqa score failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        features
    })
}

fn report(features: &Path, out: &Path, lang: &str) {
    let o = callqa()
        .arg("report")
        .arg("--features")
        .arg(features)
        .arg("--out")
        .arg(out)
        .args(["--lang", lang])
        .output()
        .expect("run callqa report");
    check(&o, "callqa report");
    eprintln!("{}", String::from_utf8_lossy(&o.stdout));
}

// ── A minimal DevTools-protocol client over --remote-debugging-pipe ──────────────────

/// Chromium, or `None` (test skipped) when it is absent outside CI.
fn chromium() -> Option<PathBuf> {
    let p = std::env::var_os("CALLQA_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if p.is_file() {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "no Chromium at {} (CI must have the Debian package chromium: scripts/setup.sh)",
        p.display()
    );
    eprintln!(
        "SKIP: no Chromium at {} (apt-get install chromium, or set CALLQA_CHROMIUM)",
        p.display()
    );
    None
}

struct Browser {
    child: Child,
    tx: std::io::PipeWriter,
    rx: Receiver<Value>,
    next: u64,
    session: String,
    /// Uncaught exceptions, console.error / console.assert calls and error log entries.
    errors: Vec<String>,
    loaded: bool,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch(bin: &Path) -> Browser {
        use std::os::fd::AsRawFd;
        use std::os::unix::process::CommandExt;
        let (to_chrome_r, to_chrome_w) = std::io::pipe().expect("pipe");
        let (from_chrome_r, from_chrome_w) = std::io::pipe().expect("pipe");
        let (a, b) = (to_chrome_r.as_raw_fd(), from_chrome_w.as_raw_fd());
        let profile = tempfile::tempdir().expect("profile dir");
        let mut cmd = Command::new(bin);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--remote-debugging-pipe",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--mute-audio",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        // SAFETY: only async-signal-safe calls (fcntl, dup2) between fork and exec. The
        // pipe ends are first moved above fd 10 so that dup2 onto 3 and 4 cannot clobber
        // each other; dup2 clears close-on-exec on the targets.
        unsafe {
            cmd.pre_exec(move || {
                let a2 = libc::fcntl(a, libc::F_DUPFD, 10);
                let b2 = libc::fcntl(b, libc::F_DUPFD, 10);
                if a2 < 0 || b2 < 0 || libc::dup2(a2, 3) < 0 || libc::dup2(b2, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start chromium");
        drop(to_chrome_r);
        drop(from_chrome_w);
        let (send, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(from_chrome_r);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match r.read_until(0, &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        buf.pop();
                        if let Ok(v) = serde_json::from_slice::<Value>(&buf) {
                            if send.send(v).is_err() {
                                break;
                            }
                        }
                    }
                }
            }
        });
        let mut b = Browser {
            child,
            tx: to_chrome_w,
            rx,
            next: 0,
            session: String::new(),
            errors: Vec::new(),
            loaded: false,
            _profile: profile,
        };
        let target = b.call_browser("Target.createTarget", json!({"url": "about:blank"}));
        let id = target["targetId"].as_str().expect("targetId").to_string();
        let attached = b.call_browser(
            "Target.attachToTarget",
            json!({"targetId": id, "flatten": true}),
        );
        b.session = attached["sessionId"]
            .as_str()
            .expect("sessionId")
            .to_string();
        for m in ["Runtime.enable", "Log.enable", "Page.enable"] {
            b.call(m, json!({}));
        }
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
        );
        b
    }

    fn send(&mut self, method: &str, params: Value, session: bool) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if session {
            msg["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&msg).expect("json");
        bytes.push(0);
        self.tx.write_all(&bytes).expect("write to chromium");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self
                .rx
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no answer from chromium to {method}"));
            if v["id"].as_u64() == Some(id) {
                if let Some(e) = v.get("error") {
                    panic!("{method} failed: {e}");
                }
                return v["result"].clone();
            }
            self.event(&v);
        }
    }

    fn call_browser(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, false)
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, true)
    }

    fn event(&mut self, v: &Value) {
        let p = &v["params"];
        match v["method"].as_str().unwrap_or("") {
            "Runtime.exceptionThrown" => {
                let d = &p["exceptionDetails"];
                self.errors.push(format!(
                    "uncaught exception: {} {} (line {})",
                    d["text"].as_str().unwrap_or(""),
                    d["exception"]["description"].as_str().unwrap_or(""),
                    d["lineNumber"]
                ));
            }
            "Runtime.consoleAPICalled" => {
                let kind = p["type"].as_str().unwrap_or("");
                if kind == "error" || kind == "assert" {
                    let args: Vec<String> = p["args"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .map(|x| {
                                    x["value"].to_string() + x["description"].as_str().unwrap_or("")
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    self.errors
                        .push(format!("console.{kind}: {}", args.join(" ")));
                }
            }
            "Log.entryAdded" if p["entry"]["level"] == "error" => {
                self.errors.push(format!(
                    "log error: {} {}",
                    p["entry"]["text"].as_str().unwrap_or(""),
                    p["entry"]["url"].as_str().unwrap_or("")
                ));
            }
            "Page.loadEventFired" => self.loaded = true,
            _ => {}
        }
    }

    /// Drain pending events for `ms` milliseconds.
    fn settle(&mut self, ms: u64) {
        let end = Instant::now() + Duration::from_millis(ms);
        while let Ok(v) = self
            .rx
            .recv_timeout(end.saturating_duration_since(Instant::now()))
        {
            self.event(&v);
        }
    }

    /// Open a file and wait for its load event; returns the wall time to the event.
    fn open(&mut self, file: &Path) -> Duration {
        self.loaded = false;
        let url = format!("file://{}", file.display());
        let t0 = Instant::now();
        self.call("Page.navigate", json!({"url": url}));
        let deadline = t0 + Duration::from_secs(60);
        while !self.loaded {
            let v = self
                .rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("{} did not load within 60 s", file.display()));
            self.event(&v);
        }
        let took = t0.elapsed();
        self.settle(300);
        took
    }

    /// Evaluate an expression; its JSON-able value. An exception fails the test.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("evaluating {expr}: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Wait until `cond` (a JS expression) is true.
    fn wait_for(&mut self, cond: &str) {
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end {
            if self.eval(&format!("!!({cond})")) == json!(true) {
                return;
            }
            self.settle(50);
        }
        panic!("timed out waiting for {cond}");
    }

    /// A PNG of one element (e.g. a section), scrolled into place.
    fn screenshot_of(&mut self, selector: &str, path: &Path) {
        let r = self.eval(&format!(
            "(() => {{ const r = document.querySelector('{selector}').getBoundingClientRect();
               return {{x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height}}; }})()"
        ));
        let png = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true,
                   "clip": {"x": r["x"], "y": r["y"], "width": r["w"], "height": r["h"], "scale": 1}}),
        );
        let png = base64(png["data"].as_str().expect("screenshot data"));
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(path, png).expect("write screenshot");
        eprintln!("screenshot: {}", path.display());
    }

    /// A PNG of the page from the top, `height` CSS pixels tall at most.
    fn screenshot(&mut self, path: &Path, height: Option<f64>) {
        let h = match height {
            Some(h) => h,
            None => {
                let m = self.call("Page.getLayoutMetrics", json!({}));
                m["cssContentSize"]["height"]
                    .as_f64()
                    .unwrap_or(900.0)
                    .min(12000.0)
            }
        };
        let r = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true,
                   "clip": {"x": 0, "y": 0, "width": 1280, "height": h, "scale": 1}}),
        );
        let png = base64(r["data"].as_str().expect("screenshot data"));
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(path, png).expect("write screenshot");
        eprintln!("screenshot: {}", path.display());
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Everything the page shows, from the DOM.
const DOM_CHECK: &str = r#"(() => {
  const q = s => document.querySelectorAll(s).length;
  const shown = s => { const e = document.querySelector(s); if (!e) return false;
    const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const text = s => { const e = document.querySelector(s); return e ? e.innerText.trim() : null; };
  return {
    ready: document.body.dataset.ready || null,
    title: document.title,
    kpis: Object.fromEntries([...document.querySelectorAll('.kpi')].map(k => [k.dataset.kpi, k.querySelector('.v').textContent])),
    daily_bars: q('#chart-daily rect.bar'), daily_line: q('#chart-daily polyline.line'), daily_shown: shown('#chart-daily'),
    scorecards: q('.scorecard'), spark_smile: q('.scorecard svg.spark polyline.smile'),
    spark_speech: q('.scorecard svg.spark polyline.speech'), spark_shown: shown('.scorecard svg.spark'),
    heat_cells: q('#chart-heatmap rect.cell'), heat_shown: shown('#chart-heatmap'),
    drivers: q('#chart-drivers g.driver'), drivers_proven: q('#chart-drivers g.driver.proven'),
    drivers_no_effect: q('#chart-drivers g.driver.no-effect'), drivers_inconclusive: q('#chart-drivers g.driver.inconclusive'),
    drivers_dashed: q('#chart-drivers g.driver.inconclusive line.ci[stroke-dasharray]'),
    drivers_squares: q('#chart-drivers g.driver.no-effect rect.effect'),
    drivers_ci: q('#chart-drivers line.ci'), drivers_shown: shown('#chart-drivers'),
    sl_charts: q('svg.sl-chart'), sl_bars: q('svg.sl-chart rect.sl-bar'), sl_below: q('svg.sl-chart rect.sl-bar.below'),
    sl_target: q('svg.sl-chart line.target'), sl_shown: shown('svg.sl-chart'),
    review_rows: q('#review-table tbody tr'), review_links: q('#review-table a.call-link'),
    review_pager: text('#review-pager .page-info'),
    calls_rows: q('#calls-table tbody tr'), calls_pager: text('#calls-pager .page-info'),
    review_heading: text('#review h2'), ops_heading: text('#operators h2'),
    external: [...document.querySelectorAll('[src],[href],link,img,iframe')]
      .map(e => e.getAttribute('src') || e.getAttribute('href') || e.tagName)
      .filter(u => !u.startsWith('#')),
    transcript_shown: shown('#transcript-view'),
  };
})()"#;

const ALL_READER: &str = r#"
import duckdb, json, sys
out = sys.argv[1]
c = duckdb.connect()
c.execute("set TimeZone = 'UTC'")
t = lambda n: f"read_parquet('{out}/{n}/call_date=*/part-*.parquet', hive_partitioning = true)"
one = lambda sql: c.execute(sql).fetchone()[0]
res = {
  "calls": one(f"select count(*) from {t('calls')}"),
  "operators": one(f"select count(distinct coalesce(operator_id, '')) from {t('calls')}"),
  "days": one(f"select count(distinct call_date) from {t('calls')}"),
  "review": one(f"select count(*) from {t('review_queue')}"),
  "drivers": one(f"select count(*) from {t('drivers')}"),
  "proven": one(f"select count(*) from {t('drivers')} where verdict = 'proven'"),
  "no_effect": one(f"select count(*) from {t('drivers')} where verdict = 'no_effect'"),
  "inconclusive": one(f"select count(*) from {t('drivers')} where verdict = 'inconclusive'"),
  "inconclusive_ci": one(f"select count(*) from {t('drivers')} where verdict = 'inconclusive' and ci_lo is not null and ci_hi is not null"),
  "hours": one(f"select sum(duration_s) / 3600 from {t('calls')}"),
  "rated": one(f"select count(rating) from {t('scores')}"),
  # A reviewed call with a transcript that shows an interruption and a long pause.
  "showcase": one(f"""select r.call_id from {t('review_queue')} r join {t('utterances')} u using (call_id)
      group by r.call_id
      having bool_or(list_contains(u.tags, 'interruption')) and bool_or(array_to_string(u.tags, '|') like '%long_pause_before:%')
      order by r.call_id limit 1"""),
}
res["showcase_utts"] = one(f"select count(*) from {t('utterances')} where call_id = '{res['showcase']}'")
print(json.dumps(res))
"#;

fn num(v: &Value) -> f64 {
    v.as_f64()
        .or_else(|| {
            v.as_str()
                .and_then(|s| s.trim_end_matches('%').parse().ok())
        })
        .unwrap_or(f64::NAN)
}

#[test]
fn report_renders_in_chromium_without_errors() {
    let Some(bin) = chromium() else { return };
    let features = archive();
    let out = artefacts();
    let html = out.join("report.html");
    report(features, &html, "both");
    let truth = py_json(ALL_READER, &[features]);
    eprintln!("truth: {truth}");
    let page = std::fs::read_to_string(&html).expect("read report");
    for bad in [
        "https://",
        "http://cdn",
        "src=\"http",
        "href=\"http",
        "@import",
        "url(",
    ] {
        assert!(!page.contains(bad), "report refers to the network: {bad}");
    }

    let mut b = Browser::launch(&bin);
    let took = b.open(&html);
    eprintln!("load event after {took:?}");
    b.wait_for("document.body.dataset.ready === '1'");
    let d = b.eval(DOM_CHECK);
    eprintln!("DOM: {d:#}");
    assert!(b.errors.is_empty(), "console errors: {:#?}", b.errors);
    assert_eq!(d["external"], json!([]), "no external resources");

    // Overview KPIs agree with the tables.
    assert_eq!(num(&d["kpis"]["calls"]), truth["calls"].as_f64().unwrap());
    assert!((num(&d["kpis"]["audio_hours"]) - num(&truth["hours"])).abs() < 0.06);
    assert_eq!(num(&d["kpis"]["rated"]), num(&truth["rated"]));
    for k in ["smile_speech", "nps", "sl", "expected_detractors"] {
        assert!(num(&d["kpis"][k]).is_finite(), "KPI {k}: {}", d["kpis"][k]);
    }
    let sl = num(&d["kpis"]["sl"]);
    assert!((0.0..=100.0).contains(&sl), "SL {sl}");
    // Charts render, one mark per figure.
    assert_eq!(d["daily_bars"], truth["days"]);
    assert_eq!(d["daily_line"], 1);
    assert_eq!(d["scorecards"], truth["operators"]);
    assert!(num(&d["spark_smile"]) >= 1.0, "smile trends drawn");
    assert!(num(&d["spark_speech"]) >= num(&truth["operators"]) - 1.0);
    assert_eq!(num(&d["heat_cells"]), 8.0 * num(&truth["operators"]));
    assert_eq!(d["drivers"], truth["drivers"]);
    assert_eq!(d["drivers_proven"], truth["proven"]);
    // The three verdicts look different: no_effect a square, inconclusive dashed.
    assert_eq!(d["drivers_no_effect"], truth["no_effect"]);
    assert_eq!(d["drivers_squares"], truth["no_effect"]);
    assert_eq!(d["drivers_inconclusive"], truth["inconclusive"]);
    assert_eq!(d["drivers_dashed"], truth["inconclusive_ci"]);
    assert!(
        num(&truth["no_effect"]) >= 1.0 && num(&truth["inconclusive"]) >= 1.0,
        "the synthetic data has drivers of every verdict"
    );
    assert!(
        num(&truth["proven"]) >= 1.0,
        "the synthetic data has proven drivers"
    );
    assert!(num(&d["drivers_ci"]) >= 9.0, "intervals drawn");
    assert_eq!(d["sl_charts"], 1, "one channel (voice)");
    assert!(num(&d["sl_bars"]) >= 10.0 && d["sl_target"] == 1);
    for k in [
        "daily_shown",
        "spark_shown",
        "heat_shown",
        "drivers_shown",
        "sl_shown",
    ] {
        assert_eq!(d[k], true, "{k} has no size on screen");
    }
    // Tables: the review queue and the call list paginate.
    assert_eq!(num(&d["review_rows"]), num(&truth["review"]).min(25.0));
    assert_eq!(d["review_rows"], d["review_links"]);
    assert_eq!(d["calls_rows"], 50);
    assert!(d["calls_pager"]
        .as_str()
        .unwrap_or("")
        .contains(&format!("({})", truth["calls"])));
    assert_eq!(d["review_heading"], "Review queue");
    assert_eq!(d["transcript_shown"], false);
    b.screenshot(&out.join("report-en-full.png"), None);
    for sec in [
        "overview",
        "operators",
        "compliance",
        "drivers",
        "service-level",
        "review",
        "calls",
    ] {
        b.screenshot_of(&format!("#{sec}"), &out.join(format!("section-{sec}.png")));
    }

    // Next page of the call list.
    b.eval("document.querySelector('#calls-pager button.next').click()");
    b.wait_for(
        "document.querySelector('#calls-pager .page-info').textContent.startsWith('Page 2')",
    );
    assert_eq!(
        b.eval("document.querySelectorAll('#calls-table tbody tr').length"),
        50
    );

    // Russian labels.
    b.eval("document.getElementById('lang-toggle').click()");
    b.wait_for("document.documentElement.dataset.lang === 'ru'");
    let ru = b.eval(DOM_CHECK);
    assert_eq!(ru["review_heading"], "Очередь на прослушивание");
    assert_eq!(ru["ops_heading"], "Карточки операторов");
    assert!(ru["calls_pager"]
        .as_str()
        .unwrap_or("")
        .starts_with("Страница"));
    b.eval("window.scrollTo(0, 0)");
    b.screenshot(&out.join("report-ru-top.png"), Some(1400.0));
    b.eval("document.getElementById('lang-toggle').click()");

    // A click on a review-queue link opens that call's view.
    let first = b.eval("document.querySelector('#review-table a.call-link').textContent");
    b.eval("document.querySelector('#review-table a.call-link').click()");
    b.wait_for("document.body.classList.contains('show-call')");
    let h = b.eval("document.querySelector('#transcript-view h2').textContent");
    assert!(
        h.as_str()
            .unwrap_or("")
            .ends_with(first.as_str().unwrap_or("?")),
        "{h} vs {first}"
    );

    // The transcript view of a reviewed call with an interruption and a long pause.
    let id = truth["showcase"]
        .as_str()
        .expect("a showcase call in the review queue");
    b.eval(&format!("location.hash = '#call={id}'"));
    b.wait_for("document.querySelectorAll('#turns tr.turn').length > 0");
    b.settle(200);
    let t = b.eval(
        r#"(() => ({
          turns: document.querySelectorAll('#turns tr.turn').length,
          bars: document.querySelectorAll('#timeline rect.utt').length,
          interruptions: document.querySelectorAll('#timeline path.interruption').length,
          pauses: document.querySelectorAll('#timeline rect.pause').length,
          tags: document.querySelectorAll('#turns .tag').length,
          operator_turns: document.querySelectorAll('#turns tr.spk-operator').length,
          customer_turns: document.querySelectorAll('#turns tr.spk-customer').length,
          timeline_h: document.getElementById('timeline').getBoundingClientRect().height,
          other_sections_hidden: document.getElementById('overview').getBoundingClientRect().height === 0,
        }))()"#,
    );
    eprintln!("transcript {id}: {t}");
    assert_eq!(t["turns"], truth["showcase_utts"]);
    assert_eq!(t["bars"], t["turns"]);
    assert!(
        num(&t["interruptions"]) >= 1.0 && num(&t["pauses"]) >= 1.0,
        "{t}"
    );
    assert!(num(&t["tags"]) >= 3.0, "{t}");
    assert!(num(&t["operator_turns"]) >= 1.0 && num(&t["customer_turns"]) >= 1.0);
    assert!(num(&t["timeline_h"]) > 50.0);
    assert_eq!(t["other_sections_hidden"], true);
    b.screenshot(&out.join("transcript.png"), Some(900.0));

    // Back to the report.
    b.eval("document.querySelector('#transcript-view a.back').click()");
    b.wait_for("!document.body.classList.contains('show-call')");
    b.settle(200);
    assert!(b.errors.is_empty(), "console errors: {:#?}", b.errors);
}

#[test]
fn report_in_russian_only_and_without_scores() {
    let Some(bin) = chromium() else { return };
    let features = archive();
    let out = artefacts();
    // Only calls/ and utterances/ (as right after callqa analyze): copy them alone.
    let bare = tempfile::tempdir().expect("tempdir");
    for t in ["calls", "utterances"] {
        copy_tree(&features.join(t), &bare.path().join(t));
    }
    let html = out.join("report-ru-noscores.html");
    report(bare.path(), &html, "ru");
    let mut b = Browser::launch(&bin);
    b.open(&html);
    b.wait_for("document.body.dataset.ready === '1'");
    let d = b.eval(DOM_CHECK);
    assert!(b.errors.is_empty(), "console errors: {:#?}", b.errors);
    assert_eq!(d["review_heading"], "Очередь на прослушивание");
    assert_eq!(d["drivers"], 0);
    assert_eq!(d["sl_charts"], 0);
    assert!(num(&d["heat_cells"]) > 0.0 && num(&d["daily_bars"]) > 0.0);
    assert_eq!(d["kpis"]["nps"], "–");
    assert!(num(&d["calls_rows"]) > 0.0);
    assert_eq!(
        b.eval("document.getElementById('lang-toggle') === null"),
        true
    );
    b.screenshot(&out.join("report-ru-noscores.png"), Some(1200.0));
}

fn copy_tree(src: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).expect("mkdir");
    for e in std::fs::read_dir(src).expect("read_dir") {
        let e = e.expect("entry");
        let to = dest.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).expect("copy");
        }
    }
}

/// The checker itself: a page that throws, or logs an error, must be caught.
#[test]
fn console_errors_are_caught() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut b = Browser::launch(&bin);
    let clean = dir.path().join("clean.html");
    std::fs::write(
        &clean,
        "<!DOCTYPE html><p id=x>ok</p><script>console.log('fine')</script>",
    )
    .expect("write");
    b.open(&clean);
    assert!(b.errors.is_empty(), "{:?}", b.errors);
    let throws = dir.path().join("throws.html");
    std::fs::write(&throws, "<!DOCTYPE html><script>null.boom()</script>").expect("write");
    b.open(&throws);
    assert!(
        b.errors
            .iter()
            .any(|e| e.contains("uncaught") && e.contains("boom")),
        "{:?}",
        b.errors
    );
    b.errors.clear();
    let logs = dir.path().join("logs.html");
    std::fs::write(
        &logs,
        "<!DOCTYPE html><script>console.error('broken chart')</script>",
    )
    .expect("write");
    b.open(&logs);
    assert!(
        b.errors.iter().any(|e| e.contains("broken chart")),
        "{:?}",
        b.errors
    );
    // And the real report, broken on purpose, fails the same check.
    let features = archive();
    let html = dir.path().join("report.html");
    report(features, &html, "en");
    let page = std::fs::read_to_string(&html).expect("read");
    let broken = page.replacen(
        "function renderCalls() {",
        "function renderCalls() { undefinedFn();",
        1,
    );
    assert_ne!(broken, page, "injection point not found");
    let bad = dir.path().join("broken.html");
    std::fs::write(&bad, broken).expect("write");
    b.errors.clear();
    b.open(&bad);
    assert!(
        b.errors.iter().any(|e| e.contains("undefinedFn")),
        "{:?}",
        b.errors
    );
}

/// `callqa sql` prints a script that DuckDB runs; every view returns sensible rows.
#[test]
fn sql_views_run_in_duckdb() {
    let features = archive();
    let o = callqa()
        .arg("sql")
        .arg("--out")
        .arg(features)
        .output()
        .expect("run callqa sql");
    check(&o, "callqa sql");
    let script = artefacts().join("session.sql");
    std::fs::write(&script, &o.stdout).expect("write session.sql");
    let r = py_json(
        r#"
import duckdb, json, sys
c = duckdb.connect()
c.execute(open(sys.argv[1]).read())
def q(sql):
    cur = c.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, [v if isinstance(v, (int, float, str, bool, type(None))) else str(v) for v in r])) for r in cur.fetchall()]
one = lambda sql: q(sql)[0]
res = {
  "views": [r["view_name"] for r in q("select view_name from duckdb_views() where not internal order by 1")],
  "daily": one("""select count(*) as days, sum(calls) as calls, (select count(*) from calls) as truth,
        min(greeting_rate) as min_rate, max(concrete_answer_rate) as max_rate,
        abs(sum(audio_hours) - (select sum(duration_s) / 3600 from calls)) as hours_err from qa_daily_calls"""),
  "scorecard": one("""select count(*) as operators, sum(calls) as calls, min(nps) as min_nps, max(nps) as max_nps,
        count(mean_smile_score) as with_smile, count(mean_speech_score) as with_speech,
        sum(case when greeting_rate between 0 and 1 then 0 else 1 end) as bad_rates from qa_operator_scorecard"""),
  "trend": one("""select count(distinct element) as elements, min(rate) as min_rate, max(rate) as max_rate,
        sum(case when compliant > observations then 1 else 0 end) as bad,
        (select sum(observations) from qa_element_compliance_trend where element = 'greeting') as greeting_obs
      from qa_element_compliance_trend"""),
  "drivers": one("""select count(*) as n, count(*) filter (where proven) as proven,
        count(*) filter (where proven and direction = 'unclear') as bad,
        count(distinct analysed_on) as analyses from qa_drivers"""),
  "review": one("""select count(*) as n, (select count(*) from review_queue) as truth, count(duration_s) as with_duration,
        min(rank) as min_rank from qa_review_queue"""),
  "sl": one("""select count(*) as n, count(service_level) as measured,
        count(*) filter (where meets_target <> (gap_to_target >= 0)) as bad_gap,
        min(minute_of_day) as first_min, max(minute_of_day) as last_min,
        count(*) filter (where minute_of_day % 30 <> 0) as misaligned from qa_service_level"""),
}
print(json.dumps(res))
"#,
        &[&script],
    );
    eprintln!("{r:#}");
    for v in [
        "calls",
        "utterances",
        "scores",
        "drivers",
        "review_queue",
        "service_level",
        "qa_daily_calls",
        "qa_operator_scorecard",
        "qa_element_compliance_trend",
        "qa_drivers",
        "qa_review_queue",
        "qa_service_level",
    ] {
        assert!(
            r["views"].as_array().unwrap().iter().any(|x| x == v),
            "view {v} missing: {}",
            r["views"]
        );
    }
    let d = &r["daily"];
    assert_eq!(d["days"], 11, "2026-11-01 … 11-11");
    assert_eq!(d["calls"], d["truth"]);
    assert!(num(&d["hours_err"]) < 1e-6);
    assert!(num(&d["min_rate"]) >= 0.0 && num(&d["max_rate"]) <= 1.0);
    let s = &r["scorecard"];
    assert_eq!(s["calls"], d["truth"]);
    assert_eq!(s["operators"], 12, "op00 … op11");
    assert!(num(&s["min_nps"]) >= -100.0 && num(&s["max_nps"]) <= 100.0);
    assert!(num(&s["with_smile"]) >= 1.0 && s["with_speech"] == s["operators"]);
    assert_eq!(s["bad_rates"], 0);
    let t = &r["trend"];
    assert_eq!(t["elements"], 8);
    assert_eq!(t["bad"], 0);
    assert!(num(&t["min_rate"]) >= 0.0 && num(&t["max_rate"]) <= 1.0);
    assert_eq!(t["greeting_obs"], d["truth"]);
    let dr = &r["drivers"];
    assert_eq!(dr["n"], 17);
    assert!(num(&dr["proven"]) >= 1.0);
    assert_eq!(dr["bad"], 0);
    assert_eq!(dr["analyses"], 1);
    let rv = &r["review"];
    assert_eq!(rv["n"], rv["truth"]);
    assert!(num(&rv["n"]) > 0.0);
    assert_eq!(rv["with_duration"], rv["n"]);
    assert_eq!(rv["min_rank"], 1);
    let sl = &r["sl"];
    assert!(num(&sl["n"]) > 0.0 && num(&sl["measured"]) > 0.0);
    assert_eq!(sl["bad_gap"], 0);
    assert_eq!(sl["misaligned"], 0);
    assert!(num(&sl["first_min"]) >= 7.0 * 60.0 && num(&sl["last_min"]) <= 21.0 * 60.0);

    // Without the score tables the script keeps the views it can support, and still runs.
    let bare = tempfile::tempdir().expect("tempdir");
    copy_tree(&features.join("calls"), &bare.path().join("calls"));
    std::fs::create_dir_all(bare.path().join("_ledger/call_date=2026-11-02")).expect("mkdir");
    std::fs::write(
        bare.path()
            .join("_ledger/call_date=2026-11-02/part-x.parquet"),
        b"not parquet",
    )
    .expect("write");
    let o = callqa()
        .arg("sql")
        .arg("--out")
        .arg(bare.path())
        .output()
        .expect("run callqa sql");
    check(&o, "callqa sql (calls only)");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("qa_drivers left out"), "{stderr}");
    let script = bare.path().join("session.sql");
    std::fs::write(&script, &o.stdout).expect("write");
    let r = py_json(
        r#"
import duckdb, json, sys
c = duckdb.connect()
c.execute(open(sys.argv[1]).read())
views = [r[0] for r in c.execute("select view_name from duckdb_views() where not internal order by 1").fetchall()]
print(json.dumps({"views": views, "days": c.execute("select count(*) from qa_daily_calls").fetchone()[0]}))
"#,
        &[&script],
    );
    assert_eq!(
        r["views"],
        json!(["calls", "qa_daily_calls", "qa_element_compliance_trend"])
    );
    assert_eq!(r["days"], 11);

    // A folder without calls is an error that names it.
    let empty = tempfile::tempdir().expect("tempdir");
    let o = callqa()
        .arg("sql")
        .arg("--out")
        .arg(empty.path())
        .output()
        .expect("run callqa sql");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no calls/"));
}

/// Report errors name the folder (exit 1), never panic.
#[test]
fn report_on_a_folder_without_calls_fails_cleanly() {
    let empty = tempfile::tempdir().expect("tempdir");
    let o = callqa()
        .arg("report")
        .arg("--features")
        .arg(empty.path())
        .arg("--out")
        .arg(empty.path().join("r.html"))
        .output()
        .expect("run callqa report");
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no calls") && err.contains(&empty.path().display().to_string()),
        "{err}"
    );
    let o = callqa()
        .args([
            "report",
            "--features",
            "x",
            "--out",
            "y.html",
            "--lang",
            "de",
        ])
        .output()
        .expect("run callqa report");
    assert_eq!(o.status.code(), Some(2));
}

/// Load time of a report in Chromium, for benches/report_bench.sh: set
/// CALLQA_REPORT_HTML and run with --ignored; prints one JSON line.
#[test]
#[ignore]
fn report_load_time() {
    let Some(path) = std::env::var_os("CALLQA_REPORT_HTML").map(PathBuf::from) else {
        eprintln!("set CALLQA_REPORT_HTML");
        return;
    };
    let Some(bin) = chromium() else { return };
    let mut b = Browser::launch(&bin);
    // A warm-up load of a blank page, so the browser's own start is not counted.
    let blank = tempfile::tempdir().expect("tempdir");
    let p = blank.path().join("blank.html");
    std::fs::write(&p, "<!DOCTYPE html><p>warm-up</p>").expect("write");
    b.open(&p);
    let mut runs = Vec::new();
    for _ in 0..3 {
        let wall = b.open(&path);
        b.wait_for("document.body.dataset.ready === '1'");
        let nav = b.eval(
            "(() => { const n = performance.getEntriesByType('navigation')[0];
               return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
                       ready: Number(document.body.dataset.readyMs),
                       nodes: document.getElementsByTagName('*').length}; })()",
        );
        // Open one transcript and page through the call list, timing both in the page.
        let interact = b.eval(
            "(() => { const t0 = performance.now();
               document.querySelector('#calls-pager button.next').click();
               const t1 = performance.now();
               const a = document.querySelector('#review-table a.call-link');
               if (a) { location.hash = a.getAttribute('href'); window.dispatchEvent(new HashChangeEvent('hashchange')); }
               const t2 = performance.now();
               return {page_ms: t1 - t0, transcript_ms: t2 - t1}; })()",
        );
        runs.push(json!({"wall_ms": wall.as_millis(), "nav": nav, "interact": interact}));
    }
    assert!(b.errors.is_empty(), "console errors: {:#?}", b.errors);
    println!("{}", json!({"file": path, "runs": runs}));
}

/// The table contract: the files `callqa score` wrote hold exactly the columns
/// docs/SCHEMA.md documents, with its types and nullability, in its order
/// (`callqa_parquet::contract`). The call tables' schemas are checked the same way by the
/// crate's unit tests (the archive's calls/ are generated in Python, not by callqa).
#[test]
fn written_tables_are_the_documented_ones() {
    use callqa_parquet::contract::{check, file_schema, SCORE_TABLES};
    let out = archive();
    let doc = include_str!("../docs/SCHEMA.md");
    let mut problems = Vec::new();
    for t in SCORE_TABLES {
        let schema = file_schema(&out.join(t))
            .expect("read a table's schema")
            .unwrap_or_else(|| panic!("no {t}/ files in the archive"));
        problems.extend(check(doc, t, &schema));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
