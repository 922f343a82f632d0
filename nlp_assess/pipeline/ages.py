"""Attach ages and names to person mentions, before the ConText qualifier runs.

"son (24)" becomes an ADULT mention, "victim, 16" and "16yo female" CHILD mentions;
"Ella (6)" adds a CHILD mention for the name Ella, and every later "Ella" in the text is
one too; "our kid" (an adult sibling in Northern English) is an ADULT. Relabelled spans
keep their place in `nla_mentions`; the age in years is kept on `span._.age`.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Dict, List, Optional, Tuple

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..artefacts import number_in_words
from ..resources import load_json
from .extensions import register_extensions
from .mentions import MENTIONS_KEY

_AGE_NUM = re.compile(r"(\d{1,2})\s*-?\s*(m\b|mths?|months?|mo\b|m/o|weeks?|wks?|/12\b(?!/)|/52\b(?!/))?", re.I)  # "(9/12)": months
ADULT_AGE = 18
DETERMINERS = ("the", "her", "his", "their", "my", "our", "a", "an", "'s", "’s")


TEEN_ESTIMATE = 15.0  # "teenage", "adolescent": a child of some age 13-17


def age_in_years(text: str) -> Optional[float]:
    """'(7)' -> 7, '10 months old' -> 0.83, 'adult' -> 18, 'teenage' -> 15, 'seventeen' -> 17."""
    low = text.lower()
    if any(w in low for w in ("adult", "grown")):
        return 18.0
    m = _AGE_NUM.search(low)
    if not m:
        words = number_in_words(low)
        if words is not None:
            return float(words) / (12.0 if re.search(r"\bmonths?\b", low) else 1.0)
        if any(w in low for w in ("teen", "adolescent")):
            return TEEN_ESTIMATE
        return None
    n = float(m.group(1))
    unit = (m.group(2) or "").lower()
    if unit.startswith("m") or unit == "/12":
        return round(n / 12.0, 2)
    if unit.startswith("w") or unit == "/52":
        return round(n / 52.0, 2)
    return n


DOB_DATE = re.compile(r"(?:(\d{1,2})[/.-])?(\d{1,2})[/.-](\d{4}|\d{2})\b")


def age_from_dob(text: str, on: Optional[str]) -> Optional[float]:
    """Whole years from a date of birth ("DOB 30/07/2007", day first as in UK records) to the
    ISO date `on` (the record's date, decision 28); None without a record date or a readable DOB."""
    m = DOB_DATE.search(text)
    if m is None or not on:
        return None
    try:
        when = date.fromisoformat(on[:10])
        year = int(m.group(3))
        if year < 100:
            year += 2000 if year <= when.year % 100 else 1900
        born = date(year, int(m.group(2)), int(m.group(1) or 1))
    except ValueError:
        return None
    years = when.year - born.year - ((when.month, when.day) < (born.month, born.day))
    return float(years) if 0 <= years < 120 else None


NAME_SHAPE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Gaelic patronymic surnames are capitalised after the prefix: "McKENNA", "McKenna", "MacLEOD"
PREFIXED_SURNAME = re.compile(r"(?:Mc|Mac|Fitz)[A-Z][^\W\d_]*")


def capitalised(tok) -> bool:
    """Written as a name is: "Kerry", "KERRY", "McKENNA", "MacLeod"."""
    return tok.is_title or tok.is_upper or PREFIXED_SURNAME.fullmatch(tok.text) is not None


def name_shaped(tok) -> bool:
    """Capitalised letters, with an apostrophe or hyphen inside allowed ("O'HARE", "Smith-Jones")."""
    return capitalised(tok) and NAME_SHAPE.fullmatch(tok.text) is not None


ORDINAL_AGE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)", re.I)  # "16th birthday"


def role_gap_start(doc: Doc, i: int) -> int:
    """Where a role word before token `i` would end, past the punctuation between them
    ("SUSP: Kyle", "the complainer, Child X") or an "is" ("ip is Keeley Parkin, 16")."""
    while i > 0 and (doc[i - 1].text in (":", ",", "-", "=") or doc[i - 1].lower_ == "is"):  # "clr = Keeley OKE 10"
        i -= 1
    return i


