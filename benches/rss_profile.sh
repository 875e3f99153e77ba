#!/usr/bin/env bash
# Where callqa's memory goes during a run: samples the resident set of `callqa run` every
# 0.2 s and lines it up with the run's own log (JSON, with timestamps), so a peak can be
# tied to what the pipeline was doing at that moment.
#
#   bash benches/rss_profile.sh INPUT_DIR [extra callqa run flags...]
#
# CALLQA_BENCH_BIN: a callqa binary to profile instead of building target/release/callqa
# (e.g. one built with --features ct2, for `--engine ct2`).
#
# Writes out/rss-profile/{rss.tsv,log.jsonl} and prints: peak RSS (/usr/bin/time and
# sampled), the median and 90th percentile of the samples, RSS after every 10 % of the
# calls, and the log events within a second before the highest sample.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ $# -ge 1 ] || { echo "usage: $0 INPUT_DIR [callqa run flags...]" >&2; exit 2; }
IN="$1"; shift
[ -d "$IN" ] || { echo "rss_profile: $IN is not a folder" >&2; exit 2; }
BIN="${CALLQA_BENCH_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --release --quiet -p callqa-cli
  BIN=target/release/callqa
fi
[ -x "$BIN" ] || { echo "rss_profile: $BIN is not an executable" >&2; exit 2; }
WORK="$ROOT/out/rss-profile"
rm -rf "$WORK"; mkdir -p "$WORK"
/usr/bin/time -f '%e %M' -o "$WORK/time" "$BIN" run --input "$IN" --out "$WORK/out" \
  --language en --summary-rows 0 --pipeline pipelines/en-contact-center.toml \
  --log-format json "$@" > "$WORK/log.jsonl" 2>&1 &
tpid=$!
# /usr/bin/time's child is callqa.
pid=""
for _ in $(seq 50); do
  pid=$(pgrep -P "$tpid" callqa || true)
  [ -n "$pid" ] && break
  sleep 0.1
done
[ -n "$pid" ] || { echo "rss_profile: callqa did not start" >&2; wait "$tpid" || true; exit 1; }
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$rss" ] && printf '%s\t%s\n' "$(date +%s.%N)" "$rss" >> "$WORK/rss.tsv"
  sleep 0.2
done
wait "$tpid" || true
.cache/venv/bin/python - "$WORK" <<'PYEOF'
import json, sys
from datetime import datetime
from pathlib import Path
work = Path(sys.argv[1])
samples = [tuple(map(float, l.split("\t"))) for l in (work / "rss.tsv").read_text().splitlines() if l]
wall, peak = (work / "time").read_text().split()[-2:]
events = []
for line in (work / "log.jsonl").read_text().splitlines():
    try:
        e = json.loads(line)
    except ValueError:
        continue
    ts = e.get("timestamp")
    if not ts:
        continue
    t = datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()
    f = e.get("fields", {})
    events.append((t, f.get("message", ""), f.get("done")))
rss = sorted(s[1] for s in samples)
mib = lambda k: f"{k / 1024:.0f} MiB"
print(f"wall {wall} s, peak RSS {mib(int(peak))} (/usr/bin/time), {len(samples)} samples")
print(f"sampled: max {mib(rss[-1])}, p90 {mib(rss[int(0.9 * (len(rss) - 1))])}, "
      f"median {mib(rss[len(rss) // 2])}")
done = [(t, d) for t, _, d in events if d is not None]
if done:
    n = max(d for _, d in done)
    print("RSS after each tenth of the calls:")
    for k in range(1, 11):
        target = max(1, round(n * k / 10))
        t = next(t for t, d in done if d >= target)
        before = [r for ts, r in samples if ts <= t]
        if before:
            print(f"  {target:>5} calls: {mib(before[-1])}")
t_max, r_max = max(samples, key=lambda s: s[1])
print(f"highest sample {mib(r_max)} at {t_max - samples[0][0]:.1f} s; log events in the second before it:")
for t, msg, _ in events:
    if t_max - 1.0 <= t <= t_max + 0.2:
        print(f"  {t - samples[0][0]:7.2f} s  {msg[:110]}")
PYEOF
