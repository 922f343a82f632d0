"""Token patterns spelled out as phrases.

spaCy's Matcher tries every token pattern at every token, so its cost grows with the number
of patterns; a PhraseMatcher looks each token up once. A pattern made only of lower-case
words and word lists (optionally "?") matches exactly the word sequences it spells out, so
such patterns are given to a PhraseMatcher instead (context rules, mention rulers).
"""
from __future__ import annotations

from itertools import product
from typing import List, Optional


def spelled_out(pattern: list, limit: int = 2000) -> Optional[List[List[str]]]:
    """A token pattern made only of lower-case words and word lists (optionally "?"; ORTH of
    punctuation, which has no case, counts as LOWER) as the
    list of word sequences it matches, for a PhraseMatcher: spaCy's Matcher tries every
    pattern at every token, a PhraseMatcher looks each token up once, so spelling out
    small patterns keeps the context step fast as rules grow. None where that is not
    possible (other attributes, wildcards, repeats) or would give more than `limit` phrases."""
    options: List[List[Optional[str]]] = []
    for token in pattern:
        if isinstance(token, dict) and set(token) - {"OP"} == {"ORTH"} and _caseless(token["ORTH"]):
            token = {**{k: v for k, v in token.items() if k != "ORTH"}, "LOWER": token["ORTH"]}  # "-", "(", "/"
        if not isinstance(token, dict) or set(token) - {"LOWER", "OP"} or "LOWER" not in token \
                or token.get("OP", "?") != "?":
            return None
        value = token["LOWER"]
        words = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) and set(value) == {"IN"} else None
        if not words:
            return None
        options.append(list(words) + ([None] if "OP" in token else []))
    total = 1
    for o in options:
        total *= len(o)
    if total > limit:
        return None
    out = [[w for w in combo if w is not None] for combo in product(*options)]
    return [words for words in out if words]


def _caseless(value) -> bool:
    """An ORTH value (or {"IN": [...]}) with no letters ("-", "(", "/"), so it matches as LOWER does."""
    words = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) and set(value) == {"IN"} else None
    return bool(words) and all(isinstance(w, str) and w.lower() == w.upper() for w in words)
