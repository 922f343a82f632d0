"""Normalising supervisor reviews so that copies look alike.

Token by token (fast: each distinct token is classified once and cached): what changes
between pastes becomes a placeholder (<num> for anything with a digit and for months,
weekdays and time words, a run of them being one <num>; <officer> for ranks; <name> for capitalised words that do not
start a sentence and ALL-CAPS words that are not known abbreviations); punctuation is
dropped; the rest is lower-cased. Rules are in resources/review_rules.json.
"""
from __future__ import annotations

import re
from typing import Dict, FrozenSet, List, Sequence, Tuple

from ..resources import load_json

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[-/][A-Za-z]+)*|\d[\w/:.-]*|[.!?]")
_SENT_END = {".", "!", "?"}


class Normaliser:
    def __init__(self):
        data = load_json("review_rules.json")
        self.keep_upper = set(data["keep_upper"])
        self.ranks = set(data["ranks"])
        self.months = set(data["months"])
        self._mid: Dict[str, str] = {}  # token -> normalised form in mid-sentence
        self._start: Dict[str, str] = {}  # token -> normalised form at a sentence start

    def _classify(self, tok: str, sentence_start: bool, all_caps: bool) -> str:
        if tok[0].isdigit():
            return "<num>"
        low = tok.lower()
        if low in self.ranks:
            return "<officer>"
        if low in self.months:
            return "<num>"
        if not all_caps:
            if tok.isupper() and len(tok) > 1 and tok not in self.keep_upper:
                return "<name>"
            if tok[0].isupper() and not sentence_start and not tok.isupper():
                return "<name>"
        return low.replace("’", "'")

    def tokens(self, text: str) -> List[str]:
        if not text:
            return []
        raw = _TOKEN.findall(text)
        if text.isupper():  # an all-caps review: names cannot be told apart
            out = [self._classify(t, True, True) for t in raw if t not in _SENT_END]
        else:
            mid = self._mid
            out = [mid.get(t) or self._cache(mid, t, False) for t in raw]
            # words opening a sentence: the first, and each after . ! ?
            starts = [0] + [i + 1 for i, t in enumerate(raw) if t in _SENT_END and i + 1 < len(raw)]
            first = self._start
            for i in starts:
                if i < len(raw) and raw[i][0].isupper():
                    t = raw[i]
                    out[i] = first.get(t) or self._cache(first, t, True)
            out = [t for t in out if t != "."]
        # a run of numbers and dates is one <num>: "3 April 2025" and "03/04/25" alike
        return [t for i, t in enumerate(out) if t != "<num>" or i == 0 or out[i - 1] != "<num>"]

    def _cache(self, cache: Dict[str, str], tok: str, sentence_start: bool) -> str:
        norm = "." if tok in _SENT_END else self._classify(tok, sentence_start, False)
        cache[tok] = norm
        return norm


_DEFAULT = None


def _normaliser() -> Normaliser:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Normaliser()
    return _DEFAULT


def tokens(text: str) -> List[str]:
    return _normaliser().tokens(text)


def normalise(text: str) -> str:
    return " ".join(tokens(text))


