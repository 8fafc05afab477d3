"""`evidence status [--json]`: every policy at a glance, what needs attention first."""

from __future__ import annotations

import typer

from evidence import console
from evidence.cli.base import JsonFlag, read_store

SHORT = {"retracted": "retracted", "expression-of-concern": "concern", "erratum": "erratum",
         "superseded": "superseded", "citation-mismatch": "mismatch"}  # fmt: skip


def status(ctx: typer.Context, json: JsonFlag = False) -> None:
    """One row per policy: review dates, open cycle, unchecked references, flags, watch events.

    Policies that need attention (open watch events, retracted or corrected references,
    superseded guidelines, citation mismatches, an overdue review) come first.

    Example: evidence status --json
    """
    from evidence.services.status import policy_statuses

    rows = policy_statuses(read_store(ctx))
    if json:
        console.emit_json([r.to_dict() for r in rows])
        return
    if not rows:
        console.say("No policies yet; add one with 'evidence policy add FILE'.")
        return
    console.table(
        ["id", "title", "last reviewed", "review due", "cycle (left)", "unchecked/unres.",
         "flags", "watch events", "new evidence"],
        [_row(r) for r in rows],
    )  # fmt: skip
    attention = sum(r.needs_attention for r in rows)
    console.say(f"{attention} of {len(rows)} polic{'y' if len(rows) == 1 else 'ies'} "
                f"need{'s' if attention == 1 else ''} attention.")  # fmt: skip


def _row(r) -> list[object]:  # type: ignore[no-untyped-def]
    flags = ", ".join(f"{n} {SHORT[k]}" for k, n in r.flags.items() if n)
    events = ", ".join(f"{n} {k}" for k, n in r.events.items())
    due = f"{r.review_due}{' (overdue)' if r.overdue else ''}" if r.review_due else ""
    cycle = f"{r.open_cycle} ({r.candidates_left})" if r.open_cycle else ""
    news = r.new_evidence
    found = "" if not news else "?" if news["count"] is None else str(news["count"])
    title = r.title if len(r.title) <= 48 else r.title[:47] + "…"
    return [r.id, title, r.last_reviewed, due, cycle, f"{r.unchecked}/{r.unresolved}",
            flags, events, found]  # fmt: skip
