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
from typing import BinaryIO, Dict, Iterable, Iterator, Optional, Tuple, Union

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


MAX_TEXT_CHARS = 1_000_000  # spaCy's default max_length: a longer narrative or review is an error row
FALLBACK_ENCODING = "cp1252"  # police exports from Windows systems; latin-1 for bytes cp1252 leaves undefined
META_FIELDS = ("incident_type", "officer_id", "team", "reviewer_id", "children_present_field", "date")


def _has_surrogates(s: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in s)


def decode_fallback(data: bytes, encoding: Optional[str] = FALLBACK_ENCODING) -> Optional[str]:
    """Bytes that are not UTF-8, decoded with the fallback (cp1252, then latin-1 for the five
    bytes cp1252 leaves undefined); None when there is no fallback."""
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode("latin-1")


@dataclass
class ReadStats:
    """What reading a batch noticed, for the summary on stderr."""
    fallback_decoded: int = 0  # rows with bytes that were not UTF-8, decoded with the fallback


def validate(raw: Dict[str, object], index: int, mapping: Optional[Dict[str, str]] = None, *,
             encoding: Optional[str] = FALLBACK_ENCODING, stats: Optional[ReadStats] = None) -> InputRow:
    """Turn one raw row into an InputRow (column names mapped to ours by `mapping`)."""
    rec: Dict[str, object] = {}
    for k, v in raw.items():
        rec[(mapping or {}).get(k, k)] = v
    if encoding and any(isinstance(v, str) and _has_surrogates(v) for v in rec.values()):
        for k, v in rec.items():  # CSV bytes that were not UTF-8 (read with surrogateescape)
            if isinstance(v, str) and _has_surrogates(v):
                rec[k] = decode_fallback(v.encode("utf-8", "surrogateescape"), encoding)
        if stats is not None:
            stats.fallback_decoded += 1
    rid = rec.get("record_id")
    rid_s = None
    if isinstance(rid, (str, int)) and not isinstance(rid, bool) and str(rid).strip():
        rid_s = str(rid).strip()
        if _has_surrogates(rid_s):
            rid_s = rid_s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    row = InputRow(index=index, record_id=rid_s)
    row.extra = {k: v for k, v in rec.items() if k not in REQUIRED + TEXT_FIELDS}
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
        if len(v) > MAX_TEXT_CHARS:
            row.error = f"{name} is too long ({len(v):,} characters; the limit is {MAX_TEXT_CHARS:,})"
            return row
    if rec["narrative"] is None or not str(rec["narrative"]).strip():
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


def open_input(path: Union[str, Path], *, input_format: Optional[str] = None,
               output: Optional[str] = None) -> Tuple[Path, str]:
    """(file to read, its format) for a command that reads INPUT and may write OUTPUT: refuses
    OUTPUT equal to INPUT, spools stdin once (see `input_path`), sniffs the format unless given."""
    if output and output != "-" and str(path) != "-" and Path(output).resolve() == Path(path).resolve():
        raise InputError("output file is the input file; refusing to overwrite the input")
    p = input_path(path)  # a missing file or directory fails here
    with open(p, "rb") as head:
        return p, input_format or detect_format(path, head.read(64))


def detect_format(path: Union[str, Path], head: bytes) -> str:
    suffix = Path(str(path)).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "jsonl" if first == b"{" else "csv"


def check_not_empty(path: Union[str, Path]) -> None:
    """An input with no bytes but white space (or a BOM) is unusable: InputError."""
    with open(path, "rb") as f:
        head = f.read(4096)
        while head:
            if head.replace(b"\xef\xbb\xbf", b"").strip():
                return
            head = f.read(1 << 20)
    raise InputError("input is empty")


def read_jsonl(stream: BinaryIO, mapping: Optional[Dict[str, str]] = None, *,
               encoding: Optional[str] = FALLBACK_ENCODING, stats: Optional[ReadStats] = None) -> Iterator[InputRow]:
    index = 0
    for line in stream:
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8-sig" if index == 0 else "utf-8")
        except UnicodeDecodeError:
            text = decode_fallback(line, encoding)
            if text is None:
                yield InputRow(index=index, error="line is not valid UTF-8")
                index += 1
                continue
            if stats is not None:
                stats.fallback_decoded += 1
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield InputRow(index=index, error=f"line is not valid JSON ({exc.msg} at column {exc.colno})")
            index += 1
            continue
        if not isinstance(obj, dict):
            yield InputRow(index=index, error=f"line is a JSON {type(obj).__name__}, not an object")
        else:
            yield validate(obj, index, mapping, encoding=None)
        index += 1


