"""The report for a terminal: plain text, wrapped to 100 columns, tables drawn with spaces."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import Any

from evidence.report import table as tbl
from evidence.report import trials as tr
from evidence.report.labels import (
    INVENTORY_HEADERS,
    LEVEL_NOTE,
    basis_text,
    counts_rows,
    direct_headline,
    flag_lines,
    inventory_row,
    nct_url,
    provenance,
    pubmed_url,
    synthesis_count,
    trial_line,
    verdict_head,
    where,
)

WIDTH = 100


def render_text(report: dict[str, Any]) -> str:
    parts = [
        _title(report),
        _summary(report),
        _header(report),
        _inventory(report),
        _evidence_table(report),
        _direct(report),
        _trials(report),
        _flags(report),
        _since_last_review(report),
        _since_last_watch(report),
        _section("STATE OF THE EVIDENCE", [_wrap(" ".join(report["state_of_evidence"]))]),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


#: the whitespace textwrap rewrites (expands or replaces) besides the space it splits on
_REWRITTEN = re.compile(r"[\t\n\x0b\x0c\r]")
#: whitespace other than the plain space: textwrap rewrites the ASCII kinds and drops a chunk
#: made only of the others (str.strip empties it) at a line's ends
_OTHER_SPACE = re.compile(r"[^\S ]")
_SPACE = re.compile(r"\s")


def _fits(text: str, width: int) -> bool:
    """Whether `textwrap.wrap(text, width)` would return `[text]` unchanged: short enough, no
    whitespace it rewrites, no whitespace at either end it could drop. A 10,000-reference report
    wraps 120,000 cells, nearly all short: checking this first skips textwrap's chunking."""
    return (
        0 < len(text) <= width
        and not text[0].isspace()  # textwrap drops a line's end chunk that str.strip empties
        and not text[-1].isspace()
        and not _REWRITTEN.search(text)
    )


def _greedy(text: str, width: int, first: str = "", rest: str = "") -> list[str] | None:
    """`textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest,
    break_on_hyphens=False)` for the common text: words parted by single plain spaces, none
    longer than a line, both indents as long. For that text textwrap's chunk loop comes down to
    cutting each line at the last space that fits; a 10,000-reference report wraps 40,000 such
    titles and citations. None for any other text (the caller uses textwrap)."""
    room = width - len(first)
    if (room <= 0 or len(rest) != len(first) or not text or text[0] == " " or text[-1] == " "
            or "  " in text or _OTHER_SPACE.search(text)):  # fmt: skip
        return None
    lines = []
    pos, indent = 0, first
    while len(text) - pos > room:
        cut = text.rfind(" ", pos, pos + room + 1)
        if cut < pos:  # a word longer than the line: textwrap breaks it
            return None
        lines.append(indent + text[pos:cut])
        pos, indent = cut + 1, rest
    lines.append(indent + text[pos:])
    return lines


def _cell(text: str, width: int) -> list[str]:
    """`textwrap.wrap(text, width, break_on_hyphens=False)`, fast when the text fits."""
    if _fits(text, width):
        return [text]
    if not text:
        return []
    if not _SPACE.search(text):  # one word longer than the column: textwrap cuts it in pieces
        return [text[i : i + width] for i in range(0, len(text), width)]
    lines = _greedy(text, width)
    return lines if lines is not None else textwrap.wrap(text, width, break_on_hyphens=False)


def _fill(text: str, first: str, rest: str) -> str:
    """`textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=rest,
    break_on_hyphens=False)`."""
    lines = _greedy(text, WIDTH, first, rest)
    if lines is not None:
        return "\n".join(lines)
    return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)


def _wrap(text: str, indent: str = "  ") -> str:
    flat = " ".join(str(text).split())
    if flat and len(indent) + len(flat) <= WIDTH:
        return indent + flat  # what textwrap.fill gives for one line that fits
    return _fill(flat, indent, indent)


def _section(title: str, body: list[str]) -> str:
    return title + "\n" + "-" * len(title) + "\n" + "\n".join(body)


