"""Scoring on Dask, for batches too large for one machine (optional extra `[dask]`).

    >>> import dask.dataframe as dd
    >>> from nlp_assess.dask import score_dataframe, score_files
    >>> out = score_dataframe(dd.read_parquet("records/"))        # doctest: +SKIP
    >>> out.to_parquet("scored/")                                   # doctest: +SKIP
    >>> score_files("exports/*.jsonl", "scored.jsonl", client)      # doctest: +SKIP

The rows are those `scoring.assess_rows` gives for the same records in the same order
(same fields and values, evidence included; an invalid record gives an error row), and
`score_files` writes byte for byte what `nlp-assess score` writes.

The narratives pass is one record at a time, so it maps over partitions. The copy-paste
review pass compares every review with every other one in the batch, so it runs as a
distributed join in stages, each reusing the single-machine code of `reviews/`:

1. per partition: normalise each review, its exact-copy key, MinHash signature and LSH band
   keys (`_review_keys`: the arrays `detect.analyse` computes for a chunk, by the same functions);
2. one representative per exact key (as `analyse` keeps), then a shuffle on (band, band key)
   gives the candidate pairs of each LSH bucket: the banding join;
3. candidate pairs are verified exactly by `detect.similarity`, after the same signature
   prefilter;
4. on the driver, the verified edges (few: only copies) are replayed through union-find in
   the order `analyse` visits them, so clusters and similarities come out identical;
5. each record gets its cluster and similarity back from a small broadcast table, and the
   stock and specificity checks run per partition (`analyse` with copying switched off);
6. per partition: `scoring.score_chunk` (spaCy pipeline, record findings with the trained
   second opinion, quality model; the pipeline and models loaded once per worker process),
   as `assess_rows` runs it.

Stages 1-5 run when `score_dataframe` is called; they cost little next to stage 6
(100,000 reviews: about 13 s on two local workers, where scoring takes some 1,000 s of
CPU). The returned frame is lazy.
"""
from __future__ import annotations

import glob as globlib
import io
import logging
import math
import os
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

try:
    import dask
    import dask.dataframe as dd
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("nlp_assess.dask needs the [dask] extra: pip install 'nlp_assess[dask]' (and the "
                      "nlp_assess directory itself must not be on sys.path, where this file hides dask)") from exc

from .records import (
    FALLBACK_ENCODING,
    InputError,
    InputRow,
    check_not_empty,
    read_jsonl,
    read_records,
    validate,
)
from .reviews.detect import (
    KIND_COPY,
    CopyResult,
    CopyRows,
    ReviewSettings,
    analyse,
    exact_keys,
    minhash_of,
    similarity,
    union_roots,
)
from .reviews.minhash import band_keys
from .reviews.normalise import BatchEncoder
from .scoring import (
    OUTPUT_FIELDS,
    LabelModel,
    QualityModel,
    carried_name,
    get_pipeline,
    score_chunk,
)

ROW_COLUMNS = ("record_id", "error", "record", "extra")  # an InputRow (record: dict, or None if error)
_NO_STRING_CONVERSION = {"dataframe.convert-string": False}  # keep dicts, lists and bytes as Python objects


def _frame(columns: dict[str, Any], index=None) -> pd.DataFrame:
    """A DataFrame of 1-D arrays; object arrays stay object columns (pandas would infer a
    string dtype for text, turning None into NaN)."""
    n = len(next(iter(columns.values()))) if columns else 0
    index = pd.RangeIndex(n) if index is None else index
    return pd.DataFrame({name: pd.Series(values, index=index, dtype=getattr(values, "dtype", None))
                         for name, values in columns.items()})


def _objects(values: Iterable[Any] = ()) -> np.ndarray:
    """A 1-D object array holding the values as they are (lists and dicts included)."""
    values = list(values)
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


ROWS_META = _frame({c: _objects() for c in ROW_COLUMNS})
FEATURES_META = _frame({"chunk": pd.Series([], dtype=np.int64), "key": pd.Series([], dtype=np.uint64),
                        "record_id": _objects(), "sig": _objects(), "shingles": _objects(), "bands": _objects()})
BANDS_META = _frame({"band": pd.Series([], dtype=np.int64), "bkey": pd.Series([], dtype=np.int64),
                     "chunk": pd.Series([], dtype=np.int64), "key": pd.Series([], dtype=np.uint64)})
