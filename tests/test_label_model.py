"""The trained second opinion on child_present and voice (label_model.py): when it overrules the
rules, what follows from it, that it learns, and that the shipped model is verified."""
import json
import shutil
from pathlib import Path

import pytest

from nlp_assess.findings import record_findings
from nlp_assess.label_model import LabelHeads, make_label_pipeline
from nlp_assess.second_opinion import LabelModel, default_label_model_dir, overrides
from nlp_assess.model import ModelError

ROOT = Path(__file__).resolve().parents[1]
T = {"child_present": 0.8, "voice": 0.8}


def opinion(present, p_present, voice="missing", p_voice=0.5):
    return {"child_present": {"label": present, "probability": p_present},
            "voice": {"label": voice, "probability": p_voice}}


def rules(present="no", voice="missing", voice_found=None, demeanour=False, demeanour_observed=None):
    return {"child_present": present, "voice": voice, "voice_found": voice if voice_found is None else voice_found,
            "demeanour_recorded": demeanour,
            "demeanour_observed": demeanour if demeanour_observed is None else demeanour_observed,
            "referral_mentioned": False, "referral_done": False, "minimising_language": False, "evidence": []}


def test_confident_and_different_overrules():
    got = overrides(rules("no"), opinion("yes", 0.91), T)
    assert got == {"child_present": {"rules": "no", "model": "yes", "probability": 0.91}}


@pytest.mark.parametrize("op", [opinion("yes", 0.79), opinion("no", 0.99)], ids=["unsure", "agrees"])
def test_unsure_or_agreeing_classifier_changes_nothing(op):
    assert overrides(rules("no"), op, T) == {}


def test_voice_is_judged_only_when_the_final_presence_is_yes():
    assert overrides(rules("no"), opinion("no", 0.95, "recorded", 0.99), T) == {}
    got = overrides(rules("no", voice_found="reason_given"), opinion("yes", 0.95, "recorded", 0.9), T)
    assert got["voice"] == {"rules": "reason_given", "model": "recorded", "probability": 0.9}
    # the rules' own presence may be what makes voice count
    assert overrides(rules("yes", "missing"), opinion("yes", 0.6, "recorded", 0.85), T)["voice"]["model"] == "recorded"


def test_presence_overruled_to_yes_brings_back_what_the_rules_read():
    narrative = rules("not_recorded", "missing", voice_found="reason_given", demeanour_observed=True)
    found = record_findings(narrative, None, "N/A", overrides(narrative, opinion("yes", 0.9), T))
    assert (found["child_present"], found["demeanour_recorded"], found["voice"]) == ("yes", True, "reason_given")
    assert found["na_despite_presence"] is True


def test_presence_overruled_to_no_clears_the_child_labels():
    narrative = rules("yes", "recorded", demeanour=True)
    narrative["referral_mentioned"] = True
    found = record_findings(narrative, None, "N/A", overrides(narrative, opinion("no", 0.97), T))
    assert (found["child_present"], found["demeanour_recorded"], found["voice"], found["referral_recorded"],
            found["na_despite_presence"]) == ("no", False, "missing", False, False)


def test_heads_learn_and_voice_is_learned_only_where_a_child_is_present():
    texts = ["two children in the lounge, Amy said she was scared"] * 6 + ["children at school, not present"] * 6 \
        + ["child present, not spoken to as asleep"] * 6
    y = [("yes", "recorded")] * 6 + [("no", "missing")] * 6 + [("yes", "reason_given")] * 6
    model = make_label_pipeline(C=10).fit(texts, y)
    heads = model.named_steps["heads"]
    assert set(heads.heads_["voice"].classes_) == {"recorded", "reason_given"}
    pred = model.predict(["children at school, not present", "child present, not spoken to as asleep"])
    assert pred[0][0] == "no" and list(pred[1]) == ["yes", "reason_given"]


def test_label_heads_do_no_work_in_init():
    heads = LabelHeads(C=3.0)
    assert heads.get_params() == {"C": 3.0, "max_iter": 3000} and not hasattr(heads, "heads_")


def test_shipped_model_loads_with_thresholds_and_reads_plain_cases():
    model = LabelModel()
    assert set(model.thresholds) == {"child_present", "voice"} and all(0.5 <= t < 1 for t in model.thresholds.values())
    ops = model.opinions(["No children at the address; both at their grandmother's overnight. Adults only.",
                          "Two children (4, 7) in the living room throughout. Both spoken to: Mia (7) said "
                          "'Daddy was shouting and I was scared'."])
    assert ops[0]["child_present"]["label"] == "no" and ops[1]["child_present"]["label"] == "yes"
    assert ops[1]["voice"]["label"] == "recorded"


def test_tampered_label_model_is_refused(tmp_path):
    copy = tmp_path / "labels"
    shutil.copytree(default_label_model_dir(), copy)
    with open(copy / "model.joblib", "ab") as f:
        f.write(b"\0")
    with pytest.raises(ModelError, match="sha256"):
        LabelModel(copy)
    manifest = json.loads((default_label_model_dir() / "manifest.json").read_text())
    shutil.copy(default_label_model_dir() / "model.joblib", copy / "model.joblib")
    del manifest["thresholds"]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="thresholds"):
        LabelModel(copy)


class Sure:
    """A stand-in classifier that is sure every record has a child present whose voice is recorded."""
    thresholds = T
    model_dir = None

    def opinions(self, texts):
        return [opinion("yes", 0.99, "recorded", 0.99) for _ in texts]


def test_assess_applies_the_second_opinion_or_the_rules_alone():
    from nlp_assess import assess

    rec = [{"record_id": "1", "narrative": "Attended re verbal argument. No children present.",
            "children_present_field": "N"}]
    alone = next(assess(rec, quality=False, second_opinion=False))
    assert alone["child_present"] == "no" and alone["second_opinion"] is None
    overruled = next(assess(rec, quality=False, labeller=Sure()))
    assert (overruled["child_present"], overruled["voice"]) == ("yes", "recorded")
    assert overruled["second_opinion"]["child_present"] == {"rules": "no", "model": "yes", "probability": 0.99}


def test_spot_check_report_says_what_the_classifier_overruled():
    from nlp_assess import render

    row = {"status": "ok", "child_present": "yes", "voice": "recorded", "evidence": [],
           "second_opinion": {"child_present": {"rules": "no", "model": "yes", "probability": 0.93}}}
    text = render.terminal_report(row, "Narrative text.", None, [])
    assert "reads child_present as yes (probability 0.93), overruling the rules' no" in text
    assert render.second_opinion_lines(dict(row, second_opinion={})) == []


def test_side_process_serves_the_same_opinions():
    """`score` (one job) and `check` ask the quality model's side process for the opinions."""
    from nlp_assess.model import start_quality_model

    texts = ["Kids asleep upstairs, not woken.", "No children live at the address."]
    served = start_quality_model(labels=True)
    try:
        assert served.thresholds == LabelModel().thresholds
        assert served.opinions(texts) == LabelModel().opinions(texts)
    finally:
        served.close()
