#!/usr/bin/env python3
"""Throughput and memory of `nlp-assess score` at batch scale (issue 6), in one run.

For each size (10k, 100k, 1M records by default) it writes synthetic records of realistic
length (50-400 words, log-normal with a median of about 120 words: most entries are short,
a few are long; sentences drawn from the dev corpus, names and ids varied, reviews from the
corpus so copies occur), then measures on the same texts:

- spaCy's tokenizer alone (the floor any spaCy pipeline pays), records/s and tokens/s;
- `nlp-assess score FILE -o OUT --jobs J` as a subprocess: wall time, records/s, tokens/s,
  peak resident memory of the whole process tree (sampled from /proc);
- start-up: `nlp-assess score` on a one-record file (median of 3);
- each stage alone on the first 5,000 records of the smallest size (tokenizer, spaCy
  pipeline, the model's TF-IDF text features), so the table says where the time goes.

    python scripts/bench.py                                  # 10k, 100k (jobs 1 and 2), 1M (jobs 2)
    python scripts/bench.py --sizes 10000 --jobs 1,2         # quicker
    python scripts/bench.py --stages-only                    # only where the time goes

Prints a Markdown table (paste into the README) and writes the figures as JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST = ["Amy", "Ben", "Cara", "Dan", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Kai", "Lily", "Mia",
         "Noah", "Olly", "Poppy", "Ruby", "Sam", "Tia", "Zac"]


def make_records(n: int, path: Path, seed: int = 0) -> int:
    """Write n synthetic records as JSON Lines; return the number of words written."""
    rng = random.Random(seed)
    dev = [json.loads(line) for line in open(ROOT / "corpora" / "dev.jsonl", encoding="utf-8")]
    sentences = [s for r in dev for s in re.split(r"(?<=[.!?])\s+|\n+", r["narrative"]) if len(s.split()) >= 3]
    words_total = 0
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            base = rng.choice(dev)
            target = min(400, max(50, int(rng.lognormvariate(4.8, 0.5))))  # median ~120 words
            parts, words = [], 0
            while words < target:
                s = rng.choice(sentences)
                parts.append(s)
                words += len(s.split())
            text = " ".join(parts)
            text = re.sub(r"\b(Jack|Lily|Ella|Sam|Mia)\b", lambda m: rng.choice(FIRST), text)
            words_total += len(text.split())
            rec = {"record_id": f"B{i:07d}", "narrative": text, "supervisor_review": base["supervisor_review"],
                   "team": base["team"], "officer_id": base["officer_id"], "reviewer_id": base["reviewer_id"],
                   "children_present_field": base["children_present_field"], "date": base["date"]}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return words_total


def tokenizer_only(path: Path) -> tuple:
    """(seconds, records, tokens) for spaCy's tokenizer alone over the narratives."""
    import spacy

    nlp = spacy.blank("en")

    def texts():
        with open(path, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)["narrative"]

    n = tokens = 0
    start = time.perf_counter()
    for doc in nlp.tokenizer.pipe(texts(), batch_size=1000):
        n += 1
        tokens += len(doc)
    return time.perf_counter() - start, n, tokens


def stage_ceilings(path: Path, limit: int = 5000) -> dict:
    """Tokens/s of each stage of `score` alone, one process, on the first `limit` records:
    spaCy's tokenizer, the whole spaCy pipeline (narrative and review), and the shipped
    model's TF-IDF text features. A stage's rate bounds the rate of the whole job, so this
    says which target is reachable and where the time goes."""
    import numpy as np

    from nlp_assess.model import load_model
    from nlp_assess.pipeline import build_pipeline

    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for _, line in zip(range(limit), f)]
    narratives = [r["narrative"] for r in records]
    nlp = build_pipeline()
    start = time.perf_counter()
    tokens = sum(len(d) for d in nlp.tokenizer.pipe(narratives, batch_size=1000))
    tokenizer = time.perf_counter() - start
    start = time.perf_counter()
    for _ in nlp.pipe(narratives + [r["supervisor_review"] or "" for r in records], batch_size=256):
        pass
    pipeline = time.perf_counter() - start
    model, _ = load_model()
    text = model.named_steps["features"]
    columns = [t for t in text.transformers_ if t[0] in ("words", "chars")]
    X = np.empty((len(records), max(c for _, _, c in columns) + 1), dtype=object)
    for _, _, c in columns:
        X[:, c] = narratives
    start = time.perf_counter()
    for _, vectorizer, c in columns:
        vectorizer.transform(X[:, c])
    features = time.perf_counter() - start
    return {"records": len(records), "tokens": tokens,
            "tokenizer_tokens_per_s": round(tokens / tokenizer),
            "spacy_pipeline_tokens_per_s": round(tokens / pipeline),
            "model_text_features_tokens_per_s": round(tokens / features)}


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def run_score(path: Path, out: Path, jobs: int) -> tuple:
    """(seconds, peak tree RSS in MiB) of `nlp-assess score`."""
    cmd = [sys.executable, "-m", "nlp_assess", "score", str(path), "-o", str(out), "-q", "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_kib(proc.pid))
            time.sleep(0.25)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    t.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"score failed ({proc.returncode}): {err.decode()[-500:]}")
    return seconds, peak[0] / 1024


