#!/usr/bin/env bash
# Throughput and memory of the whole callqa pipeline on N synthetic stereo 8 kHz calls.
#
#   bash benches/run_bench.sh [N ...]        (default: 8)
#
# For each N it prints: calls, audio seconds, wall seconds, real-time factor
# (wall / audio; lower is faster), x real time, peak RSS and word error rate against the
# synthesis truth. CALLQA_BENCH_PIPELINE picks the pipeline file (e.g. to compare [asr] settings). Threads: CALLQA_BENCH_THREADS (default: all cores).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
cargo build --release --quiet -p callqa-cli
THREADS="${CALLQA_BENCH_THREADS:-$(nproc)}"
WORK="$ROOT/out/bench"
[ $# -gt 0 ] || set -- 8
PIPELINE="${CALLQA_BENCH_PIPELINE:-pipelines/en-contact-center.toml}"
echo "pipeline: $PIPELINE"
printf '%-6s %-10s %-9s %-8s %-10s %-10s %-8s %s\n' calls audio_s wall_s rtf x_realtime peak_rss WER_% threads
for N in "$@"; do
  IN="$WORK/calls-$N"
  .cache/venv/bin/python benches/gen_calls.py "$N" "$IN" >/dev/null
  audio=$(soxi -D "$IN"/*.wav | awk '{s += $1} END {print s}')
  OUT="$WORK/out-$N"; rm -rf "$OUT"
  /usr/bin/time -f '%e %M' -o "$WORK/time-$N" target/release/callqa run --input "$IN" --out "$OUT" \
    --language en --threads "$THREADS" --summary-rows 0 --pipeline "$PIPELINE" \
    --dump-transcripts "$OUT/transcripts" > "$WORK/log-$N" 2>&1 || true
  wer=$(.cache/venv/bin/python benches/wer.py "$IN" "$OUT/transcripts" | cut -d' ' -f2)
  read -r wall rss < "$WORK/time-$N"
  python3 -c "
a, w, r = float('$audio'), float('$wall'), int('$rss')
print(f'%-6s %-10.1f %-9.1f %-8.4f %-10.1f %-10s %-8s %s' % ('$N', a, w, w / a, a / w, f'{r/1024:.0f} MiB', '$wer', '$THREADS'))"
done
