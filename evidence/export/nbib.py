"""MEDLINE tagged format (.nbib), as PubMed's "Send to: Citation manager" writes it.

Each line is a tag padded to four characters, "- ", and the value; long values wrap at 80
columns onto continuation lines indented six spaces (readers join them with one space, so we
wrap only at single spaces). Only single-valued tags (TI, AB, SO, JT ...) wrap: readers such as
Bio.Medline turn a continuation of a repeatable tag (AU, OT, GN ...) into a new value, so those
stay on one line however long. Records are separated by a blank line. The design tag, level,
role, decision and flags go in OT (other term) lines under `OTO - NOTNLM`, the field PubMed
uses for non-MeSH keywords. Notes go in GN (general note).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from typing import TextIO

from evidence.export.entry import ExportEntry, month_abbrev

WIDTH = 80
# Tags a reader joins across continuation lines; every other tag may repeat and never wraps.
WRAPPED = frozenset(
    "PMID OWN STAT VI IP DP TI PG LID AB LA TA JT PMC PST SO IS DEP PL JID SB".split()
)


def line(tag: str, value: str) -> str:
    """`TAG - value`, wrapped at WIDTH with six-space continuation lines."""
    text = " ".join(str(value).split())
    head = f"{tag:<4}- "
    if tag not in WRAPPED:
        return head + text
    return "\n".join(
        textwrap.wrap(text, width=WIDTH, initial_indent=head, subsequent_indent=" " * 6,
                      break_long_words=False, break_on_hyphens=False)
        or [head.rstrip()]
    )


def date_published(e: ExportEntry) -> str | None:
    """DP as MEDLINE writes it: "2016 Mar 3"."""
    if not e.year:
        return None
    parts = [str(e.year)]
    if month_abbrev(e.month):
        parts.append(str(month_abbrev(e.month)))
        if e.day:
            parts.append(str(e.day))
    return " ".join(parts)


def source(e: ExportEntry) -> str:
    """SO: "N Engl J Med. 2016 Mar 3;374(9):861-71. doi: 10.1056/..."."""
    out = f"{e.journal_abbrev or e.journal or ''}. {date_published(e) or ''}".strip()
    if e.volume:
        out += f";{e.volume}" + (f"({e.issue})" if e.issue else "")
    if e.pages:
        out += f":{e.pages}"
    out += "."
    return out + (f" doi: {e.doi}." if e.doi else "")


def _lines(e: ExportEntry) -> Iterator[tuple[str, str | None]]:
    yield "PMID", e.pmid
    if e.resolved:
        yield "OWN", "NLM"
    yield "STAT", e.citation_status
    yield "VI", e.volume
    yield "IP", e.issue
    yield "DP", date_published(e)
    yield "TI", e.title
    yield "PG", e.pages
    yield "LID", f"{e.doi} [doi]" if e.doi else None
    yield "AB", e.abstract
    for a in e.authors:
        if a.is_collective:
            yield "CN", a.literal
        else:
            yield "FAU", a.family_given()
            yield "AU", a.short()
    yield "LA", e.language
    for pt in e.publication_types:
        yield "PT", pt
    yield "TA", e.journal_abbrev
    yield "JT", e.journal
    for term in e.mesh:
        yield "MH", term
    keywords = e.keywords()
    if keywords:
        yield "OTO", "NOTNLM"
        for k in keywords:
            yield "OT", k
    for note in e.notes():
        yield "GN", note
    yield "PMC", e.pmcid
    yield "AID", f"{e.doi} [doi]" if e.doi else None
    yield "PST", e.publication_status
    yield "SO", source(e)


def format_record(e: ExportEntry) -> str:
    return "\n".join(line(tag, value) for tag, value in _lines(e) if value) + "\n"


def write(entries: Sequence[ExportEntry], stream: TextIO) -> None:
    # PubMed's files start each record with a blank line; readers split records on it.
    for e in entries:
        stream.write("\n" + format_record(e))
