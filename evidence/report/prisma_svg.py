"""The PRISMA 2020 flow diagram of a cycle as inline SVG (boxes and arrows, no script, no fonts).

It lives with the report's renderers (the report package draws; `evidence.review.prisma`
counts) and receives the exclusion reasons' labels with the counts. The layout follows the
PRISMA 2020 template for updated reviews: the previous version's studies on the left, the new
search in the middle column, what was removed or excluded to its right, and both streams
meeting in the total. Every text is escaped, so the SVG can be pasted as-is into the
self-contained HTML report.
"""

from __future__ import annotations

from html import escape
from typing import Any

WIDTH = 900
LINE = 16
_BOX = 'fill="#f7f9fc" stroke="#345" stroke-width="1.2" rx="4"'


def _box(x: int, y: int, w: int, lines: list[str]) -> tuple[str, int]:
    """A rectangle holding `lines`; returns the SVG and the box's height."""
    h = 16 + LINE * len(lines)
    spans = "".join(
        f'<tspan x="{x + 10}" dy="{LINE if i else 0}">{escape(t)}</tspan>'
        for i, t in enumerate(lines)
    )
    text = f'<text x="{x + 10}" y="{y + 8 + LINE - 4}" font-size="13">{spans}</text>'
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" {_BOX}/>{text}', h


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#345" stroke-width="1.2" '
        'marker-end="url(#prisma-arrow)"/>'
    )


def _texts(
    c: dict[str, Any], reasons: dict[str, int], labels: dict[str, str]
) -> dict[str, list[str]]:
    return {
        "previous": ["Studies included in the previous",
                     f"version of the review (n = {c['previous_studies']})"],
        "identified": ["Records identified from PubMed", f"(n = {c['identified']})"],
        "removed": ["Records removed before screening:",
                    f"duplicates (n = {c['duplicates_removed']})",
                    f"not retrieved (n = {c['not_retrieved']})"],
        "screened": ["Records screened (title/abstract)",
                     f"(n = {c['screened'] + c['not_screened']})"],
        "excluded": [f"Records excluded (n = {c['excluded']})",
                     *(f"  {labels.get(k, k)}: {v}" for k, v in reasons.items())],
        "not_screened": [f"Not screened when the cycle closed (n = {c['not_screened']})"],
        "included": ["New studies included in the review", f"(n = {c['included']})"],
        "total": ["Total studies included in the review", f"(n = {c['total']})"],
    }  # fmt: skip


_KEYS = ("previous_studies", "identified", "duplicates_removed", "not_retrieved", "screened",
         "excluded", "not_screened", "included", "total")  # fmt: skip


def render_prisma_svg(
    counts: dict[str, Any],
    labels: dict[str, str] | None = None,
    title: str = "PRISMA 2020 flow of the cycle",
) -> str:
    """`counts` as `evidence.review.prisma.prisma_counts` returns them -> an <svg> element;
    `labels` names the exclusion reasons (slug -> label)."""
    reasons = counts.get("excluded_by_reason") or {}
    t = _texts({k: counts.get(k) or 0 for k in _KEYS}, reasons, labels or {})
    left, mid, side, w = 20, 310, 600, 280
    parts: list[str] = []

    def box(key: str, x: float, y: float, width: int = w) -> float:
        svg, h = _box(int(x), int(y), width, t[key])
        parts.append(svg)
        return h

    prev_h = box("previous", left, 20)
    ident_h = box("identified", mid, 20)
    removed_h = box("removed", side, 20)
    parts.append(_arrow(mid + w, 20 + ident_h / 2, side, 20 + ident_h / 2))

    y = 20 + max(ident_h, removed_h) + 40
    screened_h = box("screened", mid, y)
    side_bottom = y + box("excluded", side, y)
    parts.append(_arrow(mid + w / 2, 20 + ident_h, mid + w / 2, y))
    parts.append(_arrow(mid + w, y + screened_h / 2, side, y + screened_h / 2))
    if counts.get("not_screened"):
        side_bottom += 12 + box("not_screened", side, side_bottom + 12)

    y_inc = max(y + screened_h, side_bottom) + 40
    new_h = box("included", mid, y_inc)
    parts.append(_arrow(mid + w / 2, y + screened_h, mid + w / 2, y_inc))

    y_tot = y_inc + new_h + 40
    total_h = box("total", left + w / 2 - 60, y_tot, width=mid - left + 120)  # under both arrows
    parts.append(_arrow(left + w / 2, 20 + prev_h, left + w / 2, y_tot))
    parts.append(_arrow(mid + w / 2, y_inc + new_h, mid + w / 2, y_tot))
    height = int(y_tot + total_h + 20)

    defs = (
        '<defs><marker id="prisma-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#345"/>'
        "</marker></defs>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="prisma" role="img" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif">'
        f"<title>{escape(title)}</title>{defs}{''.join(parts)}</svg>"
    )
