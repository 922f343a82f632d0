"""Writing output rows as JSON Lines or CSV (evidence flattened to a JSON string)."""
from __future__ import annotations

import csv
import json
from typing import IO, Any, Dict, List, Sequence

from .scoring import OUTPUT_FIELDS


class RowWriter:
    """Writes rows one at a time; CSV columns are the output fields plus any extras."""

    def __init__(self, stream: IO[str], fmt: str = "jsonl", extra_fields: Sequence[str] = ()):
        self.stream = stream
        self.fmt = fmt
        self.fields: List[str] = list(OUTPUT_FIELDS) + [f for f in extra_fields if f not in OUTPUT_FIELDS]
        self._csv = None
        if fmt == "csv":
            self._csv = csv.DictWriter(stream, fieldnames=self.fields, extrasaction="ignore", lineterminator="\n")
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
            self.stream.write(json.dumps({k: row.get(k) for k in self.fields}, ensure_ascii=False) + "\n")
