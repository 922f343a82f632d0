"""The `nlp-assess` command line: one click group, subcommands imported only when run.

Exit codes: 0 every row assessed; 1 some rows were error rows; 2 usage or input error.
Data goes to stdout (or -o FILE); progress and messages go to stderr.
"""
from __future__ import annotations

import importlib
import sys

import click

from . import __version__

EXIT_OK, EXIT_ROW_ERRORS, EXIT_USAGE = 0, 1, 2

# name -> (module, attribute, one-line help); the module is imported only when the command runs
COMMANDS = {
    "score": ("nlp_assess.commands.score", "score", "Score a batch of records (CSV or JSON Lines) by the rubric."),
    "evaluate": ("nlp_assess.commands.evaluate", "evaluate", "Per-label precision, recall and F1 on a labelled corpus."),
    "reviews": ("nlp_assess.commands.reviews", "reviews", "List copy-pasted supervisor review clusters and reviewers' shares."),
    "train": ("nlp_assess.commands.train", "train", "Train a quality model on your own records and auditors' grades."),
    "check": ("nlp_assess.commands.check", "check", "Spot-check one narrative: highlighted evidence, criteria, band."),
    "report": ("nlp_assess.commands.report", "report", "Write an auditor's HTML or Markdown report for a batch."),
    "examples": ("nlp_assess.commands.examples", "examples", "Pick clear good and poor examples of a criterion for training."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Exit codes: 0 all rows assessed; 1 some rows were error rows; 2 usage or input error.")
@click.version_option(__version__, prog_name="nlp-assess")
def cli():
    """Audit the recording quality of police domestic abuse incident records.

    Example: nlp-assess score corpora/sample.csv -o scored.jsonl
    """


def main():
    try:
        cli.main(prog_name="nlp-assess", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
