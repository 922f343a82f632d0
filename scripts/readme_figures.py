#!/usr/bin/env python3
"""Rewrite the figure blocks of README.md from measurements, never by hand.

- `<!-- test-table -->`: `nlp-assess evaluate` on the test split (rules with the trained second
  opinion, as `score` runs); `<!-- test-rules-table -->` and `<!-- dev-table -->`: the rules
  alone (`--rules-only`) on test and on dev (the second opinion was fitted on dev, so dev
  cannot measure it);
- `<!-- second-opinion -->`: the second-opinion model's manifest (train_label_model.py);
- `<!-- model-metrics -->`: the shipped model's manifest (written by train_quality_model.py);
- `<!-- bench-table -->`: scripts/bench_results.json (written by scripts/bench.py), if present.

    python scripts/readme_figures.py
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLASSES = ("inadequate", "requires_improvement", "good")



def _dash(value) -> str:
    """A table cell: '-' for an empty bin (no records, so no mean or accuracy)."""
    return "-" if value is None else str(value)

def evaluate_table(split: str, rules_only: bool = False) -> str:
    out = subprocess.run([sys.executable, "-m", "nlp_assess", "evaluate", str(ROOT / "corpora" / f"{split}.jsonl")]
                         + (["--rules-only"] if rules_only else []), capture_output=True, text=True, check=True).stdout
    return "\n".join(line for line in out.splitlines() if line.startswith("|"))


def second_opinion_block() -> str:
    m = json.loads((ROOT / "models" / "labels" / "manifest.json").read_text())
    lines = ["| first-look round (dev batches, 480 records each) | presence: rules | with second opinion "
             "| voice: rules | with second opinion |", "|---|---|---|---|---|"]
    for rnd, r in sorted(m["metrics"]["first_look_rounds"].items(), key=lambda kv: int(kv[0])):
        name = f"{rnd} (held out: thresholds chosen on the others)" if r["held_out"] else rnd
        lines.append(f"| {name} | {r['rules']['child_present']} | {r['with_second_opinion']['child_present']} "
                     f"| {r['rules']['voice']} | {r['with_second_opinion']['voice']} |")
    t = m["thresholds"]
    lines.append("")
    lines.append(f"Thresholds: child_present {t['child_present']}, voice {t['voice']}; trained on "
                 f"{m['training_data']['records']:,} dev records (data sha256 {m['training_data']['sha256'][:12]}...); "
                 f"model sha256 {m['sha256'][:12]}...")
    return "\n".join(lines)


def model_block() -> str:
    m = json.loads((ROOT / "models" / "quality" / "manifest.json").read_text())
    t = m["metrics"]["test"]
    cv = ", ".join(f"{k} {v}" for k, v in sorted(m["metrics"]["dev_cross_validated_kappa"].items()))
    f1 = t["f1_per_band"]
    cm = t["confusion_matrix"]["rows_gold_cols_predicted"]
    lines = [
        f"Test split ({t['records']} records), `python scripts/train_quality_model.py`; classifier chosen",
        f"by cross-validated kappa on dev ({cv}): `{m['classifier']}`.",
        "",
        "| metric | value |",
        "|---|---|",
        f"| band accuracy | {t['accuracy']} |",
        f"| quadratic weighted kappa (target >= 0.85) | {t['quadratic_weighted_kappa']} |",
        f"| F1 inadequate / requires improvement / good | {f1['inadequate']} / {f1['requires_improvement']} / {f1['good']} |",
        f"| Brier score (3 classes) | {t['brier']} |",
        f"| kappa of the rubric's own derivation on the same extracted findings | "
        f"{m['metrics']['test_rule_derivation_kappa']} |",
        "",
        "| gold \\\\ predicted | inadequate | requires improvement | good |",
        "|---|---|---|---|",
    ] + [f"| {c.replace('_', ' ')} | " + " | ".join(str(v) for v in row) + " |" for c, row in zip(CLASSES, cm)] + [
        "",
        "Reliability (confidence of the most likely band against how often it was right):",
        "",
        "| confidence | records | mean confidence | accuracy |",
        "|---|---|---|---|",
    ] + [f"| {r['bin']} | {r['records']} | {_dash(r['mean_confidence'])} | {_dash(r['accuracy'])} |" for r in t["reliability"]]
    return "\n".join(lines)


def bench_block() -> str | None:
    path = ROOT / "scripts" / "bench_results.json"
    if not path.exists():
        return None
    b = json.loads(path.read_text())
    lines = [f"Machine: {b['machine']}, {b['date']}. Start-up of `score` on a 1-record file: "
             f"{b['startup_seconds']} s (median of 3).", "",
             "| records | jobs | seconds | records/s | tokens/s | tokenizer-only records/s | pipeline / tokenizer "
             "| speed-up vs 1 job | peak RSS, all processes (MiB) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in b["runs"]:
        lines.append(f"| {r['records']:,} | {r['jobs']} | {r['seconds']:,} | {r['records_per_s']:,.0f} | "
                     f"{r['tokens_per_s']:,} | {r['tokenizer_records_per_s']:,.0f} | "
                     f"{100 * r['share_of_tokenizer']:.1f}% | {r.get('speedup_vs_jobs_1', '')} | "
                     f"{r['peak_rss_mib']:,} |")
    st = b.get("stages")
    if st:
        tok = st["tokenizer_tokens_per_s"]
        lines += ["", f"Each stage alone, one process, first {st['records']:,} records of the 10k file "
                  "(`python scripts/bench.py --stages-only`):", "",
                  "| stage | tokens/s | share of tokenizer |", "|---|---|---|",
                  f"| spaCy tokenizer | {tok:,} | 100% |",
                  f"| spaCy pipeline (nine rule components, narrative and review) | "
                  f"{st['spacy_pipeline_tokens_per_s']:,} | {100 * st['spacy_pipeline_tokens_per_s'] / tok:.1f}% |",
                  f"| model text features (TF-IDF words + characters, issue 4) | "
                  f"{st['model_text_features_tokens_per_s']:,} | "
                  f"{100 * st['model_text_features_tokens_per_s'] / tok:.1f}% |"]
    return "\n".join(lines)


def replace(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {name} -->\n).*?(\n<!-- /{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README has no <!-- {name} --> block")
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    text = replace(text, "test-table", evaluate_table("test"))
    text = replace(text, "test-rules-table", evaluate_table("test", rules_only=True))
    text = replace(text, "dev-table", evaluate_table("dev", rules_only=True))
    text = replace(text, "second-opinion", second_opinion_block())
    text = replace(text, "model-metrics", model_block())
    bench = bench_block()
    if bench is not None and "<!-- bench-table -->" in text:
        text = replace(text, "bench-table", bench)
    readme.write_text(text, encoding="utf-8")
    print("README figures updated")


if __name__ == "__main__":
    main()
