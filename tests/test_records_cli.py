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
