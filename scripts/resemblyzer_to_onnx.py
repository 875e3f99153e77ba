#!/usr/bin/env python3
"""Convert Resemblyzer's GE2E speaker encoder (`resemblyzer/pretrained.pt`, PyPI
`resemblyzer` 0.1.4, Apache-2.0) to an ONNX model for ONNX Runtime, without torch.

    python3 scripts/resemblyzer_to_onnx.py resemblyzer/pretrained.pt out.onnx

Needs numpy and onnx (scripts/setup.sh installs both into .cache/venv); torch is not
needed: `pretrained.pt` is a legacy (pre-1.6, non-zip) torch file, a few pickles followed
by the raw storages, which a small restricted unpickler reads here.

The network (resemblyzer/voice_encoder.py): a 3-layer LSTM (40 mel bands in, 256 units),
the last layer's final hidden state, Linear(256, 256), ReLU, L2 normalisation. The ONNX
graph has

    inputs   mels     float32 [frames, batch, 40]   power mel spectrogram (NOT log), as
                                                    librosa.feature.melspectrogram(sr=16000,
                                                    n_fft=400, hop_length=160, n_mels=40)
             lengths  int32   [batch]               valid frames of each sequence
    output   embedding float32 [batch, 256]         L2-normalised speaker embedding

Three ONNX LSTM nodes (one per layer; `sequence_lens` makes each sequence's final state
the one at its own last frame, so windows of different lengths share a batch). PyTorch
orders the gates i, f, g, o; ONNX i, o, f, c: the weight blocks are reordered here. The
script checks the ONNX model against a numpy reference of PyTorch's LSTM equations on
random input with onnx's reference evaluator (and exits non-zero when they differ), so a
wrong gate order cannot pass.
The output is deterministic (no timestamps, fixed names), so setup can checksum it.
"""

from __future__ import annotations

import argparse
import collections
import io
import pickle
import struct
import sys
from pathlib import Path

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError as e:  # pragma: no cover
    sys.exit(f"resemblyzer_to_onnx: error: {e} (use .cache/venv/bin/python after scripts/setup.sh)")

N_MELS, HIDDEN, LAYERS, EMBED = 40, 256, 3, 256
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C

# ------------------------------------------------------------------------------------------
# Reading a legacy torch file without torch
# ------------------------------------------------------------------------------------------

# Storage classes of the legacy format and their numpy dtypes.
STORAGE_DTYPES = {
    "FloatStorage": np.dtype("<f4"),
    "DoubleStorage": np.dtype("<f8"),
    "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
}


class _StorageType:
    def __init__(self, name: str):
        self.dtype = STORAGE_DTYPES[name]


class _Storage:
    """A storage named by the main pickle; its bytes follow the pickles."""

    def __init__(self, key: str, dtype: np.dtype, size: int):
        self.key, self.dtype, self.size = key, dtype, size
        self.data: np.ndarray | None = None


class _TensorRef:
    """What `torch._utils._rebuild_tensor_v2` would build: a strided view of a storage."""

    def __init__(self, storage: _Storage, offset: int, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def array(self) -> np.ndarray:
        data = self.storage.data
        if data is None:
            raise ValueError(f"storage {self.storage.key} was never read")
        if not self.size:
            return data[self.offset : self.offset + 1].reshape(())
        item = data.itemsize
        view = np.lib.stride_tricks.as_strided(
            data[self.offset :], shape=self.size, strides=[s * item for s in self.stride]
        )
        return np.array(view)


def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad=False, hooks=None, *rest):
    return _TensorRef(storage, offset, size, stride)


class _Unpickler(pickle.Unpickler):
    """Allows only what a state dict of plain tensors needs."""

    def __init__(self, f, storages: dict[str, _Storage]):
        super().__init__(f)
        self.storages = storages

    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch" and name in STORAGE_DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the checkpoint")

    def persistent_load(self, pid):
        # ('storage', storage_type, root_key, location, numel, view_metadata)
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        _, stype, key, _location, numel, view = pid
        if view is not None:
            raise pickle.UnpicklingError("storage views are not supported")
        if key not in self.storages:
            self.storages[key] = _Storage(key, stype.dtype, numel)
        return self.storages[key]


