"""Features of a customer utterance for callqa's learned question detector.

The Python twin of crates/callqa-rules/src/question_model.rs: the feature strings built here
are what models/question-detector/model.json was trained on, and the Rust inference rebuilds
them byte for byte (its unit tests check the 12 test vectors of model.json). Change one,
change both, and retrain.

normalize(text): lowercase, 'ё'->'е', typed placeholders ([PHONE] ...) -> ' pii ', every
digit run -> '0', every char that is not a Unicode letter/digit/underscore/space -> ' ',
whitespace collapsed, stripped.  (Python str.lower / \\w semantics.)
"""
import re

NBITS = 18
DIM = 1 << NBITS
PII = re.compile(r"\[(PHONE|CARD|EMAIL|PASSPORT|SNILS|INN)\]")


def fnv1a32(s):
    h = 0x811C9DC5
    for b in s.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def normalize(text):
    t = PII.sub(" pii ", text).lower().replace("ё", "е")
    t = re.sub(r"\d+", "0", t)
    t = re.sub(r"[^\w\s]|_", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def len_bin(n):
    return "1" if n <= 1 else "2" if n <= 3 else "4" if n <= 6 else "7" if n <= 12 else "13"


def text_feats(prefix, toks, chars=True):
    f = ["%sw:%s" % (prefix, w) for w in toks]
    f += ["%sb:%s %s" % (prefix, a, b) for a, b in zip(toks, toks[1:])]
    if toks:
        f.append("%sf:%s" % (prefix, toks[0]))
        f.append("%sf2:%s" % (prefix, " ".join(toks[:2])))
        f.append("%sl:%s" % (prefix, toks[-1]))
    if chars:
        s = " " + " ".join(toks) + " "
        for n in (3, 4, 5):
            f += ["%sc:%s" % (prefix, s[i:i + n]) for i in range(len(s) - n + 1)]
    return f


def utterance_feats(utts, i, lang, fset):
    """utts: the call's utterances in timeline order (dicts with speaker, text); i: index of
    a customer utterance.  fset: 'text' or 'ctx' (text + neighbouring operator turns).
    The shipped model uses 'text'."""
    u = utts[i]
    raw = u["text"]
    toks = normalize(raw).split()
    f = ["bias", "lang:" + lang]
    f += text_feats("", toks)
    punct = bool(re.search(r"[.,!?]", raw))
    f.append("style:" + ("punct" if punct else "asr"))
    if "?" in raw:
        f.append("has_q")
    f.append("len:" + len_bin(len(toks)))
    cust = [k for k, x in enumerate(utts) if x["speaker"] == "customer"]
    if cust and cust[0] == i:
        f.append("pos:first_cust")
    if cust and cust[-1] == i:
        f.append("pos:last_cust")
    f.append("rpos:%d" % min(4, int(5 * i / max(1, len(utts)))))
    prev = utts[i - 1] if i > 0 else None
    nxt = utts[i + 1] if i + 1 < len(utts) else None
    f.append("prev:" + ("none" if prev is None else "op" if prev["speaker"] == "operator" else "cust"))
    f.append("next:" + ("none" if nxt is None else "op" if nxt["speaker"] == "operator" else "cust"))
    if fset == "ctx":
        if prev is not None and prev["speaker"] == "operator":
            if "?" in prev["text"]:
                f.append("prev_has_q")
            f += text_feats("p", normalize(prev["text"]).split(), chars=False)
        if nxt is not None and nxt["speaker"] == "operator":
            f += text_feats("n", normalize(nxt["text"]).split(), chars=False)
    return f


def hashed(feats):
    return sorted({fnv1a32(x) & (DIM - 1) for x in feats})


def rule_feats(cue, complaint):
    """The rules' verdict on the utterance, read by the stacked model (feature set
    'ctx_rules', stacked.py): cue = the question rules' deciding cue ('?' for the question
    mark) or None; complaint = the utterance carries a complaint tag."""
    f = ["rule:q" if cue is not None else "rule:no"]
    if cue is not None:
        f.append("rulecue:?" if cue == "?" else "rulecue:word")
    if complaint:
        f += ["comp", "comp_rule:" + ("q" if cue is not None else "no")]
    return f


# Words that can make an utterance ask something (interrogatives, modal and auxiliary verbs,
# "ли", "можно", "скажите", "whether", "know", "tell" ...). The stacked model's `ctx_rules_qw`
# feature set (packs 1.9.13) tells it, for an utterance the rules do not take for a question,
# whether any of them occurs at all: an opening turn that only states the problem ("я у вас
# брала набор … а грибов нет") has none, and the text features alone cannot say "none of
# these words". Same list in question_model.rs (QUESTION_WORDS).
QUESTION_WORDS = frozenset("""
что чего чем кто кого кому когда где куда откуда почему зачем сколько какой какая какое какие
каким какую каков ли можно нельзя разве неужели как или подскажите скажите уточнить узнать
понять интересно правда да нет
what when where why who whom whose which how whats whens wheres hows can could would will
shall should do does did is are am was were have has any or if whether know tell wondering
check right ok
""".split())


def qword_feats(text, cue, first):
    """The `ctx_rules_qw` additions: for an utterance the rules do not take for a question
    (cue None), whether it holds any of QUESTION_WORDS, alone, with the first-customer-turn
    flag and with the length bin; nothing for a rule question."""
    if cue is not None:
        return []
    toks = normalize(text).split()
    has = int(any(t in QUESTION_WORDS for t in toks))
    return ["qword:%d" % has, "qword_first:%d:%d" % (has, int(first)), "qword_len:%d:%s" % (has, len_bin(len(toks)))]


def reply_feats(reply, question, lang, kind, cue):
    """Features of an operator reply for the answer-verdict model (answers.py; the Rust twin
    is `reply_features` in answer_model.rs): the rules' verdict (kind 'concrete' / 'vague',
    cue 'none' when no cue decided it), the reply's words and character n-grams, the
    question's words with prefix 'q'."""
    f = ["bias", "lang:" + lang, "rv:" + kind, "rvcue:" + ("none" if cue == "none" else "word")]
    f += text_feats("", normalize(reply).split())
    f += text_feats("q", normalize(question).split(), chars=False)
    return f
