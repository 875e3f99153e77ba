#!/usr/bin/env bash
# Acoustic features: cost per hour of audio of this checkout against a reference commit,
# back to back on the same windows (crates/callqa-emotion/examples/feature_cost.rs).
#
#   bash benches/feature_cost.sh [REF] [N_FILES]     (default: 37e252d, 60 EmoDB files)
#
# REF is checked out into a temporary git worktree and the example is built there with
# its own target folder (seeded from this one); both binaries then run alternately, three
# times each, on the same N_FILES EmoDB utterances resampled to 16 kHz and cut into the
# pipeline's 3 s windows. One thread. Prints seconds of CPU per hour of audio for
# `extract` (all features: what the acoustic stage runs per window) and `pitch_track`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
REF="${1:-37e252d}"
N="${2:-60}"
EMODB="${CALLQA_EMODB:-$ROOT/../shared/data/emodb}"
WORK="$ROOT/out/feature-cost"
mkdir -p "$WORK/wav16k"
mapfile -t files < <(ls "$EMODB/wav" | sort)
for f in "${files[@]:0:$N}"; do
  [ -f "$WORK/wav16k/$f" ] || sox -V1 "$EMODB/wav/$f" -D -b 16 -r 16000 "$WORK/wav16k/$f"
done
cargo build --release --quiet -p callqa-emotion --example feature_cost
cp target/release/examples/feature_cost "$WORK/feature_cost-head"
REFDIR="$WORK/ref-src"
if [ ! -d "$REFDIR" ]; then
  git worktree add --detach "$REFDIR" "$REF" >/dev/null
fi
(cd "$REFDIR" && git checkout --quiet --detach "$REF")
mkdir -p "$REFDIR/crates/callqa-emotion/examples"
cp crates/callqa-emotion/examples/feature_cost.rs "$REFDIR/crates/callqa-emotion/examples/"
[ -d "$WORK/ref-target" ] || cp -a target "$WORK/ref-target"
(cd "$REFDIR" && CARGO_TARGET_DIR="$WORK/ref-target" cargo build --release --quiet -p callqa-emotion --example feature_cost)
cp "$WORK/ref-target/release/examples/feature_cost" "$WORK/feature_cost-ref"
: > "$WORK/results"
for round in 1 2 3; do
  for which in ref head; do
    echo "$which $("$WORK/feature_cost-$which" "$WORK/wav16k" 1)" >> "$WORK/results"
  done
done
python3 - "$WORK/results" "$REF" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
print(f"reference = {sys.argv[2]}; one thread; min of 3 alternating runs")
print(f"{'build':6} {'feature set':14} {'windows':>7} {'audio s':>8} {'extract s/h':>12} {'pitch s/h':>10} {'extract x real time':>20}")
for which in ("ref", "head"):
    r = [x for x in rows if x[0] == which]
    fs, win, audio = r[0][1], int(r[0][2]), float(r[0][3])
    ex = min(float(x[4]) for x in r)
    pt = min(float(x[5]) for x in r)
    # the windows overlap (hop 1.5 s): cost per hour of *audio*, as the pipeline sees it
    print(f"{which:6} {fs:14} {win:>7} {audio:>8.1f} {ex / audio * 3600:>12.1f} {pt / audio * 3600:>10.1f} {audio / ex:>20.0f}")
PY
