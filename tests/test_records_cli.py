"""Input handling and the command line: one output row per input row, clear errors."""
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from nlp_assess import assess
from nlp_assess.cli import cli
from nlp_assess.records import InputError, ReadStats, read_records

SECRET = "Zebedee-narrative-secret"


def run(args, input=None):
    return CliRunner().invoke(cli, args, input=input)


def test_assess_api_keeps_order_and_errors():
    rows = list(assess([
        {"record_id": "a", "narrative": "No children present."},
        {"record_id": "b", "narrative": "   "},
        {"record_id": "c", "narrative": 42},
        {"record_id": "d"},
        "not a dict",
        {"record_id": "e", "narrative": f"Jack (7) was crying. {SECRET}", "children_present_field": "N/A"},
    ]))
    assert [r["record_id"] for r in rows] == ["a", "b", "c", "d", None, "e"]
    assert [r["status"] for r in rows] == ["ok", "error", "error", "error", "error", "ok"]
    assert rows[1]["error"] == "narrative is empty"
    assert "not a string" in rows[2]["error"] and "missing" in rows[3]["error"]
    assert rows[5]["na_despite_presence"] is True
    assert all(SECRET not in (r["error"] or "") for r in rows)


def test_jsonl_bad_lines(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_bytes(b'{"record_id": "1", "narrative": "ok text"}\n{broken\n[1, 2]\n'
                  b'{"record_id": "4", "narrative": "caf\xe9 bad bytes"}\n')
    rows = list(read_records(p, encoding=None))  # no fallback: bytes that are not UTF-8 are an error row
    assert [r.error is None for r in rows] == [True, False, False, False]
    assert "not valid JSON" in rows[1].error and "not an object" in rows[2].error and "UTF-8" in rows[3].error
    stats = ReadStats()
    rows = list(read_records(p, stats=stats))  # default: decoded as cp1252 and counted
    assert rows[3].error is None and rows[3].record["narrative"] == "caf\u00e9 bad bytes"
    assert stats.fallback_decoded == 1


def test_csv_non_utf8_field_is_error_row_without_fallback(tmp_path):
    p = tmp_path / "in.csv"
    p.write_bytes(b"record_id,narrative\n1,fine text\n2,caf\xe9 latin-1\n")
    rows = list(read_records(p, encoding=None))
    assert rows[0].error is None and "UTF-8" in rows[1].error


def test_csv_missing_required_column_stops(tmp_path):
    p = tmp_path / "in.csv"
    p.write_text("id,text\n1,hello\n")
    with pytest.raises(InputError, match="columns found: id, text"):
        list(read_records(p))
    result = run(["score", str(p)])
    assert result.exit_code == 2


def test_score_jsonl_and_csv(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"record_id": "1", "narrative": "Jack (7) crying. VPRF submitted."}) + "\n"
                 + json.dumps({"record_id": "2", "narrative": ""}) + "\n")
    result = run(["score", str(p)])
    assert result.exit_code == 1  # some rows were error rows
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["record_id"] for r in rows] == ["1", "2"]
    assert rows[0]["child_present"] == "yes" and rows[1]["status"] == "error"
    assert set(rows[0]) >= {"quality_score", "quality_band", "copy_of", "review_copy_paste", "evidence"}
    out = tmp_path / "out.csv"
    result = run(["score", str(p), "--format", "csv", "-o", str(out)])
    lines = out.read_text().splitlines()
    assert lines[0].startswith("record_id,status,error,child_present") and len(lines) == 3


def test_score_refuses_to_overwrite_input(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"record_id": "1", "narrative": "x"}) + "\n")
    assert run(["score", str(p), "-o", str(p)]).exit_code == 2
    assert p.read_text().startswith("{")


def test_score_missing_file_and_directory(tmp_path):
    assert run(["score", str(tmp_path / "nope.csv")]).exit_code == 2
    assert run(["score", str(tmp_path)]).exit_code == 2


def test_score_from_stdin():
    result = run(["score", "-"], input=json.dumps({"record_id": "9", "narrative": "No children present."}) + "\n")
    assert result.exit_code == 0 and json.loads(result.stdout)["child_present"] == "no"


def test_installed_console_script_scores_sample(tmp_path):
    """The installed package (not the source tree) runs on the shipped sample."""
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "corpora" / "sample.csv"
    proc = subprocess.run([sys.executable, "-m", "nlp_assess", "score", str(sample)], capture_output=True, text=True,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 40 and all(r["status"] == "ok" for r in rows)
    assert "40 records" in proc.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_score_refuses_a_tampered_model_before_writing(tmp_path, jobs):
    """With one job the model loads in a side process (model.BackgroundModel); a refused
    model must still stop the run with exit 2 and one line, and write nothing."""
    import shutil

    from nlp_assess.model import default_model_dir

    bad = tmp_path / "bad"
    shutil.copytree(default_model_dir(), bad)
    data = bytearray((bad / "model.joblib").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (bad / "model.joblib").write_bytes(bytes(data))
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"record_id": "1", "narrative": "Jack (7) was crying."}) + "\n")
    out = tmp_path / "out.jsonl"
    result = run(["score", str(src), "-o", str(out), "--model", str(bad), "--jobs", jobs])
    assert result.exit_code == 2
    assert "sha256" in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists() and not (tmp_path / "out.jsonl.partial").exists()


def test_score_rows_equal_with_and_without_the_side_process(tmp_path, monkeypatch):
    """The background model gives exactly the rows of the in-process model."""
    import multiprocessing

    src = tmp_path / "in.jsonl"
    from pathlib import Path

    with open(Path(__file__).resolve().parents[1] / "corpora" / "dev.jsonl", encoding="utf-8") as f:
        src.write_text("".join(line for _, line in zip(range(30), f)))
    first = run(["score", str(src), "-o", str(tmp_path / "a.jsonl")])
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])  # no fork: in-process
    second = run(["score", str(src), "-o", str(tmp_path / "b.jsonl")])
    assert first.exit_code == second.exit_code == 0
    assert (tmp_path / "a.jsonl").read_text() == (tmp_path / "b.jsonl").read_text()
