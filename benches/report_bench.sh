#!/usr/bin/env bash
# Report bench: how big is the HTML report and how fast does it open for N calls?
#
#   bash benches/report_bench.sh [N=10000] [DAYS=30] [OPERATORS=40]
#
# Synthesises N calls as transcript JSON (tests/data/report/gen_calls.py), runs
# `callqa analyze`, `callqa score` (ratings + call metadata for Service Level) and
# `callqa report --lang both`, then opens the report three times in headless Chromium
# (the ignored test `report_load_time` in tests/e2e_report.rs, DevTools protocol) and
# prints a table: build time, file size, DOMContentLoaded, load event, script ready,
# DOM nodes, and the time to turn a page of the call list and to open a transcript.
# Needs scripts/setup.sh (venv) and the Debian package chromium. Work dir: $BENCH_DIR
# (default /tmp/callqa-report-bench), removed first.
set -euo pipefail
N=${1:-10000}
DAYS=${2:-30}
OPS=${3:-40}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY="$ROOT/.cache/venv/bin/python"
BIN="$ROOT/target/release/callqa"
W=${BENCH_DIR:-/tmp/callqa-report-bench}
[ -x "$PY" ] || { echo "missing $PY: run scripts/setup.sh" >&2; exit 1; }
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || { echo "chromium not installed" >&2; exit 1; }
(cd "$ROOT" && cargo build --release -q -p callqa-cli)
rm -rf "$W"; mkdir -p "$W"
now() { date +%s.%N; }
t0=$(now)
"$PY" "$ROOT/tests/data/report/gen_calls.py" "$W" --calls "$N" --days "$DAYS" --operators "$OPS" >/dev/null
t1=$(now)
"$BIN" analyze --transcripts "$W/transcripts" --out "$W/out" --pipeline "$ROOT/pipelines/ru-contact-center.toml" >/dev/null 2>"$W/analyze.log"
t2=$(now)
"$BIN" score --features "$W/out" --ratings "$W/ratings.csv" --calls-meta "$W/calls_meta.csv" --out "$W/out" \
    --pipeline "$ROOT/pipelines/ru-contact-center.toml" >/dev/null 2>"$W/score.log" || [ $? -eq 3 ]
t3=$(now)
/usr/bin/time -f "%M" -o "$W/report.rss" "$BIN" report --features "$W/out" --out "$W/report.html" --lang both > "$W/report.log"
t4=$(now)
(cd "$ROOT" && CALLQA_REPORT_HTML="$W/report.html" cargo test --release -q -p callqa-cli --test e2e_report \
    report_load_time -- --ignored --nocapture 2>/dev/null) | grep '^{' > "$W/load.json"
"$PY" - "$W" "$N" "$t0" "$t1" "$t2" "$t3" "$t4" <<'PY'
import json, os, statistics, sys
w, n = sys.argv[1], int(sys.argv[2])
t = [float(x) for x in sys.argv[3:]]
load = json.load(open(os.path.join(w, "load.json")))
runs = load["runs"]
med = lambda f: statistics.median(f(r) for r in runs)
size = os.path.getsize(os.path.join(w, "report.html"))
rss = int(open(os.path.join(w, "report.rss")).read().split()[-1])
print(open(os.path.join(w, "report.log")).read().strip())
rows = [
    ("calls", f"{n}"),
    ("generate transcripts", f"{t[1]-t[0]:.1f} s"),
    ("callqa analyze", f"{t[2]-t[1]:.1f} s"),
    ("callqa score", f"{t[3]-t[2]:.1f} s"),
    ("callqa report (build)", f"{t[4]-t[3]:.2f} s, peak RSS {rss/1024:.0f} MiB"),
    ("report.html size", f"{size/1024/1024:.2f} MiB"),
    ("DOMContentLoaded (median of 3)", f"{med(lambda r: r['nav']['dcl']):.0f} ms"),
    ("load event", f"{med(lambda r: r['nav']['load']):.0f} ms"),
    ("script ready (tables drawn)", f"{med(lambda r: r['nav']['ready']):.0f} ms"),
    ("navigate -> load, wall", f"{med(lambda r: r['wall_ms']):.0f} ms"),
    ("DOM elements", f"{runs[0]['nav']['nodes']}"),
    ("next page of the call list", f"{med(lambda r: r['interact']['page_ms']):.1f} ms"),
    ("open a transcript", f"{med(lambda r: r['interact']['transcript_ms']):.1f} ms"),
]
wid = max(len(r[0]) for r in rows)
print(f"\n| {'measure':<{wid}} | value |\n|{'-'*(wid+2)}|-------|")
for k, v in rows:
    print(f"| {k:<{wid}} | {v} |")
PY
