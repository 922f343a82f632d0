"""Packaged rule files (patterns, context rules, settings) read with importlib.resources.

Rules are data: every word list and context rule the pipeline uses lives in a JSON or
JSONL file in this folder, so an auditor can read and change them without touching code.
"""
from __future__ import annotations

import json
from importlib import resources
from typing import Any, Dict, List

RULE_FILES = (
    "persons.jsonl",
    "demeanour.jsonl",
    "voice.jsonl",
    "referral.jsonl",
    "minimising.jsonl",
    "context_rules.json",
    "sentence_rules.json",
    "sections.json",
    "person_words.json",
    "field_values.json",
    "norms.json",
    "spelling.json",
    "review_rules.json",
    "stop_words.json",
    "report.json",
    "redact_rules.json",
    "examples.json",
    "render.json",
    "first_names.json",
    "export_artefacts.json",
)


def read_text(name: str) -> str:
    """Return the text of a packaged resource file."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def load_json(name: str) -> Any:
    return json.loads(read_text(name))


def load_jsonl(name: str) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in read_text(name).splitlines() if line.strip()]
