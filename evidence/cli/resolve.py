"""`evidence resolve`: check the references' PMIDs against PubMed."""

from __future__ import annotations

from typing import Annotated

import typer

from evidence import console
from evidence.cli.base import JsonFlag, open_engine, settings


def resolve(
    ctx: typer.Context,
    policy_id: Annotated[
        str | None, typer.Option("--policy", help="Policy id (default: every policy).")
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Refetch every PMID, ignoring the store and cache.")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Answer from the HTTP cache alone; no network.")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Fetch the PubMed records behind the references and check each citation.

    Only PMIDs not stored yet are fetched (200 per request, at NCBI's rate limit: 3/s, 10/s
    with NCBI_API_KEY). References without a PMID are matched with ECitMatch. Exits 3 when a
    PMID stays unresolved or NCBI cannot be reached; what was stored stays stored.

    Example: evidence resolve --policy stem-cell-pad
    """
    from evidence.entrez.client import EntrezClient
    from evidence.services.resolve import resolve as run

    cfg = settings(ctx).with_(offline=offline, refresh=refresh)
    engine = open_engine(ctx)
    with EntrezClient(cfg) as client, console.progress("Resolving PMIDs") as bar:
        summary = run(engine, client, policy_id=policy_id, refresh=refresh, progress=bar)
    if summary.unreachable:  # one line: why, and what the store holds
        console.error(
            f"{summary.unreachable}; kept what is stored "
            f"({summary.resolved} of {summary.resolved + len(summary.unresolved)} PMIDs resolved)."
        )
    if json:
        console.emit_json(summary.to_dict())
    elif not summary.unreachable:
        _print_summary(summary)
    if summary.partial:
        raise typer.Exit(3)


def _print_summary(s) -> None:  # type: ignore[no-untyped-def]
    console.say(
        f"Resolved {s.resolved} PMIDs ({s.from_cache} from cache, {s.fetched} fetched, "
        f"{s.requests} requests); {len(s.unresolved)} unresolved; {s.flagged} references flagged."
    )
    if s.matched:
        console.say(f"ECitMatch matched {s.matched} references without a PMID (unconfirmed).")
    for pmid, reason in s.unresolved.items():
        console.say(f"  unresolved {pmid}: {reason}")
