"""`nlp-assess check`: one narrative, criteria with reasons, highlighted evidence, HTML page."""
import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from nlp_assess import render
from nlp_assess.cli import cli
from nlp_assess.commands import check as check_mod
from nlp_assess.scoring import OUTPUT_FIELDS

NARRATIVE = ("Officers attended a verbal argument. Their daughter Ella (6) was on the stairs crying. "
             "Ella said 'daddy was shouting at mummy'. VPRF submitted.")
SECRET = "Zebedee-check-secret"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def shipped():
    """The shipped quality model, loaded once for this module."""
    from nlp_assess.scoring import QualityModel

    return QualityModel()


def invoke(args, input=None, env=None):
    return CliRunner().invoke(cli, ["check"] + args, input=input, env=env)


# ------------------------------------------------------------------ criteria rules
def ok_row(**fields):
    row = {"status": "ok", "child_present": "yes", "demeanour_recorded": True, "voice": "recorded",
           "referral_recorded": True, "na_despite_presence": False, "minimising_language": False,
           "review_copy_paste": False, "evidence": []}
    row.update(fields)
    return row


def by_name(items):
    return {c["criterion"]: (c["status"], c["why"]) for c in items}


@pytest.mark.parametrize("present", ["no", "not_recorded"])
def test_child_not_present_makes_child_criteria_not_applicable(present):
    got = by_name(render.criteria(ok_row(child_present=present, demeanour_recorded=False, voice="missing",
                                         referral_recorded=False), review_given=False, field_given=False))
    assert got["child_present"][0] == ("met" if present == "no" else "missing")
    for name in ("demeanour", "voice", "referral"):
        assert got[name][0] == "not_applicable"
    assert got["demeanour"][1] == "no child present recorded, so demeanour not applicable"
    assert "supervisor_review" not in got  # no review given: no review criterion


def test_child_present_without_observation_is_missing():
    got = by_name(render.criteria(ok_row(demeanour_recorded=False, voice="missing", referral_recorded=False),
                                  review_given=False, field_given=False))
    assert got["demeanour"] == ("missing", "child present but no observation of behaviour or demeanour")
    assert got["voice"][0] == "missing" and got["referral"][0] == "missing"


def test_voice_reason_counts_as_met_with_its_own_reason():
    recorded = by_name(render.criteria(ok_row(voice="recorded"), review_given=False, field_given=False))
    reason = by_name(render.criteria(ok_row(voice="reason_given"), review_given=False, field_given=False))
    assert recorded["voice"][0] == reason["voice"][0] == "met"
    assert recorded["voice"][1] != reason["voice"][1]


def test_structured_field_and_minimising():
    absent = by_name(render.criteria(ok_row(), review_given=False, field_given=False))
    assert absent["structured_field"][0] == "not_applicable"
    flagged = by_name(render.criteria(ok_row(na_despite_presence=True, minimising_language=True),
                                      review_given=False, field_given=True))
    assert flagged["structured_field"][0] == "missing" and flagged["minimising_language"][0] == "missing"
    fine = by_name(render.criteria(ok_row(), review_given=False, field_given=True))
    assert fine["structured_field"][0] == "met" and fine["minimising_language"][0] == "met"


def test_review_copy_stock_and_specific():
    copy_ev = [{"label": "REVIEW_COPY", "text": "x", "start": 0, "end": 1, "field": "supervisor_review"}]
    copied = by_name(render.criteria(ok_row(review_copy_paste=True, evidence=copy_ev),
                                     review_given=True, field_given=False))
    stock = by_name(render.criteria(ok_row(review_copy_paste=True), review_given=True, field_given=False))
    specific = by_name(render.criteria(ok_row(), review_given=True, field_given=False))
    assert copied["supervisor_review"][0] == stock["supervisor_review"][0] == "missing"
    assert "copied" in copied["supervisor_review"][1] and "stock" in stock["supervisor_review"][1]
    assert specific["supervisor_review"][0] == "met"


def test_error_row_has_no_criteria():
    assert render.criteria({"status": "error", "error": "narrative is empty"}, review_given=True,
                           field_given=True) == []


# ------------------------------------------------------------------ highlighting
def test_highlight_wraps_exactly_the_evidence_offsets():
    text = "Jack (7) was crying. VPRF submitted."
    spans = [{"label": "CHILD_PRESENT", "start": 0, "end": 4}, {"label": "DEMEANOUR", "start": 13, "end": 19},
             {"label": "REFERRAL", "start": 21, "end": 25}]
    code = {s["label"]: f"\x1b[{render.settings()['labels'][s['label']]['ansi']}m" for s in spans}
    expected = (code["CHILD_PRESENT"] + "Jack" + render.RESET + " (7) was " + code["DEMEANOUR"] + "crying"
                + render.RESET + ". " + code["REFERRAL"] + "VPRF" + render.RESET + " submitted.")
    assert render.highlight_ansi(text, spans) == expected


