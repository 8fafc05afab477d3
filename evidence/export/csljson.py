"""CSL-JSON, the input of citeproc processors (Zotero, pandoc, citeproc-py, citation.js).

Entries validate against the CSL data schema shipped beside this module (`csl-data.json`).
`keyword` is one comma-separated string, as CSL defines it; ids are the BibTeX keys, so a
document can cite the same key against either file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from evidence.export.entry import ExportEntry, citation_keys, full_pages

SCHEMA_FILE = "csl-data.json"
_TYPES = {"article": "article-journal", "book": "book"}


def _author(a: Any) -> dict[str, str]:
    if a.literal is not None:
        return {"literal": a.literal}
    name = {"family": a.family}
    if a.given:
        name["given"] = a.given
    return name


def _issued(e: ExportEntry) -> dict[str, Any] | None:
    if not e.year:
        return None
    parts = [e.year] + ([e.month] if e.month else []) + ([e.day] if e.month and e.day else [])
    return {"date-parts": [parts]}


def to_csl(e: ExportEntry, key: str) -> dict[str, Any]:
    """One entry as a CSL item; absent values are left out, never written as null."""
    notes = e.notes()
    fields: list[tuple[str, Any]] = [
        ("id", key),
        ("type", _TYPES.get(e.kind, "article-journal") if e.is_published_work else "document"),
        ("author", [_author(a) for a in e.authors]),
        ("title", e.title),
        ("container-title", e.journal),
        ("container-title-short", e.journal_abbrev),
        ("issued", _issued(e)),
        ("volume", e.volume),
        ("issue", e.issue),
        ("page", full_pages(e.pages)),
        ("DOI", e.doi),
        ("PMID", e.pmid),
        ("PMCID", e.pmcid),
        ("URL", e.url),
        ("abstract", e.abstract),
        ("keyword", ", ".join(e.keywords())),
        ("note", "\n".join(notes)),
    ]
    return {k: v for k, v in fields if v not in (None, "", [])}


def to_items(entries: Sequence[ExportEntry]) -> list[dict[str, Any]]:
    return [to_csl(e, k) for e, k in zip(entries, citation_keys(list(entries)), strict=True)]


def write(entries: Sequence[ExportEntry], stream: TextIO) -> None:
    """The items as `json.dumps(items, indent=2)` spells them, written one item at a time."""
    if not entries:
        stream.write("[]\n")
        return
    keys = citation_keys(list(entries))
    for i, (e, k) in enumerate(zip(entries, keys, strict=True)):
        item = json.dumps(to_csl(e, k), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        stream.write(("[\n  " if i == 0 else ",\n  ") + item)
    stream.write("\n]\n")


def schema() -> dict[str, Any]:
    """The CSL data schema (for validators and tests)."""
    from importlib.resources import files

    return json.loads(files("evidence.export").joinpath(SCHEMA_FILE).read_text("utf-8"))  # type: ignore[no-any-return]
