"""Vectorised MinHash and LSH banding over word shingles (numpy only).

Tokens are hashed with CRC32 (stable across processes, so signatures from different
workers agree), shingles of `n` tokens are combined and mixed with splitmix64, and each of
`num_perm` universal hash functions keeps the minimum per document. Everything runs on flat
arrays for a whole chunk of documents at once.
"""
from __future__ import annotations

import zlib
from itertools import chain
from typing import Dict, List, Sequence, Tuple

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_K = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9),
      np.uint64(0x27D4EB2F165667C5), np.uint64(0xFF51AFD7ED558CCD))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (wrapping uint64 arithmetic)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


class TokenHasher:
    """CRC32 of each token, cached."""

    def __init__(self):
        self.cache: Dict[str, int] = {}

    def ids(self, toks: Sequence[str]) -> List[int]:
        cache = self.cache
        return [cache.get(t) or self._add(t) for t in toks]

    def _add(self, tok: str) -> int:
        h = self.cache[tok] = zlib.crc32(tok.encode("utf-8")) + 1
        return h


def shingle_hashes(token_ids: Sequence[Sequence[int]], n: int = 3) -> Tuple[np.ndarray, np.ndarray]:
    """Flat uint64 shingle hashes and per-document offsets (len(docs) + 1).

    A document shorter than n tokens has one shingle made of all its tokens."""
    lengths = np.array([len(t) for t in token_ids], dtype=np.int64)
    flat = np.array(list(chain.from_iterable(token_ids)), dtype=np.uint64)
    return shingle_hashes_flat(flat, lengths, n)


def shingle_hashes_flat(flat: np.ndarray, lengths: np.ndarray, n: int = 3) -> Tuple[np.ndarray, np.ndarray]:
    """As `shingle_hashes`, from one flat array of token hashes and each document's length."""
    flat = flat.astype(np.uint64, copy=False)
    lengths = np.asarray(lengths, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)))
    doc_of = np.repeat(np.arange(len(lengths)), lengths)
    counts = np.maximum(lengths - n + 1, np.minimum(lengths, 1))
    offsets = np.concatenate(([0], np.cumsum(counts)))
    out = np.zeros(int(offsets[-1]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        if len(flat) >= n:
            pos = np.arange(len(flat) - n + 1)
            valid = doc_of[pos] == doc_of[pos + n - 1]
            h = np.zeros(len(pos), dtype=np.uint64)
            for k in range(n):
                h = h ^ (flat[pos + k] * _K[k % len(_K)])
            full = pos[valid]
            d = doc_of[full]
            out_idx = offsets[d] + (full - starts[d])
            out[out_idx] = _mix(h[valid])
        short = np.nonzero((lengths > 0) & (lengths < n))[0]
        for d in short:  # rare: a very short document
            h = np.uint64(0)
            for k, tid in enumerate(flat[starts[d]:starts[d + 1]]):
                h = h ^ (tid * _K[k % len(_K)])
            out[offsets[d]] = _mix(np.array([h], dtype=np.uint64))[0]
    return out, offsets


def signatures(hashes: np.ndarray, offsets: np.ndarray, num_perm: int = 32, seed: int = 1) -> np.ndarray:
    """MinHash signature matrix (docs x num_perm, uint32). Empty documents get all-ones rows."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    n_docs = len(offsets) - 1
    sig = np.full((n_docs, num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    nonempty = np.nonzero(offsets[1:] > offsets[:-1])[0]
    if len(hashes) == 0:
        return sig
    starts = offsets[nonempty]
    with np.errstate(over="ignore"):
        for j in range(num_perm):
            v = ((hashes * a[j] + b[j]) >> np.uint64(32)).astype(np.uint32)
            sig[nonempty, j] = np.minimum.reduceat(v, starts)
    return sig


def band_keys(sig: np.ndarray, bands: int) -> np.ndarray:
    """One uint64 key per document and band (docs x bands)."""
    rows = sig.shape[1] // bands
    keys = np.zeros((sig.shape[0], bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            h = np.full(sig.shape[0], np.uint64(band + 1), dtype=np.uint64)
            for r in range(rows):
                h = _mix(h ^ sig[:, band * rows + r].astype(np.uint64))
            keys[:, band] = h
    return keys


def band_pairs(key: np.ndarray) -> np.ndarray:
    """Star pairs (first member, other member) of the buckets of one band's keys."""
    order = np.argsort(key, kind="stable")
    ks = key[order]
    same = ks[1:] == ks[:-1]
    if not same.any():
        return np.zeros((0, 2), dtype=np.int64)
    run_start = np.concatenate(([True], ~same))
    first = np.maximum.accumulate(np.where(run_start, np.arange(len(ks)), 0))
    members = np.nonzero(~run_start)[0]
    return np.stack([order[first[members]], order[members]], axis=1).astype(np.int64)


def candidate_pairs(keys: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Distinct pairs (i, j), i < j, of document ids sharing a key in any band (star pairs
    per bucket, see `band_pairs`)."""
    pairs = [ids[band_pairs(keys[:, band])] for band in range(keys.shape[1])]
    pairs = [p for p in pairs if len(p)]
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    allp = np.concatenate(pairs)
    allp.sort(axis=1)
    key = sorted_unique((allp[:, 0].astype(np.int64) << 32) | allp[:, 1].astype(np.int64))
    return np.stack([key >> 32, key & 0xFFFFFFFF], axis=1)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (faster than the hash-based unique for large integer arrays)."""
    s = np.sort(values)
    return s[np.concatenate(([True], s[1:] != s[:-1]))] if len(s) else s
