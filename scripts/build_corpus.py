#!/usr/bin/env python3
"""Build the dev/test split of the synthetic corpus from corpora/raw/*.jsonl.

- derives each record's grade from its labels by the rubric (never typed by hand);
- splits by a hash of the record id, keeping every copied-review template group on one
  side so each copy cluster is complete within its split;
- writes corpora/dev.jsonl, corpora/test.jsonl and corpora/sample.csv (a few dozen dev
  records without labels, for the Quick start).

Deterministic: the same raw files give the same output bytes.
"""
from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from nlp_assess.findings import grade_from_labels  # noqa: E402

CORPORA = ROOT / "corpora"
INPUT_FIELDS = ["record_id", "narrative", "supervisor_review", "incident_type", "officer_id", "team",
                "reviewer_id", "children_present_field", "date"]
TEST_SHARE = 0.5
SAMPLE_SIZE = 40


def bucket(key: str) -> float:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def main() -> None:
    records = []
    for path in sorted((CORPORA / "raw").glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            records += [json.loads(line) for line in f if line.strip()]
    dev, test = [], []
    for rec in records:
        rec["labels"]["grade"] = grade_from_labels(rec["labels"])
        key = rec["meta"].get("review_group") or rec["record_id"]
        if rec["meta"].get("style", "").startswith("dev_extra"):
            dev.append(rec)  # written after the test split was fixed, to tune generalisation: dev only
        else:
            (test if bucket("split:" + key) < TEST_SHARE else dev).append(rec)
    for name, rows in (("dev", dev), ("test", test)):
        with open(CORPORA / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for rec in rows:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    sample = sorted(dev, key=lambda r: bucket("sample:" + r["record_id"]))[:SAMPLE_SIZE]
    sample.sort(key=lambda r: r["record_id"])
    with open(CORPORA / "sample.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=INPUT_FIELDS, extrasaction="ignore")
        w.writeheader()
        for rec in sample:
            w.writerow({k: rec.get(k) or "" for k in INPUT_FIELDS})
    print(f"dev {len(dev)}, test {len(test)}, sample {len(sample)}")


if __name__ == "__main__":
    main()
