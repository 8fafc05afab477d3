"""`evidence resolve`: check the references' PMIDs against PubMed."""

from __future__ import annotations

from typing import Annotated

import typer

from evidence import console
from evidence.cli.base import (
    AllFlag,
    JsonFlag,
    PolicyArgument,
    PolicyOption,
    chosen_policy,
    open_engine,
    plural,
    settings,
)


def resolve(
    ctx: typer.Context,
    policy: PolicyArgument = None,
    policy_option: PolicyOption = None,
    every: AllFlag = False,
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

    Without POLICY (or with --all) every policy's references are resolved.

    Example: evidence resolve stem-cell-pad
    """
    from evidence.entrez.client import EntrezClient
    from evidence.services.resolve import resolve as run

    policy_id = chosen_policy(policy, policy_option, every)
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
        f"Resolved {plural(s.resolved, 'PMID')} ({s.from_cache} from cache, {s.fetched} fetched, "
        f"{plural(s.requests, 'request')}); {len(s.unresolved)} unresolved; "
        f"{plural(s.flagged, 'reference')} flagged."
    )
    if s.matched:
        console.say(f"ECitMatch matched {plural(s.matched, 'reference')} without a PMID (unconfirmed).")
    for pmid, reason in s.unresolved.items():
        console.say(f"  unresolved {pmid}: {reason}")
