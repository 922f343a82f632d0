"""Training and evaluating the quality model on labelled records (used by
scripts/train_quality_model.py and `nlp-assess train`)."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

from .features import feature_row, to_matrix
from .model import CLASSES, bands_from_scores, quadratic_kappa


def assess_for_training(records: Sequence[Dict[str, Any]],
                        second_opinion: bool = False) -> Tuple[np.ndarray, List[Dict[str, Any]]]:
    """Run the pipeline and the review detector on records (as one batch); the model's inputs.
    For training the findings are the rules' alone (the default): the trained second opinion
    (label_model.py) was fitted on the dev records and would hand the quality model near-gold
    labels it never gets on new records. Evaluate with `second_opinion=True`, as `score` runs."""
    from .scoring import assess

    inputs = [{k: v for k, v in r.items() if k not in ("labels", "meta")} for r in records]
    rows = list(assess(inputs, quality=False, second_opinion=second_opinion))
    return to_matrix([feature_row(rec, row) for rec, row in zip(inputs, rows)]), rows


def data_hash(records: Sequence[Dict[str, Any]], grades: Sequence[str]) -> str:
    h = hashlib.sha256()
    for r, g in zip(records, grades):
        h.update(json.dumps({k: r.get(k) for k in ("record_id", "narrative", "supervisor_review",
                                                    "children_present_field")}, sort_keys=True).encode())
        h.update(g.encode())
    return h.hexdigest()


def evaluate_bands(gold: Sequence[str], proba: np.ndarray, scores: np.ndarray) -> Dict[str, Any]:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    pred = bands_from_scores(scores)
    onehot = np.array([[g == c for c in CLASSES] for g in gold], dtype=float)
    brier = float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))
    # reliability: predicted probability of each record's most likely band vs how often it was right
    conf = proba.max(axis=1)
    hit = np.array([CLASSES[i] == g for i, g in zip(proba.argmax(axis=1), gold)])
    bins = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)]
    reliability = []
    for lo, hi in bins:
        m = (conf >= lo) & (conf < hi)
        reliability.append({"bin": f"{lo:.1f}-{min(hi, 1.0):.1f}", "records": int(m.sum()),
                            "mean_confidence": round(float(conf[m].mean()), 3) if m.any() else None,
                            "accuracy": round(float(hit[m].mean()), 3) if m.any() else None})
    return {
        "records": len(gold),
        "accuracy": round(float(accuracy_score(gold, pred)), 3),
        "quadratic_weighted_kappa": round(quadratic_kappa(gold, pred), 3),
        "f1_per_band": {c: round(float(f), 3) for c, f in zip(CLASSES, f1_score(gold, pred, labels=list(CLASSES),
                                                                                 average=None, zero_division=0))},
        "confusion_matrix": {"labels": list(CLASSES),
                             "rows_gold_cols_predicted": confusion_matrix(gold, pred, labels=list(CLASSES)).tolist()},
        "brier": round(brier, 4),
        "reliability": reliability,
    }


def rule_kappa(gold: Sequence[str], rows: Sequence[Dict[str, Any]]) -> float:
    """Kappa of the rubric's own derivation applied to the pipeline's extracted findings."""
    from .findings import grade_from_labels

    pred = [grade_from_labels(r) if r.get("status") == "ok" else "requires_improvement" for r in rows]
    return quadratic_kappa(gold, pred)
