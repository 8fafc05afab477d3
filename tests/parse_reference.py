"""The straightforward lxml walk `evidence.entrez.parse` used before it was tuned (issue #16).

A reference, not a second parser: it reads every field the obvious way (a dict of first
children per element, `_text` per field, whitespace collapsed by split/join), so that the
tests can require the tuned `parse_efetch` to give the very same records, field by field and
byte for byte (tests/test_parse_equivalence.py). Slow on purpose; keep it plain. Only the
walk lives here: the body checks and the pure field conventions (dates, pages, DOI,
indexing) are imported, being shared by definition.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from evidence.entrez.parse import (
    ParseError,
    _author,
    _doi,
    _indexing,
    _pages,
    _pub_date,
    _root,
)
from evidence.records import Article

_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")


def clean_text(text: str | None) -> str | None:
    if text is None:
        return None
    return " ".join(text.split()) or None


def _text(el: etree._Element | None) -> str | None:
    """An element's text with inline markup flattened; entity references stay unexpanded."""
    if el is None:
        return None
    if not len(el):  # a leaf, the common case: skip the itertext walk
        return clean_text(el.text)
    return clean_text("".join(el.itertext()))


def _first_children(el: etree._Element | None) -> dict[str, etree._Element]:
    """Tag -> first child with that tag, in one pass (cheaper than a find() per field)."""
    children: dict[str, etree._Element] = {}
    if el is None:
        return children
    for child in el:
        children.setdefault(child.tag, child)
    return children


def _find_text(el: etree._Element, path: str) -> str | None:
    return clean_text(el.findtext(path))


def reference_parse(data: bytes) -> list[Article]:
    """Parse an efetch `db=pubmed retmode=xml` body into one Article per record, in order."""
    root = _root(data)
    records = [child for child in root if child.tag in _RECORD_TAGS]
    raw = _raw_slices(data, root, records)
    return [
        _journal_article(el, xml) if el.tag == "PubmedArticle" else _book_article(el, xml)
        for el, xml in zip(records, raw, strict=True)
    ]


def _raw_slices(
    data: bytes, root: etree._Element, records: list[etree._Element]
) -> list[str | None]:
    """Each record's XML exactly as NCBI sent it, cut from the body (re-serializing costs more).

    Falls back to None (serialize the element) unless the body is UTF-8 and every cut lines
    up with a record: same count, same order, each holding its record's PMID.
    """
    fallback: list[str | None] = [None] * len(records)
    encoding = (root.getroottree().docinfo.encoding or "UTF-8").upper()
    if encoding not in ("UTF-8", "UTF8"):
        return fallback
    cuts = sorted(_spans(data, b"PubmedArticle") + _spans(data, b"PubmedBookArticle"))
    if len(cuts) != len(records):
        return fallback
    out: list[str | None] = []
    for (start, end, tag), el in zip(cuts, records, strict=True):
        pmid = el.findtext("*/PMID")
        chunk = data[start:end]
        if tag != el.tag.encode() or not pmid or f">{pmid}</PMID>".encode() not in chunk:
            return fallback
        out.append(chunk.decode("utf-8"))
    return out


def _spans(data: bytes, tag: bytes) -> list[tuple[int, int, bytes]]:
    opening, closing = b"<" + tag + b">", b"</" + tag + b">"
    spans = []
    start = data.find(opening)
    while start != -1:
        end = data.find(closing, start)
        if end == -1:
            break
        end += len(closing)
        spans.append((start, end, tag))
        start = data.find(opening, end)
    return spans


def _journal_article(el: etree._Element, raw_xml: str | None = None) -> Article:
    top = _first_children(el)
    citation = top.get("MedlineCitation")
    if citation is None:
        raise ParseError("a PubmedArticle without MedlineCitation")
    cit = _first_children(citation)
    art_el = cit.get("Article")
    if art_el is None:
        raise ParseError("a PubmedArticle without Article")
    art = _first_children(art_el)
    journal = _first_children(art.get("Journal"))
    issue = _first_children(journal.get("JournalIssue"))
    pubmed_data = _first_children(top.get("PubmedData"))
    medline_journal = _first_children(cit.get("MedlineJournalInfo"))
    pagination = _first_children(art.get("Pagination"))
    elocations = _elocations(art_el)
    article_ids = _article_ids(pubmed_data.get("ArticleIdList"))
    year, month, day = _lxml_pub_date(issue.get("PubDate"))
    sections = _abstract_sections(art.get("Abstract"))
    status = citation.get("Status")
    return Article(
        pmid=_require_pmid(cit.get("PMID")),
        title=_text(art.get("ArticleTitle")) or _text(art.get("VernacularTitle")),
        abstract=_join_sections(sections),
        abstract_sections=sections,
        journal=_text(journal.get("Title")),
        journal_iso=_text(journal.get("ISOAbbreviation"))
        or _text(medline_journal.get("MedlineTA")),
        year=year,
        month=month,
        day=day,
        volume=_text(issue.get("Volume")),
        issue=_text(issue.get("Issue")),
        pages=_pages(_text(pagination.get("MedlinePgn")), elocations),
        doi=_doi(article_ids, elocations),
        pmcid=article_ids.get("pmc"),
        authors=_authors(art.get("AuthorList")),
        language=_text(art.get("Language")),
        publication_types=_publication_types(art.get("PublicationTypeList")),
        mesh=_mesh(cit.get("MeshHeadingList")),
        indexing_method=_indexing(citation.get("IndexingMethod"), status),
        keywords=_keywords(citation.iterchildren("KeywordList")),
        publication_status=_text(pubmed_data.get("PublicationStatus")),
        citation_status=status,
        comments_corrections=_comments(cit.get("CommentsCorrectionsList")),
        is_book=False,
        raw_xml=raw_xml if raw_xml is not None else etree.tostring(el, encoding="unicode"),
    )


