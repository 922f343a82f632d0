"""Per-label precision, recall and F1 of the pipeline against a labelled corpus file.

Pure metric functions over lists of values; `evaluate_file` runs the pipeline on a
labelled JSON Lines file (records with a `labels` object, see corpora/LABELLING.md).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

# label -> (kind, scope): binary labels score the positive class; multi-class labels
# are macro-averaged over their classes; scope "present" scores only records whose gold
# child_present is "yes" (the rubric defines voice only there).
TARGETS: Dict[str, Tuple[str, str]] = {
    "child_present": ("macro", "all"),
    "demeanour_recorded": ("binary", "all"),
    "voice": ("macro", "present"),
    "referral_recorded": ("binary", "all"),
    "na_despite_presence": ("binary", "all"),
    "minimising_language": ("binary", "all"),
    "review_copy_paste": ("binary", "all"),
}
THRESHOLDS = {"child_present": 0.95, "demeanour_recorded": 0.92, "voice": 0.90, "referral_recorded": 0.92,
              "na_despite_presence": 0.95, "minimising_language": 0.85, "review_copy_paste": 0.95}


def prf(gold: Sequence[Any], pred: Sequence[Any], positive: Any) -> Dict[str, float]:
    tp = sum(1 for g, p in zip(gold, pred) if g == positive and p == positive)
    fp = sum(1 for g, p in zip(gold, pred) if g != positive and p == positive)
    fn = sum(1 for g, p in zip(gold, pred) if g == positive and p != positive)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def macro_prf(gold: Sequence[Any], pred: Sequence[Any]) -> Dict[str, float]:
    classes = sorted(set(gold), key=str)
    per = [prf(gold, pred, c) for c in classes]
    return {k: sum(p[k] for p in per) / len(per) if per else 0.0 for k in ("precision", "recall", "f1")} | {
        "support": len(gold)}


def score_labels(gold_rows: List[Dict[str, Any]], pred_rows: List[Dict[str, Any]],
                 targets: Dict[str, Tuple[str, str]] = TARGETS) -> Dict[str, Dict[str, float]]:
    results = {}
    for label, (kind, scope) in targets.items():
        pairs = [(g[label], p.get(label)) for g, p in zip(gold_rows, pred_rows)
                 if scope == "all" or g["child_present"] == "yes"]
        gold = [g for g, _ in pairs]
        pred = [p for _, p in pairs]
        results[label] = macro_prf(gold, pred) if kind == "macro" else prf(gold, pred, True)
    return results


def load_labelled(path: Path) -> List[Dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def evaluate_records(records: List[Dict[str, Any]], **assess_kwargs: Any):
    from .scoring import assess

    inputs = [{k: v for k, v in r.items() if k not in ("labels", "meta")} for r in records]
    preds = list(assess(inputs, **assess_kwargs))
    gold = [r["labels"] for r in records]
    return score_labels(gold, preds), preds


def format_table(results: Dict[str, Dict[str, float]], title: str = "") -> str:
    lines = []
    if title:
        lines.append(title)
    lines.append("| label | precision | recall | F1 | target | support |")
    lines.append("|---|---|---|---|---|---|")
    for label, m in results.items():
        kind = TARGETS.get(label, ("binary", ""))[0]
        name = f"{label} (macro)" if kind == "macro" else label
        lines.append(f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
                     f">= {THRESHOLDS.get(label, 0):.2f} | {m['support']} |")
    return "\n".join(lines)
