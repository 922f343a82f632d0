"""Per-component tests on spacy.blank("en") pipelines built from the packaged rules."""
import pytest
import spacy

from nlp_assess.pipeline import MENTIONS_KEY
from nlp_assess.pipeline.ages import age_from_dob, age_in_years
from nlp_assess.pipeline.context import ContextRule


def labels(doc, label):
    return [s.text for s in doc.spans[MENTIONS_KEY] if s.label_ == label]


# -- sentences -------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("2314 OFFS ON SCENE 2320 IP SPOKEN TO 2330 SUSP ARRESTED", 3),
    ("At 2314 hours officers attended. The victim was upset.", 2),
    ("Approx. 22:40 PC Smith attended", 1),
    ("CHILDREN: two present\nRISK: medium", 4),
    ("In February 2020 he threw a plate. In 2016 she left him.", 2),  # years, not 20:20 timestamps
    # a comma splice in a run-on splits; "then" before a participle continues the clause (DXAI-0027)
    ("we attended the address at about ten past eleven and spoke to the ip in the kitchen with her sister "
     "about what had happened earlier tonight, then we arrested him", 2),
    ("he slapped him when he said no. kids Ellie 10 and Josh 13 both in the hall", 2),  # "No." only before a number
    ("Attended flat No. 14 Mercer House re shouting", 1),
    ("BWV footage from my arrival shows Sophie (5) standing in the lounge doorway in her nightie with both "
     "hands over her ears, crying, then running to IP.", 1),
])
def test_sentences_survive_log_style(nlp, text, expected):
    assert len(list(nlp(text).sents)) == expected


def test_headings_found(nlp):
    doc = nlp("CHILDREN PRESENT: Yes - 2\nCIRCUMSTANCES: argument")
    assert [h[2] for h in doc._.headings] == ["Yes - 2", "argument"]


@pytest.mark.parametrize("text,expected", [
    # a form flattened to one line without colons: the Y/N prompt makes its capitalised segments boxes
    ("DA RECORD | CHILDREN PRESENT AT INCIDENT N/K | CHILD SEEN Y/N Y | CHILD SPOKEN TO Y/N N - asleep | "
     "DEMEANOUR Tia upset | REFERRALS VPRF",
     [("DA RECORD", ""), ("CHILDREN PRESENT AT INCIDENT", "N/K"), ("CHILD SEEN Y/N", "Y"),
      ("CHILD SPOKEN TO Y/N", "N - asleep"), ("DEMEANOUR", "Tia upset"), ("REFERRALS", "VPRF")]),
    # a CAD line in the same shape but with no prompt is prose, not a form
    ("IP Kerry 27 / SUSP Nathan 28 / CHILDREN ASLEEP UPSTAIRS / verbal only", []),
])
def test_prompt_form_boxes(nlp, text, expected):
    doc = nlp(text)
    assert [(text[s:e], value) for s, e, value in doc._.headings] == expected


# -- mentions and ages ---------------------------------------------------------
@pytest.mark.parametrize("text,expected", [("(7)", 7), ("10 months old", 0.83), ("aged 24", 24), ("adult", 18), ("7yo", 7),
                                           ("seventeen year old", 17), ("aged six", 6), ("ten months old", 0.83),
                                           ("teenage", 15)])
def test_age_in_years(text, expected):
    assert age_in_years(text) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("text,on,expected", [
    ("DOB 30/07/2007", "2025-03-11", 17.0),
    ("DOB 30/07/2007", "2025-07-30", 18.0),   # the birthday itself
    ("date of birth 03/02/2008", "2025-06-14", 17.0),
    ("DOB 03/2007", "2024-10-18", 17.0),      # month and year only
    ("DOB 14/06/13", "2025-07-24", 12.0),     # two-digit year
    ("DOB 30/07/2007", None, None),           # no record date: no age (decision 28)
    ("DOB 31/02/2007", "2025-03-11", None),   # not a date
])
def test_age_from_dob(text, on, expected):
    assert age_from_dob(text, on) == expected


def test_record_date_reaches_the_pipeline():
    """`assess` passes each record's date into its Doc, so a date of birth gives an age."""
    from nlp_assess import assess

    text = "Their son Daniel MORRIS, date of birth 19/08/2007, was in the hallway crying."
    dated = next(assess([{"record_id": "1", "narrative": text, "date": "2025-02-08"}], quality=False,
                        second_opinion=False))
    later = next(assess([{"record_id": "2", "narrative": text, "date": "2026-02-08"}], quality=False,
                        second_opinion=False))
    assert dated["child_present"] == "yes" and dated["demeanour_recorded"]
    assert later["child_present"] == "no"  # 18 by then: the only "child" is an adult son (decision 3b)


def test_adult_son_relabelled(nlp):
    doc = nlp("Her son (24) was present.")
    assert labels(doc, "ADULT")[-1] == "son" and "son" not in labels(doc, "CHILD")


