"""Training packs (`nlp-assess examples`): chosen examples fit the criterion, are not
near-duplicates, keep their highlights aligned after redaction, and leak no planted detail."""
import html
import itertools
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from nlp_assess.cli import cli
from nlp_assess.examples import (
    build_pack,
    confidence,
    criteria,
    redact_pack,
    render_html,
    render_markdown,
    select,
    settings,
    similarity,
)

ROOT = Path(__file__).resolve().parents[1]
N_RECORDS = 120

# Personal details planted into every record of the slice (narrative and review).
PLANTED_NARRATIVE = (" The victim, Ottilie FAIRCLOUGH (33), lives at 27 Acacia Avenue, LS6 2QT, tel 07700 900123."
                     " Her son Thaddeus (8) DOB 12/03/2016 was upstairs. Crime ref 13/45678/24."
                     " Statement taken by PC 4521 Thistlewood.")
PLANTED_REVIEW = " Reviewed by PS 7712 Ramsbottom; contact Mr Green on 0113 496 0381."
PLANTED_VALUES = ["Ottilie", "FAIRCLOUGH", "Acacia", "LS6 2QT", "07700 900123", "Thaddeus", "12/03/2016",
                  "13/45678/24", "4521", "Thistlewood", "7712", "Ramsbottom", "Green", "0113 496 0381"]


def _records(n=N_RECORDS):
    with open(ROOT / "corpora" / "dev.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in itertools.islice(f, n)]


def _write(path, records):
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in records)
    return path


def _assess(records):
    from nlp_assess import assess

    return list(assess(records))


@pytest.fixture(scope="module")
def assessed():
    records = _records()
    return records, _assess(records)


@pytest.fixture(scope="module")
def planted():
    """The slice with personal details added to every narrative and review."""
    records = []
    for r in _records(60):
        r = dict(r, narrative=r["narrative"] + PLANTED_NARRATIVE)
        if (r.get("supervisor_review") or "").strip():
            r["supervisor_review"] = r["supervisor_review"] + PLANTED_REVIEW
        records.append(r)
    return records, _assess(records)


# Each criterion's definition, written out independently of examples.json.
DEFINITIONS = {
    ("demeanour", "good"): lambda f: f["child_present"] == "yes" and f["demeanour_recorded"],
    ("demeanour", "poor"): lambda f: f["child_present"] == "yes" and not f["demeanour_recorded"],
    ("voice", "good"): lambda f: f["child_present"] == "yes" and f["voice"] in ("recorded", "reason_given"),
    ("voice", "poor"): lambda f: f["child_present"] == "yes" and f["voice"] == "missing",
    ("referral", "good"): lambda f: f["child_present"] == "yes" and f["referral_recorded"],
    ("referral", "poor"): lambda f: f["child_present"] == "yes" and not f["referral_recorded"],
    ("presence", "good"): lambda f: f["child_present"] in ("yes", "no") and not f["na_despite_presence"],
    ("presence", "poor"): lambda f: f["child_present"] == "not_recorded" or f["na_despite_presence"],
    ("review", "good"): lambda f: not f["review_copy_paste"],
    ("review", "poor"): lambda f: f["review_copy_paste"],
    ("minimising", "good"): lambda f: f["child_present"] == "yes" and not f["minimising_language"],
    ("minimising", "poor"): lambda f: f["minimising_language"],
}


def test_criteria_are_the_issue_s_six():
    assert set(criteria()) == {"demeanour", "voice", "referral", "presence", "review", "minimising"}


@pytest.mark.parametrize("criterion", ["demeanour", "voice", "referral", "presence", "review", "minimising"])
def test_chosen_examples_fit_the_definition(assessed, criterion):
    records, rows = assessed
    pack = select(rows, records, criterion, good=3, poor=3)
    by_id = {r["record_id"]: r for r in rows}
    for side in ("good", "poor"):
        assert 1 <= len(pack[side]) <= 3, (criterion, side)
        for ex in pack[side]:
            assert DEFINITIONS[(criterion, side)](by_id[ex["record_id"]]), (criterion, side, ex["record_id"])
            assert ex["explanation"].startswith("What good looks like" if side == "good" else "What is missing")
        confidences = [ex["confidence"] for ex in pack[side]]
        assert all(0.0 <= c <= 1.0 for c in confidences)


def test_good_review_has_a_review_with_its_own_facts(assessed):
    records, rows = assessed
    pack = select(rows, records, "review", good=2, poor=0)
    for ex in pack["good"]:
        review = [f for f in ex["fields"] if f["field"] == "supervisor_review"]
        assert review and any(s["label"] == "REVIEW_FACT" for s in review[0]["spans"])


