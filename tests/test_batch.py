"""Batch runs (issue 6): bad input never loses a row, output is atomic, runs resume, --jobs
gives the same rows, columns are mapped and carried through."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nlp_assess import assess
from nlp_assess.cli import cli
from nlp_assess.records import ReadStats, read_records

SECRET = "Quetzalcoatl-secret-narrative"


def run(args, input=None):
    return CliRunner().invoke(cli, args, input=input)


def rows_of(result):
    return [json.loads(line) for line in result.stdout.splitlines()]


# --- bad CSV ------------------------------------------------------------------------------

def test_csv_unbalanced_quote_loses_only_that_row(tmp_path):
    p = tmp_path / "in.csv"
    p.write_bytes(b'record_id,narrative\n1,"never closed ' + SECRET.encode() + b'\n2,fine text\n'
                  b'3,"quoted\nover two lines"\n4,last\n')
    rows = list(read_records(p))
    assert [r.record_id for r in rows] == ["1", "2", "3", "4"]
    assert "unbalanced quote" in rows[0].error and SECRET not in rows[0].error
    assert [r.error for r in rows[1:]] == [None, None, None]
    assert rows[2].record["narrative"] == "quoted\nover two lines"


def test_csv_quote_open_at_end_of_file(tmp_path):
    p = tmp_path / "in.csv"
    p.write_bytes(b'record_id,narrative\n1,ok\n2,"open to the end\nand more\n')
    rows = list(read_records(p))
    assert rows[0].error is None and "unbalanced quote" in rows[1].error
    assert len(rows) == 3 and rows[2].error  # the swallowed line is read again: a ragged row


def test_csv_ragged_bom_nul_and_huge_field(tmp_path):
    p = tmp_path / "in.csv"
    huge = b"x " * (6 * 1024 * 1024)  # a 12 MB field
    p.write_bytes(b"\xef\xbb\xbfrecord_id,narrative,team\n1,too,many,fields\n2,short\n3,nul\x00byte,A\n"
                  b"4," + huge + b",B\n5,after the huge one,C\n")
    rows = list(read_records(p))
    assert [r.record_id for r in rows] == ["1", "2", "3", "4", "5"]
    assert "fields" in rows[0].error and "fields" in rows[1].error
    assert rows[2].error is None and rows[2].record["narrative"] == "nul byte"
    assert "too long" in rows[3].error
    assert rows[4].error is None and rows[4].extra == {"team": "C"}


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encodings_decoded_and_counted(tmp_path, encoding):
    p = tmp_path / "in.csv"
    text = "record_id,narrative\n1,Child said \u201cgo away\u201d \u2013 caf\u00e9\n2,plain ascii\n" if encoding == "cp1252" \
        else "record_id,narrative\n1,Child said go away caf\u00e9 \u00bd\n2,plain ascii\n"
    p.write_bytes(text.encode(encoding))
    stats = ReadStats()
    rows = list(read_records(p, stats=stats))
    assert rows[0].error is None and rows[0].record["narrative"] == text.splitlines()[1][2:]
    assert stats.fallback_decoded == 1
    result = run(["score", str(p)])
    assert result.exit_code == 0 and "1 rows were not UTF-8" in result.stderr


def test_jsonl_broken_nonobject_and_nonstring(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text('{"record_id": "1", "narrative": "fine"}\n{"record_id": "2", "narr\n[1]\n"str"\n'
                 '{"record_id": "5", "narrative": ["' + SECRET + '"]}\n{"record_id": "6", "narrative": "ok"}\n')
    result = run(["score", str(p)])
    rows = rows_of(result)
    assert result.exit_code == 1
    assert [r["status"] for r in rows] == ["ok", "error", "error", "error", "error", "ok"]
    assert SECRET not in result.stdout + result.stderr


def test_empty_input_directory_and_missing_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf \n")
    for target, words in ((empty, "empty"), (tmp_path, "directory"), (tmp_path / "nope.csv", "not found")):
        result = run(["score", str(target)])
        assert result.exit_code == 2 and words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    header_only = tmp_path / "header.csv"
    header_only.write_text("record_id,narrative\n")
    result = run(["score", str(header_only)])
    assert result.exit_code == 0 and result.stdout == ""


def test_duplicate_ids_reported_and_kept(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text("".join(json.dumps({"record_id": i, "narrative": "No children present."}) + "\n"
                         for i in ["a", "b", "a"]))
    result = run(["score", str(p)])
    assert [r["record_id"] for r in rows_of(result)] == ["a", "b", "a"]
    assert "1 record_id(s) appear more than once (first: a)" in result.stderr


# --- property: one row per input row ------------------------------------------------------

record_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
raw_value = st.one_of(record_text, st.none(), st.integers(), st.booleans(), st.lists(st.integers(), max_size=2))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({"record_id": st.one_of(record_text, st.integers()), "narrative": raw_value},
                                      optional={"supervisor_review": raw_value, "children_present_field": raw_value}),
                max_size=6))
@example([{"record_id": "0", "narrative": None, "supervisor_review": "0\x000"}])  # found by hypothesis
def test_any_unicode_records_give_one_row_each(records):
    rows = list(assess(records, quality=False))
    assert len(rows) == len(records)
    for rec, row in zip(records, rows):
        rid = rec["record_id"]
        if row["status"] == "ok":
            assert row["record_id"] == str(rid).strip()
            for ev in row["evidence"]:
                text = rec[ev["field"]].replace("\x00", " ")  # NUL bytes become spaces (README)
                assert 0 <= ev["start"] < ev["end"] <= len(text) and text[ev["start"]:ev["end"]] == ev["text"]
        else:
            assert row["error"] and "\n" not in row["error"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"),
                                  min_size=1, max_size=80),
                          st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)), max_size=5))
def test_any_unicode_csv_round_trips_row_count(tmp_path_factory, pairs):
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["record_id", "narrative"])
    w.writerows(pairs)
    p = tmp_path_factory.mktemp("csv") / "in.csv"
    p.write_text(buf.getvalue(), encoding="utf-8")
    rows = list(read_records(p))
    assert len(rows) == len(pairs)
    assert [r.index for r in rows] == list(range(len(pairs)))


# --- columns, formats, atomic output, resume, jobs ----------------------------------------

def test_column_mapping_and_carry_through(tmp_path):
    p = tmp_path / "export.csv"
    p.write_text("IncidentRef,Log Text,Station,status,Extra\nX1,Jack (7) was crying. VPRF submitted.,North,old,e1\n")
    result = run(["score", str(p), "--id-col", "IncidentRef", "--text-col", "Log Text", "--team-col", "Station"])
    assert result.exit_code == 0, result.stderr
    row = rows_of(result)[0]
    assert row["record_id"] == "X1" and row["child_present"] == "yes"
    assert row["team"] == "North" and row["Extra"] == "e1" and row["input_status"] == "old"
    out = tmp_path / "out.csv"
    result = run(["score", str(p), "--id-col", "IncidentRef", "--text-col", "Log Text", "-o", str(out)])
    header = out.read_text().splitlines()[0].split(",")
    assert header[:3] == ["record_id", "status", "error"] and header[-3:] == ["Station", "input_status", "Extra"]
    assert not (tmp_path / "out.csv.partial").exists()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A few hundred dev records (a few invalid) as JSON Lines."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "corpora" / "dev.jsonl"
    recs = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines()[:300]]
    p = tmp_path_factory.mktemp("batch") / "batch.jsonl"
    with open(p, "w", encoding="utf-8") as f:
        for i, r in enumerate(recs):
            r = {k: v for k, v in r.items() if k not in ("labels", "meta")}
            if i % 97 == 5:
                r["narrative"] = ""
            f.write(json.dumps(r) + "\n")
    return p


def test_jobs_2_gives_the_same_rows(batch, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run(["score", str(batch), "-o", str(one), "-q"]).exit_code == 1
    res = subprocess.run(["nlp-assess", "score", str(batch), "-o", str(two), "--jobs", "2", "-q"],
                         capture_output=True, text=True)
    assert res.returncode == 1, res.stderr
    assert one.read_bytes() == two.read_bytes()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_sigterm_then_resume_equals_uninterrupted_run(batch, tmp_path, fmt):
    full, out = tmp_path / f"full.{fmt}", tmp_path / f"out.{fmt}"
    assert run(["score", str(batch), "-o", str(full), "-q"]).exit_code == 1
    proc = subprocess.Popen(["nlp-assess", "score", str(batch), "-o", str(out), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    partial = tmp_path / f"out.{fmt}.partial"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until some rows are written, then stop it
        if partial.exists() and partial.stat().st_size > 2000:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and "--resume" in err
    assert not out.exists() and partial.exists()
    with open(partial, "ab") as f:  # a row cut off mid-write is dropped on resume
        f.write(b'{"record_id": "cut of')
    res = subprocess.run(["nlp-assess", "score", str(batch), "-o", str(out), "--resume", "-q"],
                         capture_output=True, text=True)
    assert res.returncode == 1, res.stderr
    assert out.read_bytes() == full.read_bytes()
    assert not partial.exists()


def test_resume_refuses_a_partial_from_another_input(batch, tmp_path):
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").write_text(json.dumps({"record_id": "someone-else"}) + "\n")
    result = run(["score", str(batch), "-o", str(out), "--resume"])
    assert result.exit_code == 2 and "does not match" in result.stderr


def test_refuses_output_equal_to_input_and_keeps_input(batch):
    before = batch.read_bytes()
    result = run(["score", str(batch), "-o", str(batch)])
    assert result.exit_code == 2 and batch.read_bytes() == before


def test_no_partial_left_on_success_and_summary_line(batch, tmp_path):
    out = tmp_path / "out.jsonl"
    result = run(["score", str(batch), "-o", str(out)])
    assert not (tmp_path / "out.jsonl.partial").exists()
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("nlp-assess: 300 records; 4 errors; bands:") and last.endswith("s")


def test_stdin_to_stdout(batch):
    res = subprocess.run([sys.executable, "-m", "nlp_assess", "score", "-", "-q"], input=batch.read_bytes(),
                         capture_output=True, env={**os.environ, "NO_COLOR": "1"})
    assert res.returncode == 1 and len(res.stdout.splitlines()) == 300 and res.stderr == b""


def test_null_narrative_is_an_error_row():
    """A JSON null narrative is no text: an error row, not the word "None" scored."""
    rows = list(assess([{"record_id": "1", "narrative": None}], quality=False))
    assert rows[0]["status"] == "error" and rows[0]["error"] == "narrative is empty"