def _book_article(el: etree._Element, raw_xml: str | None = None) -> Article:
    doc = el.find("BookDocument")
    if doc is None:
        raise ParseError("a PubmedBookArticle without BookDocument")
    book = doc.find("Book")
    book_title = _text(book.find("BookTitle")) if book is not None else None
    year, month, day = _lxml_pub_date(book.find("PubDate") if book is not None else None)
    article_ids = _article_ids(doc.find("ArticleIdList"))
    for kind, value in _article_ids(el.find("PubmedBookData/ArticleIdList")).items():
        article_ids.setdefault(kind, value)
    sections = _abstract_sections(doc.find("Abstract"))
    authors_el = doc.find("AuthorList")
    if authors_el is None and book is not None:
        authors_el = book.find("AuthorList")
    return Article(
        pmid=_require_pmid(doc.find("PMID")),
        title=_text(doc.find("ArticleTitle")) or book_title or _text(doc.find("VernacularTitle")),
        abstract=_join_sections(sections),
        abstract_sections=sections,
        journal=book_title,
        year=year,
        month=month,
        day=day,
        doi=article_ids.get("doi"),
        pmcid=article_ids.get("pmc"),
        authors=_authors(authors_el),
        language=_find_text(doc, "Language"),
        publication_types=_publication_types(doc),
        indexing_method=None,
        keywords=_keywords(doc.iterchildren("KeywordList")),
        publication_status=_find_text(el, "PubmedBookData/PublicationStatus"),
        is_book=True,
        raw_xml=raw_xml if raw_xml is not None else etree.tostring(el, encoding="unicode"),
    )


def _require_pmid(el: etree._Element | None) -> str:
    pmid = _text(el)
    if not pmid:
        raise ParseError("a PubMed record without a PMID")
    return pmid


def _lxml_pub_date(el: etree._Element | None) -> tuple[int | None, int | None, int | None]:
    parts = {k: v.text for k, v in _first_children(el).items()}
    return _pub_date(
        parts.get("Year"),
        parts.get("Month"),
        parts.get("Day"),
        parts.get("Season"),
        parts.get("MedlineDate"),
    )


def _elocations(art: etree._Element) -> list[tuple[str, str]]:
    out = []
    for loc in art.iterchildren("ELocationID"):
        value = _text(loc)
        if value and loc.get("ValidYN", "Y") != "N":
            out.append((loc.get("EIdType", ""), value))
    return out


def _article_ids(el: etree._Element | None) -> dict[str, str]:
    ids: dict[str, str] = {}
    if el is not None:
        for aid in el.iterchildren("ArticleId"):
            value = _text(aid)
            if value:
                ids.setdefault(aid.get("IdType", ""), value)
    return ids


def _abstract_sections(el: etree._Element | None) -> list[dict[str, Any]]:
    if el is None:
        return []
    sections = []
    for part in el.iterchildren("AbstractText"):
        text = _text(part)
        if text:
            sections.append(
                {"label": part.get("Label"), "category": part.get("NlmCategory"), "text": text}
            )
    return sections


def _join_sections(sections: list[dict[str, Any]]) -> str | None:
    """Structured abstracts read 'LABEL: text' per section, one paragraph each."""
    parts = [f"{s['label']}: {s['text']}" if s["label"] else s["text"] for s in sections]
    return "\n".join(parts) or None


def _authors(el: etree._Element | None) -> list[dict[str, Any]]:
    if el is None:
        return []
    authors = []
    for au in el.iterchildren("Author"):
        if au.get("ValidYN", "Y") == "N":
            continue
        parts = _first_children(au)
        affiliation = parts.get("AffiliationInfo")
        authors.append(
            _author(
                _text(parts.get("LastName")),
                _text(parts.get("ForeName")),
                _text(parts.get("Initials")),
                _text(parts.get("CollectiveName")),
                _text(affiliation.find("Affiliation")) if affiliation is not None else None,
            )
        )
    return authors


def _publication_types(el: etree._Element | None) -> list[dict[str, Any]]:
    if el is None:
        return []
    return [{"ui": pt.get("UI"), "name": _text(pt)} for pt in el.iterchildren("PublicationType")]


def _mesh(el: etree._Element | None) -> list[dict[str, Any]]:
    if el is None:
        return []
    headings = []
    for heading in el.iterchildren("MeshHeading"):
        desc = heading[0] if len(heading) else None
        if desc is None or desc.tag != "DescriptorName":
            desc = heading.find("DescriptorName")
        if desc is None:
            continue
        headings.append(
            {
                "descriptor": _text(desc),
                "ui": desc.get("UI"),
                "major": desc.get("MajorTopicYN") == "Y",
                "qualifiers": [
                    {"name": _text(q), "major": q.get("MajorTopicYN") == "Y"}
                    for q in heading.iterchildren("QualifierName")
                ],
            }
        )
    return headings


def _keywords(lists: Iterable[etree._Element]) -> list[str]:
    return [k for kl in lists for k in (_text(kw) for kw in kl.iterchildren("Keyword")) if k]


def _comments(el: etree._Element | None) -> list[dict[str, Any]]:
    if el is None:
        return []
    return [
        {
            "ref_type": cc.get("RefType"),
            "pmid": _find_text(cc, "PMID"),
            "source": _text(cc.find("RefSource")),
            "note": _text(cc.find("Note")),
        }
        for cc in el.iterchildren("CommentsCorrections")
        if cc.get("RefType") != "Cites"
    ]
