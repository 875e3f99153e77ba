#!/usr/bin/env python3
"""Extract the per-question gold ledger from the writers' notes of callqa's labelled dev set.

Reads (read-only), in this folder:
  HELDOUT{N}-NOTES.md          the writers' notes (ledger section "Per-call ledger ...")
  calls_{ru,en}_heldout{N}.py  the calls (ids and turn lists, speaker = first char o/c)
  truth.csv, truth_heldout.csv call-level labels (q, c, v, u)

Writes questions.csv (`callqa eval --questions-truth`), one row per question of every call
whose parsed ledger reproduces the truth counts exactly and whose turns are all valid:
  call_id, question_idx, reply_idx (empty when unanswered), outcome (concrete / vague /
  unanswered); turns count from 0 (= utterances.idx); a call with no question has one
  row with the other cells empty. Prints a per-set table plus the mismatches.

Ledger forms read:
- entries with turn numbers (sets 11-29, every writer's notation: "Q1 turn 1 → turn 3: C",
  "Q t3 → — U", "- T5 → T7 C", "Q1 (1) … → hold (2) → concrete (3)", "1. "…" (2) → C (5)",
  several entries on one line or in one paragraph, …). Quoted passages are blanked first;
  the reply is the turn named after the last "→" before the class (outside parentheses),
  else the number right after the class ("C (5)"). Whether the notes count turns from 0 or
  from 1 is decided per set by which numbering makes more calls' turns valid.
- ledgers without turn numbers that quote the question and the reply (sets 7, 10):
  each quote is located in the call's turns (customer turn for the question, a later
  operator turn for the reply), fragments split at "…".
Sets whose notes have neither (4, 5, 6, 8, 9) are reported, not emitted.

Run: python3 tests/data/devset/ledger.py   (after make_devset.py; standard library only)
Part of callqa (MIT OR Apache-2.0).
"""
import ast
import csv
import os
import re
import sys
from collections import OrderedDict, defaultdict

DEVSET = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(DEVSET, "questions.csv")
SETS = range(4, 1 + max(int(m.group(1)) for m in (re.match(r"HELDOUT(\d+)-NOTES\.md$", f)
                                                  for f in os.listdir(DEVSET)) if m))
OUTCOME = {"C": "concrete", "V": "vague", "U": "unanswered"}

# ----------------------------------------------------------------------------- inputs


def load_calls(n):
    """full call id -> list of (speaker 'o' / 'c', text), in file order, for set n."""
    calls = OrderedDict()
    for lang in ("ru", "en"):
        path = os.path.join(DEVSET, "calls_%s_heldout%d.py" % (lang, n))
        if not os.path.exists(path):
            continue
        tree = ast.parse(open(path, encoding="utf-8").read())
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and getattr(node.targets[0], "id", None) == "CALLS"):
                for entry in ast.literal_eval(node.value):
                    call_id, turns = entry[0], entry[3]
                    calls[call_id] = [(t.split("|", 1)[0][:1], t.split("|", 1)[1])
                                      for t in turns]
    return calls