PAIR_COLUMNS = ["a_chunk", "a_key", "b_chunk", "b_key"]
PAIRS_META = _frame({"band": pd.Series([], dtype=np.int64), "bkey": pd.Series([], dtype=np.int64),
                     "a_chunk": pd.Series([], dtype=np.int64), "a_key": pd.Series([], dtype=np.uint64),
                     "b_chunk": pd.Series([], dtype=np.int64), "b_key": pd.Series([], dtype=np.uint64)})
EDGES_META = PAIRS_META.assign(sim=pd.Series([], dtype=np.float64))
MEMBERS_META = _frame({"cluster": pd.Series([], dtype=np.int64), "record_id": _objects()})


# ----------------------------------------------------------------------------- input rows
def _missing(value: Any) -> bool:
    """An empty DataFrame cell (None, NaN, pd.NA): the field is absent from the record."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _plain(value: Any) -> Any:
    """numpy scalars as Python values (a record_id of 7 is an int, not a numpy.int64)."""
    return value.item() if isinstance(value, np.generic) else value


def _rows_frame(rows: Sequence[InputRow], index=None) -> pd.DataFrame:
    return _frame({"record_id": _objects(r.record_id for r in rows), "error": _objects(r.error for r in rows),
                   "record": _objects(r.record for r in rows), "extra": _objects(r.extra for r in rows)}, index=index)


def _validate_partition(pdf: pd.DataFrame) -> pd.DataFrame:
    """Records as columns -> validated rows (`records.validate`, as `assess` does for dicts)."""
    columns = [str(c) for c in pdf.columns]
    rows = []
    for i, values in enumerate(pdf.itertuples(index=False, name=None)):
        raw = {c: _plain(v) for c, v in zip(columns, values) if not _missing(v)}
        rows.append(validate(raw, i, encoding=None))  # as records.rows_from_dicts
    return _rows_frame(rows, index=pdf.index)


def _input_rows(part: pd.DataFrame) -> list[InputRow]:
    return [InputRow(index=i, record=rec, error=err, record_id=rid, extra=extra)
            for i, (rid, err, rec, extra) in enumerate(zip(*(part[c] for c in ROW_COLUMNS)))]


def rows_from_dataframe(ddf: dd.DataFrame) -> dd.DataFrame:
    """A Dask DataFrame of records (columns as in formats.md) -> validated rows. An empty
    cell is an absent field."""
    with dask.config.set(_NO_STRING_CONVERSION):
        return ddf.map_partitions(_validate_partition, meta=ROWS_META)


# ----------------------------------------------------------------------------- stage 1: review keys
@dataclass
class ReviewKeys:
    """Per review: its exact-copy key and whether it may join a cluster (as `analyse` decides);
    for the eligible ones (in order) the 32-bit shingle hashes, the top 16 bits of the MinHash
    signature and the 32-bit band keys, as bytes."""

    key: np.ndarray
    eligible: np.ndarray
    shingles: list[bytes]
    sig: list[bytes]
    bands: list[bytes]


def _review_keys(reviews: Sequence[str], settings: ReviewSettings, minhash: bool = True) -> ReviewKeys:
    """The per-review arrays of one chunk of `detect.analyse`, by the same functions
    (`exact_keys`, `minhash_of`)."""
    enc = BatchEncoder(set())  # the ignore set only affects content-word flags, not used here
    ids, lengths = enc.encode(reviews)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    token_hash = enc.hashes()[ids]
    empty = np.array([not t.strip() for t in reviews], dtype=bool)
    eligible = (lengths >= settings.min_tokens) & ~empty
    key = exact_keys(token_hash, lengths, offsets)
    out = ReviewKeys(key, eligible, [], [], [])
    cand = np.nonzero(eligible)[0]
    if not minhash or not len(cand):
        return out
    hashes, offs, sig = minhash_of(token_hash, offsets, lengths, cand, settings)
    bkeys = band_keys(sig, settings.bands).astype(np.uint32)
    sig16 = (sig >> 16).astype(np.uint16)
    hashes32 = hashes.astype(np.uint32)
    out.shingles = [hashes32[offs[k]:offs[k + 1]].tobytes() for k in range(len(cand))]
    out.sig = [row.tobytes() for row in sig16]
    out.bands = [row.tobytes() for row in bkeys]
    return out


def _valid_reviews(part: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    """(record ids, reviews, narratives) of the valid rows, as `scoring.ReviewLookup` reads them."""
    recs = [r for r in part["record"] if r is not None]
    return ([str(rid) for rid, r in zip(part["record_id"], part["record"]) if r is not None],
            [str(r.get("supervisor_review") or "") for r in recs],
            [str(r["narrative"]) for r in recs])


def _chunk_numbers(first_position: int, n: int, settings: ReviewSettings) -> np.ndarray:
    """`analyse` reads the batch in chunks of `chunk_size` valid rows; exact copies share a
    representative only within a chunk, so the chunk is part of a representative's identity."""
    return (first_position + np.arange(n, dtype=np.int64)) // settings.chunk_size


