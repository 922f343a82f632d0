"""The auditor's report: summarise assessed records, then render the summary as HTML or Markdown.

Computing and rendering are kept apart:

- `summarise(pairs)` takes (input record, output row) pairs, in input order, and returns
  plain data (counts, shares, sentences, breakdowns, copy clusters, trend, lowest records);
- `render_html(summary)` and `render_markdown(summary)` turn that data into text.

The report names records by id only. It never reads the narrative or the review text (only
whether a review exists), and never copies evidence spans, so no narrative text can leak
into it. Wording and thresholds live in `nlp_assess/resources/report.json`.

    >>> rec = {"record_id": "1", "team": "A"}
    >>> row = {"record_id": "1", "status": "ok", "child_present": "yes", "voice": "missing"}
    >>> summarise([(rec, row)])["criteria"][1]["sentence"]
    "In 1 of 1 records where a child was present (100%), the child's voice was not recorded and no reason was given."
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from .resources import load_json
from .svg import column_chart, hbar_chart

Fact = dict[str, Any]
MONTH = re.compile(r"^\s*(\d{4})-(\d{2})")


def load_settings() -> dict[str, Any]:
    """The packaged wording and thresholds (`resources/report.json`)."""
    return load_json("report.json")


# ---------------------------------------------------------------------------------------------
# Computing
# ---------------------------------------------------------------------------------------------

def percent(count: int, base: int) -> str:
    """`count` of `base` as a whole percentage, halves rounded up: percent(41, 67) == '61%'."""
    if base <= 0:
        return "n/a"
    return f"{math.floor(100 * count / base + 0.5)}%"


def month_of(value: Any) -> str | None:
    """'YYYY-MM' from an ISO date such as '2024-05-17' (or a date-time); None otherwise."""
    m = MONTH.match(str(value or ""))
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return f"{m.group(1)}-{m.group(2)}"


def _text(value: Any) -> str | None:
    """A non-empty stripped string, or None."""
    s = str(value).strip() if value is not None else ""
    return s or None


def row_facts(record: dict[str, Any] | None, row: dict[str, Any]) -> Fact:
    """The few facts the report needs about one record: who, when, which criteria failed,
    score and band. Narrative and review text are not kept."""
    record = record or {}
    child = row.get("child_present") == "yes"
    flags = {
        "presence_not_recorded": row.get("child_present") == "not_recorded",
        "demeanour_missing": child and not row.get("demeanour_recorded"),
        "voice_missing": child and row.get("voice") == "missing",
        "referral_missing": child and not row.get("referral_recorded"),
        "na_despite_presence": bool(row.get("na_despite_presence")),
        "review_copy_paste": bool(row.get("review_copy_paste")),
        "minimising_language": bool(row.get("minimising_language")),
    }
    return {
        "record_id": str(row.get("record_id") or record.get("record_id") or ""),
        "status": row.get("status") or "error",
        "error": row.get("error"),
        "team": _text(record.get("team")),
        "officer_id": _text(record.get("officer_id")),
        "reviewer_id": _text(record.get("reviewer_id")),
        "month": month_of(record.get("date")),
        "has_review": bool(_text(record.get("supervisor_review"))),
        "child_present": row.get("child_present"),
        "child": child,
        "flags": flags,
        "copy_of": [str(x) for x in row.get("copy_of") or []],
        "score": row.get("quality_score"),
        "band": row.get("quality_band"),
    }


def totals(facts: Sequence[Fact]) -> dict[str, Any]:
    """Records read, assessed and in error, with the error reasons counted."""
    errors = Counter(str(f["error"] or "unknown error") for f in facts if f["status"] != "ok")
    return {
        "records": len(facts),
        "assessed": sum(1 for f in facts if f["status"] == "ok"),
        "errors": sum(errors.values()),
        "error_reasons": [{"reason": r, "count": n} for r, n in sorted(errors.items(), key=lambda x: (-x[1], x[0]))],
    }


def presence_counts(ok: Sequence[Fact]) -> dict[str, int]:
    counts = Counter(f["child_present"] for f in ok)
    return {k: counts.get(k, 0) for k in ("yes", "no", "not_recorded")}


def _measure(key: str, label: str, template: str, count: int, base: int) -> dict[str, Any]:
    pct = percent(count, base)
    return {"key": key, "label": label, "count": count, "base": base,
            "share": round(count / base, 4) if base else None, "pct": pct,
            "sentence": template.format(count=count, base=base, pct=pct)}


def criteria_summary(ok: Sequence[Fact], settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Per criterion, among assessed records with a child present: how many fail, and the
    inspection-report sentence saying so."""
    child = [f for f in ok if f["child"]]
    return [_measure(c["key"], c["label"], c["sentence"], sum(1 for f in child if f["flags"][c["key"]]), len(child))
            for c in settings["criteria"]]


