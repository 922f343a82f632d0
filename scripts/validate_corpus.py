#!/usr/bin/env python3
"""Check the labelled corpus: schema, label values, rubric consistency, split hygiene.

Exit 0 when every check passes; otherwise prints one line per problem and exits 1.
Usage: python scripts/validate_corpus.py [corpora/dev.jsonl corpora/test.jsonl]
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from nlp_assess.findings import grade_from_labels, na_despite_presence  # noqa: E402

LABEL_VALUES = {
    "child_present": {"yes", "no", "not_recorded"},
    "demeanour_recorded": {True, False},
    "voice": {"recorded", "reason_given", "missing"},
    "referral_recorded": {True, False},
    "review_copy_paste": {True, False},
    "na_despite_presence": {True, False},
    "minimising_language": {True, False},
    "grade": {"good", "requires_improvement", "inadequate"},
}
STRING_FIELDS = ["record_id", "narrative", "supervisor_review", "incident_type", "officer_id", "team",
                 "reviewer_id", "children_present_field", "date"]
REVIEW_KINDS = {"specific", "copied", "stock", "none"}


def check_record(rec: dict) -> list:
    problems = []
    rid = rec.get("record_id", "?")
    for f in STRING_FIELDS:
        if not isinstance(rec.get(f), str):
            problems.append(f"{rid}: field {f} missing or not a string")
    if not str(rec.get("narrative", "")).strip():
        problems.append(f"{rid}: empty narrative")
    labels, meta = rec.get("labels", {}), rec.get("meta", {})
    for k, values in LABEL_VALUES.items():
        if k == "grade" and "grade" not in labels:
            continue  # raw files: the grade is derived by build_corpus.py
        if labels.get(k) not in values:
            problems.append(f"{rid}: label {k}={labels.get(k)!r} not in {sorted(map(str, values))}")
    if problems:
        return problems
    yes = labels["child_present"] == "yes"
    if not yes and (labels["demeanour_recorded"] or labels["voice"] != "missing" or labels["referral_recorded"]):
        problems.append(f"{rid}: demeanour/voice/referral set although child_present is {labels['child_present']}")
    # corpora/LABELLING.md decisions 12 and 65: the field values are the package's field_values.json
    if labels["na_despite_presence"] != na_despite_presence(rec["children_present_field"], labels["child_present"]):
        problems.append(f"{rid}: na_despite_presence inconsistent with field "
                        f"{rec['children_present_field'].strip().lower()!r} and presence")
    kind = meta.get("review_kind")
    if kind not in REVIEW_KINDS:
        problems.append(f"{rid}: meta.review_kind {kind!r} not in {sorted(REVIEW_KINDS)}")
    elif labels["review_copy_paste"] != (kind in ("copied", "stock")):
        problems.append(f"{rid}: review_copy_paste inconsistent with review_kind {kind}")
    if kind == "none" and rec["supervisor_review"].strip():
        problems.append(f"{rid}: review_kind none but a review is present")
    if kind in ("specific", "copied", "stock") and not rec["supervisor_review"].strip():
        problems.append(f"{rid}: review_kind {kind} but the review is empty")
    if kind == "copied" and not meta.get("review_group"):
        problems.append(f"{rid}: copied review without meta.review_group")
    if "grade" in labels and labels["grade"] != grade_from_labels(labels):  # raw files carry no grade
        problems.append(f"{rid}: grade {labels['grade']} differs from the rubric derivation")
    return problems


def main(paths) -> int:
    problems, ids_by_split = [], {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            recs = [json.loads(line) for line in f if line.strip()]
        groups = Counter(r["meta"].get("review_group") for r in recs if r["meta"].get("review_kind") == "copied")
        for g, n in groups.items():
            if n < 2:
                problems.append(f"{path.name}: copied review group {g} has only {n} record in this split")
        ids = [r.get("record_id") for r in recs]
        dupes = [i for i, n in Counter(ids).items() if n > 1]
        if dupes:
            problems.append(f"{path.name}: duplicate record_ids {dupes[:5]}")
        ids_by_split[path.name] = set(ids)
        for rec in recs:
            problems += check_record(rec)
        dist = Counter(r["labels"].get("grade") or grade_from_labels(r["labels"]) for r in recs)
        print(f"{path.name}: {len(recs)} records; grades {dict(dist)}; "
              f"child_present {dict(Counter(r['labels']['child_present'] for r in recs))}")
    names = list(ids_by_split)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            overlap = ids_by_split[a] & ids_by_split[b]
            if overlap:
                problems.append(f"{a} and {b} share record ids {sorted(overlap)[:5]}")
    for p in problems:
        print(p)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]] or [ROOT / "corpora" / "dev.jsonl", ROOT / "corpora" / "test.jsonl"]
    sys.exit(main(args))
