"""Scoring on Dask (issue 6.4): the same rows as the single-machine run, on a local cluster
of two worker processes."""
import json
import logging
import random
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")

import dask
import dask.dataframe as dd
import pandas as pd

from nlp_assess.dask import _jsonl_blocks, review_rows, score_dataframe, score_files
from nlp_assess.reviews.detect import CopyRows, ReviewSettings, analyse
from nlp_assess.scoring import assess

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "corpora" / "dev.jsonl"
WORDS = ("officer attended address incident victim suspect partner argument arrested custody injury child "
         "school referral risk review plan safeguarding update file outcome charge court order")


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as c:
        yield c


def dev_records(n):
    """The first n dev records without their gold labels (plain columns, as an export has)."""
    out = []
    with open(DEV, encoding="utf-8") as f:
        for line, _ in zip(f, range(n)):
            rec = json.loads(line)
            rec.pop("labels")
            rec.pop("meta")
            out.append(rec)
    return out


def test_score_dataframe_gives_the_rows_of_assess(client):
    records = dev_records(80)
    records[3] = dict(records[3], narrative="   ")  # invalid rows: empty narrative,
    records[17] = {k: v for k, v in records[17].items() if k != "narrative"}  # no narrative,
    records[40] = dict(records[40], record_id="")  # no record id
    want = list(assess(records))
    ddf = dd.from_pandas(pd.DataFrame(records), npartitions=4)
    out = score_dataframe(ddf, client=client).compute()
    got = out.to_dict("records")
    assert len(got) == len(want) and list(out.index) == list(range(len(records)))
    assert sum(r["status"] == "error" for r in got) == 3
    assert sum(bool(r["copy_of"]) for r in got) >= 10  # copies across partitions are found
    assert "team" in out.columns  # input columns carried through, as assess_rows does
    for g, w in zip(got, want):
        assert g == {k: w.get(k) for k in out.columns}


def synthetic_reviews(n, seed=3):
    """Reviews with planted copies (edited, padded) among unrelated ones and stock one-liners."""
    rng = random.Random(seed)
    words = WORDS.split()
    templates = [" ".join(rng.choices(words, k=rng.randint(8, 25))) for _ in range(n // 15)]
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.5:
            t = rng.choice(templates).split()
            if rng.random() < 0.4:
                t[rng.randrange(len(t))] = rng.choice(words)
            if rng.random() < 0.3:
                t += rng.choices(words, k=rng.randint(3, 10))
            out.append(" ".join(t) + f" PS {rng.randint(1000, 9999)} SMITH")
        elif r < 0.6:
            out.append(rng.choice(["Reviewed. NFA.", "", "Noted", "Agree with actions taken."]))
        else:
            out.append(" ".join(rng.choices(words, k=rng.randint(5, 30))))
    return out


@pytest.mark.parametrize("chunk_size", [20_000, 97])
def test_banding_join_gives_the_clusters_and_similarities_of_analyse(client, chunk_size):
    """The distributed review pass against `analyse` on the whole batch, also when `analyse`
    reads it in several chunks. Similarities depend on the order in which `analyse` joins
    pairs, so this fails if the driver's union-find visits edges in another order."""
    n = 1500
    reviews = synthetic_reviews(n)
    ids = [f"R{i:05d}" for i in range(n)]
    narratives = ["Officer attended; the child was at school."] * n
    settings = ReviewSettings.from_rules(chunk_size=chunk_size)
    single = CopyRows(analyse(reviews, narratives, settings), ids, settings)
    want = [single.row(i, reviews[i]) for i in range(n)]
    ddf = dd.from_pandas(pd.DataFrame({"record_id": ids, "narrative": narratives, "supervisor_review": reviews}),
                         npartitions=6)
    got = review_rows(ddf, settings, client=client).compute()
    assert got["record_id"].tolist() == ids
    got = got["review"].tolist()
    assert sum(w["review_kind"] == "copy" for w in want) > 500
    assert len({w["review_similarity"] for w in want if w["review_similarity"]}) > 20
    clusters = {}
    for g, w in zip(got, want):
        cluster_g, cluster_w = g.pop("review_cluster"), w.pop("review_cluster")
        assert g == w
        assert clusters.setdefault(cluster_w, cluster_g) == cluster_g  # same partition into clusters


def test_score_files_writes_what_the_cli_writes(client, tmp_path):
    lines = DEV.read_text(encoding="utf-8").splitlines(keepends=True)[:120]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text("".join(lines[:50]), encoding="utf-8")
    (tmp_path / "in" / "b.jsonl").write_text("".join(lines[50:90]) + "not json\n" + "".join(lines[90:]),
                                             encoding="utf-8")
    (tmp_path / "all.jsonl").write_text("".join(lines[:90]) + "not json\n" + "".join(lines[90:]), encoding="utf-8")
    counts = score_files(str(tmp_path / "in" / "*.jsonl"), tmp_path / "dask.jsonl", client, blocksize=20_000)
    assert counts == {"ok": 120, "error": 1}
    cli = subprocess.run(["nlp-assess", "score", str(tmp_path / "all.jsonl"), "-o", str(tmp_path / "cli.jsonl"), "-q"],
                         capture_output=True, text=True, check=False)
    assert cli.returncode == 1, cli.stderr  # one error row
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "cli.jsonl").read_bytes()


def test_score_files_csv_in_and_out(client, tmp_path):
    sample = ROOT / "corpora" / "sample.csv"
    counts = score_files([sample], tmp_path / "dask.csv", client)
    assert counts["ok"] > 0
    cli = subprocess.run(["nlp-assess", "score", str(sample), "-o", str(tmp_path / "cli.csv"), "-q"],
                         capture_output=True, text=True, check=False)
    assert cli.returncode in (0, 1), cli.stderr
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "cli.csv").read_bytes()


def test_a_model_that_does_not_verify_fails_before_any_work(tmp_path):
    from nlp_assess.model import ModelError

    with dask.config.set(scheduler="sync"), pytest.raises(ModelError):
        score_dataframe(dd.from_pandas(pd.DataFrame(dev_records(2)), npartitions=1), model_dir=tmp_path)


def test_jsonl_blocks_are_whole_lines(tmp_path):
    path = tmp_path / "x.jsonl"
    data = "".join(json.dumps({"record_id": str(i), "narrative": "x" * (i % 37)}) + "\n" for i in range(300))
    path.write_text(data, encoding="utf-8")
    blocks = _jsonl_blocks(path, 1000)
    raw = path.read_bytes()
    assert len(blocks) > 5 and blocks[0][0] == 0 and blocks[-1][1] == len(raw)
    assert [s for s, _ in blocks[1:]] == [e for _, e in blocks[:-1]]
    assert all(raw[e - 1:e] == b"\n" for _, e in blocks)