def load_truth():
    truth = {}
    conflicts = []
    for name in ("truth.csv", "truth_heldout.csv"):
        path = os.path.join(DEVSET, name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                counts = (int(row["customer_questions"]), int(row["concrete_answers"]),
                          int(row["vague_answers"]), int(row["unanswered_questions"]))
                cid = row["call_id"]
                if cid in truth and truth[cid] != counts:
                    conflicts.append((cid, truth[cid], counts, name))
                    continue
                truth[cid] = counts
    return truth, conflicts


# ----------------------------------------------------------------------------- text helpers

LEDGER_HEAD = re.compile(r"^##\s+.*ledger", re.I)
LEVEL2 = re.compile(r"^##\s")

CALL_HEAD = re.compile(
    r"^\s*(?:#{1,6}\s+|[-*+]\s+|\|\s*)?(?:\*\*|`)?\s*"
    r"(?P<lang>ru|en)_(?:h(?P<set>\d+)_)?(?P<num>\d{2})(?![0-9])(?P<rest>[A-Za-z0-9_]*)")

ITEM_START = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")


def ledger_section(lines):
    """Lines of the ledger section (from its heading to the next level-2 heading)."""
    start = None
    for i, line in enumerate(lines):
        if LEDGER_HEAD.match(line):
            start = i
            break
    if start is None:
        return None
    end = len(lines)
    for j in range(start + 1, len(lines)):
        if LEVEL2.match(lines[j]):
            end = j
            break
    return lines[start + 1:end]


def strip_quotes(text):
    """Blank out quoted passages so that numbers / letters inside them are not read."""
    out = []
    depth = 0
    for ch in text:
        if ch == "«":
            depth += 1
            if depth == 1:
                out.append("«")
            continue
        if ch == "»" and depth:
            depth -= 1
            if depth == 0:
                out.append("»")
            continue
        if depth == 0:
            out.append(ch)
    text = "".join(out)
    text = re.sub(r"“[^”]*”", "“”", text)
    text = re.sub(r"\"[^\"]*\"", "\"\"", text)
    return text


# a question's own turn, at the start of a question entry
Q_START = re.compile(
    r"(?:(?<![\w])Q\d*\s+(?:turn\s+|[tT]\s?)?\(?(?P<a>\d+)\)?(?![\d\w])"      # Q1 t3, Q turn 3, Q1 (3), Q t3
    r"|^(?:[-*+]\s+)?[tT](?P<b>\d+)\b"                                        # - T5 ..., - t3 ...
    r"|^\d+\.\s*(?:\"\"|«»|“”)?\s*\((?P<c>\d+)\b)")                          # 1. "…" (2) → …

CLASS_TOK = re.compile(
    r"\*\*(?P<b>[CVU])\*\*"
    r"|\*\*(?P<bw>concrete|vague|unanswered)\*\*"
    r"|(?<![\w\-/])(?P<l>[CVU])(?![\w\-/])"
    r"|\b(?P<w>concrete|vague|unanswered)\b", re.I)

REF = re.compile(r"(?:\bturn\s+|\b[tT])(\d+)\b")
WORD2CLS = {"concrete": "C", "vague": "V", "unanswered": "U"}


def find_class(seg):
    """First class token in seg -> (label, start, end) or None."""
    for m in CLASS_TOK.finditer(seg):
        if m.group("b"):
            return m.group("b").upper(), m.start(), m.end()
        if m.group("bw"):
            return WORD2CLS[m.group("bw").lower()], m.start(), m.end()
        if m.group("l"):
            letter = m.group("l")
            if letter != letter.upper():
                continue  # lowercase c / v / u are words or abbreviations here
            return letter, m.start(), m.end()
        if m.group("w"):
            return WORD2CLS[m.group("w").lower()], m.start(), m.end()
    return None


def paren_depth_mask(s):
    """For each char, whether it lies inside parentheses."""
    mask = []
    depth = 0
    for ch in s:
        if ch == "(":
            depth += 1
            mask.append(True)
            continue
        if ch == ")":
            mask.append(depth > 0)
            depth = max(0, depth - 1)
            continue
        mask.append(depth > 0)
    return mask


def reply_turn(seg, cls_start, cls_end):
    """The operator turn named as the reply in a question segment (text after the q turn)."""
    before = seg[:cls_start]
    arrow = before.rfind("→")
    if arrow >= 0:
        tail = before[arrow + 1:]
        mask = paren_depth_mask(tail)
        refs = [m for m in REF.finditer(tail) if not mask[m.start()]]
        if refs:
            return int(refs[-1].group(1))
        # bare number right after the arrow: "→ 2: **C**"
        m = re.match(r"\s*(\d+)\b", tail)
        if m:
            return int(m.group(1))
    # after the class: "C (5)", "concrete (3, the reason)", "C, turn 5"
    after = seg[cls_end:]
    m = re.match(r"\s*[:,]?\s*\(\s*(?:turn\s+|[tT])?(\d+)\b", after)
    if m:
        return int(m.group(1))
    if arrow >= 0:
        tail = before[arrow + 1:]
        refs = list(REF.finditer(tail))
        if refs:
            return int(refs[-1].group(1))
    return None


def split_items(block_lines):
    """Group the lines of a call block into items (list entries / paragraphs)."""
    items = []
    cur = None
    for line in block_lines:
        if not line.strip():
            if cur is not None:
                items.append(cur)
                cur = None
            continue
        if ITEM_START.match(line) or cur is None or line.lstrip().startswith("#"):
            if cur is not None:
                items.append(cur)
            cur = line.strip()
        else:
            cur += " " + line.strip()
    if cur is not None:
        items.append(cur)
    return items


def parse_item(item):
    """Questions of one item -> list of (q_turn_as_written, reply_or_None, label), problems."""
    text = strip_quotes(item)
    text = re.sub(r"\s+", " ", text)
    starts = list(Q_START.finditer(text))
    out = []
    problems = []
    for i, m in enumerate(starts):
        q = int(m.group("a") or m.group("b") or m.group("c"))
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        seg = text[m.end():end]
        bare_t = m.group("b") is not None
        if bare_t and "→" not in seg:
            continue  # "- t8 answers nothing" etc.
        found = find_class(seg)
        if not found:
            problems.append("no class for question at %d: %r" % (q, seg[:80]))
            continue
        label, cs, ce = found
        rep = None
        if label in ("C", "V"):
            rep = reply_turn(seg, cs, ce)
            if rep is None:
                problems.append("no reply turn for %s question at %d: %r" % (label, q, seg[:80]))
        out.append([q, rep, label])
    return out, problems



# ----------------------------------------------------------------------------- quote mode
# Older notes (sets 7-10) give no turn numbers but quote the customer's question and, in
# some sets, the operator's reply. Such a ledger is resolved against the call's turns: a
# quote (split at "…" / "..." / "[insertions]") must occur, fragment by fragment in order,
# in one turn of the right speaker.

QUOTE_RE = re.compile(r'"([^"]*)"|«([^»]*)»|“([^”]*)”')
Q_START_QUOTED = re.compile(r"(?<![\w])Q\d*\s*⟦(\d+)⟧")
CLASS_TOK_QUOTED = re.compile(
    r"\*\*(?P<b>[CVUcvu])\*\*"
    r"|(?<![\w\-/⟦])(?P<l>[CVUcvu])(?![\w\-/])"
    r"|\b(?P<w>concrete|vague|unanswered)\b", re.I)
MARK_RE = re.compile(r"\[\[[A-Z]+:([^\]]*)\]\]")


def norm_text(s):
    s = MARK_RE.sub(r"\1", s)
    s = s.lower().replace("ё", "е")
    s = re.sub(r"[^\w]+", " ", s)
    return " ".join(s.split())


def quote_fragments(q):
    parts = re.split(r"…|\.\.\.|\[[^\]]*\]", q)
    return [f for f in (norm_text(p) for p in parts) if f]


def quote_in(frags, text):
    t = " " + norm_text(text) + " "
    pos = 0
    for f in frags:
        i = t.find(f, pos)
        if i < 0:
            return False
        pos = i + len(f)
    return True


def find_turn(quote, turns, speaker, after):
    frags = quote_fragments(quote)
    if not frags:
        return None
    for i in range(after + 1, len(turns)):
        if turns[i][0] == speaker and quote_in(frags, turns[i][1]):
            return i
    return None


def parse_item_quoted(item, turns, prev_q):
    """Questions of one item of a quote-only ledger, resolved to 0-based turns."""
    quotes = []

    def sub(m):
        quotes.append(m.group(m.lastindex))
        return "⟦%d⟧" % (len(quotes) - 1)

    text = re.sub(r"\s+", " ", QUOTE_RE.sub(sub, item))
    starts = list(Q_START_QUOTED.finditer(text))
    out = []
    problems = []
    for i, m in enumerate(starts):
        qquote = quotes[int(m.group(1))]
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        seg = text[m.end():end]
        found = None
        for cm in CLASS_TOK_QUOTED.finditer(seg):
            lab = cm.group("b") or cm.group("l") or WORD2CLS[cm.group("w").lower()]
            found = (lab.upper(), cm.start(), cm.end())
            break
        if not found:
            problems.append("no class for question %r" % qquote[:50])
            continue
        label, cs, ce = found
        qt = find_turn(qquote, turns, "c", prev_q)
        if qt is None:
            problems.append("question quote not found in a customer turn: %r" % qquote[:60])
            continue
        prev_q = qt
        rt = None
        if label in ("C", "V"):
            before = seg[:cs]
            arrow = before.rfind("→")
            cand = re.findall(r"⟦(\d+)⟧", before[arrow + 1:]) if arrow >= 0 else []
            if not cand:
                mm = re.match(r"\s*[:,]?\s*⟦(\d+)⟧", seg[ce:])
                cand = [mm.group(1)] if mm else []
            if not cand:
                problems.append("no quoted reply for %s question %r" % (label, qquote[:50]))
                continue
            rquote = quotes[int(cand[-1])]
            rt = find_turn(rquote, turns, "o", qt)
            if rt is None:
                problems.append("reply quote not found in a later operator turn: %r" % rquote[:60])
                continue
        out.append([qt, rt, label])
    return out, problems, prev_q


def parse_notes(n, calls):
    """-> dict full id -> {"questions": [...], "problems": [...]}, section_found."""
    path = os.path.join(DEVSET, "HELDOUT%d-NOTES.md" % n)
    if not os.path.exists(path):
        return None, "no notes file"
    lines = open(path, encoding="utf-8").read().split("\n")
    sec = ledger_section(lines)
    if sec is None:
        return None, "no ledger section"
    # split into call blocks
    blocks = []
    cur = None
    for line in sec:
        m = CALL_HEAD.match(line)
        if m:
            cid = resolve_id(m, n, calls)
            if cur is not None:
                blocks.append(cur)
            cur = [cid, [line]]
            continue
        if cur is not None:
            cur[1].append(line)
    if cur is not None:
        blocks.append(cur)
    result = OrderedDict()
    for cid, blines in blocks:
        if cid is None:
            continue
        # drop the call id itself from the head line so its digits are not read
        mm = CALL_HEAD.match(blines[0])
        head = blines[0][:mm.start("lang")] + "CALL" + blines[0][mm.end():]
        items = split_items([head] + blines[1:])
        qs = []
        probs = []
        for it in items:
            got, p = parse_item(it)
            qs.extend(got)
            probs.extend(p)
        entry = result.setdefault(cid, {"questions": [], "problems": []})
        entry["questions"].extend(qs)
        entry["problems"].extend(probs)
    if any(e["questions"] for e in result.values()):
        return result, "turn numbers"
    # no turn numbers anywhere in the ledger: resolve quoted questions / replies
    result = OrderedDict()
    for cid, blines in blocks:
        if cid is None:
            continue
        mm = CALL_HEAD.match(blines[0])
        head = blines[0][:mm.start("lang")] + "CALL" + blines[0][mm.end():]
        entry = result.setdefault(cid, {"questions": [], "problems": []})
        prev_q = entry["questions"][-1][0] if entry["questions"] else 0
        for it in split_items([head] + blines[1:]):
            got, p, prev_q = parse_item_quoted(it, calls[cid], prev_q)
            entry["questions"].extend(got)
            entry["problems"].extend(p)
    return result, "quotes"


def resolve_id(m, n, calls):
    lang, num = m.group("lang"), m.group("num")
    sset = m.group("set")
    if sset is not None and int(sset) != n:
        return None
    prefix = "%s_h%d_%s" % (lang, n, num)
    for cid in calls:
        if cid == prefix or cid.startswith(prefix + "_"):
            return cid
    return None


# ----------------------------------------------------------------------------- verification


def check_call(qs, turns, base):
    """Validate turns with the given base (0 or 1). -> (ok, normalised list, reason)."""
    speakers = [sp for sp, _ in turns]
    norm = []
    for q, r, lab in qs:
        qt = q - base
        rt = None if r is None else r - base
        if not (0 <= qt < len(speakers)) or speakers[qt] != "c":
            return False, None, "q turn %d (as written %d) is not a customer turn" % (qt, q)
        if lab in ("C", "V"):
            if rt is None:
                return False, None, "%s without reply turn (q %d)" % (lab, qt)
            if not (qt < rt < len(speakers)) or speakers[rt] != "o":
                return False, None, "reply turn %d (as written %d) of q %d is not a later operator turn" % (rt, r, qt)
        norm.append((qt, rt if lab != "U" else None, lab))
    if len(set(x[0] for x in norm)) != len(norm):
        return False, None, "duplicate question turn"
    return True, norm, ""


def counts_of(qs):
    return (len(qs), sum(1 for x in qs if x[2] == "C"), sum(1 for x in qs if x[2] == "V"),
            sum(1 for x in qs if x[2] == "U"))


def main():
    truth, conflicts = load_truth()
    gold = []
    table = []
    mismatches = []
    unparsed_sets = []
    for n in SETS:
        calls = load_calls(n)
        parsed, mode = parse_notes(n, calls)
        if parsed is None:
            why = {"no notes file": "no notes file",
                   "no ledger section": "no ledger section (prose / count tables only)"}[mode]
            table.append((n, len(calls), 0, 0, None, "not parsed (see below)"))
            unparsed_sets.append((n, why))
            continue
        if not any(e["questions"] for e in parsed.values()):
            why = ("ledger has no turn numbers and no Q \"question\" -> \"reply\" quotes "
                   "(question quotes / descriptions only: reply turns not recoverable)")
            table.append((n, len(calls), 0, 0, None, "not parsed (see below)"))
            unparsed_sets.append((n, why))
            continue
        # turn base: the one under which more calls have all-valid turns
        score = {}
        for base in (0, 1):
            score[base] = sum(1 for cid, e in parsed.items()
                              if e["questions"] and check_call(e["questions"], calls[cid], base)[0])
        base = 0 if score[0] >= score[1] or mode == "quotes" else 1
        with_ledger = 0
        verified = 0
        for cid in calls:
            e = parsed.get(cid)
            if not e or not e["questions"]:
                t = truth.get(cid)
                if e is not None and t is not None and t[0] == 0 and not e["problems"]:
                    # a call without questions: an empty ledger reproduces q = 0
                    with_ledger += 1
                    verified += 1
                    gold.append(OrderedDict([("call_id", cid), ("set", n), ("q_turn", None),
                                             ("reply_turn", None), ("label", None)]))
                    continue
                mismatches.append((n, cid, "no parsed ledger" + (
                    "; " + "; ".join(e["problems"]) if e and e["problems"] else "")))
                continue
            with_ledger += 1
            t = truth.get(cid)
            if t is None:
                mismatches.append((n, cid, "no truth row"))
                continue
            c = counts_of(e["questions"])
            ok, norm, reason = check_call(e["questions"], calls[cid], base)
            if c != t:
                mismatches.append((n, cid, "counts q c v u %s != truth %s%s" % (
                    " ".join(map(str, c)), " ".join(map(str, t)),
                    ("; " + "; ".join(e["problems"])) if e["problems"] else "")))
                continue
            if not ok:
                mismatches.append((n, cid, "invalid turns: " + reason))
                continue
            verified += 1
            for qt, rt, lab in sorted(norm):
                gold.append(OrderedDict([("call_id", cid), ("set", n), ("q_turn", qt),
                                         ("reply_turn", rt), ("label", lab)]))
        table.append((n, len(calls), with_ledger, verified, base,
                      "turn numbers" if mode == "turn numbers" else
                      "quotes matched to the turns (no turn numbers)"))

    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["call_id", "question_idx", "reply_idx", "outcome"])
        for g in gold:
            w.writerow([g["call_id"], "" if g["q_turn"] is None else g["q_turn"],
                        "" if g["reply_turn"] is None else g["reply_turn"],
                        OUTCOME.get(g["label"], "")])

    print("per set: calls in set, calls with a parsed ledger, calls whose ledger reproduces the")
    print("truth counts (q c v u) with valid turns; base = how the notes number turns (0 / 1)\n")
    print("%-5s %6s %7s %9s %5s  %s" % ("set", "calls", "ledger", "verified", "base", "ledger form"))
    tot = [0, 0, 0]
    tot11 = [0, 0, 0]
    for n, nc, nl, nv, base, note in table:
        print("%-5d %6d %7d %9d %5s  %s" % (n, nc, nl, nv, "-" if base is None else base, note))
        tot = [tot[0] + nc, tot[1] + nl, tot[2] + nv]
        if n >= 11:
            tot11 = [tot11[0] + nc, tot11[1] + nl, tot11[2] + nv]
    print("all   %6d %7d %9d" % tuple(tot))
    print("11-   %6d %7d %9d  (%.1f %% verified)" % (tot11[0], tot11[1], tot11[2],
                                                  100.0 * tot11[2] / max(1, tot11[0])))
    print("questions emitted: %d (calls: %d) -> %s" % (
        sum(g["q_turn"] is not None for g in gold), len(set(g["call_id"] for g in gold)), OUT))
    if conflicts:
        print("\ntruth.csv / truth_heldout.csv conflicts:")
        for c in conflicts:
            print("  ", c)
    if unparsed_sets:
        print("\nsets not parsed (all their calls unverified):")
        for n, why in unparsed_sets:
            print("  set %-3d %s" % (n, why))
    print("\nmismatches in parsed sets (%d calls):" % len(mismatches))
    for n, cid, why in mismatches:
        print("  set %-3d %-50s %s" % (n, cid, why))


if __name__ == "__main__":
    main()
