"""Record-level findings: the narrative's findings, the review's, and the structured
"children present" field combined by the rubric (`../shared/spec/rubric.md`).

Pure functions over plain dicts, so they are easy to test and to reuse.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from .resources import load_json

_FIELD_VALUES = load_json("field_values.json")
NA_VALUES = {v.lower() for v in _FIELD_VALUES["not_present_or_na"]}


def normalise_children_field(value: Optional[str]) -> str:
    """'N/A ' -> 'n/a'; None -> ''."""
    return (value or "").strip().lower().rstrip(".")


def na_despite_presence(children_field: Optional[str], child_present: str) -> bool:
    return child_present == "yes" and normalise_children_field(children_field) in NA_VALUES


def _evidence(findings: Optional[Dict[str, Any]], field: str) -> List[Dict[str, Any]]:
    if not findings:
        return []
    return [dict(e, field=field) for e in findings["evidence"]]


def record_findings(narrative: Dict[str, Any], review: Optional[Dict[str, Any]],
                    children_field: Optional[str],
                    second_opinion: Optional[Dict[str, Dict[str, Any]]] = None) -> Dict[str, Any]:
    """Combine narrative and review findings into the record's labels.

    Demeanour and voice come from the narrative alone (rubric); a referral may be recorded
    in either text (in the review only when said to be done); minimising language counts
    in either text. `second_opinion` holds the labels the trained classifier overrules
    (`second_opinion.overrides`); the other labels follow the final presence as before.
    """
    second_opinion = second_opinion or {}
    present = second_opinion.get("child_present", {}).get("model", narrative["child_present"])
    yes = present == "yes"
    voice = narrative.get("voice_found", narrative["voice"])
    voice = second_opinion.get("voice", {}).get("model", voice)
    # a review counts only where it says the referral was done: reviews mostly request them
    referral = yes and (narrative["referral_mentioned"] or bool(review and review["referral_done"]))
    minimising = narrative["minimising_language"] or bool(review and review["minimising_language"])
    evidence = _evidence(narrative, "narrative")
    if review:
        keep = {"REFERRAL"} if yes and review["referral_done"] else set()
        keep.add("MINIMISING")
        evidence += [e for e in _evidence(review, "supervisor_review") if e["label"] in keep]
    return {
        "child_present": present,
        "demeanour_recorded": bool(yes and narrative.get("demeanour_observed", narrative["demeanour_recorded"])),
        "voice": voice if yes else "missing",
        "referral_recorded": bool(referral),
        "na_despite_presence": na_despite_presence(children_field, present),
        "minimising_language": bool(minimising),
        "evidence": evidence,
    }


def grade_from_labels(labels: Dict[str, Any]) -> str:
    """The rubric's derivation of the band from the labels (used to label the corpus and
    as the rule baseline the classifier is compared with)."""
    yes = labels["child_present"] == "yes"
    if yes and not labels["demeanour_recorded"] and labels["voice"] == "missing":
        return "inadequate"
    if (labels["child_present"] == "not_recorded"
            or (yes and (not labels["demeanour_recorded"] or labels["voice"] == "missing"
                         or not labels["referral_recorded"]))
            or labels.get("review_copy_paste") or labels["na_despite_presence"] or labels["minimising_language"]):
        return "requires_improvement"
    return "good"
