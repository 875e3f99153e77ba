#!/usr/bin/env python3
"""Convert a CTranslate2 Whisper model (model.bin format v6) to a whisper.cpp ggml file.

Usage:
    python3 scripts/ct2_to_ggml.py --ct2-dir .cache/models/ct2-whisper-base \
        --out .cache/models/ggml-base.bin

Needs only Python 3 and numpy. The output is deterministic (fixed tensor order, no
timestamps), so a setup script can checksum it.

What the script does:
  * parses CTranslate2's binary model file (header, named tensors with dtype and shape,
    aliases);
  * renames the tensors to the names of OpenAI's PyTorch checkpoint, which is what
    whisper.cpp's loader looks up; splits the fused projections (self-attention
    Q|K|V, cross-attention K|V) and drops the key bias (whisper.cpp has none; a bias on
    the keys adds the same value to every attention logit of a query, so dropping it does
    not change the softmax);
  * writes whisper.cpp's hparams, an 80x201 Slaney mel filterbank (CTranslate2 has none;
    computed here the way librosa.filters.mel(sr=16000, n_fft=400, n_mels=80) does), the
    byte-level BPE vocabulary (ids 0..50256 from tokenizer.json; whisper.cpp adds the
    special tokens itself) and the tensors: 2-D and conv weights as f16, 1-D tensors,
    conv biases and positional embeddings as f32, like whisper.cpp's own converter.

With `--quant q8_0` the 2-D weight matrices (attention, MLP and the token embedding:
the tensors whisper.cpp creates with the model's weight type) are stored in ggml's
Q8_0 format instead of f16, like whisper.cpp's `quantize` tool does: blocks of 32
values along a row, each an f16 scale d = max|x| / 127 followed by 32 int8
q = round(x / d). Conv weights stay f16, 1-D tensors f32, and the header's ftype
becomes 7 (mostly Q8_0) + 1000 x the quantization version (2).
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
from pathlib import Path

try:
    import numpy as np
except ImportError:  # pragma: no cover
    sys.exit("ct2_to_ggml: error: numpy is required (use .cache/venv/bin/python or pip install numpy)")

GGML_MAGIC = 0x67676D6C  # "ggml"
GGML_TYPE_F32, GGML_TYPE_F16, GGML_TYPE_Q8_0 = 0, 1, 8
GGML_FTYPE_MOSTLY_F16, GGML_FTYPE_MOSTLY_Q8_0 = 1, 7
GGML_QNT_VERSION, GGML_QNT_VERSION_FACTOR = 2, 1000
QK8_0 = 32
CT2_SUPPORTED_VERSIONS = (5, 6)

# CTranslate2 DataType enum (include/ctranslate2/types.h).
CT2_DTYPES = {
    0: np.dtype("<f4"),  # FLOAT32
    1: np.dtype("i1"),  # INT8
    2: np.dtype("<i2"),  # INT16
    3: np.dtype("<i4"),  # INT32
    4: np.dtype("<f2"),  # FLOAT16
    # 5 = BFLOAT16: handled separately (numpy has no bfloat16).
}


class ConversionError(Exception):
    """A clear, user-facing reason why the input cannot be converted."""


# --------------------------------------------------------------------------------------
# CTranslate2 model.bin reader
# --------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes, path: Path):
        self.data = data
        self.pos = 0
        self.path = path

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ConversionError(
                f"{self.path}: truncated or not a CTranslate2 model "
                f"(wanted {n} bytes at offset {self.pos}, file has {len(self.data)})"
            )
        b = self.data[self.pos : self.pos + n]
        self.pos += n
        return b

    def unpack(self, fmt: str):
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def string(self) -> str:
        (n,) = self.unpack("H")
        raw = self.take(n)
        if not raw.endswith(b"\0"):
            raise ConversionError(f"{self.path}: malformed string at offset {self.pos - n}")
        try:
            return raw[:-1].decode("utf-8")
        except UnicodeDecodeError as e:
            raise ConversionError(f"{self.path}: malformed string: {e}") from None


def read_ct2_model(path: Path) -> tuple[str, dict[str, np.ndarray]]:
    """Return (spec name, {name: array}) with aliases resolved."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ConversionError(f"cannot read {path}: {e}") from None
    if len(data) < 8:
        raise ConversionError(f"{path}: too small to be a CTranslate2 model ({len(data)} bytes)")
    r = _Reader(data, path)
    (version,) = r.unpack("I")
    if version not in CT2_SUPPORTED_VERSIONS:
        raise ConversionError(
            f"{path}: not a CTranslate2 model.bin of a supported version "
            f"(header says version {version}; supported: {CT2_SUPPORTED_VERSIONS})"
        )
    spec = r.string()
    (_revision,) = r.unpack("I")
    (count,) = r.unpack("I")
    if count > 100_000:
        raise ConversionError(f"{path}: implausible tensor count {count}")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(count):
        name = r.string()
        (rank,) = r.unpack("B")
        shape = r.unpack(f"{rank}I") if rank else ()
        (dtype_id,) = r.unpack("B")
        (nbytes,) = r.unpack("I")
        raw = r.take(nbytes)
        if dtype_id == 5:  # bfloat16 -> float32
            u16 = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            arr = u16.view(np.float32)
        elif dtype_id in CT2_DTYPES:
            arr = np.frombuffer(raw, dtype=CT2_DTYPES[dtype_id])
        else:
            raise ConversionError(f"{path}: tensor {name!r} has unknown dtype id {dtype_id}")
        expected = int(np.prod(shape)) if rank else 1
        if arr.size != expected:
            raise ConversionError(
                f"{path}: tensor {name!r} has {arr.size} values, shape {shape} needs {expected}"
            )
        tensors[name] = arr.reshape(shape) if rank else arr.reshape(())
    (n_alias,) = r.unpack("I")
    for _ in range(n_alias):
        alias = r.string()
        target = r.string()
        if target not in tensors:
            raise ConversionError(f"{path}: alias {alias!r} points to missing {target!r}")
        tensors[alias] = tensors[target]
    if r.pos != len(data):
        raise ConversionError(
            f"{path}: {len(data) - r.pos} unexpected trailing bytes after the aliases"
        )
    return spec, tensors


