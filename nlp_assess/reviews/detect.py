"""Find copied and stock supervisor reviews in a batch.

Two signals:
1. copies: reviews whose normalised wording is the same (exact) or nearly the same
   (MinHash LSH candidates, each verified exactly: the larger of Jaccard similarity and
   containment of word 3-gram shingles must reach `threshold`, with at least `min_shared`
   shingles in common, so a copy padded with new text still counts). Verified pairs are
   joined into clusters (union-find). Reviews shorter than `min_tokens` never join a
   cluster, so short and empty reviews do not all collide with each other;
2. stock: a review that says nothing of this record's own facts: a known stock phrase, or at
   most `stock_max_content_words` content words (words that are neither stop words nor the
   generic vocabulary of reviews: "reviewed", "risk", "appropriate", "officers", ...).
   The share of content words that also occur in the record's narrative is reported as
   `review_specificity`.

`analyse` works on a stream of texts in chunks and keeps only arrays (signatures, shingle
hashes of the distinct texts), so a million reviews fit in well under 1 GiB;
`detect_copies` turns its result into one dict per review.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from itertools import islice
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from ..resources import load_json
from .minhash import band_keys, band_pairs, shingle_hashes_flat, signatures, sorted_unique
from .normalise import BatchEncoder, shingles, tokens

_WORD = re.compile(r"[a-z][a-z'’-]+")
KIND_NONE, KIND_COPY, KIND_STOCK = 0, 1, 2


@dataclass
class ReviewSettings:
    shingle_size: int = 3
    min_tokens: int = 6
    num_perm: int = 32
    bands: int = 16
    threshold: float = 0.15
    min_shared: int = 8
    prefilter: float = 0.1
    max_copy_of: int = 10
    stock_max_content_words: int = 2
    chunk_size: int = 20_000

    def __post_init__(self):
        if self.num_perm % self.bands:
            raise ValueError("num_perm must be a multiple of bands")
        if not 0 < self.threshold <= 1:
            raise ValueError("threshold must be in (0, 1]")
        if self.shingle_size < 1 or self.min_tokens < 1:
            raise ValueError("shingle_size and min_tokens must be >= 1")

    @classmethod
    def from_rules(cls, **overrides: Any) -> "ReviewSettings":
        data = load_json("review_rules.json")
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values.update(overrides)
        return cls(**values)


def similarity(a: set, b: set, min_shared: int = 1) -> float:
    """max(Jaccard, containment) of two shingle sets; 0 when they share fewer than
    `min_shared` shingles (two short reviews sharing one stock phrase are not copies)."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    if inter < min_shared:
        return 0.0
    return max(inter / len(a | b), inter / min(len(a), len(b)))


def text_similarity(a: str, b: str, settings: Optional[ReviewSettings] = None) -> float:
    """Verified similarity of two texts with the detector's normalisation and settings."""
    settings = settings or ReviewSettings.from_rules()
    sa = shingles(tokens(a), settings.shingle_size)
    sb = shingles(tokens(b), settings.shingle_size)
    return similarity(set(sa), set(sb), settings.min_shared)


def is_copy(a: str, b: str, settings: Optional[ReviewSettings] = None) -> bool:
    settings = settings or ReviewSettings.from_rules()
    return text_similarity(a, b, settings) >= settings.threshold


class Specificity:
    """How much of a review refers to this record's own facts."""

    def __init__(self):
        data = load_json("review_rules.json")
        self.ignore = set(load_json("stop_words.json")["stop_words"]) | set(data["generic_words"])
        self.stock = {" ".join(p.split()) for p in data["stock_phrases"]}

    def content_words(self, text: str) -> set:
        return {w for w in _WORD.findall((text or "").lower()) if w not in self.ignore and len(w) > 2}

    def score(self, review: str, narrative: str) -> float:
        content = self.content_words(review)
        if not content:
            return 0.0
        facts = set(_WORD.findall((narrative or "").lower()))
        return len(content & facts) / len(content)

    def is_stock_phrase(self, normalised_tokens: Sequence[str]) -> bool:
        """The review is one of the stock phrases once placeholders are dropped."""
        if len(normalised_tokens) > 12:
            return False
        return " ".join(w for w in normalised_tokens if not w.startswith("<")) in self.stock


