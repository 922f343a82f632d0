"""Training packs: the clearest good and poor examples of one criterion, with highlighted
evidence and one sentence on what good looks like or what is missing.

    rows = assess_rows(lambda: read_records(path))           # output rows, in input order
    records = (r.record for r in read_records(path))          # the input records, in step
    pack = select(rows, records, "demeanour", good=3, poor=3)  # plain dicts
    pack = redact_pack(pack)                                   # personal details -> [NAME], ...
    html = render_html(pack)                                   # or render_markdown(pack)

Which records are good and poor examples of each criterion, how confident a choice is, the
highlighted labels and the sentences are data in `resources/examples.json`. Examples are
taken by confidence, skipping any whose text is a near-duplicate of one already chosen.
"""
from __future__ import annotations

import copy
import heapq
import html
import re
from collections.abc import Iterable
from typing import Any

from .resources import load_json

SIDES = ("good", "poor")
FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}
_SETTINGS: dict | None = None
_FACT_WORD = re.compile(r"[a-z][a-z'’-]+")  # the review detector's content words


def settings() -> dict:
    """The packaged examples.json (read once)."""
    global _SETTINGS
    if _SETTINGS is None:
        _SETTINGS = load_json("examples.json")
    return _SETTINGS


def criteria() -> list[str]:
    return list(settings()["criteria"])


# -- choosing ---------------------------------------------------------------------------------

def matches(row: dict, record: dict | None, when: list[dict]) -> bool:
    """Does an output row meet any of the alternatives in `when`?"""
    return any(_meets(row, record, alt) for alt in when)


def _meets(row: dict, record: dict | None, conditions: dict) -> bool:
    for name, allowed in conditions.items():
        if name == "no_evidence":
            if any(e["label"] in allowed for e in row.get("evidence") or []):
                return False
            continue
        value = _value(row, record, name)
        if isinstance(allowed, dict):
            if value is None or value < allowed.get("min", float("-inf")) or value > allowed.get("max", float("inf")):
                return False
        elif value not in allowed:
            return False
    return True


def _value(row: dict, record: dict | None, name: str) -> Any:
    if name == "has_review":
        return bool(record and str(record.get("supervisor_review") or "").strip())
    return row.get(name)


def confidence(row: dict, side: str, parts: list[dict]) -> float:
    """Mean of the confidence parts (see examples.json), between 0 and 1."""
    values = []
    for part in parts:
        if part.get("quality"):
            values.append(_quality_part(row, side))
        elif "evidence" in part:
            n = sum(1 for e in row.get("evidence") or [] if e["label"] in part["evidence"])
            values.append(min(n, part["cap"]) / part["cap"])
        elif "field" in part:
            v = row.get(part["field"])
            values.append(min(1.0, float(v) / part["scale"]) if v is not None else 0.0)
    return round(sum(values) / len(values), 3) if values else 0.0


def _quality_part(row: dict, side: str) -> float:
    if side == "good":
        return float((row.get("quality_probabilities") or {}).get("good", 0.0))
    score = row.get("quality_score")
    return 1.0 - float(score) / 100.0 if score is not None else 0.0


def similarity(a: str, b: str, n: int = 3) -> float:
    """Jaccard similarity of the word n-grams of two texts, normalised as reviews are (names,
    numbers and dates alike, case and punctuation ignored)."""
    sa, sb = _shingles(a, n), _shingles(b, n)
    if not sa or not sb:
        return 1.0 if sa == sb else 0.0
    return len(sa & sb) / len(sa | sb)


def _shingles(text: str, n: int) -> frozenset:
    from .reviews.normalise import shingles, tokens

    return shingles(tokens(text or ""), n)


def select(rows: Iterable[dict], records: Iterable[dict | None], criterion: str,
           good: int = 3, poor: int = 3) -> dict:
    """Choose up to `good` and `poor` examples of `criterion` from output rows and their input
    records (two iterables in the same order, as `assess_rows` and `read_records` give them).

    Returns a plain dict: criterion, title, question, requested, candidates (how many records
    qualified on each side), good and poor (lists of examples, see `_example`), labels."""
    conf = settings()
    spec = conf["criteria"][criterion]
    wanted = {"good": good, "poor": poor}
    pools: dict[str, list] = {side: [] for side in SIDES}
    counts = {side: 0 for side in SIDES}
    for index, (row, record) in enumerate(zip(rows, records)):
        if record is None or row.get("status") != "ok":
            continue
        for side in SIDES:
            if wanted[side] and matches(row, record, spec[side]["when"]):
                counts[side] += 1
                if spec[side].get("facts"):
                    row = _with_fact_spans(row, record)
                score = confidence(row, side, spec[side]["confidence"])
                _keep(pools[side], (score, -index, row, record), conf["pool"])
                break
    pack = {"criterion": criterion, "title": spec["title"], "question": spec["question"],
            "requested": wanted, "candidates": counts, "redacted": False,
            "labels": {k: conf["labels"][k] for k in spec["highlight"]}}
    chosen_texts: list[str] = []
    for side in SIDES:
        ranked = sorted((c for _, c in pools[side]), key=lambda c: (-c[0], -c[1]))
        picked = _choose(ranked, wanted[side], spec, side, chosen_texts, conf)
        pack[side] = [_example(row, record, side, score, spec) for score, _, row, record in picked]
    return pack


