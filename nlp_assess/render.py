"""Showing one assessed record to a person: criteria with reasons, highlighted evidence.

Pure functions over an output row (see `scoring.OUTPUT_FIELDS`) and the record's texts, so
any command can reuse them:

- `criteria(row, review_given=..., field_given=...)`: one {criterion, status, why} per
  criterion, derived from the row by the rules below;
- `highlight_ansi(text, spans)`: the text with each evidence span coloured by label;
- `terminal_report(...)`: the spot-check text for a terminal (with or without colour);
- `html_page(...)`: a self-contained HTML page drawn with displaCy's span style.

Statuses are `met`, `missing` (what good recording needs is absent, or a problem was
found) and `not_applicable`. The rules, in rubric terms:

- child_present: `yes` or `no` is met; `not_recorded` is missing;
- demeanour, voice, referral: not applicable unless child_present is `yes`; then met when
  recorded (voice: words recorded, or a reason why the child was not spoken to);
- structured_field: not applicable when no field was given; missing when
  na_despite_presence; otherwise met;
- minimising_language: missing when found, otherwise met;
- supervisor_review: only when a review was given; missing when review_copy_paste
  (a copy when the evidence holds a REVIEW_COPY span, else stock wording); otherwise met.

Colours, names and the "why" phrases are data: `nlp_assess/resources/render.json`.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from .resources import load_json

MET, MISSING, NOT_APPLICABLE = "met", "missing", "not_applicable"
RESET = "\x1b[0m"


@lru_cache(maxsize=1)
def settings() -> dict[str, Any]:
    """The packaged render settings (colours, names, phrases)."""
    return load_json("render.json")


def _item(criterion: str, status: str, case: str | None = None) -> dict[str, str]:
    """One criterion result; its "why" is the phrase for `criterion.case` (case: the status)."""
    return {"criterion": criterion, "status": status, "why": settings()["why"][f"{criterion}.{case or status}"]}


# ------------------------------------------------------------------ criteria
def criteria(row: dict[str, Any], *, review_given: bool, field_given: bool) -> list[dict[str, str]]:
    """The record's criteria, in reading order, each {criterion, status, why}.

    `review_given` / `field_given`: whether the record had a supervisor review / a structured
    children-present field (the output row alone does not say). An error row has none."""
    if row.get("status") != "ok":
        return []
    present = row.get("child_present")
    child = present == "yes"
    out = [_item("child_present", MISSING if present == "not_recorded" else MET, present)]
    if not child:
        out += [_item(name, NOT_APPLICABLE) for name in ("demeanour", "voice", "referral")]
    else:
        out.append(_item("demeanour", MET if row.get("demeanour_recorded") else MISSING))
        voice = row.get("voice")
        out.append(_item("voice", MISSING if voice == "missing" else MET, voice))
        out.append(_item("referral", MET if row.get("referral_recorded") else MISSING))
    if not field_given:
        out.append(_item("structured_field", NOT_APPLICABLE, "not_given"))
    else:
        out.append(_item("structured_field", MISSING if row.get("na_despite_presence") else MET))
    out.append(_item("minimising_language", MISSING if row.get("minimising_language") else MET))
    if review_given:
        if not row.get("review_copy_paste"):
            out.append(_item("supervisor_review", MET))
        else:
            copied = any(e["label"] == "REVIEW_COPY" for e in row.get("evidence") or [])
            out.append(_item("supervisor_review", MISSING, "copy" if copied else "stock"))
    return out


# ------------------------------------------------------------------ terminal
# control characters would move the cursor or restyle the terminal: each is shown as one
# character (offsets stay valid); a carriage return becomes a space, tab and newline stay
_CONTROL = {c: "\ufffd" for c in [*range(32), *range(127, 160)] if chr(c) not in "\t\n"}
_CONTROL[ord("\r")] = " "


def printable(text: str) -> str:
    """`text` safe to print on a terminal, same length."""
    return text.translate(_CONTROL)


def paint(text: str, sgr: str, color: bool) -> str:
    """`text` in the ANSI style `sgr` (e.g. "30;43"), or unchanged when colour is off."""
    return f"\x1b[{sgr}m{text}{RESET}" if color and text else text


def label_style(label: str) -> dict[str, str]:
    return settings()["labels"].get(label, settings()["default_label"])


def field_spans(row: dict[str, Any], field: str) -> list[dict[str, Any]]:
    """The row's evidence spans on one field (`narrative` or `supervisor_review`)."""
    return [e for e in row.get("evidence") or [] if e.get("field", "narrative") == field]


