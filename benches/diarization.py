#!/usr/bin/env python3
"""Mono calls against their stereo originals: diarization error, roles, timing, script.

    .cache/venv/bin/python benches/diarization.py CALLS_DIR STEREO_OUT MONO_OUT
        [--callqa target/release/callqa] [--pipeline pipelines/en-contact-center.toml]

CALLS_DIR holds the calls' `*.truth.json` (turns: speaker, start, end, text), as written by
benches/gen_calls.py or scripts/emodb_call.py. STEREO_OUT and MONO_OUT are `callqa run`
outputs of the stereo recordings and of the same calls downmixed to one channel. Printed:

* diarization error rate of the mono run's utterances (speaker, start, end) against the
  truth turns and against the stereo run's utterances (each channel's VAD segments: who
  speaks when, as the stereo pipeline hears it), NIST-style: missed + false alarm +
  confusion over reference speech, best speaker mapping, overlap scored, 0.25 s collar;
* roles: calls whose operator is the truth's operator (by speech time), with the
  `role_method` / `role_confidence` columns;
* every timing feature of the mono run against the stereo run's (talk times within 15 %,
  counts exact, times as mean absolute error), and the script elements of both runs
  against the truth (`callqa analyze` on the truth turns, as benches/features_vs_truth.py);
* the acoustic (smile) columns of the mono run against the stereo run's.
"""
import argparse
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import numpy as np

TIMING = ["operator_talk_s", "customer_talk_s", "silence_s", "long_pauses", "longest_pause_s",
          "operator_interruptions", "customer_interruptions"]
SCRIPT = ["greeting", "greeting_at_s", "self_introduction", "thanks", "survey_offer", "farewell",
          "customer_questions", "concrete_answers", "vague_answers"]
ACOUSTIC = ["operator_smile_index", "operator_negative_share", "customer_anger_share",
            "customer_arousal_max", "operator_arousal_mean", "calm_under_pressure",
            "operator_f0_variability"]
RATE = 100  # frames per second for the error rate


def read(out: Path, table: str):
    q = f"select * from read_parquet('{out}/{table}/**/*.parquet', hive_partitioning=true)"
    cur = duckdb.connect().execute(q)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def frames(intervals, n):
    a = np.zeros(n, bool)
    for s, e in intervals:
        a[max(0, int(round(s * RATE))):max(0, int(round(e * RATE)))] = True
    return a


def der(ref: dict, hyp: dict, n: int, collar: float = 0.25) -> float:
    """Error over reference speech: missed + false alarm + confusion (best mapping)."""
    R = {k: frames(v, n) for k, v in ref.items()}
    H = {k: frames(v, n) for k, v in hyp.items()}
    keep = np.ones(n, bool)
    for v in ref.values():
        for s, e in v:
            for t in (s, e):
                keep[max(0, int((t - collar) * RATE)):max(0, int((t + collar) * RATE))] = False
    n_ref = sum(R.values(), np.zeros(n, int)).astype(int)
    n_hyp = sum(H.values(), np.zeros(n, int)).astype(int)
    rk, hk = list(R), list(H) + [None] * max(0, len(R) - len(H))
    best = None
    for perm in itertools.permutations(hk, len(rk)):
        corr = sum(((R[r] & H[h]) if h is not None else np.zeros(n, bool)
                    for r, h in zip(rk, perm)), np.zeros(n, int)).astype(int)
        err = (np.maximum(n_ref, n_hyp) - corr)[keep].sum()
        best = err if best is None else min(best, err)
    total = n_ref[keep].sum()
    return best / total if total else 0.0


def analyze_truth(callqa: str, pipeline: str, calls: Path, tmp: Path):
    d = tmp / "truth"
    d.mkdir()
    for f in sorted(calls.glob("*.truth.json")):
        call_id = f.name[: -len(".truth.json")]
        t = json.loads(f.read_text())
        (d / f"{call_id}.json").write_text(json.dumps({
            "call_id": call_id, "operator_id": None, "started_at": "2026-01-01T00:00:00Z",
            "language": "en", "utterances": [{"speaker": u["speaker"], "start": u["start"],
                                              "end": u["end"], "text": u.get("text", "")}
                                             for u in t["turns"]]}))
    r = subprocess.run([callqa, "analyze", "--transcripts", str(d), "--pipeline", pipeline,
                        "--out", str(tmp / "out-truth"), "--summary-rows", "0"],
                       capture_output=True, text=True)
    if r.returncode not in (0, 3):
        sys.exit(f"callqa analyze failed ({r.returncode}):\n{r.stderr}")
    return {c["call_id"]: c for c in read(tmp / "out-truth", "calls")}


