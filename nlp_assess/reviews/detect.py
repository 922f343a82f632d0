"""Find copied and stock supervisor reviews in a batch.

Two signals, both in `detect_copies`:
1. copies: reviews whose normalised wording is the same (exact) or nearly the same
   (MinHash LSH candidates, each verified exactly: the larger of Jaccard similarity and
   containment of word 3-gram shingles must reach `threshold`, so a copy padded with new
   text still counts). Verified pairs are joined into clusters (union-find). Reviews
   shorter than `min_tokens` never join a cluster, so short and empty reviews do not all
   collide with each other;
2. stock: a review that says nothing of this record's own facts: a known stock phrase, or at
   most `stock_max_content_words` content words (words that are neither stop words nor the
   generic vocabulary of reviews: "reviewed", "risk", "appropriate", "officers", ...).
   The share of content words that also occur in the record's narrative is reported as
   `review_specificity`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ..resources import load_json
from .minhash import TokenHasher, band_keys, candidate_pairs, shingle_hashes, signatures
from .normalise import normalise

_WORD = re.compile(r"[a-z][a-z'’-]+")


@dataclass
class ReviewSettings:
    shingle_size: int = 3
    min_tokens: int = 6
    num_perm: int = 32
    bands: int = 16
    threshold: float = 0.6
    min_shared: int = 4
    max_copy_of: int = 10
    stock_max_content_words: int = 2
    chunk_size: int = 50_000

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


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def similarity(a: set, b: set, min_shared: int = 1) -> float:
    """max(Jaccard, containment) of two shingle sets; 0 when they share fewer than
    `min_shared` shingles (two short reviews sharing one stock phrase are not copies)."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    if inter < min_shared:
        return 0.0
    return max(inter / len(a | b), inter / min(len(a), len(b)))


def find_clusters(token_lists: Sequence[Sequence[str]], settings: ReviewSettings):
    """Cluster near-identical token lists. Returns (cluster id per doc or -1, best similarity per doc)."""
    n = len(token_lists)
    uf = _UnionFind(n)
    best = np.zeros(n)
    eligible = [i for i, t in enumerate(token_lists) if len(t) >= settings.min_tokens]
    # 1. exact copies after normalisation
    first: Dict[str, int] = {}
    reps: List[int] = []
    for i in eligible:
        key = " ".join(token_lists[i])
        j = first.setdefault(key, i)
        if j == i:
            reps.append(i)
        else:
            uf.union(j, i)
            best[i] = best[j] = 1.0
    # 2. near copies among the distinct texts: MinHash LSH candidates, verified exactly
    hasher = TokenHasher()
    flat_parts, offsets_parts = [], []
    sig_keys = []
    for c in range(0, len(reps), settings.chunk_size):
        chunk = reps[c:c + settings.chunk_size]
        hashes, offsets = shingle_hashes([hasher.ids(token_lists[i]) for i in chunk], settings.shingle_size)
        sig = signatures(hashes, offsets, settings.num_perm)
        sig_keys.append(band_keys(sig, settings.bands))
        flat_parts.append(hashes)
        offsets_parts.append(offsets)
    if reps:
        keys = np.concatenate(sig_keys)
        pairs = candidate_pairs(keys, np.arange(len(reps)))
        cache: Dict[int, set] = {}

        def shingle_set(r: int) -> set:
            s = cache.get(r)
            if s is None:
                part, k = divmod(r, settings.chunk_size)
                off = offsets_parts[part]
                s = cache[r] = set(flat_parts[part][off[k]:off[k + 1]].tolist())
            return s

        for a, b in pairs.tolist():
            sim = similarity(shingle_set(a), shingle_set(b), settings.min_shared)
            if sim >= settings.threshold:
                ia, ib = reps[a], reps[b]
                uf.union(ia, ib)
                best[ia] = max(best[ia], sim)
                best[ib] = max(best[ib], sim)
    cluster = np.full(n, -1, dtype=np.int64)
    roots = [uf.find(i) for i in range(n)]
    sizes: Dict[int, int] = {}
    for i in eligible:
        sizes[roots[i]] = sizes.get(roots[i], 0) + 1
    for i in eligible:
        if sizes[roots[i]] > 1:
            cluster[i] = roots[i]
    # members of an exact group share the best similarity of their group's representative
    for i in eligible:
        if cluster[i] >= 0 and best[i] == 0:
            best[i] = max(best[roots[i]], 1.0 if sizes[roots[i]] > 1 else 0.0)
    return cluster, best


