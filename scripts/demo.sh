#!/usr/bin/env bash
# The callqa demo: set up, build, synthesise three short English calls with espeak-ng,
# run `callqa run` on them and show what came out.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
echo "[demo] building callqa (release)"
cargo build --release --quiet -p callqa-cli
DEMO="$ROOT/out/demo"
rm -rf "$DEMO"
mkdir -p "$DEMO/recordings"
for spec in scripts/demo/*.json; do
  name="$(basename "$spec" .json)"
  .cache/venv/bin/python scripts/synth_call.py "$spec" "$DEMO/recordings/$name.wav"
done
echo "[demo] synthesised $(ls "$DEMO/recordings" | wc -l) calls in $DEMO/recordings"
set +e
target/release/callqa run --input "$DEMO/recordings" --out "$DEMO/parquet" --language en \
  --dump-transcripts "$DEMO/transcripts"
code=$?
set -e
[ "$code" -eq 0 ] || [ "$code" -eq 3 ] || exit "$code"
echo
echo "[demo] the same data through DuckDB:"
.cache/venv/bin/python - "$DEMO/parquet" <<'PY'
import duckdb, sys
out = sys.argv[1]
print(duckdb.sql(f"""
  select call_id, call_date, round(duration_s,1) dur_s, long_pauses, customer_interruptions cust_intr,
         greeting, self_introduction intro, thanks, survey_offer
  from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true) order by call_id"""))
PY
echo "[demo] Parquet: $DEMO/parquet   transcripts: $DEMO/transcripts"