def load_legacy_torch(path: Path) -> dict:
    """The object saved in a legacy torch file, its tensors as numpy arrays."""
    f = io.BytesIO(path.read_bytes())
    plain = lambda: pickle.Unpickler(f).load()  # noqa: E731 (magic, version, sys info: plain data)
    if plain() != LEGACY_MAGIC:
        raise ValueError(f"{path}: not a legacy torch file (bad magic number)")
    version = plain()
    if version != 1001:
        raise ValueError(f"{path}: unsupported torch protocol version {version}")
    plain()  # sys_info
    storages: dict[str, _Storage] = {}
    obj = _Unpickler(f, storages).load()
    keys = plain()
    for key in keys:
        st = storages[key]
        (numel,) = struct.unpack("<q", f.read(8))
        if numel != st.size:
            raise ValueError(f"{path}: storage {key}: {numel} elements, expected {st.size}")
        raw = f.read(numel * st.dtype.itemsize)
        if len(raw) != numel * st.dtype.itemsize:
            raise ValueError(f"{path}: truncated storage {key}")
        st.data = np.frombuffer(raw, dtype=st.dtype)

    def materialise(x):
        if isinstance(x, _TensorRef):
            return x.array()
        if isinstance(x, dict):
            return collections.OrderedDict((k, materialise(v)) for k, v in x.items())
        return x

    return materialise(obj)


# ------------------------------------------------------------------------------------------
# ONNX graph
# ------------------------------------------------------------------------------------------


def onnx_gates(w: np.ndarray) -> np.ndarray:
    """PyTorch gate blocks (i, f, g, o) along axis 0 -> ONNX (i, o, f, c)."""
    i, f, g, o = np.split(w, 4, axis=0)
    return np.concatenate([i, o, f, g], axis=0)


def build_model(state: dict) -> onnx.ModelProto:
    inits, nodes = [], []
    x = "mels"
    for layer in range(LAYERS):
        w = onnx_gates(state[f"lstm.weight_ih_l{layer}"])[None]
        r = onnx_gates(state[f"lstm.weight_hh_l{layer}"])[None]
        b = np.concatenate(
            [onnx_gates(state[f"lstm.bias_ih_l{layer}"]), onnx_gates(state[f"lstm.bias_hh_l{layer}"])]
        )[None]
        for name, arr in (("W", w), ("R", r), ("B", b)):
            inits.append(numpy_helper.from_array(arr.astype(np.float32), f"lstm{layer}_{name}"))
        y, y_h = f"lstm{layer}_Y", f"lstm{layer}_Yh"
        nodes.append(
            helper.make_node(
                "LSTM",
                [x, f"lstm{layer}_W", f"lstm{layer}_R", f"lstm{layer}_B", "lengths"],
                [y, y_h],
                hidden_size=HIDDEN,
                name=f"lstm{layer}",
            )
        )
        if layer < LAYERS - 1:
            # Y: [frames, 1 direction, batch, hidden] -> [frames, batch, hidden]
            nodes.append(helper.make_node("Squeeze", [y, "axis1"], [f"lstm{layer}_out"]))
            x = f"lstm{layer}_out"
    inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"))
    inits.append(numpy_helper.from_array(np.array([0], dtype=np.int64), "axis0"))
    inits.append(numpy_helper.from_array(state["linear.weight"].astype(np.float32), "linear_W"))
    inits.append(numpy_helper.from_array(state["linear.bias"].astype(np.float32), "linear_B"))
    inits.append(numpy_helper.from_array(np.array(1e-12, dtype=np.float32), "eps"))
    nodes += [
        helper.make_node("Squeeze", [f"lstm{LAYERS - 1}_Yh", "axis0"], ["hidden"]),
        helper.make_node("Gemm", ["hidden", "linear_W", "linear_B"], ["linear"], transB=1),
        helper.make_node("Relu", ["linear"], ["relu"]),
        helper.make_node("ReduceL2", ["relu"], ["norm"], axes=[1], keepdims=1),
        helper.make_node("Max", ["norm", "eps"], ["norm_safe"]),
        helper.make_node("Div", ["relu", "norm_safe"], ["embedding"]),
    ]
    graph = helper.make_graph(
        nodes,
        "resemblyzer_ge2e_encoder",
        [
            helper.make_tensor_value_info("mels", TensorProto.FLOAT, ["frames", "batch", N_MELS]),
            helper.make_tensor_value_info("lengths", TensorProto.INT32, ["batch"]),
        ],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", EMBED])],
        inits,
    )
    # ReduceL2 with an `axes` attribute: opset 17 (LSTM, Squeeze with axes input: >= 13).
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="callqa resemblyzer_to_onnx"
    )
    model.ir_version = 8
    model.doc_string = (
        "GE2E speaker encoder of resemblyzer 0.1.4 (Apache-2.0), converted by callqa's "
        "scripts/resemblyzer_to_onnx.py. Input: power mel spectrogram (40 bands, 25 ms / 10 ms "
        "at 16 kHz), [frames, batch, 40], and the valid frames of each sequence."
    )
    onnx.checker.check_model(model)
    return model


