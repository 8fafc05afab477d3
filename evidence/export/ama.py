"""AMA reference list, rendered by citeproc-py through the official CSL style.

The style file (`styles/american-medical-association.csl`, CC BY-SA 3.0, from the CSL styles
repository) decides punctuation, author truncation ("et al" after 3 when there are more than
6) and abbreviations; this module only feeds it CSL items and prints the numbered list. What
citeproc-py does not implement of the style (e.g. `page-range-format`) is compensated for in
the data, never by editing the output: pages arrive already expanded.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import as_file, files
from typing import Any, TextIO

from evidence.export.csljson import to_items
from evidence.export.entry import ExportEntry

STYLE = "styles/american-medical-association.csl"


def render_list(entries: Sequence[ExportEntry]) -> list[str]:
    """One line per entry, numbered as the style numbers them (in entry order)."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    items = [_for_ama(item, e) for item, e in zip(to_items(entries), entries, strict=True)]
    with as_file(files("evidence.export").joinpath(STYLE)) as path:
        style = CitationStylesStyle(str(path), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [" ".join(str(line).split()) for line in bibliography.bibliography()]


def _for_ama(item: dict[str, Any], entry: ExportEntry) -> dict[str, Any]:
    """The CSL item as the AMA list needs it.

    - A citation that cut its author list ("Kullo IJ, Rooke TW, Smith A, et al") lists only
      the first authors: an "et al" group name keeps the cut visible instead of presenting
      three authors as all of them (the style itself writes "et al" only when it knows > 6).
    - The PubMed URL is left out: the style prints a URL only when there is no DOI, and AMA
      wants an access date with it, which an export cannot truthfully give.
    """
    item = {k: v for k, v in item.items() if k != "URL"}
    if entry.et_al and item.get("author"):
        item["author"] = [*item["author"], {"literal": "et al"}]
    return item


def write(entries: Sequence[ExportEntry], stream: TextIO) -> None:
    for line in render_list(entries):
        stream.write(line + "\n")
