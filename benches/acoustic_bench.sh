#!/usr/bin/env bash
# Cost of the acoustic stage (emotion + arousal + pitch, "smile monitoring") on N stereo
# 8 kHz µ-law calls built from EmoDB speech (scripts/emodb_call.py), 5 turns per side.
#
#   bash benches/acoustic_bench.sh [N]        (default: 12)
#
# Runs `callqa run` twice on the same calls, with the stage and with --no-acoustic, and
# prints: windows scored, the stage's own time (windows/s, seconds per hour of audio)
# and what it adds to the whole run's wall time (it runs beside Whisper, in the
# preparation thread). Threads: CALLQA_BENCH_THREADS (default: all cores).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
cargo build --release --quiet -p callqa-cli
N="${1:-12}"
THREADS="${CALLQA_BENCH_THREADS:-$(nproc)}"
EMODB="${CALLQA_EMODB:-$ROOT/../shared/data/emodb}"
WORK="$ROOT/out/acoustic-bench"
IN="$WORK/calls-$N"
rm -rf "$WORK"; mkdir -p "$IN"
speakers=(03 08 09 10 11 12 13 14)
emotions=(anger neutral happiness sadness boredom fear)
for ((i = 0; i < N; i++)); do
  cu="${speakers[i % 8]}:${emotions[i % 6]}"
  op="${speakers[(i + 3) % 8]}:${emotions[(i + 1) % 6]}"
  .cache/venv/bin/python scripts/emodb_call.py --emodb "$EMODB" --customer "$cu" --operator "$op" \
    "$IN/call$(printf %03d "$i").wav"
done
audio=$(soxi -D "$IN"/*.wav | awk '{s += $1} END {print s}')
run() { # $1 = label, rest = extra flags
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$WORK/time-$label" target/release/callqa run --input "$IN" \
    --out "$WORK/out-$label" --language de --threads "$THREADS" --summary-rows 0 \
    --pipeline pipelines/en-contact-center.toml "$@" > "$WORK/log-$label" 2>&1
}
run on
run off --no-acoustic
line=$(grep '^acoustic stage:' "$WORK/log-on")
windows=$(sed -E 's/^acoustic stage: ([0-9]+) windows in ([0-9.]+) s.*/\1/' <<<"$line")
stage_s=$(sed -E 's/^acoustic stage: ([0-9]+) windows in ([0-9.]+) s.*/\2/' <<<"$line")
read -r wall_on rss_on < "$WORK/time-on"
read -r wall_off rss_off < "$WORK/time-off"
python3 - "$N" "$audio" "$windows" "$stage_s" "$wall_on" "$wall_off" "$rss_on" "$rss_off" "$THREADS" <<'PY'
import sys
n, audio, windows, stage, on, off, rss_on, rss_off, threads = sys.argv[1:]
audio, windows, stage, on, off = map(float, (audio, windows, stage, on, off))
h = audio / 3600
print(f"{n} calls, {audio:.1f} s of stereo audio, threads {threads}")
print(f"{'':34} {'value':>10}")
print(f"{'windows scored':34} {windows:>10.0f}")
print(f"{'acoustic stage, s':34} {stage:>10.2f}")
print(f"{'windows / s':34} {windows / stage:>10.0f}")
print(f"{'stage s per hour of audio':34} {stage / h:>10.1f}")
print(f"{'wall with stage, s':34} {on:>10.1f}")
print(f"{'wall --no-acoustic, s':34} {off:>10.1f}")
print(f"{'wall added per hour of audio, s':34} {(on - off) / h:>10.1f}")
print(f"{'peak RSS with / without, MiB':34} {int(rss_on) / 1024:>5.0f} / {int(rss_off) / 1024:.0f}")
PY
