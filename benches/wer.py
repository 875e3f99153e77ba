#!/usr/bin/env python3
"""Word error rate of `callqa run --dump-transcripts` output against gen_calls.py truth.

    python3 benches/wer.py CALLS_DIR TRANSCRIPTS_DIR [--by-turn | --by-channel]
        → prints "WER <percent>" (--by-channel: "WER <all> operator <p> customer <p>")

By default the words of each speaker's whole side of the call are compared. With
--by-turn each recognised utterance is given to the truth turn of the same speaker it
overlaps most, and each turn's words are compared with the words given to it (words of
an utterance that overlaps no turn are insertions): this also counts words placed in the
wrong utterance, which is what word timing (DTW or not) changes.
"""
import json
import re
import sys
from pathlib import Path


def words(s):
    return re.sub(r"[^\w']+", " ", s.lower().replace("ё", "е")).split()


def edits(r, h):
    prev = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        cur = [i] + [0] * len(h)
        for j in range(1, len(h) + 1):
            cur[j] = min(prev[j - 1] + (r[i - 1] != h[j - 1]), prev[j] + 1, cur[j - 1] + 1)
        prev = cur
    return prev[-1]


by_turn = "--by-turn" in sys.argv[3:]
by_channel = "--by-channel" in sys.argv[3:]
calls, trans = Path(sys.argv[1]), Path(sys.argv[2])
err = n = 0
side = {"operator": [0, 0], "customer": [0, 0]}
for t in sorted(calls.glob("*.truth.json")):
    call_id = t.name.replace(".truth.json", "")
    truth = json.loads(t.read_text())
    hyp_file = trans / f"{call_id}.json"
    hyp = json.loads(hyp_file.read_text()) if hyp_file.exists() else {"utterances": []}
    if by_turn:
        turns = truth["turns"]
        given = [[] for _ in turns]
        for u in hyp["utterances"]:
            overlap = [(min(t["end"], u["end"]) - max(t["start"], u["start"]), i)
                       for i, t in enumerate(turns) if t["speaker"] == u["speaker"]]
            best = max(overlap, default=(0.0, -1))
            if best[0] > 0:
                given[best[1]].append(u["text"])
            else:
                err += len(words(u["text"]))
        for t, g in zip(turns, given):
            r = words(t["text"])
            err += edits(r, words(" ".join(g)))
            n += len(r)
        continue
    for who in ("operator", "customer"):
        r = words(" ".join(x["text"] for x in truth["turns"] if x["speaker"] == who))
        h = words(" ".join(u["text"] for u in hyp["utterances"] if u["speaker"] == who))
        e = edits(r, h)
        err += e
        n += len(r)
        side[who][0] += e
        side[who][1] += len(r)
if by_channel and not by_turn:
    per = " ".join(f"{who} {100 * e / max(k, 1):.1f}" for who, (e, k) in side.items())
    print(f"WER {100 * err / max(n, 1):.1f} {per}")
else:
    print(f"WER {100 * err / max(n, 1):.1f}")