def text_similarity(a: str, b: str, settings: Optional[ReviewSettings] = None) -> float:
    """Verified similarity of two texts with the detector's normalisation and settings."""
    from .normalise import shingles

    settings = settings or ReviewSettings.from_rules()
    sa = shingles(normalise(a).split(), settings.shingle_size)
    sb = shingles(normalise(b).split(), settings.shingle_size)
    return similarity(set(sa), set(sb), settings.min_shared)


def is_copy(a: str, b: str, settings: Optional[ReviewSettings] = None) -> bool:
    settings = settings or ReviewSettings.from_rules()
    return text_similarity(a, b, settings) >= settings.threshold


class Specificity:
    """How much of a review refers to this record's own facts."""

    def __init__(self):
        from spacy.lang.en.stop_words import STOP_WORDS

        data = load_json("review_rules.json")
        self.ignore = set(STOP_WORDS) | set(data["generic_words"])
        self.stock = {" ".join(p.split()) for p in data["stock_phrases"]}

    def content_words(self, text: str) -> set:
        return {w for w in _WORD.findall((text or "").lower()) if w not in self.ignore and len(w) > 2}

    def score(self, review: str, narrative: str) -> float:
        content = self.content_words(review)
        if not content:
            return 0.0
        facts = set(_WORD.findall((narrative or "").lower()))
        return len(content & facts) / len(content)

    def is_stock_phrase(self, normalised: str) -> bool:
        """The review is one of the stock phrases once placeholders are dropped."""
        return " ".join(w for w in normalised.split() if not w.startswith("<")) in self.stock


def detect_copies(reviews: Sequence[Optional[str]], record_ids: Sequence[str],
                  narratives: Optional[Sequence[Optional[str]]] = None,
                  settings: Optional[ReviewSettings] = None) -> List[Dict[str, Any]]:
    """One dict per review: review_copy_paste, copy_of, review_similarity, review_specificity,
    review_kind ("copy", "stock" or None), review_cluster (an id shared by the members of a
    copy cluster) and review_evidence (spans on the supervisor_review field)."""
    settings = settings or ReviewSettings.from_rules()
    spec = Specificity()
    normalised = [normalise(r) if r and r.strip() else "" for r in reviews]
    token_lists = [n.split() for n in normalised]
    cluster, best = find_clusters(token_lists, settings)
    members: Dict[int, List[int]] = {}
    for i, c in enumerate(cluster.tolist()):
        if c >= 0:
            members.setdefault(c, []).append(i)
    out = []
    for i, review in enumerate(reviews):
        text = review or ""
        row: Dict[str, Any] = {"review_copy_paste": False, "copy_of": [], "review_similarity": None,
                               "review_specificity": None, "review_kind": None, "review_cluster": None,
                               "review_evidence": []}
        if not text.strip():
            out.append(row)
            continue
        narrative = narratives[i] if narratives is not None else ""
        n_content = len(spec.content_words(text))
        row["review_specificity"] = round(spec.score(text, narrative or ""), 3)
        kind = None
        if cluster[i] >= 0:
            kind = "copy"
            others = sorted({str(record_ids[j]) for j in members[int(cluster[i])] if j != i})
            row["copy_of"] = others[:settings.max_copy_of]
            row["review_similarity"] = round(float(best[i]), 3)
            row["review_cluster"] = int(cluster[i])
        elif spec.is_stock_phrase(normalised[i]) or n_content <= settings.stock_max_content_words:
            kind = "stock"
        if kind:
            row["review_copy_paste"] = True
            row["review_kind"] = kind
            start = len(text) - len(text.lstrip())
            end = len(text.rstrip())
            row["review_evidence"] = [{"label": "REVIEW_COPY" if kind == "copy" else "REVIEW_STOCK",
                                       "text": text[start:end], "start": start, "end": end,
                                       "field": "supervisor_review"}]
        out.append(row)
    return out
