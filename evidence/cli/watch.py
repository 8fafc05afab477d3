"""`evidence watch [--policy ID ...] [--max-age DAYS] [--format F] [-o FILE] [--quiet]` and
`evidence watch ack EVENT... | --policy ID`.

Made for cron: no progress bar or colour unless stderr is a terminal, `--quiet` prints only
when something needs attention, and the exit code says what happened: 0 nothing changed,
4 something needs attention, 3 NCBI could not be reached (what was fetched is kept).
"""

from __future__ import annotations

from typing import Annotated

import typer

from evidence import console
from evidence.cli.base import JsonFlag, PolicyGroup, new_app, open_engine, settings

app = new_app("Watch the cited literature for retractions, corrections and new evidence.",
              cls=PolicyGroup)  # `evidence watch POLICY` beside `evidence watch ack`
EXIT_PARTIAL, EXIT_ATTENTION = 3, 4


@app.callback(invoke_without_command=True, no_args_is_help=False)
def watch(
    ctx: typer.Context,
    policy: Annotated[
        list[str] | None, typer.Option("--policy", metavar="ID", help="Policy id (repeatable; default: all).")
    ] = None,
    max_age: Annotated[
        int, typer.Option("--max-age", metavar="DAYS", help="Re-fetch records stored more than DAYS ago (0: all).")
    ] = 30,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text, md, html or json.")] = "text",
    output: Annotated[str | None, typer.Option("-o", "--output", metavar="FILE", help="Write to FILE.")] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only when something needs attention.")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Re-check every cited PubMed record and search for new high-level evidence.

    Records stored more than --max-age days ago are fetched again (200 per request, cache
    bypassed) and compared with the stored copy: retractions, errata, expressions of concern,
    updates, added publication types and vanished records become events, stored once each.
    Per policy, one search counts new RCTs, meta-analyses, systematic reviews and guidelines
    since its last review. Exit 0: nothing changed; 4: something needs attention; 3: NCBI
    could not be reached (what was checked is kept).

    Example: evidence watch --max-age 0 --format md -o digest.md   ·   evidence watch POLICY
    """
    if ctx.invoked_subcommand is not None:
        return
    from evidence.entrez.client import EntrezClient
    from evidence.files import write_atomic
    from evidence.services.watch import watch as run
    from evidence.watch.digest import FORMATS, headline, not_checked_lines, render_digest

    fmt = "json" if json else fmt.lower()
    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    engine = open_engine(ctx)
    with EntrezClient(settings(ctx)) as client:
        if quiet:
            result = run(engine, client, policy or None, max_age)
        else:
            with console.progress("Re-checking records") as bar:
                result = run(engine, client, policy or None, max_age, progress=bar)
    data = result.to_dict()
    if output and output != "-":
        path = write_atomic(output, render_digest(data, fmt))
        if not quiet or result.needs_attention or result.partial:
            console.say(f"{headline(data)} Wrote the {fmt} digest to {path}.")
    elif not quiet or result.needs_attention or result.partial:
        text = render_digest(data, fmt)
        console.emit_json(data) if fmt == "json" else console.emit_text(text)
    for line in not_checked_lines(data) if result.partial else ():
        console.error(line) if line.startswith("NCBI") else console.warn(line)
    if result.partial:
        raise typer.Exit(EXIT_PARTIAL)
    if result.needs_attention:
        raise typer.Exit(EXIT_ATTENTION)


@app.command("ack")
def ack(
    ctx: typer.Context,
    events: Annotated[
        list[int] | None, typer.Argument(metavar="EVENT", help="Event ids (see the digest).")
    ] = None,
    policy: Annotated[
        str | None, typer.Option("--policy", help="Every open event of this policy.")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Mark watch events as handled (by EVIDENCE_REVIEWER, else the OS user).

    Example: evidence watch ack 3 4   ·   evidence watch ack --policy stem-cell-pad
    """
    from evidence.services.watch import acknowledge

    done = acknowledge(open_engine(ctx), event_ids=events or None, policy_id=policy)
    if json:
        console.emit_json(done)
        return
    n = len(done["acknowledged"])
    console.say(f"Acknowledged {n} event{'s' if n != 1 else ''} as {done['by']}.")
