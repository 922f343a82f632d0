"""The auditor's report (`nlp-assess report`): summary numbers, rendering, privacy, the CLI."""
import csv
import random
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from nlp_assess.audit_report import render_html, render_markdown, summarise
from nlp_assess.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "sample.csv"
SECRET = "Quixotryllium"  # planted in narratives and reviews; must never reach a report


def out_row(rid, child="yes", demeanour=True, voice="recorded", referral=True, na=False, copy=False, copy_of=(),
            minimising=False, score=50.0, band="requires_improvement", status="ok", error=None):
    """An output row as `assess_rows` gives it (only the fields the report reads)."""
    return {"record_id": rid, "status": status, "error": error, "child_present": child,
            "demeanour_recorded": demeanour, "voice": voice, "referral_recorded": referral,
            "review_copy_paste": copy, "copy_of": list(copy_of), "na_despite_presence": na,
            "minimising_language": minimising, "quality_score": score, "quality_band": band,
            "evidence": [{"label": "voice", "text": SECRET, "start": 0, "end": 5, "field": "narrative"}]}


def in_rec(rid, team=None, officer=None, reviewer=None, date=None, review=None):
    return {"record_id": rid, "narrative": f"narrative {SECRET}", "supervisor_review": review,
            "team": team, "officer_id": officer, "reviewer_id": reviewer, "date": date}


def half_up_percent(count, base):
    """Whole percentage, halves up, in integers only (independent of the module's float maths)."""
    return f"{(200 * count + base) // (2 * base)}%"


def random_batch(n, seed):
    rng = random.Random(seed)
    pairs = []
    for i in range(n):
        rid = f"R{i:04d}"
        child = rng.choice(["yes", "yes", "no", "not_recorded"])
        row = out_row(rid, child=child, demeanour=rng.random() < 0.5, voice=rng.choice(["recorded", "reason_given", "missing"]),
                      referral=rng.random() < 0.6, na=child == "yes" and rng.random() < 0.2,
                      minimising=rng.random() < 0.1, score=round(rng.uniform(0, 100), 1))
        pairs.append((in_rec(rid, team=rng.choice("ABC"), review="checked" if rng.random() < 0.7 else None), row))
    pairs.append((None, out_row(None, status="error", error="narrative is empty", child=None, score=None, band=None)))
    return pairs


def test_inspection_sentence_wording():
    pairs = [(in_rec(f"c{i}"), out_row(f"c{i}", voice="missing" if i < 41 else "recorded")) for i in range(67)]
    pairs += [(in_rec(f"n{i}"), out_row(f"n{i}", child="no", voice="missing")) for i in range(10)]
    s = summarise(pairs)
    voice = next(c for c in s["criteria"] if c["key"] == "voice_missing")
    assert voice["sentence"].startswith(
        "In 41 of 67 records where a child was present (61%), the child's voice was not recorded")
    assert voice["sentence"] in render_html(s).replace("&#x27;", "'")
    assert voice["sentence"] in render_markdown(s)
    team = s["groups"][0]["rows"][0]  # no team recorded: one group of all 77 records
    assert (team["records"], team["child_present"], team["voice_missing"]) == (77, 67, 41)


def test_percentages_round_halves_up():
    # 1 of 8 is 12.5%, 5 of 8 is 62.5%: an inspection report says 13% and 63%
    pairs = [(in_rec(f"c{i}"), out_row(f"c{i}", demeanour=i >= 1, referral=i >= 5)) for i in range(8)]
    measures = {c["key"]: c for c in summarise(pairs)["criteria"]}
    assert "(13%)" in measures["demeanour_missing"]["sentence"] and "(63%)" in measures["referral_missing"]["sentence"]
    assert half_up_percent(1, 8) == "13%" and half_up_percent(5, 8) == "63%"


