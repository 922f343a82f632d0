from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    from nlp_assess.pipeline import build_pipeline

    return build_pipeline()


@pytest.fixture(scope="session")
def findings_of(nlp):
    def run(text):
        return nlp(text)._.findings

    return run