def _partition_summary(part: pd.DataFrame) -> pd.Series:
    """(valid rows, carried input columns in order of first appearance) of one partition."""
    names: dict[str, None] = {}
    for extra in part["extra"]:
        for k in extra:
            names.setdefault(carried_name(str(k)))
    return pd.Series(_objects([(sum(r is not None for r in part["record"]), list(names))]))


def _features_partition(part: pd.DataFrame, offsets: Sequence[int], settings: ReviewSettings,
                        partition_info=None) -> pd.DataFrame:
    """One row per eligible review: representative id (chunk, key), record id, signature,
    shingles and band keys."""
    record_ids, reviews, _ = _valid_reviews(part)
    keys = _review_keys(reviews, settings)
    chunk = _chunk_numbers(offsets[partition_info["number"]], len(reviews), settings)
    el = keys.eligible
    return _frame({"chunk": chunk[el], "key": keys.key[el],
                   "record_id": _objects(np.array(record_ids, dtype=object)[el] if record_ids else []),
                   "sig": _objects(keys.sig), "shingles": _objects(keys.shingles), "bands": _objects(keys.bands)})


# ----------------------------------------------------------------------------- stages 2-3: banding join
def _explode_bands(reps: pd.DataFrame) -> pd.DataFrame:
    """One row per representative and band: (band, band key, representative)."""
    if not len(reps):
        return BANDS_META.copy()
    bkeys = np.stack([np.frombuffer(b, dtype=np.uint32) for b in reps["bands"]])
    n, bands = bkeys.shape
    return _frame({"band": np.tile(np.arange(bands, dtype=np.int64), n),
                   "bkey": bkeys.reshape(-1).astype(np.int64),
                   "chunk": np.repeat(reps["chunk"].to_numpy(np.int64), bands),
                   "key": np.repeat(reps["key"].to_numpy(np.uint64), bands)})


def _star_pairs(part: pd.DataFrame) -> pd.DataFrame:
    """Candidate pairs of each LSH bucket, as `minhash.band_pairs` forms them: the bucket's
    first representative (in `analyse`'s order: chunk, then key) with each other member."""
    if not len(part):
        return PAIRS_META.copy()
    part = part.sort_values(["band", "bkey", "chunk", "key"], kind="stable")
    band, bkey = part["band"].to_numpy(), part["bkey"].to_numpy()
    chunk, key = part["chunk"].to_numpy(np.int64), part["key"].to_numpy(np.uint64)
    new = np.concatenate(([True], (band[1:] != band[:-1]) | (bkey[1:] != bkey[:-1])))
    first = np.maximum.accumulate(np.where(new, np.arange(len(part)), 0))
    member = np.nonzero(~new)[0]
    centre = first[member]
    return _frame({"band": band[member], "bkey": bkey[member], "a_chunk": chunk[centre], "a_key": key[centre],
                   "b_chunk": chunk[member], "b_key": key[member]})


def _first_occurrence(part: pd.DataFrame) -> pd.DataFrame:
    """Each distinct pair once, in its first band: `analyse` never verifies a pair again once
    it is joined, and a pair below the threshold stays unjoined in every band."""
    return part.sort_values("band", kind="stable").drop_duplicates(PAIR_COLUMNS, keep="first")