def startup(tmp: Path) -> float:
    one = tmp / "one.jsonl"
    one.write_text(json.dumps({"record_id": "1", "narrative": "Jack (7) was crying. VPRF submitted."}) + "\n")
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(["nlp-assess", "score", str(one), "-q"], check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--jobs", default="1,2", help="jobs to try at each size")
    ap.add_argument("--jobs-max-size", default="1000000:2",
                    help="SIZE:JOBS - at this size and above run only these jobs (time budget)")
    ap.add_argument("--json", default=str(ROOT / "scripts" / "bench_results.json"))
    ap.add_argument("--stages-only", action="store_true",
                    help="measure only the stage ceilings (10,000 records) and add them to the JSON file")
    args = ap.parse_args()
    if args.stages_only:
        results = json.loads(Path(args.json).read_text()) if Path(args.json).exists() else {}
        with tempfile.TemporaryDirectory(prefix="nla-bench-") as tmp:
            path = Path(tmp) / "records.jsonl"
            make_records(10000, path)
            results["stages"] = stage_ceilings(path)
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
        print(json.dumps(results["stages"]))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    jobs_list = [int(j) for j in args.jobs.split(",")]
    big_size, big_jobs = (int(x) for x in args.jobs_max_size.split(":"))
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
               "date": time.strftime("%Y-%m-%d"), "runs": []}
    with tempfile.TemporaryDirectory(prefix="nla-bench-") as tmp:
        tmp = Path(tmp)
        results["startup_seconds"] = round(startup(tmp), 2)
        print(f"start-up on a 1-record file: {results['startup_seconds']} s", file=sys.stderr)
        for n in sizes:
            path = tmp / f"records_{n}.jsonl"
            words = make_records(n, path)
            tok_s, _, tokens = tokenizer_only(path)
            print(f"{n:,}: {words / n:.0f} words/record; tokenizer {n / tok_s:,.0f} rec/s", file=sys.stderr)
            if n == sizes[0]:
                results["stages"] = stage_ceilings(path)
                print(json.dumps(results["stages"]), file=sys.stderr)
            for jobs in ([big_jobs] if n >= big_size else jobs_list):
                out = tmp / f"out_{n}_{jobs}.jsonl"
                secs, rss = run_score(path, out, jobs)
                with open(out, "rb") as f:
                    rows = sum(1 for _ in f)
                assert rows == n, f"{rows} output rows for {n} records"
                out.unlink()
                run = {"records": n, "jobs": jobs, "tokens": tokens, "seconds": round(secs, 1),
                       "records_per_s": round(n / secs, 1), "tokens_per_s": round(tokens / secs),
                       "tokenizer_records_per_s": round(n / tok_s, 1), "tokenizer_tokens_per_s": round(tokens / tok_s),
                       "share_of_tokenizer": round(tok_s / secs, 4), "peak_rss_mib": round(rss)}
                results["runs"].append(run)
                print(json.dumps(run), file=sys.stderr)
                Path(args.json).write_text(json.dumps(results, indent=2) + "\n")  # kept if a later size is cut short
            path.unlink()
    one_job = {r["records"]: r["seconds"] for r in results["runs"] if r["jobs"] == 1}
    for r in results["runs"]:
        if r["jobs"] > 1 and r["records"] in one_job:
            r["speedup_vs_jobs_1"] = round(one_job[r["records"]] / r["seconds"], 2)
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(f"Machine: {results['machine']}; {results['date']}; start-up (1-record file) "
          f"{results['startup_seconds']} s\n")
    print("| records | jobs | seconds | records/s | tokens/s | tokenizer-only records/s | pipeline / tokenizer "
          "| speed-up vs 1 job | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results["runs"]:
        print(f"| {r['records']:,} | {r['jobs']} | {r['seconds']:,} | {r['records_per_s']:,.0f} | "
              f"{r['tokens_per_s']:,} | {r['tokenizer_records_per_s']:,.0f} | {100 * r['share_of_tokenizer']:.1f}% | "
              f"{r.get('speedup_vs_jobs_1', '')} | {r['peak_rss_mib']:,} |")


if __name__ == "__main__":
    main()
