"""The installed package carries its rule files and registers its spaCy factories."""
import json
from importlib import metadata, resources

import pytest

from nlp_assess.resources import RULE_FILES


@pytest.mark.parametrize("name", RULE_FILES)
def test_rule_file_installed(name):
    text = resources.files("nlp_assess.resources").joinpath(name).read_text(encoding="utf-8")
    if name.endswith(".jsonl"):
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        assert rows and all({"label", "pattern"} <= set(r) for r in rows)
    else:
        assert json.loads(text)


@pytest.mark.parametrize("name", [n for n in RULE_FILES if n.endswith(".jsonl")])
def test_pattern_file_has_no_repeated_pattern(name):
    """A pattern written twice is harmless but hides what was meant to change (a rule added
    "again" changes nothing)."""
    text = resources.files("nlp_assess.resources").joinpath(name).read_text(encoding="utf-8")
    seen, repeated = set(), []
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            key = (row["label"], row.get("id"), json.dumps(row["pattern"], sort_keys=True))
            if key in seen:
                repeated.append(key)
            seen.add(key)
    assert not repeated, repeated


def test_spacy_factory_entry_points():
    eps = {ep.name: ep for ep in metadata.entry_points(group="spacy_factories")}
    from nlp_assess.pipeline import PIPE_NAMES

    for name in PIPE_NAMES:
        assert name in eps, f"{name} has no spacy_factories entry point"
        assert callable(eps[name].load())


def test_console_script_entry_point():
    eps = {ep.name: ep.value for ep in metadata.entry_points(group="console_scripts")}
    assert eps.get("nlp-assess") == "nlp_assess.cli:main"


@pytest.mark.parametrize("name", ["quality/model.joblib", "quality/manifest.json", "labels/model.joblib",
                                  "labels/manifest.json"])
def test_model_file_installed(name):
    """Both shipped models install with the package (package_data in setup.cfg)."""
    assert resources.files("nlp_assess.models").joinpath(name).is_file()
