"""`evidence review query|start|screen|decide|undo|candidates|conflicts|resolve|settings|close|
list|diff`: review cycles."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from evidence import console
from evidence.cli.base import JsonFlag, new_app, open_engine, read_store, settings

app = new_app("Review cycles: search what is new since the last review, screen it, freeze it.")

PolicyArg = Annotated[str, typer.Argument(help="Policy id.")]
ReviewerOpt = Annotated[
    str | None,
    typer.Option(
        "--reviewer", help="Who decides (default: $EVIDENCE_REVIEWER, else your login name)."
    ),
]
ReasonOpt = Annotated[
    str | None,
    typer.Option(
        "--reason",
        help="Exclusion reason: 1-7 or its "
        "name (wrong-population, wrong-intervention, wrong-comparator, wrong-outcome, "
        "wrong-study-design, not-primary-research, other).",
    ),
]


def _who(ctx: typer.Context, reviewer: str | None) -> str:
    return (reviewer or "").strip() or settings(ctx).reviewer


def _date(value: str | None, what: str):  # type: ignore[no-untyped-def]
    from evidence.review.window import parse_date

    return parse_date(value, what) if value else None


@app.command("query")
def query(
    ctx: typer.Context,
    policy_id: PolicyArg,
    set_: Annotated[str | None, typer.Option("--set", help="Save this PubMed query.")] = None,
    designs: Annotated[
        str | None,
        typer.Option(
            "--designs",
            help="Re-derive, restricted to: rct,meta-analysis,systematic-review,guideline.",
        ),
    ] = None,
    preview: Annotated[
        bool,
        typer.Option(
            "--preview", help="Ask PubMed how many records it finds and how it reads the query."
        ),
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Show or edit the policy's saved PubMed search.

    By default it is derived from the policy's intervention and condition: MeSH headings
    ([mh]) and title/abstract words ([tiab]) with their synonyms.

    Example: evidence review query stem-cell-pad --preview
    """
    from evidence.services.review import review_query

    engine = open_engine(ctx)
    view = review_query(engine, policy_id, new_query=set_, designs=designs)
    if preview:
        _preview(ctx, engine, policy_id, view, json)
        return
    if json:
        console.emit_json(view)
        return
    if not view["saved"]:
        console.say("No saved query; this one is derived from the policy (save it with --set).")
    console.emit_text(view["query"])


def _preview(ctx: typer.Context, engine: Any, policy_id: str, view: dict[str, Any], json: bool) -> None:
    from evidence.entrez.client import EntrezClient
    from evidence.services.review import query_preview

    with EntrezClient(settings(ctx)) as client:
        result = query_preview(engine, client, policy_id)
    if json:
        console.emit_json({**view, **result})
        return
    console.emit_text(result["query"])
    console.say(f"PubMed finds {result['count']} records (all dates).")
    if result["translation"]:
        console.say(f"PubMed reads it as: {result['translation']}")
    for phrase in result.get("not_found", []):
        console.warn(f"PubMed found nothing for {phrase}")


