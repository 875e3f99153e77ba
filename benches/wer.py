#!/usr/bin/env python3
"""Word error rate of `callqa run --dump-transcripts` output against gen_calls.py truth.

    python3 benches/wer.py CALLS_DIR TRANSCRIPTS_DIR   → prints "WER <percent>"
"""
import json
import re
import sys
from pathlib import Path


def words(s):
    return re.sub(r"[^\w']+", " ", s.lower()).split()


def edits(r, h):
    prev = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        cur = [i] + [0] * len(h)
        for j in range(1, len(h) + 1):
            cur[j] = min(prev[j - 1] + (r[i - 1] != h[j - 1]), prev[j] + 1, cur[j - 1] + 1)
        prev = cur
    return prev[-1]


calls, trans = Path(sys.argv[1]), Path(sys.argv[2])
err = n = 0
for t in sorted(calls.glob("*.truth.json")):
    call_id = t.name.replace(".truth.json", "")
    truth = json.loads(t.read_text())
    hyp_file = trans / f"{call_id}.json"
    hyp = json.loads(hyp_file.read_text()) if hyp_file.exists() else {"utterances": []}
    for who in ("operator", "customer"):
        r = words(" ".join(x["text"] for x in truth["turns"] if x["speaker"] == who))
        h = words(" ".join(u["text"] for u in hyp["utterances"] if u["speaker"] == who))
        err += edits(r, h)
        n += len(r)
print(f"WER {100 * err / max(n, 1):.1f}")