def test_under18_party_is_child(nlp):
    doc = nlp("The victim, 16, was assaulted by her father.")
    assert "victim" in labels(doc, "CHILD")


def test_named_child_propagates(nlp):
    doc = nlp("Her daughter Lola (8) was present. Lola was crying.")
    assert labels(doc, "CHILD").count("Lola") == 2


def test_our_kid_is_adult(nlp):
    assert "kid" in labels(nlp("IP fought with our kid."), "ADULT")


def test_idioms_are_not_children(findings_of):
    assert findings_of("Referral to children's social care. Voice of the child: N/A")["children"] == []


# -- ConText qualifier ------------------------------------------------------------
def qual(nlp, text, word, axis):
    doc = nlp(text)
    span = next(s for s in doc.spans[MENTIONS_KEY] if s.text == word)
    return span._.qualifiers[axis]


@pytest.mark.parametrize("text,word,axis,value", [
    ("No children present.", "children", "presence", "absent"),
    ("The children were at school.", "children", "presence", "elsewhere"),
    ("There were no concerns for the children.", "children", "presence", "present"),
    ("She is pregnant with their child.", "child", "subject", "unborn"),
    ("The children witnessed a previous incident in 2022.", "children", "temporality", "historical"),
    ("If the children return, call police.", "children", "temporality", "hypothetical"),
    ("She has two children.", "children", "placement", "unplaced"),
    ("She has two children who were asleep upstairs.", "children", "placement", "scene"),
    ("VPRF not submitted.", "VPRF", "presence", "absent"),
    ("Please ensure a VPRF is submitted.", "VPRF", "temporality", "hypothetical"),
    # not_after: "she was sure" is a belief; "I was sure" is the officer's own
    ("Mum was sure they were calm and settled.", "calm", "source", "reported"),
    ("I was sure they were calm and settled.", "calm", "source", "unknown"),
])
def test_context_qualifiers(nlp, text, word, axis, value):
    assert qual(nlp, text, word, axis) == value


def test_terminator_stops_scope(nlp):
    assert qual(nlp, "No injuries to mum but the children were upstairs.", "children", "presence") == "present"


def test_context_rule_validates_keys():
    with pytest.raises(ValueError):
        ContextRule.from_dict({"literal": "no", "category": "NEGATED", "scope": 3})
    with pytest.raises(ValueError):
        ContextRule.from_dict({"literal": "no", "category": "NEGATED", "direction": "SIDEWAYS"})
    rule = ContextRule.from_dict({"literal": "no", "category": "NEGATED", "direction": "forward", "max_scope": 3})
    assert ContextRule.from_dict(rule.to_dict()) == rule


# -- findings: attribution ------------------------------------------------------------
def test_adult_demeanour_does_not_count(findings_of):
    f = findings_of("Jack (7) was upstairs. The victim was crying.")
    assert f["child_present"] == "yes" and not f["demeanour_recorded"]


def test_pronoun_resolves_to_child(findings_of):
    f = findings_of("I spoke to Amy (8). She told me she was scared when daddy shouts.")
    assert f["voice"] == "recorded"


def test_officer_question_is_not_voice(findings_of):
    f = findings_of("Amy (8) was in the lounge. I asked Amy if she was okay.")
    assert f["voice"] == "missing"


def test_evidence_offsets_slice_text(nlp):
    text = "CHILDREN: Jack (7) upstairs, crying.\nJack said \"dad hit mum\". VPRF submitted."
    f = nlp(text)._.findings
    assert f["evidence"]
    for e in f["evidence"]:
        assert text[e["start"]:e["end"]] == e["text"]
    assert {"CHILD_PRESENT", "DEMEANOUR", "VOICE", "REFERRAL"} <= {e["label"] for e in f["evidence"]}


def test_evidence_span_group_for_displacy(nlp):
    from spacy import displacy

    doc = nlp("Jack (7) was crying. VPRF submitted.")
    html = displacy.render(doc, style="span", options={"spans_key": "evidence"})
    assert "DEMEANOUR" in html and "REFERRAL" in html


# -- spelling ----------------------------------------------------------------
def test_typing_slips_take_the_norm_of_the_word_meant(nlp):
    doc = nlp("VPFR submited for both chidlren, baby asleeep. Towels drying, he sad nothing.")
    norms = {t.text: t.norm_ for t in doc}
    assert norms["chidlren"] == "children" and norms["asleeep"] == "asleep" and norms["VPFR"] == "vprf"
    assert norms["drying"] == "drying" and norms["sad"] == "sad"  # English words are never corrected
    assert doc.text.startswith("VPFR submited for both chidlren")  # the text and its offsets are untouched
    assert [s.label_ for s in doc.spans["evidence"] if s.text in ("VPFR", "chidlren", "asleeep")] != []