def _verify(part: pd.DataFrame, settings: ReviewSettings) -> pd.DataFrame:
    """Verified edges: pairs passing `analyse`'s signature prefilter whose `similarity`
    reaches the threshold."""
    sims = []
    for sa, sb, ha, hb in zip(part["a_sig"], part["b_sig"], part["a_shingles"], part["b_shingles"]):
        agree = (np.frombuffer(sa, dtype=np.uint16) == np.frombuffer(sb, dtype=np.uint16)).mean()
        if agree < settings.prefilter:
            sims.append(0.0)
            continue
        a = set(np.frombuffer(ha, dtype=np.uint32).tolist())
        b = set(np.frombuffer(hb, dtype=np.uint32).tolist())
        sims.append(similarity(a, b, settings.min_shared))
    part = part.assign(sim=np.array(sims, dtype=np.float64))
    return part.loc[part["sim"] >= settings.threshold, list(EDGES_META.columns)]


def _banding_join(feats: dd.DataFrame, settings: ReviewSettings):
    """(verified edges, representatives with more than one member) as lazy Dask objects."""
    rep_id = ["chunk", "key"]
    sizes = feats.groupby(rep_id).size(split_out=feats.npartitions)
    multi = sizes[sizes > 1].rename("size").reset_index()
    # reviews with the same key have the same normalised tokens: any one represents them
    reps = feats.drop_duplicates(subset=rep_id, split_out=feats.npartitions)
    bands = reps.map_partitions(_explode_bands, meta=BANDS_META)
    pairs = bands.shuffle(on=["band", "bkey"]).map_partitions(_star_pairs, meta=PAIRS_META)
    pairs = pairs.shuffle(on=PAIR_COLUMNS).map_partitions(_first_occurrence, meta=PAIRS_META)
    side = reps[["chunk", "key", "sig", "shingles"]]
    a = side.rename(columns={"chunk": "a_chunk", "key": "a_key", "sig": "a_sig", "shingles": "a_shingles"})
    b = side.rename(columns={"chunk": "b_chunk", "key": "b_key", "sig": "b_sig", "shingles": "b_shingles"})
    cand = pairs.merge(a, on=["a_chunk", "a_key"]).merge(b, on=["b_chunk", "b_key"])
    edges = cand.map_partitions(_verify, settings, meta=EDGES_META)
    return edges, multi


