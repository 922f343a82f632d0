"""The spaCy pipeline: `spacy.blank("en")` plus rule-based components.

    nla_sentences -> nla_spelling -> nla_persons -> nla_ages -> nla_demeanour -> nla_voice -> nla_referral
    -> nla_minimising -> nla_context -> nla_findings

Every component is a registered factory (also exposed as a `spacy_factories` entry point
in setup.cfg), so a saved pipeline reloads with `spacy.load(path)`.
"""
from __future__ import annotations

import spacy
from spacy.symbols import ORTH
from spacy.language import Language
from spacy.util import compile_suffix_regex

from . import ages, context, findings, mentions, sentences, spelling  # noqa: F401  (registers the factories)
from ..resources import load_json
from .context import MODIFIERS_KEY
from .extensions import register_extensions
from .findings import EVIDENCE_KEY
from .mentions import MENTIONS_KEY

PIPE_NAMES = ("nla_sentences", "nla_spelling", "nla_persons", "nla_ages", "nla_demeanour", "nla_voice", "nla_referral",
              "nla_minimising", "nla_context", "nla_findings")


def adapt_tokenizer(nlp: Language) -> None:
    """Drop the tokenizer's emoticon exceptions that swallow ages: "(8)" must be
    "(", "8", ")", not "(", "8)"."""
    rules = {k: v for k, v in nlp.tokenizer.rules.items() if "(" not in k and ")" not in k}
    # ALL-CAPS logs: "DIDNT", "CANT", "WASNT" split like "didnt", "cant", "wasnt" (same norms)
    for key, pieces in list(rules.items()):
        upper = key.upper()
        if key.islower() and upper not in rules and "".join(p[ORTH] for p in pieces).upper() == upper:
            rules[upper] = [{**p, ORTH: p[ORTH].upper()} for p in pieces]
    norms = load_json("norms.json")
    for word in norms["whole_tokens"]:  # "O/S" is one word, not "O", "/", "S"
        for form in {word, word.upper(), word.title()}:
            rules[form] = [{ORTH: form}]
    nlp.tokenizer.rules = rules
    if norms["suffixes"]:  # "AT NAN'S." -> "NAN", "'S", "."
        nlp.tokenizer.suffix_search = compile_suffix_regex(list(nlp.Defaults.suffixes) + norms["suffixes"]).search
    # hurried-log shorthand reads as the word it stands for in phrase rules ("kids @ their dads")
    for short, word in norms["norms"].items():
        for form in {short, short.upper(), short.title()}:  # "DIDNT" in ALL-CAPS logs too
            nlp.vocab[form].norm_ = word


def build_pipeline() -> Language:
    """A fresh pipeline with the packaged rules."""
    register_extensions()
    nlp = spacy.blank("en")
    adapt_tokenizer(nlp)
    for name in PIPE_NAMES:
        nlp.add_pipe(name)
    return nlp


__all__ = ["build_pipeline", "PIPE_NAMES", "MENTIONS_KEY", "MODIFIERS_KEY", "EVIDENCE_KEY"]
