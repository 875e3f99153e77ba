#!/usr/bin/env python3
"""Synthetic contact-centre archive for `callqa report` / `callqa sql` (tests/e2e_report.rs,
benches/report_bench.sh).

Writes, under OUT:
  transcripts/<call_id>.json   one Russian call per file, the transcript JSON that
                               `callqa analyze` reads (speaker turns with times)
  ratings.csv                  call_id,rating,scale,rated_at for about 60 % of the calls
  calls_meta.csv               call_id,channel,queue,offered_at,answered_at,abandoned_at
                               (voice, two queues; some contacts abandoned, some slow)
and prints one JSON line: {"calls", "rated", "days", "operators", "first_day"}.

Operators differ in habits (greeting, interruptions, vague answers, long pauses), so the
scorecards, heat map and drivers have something to show. Calls start between 08:00 and
20:00 UTC. Nothing here needs the network or Whisper: `callqa analyze` turns the JSON into
the same calls/ and utterances/ Parquet as `callqa run`.

Usage: gen_calls.py OUT [--calls 300] [--days 10] [--operators 8] [--seed 7]
"""
import argparse
import datetime as dt
import json
import os
import random

UTC = dt.timezone.utc

GREETINGS = ["Здравствуйте!", "Добрый день!", "Доброе утро!"]
INTROS = ["Компания «Ромашка», меня зовут {name}.", "Меня зовут {name}, компания «Ромашка»."]
NAMES = ["Анна", "Олег", "Мария", "Иван", "Елена", "Сергей", "Ольга", "Павел", "Нина", "Денис"]
QUESTIONS = [
    ("Когда придёт курьер?", "Курьер приедет завтра с десяти до двух.", "Ожидайте, в ближайшее время приедет."),
    ("Сколько стоит подключение?", "Подключение стоит пятьсот рублей.", "Это зависит от разных условий."),
    ("Где находится ближайший офис?", "Ближайший офис на улице Ленина, дом пять.", "Офисов много, посмотрите на сайте."),
    ("Почему мне пришёл такой большой счёт?", "В октябре начисление было за два месяца, восемьсот рублей.", "Разберёмся, ожидайте."),
    ("Можно ли перенести доставку?", "Да, перенесла доставку на пятницу.", "Постараемся что-нибудь сделать."),
]
FILLER_CUSTOMER = ["Понятно.", "Хорошо, спасибо.", "Ясно.", "Ага, понял."]