def _choose(ranked: list[tuple], n: int, spec: dict, side: str, chosen_texts: list[str], conf: dict) -> list[tuple]:
    """Up to n candidates, most confident first, none a near-duplicate of a text already chosen
    (`chosen_texts` is extended). A first pass takes one candidate per explanation ("asleep and
    not woken" and "the child's own words" before two of either); a second pass fills up."""
    picked: list[tuple] = []
    used_phrases: set = set()
    for first_pass in (True, False):
        for cand in ranked:
            if len(picked) >= n:
                return picked
            _, _, row, record = cand
            phrase = _phrase(row, record, spec[side]["phrases"])
            if any(cand is p for p in picked) or (first_pass and phrase in used_phrases):
                continue
            text = str(record.get(spec["focus"]) or "")
            if any(similarity(text, t, conf["shingle_size"]) > conf["max_similarity"] for t in chosen_texts):
                continue  # a near-duplicate of an example already chosen
            picked.append(cand)
            used_phrases.add(phrase)
            chosen_texts.append(text)
    return picked


def _keep(pool: list, candidate: tuple, size: int) -> None:
    """Keep the `size` most confident candidates in a min-heap keyed on (confidence, -index)."""
    entry = ((candidate[0], candidate[1]), candidate)
    if len(pool) < size:
        heapq.heappush(pool, entry)
    elif entry[0] > pool[0][0]:
        heapq.heapreplace(pool, entry)


def _example(row: dict, record: dict, side: str, score: float, spec: dict) -> dict:
    """One chosen example as a plain dict: the texts to show with their highlighted spans."""
    highlight = spec[side].get("highlight", spec["highlight"])
    spans = [e for e in row.get("evidence") or [] if e["label"] in highlight]
    fields = ["narrative"]
    review = str(record.get("supervisor_review") or "")
    if review.strip() and (spec.get("show_review") or any(e["field"] == "supervisor_review" for e in spans)):
        fields.append("supervisor_review")
    shown = []
    for name in fields:
        text = str(record.get(name) or "")
        field_spans = sorted(({"label": e["label"], "start": e["start"], "end": e["end"],
                               "text": text[e["start"]:e["end"]]} for e in spans if e["field"] == name),
                             key=lambda s: (s["start"], s["end"]))
        shown.append({"field": name, "text": text, "spans": field_spans})
    return {
        "side": side,
        "record_id": row.get("record_id"),
        "confidence": score,
        "quality_band": row.get("quality_band"),
        "quality_score": row.get("quality_score"),
        "copies": len(row.get("copy_of") or []),
        "findings": {k: row.get(k) for k in ("child_present", "demeanour_recorded", "voice", "referral_recorded",
                                              "review_copy_paste", "na_despite_presence", "minimising_language")},
        "explanation": _phrase(row, record, spec[side]["phrases"]),
        "fields": shown,
    }


def _phrase(row: dict, record: dict, phrases: list[dict]) -> str:
    for p in phrases:
        if "when" not in p or matches(row, record, p["when"]):
            return p["text"]
    return ""


def _with_fact_spans(row: dict, record: dict) -> dict:
    """REVIEW_FACT spans on the review's words that name this case's facts (content words also
    in the narrative, as the review detector's specificity counts them)."""
    review = str(record.get("supervisor_review") or "")
    narrative_words = set(_FACT_WORD.findall(str(record["narrative"]).lower()))
    words = _specificity().content_words(review) & narrative_words
    if not words:
        return row
    facts = [{"label": "REVIEW_FACT", "start": m.start(), "end": m.end(), "text": review[m.start():m.end()],
              "field": "supervisor_review"}
             for m in _FACT_WORD.finditer(review.lower()) if m.group() in words]
    return dict(row, evidence=list(row.get("evidence") or []) + facts)


