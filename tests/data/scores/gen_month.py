#!/usr/bin/env python3
"""Synthetic month for `callqa score` (tests/e2e_score.rs).

Writes, under OUT:
  features/calls/call_date=YYYY-MM-DD/part-gen-00000.parquet   the calls table, with the
      column names and types of docs/SCHEMA.md (what `callqa run` writes)
  ratings.csv    call_id,rating,scale,rated_at,comment; about 40 % of calls unrated,
                 plus broken rows at known lines
and prints one JSON line: {"calls", "rated", "bad_lines": {kind: line}, "truth": {...}}.

Ratings come from known effects on the 0-10 scale, per unit:
  vague_answers -0.8, operator_interruptions -0.5, greeting 0,
  operator_smile_index +0.5 per 10 points (only calls with acoustic columns record it),
plus each operator's own rating level (sd 1.0; operators who rate well also greet more,
so greeting goes with higher ratings between operators without moving them), -0.3 per
customer question beyond the average (call complexity), and Gaussian noise (sd 1.0),
rounded to integers; 15 % of the rated calls are given on the csat5 scale
(rating_10 / 2.5 + 1, rounded).

Usage: gen_month.py OUT [--seed N] [--days 30] [--per-day 30]
"""
import argparse
import datetime as dt
import json
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

TRUTH = {"vague_answers": -0.8, "operator_interruptions": -0.5, "greeting": 0.0,
         "operator_smile_index": 0.5}

UTC = dt.timezone.utc


