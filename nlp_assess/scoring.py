"""Assess records end to end: records -> batch review pass -> spaCy pipe -> findings ->
features -> quality model -> output rows.

    >>> from nlp_assess import assess
    >>> rows = list(assess([{"record_id": "1", "narrative": "No children present."}]))
    >>> rows[0]["child_present"]
    'no'

One output row per input row, in input order; a row that cannot be assessed comes back
with `status: "error"` and a one-line reason, and the batch goes on.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Union

from spacy.language import Language

from .findings import record_findings
from .records import InputRow, rows_from_dicts

OUTPUT_FIELDS = ("record_id", "status", "error", "child_present", "demeanour_recorded", "voice",
                 "referral_recorded", "review_copy_paste", "copy_of", "review_similarity", "na_despite_presence",
                 "minimising_language", "quality_score", "quality_band", "quality_probabilities", "quality_reasons",
                 "evidence")

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


class ReviewLookup:
    """Batch-level pass over every supervisor review (copies and stock reviews). Reads the rows
    once, keeping only arrays and record ids; the output fields of a row are built when the
    narratives pass asks for them, by the row's position among the valid rows."""

    def __init__(self, rows: Iterable[InputRow]):
        from collections import deque

        from .reviews.detect import CopyRows, analyse

        record_ids: List[str] = []
        narratives: deque = deque()

        def reviews() -> Iterator[str]:
            for r in rows:
                if r.record is not None:
                    record_ids.append(str(r.record_id))
                    narratives.append(str(r.record["narrative"]))
                    yield str(r.record.get("supervisor_review") or "")

        def narrative_stream() -> Iterator[str]:
            while True:  # consumed in step with reviews(), a chunk at a time
                yield narratives.popleft() if narratives else ""

        self.rows = CopyRows(analyse(reviews(), narrative_stream()), record_ids)
        self.seen = 0

    def next_row(self, row: InputRow) -> Dict[str, Any]:
        """Fields for the next valid row of the second pass (rows come in the same order)."""
        out = self.rows.row(self.seen, str(row.record.get("supervisor_review") or ""))
        self.seen += 1
        return out


class QualityModel:
    """The quality classifier, loaded (and verified) once."""

    def __init__(self, model_dir=None):
        from .model import load_model

        self.pipeline, self.manifest = load_model(model_dir)

    def score(self, records: List[Dict[str, Any]], rows: List[Dict[str, Any]]) -> None:
        """Fill quality_score, quality_band, quality_probabilities and quality_reasons in place."""
        from .features import feature_row, to_matrix
        from .model import CLASSES, predict, reasons

        if not rows:
            return
        X = to_matrix([feature_row(rec, row) for rec, row in zip(records, rows)])
        proba, scores, bands = predict(self.pipeline, X)
        why = reasons(self.pipeline, X, rows, scores)
        for row, p, s, b, w in zip(rows, proba, scores, bands, why):
            row["quality_score"] = round(float(s), 1)
            row["quality_band"] = b
            row["quality_probabilities"] = {c: round(float(v), 3) for c, v in zip(CLASSES, p)}
            row["quality_reasons"] = w


def assess_rows(rows: Union[Iterable[InputRow], Callable[[], Iterable[InputRow]]], *,
                nlp: Optional[Language] = None, batch_size: int = 256, n_process: int = 1,
                reviews: bool = True, quality: bool = True,
                model: Optional["QualityModel"] = None) -> Iterator[Dict[str, Any]]:
    """Assess InputRows (see `records.read_records`), yielding output rows in order.

    With `reviews` (the default) the batch is read twice: a copy-paste review pass over all
    reviews, then the narratives. Pass `rows` as a function returning a fresh iterator (as
    `lambda: read_records(path)`) to stream both passes; an iterable is held in memory.
    With `quality` each assessed row gets the classifier's score, band, probabilities and
    reasons (the shipped model unless `model`)."""
    nlp = nlp or get_pipeline()
    if not callable(rows):
        held = list(rows)
        rows = lambda: held  # noqa: E731
    lookup = ReviewLookup(rows()) if reviews else None
    if quality and model is None:
        model = QualityModel()
    for chunk in _chunks(rows(), batch_size):
        valid = [r for r in chunk if r.record is not None]
        texts = [str(r.record["narrative"]) for r in valid]
        review_texts = [str(r.record.get("supervisor_review") or "") for r in valid]
        pipe_kw = {"batch_size": 64, "n_process": n_process}
        narr_docs = list(nlp.pipe(texts, **pipe_kw)) if texts else []
        has_review = [i for i, t in enumerate(review_texts) if t.strip()]
        review_docs = dict(zip(has_review, nlp.pipe([review_texts[i] for i in has_review], **pipe_kw))) \
            if has_review else {}
        results = {}
        for i, (row, doc) in enumerate(zip(valid, narr_docs)):
            rdoc = review_docs.get(i)
            found = record_findings(doc._.findings, rdoc._.findings if rdoc is not None else None,
                                    row.record.get("children_present_field"))
            out = empty_row(row)
            out.update(found)
            review = lookup.next_row(row) if lookup is not None else None
            if review is not None:
                out["review_copy_paste"] = review["review_copy_paste"]
                out["copy_of"] = review["copy_of"]
                out["review_similarity"] = review["review_similarity"]
                out["review_specificity"] = review["review_specificity"]  # a model feature, not output
                out["evidence"] = out["evidence"] + review["review_evidence"]
            out["status"] = "ok"
            results[row.index] = out
        if quality and valid:
            model.score([r.record for r in valid], [results[r.index] for r in valid])
        for row in chunk:
            yield results[row.index] if row.index in results else error_row(row)


def assess(records: Iterable[Dict[str, Any]], **kwargs: Any) -> Iterator[Dict[str, Any]]:
    """Assess an iterable of record dicts (fields as in formats.md)."""
    return assess_rows(rows_from_dicts(records), **kwargs)
