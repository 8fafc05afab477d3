"""RIS for EndNote, Zotero and Mendeley, written by rispy.

Tags follow the RIS specification as those clients read it: one AU per author as "Family,
Given", T2 the journal and J2 its abbreviation, SP/EP the first and (expanded) last page, C2 the
PMCID (as EndNote's PubMed import does), and KW for the design tag, level, role, screening
decision and flags, because KW is what reference managers filter and tag on.

The PMID goes where each client reads it: AN (EndNote's accession number, PubMed's own RIS)
and `M2  - PMID: N`, because Zotero's RIS translator maps M2 to the item's Extra field, where
Zotero (and Better BibTeX, citation-js) recognise a "PMID: N" line; AN alone lands in Zotero's
"Loc. in Archive". Books and reports carry PB (publisher) and CY (place).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TextIO

import rispy

from evidence.export.entry import ExportEntry, page_range

_TYPES = {"article": "JOUR", "book": "BOOK", "report": "RPRT", "web": "ELEC"}


# rispy's tags plus M2, which rispy does not name and Zotero reads into Extra
_MAPPING = {**rispy.TAG_KEY_MAPPING, "M2": "zotero_extra"}


class _Writer(rispy.RisWriter):
    """rispy's writer without the "1." counter line it puts before each record."""

    def set_header(self, count: int) -> str:
        return ""


def _date(e: ExportEntry) -> str | None:
    if not e.year:
        return None
    parts = [f"{e.year:04d}"]
    if e.month:
        parts.append(f"{e.month:02d}")
        if e.day:
            parts.append(f"{e.day:02d}")
    return "/".join(parts)


def _type(e: ExportEntry) -> str:
    if e.kind in ("book", "report", "web"):
        return _TYPES[e.kind]
    return "JOUR" if e.is_published_work else "GEN"


def to_ris(e: ExportEntry) -> dict[str, Any]:
    """One entry as rispy's dict, keys in the order the tags are written."""
    first, last = page_range(e.pages)
    fields: list[tuple[str, Any]] = [
        ("type_of_reference", _type(e)),
        ("authors", [a.family_given() for a in e.authors]),
        ("title", e.title),
        ("secondary_title", e.journal),
        ("alternate_title1", e.journal_abbrev),
        ("year", str(e.year) if e.year else None),
        ("date", _date(e)),
        ("volume", e.volume),
        ("number", e.issue),
        ("start_page", first),
        ("end_page", last),
        ("doi", e.doi),
        ("accession_number", e.pmid),
        ("zotero_extra", f"PMID: {e.pmid}" if e.pmid else None),
        ("custom2", e.pmcid),
        ("publisher", e.publisher),
        ("place_published", e.place),
        ("urls", [e.url] if e.url else []),
        ("language", e.language),
        ("abstract", e.abstract),
        ("keywords", e.keywords()),
        ("notes", e.notes()),
    ]
    return {k: _one_line(v) for k, v in fields if v not in (None, "", [])}


def _one_line(value: Any) -> Any:
    """RIS is line-based: a newline inside a value (abstract paragraphs) would end the field."""
    if isinstance(value, list):
        return [_one_line(v) for v in value]
    return " ".join(value.split()) if isinstance(value, str) else value


class _Records:
    """The entries as rispy's dicts, each made as rispy reaches it (rispy asks for the count)."""

    def __init__(self, entries: Sequence[ExportEntry]) -> None:
        self.entries = entries

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (to_ris(e) for e in self.entries)


def write(entries: Sequence[ExportEntry], stream: TextIO) -> None:
    _Writer(mapping=_MAPPING).format_lines(stream, _Records(entries))
