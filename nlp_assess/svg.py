"""Small hand-written SVG charts for the auditor's report: no JavaScript, no external files.

Each function returns one `<svg>` element as a string, ready to paste into an HTML page
(inline SVG in HTML5 needs no namespace attribute, so the page holds no URL at all).
Every piece of text is escaped with `html.escape`, so team names and record ids from the
input cannot break the page. Colours come from CSS classes (`bar`, `axis`, `label`), which
the report's own `<style>` defines.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

WIDTH = 640
LABEL_WIDTH = 210  # left column of a horizontal bar chart
VALUE_WIDTH = 70  # right column for the value text
ROW_HEIGHT = 22
TITLE_HEIGHT = 26
MAX_LABEL_CHARS = 32


def _num(x: float) -> str:
    """A coordinate with at most one decimal, so the markup stays short and stable."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def short_label(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """`text` cut to `limit` characters with an ellipsis (the full text goes in a tooltip)."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _open(height: float, title: str) -> str:
    t = escape(title)
    return (f'<svg width="{WIDTH}" height="{_num(height)}" '
            f'viewBox="0 0 {WIDTH} {_num(height)}" role="img" aria-label="{t}">'
            f"<title>{t}</title>"
            f'<text class="chart-title" x="0" y="16">{t}</text>')


def hbar_chart(bars: Sequence[tuple[str, float, str]], *, title: str, max_value: float) -> str:
    """Horizontal bars, one row per (label, value, value_text), longest possible bar = max_value.

    >>> "<rect" in hbar_chart([("Voice", 61.0, "61%")], title="Missing", max_value=100)
    True
    """
    height = TITLE_HEIGHT + ROW_HEIGHT * max(len(bars), 1) + 6
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [_open(height, title)]
    for i, (label, value, value_text) in enumerate(bars):
        y = TITLE_HEIGHT + i * ROW_HEIGHT
        length = 0.0 if max_value <= 0 else area * max(0.0, min(float(value), max_value)) / max_value
        parts.append(
            f"<g><title>{escape(label)}: {escape(value_text)}</title>"
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{_num(y + 15)}" text-anchor="end">'
            f"{escape(short_label(label))}</text>"
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{_num(y + 3)}" width="{_num(length)}" height="{ROW_HEIGHT - 6}"/>'
            f'<text class="value" x="{_num(LABEL_WIDTH + length + 4)}" y="{_num(y + 15)}">{escape(value_text)}</text>'
            "</g>")
    parts.append(f'<line class="axis" x1="{LABEL_WIDTH}" y1="{TITLE_HEIGHT}" x2="{LABEL_WIDTH}" '
                 f'y2="{_num(height - 6)}"/>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(columns: Sequence[tuple[str, float, str]], *, title: str, height: int = 220,
                 max_value: float | None = None) -> str:
    """Vertical columns, one per (label, value, value_text), scaled to `max_value` (default:
    the largest value). Labels are turned 45 degrees when there are more than 12 columns;
    values are printed smaller above narrow columns and left to the tooltip when very narrow.

    >>> column_chart([("0-9", 3, "3"), ("10-19", 5, "5")], title="Scores").count("<rect")
    2
    """
    slanted = len(columns) > 12
    bottom = 60 if slanted else 30  # room for the labels under the axis
    plot_top, left = TITLE_HEIGHT + 14, (40 if slanted else 10)
    plot_height = height - plot_top - bottom
    step = (WIDTH - 2 * left) / max(len(columns), 1)
    top_value = max_value if max_value else max([float(v) for _, v, _ in columns] + [0.0])
    parts = [_open(height, title)]
    axis_y = plot_top + plot_height
    value_class = "value" if step >= 36 else "value small"  # narrow columns: smaller numbers
    label_every = max(1, math.ceil(14 / step))  # very many columns: label every n-th one
    for i, (label, value, value_text) in enumerate(columns):
        bar_h = 0.0 if top_value <= 0 else plot_height * min(float(value), top_value) / top_value
        x = left + i * step
        centre = x + step / 2
        parts.append(
            f"<g><title>{escape(label)}: {escape(value_text)}</title>"
            f'<rect class="bar" x="{_num(x + step * 0.1)}" y="{_num(axis_y - bar_h)}" '
            f'width="{_num(step * 0.8)}" height="{_num(bar_h)}"/>')
        if step >= 20:  # narrower still: the value is only in the tooltip (and the report's table)
            parts.append(f'<text class="{value_class}" x="{_num(centre)}" y="{_num(axis_y - bar_h - 3)}" '
                         f'text-anchor="middle">{escape(value_text)}</text>')
        if i % label_every:
            parts.append("</g>")
        elif slanted:
            parts.append(f'<text class="label" x="{_num(centre)}" y="{_num(axis_y + 12)}" text-anchor="end" '
                         f'transform="rotate(-45 {_num(centre)} {_num(axis_y + 12)})">{escape(label)}</text></g>')
        else:
            parts.append(f'<text class="label" x="{_num(centre)}" y="{_num(axis_y + 16)}" text-anchor="middle">'
                         f"{escape(label)}</text></g>")
    parts.append(f'<line class="axis" x1="{left}" y1="{_num(axis_y)}" x2="{WIDTH - left}" y2="{_num(axis_y)}"/>')
    parts.append("</svg>")
    return "".join(parts)