def schema():
    ts = pa.timestamp("us", tz="UTC")
    f = pa.field
    return pa.schema([
        f("call_id", pa.string(), False), f("operator_id", pa.string()),
        f("started_at", ts, False), f("duration_s", pa.float64(), False),
        f("channel_layout", pa.string(), False), f("language", pa.string()),
        f("operator_talk_s", pa.float64()), f("customer_talk_s", pa.float64()),
        f("silence_s", pa.float64(), False), f("long_pauses", pa.int32(), False),
        f("longest_pause_s", pa.float64(), False),
        f("operator_interruptions", pa.int32()), f("customer_interruptions", pa.int32()),
        f("greeting", pa.bool_(), False), f("greeting_at_s", pa.float64()),
        f("self_introduction", pa.bool_(), False), f("thanks", pa.bool_(), False),
        f("survey_offer", pa.bool_(), False), f("farewell", pa.bool_(), False),
        f("customer_questions", pa.int32()), f("concrete_answers", pa.int32()),
        f("vague_answers", pa.int32()),
        f("operator_smile_index", pa.float64()), f("operator_negative_share", pa.float64()),
        f("customer_anger_share", pa.float64()), f("customer_arousal_max", pa.float64()),
        f("operator_arousal_mean", pa.float64()), f("calm_under_pressure", pa.float64()),
        f("mirroring", pa.float64()), f("operator_f0_variability", pa.float64()),
        f("emotion_model", pa.string()), f("emotion_normalisation", pa.string()),
        f("asr_model", pa.string()), f("pipeline", pa.string(), False),
        f("pipeline_version", pa.string(), False),
        f("processed_at", ts, False),
    ])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20261101)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--per-day", type=int, default=30)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    ops = [f"op{i:02d}" for i in range(12)]
    # Operators differ: habits make the month look like a contact centre, not white noise.
    # Each has an own rating level, and the better ones greet more (a habit that goes
    # with quality but does not move ratings: only a model within operators sees that).
    level = dict(zip(ops, rng.normal(0, 1.0, len(ops))))
    greet_p = {o: float(np.clip(0.75 + 0.15 * level[o], 0.45, 0.98)) for o in ops}
    intr_l = dict(zip(ops, rng.uniform(0.2, 1.6, len(ops))))
    vague_p = dict(zip(ops, rng.uniform(0.1, 0.5, len(ops))))
    smile_m = dict(zip(ops, rng.uniform(30, 75, len(ops))))
    start = dt.datetime(2026, 11, 1, tzinfo=UTC)
    now = dt.datetime(2026, 12, 1, 6, tzinfo=UTC)
    rows = []
    for d in range(a.days):
        for k in range(a.per_day):
            op = ops[rng.integers(len(ops))]
            t = start + dt.timedelta(days=d, seconds=int(rng.integers(8 * 3600, 20 * 3600)))
            q = int(1 + rng.poisson(1.2))
            vague = int(rng.binomial(q, vague_p[op]))
            concrete = int(rng.binomial(q - vague, 0.9))
            interruptions = int(min(rng.poisson(intr_l[op]), 5))
            acoustic = rng.random() < 0.7
            smile = float(np.clip(rng.normal(smile_m[op], 15), 0, 100))
            anger = float(rng.beta(1, 6))
            dur = float(rng.uniform(90, 600))
            rows.append({
                "call_id": f"m{d:02d}-{k:03d}", "operator_id": op, "started_at": t,
                "duration_s": dur, "channel_layout": "operator_left", "language": "ru",
                "operator_talk_s": dur * 0.45, "customer_talk_s": dur * 0.35,
                "silence_s": dur * 0.2, "long_pauses": int(rng.poisson(0.4)),
                "longest_pause_s": 0.0,
                "operator_interruptions": interruptions,
                "customer_interruptions": int(rng.poisson(0.3)),
                "greeting": bool(rng.random() < greet_p[op]), "greeting_at_s": None,
                "self_introduction": bool(rng.random() < 0.75),
                "thanks": bool(rng.random() < 0.8), "survey_offer": bool(rng.random() < 0.5),
                "farewell": bool(rng.random() < 0.9),
                "customer_questions": q, "concrete_answers": concrete, "vague_answers": vague,
                "operator_smile_index": smile if acoustic else None,
                "operator_negative_share": float(rng.beta(1, 8)) if acoustic else None,
                "customer_anger_share": anger if acoustic else None,
                "customer_arousal_max": float(rng.uniform(0.2, 1)) if acoustic else None,
                "operator_arousal_mean": float(rng.uniform(0.1, 0.6)) if acoustic else None,
                "calm_under_pressure": float(rng.uniform(0, 1)) if acoustic else None,
                "mirroring": float(rng.uniform(-0.4, 0.4)) if acoustic else None,
                "operator_f0_variability": float(rng.uniform(1, 5)) if acoustic else None,
                "emotion_model": "emotion@00000000+arousal@00000000" if acoustic else None,
                "emotion_normalisation": "population" if acoustic else None,
                "asr_model": "ggml-base.bin", "pipeline": "ru-contact-center",
                "pipeline_version": "gen", "processed_at": now,
                "_smile_hidden": smile,
            })
    sch = schema()
    by_day = {}
    for r in rows:
        by_day.setdefault(r["started_at"].date(), []).append(r)
    for day, rs in by_day.items():
        d = os.path.join(a.out, "features", "calls", f"call_date={day.isoformat()}")
        os.makedirs(d, exist_ok=True)
        cols = {f.name: [r[f.name] for r in rs] for f in sch}
        pq.write_table(pa.Table.from_pydict(cols, schema=sch),
                       os.path.join(d, "part-gen-00000.parquet"), compression="zstd")
    lines = ["call_id,rating,scale,rated_at,comment"]
    rated = 0
    for r in rows:
        if rng.random() < 0.4:
            continue
        y = (6.5 + level[r["operator_id"]] - 0.3 * (r["customer_questions"] - 2.2)
             + TRUTH["greeting"] * r["greeting"]
             + TRUTH["vague_answers"] * r["vague_answers"]
             + TRUTH["operator_interruptions"] * r["operator_interruptions"]
             + TRUTH["operator_smile_index"] * (r["_smile_hidden"] - 50) / 10
             + rng.normal(0, 1.0))
        rated_at = (r["started_at"] + dt.timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
        if rng.random() < 0.15:
            v = int(np.clip(round(y / 2.5 + 1), 1, 5))
            lines.append(f"{r['call_id']},{v},csat5,{rated_at},")
        else:
            v = int(np.clip(round(y), 0, 10))
            lines.append(f'{r["call_id"]},{v},nps10,{rated_at},"ok, thanks"')
        rated += 1
    first = rows[0]["call_id"]
    bad = {
        "unknown_call_id": "nosuchcall,5,csat5,,",
        "rating_out_of_range": f"{rows[1]['call_id']},11,nps10,,",
        "bad_rating": f"{rows[2]['call_id']},five,csat5,,",
        "bad_scale": f"{rows[3]['call_id']},4,stars,,",
        "duplicate_call_id": None,
    }
    # A duplicate of a rated call (the first rating is kept).
    dup_of = next(l for l in lines[1:]).split(",")[0]
    bad["duplicate_call_id"] = f"{dup_of},0,nps10,,"
    bad_lines = {}
    for kind, text in bad.items():
        if kind != "duplicate_call_id":
            # These calls must stay unrated for the test to know what is valid.
            lines = [l for l in lines if not l.startswith(text.split(",")[0] + ",")]
    # Recount after the removals above.
    rated = len(lines) - 1
    for kind, text in bad.items():
        lines.append(text)
        bad_lines[kind] = len(lines)
    with open(os.path.join(a.out, "ratings.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(json.dumps({"calls": len(rows), "rated": rated, "bad_lines": bad_lines,
                      "truth": TRUTH, "first_call": first}))


if __name__ == "__main__":
    main()