@app.command("start")
def start(
    ctx: typer.Context,
    policy_id: PolicyArg,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Window start, YYYY-MM-DD "
            "(default: the last cycle's end, else the policy's last-reviewed date).",
        ),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Window end (default: today).")
    ] = None,
    query_: Annotated[
        str | None, typer.Option("--query", help="Search this instead of the saved query.")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Open a review cycle (or resume the open one): search PubMed by Entrez date, fetch, tag
    and store the new records as candidates for screening.

    Example: evidence review start stem-cell-pad --since 2025-09-17
    """
    from evidence.entrez.client import EntrezClient
    from evidence.errors import EntrezError
    from evidence.services.review import start_cycle

    engine = open_engine(ctx)
    client = EntrezClient(settings(ctx))
    try:
        with console.progress("Fetching candidates") as progress:
            result = start_cycle(
                engine,
                client,
                policy_id,
                since=_date(since, "--since"),
                until=_date(until, "--until"),
                query=query_,
                progress=progress,
            )
    except EntrezError as exc:
        console.error(f"{exc}; what was stored stays, run 'evidence review start' again to resume")
        raise typer.Exit(3) from None
    finally:
        client.close()
    _report_start(result, json)


def _report_start(result: Any, json: bool) -> None:
    from dataclasses import asdict

    verb = "Resumed" if result.resumed else "Opened"
    console.say(
        f"{verb} cycle {result.cycle}: {result.since} to {result.until} ({result.date_type})."
    )
    console.say(f"Query: {result.query}")
    console.say(
        f"{result.identified} hits, {result.duplicates} already cited or decided, "
        f"{result.added} new candidates; {result.candidates} candidates in the cycle."
    )
    if not result.complete:
        console.warn(
            f"searched {result.since}..{result.searched_until} only; "
            "run 'evidence review start' again to search the rest"
            if result.searched_until
            else "the search did not run; run 'evidence review start' again"
        )
    if result.not_retrieved:
        console.warn(
            f"{len(result.not_retrieved)} hits had no PubMed record: "
            + ", ".join(sorted(result.not_retrieved))
        )
    if json:
        console.emit_json(asdict(result))
    if result.not_retrieved:
        raise typer.Exit(3)


@app.command("candidates")
def candidates_(
    ctx: typer.Context,
    policy_id: PolicyArg,
    unscreened: Annotated[
        bool, typer.Option("--unscreened", help="Only those still to screen (by you).")
    ] = False,
    order: Annotated[
        str,
        typer.Option(
            "--order",
            help="relevance (learned from the policy and the decisions so far) or design.",
        ),
    ] = "relevance",
    reviewer: ReviewerOpt = None,
    json: JsonFlag = False,
) -> None:
    """List the current cycle's candidates, most relevant first (--order design: highest-level
    designs first). With two reviewers you see the other's decision once you both decided."""
    from evidence.services.review import candidates

    view = candidates(open_engine(ctx), policy_id, unscreened=unscreened,
                      reviewer=_who(ctx, reviewer), order=order)  # fmt: skip
    if json:
        console.emit_json(view)
        return
    dual = view["reviewers_required"] > 1
    columns = ["rank", "score", "PMID", "design", "year", "journal", "title", "decision", "reason"]
    columns += ["yours", "status"] if dual else []
    rows = []
    for c in view["candidates"]:
        score = f"{c['relevance']:.2f}" if c["relevance"] is not None else None
        row = [c["rank"], score, c["pmid"], c["design"], c["year"], c["journal"],
               _short(c["title"], 60), c["decision"], c["reason"]]  # fmt: skip
        rows.append(row + ([c["my_decision"], c["status"]] if dual else []))
    n = len(view["candidates"])
    console.table(
        columns,
        rows,
        title=f"cycle {view['cycle']} ({view['status']}): {n} candidate{'s' if n != 1 else ''}, "
        f"{view['order']} order",
    )


def _short(text: str | None, width: int) -> str:
    if not text:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("screen")
def screen(
    ctx: typer.Context,
    policy_id: PolicyArg,
    order: Annotated[
        str, typer.Option("--order", help="relevance (default) or design.")
    ] = "relevance",
    reviewer: ReviewerOpt = None,
) -> None:
    """Screen the open cycle's candidates one by one: i include, e exclude (with a reason),
    m maybe, s skip, u undo the last decision, q quit (Ctrl-C too; every decision is kept).
    The most relevant come first, the ranking refit as decisions come in."""
    from evidence.cli.screen import run_screen

    run_screen(open_engine(ctx), policy_id, _who(ctx, reviewer), order)


