from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--errors", "show_errors", is_flag=True,
              help="List the record ids the pipeline got wrong, per label (ids only, never text).")
@click.option("--rules-only", is_flag=True,
              help="Score the rules alone, without the trained second opinion on child_present and voice.")
def evaluate(corpus, as_json, show_errors, rules_only):
    """Per-label precision, recall and F1 of the pipeline on a labelled CORPUS (.jsonl).

    Example: nlp-assess evaluate corpora/test.jsonl
    """
    from ..evaluate import TARGETS, evaluate_records, format_table, load_labelled

    records = load_labelled(corpus)
    results, preds = evaluate_records(records, second_opinion=not rules_only)
    if as_json:
        click.echo(json.dumps(results, indent=2))
    else:
        click.echo(format_table(results, f"{corpus.name}: {len(records)} records"))
    if show_errors:
        for label in TARGETS:
            wrong = [f"{r['record_id']}({r['labels'][label]}->{p.get(label)})" for r, p in zip(records, preds)
                     if p.get(label) != r["labels"][label]]
            click.echo(f"{label}: {len(wrong)} wrong: {' '.join(wrong)}", err=True)
