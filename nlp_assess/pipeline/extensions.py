"""Doc and Span extensions. Every value stored is plain data (dicts, lists, strings)
so docs survive `Doc.to_bytes` and `nlp.pipe(n_process=2)`."""
from spacy.tokens import Doc, Span


def register_extensions() -> None:
    if not Span.has_extension("qualifiers"):
        # e.g. {"presence": "present", "subject": "child", "temporality": "current", ...}
        Span.set_extension("qualifiers", default=None)
    if not Span.has_extension("age"):
        # age in years attached by nla_ages ("son (24)" -> 24.0), else None
        Span.set_extension("age", default=None)
    if not Doc.has_extension("record_date"):
        # the record's ISO date ("2025-03-11") when the caller knows it, for ages from dates of birth
        Doc.set_extension("record_date", default=None)
    if not Doc.has_extension("findings"):
        # narrative-level findings of nla_findings (see pipeline/findings.py)
        Doc.set_extension("findings", default=None)
    if not Doc.has_extension("headings"):
        # [[start_char, end_char, value_text], ...] of form headings such as "CHILDREN:"
        Doc.set_extension("headings", default=None)
