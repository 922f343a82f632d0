"""Redaction of personal details (nlp_assess.redact): planted details never survive, common
words and evidence stay readable, and spans move with the text."""
import json
import random
import re
from pathlib import Path

import pytest

from nlp_assess.redact import Redactor, pipeline_names, redact, redact_spans

ROOT = Path(__file__).resolve().parents[1]

# Details planted into real (synthetic) narratives: (sentence, [values that must not survive]).
# Names are a mix of listed first names and names on no list; surnames include common words.
PLANTS_MIXED = [
    ("Her son Thaddeus ({age}) was in the lounge.", ["Thaddeus"]),
    ("The victim, Ottilie FAIRCLOUGH ({age2}), lives at 27 Acacia Avenue, LS6 2QT.",
     ["Ottilie", "FAIRCLOUGH", "Acacia", "LS6 2QT"]),
    ("Imogen Brannigan DOB 12/03/1990 was spoken to at the address.", ["Imogen", "Brannigan", "12/03/1990"]),
    ("Contact number for the IP is 07700 900123 or 0113 496 0381.", ["07700 900123", "0113 496 0381"]),
    ("Statement taken by PC 4521 Thistlewood.", ["4521", "Thistlewood"]),
    ("Crime ref 13/45678/24 created, incident CR/0012345/24.", ["13/45678/24", "CR/0012345/24"]),
    ("Mr Green was arrested and conveyed; Green was calm.", ["Green"]),
    ("She was born on 5 March 2011 and goes by Saoirse.", ["5 March 2011", "Saoirse"]),
    ("Tel: +44 7700 900456. Email kasimir.okonkwo@example.org.", ["7700 900456", "kasimir", "okonkwo"]),
    ("Her daughter Will (6) and son Ngozi, 9, were upstairs.", ["Will", "Ngozi"]),
    ("The IP lives on Larkhill Close with her partner Jago White.", ["Larkhill", "Jago", "White"]),
    ("DC 7712 Ramsbottom and PCSO 0456 spoke to Leopold Wiśniewski.", ["7712", "Ramsbottom", "0456", "Leopold",
                                                                       "Wiśniewski"]),
]
PLANTS_CAPS = [
    ("SON HAMISH {age} SEEN ON LANDING. IP PERPETUA STONE DOB 01.11.2009 TEL 07700900999.",
     ["HAMISH", "PERPETUA", "STONE", "01.11.2009", "07700900999"]),
    ("PS 2231 OKONKWO ON SCENE AT 14 QUARRY HILL HX3 9PL.", ["2231", "OKONKWO", "QUARRY", "HX3 9PL"]),
    ("16YO FEMALE (MEGAN) SPOKE TO OFFS. LORCAN SAID HE WAS SCARED.", ["MEGAN", "LORCAN"]),
]
PLANTS_LOWER = [
    ("her lad cosmo ({age}) was upset. ref CR/0012345/24.", ["cosmo", "CR/0012345/24"]),
    ("ip anouk fox dob 22-09-2015 at 28 bridge end s10 2tn.", ["anouk", "fox", "22-09-2015", "bridge", "s10 2tn"]),
]


def _style(text):
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if upper > 0.5 * len(letters):
        return "caps"
    return "lower" if upper < 0.02 * len(letters) else "mixed"


def plant(narrative, rng, k=3):
    """The narrative with k planted sentences of its own style, and the values planted."""
    pool = {"caps": PLANTS_CAPS, "lower": PLANTS_LOWER}.get(_style(narrative), PLANTS_MIXED)
    values, sentences = [], []
    for sentence, vals in rng.sample(pool, min(k, len(pool))):
        sentences.append(sentence.format(age=rng.randint(2, 15), age2=rng.randint(19, 60)))
        values += vals
    parts = re.split(r"(?<=[.!?])\s+", narrative)
    for s in sentences:
        parts.insert(rng.randint(0, len(parts)), s)
    return " ".join(parts), values


def survives(value, text):
    """The value as planted (same case: "Will" the name, not "will" the verb), as a whole word."""
    return re.search(r"(?<!\w)" + re.escape(value) + r"(?!\w)", text) is not None


