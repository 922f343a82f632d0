"""Features for the quality classifier: the record's findings plus its text.

`feature_row(record, row)` turns one assessed record (the input record and its output row
from the pipeline and the review detector) into a flat dict; `to_matrix(rows)` stacks them
as the 2-D object array the model's ColumnTransformer reads: column 0 is the narrative
text, the rest are numbers in the order of FINDING_FEATURES.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Sequence

import numpy as np

FINDING_FEATURES = (
    "child_yes", "child_no", "child_not_recorded",
    "demeanour_recorded", "voice_recorded", "voice_reason_given", "voice_missing",
    "referral_recorded", "na_despite_presence", "minimising_language",
    "review_present", "review_copy_paste", "review_similarity", "review_specificity",
    "n_child_present", "n_demeanour", "n_voice", "n_voice_reason", "n_referral", "n_minimising",
    "n_children", "child_mentions_per_100_words", "log_words",
    "neither_demeanour_nor_voice",
)
TEXT_COLUMN = "narrative"
_WORDS = re.compile(r"\w+")


def feature_row(record: Dict[str, Any], row: Dict[str, Any]) -> Dict[str, Any]:
    narrative = str(record.get("narrative") or "")
    evidence = row.get("evidence") or []
    counts: Dict[str, int] = {}
    for e in evidence:
        counts[e["label"]] = counts.get(e["label"], 0) + 1
    children = {e["text"].lower() for e in evidence if e["label"] == "CHILD_PRESENT"}
    words = max(1, len(_WORDS.findall(narrative)))
    present = row.get("child_present")
    voice = row.get("voice")
    review = str(record.get("supervisor_review") or "").strip()
    return {
        TEXT_COLUMN: narrative,
        "child_yes": float(present == "yes"),
        "child_no": float(present == "no"),
        "child_not_recorded": float(present == "not_recorded"),
        "demeanour_recorded": float(bool(row.get("demeanour_recorded"))),
        "voice_recorded": float(voice == "recorded"),
        "voice_reason_given": float(voice == "reason_given"),
        "voice_missing": float(present == "yes" and voice == "missing"),
        "referral_recorded": float(bool(row.get("referral_recorded"))),
        "na_despite_presence": float(bool(row.get("na_despite_presence"))),
        "minimising_language": float(bool(row.get("minimising_language"))),
        "review_present": float(bool(review)),
        "review_copy_paste": float(bool(row.get("review_copy_paste"))),
        "review_similarity": float(row.get("review_similarity") or 0.0),
        "review_specificity": float(row.get("review_specificity") or 0.0),
        "n_child_present": float(counts.get("CHILD_PRESENT", 0)),
        "n_demeanour": float(counts.get("DEMEANOUR", 0)),
        "n_voice": float(counts.get("VOICE", 0)),
        "n_voice_reason": float(counts.get("VOICE_REASON", 0)),
        "n_referral": float(counts.get("REFERRAL", 0)),
        "n_minimising": float(counts.get("MINIMISING", 0)),
        "n_children": float(len(children)),
        "child_mentions_per_100_words": 100.0 * counts.get("CHILD_PRESENT", 0) / words,
        "log_words": float(np.log1p(words)),
        # a child present with neither demeanour nor voice: the rubric's "inadequate" is this
        # conjunction, which a linear model cannot form from the two findings alone
        "neither_demeanour_nor_voice": float(present == "yes" and not row.get("demeanour_recorded")
                                             and voice == "missing"),
    }


def to_matrix(rows: Sequence[Dict[str, Any]]) -> np.ndarray:
    """2-D object array: narrative text, then FINDING_FEATURES as floats."""
    X = np.empty((len(rows), 1 + len(FINDING_FEATURES)), dtype=object)
    for i, r in enumerate(rows):
        X[i, 0] = r[TEXT_COLUMN]
        for j, name in enumerate(FINDING_FEATURES, 1):
            X[i, j] = r[name]
    return X


# what a finding looks like when the record is recorded well: used to explain a grade
GOOD_VALUES: Dict[str, Dict[str, float]] = {
    "demeanour_recorded": {"demeanour_recorded": 1.0, "neither_demeanour_nor_voice": 0.0},
    "voice": {"voice_recorded": 1.0, "voice_missing": 0.0, "voice_reason_given": 0.0, "neither_demeanour_nor_voice": 0.0},
    "referral_recorded": {"referral_recorded": 1.0},
    "child_present_recorded": {"child_not_recorded": 0.0, "child_no": 1.0},
    "review_copy_paste": {"review_copy_paste": 0.0, "review_similarity": 0.0},
    "na_despite_presence": {"na_despite_presence": 0.0},
    "minimising_language": {"minimising_language": 0.0},
}
REASON_TEXT = {
    "demeanour_recorded": "child's demeanour not recorded",
    "voice": "child's voice not recorded and no reason given",
    "referral_recorded": "no safeguarding referral recorded",
    "child_present_recorded": "whether children were present is not recorded",
    "review_copy_paste": "supervisor review copied or generic",
    "na_despite_presence": "children field marked N/A or No although a child was present",
    "minimising_language": "risk-minimising language about a child",
}


def applicable_reasons(row: Dict[str, Any]) -> List[str]:
    """The findings that fall short in this record (candidates to explain its grade)."""
    out = []
    yes = row.get("child_present") == "yes"
    if yes and not row.get("demeanour_recorded"):
        out.append("demeanour_recorded")
    if yes and row.get("voice") == "missing":
        out.append("voice")
    if yes and not row.get("referral_recorded"):
        out.append("referral_recorded")
    if row.get("child_present") == "not_recorded":
        out.append("child_present_recorded")
    for flag in ("review_copy_paste", "na_despite_presence", "minimising_language"):
        if row.get(flag):
            out.append(flag)
    return out
