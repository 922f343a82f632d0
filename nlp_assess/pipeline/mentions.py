"""Mention components: rule-based span finders whose patterns are packaged JSONL.

Each factory is spaCy's `SpanRuler` preloaded with one packaged pattern file and writing
to the shared span group `nla_mentions`, so it inherits `match`/`set_annotations` and the
JSONL `to_disk`/`from_disk` round trip. A custom pattern file can be passed in the config.

| factory          | labels                                              | patterns           |
|------------------|-----------------------------------------------------|--------------------|
| nla_persons      | CHILD, ADULT, PRONOUN, AGE, NOT_CHILD               | persons.jsonl      |
| nla_demeanour    | DEMEANOUR                                           | demeanour.jsonl    |
| nla_voice        | SPEECH, VIEWS, QUOTE, NO_VOICE_REASON               | voice.jsonl        |
| nla_referral     | REFERRAL, ADULT_REFERRAL, NOT_REFERRAL              | referral.jsonl     |
| nla_minimising   | MINIMISING, MIN_REJECT                              | minimising.jsonl   |
"""
from __future__ import annotations


from typing import List

from spacy.language import Language
from spacy.pipeline import SpanRuler

from ..resources import load_jsonl
from .patterns import spelled_out
from .extensions import register_extensions

MENTIONS_KEY = "nla_mentions"


class MentionRuler(SpanRuler):
    """A SpanRuler that loads its patterns from a packaged JSONL file."""

    def __init__(self, nlp: Language, name: str, *, patterns_file: str, spans_key: str = MENTIONS_KEY):
        register_extensions()
        super().__init__(nlp, name, spans_key=spans_key, phrase_matcher_attr="NORM", overwrite=False, scorer=None)
        self.patterns_file = patterns_file
        with nlp.select_pipes(disable=nlp.pipe_names):  # phrase patterns need the tokenizer only
            self.add_patterns(as_phrases(nlp, load_jsonl(patterns_file)))


def as_phrases(nlp: Language, patterns: List[dict]) -> List[dict]:
    """The same patterns, with one-token word lists ({"LOWER": {"IN": [...]}}) turned into
    phrase patterns: where that cannot change what matches (the word is one token whose NORM
    is its lower case), because spaCy's PhraseMatcher looks a token up once while the Matcher
    tests every token against every list; and where the tokenizer splits the word
    ("wide-eyed"), because as a single-token pattern it could never match."""
    out = []
    for p in patterns:
        pat = p["pattern"]
        if isinstance(pat, list) and len(pat) == 1 and set(pat[0]) == {"LOWER"}:
            value = pat[0]["LOWER"]
            words = [value] if isinstance(value, str) else value.get("IN") if set(value) == {"IN"} else None
            if words:
                keep = []
                for w in words:
                    doc = nlp.make_doc(w)
                    if len(doc) == 1 and doc[0].norm_ == w == w.lower():
                        out.append({**p, "pattern": w})
                    elif len(doc) > 1 and all(t.norm_ == t.lower_ for t in doc):
                        # "wide-eyed", "step-son": the tokenizer splits these, so as one token
                        # they could never match; as a phrase they match the split tokens
                        out.append({**p, "pattern": w})
                    else:
                        keep.append(w)
                if keep:
                    out.append({**p, "pattern": [{"LOWER": {"IN": keep}}]})
                continue
        phrases = spelled_out(pat) if isinstance(pat, list) and len(pat) > 1 else None
        if phrases is not None and all(_one_token_each(nlp, words) for words in phrases):
            # "hood up", "arms folded", "kept looking": a short multi-word pattern as its phrases
            out.extend({**p, "pattern": " ".join(words)} for words in phrases)
            continue
        out.append(p)
    return out


def _one_token_each(nlp: Language, words: List[str]) -> bool:
    """The phrase tokenizes back into exactly these words, each its own NORM (so matching the
    phrase on NORM is matching the pattern on LOWER)."""
    doc = nlp.make_doc(" ".join(words))
    return len(doc) == len(words) and all(t.norm_ == w == t.lower_ for t, w in zip(doc, words))


def _factory(name: str, patterns_file: str):
    @Language.factory(name, default_config={"patterns_file": patterns_file, "spans_key": MENTIONS_KEY})
    def make(nlp: Language, name: str, patterns_file: str, spans_key: str) -> MentionRuler:
        return MentionRuler(nlp, name, patterns_file=patterns_file, spans_key=spans_key)

    make.__name__ = f"make_{name}"
    return make


make_persons = _factory("nla_persons", "persons.jsonl")
make_demeanour = _factory("nla_demeanour", "demeanour.jsonl")
make_voice = _factory("nla_voice", "voice.jsonl")
make_referral = _factory("nla_referral", "referral.jsonl")
make_minimising = _factory("nla_minimising", "minimising.jsonl")