class AgeAttacher:
    def __init__(self, nlp: Language, name: str = "nla_ages", *, spans_key: str = MENTIONS_KEY,
                 words_file: str = "person_words.json"):
        register_extensions()
        self.name = name
        self.spans_key = spans_key
        self.words_file = words_file
        words = load_json(words_file)
        self.not_names = set(words["not_names"])
        self.place_surnames = set(words["surnames_that_are_place_words"])
        self.age_followers = set(words["bare_age_followers"])
        self.party_roles = set(words["party_roles"])
        self.age_noun_determiners = set(words["age_noun_determiners"])
        self.bracket_roles = self.party_roles | set(words["bracket_adult_roles"])
        self.titles = set(words["male_titles"]) | set(words["female_titles"])
        self.age_noun_endings = tuple(words["age_noun_endings"])
        self.age_hedges = set(words["age_hedges"])  # "who I believe is 8"
        not_age = words["is_number_not_age"]  # "Gemma is 16 wks pregnant", "Kyle was 10 minutes late"
        self.not_age_units, self.pregnancy_units = set(not_age["units"]), set(not_age["pregnancy_units"])
        self.pregnancy_words = set(not_age["pregnancy"])
        self.animal_words = set(words["animal_words"])  # "a 12 week old French bulldog": not a child
        self.kin_order_words = set(words["kin_order_words"])  # "their younger son, Kai (12)"
        self.partner_words = set(words["partner_words"])  # "(partner, 2 yrs)": a child's age is no partner's
        self.partner_years_below = float(words["partner_years_below"])
        self.party_abbreviations = set(words["party_abbreviations"])  # "C/P Anita KOWAL 34": a party
        self.party_abbreviation_verbs = set(words["party_abbreviation_verbs"])  # "C/P says O/P hit her"
        # a child kin noun for one person, whose name may follow it ("their daughter Rosie")
        self.plural = set(words["plural"])
        self.one_child_kin = (set(words["male"]) | set(words["female"])) - self.plural
        # a known name written in lower case later ("spoke w/ callum") is the same person,
        # unless the name is also an everyday word ("will", "mark", "hope")
        self.word_names = set(words["names_that_are_words"]) | self.not_names | set(load_json("stop_words.json")["stop_words"])
        first_names = load_json("first_names.json")
        self.first_names = set(first_names["male"]) | set(first_names["female"])

    def _not_an_age(self, doc: Doc, i: int) -> bool:
        """The number at i is a measure, not an age: "16 wks pregnant", "10 minutes"."""
        nxt = doc[i + 1].lower_ if i + 1 < len(doc) else ""
        after = doc[i + 2].lower_ if i + 2 < len(doc) else ""
        return nxt in self.not_age_units or nxt in self.pregnancy_words or (
            nxt in self.pregnancy_units and after in self.pregnancy_words)

    def __call__(self, doc: Doc) -> Doc:
        if self.spans_key not in doc.spans:
            return doc
        spans = list(doc.spans[self.spans_key])
        # "S1 (M, 16)", "C2 (F, 9/12)": the sex letter in the bracket is part of the age, not a person
        sexed = [s for s in spans if s.label_ == "AGE" and s.id_ == "sex_bracket_age"]
        spans = [s for s in spans if not (s.label_ in ("CHILD", "ADULT", "YOUNG")
                                          and any(a.start < s.start and s.end < a.end for a in sexed))]
        people = [s for s in spans if s.label_ in ("CHILD", "ADULT", "YOUNG")]
        not_child = [s for s in spans if s.label_ == "NOT_CHILD"]
        ages = [s for s in spans if s.label_ == "AGE"]
        relabel: Dict[tuple, tuple] = {}  # (start, end) -> (label, id, age)
        # "our kid": an adult sibling
        for s in people:
            if s.label_ == "CHILD" and any(n.id_ == "our_kid" and n.start <= s.start and s.end <= n.end for n in not_child):
                relabel[(s.start, s.end)] = ("ADULT", "our_kid", None)
        taken = {i for s in people for i in range(s.start, s.end)}
        new: List[Span] = []
        names: Dict[str, str] = {}
        noun_labels: Dict[str, set] = {}
        for s in people:  # "C/P Anita KOWAL 34", "C/P says ...": the complaining party, not "children
            # present", and so is every other "C/P" of the record ("C/P no injs")
            if s.label_ == "CHILD" and s.text.lower() in self.party_abbreviations and s.end < len(doc) and (
                    name_shaped(doc[s.end]) and doc[s.end].lower_ not in self.not_names
                    or doc[s.end].lower_ in self.party_abbreviation_verbs):
                relabel[(s.start, s.end)] = ("ADULT", "adult_noun", None)
                noun_labels.setdefault(s.text.lower(), set()).add("ADULT")

        def add_name(start: int, end: int, label: str, age: Optional[float] = None) -> None:
            """A person's name found at doc[start:end]: a mention, its tokens used, its first word
            known for later mentions."""
            named = Span(doc, start, end, label=label, span_id="named")
            if age is not None:
                named._.age = age
            new.append(named)
            taken.update(range(start, end))
            first = start
            while first < end - 1 and doc[first].lower_.rstrip(".") in self.titles:
                first += 1  # "Miss Kirsty PALMER (30)" ... a later "Kirsty"
            names[doc[first].lower_] = label

        numbers_read = set()  # a number two age patterns share ("SUSP Neil FLINT 45 /") is read once
        for a in ages:
            kind = a.id_
            if a.id_ == "age_then_word":  # "Mia SHAW 16 / SUSP ...": the age is the number alone
                if not doc[a.start].whitespace_:
                    continue  # "Attended 1/L, 6 Wallneuk Street" (a flat), "2/3 kids": no age
                a = doc[a.start:a.end - 1]
            elif a.id_ == "name_then_age":  # "Persons present: ..., Oisin KERR 4, Freya KERR 2."
                a = doc[a.end - 2:a.end - 1]
            elif a.id_ == "sex_name_age":  # "Male Jason TRAFFORD 24 and female Lily ANSELL 15 in the flat"
                a = doc[a.end - 1:a.end]
            if kind in ("age_then_word", "name_then_age", "sex_name_age"):
                if a.start in numbers_read:
                    continue
                numbers_read.add(a.start)
            if a.id_ == "sex_bracket_age":  # "(M, 16)", "(F, 9/12)": 9/12 is nine months
                number = doc[a.end - 2].text
                age = int(number.split("/")[0]) / 12 if number.endswith("/12") else float(number)
            else:
                age = age_from_dob(a.text, doc._.record_date) if a.id_ == "dob" else age_in_years(a.text)
            following = doc[a.end].lower_ if a.end < len(doc) else ""
            if age is None or following in self.pregnancy_words:
                continue  # "28 weeks pregnant" is not anyone's age
            label = "CHILD" if age < ADULT_AGE else "ADULT"
            after = next((p for p in people if p.start == a.end or p.start == a.end + 1 and doc[a.end].lower_ == "old"),
                         None)  # "16yo female", "14YR OLD SON"
            # a list of ages is not the name's before it ("two children with Dominic, aged 4 and 7")
            ages_list = a.id_ != "dob" and (sum(t.is_digit and len(t.text) <= 2 for t in a) > 1 or (
                a.end + 1 < len(doc) and doc[a.end].lower_ in ("and", "&") and doc[a.end + 1].is_digit))
            run = None if after is not None or ages_list else self._name_run(doc, a.start, taken)
            if run is not None:
                # "daughter Lola (8)", "IP Kim ROBSON (32)": the name is the person
                add_name(run[0], run[1], label, age)
                before = run[0]
                pair = self._name_run(doc, run[0] - 1, taken) \
                    if label == "CHILD" and run[0] >= 3 and doc[run[0] - 1].lower_ in ("and", "&") else None
                if pair is not None and any(p.end == pair[0] and p.text.lower() in self.plural for p in people):
                    # "Twins Ava and Isla (4)", "her daughters Ava and Isla (4)": after a plural kin
                    # noun, the first name of the pair shares the age
                    add_name(pair[0], pair[1], label, age)
                    before = pair[0]
            else:
                before = a.start
            if run is None and self._lowercase_doc(doc):
                # "her lad cody (10)" in a log typed without capitals: the word before the age
                # is a name when a person noun stands right before it, or when it is a known first
                # name ("no inj. lily (12) came down")
                b = doc[a.start - 1] if a.start > 0 else None
                if b is not None and b.is_alpha and not b.is_stop and b.lower_ not in self.not_names \
                        and b.i not in taken and (any(p.end == b.i for p in people) or b.lower_ in self.first_names):
                    run = (b.i, b.i + 1)
                    add_name(b.i, b.i + 1, label, age)
                    before = b.i
            if run is not None:
                # the noun right before the name ("daughter Lola (8)"), or in apposition after a
                # determiner ("her son, Martin (44)"), but not a list ("IP, Grace (14)")
                # (also after an order word: "their younger son, Kai (12)")
                target = next((p for p in people if p.end == before or (
                    before - p.end == 1 and doc[p.end].text == "," and p.start > 0 and (
                        doc[p.start - 1].lower_ in DETERMINERS or p.start > 1 and doc[p.start - 1].lower_
                        in self.kin_order_words and doc[p.start - 2].lower_ in DETERMINERS))
                    # a form's party line, "IP: Lewis GRAY DOB 14/06/2007": the role is the person
                    or (before - p.end == 1 and doc[p.end].text == ":" and p.text.lower() in self.party_roles)),
                    None)
            else:
                # the person right after the age first: "CALL FROM IP - 14YR OLD SON" is the son's age
                target = after or next((p for p in people if before == p.end or p.start == a.end
                               or (before - p.end == 1 and doc[p.end].is_punct)
                               or (p.start - a.end == 1 and doc[a.end].is_punct and doc[a.end].text not in ".!?/")),
                          None)  # (not across a full stop, "girlfriend of 4 months. IP has a cut", nor a log's " / ")
                in_list = a.end + 1 < len(doc) and doc[a.end].text in (",", "and", "&") and doc[a.end + 1].is_digit \
                    or sum(t.is_digit for t in a) > 1 \
                    or a[-1].text in (",", "&") and a.end < len(doc) and doc[a.end].is_digit  # "aged 4 and 7", "(2, 5, 7)"
                if target is not None and in_list and not target.text.lower().endswith(("s", "ren", "chn")):
                    target = None  # "three children with S1, aged 9, 6 and 1": a list of ages is not S1's
                if target is None and a.end + 2 < len(doc) and doc[a.end].text == "(" and doc[a.end + 2].text == ")" \
                        and doc[a.end + 1].is_alpha and a.end + 1 not in taken \
                        and doc[a.end + 1].lower_ not in self.not_names:  # "7YO (KAYDEN)"
                    add_name(a.end + 1, a.end + 2, label)
                    continue
            if target is not None and age < self.partner_years_below and (
                    target.text.lower() in self.partner_words or target.text.lower() in self.party_roles
                    and target.start > 0 and doc[target.start - 1].norm_ == "with"):
                target = None  # "(partner, 2 yrs, lives at V's flat)", "IP w/ S1 8 months": how long, not how old
            if target is not None:
                relabel[(target.start, target.end)] = (label, self._relabel_id(target, label), age)
                noun_labels.setdefault(target.text.lower(), set()).add(label)
            if run is not None and a.end + 1 < len(doc) and doc[a.end].text in (",", "("):
                # and a kin noun in apposition after the age: "Shannon (22), Dawn's stepdaughter, ...",
                # "Jade PIKE DOB 08/09/2005 (daughter of V1 and S1)"
                k = a.end + 1
                if doc[k].lower_ in ("her", "his", "their", "the"):
                    k += 1
                elif k + 1 < len(doc) and doc[k + 1].lower_ in ("'s", "’s") and doc[k].is_alpha and doc[k].is_title:
                    k += 2
                noun = next((p for p in people if p.start == k), None)
                if noun is not None and (noun.start, noun.end) not in relabel:
                    relabel[(noun.start, noun.end)] = (label, self._relabel_id(noun, label), age)
        # a name in brackets after a person: "16YO FEMALE (MEGAN)", "her son (Alfie)"
        # and a bare age after a child noun and name: "SON ALFIE 11"
        current = {(s.start, s.end): relabel.get((s.start, s.end), (s.label_,))[0] for s in people}
        for s in people:
            label = current[(s.start, s.end)]
            i = s.end
            if i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")" and doc[i + 1].is_alpha \
                    and capitalised(doc[i + 1]) and not doc[i + 1].is_stop and i + 1 not in taken:
                add_name(i + 1, i + 2, label)
            elif (label == "CHILD" or s.label_ == "YOUNG") and (k := self._name_then_age(doc, i, taken)) is not None \
                    and int(doc[k].text) < 18:
                # "SON ALFIE 11", "SON KAI PEARCE 14", "her lad Kieran 9" (a lad with an age under 18 is a child)
                add_name(i, k, "CHILD")
                if s.label_ == "YOUNG":
                    relabel[(s.start, s.end)] = ("CHILD", s.id_, float(doc[k].text))
            elif label == "CHILD" and s.label_ == "CHILD" and s.text.lower() not in self.plural \
                    and (k := self._name_then_age(doc, i, taken)) is not None \
                    and int(doc[k].text) >= ADULT_AGE \
                    and (k + 1 == len(doc) or not doc[k + 1].is_alpha or doc[k + 1].lower_ in self.age_followers):
                # "her son Liam 19 said ...", "CALLER = SON RYAN COLE 22.": an adult son
                add_name(i, k, "ADULT")
                relabel[(s.start, s.end)] = ("ADULT", self._relabel_id(s, "ADULT"), float(doc[k].text))
            elif s.label_ in ("CHILD", "YOUNG") and (s.start, s.end) not in relabel and i + 1 < len(doc) \
                    and doc[i].is_digit and len(doc[i].text) <= 2 \
                    and (doc[i + 1].lower_ in self.age_followers or doc[i + 1].text in (",", ")", ".", "(")):
                # "the lads 16 and 14 were in", "Lad 16 (Connor) in lounge": a bare age right after the
                # noun; "Toni's daughter 19 also present": an adult daughter
                age = float(doc[i].text)
                label = "CHILD" if age < ADULT_AGE else "ADULT"
                relabel[(s.start, s.end)] = (label, self._relabel_id(s, label), age)
                if s.label_ == "YOUNG":
                    noun_labels.setdefault(s.text.lower(), set()).add(label)  # "lad 10 there ... lad said"
        # the passes below look for a bare age of one or two digits; they visit only the tokens at
        # the right distance from one (in text order, as a scan of every token would)
        small_numbers = [t.i for t in doc if t.is_digit and len(t.text) <= 2]

        def at(offsets: Tuple[int, ...], lo: int, hi: int) -> List[Token]:
            return [doc[i] for i in sorted({d - o for d in small_numbers for o in offsets}) if lo <= i < hi]

        # "Josh is 10", "Josh was 10", "Oscar, who is 13", "Tilly, who I believe is 8": a
        # capitalised name and a bare age; an adult age only where nothing but an end follows
        # it ("Connor BOLTON is 19 (DOB ...)", not "Kyle was 20 minutes")
        for tok in at((2, 4, 5, 6), 0, len(doc) - 2):
            j = tok.i + 1
            if j + 2 < len(doc) and doc[j].text == "," and doc[j + 1].lower_ == "who":
                j += 2
                if j + 2 < len(doc) and doc[j].lower_ in ("i", "we") and doc[j + 1].lower_ in self.age_hedges:
                    j += 2
            verb, num = doc[j], doc[j + 1] if j + 1 < len(doc) else doc[j]
            if tok.is_alpha and capitalised(tok) and (tok.is_title or len(tok) > 1) and not tok.is_stop \
                    and tok.lower_ not in self.not_names and tok.i not in taken and verb.lower_ in ("is", "was", "aged") \
                    and num.is_digit and len(num.text) <= 2 and (int(num.text) < ADULT_AGE or (
                        num.i + 1 == len(doc) or doc[num.i + 1].text in ("(", ",", ".", ";")
                        or doc[num.i + 1].lower_ in ("years", "yrs", "and"))) and not self._not_an_age(doc, num.i):
                first = tok.i  # the whole name: "the girl Demi ALCOCK is 17"
                while first > 0 and first > tok.i - 2 and doc[first - 1].is_alpha and doc[first - 1].is_title \
                        and not doc[first - 1].is_stop and doc[first - 1].lower_ not in self.not_names \
                        and first - 1 not in taken:
                    first -= 1
                if first > 1 and doc[first - 1].text == "-" and not doc[first - 1].whitespace_ \
                        and not doc[first - 2].whitespace_ and name_shaped(doc[first - 2]) and first - 2 not in taken:
                    first -= 2  # "Lacey-Mae is 7 months old": one name across the hyphen
                add_name(first, tok.i + 1, "CHILD" if int(num.text) < ADULT_AGE else "ADULT", float(num.text))
        # a school year: "Ellie-Mae WATKISS, who is in Year 8" (Year 1 is age 5 to 6)
        for tok in at((1,), 3, len(doc) - 1):
            if tok.lower_ not in ("year", "yr") or not 1 <= int(doc[tok.i + 1].text) <= 13 \
                    or doc[tok.i - 1].lower_ != "in" or doc[tok.i - 2].lower_ not in ("is", "was"):
                continue
            end = tok.i - 2
            if end >= 2 and doc[end - 1].lower_ == "who" and doc[end - 2].text == ",":
                end -= 2
            run = self._name_run(doc, end, taken)
            if run is not None:
                add_name(run[0], run[1], "CHILD", float(int(doc[tok.i + 1].text) + 5))
        # a birthday: "the party was for Lily DARNBROUGH's 16th birthday", "Party was for Ellie
        # PAYNE's 16th." (the name before the possessive; a bare ordinal only at a clause end)
        for poss in (t for t in doc if t.lower_ in ("'s", "’s") and t.i >= 1 and t.i + 1 < len(doc)):
            tok = doc[poss.i + 1]
            m = ORDINAL_AGE.fullmatch(tok.text)
            after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if m is None or after is not None and after.lower_ not in ("birthday", "bday", "party", ".", ",", ";", ")", "-"):
                continue
            run = self._name_run(doc, tok.i - 1, taken)
            if run is not None:
                age = float(m.group(1))
                add_name(run[0], run[1], "CHILD" if age < ADULT_AGE else "ADULT", age)
        # a per-child block: "CHILD 1: Harley CROWTHER / DOB ...", "C2 - Esme"
        for s in people:
            i = s.end
            if s.label_ == "CHILD" and s.id_ == "child_noun" and doc[s.end - 1].is_digit and i + 1 < len(doc) \
                    and doc[i].text in (":", "-", "–"):
                k = i + 1
                while k < len(doc) and k < i + 4 and self._name_word(doc[k], taken):
                    k += 1
                if k > i + 1:
                    add_name(i + 1, k, "CHILD")
        # a name in apposition with a child noun: "Harvey MALIK, a Year 6 pupil", "Jade, their daughter"
        for s in people:
            if s.label_ != "CHILD" or current.get((s.start, s.end), "CHILD") != "CHILD":
                continue
            j = s.start - 1
            if j >= 0 and doc[j].lower_ in ("a", "an", "the", "her", "his", "their", "our", "my"):
                j -= 1
            elif s.text.lower() in self.plural:
                continue  # "IP HAS RUNG MGM, KIDS IN BED THERE": a bare plural starts a new clause
            if j < 1 or doc[j].text != ",":
                continue
            end = j
            k = end - 1
            while k >= 0 and k >= end - 3 and self._name_word(doc[k], taken):
                k -= 1
            if k + 1 < end and s.text.lower() in self.plural and not (k >= 0 and doc[k].lower_ in ("and", "&")):
                continue  # "IT'S JUST SHOUTING, THE KIDS ARE USED TO IT": one word is no "the kids"
            if k + 1 < end and j == s.start - 1 and doc[k + 1].lower_ not in self.first_names:
                continue  # "NO INJ, NO PAIN, BABY MOVING OK": with no determiner, only a known first name
            if k + 1 < end:
                add_name(k + 1, end, "CHILD")
        # a name with a bare age in run-on prose: "Ellis 3 was in his cot", "Kai 8 and Mia 6 were ..."
        for tok in at((1,), 0, len(doc) - 2):
            nxt, after = doc[tok.i + 1], doc[tok.i + 2]
            if tok.is_alpha and tok.is_title and len(tok.text) > 1 and not tok.is_stop and tok.i not in taken \
                    and tok.lower_ not in self.not_names and nxt.is_digit and len(nxt.text) <= 2 \
                    and int(nxt.text) < ADULT_AGE and after.lower_ in self.age_followers \
                    and not (tok.i > 0 and doc[tok.i - 1].is_digit) and not self._number_range(doc, nxt.i):
                add_name(tok.i, tok.i + 1, "CHILD", float(nxt.text))
        # a name with a bare age in a list: "CHN (MOLLY 5, FREDDIE 8)", "Y (Amelia 7)"
        for tok in at((1,), 0, len(doc) - 2):
            nxt, after = doc[tok.i + 1], doc[tok.i + 2]
            prev = doc[tok.i - 1] if tok.i > 0 else None
            in_list = prev is not None and (prev.text in ("(", ",", "&", ":", "-", "/") or prev.lower_ == "and"
                                            or prev.i in taken or prev.is_digit and len(prev.text) == 4 and prev.is_sent_start)
            # (a log line's timestamp too: "0127 HARRISON 5 ASLEEP IN BED")
            if tok.is_alpha and capitalised(tok) and len(tok.text) > 1 and not tok.is_stop and in_list \
                    and tok.i not in taken and tok.lower_ not in self.not_names and nxt.is_digit and len(nxt.text) <= 2 \
                    and int(nxt.text) < ADULT_AGE and (after.lower_ in (")", ",", "&", "and", ";", "/")
                                                       or after.lower_ in self.age_followers and not self._number_range(doc, nxt.i)):
                # (and "CHILDREN - LACEY 11 IN HER BEDROOM / OLLIE 3 IN TRAVEL COT")
                add_name(tok.i, tok.i + 1, "CHILD", float(nxt.text))
        # names right after a party role ("SUSP: Kyle ...") are the party line's, handled further down
        role_ends = {s.end for s in people if s.label_ == "ADULT" and s.text.lower() in self.party_roles}
        person_ends = {s.end for s in people if s.label_ in ("ADULT", "CHILD")}
        # a children heading: "Children: Reggie WARD 9 was in the hall", "KIDS - AMY 5"
        child_heading_ends = {s.end for s in people if s.label_ == "CHILD" and s.end < len(doc)
                              and doc[s.end].text in (":", "-")}
        # a name and a bare age in notes: "(Sophie, 9)", "asks her name - Daisy, 8 |", "Andrei POPESCU, 8 - in
        # his bedroom", "Ellie 15 (V's daughter)"
        for tok in at((0,), 1, len(doc) - 1):
            if not (tok.is_digit and len(tok.text) <= 2 and int(tok.text) < ADULT_AGE) or tok.i in taken:
                continue
            nxt, prev = doc[tok.i + 1], doc[tok.i - 1]
            if not (prev.text in (",", "|") and (nxt.is_space or nxt.text in (")", "|", ".", ";", ",", "-", "–", "/"))
                    or prev.is_alpha and nxt.text == "("):
                continue
            run = self._name_run(doc, tok.i, taken)
            if run is not None and not any(doc[k].lower_ in self.party_roles for k in range(*run)) \
                    and not (run[0] > 0 and doc[run[0] - 1].is_digit):
                if role_gap_start(doc, run[0]) not in role_ends:
                    add_name(run[0], run[1], "CHILD", float(tok.text))
        # a child noun, a bare age and a name in brackets: "girl 13 (Zofia)", "boy 12 (Sam)"
        for s in people:
            k = s.end
            if s.label_ == "CHILD" and k + 3 < len(doc) and doc[k].is_digit and len(doc[k].text) <= 2 \
                    and int(doc[k].text) < ADULT_AGE and doc[k + 1].text == "(" and doc[k + 3].text == ")" \
                    and doc[k + 2].is_alpha and capitalised(doc[k + 2]) and k + 2 not in taken \
                    and doc[k + 2].lower_ not in self.not_names:
                add_name(k + 2, k + 3, "CHILD", float(doc[k].text))
                relabel[(s.start, s.end)] = ("CHILD", s.id_, float(doc[k].text))
        # a party's age said outright: "V1 is 17", "the IP, aged 16"
        for s in people:
            k = s.end + (1 if s.end < len(doc) and doc[s.end].text == "," else 0)
            if s.label_ == "ADULT" and s.text.lower() in self.party_roles and k + 1 < len(doc) \
                    and doc[k].lower_ in ("is", "was", "aged", "age") and doc[k + 1].is_digit \
                    and len(doc[k + 1].text) <= 2 and int(doc[k + 1].text) < ADULT_AGE \
                    and not (k + 3 < len(doc) and doc[k + 2].text in (",", "and", "&") and doc[k + 3].is_digit):
                relabel[(s.start, s.end)] = ("CHILD", "party", float(doc[k + 1].text))  # (not "aged 4 and 7")
                noun_labels.setdefault(s.text.lower(), set()).add("CHILD")  # "CLR is 14 ... CLR says": the same child
        # a party line with a bare age: "SUSP: Kyle BRENNAN 16 (son)", "IP Jasmine OKORO 17" at a line end
        for tok in doc:
            if not (tok.is_digit and len(tok.text) <= 2) or tok.i in taken:
                continue
            after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if after is not None and not (after.is_space or after.text in ("(", ",", "/", "-", ";", ".", "|", ")")
                                          or after.lower_ in self.age_followers):  # "VIC SIOBHAN KERR 37 REPORTS"
                continue
            run = self._name_run(doc, tok.i, taken)
            if run is None:
                continue
            # (or a name a caller gives: "999 CALL FROM ETHAN WALSH 15 - ...", "GIVES NAME AS AMELIA 13")
            # or after "for" or a kin noun in capitals ("PARTY FOR MAISIE CARNE 16.", "HER MUM DONNA
            # CARNE 42 AND MUMS PARTNER GAVIN ROWSE 45")
            introduced = run[0] > 0 and doc[run[0]].is_upper and (
                doc[run[0] - 1].lower_ in ("from", "as", "for") or doc[run[0] - 1].is_upper and run[0] in person_ends)
            # (or a child's name opening a timed log line: "2326 LILY HOLLIS 9 SAT ON TOP STAIR")
            timed = run[0] > 0 and doc[run[0]].is_upper and doc[run[0] - 1].is_digit \
                and len(doc[run[0] - 1].text) == 4
            gap = role_gap_start(doc, run[0])
            if gap in role_ends or introduced or int(tok.text) < ADULT_AGE and (gap in child_heading_ends or timed):
                age = float(tok.text)
                add_name(run[0], run[1], "CHILD" if age < ADULT_AGE else "ADULT", age)
                taken.add(tok.i)
                role = next((s for s in people if s.end == gap and s.label_ == "ADULT"), None)
                if role is not None and age < ADULT_AGE and (role.start, role.end) not in relabel:
                    # "IP Chelsea Morgan 17, Caravan 22 ... IP tearful": the role is the child, in every mention
                    relabel[(role.start, role.end)] = ("CHILD", "party", age)
                    noun_labels.setdefault(role.text.lower(), set()).add("CHILD")
        # a person table with a relationship column: "| Bradley FORSHAW | Son | 19 |": the row's
        # relationship word and name are that age
        ending_at: Dict[int, Span] = {}  # the first person mention ending at each token
        for p in people:
            ending_at.setdefault(p.end, p)
        for tok in doc:
            if not (tok.is_digit and len(tok.text) <= 2) or tok.i in taken:
                continue
            j = self._skip_cell_gap(doc, tok.i)
            kin = ending_at.get(j) if j is not None else None
            if kin is None or (kin.start, kin.end) in relabel:
                continue
            k = self._skip_cell_gap(doc, kin.start)
            if k is None:
                continue
            age = float(tok.text)
            label = "CHILD" if age < ADULT_AGE else "ADULT"
            relabel[(kin.start, kin.end)] = (label, self._relabel_id(kin, label), age)
            noun_labels.setdefault(kin.text.lower(), set()).add(label)  # "... The son said"
            run = self._name_run(doc, k, taken)
            if run is not None:
                add_name(run[0], run[1], label, age)
        # a name with its role in brackets: "Stacey (IP) and Ryan (SP)", "Dean (dad)": an adult
        for tok in doc[1:-2]:
            if tok.text == "(" and doc[tok.i + 2].text == ")" and doc[tok.i + 1].lower_ in self.bracket_roles:
                run = self._name_run(doc, tok.i, taken)
                if run is not None:
                    add_name(run[0], run[1], "ADULT")
        # an age used as a noun after a determiner: "their 18-month-old", "the 3yo", "an 8-year-old";
        # and one right before a name, determiner or not: "15yo Kai BLIGHT answered", the name is theirs
        for a in sorted(ages, key=lambda a: -(a.end - a.start)):
            if a.id_ != "age" or not a.text.lower().endswith(self.age_noun_endings) \
                    or any(i in taken for i in range(a.start, a.end)) or any(p.start == a.end for p in people):
                continue
            if any(t.lower_ in self.animal_words for t in doc[a.end:a.end + 3]):
                continue  # "a 12 week old French bulldog", "their 2 year old staffie Bella"
            age = age_in_years(a.text)
            name_end = a.end
            while age is not None and name_end < len(doc) and name_end - a.end < 3 and self._name_word(doc[name_end], taken):
                name_end += 1
            if name_end > a.end:
                add_name(a.end, name_end, "CHILD" if age < ADULT_AGE else "ADULT", age)
            if a.start == 0 or doc[a.start - 1].lower_ not in self.age_noun_determiners:
                continue
            if age is not None and name_end == a.end and a.start > 2 and doc[a.start - 2].text == ",":
                # "IP Chelsea ROBINSON, the 16 y/o, had been ...": the age noun in apposition is the name's
                run = self._name_run(doc, a.start - 1, taken)
                if run is not None:
                    add_name(run[0], run[1], "CHILD" if age < ADULT_AGE else "ADULT", age)
            if age is not None:
                noun = Span(doc, a.start, a.end, label="CHILD" if age < ADULT_AGE else "ADULT", span_id="age_noun")
                noun._.age = age
                new.append(noun)
                taken.update(range(a.start, a.end))
        # call-log callers: "CLR is daughter of IP, Courtney LAWSON, 17 yrs": the kin noun is the named
        # person whose age follows, and the caller is that kin noun (so later "CLR states" is hers)
        starts = {p.start: p for p in people}
        aged = [(n.start, n.label_, n._.age) for n in new if n._.age is not None] + [
            (start, label, age) for (start, _), (label, _, age) in relabel.items() if age is not None]
        for start, label, age in aged:
            comma = start - 2 if start > 1 and doc[start - 1].lower_.rstrip(".") in self.titles else start - 1
            if comma < 3 or doc[comma].text != ",":
                continue
            role = ending_at.get(comma)
            if role is None or role.text.lower() not in self.party_roles or doc[role.start - 1].lower_ != "of":
                continue
            kin = ending_at.get(role.start - 1)
            if kin is not None:
                relabel[(kin.start, kin.end)] = (label, self._relabel_id(kin, label), age)
        for kin in people:  # the name after an aged noun or a caller's kin word is that person's
            k = kin.end
            if k + 1 < len(doc) and doc[k].text == "," and (kin.start, kin.end) in relabel \
                    and relabel[(kin.start, kin.end)][2] is not None:
                name_start = k + 1  # "16 yr old female, Kayla DOYLE, calling from ..."
            elif k + 3 < len(doc) and doc[k].lower_ == "of" and doc[k + 1].lower_ in self.party_roles \
                    and doc[k + 2].text == ",":
                name_start = k + 3  # "14 yr old son of IP, Reece ATHERTON."
            else:
                continue
            name_end = name_start
            while name_end < len(doc) and name_end - name_start < 3 and self._name_word(doc[name_end], taken):
                name_end += 1
            if name_end > name_start:
                label, _, age = relabel.get((kin.start, kin.end), (kin.label_, None, kin._.age))
                if label in ("CHILD", "ADULT"):
                    add_name(name_start, name_end, label, age)
        for r in people:
            if r.label_ != "ADULT" or r.text.lower() not in self.party_roles or r.end + 1 >= len(doc) \
                    or doc[r.end].lower_ not in ("is", "was") or (r.start, r.end) in relabel:
                continue
            k = r.end + 2 if doc[r.end + 1].lower_ in ("a", "an", "the", "her", "his", "their") else r.end + 1
            kin = starts.get(k)
            if kin is not None and kin.end < len(doc) and doc[kin.end].lower_ in ("'s", "’s"):
                # "SP is the YP's boyfriend", "S1 is IP's son": what the party is comes after the possessor
                kin = starts.get(kin.end + 1)
            if kin is not None:
                label, _, age = relabel.get((kin.start, kin.end), (kin.label_, None, kin._.age))
                if label in ("CHILD", "ADULT"):
                    relabel[(r.start, r.end)] = (label, self._relabel_id(r, label), age)
                    noun_labels.setdefault(r.text.lower(), set()).add(label)
        # "their daughter Rosie": the name is the daughter's, for its later mentions; after the
        # age passes, so that a name read there keeps what its age made it ("Son Connor ...
        # Connor BOLTON is 19"), and a name with an age right after it is left to them
        for s in people:
            i = s.end
            if i + 1 < len(doc) and doc[i].text == "," and doc[i + 1].is_title and s.start > 0 \
                    and doc[s.start - 1].lower_ in ("'s", "’s", "her", "his", "their", "the"):
                i += 1  # "the IP's son, Connor WEBB, and ten of his friends": in apposition
            rel = relabel.get((s.start, s.end))  # "16yo son Tyler": an age before the noun keeps it a child
            if s.label_ == "CHILD" and s.text.lower() in self.one_child_kin and (rel is None or rel[0] == "CHILD") \
                    and i < len(doc) and self._name_word(doc[i], taken) and not doc[i].is_upper \
                    and doc[i].lower_ not in names and not (i + 1 < len(doc) and (doc[i + 1].is_digit or doc[i + 1].text == "(")):
                end = i + 3 if i + 2 < len(doc) and doc[i + 1].text == "-" and not doc[i].whitespace_ \
                    and not doc[i + 1].whitespace_ and self._name_word(doc[i + 2], taken) else i + 1  # "Lacey-Mae"
                if end == i + 1 and end < len(doc) and doc[end].is_upper and self._name_word(doc[end], taken):
                    end += 1  # with the surname: "Connor WEBB"
                add_name(i, end, "CHILD", rel[2] if rel is not None else None)
        # a name after a title ("Miss Kirsty PALMER (30)") is known for later mentions too ("Kirsty is worried")
        for s in people:
            if s.id_ == "honorific" and len(s) > 1:
                first = next((t for t in s if t.lower_.rstrip(".") not in self.titles), None)
                if first is not None and first.is_alpha and first.lower_ not in names:
                    names[first.lower_] = relabel.get((s.start, s.end), (s.label_,))[0]
                    taken.update(range(s.start, s.end))
        # later mentions of a named person, and of a noun whose age made it an adult ("son (24)" ... "the son")
        if names:
            for tok in doc:
                if tok.lower_ in names and tok.i not in taken and (
                        capitalised(tok) or tok.lower_ not in self.word_names and len(tok) > 2):
                    new.append(Span(doc, tok.i, tok.i + 1, label=names[tok.lower_], span_id="named"))
                    taken.add(tok.i)
        # "young lad (approx 7) opened the door ... went up to the lad": the bare noun is the child
        young_ends = {s.end: s.text.lower() for s in people if s.label_ == "YOUNG"}
        for s in people:
            if s.label_ == "CHILD" and len(s) > 1 and s.end in young_ends \
                    and relabel.get((s.start, s.end), ("CHILD",))[0] == "CHILD":
                noun_labels.setdefault(young_ends[s.end], set()).add("CHILD")
        for s in people:
            labels = noun_labels.get(s.text.lower())
            if (s.start, s.end) not in relabel and labels is not None and len(labels) == 1:
                label = next(iter(labels))
                relabel[(s.start, s.end)] = (label, self._relabel_id(s, label), None)
        out = []
        for s in spans:
            if s.label_ == "YOUNG" and (s.start, s.end) not in relabel:
                s = Span(doc, s.start, s.end, label="ADULT", span_id="young_noun")
            if (s.start, s.end) in relabel and s.label_ in ("CHILD", "ADULT", "YOUNG"):
                label, sid, age = relabel[(s.start, s.end)]
                s = Span(doc, s.start, s.end, label=label, span_id=sid)
                s._.age = age
            out.append(s)
        doc.spans[self.spans_key] = out + new
        return doc

    def _name_then_age(self, doc: Doc, i: int, taken: set) -> Optional[int]:
        """Where a bare age of one or two digits follows one or two capitalised words from token
        `i` ("ALFIE 11", "KAI PEARCE 14"), the age's index, else None."""
        k = i
        while k < len(doc) and k < i + 2 and doc[k].is_alpha and capitalised(doc[k]) and k not in taken \
                and not doc[k].is_stop and doc[k].lower_ not in self.not_names:  # (not "CHILDREN AT ADDR 2")
            k += 1
        if k == i or k >= len(doc) or not doc[k].is_digit or len(doc[k].text) > 2:
            return None
        return k

    @staticmethod
    def _number_range(doc: Doc, i: int) -> bool:
        """Token `i` starts a range written without spaces ("the Hebburn 0-19 team"), not an age."""
        return i + 2 < len(doc) and doc[i + 1].text in ("-", "–") and not doc[i].whitespace_ \
            and not doc[i + 1].whitespace_ and doc[i + 2].is_digit

    def _name_word(self, tok, taken: set) -> bool:
        """A capitalised word that can be part of a person's name and is not yet used."""
        return name_shaped(tok) and not tok.is_stop and tok.lower_ not in self.not_names and tok.i not in taken

    @staticmethod
    def _lowercase_doc(doc: Doc) -> bool:
        """Typed without capitals: almost no capitalised words."""
        words = [t for t in doc if t.is_alpha and len(t.text) > 1]
        return bool(words) and sum(1 for t in words if not t.is_lower) <= 0.05 * len(words)

    @staticmethod
    def _relabel_id(span: Span, label: str) -> str:
        """Pattern id after an age decides: "adult_child" marks "son (24)"."""
        if span.id_ in ("named", "our_kid"):
            return span.id_
        return "adult_child" if span.label_ in ("CHILD", "YOUNG") and label == "ADULT" else span.id_

    @staticmethod
    def _skip_cell_gap(doc: Doc, i: int) -> Optional[int]:
        """The end of the table cell before token `i`, when only spaces and one "|" separate
        them ("Son   | 19"), else None."""
        j, bars = i, 0
        while j > 0 and (doc[j - 1].is_space or doc[j - 1].text == "|"):
            bars += doc[j - 1].text == "|"
            j -= 1
        return j if bars == 1 else None

    def _name_run(self, doc: Doc, age_start: int, taken: set, max_len: int = 3):
        """The capitalised words right before an age ("Tyler CARVER (9)"), if any."""
        end = age_start
        while end > 0 and doc[end - 1].is_space:  # "Tayla SMITH  DOB 14/06/2007": spaces between
            end -= 1
        if end > 0 and doc[end - 1].text in (",", "|"):  # "Maisie FROST | 9 | Y | Y" in a table row
            end -= 1
        # "Josh DAWSON   DOB 02/03/2007 (17)": the date of birth between the name and its age
        k = end
        while k > 0 and doc[k - 1].is_space:
            k -= 1
        if k > 1 and DOB_DATE.fullmatch(doc[k - 1].text) and doc[k - 2].lower_.strip(".") in ("dob", "d.o.b"):
            end = k - 2
            while end > 0 and doc[end - 1].is_space:
                end -= 1
        start, words = end, 0
        while start > 0 and words < max_len:
            tok = doc[start - 1]
            if tok.text == "-" and start < end and start > 1 and not tok.whitespace_ \
                    and not doc[start - 2].whitespace_ and name_shaped(doc[start - 2]):
                start -= 1  # "Ellie-May", "SMITH-JONES": the tokenizer splits at the hyphen
                continue
            hyphened = start > 2 and doc[start - 2].text == "-" and not doc[start - 2].whitespace_ \
                and not doc[start - 3].whitespace_ and name_shaped(doc[start - 3])  # "Ellie-May": May is a name here
            if not (name_shaped(tok) and len(tok.text) > 1 and tok.i not in taken and (hyphened or (
                    not tok.is_stop and (tok.lower_ not in self.not_names or self._place_surname(doc, tok, end))))):
                break
            start, words = start - 1, words + 1
        if start < end and doc[start].text == "-":
            start += 1
        return (start, end) if start < end else None

    def _place_surname(self, doc: Doc, tok, end: int) -> bool:
        """"Dawn HILL (39)": a place word right before the age is a surname when a name-shaped
        word stands before it (a street name is not followed by an age); so is any word in capitals
        after a known first name ("Freddie PAGE (5 months)")."""
        prev = doc[tok.i - 1] if tok.i > 0 else None
        return tok.i == end - 1 and prev is not None and prev.is_alpha and capitalised(prev) and not prev.is_stop \
            and prev.lower_ not in self.not_names and (tok.lower_ in self.place_surnames or (
                tok.is_upper and len(tok) > 1 and prev.is_title and prev.lower_ in self.first_names))

    def to_disk(self, path, *, exclude=tuple()):
        pass

    def from_disk(self, path, *, exclude=tuple()):
        return self


@Language.factory("nla_ages", default_config={"spans_key": MENTIONS_KEY, "words_file": "person_words.json"})
def make_ages(nlp: Language, name: str, spans_key: str, words_file: str) -> AgeAttacher:
    return AgeAttacher(nlp, name, spans_key=spans_key, words_file=words_file)
