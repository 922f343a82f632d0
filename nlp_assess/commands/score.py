"""`nlp-assess score`: the auditor's batch job."""
from __future__ import annotations

import os
import signal
import sys
import time
from collections import Counter

import click

from ..cli import EXIT_OK, EXIT_ROW_ERRORS, EXIT_USAGE

# option -> our field name, for exports whose columns are named differently
COLUMN_OPTIONS = {
    "id_col": "record_id", "text_col": "narrative", "review_col": "supervisor_review",
    "children_field_col": "children_present_field", "team_col": "team", "officer_col": "officer_id",
    "reviewer_col": "reviewer_id", "date_col": "date", "type_col": "incident_type",
}


class Interrupted(Exception):
    """SIGTERM: stop after the rows already written (they stay in the .partial file)."""


def _on_sigterm(signum, frame):
    raise Interrupted()


def column_options(f):
    for opt, field in reversed(list(COLUMN_OPTIONS.items())):
        flag = "--" + opt.replace("_", "-")
        f = click.option(flag, opt, metavar="NAME", default=None,
                         help=f"Input column holding {field} (default: {field}).")(f)
    return f


class Progress:
    """A one-line progress bar with rate and ETA on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.total = None
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < 0.2):
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        if self.total:
            eta = (self.total - done) / rate if rate else 0
            width = 24
            filled = int(width * done / self.total)
            bar = "#" * filled + "-" * (width - filled)
            msg = f"[{bar}] {done:,}/{self.total:,} {rate:,.0f}/s ETA {int(eta // 60)}m{int(eta % 60):02d}s"
        else:
            msg = f"{done:,} records {rate:,.0f}/s"
        click.echo("\r" + msg + " " * 4, err=True, nl=False)

    def close(self) -> None:
        if self.enabled:
            click.echo("", err=True)


@click.command(epilog="Exit codes: 0 all rows assessed; 1 some rows were error rows; 2 usage or input error; "
                      "143 stopped by SIGTERM (continue with --resume).")
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Output file (default: stdout).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default=None,
              help="Output format (default: from the -o suffix, else jsonl).")
@click.option("--input-format", type=click.Choice(["jsonl", "csv"]), default=None,
              help="Input format (default: from the file name, else sniffed).")
@column_options
@click.option("--encoding-fallback", type=click.Choice(["cp1252", "latin-1", "none"]), default="cp1252",
              show_default=True, help="Decoding for bytes that are not UTF-8 (rows affected are counted); "
                                      "'none' makes them error rows.")
@click.option("--model", "model_dir", type=click.Path(file_okay=False), default=None,
              help="Quality model directory (default: the shipped model).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes for the narratives pass.")
@click.option("--rules-only", is_flag=True,
              help="Labels from the rules alone, without the trained second opinion on child_present and voice.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run from OUTPUT.partial.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def score(input_path, output, fmt, input_format, model_dir, jobs, rules_only, resume, quiet, encoding_fallback,
          **cols):
    """Score every record of INPUT (.csv or .jsonl file, or - for stdin).

    Writes one row per input row, in input order, with the rubric's labels, evidence, the
    quality score and band, and the input's other columns carried through. With -o the
    output is written to OUTPUT.partial and renamed into place when the run completes.

    \b
    Examples:
      nlp-assess score corpora/sample.csv -o scored.csv
      nlp-assess score export.csv --id-col IncidentRef --text-col "Log Text" --jobs 2 -o out.jsonl
    """
    from ..model import ModelError
    from ..output import RowWriter
    from ..records import InputError, ReadStats, check_not_empty, open_input, read_records
    from ..scoring import assess_rows

    start = time.monotonic()
    mapping = {name: COLUMN_OPTIONS[opt] for opt, name in cols.items() if name}
    fmt = fmt or ("csv" if output and output.lower().endswith(".csv") else "jsonl")
    to_file = bool(output and output != "-")
    if resume and not to_file:
        raise click.UsageError("--resume needs -o OUTPUT (the partial output is OUTPUT.partial)")
    try:
        model, labeller = load_models(model_dir, jobs, labels=not rules_only)
    except ModelError as exc:
        click.echo(f"nlp-assess: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    stats = ReadStats()
    counts: Counter = Counter()
    written = 0
    partial = f"{output}.partial" if to_file else None
    stream = None
    try:
        path, fmt_in = open_input(input_path, input_format=input_format, output=output)
        check_not_empty(path)
        encoding = None if encoding_fallback == "none" else encoding_fallback
        read = lambda: read_records(path, fmt=fmt_in, mapping=mapping, encoding=encoding)  # noqa: E731
        skip = _resume_point(partial, fmt, read) if resume else 0
        progress = Progress(enabled=not quiet and sys.stderr.isatty())
        writer = None

        def opened(lookup) -> None:  # after the review pass: the columns and row count are known
            nonlocal stream, writer
            progress.total = lookup.total_rows
            if lookup.duplicate_ids and not quiet:
                first = next(iter(lookup.duplicate_ids))
                click.echo(f"nlp-assess: {len(lookup.duplicate_ids)} record_id(s) appear more than once "
                           f"(first: {first}); all rows are kept", err=True)
            if to_file:
                stream = open(partial, "a" if skip else "w", encoding="utf-8", newline="")
            else:
                stream = sys.stdout
            writer = RowWriter(stream, fmt, extra_fields=lookup.extra_fields, header=not skip)

        signal.signal(signal.SIGTERM, _on_sigterm)
        def rows():  # read twice (reviews, then narratives): count what the last reading saw
            stats.fallback_decoded = 0
            return read_records(path, fmt=fmt_in, mapping=mapping, encoding=encoding, stats=stats)

        for row in assess_rows(rows, model=model, jobs=jobs, skip=skip, second_opinion=not rules_only,
                               labeller=labeller, on_review_pass=opened):
            writer.write(row)
            counts[row["status"]] += 1
            counts[row.get("quality_band")] += 1
            written += 1
            if written % 256 == 0:
                stream.flush()
                progress.update(skip + written)
        progress.update(skip + written, force=True)
        progress.close()
        if to_file:
            stream.close()
            os.replace(partial, output)
    except InputError as exc:
        click.echo(f"nlp-assess: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except (Interrupted, KeyboardInterrupt):
        if stream is not None and stream is not sys.stdout:
            stream.close()
        click.echo(f"\nnlp-assess: interrupted after {skip + written:,} rows"
                   + (f"; run again with --resume to continue from {partial}" if to_file else ""), err=True)
        sys.exit(143)
    if not quiet:
        click.echo("nlp-assess: " + summary(skip + written, counts, stats, time.monotonic() - start, skip), err=True)
    sys.exit(EXIT_ROW_ERRORS if counts["error"] else EXIT_OK)


def summary(total, counts, stats, seconds, skipped) -> str:
    bands = ", ".join(f"{b} {counts[b]}" for b in ("good", "requires_improvement", "inadequate") if counts[b])
    parts = [f"{total:,} records", f"{counts['error']:,} errors"]
    if bands:
        parts.append(f"bands: {bands}")
    parts.append(f"{seconds:.1f}s")
    if skipped:
        parts.append(f"{skipped:,} resumed from the partial output")
    if stats.fallback_decoded:
        parts.append(f"{stats.fallback_decoded:,} rows were not UTF-8 and were decoded with the fallback")
    return "; ".join(parts)


def _resume_point(partial, fmt, read) -> int:
    """How many rows the partial output already holds (checked against the input's ids), after
    cutting off an incomplete last row. 0 when there is no partial output."""
    from ..output import complete_length, read_partial
    from ..records import InputError

    if not partial or not os.path.exists(partial):
        click.echo("nlp-assess: no partial output to resume; starting from the beginning", err=True)
        return 0
    done = 0
    inputs = read()
    for rid in read_partial(partial, fmt):
        row = next(inputs, None)
        if row is None or (rid or None) != (row.record_id or None):
            raise InputError(f"{partial} does not match INPUT (row {done + 1}); remove it or run without --resume")
        done += 1
    with open(partial, "r+b") as f:
        f.truncate(complete_length(partial, fmt, done))
    click.echo(f"nlp-assess: resuming after {done:,} rows already in {partial}", err=True)
    return done


def load_models(model_dir, jobs: int, labels: bool = True):
    """The verified quality model and second-opinion classifier (None with `labels` off). With
    one job they load beside spaCy's start-up (model.start_quality_model), and a refused model
    still stops the run before anything is read or written; with --jobs N each worker loads
    its own, so they are verified here."""
    from ..model import BackgroundModel, QualityModel, start_quality_model
    from ..scoring import get_pipeline
    from ..second_opinion import LabelModel

    if jobs > 1:
        return QualityModel(model_dir), LabelModel() if labels else None
    model = start_quality_model(model_dir, labels=labels)
    get_pipeline()  # spaCy's import and the pipeline build overlap the models' load
    try:
        model.wait()
        if not labels:
            return model, None
        return model, model if isinstance(model, BackgroundModel) else LabelModel()
    except Exception:
        model.close()
        raise

