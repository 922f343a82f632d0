"""Replace personal details in a text with placeholders, keeping evidence spans aligned.

    >>> r = redact("Lily (7) was crying. Call 07700 900123.")
    >>> r.text
    '[NAME] (7) was crying. Call [PHONE].'
    >>> r.map_span(13, 19)   # "crying" in the original -> its place in the redacted text
    (15, 21)

Two kinds of rule, both data in `resources/redact_rules.json`:

1. Regular expressions for postcodes, phone numbers, dates of birth and other dates, collar
   numbers, reference numbers, e-mail addresses, vehicle registrations and house-number +
   street addresses.
2. Names, word by word: a capitalised word after a title or rank ("Mr", "PC") or a relation
   word ("son", "victim"), right before an age ("Lily (7)", "ALFIE 11"), alone in brackets
   ("(MEGAN)"), a listed first name, an ALL-CAPS surname in a mixed-case line, any other
   capitalised word that is not a common word (in an ALL-CAPS log line, an unknown word only
   where a name usually stands: "SPOKE TO LORCAN", "LORCAN SAID"); then every other
   occurrence of a name found.
   Names the spaCy pipeline already tagged can be passed in (`pipeline_names`).

Over-redaction is preferred to leaking: a place name or a rare word may become [NAME].
Adjacent name words become one [NAME] ("Sarah LINDLEY (34)" -> "[NAME] (34)").
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .resources import load_json

Region = tuple[int, int, str]  # (start, end, tag) in the original text

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’][sS]$")
_BOUNDARY = set(".!?:;\n•*=|")
_AGE_AFTER = re.compile(r"\s*(?:\(\s*\d{1,2}\s*(?:yrs?|years?|y/?o|yo|mths?|months?|m)?\s*\)|,\s*\d{1,2}\s*[,)]"
                        r"|\s+aged\s+\d{1,2}\b)", re.IGNORECASE)
_BARE_AGE_AFTER = re.compile(r"\s+\d{1,2}(?![\d:/.,]\d)\b")
_LOG_TIME = re.compile(r"\s*\d{3,4}(?:hrs)?\s*")


@dataclass(frozen=True)
class Replacement:
    """One replaced region: where it was in the original and where its placeholder is now."""
    start: int
    end: int
    tag: str
    new_start: int
    new_end: int


@dataclass
class Redacted:
    """A redacted text and the replacements made, to move spans of the original onto it."""
    original: str
    text: str
    replacements: list[Replacement] = field(default_factory=list)

    def map_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets of the original span [start, end) in the redacted text. A span that starts or
        ends inside a replaced region grows to cover the whole placeholder."""
        return self._map(start, is_end=False), self._map(end, is_end=True)

    def _map(self, pos: int, is_end: bool) -> int:
        shift = 0
        for r in self.replacements:
            inside = r.start < pos < r.end or (not is_end and pos == r.start) or (is_end and pos == r.end)
            if inside and r.start != r.end:
                return r.new_end if is_end else r.new_start
            if r.end <= pos:
                shift = r.new_end - r.end
            else:
                break
        return pos + shift


@dataclass
class _Token:
    start: int
    end: int
    word: str
    sent_start: bool
    plain: bool = False  # in an ALL-CAPS line or a text typed without capitals: case says nothing
    lower_doc: bool = False

    @property
    def low(self) -> str:
        return self.word.lower()

    @property
    def is_upper(self) -> bool:
        return self.word.isupper() and len(self.word) > 1

    @property
    def is_title(self) -> bool:
        return self.word[0].isupper() and not self.word.isupper()

    @property
    def capitalised(self) -> bool:
        """Written as a name would be (any word in a text typed without capitals)."""
        return self.is_title or self.is_upper or (self.lower_doc and self.word.islower())


