"""Copy-pasted and stock supervisor reviews (issue 3)."""
import json
from pathlib import Path

import numpy as np
import pytest

from nlp_assess.reviews.detect import ReviewSettings, detect_copies, find_clusters, is_copy, similarity
from nlp_assess.reviews.minhash import TokenHasher, band_keys, candidate_pairs, shingle_hashes, signatures
from nlp_assess.reviews.normalise import normalise

ROOT = Path(__file__).resolve().parents[1]
CLOUGH = ROOT.parent / "shared" / "external" / "clough-stevenson"
TEMPLATE = ("I have reviewed this incident. Officers attended in a timely manner, all parties spoken to, "
            "risk assessed as {risk} and appropriate safeguarding considered. No further supervisory action. {who} {date}")


def test_normalise_removes_what_changes_between_pastes():
    a = normalise("Reviewed by PS 2210 SMITH on 12/03/25 at 14:30. CAD 5517/29MAR closed.")
    b = normalise("Reviewed by Sgt 1187 Jones on 3 April 2025 at 09:05. CAD 0931/17MAY closed.")
    assert a == b


def test_padded_copy_is_a_copy_but_different_reviews_are_not():
    base = TEMPLATE.format(risk="standard", who="PS 1", date="1/1/25")
    padded = base + " Please also ensure the DASH is uploaded to the system before the end of the tour of duty."
    assert is_copy(base, padded)
    other = ("Jack's account is well recorded. Strategy discussion needed given the injury to his arm; "
             "OIC to arrange ABE with Amy before Friday and update the VPRF.")
    assert not is_copy(base, other)


def test_short_and_empty_reviews_do_not_collide():
    tokens = [normalise(t).split() for t in ["", "Noted.", "Seen", "", "ok", "Reviewed. NFA."]]
    cluster, _ = find_clusters(tokens, ReviewSettings.from_rules())
    assert (cluster == -1).all()


def test_clusters_copy_of_and_stock():
    reviews = [TEMPLATE.format(risk="standard", who=f"PS {1000 + i} Name{i}", date=f"{i + 1}/3/25") for i in range(5)]
    reviews += ["Reviewed. NFA.", "",
                "Jack (7) was hiding upstairs; his words are recorded well. VPRF needed for Jack and Op Encompass today."]
    ids = [f"r{i}" for i in range(len(reviews))]
    narratives = ["Jack (7) hiding upstairs, said dad hit mum."] * len(reviews)
    out = detect_copies(reviews, ids, narratives, settings=ReviewSettings.from_rules(max_copy_of=3))
    assert [o["review_copy_paste"] for o in out] == [True] * 5 + [True, False, False]
    assert out[0]["copy_of"] == ["r1", "r2", "r3"]  # sorted and capped
    assert out[0]["review_similarity"] == 1.0 and out[0]["review_kind"] == "copy"
    assert out[5]["review_kind"] == "stock" and out[5]["copy_of"] == []
    ev = out[0]["review_evidence"][0]
    assert reviews[0][ev["start"]:ev["end"]] == ev["text"] and ev["field"] == "supervisor_review"


def test_lsh_candidates_are_verified():
    """Documents that collide in a band but are not similar enough are not joined."""
    settings = ReviewSettings.from_rules(bands=32, num_perm=32)  # one row per band: many candidates
    docs = [("alpha beta gamma delta epsilon zeta eta theta " + w).split() for w in
            ("one two three four five six seven eight nine ten eleven twelve".split())]
    docs.append("completely unrelated words about a different matter entirely here now".split())
    cluster, _ = find_clusters(docs, settings)
    assert cluster[-1] == -1


def test_minhash_estimates_jaccard():
    h = TokenHasher()
    a = [f"w{i}" for i in range(60)]
    b = a[:45] + [f"x{i}" for i in range(15)]
    hashes, offsets = shingle_hashes([h.ids(a), h.ids(b)], 3)
    sig = signatures(hashes, offsets, num_perm=256)
    est = (sig[0] == sig[1]).mean()
    true = similarity(set(hashes[offsets[0]:offsets[1]].tolist()), set(hashes[offsets[1]:offsets[2]].tolist()))
    jac = len(set(hashes[:58].tolist()) & set(hashes[58:].tolist())) / len(set(hashes.tolist()))
    assert abs(est - jac) < 0.1 and true > jac
    pairs = candidate_pairs(band_keys(sig, 128), np.arange(2))
    assert pairs.tolist() == [[0, 1]]


def test_settings_validated():
    with pytest.raises(ValueError):
        ReviewSettings(num_perm=30, bands=16)


def test_corpus_dev_split_copy_f1():
    from nlp_assess.evaluate import prf

    rs = [json.loads(line) for line in open(ROOT / "corpora" / "dev.jsonl")]
    out = detect_copies([r["supervisor_review"] for r in rs], [r["record_id"] for r in rs], [r["narrative"] for r in rs])
    assert prf([r["labels"]["review_copy_paste"] for r in rs], [o["review_copy_paste"] for o in out], True)["f1"] >= 0.95


@pytest.mark.skipif(not (CLOUGH / "file_information.csv").exists(),
                    reason="Clough & Stevenson data not found at ../shared/external/clough-stevenson")
def test_clough_stevenson_real_copies():
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from eval_clough import evaluate

    totals, pairwise, _ = evaluate(CLOUGH)
    assert (pairwise["cut"] + pairwise["light"]) / (totals["cut"] + totals["light"]) >= 0.90
    assert pairwise["non"] / totals["non"] <= 0.05


def test_reviews_command(tmp_path):
    from click.testing import CliRunner

    from nlp_assess.cli import cli

    p = tmp_path / "in.jsonl"
    with open(p, "w") as f:
        for i in range(4):
            f.write(json.dumps({"record_id": str(i), "narrative": "No children present.", "reviewer_id": "PS 9",
                                "team": "North", "date": f"2025-01-0{i + 1}",
                                "supervisor_review": TEMPLATE.format(risk="low", who="PS 9", date="1/1/25")}) + "\n")
    result = CliRunner().invoke(cli, ["reviews", str(p), "--format", "json"])
    data = json.loads(result.stdout)
    assert data["clusters"][0]["size"] == 4 and data["clusters"][0]["first_date"] == "2025-01-01"
    assert data["reviewers"][0] == {"reviewer_id": "PS 9", "reviews": 4, "copied": 4, "stock": 0,
                                    "share_copied_or_stock": 1.0}


@pytest.mark.parametrize("from_stdin", [False, True])
def test_score_two_passes_flags_copies(tmp_path, from_stdin):
    """score reads the batch twice (reviews, then narratives), from a file or spooled stdin."""
    from click.testing import CliRunner

    from nlp_assess.cli import cli

    lines = [json.dumps({"record_id": f"r{i}", "narrative": "No children present.",
                         "supervisor_review": TEMPLATE.format(risk="low", who=f"PS {100 + i} Bloggs", date="2/2/25")})
             for i in range(3)]
    lines.append(json.dumps({"record_id": "r9", "narrative": "Jack (7) was crying.",
                             "supervisor_review": "Jack's distress is well described; VPRF needed today for Jack."}))
    data = "\n".join(lines) + "\n"
    if from_stdin:
        result = CliRunner().invoke(cli, ["score", "-"], input=data)
    else:
        p = tmp_path / "in.jsonl"
        p.write_text(data)
        result = CliRunner().invoke(cli, ["score", str(p)])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["review_copy_paste"] for r in rows] == [True, True, True, False]
    assert rows[0]["copy_of"] == ["r1", "r2"] and rows[3]["copy_of"] == []