# ----------------------------------------------------------------------------- stage 4: clusters
@dataclass
class ClusterTable:
    """Representatives in copy clusters (sorted by chunk, key): cluster id and the similarity
    each of their records reports."""

    chunk: np.ndarray
    key: np.ndarray
    cluster: np.ndarray
    sim: np.ndarray

    def lookup(self, chunk: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cluster id or -1, similarity) for each (chunk, key)."""
        cluster = np.full(len(chunk), -1, dtype=np.int64)
        sim = np.zeros(len(chunk), dtype=np.float32)
        if len(self.chunk) and len(chunk):
            table = pd.MultiIndex.from_arrays([self.chunk, self.key])
            at = table.get_indexer(pd.MultiIndex.from_arrays([chunk, key]))
            found = at >= 0
            cluster[found] = self.cluster[at[found]]
            sim[found] = self.sim[at[found]]
        return cluster, sim


def clusters_from_edges(edges: pd.DataFrame, multi: pd.DataFrame) -> ClusterTable:
    """Union-find over the verified edges, replayed in the order `analyse` visits candidate
    pairs (band, then bucket key, then the member's place), so that each representative's best
    similarity (the largest among the edges that joined it) is the same as `analyse`'s."""
    ends = [edges[["a_chunk", "a_key"]].set_axis(["chunk", "key"], axis=1),
            edges[["b_chunk", "b_key"]].set_axis(["chunk", "key"], axis=1), multi[["chunk", "key"]]]
    reps = pd.concat(ends).astype({"chunk": np.int64, "key": np.uint64}).drop_duplicates()
    reps = reps.sort_values(["chunk", "key"]).reset_index(drop=True)
    index = {rk: i for i, rk in enumerate(zip(reps["chunk"].tolist(), reps["key"].tolist()))}
    parent = np.arange(len(reps), dtype=np.int64)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    best = np.zeros(len(reps), dtype=np.float32)
    ordered = edges.sort_values(["band", "bkey", "b_chunk", "b_key"], kind="stable")
    for ac, ak, bc, bk, sim in zip(*(ordered[c].tolist() for c in ("a_chunk", "a_key", "b_chunk", "b_key", "sim"))):
        a, b = index[(ac, ak)], index[(bc, bk)]
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        parent[max(ra, rb)] = min(ra, rb)
        best[a] = max(best[a], sim)
        best[b] = max(best[b], sim)
    roots = union_roots(parent)
    gsize = np.ones(len(reps), dtype=np.int64)
    for c, k, s in zip(multi["chunk"].tolist(), multi["key"].tolist(), multi["size"].tolist()):
        gsize[index[(c, k)]] = s
    in_cluster = np.bincount(roots, weights=gsize, minlength=len(reps))[roots] > 1  # more than one record
    sim = np.where(gsize > 1, 1.0, best).astype(np.float32)
    keep = np.nonzero(in_cluster)[0]
    return ClusterTable(reps["chunk"].to_numpy(np.int64)[keep], reps["key"].to_numpy(np.uint64)[keep],
                        roots[keep], sim[keep])


def _members_partition(feats: pd.DataFrame, table: ClusterTable) -> pd.DataFrame:
    cluster, _ = table.lookup(feats["chunk"].to_numpy(np.int64), feats["key"].to_numpy(np.uint64))
    found = cluster >= 0
    return _frame({"cluster": cluster[found], "record_id": _objects(feats["record_id"].to_numpy(object)[found])})


def _first_ids(ids: pd.Series, limit: int) -> list:
    return sorted(ids.tolist())[:limit]


# ----------------------------------------------------------------------------- the review pass
@dataclass
class ReviewPass:
    """What each partition needs of the whole batch's review pass: where its valid rows start,
    the clustered representatives and each cluster's first record ids (sorted, as `CopyRows`)."""

    offsets: list[int]
    table: ClusterTable
    members: dict[int, list[str]]
    settings: ReviewSettings
    extra_fields: list[str]  # input columns carried to the output, as `ReviewLookup.extra_fields`

    def output_columns(self) -> list[str]:
        return list(OUTPUT_FIELDS) + [f for f in self.extra_fields if f not in OUTPUT_FIELDS]

    def copy_rows(self, part_no: int, record_ids: list[str], reviews: list[str], narratives: list[str]) -> CopyRows:
        """`CopyRows` for one partition's valid rows, with the batch's clusters."""
        s = self.settings
        keys = _review_keys(reviews, s, minhash=False)
        chunk = _chunk_numbers(self.offsets[part_no], len(reviews), s)
        cluster, sim = self.table.lookup(chunk, keys.key)
        cluster = np.where(keys.eligible, cluster, -1)
        sim = np.where(cluster >= 0, sim, 0).astype(np.float32)
        # stock reviews and specificity are per review: analyse with copies switched off
        # (no review is long enough to join a cluster) gives them without any comparison
        local = analyse(reviews, narratives, replace(s, min_tokens=np.iinfo(np.int64).max))
        kind = np.where(cluster >= 0, KIND_COPY, local.kind).astype(np.int8)
        # the batch's clusters, not only this partition's
        return CopyRows(CopyResult(cluster, sim, kind, local.content_words, local.specificity), record_ids, s,
                        members=self.members)


def _compute(*objs: Any, client=None):
    return client.compute(list(objs), sync=True) if client is not None else dask.compute(*objs)


def review_pass(rows: dd.DataFrame, settings: ReviewSettings | None = None, client=None) -> ReviewPass:
    """Stages 1-4 over validated rows (see the module docstring); computes now."""
    settings = settings or ReviewSettings.from_rules()
    (summary,) = _compute(rows.map_partitions(_partition_summary, meta=pd.Series(_objects())), client=client)
    offsets = np.concatenate(([0], np.cumsum([n for n, _ in summary], dtype=np.int64))).tolist()
    extra_fields = list(dict.fromkeys(name for _, names in summary for name in names))
    with dask.config.set(_NO_STRING_CONVERSION):
        feats = rows.map_partitions(_features_partition, offsets, settings, meta=FEATURES_META)
        feats = client.persist(feats) if client is not None else feats.persist()
        edges, multi = _banding_join(feats, settings)
        edges, multi = _compute(edges, multi, client=client)
        table = clusters_from_edges(edges, multi)
        members: dict[int, list[str]] = {}
        if len(table.cluster):
            limit = settings.max_copy_of + 1  # CopyRows reads no further than this
            clustered = feats.map_partitions(_members_partition, dask.delayed(table, traverse=False), meta=MEMBERS_META)
            firsts = clustered.groupby("cluster")["record_id"].apply(_first_ids, limit, meta=("record_id", object))
            (firsts,) = _compute(firsts, client=client)
            members = {int(c): list(ids) for c, ids in firsts.items()}
    return ReviewPass(offsets, table, members, settings, extra_fields)


def _review_partition(part: pd.DataFrame, rp: ReviewPass, partition_info=None) -> pd.DataFrame:
    record_ids, reviews, narratives = _valid_reviews(part)
    copy_rows = rp.copy_rows(partition_info["number"], record_ids, reviews, narratives)
    out = [copy_rows.row(i, reviews[i]) for i in range(len(reviews))]
    return _frame({"record_id": _objects(record_ids), "review": _objects(out)})


def review_rows(ddf: dd.DataFrame, settings: ReviewSettings | None = None, client=None) -> dd.DataFrame:
    """The review pass only: one row per valid record, its `CopyRows.row` dict in `review`
    (the fields `detect.detect_copies` gives). Cluster ids differ from `analyse`'s numbering;
    clusters, similarities and everything else are the same."""
    rows = rows_from_dataframe(ddf)
    rp = review_pass(rows, settings, client)
    meta = _frame({"record_id": _objects(), "review": _objects()})
    with dask.config.set(_NO_STRING_CONVERSION):
        return rows.map_partitions(_review_partition, dask.delayed(rp, traverse=False), meta=meta)


# ----------------------------------------------------------------------------- stage 6: scoring
_LOCK = threading.Lock()
_MODELS: dict[str, QualityModel] = {}
_LABELLER: dict[str, LabelModel] = {}


def _quality_model(model_dir: str | None) -> QualityModel:
    """The quality model, loaded once per worker process (and verified when loaded)."""
    name = str(model_dir or "")
    if name not in _MODELS:
        _MODELS[name] = QualityModel(model_dir)
    return _MODELS[name]


def _label_model() -> LabelModel:
    """The shipped second-opinion classifier, loaded once per worker process (and verified)."""
    if "labels" not in _LABELLER:
        _LABELLER["labels"] = LabelModel()
    return _LABELLER["labels"]


def _scored_rows(part: pd.DataFrame, rp: ReviewPass, model_dir: str | None, part_no: int,
                 batch_size: int = 256) -> list[dict[str, Any]]:
    """Output rows of one partition: `scoring.score_chunk` (spaCy, findings, quality model) on
    chunks of rows with their fields from the batch's review pass, as `assess_rows` does.

    The pipeline and model are built once per process (`scoring.get_pipeline`, `_quality_model`);
    a lock keeps threads of one worker from using them at once (the work holds the GIL anyway)."""
    rows = _input_rows(part)
    record_ids, reviews, narratives = _valid_reviews(part)
    copy_rows = rp.copy_rows(part_no, record_ids, reviews, narratives)
    items, i = [], 0
    for row in rows:
        review = None
        if row.record is not None:
            review = copy_rows.row(i, reviews[i])
            i += 1
        items.append((row, review))
    out: list[dict[str, Any]] = []
    with _LOCK:
        nlp, model = get_pipeline(), _quality_model(model_dir)
        for start in range(0, len(items), batch_size):
            out += score_chunk(items[start:start + batch_size], nlp, model, labeller=_label_model())
    return out


def _score_partition(part: pd.DataFrame, rp: ReviewPass, model_dir: str | None, partition_info=None) -> pd.DataFrame:
    """Output rows as columns: the output fields, then the carried input columns."""
    out = _scored_rows(part, rp, model_dir, partition_info["number"])
    return _frame({f: _objects(o.get(f) for o in out) for f in rp.output_columns()}, index=part.index)


def _score_partition_dicts(part: pd.DataFrame, rp: ReviewPass, model_dir: str | None,
                           partition_info=None) -> pd.DataFrame:
    """Output rows as dicts (one column `row`), exactly as `assess_rows` yields them."""
    out = _scored_rows(part, rp, model_dir, partition_info["number"])
    return _frame({"row": _objects(out)}, index=part.index)


def _scored(rows: dd.DataFrame, model_dir, settings: ReviewSettings | None, client, as_dicts: bool):
    """(review pass, lazy scored frame) for validated rows."""
    model_dir = str(model_dir) if model_dir else None
    _quality_model(model_dir)  # fails now, on the driver, if the model does not verify
    rp = review_pass(rows, settings, client)
    if as_dicts:
        func, meta = _score_partition_dicts, _frame({"row": _objects()})
    else:
        func, meta = _score_partition, _frame({c: _objects() for c in rp.output_columns()})
    with dask.config.set(_NO_STRING_CONVERSION):
        return rp, rows.map_partitions(func, dask.delayed(rp, traverse=False), model_dir, meta=meta)


def score_rows(rows: dd.DataFrame, *, model_dir=None, settings: ReviewSettings | None = None,
               client=None) -> dd.DataFrame:
    """As `score_dataframe`, from validated rows (`rows_from_dataframe`, `read_rows`)."""
    return _scored(rows, model_dir, settings, client, as_dicts=False)[1]


def score_dataframe(ddf: dd.DataFrame, *, model_dir=None, settings: ReviewSettings | None = None,
                    client=None) -> dd.DataFrame:
    """Score a Dask DataFrame of records (columns as in formats.md; an empty cell is an absent
    field). Returns a Dask DataFrame with one row per input row, in order, with the input's
    index and partitions, and the columns `scoring.OUTPUT_FIELDS` followed by the input's
    other columns carried through (as `assess_rows` carries them; renamed `input_<name>` if
    they clash with an output field).

    The batch-level review pass runs now (on `client`, or the current Dask scheduler); the
    returned frame is lazy. Note that `dd.from_pandas` turns object columns into strings
    unless `dask.config.set({"dataframe.convert-string": False})`: only a problem for
    columns holding lists or dicts."""
    return score_rows(rows_from_dataframe(ddf), model_dir=model_dir, settings=settings, client=client)


# ----------------------------------------------------------------------------- files
def _paths(paths_or_glob: str | Path | Iterable[str | Path]) -> list[Path]:
    """Input files: a path, a glob (sorted) or a list of paths (in the order given)."""
    if isinstance(paths_or_glob, (str, Path)):
        text = str(paths_or_glob)
        found = sorted(globlib.glob(text)) if any(ch in text for ch in "*?[") else [text]
    else:
        found = [str(p) for p in paths_or_glob]
    if not found:
        raise InputError(f"no input files match {paths_or_glob}")
    for p in found:
        if not Path(p).is_file():
            raise InputError(f"input file not found: {p}")
    return [Path(p) for p in found]


def _file_format(path: Path, fmt: str | None) -> str:
    from .records import detect_format

    with open(path, "rb") as head:
        return fmt or detect_format(path, head.read(64))


def _jsonl_blocks(path: Path, blocksize: int) -> list[tuple[int, int]]:
    """Byte ranges of whole lines, about `blocksize` bytes each."""
    size = path.stat().st_size
    starts = [0]
    with open(path, "rb") as f:
        for pos in range(blocksize, size, blocksize):
            if pos <= starts[-1]:
                continue
            f.seek(pos - 1)
            f.readline()  # to the start of the next line
            if starts[-1] < f.tell() < size:
                starts.append(f.tell())
    return list(zip(starts, starts[1:] + [size]))


@dataclass
class _Part:
    """One partition of the input: a CSV file, or a block of lines of a JSON Lines file."""

    path: str
    fmt: str
    start: int = 0
    end: int = 0
    mapping: dict[str, str] | None = None
    encoding: str | None = FALLBACK_ENCODING


def _read_part(part: _Part) -> pd.DataFrame:
    """Validated rows of one part, read by `records.read_records` / `records.read_jsonl`."""
    if part.fmt != "jsonl":
        return _rows_frame(list(read_records(part.path, fmt=part.fmt, mapping=part.mapping, encoding=part.encoding)))
    with open(part.path, "rb") as f:
        f.seek(part.start)
        lines: Iterable[bytes] = io.BytesIO(f.read(part.end - part.start))
    if part.start == 0:
        return _rows_frame(list(read_jsonl(lines, part.mapping, encoding=part.encoding)))
    # read_jsonl decodes a file's first line as "utf-8-sig" (a byte-order mark may lead it);
    # a later block must not, so a dummy first line takes that place and its row is dropped
    return _rows_frame(list(read_jsonl(chain([b"{}\n"], lines), part.mapping, encoding=part.encoding))[1:])


def read_rows(paths_or_glob, *, fmt: str | None = None, mapping: dict[str, str] | None = None,
              encoding: str | None = FALLBACK_ENCODING, blocksize: int = 1 << 20,
              npartitions: int | None = None) -> dd.DataFrame:
    """Validated rows of CSV / JSON Lines files, in order (`records.read_records` for each file,
    with its `fmt`, `mapping` and `encoding`): one partition per CSV file and per `blocksize`
    bytes of JSON Lines, then split into at least `npartitions` partitions. An empty file adds
    no rows; a CSV header without the required columns, or no rows at all, is an InputError."""
    parts: list[_Part] = []
    for p in _paths(paths_or_glob):
        try:
            check_not_empty(p)
        except InputError:
            continue
        kind = _file_format(p, fmt)
        if kind == "jsonl":
            parts += [_Part(str(p), kind, s, e, mapping, encoding) for s, e in _jsonl_blocks(p, blocksize)]
        else:
            next(iter(read_records(p, fmt=kind, mapping=mapping)), None)  # checks the header now
            parts.append(_Part(str(p), kind, mapping=mapping, encoding=encoding))
    if not parts:
        raise InputError("input is empty")
    with dask.config.set(_NO_STRING_CONVERSION):
        rows = dd.from_map(_read_part, parts, meta=ROWS_META, enforce_metadata=False)
        if npartitions and rows.npartitions < npartitions:
            rows = rows.repartition(npartitions=npartitions)
    return rows


def _worker_count(client) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def auto_blocksize(paths_or_glob, workers: int) -> int:
    """About four JSON Lines blocks per worker (so the last partitions do not leave workers
    idle for long), between 64 KiB and 16 MiB (some 10,000 records)."""
    total = sum(p.stat().st_size for p in _paths(paths_or_glob))
    return int(min(16 << 20, max(64 << 10, total // (4 * workers) + 1)))


def score_files(paths_or_glob, output, client=None, *, fmt: str | None = None, input_format: str | None = None,
                mapping: dict[str, str] | None = None, encoding: str | None = FALLBACK_ENCODING,
                model_dir=None, settings: ReviewSettings | None = None, blocksize: int | None = None) -> Counter:
    """Score CSV / JSON Lines files on a Dask cluster and write one output file in input order
    (JSON Lines, or CSV if `fmt` is "csv" or `output` ends in .csv), row for row what
    `nlp-assess score` writes for the same input. Returns the count of rows by status.

    Without `client`, a local cluster of one single-threaded worker process per core is
    started and closed afterwards. JSON Lines files are split into blocks of `blocksize`
    bytes (default: `auto_blocksize`); a CSV file is read whole, then split. Raises
    `records.InputError` for unusable input and `model.ModelError` for a model that does
    not verify, before any scoring."""
    from distributed import Client, LocalCluster

    from .output import RowWriter

    workers = _worker_count(client) if client is not None else (os.cpu_count() or 1)
    blocksize = blocksize or auto_blocksize(paths_or_glob, workers)
    rows = read_rows(paths_or_glob, fmt=input_format, mapping=mapping, encoding=encoding, blocksize=blocksize,
                     npartitions=4 * workers)
    fmt = fmt or ("csv" if str(output).lower().endswith(".csv") else "jsonl")
    own = None
    if client is None:
        own = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
        client = Client(own, set_as_default=False)
    try:
        rp, out = _scored(rows, model_dir, settings, client, as_dicts=True)
        counts: Counter = Counter()
        futures = client.compute(out.to_delayed())
        with open(output, "w", encoding="utf-8", newline="") as stream:
            writer = RowWriter(stream, fmt, extra_fields=rp.extra_fields)
            for future in futures:  # written in order while the cluster works ahead
                for row in future.result()["row"]:
                    writer.write(row)
                    counts[row["status"]] += 1
                future.release()
        return counts
    finally:
        if own is not None:
            client.close()
            own.close()
