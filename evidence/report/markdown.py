"""The report as GitHub-flavoured Markdown, to paste into a review memo."""

from __future__ import annotations

import re
from typing import Any

from evidence.report import since_review, since_watch
from evidence.report import table as tbl
from evidence.report import trials as tr
from evidence.report.labels import (
    INVENTORY_HEADERS,
    LEVEL_NOTE,
    basis_text,
    counts_rows,
    direct_headline,
    doi_url,
    flag_lines,
    inventory_row,
    nct_url,
    provenance,
    pubmed_url,
    sentence,
    synthesis_count,
    trial_line,
    verdict_head,
    where,
)

#: each Markdown metacharacter behind a backslash (str.translate: one pass, 136,000 cells a
#: 10,000-reference report)
_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def esc(value: Any) -> str:
    """A value safe in a table cell and in running text: no pipes, no markup, no line breaks."""
    return " ".join(("" if value is None else str(value)).split()).translate(_ESCAPES)


class Raw(str):
    """A cell already in Markdown (a link): not escaped again."""


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += [
        "| " + " | ".join(c if isinstance(c, Raw) else esc(c) for c in row) + " |" for row in rows
    ]
    return out


def link(text: Any, url: str) -> str:
    """A Markdown link whose text is escaped and whose URL cannot break out of its brackets."""
    if re.fullmatch(r"[A-Za-z0-9:/._\-?=&%#]+", url):
        return f"[{esc(text)}]({url})"
    return f"[{esc(text)}](<{url.replace('>', '%3E').replace(' ', '%20')}>)"


def pmid_link(pmid: str | None, label: str | None = None) -> str:
    return link(label or pmid, pubmed_url(pmid)) if pmid else ""


def render_markdown(report: dict[str, Any]) -> str:
    lines = _title(report) + _summary(report) + _header(report) + _inventory(report)
    lines += _evidence_table(report) + _direct(report) + _trials(report) + _flags(report)
    lines += since_review.markdown_lines(report.get("since_last_review"), esc)
    lines += since_watch.markdown_lines(report.get("since_last_watch"), esc)
    lines += ["## State of the evidence", "", esc(" ".join(report["state_of_evidence"])), ""]
    return "\n".join(lines)


def _title(r: dict[str, Any]) -> list[str]:
    p = r["policy"]
    return [
        f"# Evidence report: {esc(p['title'])}",
        "",
        f"Policy `{p['id']}` · effective {esc(p['effective_date'] or '?')} · last reviewed "
        f"{esc(p['last_reviewed'] or '?')}",
        "",
        f"*{esc(provenance(r))}*",
        "",
    ]


def _bullets(items: list[str], empty: str) -> list[str]:
    return [f"- {esc(x)}" for x in items] if items else [f"- {esc(empty)}"]


def _summary(r: dict[str, Any]) -> list[str]:
    s = r["summary"]
    head, why = verdict_head(s)
    out = ["## Summary", "", f"**Verdict: {esc(head)}.** {esc(why)}.", ""]
    for title, items, empty in (
        ("Strongest direct evidence", s["strongest"], "none marked direct"),
        ("New since the last review", s["new_since_review"], "nothing recorded"),
        ("Trials due to report", s["trials_due"], "none known"),
        ("Flags that need action", s["flags_to_act"], "none"),
    ):
        out += [f"**{title}:**", ""] + _bullets(items, empty) + [""]
    return out


def _header(r: dict[str, Any]) -> list[str]:
    p, b = r["policy"], r["basis"]
    out = [
        f"**{esc(basis_text(b))}**"
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
    rows = [_linked(inventory_row(ref), ref) for ref in r["references"]]
    out = [f"## Evidence inventory ({s['total']} references)", ""]
    out += _table(INVENTORY_HEADERS, rows)
    out += [
        "",
        f"{s['total']} references: {s['resolved']} resolved, {s['unresolved']} unresolved, "
        f"{s['unchecked']} unchecked. A PMID marked ? was matched from the citation and is "
        f"unconfirmed. {LEVEL_NOTE}",
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


def _linked(row: list[Any], ref: dict[str, Any]) -> list[Any]:
    """The inventory row with its PMID linked to PubMed and a DOI link after it."""
    row = list(row)
    cell = pmid_link(ref["pmid"], row[7]) if ref["pmid"] else ""
    if ref.get("doi"):
        cell += (" · " if cell else "") + link("DOI", doi_url(ref["doi"]))
    row[7] = Raw(cell)
    return row


def _evidence_table(r: dict[str, Any]) -> list[str]:
    rows = r["evidence_table"]
    out = [f"## Evidence table ({len(rows)} studies)", ""]
    if not rows:
        return out + ["No direct trial or synthesis is cited.", ""]
    body = [
        [Raw(("**new** " if x["new"] else esc(tbl.where_text(x)) + " ") + pmid_link(x["pmid"])),
         tbl.design_text(x), x["n"] or tbl.NOT_STATED, tbl.arms_text(x),
         x["outcome"] or tbl.NOT_STATED, tbl.finding_text(x), x["follow_up"] or tbl.NOT_STATED]
        for x in rows
    ]  # fmt: skip
    out += _table(
        ["Ref", "Design", "N", "Intervention vs comparator", "Primary outcome", "Finding",
         "Follow-up"], body,
    )  # fmt: skip
    new = sum(x["new"] for x in rows)
    if new:
        out += ["", f"**new**: included in the latest review cycle ({new})."]
    return out + [""]


def _trials(r: dict[str, Any]) -> list[str]:
    rows = r["ongoing_trials"]
    out = [f"## Ongoing and unpublished trials ({len(rows)})", ""]
    if not rows:
        return out + [
            f"None stored; run `evidence trials {r['policy']['id']}` to ask ClinicalTrials.gov.",
            "",
        ]
    shown = rows[: tr.SHOWN]
    out += _table(
        ["NCT", "Status", "Phase", "Enrollment", "Primary completion", "Results", "Cited",
         "Title"],
        [[Raw(link(x["nct_id"], nct_url(x["nct_id"]))), tr.status_text(x), x["phase"] or "",
          tr.enrollment_text(x["enrollment"]), tr.completion_text(x["primary_completion"]),
          "posted" if x["results_posted"] else "none", "yes" if x["cited"] else "",
          x["title"] or ""] for x in shown],
    )  # fmt: skip
    if len(rows) > len(shown):
        out += ["", f"{len(rows) - len(shown)} more: `evidence trials {r['policy']['id']}`."]
    return out + [""]
