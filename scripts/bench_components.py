#!/usr/bin/env python3
"""Where the spaCy pipeline spends its time: each component alone, on the same texts.

Runs every component of the pipeline in turn over the narratives and reviews of a corpus
file (default: the first 1,500 records of corpora/dev.jsonl) and prints seconds and
tokens/s per component, against the tokenizer. Use it before and after a rule change: the
context and mention components slow down with every token pattern (spaCy's Matcher tries
each one at every token), phrases cost almost nothing (pipeline/patterns.py spells small
patterns out as phrases).

Usage: python scripts/bench_components.py [--corpus corpora/dev.jsonl] [--records 1500]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from nlp_assess.pipeline import build_pipeline  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / "corpora" / "dev.jsonl"))
    parser.add_argument("--records", type=int, default=1500)
    args = parser.parse_args()
    with open(args.corpus, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()][:args.records]
    texts = [str(r.get("narrative") or "") for r in records] + [str(r.get("supervisor_review") or "") for r in records]
    nlp = build_pipeline()
    start = time.perf_counter()
    docs = [nlp.make_doc(text) for text in texts]
    tokenizer = time.perf_counter() - start
    tokens = sum(len(d) for d in docs)
    spent = defaultdict(float)
    for doc in docs:
        for name, component in nlp.pipeline:
            start = time.perf_counter()
            doc = component(doc)
            spent[name] += time.perf_counter() - start
    print(f"{len(texts):,} texts, {tokens:,} tokens")
    print(f"{'tokenizer':16s} {tokenizer:6.2f}s {tokens / tokenizer:12,.0f} tokens/s")
    for name, seconds in spent.items():
        print(f"{name:16s} {seconds:6.2f}s {tokens / seconds:12,.0f} tokens/s")
    total = sum(spent.values())
    print(f"{'all components':16s} {total:6.2f}s {tokens / total:12,.0f} tokens/s ({len(texts) / total:,.0f} texts/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
