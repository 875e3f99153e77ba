#!/usr/bin/env python3
"""Builds the labelled development set (tests/data/devset/{ru,en}/*.json + truth.csv).

The dialogues and their script/answer labels are written by hand below; the timing
labels (long pauses, interruptions) follow from the timeline each call spells out and are
computed here by the definitions of docs/SCHEMA.md, independently of callqa's code.

Turn syntax: "S|text" with S = o (operator) / c (customer), optionally followed by
  +N   the turn starts N s after the previous speech ended (default 0.4-1.4 s)
  ~N   the turn starts N s before the previous turn ends (overlap)
  ^    a backchannel: starts 1 s into the previous turn, lasts 0.5 s
  @N   the turn starts at N s (first turn: late greeting)
Label string: "g i t s f q c v" = greeting self_introduction thanks survey_offer farewell
customer_questions concrete_answers vague_answers.
Style "asr": text lowercased and punctuation removed, as Whisper-less ASR exports look.
Run: python3 tests/data/devset/make_devset.py
"""
import json, random, re, os, sys
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from calls_ru import CALLS as RU
from calls_en import CALLS as EN

def asr(text):
    t = text.lower().replace("ё", "е").replace("'", "")
    t = re.sub(r"[^\w\s:-]", " ", t)
    return re.sub(r"\s+", " ", t).strip()

def build(call, lang, rng):
    cid, style, labels, turns = call
    utts, t = [], 0.5
    for spec in turns:
        head, text = spec.split("|", 1)
        spk = {"o": "operator", "c": "customer"}[head[0]]
        mod = head[1:]
        if style == "asr":
            text = asr(text)
        dur = round(0.5 + 0.33 * len(text.split()), 1)
        prev = utts[-1] if utts else None
        end_all = max((u["end"] for u in utts), default=0.0)
        if mod.startswith("^"):
            s = prev["start"] + 1.0
            utts.append({"speaker": spk, "start": round(s, 1), "end": round(s + 0.5, 1), "text": text})
            continue
        if mod.startswith("+"):
            s = end_all + float(mod[1:])
        elif mod.startswith("~"):
            s = prev["end"] - float(mod[1:])
        elif mod.startswith("@"):
            s = float(mod[1:])
        else:
            s = end_all + rng.choice([0.4, 0.6, 0.8, 1.0, 1.2, 1.4]) if utts else t
        utts.append({"speaker": spk, "start": round(s, 1), "end": round(s + dur, 1), "text": text})
    return {"call_id": cid, "operator_id": "op%03d" % rng.randint(1, 40),
            "started_at": "2026-11-%02dT%02d:%02d:00Z" % (rng.randint(2, 20), rng.randint(8, 19), rng.randint(0, 59)),
            "language": lang, "utterances": utts}

def timing_truth(utts):
    """long pauses (internal gaps >= 5 s) and interruptions by the documented definitions."""
    us = sorted(utts, key=lambda u: (u["start"], u["end"]))
    pauses, covered = 0, None
    for u in us:
        if covered is not None and u["start"] - covered >= 5.0 - 1e-6:
            pauses += 1
        covered = u["end"] if covered is None else max(covered, u["end"])
    op = cu = 0
    for u in us:
        if u["end"] - u["start"] < 1.0 - 1e-6:
            continue
        for o in us:
            if o["speaker"] == u["speaker"] or not (o["start"] < u["start"] < o["end"]):
                continue
            if min(o["end"], u["end"]) - u["start"] >= 1.0 - 1e-6:
                if u["speaker"] == "operator":
                    op += 1
                else:
                    cu += 1
                break
    return pauses, op, cu

def main():
    rng = random.Random(20261110)
    rows = []
    for lang, calls in (("ru", RU), ("en", EN)):
        d = os.path.join(HERE, lang)
        os.makedirs(d, exist_ok=True)
        for call in calls:
            j = build(call, lang, rng)
            with open(os.path.join(d, call[0] + ".json"), "w", encoding="utf-8") as f:
                json.dump(j, f, ensure_ascii=False, indent=1)
                f.write("\n")
            g, i, t, s, fw, q, c, v = call[2].split()
            b = lambda x: "true" if x == "1" else "false"
            p, op, cu = timing_truth(j["utterances"])
            assert int(c) + int(v) <= int(q), call[0]
            rows.append([call[0], b(g), b(t), b(s), p, op, cu, c, v, b(fw), b(i), q])
    with open(os.path.join(HERE, "truth.csv"), "w", encoding="utf-8") as f:
        f.write("call_id,greeting,thanks,survey_offer,long_pauses,operator_interruptions,"
                "customer_interruptions,concrete_answers,vague_answers,farewell,"
                "self_introduction,customer_questions\n")
        for r in rows:
            f.write(",".join(map(str, r)) + "\n")
    print(f"{len(rows)} calls", file=sys.stderr)

if __name__ == "__main__":
    main()
