#!/usr/bin/env python3
"""Checks a blind held-out set N (calls_ru_heldoutN.py, calls_en_heldoutN.py; N = 5, 6 or 7).

Verifies, per call: a unique id with the language's prefix, the style, 8-20 turns in the
turn syntax of make_devset.py, a label string of 8 ints (five 0/1 elements, q >= c + v)
with complaint types from service/supervisor/formal/repeat/churn, valid [[KIND:value]]
marks whose values survive un-marking as make_devset.py does it, and the personal data
itself: Luhn for cards (13-19 digits), SNILS and INN checksums, passports of 10 digits,
phones of 10-12 digits (also spelled out in words; a UK trunk "(0)" after +44 is not
counted), e-mails (also spoken), KEEP values that
are never 13+ digits. It also checks the writer's own closing conventions (t = 0: no
operator thanks anywhere; s = 0: no survey wording; f = 0: no goodbye; g = 0: no greeting
word in the first operator turn or a first turn at >= 15 s) and that "asr" calls are
written lower-case without punctuation. Prints a summary per language.
Run: python3 check_heldout.py N   (exit status 1 on any error; check_heldout5.py and
check_heldout6.py run it for their set)
"""
import importlib.util
import os
import re
import sys
from collections import Counter

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))

MARK = re.compile(r"\[\[([A-Z]+):(.*?)\]\]")
KINDS = {"PHONE", "CARD", "EMAIL", "PASSPORT", "SNILS", "INN", "KEEP"}
TYPES = {"service", "supervisor", "formal", "repeat", "churn"}
TURN = re.compile(r"^([oc])(\+\d+(?:\.\d+)?|~\d+(?:\.\d+)?|\^|@\d+(?:\.\d+)?)?\|(.+)$", re.S)

errors = []
SET = int(sys.argv[1]) if len(sys.argv) > 1 else 6


def err(cid, msg):
    errors.append(f"{cid}: {msg}")


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.CALLS


# --- the un-marking of make_devset.py (same algorithm) ---------------------------------
# The transcript text exactly as make_devset.py builds it (marks removed, "asr" style
# lowercased without punctuation), with the (kind, value) marks in order.
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
from make_devset import asr, unmark  # noqa: E402


# --- checksums -------------------------------------------------------------------------
def luhn_ok(d):
    s = 0
    for i, ch in enumerate(reversed(d)):
        x = int(ch)
        if i % 2 == 1:
            x *= 2
            if x > 9:
                x -= 9
        s += x
    return s % 10 == 0


def snils_ok(d):
    if len(d) != 11:
        return False
    s = sum(int(c) * (9 - i) for i, c in enumerate(d[:9]))
    if s < 100:
        c = s
    elif s in (100, 101):
        c = 0
    else:
        c = s % 101
        c = 0 if c == 100 else c
    return int(d[9:]) == c


