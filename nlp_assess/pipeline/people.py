"""People in a narrative: person mentions, their gender, and whose a pronoun or a cue is.

The attribution half of `nla_findings` (pipeline/findings.py), kept apart so the findings
read as presence, demeanour, voice, referral and minimising, and this file as "who":

- `Person`: one mention of a child, an adult, an officer or a pronoun, with what the
  findings need to know about it (age, gender, placement status, possessor, ...);
- `People.persons`: the mentions in text order, with gender from kin words, titles and
  first names, possessors, per-child blocks and party roles;
- `People.resolve`: the person a pronoun refers to (same sentence first, then the two
  before, following a pronoun back to its own antecedent);
- `People.speaker`: whose a cue is (the nearest person before it in the sentence, else
  the subject carried over from the sentences before);
- `People.quote_mask`: which tokens are inside quotation marks.

`People` is a mixin: NarrativeFindings loads the word lists these methods read (male,
female, plural, prepositions, parent_words, ...) from person_words.json.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Dict, List, Optional, Set

import numpy
from spacy.attrs import IDX, LOWER
from spacy.tokens import Doc, Span

from ..resources import load_json
from .ages import role_gap_start

QUOTE_CHARS = {'"', "'", "“", "”", "‘", "’"}
QUOTE_TOKENS = QUOTE_CHARS | {"''", "``"}
QUOTE_START = re.compile("[" + re.escape("".join(sorted(QUOTE_CHARS))) + "`]")
OBJECT_PRONOUNS = {"her": "she", "him": "he", "them": "they"}  # "spoke to her", "not to wake them"
_WORDS = load_json("person_words.json")
SUBORDINATORS = frozenset(_WORDS["subordinators"])  # "while we were in the hall"
TAKING_ASIDE = _WORDS["taking_aside"]  # "took her into the kitchen"
TITLES = frozenset(_WORDS["male_titles"]) | frozenset(_WORDS["female_titles"])  # "Miss Kirsty PALMER" is Kirsty
BLOCK_HEADING = re.compile(r"^(?:child|ch|c|cyp|yp)\s*\d+$", re.I)  # "CHILD 1", "C2"


def _possessive_before(persons, start: int) -> bool:
    """A person mention ends right before a possessive "'s" that comes right before `start`."""
    return any(p.possessor and p.end == start - 1 for p in persons)


@dataclass
class Person:
    start: int
    end: int
    kind: str  # child | adult | unborn | officer | pronoun | pet (a baby word tied to an animal)
    text: str
    sent: int
    gender: Optional[str] = None  # male | female | None
    plural: bool = False
    status: str = "present"  # for children: present|unplaced|absent|elsewhere|other_household|other|heading
    named: bool = False
    heading: bool = False
    possessor: bool = False  # "the complainer's" in "the complainer's bairn"
    prep_object: bool = False  # "mum" in "with mum in the room"
    agent: bool = False  # "PC 7781" in "spoken to by PC 7781": the doer of a passive, after "by"
    age: Optional[float] = None
    block_child: Optional[int] = None  # start of the child whose "CHILD 1: <name>" block this mention is in
    addressee: bool = False  # "her" in "spoke to her": who the next "she said" most likely is
    clause_subject: bool = False  # first word of a clause ("..., Tegan has a mark"): a likely antecedent
    party: bool = False  # a child named as victim or suspect ("SUSP: Kyle BRENNAN 16"): present by the rubric
    owner: Optional[str] = None  # "she" for "her mum", "he" for "his dad": whose relative this is
    subordinate: bool = False  # "we" in "while we were in the hall": the subject of a subordinate clause
    in_quote: bool = False  # "mummy" in "Asked 'did daddy hurt mummy?' - she nodded": nobody's antecedent outside

    @property
    def first_name(self) -> str:
        """The name's first word, lower case, before any hyphen: "Mia-Rose FOX" and a later
        "Mia" are the same child."""
        words = self.text.lower().split()
        while len(words) > 1 and words[0].rstrip(".") in TITLES:
            words = words[1:]  # "Miss Kirsty PALMER" ... "Kirsty"
        return re.split(r"[\s\-]", " ".join(words), maxsplit=1)[0]


class People:
    """Person mentions and attribution (a mixin of NarrativeFindings, which holds the word lists)."""

    def _gender(self, text: str) -> Optional[str]:
        """From a kin or role word ("son", "mum"), a title ("Mr", "Ms") or a first name that is
        given to one sex only ("Amara", "Gareth"), else unknown."""
        words = text.lower().replace(".", "").split()
        if words[-1] in self.male:
            return "male"
        if words[-1] in self.female:
            return "female"
        for word in words[:2]:  # "Ms Donna KEMP", "Donna KEMP"
            if word in self.male_titles or word in self.male_names:
                return "male"
            if word in self.female_titles or word in self.female_names:
                return "female"
        return None

    def persons(self, doc: Doc, mentions: List[Span], sent_of: List[int]) -> List[Person]:
        """Person mentions in text order, one per place (the longest wins)."""
        kinds = {"CHILD": "child", "ADULT": "adult", "OFFICER": "officer", "PRONOUN": "pronoun"}
        not_child = [s for s in mentions if s.label_ == "NOT_CHILD" and s.id_ != "our_kid"]
        raw = [s for s in mentions if s.label_ in kinds
               and not (s.label_ == "CHILD" and any(n.start <= s.start and s.end <= n.end for n in not_child))]
        raw.sort(key=lambda x: (x.start, -(x.end - x.start)))
        persons: List[Person] = []
        for s in raw:
            if persons and s.start < persons[-1].end:
                continue
            kind = kinds[s.label_]
            q = s._.qualifiers or {}
            if kind == "child" and q.get("subject") in ("adult", "unborn") and not (
                    q["subject"] == "unborn" and q.get("presence") == "absent"):
                kind = q["subject"]  # (but "NO CHILDREN AT ADDR - FIRST PREGNANCY": no born child was there)
            persons.append(Person(s.start, s.end, kind, s.text, sent_of[s.start], self._gender(s.text),
                                  s.text.lower().split()[-1] in self.plural, named=s.id_ == "named", age=s._.age))
        # "a female child", "male youth": the sex word is an adjective of the child, not an adult;
        # "Both boys", "both children": "both" is the noun's determiner, not a pronoun of its own
        persons = [p for i, p in enumerate(persons) if not (
            i + 1 < len(persons) and persons[i + 1].start == p.end and (
                p.kind == "adult" and p.text.lower() in ("female", "male") and persons[i + 1].kind == "child"
                or p.kind == "pronoun" and p.text.lower() in ("both", "all") and persons[i + 1].kind in ("child", "adult")))]
        for p in persons:
            nxt = doc[p.end] if p.end < len(doc) else None
            after = doc[p.end + 1].lower_ if p.end + 1 < len(doc) else ""
            # "Kev's gone out", "she's been crying": 's for has/is, not a possessive
            p.possessor = nxt is not None and nxt.lower_ in ("'s", "’s", "'") and after not in self.contraction_followers
            j = p.start - 1
            while j >= 0 and doc[j].lower_ in ("the", "her", "his", "their", "my", "a", "an", "both", "its"):
                j -= 1
            p.prep_object = j >= 0 and doc[j].lower_ in self.prepositions
            p.agent = j >= 0 and doc[j].lower_ == "by"
            if p.start > 0 and doc[p.start - 1].lower_ in ("her", "his"):
                p.owner = "she" if doc[p.start - 1].lower_ == "her" else "he"
        # a name takes the gender of the noun right before it: "her son Riley (4)"
        for a, b in zip(persons, persons[1:]):
            if b.named and b.gender is None and a.gender is not None and 0 <= b.start - a.end <= 1 and not a.plural \
                    and not a.named and a.sent == b.sent:
                b.gender = a.gender  # (not "I went up with Chloe. Riley was awake")
        # and keeps it wherever the name comes again ("her daughter Amara ... Amara said")
        genders: Dict[str, Set[str]] = {}
        for p in persons:
            if p.named and p.gender is not None:
                genders.setdefault(p.first_name, set()).add(p.gender)
        for p in persons:
            known = genders.get(p.first_name) if p.named and p.gender is None else None
            if known and len(known) == 1:
                p.gender = next(iter(known))
        # the person spoken to ("Spoke to her with mum out of the room. She said ..."): an object
        # pronoun after a speaking verb is kept as a pronoun mention, so "she" can follow it back
        taken = {p.start: p for p in persons}
        lows = doc.to_array(LOWER)
        verb_ids = [doc.vocab.strings[w] for w in self.speaking_verbs]
        asking_ids = [doc.vocab.strings[w] for w in self.question_verbs]
        objects = [(i, doc[i + 2]) for i in numpy.flatnonzero(numpy.isin(lows[:-2], verb_ids)).tolist()
                   if doc[i + 1].lower_ in ("to", "with")]  # a speaking verb: "spoke to her"
        objects += [(i, doc[i + 1]) for i in numpy.flatnonzero(numpy.isin(lows[:-1], asking_ids)).tolist()]  # "asked her"
        taking_ids = [doc.vocab.strings[w] for w in TAKING_ASIDE["verbs"]]
        objects += [(i, doc[i + 1]) for i in numpy.flatnonzero(numpy.isin(lows[:-2], taking_ids)).tolist()
                    if doc[i + 2].lower_ in TAKING_ASIDE["particles"]]  # "took her aside"
        for _, obj in sorted(objects, key=lambda o: o[1].i):
            if obj.i in taken and taken[obj.i].kind == "child" and taken[obj.i].named:
                taken[obj.i].addressee = True  # "I spoke to Maisie in the kitchen ... She told me"
            elif obj.lower_ in ("her", "him", "them") and obj.i not in taken:
                pron = OBJECT_PRONOUNS[obj.lower_]
                persons.append(Person(obj.i, obj.i + 1, "pronoun", pron, sent_of[obj.i], self._gender(pron),
                                      plural=pron == "they", addressee=True))
        persons.sort(key=lambda p: p.start)
        for p in persons:
            prev = doc[p.start - 1] if p.start > 0 else None
            p.clause_subject = prev is None or prev.text in (",", ";", "-") or prev.lower_ in ("and", "but", "then", "so") \
                or bool(doc[p.start].is_sent_start)
            p.subordinate = prev is not None and prev.lower_ in SUBORDINATORS
        # a child named right after a party role ("IP: Jasmine OKORO 17", "the complainer, Child X (14)"),
        # not after a role that is a preposition's object ("two children with SP, Oliwia (7) and ...")
        role_ends = {p.end for p in persons if p.kind == "adult" and p.text.lower() in self.party_roles
                     and not p.prep_object}
        for p in persons:
            p.party = p.kind == "child" and (role_gap_start(doc, p.start) in role_ends and not p.possessor
                                             or p.text.lower() in self.party_roles)  # "V1 is 17"
        # per-child blocks ("CHILD 1: Matilda PARR / 9 / ... she told me ..."): each mention
        # knows the block's child, the fallback antecedent for the block's pronouns
        block = None
        for i, p in enumerate(persons):
            if p.kind == "child" and BLOCK_HEADING.match(p.text):
                nxt = persons[i + 1] if i + 1 < len(persons) else None
                block = nxt.start if nxt is not None and nxt.named and nxt.kind == "child" \
                    and nxt.start - p.end <= 2 else None
            p.block_child = block
        return persons

    @staticmethod
    def quote_mask(doc: Doc, elisions: frozenset = frozenset(), record_words: frozenset = frozenset(),
                   text: Optional[str] = None) -> List[bool]:
        """For each token, whether it lies between a pair of quote tokens (at most 80 apart);
        an apostrophe joined to one of `elisions` ("the little 'un") is not a quote token.
        A quotation opened right after a colon whose line names a record ("OIC log (PC 2815):
        '...'", `record_words`) is the officer's record quoted by a reviewer, not someone's
        words, so it is not masked. Quote tokens are found from the text's quote characters,
        not by visiting every token."""
        text = doc.text if text is None else text  # (doc.text is rebuilt from the tokens on each access)
        starts = doc.to_array(IDX).tolist()
        quotes = []
        for m in QUOTE_START.finditer(text):
            k = bisect_right(starts, m.start()) - 1
            if k >= 0 and starts[k] == m.start() and doc[k].text in QUOTE_TOKENS and (not quotes or quotes[-1] != k) \
                    and not (k + 1 < len(doc) and not doc[k].whitespace_ and doc[k + 1].lower_ in elisions):
                quotes.append(k)  # but not the apostrophe of "the little 'un", "tell 'em"
        mask = [False] * len(doc)
        open_at, record = None, False
        for k in quotes:
            if open_at is None:
                if doc[k].text in ("'", "’") and k > 0 and not doc[k - 1].whitespace_ and doc[k - 1].text[-1:].isalnum():
                    continue  # joined to the word before, it closes a quote or is a possessive ("grandparents' house")
                open_at = k
                record = bool(record_words) and People._opens_quoted_record(doc, k, record_words)
            else:
                if k - open_at <= 80 and not record:
                    for i in range(open_at + 1, k):
                        mask[i] = True
                open_at = None
        return mask

    @staticmethod
    def _opens_quoted_record(doc: Doc, k: int, record_words: frozenset) -> bool:
        """The quote at token k follows a colon whose line names a record: "OIC log (PC 2815):\n'..."."""
        c = k - 1
        while c > 0 and doc[c].is_space:
            c -= 1
        if c < 0 or doc[c].text != ":":
            return False
        j = c - 1
        while j >= 0 and c - j <= 8 and "\n" not in doc[j].text:  # the words before the colon, on its line
            if doc[j].lower_ in record_words:
                return True
            j -= 1
        return False

    def _compatible(self, pron: str, p: Person) -> bool:
        pron = pron.lower()
        if p.kind in ("pronoun", "officer"):
            return False
        if pron in ("they", "both", "neither"):
            return p.plural or p.kind == "child"
        if p.plural:
            return False
        want = "male" if pron == "he" else "female" if pron == "she" else None
        return want is None or p.gender in (None, want)

    def _parent_of(self, p: Person, pron: Person) -> bool:
        """`p` is "her mum" / "his dad" for this "she" / "he": the pronoun's parent, not its antecedent."""
        return p.owner == pron.text.lower() and p.text.lower() in self.parent_words

    def resolve(self, pron: Person, persons: List[Person], sents_before: int = 2, depth: int = 0) -> Optional[Person]:
        """The person a pronoun refers to: the nearest compatible one before it in its
        sentence, else the first of the sentences before (a same-word pronoun there is
        followed back: "She ... and she ... . She was crying")."""
        spoken_to = next((p for p in reversed(persons) if p.sent == pron.sent and p.end <= pron.start and p.addressee
                          and p.kind == "pronoun" and p.text == pron.text.lower()), None)
        if pron.clause_subject and spoken_to is not None and depth < 5:
            # "I took her into the kitchen while mum was being spoken to and she told me ...": the
            # "she" who answers is the "her" spoken to
            return self.resolve(spoken_to, persons, sents_before, depth + 1)
        same = [p for p in persons if p.sent == pron.sent and p.end <= pron.start and self._compatible(pron.text, p)
                and not p.possessor  # "spoke to Harrison with IP's permission - he said": not the IP
                and (pron.in_quote or not p.in_quote)]
        if pron.addressee:  # "With mum present I asked her ...": the one asked is not the one "with"
            same = [p for p in same if not p.prep_object]
        elif pron.clause_subject and any(p.addressee for p in same):
            # "I spoke to Ruby in the kitchen while mum was being spoken to and she told me ...": the
            # one spoken to answers, not the adult named between
            same = same[:max(i for i, p in enumerate(same) if p.addressee) + 1]
        want = {"he": "male", "she": "female"}.get(pron.text.lower())
        if same:
            gendered = [p for p in same if want is not None and p.gender == want]
            # "I saw Alfie in the sensory room with the worker: he was fidgeting": the last person
            # of the pronoun's gender before a nearer one of unknown gender ("the worker")
            last = gendered[-1] if gendered and same[-1].gender is None and same[-1].kind != "child" else same[-1]
            if self._parent_of(last, pron):
                # "Once her mum was out of the room she talked more freely": "she" is whoever has the mum,
                # the child last mentioned, not the mum
                child = next((p for p in reversed(persons) if p.end <= last.start and p.kind == "child"
                              and self._compatible(pron.text, p) and p.sent >= pron.sent - 2), None)
                if child is not None:
                    return child
            return last
        # the sentences before that name someone (one with nobody in it, "No injuries seen;", does
        # not break the chain), at most four back
        visible = [p for p in persons if p.kind != "officer" and (pron.in_quote or not p.in_quote)]
        with_people = sorted({p.sent for p in visible if pron.sent - 4 <= p.sent < pron.sent}, reverse=True)[:sents_before]
        for back, sent in enumerate(with_people, start=1):
            sent_persons = [p for p in visible if p.sent == sent]
            spoken_to = next((p for p in sent_persons if p.addressee and p.text == pron.text.lower()), None)
            if back == 1 and spoken_to is not None and depth < 5:
                return self.resolve(spoken_to, persons, sents_before, depth + 1)
            addressed = next((p for p in sent_persons if p.addressee and p.kind == "child" and not p.possessor
                              and self._compatible(pron.text, p)), None)
            if sent_persons and sent_persons[0].kind == "pronoun" and sent_persons[0].text.lower() == pron.text.lower() \
                    and depth < 5 and not (back == 1 and pron.clause_subject and addressed is not None):
                # (not past a child spoken to later in that sentence: "... he's not bothered, we spoke
                # to Alfie in his room, | he said ...": Alfie)
                return self.resolve(sent_persons[0], persons, sents_before, depth + 1)
            cands = [p for p in sent_persons if self._compatible(pron.text, p) and not p.possessor]
            # "Once her mum was out of the room she talked more freely. She told me ...": not the mum,
            # whoever "her" and that sentence's "she" are
            cands = [p for p in cands if not self._parent_of(p, pron)]
            again = next((p for p in sent_persons if p.kind == "pronoun" and (
                p.text.lower() == pron.text.lower() or back == 1 and p.plural and pron.plural)), None)
            # (a plural in the sentence just before is the same group: "Both were fast asleep. They were not woken")
            if not cands and again is not None and depth < 5:
                # "when Jodie came up he grabbed her leg. [I asked him ...] He said ...": follow that "he" back
                return self.resolve(again, persons, sents_before, depth + 1)
            addressed = next((p for p in cands if p.addressee and p.kind == "child"), None)
            if back == 1 and addressed is not None and (pron.clause_subject or pron.addressee):
                # ("... not speak to Mia ...; I explained why we would speak to her": Mia again)
                # "I spoke to Maisie in the kitchen, mum in sight through the door. She told me ...": the child spoken to
                return addressed
            cands = [p for p in cands if not p.prep_object] or cands  # "with her nan present" is not the subject
            if cands:
                # a candidate whose gender is explicit ("mum", "son") before one of unknown gender ("baby"),
                # then the subject of the sentence's last clause ("..., Tegan has a red mark, | she was
                # stood ..."), else its first person
                starts = [p for p in cands if p.clause_subject] if len(cands) > 1 and cands[-1].start - cands[0].start > 25 else []
                return min(cands, key=lambda p: (want is not None and p.gender != want,
                                                 -p.start if p in starts[-1:] else 0, p.start))
        if pron.block_child is not None:
            # nobody in reach, inside a per-child block: the block's child
            child = next((p for p in persons if p.start == pron.block_child), None)
            if child is not None and self._compatible(pron.text, child):
                return child
        return None

    def speaker(self, start: int, sent: int, persons: List[Person], quoted: List[bool],
                carry_over: bool = True, skip_officers: bool = False, main_clause: bool = False,
                subjectless: bool = False) -> Optional[Person]:
        """Whose is the cue at token `start`: the nearest person before it in the sentence,
        else (with carry_over) the subject of one of the two sentences before. A possessor
        ("the complainer's bairn") is never the one meant."""
        if start >= 2 and _possessive_before(persons, start):
            # "Poppy's account was that ...": the possessor is the speaker
            owner = next(p for p in persons if p.end == start - 1)
            return self.resolve(owner, persons) if owner.kind == "pronoun" else owner
        before = [p for p in persons if p.sent == sent and p.end <= start and not quoted[p.start]
                  and not p.possessor and not (p.kind == "officer" and skip_officers) and not (p.subordinate and main_clause)]
        # objects of a preposition ("spoken to with mum in the room") are rarely the speaker; when
        # all are, the one spoken to is ("SPOKE TO KYLE IN KITCHEN WITH DAD - SAID ...")
        subjects = [p for p in before if not (p.start > 0 and p.prep_object)]
        if subjectless and not subjects and any(q.kind == "officer" and q.agent for q in before):
            # "KAYLA BISHOP 16 FOUND CRYING. SPOKEN TO BY PC 7781 (WITH IP PRESENT) - SAYS ...": the
            # officer is the passive's agent; the one spoken to is the subject carried over
            before = []
        before = subjects or [p for p in before if p.addressee] or before
        if before:
            p = before[-1]
            if subjectless and p.kind == "officer" and all(q.kind == "officer" for q in before):
                # "PC 1467 SPOKE TO RILEY ON LANDING - SAID HE IS FED UP", "I spoke to Mia, said she
                # was scared": a cue with no subject of its own after the officer spoke to someone
                # is the account of the one spoken to (not where a parent is the subject: "Dad
                # wouldnt let us speak to Jayden, said he's been through enough")
                spoken_to = [q for q in persons if q.sent == sent and q.addressee and p.start < q.start and q.end <= start
                             and not quoted[q.start]]
                if spoken_to:
                    p = spoken_to[-1]
            if p.kind == "pronoun":
                return self.resolve(p, persons)
            return p
        if not carry_over:
            return None
        # no one named in the sentence: the subject carried over from the sentence before
        for back in (1, 2):
            cands = [p for p in persons if p.sent == sent - back and p.kind != "officer" and not quoted[p.start]
                     and not p.possessor]
            if cands:
                p = cands[0]
                return self.resolve(p, persons) if p.kind == "pronoun" else p
        # inside a per-child block ("CHILD 1: Harley / Seen: Y / Found on the landing ..."): its child
        last = next((p for p in reversed(persons) if p.start < start), None)
        if last is not None and last.block_child is not None:
            return next((p for p in persons if p.start == last.block_child), None)
        return None