def test_nested_spans_keep_the_text_and_show_the_inner_label():
    text = "Reviewed. The kids are used to it. NFA."
    inner = {"label": "MINIMISING", "start": 14, "end": 33}
    spans = [{"label": "REVIEW_STOCK", "start": 0, "end": len(text)}, inner]
    out = render.highlight_ansi(text, spans)
    assert ANSI.sub("", out) == text
    inner_code = f"\x1b[{render.settings()['labels']['MINIMISING']['ansi']}m"
    assert inner_code + text[inner["start"]:inner["end"]] + render.RESET in out


def test_real_evidence_is_highlighted_at_its_offsets(shipped):
    row = check_mod.assess_one(NARRATIVE, None, None, None)
    spans = render.field_spans(row, "narrative")
    assert spans, "the pipeline should find evidence in this narrative"
    out = render.highlight_ansi(NARRATIVE, spans)
    assert ANSI.sub("", out) == NARRATIVE
    for s in spans:
        code = f"\x1b[{render.label_style(s['label'])['ansi']}m"
        assert code + NARRATIVE[s["start"]:s["end"]] + render.RESET in out


def test_terminal_text_neutralises_control_characters(shipped):
    result = invoke(["--no-color", "Jack (7) was crying.\x1b[2J\x07 VPRF submitted."])
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert render.printable("a\x1bb\r\nc\td") == "a\ufffdb \nc\td"


def test_displacy_tokens_align_with_spans():
    text = "Ella (6) was  crying.\nVPRF done"
    spans = [{"label": "CHILD_PRESENT", "start": 0, "end": 4}, {"label": "DEMEANOUR", "start": 14, "end": 20}]
    doc = render.displacy_doc(text, spans, "Narrative")
    assert "".join(doc["tokens"]) == "".join(text.split())
    got = {(s["label"], "".join(doc["tokens"][s["start_token"]:s["end_token"]])) for s in doc["spans"]}
    assert got == {("CHILD_PRESENT", "Ella"), ("DEMEANOUR", "crying")}


# ------------------------------------------------------------------ the command
def test_argument_file_and_stdin_give_the_same_result(shipped, tmp_path):
    f = tmp_path / "n.txt"
    f.write_text(NARRATIVE, encoding="utf-8")
    results = [invoke(["--json", NARRATIVE]), invoke(["--json", "-f", str(f)]), invoke(["--json"], input=NARRATIVE),
               invoke(["--json", "-f", "-"], input=NARRATIVE)]
    assert [r.exit_code for r in results] == [0, 0, 0, 0], [r.stderr for r in results]
    rows = [json.loads(r.stdout) for r in results]
    assert all(r == rows[0] for r in rows)


