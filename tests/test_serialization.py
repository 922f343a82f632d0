"""The pipeline survives to_disk/spacy.load and multiprocessing with identical results."""
import json

import pytest
import spacy


TEXTS = [
    "Her son Jack (7) came downstairs crying and told me daddy pushed mummy. VPRF submitted.",
    "2314 OFFS ON SCENE NO CHN AT ADDRESS - AT NANS",
    "CHILDREN PRESENT: Yes - 2\nVOICE OF THE CHILD: spoken to, no concerns",
    "Baby (10 months) asleep in cot, not woken. The victim was tearful.",
    "The suspect has a child from a previous relationship.",
] * 4


def dump(docs):
    return [json.dumps(d._.findings, sort_keys=True) for d in docs]


def test_round_trip(tmp_path, nlp):
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.pipe_names == nlp.pipe_names
    assert dump(loaded.pipe(TEXTS)) == dump(nlp.pipe(TEXTS))
    ruler = loaded.get_pipe("nla_referral")
    assert (tmp_path / "pipe" / "nla_referral" / "patterns").exists()  # JSONL, as SpanRuler writes it
    assert len(ruler.patterns) == len(nlp.get_pipe("nla_referral").patterns)


def test_doc_bytes_round_trip(nlp):
    from spacy.tokens import Doc

    doc = nlp(TEXTS[0])
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert again._.findings == doc._.findings
    assert [s.text for s in again.spans["evidence"]] == [s.text for s in doc.spans["evidence"]]


@pytest.mark.parametrize("n_process", [1, 2])
def test_n_process_identical(nlp, n_process):
    assert dump(nlp.pipe(TEXTS, n_process=n_process, batch_size=4)) == dump(nlp.pipe(TEXTS))