def call(rng, call_id, op, habits, started):
    """One call: a list of utterances and the ground truth of its elements."""
    utts = []
    t = rng.uniform(0.3, 1.5)

    def say(speaker, text, dur=None):
        nonlocal t
        d = dur if dur is not None else max(1.2, 0.075 * len(text))
        utts.append({"speaker": speaker, "start": round(t, 2), "end": round(t + d, 2), "text": text})
        t += d + rng.uniform(0.3, 1.0)

    opening = []
    if rng.random() < habits["greet"]:
        opening.append(rng.choice(GREETINGS))
    if rng.random() < habits["intro"]:
        opening.append(rng.choice(INTROS).format(name=habits["name"]))
    opening.append("Чем могу помочь?")
    say("operator", " ".join(opening))
    for _ in range(1 + int(rng.random() < 0.6) + int(rng.random() < 0.2)):
        q, concrete, vague = rng.choice(QUESTIONS)
        say("customer", q)
        if rng.random() < habits["pause"]:
            say("operator", "Одну минуту, посмотрю.")
            t += rng.uniform(6, 14)  # a long pause (>= 5 s of nobody talking)
        answer = vague if rng.random() < habits["vague"] else concrete
        if rng.random() < habits["interrupt"] and len(utts) > 0 and utts[-1]["speaker"] == "customer":
            # The operator starts 1.5 s before the customer's question ends.
            last = utts[-1]
            last["end"] = round(last["end"] + 2.5, 2)
            t = last["end"] - 1.5
        say("operator", answer)
        say("customer", rng.choice(FILLER_CUSTOMER))
    closing = []
    if rng.random() < habits["thanks"]:
        closing.append("Спасибо за обращение!")
    if rng.random() < habits["survey"]:
        closing.append("Пожалуйста, оставайтесь на линии и оцените качество обслуживания.")
    if rng.random() < 0.9:
        closing.append("Всего доброго, до свидания!")
    if closing:
        say("operator", " ".join(closing))
    say("customer", "До свидания.")
    return {
        "call_id": call_id,
        "operator_id": op,
        "started_at": started.isoformat().replace("+00:00", "Z"),
        "language": "ru",
        "utterances": utts,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--days", type=int, default=10)
    ap.add_argument("--operators", type=int, default=8)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    ops = [f"op{i:02d}" for i in range(a.operators)]
    habits = {
        op: {
            "name": NAMES[i % len(NAMES)],
            "greet": rng.uniform(0.55, 1.0),
            "intro": rng.uniform(0.5, 1.0),
            "thanks": rng.uniform(0.6, 1.0),
            "survey": rng.uniform(0.2, 0.9),
            "vague": rng.uniform(0.05, 0.5),
            "interrupt": rng.uniform(0.0, 0.4),
            "pause": rng.uniform(0.0, 0.3),
        }
        for i, op in enumerate(ops)
    }
    first = dt.datetime(2026, 11, 2, tzinfo=UTC)
    tdir = os.path.join(a.out, "transcripts")
    os.makedirs(tdir, exist_ok=True)
    ratings = ["call_id,rating,scale,rated_at"]
    meta = ["call_id,channel,queue,offered_at,answered_at,abandoned_at"]
    fmt = lambda x: x.isoformat().replace("+00:00", "Z")
    per_day = max(1, a.calls // a.days)
    for n in range(a.calls):
        day = min(n // per_day, a.days - 1)
        op = ops[rng.randrange(len(ops))]
        started = first + dt.timedelta(days=day, seconds=rng.randrange(8 * 3600, 20 * 3600))
        cid = f"c{day:03d}-{n:06d}"
        c = call(rng, cid, op, habits[op], started)
        with open(os.path.join(tdir, cid + ".json"), "w", encoding="utf-8") as f:
            json.dump(c, f, ensure_ascii=False)
        u = c["utterances"]
        ops_text = " ".join(x["text"] for x in u if x["speaker"] == "operator")
        vague = sum(1 for q in QUESTIONS if q[2] in ops_text)
        y = 7.5 - 1.2 * vague + (0.8 if "оцените" in ops_text else 0) + rng.gauss(0, 1.0)
        if rng.random() < 0.6:
            ratings.append(f"{cid},{int(min(10, max(0, round(y))))},nps10,{fmt(started + dt.timedelta(minutes=10))}")
        queue = "sales" if rng.random() < 0.5 else "support"
        wait = rng.expovariate(1 / 14.0)
        offered = started - dt.timedelta(seconds=wait)
        meta.append(f"{cid},voice,{queue},{fmt(offered)},{fmt(started)},")
        if rng.random() < 0.08:
            # A contact that gave up in the queue (no call row, still counts for SL).
            ab = f"ab{day:03d}-{n:06d}"
            off = started + dt.timedelta(seconds=rng.randrange(60, 600))
            meta.append(f"{ab},voice,{queue},{fmt(off)},,{fmt(off + dt.timedelta(seconds=rng.randrange(2, 90)))}")
    with open(os.path.join(a.out, "ratings.csv"), "w") as f:
        f.write("\n".join(ratings) + "\n")
    with open(os.path.join(a.out, "calls_meta.csv"), "w") as f:
        f.write("\n".join(meta) + "\n")
    print(json.dumps({"calls": a.calls, "rated": len(ratings) - 1, "days": a.days,
                      "operators": len(ops), "first_day": first.date().isoformat()}))


if __name__ == "__main__":
    main()
