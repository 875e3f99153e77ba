#!/usr/bin/env python3
"""Build a stereo "call" from EmoDB utterances: the customer's emotional speech on one
channel, the operator's on the other, taking turns.

Used by the smile-monitoring tests and benches: an angry customer with a calm operator
(and the reverse) is a call whose right answer is known. EmoDB is acted German speech;
callqa's acoustic models only hear the voice, so the language does not matter to them.

    emodb_call.py --customer 03:anger --operator 08:neutral --turns 5 out.wav

Turns alternate customer, operator, customer, … with `--gap` seconds between them. Each
speaker's utterances are that speaker's EmoDB files of that emotion, in file-name order,
reused if there are fewer than turns. Output: operator on the left channel, 8 kHz µ-law
(`--rate 16000 --encoding pcm` for wideband). `--mono` mixes both speakers into one channel.
`--truth` writes the turn timeline as JSON.
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

SR = 16000


def load(path: Path, tmp: Path) -> np.ndarray:
    """EmoDB file → float 16 kHz mono (sox, no dither: bit-exact across runs)."""
    out = tmp / (path.stem + ".16k.wav")
    subprocess.run(["sox", "-R", "-V1", str(path), "-D", "-b", "16", "-c", "1", "-r", str(SR), str(out)], check=True)
    with wave.open(str(out)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return pcm.astype(np.float64) / 32768.0


def pick(labels: list[dict], who: str) -> tuple[str, str, list[str]]:
    try:
        spk, emo = who.split(":", 1)
    except ValueError:
        sys.exit(f"emodb_call: expected SPEAKER:EMOTION, got {who!r}")
    files = sorted(r["file"] for r in labels if r["speaker"] == spk and r["emotion"] == emo)
    if not files:
        sys.exit(f"emodb_call: no EmoDB file of speaker {spk} with emotion {emo}")
    return spk, emo, files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--emodb", default=str(Path(__file__).resolve().parent.parent.parent / "shared/data/emodb"))
    ap.add_argument("--customer", required=True, help="SPEAKER:EMOTION, e.g. 03:anger")
    ap.add_argument("--operator", required=True, help="SPEAKER:EMOTION, e.g. 08:neutral")
    ap.add_argument("--turns", type=int, default=5, help="turns per speaker")
    ap.add_argument("--gap", type=float, default=0.6)
    ap.add_argument("--rate", type=int, default=8000)
    ap.add_argument("--encoding", default="mu-law", choices=["mu-law", "a-law", "pcm"])
    ap.add_argument("--mono", action="store_true")
    ap.add_argument("--truth")
    ap.add_argument("out")
    a = ap.parse_args()

    root = Path(a.emodb)
    with open(root / "labels.csv", newline="") as f:
        labels = list(csv.DictReader(f))
    _, _, cu_files = pick(labels, a.customer)
    _, _, op_files = pick(labels, a.operator)
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        left, right, turns = [], [], []
        t = 0.5
        pad = np.zeros(int(0.5 * SR))
        left.append(pad)
        right.append(pad)
        for k in range(a.turns):
            for speaker, files in (("customer", cu_files), ("operator", op_files)):
                x = load(root / "wav" / files[k % len(files)], tmp)
                me, other = (left, right) if speaker == "operator" else (right, left)
                gap = np.zeros(int(a.gap * SR))
                me.extend([x, gap])
                other.extend([np.zeros(len(x)), gap])
                turns.append({"speaker": speaker, "file": files[k % len(files)], "start": round(t, 4), "end": round(t + len(x) / SR, 4)})
                t += (len(x) + len(gap)) / SR
        l, r = np.concatenate(left), np.concatenate(right)
        if a.mono:
            data = np.clip(l + r, -1, 1)[:, None]
        else:
            data = np.stack([l, r], axis=1)
        pcm = (np.clip(data, -1, 32767 / 32768) * 32768).astype("<i2")
        raw = tmp / "call16k.wav"
        with wave.open(str(raw), "wb") as w:
            w.setnchannels(pcm.shape[1])
            w.setsampwidth(2)
            w.setframerate(SR)
            w.writeframes(pcm.tobytes())
        fmt = ["-e", a.encoding] if a.encoding != "pcm" else ["-b", "16", "-e", "signed-integer"]
        subprocess.run(["sox", "-R", "-G", "-V1", str(raw), "-r", str(a.rate), *fmt, a.out], check=True)
    if a.truth:
        Path(a.truth).write_text(json.dumps({"duration_s": round(t, 4), "turns": turns}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