# --------------------------------------------------------------------------------------
# Mel filterbank (Slaney scale and norm, like librosa.filters.mel defaults)
# --------------------------------------------------------------------------------------

_F_SP = 200.0 / 3.0
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOGSTEP = np.log(6.4) / 27.0


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    f = np.asarray(f, dtype=np.float64)
    mel = f / _F_SP
    log_region = f >= _MIN_LOG_HZ
    mel = np.where(
        log_region, _MIN_LOG_MEL + np.log(np.maximum(f, 1e-10) / _MIN_LOG_HZ) / _LOGSTEP, mel
    )
    return mel


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    f = _F_SP * m
    log_region = m >= _MIN_LOG_MEL
    return np.where(log_region, _MIN_LOG_HZ * np.exp(_LOGSTEP * (m - _MIN_LOG_MEL)), f)


def mel_filterbank(sr: int = 16000, n_fft: int = 400, n_mels: int = 80) -> np.ndarray:
    """Triangular Slaney-normalised filters, shape (n_mels, n_fft // 2 + 1), float32."""
    n_freq = n_fft // 2 + 1
    fft_freqs = np.linspace(0.0, sr / 2.0, n_freq)
    mel_pts = np.linspace(_hz_to_mel(0.0), _hz_to_mel(sr / 2.0), n_mels + 2)
    hz_pts = _mel_to_hz(mel_pts)
    fdiff = np.diff(hz_pts)
    ramps = hz_pts[:, None] - fft_freqs[None, :]
    weights = np.zeros((n_mels, n_freq), dtype=np.float64)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0.0, np.minimum(lower, upper))
    enorm = 2.0 / (hz_pts[2 : n_mels + 2] - hz_pts[:n_mels])
    weights *= enorm[:, None]
    return (weights + 0.0).astype(np.float32)  # + 0.0 turns -0.0 into 0.0


# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------


def _gpt2_unicode_to_byte() -> dict[str, int]:
    """Inverse of GPT-2's bytes_to_unicode table."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("\u00a1"), ord("\u00ac") + 1))
        + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    )
    byte_vals = list(printable)
    code_points = list(printable)
    extra = 0
    for b in range(256):
        if b not in printable:
            byte_vals.append(b)
            code_points.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(byte_vals, code_points)}


def read_vocab(tokenizer_json: Path, n_tokens: int = 50257) -> list[bytes]:
    """Byte strings of token ids 0..n_tokens-1."""
    try:
        tok = json.loads(tokenizer_json.read_text(encoding="utf-8"))
        vocab = tok["model"]["vocab"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ConversionError(f"{tokenizer_json}: not a usable tokenizer.json ({e})") from None
    by_id: dict[int, str] = {}
    for token, idx in vocab.items():
        by_id[int(idx)] = token
    u2b = _gpt2_unicode_to_byte()
    out = []
    for i in range(n_tokens):
        if i not in by_id:
            raise ConversionError(f"{tokenizer_json}: token id {i} missing from the vocab")
        try:
            out.append(bytes(u2b[ch] for ch in by_id[i]))
        except KeyError as e:
            raise ConversionError(
                f"{tokenizer_json}: token {i} {by_id[i]!r} is not byte-level BPE ({e})"
            ) from None
    return out


# --------------------------------------------------------------------------------------
# Name mapping
# --------------------------------------------------------------------------------------


def _get(t: dict[str, np.ndarray], name: str) -> np.ndarray:
    if name not in t:
        raise ConversionError(f"model.bin has no tensor {name!r}: not a CTranslate2 Whisper model?")
    return t[name]


def _split(arr: np.ndarray, parts: int, name: str) -> list[np.ndarray]:
    if arr.shape[0] % parts:
        raise ConversionError(f"cannot split {name} of shape {arr.shape} into {parts} parts")
    return np.split(arr, parts, axis=0)


def _count_layers(t: dict[str, np.ndarray], prefix: str) -> int:
    n = 0
    while f"{prefix}/layer_{n}/ffn/linear_0/weight" in t:
        n += 1
    return n


def map_tensors(t: dict[str, np.ndarray]) -> list[tuple[str, np.ndarray]]:
    """Return whisper.cpp-named tensors in a fixed order."""
    out: list[tuple[str, np.ndarray]] = []

    def add(name: str, arr: np.ndarray) -> None:
        out.append((name, arr))

    def ln(dst: str, src: str) -> None:
        add(f"{dst}.weight", _get(t, f"{src}/gamma"))
        add(f"{dst}.bias", _get(t, f"{src}/beta"))

    def lin(dst: str, src: str) -> None:
        add(f"{dst}.weight", _get(t, f"{src}/weight"))
        add(f"{dst}.bias", _get(t, f"{src}/bias"))

    def self_attn(dst: str, src: str) -> None:
        w = _split(_get(t, f"{src}/linear_0/weight"), 3, f"{src}/linear_0/weight")
        b = _split(_get(t, f"{src}/linear_0/bias"), 3, f"{src}/linear_0/bias")
        add(f"{dst}.query.weight", w[0])
        add(f"{dst}.query.bias", b[0])
        add(f"{dst}.key.weight", w[1])  # key bias dropped (whisper.cpp has none)
        add(f"{dst}.value.weight", w[2])
        add(f"{dst}.value.bias", b[2])
        lin(f"{dst}.out", f"{src}/linear_1")

    def cross_attn(dst: str, src: str) -> None:
        lin(f"{dst}.query", f"{src}/linear_0")
        w = _split(_get(t, f"{src}/linear_1/weight"), 2, f"{src}/linear_1/weight")
        b = _split(_get(t, f"{src}/linear_1/bias"), 2, f"{src}/linear_1/bias")
        add(f"{dst}.key.weight", w[0])  # key bias dropped
        add(f"{dst}.value.weight", w[1])
        add(f"{dst}.value.bias", b[1])
        lin(f"{dst}.out", f"{src}/linear_2")

    def mlp(dst: str, src: str) -> None:
        lin(f"{dst}.mlp.0", f"{src}/linear_0")
        lin(f"{dst}.mlp.2", f"{src}/linear_1")
        ln(f"{dst}.mlp_ln", f"{src}/layer_norm")

    # Encoder.
    for i in (1, 2):
        add(f"encoder.conv{i}.weight", _get(t, f"encoder/conv{i}/weight"))
        # whisper.cpp (like its PyTorch converter) expects conv biases as [n_state, 1].
        b = _get(t, f"encoder/conv{i}/bias")
        add(f"encoder.conv{i}.bias", b.reshape(b.shape[0], 1))
    add("encoder.positional_embedding", _get(t, "encoder/position_encodings/encodings"))
    for i in range(_count_layers(t, "encoder")):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        self_attn(f"{dst}.attn", f"{src}/self_attention")
        ln(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        mlp(dst, f"{src}/ffn")
    ln("encoder.ln_post", "encoder/layer_norm")

    # Decoder.
    add("decoder.token_embedding.weight", _get(t, "decoder/embeddings/weight"))
    add("decoder.positional_embedding", _get(t, "decoder/position_encodings/encodings"))
    for i in range(_count_layers(t, "decoder")):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        self_attn(f"{dst}.attn", f"{src}/self_attention")
        ln(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        cross_attn(f"{dst}.cross_attn", f"{src}/attention")
        ln(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
        mlp(dst, f"{src}/ffn")
    ln("decoder.ln", "decoder/layer_norm")

    proj = t.get("decoder/projection/weight")
    if proj is not None and proj is not t["decoder/embeddings/weight"]:
        if proj.shape != t["decoder/embeddings/weight"].shape or not np.array_equal(
            proj, t["decoder/embeddings/weight"]
        ):
            raise ConversionError(
                "decoder/projection/weight differs from the token embedding; "
                "whisper.cpp ties them, so this model cannot be converted"
            )
    return out


def _f32_tensor(name: str, arr: np.ndarray) -> bool:
    return (
        arr.ndim < 2
        or name in ("encoder.conv1.bias", "encoder.conv2.bias")
        or name.endswith("positional_embedding")
    )


def quantize_q8_0(arr: np.ndarray) -> bytes:
    """ggml Q8_0 blocks of a 2-D array, row-major (blocks run along the last axis, ggml's
    ne[0]): per 32 values an f16 scale d = max|x| / 127 and 32 int8 round(x / d),
    rounding halves away from zero, computed in float32 like ggml's reference
    quantize_row_q8_0_ref."""
    x = np.ascontiguousarray(arr, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] % QK8_0:
        raise ConversionError(f"cannot quantize a tensor of shape {x.shape} to q8_0")
    blocks = x.reshape(-1, QK8_0)
    d = (np.abs(blocks).max(axis=1) / np.float32(127.0)).astype(np.float32)
    with np.errstate(divide="ignore"):
        inv = np.where(d > 0, np.float32(1.0) / d, np.float32(0.0)).astype(np.float32)
    scaled = blocks * inv[:, None]
    q = (np.sign(scaled) * np.floor(np.abs(scaled) + np.float32(0.5))).astype(np.int8)
    out = np.empty(len(blocks), dtype=[("d", "<f2"), ("qs", "i1", QK8_0)])
    out["d"] = d.astype("<f2")
    out["qs"] = q
    return out.tobytes()


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def convert(ct2_dir: Path, out_path: Path, quant: str = "f16") -> tuple[int, int]:
    model_bin = ct2_dir / "model.bin"
    tokenizer_json = ct2_dir / "tokenizer.json"
    for p in (model_bin, tokenizer_json):
        if not p.is_file():
            raise ConversionError(f"{p} not found (expected a CTranslate2 Whisper model directory)")
    spec, t = read_ct2_model(model_bin)
    if spec != "WhisperSpec":
        raise ConversionError(f"{model_bin}: model spec is {spec!r}, expected 'WhisperSpec'")

    tok_emb = _get(t, "decoder/embeddings/weight")
    enc_pe = _get(t, "encoder/position_encodings/encodings")
    dec_pe = _get(t, "decoder/position_encodings/encodings")
    conv1 = _get(t, "encoder/conv1/weight")
    hparams = [
        tok_emb.shape[0],  # n_vocab
        enc_pe.shape[0],  # n_audio_ctx
        enc_pe.shape[1],  # n_audio_state
        int(_get(t, "encoder/num_heads")),  # n_audio_head
        _count_layers(t, "encoder"),  # n_audio_layer
        dec_pe.shape[0],  # n_text_ctx
        dec_pe.shape[1],  # n_text_state
        int(_get(t, "decoder/num_heads")),  # n_text_head
        _count_layers(t, "decoder"),  # n_text_layer
        conv1.shape[1],  # n_mels
        GGML_FTYPE_MOSTLY_F16,  # ftype (q8_0: set below)
    ]
    if quant == "q8_0":
        hparams[10] = GGML_FTYPE_MOSTLY_Q8_0 + GGML_QNT_VERSION * GGML_QNT_VERSION_FACTOR
    elif quant != "f16":
        raise ConversionError(f"unknown --quant {quant!r} (f16 or q8_0)")
    n_mels = hparams[9]
    if n_mels not in (80, 128):
        raise ConversionError(f"{model_bin}: unexpected n_mels {n_mels}")

    tensors = map_tensors(t)
    vocab = read_vocab(tokenizer_json)
    filters = mel_filterbank(16000, 400, n_mels)

    tmp = out_path.with_name(out_path.name + ".tmp")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(tmp, "wb") as f:
        f.write(struct.pack("<i", GGML_MAGIC))
        f.write(struct.pack("<11i", *hparams))
        f.write(struct.pack("<ii", *filters.shape))
        f.write(filters.astype("<f4").tobytes())
        f.write(struct.pack("<i", len(vocab)))
        for tok in vocab:
            f.write(struct.pack("<i", len(tok)))
            f.write(tok)
        for name, arr in tensors:
            if _f32_tensor(name, arr):
                raw, ftype = np.ascontiguousarray(arr, dtype="<f4").tobytes(), GGML_TYPE_F32
            elif quant == "q8_0" and arr.ndim == 2:
                raw, ftype = quantize_q8_0(arr), GGML_TYPE_Q8_0
            else:  # f16 weights, and conv weights (whisper.cpp keeps them f16 in any model)
                raw, ftype = np.ascontiguousarray(arr, dtype="<f2").tobytes(), GGML_TYPE_F16
            nb = name.encode("utf-8")
            f.write(struct.pack("<iii", arr.ndim, len(nb), ftype))
            for d in reversed(arr.shape):  # ggml order: innermost dimension first
                f.write(struct.pack("<i", d))
            f.write(nb)
            f.write(raw)
    os.replace(tmp, out_path)
    return len(tensors), out_path.stat().st_size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ct2-dir", required=True, type=Path, help="CTranslate2 Whisper model dir")
    ap.add_argument("--out", required=True, type=Path, help="output ggml file")
    ap.add_argument("--quant", choices=["f16", "q8_0"], default="f16",
                    help="weight type of the 2-D weight matrices (default f16)")
    args = ap.parse_args()
    try:
        n, size = convert(args.ct2_dir, args.out, args.quant)
    except ConversionError as e:
        print(f"ct2_to_ggml: error: {e}", file=sys.stderr)
        return 1
    print(f"ct2_to_ggml: wrote {args.out}: {n} tensors, {size} bytes ({size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
