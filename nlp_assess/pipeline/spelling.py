"""Typing slips read as the word meant.

Officers typing on a phone at the scene write "chidlren", "daugther", "asleeep", "VPFR".
This component gives such a token the NORM of the word meant ("chidlren" -> "children"),
so every phrase rule, which the mention rulers match on NORM, finds it; the token's text
and evidence offsets are untouched. The table of slips is data, `resources/spelling.json`,
built offline by `scripts/build_spelling.py` from the rule files' own words: only slips
that are not English words are listed, so "drying" is never read as "crying".
"""
from __future__ import annotations

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

from ..resources import load_json


class SpellingNormaliser:
    def __init__(self, nlp: Language, name: str = "nla_spelling", *, table_file: str = "spelling.json"):
        self.name = name
        self.table_file = table_file
        # by hash of the lower-case slip (not added to the vocabulary): the word meant
        self.corrections = {get_string_id(slip): word for slip, word in load_json(table_file)["corrections"].items()}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        get = self.corrections.get
        for i, key in enumerate(doc.to_array(LOWER).tolist()):
            word = get(key)
            if word is not None:
                doc[i].norm_ = word
        return doc

    def to_disk(self, path, *, exclude=tuple()):
        pass  # the table comes from package data; nothing to save

    def from_disk(self, path, *, exclude=tuple()):
        return self


@Language.factory("nla_spelling", default_config={"table_file": "spelling.json"})
def make_spelling(nlp: Language, name: str, table_file: str) -> SpellingNormaliser:
    return SpellingNormaliser(nlp, name, table_file=table_file)
