"""`evidence article show`: one stored PubMed record."""

from __future__ import annotations

from typing import Annotated

import typer

from evidence import console
from evidence.cli.base import JsonFlag, new_app, read_store

app = new_app("Look at the PubMed records in the store.")


@app.command("show")
def show(
    ctx: typer.Context,
    pmid: Annotated[str, typer.Argument(metavar="PMID", help="PubMed id.")],
    json: JsonFlag = False,
) -> None:
    """Show a stored article: title, authors, journal, date, types, MeSH, status, abstract.

    Example: evidence article show 90000001 --json
    """
    from evidence.services.article import show_article

    view = show_article(read_store(ctx), pmid)
    if json:
        console.emit_json(view)
        return
    lines = [
        f"PMID {view['pmid']}: {view['title'] or '(no title)'}",
        f"Authors: {', '.join(view['authors']) or '-'}",
        f"Journal: {view['journal'] or '-'} ({view['date'] or 'no date'})"
        + (f" {view['volume']}" if view["volume"] else "")
        + (f"({view['issue']})" if view["issue"] else "")
        + (f":{view['pages']}" if view["pages"] else ""),
        f"DOI: {view['doi'] or '-'}",
        f"Publication types: {'; '.join(p for p in view['publication_types'] if p) or '-'}",
        f"MeSH: {'; '.join(view['mesh']) or '-'}",
        f"Status: {view['citation_status'] or '-'} / {view['publication_status'] or '-'}"
        f" (indexing: {view['indexing_method'] or '-'})",
    ]
    for c in view["comments_corrections"]:
        lines.append(
            f"{c.get('ref_type')}: PMID {c.get('pmid') or '-'} {c.get('source') or ''}".rstrip()
        )
    if view["abstract"]:
        lines += ["", view["abstract"]]
    console.emit_text("\n".join(lines))