def test_no_two_examples_are_near_duplicates(assessed):
    """A batch whose most confident candidates come as five near-identical copies: one is taken."""
    records, rows = assessed
    first = select(rows, records, "demeanour", good=1, poor=0)["good"][0]
    i = next(k for k, r in enumerate(records) if r["record_id"] == first["record_id"])
    copies = [dict(records[i], record_id=f"COPY-{n}", narrative=records[i]["narrative"] + f" Log closed 23:1{n}.")
              for n in range(5)]
    copy_rows = [dict(rows[i], record_id=f"COPY-{n}") for n in range(5)]  # the same findings and scores
    pack = select(copy_rows + rows, copies + records, "demeanour", good=4, poor=3)
    chosen = [ex for side in ("good", "poor") for ex in pack[side]]
    assert len(pack["good"]) == 4 and len(pack["poor"]) == 3
    family = {first["record_id"]} | {c["record_id"] for c in copies}
    assert len(family & {ex["record_id"] for ex in chosen}) == 1
    limit = settings()["max_similarity"]
    for a, b in itertools.combinations(chosen, 2):
        assert similarity(a["fields"][0]["text"], b["fields"][0]["text"]) <= limit


def test_similarity_sees_copies_and_not_different_texts():
    a = "Jack (7) was crying on the stairs and said dad hit mum. VPRF submitted."
    b = "Lily (9) was crying on the stairs and said dad hit mum. VPRF submitted."
    c = "No children present. Both parties calm, words of advice given."
    assert similarity(a, b) > 0.8
    assert similarity(a, c) < 0.1


def test_confidence_prefers_stronger_evidence():
    parts = settings()["criteria"]["demeanour"]["good"]["confidence"]
    base = {"quality_probabilities": {"good": 0.7}, "quality_score": 80.0}
    one = dict(base, evidence=[{"label": "DEMEANOUR"}])
    three = dict(base, evidence=[{"label": "DEMEANOUR"}] * 3)
    assert confidence(three, "good", parts) > confidence(one, "good", parts)
    poor_parts = settings()["criteria"]["demeanour"]["poor"]["confidence"]
    assert confidence(dict(base, quality_score=10.0, evidence=[]), "poor", poor_parts) > \
        confidence(dict(base, quality_score=60.0, evidence=[]), "poor", poor_parts)


def _all_spans(pack):
    for side in ("good", "poor"):
        for ex in pack[side]:
            for f in ex["fields"]:
                for s in f["spans"]:
                    yield ex, f, s


@pytest.mark.parametrize("criterion", ["voice", "review", "presence"])
def test_highlights_stay_on_their_evidence_after_redaction(planted, criterion):
    records, rows = planted
    plain = select(rows, records, criterion, good=3, poor=3)
    red = redact_pack(plain)
    assert sum(1 for _ in _all_spans(red)) > 0
    for (_, f0, s0), (_, f1, s1) in zip(_all_spans(plain), _all_spans(red)):
        assert f1["text"][s1["start"]:s1["end"]] == s1["text"] and s1["text"]
        assert f0["text"][s0["start"]:s0["end"]] == s0["text"]
        if "[" not in s1["text"]:
            assert s1["text"] == s0["text"]  # untouched evidence is the same text
        else:
            assert re.search(r"\[[A-Z]+\]", s1["text"])  # a redacted name inside the evidence


@pytest.mark.parametrize("criterion", ["demeanour", "voice", "referral", "presence", "review", "minimising"])
def test_no_planted_detail_survives_in_packs(planted, nlp, criterion):
    records, rows = planted
    pack = build_pack(rows, records, criterion, good=3, poor=3, redact=True, nlp=nlp)
    assert pack["good"] or pack["poor"]
    page = html.unescape(re.sub(r"<[^>]+>", "", render_html(pack)))
    md = render_markdown(pack).replace("\\", "")
    for out in (page, md):
        leaks = [v for v in PLANTED_VALUES if re.search(r"(?<!\w)" + re.escape(v) + r"(?!\w)", out)]
        assert not leaks, leaks
        assert not any(r["record_id"] in out for r in records)


def test_without_redaction_the_details_are_there(planted):
    """The leak test above can fail: the same pack unredacted shows the planted details."""
    records, rows = planted
    pack = build_pack(rows, records, "voice", good=2, poor=2, redact=False)
    md = render_markdown(pack).replace("\\", "")
    assert "Thaddeus" in md and "LS6 2QT" in md and "NOT REDACTED" in md


def test_html_is_self_contained_and_marks_the_evidence(assessed):
    records, rows = assessed
    pack = redact_pack(select(rows, records, "voice", good=2, poor=2))
    page = render_html(pack)
    assert page.startswith("<!DOCTYPE html>")
    for forbidden in ("http://", "https://", "<script", "<link", "src=", "@import"):
        assert forbidden not in page
    for _, _, s in _all_spans(pack):
        assert f">{html.escape(s['text'].strip())}" in page or html.escape(s["text"].strip()) in page
    assert page.count("<mark class=\"l-") >= sum(1 for _ in _all_spans(pack)) // 2


def test_markdown_puts_evidence_in_bold(assessed):
    records, rows = assessed
    pack = select(rows, records, "demeanour", good=2, poor=0)
    md = render_markdown(pack)
    spans = [s for _, _, s in _all_spans(pack) if s["label"] == "DEMEANOUR"]
    assert spans
    plain_md = md.replace("\\", "")
    for s in spans:
        assert f"**{s['text'].strip()}" in plain_md or s["text"].strip() in plain_md.split("**")


