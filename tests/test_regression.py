"""Regression cases kept as data (tests/regression/cases.json)."""
import json
from pathlib import Path

import pytest

from nlp_assess.findings import record_findings

DATA = json.loads((Path(__file__).parent / "regression" / "cases.json").read_text(encoding="utf-8"))
KNOWN = set(DATA["known_failures"])


def _params():
    for case in DATA["cases"]:
        marks = [pytest.mark.xfail(strict=True, reason="known failure")] if case["id"] in KNOWN else []
        yield pytest.param(case, id=case["id"], marks=marks)


def test_known_failures_exist():
    ids = {c["id"] for c in DATA["cases"]}
    assert KNOWN <= ids


def _findings(nlp, text, date=None):
    """A case's text through the pipeline, with the record date when the case gives one."""
    doc = nlp.make_doc(text)
    doc._.record_date = date
    return nlp(doc)._.findings


@pytest.mark.parametrize("case", list(_params()))
def test_case(nlp, case):
    narrative = _findings(nlp, case["text"], case.get("date"))
    review = _findings(nlp, case["review"], case.get("date")) if case.get("review") else None
    got = record_findings(narrative, review, case.get("children_field"))
    for label, want in case["expect"].items():
        assert got[label] == want, f"{label}: expected {want!r}, got {got[label]!r}"
