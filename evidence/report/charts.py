"""Hand-written inline SVG charts for the HTML report: no scripts, no external assets.

Every text that comes from a record goes through `html.escape`. Each mark carries a
<title> so a browser shows its exact value on hover, and each chart has axis labels and a
legend so it can be read on paper too.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any

from evidence.report.model import DESIGN_ORDER

DESIGN_COLORS = {
    "meta-analysis": "#1b4f72",
    "systematic-review": "#2e86c1",
    "rct": "#117a65",
    "non-randomized-trial": "#48c9b0",
    "observational": "#b7950b",
    "case-report": "#e59866",
    "guideline": "#7d3c98",
    "narrative-review": "#a6acaf",
    "editorial": "#cacfd2",
    "other": "#d5d8dc",
    "unknown": "#85929e",
}
ROLE_COLORS = {"direct": "#117a65", "background": "#a6acaf", "unassigned": "#d5d8dc"}
FONT = 'font-family="system-ui, sans-serif" font-size="11" fill="#333"'


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(label)}" class="chart">'
        f"<title>{escape(label)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, s: Any, anchor: str = "start", extra: str = "") -> str:
    pos = f'x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"'
    return f"<text {pos} {FONT} {extra}>{escape(str(s))}</text>"


def _rect(x: float, y: float, w: float, h: float, color: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
        f'fill="{color}"><title>{escape(tip)}</title></rect>'
    )


def _legend(x: float, y: float, items: list[tuple[str, str]]) -> list[str]:
    out = []
    for i, (name, color) in enumerate(items):
        yy = y + i * 16
        out += [
            f'<rect x="{x}" y="{yy}" width="10" height="10" fill="{color}"/>',
            _text(x + 15, yy + 9, name),
        ]
    return out


def _ticks(top: int) -> list[int]:
    step = max(1, -(-top // 5))
    return list(range(0, top + 1, step))


def timeline(references: list[dict[str, Any]]) -> str:
    """Studies per publication year, stacked by design: how old is the evidence?"""
    dated = [r for r in references if r.get("year")]
    if not dated:
        return _svg(
            400,
            40,
            "Evidence timeline: no dated references",
            [_text(10, 24, "No reference has a year.")],
        )
    years = list(range(min(r["year"] for r in dated), max(r["year"] for r in dated) + 1))
    tally = Counter((r["year"], r["design"]) for r in dated)  # one pass, not one per year and design
    present = {d for _, d in tally}
    designs = [d for d in DESIGN_ORDER if d in present]
    counts = {(y, d): tally[(y, d)] for y in years for d in designs}
    top = max(sum(counts[(y, d)] for d in designs) for y in years)
    w, h, left, right, top_m, bottom = 760, 260, 40, 170, 14, 46
    pw, ph = w - left - right, h - top_m - bottom
    bw, unit = pw / len(years), ph / max(top, 1)
    body = _axes(left, top_m, pw, ph, top, unit, "references", "publication year")
    label_every = 1 if len(years) <= 20 else 5
    for i, y in enumerate(years):
        x, base = left + i * bw, top_m + ph
        for d in designs:
            n = counts[(y, d)]
            if n:
                base -= n * unit
                body.append(
                    _rect(
                        x + bw * 0.12, base, bw * 0.76, n * unit, DESIGN_COLORS[d], f"{y}: {n} {d}"
                    )
                )
        if y % label_every == 0:
            body.append(_text(x + bw / 2, top_m + ph + 14, y, "middle"))
    body += _legend(w - right + 14, top_m, [(d, DESIGN_COLORS[d]) for d in designs])
    return _svg(w, h, "Evidence timeline: references per publication year by design", body)


def _axes(
    left: float, top_m: float, pw: float, ph: float, top: int, unit: float, ylabel: str, xlabel: str
) -> list[str]:
    out = [
        f'<line x1="{left}" y1="{top_m + ph}" x2="{left + pw}" y2="{top_m + ph}" stroke="#555"/>',
        f'<line x1="{left}" y1="{top_m}" x2="{left}" y2="{top_m + ph}" stroke="#555"/>',
    ]
    for t in _ticks(top):
        y = top_m + ph - t * unit
        out += [
            f'<line x1="{left - 3}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#eee"/>',
            _text(left - 6, y + 4, t, "end"),
        ]
    out.append(_text(left + pw / 2, top_m + ph + 34, xlabel, "middle"))
    out.append(
        _text(
            12, top_m + ph / 2, ylabel, "middle", f'transform="rotate(-90 12 {top_m + ph / 2:.1f})"'
        )
    )
    return out


def by_design_and_role(references: list[dict[str, Any]]) -> str:
    """One horizontal bar per design, split by role: what kind of evidence, and is it direct?"""
    # one pass over the references (not one per design and role: 10,000 references, issue #16)
    tally = Counter((r["design"], r["role"] or "unassigned") for r in references)
    present = {d for d, _ in tally}
    designs = [d for d in DESIGN_ORDER if d in present]
    if not designs:
        return _svg(400, 40, "Counts by design: no references", [_text(10, 24, "No references.")])
    roles = list(ROLE_COLORS)
    count = {(d, ro): tally[(d, ro)] for d in designs for ro in roles}
    top = max(sum(count[(d, ro)] for ro in roles) for d in designs)
    left, right, bar, gap, top_m = 150, 130, 18, 8, 10
    w = 760
    pw = w - left - right
    h = top_m + len(designs) * (bar + gap) + 44
    unit = pw / max(top, 1)
    body = []
    for t in _ticks(top):
        x = left + t * unit
        body += [
            f'<line x1="{x:.1f}" y1="{top_m}" x2="{x:.1f}" y2="{h - 40}" stroke="#eee"/>',
            _text(x, h - 26, t, "middle"),
        ]
    for i, d in enumerate(designs):
        y, x = top_m + i * (bar + gap), float(left)
        body.append(_text(left - 8, y + bar * 0.72, d, "end"))
        for ro in roles:
            n = count[(d, ro)]
            if n:
                body.append(_rect(x, y, n * unit, bar, ROLE_COLORS[ro], f"{d}, {ro}: {n}"))
                x += n * unit
    body.append(f'<line x1="{left}" y1="{h - 40}" x2="{left + pw}" y2="{h - 40}" stroke="#555"/>')
    body.append(_text(left + pw / 2, h - 8, "number of references", "middle"))
    body += _legend(w - right + 16, top_m, [(ro, ROLE_COLORS[ro]) for ro in roles])
    return _svg(w, h, "References by design and role in the policy", body)