def segments(text: str, spans: Sequence[dict[str, Any]]) -> list[tuple[int, int, dict[str, Any] | None]]:
    """Cut `text` at every span boundary: (start, end, span) pieces covering the text, where
    span is the shortest evidence span covering the piece (None outside evidence). Nested
    spans (a minimising phrase inside a stock review) thus show the inner label."""
    cuts = {0, len(text)}
    for s in spans:
        cuts.update((max(0, min(s["start"], len(text))), max(0, min(s["end"], len(text)))))
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:]):  # noqa: RUF007  (itertools.pairwise needs Python 3.10)
        covering = [s for s in spans if s["start"] <= a and b <= s["end"]]
        inner = min(covering, key=lambda s: s["end"] - s["start"]) if covering else None
        out.append((a, b, inner))
    return out


def highlight_ansi(text: str, spans: Sequence[dict[str, Any]]) -> str:
    """`text` with each evidence span wrapped in its label's ANSI colour and a reset."""
    return "".join(paint(text[a:b], label_style(s["label"])["ansi"], True) if s else text[a:b]
                   for a, b, s in segments(text, spans))


def criteria_lines(items: Sequence[dict[str, str]], color: bool = False) -> list[str]:
    """One aligned line per criterion: name, status, why."""
    conf = settings()
    lines = []
    for c in items:
        name = conf["criteria"][c["criterion"]]
        status = conf["statuses"][c["status"]]
        word = paint(status["text"], status["ansi"], color) + " " * (15 - len(status["text"]))
        lines.append(f"  {name:<20} {word} {c['why']}")
    return lines


def band_line(row: dict[str, Any]) -> str:
    """'Band: requires improvement (score 48.3/100)'."""
    heads = settings()["headings"]
    band = str(row.get("quality_band") or "none").replace("_", " ")
    score = row.get("quality_score")
    score_text = "n/a" if score is None else f"{score:g}/100"
    return f"{heads['band']}: {band} ({heads['score']} {score_text})"


def shorten(text: str, width: int = 72) -> str:
    """One line of at most `width` characters ("..." marks a cut)."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3].rstrip() + "..."


def _evidence_lines(spans: Sequence[dict[str, Any]], color: bool) -> list[str]:
    if not spans:
        return ["  " + settings()["headings"]["no_evidence"]]
    width = max(len(s["label"]) for s in spans)
    review = " (" + settings()["headings"]["supervisor_review"].lower() + ")"
    return ["  " + paint(s["label"], label_style(s["label"])["ansi"], color) + " " * (width - len(s["label"]))
            + f"  {shorten(printable(s['text']))}" + (review if s.get("field") == "supervisor_review" else "") for s in spans]


def second_opinion_lines(row: dict[str, Any]) -> list[str]:
    """One line per label the trained classifier overruled (label_model.py); none if it agreed."""
    line = settings()["headings"]["second_opinion"]
    return [line.format(label=label, **o) for label, o in (row.get("second_opinion") or {}).items()]


def terminal_report(row: dict[str, Any], narrative: str, review: str | None,
                    items: Sequence[dict[str, str]], color: bool = False) -> str:
    """The spot check as text: highlighted texts, evidence list, criteria, band and reasons."""
    heads = settings()["headings"]
    parts: list[str] = []
    for field, text in (("narrative", narrative), ("supervisor_review", review)):
        if not text or not text.strip():
            continue
        shown = printable(text)
        parts += [heads[field], highlight_ansi(shown, field_spans(row, field)) if color else shown, ""]
    parts += [heads["evidence"]] + _evidence_lines(row.get("evidence") or [], color) + [""]
    parts += [heads["criteria"]] + criteria_lines(items, color) + second_opinion_lines(row) + [""]
    parts.append(band_line(row))
    reasons = row.get("quality_reasons") or []
    parts.append(f"{heads['reasons']}:" + ("" if reasons else " " + heads["no_reasons"]))
    parts += [f"  - {r}" for r in reasons]
    return "\n".join(parts)


# ------------------------------------------------------------------ HTML
def span_tokens(text: str, spans: Sequence[dict[str, Any]]) -> tuple[list[str], list[tuple[int, int]]]:
    """Tokens for displaCy: the text split at whitespace and at every span boundary, so each
    span covers whole tokens. Returns (tokens, their (start, end) character offsets)."""
    cuts = sorted({p for s in spans for p in (s["start"], s["end"])})
    tokens, offsets = [], []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        for a, b in zip([i] + [c for c in cuts if i < c < j], [c for c in cuts if i < c < j] + [j]):
            tokens.append(text[a:b])
            offsets.append((a, b))
        i = j
    return tokens, offsets


def displacy_doc(text: str, spans: Sequence[dict[str, Any]], title: str) -> dict[str, Any]:
    """displaCy's manual span format: {text, tokens, spans: [{start_token, end_token, label}], title}."""
    tokens, offsets = span_tokens(text, spans)
    manual = []
    for s in spans:
        inside = [k for k, (a, b) in enumerate(offsets) if a < s["end"] and b > s["start"]]
        if inside:
            manual.append({"start_token": inside[0], "end_token": inside[-1] + 1, "label": s["label"]})
    return {"text": text, "tokens": tokens, "spans": manual, "title": html.escape(title)}


