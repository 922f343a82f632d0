"""Export artefacts undone before the spaCy pipe, with a map back to the original text.

Police record systems export narratives with HTML tags and entities left in ("&#39;",
"<br/>"), words hyphenated across a line break ("chil-\\ndren") and hard line-wraps at a
fixed width; dictated narratives come with spoken punctuation ("full stop", "new line") and
letters spelled out ("v p r f"); anonymised exports replace names with placeholders
("<PERSON_3>", "[NAME]"). These split words and sentences the pipeline reads, or hide who is who. `clean` undoes them (the
rules are in resources/export_artefacts.json) and keeps, for every character of the clean
text, the offset of the original character it came from, so evidence found in the clean text
is reported against the original: offsets that slice the field as the user gave it.

Pure functions over strings; a text without artefacts comes back as itself; a text whose
changes keep its length (hard wraps, capitals) comes back without a map.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from .resources import load_json

_RULES = load_json("export_artefacts.json")
_BLOCK = set(_RULES["block_tags"])
_TAG_NAMES = "|".join(sorted(_BLOCK | set(_RULES["inline_tags"]), key=len, reverse=True))
# a tag, an entity, or a hyphen + line break inside a lower-case word
# and a redaction placeholder for a name ("<PERSON_3>", "[NAME]"), a template's prompt ("[Y/N]")
# or the brackets of an answer typed into a template's box ("Names/ages: [Isla KERR 8]")
_REDACTION = _RULES["redaction"]
_TEMPLATE = _RULES["template"]
_ARTEFACT = re.compile(
    r"(?P<tag></?(?P<name>%s)\b[^<>]{0,200}>)|(?P<entity>&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});)"
    r"|(?P<hyphen>(?<=[a-z])-[ \t]*\r?\n[ \t]*(?=[a-z]))" % _TAG_NAMES
    + r"|(?P<numbered>%s)|(?P<bare>%s)" % (_REDACTION["numbered"], _REDACTION["bare"])
    + r"|(?P<prompt>%s)|(?P<filled>%s)" % (_TEMPLATE["prompt"], _TEMPLATE["filled"]), re.I | re.M)
_DICTATION = _RULES["dictation"]
_SPOKEN = {k.lower(): v for k, v in _DICTATION["spoken"].items()}
_DICTATED = re.compile(r"\b(?:%s)\b" % "|".join(re.escape(m) for m in _DICTATION["markers"]), re.I)
_NUMBER_WORDS: Dict[str, int] = load_json("person_words.json")["number_words"]
_NUMBER_WORD = re.compile(r"\b(%s)(?:[ -](%s))?\b" % ("|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)),
                                                    "|".join(w for w, n in _NUMBER_WORDS.items() if 0 < n < 10)))
# in a dictated text also: spoken punctuation, letters spelled out one by one ("v p r f"), and
# numbers in words (not "one" alone: "no one")
_TENS = "|".join(w for w, n in _NUMBER_WORDS.items() if n >= 20)
_UNITS = "|".join(w for w, n in _NUMBER_WORDS.items() if 0 < n < 10)
_ARTEFACT_DICTATED = re.compile(
    _ARTEFACT.pattern + r"|(?P<spoken>\b(?:%s)\b[ \t]?)|(?P<letters>\b[a-z](?: [a-z]){1,5}\b)" % "|".join(
        re.escape(k) for k in sorted(_SPOKEN, key=len, reverse=True))
    + r"|(?P<number>\b(?:(?:%s)(?:[ -](?:%s))?|%s)\b)" % (_TENS, _UNITS, "|".join(
        sorted((w for w, n in _NUMBER_WORDS.items() if 2 <= n < 20), key=len, reverse=True))), re.I)
_WRAP = _RULES["hard_wrap"]
_LIST_START = re.compile(_RULES["list_start"])
# dictation writes names in lower case: known first names that are not everyday words get their capital back
_NAMES = load_json("first_names.json")
_FIRST_NAMES = (set(_NAMES["male"]) | set(_NAMES["female"])) - set(load_json("person_words.json")["names_that_are_words"])
_NAME_WORD = re.compile(r"\b[a-z][a-z'-]+\b")


def number_in_words(low: str) -> Optional[int]:
    """'seventeen' -> 17, 'forty seven' -> 47, 'six-year-old' -> 6; None if there is none."""
    m = _NUMBER_WORD.search(low)
    if m is None:
        return None
    n = _NUMBER_WORDS[m.group(1)]
    return n + _NUMBER_WORDS[m.group(2)] if m.group(2) and n >= 20 else n


def _capitalised_name(m: "re.Match") -> str:
    word = m.group(0)
    return word[0].upper() + word[1:] if word in _FIRST_NAMES else word


def _letters(n: int) -> str:
    """1 -> 'a', 3 -> 'c', 27 -> 'aa': a placeholder's number as letters, so the stand-in stays a word."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


