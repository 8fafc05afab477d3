"""`evidence report POLICY [--format text|md|html|json] [-o FILE]`."""

from __future__ import annotations

from typing import Annotated

import typer

from evidence import console
from evidence.cli.base import open_engine


def report(
    ctx: typer.Context,
    policy_id: Annotated[str, typer.Argument(metavar="POLICY", help="Policy id.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, md, html or json.")] = "text",
    output: Annotated[str | None, typer.Option("-o", "--output", help="Write to FILE.")] = None,
) -> None:
    """The state of the evidence behind a policy's conclusion: inventory, direct evidence, flags.

    Example: evidence report stem-cell-pad --format html -o reports/stem-cell-pad.html
    """
    from evidence.services.report import FORMATS, build, render, write_atomic

    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    data = build(open_engine(ctx), policy_id)
    text = render(data, fmt)
    if output and output != "-":
        path = write_atomic(output, text)
        console.say(f"Wrote the {fmt} report of {policy_id!r} to {path}.")
    else:
        console.emit_text(text)
    if data["basis"]["how_to_resolve"]:
        console.say(
            f"Note: {data['basis']['note']}; "
            f"run '{data['basis']['how_to_resolve']}' to check against PubMed."
        )
