"""`evidence policy add|list|show|set`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from evidence import console
from evidence.cli.base import JsonFlag, new_app, open_engine, read_store, settings

app = new_app("Add policy documents to the store and look at them.")


SHOWN_WARNINGS = 20  # a 5,000-reference list would otherwise print thousands of lines


@app.command("add")
def add(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(help="Policy document (.txt, .md, .html, .pdf, .docx, .rtf) or - for stdin."),
    ],
    policy_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="Policy id, kept as typed when it is letters, digits, '-', '_' and '.' "
            "(default: from the title).",
        ),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Policy title, if the document has none.")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Parse a policy document and store it with its statements, codes and references.

    Adding the same text again changes nothing; a changed text becomes a new revision.

    Example: evidence policy add policy.txt --id stem-cell-pad --title "Stem-Cell Therapy for PAD"
    """
    from evidence.services.policy import add_policy, parse_input, read_input

    data, source = read_input(file, sys.stdin.buffer.read() if file == "-" else None)
    parsed = parse_input(data, source)  # before opening the store: bad input leaves no trace
    result = add_policy(
        open_engine(ctx), data, source, policy_id=policy_id, title=title, parsed=parsed
    )
    p = result.policy
    for w in result.warnings[:SHOWN_WARNINGS]:
        console.warn(w)
    if len(result.warnings) > SHOWN_WARNINGS:
        more = len(result.warnings) - SHOWN_WARNINGS
        console.warn(
            f"... and {more:,} more; 'evidence policy show {p.id}' lists each reference's warnings"
        )
    if result.id_changed_from is not None:
        console.say(
            f"The id {result.id_changed_from[:100]!r} has characters other than letters, digits, "
            f"'-', '_' and '.' (or is over 80 long); stored as {p.id!r}."
        )
    if p.title_source == "default":
        console.say(f"No title in the document; using {p.title!r} (set one with --title).")
    verb = {
        "added": "Added",
        "revised": f"Stored revision {p.revision} of",
        "unchanged": "Unchanged:",
    }
    n = result.references
    console.say(f"{verb[result.status]} policy {p.id!r} with {n} reference{'' if n == 1 else 's'}.")
    if json:
        console.emit_json(
            {
                "id": p.id,
                "title": p.title,
                "status": result.status,
                "revision": p.revision,
                "references": result.references,
                "warnings": result.warnings,
            }
        )


@app.command("list")
def list_(ctx: typer.Context, json: JsonFlag = False) -> None:
    """List the policies in the store."""
    from evidence.services.policy import list_policies

    rows = list_policies(read_store(ctx))
    if json:
        console.emit_json(rows)
        return
    if not rows:
        from evidence.config import store_label

        where = store_label(settings(ctx).db_url)
        console.say(f"No policies yet in {where}; add one with 'evidence policy add FILE'.")
        return
    console.table(
        ["id", "title", "rev", "effective", "last reviewed", "refs"],
        [
            [
                r["id"],
                r["title"],
                r["revision"],
                r["effective_date"],
                r["last_reviewed"],
                r["references"],
            ]
            for r in rows
        ],
    )


@app.command("show")
def show(
    ctx: typer.Context,
    policy_id: Annotated[str, typer.Argument(metavar="ID", help="Policy id.")],
    json: JsonFlag = False,
) -> None:
    """Show a policy: dates, coverage statements, codes, conclusion and references."""
    from evidence.services.policy import show_policy

    view = show_policy(read_store(ctx), policy_id)
    if json:
        console.emit_json(view)
        return
    _print_policy(view)


