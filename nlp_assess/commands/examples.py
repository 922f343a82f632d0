"""`nlp-assess examples`: a trainer's pack of good and poor examples of one criterion."""
from __future__ import annotations

import sys
import time
from collections import Counter

import click

from ..cli import EXIT_OK, EXIT_ROW_ERRORS, EXIT_USAGE
from ..examples import criteria  # light: reads resources/examples.json only


@click.command()
@click.argument("input_path", metavar="INPUT")
@click.option("--criterion", required=True, type=click.Choice(criteria()), help="The criterion to illustrate.")
@click.option("--good", "n_good", type=click.IntRange(0, 100), default=3, show_default=True,
              help="Number of good examples.")
@click.option("--poor", "n_poor", type=click.IntRange(0, 100), default=3, show_default=True,
              help="Number of poor examples.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Output file, .html or .md (default: Markdown on stdout).")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default=None,
              help="Output format (default: from the -o suffix).")
@click.option("--redact/--no-redact", default=True, show_default=True,
              help="Replace names, addresses, postcodes, phone numbers, dates of birth, collar and "
                   "reference numbers with placeholders.")
@click.option("--input-format", type=click.Choice(["jsonl", "csv"]), default=None,
              help="Input format (default: from the file name, else sniffed).")
@click.option("--model", "model_dir", type=click.Path(file_okay=False), default=None,
              help="Quality model directory (default: the shipped model).")
def examples(input_path, criterion, n_good, n_poor, output, fmt, redact, input_format, model_dir):
    """Pick the clearest good and poor examples of a criterion in INPUT (.csv, .jsonl or -)
    for training: highlighted evidence and what good looks like or what is missing.

    Personal details are redacted unless --no-redact. Criteria: demeanour, voice, referral,
    presence, review, minimising.

    Example: nlp-assess examples corpora/dev.jsonl --criterion voice --good 3 --poor 3 -o voice.html
    """

    fmt = fmt or _format_from_suffix(output)
    if fmt is None:
        click.echo(f"nlp-assess: cannot tell the format from {output!r}; use .html or .md, or --format",
                   err=True)
        sys.exit(EXIT_USAGE)

    from ..examples import build_pack, render
    from ..model import ModelError
    from ..records import InputError, open_input, read_records
    from ..scoring import QualityModel, assess_rows, get_pipeline

    start = time.monotonic()
    counts: Counter = Counter()
    try:
        model = QualityModel(model_dir)
        path, fmt_in = open_input(input_path, input_format=input_format, output=output)
        rows = assess_rows(lambda: read_records(path, fmt=fmt_in), model=model)
        records = (r.record for r in read_records(path, fmt=fmt_in))  # in step with the output rows
        pack = build_pack(_counted(rows, counts), records, criterion, n_good, n_poor, redact=redact,
                          nlp=get_pipeline() if redact else None)
    except (InputError, ModelError) as exc:
        click.echo(f"nlp-assess: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    text = render(pack, fmt)
    if output and output != "-":
        with open(output, "w", encoding="utf-8") as stream:
            stream.write(text)
    else:
        click.echo(text, nl=False)
    found = ", ".join(f"{len(pack[s])} {s} of {pack['candidates'][s]}" for s in ("good", "poor"))
    click.echo(f"nlp-assess: {sum(counts.values())} records, {counts['error']} errors; {criterion}: {found}; "
               f"{'redacted' if redact else 'NOT redacted'}; {time.monotonic() - start:.1f}s", err=True)
    for side, wanted in (("good", n_good), ("poor", n_poor)):
        if len(pack[side]) < wanted:
            click.echo(f"nlp-assess: only {len(pack[side])} {side} example(s) of {criterion} found "
                       f"(asked for {wanted})", err=True)
    if not redact:
        click.echo("nlp-assess: --no-redact: the pack contains personal details; do not share it", err=True)
    sys.exit(EXIT_ROW_ERRORS if counts["error"] else EXIT_OK)


def _format_from_suffix(output):
    """'html' or 'md' from the output file name; 'md' for stdout; None if the suffix is unknown."""
    from pathlib import Path

    from ..examples import FORMATS

    if not output or output == "-":
        return "md"
    return FORMATS.get(Path(output).suffix.lower())


def _counted(rows, counts):
    """Pass rows through, counting their statuses."""
    for row in rows:
        counts[row["status"]] += 1
        yield row
