"""Narrative-level findings from qualified mentions (the last component of the pipe).

Reads `nla_mentions` (with `span._.qualifiers` from nla_context) and writes:
- `doc._.findings`: a plain dict (child_present, demeanour_recorded, voice,
  referral_recorded, referral_mentioned, minimising_language, children, evidence; and
  demeanour_observed and voice_found, read whatever the presence);
- `doc.spans["evidence"]`: the spans that justify it, labelled CHILD_PRESENT,
  CHILD_ABSENT, DEMEANOUR, VOICE, VOICE_REASON, REFERRAL, MINIMISING, for displaCy.

The steps, in order (`NarrativeFindings._annotate`, one method each):
1. `_read`: persons (child, adult, officer and pronoun mentions, ages already attached by
   nla_ages; `people.People.persons`), the presence of each child mention from its
   qualifiers and form headings, quotes, and who spoke each speech cue (`people.People.speaker`
   and `resolve`: the nearest person before it in the sentence; pronouns resolved to the
   nearest person of matching gender in the sentence or the two before);
2. `_demeanour`, `_voice`, `_reasons`: the officer's own observations, the child's words and
   views, and why a child was not spoken to, each attributed to a child;
3. `_child_present`: presence by the rubric (an observation or words imply a child was there);
4. `_referral`, `_minimising`; then `_write` puts the values and evidence on the Doc.
All per-document state lives in one `_Reading`, made fresh for each document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import numpy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..resources import load_json
from .ages import TEEN_ESTIMATE, capitalised
from .context import MODIFIERS_KEY
from .extensions import register_extensions
from .mentions import MENTIONS_KEY
from .people import OBJECT_PRONOUNS, QUOTE_CHARS, QUOTE_TOKENS, People, Person  # noqa: F401 (QUOTE_TOKENS re-exported)

EVIDENCE_KEY = "evidence"
FORM_LABEL_TAIL = re.compile(r"[ \t]*(?:seen|spoken to|spoken with|present|at (?:the )?address|in (?:the )?house)?[ \t:]*", re.I)
BOXED_LABELS = {"DEMEANOUR", "REFERRAL", "VIEWS", "SPEECH", "NO_VOICE_REASON", "MINIMISING"}


def heading_label(label: str) -> str:
    """A form heading's label, lower case, without brackets or its colon: "Demeanour (tick all):"
    -> "demeanour"."""
    return re.sub(r"\([^)]*\)", "", label.lower()).strip(" :-–\t")


def _quotation_end(quoted: List[bool], i: int) -> int:
    """The first token at or after i that is not inside the quotation running through i."""
    while i < len(quoted) and quoted[i]:
        i += 1
    return i


def _q(span: Span) -> dict:
    """A mention's qualifiers (set by nla_context); {} when it has none."""
    return span._.qualifiers or {}


@dataclass
class _Reading:
    """What the findings step knows about one document while it reads it (nothing is kept
    between documents): its sentences, mentions, persons and their presence, the quoted
    tokens, who spoke each speech cue, and the evidence found so far."""
    doc: Doc
    text: str
    sents: List[Span]
    sent_of: List[int]  # token index -> sentence index
    mentions: List[Span]
    by_pos: Dict[Tuple[int, int], Span]  # (start, end) -> the CHILD or ADULT mention
    persons: List[Person]
    quoted: List[bool]
    observed_at: List[int]  # where the officer says "I saw", "on arrival I observed" ...
    placed_names: Set[str]  # first names of children placed at the scene somewhere in the text
    speech_by: List[Tuple[Span, Optional[Person]]] = field(default_factory=list)
    evidence: List[Tuple[str, int, int]] = field(default_factory=list)
    # children (by mention start) whose state at the time is described by anyone, the officer or
    # a parent's account ("My daughter was hysterical"): they were there, whoever saw it
    described: Set[int] = field(default_factory=set)

    def ok_child(self, p: Optional[Person]) -> bool:
        """A child who counts for demeanour, voice and reasons: present or not placed anywhere,
        named and placed elsewhere in the text, or a party to the incident not placed elsewhere."""
        if p is None or p.kind != "child":
            return False
        return p.status in ("present", "unplaced") or (p.named and p.first_name in self.placed_names) \
            or (p.party and p.status not in ("absent", "elsewhere", "other_household"))  # "V1 told me that S1 used to ..."

    def child_named_in(self, label: str) -> Optional[Person]:
        """The child a heading names in brackets ("Reason not spoken to (Jack):"), if any."""
        named = re.search(r"\(([^)]*)\)", label)
        words = named.group(1).split() if named else []
        if not words:
            return None
        return next((p for p in self.persons if self.ok_child(p) and p.first_name == words[0].lower()), None)

    def children_at(self, span: Span) -> Person:
        """"the children" as one plural person, for a reason about them all written at `span`."""
        return Person(span.start, span.end, "child", "children", self.sent_of[span.start], plural=True)