def test_terminal_output_lists_criteria_band_and_reasons(shipped):
    result = invoke([NARRATIVE, "--review", "Reviewed. NFA.", "--children-field", "N/A"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "\x1b[" not in out  # CliRunner is not a terminal: no colour by default
    assert NARRATIVE in out and "Reviewed. NFA." in out
    names = render.settings()["criteria"]
    for name in names.values():
        assert re.search(rf"^  {re.escape(name)}\s+(met|missing|not applicable)\s+\S", out, re.MULTILINE), name
    assert re.search(r"^Band: (good|requires improvement|inadequate) \(score [\d.]+/100\)$", out, re.MULTILINE)


def test_json_is_the_output_row_plus_criteria(shipped):
    result = invoke(["--json", NARRATIVE, "--children-field", "N/A"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == list(OUTPUT_FIELDS) + ["criteria"]
    assert data["status"] == "ok" and data["quality_band"] in ("good", "requires_improvement", "inadequate")
    assert data["criteria"] == render.criteria(data, review_given=False, field_given=True)
    assert all(set(c) == {"criterion", "status", "why"} for c in data["criteria"])
    # evidence offsets point into the narrative
    for e in data["evidence"]:
        assert NARRATIVE[e["start"]:e["end"]] == e["text"]


def test_colour_flags_and_no_color(shipped, monkeypatch):
    assert "\x1b[" in invoke(["--color", NARRATIVE]).stdout
    assert "\x1b[" in invoke(["--color", NARRATIVE], env={"NO_COLOR": "1"}).stdout  # the flag wins
    assert "\x1b[" not in invoke(["--no-color", NARRATIVE]).stdout
    monkeypatch.setattr(check_mod.click, "get_text_stream", lambda name: type("T", (), {"isatty": lambda s: True})())
    monkeypatch.setenv("NO_COLOR", "1")
    assert check_mod.use_colour(None) is False
    monkeypatch.delenv("NO_COLOR")
    assert check_mod.use_colour(None) is True and check_mod.use_colour(False) is False


def test_html_page_is_self_contained(shipped, tmp_path):
    page = tmp_path / "check.html"
    result = invoke([NARRATIVE, "--review", "Reviewed. Risk assessed. NFA.", "--html", str(page)])
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert "<table" in html and "class=\"spans\"" in html and "Supervisor review" in html
    assert "crying" in html and "Band:" in html
    assert not re.search(r"https?://", html)
    assert not re.search(r"<(script|link|img)\b", html, re.IGNORECASE)


def test_html_escapes_narrative_markup():
    text = "<script>alert(1)</script> Jo was crying."
    start = text.index("crying")
    row = ok_row(evidence=[{"label": "DEMEANOUR", "text": "crying", "start": start, "end": start + 6,
                            "field": "narrative"}], quality_band="good", quality_score=80.0, quality_reasons=[])
    page = render.html_page(row, text, None, render.criteria(row, review_given=False, field_given=False))
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "DEMEANOUR" in page and "crying" in page


@pytest.mark.parametrize("args,input,message", [
    ([], "", "no narrative given"),
    (["   \n "], None, "narrative is empty"),
    ([""], None, "narrative is empty"),
    (["-f", "/nonexistent/narrative.txt"], None, "cannot read narrative file"),
    ([SECRET, "-f", "/nonexistent/narrative.txt"], None, "not both"),
])
def test_usage_errors_exit_2_with_one_line(args, input, message):
    result = invoke(args, input=input)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert SECRET not in result.stderr and result.stdout == ""


def test_non_utf8_file_is_a_usage_error(tmp_path):
    f = tmp_path / "n.txt"
    f.write_bytes(SECRET.encode() + b" caf\xe9 \xff")
    result = invoke(["-f", str(f)])
    assert result.exit_code == 2 and "not UTF-8" in result.stderr and SECRET not in result.stderr


def test_installed_command_runs_as_a_subprocess(shipped, tmp_path):
    env = dict(os.environ)
    exe = [sys.executable, "-c", "from nlp_assess.cli import main; main()"]
    from shutil import which

    if which("nlp-assess"):
        exe = ["nlp-assess"]
    done = subprocess.run(exe + ["check", "--json", NARRATIVE], capture_output=True, text=True, env=env, check=False,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["record_id"] == check_mod.RECORD_ID
    bad = subprocess.run(exe + ["check", "-f", str(tmp_path / "missing.txt")], capture_output=True, text=True, check=False,
                         env=env, timeout=120)
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("review,field", [(None, None), ("Reviewed. Risk assessed appropriately. NFA.", "N/A"),
                                          ("Ella seen; ensure Op Encompass is sent to her school today.", "Y")])
def test_check_row_equals_the_score_row(shipped, review, field):
    from nlp_assess import assess

    model = shipped
    record = {"record_id": check_mod.RECORD_ID, "narrative": NARRATIVE}
    if review is not None:
        record["supervisor_review"] = review
    if field is not None:
        record["children_present_field"] = field
    expected = next(assess([record], model=model))  # scikit-learn, as `nlp-assess score` runs it
    got = check_mod.assess_one(NARRATIVE, review, field, None)  # the command's own path
    for k in OUTPUT_FIELDS:
        assert got[k] == expected[k], k


# ------------------------------------------------------------------ model loaded beside spaCy
@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(), reason="needs fork")
def test_background_model_scores_exactly_as_in_process(shipped):
    from nlp_assess.model import BackgroundModel
    from nlp_assess.records import validate
    from nlp_assess.scoring import assess_rows

    records = [validate({"record_id": str(i), "narrative": text}, i) for i, text in enumerate(
        [NARRATIVE, "Verbal argument, kids upstairs asleep, not spoken to.", "No children at the address."])]
    here = list(assess_rows(records, model=shipped))
    background = BackgroundModel()
    try:
        there = list(assess_rows(records, model=background))
    finally:
        background.close()
    assert there == here
    assert not background._process.is_alive()  # close() stops the child, it does not wait out a timeout


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(), reason="needs fork")
def test_check_refuses_a_tampered_model_with_one_line(tmp_path):
    import shutil

    from nlp_assess.model import default_model_dir

    bad = tmp_path / "bad"
    shutil.copytree(default_model_dir(), bad)
    data = bytearray((bad / "model.joblib").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (bad / "model.joblib").write_bytes(bytes(data))
    result = invoke(["--model", str(bad), NARRATIVE])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "sha256" in lines[0] and "Ella" not in lines[0]