def test_summarise_counts_and_shares_match_an_independent_count():
    pairs = random_batch(200, seed=7)
    s = summarise(pairs, min_group=5, lowest=7)
    rows = [r for _, r in pairs if r["status"] == "ok"]
    child = [r for r in rows if r["child_present"] == "yes"]
    assert s["totals"] == {"records": 201, "assessed": 200, "errors": 1,
                           "error_reasons": [{"reason": "narrative is empty", "count": 1}]}
    assert s["child_present"]["yes"] == len(child)
    expected = {
        "demeanour_missing": sum(not r["demeanour_recorded"] for r in child),
        "voice_missing": sum(r["voice"] == "missing" for r in child),
        "referral_missing": sum(not r["referral_recorded"] for r in child),
        "na_despite_presence": sum(r["na_despite_presence"] for r in child),
    }
    for c in s["criteria"]:
        assert (c["count"], c["base"]) == (expected[c["key"]], len(child))
        pct = half_up_percent(expected[c["key"]], len(child))
        assert c["sentence"].startswith(f"In {expected[c['key']]} of {len(child)} records where a child was present ({pct}),")
    checks = {c["key"]: c for c in s["record_checks"]}
    assert checks["presence_not_recorded"]["count"] == sum(r["child_present"] == "not_recorded" for r in rows)
    assert checks["minimising_language"]["base"] == 200
    reviewed = sum(1 for rec, r in pairs if rec and rec["supervisor_review"])
    assert checks["review_copy_paste"]["base"] == reviewed
    bands = {b["key"]: b["count"] for b in s["bands"]}
    assert bands["requires_improvement"] == 200 and bands["good"] == 0
    assert sum(h["count"] for h in s["histogram"]) == 200
    assert sum(h["count"] for h in s["histogram"] if h["low"] == 0) == sum(r["quality_score"] < 10 for r in rows)
    lowest = sorted(rows, key=lambda r: (r["quality_score"], r["record_id"]))[:7]
    assert [x["record_id"] for x in s["lowest"]] == [r["record_id"] for r in lowest]


def test_lowest_records_list_missing_criteria():
    pairs = [(in_rec("bad"), out_row("bad", demeanour=False, voice="missing", referral=True, na=True, score=3.0)),
             (in_rec("ok"), out_row("ok", score=90.0, band="good")),
             (in_rec("nr"), out_row("nr", child="not_recorded", copy=True, score=40.0))]
    s = summarise(pairs, lowest=2)
    assert [x["record_id"] for x in s["lowest"]] == ["bad", "nr"]
    assert set(s["lowest"][0]["missing"]) == {"demeanour", "voice", "children field N/A despite presence"}
    assert s["lowest"][1]["missing"] == ["presence of children not recorded", "copied or generic review"]


def test_small_groups_flagged_and_not_ranked():
    pairs = []
    for team, n, score in (("Alpha", 6, 80.0), ("Bravo", 5, 30.0), ("Charlie", 2, 5.0), (None, 6, 1.0)):
        for i in range(n):
            rid = f"{team}-{i}"
            pairs.append((in_rec(rid, team=team), out_row(rid, score=score)))
    s = summarise(pairs, min_group=5)
    teams = {r["name"]: r for r in next(g for g in s["groups"] if g["key"] == "team")["rows"]}
    assert (teams["Bravo"]["rank"], teams["Alpha"]["rank"]) == (1, 2)  # lowest mean score first
    assert teams["Charlie"]["small"] and teams["Charlie"]["rank"] is None
    assert teams["(not recorded)"]["rank"] is None and not teams["(not recorded)"]["small"]
    assert teams["Charlie"]["records"] == 2 and teams["Alpha"]["records"] == 6
    html = render_html(s)
    charlie_row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Charlie(?:(?!</tr>).)*</tr>", html).group(0)
    assert "small group, not ranked" in charlie_row and 'class="unranked"' in charlie_row
    team_chart = re.search(r"<svg[^>]*aria-label=\"Mean quality score by team[^>]*>.*?</svg>", html, re.DOTALL).group(0)
    assert "Alpha" in team_chart and "Bravo" in team_chart and "Charlie" not in team_chart
    # a lower minimum ranks the small team
    teams = {r["name"]: r for r in summarise(pairs, min_group=2)["groups"][0]["rows"]}
    assert teams["Charlie"]["rank"] == 1 and not teams["Charlie"]["small"]


