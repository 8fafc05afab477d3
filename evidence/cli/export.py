"""`evidence export POLICY --format ris|bibtex|csljson|nbib|csv|ama [-o FILE]`."""

from __future__ import annotations

from typing import Annotated

import typer

from evidence import console
from evidence.cli.base import (
    ForceFlag,
    PolicyArgument,
    PolicyOption,
    chosen_policy,
    output_format,
    plural,
    read_store,
)


def export(
    ctx: typer.Context,
    policy: PolicyArgument = None,
    policy_option: PolicyOption = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="ris, bibtex, csljson, nbib, csv, ama or endnote (XML) "
                     "[default: from the -o suffix, else ris]"),
    ] = None,
    output: Annotated[
        str, typer.Option("--output", "-o", help="File to write, or - for standard output.")
    ] = "-",
    include_candidates: Annotated[
        bool, typer.Option("--include-candidates",
                           help="Add the current review cycle's candidates with their decisions.")
    ] = False,
    no_bom: Annotated[
        bool, typer.Option("--no-bom", help="CSV without the UTF-8 byte-order mark Excel needs.")
    ] = False,
    force: ForceFlag = False,
) -> None:
    """Export a policy's references for reference managers and citation processors.

    Resolved references come from their PubMed records, the others from the policy's
    citation text. Every format carries PMID, DOI, PMCID, all authors, and the design tag,
    level, role, flags and screening decision as keywords.

    Example: evidence export stem-cell-pad -o refs.bib
    """
    from evidence.export import SUFFIXES, format_name
    from evidence.files import write_output
    from evidence.services.export import export_policy, prepare_export

    policy_id = chosen_policy(policy, policy_option, required=True)
    name = format_name(output_format(fmt, output, SUFFIXES, "ris"))
    store = read_store(ctx)
    if output == "-":
        text, _ = export_policy(store, policy_id, name, include_candidates, bom=not no_bom)
        if text:
            console.emit_text(text)
        return
    write, count = prepare_export(store, policy_id, name, include_candidates, bom=not no_bom)
    write_output(output, write, force=force)
    console.say(f"Wrote {plural(count, 'entry', 'entries')} as {name} to {output}.")