def record_checks(ok: Sequence[Fact], settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Checks over all assessed records (presence not recorded, minimising language) or over
    those with a supervisor review (copied reviews)."""
    out = []
    for c in settings["record_checks"]:
        base = [f for f in ok if f["has_review"]] if c["base"] == "reviewed" else list(ok)
        out.append(_measure(c["key"], c["label"], c["sentence"], sum(1 for f in base if f["flags"][c["key"]]),
                            len(base)))
    return out


def band_distribution(ok: Sequence[Fact], settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Records per quality band (and records with no band, if any)."""
    counts = Counter(f["band"] for f in ok)
    out = [{"key": b["key"], "label": b["label"], "count": counts.get(b["key"], 0),
            "pct": percent(counts.get(b["key"], 0), len(ok))} for b in settings["bands"]]
    known = {b["key"] for b in settings["bands"]}
    unscored = sum(n for band, n in counts.items() if band not in known)
    if unscored:
        out.append({"key": "not_scored", "label": "Not scored", "count": unscored, "pct": percent(unscored, len(ok))})
    return out


def score_histogram(ok: Sequence[Fact], width: int = 10) -> list[dict[str, Any]]:
    """Records per score range 0-10, 10-20, ...: each range holds its lower bound, not its
    upper one, except the last, which holds 100."""
    edges = list(range(0, 100, width))
    counts = Counter()
    for f in ok:
        if f["score"] is not None:
            counts[min(int(float(f["score"]) // width), len(edges) - 1)] += 1
    return [{"label": f"{lo}-{min(lo + width, 100)}", "low": lo, "count": counts.get(i, 0)}
            for i, lo in enumerate(edges)]


def _mean(values: Iterable[float | None]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return round(sum(vals) / len(vals), 1) if vals else None


def _rank(rows: list[dict[str, Any]], min_group: int, size_key: str, order_key, not_recorded: str,
          notes: dict[str, str]) -> list[dict[str, Any]]:
    """Rank groups with at least `min_group` members by `order_key` (rank 1 first). Then list,
    unranked and largest first, the small groups (flagged `small`) and the group of records
    with no value recorded; `note` says why a group is not ranked."""
    def rankable(r: dict[str, Any]) -> bool:
        return r[size_key] >= min_group and r["name"] != not_recorded

    big = sorted((r for r in rows if rankable(r)), key=order_key)
    rest = sorted((r for r in rows if not rankable(r)), key=lambda r: (r["name"] == not_recorded, -r[size_key], r["name"]))
    for n, r in enumerate(big, 1):
        r.update(rank=n, small=False, note=None)
    for r in rest:
        r.update(rank=None, small=r[size_key] < min_group,
                 note=notes["small"] if r[size_key] < min_group else notes["not_recorded"])
    return big + rest


def group_breakdown(ok: Sequence[Fact], field: str, min_group: int, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per value of `field` (team, officer_id, reviewer_id): counts of records, of
    records with a child present and of each failed criterion, copied reviews, mean score
    and inadequate records. Groups of at least `min_group` records are ranked by mean score,
    lowest first; smaller groups, and records with no value, are listed but not ranked."""
    not_recorded = settings["not_recorded_group"]
    members: dict[str, list[Fact]] = defaultdict(list)
    for f in ok:
        members[f[field] or not_recorded].append(f)
    rows = []
    for name, fs in members.items():
        rows.append({
            "name": name,
            "records": len(fs),
            "child_present": sum(1 for f in fs if f["child"]),
            "demeanour_missing": sum(1 for f in fs if f["flags"]["demeanour_missing"]),
            "voice_missing": sum(1 for f in fs if f["flags"]["voice_missing"]),
            "referral_missing": sum(1 for f in fs if f["flags"]["referral_missing"]),
            "copied_reviews": sum(1 for f in fs if f["has_review"] and f["flags"]["review_copy_paste"]),
            "inadequate": sum(1 for f in fs if f["band"] == "inadequate"),
            "mean_score": _mean(f["score"] for f in fs),
        })
    return _rank(rows, min_group, "records", lambda r: (r["mean_score"] is None, r["mean_score"] or 0.0, r["name"]),
                 not_recorded, settings["unranked_notes"])


def _components(ok: Sequence[Fact]) -> list[list[int]]:
    """Groups of record positions linked by `copy_of` (a union-find over record ids)."""
    parent = list(range(len(ok)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    where: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(ok):
        where[f["record_id"]].append(i)
    for i, f in enumerate(ok):
        for other in f["copy_of"]:
            for j in where.get(other, []):
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(ok)):
        groups[find(i)].append(i)
    return [g for g in groups.values() if len(g) > 1]


def copy_clusters(ok: Sequence[Fact], min_group: int, settings: dict[str, Any]) -> dict[str, Any]:
    """Copied supervisor reviews: clusters of records whose reviews are copies of each other
    (from `copy_of`), and per reviewer the reviews written, copied (in a cluster), stock
    (flagged copy-paste but copied from no other record here) and the clusters they are in.
    Reviewers with fewer than `min_group` reviews are flagged and not ranked."""
    not_recorded = settings["not_recorded_group"]
    clusters = []
    for members in _components(ok):
        fs = [ok[i] for i in members]
        clusters.append({"size": len(fs),
                         "record_ids": sorted(f["record_id"] for f in fs),
                         "reviewers": sorted({f["reviewer_id"] or not_recorded for f in fs})})
    clusters.sort(key=lambda c: (-c["size"], c["record_ids"][0]))
    cluster_of: dict[str, int] = {}
    for n, c in enumerate(clusters, 1):
        c["cluster"] = n
        for rid in c["record_ids"]:
            cluster_of[rid] = n
    stats: dict[str, dict[str, Any]] = {}
    for f in ok:
        if not f["has_review"]:
            continue
        name = f["reviewer_id"] or not_recorded
        s = stats.setdefault(name, {"name": name, "reviews": 0, "copied": 0, "stock": 0, "clusters": set()})
        s["reviews"] += 1
        if f["record_id"] in cluster_of:
            s["copied"] += 1
            s["clusters"].add(cluster_of[f["record_id"]])
        elif f["flags"]["review_copy_paste"]:
            s["stock"] += 1
    reviewers = []
    for s in stats.values():
        if s["copied"] or s["stock"]:
            s["clusters"] = sorted(s["clusters"])
            s["pct"] = percent(s["copied"] + s["stock"], s["reviews"])
            s["share"] = (s["copied"] + s["stock"]) / s["reviews"]
            reviewers.append(s)
    reviewers = _rank(reviewers, min_group, "reviews", lambda r: (-r["share"], -r["reviews"], r["name"]),
                      not_recorded, settings["unranked_notes"])
    return {"clusters": clusters, "reviewers": reviewers,
            "records_in_clusters": sum(c["size"] for c in clusters),
            "stock_reviews": sum(1 for f in ok if f["has_review"] and f["flags"]["review_copy_paste"]
                                 and f["record_id"] not in cluster_of)}


def missing_labels(fact: Fact, settings: dict[str, Any]) -> list[str]:
    """What a record lacks, in plain words, in the order of `missing_labels` in report.json."""
    return [label for key, label in settings["missing_labels"].items() if fact["flags"].get(key)]


def lowest_records(ok: Sequence[Fact], n: int, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The `n` lowest-scoring records (ties by record id): id, score, band, what is missing."""
    scored = sorted((f for f in ok if f["score"] is not None), key=lambda f: (float(f["score"]), f["record_id"]))
    labels = {b["key"]: b["label"] for b in settings["bands"]}
    return [{"record_id": f["record_id"], "score": f["score"], "band": labels.get(f["band"], f["band"]),
             "missing": missing_labels(f, settings)} for f in scored[:max(n, 0)]]


def month_trend(ok: Sequence[Fact]) -> dict[str, Any] | None:
    """Per month of the record's date: records, mean score, bands, and voice missing among
    records with a child present. None when no assessed record has a date."""
    by_month: dict[str, list[Fact]] = defaultdict(list)
    for f in ok:
        if f["month"]:
            by_month[f["month"]].append(f)
    if not by_month:
        return None
    months = []
    for month in sorted(by_month):
        fs = by_month[month]
        child = [f for f in fs if f["child"]]
        voice = sum(1 for f in child if f["flags"]["voice_missing"])
        months.append({"month": month, "records": len(fs), "mean_score": _mean(f["score"] for f in fs),
                       "good": sum(1 for f in fs if f["band"] == "good"),
                       "inadequate": sum(1 for f in fs if f["band"] == "inadequate"),
                       "child_present": len(child), "voice_missing": voice, "voice_pct": percent(voice, len(child))})
    return {"months": months, "undated": sum(1 for f in ok if not f["month"])}


def summarise(records_and_rows: Iterable[tuple[dict[str, Any] | None, dict[str, Any]]], *,
              min_group: int | None = None, lowest: int | None = None, source: str | None = None,
              generated: str | None = None, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole report as plain data, from (input record or None, output row) pairs.

    `min_group` and `lowest` default to report.json; `source` (an input name) and `generated`
    (a date) are only shown. Holds a few small facts per record, not the records themselves."""
    settings = settings or load_settings()
    min_group = settings["min_group"] if min_group is None else min_group
    lowest = settings["lowest"] if lowest is None else lowest
    facts = [row_facts(rec, row) for rec, row in records_and_rows]
    ok = [f for f in facts if f["status"] == "ok"]
    return {
        "title": settings["title"],
        "source": source,
        "generated": generated,
        "settings": {"min_group": min_group, "lowest": lowest},
        "totals": totals(facts),
        "child_present": presence_counts(ok),
        "criteria": criteria_summary(ok, settings),
        "record_checks": record_checks(ok, settings),
        "bands": band_distribution(ok, settings),
        "histogram": score_histogram(ok, settings["histogram_bin"]),
        "groups": [{"key": g["key"], "label": g["label"], "rows": group_breakdown(ok, g["key"], min_group, settings)}
                   for g in settings["group_fields"]],
        "copies": copy_clusters(ok, min_group, settings),
        "lowest": lowest_records(ok, lowest, settings),
        "trend": month_trend(ok),
        "notes": {"no_child": settings["no_child_sentence"],
                  "small_group": settings["small_group_note"].format(min_group=min_group),
                  "ranking": settings["ranking_note"], "privacy": settings["privacy_note"]},
    }


def key_sentences(summary: dict[str, Any]) -> list[str]:
    """The findings in inspection-report wording, criteria first."""
    if summary["child_present"]["yes"]:
        out = [c["sentence"] for c in summary["criteria"]]
    else:
        out = [summary["notes"]["no_child"]]
    return out + [c["sentence"] for c in summary["record_checks"] if c["base"]]


# ---------------------------------------------------------------------------------------------
# Rendering: the same sections in HTML and Markdown
# ---------------------------------------------------------------------------------------------

GROUP_COLUMNS = (("rank", "Rank"), ("name", "{label}"), ("records", "Records"), ("child_present", "Child present"),
                 ("demeanour_missing", "Demeanour missing"), ("voice_missing", "Voice missing"),
                 ("referral_missing", "Referral missing"), ("copied_reviews", "Copied reviews"),
                 ("inadequate", "Inadequate"), ("mean_score", "Mean score"))


def _cell(value: Any) -> str:
    """Plain text of a table cell (not yet escaped)."""
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


def _group_cells(row: dict[str, Any]) -> list[str]:
    cells = [_cell(row[key]) for key, _ in GROUP_COLUMNS]
    if row["rank"] is None:
        cells[0] = row["note"]
    return cells


def _sections(summary: dict[str, Any]) -> list[tuple[str, list[tuple[str, Any]]]]:
    """The report as (heading, blocks) sections, each block ("p", text), ("list", items),
    ("table", (headers, rows[, muted row positions])) or ("chart", (kind, data, title, max_value,
    covered)), shared by both renderers. A chart is `covered` when a table in the same section
    already holds its numbers: Markdown then leaves it out instead of repeating the table."""
    t = summary["totals"]
    meta = f"{t['records']} records read, {t['assessed']} assessed, {t['errors']} could not be assessed."
    if summary.get("source"):
        meta = f"Input: {summary['source']}. " + meta
    if summary.get("generated"):
        meta += f" Generated {summary['generated']}."
    cp = summary["child_present"]
    overview: list[tuple[str, Any]] = [
        ("p", meta),
        ("p", (f"A child was present in {cp['yes']} assessed records, no child in {cp['no']}, "
               f"and presence was not recorded in {cp['not_recorded']}.")),
        ("list", key_sentences(summary)),
    ]
    if t["error_reasons"]:
        overview.append(("table", (["Reason a record could not be assessed", "Records"],
                                   [[e["reason"], str(e["count"])] for e in t["error_reasons"]])))
    sections = [("Summary", overview), ("Criteria", _criteria_blocks(summary)), ("Quality bands", _band_blocks(summary))]
    for group in summary["groups"]:
        sections.append((f"By {group['label'].lower()}", _group_blocks(summary, group)))
    sections.append(("Copied supervisor reviews", _copy_blocks(summary)))
    sections.append((f"Lowest-scoring records ({len(summary['lowest'])})", _lowest_blocks(summary)))
    if summary["trend"]:
        sections.append(("Trend by month", _trend_blocks(summary)))
    sections.append(("About this report", [("p", summary["notes"]["privacy"]), ("p", summary["notes"]["small_group"])]))
    return sections


def _criteria_blocks(summary: dict[str, Any]) -> list[tuple[str, Any]]:
    measures = summary["criteria"] + summary["record_checks"]
    rows = [[m["label"], str(m["count"]), str(m["base"]), m["pct"]] for m in measures]
    bars = [(m["label"], 100 * (m["share"] or 0), m["pct"]) for m in measures if m["base"]]
    return [("p", ("Share of records failing each criterion. Demeanour, voice, referral and the children-present "
                   "field are counted among records where a child was present.")),
            ("chart", ("hbar", bars, "Records failing each criterion (%)", 100, True)),
            ("table", (["Criterion", "Records failing", "Out of", "Share"], rows))]


def _band_blocks(summary: dict[str, Any]) -> list[tuple[str, Any]]:
    bands = summary["bands"]
    hist = summary["histogram"]
    return [("table", (["Band", "Records", "Share"], [[b["label"], str(b["count"]), b["pct"]] for b in bands])),
            ("chart", ("hbar", [(b["label"], b["count"], str(b["count"])) for b in bands], "Records per band",
                       max([b["count"] for b in bands] + [1]), True)),
            ("chart", ("columns", [(h["label"], h["count"], str(h["count"])) for h in hist],
                       "Records per quality score range (lower bound included)", None, False))]


def _group_blocks(summary: dict[str, Any], group: dict[str, Any]) -> list[tuple[str, Any]]:
    rows = group["rows"]
    headers = [h.format(label=group["label"]) for _, h in GROUP_COLUMNS]
    ranked = [r for r in rows if r["rank"] is not None]
    small = sum(1 for r in rows if r["small"])
    blocks: list[tuple[str, Any]] = [
        ("p", (f"{len(rows)} groups: {len(ranked)} ranked, {small} small (fewer than "
               f"{summary['settings']['min_group']} records, not ranked). {summary['notes']['ranking']}"))]
    if group["key"] == "team":
        if ranked:
            bars = [(r["name"], r["mean_score"] or 0, _cell(r["mean_score"])) for r in ranked]
            blocks.append(("chart", ("hbar", bars, "Mean quality score by team (ranked teams)", 100, True)))
        else:
            blocks.append(("p", (f"No team has {summary['settings']['min_group']} or more assessed records, "
                                 "so no team chart is drawn.")))
    muted = [i for i, r in enumerate(rows) if r["rank"] is None]
    blocks.append(("table", (headers, [_group_cells(r) for r in rows], muted)))
    return blocks


def _copy_blocks(summary: dict[str, Any]) -> list[tuple[str, Any]]:
    copies = summary["copies"]
    blocks: list[tuple[str, Any]] = [
        ("p", (f"{len(copies['clusters'])} clusters of copied reviews covering {copies['records_in_clusters']} "
               f"records; {copies['stock_reviews']} further reviews were stock phrases copied from no record here."))]
    if copies["clusters"]:
        blocks.append(("table", (["Cluster", "Records", "Reviewers", "Record ids"],
                                 [[str(c["cluster"]), str(c["size"]), _cell(c["reviewers"]), _cell(c["record_ids"])]
                                  for c in copies["clusters"]])))
    if copies["reviewers"]:
        rows = [[r["note"] if r["rank"] is None else str(r["rank"]), r["name"], str(r["reviews"]),
                 str(r["copied"]), str(r["stock"]), r["pct"], _cell(r["clusters"])] for r in copies["reviewers"]]
        blocks.append(("p", "Reviewers with at least one copied or stock review, ranked by that share."))
        muted = [i for i, r in enumerate(copies["reviewers"]) if r["rank"] is None]
        blocks.append(("table", (["Rank", "Reviewer", "Reviews", "Copied", "Stock", "Share", "Clusters"], rows, muted)))
    return blocks


def _lowest_blocks(summary: dict[str, Any]) -> list[tuple[str, Any]]:
    rows = [[r["record_id"], _cell(r["score"]), _cell(r["band"]), _cell(r["missing"])] for r in summary["lowest"]]
    return [("p", "Record ids only; open the record in the force system to read it."),
            ("table", (["Record id", "Score", "Band", "Missing"], rows))]


def _trend_blocks(summary: dict[str, Any]) -> list[tuple[str, Any]]:
    trend = summary["trend"]
    months = trend["months"]
    rows = [[m["month"], str(m["records"]), _cell(m["mean_score"]), str(m["good"]), str(m["inadequate"]),
             str(m["child_present"]), f"{m['voice_missing']} ({m['voice_pct']})"] for m in months]
    blocks: list[tuple[str, Any]] = [
        ("chart", ("columns", [(m["month"], m["mean_score"] or 0, _cell(m["mean_score"])) for m in months],
                   "Mean quality score by month (0-100)", 100, True)),
        ("table", (["Month", "Records", "Mean score", "Good", "Inadequate", "Child present", "Voice missing"], rows))]
    if trend["undated"]:
        blocks.append(("p", f"{trend['undated']} assessed records had no usable date and are not in the trend."))
    blocks.append(("p", "Months with no assessed records are not shown."))
    return blocks


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 2em auto; max-width: 60em;
       color: #1b1b1b; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } tr.unranked td { color: #666; font-style: italic; }
svg { display: block; margin: 1em 0; max-width: 100%; height: auto; }
svg .bar { fill: #1d70b8; } svg .axis { stroke: #505a5f; } svg .label, svg .value { font-size: 11px; fill: #1b1b1b; }
svg .value.small { font-size: 8.5px; } svg .chart-title { font-size: 13px; font-weight: bold; fill: #1b1b1b; }
@media print { h2 { page-break-after: avoid; } table, svg { page-break-inside: avoid; } }
"""


def _html_chart(spec: tuple[Any, ...]) -> str:
    kind, data, title, max_value, _ = spec
    if not data:
        return ""
    if kind == "hbar":
        return hbar_chart(data, title=title, max_value=max_value)
    return column_chart(data, title=title, max_value=max_value)


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[str]], muted: Sequence[int] = ()) -> str:
    """A table; rows whose position is in `muted` (unranked groups) are greyed out."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for i, r in enumerate(rows):
        cls = ' class="unranked"' if i in muted else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _html_block(kind: str, content: Any) -> str:
    if kind == "p":
        return f"<p>{escape(content)}</p>"
    if kind == "list":
        return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in content) + "</ul>"
    if kind == "table":
        return _html_table(*content)
    return _html_chart(content)


def render_html(summary: dict[str, Any]) -> str:
    """One self-contained HTML page: inline CSS and SVG, no scripts, no links, no images."""
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(summary['title'])}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
           f"<h1>{escape(summary['title'])}</h1>"]
    for heading, blocks in _sections(summary):
        out.append(f"<section><h2>{escape(heading)}</h2>")
        out.extend(_html_block(kind, content) for kind, content in blocks)
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(x for x in out if x)


MD_SPECIAL = "\\`*_[]|"


def _md(text: str) -> str:
    """Markdown-safe text: HTML escaped (a Markdown viewer renders raw HTML), line breaks
    joined, and the characters that would start emphasis, code, links or a table cell
    backslash-escaped."""
    out = escape(" ".join(str(text).split()), quote=False)
    for ch in MD_SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]], muted: Sequence[int] = ()) -> list[str]:
    """A Markdown table. `muted` is accepted for the HTML renderer's sake: unranked rows
    already say so in their first cell."""
    lines = ["| " + " | ".join(_md(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_md(c) for c in r) + " |" for r in rows]
    return lines + [""]


def _md_chart(spec: tuple[Any, ...]) -> list[str]:
    """A chart as a small table (its title in bold, then label and value), unless covered."""
    _, data, title, _, covered = spec
    if not data or covered:
        return []
    return [f"**{_md(title)}**", ""] + _md_table(["", "Value"], [[label, text] for label, _, text in data])


def render_markdown(summary: dict[str, Any]) -> str:
    """The same report as Markdown; charts become simple tables."""
    out = [f"# {_md(summary['title'])}", ""]
    for heading, blocks in _sections(summary):
        out += [f"## {_md(heading)}", ""]
        for kind, content in blocks:
            if kind == "p":
                out += [_md(content), ""]
            elif kind == "list":
                out += [f"- {_md(item)}" for item in content] + [""]
            elif kind == "table":
                out += _md_table(*content)
            else:
                out += _md_chart(content)
    return "\n".join(out).rstrip("\n") + "\n"
