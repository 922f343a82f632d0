#!/usr/bin/env python3
"""Time scoring on a local Dask cluster against one process, on the same records.

The records are the synthetic corpus (dev + test) repeated with new record ids up to
`--records`, written to one JSON Lines file. Three timings, each end to end from the file:

- single: `assess_rows` in this process (as `nlp-assess score`), pipeline and model loaded first;
- dask: `nlp_assess.dask.score_files` on a LocalCluster of `--workers` single-threaded worker
  processes, started beforehand (the review pass, then scoring; each worker loads the
  pipeline and model once, which is counted);
- the cluster's start-up, reported separately.

CPU seconds are reported too (this process, plus the workers for Dask): on a shared machine
they say more than wall-clock time about the cost of going distributed. The outputs must be
identical (checked). Usage:
    python scripts/bench_dask.py [--records 2000] [--workers 2]
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def write_records(path: Path, n: int) -> None:
    base = []
    for name in ("dev.jsonl", "test.jsonl"):
        with open(ROOT / "corpora" / name, encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                rec.pop("labels", None)
                rec.pop("meta", None)
                base.append(rec)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            rec = dict(base[i % len(base)], record_id=f"B{i:07d}")
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


def time_single(path: Path, output: Path):
    from nlp_assess.output import RowWriter
    from nlp_assess.records import read_records
    from nlp_assess.scoring import QualityModel, assess_rows, get_pipeline

    start, cpu = time.perf_counter(), cpu_seconds()
    nlp, model = get_pipeline(), QualityModel()
    holder = {}

    def opened(lookup):
        holder["extra"] = lookup.extra_fields

    with open(output, "w", encoding="utf-8", newline="") as stream:
        writer = None
        for row in assess_rows(lambda: read_records(path), nlp=nlp, model=model, on_review_pass=opened):
            writer = writer or RowWriter(stream, "jsonl", extra_fields=holder["extra"])
            writer.write(row)
    return time.perf_counter() - start, cpu_seconds() - cpu


def time_dask(path: Path, output: Path, workers: int):
    from distributed import Client, LocalCluster

    from nlp_assess.dask import score_files

    start = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        startup = time.perf_counter() - start
        start, cpu, worker_cpu = time.perf_counter(), cpu_seconds(), client.run(cpu_seconds)
        score_files(str(path), output, client)
        seconds = time.perf_counter() - start
        workers_after = client.run(cpu_seconds)
        cpu = cpu_seconds() - cpu + sum(workers_after[w] - worker_cpu[w] for w in worker_cpu)
        return seconds, cpu, startup


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_records(tmp / "in.jsonl", args.records)
        dask_s, dask_cpu, startup = time_dask(tmp / "in.jsonl", tmp / "dask.jsonl", args.workers)
        single_s, single_cpu = time_single(tmp / "in.jsonl", tmp / "single.jsonl")
        same = (tmp / "dask.jsonl").read_bytes() == (tmp / "single.jsonl").read_bytes()
    print(json.dumps({"records": args.records, "workers": args.workers, "cores": os.cpu_count(),
                      "load_average": round(os.getloadavg()[0], 2),
                      "single_s": round(single_s, 1), "single_rec_per_s": round(args.records / single_s, 1),
                      "single_cpu_s": round(single_cpu, 1),
                      "dask_s": round(dask_s, 1), "dask_rec_per_s": round(args.records / dask_s, 1),
                      "dask_cpu_s": round(dask_cpu, 1),
                      "cluster_startup_s": round(startup, 1), "speedup": round(single_s / dask_s, 2),
                      "identical_output": same}))


if __name__ == "__main__":
    main()
