"""`evidence review query|start|screen|decide|candidates|close|list|diff`: review cycles."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from evidence import console
from evidence.cli.base import JsonFlag, new_app, open_engine, settings

app = new_app("Review cycles: search what is new since the last review, screen it, freeze it.")

PolicyArg = Annotated[str, typer.Argument(help="Policy id.")]


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
    json: JsonFlag = False,
) -> None:
    """Show or edit the policy's saved PubMed search.

    By default it is derived from the policy's intervention terms and condition.

    Example: evidence review query stem-cell-pad --designs rct,meta-analysis
    """
    from evidence.services.review import review_query

    view = review_query(open_engine(ctx), policy_id, new_query=set_, designs=designs)
    if json:
        console.emit_json(view)
        return
    if not view["saved"]:
        console.say("No saved query; this one is derived from the policy (save it with --set).")
    console.emit_text(view["query"])


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
        bool, typer.Option("--unscreened", help="Only those not screened.")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """List the current cycle's candidates, highest-level designs first."""
    from evidence.services.review import candidates

    view = candidates(open_engine(ctx), policy_id, unscreened=unscreened)
    if json:
        console.emit_json(view)
        return
    console.table(
        ["PMID", "design", "year", "journal", "title", "decision", "reason"],
        [
            [
                c["pmid"],
                c["design"],
                c["year"],
                c["journal"],
                _short(c["title"], 70),
                c["decision"],
                c["reason"],
            ]
            for c in view["candidates"]
        ],
        title=f"cycle {view['cycle']} ({view['status']}): {len(view['candidates'])} candidates",
    )


def _short(text: str | None, width: int) -> str:
    if not text:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("screen")
def screen(ctx: typer.Context, policy_id: PolicyArg) -> None:
    """Screen the open cycle's candidates one by one: i include, e exclude (with a reason),
    s skip, q quit. Meta-analyses, systematic reviews, guidelines and RCTs come first."""
    from evidence.review.prisma import EXCLUSION_REASONS
    from evidence.services.review import candidates, decide

    engine = open_engine(ctx)
    view = candidates(engine, policy_id, unscreened=True)
    if view["status"] != "open":
        from evidence.errors import InputError

        raise InputError(f"cycle {view['cycle']} is closed", hint="start a new cycle first")
    todo = view["candidates"]
    done = 0
    for n, c in enumerate(todo, 1):
        _show_candidate(c, n, len(todo))
        answer = typer.prompt("[i]nclude, [e]xclude, [s]kip, [q]uit", default="s").strip().lower()
        if answer.startswith("q"):
            break
        if answer.startswith("i"):
            note = typer.prompt("Note (optional)", default="", show_default=False)
            decide(engine, policy_id, c["pmid"], "include", note=note)
            done += 1
        elif answer.startswith("e"):
            for i, (_slug, label) in enumerate(EXCLUSION_REASONS, 1):
                console.say(f"  {i}. {label}")
            reason = typer.prompt("Reason (number)")
            note = typer.prompt("Note (optional)", default="", show_default=False)
            decide(engine, policy_id, c["pmid"], "exclude", reason=reason, note=note)
            done += 1
    left = len(candidates(engine, policy_id, unscreened=True)["candidates"])
    console.say(f"Screened {done}; {left} left in cycle {view['cycle']}.")


def _show_candidate(c: dict[str, Any], n: int, total: int) -> None:
    out = console.out
    out.print(
        f"\n[{n}/{total}] PMID {c['pmid']} · {c['design'] or 'unknown design'}",
        style="bold",
        markup=False,
    )
    out.print(c["title"] or "(no title)", markup=False)
    out.print(f"{c['journal'] or '?'} {c['year'] or ''}".strip(), style="dim", markup=False)
    if c["abstract"]:
        out.print(c["abstract"], markup=False)


@app.command("decide")
def decide_(
    ctx: typer.Context,
    policy_id: PolicyArg,
    pmid: Annotated[str, typer.Argument(help="The candidate's PMID.")],
    decision: Annotated[str, typer.Argument(metavar="include|exclude", help="The decision.")],
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="Exclusion reason: 1-7 or its "
            "name (wrong-population, wrong-intervention, wrong-comparator, wrong-outcome, "
            "wrong-study-design, not-primary-research, other).",
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
    json: JsonFlag = False,
) -> None:
    """Record or change a screening decision (until the cycle closes).

    Example: evidence review decide stem-cell-pad 90000001 exclude --reason wrong-population
    """
    from evidence.services.review import decide

    result = decide(open_engine(ctx), policy_id, pmid, decision, reason=reason, note=note)
    console.say(
        f"Cycle {result['cycle']}: PMID {result['pmid']} -> {result['decision']}"
        + (f" ({result['reason']})" if result["reason"] else "")
    )
    if json:
        console.emit_json(result)


@app.command("close")
def close(
    ctx: typer.Context,
    policy_id: PolicyArg,
    force: Annotated[
        bool, typer.Option("--force", help="Close with candidates not screened.")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Freeze the open cycle: its search, window, PRISMA counts and included studies."""
    from evidence.services.review import close_cycle

    view = close_cycle(open_engine(ctx), policy_id, force=force)
    if json:
        console.emit_json(view)
        return
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
    from evidence.services.review import list_cycles

    rows = list_cycles(open_engine(ctx), policy_id)
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
                r["closed_at"],
            ]
            for r in rows
        ],
    )


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
    from evidence.services.review import diff_cycles

    d = diff_cycles(open_engine(ctx), policy_id, from_n=from_, to_n=to)
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
