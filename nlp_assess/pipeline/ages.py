"""Attach ages and names to person mentions, before the ConText qualifier runs.

"son (24)" becomes an ADULT mention, "victim, 16" and "16yo female" CHILD mentions;
"Ella (6)" adds a CHILD mention for the name Ella, and every later "Ella" in the text is
one too; "our kid" (an adult sibling in Northern English) is an ADULT. Relabelled spans
keep their place in `nla_mentions`; the age in years is kept on `span._.age`.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from .extensions import register_extensions
from .mentions import MENTIONS_KEY

_AGE_NUM = re.compile(r"(\d{1,2})\s*-?\s*(m\b|mths?|months?|mo\b|m/o|weeks?|wks?)?", re.I)
ADULT_AGE = 18


def age_in_years(text: str) -> Optional[float]:
    """'(7)' -> 7, '10 months old' -> 0.83, 'adult' -> 18, 'teenage' -> 15."""
    low = text.lower()
    if any(w in low for w in ("adult", "grown")):
        return 18.0
    if any(w in low for w in ("teen", "adolescent")):
        return 15.0
    m = _AGE_NUM.search(low)
    if not m:
        return None
    n = float(m.group(1))
    unit = (m.group(2) or "").lower()
    if unit.startswith("m"):
        return round(n / 12.0, 2)
    if unit.startswith("w"):
        return round(n / 52.0, 2)
    return n


class AgeAttacher:
    def __init__(self, nlp: Language, name: str = "nla_ages", *, spans_key: str = MENTIONS_KEY):
        register_extensions()
        self.name = name
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        if self.spans_key not in doc.spans:
            return doc
        spans = list(doc.spans[self.spans_key])
        people = [s for s in spans if s.label_ in ("CHILD", "ADULT")]
        not_child = [s for s in spans if s.label_ == "NOT_CHILD"]
        ages = [s for s in spans if s.label_ == "AGE"]
        relabel: Dict[tuple, tuple] = {}  # (start, end) -> (label, id, age)
        # "our kid": an adult sibling
        for s in people:
            if s.label_ == "CHILD" and any(n.id_ == "our_kid" and n.start <= s.start and s.end <= n.end for n in not_child):
                relabel[(s.start, s.end)] = ("ADULT", "our_kid", None)
        taken = {i for s in people for i in range(s.start, s.end)}
        new: List[Span] = []
        names: Dict[str, str] = {}
        noun_labels: Dict[str, set] = {}
        for a in ages:
            age = age_in_years(a.text)
            if age is None:
                continue
            label = "CHILD" if age < ADULT_AGE else "ADULT"
            target = next((p for p in people if 0 <= a.start - p.end <= 1 or 0 <= p.start - a.end <= 1), None)
            if target is not None:
                relabel[(target.start, target.end)] = (label, target.id_ or "aged", age)
                noun_labels.setdefault(target.text.lower(), set()).add(label)
                continue
            before = doc[a.start - 1] if a.start > 0 else None
            if before is not None and before.is_alpha and (before.is_title or before.is_upper) and not before.is_stop \
                    and len(before.text) > 1 and before.i not in taken:
                new.append(Span(doc, before.i, before.i + 1, label=label, span_id="named"))
                taken.add(before.i)
                names[before.lower_] = label
        # later mentions of a named person, and of a noun whose age made it an adult ("son (24)" ... "the son")
        if names:
            for tok in doc:
                if tok.lower_ in names and tok.i not in taken and (tok.is_title or tok.is_upper):
                    new.append(Span(doc, tok.i, tok.i + 1, label=names[tok.lower_], span_id="named"))
                    taken.add(tok.i)
        for s in people:
            labels = noun_labels.get(s.text.lower())
            if (s.start, s.end) not in relabel and labels == {"ADULT"}:
                relabel[(s.start, s.end)] = ("ADULT", "aged", None)
        out = []
        for s in spans:
            if (s.start, s.end) in relabel and s.label_ in ("CHILD", "ADULT"):
                label, sid, age = relabel[(s.start, s.end)]
                s = Span(doc, s.start, s.end, label=label, span_id=sid)
            out.append(s)
        doc.spans[self.spans_key] = out + new
        return doc

    def to_disk(self, path, *, exclude=tuple()):
        pass

    def from_disk(self, path, *, exclude=tuple()):
        return self


@Language.factory("nla_ages", default_config={"spans_key": MENTIONS_KEY})
def make_ages(nlp: Language, name: str, spans_key: str) -> AgeAttacher:
    return AgeAttacher(nlp, name, spans_key=spans_key)