def inn_ok(d):
    def chk(ds, w):
        return sum(int(a) * b for a, b in zip(ds, w)) % 11 % 10

    if len(d) == 10:
        return chk(d, [2, 4, 10, 3, 5, 9, 4, 6, 8]) == int(d[9])
    if len(d) == 12:
        return (chk(d, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == int(d[10])
                and chk(d, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == int(d[11]))
    return False


# --- numbers spelled out in words (as Whisper may write spoken digits) -----------------
RU_NUM = {
    "ноль": (0, 1), "один": (1, 1), "два": (2, 1), "три": (3, 1), "четыре": (4, 1),
    "пять": (5, 1), "шесть": (6, 1), "семь": (7, 1), "восемь": (8, 1), "девять": (9, 1),
    "десять": (10, 2), "одиннадцать": (11, 2), "двенадцать": (12, 2), "тринадцать": (13, 2),
    "четырнадцать": (14, 2), "пятнадцать": (15, 2), "шестнадцать": (16, 2),
    "семнадцать": (17, 2), "восемнадцать": (18, 2), "девятнадцать": (19, 2),
    "двадцать": (20, 2), "тридцать": (30, 2), "сорок": (40, 2), "пятьдесят": (50, 2),
    "шестьдесят": (60, 2), "семьдесят": (70, 2), "восемьдесят": (80, 2), "девяносто": (90, 2),
    "сто": (100, 3), "двести": (200, 3), "триста": (300, 3), "четыреста": (400, 3),
    "пятьсот": (500, 3), "шестьсот": (600, 3), "семьсот": (700, 3), "восемьсот": (800, 3),
    "девятьсот": (900, 3),
}
EN_DIGIT = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
            "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}


def spelled_digits(value):
    """The digit string a spoken number sequence stands for, or None."""
    words = value.lower().replace("-", " ").split()
    if words and all(w in EN_DIGIT or w in ("double", "triple") for w in words):
        out, rep = "", 1
        for w in words:
            if w == "double":
                rep = 2
            elif w == "triple":
                rep = 3
            else:
                out += EN_DIGIT[w] * rep
                rep = 1
        return out
    if words and all(w in RU_NUM for w in words):
        groups, cur, first, last_order, last_teen = [], None, 0, 9, False
        for w in words:
            val, order = RU_NUM[w]
            if cur is not None and order < last_order and not last_teen:
                cur += val
            else:
                if cur is not None:
                    groups.append((cur, first))
                cur, first = val, order
            last_order, last_teen = order, 10 <= val <= 19
        groups.append((cur, first))
        return "".join(str(n).zfill(3) if o == 3 else str(n) for n, o in groups)
    return None


def digits(v):
    return re.sub(r"\D", "", v)


def check_mark(cid, kind, value):
    d = digits(value)
    if kind == "CARD":
        if not (13 <= len(d) <= 19) or re.search(r"[^\d\s-]", value):
            err(cid, f"CARD {value!r}: not 13-19 digits")
        elif not luhn_ok(d):
            err(cid, f"CARD {value!r}: Luhn fails")
    elif kind == "SNILS":
        if not snils_ok(d):
            err(cid, f"SNILS {value!r}: checksum fails")
    elif kind == "INN":
        if not inn_ok(d):
            err(cid, f"INN {value!r}: checksum fails")
    elif kind == "PASSPORT":
        if len(d) != 10 or re.search(r"[^\d\s]", value):
            err(cid, f"PASSPORT {value!r}: not series + number of 10 digits")
    elif kind == "PHONE":
        # "+44 (0)20 7946 0321": the bracketed trunk zero is not dialled after +44
        s = digits(value.replace("(0)", "")) if d else spelled_digits(value)
        if s is None:
            err(cid, f"PHONE {value!r}: neither digits nor spoken digits")
        elif not (10 <= len(s) <= 12):
            err(cid, f"PHONE {value!r}: {len(s)} digits ({s})")
    elif kind == "EMAIL":
        low = value.lower()
        if not (re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", low)
                or re.search(r"\b(at|собака)\b", low) and re.search(r"\b(dot|точка)\b", low)):
            err(cid, f"EMAIL {value!r}: neither an address nor a spoken one")
    elif kind == "KEEP":
        if len(d) >= 13:
            err(cid, f"KEEP {value!r}: 13+ digits would read as a card")
        if not d:
            err(cid, f"KEEP {value!r}: no digits")


# --- the writer's closing conventions ---------------------------------------------------
THANKS = re.compile(r"спасиб|благодар|\bthank|\bthanks\b|\bcheers\b", re.I)
SURVEY = re.compile(r"\bоцен|\bопрос|\bанкет|\brate\b|\brating\b|survey|feedback", re.I)
FAREWELL = re.compile(r"до свидания|всего (доброго|хорошего)|хорошего (дня|вечера)|до встречи|"
                      r"\bbye\b|goodbye|have a (good|great|lovely|nice)|take care|see you", re.I)
GREETING = re.compile(r"здравствуй|добр(ый|ое|ого) (день|утро|вечер)|привет|"
                      r"\bhello\b|\bhi\b|good (morning|afternoon|evening)|\bhey\b", re.I)


def check_call(call, lang, seen):
    if not (isinstance(call, tuple) and len(call) == 4):
        err(repr(call)[:40], "not a 4-tuple")
        return None
    cid, style, labels, turns = call
    if cid in seen:
        err(cid, "duplicate call id")
    seen.add(cid)
    if not re.fullmatch(r"%s_h%d_\d\d_[a-z0-9_]+" % (lang, SET), cid):
        err(cid, f"id does not look like {lang}_h{SET}_NN_name")
    if style not in ("punct", "asr"):
        err(cid, f"style {style!r}")
    if not 8 <= len(turns) <= 20:
        err(cid, f"{len(turns)} turns (want 8-20)")
    head, _, types = labels.partition("|")
    parts = head.split()
    if len(parts) != 8 or not all(p.isdigit() for p in parts):
        err(cid, f"label {labels!r}: not 8 ints")
        return None
    g, i, t, s, f, q, c, v = map(int, parts)
    if any(x not in (0, 1) for x in (g, i, t, s, f)):
        err(cid, "element labels must be 0/1")
    if q < c + v:
        err(cid, f"q={q} < c+v={c + v}")
    tlist = [x.strip() for x in types.split(",") if x.strip()]
    if any(x not in TYPES for x in tlist) or len(set(tlist)) != len(tlist):
        err(cid, f"complaint types {tlist}")
    op_texts, first_op = [], None
    for k, spec in enumerate(turns):
        m = TURN.match(spec)
        if not m:
            err(cid, f"turn {k}: bad syntax {spec[:40]!r}")
            continue
        spk, mod, raw = m.groups()
        if mod and mod.startswith("^") and k == 0:
            err(cid, "a backchannel cannot open the call")
        for kind, value in MARK.findall(raw):
            if kind not in KINDS:
                err(cid, f"turn {k}: mark kind {kind}")
            else:
                check_mark(cid, kind, value)
        if "[[" in MARK.sub("", raw) or "]]" in MARK.sub("", raw):
            err(cid, f"turn {k}: unbalanced mark")
        text, marks = unmark(raw, style)
        for _, val in marks:
            if val not in text:
                err(cid, f"turn {k}: mark value {val!r} lost in un-marking")
        bare = MARK.sub(" ", raw)
        if style == "asr" and asr(bare) != re.sub(r"\s+", " ", bare).strip():
            err(cid, f"turn {k}: asr text not lower-case / unpunctuated: {bare[:50]!r}")
        if spk == "o":
            op_texts.append(text)
            if first_op is None:
                first_op = (mod or "", text)
    ops = " ".join(op_texts)
    if t == 0 and THANKS.search(ops):
        err(cid, "t=0 but the operator thanks somewhere")
    if t == 1 and not THANKS.search(" ".join(op_texts[-2:])):
        err(cid, "t=1 but no thanks in the last two operator turns")
    if s == 0 and SURVEY.search(ops):
        err(cid, "s=0 but survey wording present")
    if s == 1 and not SURVEY.search(" ".join(op_texts[-2:])):
        err(cid, "s=1 but no survey in the last two operator turns")
    if f == 0 and FAREWELL.search(ops):
        err(cid, "f=0 but a goodbye is present")
    if f == 1 and not FAREWELL.search(" ".join(op_texts[-2:])):
        err(cid, "f=1 but no goodbye in the last two operator turns")
    if first_op is not None:
        late = first_op[0].startswith("@") and float(first_op[0][1:]) >= 15
        greets = bool(GREETING.search(first_op[1]))
        if g == 1 and (late or not greets):
            err(cid, "g=1 but the first operator turn has no greeting in the window")
        if g == 0 and greets and not late:
            err(cid, "g=0 but the first operator turn greets in time")
    return cid, style, (g, i, t, s, f, q, c, v), tlist, turns


def summary(lang, rows):
    styles = Counter(r[1] for r in rows)
    el = [sum(r[2][k] for r in rows) for k in range(5)]
    q = sum(r[2][5] for r in rows)
    c = sum(r[2][6] for r in rows)
    v = sum(r[2][7] for r in rows)
    types = Counter(t for r in rows for t in r[3])
    comp = sum(1 for r in rows if r[3])
    kinds = Counter()
    pii_calls = set()
    for r in rows:
        for spec in r[4]:
            for kind, _ in MARK.findall(spec):
                kinds[kind] += 1
                if kind != "KEEP":
                    pii_calls.add(r[0])
    print(f"{lang}: {len(rows)} calls ({styles['punct']} punct, {styles['asr']} asr); "
          f"complaint calls {comp}, non-complaint {len(rows) - comp}; "
          f"types {dict(sorted(types.items()))}")
    print(f"  elements present g/i/t/s/f = {el[0]}/{el[1]}/{el[2]}/{el[3]}/{el[4]} of {len(rows)}")
    print(f"  questions {q}: concrete {c}, vague {v}, unanswered {q - c - v}")
    print(f"  marks {dict(sorted(kinds.items()))}; calls with personal data {len(pii_calls)}")
    return styles


def main():
    seen = set()
    for lang, name in (("ru", f"calls_ru_heldout{SET}"), ("en", f"calls_en_heldout{SET}")):
        calls = load(name)
        rows = [r for r in (check_call(c, lang, seen) for c in calls) if r]
        if len(calls) != 16:
            err(name, f"{len(calls)} calls, want 16")
        styles = summary(lang, rows)
        if styles["punct"] != 8 or styles["asr"] != 8:
            err(name, f"styles {dict(styles)}, want 8 + 8")
    if errors:
        print("\n".join(["ERRORS:"] + errors))
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
