"""Assess records end to end: records -> batch review pass -> export artefacts undone
(artefacts.py) -> spaCy pipe -> findings (with the trained second opinion, second_opinion.py)
-> features -> quality model -> output rows.

    >>> from nlp_assess import assess
    >>> rows = list(assess([{"record_id": "1", "narrative": "No children present."}]))
    >>> rows[0]["child_present"]
    'no'

One output row per input row, in input order; a row that cannot be assessed comes back
with `status: "error"` and a one-line reason, and the batch goes on.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple, Union

from spacy.language import Language
from spacy.tokens import Doc

from .artefacts import clean, restore
from .findings import record_findings
from .model import QualityModel  # noqa: F401  (the scorer used here, importable from here as before)
from .records import InputRow, rows_from_dicts
from .second_opinion import LabelModel, overrides

OUTPUT_FIELDS = ("record_id", "status", "error", "child_present", "demeanour_recorded", "voice",
                 "referral_recorded", "review_copy_paste", "copy_of", "review_similarity", "na_despite_presence",
                 "minimising_language", "quality_score", "quality_band", "quality_probabilities", "quality_reasons",
                 "second_opinion", "evidence")

_NLP: Optional[Language] = None


def get_pipeline() -> Language:
    """The packaged pipeline, built once per process."""
    global _NLP
    if _NLP is None:
        from .pipeline import build_pipeline

        _NLP = build_pipeline()
    return _NLP


INTERNAL_FIELDS = ("review_specificity",)  # model features kept on the row, never written


def carried_name(name: str) -> str:
    """An input column carried through to the output, renamed if it clashes with an output field."""
    return f"input_{name}" if name in OUTPUT_FIELDS or name in INTERNAL_FIELDS else name


def empty_row(row: InputRow) -> Dict[str, Any]:
    out: Dict[str, Any] = {k: None for k in OUTPUT_FIELDS}
    out["record_id"] = row.record_id
    for k, v in row.extra.items():  # extra input columns, carried through untouched
        out[carried_name(str(k))] = v
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
        from collections import Counter, deque

        from .reviews.detect import CopyRows, analyse

        record_ids: List[str] = []
        narratives: deque = deque()
        extra: Dict[str, None] = {}  # extra input columns in order of first appearance
        self.total_rows = 0

        def reviews() -> Iterator[str]:
            for r in rows:
                self.total_rows += 1
                for k in r.extra:
                    extra.setdefault(carried_name(str(k)))
                if r.record is not None:
                    record_ids.append(str(r.record_id))
                    narratives.append(str(r.record["narrative"]))
                    yield str(r.record.get("supervisor_review") or "")

        def narrative_stream() -> Iterator[str]:
            while True:  # consumed in step with reviews(), a chunk at a time
                yield narratives.popleft() if narratives else ""

        self.rows = CopyRows(analyse(reviews(), narrative_stream()), record_ids)
        self.extra_fields = list(extra)
        self.duplicate_ids = {k: n for k, n in Counter(record_ids).items() if n > 1}
        self.seen = 0

    def next_row(self, row: InputRow) -> Dict[str, Any]:
        """Fields for the next valid row of the second pass (rows come in the same order)."""
        out = self.rows.row(self.seen, str(row.record.get("supervisor_review") or ""))
        self.seen += 1
        return out


Review = Optional[Dict[str, Any]]  # a row's fields from the batch review pass


def record_date(record: Dict[str, Any]) -> Optional[str]:
    """The record's `date` field as text, if any (ages from dates of birth count by it)."""
    value = record.get("date")
    if value is None:
        return None
    return str(value).strip() or None


def dated_docs(nlp: Language, texts: List[str], dates: List[Optional[str]]) -> Iterator[Doc]:
    """Tokenised docs that carry their record's date (`doc._.record_date`) into the pipeline."""
    for text, when in zip(texts, dates):
        doc = nlp.make_doc(text)
        doc._.record_date = when
        yield doc


def score_chunk(items: List[Tuple[InputRow, Review]], nlp: Language, model: Optional[QualityModel],
                n_process: int = 1, labeller: Optional[LabelModel] = None) -> List[Dict[str, Any]]:
    """Output rows for a chunk of input rows (with their review-pass fields), in order:
    spaCy pipe over narratives and reviews -> record findings, overruled where the trained
    `labeller` is confident (none: the rules alone) -> quality model."""
    valid = [(row, review) for row, review in items if row.record is not None]
    texts = [str(row.record["narrative"]) for row, _ in valid]
    review_texts = [str(row.record.get("supervisor_review") or "") for row, _ in valid]
    dates = [record_date(row.record) for row, _ in valid]
    # export artefacts (HTML, hyphenated line breaks, hard wraps) undone; evidence mapped back
    clean_texts = [clean(t) for t in texts]
    clean_reviews = [clean(t) for t in review_texts]
    pipe_kw = {"batch_size": 64, "n_process": n_process}
    narr_docs = list(nlp.pipe(dated_docs(nlp, [c.text for c in clean_texts], dates), **pipe_kw)) if texts else []
    has_review = [i for i, t in enumerate(review_texts) if t.strip()]
    review_docs = dict(zip(has_review, nlp.pipe(dated_docs(nlp, [clean_reviews[i].text for i in has_review],
                                                           [dates[i] for i in has_review]), **pipe_kw))) \
        if has_review else {}
    opinions = labeller.opinions(texts) if labeller is not None else []
    results: Dict[int, Dict[str, Any]] = {}
    for i, ((row, review), doc) in enumerate(zip(valid, narr_docs)):
        rdoc = review_docs.get(i)
        narrative = restore(doc._.findings, clean_texts[i], texts[i])
        overruled = overrides(narrative, opinions[i], labeller.thresholds) if labeller is not None else None
        found = record_findings(narrative,
                                restore(rdoc._.findings, clean_reviews[i], review_texts[i]) if rdoc is not None else None,
                                row.record.get("children_present_field"), overruled)
        out = empty_row(row)
        out.update(found)
        out["second_opinion"] = overruled  # None: the rules alone
        if review is not None:
            out["review_copy_paste"] = review["review_copy_paste"]
            out["copy_of"] = review["copy_of"]
            out["review_similarity"] = review["review_similarity"]
            out["review_specificity"] = review["review_specificity"]  # a model feature, not output
            out["evidence"] = out["evidence"] + review["review_evidence"]
        out["status"] = "ok"
        results[row.index] = out
    if model is not None and valid:
        model.score([row.record for row, _ in valid], [results[row.index] for row, _ in valid])
    return [results[row.index] if row.index in results else error_row(row) for row, _ in items]