class NarrativeFindings(People):
    def __init__(self, nlp: Language, name: str = "nla_findings", *, words_file: str = "person_words.json",
                 sections_file: str = "sections.json"):
        register_extensions()
        self.name = name
        self._doc_text: Optional[Tuple[Doc, str]] = None
        self.words_file = words_file
        self.sections_file = sections_file
        words = load_json(words_file)
        self.male = set(words["male"])
        self.female = set(words["female"])
        self.male_titles, self.female_titles = set(words["male_titles"]), set(words["female_titles"])
        names = load_json("first_names.json")
        self.male_names, self.female_names = set(names["male"]), set(names["female"])
        self.first_names = self.male_names | self.female_names
        self.names_that_are_words = set(words["names_that_are_words"])  # "WILL SAYS": a word, not a name
        self.plural = set(words["plural"])
        self.sharing_verbs = set(words["sharing_verbs"])
        self.unborn_words = set(words["unborn_words"])
        self.prepositions = set(words["prepositions"])
        self.passive_aux = set(words["passive_aux"])
        self.passive_adverbs = set(words["passive_adverbs"])  # "was likewise not asked"
        self.contraction_followers = set(words["contraction_followers"])  # "Kev's gone"
        self.sleep_words = set(words["sleep_words"])
        self.scene_subjects = set(words["scene_subjects"])
        self.parent_words = set(words["parent_words"])  # "her mum ... she": see People.resolve
        self.calling_fillers = set(words["calling_fillers"])  # "where's my mummy": a call for a parent
        self.open_question_openers = set(words["open_question_openers"])  # "where are the kids?"
        self.sleep_only_reasons = set(words["sleep_only_reasons"])  # "not disturbed"
        self.elisions = frozenset(words["elisions"])
        self.record_words = frozenset(words["quoted_record_words"])  # "OIC log (PC 2815): '...'"
        self.answer_cues = set(words["answer_cues"])
        self.loud_verbs = set(words["loud_verbs"])
        self.question_verbs = set(words["question_verbs"])
        self.speaking_verbs = set(words["speaking_verbs"])
        self.commitment_verbs = set(words["commitment_verbs"])  # "VPRF - will submit": committed to (decision 9)
        self.instruction_words = set(words["instruction_words"])  # "A VPRF should be submitted": asked for
        self.request_words = set(words["request_words"])  # "I asked ... if I could speak to the children"
        self.demeanour_verb_objects = set(words["demeanour_verb_objects"])  # "trying to calm him down"
        self.animal_words = frozenset(words["animal_words"])
        self.pet_baby_words = frozenset(words["pet_baby_words"])  # '"the baby" is the couple's puppy'
        self.pet_baby_links = frozenset(words["pet_baby_links"])
        self.pet_baby_window = int(words["pet_baby_window"])
        self.telling_verbs = set(words["telling_verbs"])  # "Shannon told me": the officer told
        self.subject_pronouns = set(words["heading_subject_pronouns"])  # "She states:" heads her own words
        self.party_roles = set(words["party_roles"])
        for_adult = words["referral_for_adult"]  # "PPN re the victim", "referral for mum"
        self.referral_for, self.referral_adults = set(for_adult["prepositions"]), set(for_adult["adults"])
        self.adult_referral_markers = set(for_adult["markers"])  # "DA PPN submitted": the victim's
        self.proceedings_words = set(words["proceedings_wishes"]["words"])  # "doesn't want to make a complaint"
        disability = words["disability_only_reasons"]  # "Evan is deaf so was not spoken to" (decision 57)
        self.disability_words, self.disability_unless = set(disability["words"]), set(disability["unless"])
        self.pressure_words = set(words["pressure_only_reasons"]["words"])  # "due to the demand on the night"
        cues = words["not_speech_cues"]
        self.participles, self.participle_openers = set(cues["participles"]), set(cues["participle_openers"])
        self.postposed_cues, self.postposed_followers = set(cues["postposed_cues"]), set(cues["postposed_followers"])
        self.transport_cues, self.transport_places = set(cues["transport_cues"]), set(cues["transport_places"])
        self.hedged_speech = set(cues["hedged"])  # "may have said"
        self.recording_cues = {cue: set(after) for cue, after in cues["recording_cues"].items()}  # "added to the VPRF"
        self.participle_cues = set(words["participle_cues"]["cues"])
        refusing = words["refusing_answers"]
        self.refusing_answers = set(refusing["words"])  # "said 'naw'"
        self.refusal_listeners = set(refusing["to_officers"])  # "and asked us to leave her alone"
        self.refusal_wishes = tuple(refusing["wishes"])  # "he said he just wanted to be left alone"
        self.injury_stems = tuple(words["bare_injury_words"]["stems"])  # "No injuries." alone: the victim's
        self.recording_verbs = set(words["officer_recording_verbs"]["verbs"])  # "PC 4417 wrote that ..."
        self.very_abbreviations = set(words["very_abbreviations"]["words"])  # "v upset": very, not the victim
        self.interpreting_verbs = set(words["interpreted_by_party"]["verbs"])  # "Piotr translated for us"
        self.hearing_verbs = set(words["heard_by_other"]["verbs"])  # "she heard a kid screaming 'stop it'"
        notr = words["reasons_that_are_not"]
        self.refused_followers, self.refusal_to = set(notr["refused_followers"]), list(notr["refusal_to_phrases"])
        self.too_state_to = list(notr["too_state_to_phrases"])  # "too upset to speak", not "... to come out"
        self.let_in_objects, self.let_in_particles = set(notr["let_in_objects"]), set(notr["let_in_particles"])
        self.observation_aux, self.woken_objects = set(notr["observation_auxiliaries"]), set(notr["woken_objects"])
        told = words["told_to_others"]
        self.told_direct, self.told_with_to = set(told["direct"]), set(told["with_to"])
        self.completion_verbs = set(w for w in words["completion_verbs"] if " " not in w)
        self.pending_before_completion = set(words["pending_before_completion"])  # "to be submitted": a request
        form = words["local_referral_form"]  # "CN1 submitted for both girls"
        self.form_code = re.compile(form["code_regex"])
        self.form_not_prefixes = tuple(form["not_code_prefixes"])
        self.form_between, self.form_plural = set(form["between"]), set(form["plural_words"])
        offence = words["offence_section"]  # "susp arr s47": the offence (ABH), not a s47 enquiry
        self.offence_before, self.offence_after = set(offence["before"]), set(offence["after"])
        self.offence_enquiry, self.offence_window = set(offence["enquiry"]), int(offence["window"])
        sections = load_json(sections_file)
        self.affirmative = set(sections["affirmative_values"])
        self.negative = set(sections["negative_values"])
        self.present_words = list(sections["present_words"])
        self.negative_phrases = list(sections["negative_phrases"])
        self.not_presence_headings = set(sections["not_presence_headings"])  # "Child seen Y/N: N"
        self.seen_headings = set(sections["seen_headings"])  # "Child seen Y/N: Y"
        # the context categories that place a child at the scene ("in the lounge", "present"), by their effect
        self.scene_categories = frozenset(c for c, e in load_json("context_rules.json")["category_effects"].items()
                                          if (e["axis"], e["value"]) == ("placement", "scene"))
        self.prompt_suffixes = tuple(" " + w for w in sections["prompt_suffixes"])  # "PPN Y/N: Y"
        self.observation_headings = set(sections.get("observation_headings", ()))
        self.history_headings = set(sections["history_headings"])
        self.residence_headings = set(sections["residence_headings"])
        self.voice_headings = set(sections["voice_headings"])
        self.whole_time_absence = list(sections["whole_time_absence"]["phrases"])  # "not ... at any point tonight"
        self.phone_check = re.compile(sections["phone_check"]["regex"], re.I)  # "Rang the father, who confirmed ..."
        self.remote_call = re.compile(r"\b(?:%s)\b" % "|".join(re.escape(w) for w in sections["remote_call"]["words"]), re.I)
        self.strong_placements = set(sections["remote_call"]["strong_placements"])
        self.revisit_opener = re.compile(sections["revisit"]["openers"], re.I)  # "Revisit 3 days after ..."
        self.revisit_opening = re.compile(sections["revisit"]["opening_sentence"], re.I)  # "I carried out a follow-up visit"
        self.revisit_head = re.compile(sections["revisit"]["update_heads"], re.I)  # "Further update ... - revisit."
        self.entry_head = re.compile(sections["revisit"]["entry_heads"], re.I)  # "Update 3 - PC 2460 - 22:10"
        interview = sections["interview_lines"]  # "Spoke to Ethan ...:" then "Q: ..." / "A: ..."
        self.question_line, self.answer_line = re.compile(interview["question"], re.I), re.compile(interview["answer"], re.I)
        self.inline_answer = re.compile(interview["inline_answer"], re.I)  # "Q: ...? A: ..."
        self.interview_intro = re.compile(interview["intro"], re.I)  # "Q&A with Tamsin in her bedroom:"
        self.asked_to = re.compile(interview["asked_to"], re.I)  # "Q (to SU Kyle SIMS, 17): ..."
        self.visit_words = re.compile(r"\b(?:%s)\b" % "|".join(re.escape(w) for w in sections["revisit"]["visit_words"]), re.I)
        self.incident_time = re.compile(r"\b(?:%s)" % "|".join(re.escape(w) for w in sections["revisit"]["incident_time"]), re.I)
        answer = sections["answer_after_mention"]  # "VPRF N.", "Referral? Not required"
        self.answer_separators, self.negative_answers = set(answer["separators"]), set(answer["negative"])
        self.answer_verbs = set(answer["verbs"])  # "Referral made\tN"
        self.reason_headings = set(sections["reason_headings"])
        self.voice_box_reasons = re.compile(sections["voice_box_reasons"], re.I)  # "VOC: too young"
        account = sections["account_headings"]  # "IP's words: He came round and pushed me ..." (no quotation marks)
        self.account_speakers, self.account_words = set(account["speakers"]), set(account["account_words"])
        self.account_not_speakers, self.first_person = set(account["not_speakers"]), set(account["first_person"])
        boxes = sections["checkboxes"]
        self.ticked, self.unticked = tuple(boxes["ticked"]), tuple(boxes["unticked"])
        marks = "|".join(re.escape(b) for b in sorted(self.ticked, key=len, reverse=True))
        # the option after a ticked box, up to the next box or the end of the line
        self.ticked_option = re.compile(r"(?:%s)\s*([^\[\]\n☐☑☒()]+?)\s*(?=\[|☐|☑|☒|\(|$|\n)" % marks, re.M)
        unknown = sections["unknown_answers"]
        self.unknown_values = set(sections["unknown_values"]) | set(unknown["answers"])
        self.not_an_answer = self.unknown_values | set(sections["not_an_answer_words"])  # "Children present: not asked"
        answers = "|".join(re.escape(a) for a in sorted(unknown["answers"], key=len, reverse=True))
        # the child word, a short rest of the question, its mark, an optional "A:" or bracket, then
        # an unknown or blank answer ("CHILDREN AT ADDRESS: (not asked)")
        codes = "|".join(re.escape(c) for c in unknown["codes"])  # "CYP N/K": a code needs no colon or dash
        self.unknown_answer = re.compile(
            r"[^.?:\n/]{0,%d}?(?:\s*[?:\u2013-]\s*\(?\s*(?:a(?:ns(?:wer)?)?\s*:\s*)?(?:(?:%s)(?![\w])|q\s*:|\n|$)"
            r"|\s+(?:%s)(?![\w/]))" % (int(unknown["max_gap_chars"]), answers, codes), re.I)

    # ------------------------------------------------------------------ persons
    # ------------------------------------------------------------------ presence
    @staticmethod
    def _heading_at(doc: Doc, token_i: int) -> Optional[Tuple[int, int, str]]:
        """The form heading (start, end, value) whose label contains token `token_i`, if any."""
        start_char = doc[token_i].idx
        for hs, he, value in doc._.headings or []:
            if hs <= start_char < he:
                return hs, he, value
        return None

    def _heading_over(self, doc: Doc, token_i: int) -> Optional[str]:
        """The label (lower case) of the form heading whose value line holds token `token_i`."""
        char = doc[token_i].idx
        for hs, he, value in doc._.headings or []:
            if he <= char <= he + len(value) + 2 and "\n" not in self._text(doc)[he:char]:
                return heading_label(self._text(doc)[hs:he])
        return None

    def _observation_heading(self, label: Optional[str]) -> bool:
        """An observation heading, or one made of them ("demeanour/presentation")."""
        return label is not None and (label in self.observation_headings or "/" in label and all(
            part.strip() in self.observation_headings for part in label.split("/")))

    def _box(self, fragment: str, at_end: bool) -> Optional[str]:
        """"ticked" or "unticked" when `fragment` ends (or starts) with a tick box."""
        test = fragment.endswith if at_end else fragment.startswith
        return "ticked" if test(self.ticked) else "unticked" if test(self.unticked) else None

    def box_before(self, doc: Doc, start_char: int) -> Optional[str]:
        """"ticked" or "unticked" when a tick box stands right before this character."""
        return self._box(self._text(doc)[max(0, start_char - 6):start_char].rstrip(), at_end=True)

    def box_after(self, doc: Doc, p: "Person") -> Optional[str]:
        """The tick box a form line puts after a child word ("Child seen [x]", "Children [ ]")."""
        end = doc[p.end - 1].idx + len(doc[p.end - 1])
        text = self._text(doc)
        m = FORM_LABEL_TAIL.match(text, end)
        return self._box(text[m.end():m.end() + 6], at_end=False)

    def ticked_value(self, value: str) -> str:
        """A heading value made of tick boxes reads as its ticked options ("[ ] Yes [x] No" -> "No";
        nothing ticked -> ""); any other value is returned as it is."""
        if not any(b in value for b in self.ticked + self.unticked):
            return value
        return " ".join(m.group(1).strip() for m in self.ticked_option.finditer(value))

    def _value_labels(self, doc: Doc, heading: Tuple[int, int, str], key: str, by: str = "label_") -> Set[str]:
        """The labels (or, with by="id_", the pattern ids) of the `key` span group's spans that start
        in a heading's value (the value is a sentence of its own, out of the context rules' reach of
        the heading's words)."""
        hs, he, value = heading
        vs = self._text(doc).find(value, he)
        return {getattr(m, by) for m in doc.spans.get(key, ()) if vs <= m.start_char < vs + len(value)}

    @staticmethod
    def _only_adult_children(doc: Doc) -> bool:
        """The record's sons and daughters are all adults ("daughter Chloe (20)") and no child is
        named outside a form label: a "Child seen: Y" box then saw an adult."""
        labels = [(hs, he) for hs, he, _ in doc._.headings or []]
        mentions = doc.spans.get(MENTIONS_KEY, ())
        return any(m.id_ == "adult_child" for m in mentions) and not any(
            m.label_ == "CHILD" and not any(hs <= m.start_char < he for hs, he in labels) for m in mentions)

    def _heading_presence(self, doc: Doc, p: Person, heading: Optional[Tuple[int, int, str]]) -> Optional[str]:
        """Presence said by the heading a child mention sits in ("CHILDREN PRESENT: No")."""
        if heading is None or p.named:
            return None  # (a named child heading a block, "CYP1 Nathaniel MENSAH 14 - in his room, angry":
            # the line is about them, and its words place them or not like any other sentence)
        hs, he, raw = heading
        value = self.ticked_value(raw)
        words = re.findall(r"[\w/]+", value.lower())
        first = words[0] if words else ""
        label = self._text(doc)[hs:he].lower()
        label_words = set(re.findall(r"\w+", label))
        asks_presence = any(w in label for w in self.present_words)  # "CHILDREN PRESENT", "Kids at scene"
        if first in self.negative or value.lower().strip(" .") in self.negative \
                or any(ph in value.lower() for ph in self.negative_phrases):
            # ("Child seen Y/N: N" says the child was not seen, not that no child was there)
            return "heading" if label_words & self.not_presence_headings else "absent"
        if asks_presence and "UNBORN" in self._value_labels(doc, heading, MODIFIERS_KEY) \
                and "CHILD" not in self._value_labels(doc, heading, MENTIONS_KEY):
            # "Minors at address: 1 - unborn (IP 30/40)": asked who was there, a pregnancy is the
            # answer (a block label, "CHILD 1: unborn", asks nothing)
            return "absent"
        if first in self.affirmative and asks_presence \
                and "adult_child" in self._value_labels(doc, heading, MENTIONS_KEY, by="id_") \
                and "CHILD" not in self._value_labels(doc, heading, MENTIONS_KEY):
            # "CHILDREN PRESENT AT INCIDENT: Y - daughter Chloe (20)": the one the box counts is an adult
            return "absent"
        if first in self.affirmative:
            # "CHILDREN PRESENT: Yes" places them; "Children? Yes - two" only says they exist, unless
            # the value places them ("Kids in household: 3 (12, 9, 6) - all in the house at the time")
            return "present" if self._value_places(doc, heading) or asks_presence \
                or label_words & self.seen_headings and not self._only_adult_children(doc) \
                else "unplaced"
        if any(c.isalpha() for c in first) and asks_presence \
                and first not in self.not_an_answer and value.lower().strip(" .") not in self.unknown_values \
                and not any(box in value for box in self.unticked + self.ticked) \
                and not self.unknown_answer.match(value, re.match(r"\W*[\w/]+", value).end()):
            # ("Children present: CYP - N/K" is an answer of its own: not known)
            return "present"  # "Child present - fine", "Children present: asleep upstairs": described, so there
        return "heading"

    def _name_heading_placed(self, doc: Doc, p: Person, heading: Optional[Tuple[int, int, str]]) -> bool:
        """A child's name used as a form heading whose value places them ("Amelia: in Moses basket
        in the lounge"): its scene words are read from the value (and only when nothing there says
        elsewhere or not)."""
        if heading is None or heading_label(self._text(doc)[heading[0]:heading[1]]) != p.text.lower() \
                or not heading[2].strip():
            return False
        return self._value_places(doc, heading)

    def _value_places(self, doc: Doc, heading: Tuple[int, int, str]) -> bool:
        """A heading's value places a child at the scene by its scene words, and nothing in it says
        elsewhere or not ("in Moses basket in the lounge", "3 (12, 9, 6) - all in the house")."""
        cats = self._value_labels(doc, heading, MODIFIERS_KEY)
        return bool(cats & self.scene_categories) and not cats & {
            "NEGATED", "ELSEWHERE", "WITH_RELATIVE", "OTHER_HOUSEHOLD", "HISTORICAL", "HYPOTHETICAL"}

    def _in_open_question(self, doc: Doc, p: Person) -> bool:
        """The mention is in a question the officer asked about where the children were ("where are
        the kids?", "Are they in the house?"): the question places no one."""
        sent = doc[p.start].sent
        words = [t.lower_ for t in doc[sent.start:p.start] if t.is_alpha]
        mark = next((t for t in doc[p.end:sent.end] if t.text in ("?", ".", "!")), None)
        return mark is not None and mark.text == "?" and bool(words) and words[0] in self.open_question_openers

    def _unknown_answer(self, doc: Doc, p: Person) -> bool:
        """The child word answered as not known ("CYP: not asked", "Children at the address - I did
        not ask"); a pointer elsewhere ("CYP: see Niche record") only when the words before it do
        not already say the child was there ("Child present - see DASH")."""
        end = p.end
        if end + 1 < len(doc) and doc[end].text == "/" and doc[end + 1].is_alpha:
            end += 2  # "Kids/CYP: not asked": one heading in two words
        m = self.unknown_answer.match(self._text(doc), doc[end - 1].idx + len(doc[end - 1]))
        if m is None:
            return False
        said = m.group(0).lower()
        pointer = re.search(r"\b(see|refer)\b", said)
        return pointer is None or not any(w in said[:pointer.start()] for w in self.present_words)

    def presence(self, doc: Doc, persons: List[Person], mentions_by_pos: Dict[Tuple[int, int], Span]) -> None:
        starts = {p.start for p in persons}
        checked = [m.span() for m in self.phone_check.finditer(self._text(doc))]  # what someone away confirmed by phone
        for p in persons:
            if p.kind != "child":
                continue
            span = mentions_by_pos.get((p.start, p.end))
            q = (span._.qualifiers if span is not None else None) or {}
            heading_at = self._heading_at(doc, p.start)
            heading = self._heading_presence(doc, p, heading_at)
            over = self._heading_over(doc, p.start)  # the heading whose value line holds it, if any
            if heading is not None:
                p.status, p.heading = heading, True
                if heading == "heading" and not p.named and self._unknown_answer(doc, p):
                    p.status = "unknown"  # "CYP: N/K": the form's own answer is "not known"
            elif p.named and self._name_heading_placed(doc, p, heading_at):
                p.status, p.heading = "present", True  # "Amelia: in Moses basket in the lounge"
            elif not p.named and self._unknown_answer(doc, p):
                p.status = "unknown"  # "CYP: not asked", "Children present? A: unknown"
            elif not p.named and self._in_open_question(doc, p):
                p.status = "unknown"  # "Q: where are the kids? A: 'They're fine'": asked, not said
            elif not p.named and (box := self.box_after(doc, p)) is not None:
                # a form's line: "Child seen [x]" - seen, so there; "Child seen [ ]" says nothing
                p.status = "present" if box == "ticked" else "unknown"
            elif any(a <= doc[p.start].idx < b for a, b in checked):
                p.status = "elsewhere"  # "Rang the father, who confirmed both boys are with him"
            elif p.possessor and (p.end + 1 in starts or p.end + 2 in starts):
                p.status = "unplaced"  # "Leo's mum was in the kitchen", "Son's father rang 999": the cue places the other
            elif q.get("presence") in ("absent", "elsewhere", "other_household"):
                p.status = q["presence"]
            elif q.get("temporality") in ("historical", "hypothetical") \
                    or over in self.history_headings:
                p.status = "other"  # "History: in 2022 both children were present ..."
            elif q.get("temporality") == "habitual" and q.get("placement") != "scene":
                p.status = "other"  # "the kids are used to it": about children in general, unless placed
            elif q.get("source") == "reported":
                p.status = "reported"  # "CHILDREN AT ADDR PER CALLER": the caller's word, not a placement
            elif q.get("placement") == "unplaced" or (
                    q.get("placement") != "scene" and over in self.residence_headings):
                p.status = "unplaced"  # "CHILDREN IN HOUSEHOLD: 2 - Anika (11), Dev (8)": who lives there
            else:
                p.status = "present"
        # "Dean's son Owen BARRETT (10), who lives with his mum ... and was staying for the week":
        # the kin word and the name beside it are one child; where the name is placed here, so is the word
        for a, b in zip(persons, persons[1:]):
            if a.kind == b.kind == "child" and b.named and not a.named and b.start == a.end \
                    and b.status == "present" and a.status in ("other_household", "unplaced"):
                a.status = "present"

    @staticmethod
    def introduced_unplaced(doc: Doc, persons: List[Person], mentions_by_pos: Dict[Tuple[int, int], Span]) -> None:
        """"Ward has a 6-year-old boy by an earlier partner ... the boy": a child introduced as
        someone's (unplaced) and never placed at the scene is still unplaced when mentioned again
        without a place. Named children are matched by name, unnamed ones with each other; the
        names listed after such a group ("The IP has three children with COLE - Brandon (15),
        Kayden (12) and Mollie") are the group's."""
        def key(p: Person) -> str:
            return p.first_name if p.named else "(unnamed)"

        def placed(p: Person) -> bool:
            span = mentions_by_pos.get((p.start, p.end))
            return p.heading or p.party or (span is not None and (span._.qualifiers or {}).get("placement") == "scene")

        children = [p for p in persons if p.kind == "child"]
        for group in (g for g in children if g.status == "unplaced" and g.plural and not g.named):
            end = group.end
            for p in (c for c in children if c.start >= group.end and c.sent == group.sent):
                gap = doc[end:p.start]
                if len(gap) > 6 or not all(t.is_punct or t.is_digit or t.is_space or t.is_title or t.is_upper
                                           or t.lower_ in ("and", "with", "aged", "yrs", "years") for t in gap):
                    break
                if p.named and p.status == "present" and not placed(p):
                    p.status = "unplaced"
                end = p.end
        placed_keys = {key(p) for p in children if placed(p)}
        introduced: Dict[str, int] = {}
        for p in children:
            if p.status == "unplaced":
                introduced.setdefault(key(p), p.start)
        for p in children:
            k = key(p)
            if p.status == "present" and k in introduced and introduced[k] < p.start and k not in placed_keys:
                p.status = "unplaced"

    @staticmethod
    def _near_verb(doc: Doc, span: Span, sent: Span, verbs: Set[str], window: int, not_after: Set[str] = frozenset()) -> bool:
        """A verb from `verbs` within `window` tokens of the span, in its sentence, not negated
        and not after a word of `not_after` ("to be submitted")."""
        lo, hi = max(sent.start, span.start - window), min(sent.end, span.end + window)
        for t in doc[lo:hi]:
            before = doc[t.i - 1].lower_ if t.i > 0 else ""
            if t.lower_ in verbs and before not in ("not", "n't", "never", "no") and before not in not_after:
                return True
        return False

    def pronoun_absence(self, persons: List[Person], mentions_by_pos: Dict[Tuple[int, int], Span],
                        pronouns: List[Span]) -> None:
        """"Both were at Sandhill Primary", "They were at their dad's": a plural pronoun said to be
        elsewhere takes with it the children named just before, unless they were placed there;
        "Harley is 4. ... he was at Mia's mum's": a singular one placed elsewhere, the child it refers to."""
        at = {p.start: p for p in persons}
        for pron in pronouns:
            q = pron._.qualifiers or {}
            if pron.label_ != "PRONOUN" or q.get("presence") not in ("absent", "elsewhere"):
                continue
            if pron.id_ != "pron_plural":
                if q["presence"] != "elsewhere" or q.get("temporality", "current") != "current":
                    continue  # ("he hadn't heard any of it": a negated verb, not absence)
                me = at.get(pron.start)
                child = self.resolve(me, persons) if me is not None and me.kind == "pronoun" else None
                if child is not None and child.kind == "child" and child.named and not child.plural:
                    for p in persons:
                        span = mentions_by_pos.get((p.start, p.end))
                        placed = span is not None and (span._.qualifiers or {}).get("placement") == "scene"
                        if p.kind == "child" and p.named and p.first_name == child.first_name \
                                and p.status in ("present", "unplaced") and not placed and p.end <= pron.start \
                                and me.sent - 2 <= p.sent:
                            p.status = q["presence"]
                continue
            sent = next((p.sent for p in persons if p.start == pron.start), None)
            if sent is None:
                continue
            for p in persons:
                span = mentions_by_pos.get((p.start, p.end))
                placed = span is not None and (span._.qualifiers or {}).get("placement") == "scene"
                if p.kind == "child" and p.status in ("present", "unplaced") and not placed \
                        and sent - 2 <= p.sent <= sent and p.end <= pron.start:
                    p.status = q["presence"]

    def pronoun_placement(self, persons: List[Person], pronouns: List[Span]) -> None:
        """"Brian has his grandkids living with him. They were in the house.": a pronoun placed at
        the scene now places the child it refers to, when nothing else had placed or removed them."""
        at = {p.start: p for p in persons}
        for pron in pronouns:
            q = pron._.qualifiers or {}
            if pron.label_ != "PRONOUN" or q.get("placement") != "scene" \
                    or q.get("presence", "present") != "present" or q.get("temporality", "current") != "current":
                continue
            p = at.get(pron.start)
            if p is None or p.kind != "pronoun":
                continue
            child = self.resolve(p, persons)
            if child is not None and child.kind == "child" and child.status == "unplaced" and (
                    child.plural or child.named or p.text.lower() not in ("both", "neither")):
                child.status = "present"  # (not "V has a child with S. Both state ...": both are two)

    # ------------------------------------------------------------------ main
    def _text(self, doc: Doc) -> str:
        """doc.text, built once per document (spaCy rebuilds it from the tokens on every access)."""
        if self._doc_text is None or self._doc_text[0] is not doc:
            self._doc_text = (doc, doc.text)
        return self._doc_text[1]

    def __call__(self, doc: Doc) -> Doc:
        try:
            return self._annotate(doc)
        finally:
            self._doc_text = None  # hold no document between calls

    def _annotate(self, doc: Doc) -> Doc:
        """The record's findings, in the order the steps depend on each other: what was said and
        observed of which child first; then presence (an observation or words imply a child was
        there); then the values by the rubric."""
        r = self._read(doc)
        demeanour_children = self._demeanour(r)
        voice_children = self._voice(r)
        reasons = self._reasons(r)
        child_present, present = self._child_present(r, demeanour_children | voice_children)
        # voice: recorded, or a reason that covers every present child
        if voice_children:
            voice = "recorded"
        elif reasons and self._reasons_cover(present, [w for _, w in reasons]):
            voice = "reason_given"
        else:
            voice = "missing"
        referral_mentioned, referral_done = self._referral(r)
        minimising = self._minimising(r, child_present)
        yes = child_present == "yes"
        self._write(r, {
            "child_present": child_present,
            "demeanour_recorded": bool(yes and demeanour_children),
            "voice": voice if yes else "missing",
            "referral_recorded": bool(yes and referral_mentioned),
            "referral_mentioned": referral_mentioned,
            "referral_done": referral_done,
            "minimising_language": minimising,
            # what was read whatever the presence, for a second opinion that overrules it
            "demeanour_observed": bool(demeanour_children),
            "voice_found": voice,
        })
        return doc

    # ------------------------------------------------------------------ reading one document
    def _read(self, doc: Doc) -> "_Reading":
        """Sentences, mentions, persons and their presence, quotes, and who spoke each speech cue."""
        sents = list(doc.sents)
        sent_of = [0] * len(doc)
        for i, s in enumerate(sents):
            for t in range(s.start, s.end):
                sent_of[t] = i
        mentions = list(doc.spans[MENTIONS_KEY]) if MENTIONS_KEY in doc.spans else []
        # "Demeanour (tick all): [ ] quiet [x] withdrawn", "[ ] MASH": an empty box was only offered
        mentions = [m for m in mentions if m.label_ not in BOXED_LABELS or self.box_before(doc, m.start_char) != "unticked"]
        modifiers = list(doc.spans[MODIFIERS_KEY]) if MODIFIERS_KEY in doc.spans else []
        by_pos = {(s.start, s.end): s for s in mentions if s.label_ in ("CHILD", "ADULT")}
        persons = self.persons(doc, mentions, sent_of)
        self.presence(doc, persons, by_pos)
        pronouns = [s for s in mentions if s.label_ == "PRONOUN"]
        self.pronoun_absence(persons, by_pos, pronouns)
        self.pronoun_placement(persons, pronouns)
        self.introduced_unplaced(doc, persons, by_pos)
        visits = self._visit_sections(self._text(doc))
        if visits:
            # "Revisit 3 days after ...: Oscar was home today, on his tablet": there at the visit
            # (a child the record places at the incident is the same child when seen again)
            today = {i for i, sent in enumerate(sents) if self.visit_words.search(sent.text)
                     and not self.incident_time.search(sent.text)
                     and any(vs <= sent.start_char < ve for vs, ve in visits)}
            # and the rest of its paragraph ("Today I went back ... The children were home. Daisy was
            # doing homework at the kitchen table"), up to a blank line, the visit section's end or a
            # sentence about the incident's time
            text = self._text(doc)
            for i in sorted(today):
                section_end = next(ve for vs, ve in visits if vs <= sents[i].start_char < ve)
                j = i + 1
                while j < len(sents) and sents[j].start_char < section_end \
                        and "\n\n" not in text[sents[j - 1].end_char:sents[j].start_char + 1] \
                        and not self.incident_time.search(sents[j].text):
                    today.add(j)
                    j += 1
            # (placed there: a bare later mention, "IP said that Oscar did not see anything", is not)
            at_incident = {p.first_name if p.named else "" for p in persons
                           if p.kind == "child" and p.sent not in today and p.status == "present" and (
                               p.heading or p.party or _q(by_pos[(p.start, p.end)]).get("placement") == "scene"
                               if (p.start, p.end) in by_pos else True)}
            for p in persons:
                if p.kind == "child" and p.sent in today and p.status in ("present", "unplaced") \
                        and (p.first_name if p.named else "") not in at_incident:
                    p.status = "later"
        # a bare "baby" in a record about a pregnancy is the unborn baby unless placed at the scene
        if any(m.label_ == "UNBORN" for m in modifiers):
            for p in persons:
                if p.kind == "child" and not p.named and p.age is None and p.text.lower() in self.unborn_words:
                    p.kind = "unborn"
        quoted = self.quote_mask(doc, self.elisions, self.record_words, text=self._text(doc))
        self._mask_accounts(doc, self._text(doc), quoted)
        for p in persons:
            p.in_quote = quoted[p.start]
        r = _Reading(doc=doc, text=self._text(doc), sents=sents, sent_of=sent_of, mentions=mentions, by_pos=by_pos,
                     persons=persons, quoted=quoted,
                     observed_at=[m.start for m in modifiers if m.label_ == "OBSERVED"],
                     # a named child placed at the scene anywhere in the text is there in every mention
                     placed_names={p.first_name for p in persons
                                   if p.named and p.kind == "child" and p.status in ("present", "unplaced")})
        r.speech_by = self._speech_cues(r)
        return r

    def _visit_sections(self, text: str) -> List[Tuple[int, int]]:
        """Character ranges that record a later visit: the whole text when it opens as one
        ("Revisit 3 days after ..."), else each entry of a running log whose head says it is a
        revisit ("Further update 11/08 14:00 by PC 3842 - revisit. Lily-Mae home today"), up to
        the line that starts the next entry."""
        if self.revisit_opener.match(text) or self.revisit_opening.match(text):
            return [(0, len(text))]
        sections, start, current = [], 0, None
        for line in text.split("\n"):
            if current is not None and self.entry_head.match(line):
                sections.append((current, start))
                current = None
            if current is None and start > 0 and self.revisit_head.search(line[:80]):
                current = start
            start += len(line) + 1
        if current is not None:
            sections.append((current, len(text)))
        return sections

    def _mask_accounts(self, doc: Doc, text: str, quoted: List[bool]) -> None:
        """Mark as quoted a party's first-person account pasted under a heading without
        quotation marks ("IP's words: He came round ... Mia told me later she saw him push me"):
        from the heading to the end of its line, when its first sentence says "I", "me" or "my"."""
        for hs, he, _ in doc._.headings or []:
            words = re.findall(r"[\w'’/]+", heading_label(text[hs:he]))
            if not words or not any(w in self.account_words for w in words[1:]) \
                    or not any(w in self.account_speakers for w in words) \
                    or any(w in self.account_not_speakers for w in words):
                continue
            line_end = text.find("\n", he)
            span = doc.char_span(he, len(text) if line_end < 0 else line_end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            first = span[0].sent
            # ("Victim account: Shannon told me he grabbed her wrist": under a role's heading, "told me"
            # is the officer being told; under "She states:" the "me" is hers)
            told_officer = not any(w.lower() in self.subject_pronouns for w in words)
            if not any(t.lower_ in self.first_person and not quoted[t.i]
                       and not (told_officer and t.lower_ in ("me", "us") and t.i > 0
                                and doc[t.i - 1].lower_ in self.telling_verbs)
                       for t in doc[span.start:min(span.end, first.end)]):
                continue  # "IP's account: she says he pushed her": the officer's summary
            for i in range(span.start, span.end):
                quoted[i] = True

    # ------------------------------------------------------------------ speech cues and who spoke them
    def _speech_cues(self, r: "_Reading") -> List[Tuple[Span, Optional[Person]]]:
        speech_by = []
        for s in r.mentions:
            if s.label_ != "SPEECH" or _q(s).get("presence") == "absent" or r.quoted[s.start] or self._in_brackets(r, s):
                continue
            if s.end - s.start > 1 and s[-1].text in QUOTE_CHARS and not (s.end < len(r.doc) and r.quoted[s.end]):
                continue  # "shouting about the kids' maintenance": the mark opens no quotation (a possessive)
            if s.id_ == "speech_bare" and not any(p.end == s.start and p.kind != "officer" and not p.plural
                                                  and p.text.lower() not in self.plural for p in r.persons):
                # "she say", "Mateo tell me" (a bare verb after one person) are speech; not "to say",
                # "did not tell", nor "both say", whose subject the verb does not single out
                continue
            by = self._passive_by(r, s) or self._participle_subject(r, s)
            answered = self._asked_person(r, s) if s.text.lower() in self.answer_cues else None
            if by is not None:
                speech_by.append((s, by))
            elif answered is not None:
                speech_by.append((s, answered))
            elif not self._not_speech(r, s):
                # "told me", "said to us": whoever spoke, it was not the officers ("Lacey came
                # downstairs as we arrived, in tears, told me ...")
                to_officer = s[-1].lower_ in ("me", "us") or (s.end < len(r.doc) and r.doc[s.end].lower_ in ("me", "us"))
                # and not officers of a subordinate clause before a quotation ("Ifan came down the
                # stairs while we were in the hall and said 'Dad hit Mam'") or after a comma ("Ellie
                # came down while we were there, said she was fine")
                main_clause = s.end < len(r.doc) and r.doc[s.end].text in QUOTE_CHARS \
                    or s.start > 0 and r.doc[s.start - 1].text == ","
                at = s.start
                if at >= 2 and r.doc[at - 1].lower_ == "and" and r.doc[at - 2].text == ",":
                    # ", and explained ...": a verb with no subject of its own shares the sentence's
                    # first subject ("I talked to her about what the children had seen, and explained")
                    at = next((p.end for p in r.persons if p.sent == r.sent_of[s.start] and p.end <= s.start
                               and not r.quoted[p.start] and not p.possessor and not p.prep_object), at)
                named = self._unknown_name_before(r, s)
                if named is not None:
                    # "Natalie said the kids was terrified": a first name no age or role made a
                    # person is still someone (an adult: a child's name would be known), not the
                    # subject of the sentence before
                    speech_by.append((s, named))
                    continue
                who = self._relative_subject(r, s) or self.speaker(
                    at, r.sent_of[s.start], r.persons, r.quoted, carry_over=s.id_ != "speech_weak",
                    skip_officers=to_officer, main_clause=main_clause,
                    subjectless=s.start > 0 and r.doc[s.start - 1].text in (",", "-", "–", "—"))
                if who is not None and who.sent != r.sent_of[s.start] and self._told_to(r, s) is who:
                    # "He shook his head. [I] Gave him my card and told him he can ring ...": carried over
                    # from the sentence before, the subject is the one told, not the teller
                    who = None
                speech_by.append((s, who))
        return speech_by

    def _unknown_name_before(self, r: "_Reading", s: Span) -> Optional[Person]:
        """The cue follows a capitalised first name that is no person the record knows ("Kerry
        said"): that person, as an adult."""
        return self._unknown_name(r, r.doc[s.start - 1]) if s.start > 0 else None

    def _unknown_name(self, r: "_Reading", tok) -> Optional[Person]:
        """A capitalised first name that is no person the record knows, as an adult."""
        # (in capitals too, where the record gives that name an adult's age: "KERRY-ANN WATT 33 AND
        # GARY WATT 36 ... GARY SAYS THE KIDS ARE USED TO IT"; not "SON - DYLAN - ... DYLAN SAID")
        if tok.lower_ not in self.first_names \
                or not (tok.is_title or tok.is_upper and len(tok) > 1 and tok.lower_ not in self.names_that_are_words
                        and self._adult_age_after_name(r.doc, tok)) \
                or any(p.start <= tok.i < p.end or p.kind == "child" and p.named and p.first_name == tok.lower_
                       for p in r.persons) or self._heading_over(r.doc, tok.i) in self.voice_headings:
            return None  # (a child named elsewhere in the record, or in a voice box, is that child)
        return Person(tok.i, tok.i + 1, "adult", tok.text, r.sent_of[tok.i], named=True)

    @staticmethod
    def _adult_age_after_name(doc: Doc, name) -> bool:
        """Somewhere before, the same word is followed within three tokens by an age of 18 or more."""
        for t in doc[:name.i]:
            if t.lower_ == name.lower_ and any(u.is_digit and len(u.text) <= 2 and int(u.text) >= 18
                                               for u in doc[t.i + 1:t.i + 4]):
                return True
        return False

    @staticmethod
    def _relative_subject(r: "_Reading", s: Span) -> Optional[Person]:
        """The person a ", who said" clause hangs on ("I knelt down with Lacey, who said ..."),
        even as a preposition's object."""
        if s.start < 3 or r.doc[s.start - 1].lower_ != "who" or r.doc[s.start - 2].text != ",":
            return None
        return next((p for p in r.persons if p.end == s.start - 2 and p.kind in ("child", "adult")), None)

    def _told_to(self, r: "_Reading", s: Span) -> Optional[Person]:
        """Who "told him/her/them" was told to, when the object is a pronoun right after the cue."""
        if s.text.lower() not in ("told", "tells", "telling") or s.end >= len(r.doc) \
                or r.doc[s.end].lower_ not in OBJECT_PRONOUNS:
            return None
        return self._object_referent(r, r.doc[s.end])

    def _object_referent(self, r: "_Reading", tok, block_child: Optional[int] = None) -> Optional[Person]:
        """Whom an object pronoun ("him", "her", "them") refers to, resolved as its subject form would be."""
        pron = OBJECT_PRONOUNS[tok.lower_]
        return self.resolve(Person(tok.i, tok.i + 1, "pronoun", pron, r.sent_of[tok.i],
                                   gender={"he": "male", "she": "female"}.get(pron), plural=pron == "they",
                                   block_child=block_child), r.persons)

    def _not_speech(self, r: "_Reading", s: Span) -> bool:
        """'was asked', 'were told' (the listener, not the speaker); 'asked to inform' (a request);
        'when told' (a participle); 'CAIT informed, strat disc' and 'reported missing' (the cue
        after its object, nothing said); 'conveyed to custody' (taken there)."""
        doc = r.doc
        before = doc[s.start - 1].lower_ if s.start > 0 else ""
        after = doc[s.end].lower_ if s.end < len(doc) else ""
        cue = s.text.lower()
        if s.start > 1 and doc[s.start - 2:s.start].text.lower() in self.hedged_speech:
            return True  # "She may have said something about daddy ...": not what she said
        j = s.start - 1  # the auxiliary, over "not", "likewise", "never" ...: "was likewise not asked"
        while j > 0 and s.start - j <= 3 and doc[j].lower_ in self.passive_adverbs:
            j -= 1
        aux = doc[j].lower_ if j >= 0 else ""
        return (aux in self.passive_aux
                or (before in ("not", "never") and cue in self.question_verbs)  # "Rahul not asked about it"
                or (cue.startswith("answer") and (before in ("yes", "no") or before[:1].isdigit()))  # "9 yes answers"
                or (after == "to" and cue in ("asked", "told", "tells", "asks"))
                or (cue in self.participles and before in self.participle_openers)
                or (cue in self.postposed_cues and (after in self.postposed_followers or after[:1].isdigit()
                                                    or s.end == len(doc)))
                or (cue in self.transport_cues and after == "to"
                    and any(t.lower_ in self.transport_places for t in doc[s.end + 1:s.end + 4]))
                # "S1 arr s47, conveyed Lanholme": a place name, no "to"
                or (cue in self.transport_cues and s.end < len(doc) and doc[s.end].is_alpha and capitalised(doc[s.end])
                    and not any(p.start == s.end for p in r.persons))
                or after in self.recording_cues.get(cue, ())
                or ((before == "," or cue in ("asking", "requesting")) and cue.endswith("ing")
                    and self._referral_subject(r, s)))  # "PPN submitted for Matei asking for a follow-up"

    @staticmethod
    def _referral_subject(r: "_Reading", s: Span) -> bool:
        """"VPRF submitted for Isla, asking that follow-up is done at school": the sentence is about
        a referral (one comes before the cue, and no person before it), so the referral asks."""
        sent = r.sent_of[s.start]
        ref = next((m for m in r.mentions if m.label_ == "REFERRAL" and r.sent_of[m.start] == sent
                    and m.end <= s.start), None)
        return ref is not None and not any(p.sent == sent and p.start < ref.start and p.kind != "officer"
                                           for p in r.persons)

    def _passive_by(self, r: "_Reading", s: Span) -> Optional[Person]:
        """'It was stated by Ezra that ...': the person after 'by' is the speaker."""
        if s.end + 1 < len(r.doc) and r.doc[s.end].lower_ == "by":
            who = next((p for p in r.persons if p.start in (s.end + 1, s.end + 2) and p.kind != "officer"), None)
            if who is not None:
                return self.resolve(who, r.persons) if who.kind == "pronoun" else who
        return None

    def _asked_person(self, r: "_Reading", s: Span) -> Optional[Person]:
        """"when I asked him if his dad had been shouting he nodded": a nod or an answer
        after the officer's question is from the person asked, not the nearest "he"."""
        doc, sent_of = r.doc, r.sent_of
        lo = max(r.sents[sent_of[s.start]].start, s.start - 20)
        for j in range(s.start - 1, lo - 1, -1):
            if doc[j].lower_ not in self.question_verbs:
                continue
            asker = self.speaker(j, sent_of[j], r.persons, r.quoted, carry_over=False)
            if asker is not None and asker.kind != "officer" or j + 1 >= s.start:
                return None
            named = next((p for p in r.persons if p.start == j + 1 and p.kind != "pronoun"), None)
            if named is not None:
                return named
            pron = OBJECT_PRONOUNS.get(doc[j + 1].lower_)
            if pron is None:
                if doc[j + 1].lower_ in ("if", "whether") and not any(
                        p.sent == sent_of[j] and p.end <= j and p.kind != "officer" for p in r.persons):
                    # a log's "Asked if Aaron kicked mum - nodded." under the child's line: the one
                    # asked is the subject carried over, not a person named inside the question
                    return self.speaker(j, sent_of[j], r.persons, r.quoted, skip_officers=True)
                return None
            return self.resolve(Person(j + 1, j + 2, "pronoun", pron, sent_of[j + 1]), r.persons)
        return None

    @staticmethod
    def _in_brackets(r: "_Reading", s: Span) -> bool:
        """Inside [square brackets]: a form's unfilled placeholder ("[enter child's words here]")."""
        line_start = r.text.rfind("\n", 0, s.start_char) + 1
        before = r.text[line_start:s.start_char]
        return before.rfind("[") > before.rfind("]")

    def _participle_subject(self, r: "_Reading", s: Span) -> Optional[Person]:
        """"Mother refused to let officers see Lucas, saying he was in bed": the sentence's subject."""
        if s[0].lower_ not in self.participle_cues or s.start == 0 or r.doc[s.start - 1].text != ",":
            return None
        first = next((p for p in r.persons if p.sent == r.sent_of[s.start] and p.start < s.start
                      and p.kind != "officer" and not p.possessor and not p.addressee), None)
        opener = r.sents[r.sent_of[s.start]].start
        if first is None or first.start > opener:
            # "Gareth refused to let us speak to Jacob, saying ...": a first name no age or role
            # made a person opens the sentence
            named = self._unknown_name(r, r.doc[opener])
            first = named if named is not None else first
        if first is None:
            return None
        return self.resolve(first, r.persons) if first.kind == "pronoun" else first

    def _told_someone_else(self, r: "_Reading", s: Span) -> bool:
        """"disclosed to IP that ...", "told her mum ...", "told a nurse ...": an adult other than
        the officers heard it."""
        doc = r.doc
        cue = s.text.lower()
        if cue in self.told_direct:
            j = s.end
        elif cue in self.told_with_to and s.end < len(doc) and doc[s.end].lower_ == "to":
            j = s.end + 1
        else:
            return False
        first = doc[j].lower_ if j < len(doc) else ""
        while j < len(doc) and doc[j].lower_ in ("a", "an", "the", "her", "his", "their"):
            j += 1
        listener = next((p for p in r.persons if p.start == j), None)
        if listener is None and first in ("her", "him"):
            # "Chloe told her tonight that ...": not Chloe herself; the last other woman named
            want = "female" if first == "her" else "male"
            speaker = self.speaker(s.start, r.sent_of[s.start], r.persons, r.quoted, carry_over=False)
            listener = next((p for p in reversed(r.persons) if p.end <= s.start and p is not speaker
                             and p.kind == "adult" and p.gender in (want, None) and not p.possessor
                             and p.sent >= r.sent_of[s.start] - 1), None)
        return listener is not None and listener.kind == "adult"

    def _reported_by_other(self, r: "_Reading", span: Span, own: Optional[Person]) -> bool:
        """Inside someone else's account: an earlier speech cue in the sentence by another person
        (not the officer's own question: "When I asked Poppy what happened she said ..."), unless
        a new clause starts with this speech cue's own subject right before it ("Gemma said the
        kids are used to it, ..., Kai told us he takes Mia up": a run-on of comma splices)."""
        sent = r.sent_of[span.start]
        subject = next((p for p in reversed(r.persons) if p.sent == sent and p.end <= span.start
                        and not r.quoted[p.start]), None)
        for s, who in r.speech_by:
            if s.text.lower() in self.loud_verbs:
                continue  # "asked him if his dad had been shouting - he nodded": an act, not an account
            if (who is None or who.kind == "officer") and s.text.lower() in self.question_verbs:
                # the officer's question, also in logs that drop the "I" ("Asked her if ...")
                continue
            if who is not None and who.kind == "officer" and (own is None or s.text.lower() in self.recording_verbs):
                continue  # "Attending officers described Leah as subdued": an officer's observation;
                # "PC 4417 wrote that ... she told him '...'": the officer's own record of her words
            if r.sent_of[s.start] == sent and s.end <= span.start and who is not own:
                if own is not None and subject is not None and subject.start > s.end and subject.clause_subject \
                        and r.doc[subject.start - 1].text in (",", ";") and span.start - subject.end <= 1 \
                        and not (s.end < len(r.doc) and r.doc[s.end].lower_ == "that"):
                    # (but "She said that after Wayne left, Jayden had told her ...": after "said that"
                    # the comma only closes a clause inside the account)
                    continue
                if not any(s.end <= o < span.start for o in r.observed_at):
                    return True
        return False

    # ------------------------------------------------------------------ demeanour
    def _demeanour(self, r: "_Reading") -> Set[int]:
        """The officer's own observation of a present child: the children (by mention start) observed."""
        doc, sent_of, persons = r.doc, r.sent_of, r.persons
        children: Set[int] = set()
        not_observations = [m for m in r.mentions if m.label_ in ("MINIMISING", "ADULT", "CHILD")]
        for s in r.mentions:
            if s.label_ != "DEMEANOUR":
                continue
            if any(m.start < s.end and s.start < m.end for m in not_observations):
                continue  # "the injured party"; "slept thru it so not affected" (a minimising phrase)
            if doc[s.start].is_title and s.start > r.sents[sent_of[s.start]].start and s.end < len(doc) \
                    and doc[s.end].is_title:
                continue  # a name: "the Bright Sky app", "Happy Days Nursery"
            if s.start > 0 and doc[s.start - 1].lower_ in self.scene_subjects:
                continue  # "all calm on arrival", "everything quiet": the scene, not a child
            if s.start > 0 and doc[s.start - 1].lower_ == "to" and s.end < len(doc) \
                    and doc[s.end].lower_ in self.demeanour_verb_objects:
                continue  # "THE KIDS ARE TRYING TO CALM HIM DOWN": a verb done to someone, not a state
            if any(stem in s.text.lower() for stem in self.injury_stems) and not any(
                    p.sent == sent_of[s.start] for p in persons if p.kind != "officer") \
                    and not self._observation_heading(self._heading_over(doc, s.start)):
                continue  # a bare "No injuries." names no one: in a DA record it is the victim's, by default
            at = s.start - 1 if s.start > 0 and doc[s.start - 1].text in self.very_abbreviations else s.start
            who = self.speaker(at, sent_of[s.start], persons, r.quoted, skip_officers=True)  # ("v upset": very)
            if at >= 2 and doc[at - 1].lower_ in self.passive_aux and doc[at - 2].lower_ == "and" and r.ok_child(who) \
                    and not who.clause_subject:
                # "She has three kids with him and is worried he will ...": a second predicate with no
                # subject of its own shares the clause's subject, not the object before it
                first = next((p for p in persons if p.sent == sent_of[s.start] and p.end <= at and p.clause_subject
                              and p.kind != "officer" and not r.quoted[p.start]), None)
                if first is not None and first is not who:
                    who = self.resolve(first, persons) if first.kind == "pronoun" else first
            after = next((p for p in persons if p.sent == sent_of[s.start] and 0 <= p.start - s.end <= 3
                          and p.kind != "pronoun" and s.end < len(doc) and doc[s.end].lower_ in ("to", "on", "for", "of")),
                         None)
            if after is not None:  # "no injuries to Ms Carr", "no marks on the baby"
                who = after
            if not r.ok_child(who) and (who is None or who.sent != sent_of[s.start]) \
                    and self._observation_heading(self._heading_over(doc, s.start)):
                # "Demeanour: jaw clenched, knee going": the officer's note on the block's child
                who = next((p for p in reversed(persons) if p.start < s.start and r.ok_child(p)), who)
            at_the_time = _q(s).get("temporality") not in ("historical", "habitual", "hypothetical")
            if r.quoted[s.start]:  # inside a parent's account: the child it is about ("My daughter was hysterical")
                inside = self.speaker(s.start, sent_of[s.start], persons, [False] * len(doc), carry_over=False,
                                      skip_officers=True)
                if r.ok_child(inside) and at_the_time:
                    r.described.add(inside.start)
                continue
            if not r.ok_child(who):
                continue
            if who.sent == sent_of[s.start] and at_the_time:
                r.described.add(who.start)
            if _q(s).get("source") == "reported" or self._reported_by_other(r, s, None):
                continue
            r.evidence.append(("DEMEANOUR", s.start, s.end))
            children.add(who.start)
        return children

    # ------------------------------------------------------------------ voice
    def _in_reason(self, r: "_Reading", span: Span) -> bool:
        """"did not want to talk to us" is a reason, not a view; so is what a speech cue
        introduces when a reason follows it closely ("said through the door he did not want
        to talk", "asked that he was not woken")."""
        after = span.end
        while after < len(r.doc) and r.doc[after].text in QUOTE_CHARS:
            after += 1  # said 'naw'
        nxt = r.doc[span.end].lower_ if span.end < len(r.doc) else ""
        said_no = after < len(r.doc) and r.doc[after].lower_ in self.refusing_answers
        to_officers = nxt in self.refusal_listeners or span[-1].lower_ in self.refusal_listeners  # "told us"
        said_wish = any(ph in r.doc[span.end:span.end + 8].text.lower() for ph in self.refusal_wishes)
        if said_wish and any(m.label_ == "NO_VOICE_REASON" and m.start < span.start
                             and r.sent_of[span.start] - 1 <= r.sent_of[m.start] for m in r.mentions):
            return True  # "Callum declined to speak to police. ... he said he just wanted to be left alone"
        return any((m.start < span.end and span.start < m.end)
                   or (r.sent_of[m.start] == r.sent_of[span.start] and 0 <= m.start - span.end <= 8)
                   # "... she shook her head and said no": the answer to "want to talk?" is the refusal;
                   # "said she didn't want to talk to police and asked us to leave her alone": so is
                   # what a refuser then asks of the officers
                   # (after a quoted refusal, counted from the quotation's end: "said \"I'm not talking
                   # to you lot, it just makes it worse\" and asked us to leave her alone")
                   or ((said_no or to_officers and m.id_ == "refused") and r.sent_of[m.end - 1] == r.sent_of[span.start]
                       and 0 <= span.start - (_quotation_end(r.quoted, m.end - 1) if r.quoted[m.end - 1] else m.end) <= 3)
                   for m in r.mentions if m.label_ == "NO_VOICE_REASON")

    def _heading_child(self, r: "_Reading", s: Span, who: Optional[Person]) -> Optional[Person]:
        """Under "Voice of child:" with no one named before the cue in its sentence ("Voice of
        child: said mummy and Steve were shouting"): the child last named before it."""
        over = self._heading_over(r.doc, s.start)
        if not r.ok_child(who) and not (who is not None and who.sent == r.sent_of[s.start]) and over is not None:
            # "Omid: saw his dad kick his mum's leg. Says he is frightened ...": a child's name as
            # the heading, and the line is what the child said
            named = next((p for p in r.persons if p.named and r.ok_child(p) and p.text.lower() == over), None)
            if named is not None and s.text.lower() not in self.question_verbs:
                return named
        if r.ok_child(who) or (who is not None and who.sent == r.sent_of[s.start]) \
                or over not in self.voice_headings \
                or s.text.lower() in self.question_verbs:  # "Wishes and feelings: not asked"
            return who
        return next((p for p in reversed(r.persons) if p.start < s.start and r.ok_child(p)), who)

    def _speaks_of_self(self, r: "_Reading", s: Span, who: Person) -> bool:
        """"he says he'll take Leo to Poland": a speaker resolved to a named child who is then
        named in what was said is someone else (a pronoun cannot be the child its own words name)."""
        before = next((p for p in reversed(r.persons) if p.end <= s.start and p.sent == r.sent_of[s.start]
                       and not r.quoted[p.start]), None)
        if not who.named or before is None or before.kind != "pronoun":
            return False
        end = self._clause_end(r.doc, s, r.quoted)
        return any(p.kind == "child" and p.named and p.first_name == who.first_name and s.end <= p.start < end
                   for p in r.persons)

    def _officers_question(self, r: "_Reading", span: Span) -> bool:
        """"I asked if she would like to talk": a wish inside the officer's own question."""
        doc = r.doc
        lo = max(r.sents[r.sent_of[span.start]].start, span.start - 8)
        for i in range(span.start - 1, lo - 1, -1):
            if doc[i].lower_ not in ("if", "whether"):
                continue
            # "asked if", "asked her if", "asked Maisie whether"
            ask = next((j for j in range(i - 1, max(lo, i - 4) - 1, -1)
                        if doc[j].lower_ in self.question_verbs), None)
            if ask is not None:
                if ask > 0 and (doc[ask - 1].lower_ in self.participle_openers or doc[ask - 1].lower_ in self.passive_aux):
                    return True  # "He refused to speak when asked if he wanted to ...": asked by the officers
                asker = self.speaker(ask, r.sent_of[span.start], r.persons, r.quoted, carry_over=False)
                return asker is None or asker.kind == "officer"
        return False

    def _said_then(self, r: "_Reading", s: Span) -> bool:
        """"In December 2021 Evie said that ...": the child who speaks is in a past incident (their
        mention is qualified historical, or the cue is under a history heading), so these are not
        words recorded at this one. (A child speaking now about the past, "she told me that in
        2021 ...", is not affected.)"""
        if self._heading_over(r.doc, s.start) in self.history_headings:
            return True  # "Family history: In 2020 Kayla ... she said her dad had ..."
        subject = next((m for m in reversed(r.mentions) if m.label_ in ("CHILD", "PRONOUN") and m.end <= s.start
                        and r.sent_of[m.start] == r.sent_of[s.start]), None)
        if subject is None or _q(subject).get("temporality") != "historical":
            return False
        # the past is set before the child ("In 2021 Evie said"), not by what they said ("V1 told
        # PC 3114 that S1 used to check her phone")
        sent = r.sents[r.sent_of[s.start]]
        return any(m.label_ == "HISTORICAL" and sent.start <= m.start and m.end <= subject.start
                   for m in r.doc.spans.get(MODIFIERS_KEY, ()))

    def _voice(self, r: "_Reading") -> Set[int]:
        """The child's own words, views, wishes or feelings: the children (by mention start) heard."""
        children: Set[int] = set()
        r.speech_by = [(s, self._heading_child(r, s, who)) for s, who in r.speech_by]
        for s, who in r.speech_by:
            if _q(s).get("source") == "reported" or not r.ok_child(who) or self._in_reason(r, s) \
                    or self._told_someone_else(r, s) or self._said_then(r, s) or self._only_calling(r, s) \
                    or self._heard_by_other(r, s) or self._speaks_of_self(r, s, who) \
                    or self._interpreted_by_party(r, s):
                continue
            if self._reported_by_other(r, s, who):
                continue
            r.evidence.append(("VOICE", s.start, self._clause_end(r.doc, s, r.quoted)))
            children.add(who.start)
        for s in r.mentions:
            if s.label_ != "VIEWS" or r.quoted[s.start] or self._officers_question(r, s) or self._in_brackets(r, s) \
                    or self._heading_at(r.doc, s.start) is not None:
                continue  # "Wishes and feelings:" names a topic; "[enter child's wishes here]" is a blank form
            who = self.speaker(s.start, r.sent_of[s.start], r.persons, r.quoted,
                               main_clause=s.start > 0 and r.doc[s.start - 1].text == ",")
            if not r.ok_child(who) or _q(s).get("source") == "reported" or self._reported_by_other(r, s, who) \
                    or self._in_reason(r, s) or _q(s).get("presence") == "absent" or self._said_then(r, s) \
                    or self._wish_about_them(r, s) or self._wish_about_proceedings(r, s):
                continue  # "it was not possible to obtain her views"
            r.evidence.append(("VOICE", s.start, self._clause_end(r.doc, s, r.quoted)))
            children.add(who.start)
        for span, who in self._quoted_under_voice_heading(r) + self._interview_answers(r) + self._quoted_after_child(r):
            r.evidence.append(("VOICE", span.start, span.end))
            children.add(who.start)
        return children

    @staticmethod
    def _wish_about_them(r: "_Reading", s: Span) -> bool:
        """"2 kids in back bedroom, didn't want to disturb them": a wish whose object is the
        children ("to <verb> them/him/her") is someone else's about them, not theirs."""
        doc = r.doc
        return s.end + 2 < len(doc) and doc[s.end].lower_ == "to" and doc[s.end + 1].is_alpha \
            and doc[s.end + 2].lower_ in OBJECT_PRONOUNS

    def _wish_about_proceedings(self, r: "_Reading", s: Span) -> bool:
        """"L doesn't want to make a complaint": a choice about police action, not a child's view."""
        doc = r.doc
        return s.end < len(doc) and doc[s.end].lower_ == "to" \
            and any(t.lower_ in self.proceedings_words for t in doc[s.end + 1:min(len(doc), s.end + 5)])

    def _interpreted_by_party(self, r: "_Reading", s: Span) -> bool:
        """"Piotr translated for us and Oliwia said she was asleep": words that reached the officer
        through a parent or the suspect interpreting are that adult's rendering (decision 51).
        Looks in the cue's sentence before it and in the sentence before."""
        k = r.sent_of[s.start]
        lo = r.sents[k - 1].start if k > 0 else r.sents[k].start
        for tok in r.doc[lo:s.start]:
            if tok.lower_ in self.interpreting_verbs:
                who = self.speaker(tok.i, r.sent_of[tok.i], r.persons, r.quoted, carry_over=False)
                if who is not None and who.kind == "adult":
                    return True
            elif tok.lower_ in ("through", "via") and r.sent_of[tok.i] == k:
                # "through Tiago, Beatriz said she was asleep": the adult passed the words on
                j = tok.i + 1
                if j < len(r.doc) and r.doc[j].lower_ in ("her", "his", "their", "the"):
                    j += 1  # "through her dad"
                via = next((p for p in r.persons if p.start == j), None)
                if via is not None and (via.kind == "adult" or via.kind == "pronoun"
                                        and (res := self.resolve(via, r.persons)) is not None and res.kind == "adult"):
                    return True
        return False

    def _heard_by_other(self, r: "_Reading", s: Span) -> bool:
        """"adamant she heard a kid screaming 'stop it'" (the neighbour): words another adult heard
        are their account, not the child's voice on record (as decision 34's call handler)."""
        sent = r.sents[r.sent_of[s.start]]
        for tok in r.doc[sent.start:s.start]:
            if tok.lower_ in self.hearing_verbs:
                who = self.speaker(tok.i, r.sent_of[s.start], r.persons, r.quoted, carry_over=False)
                return who is not None and who.kind == "adult"
        return False

    def _only_calling(self, r: "_Reading", s: Span) -> bool:
        """"a toddler shouting 'mummy mummy'", "'where's my mummy'": a quotation of nothing but
        calls for a parent is not an account, a view or a wish (decision 48)."""
        doc = r.doc
        start = next((i for i in range(s.start, min(s.end + 6, len(doc))) if r.quoted[i]), None)
        if start is None:
            return False
        words = [t.lower_ for t in doc[start:_quotation_end(r.quoted, start)] if t.is_alpha]
        return any(w in self.parent_words for w in words) and all(
            w in self.parent_words or w in self.calling_fillers for w in words)

    def _interview_answers(self, r: "_Reading") -> List[Tuple[Span, Person]]:
        """"Spoke to Ethan on his own in his bedroom:" then "Q: How did that make you feel?" /
        "A: Scared.": the answer lines of a transcript right after the officer speaks to a named
        child are the child's words (not "A: (IP) ..."; not a DASH question list); so are the
        answers after "Q&A with Tamsin in her bedroom:", also on their question's line."""
        doc, text, found = r.doc, r.text, []

        def interviewed(p: Person) -> bool:
            line_start = text.rfind("\n", 0, doc[p.start].idx) + 1
            return p.addressee or bool(self.interview_intro.match(text[line_start:doc[p.start].idx]))

        for child in (p for p in r.persons if p.kind == "child" and r.ok_child(p) and interviewed(p)):
            pos = text.find("\n", doc[child.start].idx)
            asked = False
            while pos != -1:
                end = text.find("\n", pos + 1)
                line = text[pos + 1:len(text) if end == -1 else end]
                answer = self.answer_line.match(line)
                if self.question_line.match(line):
                    asked = True
                    self._answer(doc, pos + 1, line, self.inline_answer.search(line), child, found)
                elif answer and asked:
                    self._answer(doc, pos + 1, line, answer, child, found)
                elif line.strip():
                    break
                pos = end
        # "Q (to SU Kyle SIMS, 17): your account? A: 'She winds me up ...'": the one the question
        # was put to answers it
        pos = 0
        for line in text.split("\n"):
            asked_to = self.asked_to.match(line)
            if asked_to:
                lo, hi = pos + asked_to.start("to"), pos + asked_to.end("to")
                child = next((p for p in r.persons if lo <= doc[p.start].idx < hi and p.kind != "pronoun"), None)
                if child is not None and child.named and r.ok_child(child):
                    self._answer(doc, pos, line, self.inline_answer.search(line), child, found)
            pos += len(line) + 1
        return found

    @staticmethod
    def _answer(doc: Doc, line_start: int, line: str, match: Optional[re.Match], child: Person,
                found: List[Tuple[Span, Person]]) -> None:
        """Add an answer's text (to the end of its line) as the child's words, unless it names
        another speaker in brackets ("A: (IP) ...")."""
        if match is None or match.group("text").startswith("("):
            return
        span = doc.char_span(line_start + match.start("text"), line_start + len(line.rstrip()), alignment_mode="expand")
        if span is not None:
            found.append((span, child))

    def _quoted_after_child(self, r: "_Reading") -> List[Tuple[Span, Person]]:
        """"Account of Ethan BISHOP (9), taken by me in his bedroom: 'I heard dad shouting ...'", "999
        FROM CHILD - 'MY DADS HITTING MY MUM'": a quotation opened right after a colon or a dash whose
        sentence, up to there and on its line, names a present child first and no adult (but for a
        possessor, "with IP's agreement") is that child's words."""
        doc, found = r.doc, []
        for i in range(1, len(doc)):
            if not r.quoted[i] or r.quoted[i - 1] or doc[i - 1].text not in QUOTE_CHARS:
                continue
            c = i - 2
            while c >= 0 and doc[c].is_space:
                c -= 1
            if c < 0 or doc[c].text not in (":", "-", "–") or self._heading_at(doc, c) is not None:
                continue  # (a heading's colon is the heading's business; "999 FROM CHILD - 'MY DADS HITTING ...'")
            # (the colon's sentence never crosses a line break: nla_sentences starts one at each)
            before = [p for p in r.persons if p.sent == r.sent_of[c] and p.start < c and p.kind in ("child", "adult")
                      and not p.possessor]
            sent_start = r.sents[r.sent_of[c]].start
            if not before and c - sent_start == 2 and doc[sent_start].lower_ in ("her", "his") \
                    and doc[sent_start + 1].lower_ in self.account_words:
                # "I spoke to Ellie in the kitchen. Her words: \"I heard it from my room ...\"": whose
                # words, by the pronoun
                pron = "she" if doc[sent_start].lower_ == "her" else "he"
                owner = self.resolve(Person(sent_start, sent_start + 1, "pronoun", pron, r.sent_of[c],
                                            gender={"she": "female", "he": "male"}[pron]), r.persons)
                if r.ok_child(owner):
                    found.append((doc[i:_quotation_end(r.quoted, i)], owner))
                continue
            if not before or before[0].kind != "child" or not r.ok_child(before[0]) or any(p.kind == "adult" for p in before):
                continue
            found.append((doc[i:_quotation_end(r.quoted, i)], before[0]))
        return found

    def _quoted_under_voice_heading(self, r: "_Reading") -> List[Tuple[Span, Person]]:
        """"VOICE OF THE CHILD: 'I want daddy to go away'": a quotation filling a voice heading is
        the child's words, with no speech cue needed; the child is the one the heading names
        ("Voice of child (Jack):") or the one last named before it. Not when an adult is named in
        the quotation's sentence ("'he slept through it' - mum") or a speech cue in it says who
        spoke; what the box says after that sentence is about something else ("... - Ruby. Finn
        would only whisper to his mammy")."""
        doc, text, found = r.doc, r.text, []
        for hs, he, value in doc._.headings or []:
            body = value.strip()
            label = heading_label(text[hs:he])
            # a named child's account ("Ellie's account:", "Jack's words:") is a voice heading too, and
            # so is a child party's ("V1 account:" when V1 is 16)
            childs_account = bool(label) and label.split()[-1] in self.account_words and any(
                (p.named or p.party) and r.ok_child(p) and hs <= doc[p.start].idx < he for p in r.persons)
            if (label not in self.voice_headings and not childs_account) or len(body) < 3:
                continue
            if body[0] not in QUOTE_CHARS:
                found.extend(self._quoted_sentences_in_box(r, hs, he, body))
                continue
            start = text.find(body, he)
            opening = doc.char_span(start, start + 1, alignment_mode="expand") if start >= 0 else None
            if opening is not None and opening.end < len(doc) and r.quoted[opening.end]:
                # the quotation's last word: the box ends with its sentence
                last = _quotation_end(r.quoted, opening.end) - 1
                body = body[:max(doc[last].idx + len(doc[last].text) + 1, r.sents[r.sent_of[last]].end_char) - start]
            span = doc.char_span(start, start + len(body), alignment_mode="expand") if start >= 0 else None
            if span is None or self._attributed_elsewhere(r, span.start, span.end):
                continue
            who = r.child_named_in(text[hs:he]) or next(
                (p for p in r.persons if p.kind == "child" and p.named and hs <= doc[p.start].idx < he), None)
            # (a child the heading itself names, "Child's account (Ethan BISHOP, 9):", is the one heard;
            # then one named after a dash at the quotation's end, "'...' - Ellie, spoken to in the lounge")
            who = who or next((p for p in r.persons if span.start < p.start < span.end and p.named and r.ok_child(p)
                               and not r.quoted[p.start] and doc[p.start - 1].text in ("-", "–")), None)
            who = who or next((p for p in reversed(r.persons) if p.end <= span.start and r.ok_child(p)), None)
            if who is not None:
                found.append((span, who))
        return found

    @staticmethod
    def _attributed_elsewhere(r: "_Reading", lo: int, hi: int) -> bool:
        """Tokens [lo, hi) of a voice box hold a speech cue or an adult outside the quotation
        ("'he slept through it' - mum"), so the quotation is not the child's by position; an adult
        named only as a possessor did not speak ("... - Ellie, spoken to with mum's consent")."""
        return any(lo <= c.start < hi for c, _ in r.speech_by) or any(
            p.kind == "adult" and lo <= p.start < hi and not r.quoted[p.start] and not p.possessor for p in r.persons)

    def _quoted_sentences_in_box(self, r: "_Reading", hs: int, he: int, body: str) -> List[Tuple[Span, Person]]:
        """"Voice of the child: Spoke to Jake in the kitchen with PC 3306 present. 'He always goes
        mad when he's had a drink.'": in a voice box that starts with who was spoken to, a
        quotation that opens a sentence of its own, with no speech cue and no adult in it, is that
        child's words (the child the heading names, else the first child named in the box)."""
        doc, text = r.doc, r.text
        start = text.find(body, he)
        box = doc.char_span(start, start + len(body), alignment_mode="expand") if start >= 0 else None
        if box is None:
            return []
        who = r.child_named_in(text[hs:he]) or next(
            (p for p in r.persons if box.start <= p.start < box.end and p.named and r.ok_child(p)), None)
        found = []
        for i in range(box.start + 1, box.end):
            if not r.quoted[i] or r.quoted[i - 1] or doc[i - 1].text not in QUOTE_CHARS \
                    or r.sents[r.sent_of[i - 1]].start != i - 1:
                continue
            sent = r.sents[r.sent_of[i - 1]]
            if who is None or who.start > i or self._attributed_elsewhere(r, sent.start, sent.end):
                continue
            found.append((doc[i - 1:min(_quotation_end(r.quoted, i) + 1, box.end)], who))
        return found

    # ------------------------------------------------------------------ reasons not spoken to
    def _not_a_reason(self, r: "_Reading", s: Span) -> bool:
        """'she declined hospital', 'would not let go', 'he didn't wake during the arrest'."""
        doc = r.doc
        nxt = doc[s.end].lower_ if s.end < len(doc) else ""
        last = s.text.lower().split()[-1]
        if s.id_ == "refused" and last in ("refused", "declined", "objected", "refuses", "declines", "let") \
                and nxt in self.refused_followers:
            return not (nxt == "to" and any(doc[s.end:s.end + 4].text.lower().startswith(ph) for ph in self.refusal_to))
        if s.id_ == "refused" and last == "let" and nxt in self.let_in_objects and s.end + 1 < len(doc) \
                and doc[s.end + 1].lower_ in self.let_in_particles:
            return True  # "when she wouldnt let him in he forced the door": the door, not the child
        if s.id_ == "too_distressed" and s.text.lower().startswith("too ") and nxt == "to":
            # "was too frightened to come out of her room": what the state stopped, not speaking
            return not any(doc[s.end:s.end + 4].text.lower().startswith(ph) for ph in self.too_state_to)
        if s.text.lower() in self.sleep_only_reasons and not any(t.lower_ in self.sleep_words
                                                                 for t in r.sents[r.sent_of[s.start]]):
            return True  # "chn present, not disturbed" says nothing of sleep: no reason (asleep and not woken is one)
        if s.id_ == "language":
            # "Zara speaks Urdu and a little English. Mum translated for us": a parent interpreted, so
            # the language did not stop her being asked (decision 37; her words through mum, decision 51)
            k = r.sent_of[s.start]
            hi = r.sents[k + 1].end if k + 1 < len(r.sents) else r.sents[k].end
            for tok in doc[r.sents[k].start:hi]:
                if tok.lower_ in self.interpreting_verbs and tok.lower_.endswith(("ed", "ing")) and not any(
                        t.lower_ in ("not", "n't", "never") for t in doc[max(0, tok.i - 3):tok.i]) and any(
                        p.kind == "adult" and 0 <= tok.i - p.end <= 1 for p in r.persons):
                    return True  # ("Mum translated for us", not "did not use parents to interpret")
        if s.id_ == "because":
            # "Evan is deaf so was not spoken to", "Not spoken to due to his autism": a disability
            # alone is no reason (decision 57); nor is the officers' workload ("due to the demand
            # on the night (six jobs holding)")
            sent = {t.lower_ for t in r.sents[r.sent_of[s.start]]}
            if sent & (self.disability_words | self.pressure_words) and not sent & self.disability_unless:
                return True
        if s.text.lower().endswith("wake") and s.start > 0 and nxt not in self.woken_objects:
            before = doc[s.start - 1].lower_ if doc[s.start].norm_ == "not" else doc[s.start].lower_
            return before in self.observation_aux
        return False

    def _reason_subject(self, r: "_Reading", s: Span) -> Optional[Person]:
        """The child (or "the children") a reason cue is about; None when it is about no present child."""
        doc, sent_of, persons = r.doc, r.sent_of, r.persons
        carry = s.id_ in ("asleep_not_woken", "too_young", "because", "later", "too_distressed")
        who = self.speaker(s.start, sent_of[s.start], persons, r.quoted, carry_over=carry)
        nearest = [p for p in persons if p.sent == sent_of[s.start] and p.end <= s.start and not p.possessor
                   and p.kind != "officer"]  # "both seen by me ..., not woken": both
        if who is not None and nearest and nearest[-1].kind == "pronoun" and nearest[-1].plural and r.ok_child(who):
            who = Person(who.start, who.end, "child", who.text, who.sent, plural=True, status=who.status)
        else:
            # "Both children (Ava 6, Zac 4) were asleep and not woken": the names are an
            # apposition; the reason is about the group the sentence opens with
            group = [p for p in nearest if p.kind != "pronoun"]
            close = next((t.i for t in doc[group[0].end:s.start] if t.text == ")"), None) if group else None
            if group and group[0].plural and r.ok_child(group[0]) and doc[group[0].end].text == "(" \
                    and close is not None and all(p.end <= close for p in group):
                who = group[0]
        any_child = any(r.ok_child(p) for p in persons)
        if s.text.lower().split()[0] in ("neither", "none", "nor") and any_child:
            who = r.children_at(s)  # "Neither child was woken"
        elif who is not None and who.kind == "child" and not r.ok_child(who) and who.start > 0 \
                and doc[who.start - 1].lower_ in ("neither", "none", "nor", "both") and any_child:
            who = r.children_at(s)  # "Neither child was spoken to: they speak only Sorani ..." (not absence)
        # "decided not to wake them": the child is the object, not the subject
        obj = next((t for t in (doc[s.end - 1], doc[s.end] if s.end < len(doc) else None)
                    if t is not None and t.lower_ in OBJECT_PRONOUNS), None)
        if obj is not None:
            pron = OBJECT_PRONOUNS[obj.lower_]
            found = self._object_referent(r, obj, block_child=who.block_child if who else None)
            if r.ok_child(found):
                who = Person(found.start, found.end, "child", found.text, found.sent, plural=pron == "they",
                             status=found.status, named=found.named, age=found.age) if pron == "they" else found
        if s.id_ == "asleep_not_woken" and not r.ok_child(who) and not any(
                p.sent == sent_of[s.start] and p.end <= s.start for p in persons) and any(
                p.sent == sent_of[s.start] and p.kind == "adult" for p in persons):
            # "I looked in with IP - he was curled up asleep. Not woken as IP said ...": only a child
            # is left asleep, so the subjectless reason is about the child just described (with no
            # adult in its sentence, the reason about all the children below applies)
            for p in reversed([p for p in persons if sent_of[s.start] - 2 <= p.sent < sent_of[s.start]]):
                found = self.resolve(p, persons) if p.kind == "pronoun" else p
                if r.ok_child(found):
                    who = found
                    break
        if not nearest and any_child and any(p.sent == sent_of[s.start] and s.end <= p.start <= s.end + 3
                                             and p.kind == "pronoun" and p.plural for p in persons):
            who = r.children_at(s)  # "Decision: not woken, as both asleep": the plural right after it
        elif not nearest and any_child and any(t.lower_ == "their" and t.i + 2 < len(doc) and (
                doc[t.i + 1].lower_ in ("age", "ages") or doc[t.i + 2].lower_ in ("age", "ages"))
                for t in doc[s.end:s.end + 3]):
            who = r.children_at(s)  # "Not spoken to due to their young age"
        elif not nearest and any_child and s.id_ in ("asleep_not_woken", "too_young"):
            # "Jayden (6) and Leah (4) both in their beds ... both asleep. Not woken.": a reason with
            # no subject after a sentence about "both" or "the children" is about them all
            if any(p.sent == sent_of[s.start] - 1 and p.plural and (p.kind == "pronoun" or r.ok_child(p))
                   for p in persons):
                who = r.children_at(s)
        inside = next((p for p in persons if s.start <= p.start < s.end and p.kind == "child"), None)
        if not r.ok_child(who) and inside is not None and inside.plural and any_child:
            who = r.children_at(s)  # "asked that officers did not speak to the children as ...": about them all
        if r.ok_child(who):
            return who
        kids = [p for p in persons if p.sent == sent_of[s.start] and r.ok_child(p)]
        in_sent = [p for p in persons if p.sent == sent_of[s.start] and p.kind in ("adult", "child")]
        if kids:
            return kids[0]
        if s.id_ == "refused" and who is not None and who.kind == "adult":
            # "I explained why we would normally speak to her and IP still declined": a parent's
            # refusal is about the child the sentence speaks of, named or by pronoun
            for p in persons:
                if p.sent == sent_of[s.start] and p.kind == "pronoun" and p.start < s.start:
                    found = self.resolve(p, persons)
                    if r.ok_child(found):
                        return found
        if s.id_ == "refused":
            # "I asked Gareth and Emma if I could speak to the children. Gareth refused ...": a
            # refusal answers the request to speak to a child in its sentence or the two before
            for k in range(sent_of[s.start], max(sent_of[s.start] - 3, -1), -1):
                words = {t.lower_ for t in doc[r.sents[k].start:min(r.sents[k].end, s.start)]}
                if not (words & self.speaking_verbs and words & self.request_words):
                    continue
                asked = next((p for p in persons if p.sent == k and p.start < s.start and p.kind == "child"), None)
                if asked is not None:  # (the request itself is hypothetical: "if I could speak to the children")
                    return asked if r.ok_child(asked) and not asked.plural else r.children_at(s)
        if s.id_ == "language" and nearest and nearest[-1].kind == "pronoun" and who is not None and who.kind == "adult":
            return None  # "IP Elira HOXHA (28) says argument only; she speaks limited English": the adult's
        before = doc[s.start - 1] if s.start > 0 else None
        if not in_sent and any_child and not (
                before is not None and before.is_alpha and (before.is_title or before.is_upper)
                and not before.is_stop and not any(p.start == s.start - 1 for p in persons)
                and not (before.is_sent_start and before.is_title and before.lower_ not in self.first_names)):
            # (not "HOLT to be interviewed": a name the reason is about; but "Deliberately not woken."
            # is only a capital at the start of a sentence)
            # "VOICE OF THE CHILD: Not spoken to - both aged 2": a reason with no one named
            return r.children_at(s)
        return None

    def _reason_cue(self, r: "_Reading", s: Span, minimising: List[Span]) -> bool:
        """A reason cue (NO_VOICE_REASON) that gives a reason, before asking whose it is."""
        if s.label_ != "NO_VOICE_REASON" or self._not_a_reason(r, s) or _q(s).get("temporality") == "hypothetical":
            return False  # (not "Archie may need an ABE": a plan is a reason, a possibility is not)
        if any(m.start < s.end and s.start < m.end for m in minimising):
            return False  # "too small to understand anything": minimising, not a reason (decision 60)
        if s.id_ == "because" and any(r.sent_of[m.start] == r.sent_of[s.start] and m[0].lower_ == "too"
                                      for m in minimising):
            return False  # "not spoken to as she's too young to know what was going on": the same (decision 60)
        # "not spoken to due to time": not a reason the rubric accepts (decisions 8, 39); but asleep and
        # deliberately not woken is one whatever the hour, and so is a recorded refusal whatever its
        # grounds ("the IP refused saying they had school in the morning")
        return not (_q(s).get("presence") == "absent" and s.id_ != "asleep_not_woken" and not (
            s.id_ == "refused" and "NEGATED" not in _q(s).get("modifiers", [])))

    def _reasons(self, r: "_Reading") -> List[Tuple[Span, Person]]:
        """Why a child was not spoken to, and about whom: reason cues in the text, then a form's
        "Reason not spoken to:" box."""
        reasons: List[Tuple[Span, Person]] = []
        minimising = [m for m in r.mentions if m.label_ == "MINIMISING"]
        cues = [s for s in r.mentions if self._reason_cue(r, s, minimising)]  # also what a box's free text needs
        for s in cues:
            who = self._reason_subject(r, s)
            if who is None:
                continue
            reasons.append((s, who))
            r.evidence.append(("VOICE_REASON", s.start, s.end))
        # a form's "Reason not spoken to:" box filled in ("[x] Asleep - not woken", "2 yrs, only a few
        # words"); left blank ("____", "[ ] Too young") it is no reason
        doc, text = r.doc, r.text
        for hs, he, value in doc._.headings or []:
            label = heading_label(text[hs:he])
            answer = self.ticked_value(value).strip(" _-.")
            ticked = answer != value.strip(" _-.")
            second = re.match(r"(\w+)\s*:\s*", answer)
            if second and f"{label} - {second.group(1).lower()}" in self.reason_headings:
                # "If NO - reason: 5 months old": a reason heading in two parts
                label, answer = f"{label} - {second.group(1).lower()}", answer[second.end():]
            # "VOC: too young", "Voice of the child: N/A - 3 month old baby": the box gives the reason
            age_reason = (label in self.voice_headings or label in self.reason_headings) and len(answer.split()) <= 6 \
                and self.voice_box_reasons.match(answer) is not None \
                and not any(r.ok_child(p) and p.age is not None and p.age >= 5 for p in r.persons)
            # (not for a school-age child: "Poppy 7, Archie 2 ... Voice of child: N/A - too young")
            if not (label in self.reason_headings or age_reason) or not answer or answer.lower() in self.unknown_values:
                continue
            start = text.find(value, he)
            span = doc.char_span(start, start + len(value), alignment_mode="expand") if start >= 0 else None
            if span is None or not any(r.ok_child(p) for p in r.persons) or any(
                    m.start >= span.start and m.end <= span.end for m, _ in reasons):
                continue
            if any(span.start <= m.start < span.end for m in minimising):
                continue  # "If NO - reason: too young to know what was going on" (decision 60)
            if not ticked and not age_reason and (
                    not any(span.start <= m.start < span.end for m in cues)
                    or any(span.start <= c.start < span.end for c, _ in r.speech_by)):
                continue  # free text must give a reason, in the officer's words ("mum said they're fine, asleep" is not)
            reasons.append((span, r.child_named_in(text[hs:he]) or r.children_at(span)))
            r.evidence.append(("VOICE_REASON", span.start, span.end))
        return reasons

    # ------------------------------------------------------------------ presence
    def _child_present(self, r: "_Reading", heard_or_seen: Set[int]) -> Tuple[str, List[Person]]:
        """child_present by the rubric, and the children it counts as present; `heard_or_seen` are
        the children an observation or their own words were attributed to."""
        persons, mentions, sent_of = r.persons, r.mentions, r.sent_of
        pet_words = self._pet_babies(r)
        for p in persons:
            if p.kind == "child" and not p.named and p.text.lower() in pet_words:
                p.kind = "pet"  # '"the baby" is the couple's puppy ... kicked the baby': no child
        # a child named only inside an adult's account ("mum said the kids are terrified of him")
        # is placed at the scene only when the account says where they were
        for p in persons:
            if p.kind == "child" and p.status == "present" and not p.heading:
                span = r.by_pos.get((p.start, p.end))
                if span is not None and _q(span).get("placement") != "scene" and any(
                        sent_of[s.start] == p.sent and s.end <= p.start and who is not None and who.kind == "adult"
                        for s, who in r.speech_by):
                    p.status = "reported"

        def placed_at_scene(p: Person) -> bool:
            span = r.by_pos.get((p.start, p.end))
            return span is not None and _q(span).get("placement") == "scene"

        # "no other persons, adults or children, were found": children named in a scene-empty
        # statement are absent
        # and anywhere in the record, a bare kin word with no name and no age ("son present" ...
        # "no under 18s at the address") is the adult the record says it is (decision 15)
        empty_sents = {sent_of[m.start] for m in mentions if m.label_ == "SCENE_EMPTY"}
        for p in persons:
            if p.kind == "child" and not p.named and p.status == "present" and empty_sents and (
                    p.sent in empty_sents or p.age is None and not p.heading and p.start not in heard_or_seen):
                p.status = "absent"
        # "'you can't keep my kids from me'": a child named only inside someone's quoted words is
        # where the words say, if anywhere
        for p in persons:
            if p.kind == "child" and p.in_quote and p.status == "present" and not p.heading and not p.party \
                    and not placed_at_scene(p) and p.start not in heard_or_seen and p.start not in r.described:
                p.status = "unplaced"
        # "Ellie (14) is at a sleepover ... VPRF submitted for Jacob and Ellie": a named child the
        # record places elsewhere stays there in later mentions that do not place them (decision 13)
        away = {p.first_name: p.status for p in persons
                if p.kind == "child" and p.named and p.status in ("absent", "elsewhere")}
        # in a record of a video call, a child placed elsewhere may have seen it on the call: only a
        # room, the address, a heading or a party role brings them back, not "saw" or their state
        call = self.remote_call.search(r.text) is not None
        remote = bool(away) and call

        def strongly_placed(p: Person) -> bool:
            span = r.by_pos.get((p.start, p.end))
            return span is not None and bool(self.strong_placements & set(_q(span).get("modifiers", ())))

        def supported(p: Person) -> bool:
            if p.heading or p.party:
                return True
            if remote:
                return strongly_placed(p)
            return placed_at_scene(p) or p.start in r.described or p.start in heard_or_seen

        there = {p.first_name for p in persons if p.kind == "child" and p.named and supported(p)}
        for p in persons:
            if p.kind == "child" and p.named and p.status == "present" and p.first_name in away \
                    and p.first_name not in there:
                p.status = away[p.first_name]
        present = [p for p in persons if p.kind == "child" and (p.status == "present" or p.party and p.status != "other")]
        absent = [p for p in persons if p.kind == "child" and p.status in ("absent", "elsewhere")]
        referral_sents = {sent_of[m.start] for m in mentions if m.label_ == "REFERRAL"}
        if present and all(p.sent in referral_sents and not (p.heading or placed_at_scene(p) or p.party
                                                              or p.start in r.described or p.start in heard_or_seen)
                           for p in present):
            # "Op Encompass notification sent to St Mary's Primary for V1's children Ava and Noah":
            # children named only in what was sent for them are not placed by it
            for p in present:
                p.status = "unplaced"
            present = []
        def holds_scene(p: Person) -> bool:
            """A present child the narrative's own account of absence does not undo: a heading, a
            party role, a description, or a placement (in a record of a call, where "the boys saw
            it" may be on the screen, only one in a room or at the address, or of a named child
            placed nowhere else; for an unnamed child, not one only inside someone's quoted words,
            "ask the kids, they're upstairs", when the officer records them absent)."""
            if p.heading or p.party or p.start in r.described:
                return True
            if not placed_at_scene(p):
                return False
            if call and not (strongly_placed(p) or p.named and p.first_name not in away):
                return False
            return not (p.in_quote and not p.named and any(not a.in_quote for a in absent))

        if absent and present and not any(holds_scene(p) for p in present):
            # the narrative said where the children were ("at their nan's", "not at the address"):
            # a later bare mention ("VPRF for Archie", "asked where the children were") does not
            # put a child back at the scene; only a placement, an observation or words do
            present = []
        if any(any(ph in r.sents[k].text.lower() for ph in self.whole_time_absence)
               for p in absent for k in (p.sent, p.sent + 1) if k < len(r.sents)):
            # "No children were at the address at any point tonight" (a correction to the CAD's
            # "2 children at address", or a form's "Children present: 2 (per caller)"): the settled
            # account wins over placements nothing supports; it may follow the absence in the next
            # sentence ("2 CHILDREN STAYING AT THEIR NANS SINCE FRIDAY. IP CONFIRMS NOT AT ADDR AT ANY POINT")
            present = [p for p in present if p.party]
        # only an adult son or daughter at the scene: the narrative has said who was there
        adult_children = [p for p in persons if p.kind == "adult" and r.by_pos.get((p.start, p.end)) is not None
                          and r.by_pos[(p.start, p.end)].id_ == "adult_child"
                          and _q(r.by_pos[(p.start, p.end)]).get("presence") == "present"]
        # an observation or words attributed to a child the record says was not there ("no other
        # persons, adults or children, were found. No injuries were seen") do not bring them back
        # nor, in a record of a call, do they bring back a named child the record placed elsewhere
        # ("Lexi ... staying with her father ... her father has since rung to say Lexi is very upset")
        implied = [p for p in persons if p.start in heard_or_seen and p.status not in ("absent", "later")
                   and p.kind != "pet" and not (remote and (p.status == "elsewhere" or p.named
                                                            and p.first_name in away and p.first_name not in there))]
        if present or implied:
            child_present = "yes"
        elif not any(not p.in_quote for p in absent) and not adult_children \
                and any(p.kind == "child" and p.status == "unknown" for p in persons):
            # "no one else in the flat (IP). Could not verify. CYP - N/K": the officer's own record
            # says presence is not known; a party's word that the place was empty does not settle it,
            # nor do her quoted words ("ZOE STATES 'NO KIDS HERE'")
            child_present = "not_recorded"
        elif absent or any(m.label_ == "SCENE_EMPTY" for m in mentions) or adult_children and not any(
                p.kind == "child" and p.status == "unplaced" for p in persons):
            # "no one else was in", "only the couple at the address": no child was there (an adult
            # grandson at the scene says who was there, but not where the grandchildren who live
            # there were: "IP lives with her daughter and grandchildren")
            child_present = "no"
        else:
            child_present = "not_recorded"
        for p in present + implied:
            r.evidence.append(("CHILD_PRESENT", p.start, p.end))
        if child_present != "yes":
            for p in absent:
                r.evidence.append(("CHILD_ABSENT", p.start, p.end))
        return child_present, present + implied

    def _pet_babies(self, r: "_Reading") -> Set[str]:
        """The baby words ("baby") the record ties to an animal: '"the baby" is the couple's
        cockapoo puppy', 'a Staffy called Bella, who she called "my baby"', 'she calls the dog her baby'."""
        doc, found = r.doc, set()
        for p in r.persons:
            word = p.text.lower()
            if p.kind != "child" or p.named or word not in self.pet_baby_words or word in found:
                continue
            sent = r.sents[p.sent]
            near = doc[max(sent.start, p.start - self.pet_baby_window):min(sent.end, p.start + self.pet_baby_window + 1)]
            for t in near:
                if t.lower_ not in self.animal_words:
                    continue
                # ("IP calls the dog her baby": the link stands before the animal it names)
                lo, hi = (p.end, t.i) if t.i > p.start else (max(sent.start, t.i - 2), p.start)
                if any(u.lower_ in self.pet_baby_links for u in doc[lo:hi]):
                    found.add(word)
                    break
        return found

    # ------------------------------------------------------------------ referral
    def _for_an_adult(self, r: "_Reading", ref: Span) -> bool:
        """"DA PPN submitted for Angela", "for AP", "PPN re the victim", "referral for mum": an
        adult's referral (decision 35). Not "for mum's children", and not "for Kelly and Rosie"
        when a child is among those it is for."""
        doc = r.doc
        at = next((t.i for t in doc[ref.end:min(len(doc), ref.end + 4)] if t.lower_ in self.referral_for), None)
        if at is None:
            # "DA PPN submitted", "adult PPN done": the adult pathway's, the victim's unless a party is
            # a child or a child is named with it ("DA PPN submitted with Ana added to it as a child")
            sent = r.sent_of[ref.start]
            return ref.start > 0 and doc[ref.start - 1].lower_ in self.adult_referral_markers \
                and not any(p.party and p.kind == "child" for p in r.persons) \
                and not any(r.ok_child(p) and p.sent == sent and p.start >= ref.end for p in r.persons)
        who = next((p for p in r.persons if p.start in (at + 1, at + 2) and p.kind != "pronoun"), None)
        if who is None or who.kind != "adult" or who.possessor or not (
                who.named or who.text.lower() in self.party_roles or who.text.lower() in self.referral_adults):
            return False  # (a party role relabelled a child by age, "AP ... DOB 14/09/2007", is a child's)
        return not any(p.kind == "child" and who.start < p.start <= who.end + 6 and p.sent == who.sent
                       for p in r.persons)

    def _local_forms(self, r: "_Reading") -> List[Span]:
        """A force's own referral form we have no name for, sent for a child: "CN1 submitted for
        both girls", "CN1 to Hub for Noah". The code is followed, within four words of sending
        ("submitted", "to the Hub"), by "for" and a child (or "both", "them" when a child is there)."""
        doc, found = r.doc, []
        mentioned = {(m.start, m.end) for m in r.mentions if m.label_ in ("REFERRAL", "ADULT_REFERRAL", "NOT_REFERRAL")}
        any_child = any(r.ok_child(p) for p in r.persons)
        for i in numpy.flatnonzero(doc.to_array(LOWER) == doc.vocab.strings["for"]).tolist():
            after = doc[i + 1].lower_ if i + 1 < len(doc) else ""
            child = next((p for p in r.persons if p.start in (i + 1, i + 2) and p.kind == "child"), None)
            if child is None and not (after in self.form_plural and any_child):
                continue
            j = i - 1
            while j >= 0 and i - j <= 5 and doc[j].lower_ in self.form_between:
                j -= 1
            if j < 0 or i - j > 5:
                continue
            code = doc[j]
            if self.form_code.match(code.text) and not code.text.upper().startswith(self.form_not_prefixes) \
                    and (j, j + 1) not in mentioned and not r.quoted[j]:
                found.append(doc[j:j + 1])
        return found

    def _answered_no(self, doc: Doc, s: Span) -> bool:
        """"VPRF N.", "VPRF - No", "Referral? Not required": the mention answered "no" in line
        (not "VPRF No. 4471", a reference number), or its form box left blank ("Op Encompass: ")."""
        j = s.end
        while j < len(doc) and j - s.end < 3 and (doc[j].text in self.answer_separators or doc[j].is_space
                                                   or doc[j].lower_ in self.answer_verbs):
            j += 1  # "Referral made\tN", "VPRF submitted - No"
        colons = [t.i for t in doc[s.end:j] if t.text == ":"]
        if colons and all(t.is_space for t in doc[colons[-1] + 1:j]) and (j >= len(doc) or "\n" in doc[j - 1].text):
            return True  # a form's box left blank ("Op Encompass: " at the end of its line)
        if j >= len(doc) or doc[j].lower_ not in self.negative_answers:
            return False
        return not any(any(c.isdigit() for c in t.text) for t in doc[j + 1:j + 4])

    def _offence_section(self, doc: Doc, s: Span, sent: Span) -> bool:
        """"susp arr s47", "charged s47", "s.47 ABH": the offence of ABH, not a Children Act s47
        enquiry ("s47 enquiries agreed")."""
        after = [t.lower_ for t in doc[s.end:min(sent.end, s.end + 3)] if not t.is_punct]
        if after and after[0] in self.offence_enquiry:
            return False
        before = {t.lower_ for t in doc[max(sent.start, s.start - self.offence_window):s.start]}
        return bool(before & self.offence_before) or bool(after and after[0] in self.offence_after)

    def _referral(self, r: "_Reading") -> Tuple[bool, bool]:
        """(a referral for the children is recorded, it is said to be done rather than requested)."""
        doc, sents, sent_of = r.doc, r.sents, r.sent_of
        adult_refs = [s for s in r.mentions if s.label_ == "ADULT_REFERRAL"]
        not_refs = adult_refs + [s for s in r.mentions if s.label_ == "NOT_REFERRAL"]  # "referred to as Child A"
        referral_spans = []
        ruled_out: List[Span] = []  # by their qualifiers
        for s in r.mentions:
            if s.label_ != "REFERRAL":
                continue
            qs = _q(s)
            if qs.get("presence") == "absent" or qs.get("temporality") in ("historical", "hypothetical") \
                    or qs.get("subject") == "adult":  # "DA PPN submitted for IP"
                ruled_out.append(s)
                continue
            if s.id_ == "agency" and any(0 <= s.start - o.end <= 1 for o in ruled_out):
                continue  # "If there are further incidents a referral to Children's Services ...": with its referral
            if any(a.start < s.end and s.start < a.end for a in not_refs) or self._for_an_adult(r, s):
                continue
            sent = sents[sent_of[s.start]]
            heading = self._heading_at(doc, s.start)
            if heading is not None:
                # "REFERRALS:" names a topic; what is written under it decides. "VPRF completed: Y"
                # (or a ticked Yes) is the referral recorded
                # (a label that is the form's name alone asks whether it was done: "VPRF: Y")
                words = re.findall(r"[\w/]+", self.ticked_value(heading[2]).lower())
                label = heading_label(r.text[heading[0]:heading[1]]).strip(" ?")
                bare = s.text.lower() in (label, next((label[:-len(x)] for x in self.prompt_suffixes if label.endswith(x)), None))
                done_words = self.completion_verbs  # (which hold "submitted", "done", "sent" ...)
                # ("VPRF - submitted", "VPRF for Ethan - will submit end of shift": the value says it)
                said_done = bool(words) and (words[0] in done_words or words[0] in ("will", "to") and len(words) > 1 and (
                    words[1] in self.commitment_verbs or words[1] == "be" and len(words) > 2 and words[2] in done_words))
                if not said_done and (not words or words[0] not in self.affirmative or not bare and not self._near_verb(
                        doc, s, sent, done_words, window=4)):
                    continue
            if self._answered_no(doc, s):
                continue
            if s.id_ == "section_47" and self._offence_section(doc, s, sent):
                continue
            if s.id_ == "generic" and any(-4 <= a.start - s.end <= 4 for a in adult_refs):
                continue
            if s.id_ == "agency" and not self._near_verb(doc, s, sent, self.sharing_verbs, window=10):
                continue  # "open to social work" is involvement, "social worker informed" is sharing
            referral_spans.append(s)
            r.evidence.append(("REFERRAL", s.start, s.end))
        for code in self._local_forms(r):
            referral_spans.append(code)
            r.evidence.append(("REFERRAL", code.start, code.end))
        # said to be done (not requested): what a supervisor review must say to count
        done = any(self._near_verb(doc, s, sents[sent_of[s.start]], self.completion_verbs, window=12,
                                   not_after=self.pending_before_completion)  # not "PPN to be submitted today"
                   and not any(t.lower_ in self.instruction_words for t in doc[sents[sent_of[s.start]].start:s.start])
                   for s in referral_spans)
        return bool(referral_spans), done

    # ------------------------------------------------------------------ minimising language
    @staticmethod
    def _rejected(r: "_Reading", s: Span) -> bool:
        """Quoted to reject it: a rejection cue in the sentence, or opening the next one."""
        sent_of = r.sent_of
        for m in r.mentions:
            if m.label_ != "MIN_REJECT":
                continue
            if sent_of[m.start] == sent_of[s.start] and -10 <= (m.start - s.end) and (s.start - m.end) <= 10:
                return True
            if sent_of[m.start] == sent_of[s.start] + 1 and m.start - r.sents[sent_of[m.start]].start <= 6:
                return True
            if m.id_ == "rejected_strong" and 0 < sent_of[m.start] - sent_of[s.start] <= 2 \
                    and r.doc[s.start:m.start].text.count("\n\n") == 0:
                return True  # "... 'she's used to us arguing'. ... I do not accept that Kayla is unaffected"
        return False

    def _minimising(self, r: "_Reading", child_present: str) -> bool:
        persons, sent_of = r.persons, r.sent_of
        minimising = False
        for s in r.mentions:
            if s.label_ not in ("MINIMISING", "MIN_RELATIONSHIP") or self._rejected(r, s) or _q(s).get("source") == "reported":
                continue  # "mum was sure they had slept through it": her belief, not the record's language
            who = self.speaker(s.start, sent_of[s.start], persons, r.quoted)
            if s.label_ == "MIN_RELATIONSHIP":
                # "boyfriend" for an adult exploiting a child: "Keeley (15) ... her boyfriend Pike (22)":
                # the child's own age and an adult partner's age must both be stated, the child under 16
                partner = next((p for p in persons if p.sent == sent_of[s.start] and 0 <= p.start - s.end <= 1), None)
                if partner is None or partner.age is None or partner.age < 18:
                    continue
                if who is None or who.kind != "child" or who.age is None or who.age >= 16:
                    continue
            else:
                child_word = any(p.kind == "child" and s.start <= p.start < s.end for p in persons)
                if who is not None and who.kind == "adult" and not child_word and s.id_ == "victim_blaming" and not (
                        who.plural and any(p.kind == "child" and p.sent == sent_of[s.start] for p in persons)):
                    continue  # (but "both give as good as they get and Jade keeps going back": a child among "both")
                if s.id_ == "about_children" and not any(p.kind == "child" and p.sent == sent_of[s.start] for p in persons):
                    continue  # "just words", "no harm done": minimising only when said of the children
                if s.id_ == "dismissing_presence":
                    # of a child in its sentence, or in the one before when its own names nobody
                    # ("Kids upstairs during it. Not directly involved so no PPN.": the subject carries over)
                    sent = sent_of[s.start]
                    about = {sent} if any(p.sent == sent for p in persons) else {sent, sent - 1}
                    if not any(p.kind == "child" and p.sent in about for p in persons):
                        continue
                    if child_present != "yes":
                        continue  # "the children were not involved" (decision 38): only of children who were there
            minimising = True
            r.evidence.append(("MINIMISING", s.start, s.end))
        return minimising

    # ------------------------------------------------------------------ output
    @staticmethod
    def _write(r: "_Reading", values: dict) -> None:
        """The evidence span group (nested spans of one label merged) and doc._.findings."""
        doc = r.doc
        spans: List[Span] = []
        for label, start, end in sorted(set(r.evidence), key=lambda e: (e[1], -(e[2] - e[1]), e[0])):
            if any(s.label_ == label and s.start <= start and end <= s.end for s in spans):
                continue  # inside a longer span of the same label
            spans.append(Span(doc, start, end, label=label))
        doc.spans[EVIDENCE_KEY] = sorted(spans, key=lambda s: (s.start, s.end, s.label_))
        doc._.findings = dict(values, **{
            "children": [{"text": p.text, "status": p.status, "start": doc[p.start].idx,
                          "end": doc[p.end - 1].idx + len(doc[p.end - 1].text)} for p in r.persons if p.kind == "child"],
            "evidence": [{"label": s.label_, "text": s.text, "start": s.start_char, "end": s.end_char}
                         for s in doc.spans[EVIDENCE_KEY]],
        })

    @staticmethod
    def _clause_end(doc: Doc, cue: Span, quoted: List[bool], limit: int = 20) -> int:
        """Extend a speech cue over what was said: to the sentence end, a closing quote, or `limit` tokens."""
        sent_end = doc[cue.start].sent.end
        end = cue.end
        while end < sent_end and end - cue.end < limit:
            end += 1
            if doc[end - 1].text in QUOTE_CHARS and end - 1 > cue.end and quoted[end - 2]:
                break
        while end > cue.end and (doc[end - 1].is_space or doc[end - 1].is_punct and doc[end - 1].text not in QUOTE_CHARS):
            end -= 1
        return end

    @staticmethod
    def _reasons_cover(present: List[Person], covered: List[Person]) -> bool:
        """A reason counts for the record only when it covers every present child: a reason
        about "the children" covers all; otherwise every present child we can tell apart (by
        name, or an unnamed child by age: "baby (8 months) not woken ... 9yo on the stairs")
        needs a reason of their own; a reason about a child we cannot tell apart ("he was not
        woken") covers one of them."""
        if any(p.plural for p in covered):
            return True

        named_ages = {p.age for p in present if p.named and p.age is not None}

        def keys(p: Person) -> Set[tuple]:
            """The children a reason about p covers: p's name and age; an unnamed child's age
            also covers the named children of that age ("daughter (18 months)" is Ivy)."""
            if p.named:
                return {("name", p.first_name)} | ({("age", p.age)} if p.age is not None else set())
            if p.age is None:
                return set()
            return {("age", p.age)} | {("name", c.first_name) for c in present if c.named and c.age == p.age}

        # one key per child: a named child's name; an unnamed child's age unless a named child has
        # it, or it is only "teenage" and a named child is a teenager ("teenage lad" ... "Cody 14")
        named_teen = any(13 <= a < 18 for a in named_ages)
        wanted = {("name", p.first_name) if p.named else ("age", p.age)
                  for p in present if p.named or (p.age is not None and p.age not in named_ages
                                                  and not (p.age == TEEN_ESTIMATE and named_teen))}
        have = set().union(*(keys(p) for p in covered)) if covered else set()
        wildcards = sum(1 for p in covered if not keys(p))
        return len(wanted - have) <= wildcards

    def to_disk(self, path, *, exclude=tuple()):
        pass

    def from_disk(self, path, *, exclude=tuple()):
        return self


@Language.factory("nla_findings", default_config={"words_file": "person_words.json", "sections_file": "sections.json"})
def make_findings(nlp: Language, name: str, words_file: str, sections_file: str) -> NarrativeFindings:
    return NarrativeFindings(nlp, name, words_file=words_file, sections_file=sections_file)
