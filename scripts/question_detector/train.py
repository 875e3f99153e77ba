#!/usr/bin/env python3
"""Train, evaluate and export callqa's learned customer-question detector
(models/question-detector/model.json, card models/question-detector.md).

    train.py loso      leave-one-set-out over the training groups (nested selection inside)
    train.py forward   set k (4..8) tested by a model trained on base + sets < k only
    train.py final     nested selection on the training groups, refit on all, export model.json
    train.py export    refit the configuration of the shipped model (text features, whole
                       utterance, C = 10, threshold 0.5) on the training groups, export model.json

Inputs: the devset's labels (--devset, default tests/data/devset: truth.csv and
truth_heldout.csv) and the Parquet output of `callqa analyze` over the devset (--pred, one
folder per language, default target/question-detector/pred/ru and .../en). The labels are
silver: the `question:` tags of the rule packs *without* the learned detector (`[rules.questions]
learned = false`) on customer utterances; calls whose rule count differs from the labelled
`customer_questions` are dropped from training. README.md has the commands.

The held-out sets (h9, h10, h15, h17, h34 - h39, h44, h45, h48, h49, h52, h53, h56, h57, h60, h61, h64, h65, h68, h69, h72, h73, h76, h77, h80, h81, h84, h85, h88, h89, h92, h93, h96, h97, h100, h101, h104, h105, h108, h109, h112, h113, h116, h117, h120, h121, h124, h125, h128, h129, h132, h133, h136, h137, h140, h141, h144, h145, h148, h149: BLIND) never enter training or selection.
Training groups (GROUPS): base, h1 ... h8, h11 ... h14, h16 (the model of packs 1.8.1; the model of
packs 1.6.0 - 1.8.0 was trained on base + h1 ... h8 with the silver labels of packs 1.5.0).
`export` / `final` read two set-9 calls only to write the test vectors of model.json
(inference, no fitting). `loso` / `forward` compare with the rules as first measured blind on
sets 4-8 when --oldpred gives their output (folders h4 ... h8, each with ru/ and en/).

Part of callqa (MIT OR Apache-2.0). Single-threaded by design: run with OMP_NUM_THREADS=1.
"""
import argparse
import collections
import csv
import json
import math
import os
import re
import sys
import time

import numpy as np
import pyarrow.dataset as ds
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from devset import group_of
from features import DIM, NBITS, fnv1a32, hashed, utterance_feats

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