def union_roots(parent: np.ndarray) -> np.ndarray:
    """Root of every node of a union-find parent array (pointer jumping, vectorised)."""
    p = parent.copy()
    while True:
        q = p[p]
        if (q == p).all():
            return p
        p = q


@dataclass
class CopyResult:
    """Per review (same order as the input): cluster id (-1: none), best verified similarity,
    kind (0 none, 1 copy, 2 stock), number of content words, specificity (nan: no review)."""

    cluster: np.ndarray
    similarity: np.ndarray
    kind: np.ndarray
    content_words: np.ndarray
    specificity: np.ndarray

    def __len__(self) -> int:
        return len(self.cluster)


def _position_powers(base: int, size: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.cumprod(np.full(max(size, 1), base, dtype=np.uint64))


def exact_keys(token_hash: np.ndarray, lengths: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """One 64-bit key per review from two polynomial hashes of its token sequence: reviews
    with the same normalised tokens have the same key. `token_hash` is the hash of every
    token of the batch in order, `offsets` where each review's tokens start (plus the end)."""
    n = len(lengths)
    review = np.repeat(np.arange(n), lengths)
    pos = np.arange(len(token_hash)) - offsets[review]
    h1, h2 = np.zeros(n, dtype=np.uint64), np.zeros(n, dtype=np.uint64)
    nonempty = lengths > 0
    if nonempty.any():
        longest = int(lengths.max())
        with np.errstate(over="ignore"):
            h1[nonempty] = np.add.reduceat(token_hash * _position_powers(1_000_003, longest)[pos],
                                           offsets[:-1][nonempty])
            h2[nonempty] = np.add.reduceat(token_hash * _position_powers(998_244_353, longest)[pos],
                                           offsets[:-1][nonempty])
    with np.errstate(over="ignore"):
        return h1 ^ (h2 * np.uint64(0x9E3779B97F4A7C15)) ^ lengths.astype(np.uint64)


def minhash_of(token_hash: np.ndarray, offsets: np.ndarray, lengths: np.ndarray, which: np.ndarray,
               settings: ReviewSettings) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word-shingle hashes (flat, with offsets) and MinHash signatures of the reviews `which`."""
    tok_start, tok_len = offsets[which], lengths[which]
    gather = np.repeat(tok_start - np.concatenate(([0], np.cumsum(tok_len)[:-1])), tok_len) \
        + np.arange(int(tok_len.sum()))
    hashes, offs = shingle_hashes_flat(token_hash[gather], tok_len, settings.shingle_size)
    return hashes, offs, signatures(hashes, offs, settings.num_perm)


def analyse(reviews: Iterable[Optional[str]], narratives: Optional[Iterable[Optional[str]]] = None,
            settings: Optional[ReviewSettings] = None) -> CopyResult:
    """Copies and stock reviews of a whole batch, streamed in chunks of `chunk_size`."""
    settings = settings or ReviewSettings.from_rules()
    spec = Specificity()
    enc = BatchEncoder(spec.ignore)
    n_reps_so_far = 0
    rep_parts, group_size = [], []
    hashes_parts, offsets_parts, sig_parts, key_parts = [], [], [], []
    content_parts, spec_parts, stock_parts = [], [], []
    narr_iter = iter(narratives) if narratives is not None else None
    it = iter(reviews)
    while True:
        chunk = [t or "" for t in islice(it, settings.chunk_size)]
        if not chunk:
            break
        narr = [next(narr_iter) or "" for _ in chunk] if narr_iter is not None else None
        ids, lengths = enc.encode(chunk)
        n = len(chunk)
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        review = np.repeat(np.arange(n), lengths)
        flags = enc.content_flags()
        # distinct content words per review, plus names that are not a signature ("PS 1234 SMITH")
        is_content = flags[ids]
        pairs = sorted_unique((review[is_content].astype(np.int64) << 32) | ids[is_content].astype(np.int64))
        n_content = np.bincount((pairs >> 32).astype(np.int64), minlength=n)
        prev = np.concatenate(([enc.DROP], ids[:-1]))
        at_start = np.zeros(len(ids), dtype=bool)
        at_start[offsets[:-1][lengths > 0]] = True
        name = (ids == enc.NAME) & (at_start | ~np.isin(prev, [enc.OFFICER, enc.NUM, enc.NAME]))
        n_content = n_content + np.bincount(review[name], minlength=n)
        stock = n_content <= settings.stock_max_content_words
        for i in np.nonzero((lengths > 0) & (lengths <= 12) & ~stock)[0].tolist():
            toks = [enc.strings[t] for t in ids[offsets[i]:offsets[i + 1]].tolist()]
            stock[i] = spec.is_stock_phrase(toks)
        empty = np.array([not t.strip() for t in chunk], dtype=bool)
        stock &= ~empty
        content_parts.append(n_content)
        stock_parts.append(stock)
        sp = np.full(n, np.nan, dtype=np.float32)
        for i in np.nonzero(~empty)[0].tolist():
            sp[i] = spec.score(chunk[i], narr[i]) if narr is not None else 0.0
        spec_parts.append(sp)
        token_hash = enc.hashes()[ids]
        eligible = (lengths >= settings.min_tokens) & ~empty
        # exact copies within the chunk share one representative (copies in other chunks are
        # joined later by LSH, their signatures being identical)
        rep = np.full(n, -1, dtype=np.int64)
        cand = np.nonzero(eligible)[0]
        if len(cand):
            key = exact_keys(token_hash, lengths, offsets)[cand]
            order = np.argsort(key, kind="stable")
            ks = key[order]
            new_group = np.concatenate(([True], ks[1:] != ks[:-1]))
            group_no = np.cumsum(new_group) - 1
            firsts = cand[order[new_group]]
            rep[cand[order]] = n_reps_so_far + group_no
            sizes = np.bincount(group_no)
            group_size.extend(sizes.tolist())
            new_reps = firsts  # in representative-number order
            hashes, offs, sig = minhash_of(token_hash, offsets, lengths, new_reps, settings)
            hashes_parts.append(hashes.astype(np.uint32))
            offsets_parts.append(offs)
            # kept compactly: band keys in 32 bits (chance bucket collisions are filtered below)
            # and the top 16 bits of each MinHash value for estimating similarity
            key_parts.append(band_keys(sig, settings.bands).astype(np.uint32))
            sig_parts.append((sig >> 16).astype(np.uint16))
            n_reps_so_far += len(new_reps)
        rep_parts.append(rep)
    rep_of_arr = np.concatenate(rep_parts) if rep_parts else np.zeros(0, dtype=np.int64)
    n, n_reps = len(rep_of_arr), len(group_size)
    parent = np.arange(n_reps, dtype=np.int64)  # union-find over representatives

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    best_rep = np.zeros(n_reps, dtype=np.float32)
    if n_reps:
        sig_all = np.concatenate(sig_parts)
        del sig_parts
        keys_all = np.concatenate(key_parts)
        del key_parts
        chunk_start = np.cumsum([0] + [len(o) - 1 for o in offsets_parts])

        def shingle_set(r: int) -> set:
            part = int(np.searchsorted(chunk_start, r, side="right") - 1)
            k = r - chunk_start[part]
            off = offsets_parts[part]
            return set(hashes_parts[part][off[k]:off[k + 1]].tolist())

        for band in range(keys_all.shape[1]):
            pairs = band_pairs(keys_all[:, band])
            if not len(pairs):
                continue
            # a cheap filter before exact verification: the signatures' agreement estimates
            # Jaccard; pairs already joined, or far below the threshold, are not verified
            roots = union_roots(parent)
            pairs = pairs[roots[pairs[:, 0]] != roots[pairs[:, 1]]]
            agree = (sig_all[pairs[:, 0]] == sig_all[pairs[:, 1]]).mean(axis=1)
            for a, b in pairs[agree >= settings.prefilter].tolist():
                ra, rb = find(a), find(b)
                if ra == rb:
                    continue
                sim = similarity(shingle_set(a), shingle_set(b), settings.min_shared)
                if sim >= settings.threshold:
                    parent[max(ra, rb)] = min(ra, rb)
                    best_rep[a] = max(best_rep[a], sim)
                    best_rep[b] = max(best_rep[b], sim)
    roots = union_roots(parent)
    cluster = np.full(n, -1, dtype=np.int64)
    sim = np.zeros(n, dtype=np.float32)
    eligible = rep_of_arr >= 0
    if n_reps:
        gsize = np.array(group_size, dtype=np.int64)
        sizes = np.bincount(roots, weights=gsize, minlength=n_reps)
        root_of = roots[rep_of_arr[eligible]]
        in_cluster = sizes[root_of] > 1
        idx = np.nonzero(eligible)[0][in_cluster]
        cluster[idx] = root_of[in_cluster]
        sim[idx] = np.where(gsize[rep_of_arr[idx]] > 1, 1.0, best_rep[rep_of_arr[idx]])
    stock = np.concatenate(stock_parts) if stock_parts else np.zeros(0, dtype=bool)
    kind = np.where(cluster >= 0, KIND_COPY, np.where(stock, KIND_STOCK, KIND_NONE)).astype(np.int8)
    return CopyResult(cluster, sim, kind,
                      np.concatenate(content_parts) if content_parts else np.zeros(0, dtype=np.int64),
                      np.concatenate(spec_parts) if spec_parts else np.zeros(0, dtype=np.float32))


class CopyRows:
    """Output fields for one review at a time, from a CopyResult (clusters' id lists built once)."""

    def __init__(self, result: CopyResult, record_ids: Sequence[str], settings: Optional[ReviewSettings] = None,
                 members: Optional[Dict[int, List[str]]] = None):
        """`members`: each cluster's record ids, when the clusters span more records than
        `record_ids` (a Dask partition of a batch); by default built from this result."""
        self.result = result
        self.record_ids = record_ids
        self.max_copy_of = (settings or ReviewSettings.from_rules()).max_copy_of
        if members is None:
            members = {}
            for i in np.nonzero(result.cluster >= 0)[0].tolist():
                members.setdefault(int(result.cluster[i]), []).append(str(record_ids[i]))
            for ids in members.values():
                ids.sort()
        self.members = members

    def row(self, i: int, review: Optional[str]) -> Dict[str, Any]:
        r = self.result
        text = review or ""
        spec = float(r.specificity[i])
        out: Dict[str, Any] = {"review_copy_paste": False, "copy_of": [], "review_similarity": None,
                               "review_specificity": None if np.isnan(spec) else round(spec, 3),
                               "review_kind": None, "review_cluster": None, "review_evidence": []}
        kind = int(r.kind[i])
        if kind == KIND_NONE or not text.strip():
            return out
        if kind == KIND_COPY:
            own = str(self.record_ids[i])
            ids = self.members[int(r.cluster[i])]
            out["copy_of"] = [x for x in ids[:self.max_copy_of + 1] if x != own][:self.max_copy_of]
            out["review_similarity"] = round(float(r.similarity[i]), 3)
            out["review_cluster"] = int(r.cluster[i])
        out["review_copy_paste"] = True
        out["review_kind"] = "copy" if kind == KIND_COPY else "stock"
        start, end = len(text) - len(text.lstrip()), len(text.rstrip())
        out["review_evidence"] = [{"label": "REVIEW_COPY" if kind == KIND_COPY else "REVIEW_STOCK",
                                   "text": text[start:end], "start": start, "end": end, "field": "supervisor_review"}]
        return out


def find_clusters(token_lists: Sequence[Sequence[str]], settings: ReviewSettings):
    """Clusters of already-normalised token lists (for tests and tools): (cluster ids, similarity)."""
    texts = [" ".join(t) for t in token_lists]
    res = analyse(texts, settings=settings)
    return res.cluster, res.similarity


def detect_copies(reviews: Sequence[Optional[str]], record_ids: Sequence[str],
                  narratives: Optional[Sequence[Optional[str]]] = None,
                  settings: Optional[ReviewSettings] = None) -> List[Dict[str, Any]]:
    """One dict per review: review_copy_paste, copy_of, review_similarity, review_specificity,
    review_kind ("copy", "stock" or None), review_cluster (an id shared by the members of a
    copy cluster) and review_evidence (spans on the supervisor_review field)."""
    settings = settings or ReviewSettings.from_rules()
    result = analyse(reviews, narratives, settings)
    rows = CopyRows(result, record_ids, settings)
    return [rows.row(i, reviews[i]) for i in range(len(reviews))]