class Redactor:
    """Finds and replaces personal details. Build once (it compiles the rules), use many times."""

    def __init__(self, rules: dict | None = None):
        rules = rules or load_json("redact_rules.json")
        self.placeholders: dict[str, str] = rules["placeholders"]
        self.patterns = [(p["tag"], re.compile(p["regex"], re.IGNORECASE if p.get("ignore_case") else 0))
                         for p in rules["patterns"]]
        self.titles = set(rules["titles"])
        self.relations = set(rules["relations"])
        self.first_names = set(rules["first_names"])
        self.stop = set(load_json("stop_words.json")["stop_words"])
        self.abbreviations = {a.lower() for a in rules["abbreviations"]}
        # where case says nothing, a common word is not a name even if it is a first name ("RED MARK")
        self.common = set(rules["common_words"]) | set(rules["keep_words"]) | self.abbreviations | self.stop
        # where case is informative, a capitalised first name is a name ("Mark said")
        self.common_mixed = self.common - self.first_names
        self.word_endings = tuple(rules["not_name_endings"])
        self.caps_before = set(rules["caps_name_before"])
        self.caps_after = set(rules["caps_name_after"])

    # -- public -------------------------------------------------------------------------------

    def redact(self, text: str, names: Iterable[tuple[int, int]] = ()) -> Redacted:
        """The text with every region found replaced by its placeholder. `names` are extra
        (start, end) character spans known to be names (e.g. from `pipeline_names`)."""
        parts: list[str] = []
        reps: list[Replacement] = []
        pos, out_len = 0, 0
        for start, end, tag in self.find(text, names):
            parts.append(text[pos:start])
            out_len += start - pos
            ph = self.placeholders.get(tag, f"[{tag}]")
            reps.append(Replacement(start, end, tag, out_len, out_len + len(ph)))
            parts.append(ph)
            out_len += len(ph)
            pos = end
        parts.append(text[pos:])
        return Redacted(text, "".join(parts), reps)

    def find(self, text: str, names: Iterable[tuple[int, int]] = ()) -> list[Region]:
        """Non-overlapping regions to replace, in order."""
        pattern_regions = self._pattern_regions(text)
        name_regions = self._name_regions(text, pattern_regions, names)
        return _resolve(pattern_regions + name_regions)

    # -- patterns -----------------------------------------------------------------------------

    def _pattern_regions(self, text: str) -> list[Region]:
        found: list[tuple[int, int, int, str]] = []  # (start, end, rule order, tag)
        for order, (tag, rx) in enumerate(self.patterns):
            for m in rx.finditer(text):
                start, end = (m.span("x") if "x" in rx.groupindex and m.group("x") is not None else m.span())
                if end > start:
                    found.append((start, end, order, tag))
        # longest first, then the earlier rule; keep what does not overlap something kept
        found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
        kept: list[Region] = []
        for start, end, _, tag in found:
            if not any(start < e and s < end for s, e, _ in kept):
                kept.append((start, end, tag))
        return sorted(kept)

    # -- names --------------------------------------------------------------------------------

    def _name_regions(self, text: str, taken: list[Region], extra: Iterable[tuple[int, int]]) -> list[Region]:
        toks = _tokens(text, taken)
        is_name = [self._is_name(text, toks, i, taken) for i in range(len(toks))]
        self._extend_runs(toks, is_name)
        for s, e in extra:  # the pipeline's named persons
            for i, tok in enumerate(toks):
                if tok.start < e and s < tok.end and tok.low not in self.stop:
                    is_name[i] = True
        self._propagate(toks, is_name)
        return _merge_names(text, [(t.start, t.end) for t, n in zip(toks, is_name) if n])

    def _namey(self, tok: _Token) -> bool:
        """Could be a name on its own: not a common word, abbreviation, title or relation."""
        low = tok.low
        common = self.common if tok.plain else self.common_mixed
        return len(tok.word) > 1 and low not in common and low not in self.titles and low not in self.relations

    def _fits_context(self, tok: _Token) -> bool:
        """A capitalised word that may be a name where the context announces one ("Mr Green",
        "PS 1450 WARD"): any word but a stop word, abbreviation, title or relation (in plain text,
        not a common word either)."""
        if not tok.capitalised:
            return False
        if tok.plain:
            return self._namey(tok)
        low = tok.low
        stop = low in self.stop and not (tok.is_title and not tok.sent_start)  # "son Will (7)"
        return (len(tok.word) > 1 and not stop and low not in self.abbreviations
                and low not in self.titles and low not in self.relations)

    def _is_name(self, text: str, toks: list[_Token], i: int, taken: list[Region]) -> bool:
        """The name rules for one word, in order."""
        tok = toks[i]
        if not tok.capitalised:
            return False
        if self._after_title(text, toks, i, taken):
            return True  # "Mr Stokes", "victim, Sarah", "PS 1450 BRENNAN", "ip anouk fox"
        after = text[tok.end:tok.end + 40]
        if _AGE_AFTER.match(after) and (self._fits_context(tok) or (tok.is_title and tok.low in self.stop)):
            return True  # "Lily (7)", "Josh, 12,", "May (4)"
        if tok.plain and not tok.lower_doc and _BARE_AGE_AFTER.match(after) and self._namey(tok):
            return True  # "SON ALFIE 11 SEEN"
        if text[tok.start - 1:tok.start] == "(" and text[tok.end:tok.end + 1] == ")" and self._namey(tok):
            return True  # "16YO FEMALE (MEGAN)"
        if tok.low in self.first_names and not (tok.plain and tok.low in self.common):
            return True
        if tok.lower_doc and tok.word.islower():
            return False  # without capitals, an unknown word is as likely a typo as a name
        if tok.plain:  # a CAD log: "SPOKE TO LORCAN", "LORCAN SAID", not "NO LOSS OF CONSCIOUSNESS"
            return self._caps_name(text, toks, i)
        return self._namey(tok)  # a capitalised or ALL-CAPS word that is not a common word

    def _caps_name(self, text: str, toks: list[_Token], i: int) -> bool:
        """An unknown word of an ALL-CAPS line where a name usually stands."""
        tok = toks[i]
        if len(tok.word) < 4 or not self._namey(tok) or tok.word.upper().endswith(self.word_endings):
            return False
        before = text[max(0, tok.start - 12):tok.start].split()
        after = text[tok.end:tok.end + 12].replace("(", " ( ").replace(",", " , ").split()
        return bool((before and before[-1].lower() in self.caps_before) or (after and after[0].lower() in self.caps_after))

    def _after_title(self, text: str, toks: list[_Token], i: int, taken: list[Region]) -> bool:
        """A word (or the second of two) right after a title ("Mr Green", "PS 1450 WARD") or a
        relation word ("son Alfie", "ip anouk fox"). After a relation an ALL-CAPS word in mixed
        text must not be a common word ("CHN PRESENT")."""
        j = _previous_word(text, toks, i, taken)
        if j is None:
            return False
        k = _previous_word(text, toks, j, taken)
        for intro, words in ((j, [i]), (k, [j, i])):
            if intro is None:
                continue
            if toks[intro].low in self.titles:
                return all(self._fits_context(toks[w]) for w in words)
            if toks[intro].low in self.relations:
                return all(self._fits_context(toks[w]) and (self._namey(toks[w]) or not toks[w].is_upper)
                           for w in words)
        return False

    def _extend_runs(self, toks: list[_Token], is_name: list[bool]) -> None:
        """'Sarah LINDLEY', 'Tyler Carver': a capitalised word next to a name belongs to it
        (not in a text typed without capitals, where "cody stood" is not a full name)."""
        changed = True
        while changed:
            changed = False
            for i, tok in enumerate(toks):
                if is_name[i] or (tok.lower_doc and tok.word.islower()) or not self._fits_context(tok):
                    continue
                before = i > 0 and is_name[i - 1] and _adjacent(toks[i - 1], tok) and not tok.sent_start
                after = i + 1 < len(toks) and is_name[i + 1] and _adjacent(tok, toks[i + 1])
                if before or after:
                    is_name[i] = changed = True

    def _propagate(self, toks: list[_Token], is_name: list[bool]) -> None:
        """Every other occurrence of a name found ("Alfie (11)" ... "ALFIE SAID")."""
        found: set[str] = {t.low for t, n in zip(toks, is_name) if n}
        for i, tok in enumerate(toks):
            if is_name[i] or tok.low not in found or not tok.capitalised:
                continue
            if self._namey(tok) or not tok.plain:  # "Lee FOSTER (36)" ... "said FOSTER had"
                is_name[i] = True