_SPECIFICITY = None


def _specificity():
    """The review detector's content-word counter (built once)."""
    global _SPECIFICITY
    if _SPECIFICITY is None:
        from .reviews.detect import Specificity

        _SPECIFICITY = Specificity()
    return _SPECIFICITY


# -- redaction --------------------------------------------------------------------------------

def redact_pack(pack: dict, nlp=None) -> dict:
    """A copy of the pack with personal details replaced by placeholders in every text, the
    highlights moved onto the redacted text and record ids replaced by "good-1", "poor-2"...
    With `nlp` (the spaCy pipeline) the names it tags are redacted too."""
    from .redact import default_redactor, pipeline_names, redact_spans

    redactor = default_redactor()
    out = copy.deepcopy(pack)
    for side in SIDES:
        for k, ex in enumerate(out.get(side, []), 1):
            ex["record_id"] = f"{side}-{k}"
            for f in ex["fields"]:
                names = pipeline_names(nlp(f["text"])) if nlp is not None else ()
                f["text"], f["spans"] = redact_spans(f["text"], f["spans"], names, redactor)
    out["redacted"] = True
    return out


def build_pack(rows: Iterable[dict], records: Iterable[dict | None], criterion: str, good: int = 3,
               poor: int = 3, redact: bool = True, nlp=None) -> dict:
    """select() then, by default, redact_pack()."""
    pack = select(rows, records, criterion, good, poor)
    return redact_pack(pack, nlp) if redact else pack


# -- rendering --------------------------------------------------------------------------------