def _summary_html(row: dict[str, Any], items: Sequence[dict[str, str]]) -> str:
    """Band and score, criteria table and reasons, as an HTML fragment."""
    conf = settings()
    heads = conf["headings"]
    rows = "".join(
        f"<tr><td>{html.escape(conf['criteria'][c['criterion']])}</td>"
        f"<td class=\"{c['status']}\">{html.escape(conf['statuses'][c['status']]['text'])}</td>"
        f"<td>{html.escape(c['why'])}</td></tr>" for c in items)
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in row.get("quality_reasons") or [])
    return (
        "<section style=\"margin-bottom: 3rem\">"
        f"<h2>{html.escape(band_line(row))}</h2>"
        f"<h3>{html.escape(heads['criteria'])}</h3>"
        "<table style=\"border-collapse: collapse\" cellpadding=\"6\">"
        f"<tbody>{rows}</tbody></table>"
        + "".join(f"<p>{html.escape(line)}</p>" for line in second_opinion_lines(row)) +
        f"<h3>{html.escape(heads['reasons'])}</h3>"
        f"<ul>{reasons or '<li>' + html.escape(heads['no_reasons']) + '</li>'}</ul>"
        "</section>"
        "<style>td.met{color:#1b7f3b}td.missing{color:#b00020;font-weight:bold}"
        "td.not_applicable{color:#777}td{border-bottom:1px solid #ddd;vertical-align:top}</style>"
    )


def html_page(row: dict[str, Any], narrative: str, review: str | None,
              items: Sequence[dict[str, str]]) -> str:
    """A self-contained HTML page (no external assets): the narrative and the review (if
    any) with their evidence spans drawn by `spacy.displacy` (span style), then the band,
    score, criteria table and reasons."""
    from spacy import displacy

    heads = settings()["headings"]
    docs = [displacy_doc(narrative, field_spans(row, "narrative"), heads["narrative"])]
    if review and review.strip():
        docs.append(displacy_doc(review, field_spans(row, "supervisor_review"), heads["supervisor_review"]))
    colours = {label: style["html"] for label, style in settings()["labels"].items()}
    page = displacy.render(docs, style="span", manual=True, page=True, jupyter=False,
                           options={"colors": colours})
    title = html.escape(heads["page_title"])
    page = page.replace("<title>displaCy</title>", f"<meta charset=\"utf-8\"><title>{title}</title>", 1)
    summary = _summary_html(row, items)
    if "</body>" in page:
        return page.replace("</body>", summary + "</body>", 1)
    return page + summary
