#!/usr/bin/env bash
# Head to head: callqa's whole pipeline against faster-whisper's transcription alone, on the
# same synthetic calls, the same Whisper base weights and the same number of threads.
#
#   bash benches/vs_faster_whisper.sh [N ...]        (default: 20)
#
# For each N it generates N stereo 8 kHz µ-law calls (benches/gen_calls.py, seeded; reused
# if already there) and runs, one after the other:
#   callqa              target/release/callqa run (decode, resample, Silero VAD, Whisper
#                       on speech only, acoustic stage, rules, features, Parquet)
#   faster-whisper      benches/fw_transcribe.py: the CTranslate2 model that
#                       scripts/setup.sh fetched (the one callqa's ggml is converted from),
#                       each channel of each call, greedy, language en, no VAD,
#                       compute_type int8 and float32; optionally int8 + vad_filter
# and prints a markdown table: wall time, real-time factor, × real time, CPU time (user +
# sys), peak RSS (/usr/bin/time), word error rate against the synthesis truth
# (benches/wer.py; "by turn" also counts words put in the wrong utterance), and the ratios faster-whisper ÷ callqa of wall and CPU time. On a
# machine busy with other work the CPU-time ratio is the steadier of the two.
#
# faster-whisper is installed from PyPI into its own venv, .cache/venv-bench.
#
# Environment:
#   CALLQA_BENCH_THREADS   threads for both systems (default: all cores)
#   CALLQA_BENCH_LANG      en (default) or ru: the calls' language (gen_calls.py --lang: espeak-ng
#                          English or Festival Russian), given to both systems; the calls
#                          go to out/bench/calls-ru-N and the runs to out/bench/vs-fw-ru-N
#   CALLQA_BENCH_PIPELINE  callqa pipeline file (default pipelines/<lang>-contact-center.toml)
#   CALLQA_BENCH_MODEL     callqa --model (default: callqa's default, .cache/models/ggml-base.bin)
#   CALLQA_BENCH_BIN       a callqa binary to use instead of building target/release/callqa
#   CALLQA_BENCH_Q8        1 adds a callqa row with a q8_0 model, .cache/models/ggml-base-q8_0.bin
#                          (made by scripts/ct2_to_ggml.py --quant q8_0 when missing; default 0)
#   CALLQA_BENCH_NODTW     1 (default) adds a callqa row with `[asr] dtw` flipped (a copy of the
#                          pipeline in out/bench/): `dtw = true` for the shipped packs; 0 skips it
#   CALLQA_BENCH_FW_VAD    1 (default) adds a faster-whisper int8 + vad_filter row; 0 skips it
#   CALLQA_BENCH_FW_FP32   1 (default) runs faster-whisper float32; 0 skips it
#   CALLQA_BENCH_FW_BATCH  batch size of the faster-whisper BatchedInferencePipeline row (int8,
#                          its VAD; the reference of issue 21; default 8); 0 skips it
#   CALLQA_BENCH_CT2       1 adds a callqa row with `--engine ct2` (CTranslate2, batched across
#                          channels; the binary must be built with --features ct2: without
#                          CALLQA_BENCH_BIN the script builds it so); default 0
#   CALLQA_BENCH_CT2_ARGS  extra callqa arguments for that row (e.g. "--asr-workers 1")
#   CALLQA_BENCH_WCPP      1 adds a callqa row with `--engine whisper-cpp` (the engine of GPU
#                          builds and of CPU builds without the CTranslate2 plug-in); default 0
#   CALLQA_BENCH_FW_INT8   1 (default) runs faster-whisper int8 without VAD; 0 skips it
#   CALLQA_BENCH_REPEAT    R rounds (default 1): every row runs once per round, the rows in
#                          the same order each round (interleaved, so that a slow phase of
#                          the machine hits all of them); the table gives each row's median
#                          wall and CPU time and the range of its wall times
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

die() { printf 'vs_faster_whisper: error: %s\n' "$*" >&2; exit 1; }
log() { printf '[vs_faster_whisper] %s\n' "$*" >&2; }