def test_each_component_is_a_registered_factory():
    nlp = spacy.blank("en")
    for name in ("nla_sentences", "nla_spelling", "nla_persons", "nla_ages", "nla_demeanour", "nla_voice", "nla_referral",
                 "nla_minimising", "nla_context", "nla_findings"):
        nlp.add_pipe(name)
    assert nlp.pipe_names[-1] == "nla_findings"


def test_quote_mask_equals_the_token_by_token_definition(nlp):
    """quote_mask finds quote tokens from the text; it must agree with visiting every token."""
    from nlp_assess.pipeline.findings import QUOTE_TOKENS, NarrativeFindings

    texts = ['She said "go away" and \u2018left\u2019.', "Mum''s words: ``no''. Dad's 'fine'.",
             'Ella (7) said "I was scared" then "' + "x " * 100 + '" ok', "don't 'quote' \"\"", "the kids' toys and 'quote'", ""]
    for text in texts:
        doc = nlp.make_doc(text)
        mask, open_at = [False] * len(doc), None
        for tok in doc:
            if tok.text in QUOTE_TOKENS:
                if open_at is None:
                    joined = tok.i > 0 and not doc[tok.i - 1].whitespace_ and doc[tok.i - 1].text[-1:].isalnum()
                    if not (tok.text in ("'", "\u2019") and joined):  # a possessive opens nothing
                        open_at = tok.i
                else:
                    if tok.i - open_at <= 80:
                        mask[open_at + 1:tok.i] = [True] * (tok.i - open_at - 1)
                    open_at = None
        assert NarrativeFindings.quote_mask(doc) == mask


def test_no_single_token_pattern_holds_a_word_the_tokenizer_splits(nlp):
    """A one-token pattern for "wide-eyed" can never match (the tokenizer splits it);
    mentions.as_phrases must have turned every such word into a phrase pattern."""
    dead = []
    for name, pipe in nlp.pipeline:
        for p in getattr(pipe, "patterns", None) or []:
            pat = p["pattern"]
            if isinstance(pat, list) and len(pat) == 1:
                for attr in ("LOWER", "ORTH"):
                    value = pat[0].get(attr)
                    words = [value] if isinstance(value, str) else (value or {}).get("IN", []) if isinstance(value, dict) else []
                    dead += [(name, w) for w in words if len(nlp.make_doc(w)) > 1]
    assert dead == []


def test_hyphenated_demeanour_word_matches(findings_of):
    f = findings_of("Alfie (9) came in and was wide-eyed when he saw us.")
    assert f["demeanour_recorded"] is True


def test_quote_mask_skips_possessive_apostrophes(nlp):
    """A plural possessive ("grandparents' house") opens no quote; a real quote still counts."""
    from nlp_assess.pipeline.findings import NarrativeFindings

    doc = nlp("He was at his grandparents' house. She said 'go away' and left.")
    mask = NarrativeFindings.quote_mask(doc)
    quoted = {t.text for t in doc if mask[t.i]}
    assert quoted == {"go", "away"}


def test_spelled_out_patterns_match_what_the_matcher_matches(nlp):
    """Context rules spelled out as phrases for speed must match exactly the Matcher's spans."""
    import json
    from importlib import resources

    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc

    from nlp_assess.pipeline.patterns import spelled_out

    rules = json.loads(resources.files("nlp_assess.resources").joinpath("context_rules.json").read_text("utf-8"))
    patterns = [r["pattern"] for r in rules["rules"] if r.get("pattern") and spelled_out(r["pattern"])]
    assert len(patterns) >= 10
    text = ("The kids were in the back bedroom with nan, in lounge, on the call the CT heard a baby. "
            "She was sure they slept. A PPN for the IP. They are used to it. Kids at their nan's.")
    doc = nlp.make_doc(text)
    for pattern in patterns:
        matcher, phrases = Matcher(nlp.vocab), PhraseMatcher(nlp.vocab, attr="LOWER")
        matcher.add("p", [pattern])
        phrases.add("p", [Doc(nlp.vocab, words=w) for w in spelled_out(pattern)])
        assert sorted((s, e) for _, s, e in matcher(doc)) == sorted((s, e) for _, s, e in phrases(doc)), pattern


# -- the structured field (LABELLING.md decisions 12, 20 and 65) ----------------------------------
@pytest.mark.parametrize("field,expected", [
    ("N/A", True), ("n/a", True), ("No", True), ("N", True), ("Not applicable", True), ("N.A.", True),
    ("None", True), ("Nil", True),                       # spelled-out answers count (decision 65)
    ("", False), ("Unknown", False), ("0", False), ("U", False), ("Y", False), ("Yes - see below", False),
])
def test_na_field_spellings(field, expected):
    from nlp_assess.findings import na_despite_presence
    assert na_despite_presence(field, "yes") is expected
    assert na_despite_presence(field, "no") is False
