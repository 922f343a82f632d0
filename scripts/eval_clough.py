#!/usr/bin/env python3
"""Copy detection on the real Clough & Stevenson (2011) corpus of plagiarised short answers.

Each answer is compared with its task's original using the copy detector's default
settings (the same as for supervisor reviews). Prints, per category (cut, light, heavy,
non), how many answers are flagged as copies; then recall on cut + light and the false
positive rate on non-plagiarised answers. Also runs the whole batch (originals and answers)
through the LSH detector and counts answers that land in their original's cluster.

Usage: python scripts/eval_clough.py [PATH]   (default ../shared/external/clough-stevenson)
"""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from nlp_assess.reviews.detect import ReviewSettings, detect_copies, is_copy  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "external" / "clough-stevenson"


def load(path: Path):
    with open(path / "file_information.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    text = {r["File"]: (path / r["File"]).read_text(encoding="utf-8", errors="replace") for r in rows
            if r["Category"] != "orig"}
    originals = {t: (path / f"orig_task{t}.txt").read_text(encoding="utf-8", errors="replace") for t in "abcde"}
    return rows, text, originals


def evaluate(path: Path = DEFAULT, tasks: str = "abcde"):
    settings = ReviewSettings.from_rules()
    rows, text, originals = load(path)
    answers = [r for r in rows if r["Category"] != "orig" and r["Task"] in tasks]
    pairwise = Counter()
    totals = Counter()
    for r in answers:
        totals[r["Category"]] += 1
        pairwise[r["Category"]] += is_copy(text[r["File"]], originals[r["Task"]], settings)
    # batch: everything through the LSH detector at once
    ids = [f"orig_{t}" for t in tasks] + [r["File"] for r in answers]
    texts = [originals[t] for t in tasks] + [text[r["File"]] for r in answers]
    found = detect_copies(texts, ids, settings=settings)
    cluster_of = {i: f["review_cluster"] for i, f in zip(ids, found)}
    batch = Counter()
    for r in answers:
        c = cluster_of[r["File"]]
        batch[r["Category"]] += c is not None and c == cluster_of[f"orig_{r['Task']}"]
    return totals, pairwise, batch


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not (path / "file_information.csv").exists():
        print(f"Clough & Stevenson data not found at {path}")
        return 1
    totals, pairwise, batch = evaluate(path)
    print("| category | answers | flagged (pairwise) | flagged (batch LSH) |")
    print("|---|---|---|---|")
    for c in ("cut", "light", "heavy", "non"):
        print(f"| {c} | {totals[c]} | {pairwise[c]} | {batch[c]} |")
    cl = totals["cut"] + totals["light"]
    print(f"\nrecall cut+light: pairwise {(pairwise['cut'] + pairwise['light']) / cl:.3f} "
          f"({pairwise['cut'] + pairwise['light']}/{cl}), batch {(batch['cut'] + batch['light']) / cl:.3f}")
    print(f"false positive rate on non: pairwise {pairwise['non'] / totals['non']:.3f}, "
          f"batch {batch['non'] / totals['non']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
