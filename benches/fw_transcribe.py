#!/usr/bin/env python3
"""Transcribe stereo calls with faster-whisper, one channel at a time (the baseline of
benches/vs_faster_whisper.sh).

    python benches/fw_transcribe.py MODEL_DIR CALLS_DIR OUT_DIR \
        --compute-type int8|float32 --threads T [--vad] [--batched B]

MODEL_DIR is a CTranslate2 Whisper directory (model.bin, config.json, tokenizer.json; the
same weights that scripts/setup.sh converts to ggml for callqa). Each `*.wav` in CALLS_DIR
is split into its two channels the way callqa reads a stereo call (left = operator,
right = customer), each channel is transcribed with greedy decoding (beam_size=1),
language en, and without VAD unless --vad. With --batched B, faster-whisper's
`BatchedInferencePipeline` transcribes each channel instead (its own Silero VAD, chunks
of up to 30 s of speech encoded and decoded B at a time: faster-whisper's fastest CPU
setting). One JSON per call is written to OUT_DIR in
callqa's transcript format (`{"call_id", "language", "utterances": [{"speaker", "start",
"end", "text"}]}`), so benches/wer.py scores both systems the same way. The model is
loaded once for the whole run, as callqa does.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

try:
    from faster_whisper import BatchedInferencePipeline, WhisperModel
    from faster_whisper.audio import decode_audio
except ImportError:
    sys.exit("fw_transcribe: error: faster-whisper is not installed in this Python "
             "(benches/vs_faster_whisper.sh installs it in .cache/venv-bench)")

SPEAKERS = ("operator", "customer")  # left, right: callqa's default stereo layout
SR = 16000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("calls_dir", type=Path)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--compute-type", default="int8", choices=["int8", "float32", "int8_float32"])
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--language", default="en")
    ap.add_argument("--vad", action="store_true", help="vad_filter=True (Silero VAD in faster-whisper)")
    ap.add_argument("--batched", type=int, default=0, metavar="B",
                    help="BatchedInferencePipeline with batch_size B (its VAD on)")
    a = ap.parse_args()

    for f in ("model.bin", "config.json", "tokenizer.json"):
        if not (a.model_dir / f).is_file():
            sys.exit(f"fw_transcribe: error: {a.model_dir / f} not found (run scripts/setup.sh)")
    wavs = sorted(a.calls_dir.glob("*.wav"))
    if not wavs:
        sys.exit(f"fw_transcribe: error: no .wav files in {a.calls_dir}")
    a.out_dir.mkdir(parents=True, exist_ok=True)

    model = WhisperModel(str(a.model_dir), device="cpu", compute_type=a.compute_type,
                         cpu_threads=a.threads, num_workers=1)
    batched = BatchedInferencePipeline(model=model) if a.batched > 0 else None
    audio_s = 0.0
    t0 = time.perf_counter()
    for wav in wavs:
        channels = decode_audio(str(wav), sampling_rate=SR, split_stereo=True)
        utterances = []
        for speaker, samples in zip(SPEAKERS, channels):
            audio_s += len(samples) / SR
            if batched is not None:
                segments, _info = batched.transcribe(
                    samples, language=a.language, beam_size=1, batch_size=a.batched)
            else:
                segments, _info = model.transcribe(
                    samples, language=a.language, beam_size=1, vad_filter=a.vad)
            for s in segments:  # a generator: decoding happens here
                text = s.text.strip()
                if text:
                    utterances.append({"speaker": speaker, "start": round(s.start, 2),
                                       "end": round(s.end, 2), "text": text})
        utterances.sort(key=lambda u: u["start"])
        doc = {"call_id": wav.stem, "language": a.language, "utterances": utterances}
        (a.out_dir / f"{wav.stem}.json").write_text(json.dumps(doc, ensure_ascii=False))
    dt = time.perf_counter() - t0
    print(f"fw_transcribe: {len(wavs)} calls, {audio_s:.1f} s of channel audio, "
          f"{dt:.1f} s after model load ({a.compute_type}, {a.threads} threads, "
          f"vad={'on' if a.vad or a.batched else 'off'}, batched={a.batched})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