MAX_RECORD_LINES = 5000  # a quoted CSV field spanning more lines than this is an unbalanced quote


class _RecordTooLong(Exception):
    pass


class _Lines:
    """Physical lines of a text stream, remembering the lines of the current CSV record and
    able to push lines back, so a record that swallowed the lines after it (an unbalanced
    quote) can be re-read from its second line."""

    def __init__(self, stream: Iterable[str]):
        self.stream = iter(stream)
        self.back: list = []
        self.taken: list = []

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if len(self.taken) >= MAX_RECORD_LINES:
            raise _RecordTooLong()
        line = self.back.pop() if self.back else next(self.stream)
        self.taken.append(line)
        return line

    def push_back_after_first(self) -> None:
        self.back.extend(reversed(self.taken[1:]))
        self.taken = []


def read_csv(stream: BinaryIO, mapping: Optional[Dict[str, str]] = None, *,
             encoding: Optional[str] = FALLBACK_ENCODING, stats: Optional[ReadStats] = None) -> Iterator[InputRow]:
    """CSV rows, one InputRow each. A ragged row, or a quote left open (the row is re-read
    from its next line so the rows after it are kept), gives an error row."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    lines = _Lines(text)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [h.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for h in header]
    mapped = [(mapping or {}).get(h.strip(), h.strip()) for h in header]
    missing = [c for c in REQUIRED if c not in mapped]
    if missing:
        found = ", ".join(h for h in header) or "(none)"
        raise InputError(f"missing required column(s) {', '.join(missing)}; columns found: {found}")
    index = 0
    while True:
        lines.taken = []
        try:
            values = next(reader)
        except StopIteration:
            return
        except (_RecordTooLong, csv.Error) as exc:
            values, broken = None, exc
        else:
            broken = None
        if values is not None and not values:
            continue
        spans = len(lines.taken)
        if broken is not None or (spans > 1 and len(values) != len(mapped)):
            first = next(csv.reader([lines.taken[0]]), [""]) if lines.taken else [""]
            rid = first[0].strip() if first and first[0].strip() and not _has_surrogates(first[0]) else None
            why = (f"spans more than {MAX_RECORD_LINES} lines" if isinstance(broken, _RecordTooLong)
                   else "has an unbalanced quote")
            yield InputRow(index=index, record_id=rid, error=f"row {why}; the rows after it were read again")
            lines.push_back_after_first()
            reader = csv.reader(lines, strict=True)
            index += 1
            continue
        raw = dict(zip(mapped, values))
        if len(values) != len(mapped):
            rid = raw.get("record_id") or None
            yield InputRow(index=index, record_id=rid if rid and not _has_surrogates(rid) else None,
                           error=f"row has {len(values)} fields, header has {len(mapped)}")
        else:
            yield validate(raw, index, encoding=encoding, stats=stats)
        index += 1


def read_records(path: Union[str, Path], *, fmt: Optional[str] = None,
                 mapping: Optional[Dict[str, str]] = None, encoding: Optional[str] = FALLBACK_ENCODING,
                 stats: Optional[ReadStats] = None) -> Iterator[InputRow]:
    """All rows of a CSV or JSON Lines file (`-` for stdin), valid or not, in order, streamed.

    `mapping` renames input columns to ours ({"Narrative Text": "narrative"}); bytes that
    are not UTF-8 are decoded with `encoding` (cp1252 by default; None makes them error
    rows) and counted in `stats`."""
    p = input_path(path)

    def rows() -> Iterator[InputRow]:
        with open(p, "rb") as stream:
            kind = fmt or detect_format(path, stream.peek(64)[:64] if hasattr(stream, "peek") else b"")
            reader = read_jsonl if kind == "jsonl" else read_csv
            yield from reader(stream, mapping, encoding=encoding, stats=stats)

    return rows()


def rows_from_dicts(records: Iterable[Dict[str, object]]) -> Iterator[InputRow]:
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            yield InputRow(index=i, error=f"record is a {type(rec).__name__}, not a mapping")
        else:
            yield validate(rec, i, encoding=None)