# ------------------------------------------------------------------------------------------
# numpy reference (PyTorch's LSTM equations) and the check
# ------------------------------------------------------------------------------------------


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def reference(state: dict, mels: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Embeddings of `mels` [frames, batch, 40], computed as torch.nn.LSTM does."""
    frames, batch, _ = mels.shape
    x = mels.astype(np.float64)
    final = np.zeros((batch, HIDDEN))
    for layer in range(LAYERS):
        wi, wh = state[f"lstm.weight_ih_l{layer}"], state[f"lstm.weight_hh_l{layer}"]
        b = state[f"lstm.bias_ih_l{layer}"] + state[f"lstm.bias_hh_l{layer}"]
        h = np.zeros((batch, HIDDEN))
        c = np.zeros((batch, HIDDEN))
        out = np.zeros((frames, batch, HIDDEN))
        for t in range(frames):
            z = x[t] @ wi.T + h @ wh.T + b
            i, f, g, o = np.split(z, 4, axis=1)
            c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
            h_new = _sigmoid(o) * np.tanh(c_new)
            live = (t < lengths)[:, None]
            c = np.where(live, c_new, c)
            h = np.where(live, h_new, h)
            out[t] = np.where(live, h, 0.0)
        x = out
        final = h
    e = np.maximum(final @ state["linear.weight"].T + state["linear.bias"], 0.0)
    return e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)


def check(model: onnx.ModelProto, state: dict) -> float:
    """Largest difference between the ONNX graph, run by onnx's own reference evaluator
    (numpy, the operators as the ONNX spec defines them), and the PyTorch-equations
    reference, on random input. The reference evaluator ignores `sequence_lens`, so all
    sequences are full here; callqa-diarize's tests check ONNX Runtime's handling of
    shorter sequences."""
    from onnx.reference import ReferenceEvaluator

    rng = np.random.default_rng(7)
    # Power mel values of speech at -30 dBFS span ~1e-5..1e1: log-uniform over that range.
    mels = (10.0 ** rng.uniform(-5, 1, size=(40, 2, N_MELS))).astype(np.float32)
    lengths = np.array([40, 40], dtype=np.int32)
    with np.errstate(over="ignore"):  # the evaluator's sigmoid overflows to 0/1, harmlessly
        got = ReferenceEvaluator(model).run(["embedding"], {"mels": mels, "lengths": lengths})[0]
    want = reference(state, mels, lengths)
    return float(np.abs(got - want).max())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint", type=Path, help="resemblyzer/pretrained.pt")
    ap.add_argument("out", type=Path, help="output .onnx")
    a = ap.parse_args()
    ckpt = load_legacy_torch(a.checkpoint)
    state = ckpt["model_state"] if "model_state" in ckpt else ckpt
    state = {k: np.asarray(v, dtype=np.float64) for k, v in state.items() if k.startswith(("lstm.", "linear."))}
    for layer in range(LAYERS):
        assert state[f"lstm.weight_ih_l{layer}"].shape == (4 * HIDDEN, N_MELS if layer == 0 else HIDDEN)
    model = build_model(state)
    diff = check(model, state)
    if diff > 1e-4:
        print(f"resemblyzer_to_onnx: ONNX output differs from the reference by {diff:.2e}", file=sys.stderr)
        return 1
    tmp = a.out.with_suffix(".onnx.tmp")
    tmp.write_bytes(model.SerializeToString())
    tmp.replace(a.out)
    print(f"resemblyzer_to_onnx: wrote {a.out} (max |onnx - reference| = {diff:.2e})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
