"""Normalising supervisor reviews so that copies look alike.

Pure functions: `normalise(text)` lower-cases, replaces dates, times, officer collar numbers,
reference numbers and names by placeholders, and drops punctuation; `tokens(text)` splits
that; `shingles(tokens, n)` gives the set of word n-grams.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import FrozenSet, List, Sequence, Tuple

from ..resources import load_json


@lru_cache(maxsize=1)
def _rules():
    data = load_json("review_rules.json")
    first = [(re.compile(p, re.I), r) for p, r in data["replace_first"]]
    replace = [(re.compile(p), r) for p, r in data["replace"]]
    keep_upper = set(data["keep_upper"])
    return data, first, replace, keep_upper


_NAME = re.compile(r"(?<=[a-z,;:)>] )([A-Z][a-z'’-]+)|\b([A-Z]{2,}[A-Z'’-]*)\b")


def _names(text: str, keep_upper) -> str:
    """Capitalised words after a lower-case word (not a sentence start), and ALL-CAPS words
    that are not known abbreviations, become <name>."""

    def sub(m: re.Match) -> str:
        word = m.group(0)
        if word.isupper() and word.rstrip(".") in keep_upper:
            return word
        return " <name> "

    if text.isupper():  # an all-caps review: no way to tell names apart
        return text
    return _NAME.sub(sub, text)


def normalise(text: str) -> str:
    data, first, replace, keep_upper = _rules()
    out = text or ""
    for pattern, repl in first:  # dates, times, ranks and collar numbers, before names
        out = pattern.sub(repl, out)
    out = _names(" ".join(out.split()), keep_upper).lower()
    for pattern, repl in replace:
        out = pattern.sub(repl, out)
    return " ".join(out.split())


def tokens(text: str) -> List[str]:
    return normalise(text).split()


def shingles(toks: Sequence[str], n: int = 3) -> FrozenSet[Tuple[str, ...]]:
    if len(toks) < n:
        return frozenset([tuple(toks)]) if toks else frozenset()
    return frozenset(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))