def test_markdown_escapes_text_that_would_become_markup():
    pack = {"criterion": "voice", "title": "T", "question": "Q", "requested": {"good": 1, "poor": 0},
            "candidates": {"good": 1, "poor": 0}, "redacted": True, "labels": {"VOICE": {"name": "voice",
                                                                                          "colour": "#fff"}},
            "good": [{"side": "good", "record_id": "good-1", "confidence": 0.9, "quality_band": "good",
                      "quality_score": 90.0, "copies": 0, "explanation": "What good looks like: x",
                      "fields": [{"field": "narrative", "text": "- [NAME](7) said *hi* <b>",
                                  "spans": [{"label": "VOICE", "start": 12, "end": 21, "text": "said *hi*"}]}]}],
            "poor": []}
    md = render_markdown(pack)
    assert "> \\- \\[NAME\\](7)" in md and "<b>" not in md and "**said \\*hi\\***" in md


# -- the command ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dev_slice(tmp_path_factory):
    return _write(tmp_path_factory.mktemp("ex") / "slice.jsonl", _records(60))


def test_cli_writes_an_html_pack(dev_slice, tmp_path):
    out = tmp_path / "pack.html"
    result = CliRunner().invoke(cli, ["examples", str(dev_slice), "--criterion", "voice", "--good", "2",
                                      "--poor", "2", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "<h1>Training examples: The child&#x27;s voice</h1>" in page
    assert page.count('<section class="example good"') == 2 and page.count('<section class="example poor"') == 2
    assert result.stdout == ""
    assert "60 records, 0 errors" in result.stderr and "redacted" in result.stderr
    narratives = [r["narrative"] for r in _records(60)]
    assert not any(n[:40] in result.stderr for n in narratives)  # never narrative text in messages


def test_cli_markdown_to_stdout_and_usage_errors(dev_slice, tmp_path):
    run = CliRunner().invoke
    result = run(cli, ["examples", str(dev_slice), "--criterion", "minimising", "--good", "1", "--poor", "1"])
    assert result.exit_code == 0 and result.stdout.startswith("# Training examples: Minimising")
    assert "good-1" in result.stdout and "Personal details are replaced" in result.stdout
    unredacted = run(cli, ["examples", str(dev_slice), "--criterion", "minimising", "--no-redact"])
    assert unredacted.exit_code == 0 and "NOT REDACTED" in unredacted.stdout and "good-1" not in unredacted.stdout
    assert "do not share" in unredacted.stderr
    assert run(cli, ["examples", str(dev_slice), "--criterion", "voice", "-o", str(tmp_path / "x.pdf")]).exit_code == 2
    assert run(cli, ["examples", str(tmp_path / "missing.jsonl"), "--criterion", "voice"]).exit_code == 2
    assert run(cli, ["examples", str(dev_slice), "--criterion", "nonsense"]).exit_code == 2
    assert run(cli, ["examples", str(dev_slice), "--criterion", "voice", "-o", str(dev_slice)]).exit_code == 2


def test_cli_exit_code_1_with_error_rows(tmp_path):
    path = _write(tmp_path / "bad.jsonl", _records(20) + [{"record_id": "E1", "narrative": ""}])
    result = CliRunner().invoke(cli, ["examples", str(path), "--criterion", "presence", "--format", "md"])
    assert result.exit_code == 1 and "1 errors" in result.stderr


def _console_script():
    found = shutil.which("nlp-assess") or str(Path(sys.executable).parent / "nlp-assess")
    return found if Path(found).exists() else None


def test_installed_console_script_writes_a_redacted_markdown_pack(tmp_path):
    exe = _console_script()
    if exe is None:
        pytest.skip("the nlp-assess console script is not installed")
    # 20 dev records with a referral and 20 without (by gold label), so both halves of the
    # pack can be filled whatever order the corpus build writes dev in
    dev = _records(10_000)
    chosen = [r for r in dev if r["labels"]["referral_recorded"]][:20] + \
        [r for r in dev if not r["labels"]["referral_recorded"] and r["labels"]["child_present"] == "yes"][:20]
    records = [dict(r, narrative=r["narrative"] + PLANTED_NARRATIVE) for r in chosen]
    src = _write(tmp_path / "in.jsonl", records)
    out = tmp_path / "pack.md"
    proc = subprocess.run([exe, "examples", str(src), "--criterion", "referral", "--good", "2", "--poor", "2",
                           "-o", str(out)], check=False, capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# Training examples: Safeguarding referral")
    # the same planted sentences in every record make short narratives alike, so fewer may qualify
    assert 1 <= md.count("### Good example") <= 2 and 1 <= md.count("### Poor example") <= 2
    plain = md.replace("\\", "")
    assert not [v for v in PLANTED_VALUES[:9] if v in plain]
