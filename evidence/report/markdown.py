"""The report as GitHub-flavoured Markdown, to paste into a review memo."""

from __future__ import annotations

import re
from typing import Any

from evidence.report import since_review, since_watch
from evidence.report.labels import (
    INVENTORY_HEADERS,
    counts_rows,
    direct_headline,
    flag_lines,
    inventory_row,
    sentence,
    synthesis_count,
    trial_line,
    where,
)


def esc(value: Any) -> str:
    """A value safe in a table cell and in running text: no pipes, no markup, no line breaks."""
    text = " ".join(("" if value is None else str(value)).split())
    text = re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)
    return text


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return out


def render_markdown(report: dict[str, Any]) -> str:
    lines = _header(report) + _inventory(report) + _direct(report) + _flags(report)
    lines += since_review.markdown_lines(report.get("since_last_review"), esc)
    lines += since_watch.markdown_lines(report.get("since_last_watch"), esc)
    lines += ["## State of the evidence", "", esc(" ".join(report["state_of_evidence"])), ""]
    return "\n".join(lines)


def _header(r: dict[str, Any]) -> list[str]:
    p, b = r["policy"], r["basis"]
    out = [
        f"# Evidence report: {esc(p['title'])}",
        "",
        f"Policy `{p['id']}` · effective {esc(p['effective_date'] or '?')} · last reviewed "
        f"{esc(p['last_reviewed'] or '?')}",
        "",
        f"**Basis:** {esc(b['source'])}: {esc(b['note'])}."
        + (f" Resolve with `{b['how_to_resolve']}`." if b["how_to_resolve"] else ""),
        "",
    ]
    if p["statements"]:
        out += (
            ["## Coverage", ""]
            + _table(
                ["Product", "Status", "Statement"],
                [[s["product"], s["status"], s["text"]] for s in p["statements"]],
            )
            + [""]
        )
    if p["codes"]:
        out += (
            ["## Codes", ""]
            + _table(
                ["Code", "System", "Description"],
                [[c["code"], c.get("system"), c["description"]] for c in p["codes"]],
            )
            + [""]
        )
    out += ["## Conclusion", "", "> " + esc(p["conclusion"] or "(none stated in the policy)"), ""]
    return out


def _inventory(r: dict[str, Any]) -> list[str]:
    s = r["summary"]
    rows = [inventory_row(ref) for ref in r["references"]]
    out = [f"## Evidence inventory ({s['total']} references)", ""]
    out += _table(INVENTORY_HEADERS, rows)
    out += [
        "",
        f"{s['total']} references: {s['resolved']} resolved, {s['unresolved']} unresolved, "
        f"{s['unchecked']} unchecked.",
        "",
    ]
    out += _table(["Design", "All", "Direct"], [list(c) for c in counts_rows(s)]) + [""]
    return out


def _direct(r: dict[str, Any]) -> list[str]:
    d = r["direct_evidence"]
    out = ["## What the direct evidence says", ""]
    if not d["count"]:
        return out + ["No reference is marked as direct evidence on the policy's intervention.", ""]
    out += [esc(line) for line in direct_headline(d)]
    out.append("")
    for s in d["syntheses"]:
        out += [
            f"- **{esc(s['design'])}**, {esc(where(s))}, {s['year'] or '?'}: "
            f"{esc(sentence(s['title']))} {synthesis_count(s)}."
        ]
        c = s["conclusion"]
        out += [
            f"  > {esc(c['text'])} (PMID {esc(s['pmid'])}; {esc(c['source'])})"
            if c
            else "  > abstract not available (not checked against PubMed)"
        ]
    for t in d["trials"]:
        out.append(
            f"- **RCT**, {esc(where(t))}, {t['year'] or '?'}: {esc(sentence(t['title']))} {trial_line(t)}."
        )
    return out + [""]


def _flags(r: dict[str, Any]) -> list[str]:
    out = [f"## Flags ({len(r['flags'])})", ""]
    rows = [[loc, label, detail] for loc, label, detail in flag_lines(r)]
    if not rows:
        return out + ["None found.", ""]
    return out + _table(["Where", "Flag", "Detail"], rows) + [""]
