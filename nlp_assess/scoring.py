"""Assess records end to end: records -> spaCy pipe -> findings -> output rows.

    >>> from nlp_assess import assess
    >>> rows = list(assess([{"record_id": "1", "narrative": "No children present."}]))
    >>> rows[0]["child_present"]
    'no'

One output row per input row, in input order; a row that cannot be assessed comes back
with `status: "error"` and a one-line reason, and the batch goes on.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Iterator, List, Optional

from spacy.language import Language

from .findings import record_findings
from .records import InputRow, rows_from_dicts

OUTPUT_FIELDS = ("record_id", "status", "error", "child_present", "demeanour_recorded", "voice",
                 "referral_recorded", "review_copy_paste", "copy_of", "review_similarity", "na_despite_presence",
                 "minimising_language", "quality_score", "quality_band", "evidence")

_NLP: Optional[Language] = None


def get_pipeline() -> Language:
    """The packaged pipeline, built once per process."""
    global _NLP
    if _NLP is None:
        from .pipeline import build_pipeline

        _NLP = build_pipeline()
    return _NLP


def empty_row(row: InputRow) -> Dict[str, Any]:
    out: Dict[str, Any] = {k: None for k in OUTPUT_FIELDS}
    out["record_id"] = row.record_id
    return out


def error_row(row: InputRow) -> Dict[str, Any]:
    out = empty_row(row)
    out["status"] = "error"
    out["error"] = row.error
    out["evidence"] = []
    return out


def _chunks(rows: Iterable[InputRow], size: int) -> Iterator[List[InputRow]]:
    chunk: List[InputRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def review_findings(rows: List[InputRow]) -> Dict[int, Dict[str, Any]]:
    """Batch-level pass over every supervisor review: copies and stock reviews, by row index."""
    from .reviews import detect_copies

    valid = [r for r in rows if r.record is not None]
    found = detect_copies([str(r.record.get("supervisor_review") or "") for r in valid],
                          [r.record_id for r in valid], [str(r.record["narrative"]) for r in valid])
    return {r.index: f for r, f in zip(valid, found)}


def assess_rows(rows: Iterable[InputRow], *, nlp: Optional[Language] = None, batch_size: int = 256,
                n_process: int = 1, reviews: bool = True) -> Iterator[Dict[str, Any]]:
    """Assess InputRows (see `records.read_records`), yielding output rows in order.

    With `reviews` (the default) the batch is first read whole for the copy-paste review
    pass (two passes: reviews, then narratives)."""
    nlp = nlp or get_pipeline()
    by_index: Dict[int, Dict[str, Any]] = {}
    if reviews:
        rows = list(rows)
        by_index = review_findings(rows)
    for chunk in _chunks(rows, batch_size):
        valid = [r for r in chunk if r.record is not None]
        texts = [str(r.record["narrative"]) for r in valid]
        reviews = [str(r.record.get("supervisor_review") or "") for r in valid]
        pipe_kw = {"batch_size": 64, "n_process": n_process}
        narr_docs = list(nlp.pipe(texts, **pipe_kw)) if texts else []
        has_review = [i for i, t in enumerate(reviews) if t.strip()]
        review_docs = dict(zip(has_review, nlp.pipe([reviews[i] for i in has_review], **pipe_kw))) if has_review else {}
        results = {}
        for i, (row, doc) in enumerate(zip(valid, narr_docs)):
            rdoc = review_docs.get(i)
            found = record_findings(doc._.findings, rdoc._.findings if rdoc is not None else None,
                                    row.record.get("children_present_field"))
            out = empty_row(row)
            out.update(found)
            review = by_index.get(row.index)
            if review is not None:
                out["review_copy_paste"] = review["review_copy_paste"]
                out["copy_of"] = review["copy_of"]
                out["review_similarity"] = review["review_similarity"]
                out["evidence"] = out["evidence"] + review["review_evidence"]
            out["status"] = "ok"
            results[row.index] = out
        for row in chunk:
            yield results[row.index] if row.index in results else error_row(row)


def assess(records: Iterable[Dict[str, Any]], **kwargs: Any) -> Iterator[Dict[str, Any]]:
    """Assess an iterable of record dicts (fields as in formats.md)."""
    return assess_rows(rows_from_dicts(records), **kwargs)
