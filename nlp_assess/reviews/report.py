"""The auditor's view of copied reviews: clusters and each reviewer's share of copies."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Dict, List, Sequence

SAMPLE_CHARS = 120


def cluster_table(records: Sequence[Dict[str, Any]], found: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """One row per copy cluster, largest first: size, record ids, reviewers, teams, a sample
    review text and the first and last date."""
    groups: Dict[int, List[int]] = defaultdict(list)
    for i, f in enumerate(found):
        if f.get("review_cluster") is not None:
            groups[f["review_cluster"]].append(i)
    rows = []
    for members in groups.values():
        dates = sorted(str(records[i].get("date")) for i in members if records[i].get("date"))
        sample = " ".join(str(records[members[0]].get("supervisor_review") or "").split())
        rows.append({
            "size": len(members),
            "record_ids": sorted(str(records[i].get("record_id")) for i in members),
            "reviewers": sorted({str(records[i].get("reviewer_id")) for i in members if records[i].get("reviewer_id")}),
            "teams": sorted({str(records[i].get("team")) for i in members if records[i].get("team")}),
            "sample": sample[:SAMPLE_CHARS] + ("..." if len(sample) > SAMPLE_CHARS else ""),
            "first_date": dates[0] if dates else None,
            "last_date": dates[-1] if dates else None,
        })
    rows.sort(key=lambda r: (-r["size"], r["record_ids"][0]))
    for n, r in enumerate(rows, 1):
        r["cluster"] = n
    return rows


def reviewer_table(records: Sequence[Dict[str, Any]], found: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Per reviewer: reviews written, copied (in a cluster), stock, and the share of both."""
    stats: Dict[str, Dict[str, Any]] = {}
    for rec, f in zip(records, found):
        if not str(rec.get("supervisor_review") or "").strip():
            continue
        who = str(rec.get("reviewer_id") or "(unknown)")
        s = stats.setdefault(who, {"reviewer_id": who, "reviews": 0, "copied": 0, "stock": 0})
        s["reviews"] += 1
        if f.get("review_kind") == "copy":
            s["copied"] += 1
        elif f.get("review_kind") == "stock":
            s["stock"] += 1
    rows = list(stats.values())
    for r in rows:
        r["share_copied_or_stock"] = round((r["copied"] + r["stock"]) / r["reviews"], 3)
    rows.sort(key=lambda r: (-r["share_copied_or_stock"], -r["reviews"], r["reviewer_id"]))
    return rows