def by_speaker(utts, call_id):
    out = {}
    for u in utts:
        if u["call_id"] == call_id:
            out.setdefault(u["speaker"], []).append((u["start_s"], u["end_s"]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("calls", type=Path)
    ap.add_argument("stereo", type=Path)
    ap.add_argument("mono", type=Path)
    ap.add_argument("--callqa", default="target/release/callqa")
    ap.add_argument("--pipeline", default="pipelines/en-contact-center.toml")
    a = ap.parse_args()
    st = {c["call_id"]: c for c in read(a.stereo, "calls")}
    mo = {c["call_id"]: c for c in read(a.mono, "calls")}
    st_u, mo_u = read(a.stereo, "utterances"), read(a.mono, "utterances")
    with tempfile.TemporaryDirectory() as tmp:
        truth = analyze_truth(a.callqa, a.pipeline, a.calls, Path(tmp))
    ids = sorted(set(st) & set(mo) & set(truth))
    if not ids:
        sys.exit("no call is in the truth, the stereo and the mono output")
    rows = []
    for cid in ids:
        t = json.loads((a.calls / f"{cid}.truth.json").read_text())
        ref = {}
        for u in t["turns"]:
            ref.setdefault(u["speaker"], []).append((u["start"], u["end"]))
        n = int((max(mo[cid]["duration_s"], t.get("duration_s", 0)) + 2) * RATE)
        hyp = by_speaker(mo_u, cid)
        st_ref = by_speaker(st_u, cid)
        # The operator is right when the mono operator's speech lies mostly in the truth
        # operator's turns (and the customer's in the customer's).
        fr = lambda d, k: frames(d.get(k, []), n)  # noqa: E731
        agree = (fr(hyp, "operator") & fr(ref, "operator")).sum() + (fr(hyp, "customer") & fr(ref, "customer")).sum()
        swap = (fr(hyp, "operator") & fr(ref, "customer")).sum() + (fr(hyp, "customer") & fr(ref, "operator")).sum()
        rows.append({
            "id": cid, "der_truth": der(ref, hyp, n), "der_stereo": der(st_ref, hyp, n),
            "role_ok": mo[cid]["speakers"] == 2 and agree > swap,
            "speakers": mo[cid]["speakers"], "method": mo[cid]["role_method"],
            "confidence": mo[cid]["role_confidence"]})
    N = len(rows)
    print(f"\n{N} calls (truth: {a.calls}; stereo: {a.stereo}; mono: {a.mono})\n")
    print("| measure | value |\n|---|---|")
    print(f"| diarization error rate vs truth turns (mean / median / max) | "
          f"{100 * np.mean([r['der_truth'] for r in rows]):.1f} % / "
          f"{100 * np.median([r['der_truth'] for r in rows]):.1f} % / "
          f"{100 * max(r['der_truth'] for r in rows):.1f} % |")
    print(f"| diarization error rate vs the stereo run's segments (mean / median) | "
          f"{100 * np.mean([r['der_stereo'] for r in rows]):.1f} % / "
          f"{100 * np.median([r['der_stereo'] for r in rows]):.1f} % |")
    sp = {k: sum(r['speakers'] == k for r in rows) for k in sorted({r['speakers'] for r in rows}, key=str)}
    print(f"| speakers found | {', '.join(f'{k}: {v} calls' for k, v in sp.items())} |")
    print(f"| roles right | {sum(r['role_ok'] for r in rows)} / {N} ({100 * np.mean([r['role_ok'] for r in rows]):.0f} %) |")
    meth = {}
    for r in rows:
        meth.setdefault(r["method"], []).append(r)
    for m, rs in sorted(meth.items(), key=lambda x: str(x[0])):
        conf = [r["confidence"] for r in rs if r["confidence"] is not None]
        print(f"| role_method = {m} | {len(rs)} calls, {sum(r['role_ok'] for r in rs)} right, "
              f"mean role_confidence {np.mean(conf) if conf else float('nan'):.3f} |")
    wrong = [r["id"] for r in rows if not r["role_ok"]]
    if wrong:
        print(f"| calls with wrong roles | {', '.join(wrong)} |")

    print("\nTiming features, mono run against the stereo run (talk times: calls within 15 % of "
          "stereo; counts: calls with the same value; times: mean absolute error, s):\n")
    print("| feature | measure | mono vs stereo | stereo vs truth | mono vs truth |\n|---|---|---|---|---|")
    for col in TIMING:
        def cmp(x, y):
            vals = [(x[c][col], y[c][col]) for c in ids]
            if col.endswith("talk_s"):
                ok = [p is not None and q is not None and q > 0 and abs(p - q) / q <= 0.15 for p, q in vals]
                return f"{sum(ok)}/{N} within 15 %"
            if isinstance(vals[0][1], float) or col.endswith("_s"):
                d = [abs(p - q) for p, q in vals if p is not None and q is not None]
                return f"{np.mean(d):.2f}" if d else "–"
            return f"{sum(p == q for p, q in vals)}/{N}"
        meas = "within 15 %" if col.endswith("talk_s") else ("MAE s" if col.endswith("_s") else "exact")
        print(f"| {col} | {meas} | {cmp(mo, st)} | {cmp(st, truth)} | {cmp(mo, truth)} |")
    both = sum(mo[c]["operator_interruptions"] == st[c]["operator_interruptions"]
               and mo[c]["customer_interruptions"] == st[c]["customer_interruptions"] for c in ids)
    print(f"| interruptions (both counts) | exact | {both}/{N} | | |")

    print("\nScript elements against the truth turns (calls with the truth's value; times: MAE s):\n")
    print("| element | stereo | mono |\n|---|---|---|")
    for col in SCRIPT:
        cells = []
        for run in (st, mo):
            if col.endswith("_s"):
                d = [abs(run[c][col] - truth[c][col]) for c in ids
                     if run[c][col] is not None and truth[c][col] is not None]
                cells.append(f"{np.mean(d):.2f}" if d else "–")
            else:
                cells.append(f"{sum(run[c][col] == truth[c][col] for c in ids)}/{N}")
        print(f"| {col} | {cells[0]} | {cells[1]} |")

    print("\nAcoustic columns, mono run against the stereo run (mean absolute difference; "
          "calls where both are non-null):\n")
    print("| column | MAE | calls |\n|---|---|---|")
    for col in ACOUSTIC:
        d = [abs(mo[c][col] - st[c][col]) for c in ids if mo[c][col] is not None and st[c][col] is not None]
        print(f"| {col} | {np.mean(d):.3f} | {len(d)}/{N} |" if d else f"| {col} | – | 0/{N} |")


if __name__ == "__main__":
    main()