_WORKER: Dict[str, Any] = {}


def _init_worker(model_dir, quality: bool, second_opinion: bool, label_model_dir) -> None:
    """Load the pipeline and models once per worker process."""
    _WORKER["nlp"] = get_pipeline()
    _WORKER["model"] = QualityModel(model_dir) if quality else None
    _WORKER["labeller"] = LabelModel(label_model_dir) if second_opinion else None


def _score_in_worker(items: List[Tuple[InputRow, Review]]) -> List[Dict[str, Any]]:
    return score_chunk(items, _WORKER["nlp"], _WORKER["model"], labeller=_WORKER["labeller"])


def _scored_in_pool(chunks: Iterator[List[Tuple[InputRow, Review]]], jobs: int, model_dir,
                    quality: bool, second_opinion: bool, label_model_dir) -> Iterator[List[Dict[str, Any]]]:
    """score_chunk over worker processes, in order, with at most 2 chunks per worker in flight
    (the input is streamed, never read ahead into memory)."""
    import multiprocessing
    from collections import deque

    ctx = multiprocessing.get_context("spawn")  # no fork of a parent with BLAS threads
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(model_dir, quality, second_opinion, label_model_dir)) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(_score_in_worker, (chunk,)))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def assess_rows(rows: Union[Iterable[InputRow], Callable[[], Iterable[InputRow]]], *,
                nlp: Optional[Language] = None, batch_size: int = 256, n_process: int = 1,
                reviews: bool = True, quality: bool = True, model: Optional["QualityModel"] = None,
                jobs: int = 1, skip: int = 0, second_opinion: bool = True,
                labeller: Optional[LabelModel] = None,
                on_review_pass: Optional[Callable[["ReviewLookup"], None]] = None) -> Iterator[Dict[str, Any]]:
    """Assess InputRows (see `records.read_records`), yielding output rows in order.

    With `reviews` (the default) the batch is read twice: a copy-paste review pass over all
    reviews, then the narratives. Pass `rows` as a function returning a fresh iterator (as
    `lambda: read_records(path)`) to stream both passes; an iterable is held in memory.
    With `quality` each assessed row gets the classifier's score, band, probabilities and
    reasons (the shipped model unless `model`). With `second_opinion` (the default) the
    trained classifier overrules the rules' child_present and voice where it is confident (the
    shipped label model unless `labeller`, a `second_opinion.LabelModel`); without it the rules
    decide alone. `jobs` > 1 scores chunks in that many worker processes (each loads the
    pipeline and models once). `skip` leaves out the first rows (to
    resume a run; the review pass still reads them all). `on_review_pass` is called with the
    review pass once it has read the batch (to count rows or duplicate ids)."""
    if not callable(rows):
        held = list(rows)
        rows = lambda: held  # noqa: E731
    lookup = ReviewLookup(rows()) if reviews else None
    if lookup is not None and on_review_pass is not None:
        on_review_pass(lookup)

    def chunks() -> Iterator[List[Tuple[InputRow, Review]]]:
        chunk: List[Tuple[InputRow, Review]] = []
        for row in rows():
            review = lookup.next_row(row) if lookup is not None and row.record is not None else None
            if row.index < skip:
                continue
            chunk.append((row, review))
            if len(chunk) >= batch_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    if jobs > 1:
        # each worker loads its own classifier: the one given, or the shipped one (which is also
        # what a side process serving opinions, model.BackgroundModel, holds)
        label_model_dir = labeller.model_dir if isinstance(labeller, LabelModel) else None
        scored = _scored_in_pool(chunks(), jobs, model.model_dir if model is not None else None, quality,
                                 second_opinion, label_model_dir)
    else:
        nlp = nlp or get_pipeline()
        if quality and model is None:
            model = QualityModel()
        if second_opinion and labeller is None:
            labeller = LabelModel()
        scored = (score_chunk(chunk, nlp, model if quality else None, n_process,
                              labeller if second_opinion else None) for chunk in chunks())
    for out_rows in scored:
        yield from out_rows
def assess(records: Iterable[Dict[str, Any]], **kwargs: Any) -> Iterator[Dict[str, Any]]:
    """Assess an iterable of record dicts (fields as in formats.md)."""
    return assess_rows(rows_from_dicts(records), **kwargs)
