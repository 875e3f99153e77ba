//! What a run prints: a progress bar on a terminal, and at the end a per-call table and
//! totals (calls ok / failed / skipped, audio hours, real-time factor, peak memory).

use callqa_core::{CallFeatures, ErrorRow};
use callqa_pipeline::{CallRecord, Events};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::time::Duration;

/// One line of the per-call table.
pub struct CallSummary {
    call_id: String,
    duration_s: f64,
    language: String,
    talk: String,
    long_pauses: u32,
    longest_pause_s: f64,
    interruptions: String,
    flags: [bool; 4],
    smile: String,
    anger: String,
}

impl CallSummary {
    /// From a finished call row.
    pub fn from_row(r: &CallFeatures, audio_s: f64) -> Self {
        let opt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
        let opti = |v: Option<u32>| v.map_or("-".to_string(), |v| v.to_string());
        CallSummary {
            call_id: r.call_id.clone(),
            duration_s: audio_s,
            language: r.language.clone().unwrap_or_else(|| "-".into()),
            talk: format!("{}/{}", opt(r.operator_talk_s), opt(r.customer_talk_s)),
            long_pauses: r.long_pauses,
            longest_pause_s: r.longest_pause_s,
            interruptions: format!(
                "{}/{}",
                opti(r.operator_interruptions),
                opti(r.customer_interruptions)
            ),
            flags: [r.greeting, r.self_introduction, r.thanks, r.survey_offer],
            smile: r
                .operator_smile_index
                .map_or("-".to_string(), |v| format!("{v:.0}")),
            anger: r
                .customer_anger_share
                .map_or("-".to_string(), |v| format!("{:.0}%", 100.0 * v)),
        }
    }
}

/// Totals of a run, and its progress bar: the command line's view of the pipeline's
/// [`Events`].
pub struct Summary {
    inputs: usize,
    calls: Vec<CallSummary>,
    /// Inputs that produced error rows.
    pub failed: usize,
    /// Calls written, but with an error row for a stage that could be left out (the
    /// acoustic stage): their acoustic columns are null.
    pub warnings: usize,
    /// Calls skipped because they were already in the output.
    pub skipped: usize,
    audio_s: f64,
    acoustic_windows: u64,
    acoustic_s: f64,
    /// Shown on a terminal once the calls to process are known.
    progress: Option<ProgressBar>,
}

impl Summary {
    /// An empty summary.
    pub fn new() -> Self {
        Summary {
            inputs: 0,
            calls: Vec::new(),
            failed: 0,
            warnings: 0,
            skipped: 0,
            audio_s: 0.0,
            acoustic_windows: 0,
            acoustic_s: 0.0,
            progress: None,
        }
    }

    /// A progress bar on a terminal (hidden otherwise: logs carry progress there).
    fn progress_bar(n: usize) -> ProgressBar {
        let pb = ProgressBar::new(n as u64);
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} calls  ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    }

    fn tick(&self) {
        if let Some(p) = &self.progress {
            p.inc(1);
        }
    }

    /// Print the table and totals to stdout.
    pub fn print(&self, out: &Path, wall: Duration, max_rows: usize) {
        if let Some(p) = &self.progress {
            p.finish_and_clear();
        }
        let yn = |b: bool| if b { "yes" } else { "no" };
        if !self.calls.is_empty() && max_rows > 0 {
            println!(
                "{:<24} {:>7} {:>4} {:>11} {:>6} {:>8} {:>6} {:>5} {:>5} {:>6} {:>6} {:>5} {:>5}",
                "call_id",
                "dur_s",
                "lang",
                "talk op/cu",
                "pauses",
                "longest",
                "intr",
                "greet",
                "intro",
                "thanks",
                "survey",
                "smile",
                "anger"
            );
            for c in self.calls.iter().take(max_rows) {
                println!(
                    "{:<24} {:>7.1} {:>4} {:>11} {:>6} {:>8.1} {:>6} {:>5} {:>5} {:>6} {:>6} {:>5} {:>5}",
                    truncate(&c.call_id, 24),
                    c.duration_s,
                    c.language,
                    c.talk,
                    c.long_pauses,
                    c.longest_pause_s,
                    c.interruptions,
                    yn(c.flags[0]),
                    yn(c.flags[1]),
                    yn(c.flags[2]),
                    yn(c.flags[3]),
                    c.smile,
                    c.anger,
                );
            }
            if self.calls.len() > max_rows {
                println!("… {} more calls", self.calls.len() - max_rows);
            }
        }
        let wall_s = wall.as_secs_f64();
        let rtf = if self.audio_s > 0.0 {
            format!("{:.3}", wall_s / self.audio_s)
        } else {
            "-".into()
        };
        println!(
            "\ninputs {}: ok {}, failed {}, ok with warnings {}, skipped (done before, see the ledger) {} | audio {:.2} h | wall {:.1} s | real-time factor {} | peak RSS {}",
            self.inputs,
            self.calls.len(),
            self.failed,
            self.warnings,
            self.skipped,
            self.audio_s / 3600.0,
            wall_s,
            rtf,
            peak_rss().map_or("-".into(), |kb| format!("{:.0} MiB", kb as f64 / 1024.0)),
        );
        if self.acoustic_windows > 0 {
            println!(
                "acoustic stage: {} windows in {:.1} s ({:.0} windows/s, {:.0} s per hour of audio; runs beside Whisper)",
                self.acoustic_windows,
                self.acoustic_s,
                self.acoustic_windows as f64 / self.acoustic_s.max(1e-9),
                self.acoustic_s / (self.audio_s / 3600.0).max(1e-9),
            );
        }
        println!(
            "Parquet: {}/{{calls,utterances,errors}}/call_date=*/",
            out.display()
        );
    }
}

impl Events for Summary {
    fn inputs_found(&mut self, n: usize) {
        self.inputs = n;
    }

    fn processing(&mut self, n: usize) {
        self.progress = Some(Self::progress_bar(n));
    }

    fn skipped(&mut self, _reason: &str) {
        self.skipped += 1;
    }

    fn failed(&mut self, _row: &ErrorRow) {
        self.failed += 1;
        self.tick();
    }

    fn call_done(&mut self, record: &CallRecord) {
        self.tick();
        if !record.warnings.is_empty() {
            self.warnings += 1;
        }
        if let Some((windows, seconds)) = record.acoustic_work {
            self.acoustic_windows += u64::from(windows);
            self.acoustic_s += seconds;
        }
        self.audio_s += record.audio_s;
        self.calls
            .push(CallSummary::from_row(&record.call, record.audio_s));
        if let Some(p) = &self.progress {
            p.set_message(format!("{:.2} h of audio", self.audio_s / 3600.0));
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    // Text from inputs is data: control characters (terminal escape sequences) are shown
    // escaped, never sent to the terminal.
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(std::iter::once('…')).collect()
    }
}

/// Peak resident memory of this process in KiB (Linux: VmHWM), if known.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