def _print_policy(v: dict) -> None:  # type: ignore[type-arg]
    out = console.out
    out.print(f"{v['title']}  [{v['id']}, revision {v['revision']}]", style="bold", markup=False)
    if v.get("policy_number"):
        out.print(f"Policy number {v['policy_number']}", markup=False)
    out.print(
        f"Effective {v['effective_date'] or '?'}"
        + (f" · original effective {v['original_effective']}" if v.get("original_effective") else "")
        + f" · last reviewed {v['last_reviewed'] or '?'}"
        + (f" · next review {v['next_review']}" if v.get("next_review") else "")
        + (f" · published: {v['published']}" if v["published"] else ""),
        markup=False,
    )
    for s in v["statements"]:
        text = s["text"] if len(s["text"]) <= 160 else s["text"][:157] + "..."
        out.print(f"- {s['product']}: {s['status']} — {text}", markup=False)
    for c in v["codes"]:
        out.print(f"- {c['system']} {c['code']}: {c['description']}", markup=False)
    if v["conclusion"]:
        out.print(f"Conclusion: {v['conclusion']}", markup=False)
    rows = []
    for r in v["references"]:
        first = r["authors"][0] if r["authors"] else ""
        rows.append(
            [
                r["number"] if not r.get("printed_number") else f"{r['number']} ({r['printed_number']})",
                first,
                r["year"],
                r["journal"],
                _pmid_cell(r),
                r["design"] or "",
                r["evidence_level"] if r["evidence_level"] is not None else "",
                r["role"] or "",
                "; ".join(r["warnings"]),
            ]
        )
    console.table(
        ["#", "first author", "year", "journal", "PMID", "design", "level", "role", "warnings"],
        rows,
        title=f"{len(rows)} reference{'' if len(rows) == 1 else 's'}",
    )
    _print_open_matches(v)


def _pmid_cell(r: dict) -> str:  # type: ignore[type-arg]
    """The cited PMID, or the matched one with its status ("12345678?" while unconfirmed)."""
    if r["pmid"]:
        return r["pmid"] + ("!" if r.get("match_status") == "suggested" else "")
    if r.get("matched_pmid"):
        return r["matched_pmid"] + ("" if r.get("match_status") == "confirmed" else "?")
    return "ambiguous" if r.get("match_status") == "ambiguous" else ""


def _print_open_matches(v: dict) -> None:  # type: ignore[type-arg]
    """What the user must decide: unconfirmed matches, ambiguous pairs, suggested corrections."""
    lines = []
    for r in v["references"]:
        status = r.get("match_status")
        if status == "matched, unconfirmed":
            lines.append(f"  {r['number']}: PMID {r['matched_pmid']} found from the citation (unconfirmed)")
        elif status in ("ambiguous", "suggested"):
            what = (
                "two close records"
                if status == "ambiguous"
                else f"printed PMID {r['pmid']} looks wrong; the citation matches"
            )
            lines.append(f"  {r['number']}: {what}:")
            for c in r.get("match_candidates") or []:
                lines.append(
                    f"      PMID {c['pmid']} ({c.get('score')}): {c.get('first_author') or '?'}, "
                    f"{c.get('year') or '?'}, {c.get('journal') or '?'}: {c.get('title') or ''}"
                )
    if lines:
        out = console.out
        out.print(
            f"To decide (evidence resolve {v['id']} --accept [--ref N] [--pmid PMID]):", markup=False
        )
        for line in lines:
            out.print(line, markup=False, soft_wrap=True)


@app.command("set")
def set_(
    ctx: typer.Context,
    policy_id: Annotated[str, typer.Argument(metavar="ID", help="Policy id.")],
    review_every: Annotated[
        str | None,
        typer.Option("--review-every", help="Review interval: 6m, 12m, 1y, 90d (default 12m)."),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Set how often a policy is reviewed; `evidence status` shows when it is due.

    Example: evidence policy set stem-cell-pad --review-every 6m
    """
    from evidence.services.status import set_review_interval

    if review_every is None:
        raise typer.BadParameter("say what to set, e.g. --review-every 6m")
    done = set_review_interval(open_engine(ctx), policy_id, review_every)
    if json:
        console.emit_json(done)
        return
    console.say(f"Policy {done['id']!r}: reviewed every {done['review_every']}; "
                f"next review due {done['review_due'] or '? (no review date)'}.")  # fmt: skip
