"""`nlp-assess check`: spot-check one narrative, for officers and supervisors.

    nlp-assess check "Jack (7) was crying. VPRF submitted."
    nlp-assess check -f narrative.txt --review "Reviewed, NFA." --children-field N/A
    cat narrative.txt | nlp-assess check --json

Prints the narrative with its evidence highlighted, one line per criterion (met / missing /
not applicable, and why), the band and score and the top reasons (see `nlp_assess.render`).

Speed: start-up is importing spaCy and building the pipeline, and importing scikit-learn
and loading the verified model; the two run side by side (the model in a forked process,
see model.BackgroundModel). `scripts/bench_check.py` measures the whole command.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from ..cli import EXIT_OK, EXIT_USAGE

RECORD_ID = "check"


def fail(message: str) -> NoReturn:
    """One line on stderr, exit 2. Never pass narrative text here."""
    click.echo(f"nlp-assess check: {message}", err=True)
    sys.exit(EXIT_USAGE)


# ------------------------------------------------------------------ the command
@click.command()
@click.argument("words", nargs=-1, metavar="[NARRATIVE]")
@click.option("-f", "--file", "file", metavar="FILE", help="Read the narrative from FILE (- for stdin).")
@click.option("--review", metavar="TEXT", default=None, help="The supervisor's review of the record.")
@click.option("--children-field", metavar="VALUE", default=None,
              help="The structured children-present field as exported: Y, N, N/A or blank.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: the output row plus `criteria`.")
@click.option("--html", "html_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="Also write a self-contained HTML page of the check to FILE.")
@click.option("--color/--no-color", "color", default=None,
              help="Colour the highlights (default: only on a terminal, and not when NO_COLOR is set).")
@click.option("--model", "model_dir", type=click.Path(file_okay=False), default=None,
              help="Quality model directory (default: the shipped model).")
def check(words, file, review, children_field, as_json, html_path, color, model_dir):
    """Spot-check one NARRATIVE (an argument, -f FILE, or stdin).

    Shows each evidence span highlighted by label, whether each criterion is met, missing or
    not applicable and why, then the band, score and top reasons. Unquoted words are joined
    with spaces.

    Example: nlp-assess check "Ella (6) was hiding upstairs. Said she was scared. PPN done."
    """
    narrative = read_narrative(words, file)
    if not narrative.strip():
        fail("narrative is empty" if narrative or words or file else
             "no narrative given: pass it as an argument, with -f FILE, or on stdin")
    row = assess_one(narrative, review, children_field, model_dir)
    if row["status"] != "ok":
        fail(f"narrative cannot be assessed: {row['error']}")

    from .. import render
    from ..scoring import OUTPUT_FIELDS

    items = render.criteria(row, review_given=bool(review and review.strip()),
                            field_given=bool(children_field and children_field.strip()))
    if as_json:
        out = {k: row.get(k) for k in OUTPUT_FIELDS}
        out["criteria"] = items
        click.echo(json.dumps(out, ensure_ascii=False))
    else:
        colour = use_colour(color)
        click.echo(render.terminal_report(row, narrative, review, items, colour), color=colour)
    if html_path:
        try:
            Path(html_path).write_text(render.html_page(row, narrative, review, items), encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {html_path}: {exc.strerror or exc.__class__.__name__}")
        click.echo(f"nlp-assess check: wrote {html_path}", err=True)
    sys.exit(EXIT_OK)


def use_colour(flag: bool | None) -> bool:
    """--color/--no-color win; otherwise colour only on a terminal and without NO_COLOR."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return click.get_text_stream("stdout").isatty()


def read_narrative(words: tuple[str, ...], file: str | None) -> str:
    """The narrative from the arguments, -f FILE, or stdin (when neither is given)."""
    if words and file:
        fail("give the narrative as an argument or with -f FILE, not both")
    if words:
        return " ".join(words)
    if file and file != "-":
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            fail(f"cannot read narrative file {file}: {exc.strerror or exc.__class__.__name__}")
        source = f"narrative file {file}"
    else:
        stdin = click.get_binary_stream("stdin")
        if not file and stdin.isatty():
            fail("no narrative given: pass it as an argument, with -f FILE, or on stdin")
        data = stdin.read()
        source = "stdin"
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail(f"{source} is not UTF-8 text")


def assess_one(narrative: str, review: str | None, children_field: str | None,
               model_dir: str | None) -> dict[str, Any]:
    """The output row for one record, by the same code path as `nlp-assess score`."""
    from ..model import BackgroundModel, ModelError, start_quality_model

    try:
        model = start_quality_model(model_dir, labels=True)  # first, so it loads while spaCy starts
    except ModelError as exc:
        fail(str(exc))
    from ..records import validate
    from ..scoring import assess_rows

    record = {"record_id": RECORD_ID, "narrative": narrative}
    if review is not None:
        record["supervisor_review"] = review
    if children_field is not None:
        record["children_present_field"] = children_field
    try:
        return next(assess_rows([validate(record, 0)], model=model,
                                labeller=model if isinstance(model, BackgroundModel) else None))
    except ModelError as exc:
        fail(str(exc))
    finally:
        model.close()