def regions(text: str, spans: list[dict], order: list[str]) -> list[tuple[int, int, list[str]]]:
    """Overlapping spans merged into (start, end, labels) regions, labels in `order`, with
    surrounding white space trimmed."""
    merged: list[list] = []
    for s in sorted(spans, key=lambda s: (s["start"], s["end"])):
        if merged and s["start"] < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], s["end"])
            merged[-1][2].add(s["label"])
        else:
            merged.append([s["start"], s["end"], {s["label"]}])
    out = []
    for start, end, labels in merged:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end, sorted(labels, key=lambda x: order.index(x) if x in order else len(order))))
    return out


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #ccc; }
.question { font-size: 1.1rem; font-style: italic; }
.note { color: #555; font-size: 0.9rem; }
section.example { border: 1px solid #ddd; border-left: 6px solid #999; border-radius: 4px; padding: 0.5rem 1rem;
                  margin: 1rem 0; }
section.good { border-left-color: #2e7d32; } section.poor { border-left-color: #c62828; }
.what { font-weight: 600; }
.text { white-space: pre-wrap; background: #fafafa; padding: 0.6rem; border-radius: 4px; }
mark { padding: 0 2px; border-radius: 3px; }
mark .lbl { font-size: 0.65rem; font-weight: 700; text-transform: uppercase; margin-left: 3px; color: #333;
            vertical-align: super; }
"""


def render_html(pack: dict) -> str:
    """A self-contained HTML page (inline CSS, no scripts, no external links)."""
    order = list(pack["labels"])
    e = html.escape
    css = _CSS + "".join(f"mark.l-{k} {{ background: {v['colour']}; }}\n" for k, v in pack["labels"].items())
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>Training examples: {e(pack['title'])}</title>", f"<style>{css}</style></head><body>",
             f"<h1>Training examples: {e(pack['title'])}</h1>", f'<p class="question">{e(pack["question"])}</p>',
             f'<p class="note">{e(_summary(pack))}</p>']
    legend = " ".join(f'<mark class="l-{k}">{e(v["name"])}</mark>' for k, v in pack["labels"].items())
    parts.append(f'<p class="note">Highlights: {legend}</p>')
    for side in SIDES:
        if not pack["requested"][side]:
            continue
        parts.append(f"<h2>{side.capitalize()} examples</h2>")
        if not pack[side]:
            parts.append('<p class="note">No record in this batch qualified.</p>')
        for k, ex in enumerate(pack[side], 1):
            parts.append(f'<section class="example {side}" id="{side}-{k}">')
            parts.append(f"<h3>{side.capitalize()} example {k}</h3>")
            parts.append(f'<p class="what">{e(ex["explanation"])}</p>')
            parts.append(f'<p class="note">{e(_facts(ex, pack))}</p>')
            for f in ex["fields"]:
                parts.append(f"<h4>{e(_field_title(f['field']))}</h4>")
                parts.append(f'<div class="text">{_html_text(f["text"], f["spans"], order, pack["labels"])}</div>')
            parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_text(text: str, spans: list[dict], order: list[str], labels: dict) -> str:
    out, pos = [], 0
    for start, end, names in regions(text, spans, order):
        out.append(html.escape(text[pos:start]))
        title = ", ".join(labels.get(n, {"name": n})["name"] for n in names)
        out.append(f'<mark class="l-{names[0]}" title="{html.escape(title)}">{html.escape(text[start:end])}'
                   f'<span class="lbl">{html.escape(title)}</span></mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def render_markdown(pack: dict) -> str:
    """Markdown: evidence in **bold** followed by its kind in italics, texts as quotes."""
    order = list(pack["labels"])
    lines = [f"# Training examples: {_md(pack['title'])}", "", f"*{_md(pack['question'])}*", "",
             _md(_summary(pack)), "",
             "Evidence is in **bold**, followed by its kind: "
             + ", ".join(f"_{_md(v['name'])}_" for v in pack["labels"].values()) + ".", ""]
    for side in SIDES:
        if not pack["requested"][side]:
            continue
        lines += [f"## {side.capitalize()} examples", ""]
        if not pack[side]:
            lines += ["No record in this batch qualified.", ""]
        for k, ex in enumerate(pack[side], 1):
            lines += [f"### {side.capitalize()} example {k}", "", f"**{_md(ex['explanation'])}**", "",
                      _md(_facts(ex, pack)), ""]
            for f in ex["fields"]:
                lines += [f"*{_field_title(f['field'])}:*", ""]
                lines += _md_quote(f["text"], f["spans"], order, pack["labels"]) + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_quote(text: str, spans: list[dict], order: list[str], labels: dict) -> list[str]:
    """The text as a Markdown quote, line by line, evidence in bold with its kind after it."""
    out = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        local = [dict(s, start=max(s["start"], line_start) - line_start, end=min(s["end"], line_end) - line_start)
                 for s in spans if s["start"] < line_end and s["end"] > line_start]
        pieces, pos = [], 0
        for start, end, names in regions(line, local, order):
            pieces.append(_md(line[pos:start]))
            kind = ", ".join(labels.get(n, {"name": n})["name"] for n in names)
            pieces.append(f"**{_md(line[start:end])}** _({_md(kind)})_")
            pos = end
        pieces.append(_md(line[pos:]))
        out.append(("> " + _md_line_start("".join(pieces))).rstrip())
        line_start = line_end + 1
    return out


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~=#])")


def _md(text: str) -> str:
    """Escape Markdown's special characters so narrative text shows as written."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_line_start(line: str) -> str:
    """Stop a quoted line from starting a list or heading ("- ", "+ ", "1. ")."""
    m = re.match(r"(\s*)([-+]|\d+[.)])(\s)", line)
    if m:
        marker = m.group(2)
        escaped = "\\" + marker if marker in "-+" else marker[:-1] + "\\" + marker[-1]
        return m.group(1) + escaped + line[m.end(2):]
    return line


def _summary(pack: dict) -> str:
    parts = []
    for side in SIDES:
        if pack["requested"][side]:
            parts.append(f"{len(pack[side])} {side} of {pack['candidates'][side]} qualifying records")
    text = "Chosen by confidence, no two alike: " + "; ".join(parts) + "."
    if pack.get("redacted"):
        text += (" Personal details are replaced with placeholders ([NAME], [ADDRESS], [POSTCODE], [PHONE], [DOB],"
                 " [DATE], [COLLAR], [REF]); check before sharing.")
    else:
        text += " NOT REDACTED: contains personal details; do not share."
    return text


def _facts(ex: dict, pack: dict) -> str:
    bits = [f"Record {ex['record_id']}"]
    if ex.get("quality_band"):
        bits.append(f"quality band {ex['quality_band'].replace('_', ' ')} (score {ex['quality_score']:.0f})")
    bits.append(f"confidence {ex['confidence']:.2f}")
    if pack["criterion"] == "review" and ex["side"] == "poor" and ex.get("copies"):
        bits.append(f"same review in {ex['copies']} other record{'s' if ex['copies'] != 1 else ''}")
    return "; ".join(bits)


def _field_title(field: str) -> str:
    return {"narrative": "Officer's narrative", "supervisor_review": "Supervisor's review"}.get(field, field)


def render(pack: dict, fmt: str) -> str:
    return render_html(pack) if fmt == "html" else render_markdown(pack)
