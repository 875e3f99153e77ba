"""The devset's batches, shared by the training scripts of the learned detectors
(scripts/question_detector/train.py, scripts/complaint_detector/train.py).

Part of callqa (MIT OR Apache-2.0).
"""
import re


def group_of(cid):
    """The batch of a devset call id: base (the dev, v2 and v3 batches), h1 (the first
    held-out set, 'held'), h2, h3, ... (the later sets)."""
    m = re.match(r"(ru|en)_(dev|v2|v3|held|h\d+)_", cid)
    if m is None:
        raise SystemExit("call id %r: unknown devset batch" % cid)
    g = m.group(2)
    return "base" if g in ("dev", "v2", "v3") else "h1" if g == "held" else g
