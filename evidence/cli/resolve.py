"""`evidence resolve`: check the references' PMIDs against PubMed, find the missing ones."""

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
from evidence.errors import InputError


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
    accept: Annotated[
        bool,
        typer.Option(
            "--accept",
            help="Confirm the matches found from citations: every unconfirmed one of the "
            "policy, or only reference --ref N (--pmid chooses among candidates). No network.",
        ),
    ] = False,
    ref: Annotated[
        int | None, typer.Option("--ref", metavar="N", help="With --accept: reference number N.")
    ] = None,
    pmid: Annotated[
        str | None, typer.Option("--pmid", help="With --accept --ref N: the candidate chosen.")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Fetch the PubMed records behind the references and check each citation.

    Only PMIDs not stored yet are fetched (200 per request, at NCBI's rate limit: 3/s, 10/s
    with NCBI_API_KEY). References without a PMID are found from their citation (ECitMatch,
    then a title/author/year search); such a match is unconfirmed until accepted with
    --accept. Exits 3 when a PMID stays unresolved or NCBI cannot be reached; what was
    stored stays stored.

    Without POLICY (or with --all) every policy's references are resolved.

    Example: evidence resolve stem-cell-pad ; evidence resolve stem-cell-pad --accept --ref 12
    """
    policy_id = chosen_policy(policy, policy_option, every)
    if accept or ref is not None or pmid is not None:
        if not accept:
            raise InputError("--ref and --pmid go with --accept: evidence resolve POLICY --accept --ref N")
        _accept(ctx, policy_id, ref, pmid, json)
        return
    from evidence.entrez.client import EntrezClient
    from evidence.services.resolve import resolve as run

    cfg = settings(ctx).with_(offline=offline, refresh=refresh)
    engine = open_engine(ctx)
    with EntrezClient(cfg) as client, console.progress("Resolving PMIDs") as bar:
        summary = run(engine, client, policy_id=policy_id, refresh=refresh, progress=bar)
    if summary.interrupted:
        left = len(summary.unresolved)
        console.error(
            f"Interrupted: kept what is stored ({summary.resolved} PMIDs resolved); "
            f"not done: {plural(left, 'PMID')} not fetched, citations not checked. "
            "Run it again to continue."
        )
        raise typer.Exit(130)
    if summary.unreachable:  # one line: why, and what the store holds
        console.error(
            f"{summary.unreachable}; kept what is stored "
            f"({summary.resolved} of {summary.resolved + len(summary.unresolved)} PMIDs resolved)."
        )
    if json:
        console.emit_json(summary.to_dict())
    elif not summary.unreachable:
        _print_summary(summary, policy_id)
    if summary.partial:
        raise typer.Exit(3)


def _accept(
    ctx: typer.Context, policy_id: str | None, number: int | None, pmid: str | None, json: bool
) -> None:
    from evidence.services.resolve import accept_matches

    if not policy_id:
        raise InputError("--accept needs the policy: evidence resolve POLICY --accept [--ref N]")
    done = accept_matches(open_engine(ctx), policy_id, number, pmid)
    if json:
        console.emit_json([{"number": a.number, "pmid": a.pmid, "replaced": a.was} for a in done])
        return
    if not done:
        console.say("No unconfirmed match to accept.")
    for a in done:
        extra = f" (replacing the printed PMID {a.was})" if a.was else ""
        console.say(f"Reference {a.number}: PMID {a.pmid} confirmed{extra}.")


def _print_summary(s, policy_id: str | None) -> None:  # type: ignore[no-untyped-def]
    console.say(
        f"Resolved {plural(s.resolved, 'PMID')} ({s.from_cache} from cache, {s.fetched} fetched, "
        f"{plural(s.requests, 'request')}); {len(s.unresolved)} unresolved; "
        f"{plural(s.flagged, 'reference')} flagged."
    )
    where = policy_id or "POLICY"
    if s.matched:
        console.say(
            f"Found {plural(s.matched, 'reference')} without a PMID from the citation "
            f"(unconfirmed: check, then `evidence resolve {where} --accept`)."
        )
    if s.ambiguous:
        console.say(
            f"{plural(s.ambiguous, 'reference')} matched two close records; both are kept "
            f"(`evidence policy show {where}`; choose with --accept --ref N --pmid PMID)."
        )
    for number, pmids in s.suggested.items():
        console.say(
            f"  reference {number}: the printed PMID does not match the citation, which matches "
            f"PMID {pmids.replace(',', ' or ')} (suggested; --accept --ref {number} to use it)."
        )
    nothing = [p for p, r in s.unresolved.items() if r.startswith("NCBI returned nothing")]
    if nothing:
        console.say(f"NCBI returned nothing for {plural(len(nothing), 'PMID')}; they are asked again next run.")
    for pmid, reason in s.unresolved.items():
        if pmid not in nothing:
            console.say(f"  unresolved {pmid}: {reason}")
