from __future__ import annotations

import sys
import time
from collections import Counter

import click

from ..cli import EXIT_OK, EXIT_ROW_ERRORS, EXIT_USAGE


@click.command()
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Output file (default: stdout).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="Output format.")
@click.option("--input-format", type=click.Choice(["jsonl", "csv"]), default=None,
              help="Input format (default: from the file name, else sniffed).")
@click.option("--model", "model_dir", type=click.Path(file_okay=False), default=None,
              help="Quality model directory (default: the shipped model).")
def score(input_path, output, fmt, input_format, model_dir):
    """Score every record of INPUT (.csv or .jsonl file, or - for stdin).

    Writes one row per input row, in input order, with the rubric's labels and evidence.

    Example: nlp-assess score corpora/sample.csv --format csv -o scored.csv
    """
    from ..model import ModelError
    from ..output import RowWriter
    from ..records import InputError, detect_format, read_records
    from ..records import input_path as input_path_of
    from ..scoring import QualityModel, assess_rows

    start = time.monotonic()
    try:
        model = QualityModel(model_dir)
    except ModelError as exc:
        click.echo(f"nlp-assess: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        path = input_path_of(input_path)  # stdin spooled once; a missing file or directory fails here
        with open(path, "rb") as head:
            fmt_in = input_format or detect_format(input_path, head.read(64))
        rows = lambda: read_records(path, fmt=fmt_in)  # noqa: E731  (read twice: reviews, narratives)
        if output and output != "-":
            from pathlib import Path

            if input_path != "-" and Path(output).resolve() == Path(input_path).resolve():
                raise InputError("output file is the input file; refusing to overwrite the input")
            stream = open(output, "w", encoding="utf-8", newline="")
        else:
            stream = sys.stdout
        counts = Counter()
        writer = RowWriter(stream, fmt)
        for row in assess_rows(rows, model=model):
            writer.write(row)
            counts[row["status"]] += 1
        if stream is not sys.stdout:
            stream.close()
    except InputError as exc:
        click.echo(f"nlp-assess: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    total = sum(counts.values())
    click.echo(f"nlp-assess: {total} records, {counts['error']} errors, {time.monotonic() - start:.1f}s", err=True)
    sys.exit(EXIT_ROW_ERRORS if counts["error"] else EXIT_OK)
