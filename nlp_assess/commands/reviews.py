from __future__ import annotations

import csv
import json
import sys

import click

from ..cli import EXIT_USAGE


def _table(rows, columns, widths):
    lines = ["  ".join(c.ljust(w)[:w] for c, w in zip(columns, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c)
            cells.append(", ".join(v) if isinstance(v, list) else "" if v is None else str(v))
        lines.append("  ".join(x.ljust(w)[:w] for x, w in zip(cells, widths)))
    return "\n".join(lines)


@click.command()
@click.argument("input_path", metavar="INPUT")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--reviewers", "what", flag_value="reviewers", help="CSV: the per-reviewer table instead of clusters.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Output file (default: stdout).")
def reviews(input_path, fmt, what, output):
    """List copy-pasted supervisor review clusters in INPUT, and each reviewer's share.

    Example: nlp-assess reviews corpora/sample.csv --format json
    """
    from ..records import InputError, read_records
    from ..reviews.detect import detect_copies
    from ..reviews.report import cluster_table, reviewer_table

    try:
        rows = [r for r in read_records(input_path) if r.record is not None]
    except InputError as exc:
        click.echo(f"nlp-assess: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    records = [r.record for r in rows]
    found = detect_copies([str(r.get("supervisor_review") or "") for r in records],
                          [r.record_id for r in rows], [str(r["narrative"]) for r in records])
    clusters, per_reviewer = cluster_table(records, found), reviewer_table(records, found)
    stream = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    if fmt == "json":
        stream.write(json.dumps({"clusters": clusters, "reviewers": per_reviewer}, indent=2) + "\n")
    elif fmt == "csv":
        table = per_reviewer if what == "reviewers" else clusters
        cols = list(table[0]) if table else ["cluster"]
        w = csv.DictWriter(stream, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in table:
            w.writerow({k: "; ".join(v) if isinstance(v, list) else v for k, v in r.items()})
    else:
        stream.write(f"{len(clusters)} copy clusters in {len(records)} records\n")
        stream.write(_table(clusters, ["cluster", "size", "reviewers", "teams", "first_date", "last_date", "sample"],
                            [7, 4, 22, 20, 10, 10, 60]) + "\n\n")
        stream.write(_table(per_reviewer, ["reviewer_id", "reviews", "copied", "stock", "share_copied_or_stock"],
                            [14, 7, 6, 5, 21]) + "\n")
    if output:
        stream.close()
