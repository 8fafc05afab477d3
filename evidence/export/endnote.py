"""EndNote XML (File > Import > EndNote generated XML), for `-o refs.xml`.

The layout is EndNote's own export: `<xml><records><record>` with `ref-type` (its number and
name), `contributors/authors/author` as "Family, Given", `titles` (title, secondary-title for
the journal), `periodical`, `pages`, `volume`, `number` (issue), `dates/year`,
`electronic-resource-num` (DOI), `accession-num` (PMID), `keywords`, `urls`, `abstract` and
`notes`. Text is escaped by the XML library, never by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO
from xml.etree import ElementTree as ET

from evidence.export.entry import ExportEntry, full_pages

# kind -> (EndNote's ref-type number, its name)
_REF_TYPES = {
    "article": (17, "Journal Article"),
    "book": (6, "Book"),
    "report": (27, "Report"),
    "web": (12, "Web Page"),
    "other": (13, "Generic"),
}


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def _ref_type(e: ExportEntry) -> tuple[int, str]:
    if e.kind in _REF_TYPES and e.kind != "article":
        return _REF_TYPES[e.kind]
    return _REF_TYPES["article"] if e.is_published_work else _REF_TYPES["other"]


def to_record(e: ExportEntry) -> ET.Element:
    record = ET.Element("record")
    number, name = _ref_type(e)
    _sub(record, "ref-type", str(number)).set("name", name)
    if e.authors:
        authors = _sub(_sub(record, "contributors"), "authors")
        for a in e.authors:
            _sub(authors, "author", a.family_given())
    titles = _sub(record, "titles")
    _sub(titles, "title", e.title or "")
    if e.journal:
        _sub(titles, "secondary-title", e.journal)
        periodical = _sub(record, "periodical")
        _sub(periodical, "full-title", e.journal)
        if e.journal_abbrev:
            _sub(periodical, "abbr-1", e.journal_abbrev)
    optional = [
        ("pages", full_pages(e.pages)),
        ("volume", e.volume),
        ("number", e.issue),
        ("publisher", e.publisher),
        ("pub-location", e.place),
        ("electronic-resource-num", e.doi),
        ("accession-num", e.pmid),
        ("custom2", e.pmcid),
    ]
    for tag, value in optional:
        if value:
            _sub(record, tag, value)
    if e.year:
        _sub(_sub(record, "dates"), "year", str(e.year))
    if e.keywords():
        keywords = _sub(record, "keywords")
        for word in e.keywords():
            _sub(keywords, "keyword", word)
    if e.url:
        _sub(_sub(_sub(record, "urls"), "related-urls"), "url", e.url)
    if e.abstract:
        _sub(record, "abstract", e.abstract)
    if e.notes():
        _sub(record, "notes", "\n".join(e.notes()))
    return record


def write(entries: Sequence[ExportEntry], stream: TextIO) -> None:
    """The layout `ET.indent` gives the whole tree, written a record at a time: a big
    export's tree never sits in memory whole."""
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    if not entries:
        stream.write("<xml>\n  <records />\n</xml>\n")
        return
    stream.write("<xml>\n  <records>")
    for e in entries:
        record = to_record(e)
        ET.indent(record, level=2)
        stream.write("\n    " + ET.tostring(record, encoding="unicode"))
    stream.write("\n  </records>\n</xml>\n")