# Training groups (tuning data). The BLIND sets are held out and must stay out.
GROUPS = ["base", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h11", "h12", "h13", "h14", "h16"]
BLIND = ["h9", "h10", "h15", "h17", "h34", "h35", "h36", "h37", "h38", "h39", "h44", "h45", "h48", "h49", "h52", "h53", "h56", "h57", "h60", "h61", "h64", "h65", "h68", "h69", "h72", "h73", "h76", "h77", "h80", "h81", "h84", "h85", "h88", "h89", "h92", "h93", "h96", "h97", "h100", "h101", "h104", "h105", "h108", "h109", "h112", "h113", "h116", "h117", "h120", "h121", "h124", "h125", "h128", "h129", "h132", "h133", "h136", "h137", "h140", "h141", "h144", "h145", "h148", "h149"]
FSETS = ["text", "ctx"]
AGGS = ["utt", "smax"]
CS = [0.3, 1.0, 3.0, 10.0]
THRS = [round(x, 2) for x in np.arange(0.2, 0.81, 0.05)]
SPLIT = re.compile(r"(?<=[.!?…])\s+")
# The shipped configuration (what `final` selected; model.json records it).
SHIPPED = (("ctx", "utt"), 3.0, 0.45)
TEST_VECTOR_CALLS = ("en_h9_11_mortgage_overpayment", "ru_h9_06_summer_camp")


# ---------------------------------------------------------------- data

def gold(devset):
    out = {}
    for fn in ("truth.csv", "truth_heldout.csv"):
        with open(os.path.join(devset, fn), encoding="utf-8") as f:
            for r in csv.DictReader(f):
                out[r["call_id"]] = int(r["customer_questions"])
    return out


def load_pred(dirs):
    """call_id -> (list of utterances sorted by idx, rule call count)."""
    utts, counts = {}, {}
    for d in dirs:
        for r in ds.dataset(os.path.join(d, "utterances"), format="parquet", partitioning="hive").to_table(
                columns=["call_id", "idx", "speaker", "start_s", "end_s", "text", "tags"]).to_pylist():
            utts.setdefault(r["call_id"], []).append(r)
        for r in ds.dataset(os.path.join(d, "calls"), format="parquet", partitioning="hive").to_table(
                columns=["call_id", "customer_questions", "language"]).to_pylist():
            counts[r["call_id"]] = r["customer_questions"]
    for k in utts:
        utts[k].sort(key=lambda u: u["idx"])
    return utts, counts


def is_q(u):
    return any(t.startswith("question:") for t in u["tags"])


def csr(L):
    ind = np.concatenate([np.array(r, dtype=np.int64) for r in L])
    ptr = np.cumsum([0] + [len(r) for r in L])
    return sp.csr_matrix((np.ones(len(ind)), ind, ptr), shape=(len(L), DIM))


class Data:
    """One row per customer utterance of every call in the prediction folders (sorted by
    call id, then timeline order), with its hashed features for each feature set, and one
    extra row per sentence of a multi-sentence utterance (the 'smax' aggregation)."""

    def __init__(self, devset, pred_dirs, oldpred=None):
        self.G = gold(devset)
        self.utts, counts = load_pred(pred_dirs)
        old = {}
        if oldpred:
            for k in range(4, 9):
                u2, _ = load_pred([os.path.join(oldpred, "h%d" % k, lang) for lang in ("ru", "en")])
                for c, us in u2.items():
                    old[c] = {u["idx"]: is_q(u) for u in us}
        rows, X, XS, owner = [], {f: [] for f in FSETS}, {f: [] for f in FSETS}, []
        for c in sorted(self.utts):
            if c not in self.G:
                raise SystemExit("call %s has no label in %s" % (c, devset))
            us = self.utts[c]
            lang = c[:2]
            grp = group_of(c)
            for i, u in enumerate(us):
                if u["speaker"] != "customer":
                    continue
                # the rules' utterance tags as first measured blind (sets 4-8 from --oldpred;
                # set 9 was first measured with the rules that made the silver labels)
                first_blind = old[c][u["idx"]] if c in old else (is_q(u) if grp == "h9" else None)
                rows.append(dict(call=c, grp=grp, lang=lang, idx=u["idx"], text=u["text"], silver=int(is_q(u)),
                                 rule_blind=first_blind, clean=counts[c] == self.G[c]))
                for f in FSETS:
                    X[f].append(hashed(utterance_feats(us, i, lang, f)))
                sents = [x for x in SPLIT.split(u["text"]) if x.strip()]
                if len(sents) > 1:
                    for s_ in sents:
                        us2 = list(us)
                        us2[i] = dict(u, text=s_)
                        owner.append(len(rows) - 1)
                        for f in FSETS:
                            XS[f].append(hashed(utterance_feats(us2, i, lang, f)))
        self.rows = rows
        self.mats = {f: csr(X[f]) for f in FSETS}
        self.smats = {f: csr(XS[f]) for f in FSETS}
        self.owner = np.array(owner)
        self.grp = np.array([r["grp"] for r in rows])
        self.y = np.array([r["silver"] for r in rows])
        self.clean = np.array([r["clean"] for r in rows])
        self.calls = np.array([r["call"] for r in rows])

    # ------------------------------------------------------------ model

    def proba(self, m, f, te):
        """utterance probability, and max over the utterance and its sentences (punct text)"""
        p = m.predict_proba(self.mats[f][te])[:, 1]
        idx = np.where(te)[0]
        sm = np.isin(self.owner, idx)
        q = p.copy()
        if sm.any():
            ps = m.predict_proba(self.smats[f][sm])[:, 1]
            pos = {u: k for k, u in enumerate(idx)}
            for o, v in zip(self.owner[sm], ps):
                q[pos[o]] = max(q[pos[o]], v)
        return {"utt": p, "smax": q}

    def fit(self, f, C, mask):
        assert not np.isin(self.grp[mask], BLIND).any(), "a blind set reached training"
        m = LogisticRegression(C=C, solver="liblinear", max_iter=1000)
        m.fit(self.mats[f][mask], self.y[mask])
        return m

    def call_exact(self, mask, pred):
        """calls (rows in mask) whose predicted count equals the labelled count: (ok, n)"""
        cnt = collections.Counter()
        ids = sorted(set(self.calls[mask]))
        for c, p in zip(self.calls[mask], pred):
            cnt[c] += int(p)
        ok = [cnt[c] == self.G[c] for c in ids]
        return sum(ok), len(ok)

    def select(self, train_groups):
        """choose (fset, agg, C, thr) by leave-one-group-out inside train_groups, then fit on all"""
        assert not set(train_groups) & set(BLIND)
        tmask = np.isin(self.grp, train_groups)
        best = None
        for f in FSETS:
            for C in CS:
                oof = {a: np.zeros(len(self.rows)) for a in AGGS}
                for h in train_groups:
                    m = self.fit(f, C, tmask & self.clean & (self.grp != h))
                    te = self.grp == h
                    pr = self.proba(m, f, te)
                    for a in AGGS:
                        oof[a][te] = pr[a]
                for a in AGGS:
                    for t in THRS:
                        ok, n = self.call_exact(tmask, oof[a][tmask] >= t)
                        key = (ok, a == "utt", -abs(t - 0.5), -C, f == "text")
                        if best is None or key > best[0]:
                            best = (key, (f, a), C, t, ok / n)
        _, f, C, t, inner = best
        return f, C, t, inner, self.fit(f[0], C, tmask & self.clean)

    def evaluate(self, test_group, f, C, t, model, label):
        assert test_group not in BLIND, "the blind sets are measured once, not by this script"
        te = self.grp == test_group
        p = self.proba(model, f[0], te)[f[1]]
        clf = p >= t
        res = {"set": test_group, "train": label, "fset": f, "C": C, "thr": t}
        rb = np.array([self.rows[i]["rule_blind"] for i in np.where(te)[0]])
        for lang in ("ru", "en", "both"):
            lm = np.array([lang == "both" or self.rows[i]["lang"] == lang for i in np.where(te)[0]])
            sub = te.copy()
            sub[te] = lm
            ok, n = self.call_exact(sub, clf[lm])
            res["clf_" + lang] = (ok, n)
            if rb[0] is not None:
                rbb = rb.astype(bool)
                res["rules_" + lang] = self.call_exact(sub, rbb[lm])
                res["or_" + lang] = self.call_exact(sub, (rbb | clf)[lm])
                res["and_" + lang] = self.call_exact(sub, (rbb & clf)[lm])
        res["utts"] = [(self.rows[i]["call"], self.rows[i]["idx"], self.rows[i]["text"], float(pp),
                        self.rows[i]["rule_blind"], self.rows[i]["silver"])
                       for i, pp in zip(np.where(te)[0], p)]
        return res


# ---------------------------------------------------------------- export

def write_model(model, out):
    """Write a model file and check it: every test vector's P recomputed from the JSON alone
    (intercept + the weights of its indices). Returns the largest difference."""
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(model, f, ensure_ascii=False)
    with open(out) as f:
        M = json.load(f)
    W = {int(k): v for k, v in M["weights"].items()}
    worst = 0.0
    for t in M["test_vectors"]:
        z = M["intercept"] + sum(W.get(k, 0.0) for k in t["indices"])
        worst = max(worst, abs(1 / (1 + math.exp(-z)) - t["probability"]))
    return worst


def export(D, fset, agg, C, thr, m, out):
    if agg != "utt":
        raise SystemExit("aggregation %r: the Rust inference scores whole utterances only" % agg)
    w = m.coef_[0]
    nz = np.nonzero(w)[0]
    tests = []
    for c in TEST_VECTOR_CALLS:
        if c not in D.utts:
            raise SystemExit("test-vector call %s is not in the prediction folders" % c)
        us = D.utts[c]
        for i, u in enumerate(us):
            if u["speaker"] == "customer":
                fs = utterance_feats(us, i, c[:2], fset)
                row = [k for k, r in enumerate(D.rows) if r["call"] == c and r["idx"] == u["idx"]]
                t = {"call_id": c, "position": i, "n_utterances": len(us), "text": u["text"], "features": fs,
                     "indices": sorted({fnv1a32(x) & (DIM - 1) for x in fs}),
                     "probability": float(m.predict_proba(D.mats[fset][row])[0, 1])}
                if fset == "ctx":
                    op = lambda k: us[k]["text"] if 0 <= k < len(us) and us[k]["speaker"] == "operator" else None
                    t["prev_operator"], t["next_operator"] = op(i - 1), op(i + 1)
                tests.append(t)
    model = {
        "name": "callqa customer-question detector (issue 18 experiment)",
        "trained_on": "devset base (dev, v2, v3) + sets 1-8, 11-14, 16, silver per-utterance labels from the rules of packs 1.8.1 (calls whose rule count != label dropped); held out: sets 9, 10, 15",
        "task": "P(customer utterance holds a question); call customer_questions = number of customer utterances with P >= threshold (at most one question per utterance)",
        "feature_set": fset, "aggregation": agg, "C": C,
        "hashing": {"function": "FNV-1a 32-bit over the UTF-8 bytes of the feature string (offset 0x811C9DC5, prime 0x01000193, xor then multiply mod 2^32)",
                    "bits": NBITS, "index": "hash & (2^bits - 1)", "value": "1.0 per distinct index (duplicates and collisions count once)"},
        "normalize": "lowercase (Unicode); 'ё'->'е'; each [PHONE]/[CARD]/[EMAIL]/[PASSPORT]/[SNILS]/[INN] -> ' pii '; each run of decimal digits -> '0'; every char that is not a Unicode letter or digit (and '_') -> ' '; collapse whitespace to one space; trim; tokens = split on ' '",
        "features": [
            "bias", "lang:<ru|en>",
            "w:<tok> for each token; b:<tok1> <tok2> for each adjacent pair; f:<first tok>; f2:<first two toks joined by ' '>; l:<last tok> (none of f/f2/l when no token)",
            "c:<n chars> for n in 3,4,5 over ' ' + tokens joined by ' ' + ' ' (Unicode code points, every start position)",
            "style:punct if the raw (redacted) text contains any of . , ! ? else style:asr", "has_q if the raw text contains '?'",
            "len:<1|2|4|7|13> = bin of the token count: <=1 ->1, <=3 ->2, <=6 ->4, <=12 ->7, else 13",
            "pos:first_cust if this is the call's first customer utterance; pos:last_cust if the last (both may fire)",
            "rpos:<min(4, floor(5*i/n))>, i = 0-based position of the utterance in the call's utterances in timeline order (idx), n = number of utterances (both speakers)",
            "prev:<none|op|cust>, next:<none|op|cust> = speaker of the utterance before / after in timeline order"]
            + (["ctx only: when the utterance before is the operator's: prev_has_q if its raw text contains '?', and pw:/pb:/pf:/pf2:/pl: over its normalised tokens (as w:/b:/f:/f2:/l:, no character n-grams); when the utterance after is the operator's: nw:/nb:/nf:/nf2:/nl: likewise (test vectors give prev_operator / next_operator)"] if fset == "ctx" else []),
        "intercept": float(m.intercept_[0]), "threshold": thr,
        "probability": "p = 1 / (1 + exp(-(intercept + sum of weights[index] over the distinct indices)))",
        "weights": {str(int(k)): float(w[k]) for k in nz},
        "test_vectors": tests,
    }
    worst = write_model(model, out)
    print("wrote %s | weights nonzero %d of %d | test vectors %d | max |p_json - p_sklearn| = %.2e"
          % (out, len(nz), DIM, len(tests), worst))


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["loso", "forward", "final", "export"])
    ap.add_argument("--devset", default=os.path.join(ROOT, "tests/data/devset"),
                    help="folder with truth.csv and truth_heldout.csv (default: %(default)s)")
    ap.add_argument("--pred", action="append", metavar="DIR",
                    help="`callqa analyze --out` folder of the devset, learned = false; repeat per "
                         "language (default: target/question-detector/pred/ru and .../en)")
    ap.add_argument("--oldpred", metavar="DIR",
                    help="loso/forward: folder with h4 ... h8/{ru,en}, the output of the rules as first "
                         "measured on each set, for the rules / OR / AND columns")
    ap.add_argument("--out", default=os.path.join(ROOT, "target/question-detector/model.json"),
                    help="export/final: model.json to write (default: %(default)s)")
    ap.add_argument("--results", default=os.path.join(ROOT, "target/question-detector"),
                    help="loso/forward: folder for res_<mode>.json (default: %(default)s)")
    a = ap.parse_args()
    pred = a.pred or [os.path.join(ROOT, "target/question-detector/pred", lang) for lang in ("ru", "en")]
    t0 = time.time()
    D = Data(a.devset, pred, a.oldpred)
    print("%d customer utterances, %d calls; training groups %s: %d utterances, %d clean"
          % (len(D.rows), len(set(D.calls)), "+".join(GROUPS), np.isin(D.grp, GROUPS).sum(),
             (np.isin(D.grp, GROUPS) & D.clean).sum()), flush=True)
    out = []

    def show(h, f, C, t, inner, r):
        print(h, f, C, t, "inner %.3f" % inner, "clf", r["clf_both"], "rules", r.get("rules_both"),
              "or", r.get("or_both"), "and", r.get("and_both"), "%.0fs" % (time.time() - t0), flush=True)

    if a.mode == "loso":
        for h in GROUPS:
            tr = [x for x in GROUPS if x != h]
            f, C, t, inner, m = D.select(tr)
            r = D.evaluate(h, f, C, t, m, "all other tuning groups")
            r["inner"] = inner
            out.append(r)
            show(h, f, C, t, inner, r)
    elif a.mode == "forward":
        for k in range(4, 9):
            tr = GROUPS[:GROUPS.index("h%d" % k)]
            f, C, t, inner, m = D.select(tr)
            r = D.evaluate("h%d" % k, f, C, t, m, "+".join(tr))
            r["inner"] = inner
            out.append(r)
            show("h%d" % k, f, C, t, inner, r)
    elif a.mode == "final":
        (fset, agg), C, t, inner, m = D.select(GROUPS)
        print("selected fset %s, agg %s, C %s, threshold %s (inner leave-one-group-out call exact %.3f)"
              % (fset, agg, C, t, inner), flush=True)
        export(D, fset, agg, C, t, m, a.out)
    elif a.mode == "export":
        (fset, agg), C, t = SHIPPED
        m = D.fit(fset, C, np.isin(D.grp, GROUPS) & D.clean)
        export(D, fset, agg, C, t, m, a.out)
    if out:
        os.makedirs(a.results, exist_ok=True)
        path = os.path.join(a.results, "res_%s.json" % a.mode)
        with open(path, "w") as f:
            json.dump(out, f, ensure_ascii=False, indent=0)
        print("wrote", path)
    print("%.0fs" % (time.time() - t0))


if __name__ == "__main__":
    sys.exit(main())
