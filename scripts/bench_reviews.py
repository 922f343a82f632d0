#!/usr/bin/env python3
"""Benchmark the copy-paste review detector on synthetic batches with planted copy clusters.

For each size (default 10k, 100k, 1M) a fresh subprocess generates the batch (not timed),
then times `detect_copies` end to end (normalise, sign, index, verify, stock check) on one
core, and reports throughput, peak RSS of that process, and the recall of planted copies.

Usage: python scripts/bench_reviews.py [--sizes 10000 100000 1000000] [--datasketch]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

WORDS = ("officer attended address incident victim suspect partner argument arrested custody injury bruise cheek "
         "statement account body worn video neighbour called police child children son daughter school referral "
         "social care strategy discussion risk assessment medium high standard bail conditions harassment damage "
         "window door phone text messages threats history previous repeat caller refuge sister mother father "
         "evidence photographs witness interview safeguarding plan review update file outcome charge caution "
         "community resolution court order breach non molestation occupation flat house car street park night "
         "morning evening weekend contact arrangements drink drugs mental health support worker advocate").split()
NAMES = "Smith Jones Taylor Brown Wilson Evans Thomas Johnson Roberts Walker Wright Robinson Thompson Hughes".split()
TEMPLATES = [
    "I have reviewed this incident. Officers attended in a timely manner, all parties spoken to, risk assessed and "
    "appropriate safeguarding considered. No further supervisory action required.",
    "Supervisory review complete. DASH completed and risk grading agreed. Happy with actions taken by attending "
    "officers. Ok to close on the system.",
    "Incident reviewed by me. Attending officers have dealt with the matter appropriately and proportionately. "
    "Investigation to continue with the OIC. Filed pending further information.",
]


def vocabulary(rng: random.Random, size: int = 4000):
    """WORDS plus made-up words, drawn with Zipf-like frequencies as real text is."""
    syll = "ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so".split()
    extra = {"".join(rng.choices(syll, k=rng.randint(2, 4))) for _ in range(size)}
    words = WORDS + sorted(extra)
    weights = [1.0 / (rank + 100) for rank in range(len(words))]
    return words, weights


def synth(n: int, seed: int = 7, copy_share: float = 0.3):
    """Reviews with planted copy clusters: returns (texts, planted cluster id or -1)."""
    texts, planted = [], []
    for text, p in synth_stream(n, seed, copy_share, planted_out=None):
        texts.append(text)
        planted.append(p)
    return texts, planted


def synth_stream(n: int, seed: int = 7, copy_share: float = 0.3, planted_out=None):
    """The same reviews one at a time (texts are not all kept in memory); planted cluster ids
    are appended to `planted_out` if given."""
    rng = random.Random(seed)
    vocab, weights = vocabulary(rng)
    n_templates = max(10, int(n * copy_share / 20))
    templates = [rng.choice(TEMPLATES) + " " + " ".join(rng.choices(WORDS, k=rng.randint(4, 12))) + "."
                 for _ in range(n_templates)]
    for i in range(n):
        if rng.random() < copy_share:
            t = rng.randrange(n_templates)
            text = templates[t]
            if rng.random() < 0.3:  # padded with new text
                text += " " + " ".join(rng.choices(WORDS, k=rng.randint(5, 15))).capitalize() + "."
            if rng.random() < 0.3:  # a word changed
                w = text.split()
                w[rng.randrange(len(w))] = rng.choice(WORDS)
                text = " ".join(w)
            text += f" PS {rng.randint(1000, 9999)} {rng.choice(NAMES).upper()} {rng.randint(1, 28)}/{rng.randint(1, 12)}/25"
            yield text, t
        else:
            k = rng.randint(12, 60)
            yield " ".join(rng.choices(vocab, weights, k=k)).capitalize() + f". {rng.choice(NAMES)} to follow up.", -1


def run_one(n: int, datasketch: bool) -> dict:
    """Time `analyse` (normalise, sign, index, verify, stock check) on a streamed batch.
    Generating the synthetic text is excluded from the time (measured and subtracted)."""
    import numpy as np

    from nlp_assess.reviews.detect import KIND_COPY, analyse

    start = time.perf_counter()
    for _ in synth_stream(n):
        pass
    generate = time.perf_counter() - start
    planted: list = []

    def texts():
        for text, p in synth_stream(n):
            planted.append(p)
            yield text

    start = time.perf_counter()
    result = analyse(texts())
    seconds = time.perf_counter() - start - generate
    planted_arr = np.array(planted)
    sizes = np.bincount(planted_arr[planted_arr >= 0]) if (planted_arr >= 0).any() else np.zeros(0)
    expected = (planted_arr >= 0) & (sizes[np.maximum(planted_arr, 0)] > 1)
    hit = int((expected & (result.kind == KIND_COPY)).sum())
    false = int(((planted_arr < 0) & (result.kind == KIND_COPY)).sum())
    out = {"reviews": n, "seconds": round(seconds, 2), "reviews_per_s": int(n / seconds),
           "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
           "planted_copies": int(expected.sum()), "recall": round(hit / max(1, int(expected.sum())), 4),
           "false_copies": false}
    if datasketch:
        sample = [t for t, _ in synth_stream(min(n, 10_000))]
        out["datasketch_signatures_per_s"] = bench_datasketch(sample)
        out["numpy_signatures_per_s"] = bench_numpy(sample)
    return out


def bench_numpy(texts) -> int:
    from nlp_assess.reviews.minhash import TokenHasher, shingle_hashes, signatures
    from nlp_assess.reviews.normalise import normalise

    toks = [normalise(t).split() for t in texts]
    start = time.perf_counter()
    h = TokenHasher()
    hashes, offsets = shingle_hashes([h.ids(t) for t in toks], 3)
    signatures(hashes, offsets, 32)
    return int(len(texts) / (time.perf_counter() - start))


def bench_datasketch(texts) -> int:
    from datasketch import MinHash

    from nlp_assess.reviews.normalise import normalise

    toks = [normalise(t).split() for t in texts]
    start = time.perf_counter()
    for t in toks:
        m = MinHash(num_perm=32)
        m.update_batch([" ".join(t[i:i + 3]).encode() for i in range(max(1, len(t) - 2))])
    return int(len(texts) / (time.perf_counter() - start))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--datasketch", action="store_true", help="also time datasketch MinHash signatures")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.datasketch)))
        return
    rows = []
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n)] + (["--datasketch"] if args.datasketch else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr)
    print("| reviews | seconds | reviews/s | peak RSS (MiB) | planted copies | recall | false copies |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['reviews']:,} | {r['seconds']} | {r['reviews_per_s']:,} | {r['peak_rss_mib']} | "
              f"{r['planted_copies']:,} | {r['recall']} | {r['false_copies']} |")
    print()
    for a, b in zip(rows, rows[1:]):
        growth = (b["seconds"] / a["seconds"]) / (b["reviews"] / a["reviews"])
        print(f"{a['reviews']:,} -> {b['reviews']:,}: time grows {b['seconds'] / a['seconds']:.1f}x for "
              f"{b['reviews'] / a['reviews']:.0f}x reviews ({growth:.2f} of linear)")
    if "datasketch_signatures_per_s" in rows[0]:
        r = rows[0]
        print(f"MinHash signatures on 10k reviews: numpy {r['numpy_signatures_per_s']:,}/s, "
              f"datasketch {r['datasketch_signatures_per_s']:,}/s")


if __name__ == "__main__":
    main()