@app.command("decide")
def decide_(
    ctx: typer.Context,
    policy_id: PolicyArg,
    pmid: Annotated[str, typer.Argument(help="The candidate's PMID.")],
    decision: Annotated[
        str, typer.Argument(metavar="include|exclude|maybe", help="The decision.")
    ],
    reason: ReasonOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
    reviewer: ReviewerOpt = None,
    json: JsonFlag = False,
) -> None:
    """Record or change your screening decision (until the cycle closes).

    Example: evidence review decide stem-cell-pad 90000001 exclude --reason wrong-population
    """
    from evidence.services.review import decide

    result = decide(open_engine(ctx), policy_id, pmid, decision, reason=reason, note=note,
                    reviewer=_who(ctx, reviewer))  # fmt: skip
    _say_decision(result)
    if json:
        console.emit_json(result)


def _say_decision(result: dict[str, Any]) -> None:
    line = (
        f"Cycle {result['cycle']}: PMID {result['pmid']} -> {result['decision']}"
        + (f" ({result['reason']})" if result["reason"] else "")
        + f" by {result['reviewer']}"
    )
    if result["status"] == "awaiting":
        line += "; awaiting the second reviewer"
    elif result["status"] == "conflict":
        line += "; the reviewers disagree (see 'evidence review conflicts')"
    console.say(line + ".")


@app.command("undo")
def undo(
    ctx: typer.Context, policy_id: PolicyArg, reviewer: ReviewerOpt = None, json: JsonFlag = False
) -> None:
    """Take back your latest screening decision in the open cycle."""
    from evidence.services.review import undo_last

    result = undo_last(open_engine(ctx), policy_id, reviewer=_who(ctx, reviewer))
    console.say(
        f"Cycle {result['cycle']}: undid {result['undone']['decision']} on PMID {result['pmid']} "
        f"by {result['reviewer']}."
    )
    if json:
        console.emit_json(result)


@app.command("conflicts")
def conflicts_(ctx: typer.Context, policy_id: PolicyArg, json: JsonFlag = False) -> None:
    """List the candidates two reviewers decided differently (resolve them with
    'evidence review resolve')."""
    from evidence.services.review import conflicts

    view = conflicts(open_engine(ctx), policy_id)
    if json:
        console.emit_json(view)
        return
    n = len(view["conflicts"])
    console.table(
        ["PMID", "design", "year", "title", "decisions"],
        [[c["pmid"], c["design"], c["year"], _short(c["title"], 60),
          "; ".join(f"{d['reviewer']}: {d['decision']}" + (f" ({d['reason']})" if d["reason"]
                                                            else "") for d in c["decisions"])]
         for c in view["conflicts"]],  # fmt: skip
        title=f"cycle {view['cycle']}: {n} conflict{'s' if n != 1 else ''}",
    )


@app.command("resolve")
def resolve_(
    ctx: typer.Context,
    policy_id: PolicyArg,
    pmid: Annotated[str, typer.Argument(help="The candidate's PMID.")],
    decision: Annotated[str, typer.Argument(metavar="include|exclude", help="The decision.")],
    reason: ReasonOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
    reviewer: ReviewerOpt = None,
    json: JsonFlag = False,
) -> None:
    """Settle a conflict between reviewers with a third decision.

    Example: evidence review resolve stem-cell-pad 90000001 include --note "agreed in meeting"
    """
    from evidence.services.review import resolve_conflict

    result = resolve_conflict(open_engine(ctx), policy_id, pmid, decision, reason=reason,
                              note=note, reviewer=_who(ctx, reviewer))  # fmt: skip
    console.say(f"Cycle {result['cycle']}: PMID {result['pmid']} resolved -> {result['decision']}"
                f" by {result['reviewer']}.")  # fmt: skip
    if json:
        console.emit_json(result)


