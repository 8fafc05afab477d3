"""`evidence export POLICY --format ris|bibtex|csljson|nbib|csv|ama [-o FILE]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evidence import console
from evidence.cli.base import open_engine


def export(
    ctx: typer.Context,
    policy_id: Annotated[str, typer.Argument(metavar="POLICY", help="Policy id.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="ris, bibtex, csljson, nbib, csv or ama "
                     "[default: from the -o suffix, else ris]"),
    ] = None,
    output: Annotated[
        str, typer.Option("--output", "-o", help="File to write, or - for standard output.")
    ] = "-",
    include_candidates: Annotated[
        bool, typer.Option("--include-candidates",
                           help="Add the current review cycle's candidates with their decisions.")
    ] = False,
) -> None:
    """Export a policy's references for reference managers and citation processors.

    Resolved references come from their PubMed records, the others from the policy's
    citation text. Every format carries PMID, DOI, PMCID, all authors, and the design tag,
    level, role, flags and screening decision as keywords.

    Example: evidence export stem-cell-pad -o refs.bib
    """
    from evidence.export import SUFFIXES, format_name
    from evidence.files import write_atomic
    from evidence.services.export import export_policy

    name = format_name(fmt) if fmt else SUFFIXES.get(Path(output).suffix.lower(), "ris")
    text, count = export_policy(open_engine(ctx), policy_id, name, include_candidates)
    if output == "-":
        if text:
            console.emit_text(text)
        return
    write_atomic(output, text)
    console.say(f"Wrote {count} entries as {name} to {output}.")