@pytest.fixture(scope="module")
def dev_narratives():
    with open(ROOT / "corpora" / "dev.jsonl", encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    return [r["narrative"] for r in random.Random(7).sample(records, 30)]


def test_no_planted_detail_survives_in_30_dev_narratives(dev_narratives):
    rng = random.Random(3)
    planted = leaked = 0
    failures = []
    for narrative in dev_narratives:
        text, values = plant(narrative, rng)
        out = redact(text).text
        for v in values:
            planted += 1
            if survives(v, out):
                leaked += 1
                failures.append(v)
    assert planted > 80
    assert leaked == 0, failures


def test_every_plant_template_is_redacted_on_its_own():
    for sentence, values in PLANTS_MIXED + PLANTS_CAPS + PLANTS_LOWER:
        out = redact(sentence.format(age=7, age2=30)).text
        assert not [v for v in values if survives(v, out)], out


@pytest.mark.parametrize("text, expected", [
    ("Lily (7) was crying.", "[NAME] (7) was crying."),
    ("Seen by PC 1234 and DC 7712.", "Seen by PC [COLLAR] and DC [COLLAR]."),
    ("Address: 12 Baker Street, M14 5RB.", "Address: [ADDRESS]"),
    ("She lives at 9 Cotton Mill Lane with the children.", "She lives at [ADDRESS] with the children."),
    ("DOB 12/03/1990.", "DOB [DOB]."),
    ("Call 07700 900123 back.", "Call [PHONE] back."),
    ("Postcode ls6 2qt noted.", "Postcode [POSTCODE] noted."),
    ("Log ref 0456 of 16/11/2024.", "Log ref [REF] of [DATE]."),
    ("Victim Sarah LINDLEY (34) said", "Victim [NAME] (34) said"),
    ("PS 1450 BRENNAN", "PS [COLLAR] [NAME]"),
])
def test_placeholders(text, expected):
    assert redact(text).text == expected


@pytest.mark.parametrize("text", [
    "Op Encompass notification sent to the school. VPRF submitted. DASH high.",
    "2141 OFFS ATT. CHN PRESENT. RED MARK TO CHEEK, CHILD TEARFUL AND SHAKING.",
    "The children were asleep upstairs and were not woken. MASH referral made.",
    "Supervisor review: strategy discussion with Children's Social Care on Monday.",
    "att 1820 w/ mum. kids crying in hallway, spoke to them in kitchen.",
])
def test_ordinary_words_are_kept(text):
    assert redact(text).text == text


def test_spans_follow_the_text():
    text = "Lily (7) was crying. Call 07700 900123. Jack said 'dad hit mum'."
    spans = [{"label": "DEMEANOUR", "start": text.index("crying"), "end": text.index("crying") + 6},
             {"label": "CHILD_PRESENT", "start": 0, "end": 4},                       # exactly a name
             {"label": "X", "start": 1, "end": 12},                                  # starts inside a name
             {"label": "VOICE", "start": text.index("said"), "end": len(text) - 1}]
    new_text, moved = redact_spans(text, spans)
    assert new_text == "[NAME] (7) was crying. Call [PHONE]. [NAME] said 'dad hit mum'."
    assert [m["text"] for m in moved] == ["crying", "[NAME]", "[NAME] (7) was", "said 'dad hit mum'"]
    assert all(new_text[m["start"]:m["end"]] == m["text"] for m in moved)


def test_spans_of_dev_evidence_keep_their_text_unless_redacted(dev_narratives):
    """Every word-sized window of a narrative, as a span: after redaction it points at the same
    text when it touched no replaced region, and at text covering the placeholder otherwise."""
    redactor = Redactor()
    for narrative in dev_narratives[:10]:
        r = redactor.redact(narrative)
        for m in re.finditer(r"\S+(?:\s+\S+)?", narrative):
            start, end = r.map_span(m.start(), m.end())
            hit = [x for x in r.replacements if x.start < m.end() and m.start() < x.end]
            if not hit:
                assert r.text[start:end] == m.group()
            else:
                for x in hit:
                    assert start <= x.new_start and x.new_end <= end
                    assert r.text[x.new_start:x.new_end].startswith("[")


def test_pipeline_names_are_redacted(nlp):
    text = "Ella (6) and Kayden were upstairs."
    names = pipeline_names(nlp(text))
    assert names, "the pipeline tags 'Ella (6)' as a named child"
    assert "Ella" not in redact(text, names).text


def test_rules_are_packaged_data():
    from nlp_assess.resources import load_json

    rules = load_json("redact_rules.json")
    tags = {p["tag"] for p in rules["patterns"]}
    assert {"POSTCODE", "PHONE", "DOB", "COLLAR", "REF", "ADDRESS"} <= tags
    assert Redactor(rules).redact("Mr Smith").text == "Mr [NAME]"