@dataclass
class Cleaned:
    text: str
    to_original: Optional[List[int]] = None  # clean offset -> original start (len(text) + 1 entries); None: same offsets
    ends: Optional[List[int]] = None  # clean offset -> original end of the character it came from

    def original_span(self, start: int, end: int) -> tuple:
        """The original (start, end) of the clean text's [start, end): a decoded entity or a
        tag's line break stands for the whole of it."""
        if self.to_original is None:
            return start, end
        if end <= start:
            return self.to_original[start], self.to_original[start]
        return self.to_original[start], self.ends[end - 1]


def clean(text: str) -> Cleaned:
    """The text with export artefacts undone, and its map to the original."""
    pieces: List[str] = []
    origin: List[int] = []
    ends: List[int] = []
    last = 0
    dictated = _DICTATED.search(text) is not None
    for m in (_ARTEFACT_DICTATED if dictated else _ARTEFACT).finditer(text):
        kept = None  # the replacement's characters map to the whole match, unless kept from inside it
        if m.lastgroup == "spoken":
            out = _SPOKEN[m.group("spoken").strip().lower()]
            out += " " if out in ".,?:" else ""
        elif m.lastgroup == "letters":
            out = m.group("letters").replace(" ", "")
        elif m.lastgroup == "number":  # "Tyler eleven", "thirty six" -> "Tyler 11", "36"
            out = str(number_in_words(m.group("number").lower()))
        elif m.lastgroup == "filled":  # the answer, without its brackets, keeps its own offsets
            out, kept = m.group("filled_text"), m.start("filled_text")
        elif m.lastgroup in ("numbered", "bare"):  # "<PERSON_3>" -> "Anonc", "[NAME]" -> "Anon"
            number = re.search(r"\d+", m.group(0))
            out = _REDACTION["stand_in"] + (_letters(int(number.group(0))) if number else "")
        elif m.group("tag"):
            out = "\n" if m.group("name").lower() in _BLOCK else " "
        elif m.group("entity"):
            out = html.unescape(m.group("entity")).replace("\xa0", " ")
            if out == m.group("entity"):
                continue  # not an entity html knows ("&nbspx;")
        else:
            out = ""  # "chil-\ndren" -> "children"; a template's prompt
        pieces.append(text[last:m.start()])
        origin.extend(range(last, m.start()))
        ends.extend(range(last + 1, m.start() + 1))
        pieces.append(out)
        if kept is None:
            origin.extend([m.start()] * len(out))
            ends.extend([m.end()] * len(out))
        else:
            origin.extend(range(kept, kept + len(out)))
            ends.extend(range(kept + 1, kept + len(out) + 1))
        last = m.end()
    pieces.append(text[last:])
    # what follows keeps the length (a wrap's line break becomes a space, a name gets its capital)
    out_text = _unwrap("".join(pieces)) if "\n" in text else "".join(pieces)
    if dictated:
        out_text = _NAME_WORD.sub(_capitalised_name, out_text)  # "her lad ryan" -> "her lad Ryan"
    if len(pieces) == 1:  # no artefact replaced: offsets are the original's
        return Cleaned(out_text)
    origin.extend(range(last, len(text)))
    ends.extend(range(last + 1, len(text) + 1))
    origin.append(len(text))
    return Cleaned(out_text, origin, ends)


def _unwrap(text: str) -> str:
    """A record cut at a fixed width: the line breaks inside its paragraphs become spaces (the
    same length, so offsets do not move)."""
    lines = text.split("\n")
    widths = [len(line.rstrip()) for line in lines[:-1] if len(line.rstrip()) >= _WRAP["min_width"]]
    if len(widths) < _WRAP["min_lines"] or max(widths) - min(widths) > _WRAP["max_spread"] \
            or max(widths) > _WRAP["max_width"]:
        return text
    out = []
    for line, nxt in zip(lines, lines[1:]):
        out.append(line)
        join = len(line.rstrip()) >= _WRAP["min_width"] and nxt.strip() and not _LIST_START.match(nxt)
        out.append(" " if join else "\n")
    out.append(lines[-1])
    return "".join(out)


def restore(findings: Dict[str, Any], cleaned: Cleaned, original: str) -> Dict[str, Any]:
    """Findings of the clean text with their evidence (and children) offsets and texts on the
    original text."""
    if cleaned.text == original:
        return findings
    out = dict(findings)
    evidence = []
    for e in findings["evidence"]:
        start, end = cleaned.original_span(e["start"], e["end"])
        evidence.append(dict(e, start=start, end=end, text=original[start:end]))
    out["evidence"] = evidence
    children = []
    for c in findings.get("children", []):
        start, end = cleaned.original_span(c["start"], c["end"])
        children.append(dict(c, start=start, end=end, text=original[start:end]))
    out["children"] = children
    return out