@app.command("settings")
def settings_(
    ctx: typer.Context,
    policy_id: PolicyArg,
    reviewers: Annotated[
        int | None,
        typer.Option("--reviewers", help="Independent decisions each candidate needs (1-3)."),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Show or change how the policy's candidates are screened.

    Example: evidence review settings stem-cell-pad --reviewers 2
    """
    from evidence.services.review import review_settings

    view = review_settings(open_engine(ctx), policy_id, reviewers=reviewers)
    if json:
        console.emit_json(view)
        return
    n = view["reviewers"]
    console.say(f"Policy {view['policy']}: {n} reviewer{'s' if n != 1 else ''} per candidate.")


@app.command("close")
def close(
    ctx: typer.Context,
    policy_id: PolicyArg,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Close with candidates not screened, or with the search not run (marked "
            "incomplete).",
        ),
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Freeze the open cycle: its search, window, PRISMA counts and included studies."""
    from evidence.services.review import close_cycle

    view = close_cycle(open_engine(ctx), policy_id, force=force)
    if json:
        console.emit_json(view)
        return
    if view["incomplete"]:
        console.warn(f"Closed cycle {view['number']} incomplete: search not run for "
                     f"{view['not_searched']}.")  # fmt: skip
    else:
        console.say(f"Closed cycle {view['number']}.")
    _print_counts(view["counts"])


def _print_counts(counts: dict[str, Any]) -> None:
    from evidence.review.prisma import REASON_LABELS

    rows = [[k.replace("_", " "), v] for k, v in counts.items() if k != "excluded_by_reason"]
    rows += [
        [f"  excluded: {REASON_LABELS.get(k, k)}", v]
        for k, v in counts.get("excluded_by_reason", {}).items()
    ]
    console.table(["PRISMA 2020", "n"], rows)


@app.command("list")
def list_(ctx: typer.Context, policy_id: PolicyArg, json: JsonFlag = False) -> None:
    """List the policy's review cycles."""
    from evidence.services.cycles import list_cycles

    rows = list_cycles(read_store(ctx), policy_id)
    if json:
        console.emit_json(rows)
        return
    if not rows:
        console.say("No review cycles yet; open one with 'evidence review start POLICY'.")
        return
    console.table(
        [
            "#",
            "status",
            "since",
            "until",
            "identified",
            "screened",
            "included",
            "not screened",
            "kappa",
            "closed",
        ],
        [
            [
                r["number"],
                r["status"],
                r["since"],
                r["until"],
                r["counts"]["identified"],
                r["counts"]["screened"],
                r["counts"]["included"],
                r["counts"]["not_screened"],
                _kappa(r["agreement"]),
                (str(r["closed_at"]) if r["closed_at"] else "")
                + (" (incomplete)" if r["incomplete"] else ""),
            ]
            for r in rows
        ],
    )


def _kappa(agreement: dict[str, Any]) -> str | None:
    if not agreement["pairs"]:
        return None
    k = agreement["kappa"]
    return f"{k:.2f} (n={agreement['pairs']})" if k is not None else None


@app.command("diff")
def diff(
    ctx: typer.Context,
    policy_id: PolicyArg,
    from_: Annotated[
        int | None, typer.Option("--from", help="Earlier cycle (default: the one before --to).")
    ] = None,
    to: Annotated[
        int | None, typer.Option("--to", help="Later cycle (default: the last).")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Show what changed between two cycles: new candidates, changed decisions, added studies."""
    from evidence.services.cycles import diff_cycles

    d = diff_cycles(read_store(ctx), policy_id, from_n=from_, to_n=to)
    if json:
        console.emit_json(d)
        return
    console.say(f"Cycle {d['from']} -> cycle {d['to']}")
    console.table(
        ["PMID", "design", "decision"],
        [[c["pmid"], c["design"], c["decision"]] for c in d["new_candidates"]],
        title=f"{len(d['new_candidates'])} new candidates",
    )
    for c in d["decisions_changed"]:
        console.emit_text(f"decision changed: PMID {c['pmid']}: {c['from']} -> {c['to']}")
    console.emit_text("included studies added: " + (", ".join(d["included_added"]) or "none"))
