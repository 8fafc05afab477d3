"""The report's "since the last review" section, in each format, and its state-of-evidence lines.

The section is the dict `evidence.services.review.since_last_review` builds from the latest
review cycle (None before the first cycle, and then every function here returns nothing):
new candidates by design, the included ones, the PRISMA counts, and `re_examine`, raised when
a new RCT, meta-analysis, systematic review or guideline was included. The signal says the
conclusion should be re-examined; it never says how.
"""

from __future__ import annotations

from html import escape
from typing import Any

from evidence.report.prisma_svg import render_prisma_svg

_NAMES = {"rct": "RCT", "meta-analysis": "meta-analysis", "systematic-review": "systematic review",
          "guideline": "guideline"}  # fmt: skip
_COUNT_KEYS = ("previous_studies", "identified", "duplicates_removed", "not_retrieved",
               "screened", "excluded", "not_screened", "included", "total")  # fmt: skip


def _by_design(s: dict[str, Any]) -> str:
    return ", ".join(f"{n} {d}" for d, n in s["candidates_by_design"].items()) or "none"


def _window(s: dict[str, Any]) -> str:
    return (
        f"Review cycle {s['cycle']} ({s['status']}): records that entered PubMed from "
        f"{s['since']} to {s['until']} (Entrez date)."
    )


def incomplete_line(s: dict[str, Any]) -> str | None:
    """Said first whenever the cycle's search did not cover its window: "nothing new" would
    otherwise read as if those dates had been searched."""
    gap = s.get("not_searched")
    if not gap:
        return None
    closed = "was closed" if s.get("status") == "closed" else "is open"
    return (f"Incomplete: cycle {s['cycle']} {closed} with its search not run for {gap}; "
            "studies that entered PubMed then were not searched.")  # fmt: skip


def signal_line(s: dict[str, Any]) -> str:
    if not s["re_examine"]:
        return "No new RCT, meta-analysis, systematic review or guideline was included."
    which = [f"{_NAMES.get(i['design'], i['design'])} PMID {i['pmid']}" for i in s["included"]
             if i["design"] in s["re_examine_designs"]]  # fmt: skip
    return "Re-examine the conclusion: newly included " + "; ".join(which) + "."


def counts_line(s: dict[str, Any]) -> str:
    c = s["prisma"]
    return ", ".join(f"{k.replace('_', ' ')} {c.get(k, 0)}" for k in _COUNT_KEYS) + "."


def state_lines(s: dict[str, Any] | None) -> list[str]:
    """Sentences for the state-of-evidence paragraph."""
    if not s:
        return []
    gap = incomplete_line(s)
    return [
        f"Since the last review (cycle {s['cycle']}, {s['since']} to {s['until']}): "
        f"{s['candidates']} new candidates ({_by_design(s)}), {len(s['included'])} included.",
        *([gap] if gap else []),
        signal_line(s),
    ]


def _included_rows(s: dict[str, Any]) -> list[list[str]]:
    return [[i["pmid"], i["design"] or "unknown", str(i["year"] or ""), i["title"] or ""]
            for i in s["included"]]  # fmt: skip


def text_lines(s: dict[str, Any] | None) -> list[str]:
    """Plain lines (the text renderer wraps and frames them)."""
    if not s:
        return []
    gap = incomplete_line(s)
    lines = [_window(s), *([gap] if gap else []),
             f"New candidates: {s['candidates']} ({_by_design(s)}).",
             f"Included: {len(s['included'])}."]  # fmt: skip
    lines += [f"  PMID {pmid}  {design}  {year}  {title}" for pmid, design, year, title
              in _included_rows(s)]  # fmt: skip
    return lines + [signal_line(s), "PRISMA 2020: " + counts_line(s)]


def markdown_lines(s: dict[str, Any] | None, esc: Any = str) -> list[str]:
    if not s:
        return []
    gap = incomplete_line(s)
    lines = ["## Since the last review", "", esc(_window(s)), "",
             *([f"**{esc(gap)}**", ""] if gap else []),
             f"New candidates: {s['candidates']} ({esc(_by_design(s))}).", ""]  # fmt: skip
    if s["included"]:
        lines += ["| PMID | design | year | title |", "|---|---|---|---|"]
        lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in _included_rows(s)]
        lines.append("")
    return lines + [f"**{esc(signal_line(s))}**", "", "PRISMA 2020: " + esc(counts_line(s)), ""]


def html_section(s: dict[str, Any] | None) -> str:
    """The section with the PRISMA flow diagram as inline SVG; every record value escaped."""
    if not s:
        return ""
    rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in _included_rows(s))  # fmt: skip
    table = (
        "<table><thead><tr><th>PMID</th><th>design</th><th>year</th><th>title</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        if rows
        else "<p>No new study was included.</p>"
    )
    cls = "signal re-examine" if s["re_examine"] else "signal"
    return (
        '<h2 id="since-last-review">Since the last review</h2>'
        f"<p>{escape(_window(s))}</p>"
        + (f'<p class="signal incomplete"><b>{escape(incomplete_line(s) or "")}</b></p>'
           if incomplete_line(s) else "")
        + f"<p>New candidates: {s['candidates']} ({escape(_by_design(s))}).</p>"
        f'{table}<p class="{cls}"><b>{escape(signal_line(s))}</b></p>'
        f'<figure class="chart">{render_prisma_svg(s["prisma"], s.get("exclusion_reasons"))}'
        "<figcaption>PRISMA 2020 flow of the review cycle</figcaption></figure>"
    )
