from __future__ import annotations

import sys
import time
from itertools import zip_longest
from pathlib import Path

import click

from ..cli import EXIT_OK, EXIT_ROW_ERRORS, EXIT_USAGE

SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


def report_format(fmt, output):
    """The report format: --format if given, else from the -o suffix (.html/.md), else html."""
    if fmt:
        return fmt
    return SUFFIX_FORMATS.get(Path(output).suffix.lower(), "html") if output and output != "-" else "html"


def paired_rows(read, model):
    """(input record, output row) pairs: the input read again in step with `assess_rows`,
    which gives one output row per input row in the same order. `read()` returns a fresh
    iterator of InputRows."""
    from ..scoring import assess_rows

    for inp, out in zip_longest(read(), assess_rows(read, model=model)):
        if inp is None or out is None or (inp.record_id is not None and out["record_id"] != inp.record_id):
            raise RuntimeError("input and assessed rows are out of step")  # a bug, never expected
        yield inp.record, out


@click.command()
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Report file, .html or .md (default: stdout).")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default=None,
              help="Report format (default: from the -o suffix, else html).")
@click.option("--input-format", type=click.Choice(["jsonl", "csv"]), default=None,
              help="Input format (default: from the file name, else sniffed).")
@click.option("--model", "model_dir", type=click.Path(file_okay=False), default=None,
              help="Quality model directory (default: the shipped model).")
@click.option("--min-group", type=click.IntRange(min=1), default=None,
              help="Smallest team/officer/reviewer group that is ranked (default 5); smaller ones are flagged.")
@click.option("--lowest", type=click.IntRange(min=0), default=None,
              help="How many lowest-scoring records to list, by id (default 10).")
def report(input_path, output, fmt, input_format, model_dir, min_group, lowest):
    """Write an auditor's report on every record of INPUT (.csv or .jsonl file, or - for stdin).

    One self-contained HTML page (inline SVG charts, opens offline) or Markdown: how many
    records where a child was present lack demeanour, voice or a referral, bands, scores,
    breakdowns by team, officer and reviewer, copied reviews, the lowest-scoring records and
    a trend by month. Record ids only, never narrative text.

    Example: nlp-assess report corpora/sample.csv -o report.html
    """
    from datetime import date

    from ..audit_report import render_html, render_markdown, summarise
    from ..model import ModelError
    from ..records import InputError, open_input, read_records
    from ..scoring import QualityModel

    start = time.monotonic()
    kind = report_format(fmt, output)
    try:
        model = QualityModel(model_dir)
    except ModelError as exc:
        click.echo(f"nlp-assess: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        path, fmt_in = open_input(input_path, input_format=input_format, output=output)
        read = lambda: read_records(path, fmt=fmt_in)
        source = "standard input" if input_path == "-" else Path(input_path).name
        summary = summarise(paired_rows(read, model), min_group=min_group, lowest=lowest, source=source,
                            generated=date.today().isoformat())
    except InputError as exc:
        click.echo(f"nlp-assess: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    text = render_html(summary) if kind == "html" else render_markdown(summary)
    if output and output != "-":
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        except OSError as exc:
            click.echo(f"nlp-assess: cannot write {output}: {exc.strerror}", err=True)
            sys.exit(EXIT_USAGE)
    else:
        sys.stdout.write(text)
    t = summary["totals"]
    click.echo(f"nlp-assess: {t['records']} records, {t['errors']} errors, {kind} report"
               f"{' written to ' + output if output and output != '-' else ''}, {time.monotonic() - start:.1f}s",
               err=True)
    sys.exit(EXIT_ROW_ERRORS if t["errors"] else EXIT_OK)
