"""Writing output rows as JSON Lines or CSV (evidence flattened to a JSON string), and
reading back a partial output to resume an interrupted run."""
from __future__ import annotations

import csv
import json
from typing import IO, Any, Dict, Iterator, List, Optional, Sequence

from .scoring import INTERNAL_FIELDS, OUTPUT_FIELDS


class RowWriter:
    """Writes rows one at a time. JSON Lines: the output fields, then any carried-through
    input columns of the row. CSV: the output fields plus `extra_fields` as columns."""

    def __init__(self, stream: IO[str], fmt: str = "jsonl", extra_fields: Sequence[str] = (),
                 header: bool = True):
        self.stream = stream
        self.fmt = fmt
        self.fields: List[str] = list(OUTPUT_FIELDS) + [f for f in extra_fields if f not in OUTPUT_FIELDS]
        self._csv = None
        if fmt == "csv":
            self._csv = csv.DictWriter(stream, fieldnames=self.fields, extrasaction="ignore", lineterminator="\n")
            if header:
                self._csv.writeheader()

    def write(self, row: Dict[str, Any]) -> None:
        if self._csv is not None:
            flat = {}
            for k in self.fields:
                v = row.get(k)
                if isinstance(v, (list, dict)):
                    v = json.dumps(v, ensure_ascii=False)
                elif isinstance(v, bool):
                    v = "true" if v else "false"
                flat[k] = "" if v is None else v
            self._csv.writerow(flat)
        else:
            out = {k: row.get(k) for k in OUTPUT_FIELDS}
            out.update((k, v) for k, v in row.items() if k not in out and k not in INTERNAL_FIELDS)
            self.stream.write(json.dumps(out, ensure_ascii=False) + "\n")


def read_partial(path, fmt: str) -> Iterator[Optional[str]]:
    """record_ids of the complete rows of a partial output (a run cut off part-way). Stops at
    the first incomplete row; the caller truncates the file there (see `complete_length`)."""
    with open(path, encoding="utf-8", newline="") as f:
        if fmt == "csv":
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                return
            for values in reader:
                if len(values) != len(header):
                    return
                yield values[0] or None
        else:
            for line in f:
                if not line.endswith("\n"):
                    return
                try:
                    yield json.loads(line)["record_id"]
                except (ValueError, KeyError, TypeError):
                    return


def complete_length(path, fmt: str, rows: int) -> int:
    """Byte length of the header plus the first `rows` rows of a partial output."""
    with open(path, "rb") as f:
        data = f.read()
    if fmt == "csv":  # rows may hold quoted newlines: count physical lines the csv module reads
        lines = iter(data.decode("utf-8").splitlines(keepends=True))
        used: List[str] = []

        def counted() -> Iterator[str]:
            for line in lines:
                used.append(line)
                yield line

        reader = csv.reader(counted())
        for _ in range(rows + 1):  # the header, then the rows
            next(reader)
        return sum(len(line.encode("utf-8")) for line in used)
    pos = 0
    for _ in range(rows):
        pos = data.index(b"\n", pos) + 1
    return pos
