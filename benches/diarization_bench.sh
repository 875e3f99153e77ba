#!/usr/bin/env bash
# Mono recordings against stereo: the diarization stage on downmixed calls.
#
#   bash benches/diarization_bench.sh [N]        (default: 20)
#
# 1. The N stereo bench calls of benches/gen_calls.py (seed 1, the calls of run_bench.sh),
#    and the same calls downmixed to one 8 kHz µ-law channel (sox `channels 1`).
# 2. EmoDB calls (scripts/emodb_call.py, stereo and --mono) of speaker pairs the stage was
#    not tuned on (tuning used speakers 03, 08, 10, 13 and gen_calls.py --seed 2 calls).
# 3. `callqa run` on the stereo and on the mono folder, back to back, timed (wall and CPU;
#    CALLQA_BENCH_REPEAT=1 adds a second pair).
#    The EmoDB calls put the customer first (emodb_call.py), and their German sentences
#    meet no English script element, so their mono run fixes the rule with
#    `[diarization] roles = "first_speaker_customer"`, as a pipeline file can.
# 4. benches/diarization.py: diarization error rate, roles, every timing feature against
#    the stereo run, script elements against the truth, acoustic columns.
# Threads: CALLQA_BENCH_THREADS (default: all cores).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >/dev/null
cargo build --release --quiet -p callqa-cli
THREADS="${CALLQA_BENCH_THREADS:-$(nproc)}"
N="${1:-20}"
PY=.cache/venv/bin/python
WORK="$ROOT/out/bench/mono-$N"
IN="$ROOT/out/bench/calls-$N"
MONO="$WORK/calls-mono"
EMO="$WORK/emodb-stereo"
EMO_MONO="$WORK/emodb-mono"
mkdir -p "$WORK" "$MONO" "$EMO" "$EMO_MONO"
$PY benches/gen_calls.py "$N" "$IN" >/dev/null
for f in "$IN"/*.wav; do
  b=$(basename "$f")
  [ -f "$MONO/$b" ] || sox -R "$f" -e mu-law "$MONO/$b" channels 1
  cp "${f%.wav}.truth.json" "$MONO/"
done
# customer:emotion operator:emotion, held-out speakers 09 (f), 11 (m), 12 (m), 14 (f).
PAIRS="09:anger,14:neutral 11:anger,12:neutral 09:neutral,11:happiness 12:sadness,14:anger
       14:anger,11:neutral 12:neutral,09:boredom 11:sadness,09:neutral 14:happiness,12:anger"
i=0
for p in $PAIRS; do
  cu=${p%,*}; op=${p#*,}; id=$(printf 'emo_%02d' "$i"); i=$((i + 1))
  [ -f "$EMO/$id.wav" ] || $PY scripts/emodb_call.py --customer "$cu" --operator "$op" --turns 5 \
    --truth "$EMO/$id.truth.json" "$EMO/$id.wav"
  [ -f "$EMO_MONO/$id.wav" ] || $PY scripts/emodb_call.py --mono --customer "$cu" --operator "$op" \
    --turns 5 "$EMO_MONO/$id.wav"
done
# The copy lives elsewhere: its relative model paths are made absolute.
sed -e 's/^roles = "auto"/roles = "first_speaker_customer"/' \
    -e "s|\"\\.\\./models/|\"$ROOT/models/|" pipelines/en-contact-center.toml \
  > "$WORK/first-speaker-customer.toml"
grep -q '^roles = "first_speaker_customer"' "$WORK/first-speaker-customer.toml"

run() { # label input [extra args]
  local label=$1 input=$2; shift 2
  rm -rf "$WORK/out-$label"
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time-$label" target/release/callqa run \
    --input "$input" --out "$WORK/out-$label" --language en --threads "$THREADS" \
    --summary-rows 0 "$@" > "$WORK/log-$label" 2>&1 || true
}
run stereo "$IN"
run mono "$MONO"
# CALLQA_BENCH_REPEAT=1: a second stereo/mono pair, to see the machine's noise.
LABELS="stereo mono"
if [ "${CALLQA_BENCH_REPEAT:-0}" = 1 ]; then
  run stereo2 "$IN"
  run mono2 "$MONO"
  LABELS="$LABELS stereo2 mono2"
fi
run emo-stereo "$EMO"
run emo-mono "$EMO_MONO" --pipeline "$WORK/first-speaker-customer.toml"

audio=$(soxi -D "$IN"/*.wav | awk '{s += $1} END {print s}')
echo
echo "Whole pipeline, $N calls, $audio s of audio, $THREADS threads (runs in this order):"
echo
echo "| run | wall s | CPU s (user + sys) | × real time | peak RSS |"
echo "|---|---|---|---|---|"
for label in $LABELS; do
  # The last line of /usr/bin/time's output (a failed run adds a line before it).
  read -r wall user sys rss < <(tail -n 1 "$WORK/time-$label")
  python3 -c "
w, c, a, r = $wall, $user + $sys, $audio, $rss
print(f'| $label | {w:.1f} | {c:.1f} | {a / w:.1f} | {r / 1024:.0f} MiB |')" || echo "| $label | failed: see $WORK/log-$label | | | |"
done
$PY benches/diarization.py "$IN" "$WORK/out-stereo" "$WORK/out-mono"
cp "$EMO"/*.truth.json "$EMO_MONO/"
$PY benches/diarization.py "$EMO" "$WORK/out-emo-stereo" "$WORK/out-emo-mono"