def _tokens(text: str, taken: Sequence[Region]) -> list[_Token]:
    """The words of a text outside the regions already taken by patterns ("Alfie's" -> "Alfie")."""
    caps = _caps_lines(text)
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    tokens = []
    for m in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", m.group())
        start, end = m.start(), m.start() + len(word)
        if any(s < end and start < e for s, e, _ in taken):
            continue
        line = bisect.bisect_right(line_starts, start) - 1
        tokens.append(_Token(start, end, word, _sentence_start(text, start), plain=caps[line]))
    if _lowercase_doc(tokens):  # case says nothing of its lower-case words; a capitalised one stands out
        for t in tokens:
            t.lower_doc = True
            t.plain = t.plain or t.word.islower()
    return tokens


def _resolve(regions: list[Region]) -> list[Region]:
    """Sorted, non-overlapping regions; where two overlap, the earlier-starting one wins."""
    out: list[Region] = []
    for start, end, tag in sorted(regions):
        if out and start < out[-1][1]:
            continue
        out.append((start, end, tag))
    return out


def _merge_names(text: str, spans: list[tuple[int, int]]) -> list[Region]:
    """Name words separated only by spaces (or a hyphen) become one [NAME] region."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and text[out[-1][1]:start].strip(" -") == "" and "\n" not in text[out[-1][1]:start]:
            out[-1][1] = end
        else:
            out.append([start, end])
    return [(s, e, "NAME") for s, e in out]


def _adjacent(left: _Token, right: _Token) -> bool:
    return right.start - left.end <= 1


def _previous_word(text: str, toks: list[_Token], i: int, taken: list[Region]) -> int | None:
    """Index of the word before token i on the same line, looking past a collar or reference
    number ("PS 1450 BRENNAN") and, unless the text has no capitals, a comma ("victim, Sarah")."""
    if i == 0:
        return None
    prev = toks[i - 1]
    gap = text[prev.end:toks[i].start]
    for s, e, _ in taken:
        if prev.end <= s and e <= toks[i].start:
            gap = gap.replace(text[s:e], " ")
    gap = re.sub(r"\d+", " ", gap)
    allowed = " " if toks[i].lower_doc and toks[i].word.islower() else " ,:"
    return i - 1 if gap.strip(allowed) == "" and "\n" not in gap else None


def _sentence_start(text: str, pos: int) -> bool:
    """Nothing but quotes, brackets or a log time between the previous sentence end and here."""
    j = pos - 1
    while j >= 0 and text[j] in " \t\"'“‘(-–—":
        if text[j] in "-–—" and j > 0 and text[j - 1] not in " \t\n":
            return False  # a hyphenated word, not a dash
        j -= 1
    if j < 0 or text[j] in _BOUNDARY:
        return True
    # "2025 SON ALFIE": a time at the start of a log line
    line = text[text.rfind("\n", 0, pos) + 1:pos]
    return _LOG_TIME.fullmatch(line) is not None


def _caps_lines(text: str) -> list[bool]:
    """For each line: is it written mostly in capitals (a CAD log)?"""
    out = []
    for line in text.split("\n"):
        words = [w for w in _WORD.findall(line) if len(w) > 1]
        out.append(bool(words) and sum(1 for w in words if w.isupper()) >= 0.6 * len(words))
    return out


def _lowercase_doc(toks: list[_Token]) -> bool:
    """Typed without capitals (names in lower case too)."""
    words = [t for t in toks if len(t.word) > 1]
    return bool(words) and sum(1 for t in words if not t.word.islower()) <= 0.05 * len(words)


def pipeline_names(doc) -> list[tuple[int, int]]:
    """Character spans of the names the spaCy pipeline tagged (`nla_ages`: "Ella (6)")."""
    from .pipeline.mentions import MENTIONS_KEY

    if MENTIONS_KEY not in doc.spans:
        return []
    return [(s.start_char, s.end_char) for s in doc.spans[MENTIONS_KEY] if s.id_ == "named"]


_DEFAULT: Redactor | None = None


def default_redactor() -> Redactor:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Redactor()
    return _DEFAULT


def redact(text: str, names: Iterable[tuple[int, int]] = ()) -> Redacted:
    """Redact one text with the packaged rules."""
    return default_redactor().redact(text, names)


def redact_spans(text: str, spans: list[dict], names: Iterable[tuple[int, int]] = (),
                 redactor: Redactor | None = None) -> tuple[str, list[dict]]:
    """Redact a text and move its evidence spans ({start, end, ...}) onto the redacted text;
    each span's `text` is taken again from the redacted text."""
    r = (redactor or default_redactor()).redact(text, names)
    moved = []
    for span in spans:
        start, end = r.map_span(span["start"], span["end"])
        moved.append(dict(span, start=start, end=end, text=r.text[start:end]))
    return r.text, moved