def shingles(toks: Sequence[str], n: int = 3) -> FrozenSet[Tuple[str, ...]]:
    if len(toks) < n:
        return frozenset([tuple(toks)]) if toks else frozenset()
    return frozenset(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


# ---------------------------------------------------------------------------------------
# Batch encoding: the same normalisation for a chunk of reviews at once, as numpy arrays.

_BATCH_TOKEN = re.compile(r"[.!?]|[A-Za-z][A-Za-z'’]*(?:[-/][A-Za-z]+)*|\d[\w/:.-]*")


class _RawIndex(dict):
    """token -> index into BatchEncoder.raw_forms; a new token is classified on first sight."""

    def __init__(self, encoder: "BatchEncoder"):
        super().__init__()
        self.encoder = encoder

    def __missing__(self, tok: str) -> int:
        return self.encoder._raw_id(tok)


class BatchEncoder:
    """Encodes reviews to arrays of normalised-token ids.

    Each distinct raw token is classified once into three normalised forms (mid-sentence,
    sentence start, inside an ALL-CAPS review); each distinct normalised form gets a dense id
    with a stable 64-bit hash (CRC32-based, the same in every process) and flags."""

    def __init__(self, ignore: set):
        self.norm = Normaliser()
        self.ignore = ignore
        self.raw_index: Dict[str, int] = _RawIndex(self)
        self.raw_forms: List[Tuple[int, int, int, int]] = []  # (mid, start, caps, kind) per raw token
        self.nid: Dict[str, int] = {}
        self.strings: List[str] = []
        self._hash: List[int] = []
        self._content: List[bool] = []
        for special in (".", "<num>", "<name>", "<officer>"):
            self._norm_id(special)
        self.END, self.NUM, self.NAME, self.OFFICER = range(4)

    def _norm_id(self, form: str) -> int:
        i = self.nid.get(form)
        if i is None:
            import zlib

            i = self.nid[form] = len(self.strings)
            self.strings.append(form)
            self._hash.append(zlib.crc32(form.encode("utf-8")) + 1)
            self._content.append(len(form) > 2 and not form.startswith("<") and form not in self.ignore)
        return i

    def _raw_id(self, tok: str) -> int:
        i = dict.get(self.raw_index, tok)
        if i is None:
            i = len(self.raw_forms)
            dict.__setitem__(self.raw_index, tok, i)
            if tok in _SENT_END:
                forms = (self.END, self.END, self.END)
            else:
                c = self.norm._classify
                forms = tuple(self._norm_id(c(tok, s, caps)) for s, caps in ((False, False), (True, False), (True, True)))
            self.raw_forms.append(forms)
        return i

    def encode(self, texts: Sequence[str]):
        """(ids, lengths) for a chunk: ids is one flat uint32 array of normalised-token ids,
        lengths the number of tokens of each text (runs of numbers merged, punctuation dropped).

        Texts are tokenised one at a time so only one text's token strings are alive at once."""
        import numpy as np

        index = self.raw_index
        findall = _BATCH_TOKEN.findall
        idx: List[int] = []
        raw_lengths: List[int] = []
        for t in texts:
            raw = findall(t) if t else []
            raw_lengths.append(len(raw))
            idx.extend(map(index.__getitem__, raw))
        idx_arr = np.array(idx, dtype=np.int64)
        raw_len = np.array(raw_lengths, dtype=np.int64)
        forms = np.array(self.raw_forms, dtype=np.int64).reshape(-1, 3)
        mid, start = forms[idx_arr, 0], forms[idx_arr, 1]
        review = np.repeat(np.arange(len(texts)), raw_len)
        first_of_review = np.zeros(len(idx_arr), dtype=bool)
        first_of_review[(np.cumsum(raw_len) - raw_len)[raw_len > 0]] = True
        end = mid == self.END
        prev_boundary = first_of_review | np.concatenate(([True], end[:-1]))
        ids = np.where(prev_boundary, start, mid)
        caps = np.array([bool(t) and t.isupper() for t in texts], dtype=bool)
        if caps.any():
            ids = np.where(caps[review], forms[idx_arr, 2], ids)
        keep = ~end
        ids, review = ids[keep], review[keep]
        # a run of <num> in one review is one <num>
        dup = (ids == self.NUM) & np.concatenate(([False], (ids[1:] == self.NUM) & (ids[:-1] == self.NUM)
                                                  & (review[1:] == review[:-1])))
        ids, review = ids[~dup], review[~dup]
        lengths = np.bincount(review, minlength=len(texts)) if len(review) else np.zeros(len(texts), dtype=np.int64)
        return ids.astype(np.uint32), lengths

    def hashes(self):
        import numpy as np

        return np.array(self._hash, dtype=np.uint64)

    def content_flags(self):
        import numpy as np

        return np.array(self._content, dtype=bool)