def test_copy_clusters_grouped_by_reviewer():
    pairs = [
        (in_rec("A", reviewer="PS 1", review="x"), out_row("A", copy=True, copy_of=["B"])),
        (in_rec("B", reviewer="PS 2", review="x"), out_row("B", copy=True, copy_of=["A", "C"])),
        (in_rec("C", reviewer="PS 1", review="x"), out_row("C", copy=True, copy_of=["B"])),
        (in_rec("D", reviewer="PS 3", review="x"), out_row("D", copy=True, copy_of=["E"])),
        (in_rec("E", reviewer="PS 3", review="x"), out_row("E", copy=True, copy_of=["D"])),
        (in_rec("F", reviewer="PS 2", review="x"), out_row("F", copy=True)),  # stock review
        (in_rec("G", reviewer="PS 1", review="x"), out_row("G")),
        (in_rec("H", reviewer="PS 4", review="x"), out_row("H")),  # no copied review: not listed
    ]
    copies = summarise(pairs)["copies"]
    assert [(c["record_ids"], c["reviewers"]) for c in copies["clusters"]] == [
        (["A", "B", "C"], ["PS 1", "PS 2"]), (["D", "E"], ["PS 3"])]
    stats = {r["name"]: r for r in copies["reviewers"]}
    assert sorted(stats) == ["PS 1", "PS 2", "PS 3"]
    assert (stats["PS 1"]["reviews"], stats["PS 1"]["copied"], stats["PS 1"]["clusters"]) == (3, 2, [1])
    assert (stats["PS 2"]["copied"], stats["PS 2"]["stock"]) == (1, 1)
    assert stats["PS 3"]["clusters"] == [2] and all(r["small"] for r in copies["reviewers"])
    assert copies["stock_reviews"] == 1 and copies["records_in_clusters"] == 5


def test_html_is_self_contained_and_escaped():
    pairs = random_batch(30, seed=3)
    pairs[0][0]["team"] = '<script>alert("x")</script> & Co'
    html = render_html(summarise(pairs, min_group=1))
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "</html>" in html
    for bad in ("http://", "https://", "src=", "href=", "<script", "<link", "url(", "@import"):
        assert bad not in html.lower(), bad
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html


def test_markdown_report():
    pairs = random_batch(30, seed=5)
    pairs[0][0]["team"] = "North | *East*"
    md = render_markdown(summarise(pairs))
    assert md.startswith("# ") and "<svg" not in md
    assert "## Lowest-scoring records" in md and "| Record id | Score | Band | Missing |" in md
    assert "North \\| \\*East\\*" in md
    assert "**Records per quality score range" in md  # the histogram as a table


def test_month_trend_only_when_dates_exist():
    undated = [(in_rec(f"r{i}"), out_row(f"r{i}")) for i in range(4)]
    s = summarise(undated)
    assert s["trend"] is None
    assert "Trend by month" not in render_html(s) and "Trend by month" not in render_markdown(s)
    dated = [(in_rec("a", date="2024-05-17"), out_row("a", score=20.0, voice="missing")),
             (in_rec("b", date="2024-05-02"), out_row("b", score=40.0)),
             (in_rec("c", date="2024-07-01T09:00"), out_row("c", score=90.0, band="good")),
             (in_rec("d", date="not a date"), out_row("d")),
             (in_rec("e", date="2024-13-01"), out_row("e"))]
    trend = summarise(dated)["trend"]
    assert [(m["month"], m["records"], m["mean_score"]) for m in trend["months"]] == [
        ("2024-05", 2, 30.0), ("2024-07", 1, 90.0)]
    assert trend["months"][0]["voice_missing"] == 1 and trend["undated"] == 2
    assert "Trend by month" in render_html(summarise(dated))


