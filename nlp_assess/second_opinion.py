"""The trained second opinion at scoring time: load the verified classifier
(`label_model.py`) and decide where it overrules the rules.

The rules read `child_present` and `voice`; where the classifier is confident (its
probability at or above the threshold chosen on dev for that label, in the model's manifest)
and disagrees, its label wins, and the output row's `second_opinion` records the rules'
label, the classifier's and its probability. Importing this module does not import
scikit-learn (the `score` process must start fast; `model.BackgroundModel` can serve the
classifier from its side process instead).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

LABELS = ("child_present", "voice")


def default_label_model_dir() -> Path:
    """The shipped model: `models/labels/` in the source tree, installed as `nlp_assess.models`."""
    from .model import default_model_dir

    return default_model_dir().parent / "labels"


def overrides(rules: Dict[str, Any], opinion: Dict[str, Dict[str, Any]],
              thresholds: Dict[str, float]) -> Dict[str, Dict[str, Any]]:
    """The labels where the classifier overrules the rules: confident and different. `rules`
    holds the narrative's rule findings (child_present; voice_found, the voice read whatever
    the presence). Voice is judged only when the final presence is "yes"."""
    out: Dict[str, Dict[str, Any]] = {}
    present = rules["child_present"]
    mine = opinion.get("child_present")
    if mine and mine["probability"] >= thresholds["child_present"] and mine["label"] != present:
        out["child_present"] = {"rules": present, "model": mine["label"], "probability": mine["probability"]}
        present = mine["label"]
    voice = rules.get("voice_found", rules["voice"])
    mine = opinion.get("voice")
    if present == "yes" and mine and mine["probability"] >= thresholds["voice"] and mine["label"] != voice:
        out["voice"] = {"rules": voice, "model": mine["label"], "probability": mine["probability"]}
    return out


def pipeline_opinions(pipeline: Any, texts: Sequence[str]) -> List[Dict[str, Dict[str, Any]]]:
    """Per text, per label, the classifier's most probable value and its probability: the
    features step, then `label_model.LabelHeads.opinions`."""
    if not texts:
        return []
    return pipeline.named_steps["heads"].opinions(pipeline[:-1].transform(list(texts)))


class LabelModel:
    """The saved second-opinion model, verified and loaded once: `opinions(texts)`."""

    def __init__(self, model_dir: Optional[Path] = None):
        from .model import ModelError, load_model

        self.model_dir = Path(model_dir) if model_dir else default_label_model_dir()
        self.pipeline, self.manifest = load_model(self.model_dir)
        try:
            self.thresholds = {label: float(self.manifest["thresholds"][label]) for label in LABELS}
        except (KeyError, TypeError, ValueError):
            raise ModelError(f"label model manifest in {self.model_dir} has no thresholds for {', '.join(LABELS)}") \
                from None

    def opinions(self, texts: Sequence[str]) -> List[Dict[str, Dict[str, Any]]]:
        return pipeline_opinions(self.pipeline, texts)