def _title(r: dict[str, Any]) -> str:
    p = r["policy"]
    return "\n".join(
        [
            _wrap(f"EVIDENCE REPORT: {p['title']}  [{p['id']}]", ""),
            "=" * min(WIDTH, 18 + len(p["title"])),
            f"Effective {p['effective_date'] or '?'} | last reviewed {p['last_reviewed'] or '?'}",
            _wrap(provenance(r), ""),
        ]
    )


def _bullets(items: list[str], empty: str) -> list[str]:
    if not items:
        return [_wrap(empty, "    ")]
    return [_fill(" ".join(str(x).split()), "    - ", "      ") for x in items]


def _summary(r: dict[str, Any]) -> str:
    s = r["summary"]
    head, why = verdict_head(s)
    lines = [_wrap(f"VERDICT: {head}.", "  "), _wrap(why + ".", "  "), ""]
    lines += ["  Strongest direct evidence:"] + _bullets(s["strongest"], "none marked direct")
    lines += ["  New since the last review:"] + _bullets(s["new_since_review"], "nothing recorded")
    lines += ["  Trials due to report:"] + _bullets(s["trials_due"], "none known")
    lines += ["  Flags that need action:"] + _bullets(s["flags_to_act"], "none")
    return _section("SUMMARY", lines)


def _header(r: dict[str, Any]) -> str:
    p, b = r["policy"], r["basis"]
    lines = [
        _wrap(
            basis_text(b)
            + (f" Resolve with: {b['how_to_resolve']}" if b["how_to_resolve"] else ""),
            "",
        ),
    ]
    cover = [
        line
        for s in p["statements"]
        for line in (f"  {s['product']}: {s['status']}", _wrap(s["text"], "    "))
    ]
    codes = [
        _wrap(f"{c.get('system') or ''} {c['code']}: {c['description']}".strip(), "  ")
        for c in p["codes"]
    ]
    out = ["\n".join(lines)]
    if cover:
        out.append(_section("COVERAGE", cover))
    if codes:
        out.append(_section("CODES", codes))
    out.append(_section("CONCLUSION", [_wrap(p["conclusion"] or "(none stated in the policy)")]))
    return "\n\n".join(out)


def table(headers: Sequence[str], widths: Sequence[int], rows: list[Sequence[Any]]) -> list[str]:
    """Rows of cells wrapped within fixed column widths (the last column takes the rest)."""
    widths = list(widths)
    if not widths[-1]:  # 0: the last column takes what is left of the line
        widths[-1] = max(8, WIDTH - sum(widths[:-1]) - len(widths) + 1)
    out = [_row(headers, widths), _row(["-" * w for w in widths], widths)]
    for row in rows:
        cells = [
            _cell("" if v is None else str(v), w) or [""]
            for v, w in zip(row, widths, strict=False)
        ]
        height = max(map(len, cells))
        if height == 1:  # most rows: `_row` of each cell's one line, without the per-line lists
            out.append(" ".join([c[0].ljust(w) for c, w in zip(cells, widths, strict=False)]).rstrip())
            continue
        for i in range(height):
            out.append(_row([c[i] if i < len(c) else "" for c in cells], widths))
    return out


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return " ".join([str(c).ljust(w) for c, w in zip(cells, widths, strict=False)]).rstrip()


def _inventory(r: dict[str, Any]) -> str:
    rows = [inventory_row(ref) for ref in r["references"]]
    lines = table(
        INVENTORY_HEADERS,
        [3, 12, 4, 12, 17, 8, 10, 9, 0],
        rows,
    )
    s = r["summary"]
    lines += [
        "",
        f"  {s['total']} references: {s['resolved']} resolved, {s['unresolved']} unresolved, "
        f"{s['unchecked']} unchecked.",
        "  PMID? = matched from the citation, unconfirmed.",
        _wrap(LEVEL_NOTE),
        "",
    ]
    lines += [
        "  " + line
        for line in table(
            ["Design", "All", "Direct"], [22, 5, 6], [list(c) for c in counts_rows(s)]
        )
    ]
    return _section(f"EVIDENCE INVENTORY ({s['total']} references)", lines)


