#!/usr/bin/env python3
"""Generate N synthetic stereo 8 kHz µ-law calls for benchmarks (seeded).

    python3 benches/gen_calls.py N OUT_DIR [--seed 1] [--lang en|ru]

English calls are spoken by espeak-ng (two voices); Russian ones (`--lang ru`) by
Festival's recorded Russian voice (`msu_ru_nsh_clunits`, the only one Debian packages, so
both sides have the same voice), with numbers written out in words as a speaker says them.

Each call: an operator greeting, 4-9 exchanges with realistic gaps (0.2-1.5 s), an
occasional hold pause (6-12 s) and an occasional interruption, a closing. Calls come out
30-90 s long, about a third of each channel being speech.
"""
import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

GREET = ["Good morning, thank you for calling Acme Bank, my name is Anna. How can I help you?",
         "Hello, City Power, this is Mark speaking. What can I do for you today?",
         "Good afternoon, you have reached Acme Telecom, my name is Julia."]
CUSTOMER = ["My card was blocked yesterday and I cannot pay for anything.",
            "There is no electricity in my flat since this morning.",
            "When will the technician arrive at my address?",
            "I was charged twice for the same order last week.",
            "How much does the premium plan cost per month?",
            "I would like to change the address for my deliveries.",
            "Could you tell me why my internet is so slow in the evening?",
            "I have been waiting for my parcel for ten days already."]
OPERATOR = ["Let me check your account, one moment please.",
            "I can see the problem, the team will fix it today before six p m.",
            "Your refund of forty dollars will arrive within five working days.",
            "The premium plan costs twenty dollars per month with unlimited data.",
            "I have updated the address, you will receive a confirmation by email.",
            "The technician will come tomorrow between ten and twelve.",
            "We are working on it, please wait for further information."]
CLOSE = ["Thank you for calling. Please stay on the line to rate our conversation. Goodbye.",
         "Is there anything else I can help you with? Thank you, have a nice day.",
         "Thank you for your call, goodbye."]

RU = {
    "greet": ["Добрый день, банк Альфа-Сервис, меня зовут Анна. Чем могу помочь?",
              "Здравствуйте, городская энергосбытовая компания, оператор Марк. Слушаю вас.",
              "Добрый вечер, вы позвонили в компанию Телеком Плюс, меня зовут Юлия."],
    "customer": ["Вчера заблокировали мою карту, и я не могу ничего оплатить.",
                 "С утра в квартире нет электричества.",
                 "Когда мастер приедет по моему адресу?",
                 "На прошлой неделе с меня два раза списали деньги за один заказ.",
                 "Сколько стоит тариф премиум в месяц?",
                 "Я хочу поменять адрес доставки.",
                 "Подскажите, почему вечером так медленно работает интернет?",
                 "Я уже десять дней жду свою посылку."],
    "operator": ["Сейчас проверю ваш счёт, одну минуту, пожалуйста.",
                 "Я вижу проблему, бригада устранит её сегодня до шести вечера.",
                 "Возврат сорока рублей придёт в течение пяти рабочих дней.",
                 "Тариф премиум стоит триста рублей в месяц с безлимитным интернетом.",
                 "Я обновила адрес, подтверждение придёт вам на почту.",
                 "Мастер приедет завтра с десяти до двенадцати.",
                 "Мы работаем над этим, пожалуйста, ожидайте информации."],
    "close": ["Спасибо за звонок. Оставайтесь на линии, чтобы оценить наш разговор. До свидания.",
              "Могу ещё чем-нибудь помочь? Спасибо, хорошего дня.",
              "Спасибо за обращение, до свидания."],
    "thanks": "Спасибо.",
    "voices": {"operator": "festival:msu_ru_nsh_clunits", "customer": "festival:msu_ru_nsh_clunits"},
}
EN = {"greet": GREET, "customer": CUSTOMER, "operator": OPERATOR, "close": CLOSE,
      "thanks": "Thank you."}


def spec(rng, words=EN):
    turns = [{"speaker": "operator", "text": rng.choice(words["greet"])}]
    for _ in range(rng.randint(4, 9)):
        turns.append({"speaker": "customer", "text": rng.choice(words["customer"]), "gap": rng.uniform(0.2, 1.5)})
        gap = rng.uniform(0.2, 1.5)
        if rng.random() < 0.15:
            gap = -rng.uniform(1.0, 2.0)  # the operator interrupts
        turns.append({"speaker": "operator", "text": rng.choice(words["operator"]), "gap": gap})
        if rng.random() < 0.2:
            turns.append({"speaker": "operator", "text": rng.choice(words["operator"]), "gap": rng.uniform(6, 12)})
    turns.append({"speaker": "customer", "text": words["thanks"], "gap": 0.5})
    turns.append({"speaker": "operator", "text": rng.choice(words["close"]), "gap": 0.5})
    out = {"rate": 8000, "encoding": "mu-law", "lead_s": rng.uniform(0.3, 2.0), "tail_s": 1.0, "turns": turns}
    if "voices" in words:
        out["voices"] = words["voices"]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lang", choices=["en", "ru"], default="en")
    a = ap.parse_args()
    words = RU if a.lang == "ru" else EN
    rng = random.Random(a.seed)
    a.out.mkdir(parents=True, exist_ok=True)
    synth = Path(__file__).resolve().parent.parent / "scripts" / "synth_call.py"
    for i in range(a.n):
        s = a.out / f"call_{i:05d}.spec.json"
        s.write_text(json.dumps(spec(rng, words), ensure_ascii=False))
        wav = a.out / f"call_{i:05d}.wav"
        truth = a.out / f"call_{i:05d}.truth.json"
        if not wav.exists() or not truth.exists():
            subprocess.run([sys.executable, str(synth), str(s), str(wav), "--truth", str(truth)], check=True)
        s.unlink()


if __name__ == "__main__":
    main()
