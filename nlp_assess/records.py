"""Reading input records (CSV or JSON Lines, any column names) without losing any.

Every input row becomes one `InputRow`: either a valid record (a dict with at least
`record_id` and `narrative` as non-empty strings) or an error with a one-line reason that
never quotes the narrative. Only an unusable input as a whole (missing file, a CSV header
without the required columns) raises `InputError`.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Dict, Iterable, Iterator, Optional, Union

REQUIRED = ("record_id", "narrative")
TEXT_FIELDS = ("narrative", "supervisor_review")
OPTIONAL = ("supervisor_review", "incident_type", "officer_id", "team", "reviewer_id",
            "children_present_field", "date")

csv.field_size_limit(sys.maxsize)


class InputError(Exception):
    """The input as a whole cannot be read (exit code 2)."""


@dataclass
class InputRow:
    index: int  # 0-based position in the input
    record: Optional[Dict[str, object]] = None
    error: Optional[str] = None
    record_id: Optional[str] = None
    extra: Dict[str, object] = field(default_factory=dict)


def _has_surrogates(s: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in s)


def validate(raw: Dict[str, object], index: int, mapping: Optional[Dict[str, str]] = None) -> InputRow:
    """Turn one raw row (already mapped to our field names) into an InputRow."""
    rec: Dict[str, object] = {}
    for k, v in raw.items():
        rec[(mapping or {}).get(k, k)] = v
    rid = rec.get("record_id")
    rid_s = None
    if isinstance(rid, (str, int)) and not isinstance(rid, bool) and str(rid).strip():
        rid_s = str(rid).strip()
        if _has_surrogates(rid_s):
            rid_s = rid_s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    row = InputRow(index=index, record_id=rid_s)
    if rid_s is None:
        row.error = "record_id is missing or empty"
        return row
    if "narrative" not in rec:
        row.error = "narrative field is missing"
        return row
    for name in TEXT_FIELDS + ("children_present_field",):
        v = rec.get(name)
        if v is None:
            continue
        if not isinstance(v, str):
            row.error = f"{name} is not a string (got {type(v).__name__})"
            return row
        if _has_surrogates(v):
            row.error = f"{name} is not valid UTF-8 text"
            return row
        if "\x00" in v:
            rec[name] = v.replace("\x00", " ")
    if not str(rec["narrative"]).strip():
        row.error = "narrative is empty"
        return row
    row.record = rec
    return row


def input_path(path: Union[str, Path]) -> Path:
    """The file to read. `-` (stdin) is spooled to a new temporary file (removed at exit), so
    the batch can be read twice (the review pass, then the narratives) without holding it in
    memory: call this once and read the returned path."""
    if str(path) == "-":
        import atexit
        import os
        import shutil
        import tempfile

        fd, name = tempfile.mkstemp(prefix="nlp-assess-stdin-")
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
        atexit.register(lambda: os.path.exists(name) and os.remove(name))
        return Path(name)
    p = Path(path)
    if not p.exists():
        raise InputError(f"input file not found: {p}")
    if p.is_dir():
        raise InputError(f"input is a directory, not a file: {p}")
    return p


def detect_format(path: Union[str, Path], head: bytes) -> str:
    suffix = Path(str(path)).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "jsonl" if first == b"{" else "csv"


def read_jsonl(stream: BinaryIO, mapping: Optional[Dict[str, str]] = None) -> Iterator[InputRow]:
    index = 0
    for line in stream:
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8-sig" if index == 0 else "utf-8")
        except UnicodeDecodeError:
            yield InputRow(index=index, error="line is not valid UTF-8")
            index += 1
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield InputRow(index=index, error=f"line is not valid JSON ({exc.msg} at column {exc.colno})")
            index += 1
            continue
        if not isinstance(obj, dict):
            yield InputRow(index=index, error=f"line is a JSON {type(obj).__name__}, not an object")
        else:
            yield validate(obj, index, mapping)
        index += 1


def read_csv(stream: BinaryIO, mapping: Optional[Dict[str, str]] = None) -> Iterator[InputRow]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        return
    mapped = [(mapping or {}).get(h.strip(), h.strip()) for h in header]
    missing = [c for c in REQUIRED if c not in mapped]
    if missing:
        found = ", ".join(h for h in header) or "(none)"
        raise InputError(f"missing required column(s) {', '.join(missing)}; columns found: {found}")
    for index, values in enumerate(reader):
        if not values:
            continue
        raw = dict(zip(mapped, values))
        if len(values) != len(mapped):
            yield InputRow(index=index, record_id=raw.get("record_id") or None,
                           error=f"row has {len(values)} fields, header has {len(mapped)}")
            continue
        yield validate(raw, index)


def read_records(path: Union[str, Path], *, fmt: Optional[str] = None,
                 mapping: Optional[Dict[str, str]] = None) -> Iterator[InputRow]:
    """All rows of a CSV or JSON Lines file (`-` for stdin), valid or not, in order, streamed."""
    p = input_path(path)

    def rows() -> Iterator[InputRow]:
        with open(p, "rb") as stream:
            kind = fmt or detect_format(path, stream.peek(64)[:64] if hasattr(stream, "peek") else b"")
            yield from (read_jsonl if kind == "jsonl" else read_csv)(stream, mapping)

    return rows()


def rows_from_dicts(records: Iterable[Dict[str, object]]) -> Iterator[InputRow]:
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            yield InputRow(index=i, error=f"record is a {type(rec).__name__}, not a mapping")
        else:
            yield validate(rec, i)
