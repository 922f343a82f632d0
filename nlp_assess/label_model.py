"""A trained second opinion on `child_present` and `voice`: the classifier and its training
(scripts/train_label_model.py). Scoring loads it through `second_opinion.LabelModel`, which
does not import scikit-learn until the model is loaded.

The rules (spaCy pipeline -> findings) read every record; this text classifier, trained on
the labelled dev split, reads it too. Where the classifier is confident (its probability at
or above the threshold chosen for that label) and disagrees with the rules, its label wins,
and the output row's `second_opinion` says what the rules said, what the classifier said
and how sure it was. Why it earns its place: on dev batches the rules had not seen (scored
on arrival, `corpora/first_look.jsonl`) it lifted presence and voice by 0.02-0.07 macro F1
(README, "A trained second opinion").

    Pipeline([("features", FeatureUnion([
                   ("words", HashingVectorizer(words 1-2) -> TfidfTransformer),
                   ("chars", HashingVectorizer(chars 2-5 within words) -> TfidfTransformer)])),
              ("heads", LabelHeads(C=10))])

Hashed features keep the saved model free of a vocabulary to rebuild when it loads.
`LabelHeads` fits one logistic regression per label: presence on every record, voice on the
records whose gold presence is `yes` (the rubric defines voice only there). Saved like the
quality model: `model.joblib` plus `manifest.json` (sha256, versions, data hash, thresholds,
metrics), verified by `model.load_model` before anything is unpickled.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Sequence

import numpy as np
from sklearn.base import BaseEstimator

from .second_opinion import LABELS


class LabelHeads(BaseEstimator):
    """One logistic regression per label over shared features. `fit(X, y)` takes y as rows of
    (child_present, voice); voice is learned only where child_present is "yes"."""

    def __init__(self, C: float = 10.0, max_iter: int = 3000):
        self.C = C
        self.max_iter = max_iter

    def fit(self, X: Any, y: Sequence[Sequence[str]]) -> "LabelHeads":
        from sklearn.linear_model import LogisticRegression

        presence = np.array([row[0] for row in y])
        voice = np.array([row[1] for row in y])
        yes = presence == "yes"
        self.heads_ = {
            "child_present": LogisticRegression(C=self.C, max_iter=self.max_iter).fit(X, presence),
            "voice": LogisticRegression(C=self.C, max_iter=self.max_iter).fit(X[yes], voice[yes]),
        }
        return self

    def opinions(self, X: Any) -> List[Dict[str, Dict[str, Any]]]:
        """Per row, per label: the most probable value and its probability."""
        out: List[Dict[str, Dict[str, Any]]] = [{} for _ in range(X.shape[0])]
        for label, head in self.heads_.items():
            proba = head.predict_proba(X)
            best = proba.argmax(axis=1)
            for i, (k, p) in enumerate(zip(best, proba[np.arange(len(best)), best])):
                out[i][label] = {"label": str(head.classes_[k]), "probability": round(float(p), 3)}
        return out

    def predict(self, X: Any) -> np.ndarray:
        return np.array([[o[label]["label"] for label in LABELS] for o in self.opinions(X)])


def make_label_pipeline(C: float = 10.0):
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    from sklearn.pipeline import FeatureUnion, Pipeline

    def hashed(**kw: Any) -> Pipeline:
        return Pipeline([("hash", HashingVectorizer(alternate_sign=False, norm=None, **kw)),
                         ("tfidf", TfidfTransformer(sublinear_tf=True))])

    return Pipeline([
        ("features", FeatureUnion([
            ("words", hashed(ngram_range=(1, 2), n_features=2 ** 18)),
            ("chars", hashed(analyzer="char_wb", ngram_range=(2, 5), n_features=2 ** 20)),
        ])),
        ("heads", LabelHeads(C=C)),
    ])


def _single_precision(pipeline: Any) -> None:
    """Weights and idf as float32: half the file (7 MB, not 14) and half the load, with the
    same opinions to the three decimals they are reported in (checked on 300 dev texts)."""
    for _, step in pipeline.named_steps["features"].transformer_list:
        tfidf = step.named_steps["tfidf"]
        tfidf.idf_ = tfidf.idf_.astype(np.float32)
    for head in pipeline.named_steps["heads"].heads_.values():
        head.coef_ = head.coef_.astype(np.float32)
        head.intercept_ = head.intercept_.astype(np.float32)


def save_label_model(pipeline: Any, out_dir: Path, *, thresholds: Dict[str, float], training: Dict[str, Any],
                     metrics: Dict[str, Any]) -> Dict[str, Any]:
    from .model import write_model

    _single_precision(pipeline)
    return write_model(pipeline, out_dir, {
        "labels": list(LABELS),
        "thresholds": thresholds,
        "features": ["narrative (hashed tf-idf words 1-2, 2^18)", "narrative (hashed tf-idf chars 2-5, 2^20)"],
        "training_data": training,
        "metrics": metrics,
    })