FW_VERSION="1.2.1"
CT2_VERSION="4.8.5"
THREADS="${CALLQA_BENCH_THREADS:-$(nproc)}"
LANG_="${CALLQA_BENCH_LANG:-en}"
case "$LANG_" in en|ru) ;; *) die "CALLQA_BENCH_LANG must be en or ru, not $LANG_" ;; esac
PIPELINE="${CALLQA_BENCH_PIPELINE:-pipelines/$LANG_-contact-center.toml}"
FW_VAD="${CALLQA_BENCH_FW_VAD:-1}"
FW_FP32="${CALLQA_BENCH_FW_FP32:-1}"
Q8="${CALLQA_BENCH_Q8:-0}"
NODTW="${CALLQA_BENCH_NODTW:-1}"
FW_BATCH="${CALLQA_BENCH_FW_BATCH:-8}"
CT2="${CALLQA_BENCH_CT2:-0}"
WCPP="${CALLQA_BENCH_WCPP:-0}"
FW_INT8="${CALLQA_BENCH_FW_INT8:-1}"
REPEAT="${CALLQA_BENCH_REPEAT:-1}"
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "CALLQA_BENCH_REPEAT must be a positive integer, got '$REPEAT'"
read -r -a CT2_ARGS <<< "${CALLQA_BENCH_CT2_ARGS:-}"
CT2_DIR="$ROOT/.cache/models/ct2-whisper-base"
VENV="$ROOT/.cache/venv-bench"
WORK="$ROOT/out/bench"
[ $# -gt 0 ] || set -- 20
for n in "$@"; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$n'"; done
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"
command -v soxi >/dev/null || die "soxi not found (apt-get install sox)"

bash scripts/setup.sh >/dev/null
for f in model.bin config.json tokenizer.json; do
  [ -f "$CT2_DIR/$f" ] || die "$CT2_DIR/$f not found: scripts/setup.sh should have fetched it"
done

if [ -n "${CALLQA_BENCH_BIN:-}" ]; then
  CALLQA="$CALLQA_BENCH_BIN"
else
  FEATURES=()
  [ "$CT2" = 1 ] && FEATURES=(--features ct2)
  cargo build --release --quiet -p callqa-cli "${FEATURES[@]}" || die "cargo build --release -p callqa-cli failed"
  CALLQA="${CARGO_TARGET_DIR:-$ROOT/target}/release/callqa"
fi
[ -x "$CALLQA" ] || die "callqa binary $CALLQA not found or not executable"
MODEL_ARGS=()
[ -z "${CALLQA_BENCH_MODEL:-}" ] || MODEL_ARGS=(--model "$CALLQA_BENCH_MODEL")

if ! "$VENV/bin/python" -c "import faster_whisper, ctranslate2" 2>/dev/null; then
  log "installing faster-whisper==$FW_VERSION (ctranslate2==$CT2_VERSION) into .cache/venv-bench"
  python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install python3-venv)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
    "faster-whisper==$FW_VERSION" "ctranslate2==$CT2_VERSION" \
    || die "pip install faster-whisper==$FW_VERSION failed: is PyPI reachable?"
fi
PY="$ROOT/.cache/venv/bin/python"

fw_version=$("$VENV/bin/python" -c "import faster_whisper, ctranslate2; print(faster_whisper.__version__, ctranslate2.__version__)")
log "callqa: $CALLQA, pipeline $PIPELINE${CALLQA_BENCH_MODEL:+, model $CALLQA_BENCH_MODEL}"
log "faster-whisper / ctranslate2: $fw_version; model $CT2_DIR; threads $THREADS"

# timed LABEL CMD...: run CMD under /usr/bin/time; leaves "wall_s max_rss_kib user_s sys_s"
# in $RUN/time-LABEL.
timed() {
  local label="$1"; shift
  log "N=$N: $label"
  local t="$RUN/time-$label.$ROUND"
  if ! /usr/bin/time -f '%e %M %U %S' -o "$t" "$@" > "$RUN/log-$label" 2>&1; then
    # callqa exits 3 when some calls became errors/ rows: still a valid timing.
    tail -n 5 "$RUN/log-$label" >&2
    grep -q "Command exited with non-zero status 3" "$t" \
      || die "$label failed (log: $RUN/log-$label)"
  fi
  # GNU time prepends a "Command exited ..." line on a non-zero status: keep the last line.
  tail -n 1 "$t" > "$t.tmp" && mv "$t.tmp" "$t"
}

