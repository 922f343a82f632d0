"""CLI conventions (issue 5): one lazy group, --version, an example in every --help, exit
code 2 for usage errors, help that does not import spaCy or scikit-learn."""
import subprocess
import sys

import pytest

from nlp_assess import __version__
from nlp_assess.cli import COMMANDS


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(command):
    res = subprocess.run(["nlp-assess", command, "--help"], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert "Example" in res.stdout and res.stderr == ""


def test_group_help_lists_every_command_and_exit_codes():
    res = subprocess.run(["nlp-assess", "--help"], capture_output=True, text=True, check=False)
    assert res.returncode == 0
    for command in COMMANDS:
        assert command in res.stdout
    assert "Exit codes" in res.stdout


def test_version_and_unknown_command():
    res = subprocess.run(["nlp-assess", "--version"], capture_output=True, text=True, check=False)
    assert res.returncode == 0 and __version__ in res.stdout
    res = subprocess.run(["nlp-assess", "no-such-command"], capture_output=True, text=True, check=False)
    assert res.returncode == 2 and "no-such-command" in res.stderr and res.stdout == ""


def test_help_is_lazy():
    """--help of the group and of a command imports neither spaCy nor scikit-learn."""
    code = ("import sys\nfrom click.testing import CliRunner\nfrom nlp_assess.cli import cli\n"
            "for args in (['--help'], ['score', '--help'], ['report', '--help']):\n"
            "    assert CliRunner().invoke(cli, args).exit_code == 0\n"
            "print(sorted(m for m in ('spacy', 'sklearn') if m in sys.modules))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"
