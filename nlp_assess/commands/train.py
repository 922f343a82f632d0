from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

import click

from ..cli import EXIT_USAGE

GRADE_ALIASES = {"inadequate": "inadequate", "requires_improvement": "requires_improvement",
                 "requires improvement": "requires_improvement", "ri": "requires_improvement", "good": "good"}
MIN_PER_BAND = 5


def read_grades(path: Path):
    """{record_id: grade}, plus the lines whose grade name is unknown (line number, name)."""
    grades, unknown = {}, []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or not {"record_id", "grade"} <= set(reader.fieldnames):
            raise click.UsageError(f"grades file needs columns record_id,grade; found: {', '.join(reader.fieldnames or [])}")
        for n, row in enumerate(reader, 2):
            name = " ".join(str(row["grade"] or "").strip().lower().replace("-", " ").split())
            grade = GRADE_ALIASES.get(name) or GRADE_ALIASES.get(name.replace(" ", "_"))
            if grade is None:
                unknown.append((n, row["grade"]))
            else:
                grades[str(row["record_id"]).strip()] = grade
    return grades, unknown


@click.command()
@click.option("--records", "records_path", required=True, help="Records (.csv or .jsonl), as for score.")
@click.option("--grades", "grades_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with columns record_id,grade (inadequate / requires improvement / good).")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the model to (model.joblib, manifest.json, MODEL_CARD.md).")
@click.option("--seed", default=0, show_default=True, help="Random seed (the same data and seed give the same model).")
def train(records_path, grades_path, out_dir, seed):
    """Train a quality model on a force's own records and auditors' grades.

    Grades for unknown record ids, unknown grade names and records without a grade are
    reported on stderr and left out, never silently dropped.

    Example: nlp-assess train --records audit.csv --grades grades.csv -o models/force
    """
    from ..model import CLASSES, candidate_classifiers, choose_classifier, make_pipeline, save_model
    from ..quality import assess_for_training, data_hash
    from ..records import InputError, read_records

    try:
        rows = list(read_records(records_path))
        grades, unknown_names = read_grades(grades_path)
    except InputError as exc:
        click.echo(f"nlp-assess: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    records = [r.record for r in rows if r.record is not None]
    bad_rows = sum(1 for r in rows if r.record is None)
    ids = {str(r["record_id"]) for r in records}
    unknown_ids = sorted(set(grades) - ids)
    ungraded = sorted(ids - set(grades))
    for n, name in unknown_names[:10]:
        click.echo(f"grades line {n}: unknown grade name {name!r} (use {', '.join(CLASSES)})", err=True)
    if unknown_names:
        click.echo(f"{len(unknown_names)} grade(s) with an unknown grade name left out", err=True)
    if unknown_ids:
        click.echo(f"{len(unknown_ids)} grade(s) for record ids not in the records left out: "
                   f"{', '.join(unknown_ids[:10])}{' ...' if len(unknown_ids) > 10 else ''}", err=True)
    if ungraded:
        click.echo(f"{len(ungraded)} record(s) without a grade left out", err=True)
    if bad_rows:
        click.echo(f"{bad_rows} record row(s) that could not be read left out", err=True)
    used = [r for r in records if str(r["record_id"]) in grades]
    y = [grades[str(r["record_id"])] for r in used]
    counts = Counter(y)
    if len(counts) < 2 or min(counts.values()) < MIN_PER_BAND:
        click.echo(f"nlp-assess: need at least {MIN_PER_BAND} graded records in at least two bands; "
                   f"have {dict(counts)}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"training on {len(used)} records: {dict(counts)}", err=True)
    X, _ = assess_for_training(used)
    if min(counts.values()) >= 10:
        best, cv = choose_classifier(X, y, seed=seed)
    else:
        best, cv = "logreg_C0.3", {}
    pipeline = make_pipeline(candidate_classifiers(seed)[best], seed).fit(X, y)
    manifest = save_model(pipeline, out_dir, training={"source": str(records_path), "grades": str(grades_path),
                                                       "records": len(used), "sha256": data_hash(used, y)},
                          metrics={"cross_validated_kappa": {k: round(v, 3) for k, v in cv.items()}},
                          extra={"classifier": best, "seed": seed})
    click.echo(f"model written to {out_dir} ({best}; training data sha256 {manifest['training_data']['sha256'][:16]}...)",
               err=True)
