#!/usr/bin/env python3
"""Build nlp_assess/resources/spelling.json: common typing slips of the words the rules look for.

Officers typing on a phone write "chidlren", "daugther", "asleeep", "crting", "VPFR". The
pipeline's `nla_spelling` component gives such a token the NORM of the word meant, so the
phrase rules (matched on NORM) find it. This script makes the table once, offline:

- the words: every word of five letters or more in the phrase patterns of the mention rule
  files (children, demeanour, voice, referral, minimising), and the referral acronyms of four;
- the slips of each word: two neighbouring letters swapped; one letter doubled; one letter
  dropped, a vowel for another vowel or a letter for its neighbour on a QWERTY keyboard
  (these three for words of six letters or more, where a slip rarely makes another word);
- kept only when the slip is not itself an English word: its Zipf frequency in `wordfreq`'s
  English list is below ZIPF_BELOW (so "drying" is never read as "crying", nor "sad" as
  "said"), it is not one of the rule words, and it is a slip of one word only.

    pip install wordfreq        # only to rebuild the table; the package never imports it
    python scripts/build_spelling.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from wordfreq import zipf_frequency

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp_assess.pipeline.patterns import spelled_out  # noqa: E402
from nlp_assess.resources import load_jsonl  # noqa: E402

ZIPF_BELOW = 2.5
RULE_FILES = ("persons.jsonl", "demeanour.jsonl", "voice.jsonl", "referral.jsonl", "minimising.jsonl")
SKIP_LABELS = {"NOT_CHILD", "AGE", "ADULT", "PRONOUN", "NOT_REFERRAL", "ADULT_REFERRAL", "MIN_REJECT"}
VOWELS = "aeiou"
QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def neighbours(c: str) -> str:
    """Letters beside c on a QWERTY keyboard (same row)."""
    for row in QWERTY:
        i = row.find(c)
        if i >= 0:
            return row[max(0, i - 1):i] + row[i + 1:i + 2]
    return ""


def slips(word: str) -> set:
    out = set()
    n = len(word)
    for i in range(n - 1):  # swapped neighbours: "chidlren"
        if word[i] != word[i + 1]:
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2:])
    for i in range(n):  # a doubled letter: "asleeep"
        out.add(word[:i + 1] + word[i] + word[i + 1:])
    if n >= 6:
        for i in range(1, n):  # a dropped letter (not the first): "frightend"
            out.add(word[:i] + word[i + 1:])
        for i, c in enumerate(word):  # a vowel for a vowel, a key's neighbour: "crting"
            for d in (VOWELS.replace(c, "") if c in VOWELS else "") + neighbours(c):
                out.add(word[:i] + d + word[i + 1:])
    out.discard(word)
    return out


def rule_words() -> tuple:
    words, acronyms = set(), set()
    for name in RULE_FILES:
        for p in load_jsonl(name):
            if p["label"] in SKIP_LABELS:
                continue
            pat = p["pattern"]
            phrases = [pat.lower().split()] if isinstance(pat, str) else spelled_out(pat) or []
            for phrase in phrases:
                for w in phrase:
                    if w.isalpha() and len(w) >= 5:
                        words.add(w)
                    elif name == "referral.jsonl" and w.isalpha() and len(w) == 4 and zipf_frequency(w, "en") < ZIPF_BELOW:
                        acronyms.add(w)  # "vprf", "mash" is a word and stays out
    return words, acronyms


def main() -> None:
    words, acronyms = rule_words()
    known = words | acronyms
    found: dict = {}
    for word in sorted(words):
        for s in slips(word):
            found.setdefault(s, set()).add(word)
    for word in sorted(acronyms):  # "vpfr": swapped letters only
        for i in range(len(word) - 1):
            s = word[:i] + word[i + 1] + word[i] + word[i + 2:]
            if s != word:
                found.setdefault(s, set()).add(word)
    corrections = {s: next(iter(targets)) for s, targets in sorted(found.items())
                   if len(targets) == 1 and s not in known and zipf_frequency(s, "en") < ZIPF_BELOW}
    out = {
        "description": "Typing slips of the words the rules look for, each with the word meant ('chidlren' -> "
                       "'children'). The nla_spelling component sets a slip's NORM to the word, so phrase rules "
                       "match it. Made by scripts/build_spelling.py: swapped neighbours, a doubled letter, and "
                       "(words of six letters or more) a dropped letter, a vowel for a vowel or a QWERTY "
                       "neighbour; never an English word (wordfreq Zipf frequency below zipf_below), never a "
                       "rule word, never a slip of two words. Do not edit by hand: change the rules and rebuild.",
        "zipf_below": ZIPF_BELOW,
        "words": len(words) + len(acronyms),
        "corrections": corrections,
    }
    path = ROOT / "nlp_assess" / "resources" / "spelling.json"
    path.write_text(json.dumps(out, indent=0, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{len(corrections)} slips of {len(words) + len(acronyms)} words -> {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