def test_no_child_present_says_so():
    s = summarise([(in_rec("a"), out_row("a", child="no"))])
    assert all(c["pct"] == "n/a" for c in s["criteria"])
    assert "No assessed record had a child present" in render_markdown(s)


def write_csv(path, rows):
    fields = ["record_id", "narrative", "supervisor_review", "team", "officer_id", "reviewer_id", "date"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in fields})


def test_no_narrative_text_in_report(tmp_path):
    review = f"Reviewed. {SECRET} risk assessed, all parties spoken to, ok to close on the system."
    rows = [
        {"record_id": "P1", "narrative": f"Jack (7) was crying and said {SECRET} hurt mummy. VPRF submitted.",
         "supervisor_review": review, "team": "T1", "officer_id": "PC 1", "reviewer_id": "PS 9", "date": "2024-03-02"},
        {"record_id": "P2", "narrative": f"Two children present {SECRET}. Parties separated.",
         "supervisor_review": review, "team": "T1", "officer_id": "PC 2", "reviewer_id": "PS 9", "date": "2024-04-02"},
        {"record_id": "P3", "narrative": f"No children present. {SECRET} left the address.", "team": "T2"},
        {"record_id": "P4", "narrative": "   "},
    ]
    src = tmp_path / "in.csv"
    write_csv(src, rows)
    for name in ("r.html", "r.md"):
        result = CliRunner().invoke(cli, ["report", str(src), "-o", str(tmp_path / name)])
        assert result.exit_code == 1, result.output  # P4 is an error row
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "P1" in text and "P3" in text
        assert SECRET.lower() not in text.lower() and SECRET not in result.output
    assert "1 could not be assessed" in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_paired_rows_keep_input_fields_in_step(tmp_path):
    from nlp_assess.commands.report import paired_rows
    from nlp_assess.records import read_records

    rows = [{"record_id": f"K{i}", "narrative": "No children present." if i % 2 else "", "team": f"team-{i}"}
            for i in range(6)]
    src = tmp_path / "in.csv"
    write_csv(src, rows)
    pairs = list(paired_rows(lambda: read_records(src), model=None))
    assert [out["record_id"] for _, out in pairs] == [f"K{i}" for i in range(6)]
    assert [rec["team"] for rec, out in pairs if out["status"] == "ok"] == ["team-1", "team-3", "team-5"]
    assert [rec for rec, out in pairs if out["status"] == "error"] == [None, None, None]


def test_cli_on_sample(tmp_path):
    with open(SAMPLE, newline="", encoding="utf-8") as f:
        n = sum(1 for _ in csv.DictReader(f))
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", str(SAMPLE), "-o", str(out), "--lowest", "3", "--min-group", "2"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert f"{n} records read, {n} assessed, 0 could not be assessed." in html
    assert html.count("<svg") >= 3 and "Trend by month" in html
    assert "Lowest-scoring records (3)" in html and "https://" not in html
    # format from the suffix, and --format to stdout
    md = tmp_path / "report.md"
    assert CliRunner().invoke(cli, ["report", str(SAMPLE), "-o", str(md)]).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# ") and "<svg" not in md.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(SAMPLE), "--format", "md"])
    assert result.exit_code == 0 and "## Summary" in result.stdout


def test_cli_usage_errors(tmp_path):
    assert CliRunner().invoke(cli, ["report", str(tmp_path / "missing.csv")]).exit_code == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text\n1,hello\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(bad), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "columns found" in result.output
    assert not (tmp_path / "r.html").exists()
    assert CliRunner().invoke(cli, ["report", str(bad), "-o", str(bad)]).exit_code == 2
    assert CliRunner().invoke(cli, ["report", str(SAMPLE), "--min-group", "0"]).exit_code == 2


def test_console_script_subprocess(tmp_path):
    exe = Path(sys.executable).with_name("nlp-assess")
    cmd = [str(exe) if exe.exists() else "nlp-assess", "report", str(SAMPLE), "-o", str(tmp_path / "r.html")]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "html report written" in proc.stderr and proc.stdout == ""
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<svg" in html and "records where a child was present" in html
