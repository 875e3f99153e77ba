#!/usr/bin/env python3
"""Synthesise a stereo call recording from a turn script, with espeak-ng.

Used by the demo, the end-to-end tests and the benchmarks: it gives calls whose truth
(who speaks when, what is said, where the pauses and overlaps are) is known exactly.

    python3 scripts/synth_call.py spec.json out.wav [--truth truth.json]

spec.json:
    {"rate": 8000, "encoding": "mu-law",            # optional: output sample rate / sox encoding
     "lead_s": 0.5, "tail_s": 1.0,                  # silence before the first / after the last turn
     "voices": {"operator": "en-us+f3", "customer": "en-gb"},  # optional espeak-ng voices
     "layout": "operator_left",                      # or customer_left, or mono (mixed)
     "turns": [{"speaker": "operator", "text": "Good morning ...", "gap": 0.4},
               {"speaker": "customer", "text": "...", "gap": -1.5}]}

`gap` is the time from the end of the previous turn to the start of this one: negative
values overlap the previous turn (an interruption), large ones are pauses. The truth
file lists each turn's actual start and end in seconds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

SYNTH_RATE = 22050


def speak(text: str, voice: str, speed: int, tmp: Path) -> np.ndarray:
    """Synthesise one turn. `voice` is an espeak-ng voice (`en-us+f3`) or
    `festival:<voice>` (e.g. `festival:msu_ru_nsh_clunits`, Festival's recorded Russian
    voice, which Whisper understands with realistic errors)."""
    wav = tmp / "turn.wav"
    if voice.startswith("festival:"):
        txt = tmp / "turn.txt"
        txt.write_text(text, encoding="utf-8")
        raw = tmp / "turn16k.wav"
        cmd = ["text2wave", "-eval", f"(voice_{voice.split(':', 1)[1]})", str(txt), "-o", str(raw)]
        try:
            subprocess.run(cmd, check=True, capture_output=True)
            subprocess.run(["sox", "-R", str(raw), "-r", str(SYNTH_RATE), "-c", "1", "-b", "16", str(wav)], check=True)
        except FileNotFoundError:
            sys.exit("synth_call: festival (text2wave) or sox is not installed (run scripts/setup.sh)")
    else:
        cmd = ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text]
        try:
            subprocess.run(cmd, check=True, capture_output=True)
        except FileNotFoundError:
            sys.exit("synth_call: espeak-ng is not installed (run scripts/setup.sh)")
    with wave.open(str(wav)) as w:
        if w.getframerate() != SYNTH_RATE or w.getsampwidth() != 2:
            sys.exit(f"synth_call: unexpected espeak-ng output format {w.getparams()}")
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32)
    # trim espeak's own leading/trailing silence so the truth is tight
    nz = np.flatnonzero(np.abs(data) > 200)
    if len(nz):
        data = data[nz[0] : nz[-1] + 1]
    return data / 32768.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("spec", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--truth", type=Path)
    a = ap.parse_args()
    spec = json.loads(a.spec.read_text())
    voices = {"operator": "en-us+f3", "customer": "en-gb", **spec.get("voices", {})}
    speed = int(spec.get("speed", 165))
    layout = spec.get("layout", "operator_left")
    t = float(spec.get("lead_s", 0.5))
    placed = []
    with tempfile.TemporaryDirectory() as tmp:
        prev_end = t
        for i, turn in enumerate(spec["turns"]):
            audio = speak(turn["text"], voices[turn["speaker"]], speed, Path(tmp))
            start = max(0.0, prev_end + float(turn.get("gap", 0.4))) if i else t
            end = start + len(audio) / SYNTH_RATE
            placed.append((turn, audio, start, end))
            prev_end = max(prev_end, end) if i else end
    total = max(e for *_, e in placed) + float(spec.get("tail_s", 1.0))
    n = int(total * SYNTH_RATE) + 1
    channels = 1 if layout == "mono" else 2
    buf = np.zeros((n, channels), dtype=np.float32)
    for turn, audio, start, _ in placed:
        s = int(start * SYNTH_RATE)
        if channels == 1:
            c = 0
        else:
            left = "operator" if layout == "operator_left" else "customer"
            c = 0 if turn["speaker"] == left else 1
        buf[s : s + len(audio), c] += audio
    pcm = (np.clip(buf, -1, 1) * 32767).astype("<i2")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    raw = a.out.with_suffix(".raw22k.wav")
    with wave.open(str(raw), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(SYNTH_RATE)
        w.writeframes(pcm.tobytes())
    rate = str(spec.get("rate", 8000))
    enc = spec.get("encoding", "mu-law")
    fmt = ["-e", enc] if enc in ("mu-law", "a-law") else ["-b", "16", "-e", "signed-integer"]
    try:
        # -R: repeatable dither; without it sox seeds its dither randomly and every synthesis
        # of the same script is a slightly different recording.
        subprocess.run(["sox", "-R", str(raw), "-r", rate, *fmt, str(a.out)], check=True)
    except FileNotFoundError:
        sys.exit("synth_call: sox is not installed (run scripts/setup.sh)")
    raw.unlink()
    if a.truth:
        a.truth.write_text(
            json.dumps(
                {
                    "duration_s": total,
                    "turns": [
                        {"speaker": tr["speaker"], "start": round(s, 3), "end": round(e, 3), "text": tr["text"]}
                        for tr, _, s, e in placed
                    ],
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
