"""Sentence boundaries that survive police log style.

Command-and-control logs have timestamps instead of full stops ("2314 OFFS ON SCENE 2320
IP SPOKEN TO"), ALL CAPS, headings ("CHILDREN: ...") and line breaks as the only
punctuation. The rules (abbreviations, timestamp shape, heading shape) are data in
`resources/sentence_rules.json`.
"""
from __future__ import annotations

import re

import numpy
from spacy.attrs import SENT_START

from spacy.language import Language
from spacy.tokens import Doc

from ..resources import load_json
from .extensions import register_extensions


class LogSentencizer:
    def __init__(self, nlp: Language, name: str = "nla_sentences", *, rules_file: str = "sentence_rules.json"):
        register_extensions()
        self.name = name
        self.rules_file = rules_file
        rules = load_json(rules_file)
        self.terminal = set(rules["terminal_punct"])
        self.separators = set(rules.get("separators", ()))
        self.no_split_after = set(rules["no_split_after"])
        self.number_abbreviations = set(rules.get("no_split_after_number_only", ()))  # "No. 14", not "said no."
        self.timestamp = re.compile(rules["timestamp_regex"], re.I)
        self.no_split_before_ts = set(rules["no_split_before_timestamp_after"])
        self.heading = re.compile(rules["heading_regex"])
        self.heading_max_words = int(rules["heading_max_words"])
        self.heading_max_words_dash = int(rules["heading_max_words_dash"])
        self.dash_answers = set(rules["dash_heading_answers"])
        self.heading_clause_verbs = set(rules["heading_clause_verbs"])
        self.dash_not_first = set(rules["dash_heading_not_first"])
        self.answer_markers = set(rules.get("answer_markers", []))
        self.question_heading = re.compile(rules["question_heading_regex"])
        prompt_form = rules["prompt_form"]
        # a form's segments are cut where a sentence separator stands between spaces ("IP Kerry 27 / SUSP ...")
        self.form_separator = re.compile(r"[ \t]+(?:%s)[ \t]+" % "|".join(
            re.escape(sep) for sep in sorted(self.separators, key=len, reverse=True)))
        self.form_label = re.compile(prompt_form["label_regex"])
        self.form_prompt = prompt_form["prompt"]
        self.form_answer_word = re.compile(prompt_form["answer_word_regex"])
        self.form_not_label = set(prompt_form["not_label_words"])
        self.form_min_prompts = int(prompt_form["min_prompts"])
        splice = rules.get("comma_splice", {})
        self.splice_min = int(splice.get("min_tokens", 0)) or None
        self.splice_openers = set(splice.get("openers", ()))
        self.splice_participle_openers = set(splice.get("participle_openers", ()))  # ", then running to IP"

    def find_headings(self, text: str):
        """Form headings: a short label at the start of a line followed by ':' or ' - '."""
        found = []
        for m in self.heading.finditer(text):
            label = m.group("heading")
            words = label.lower().split()
            line_end = text.find("\n", m.end())
            value = text[m.end():len(text) if line_end == -1 else line_end].strip()
            answered = value.split(" ", 1)[0].strip(".,;:").lower() in self.dash_answers
            # a label before " - " is short ("Voice of child - ...") unless an answer follows
            # ("Q10 Children in the household - Yes, one"): "Kids (7 & 11) in bed upstairs - IP says ..." is prose
            limit = self.heading_max_words if m.group(2) == ":" or answered else self.heading_max_words_dash
            if len(words) > limit or any(w in self.heading_clause_verbs for w in words[1:]):
                continue  # "The two boys were upstairs - they're used to it": a clause, not a label
            if m.group(2) != ":" and words and words[0] in self.dash_not_first:
                continue  # "No children present - they were at their aunt's": a statement
            found.append([m.start("heading"), m.end(), value])
        # inline questions about children with their answer: "Children? None.", "Any children? Yes - two"
        for m in self.question_heading.finditer(text):
            if not any(hs <= m.start("heading") < he for hs, he, _ in found):
                found.append([m.start("heading"), m.start("value"), m.group("value").strip()])
        for heading in self._prompt_form_boxes(text):
            if not any(hs <= heading[0] < he for hs, he, _ in found):
                found.append(heading)
        return found

    def _prompt_form_boxes(self, text: str):
        """Boxes of a form flattened to text without colons ("CHILDREN PRESENT Y/N N", "CHILDREN
        PRESENT AT INCIDENT | CHILD SEEN Y/N | NARRATIVE Verbal argument ..."): when a label ends in
        the "Y/N" prompt (min_prompts in the rules), each line or separated segment opening with
        capitalised words is a box with that label, its value running to the end of the segment."""
        if self.form_min_prompts and self.form_prompt not in text:
            return []  # most records: no prompt, no form to read
        boxes, prompts, line_start = [], 0, 0
        for line in text.split("\n"):
            cuts = [(m.start(), m.end()) for m in self.form_separator.finditer(line)]
            starts = [0] + [e for _, e in cuts]
            ends = [s for s, _ in cuts] + [len(line)]
            for seg_start, seg_end in zip(starts, ends):
                seg_start += len(line[seg_start:seg_end]) - len(line[seg_start:seg_end].lstrip())
                m = self.form_label.match(line, seg_start, seg_end)
                if m is None or sum(c.isalpha() for c in m.group()) < 2:
                    continue
                words = list(re.finditer(r"\S+", line[seg_start:m.end()]))
                # the box's answer in capitals ("CHILDREN PRESENT NO", "REFERRALS VPRF") and a party
                # ("NARRATIVE IP states ...") are no label words; the prompt ends the label ("CHILD SEEN Y/N N")
                kept = next((k for k, w in enumerate(words) if w.group() == self.form_prompt or k and (
                    w.group().lower() in self.dash_answers or w.group().lower() in self.form_not_label
                    or self.form_answer_word.fullmatch(w.group()))), len(words))
                if kept < len(words) and words[kept].group() == self.form_prompt:
                    kept += 1
                    prompts += 1
                label_end = seg_start + words[kept - 1].end()
                boxes.append([line_start + seg_start, line_start + label_end, line[label_end:seg_end].strip()])
            line_start += len(line) + 1
        return boxes if prompts >= self.form_min_prompts else []

    def __call__(self, doc: Doc) -> Doc:
        headings = self.find_headings(doc.text)
        doc._.headings = headings
        heading_ends = {end for _, end, _ in headings}
        toks = list(doc)
        starts = [1] + [-1] * (len(toks) - 1)  # SENT_START: 1 starts a sentence, -1 does not
        last_start = 0
        for i in range(1, len(toks)):
            prev, tok = toks[i - 1], toks[i]
            start = False
            if "\n" in prev.text or "\n" in prev.whitespace_:
                start = True
            elif prev.text in self.terminal and prev.i > 0 and (abbr := toks[prev.i - 1].lower_.rstrip(".")) \
                    in self.no_split_after \
                    and not (abbr in self.number_abbreviations and not any(c.isdigit() for c in tok.text)):
                start = False  # "approx. 22:40", "PC. Smith"
            elif prev.text in self.terminal:
                start = not tok.is_punct or tok.text in "([\"'“‘"
            elif prev.text.endswith(".") and len(prev.text) > 1 and prev.lower_.rstrip(".") not in self.no_split_after \
                    and prev.text.count(".") == 1 and (tok.is_title or tok.is_upper or tok.is_digit):
                start = True
            elif prev.text in self.separators and prev.whitespace_ and i >= 2 and toks[i - 2].whitespace_:
                start = True  # "IP Kerry 27 / SUSP Nathan 28 / verbal"
            elif prev.idx + len(prev.text) in heading_ends:
                start = True
            elif self.timestamp.match(tok.text) and prev.lower_.rstrip(".") not in self.no_split_before_ts \
                    and not prev.is_digit \
                    and not (prev.is_punct and prev.text not in self.terminal) \
                    and not (i + 1 < len(toks) and toks[i + 1].text in (")", "]")):  # "(CP PLAN 2022)": a year
                start = True
            elif prev.text == "," and self.splice_min and i - last_start >= self.splice_min \
                    and tok.lower_ in self.splice_openers \
                    and not (tok.lower_ in self.splice_participle_openers and i + 1 < len(toks)
                             and toks[i + 1].lower_.endswith("ing")):
                start = True  # a comma splice in a run-on narrative: ", we arrested him, her lad was ..."
            if tok.is_space:
                start = False
            # "Q: Children present? A: None": the answer belongs with its question
            if start and prev.text == "?" and tok.lower_ in self.answer_markers and i + 1 < len(toks) \
                    and toks[i + 1].text == ":":
                start = False
            starts[i] = 1 if start else -1
            if start:
                last_start = i
        if toks:  # one array write: setting token.is_sent_start one by one rescans the doc each time
            doc.from_array([SENT_START], numpy.array(starts, dtype="int64").astype("uint64").reshape(-1, 1))
        return doc

    def to_disk(self, path, *, exclude=tuple()):
        pass  # rules come from package data; nothing to save

    def from_disk(self, path, *, exclude=tuple()):
        return self


@Language.factory("nla_sentences", default_config={"rules_file": "sentence_rules.json"})
def make_log_sentencizer(nlp: Language, name: str, rules_file: str) -> LogSentencizer:
    return LogSentencizer(nlp, name, rules_file=rules_file)
