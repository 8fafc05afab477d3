"""efetch PubMed XML -> Article records (minimal; the `pubmed` branch brings the full parser).

The parser never reaches for the network or a DTD (NCBI names a new DTD every year), refuses
entity expansion, and tells a usable answer from the ones NCBI sends when it is in trouble:
an `<ERROR>` body, the HTML block page, a truncated or non-XML body. Those raise ParseError,
which the client treats as a reason to retry and never caches.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from evidence.errors import EntrezError
from evidence.records import Article

_PARSER = etree.XMLParser(
    load_dtd=False, no_network=True, resolve_entities=False, huge_tree=True, recover=False
)


class ParseError(EntrezError):
    """An efetch answer that is not a complete PubMed XML document."""


def check_body(data: bytes) -> None:
    """Raise ParseError for bodies that are plainly not an answer (HTML, JSON, <ERROR>)."""
    head = data[:512].lstrip().lower()
    if not head:
        raise ParseError("empty answer from NCBI")
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        raise ParseError("NCBI sent an HTML page instead of XML (blocked or down?)")
    if head.startswith((b"{", b"[")):
        raise ParseError(f"NCBI sent JSON instead of XML: {data[:120]!r}")


def parse_efetch(data: bytes) -> list[Article]:
    """Parse an efetch db=pubmed retmode=xml body into Article records."""
    check_body(data)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"unreadable or truncated XML from NCBI: {exc}") from None
    error = root.find(".//ERROR") if root.tag != "PubmedArticleSet" else None
    if root.tag != "PubmedArticleSet":
        message = "".join(error.itertext()).strip() if error is not None else root.tag
        raise ParseError(f"NCBI answered with an error: {message[:200]}")
    articles = []
    for el in root:
        if el.tag in ("PubmedArticle", "PubmedBookArticle"):
            articles.append(_article(el))
    return articles


def _text(node: Any, path: str) -> str | None:
    found = node.find(path)
    if found is None:
        return None
    return "".join(found.itertext()).strip() or None


def _year(art: Any) -> int | None:
    raw = _text(art, "Journal/JournalIssue/PubDate/Year")
    raw = raw or _text(art, "Journal/JournalIssue/PubDate/MedlineDate")
    raw = raw or _text(art, "Book/PubDate/Year")
    return int(raw[:4]) if raw and raw[:4].isdigit() else None


def _article(el: Any) -> Article:
    """Direct paths only: `.//` would also walk the (long) reference lists."""
    cit = el.find("MedlineCitation")
    if cit is None:
        cit = el.find("BookDocument")
    if cit is None:
        raise ParseError(f"a {el.tag} without MedlineCitation or BookDocument")
    art = cit.find("Article")
    if art is None:
        art = cit
    authors = []
    for a in art.findall("AuthorList/Author"):
        get = a.findtext  # plain text fields: the C fast path
        authors.append(
            {
                "last": get("LastName"),
                "fore": get("ForeName"),
                "initials": get("Initials"),
                "collective": _text(a, "CollectiveName"),
                "affiliation": get("AffiliationInfo/Affiliation"),
            }
        )
    pts = [
        {"ui": p.get("UI"), "name": "".join(p.itertext()).strip()}
        for p in art.findall("PublicationTypeList/PublicationType")
    ]
    doi = _text(el, "PubmedData/ArticleIdList/ArticleId[@IdType='doi']") or _text(
        art, "ELocationID[@EIdType='doi']"
    )
    return Article(
        pmid=_text(cit, "PMID") or "",
        title=_text(art, "ArticleTitle") or _text(art, "Book/BookTitle"),
        journal=_text(art, "Journal/Title"),
        journal_iso=_text(art, "Journal/ISOAbbreviation"),
        year=_year(art),
        authors=authors,
        publication_types=pts,
        doi=doi,
        is_book=el.tag == "PubmedBookArticle",
        raw_xml=etree.tostring(el, encoding="unicode", with_tail=False),
    )
