#!/usr/bin/env bash
# Install a built callqa binary with its data into a prefix:
#
#   PREFIX/bin/callqa
#   PREFIX/share/callqa/models/       ggml-base.bin, silero_vad_16k_sequence.onnx (fetched by
#                                     setup.sh), emotion.*, arousal.* and the model cards,
#                                     CHECKSUMS.sha256
#   PREFIX/share/callqa/onnxruntime/  libonnxruntime.so (+ its versioned file)
#   PREFIX/share/callqa/ctranslate2/  libcallqa_ct2.so (the CTranslate2 engine's plug-in,
#                                     built by cargo) with libctranslate2 and its OpenMP,
#                                     and models/ct2-whisper-base: the default engine on CPU
#                                     (skipped, with a note, when the build has no plug-in)
#   PREFIX/share/callqa/pipelines/    the shipped pipeline files and their README
#
# The binary finds this data through its own location (<binary>/../share/callqa), so the
# prefix can be copied anywhere and run with no environment variables (`callqa doctor`
# checks it). Usually called by `scripts/setup.sh --prefix DIR`, which also builds.
#
#   bash scripts/install.sh --prefix DIR [--bin target/release/callqa]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=""
BIN="$ROOT/target/release/callqa"
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="${2:?--prefix needs a folder}"; shift 2 ;;
    --bin) BIN="${2:?--bin needs a file}"; shift 2 ;;
    *) echo "[install] unknown argument: $1 (use --prefix DIR [--bin FILE])" >&2; exit 2 ;;
  esac
done
[ -n "$PREFIX" ] || { echo "[install] --prefix DIR is required" >&2; exit 2; }
die() { printf '[install] error: %s\n' "$*" >&2; exit 1; }
[ -x "$BIN" ] || die "no binary at $BIN: build it first (cargo build --release -p callqa-cli)"
CACHE="$ROOT/.cache"
for f in "$CACHE/models/ggml-base.bin" "$CACHE/models/silero_vad_16k_sequence.onnx" \
         "$CACHE/onnxruntime/libonnxruntime.so"; do
  [ -e "$f" ] || die "$f is missing: run scripts/setup.sh first"
done
SHARE="$PREFIX/share/callqa"
mkdir -p "$PREFIX/bin" "$SHARE/models" "$SHARE/onnxruntime" "$SHARE/pipelines"
install -m 0755 "$BIN" "$PREFIX/bin/callqa"
# Models: fetched ones from .cache, shipped ones (ONNX, specs, cards) from models/.
cp -f "$CACHE/models/ggml-base.bin" "$CACHE/models/silero_vad_16k_sequence.onnx" "$SHARE/models/"
find "$CACHE/models" -maxdepth 1 -type f -name '*.onnx' -exec cp -f {} "$SHARE/models/" \;
cp -f "$ROOT"/models/*.onnx "$ROOT"/models/*.json "$ROOT"/models/*.md \
      "$ROOT/models/CHECKSUMS.sha256" "$SHARE/models/"
# ONNX Runtime: the versioned library and the unversioned link the binary loads.
real="$(readlink -f "$CACHE/onnxruntime/libonnxruntime.so")"
cp -f "$real" "$SHARE/onnxruntime/"
ln -sfn "$(basename "$real")" "$SHARE/onnxruntime/libonnxruntime.so"
cp -f "$ROOT"/pipelines/*.toml "$ROOT/pipelines/README.md" "$SHARE/pipelines/"
# The CTranslate2 engine: the plug-in the build made (the newest, if several builds left
# one), the libraries it loads (found beside it through its $ORIGIN run path), the model.
plugin="$(ls -t "$ROOT"/target/release/build/callqa-asr-*/out/libcallqa_ct2.so 2>/dev/null | head -n 1 || true)"
if [ -n "$plugin" ] && [ -d "$CACHE/models/ct2-whisper-base" ]; then
  mkdir -p "$SHARE/ctranslate2" "$SHARE/models/ct2-whisper-base"
  cp -f "$plugin" "$SHARE/ctranslate2/"
  find "$CACHE/ctranslate2" -maxdepth 1 -type f -name 'lib*.so*' -exec cp -f {} "$SHARE/ctranslate2/" \;
  cp -f "$CACHE/models/ct2-whisper-base"/* "$SHARE/models/ct2-whisper-base/"
else
  echo "[install] note: no CTranslate2 plug-in or model (run scripts/setup.sh, then cargo build): the installed callqa runs whisper.cpp"
fi
echo "[install] callqa installed in $PREFIX (run $PREFIX/bin/callqa doctor to check it)"
