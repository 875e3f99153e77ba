#!/usr/bin/env python3
"""How close the QA features of recognised transcripts come to those of the truth.

    .cache/venv/bin/python benches/features_vs_truth.py CALLS_DIR LABEL=TRANSCRIPTS_DIR ...
        [--callqa target/release/callqa] [--pipeline pipelines/en-contact-center.toml]

CALLS_DIR holds benches/gen_calls.py's calls with their `*.truth.json` (turns: speaker,
start, end, text). Each TRANSCRIPTS_DIR holds transcripts in callqa's JSON (`callqa run
--dump-transcripts`, or benches/fw_transcribe.py, whose utterances are Whisper's segments
with their coarse times: compare its counts, not its times). The truth turns are written as
transcripts too, and `callqa analyze` computes the `calls/` features of every set with
the same pipeline; the script prints, per feature, how many calls match the truth's
value exactly (counts, flags; for a flag also its F1 against the truth's) or the mean
absolute error (times, in seconds).

This measures what ASR errors do to the features QA teams read, beyond the word error
rate: a word put in the wrong utterance can turn a concrete answer into a vague one or
hide a question.
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

# Columns that are not QA features, or do not depend on the transcript.
SKIP = {"call_id", "operator_id", "duration_s", "emotion_model", "emotion_normalisation",
        "asr_model"}


def calls_table(out: Path):
    cur = duckdb.connect().execute(
        f"select * from read_parquet('{out}/calls/**/*.parquet', hive_partitioning=true) "
        "order by call_id")
    names = [d[0] for d in cur.description]
    return names, {r[0]: dict(zip(names, r)) for r in cur.fetchall()}


def analyze(callqa: str, pipeline: str, transcripts: Path, out: Path):
    r = subprocess.run([callqa, "analyze", "--transcripts", str(transcripts), "--pipeline",
                        pipeline, "--out", str(out), "--summary-rows", "0"],
                       capture_output=True, text=True)
    # Exit 3 = some transcripts became error rows; the rest are still comparable.
    if r.returncode not in (0, 3):
        sys.exit(f"callqa analyze {transcripts} failed ({r.returncode}):\n{r.stderr}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("calls", type=Path)
    ap.add_argument("sets", nargs="+", help="LABEL=TRANSCRIPTS_DIR")
    ap.add_argument("--callqa", default="target/release/callqa")
    ap.add_argument("--pipeline", default="pipelines/en-contact-center.toml")
    a = ap.parse_args()
    sets = []
    for s in a.sets:
        label, sep, d = s.partition("=")
        if not sep or not Path(d).is_dir():
            sys.exit(f"expected LABEL=TRANSCRIPTS_DIR (an existing folder), got {s!r}")
        sets.append((label, Path(d)))

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        truth_dir = tmp / "truth"
        truth_dir.mkdir()
        for f in sorted(a.calls.glob("*.truth.json")):
            call_id = f.name[: -len(".truth.json")]
            t = json.loads(f.read_text())
            (truth_dir / f"{call_id}.json").write_text(json.dumps({
                "call_id": call_id, "operator_id": None, "started_at": "2026-01-01T00:00:00Z",
                "language": "en",
                "utterances": [{"speaker": u["speaker"], "start": u["start"], "end": u["end"],
                                "text": u["text"]} for u in t["turns"]]}))
        if not any(truth_dir.iterdir()):
            sys.exit(f"no *.truth.json in {a.calls}")
        analyze(a.callqa, a.pipeline, truth_dir, tmp / "out-truth")
        names, truth = calls_table(tmp / "out-truth")
        tables = []
        for label, d in sets:
            # faster-whisper's transcripts (benches/fw_transcribe.py) carry no start time.
            copy = tmp / f"tr-{label}"
            copy.mkdir()
            for f in sorted(d.glob("*.json")):
                t = json.loads(f.read_text())
                t.setdefault("started_at", "2026-01-01T00:00:00Z")
                t.setdefault("operator_id", None)
                (copy / f.name).write_text(json.dumps(t))
            analyze(a.callqa, a.pipeline, copy, tmp / f"out-{label}")
            tables.append(calls_table(tmp / f"out-{label}")[1])

    print(f"\n{len(truth)} calls; exact: calls whose value equals the truth's; "
          "MAE: mean absolute error, s\n")
    print("| feature | measure | " + " | ".join(l for l, _ in sets) + " |")
    print("|---|---|" + "---|" * len(sets))
    for col in names:
        if col in SKIP:
            continue
        tv = [truth[c][col] for c in truth]
        if not any(isinstance(v, (bool, int, float)) for v in tv):
            continue
        if all(t.get(c, {}).get(col) == truth[c][col] for t in tables for c in truth):
            continue  # the same everywhere: not informative
        is_time = any(isinstance(v, float) for v in tv) and not all(
            v is None or float(v).is_integer() for v in tv)
        cells = []
        for t in tables:
            if is_time:
                d = [abs(t[c][col] - truth[c][col]) for c in truth
                     if c in t and t[c][col] is not None and truth[c][col] is not None]
                cells.append(f"{sum(d) / max(len(d), 1):.2f}")
            else:
                exact = sum(c in t and t[c][col] == truth[c][col] for c in truth)
                if all(isinstance(v, bool) for v in tv):
                    # A script element: also F1 of "found" against the truth's flag.
                    tp = sum(bool(t.get(c, {}).get(col)) and truth[c][col] for c in truth)
                    fp = sum(bool(t.get(c, {}).get(col)) and not truth[c][col] for c in truth)
                    fn = sum(not t.get(c, {}).get(col) and truth[c][col] for c in truth)
                    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
                    cells.append(f"{exact} (F1 {f1:.2f})")
                else:
                    cells.append(str(exact))
        print(f"| {col} | {'MAE' if is_time else 'exact'} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
