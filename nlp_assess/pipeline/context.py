"""ConText-style qualifiers for mentions (after Harkema et al. 2009, medspaCy, clinlp).

A *modifier* is a trigger phrase ("no", "at nan's", "aged 24", "previous", "if") with a
category and a direction. Each mention in `nla_mentions` that lies in a modifier's scope
(same sentence, up to `max_scope` tokens, not past a terminator such as "but", unless the
category's `not_terminated_by` lists it) receives that category's value on the category's
axis; on each axis the trigger of highest priority wins, the nearest breaking ties (as in
clinlp's qualifier priorities). A category that `yields_to` another is ignored where that
other reaches the mention too ("in the lounge with nan": placed, so "with nan" is not
elsewhere). Results are plain dicts on `span._.qualifiers`:

    {"presence": "present|absent|elsewhere", "placement": "default|scene|unplaced",
     "subject": "child|adult|unborn", "temporality": "current|historical|hypothetical",
     "source": "unknown|observed|reported", "modifiers": ["ELSEWHERE", ...]}

Rules and their effects are data in `resources/context_rules.json`.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from ..resources import load_json
from .extensions import register_extensions
from .mentions import MENTIONS_KEY
from .patterns import spelled_out

MODIFIERS_KEY = "nla_modifiers"
DIRECTIONS = ("FORWARD", "BACKWARD", "BIDIRECTIONAL", "PSEUDO", "TERMINATE")


@dataclass
class ContextRule:
    """One modifier rule. Unknown keys and bad directions are rejected."""

    literal: str
    category: str
    direction: str = "BIDIRECTIONAL"
    pattern: Optional[list] = None
    max_scope: Optional[int] = None
    allowed_types: Optional[List[str]] = None
    not_after: Optional[List[str]] = None  # not a trigger after these words ("I was sure" is the officer's)

    def __post_init__(self):
        self.direction = self.direction.upper()
        if self.direction not in DIRECTIONS:
            raise ValueError(f"context rule {self.literal!r}: direction must be one of {DIRECTIONS}")
        if not self.literal:
            raise ValueError("context rule needs a non-empty literal")
        if self.max_scope is not None and self.max_scope < 1:
            raise ValueError(f"context rule {self.literal!r}: max_scope must be >= 1")

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "ContextRule":
        unknown = set(d) - {f for f in cls.__dataclass_fields__}
        if unknown:
            raise ValueError(f"context rule {d.get('literal')!r}: unknown keys {sorted(unknown)}")
        return cls(**d)

    def to_dict(self) -> Dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class _Modifier:
    rule: ContextRule
    start: int
    end: int
    sent_start: int
    sent_end: int


def sentence_bounds(doc: Doc) -> Tuple[List[int], List[int]]:
    """Token offsets where each sentence starts and ends (one pass, no Span.sent lookups)."""
    starts, ends = [], []
    for sent in doc.sents:
        starts.append(sent.start)
        ends.append(sent.end)
    return starts or [0], ends or [len(doc)]


class ContextQualifier:
    def __init__(self, nlp: Language, name: str = "nla_context", *, rules_file: str = "context_rules.json",
                 targets_key: str = MENTIONS_KEY, modifiers_key: str = MODIFIERS_KEY):
        register_extensions()
        self.nlp = nlp
        self.name = name
        self.rules_file = rules_file
        self.targets_key = targets_key
        self.modifiers_key = modifiers_key
        data = load_json(rules_file)
        self.effects: Dict[str, Dict[str, Any]] = data["category_effects"]
        self.defaults: Dict[str, str] = data["defaults"]
        self.rules: List[ContextRule] = []
        self.matcher = Matcher(nlp.vocab)
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")  # token patterns spelled out
        self.add_rules([ContextRule.from_dict(r) for r in data["rules"]])

    def add_rules(self, rules: Sequence[ContextRule]) -> None:
        for rule in rules:
            if rule.direction not in ("PSEUDO", "TERMINATE") and rule.category not in self.effects:
                raise ValueError(f"context rule {rule.literal!r}: category {rule.category!r} has no effect defined")
            key = f"rule_{len(self.rules)}"
            self.rules.append(rule)
            phrases = spelled_out(rule.pattern) if rule.pattern else None
            if phrases is not None:
                self.lower_matcher.add(key, [Doc(self.nlp.vocab, words=words) for words in phrases])
            elif rule.pattern:
                self.matcher.add(key, [rule.pattern])
            else:
                self.phrase_matcher.add(key, [self.nlp.make_doc(rule.literal)])

    # -- split as in spaCy's SpanRuler: match, then set_annotations
    def __call__(self, doc: Doc) -> Doc:
        return self.set_annotations(doc, self.match(doc))

    def match(self, doc: Doc) -> List[_Modifier]:
        raw = []
        matches = list(self.phrase_matcher(doc)) + list(self.lower_matcher(doc))
        if len(self.matcher):
            matches += list(self.matcher(doc))
        for match_id, start, end in matches:
            rule = self.rules[int(self.nlp.vocab.strings[match_id].split("_")[1])]
            if rule.not_after:
                if start == 0 or doc[start - 1].lower_ in rule.not_after:
                    continue
                if rule.direction == "FORWARD":
                    start -= 1  # the trigger is "she believed": its subject and the word
                # (not a rule that looks back: "grandchildren visit on Saturdays" must reach the
                # word before it, which a span over it would overlap)
            raw.append((start, end, rule))
        pseudo = [(s, e) for s, e, r in raw if r.direction == "PSEUDO"]
        sent_starts, sent_ends = sentence_bounds(doc)
        mods = []
        for start, end, rule in raw:
            if rule.direction == "PSEUDO":
                continue
            # a trigger inside a longer pseudo phrase ("no" in "no concerns") is not a trigger
            if any(ps <= start and end <= pe and (pe - ps) > (end - start) for ps, pe in pseudo):
                continue
            k = bisect_right(sent_starts, start) - 1
            mods.append(_Modifier(rule, start, end, sent_starts[k], sent_ends[k]))
        # a shorter trigger inside a longer one on the same axis adds nothing: the longer phrase
        # is the more specific ("live at the address" says where they live, not that they were
        # "at the address")
        axes = [self._axis(m.rule) for m in mods]
        mods = [m for m, axis in zip(mods, axes) if not any(
            o_axis == axis and o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
            for o, o_axis in zip(mods, axes))]
        return mods

    def _axis(self, rule: ContextRule) -> str:
        effect = self.effects.get(rule.category)
        return effect["axis"] if effect else rule.category

    def _in_scope(self, mod: _Modifier, target: Span, terminators: List[Tuple[int, str]]) -> Optional[int]:
        """Distance in tokens from modifier to target if the target is in its scope."""
        if mod.rule.direction == "TERMINATE":
            return None
        # a category may cross some terminators: "In 2020 he hit her while the children were in
        # the room" - the while-clause shares the main clause's time, so it stops no temporality
        crosses = self.effects[mod.rule.category].get("not_terminated_by", ())
        terminators = [t for t, word in terminators if word not in crosses]
        if not (mod.sent_start <= target.start < mod.sent_end):
            return None
        if mod.rule.allowed_types and target.label_ not in mod.rule.allowed_types:
            return None
        if target.start < mod.end and mod.start < target.end:
            return None  # overlapping the target itself
        max_scope = mod.rule.max_scope or 1000
        if target.start >= mod.end and mod.rule.direction in ("FORWARD", "BIDIRECTIONAL"):
            dist = target.start - mod.end
            if dist < max_scope and not any(mod.end <= t < target.start for t in terminators):
                return dist
        if target.end <= mod.start and mod.rule.direction in ("BACKWARD", "BIDIRECTIONAL"):
            dist = mod.start - target.end
            if dist < max_scope and not any(target.end <= t < mod.start for t in terminators):
                return dist
        return None

    def set_annotations(self, doc: Doc, mods: List[_Modifier]) -> Doc:
        terminators = [(m.start, m.rule.literal) for m in mods if m.rule.direction == "TERMINATE"]
        doc.spans[self.modifiers_key] = [
            Span(doc, m.start, m.end, label=m.rule.category) for m in mods if m.rule.direction != "TERMINATE"
        ]
        targets = list(doc.spans[self.targets_key]) if self.targets_key in doc.spans else []
        by_sentence: Dict[int, List[_Modifier]] = {}  # only modifiers of the target's sentence can reach it
        for mod in mods:
            by_sentence.setdefault(mod.sent_start, []).append(mod)
        sent_starts, _ = sentence_bounds(doc)
        for target in targets:
            best: Dict[str, tuple] = {}
            cats = []
            reaching = [(mod, dist) for mod in by_sentence.get(sent_starts[bisect_right(sent_starts, target.start) - 1], ())
                        for dist in [self._in_scope(mod, target, terminators)] if dist is not None]
            reaching_cats = {mod.rule.category for mod, _ in reaching}
            for mod, dist in reaching:
                effect = self.effects[mod.rule.category]
                if reaching_cats.intersection(effect.get("yields_to", ())):
                    continue  # "in the lounge with nan": placed at the scene, nan is there too
                cats.append(mod.rule.category)
                rank = (-effect["priority"], dist)
                if effect["axis"] not in best or rank < best[effect["axis"]][0]:
                    best[effect["axis"]] = (rank, effect["value"])
            qualifiers = dict(self.defaults)
            qualifiers.update({axis: value for axis, (_, value) in best.items()})
            qualifiers["modifiers"] = sorted(set(cats))
            target._.qualifiers = qualifiers
        return doc

    def to_disk(self, path, *, exclude=tuple()):
        pass  # rules are package data

    def from_disk(self, path, *, exclude=tuple()):
        return self


@Language.factory("nla_context", default_config={"rules_file": "context_rules.json",
                                                 "targets_key": MENTIONS_KEY, "modifiers_key": MODIFIERS_KEY})
def make_context(nlp: Language, name: str, rules_file: str, targets_key: str, modifiers_key: str) -> ContextQualifier:
    return ContextQualifier(nlp, name, rules_file=rules_file, targets_key=targets_key, modifiers_key=modifiers_key)