for N in "$@"; do
  SUFFIX="$N"
  [ "$LANG_" = en ] || SUFFIX="$LANG_-$N"
  IN="$WORK/calls-$SUFFIX"
  RUN="$WORK/vs-fw-$SUFFIX"
  rm -rf "$RUN"; mkdir -p "$RUN"
  "$PY" benches/gen_calls.py "$N" "$IN" --lang "$LANG_" >/dev/null
  audio=$(soxi -D "$IN"/*.wav | awk '{s += $1} END {print s}')

  for ((ROUND = 1; ROUND <= REPEAT; ROUND++)); do
  [ "$REPEAT" = 1 ] || log "N=$N: round $ROUND of $REPEAT"
  labels=(callqa)
  rm -rf "$RUN/callqa-out"
  timed callqa "$CALLQA" run --input "$IN" --out "$RUN/callqa-out" --language "$LANG_" \
    --threads "$THREADS" --summary-rows 0 --pipeline "$PIPELINE" "${MODEL_ARGS[@]}" \
    --dump-transcripts "$RUN/tr-callqa"
  if [ "$Q8" = 1 ]; then
    labels+=(callqa-q8)
    if [ ! -f .cache/models/ggml-base-q8_0.bin ]; then
      "$PY" scripts/ct2_to_ggml.py --ct2-dir "$CT2_DIR" --quant q8_0 --out .cache/models/ggml-base-q8_0.bin.tmp >&2 \
        || die "converting the q8_0 model failed"
      mv .cache/models/ggml-base-q8_0.bin.tmp .cache/models/ggml-base-q8_0.bin
    fi
    rm -rf "$RUN/callqa-q8-out"
    timed callqa-q8 "$CALLQA" run --input "$IN" --out "$RUN/callqa-q8-out" --language "$LANG_" \
      --threads "$THREADS" --summary-rows 0 --pipeline "$PIPELINE" --model .cache/models/ggml-base-q8_0.bin \
      --dump-transcripts "$RUN/tr-callqa-q8"
  fi
  if [ "$NODTW" = 1 ]; then
    # The copy lives outside pipelines/, so its relative model paths are made absolute.
    mkdir -p "$WORK/pipelines"
    if grep -q '^dtw = true' "$PIPELINE"; then flip=(true false nodtw); else flip=(false true dtw); fi
    label="callqa-${flip[2]}"
    labels+=("$label")
    alt="$WORK/pipelines/$(basename "${PIPELINE%.toml}")-${flip[2]}.toml"
    sed -e "s/^dtw = ${flip[0]}/dtw = ${flip[1]}/" -e "s#\"\.\./models/#\"$ROOT/models/#" "$PIPELINE" > "$alt"
    grep -q "^dtw = ${flip[1]}" "$alt" || die "$PIPELINE has no 'dtw = ${flip[0]}' line to flip"
    rm -rf "$RUN/$label-out"
    timed "$label" "$CALLQA" run --input "$IN" --out "$RUN/$label-out" --language "$LANG_" \
      --threads "$THREADS" --summary-rows 0 --pipeline "$alt" "${MODEL_ARGS[@]}" \
      --dump-transcripts "$RUN/tr-$label"
  fi
  if [ "$CT2" = 1 ]; then
    labels+=(callqa-ct2)
    rm -rf "$RUN/callqa-ct2-out"
    timed callqa-ct2 "$CALLQA" run --input "$IN" --out "$RUN/callqa-ct2-out" --language "$LANG_" \
      --threads "$THREADS" --summary-rows 0 --pipeline "$PIPELINE" --engine ct2 "${CT2_ARGS[@]}" \
      --dump-transcripts "$RUN/tr-callqa-ct2"
  fi
  if [ "$WCPP" = 1 ]; then
    labels+=(callqa-wcpp)
    rm -rf "$RUN/callqa-wcpp-out"
    timed callqa-wcpp "$CALLQA" run --input "$IN" --out "$RUN/callqa-wcpp-out" --language "$LANG_" \
      --threads "$THREADS" --summary-rows 0 --pipeline "$PIPELINE" --engine whisper-cpp \
      --dump-transcripts "$RUN/tr-callqa-wcpp"
  fi
  if [ "$FW_BATCH" -gt 0 ]; then
    labels+=(fw-batched)
    timed fw-batched "$VENV/bin/python" benches/fw_transcribe.py "$CT2_DIR" "$IN" "$RUN/tr-fw-batched" \
      --compute-type int8 --threads "$THREADS" --batched "$FW_BATCH" --language "$LANG_"
  fi
  if [ "$FW_INT8" = 1 ]; then
    labels+=(fw-int8)
    timed fw-int8 "$VENV/bin/python" benches/fw_transcribe.py "$CT2_DIR" "$IN" "$RUN/tr-fw-int8" \
      --compute-type int8 --threads "$THREADS" --language "$LANG_"
  fi
  if [ "$FW_FP32" = 1 ]; then
    labels+=(fw-fp32)
    timed fw-fp32 "$VENV/bin/python" benches/fw_transcribe.py "$CT2_DIR" "$IN" "$RUN/tr-fw-fp32" \
      --compute-type float32 --threads "$THREADS" --language "$LANG_"
  fi
  if [ "$FW_VAD" = 1 ]; then
    labels+=(fw-int8-vad)
    timed fw-int8-vad "$VENV/bin/python" benches/fw_transcribe.py "$CT2_DIR" "$IN" "$RUN/tr-fw-int8-vad" \
      --compute-type int8 --threads "$THREADS" --vad --language "$LANG_"
  fi
  done

  for l in "${labels[@]}"; do
    "$PY" benches/wer.py "$IN" "$RUN/tr-$l" | cut -d' ' -f2 > "$RUN/wer-$l"
    "$PY" benches/wer.py "$IN" "$RUN/tr-$l" --by-turn | cut -d' ' -f2 > "$RUN/turnwer-$l"
    "$PY" benches/wer.py "$IN" "$RUN/tr-$l" --by-channel | awk '{print $4 " / " $6}' > "$RUN/chwer-$l"
  done

  "$PY" - "$RUN" "$N" "$audio" "$THREADS" "$REPEAT" "${labels[@]}" <<'PYEOF' | tee "$RUN/table.md"
import statistics, sys
from pathlib import Path
run, n, audio, threads = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
rounds, labels = int(sys.argv[5]), sys.argv[6:]
names = {"callqa": "callqa, whole pipeline",
         "callqa-q8": "callqa, whole pipeline, q8_0 model",
         "callqa-nodtw": "callqa, whole pipeline, dtw = false",
         "callqa-dtw": "callqa, whole pipeline, dtw = true",
         "callqa-ct2": "callqa, whole pipeline, --engine ct2",
         "callqa-wcpp": "callqa, whole pipeline, --engine whisper-cpp",
         "fw-batched": "faster-whisper BatchedInferencePipeline int8 (reference)",
         "fw-int8": "faster-whisper int8, transcription",
         "fw-fp32": "faster-whisper fp32, transcription",
         "fw-int8-vad": "faster-whisper int8 + vad_filter"}
res, walls = {}, {}
for l in labels:
    t = [(run / f"time-{l}.{r}").read_text().split() for r in range(1, rounds + 1)]
    walls[l] = [float(x[0]) for x in t]
    res[l] = (statistics.median(walls[l]), max(int(x[1]) for x in t),
              statistics.median(float(x[2]) + float(x[3]) for x in t),
              (run / f"wer-{l}").read_text().strip(), (run / f"turnwer-{l}").read_text().strip(),
              (run / f"chwer-{l}").read_text().strip())
base_wall, base_cpu = res["callqa"][0], res["callqa"][2]
# The reference of each ratio column: the batched pipeline when it ran (issue 21), else
# callqa's default row; ratios are reference ÷ row for callqa rows, row ÷ callqa for fw rows.
ref = res.get("fw-batched")
print(f"\nN = {n} calls, {audio:.1f} s of stereo audio, {threads} threads"
      + (f"; median of {rounds} interleaved rounds (wall range in brackets)" if rounds > 1 else "") + "\n")
print("| system | N | audio s | wall s | RTF | × real time | CPU s | peak RSS | WER % "
      "| WER operator / customer % | WER by turn % | ratio wall (fw ÷ callqa) | ratio CPU |"
      + (" speed-up over batched fw (wall / CPU) |" if ref else ""))
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if ref else ""))
for l in labels:
    wall, rss, cpu, wer, turnwer, chwer = res[l]
    rw = "—" if l.startswith("callqa") else f"{wall / base_wall:.2f}"
    rc = "—" if l.startswith("callqa") else f"{cpu / base_cpu:.2f}"
    extra = f" {ref[0] / wall:.2f} / {ref[2] / cpu:.2f} |" if ref else ""
    spread = f" ({min(walls[l]):.1f}–{max(walls[l]):.1f})" if rounds > 1 else ""
    print(f"| {names[l]} | {n} | {audio:.1f} | {wall:.1f}{spread} | {wall / audio:.4f} | {audio / wall:.1f} "
          f"| {cpu:.1f} | {rss / 1024:.0f} MiB | {wer} | {chwer} | {turnwer} | {rw} | {rc} |{extra}")
PYEOF
done
