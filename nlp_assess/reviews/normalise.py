"""Normalising supervisor reviews so that copies look alike.

Token by token (fast: each distinct token is classified once and cached): what changes
between pastes becomes a placeholder (<num> for anything with a digit and for months,
weekdays and time words, a run of them being one <num>; <officer> for ranks; <name> for capitalised words that do not
start a sentence and ALL-CAPS words that are not known abbreviations); punctuation is
dropped; the rest is lower-cased. Rules are in resources/review_rules.json.
"""
from __future__ import annotations

from typing import Dict, FrozenSet, List, Sequence, Tuple

from ..resources import load_json

_SENT_END = {".", "!", "?"}


class Normaliser:
    def __init__(self):
        data = load_json("review_rules.json")
        self.keep_upper = set(data["keep_upper"])
        self.ranks = set(data["ranks"])
        self.months = set(data["months"])
        self._encoder = None

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
        """Normalised tokens of one text (the batch encoder's normalisation, so one text and a
        batch are normalised alike)."""
        if self._encoder is None:
            self._encoder = BatchEncoder(set(), self)
        ids, _ = self._encoder.encode([text or ""])
        return [self._encoder.strings[i] for i in ids.tolist()]


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

_STRIP = "\"'“”‘’()[]{}<>,;:.!?-–—*_|\\/#~=+&@"
_CLOSERS = "\"'”’)]}"


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

    def __init__(self, ignore: set, normaliser: "Normaliser" = None):
        self.norm = normaliser or Normaliser()
        self.ignore = ignore
        self.raw_index: Dict[str, int] = _RawIndex(self)
        self.raw_forms: List[Tuple[int, int, int, int]] = []  # (mid, start, caps, kind) per raw token
        self.nid: Dict[str, int] = {}
        self.strings: List[str] = []
        self._hash: List[int] = []
        self._content: List[bool] = []
        for special in ("", "<num>", "<name>", "<officer>"):
            self._norm_id(special)
        self.DROP, self.NUM, self.NAME, self.OFFICER = range(4)

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
        """Classify a whitespace-separated token once: its three normalised forms (mid-sentence,
        sentence start, inside an ALL-CAPS text; punctuation stripped, DROP if nothing is left)
        and whether it ends a sentence."""
        i = dict.get(self.raw_index, tok)
        if i is None:
            i = len(self.raw_forms)
            dict.__setitem__(self.raw_index, tok, i)
            core = tok.strip(_STRIP)
            ends = tok.rstrip(_CLOSERS)[-1:] in _SENT_END
            if not core:
                forms = (self.DROP, self.DROP, self.DROP, ends)
            else:
                c = self.norm._classify
                forms = tuple(self._norm_id(c(core, s, caps)) for s, caps in ((False, False), (True, False), (True, True)))
                forms = forms + (ends,)
            self.raw_forms.append(forms)
        return i

    def encode(self, texts: Sequence[str]):
        """(ids, lengths) for a chunk: ids is one flat uint32 array of normalised-token ids,
        lengths the number of tokens of each text (runs of numbers merged, punctuation dropped).

        Texts are tokenised one at a time so only one text's token strings are alive at once."""
        import numpy as np

        index = self.raw_index
        idx: List[int] = []
        raw_lengths: List[int] = []
        for t in texts:
            raw = t.split() if t else []
            raw_lengths.append(len(raw))
            idx.extend(map(index.__getitem__, raw))
        idx_arr = np.array(idx, dtype=np.int64)
        raw_len = np.array(raw_lengths, dtype=np.int64)
        forms = np.array(self.raw_forms, dtype=np.int64).reshape(-1, 4)
        mid, start, ends = forms[idx_arr, 0], forms[idx_arr, 1], forms[idx_arr, 3].astype(bool)
        review = np.repeat(np.arange(len(texts)), raw_len)
        first_of_review = np.zeros(len(idx_arr), dtype=bool)
        first_of_review[(np.cumsum(raw_len) - raw_len)[raw_len > 0]] = True
        prev_boundary = first_of_review | np.concatenate(([True], ends[:-1]))
        ids = np.where(prev_boundary, start, mid)
        caps = np.array([bool(t) and t.isupper() for t in texts], dtype=bool)
        if caps.any():
            ids = np.where(caps[review], forms[idx_arr, 2], ids)
        keep = ids != self.DROP
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
