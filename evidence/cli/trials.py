"""`evidence trials POLICY`: the policy's trials on ClinicalTrials.gov, fetched and stored."""

from __future__ import annotations

from typing import Annotated

import typer

from evidence import console
from evidence.cli.base import JsonFlag, open_engine, settings


def trials(
    ctx: typer.Context,
    policy_id: Annotated[str, typer.Argument(metavar="POLICY", help="Policy id.")],
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Ask ClinicalTrials.gov again, ignoring the cache.")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Answer from the HTTP cache alone; no network.")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Ongoing and unpublished trials: a ClinicalTrials.gov search for the policy's
    intervention terms and condition, plus every NCT id its citations or PubMed records cite.

    The trials are stored, so `evidence report` shows them offline. Exits 3 when the registry
    cannot be reached; the trials stored earlier are listed.

    Example: evidence trials stem-cell-pad
    """
    from evidence.report.trials import completion_text, enrollment_text, ongoing_rows
    from evidence.services.trials import fetch_trials
    from evidence.trials.client import CtgovClient

    cfg = settings(ctx).with_(offline=offline, refresh=refresh)
    engine = open_engine(ctx)
    with CtgovClient(cfg) as client:
        result = fetch_trials(engine, client, policy_id)
    if result.unreachable:
        console.error(
            f"{result.unreachable}; listing the {_n(len(result.trials), 'trial')} stored earlier."
        )
    if json:
        console.emit_json(result.to_dict())
    else:
        rows = ongoing_rows(result.trials)
        console.table(
            ["NCT", "Status", "Phase", "Enrollment", "Primary completion", "Results", "Cited", "Title"],
            [
                [
                    r["nct_id"],
                    (r["status"] or "").lower().replace("_", " "),
                    r["phase"] or "",
                    enrollment_text(r["enrollment"]),
                    completion_text(r["primary_completion"]),
                    "posted" if r["results_posted"] else "none",
                    "yes" if r["cited"] else "",
                    r["title"] or "",
                ]
                for r in rows
            ],
            title=f"{_n(len(rows), 'trial')} for {policy_id}",
        )
        if not result.unreachable:
            total = f" of {result.total} matching the search" if result.total is not None else ""
            console.say(f"{_n(result.fetched, 'trial')} fetched{total}.")
        for nct in result.missing:
            console.say(f"  {nct} is cited but ClinicalTrials.gov has no such study.")
        for t in result.unfetched:
            console.say(f"  {t['nct_id']} is cited ({', '.join(t['cited_by'])}) but not fetched yet.")
    if result.partial:
        raise typer.Exit(3)


def _n(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