def _direct(r: dict[str, Any]) -> str:
    d = r["direct_evidence"]
    if not d["count"]:
        return _section(
            "DIRECT EVIDENCE",
            [_wrap("No reference is marked as direct evidence on the policy's intervention.")],
        )
    lines = [_wrap(line) for line in direct_headline(d)]
    for s in d["syntheses"]:
        lines += [
            "",
            _wrap(f"{s['design']}, {where(s)}, {s['year'] or '?'}: {s['title'] or ''}"),
            _wrap(synthesis_count(s) + ".", "    "),
        ]
        c = s["conclusion"]
        lines.append(
            _wrap(f'Conclusion ({c["source"]}): "{c["text"]}" (PMID {s["pmid"]})', "    ")
            if c
            else _wrap("Conclusion: abstract not available (not checked against PubMed).", "    ")
        )
    for t in d["trials"]:
        lines += [
            "",
            _wrap(f"RCT, {where(t)}, {t['year'] or '?'}: {t['title'] or ''}"),
            _wrap(trial_line(t) + ".", "    "),
        ]
    return _section("DIRECT EVIDENCE", lines)


def _flags(r: dict[str, Any]) -> str:
    if not r["flags"]:
        return _section("FLAGS", [_wrap("None found.")])
    lines = [_wrap(f"{loc}: {label}: {detail}") for loc, label, detail in flag_lines(r)]
    return _section(f"FLAGS ({len(r['flags'])})", lines)


def _since_last_watch(r: dict[str, Any]) -> str:
    from evidence.report.since_watch import text_lines

    lines = text_lines(r.get("since_last_watch"))
    return _section("SINCE THE LAST WATCH", [_wrap(x) for x in lines]) if lines else ""


def _since_last_review(r: dict[str, Any]) -> str:
    from evidence.report.since_review import text_lines

    lines = text_lines(r.get("since_last_review"))
    return _section("SINCE THE LAST REVIEW", [_wrap(x) for x in lines]) if lines else ""


def _evidence_table(r: dict[str, Any]) -> str:
    rows = r["evidence_table"]
    if not rows:
        return _section("EVIDENCE TABLE", [_wrap("No direct trial or synthesis is cited.")])
    body = table(
        ["Ref", "PMID", "Design", "N", "Arms", "Outcome", "Follow-up", "Finding"],
        [5, 8, 13, 12, 16, 12, 9, 0],
        [[tbl.where_text(x), x["pmid"] or "", tbl.design_text(x),
          x["n"] or tbl.NOT_STATED, tbl.arms_text(x), x["outcome"] or tbl.NOT_STATED,
          x["follow_up"] or tbl.NOT_STATED, tbl.finding_text(x)] for x in rows],
    )  # fmt: skip
    links = [f"  {tbl.where_text(x)}: {pubmed_url(x['pmid'])}" for x in rows if x["pmid"]]
    new = sum(x["new"] for x in rows)
    note = "  Arms = intervention vs comparator; Outcome = primary outcome." + (
        f" {new} new (included in the latest review cycle)." if new else ""
    )
    return _section(
        f"EVIDENCE TABLE ({len(rows)} studies)", body + [_wrap(note)] + [""] + links
    )


def _trials(r: dict[str, Any]) -> str:
    rows = r["ongoing_trials"]
    if not rows:
        return _section(
            "ONGOING AND UNPUBLISHED TRIALS (ClinicalTrials.gov)",
            [_wrap(f"None stored; run 'evidence trials {r['policy']['id']}' to ask the registry.")],
        )
    shown = rows[: tr.SHOWN]
    body = table(
        ["NCT", "Status", "Phase", "Enrollment", "Completion", "Results", "Cited", "Title"],
        [11, 14, 6, 11, 11, 7, 5, 0],
        [[x["nct_id"], (x["status"] or "").lower().replace("_", " "), x["phase"] or "",
          tr.enrollment_text(x["enrollment"]), tr.completion_text(x["primary_completion"]),
          "posted" if x["results_posted"] else "none", "yes" if x["cited"] else "",
          x["title"] or ""] for x in shown],
    )  # fmt: skip
    more = (
        [f"  {len(rows) - len(shown)} more: 'evidence trials {r['policy']['id']}'."]
        if len(rows) > len(shown)
        else []
    )
    body += more + ["", "  Completion = primary completion. Registry pages:"]
    body += [f"  {x['nct_id']}: {nct_url(x['nct_id'])}" for x in shown]
    return _section(f"ONGOING AND UNPUBLISHED TRIALS ({len(rows)})", body)
