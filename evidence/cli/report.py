"""`evidence report POLICY [--format text|md|html|json] [-o FILE]`."""

from __future__ import annotations

from typing import Annotated

import typer

from evidence import console
from evidence.cli.base import (
    ForceFlag,
    OutputOption,
    PolicyArgument,
    PolicyOption,
    chosen_policy,
    output_format,
    read_store,
)

# -o suffix -> report format, for `-o report.html` without --format
SUFFIXES = {".txt": "text", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
            ".json": "json"}


def report(
    ctx: typer.Context,
    policy: PolicyArgument = None,
    policy_option: PolicyOption = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="text, md, html or json [default: from the -o suffix, else text]"),
    ] = None,
    output: OutputOption = None,
    force: ForceFlag = False,
) -> None:
    """The state of the evidence behind a policy's conclusion: inventory, direct evidence, flags.

    Example: evidence report stem-cell-pad --format html -o reports/stem-cell-pad.html
    """
    from evidence.files import write_output
    from evidence.services.report import FORMATS, build, render

    policy_id = chosen_policy(policy, policy_option, required=True)
    fmt = output_format(fmt, output, SUFFIXES, "text")
    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    data = build(read_store(ctx), policy_id)
    text = render(data, fmt)
    if output and output != "-":
        path = write_output(output, text, force=force)
        console.say(f"Wrote the {fmt} report of {policy_id!r} to {path}.")
    else:
        console.emit_text(text)
    if data["basis"]["how_to_resolve"]:
        console.say(
            f"Note: {data['basis']['note']}; "
            f"run '{data['basis']['how_to_resolve']}' to check against PubMed."
        )
