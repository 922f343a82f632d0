"""The quality classifier (issue 4): it learns, it is verified before loading, score and band agree."""
import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from nlp_assess.model import (CLASSES, ModelError, bands_from_scores, default_model_dir, load_model, make_pipeline,
                              predict, save_model)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dev_features():
    from nlp_assess.quality import assess_for_training

    recs = [json.loads(line) for line in open(ROOT / "corpora" / "dev.jsonl")][:160]
    X, rows = assess_for_training(recs)
    return recs, X, [r["labels"]["grade"] for r in recs]


def fit(X, y):
    from sklearn.linear_model import LogisticRegression

    return make_pipeline(LogisticRegression(C=0.3, max_iter=2000)).fit(X, y)


def test_shipped_model_scores_and_bands_agree():
    from nlp_assess import assess

    recs = [json.loads(line) for line in open(ROOT / "corpora" / "dev.jsonl")][:60]
    rows = list(assess([{k: v for k, v in r.items() if k not in ("labels", "meta")} for r in recs]))
    scores = [r["quality_score"] for r in rows]
    assert all(0 <= s <= 100 for s in scores)
    rank = {c: i for i, c in enumerate(CLASSES)}
    ordered = sorted(rows, key=lambda r: r["quality_score"])
    assert [rank[r["quality_band"]] for r in ordered] == sorted(rank[r["quality_band"]] for r in rows)
    for r in rows:
        assert abs(sum(r["quality_probabilities"].values()) - 1) < 0.01
        assert len(r["quality_reasons"]) <= 3
    poor = [r for r in rows if r["quality_band"] == "inadequate"]
    assert poor and all(r["quality_reasons"] for r in poor)


def test_bands_follow_scores():
    assert bands_from_scores(np.array([0, 24.9, 25, 74.9, 75, 100])) == [
        "inadequate", "inadequate", "requires_improvement", "requires_improvement", "good", "good"]


def test_retraining_on_different_grades_changes_predictions(dev_features):
    _, X, y = dev_features
    swapped = [{"good": "inadequate", "inadequate": "good"}.get(g, g) for g in y]
    _, _, bands_a = predict(fit(X, y), X)
    _, _, bands_b = predict(fit(X, swapped), X)
    agree_a = np.mean([a == g for a, g in zip(bands_a, y)])
    agree_b = np.mean([b == g for b, g in zip(bands_b, y)])
    assert agree_a > 0.7 and agree_b < 0.5  # the model follows the grades it is given


def test_save_load_round_trip(tmp_path, dev_features):
    _, X, y = dev_features
    pipe = fit(X, y)
    before = pipe.predict_proba(X[:20])  # save_model rewrites the vocabularies as plain ints
    manifest = save_model(pipe, tmp_path / "m", training={"records": len(y), "sha256": "x"}, metrics={})
    loaded, m2 = load_model(tmp_path / "m")
    assert m2["sha256"] == manifest["sha256"] and len(manifest["sha256"]) == 64
    assert np.allclose(loaded.predict_proba(X[:20]), before)
    words = loaded.named_steps["features"].named_transformers_["words"]
    assert all(type(i) is int for i in words.vocabulary_.values())


def test_tampered_or_foreign_model_is_refused_without_unpickling(tmp_path, monkeypatch):
    import joblib

    src = default_model_dir()
    bad = tmp_path / "bad"
    shutil.copytree(src, bad)
    data = bytearray((bad / "model.joblib").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (bad / "model.joblib").write_bytes(bytes(data))
    monkeypatch.setattr(joblib, "load", lambda *a, **k: pytest.fail("unpickled a tampered model"))
    with pytest.raises(ModelError, match="sha256"):
        load_model(bad)
    foreign = tmp_path / "foreign"
    shutil.copytree(src, foreign)
    m = json.loads((foreign / "manifest.json").read_text())
    m["versions"]["scikit-learn"] = "0.24.2"
    (foreign / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(ModelError, match="scikit-learn 0.24.2"):
        load_model(foreign)
    with pytest.raises(ModelError, match="no manifest.json"):
        load_model(tmp_path / "missing")


def test_train_command_reports_unknowns(tmp_path):
    from click.testing import CliRunner

    from nlp_assess.cli import cli

    recs = [json.loads(line) for line in open(ROOT / "corpora" / "dev.jsonl")][:80]
    rec_path = tmp_path / "records.jsonl"
    rec_path.write_text("".join(json.dumps({k: v for k, v in r.items() if k not in ("labels", "meta")}) + "\n"
                                for r in recs))
    grades = tmp_path / "grades.csv"
    with open(grades, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["record_id", "grade"])
        for r in recs[:-1]:
            w.writerow([r["record_id"], r["labels"]["grade"].replace("_", " ").title()])
        w.writerow(["NO-SUCH-ID", "good"])
        w.writerow([recs[-1]["record_id"], "excellent"])
    result = CliRunner().invoke(cli, ["train", "--records", str(rec_path), "--grades", str(grades),
                                      "-o", str(tmp_path / "model")])
    assert result.exit_code == 0, result.output
    assert "unknown grade name 'excellent'" in result.stderr
    assert "NO-SUCH-ID" in result.stderr and "1 record(s) without a grade" in result.stderr
    pipe, manifest = load_model(tmp_path / "model")
    assert manifest["training_data"]["records"] == 79


def test_fast_reasons_equal_the_full_pipeline_on_each_variant():
    """reasons() re-scales only the findings of each variant; the full pipeline on the same
    variants must rank the same reasons."""
    from nlp_assess import assess
    from nlp_assess.features import (FINDING_FEATURES, GOOD_VALUES, REASON_TEXT, applicable_reasons, feature_row,
                                     to_matrix)
    from nlp_assess.model import predict, reasons

    recs = [json.loads(line) for line in open(ROOT / "corpora" / "dev.jsonl")][:60]
    pipe, _ = load_model(None)
    rows = list(assess(recs, quality=False))
    X = to_matrix([feature_row(r, o) for r, o in zip(recs, rows)])
    _, scores, _ = predict(pipe, X)
    fast = reasons(pipe, X, rows, scores)
    index = {name: j for j, name in enumerate(FINDING_FEATURES, 1)}
    for i, row in enumerate(rows):
        gains = []
        for reason in applicable_reasons(row):
            x = X[i].copy()
            for feat, value in GOOD_VALUES[reason].items():
                x[index[feat]] = value
            gain = predict(pipe, np.array([x], dtype=object))[1][0] - scores[i]  # the whole pipeline again
            gains.append((float(gain), reason))
        slow = [REASON_TEXT[r] for g, r in sorted(gains, key=lambda t: -t[0])[:3]]
        assert fast[i] == slow
