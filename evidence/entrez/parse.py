"""PubMed efetch XML -> `Article` records. Pure: bytes in, records out, no network, no disk.

Two parsers produce the same records:

* `parse_efetch` is the production path. It parses the body once with lxml, reads each
  element's children in one pass, and cuts each record's raw_xml from the body's own bytes
  (cheaper than re-serializing). The lxml parser is locked down: it never loads a DTD (so a
  DOCTYPE naming a DTD newer than anything we know, e.g. pubmed_270101.dtd, costs nothing and
  reaches nothing), never resolves entities (external entities stay unexpanded references;
  libxml2 refuses billion-laughs amplification outright -> ParseError) and refuses huge trees.
* `parse_with_biopython` maps `Bio.Entrez.read` output to the same records. It is the
  independent reference the tests compare against, and the baseline of `bench/parse_bench.py`.
  Bio.Entrez looks up the DTD named in the DOCTYPE and, when it is not bundled, downloads it
  with urllib at parse time; our handler answers every DTD lookup from disk (aliasing an
  unknown pubmed_YYMMDD.dtd to the newest bundled one) and refuses any other, so it never
  touches the network either.

A body that is not a PubMed article set (empty, JSON such as NCBI's 429 answer, truncated
XML, an HTML block page, a 200 answer carrying a non-empty <ERROR>) raises `ParseError`: the
caller retries, and never caches or stores such a body. An empty <PubmedArticleSet/> is a
valid answer (unknown or deleted PMIDs) and yields [].

Conventions shared by both paths, so their records compare equal field by field:
  * inline markup (<i>, <sup>, MathML ...) is flattened to its text and runs of whitespace
    collapse to one space;
  * PubDate: Month as "Sep" or "09"; Season -> the month the season starts (Spring 3,
    Summer 6, Fall/Autumn 9; Winter straddles two years, so None); MedlineDate
    "2015 Sep-Oct" -> 2015, 9 (the first year and the first month named);
  * pages: MedlinePgn, else (e-only articles) the ELocationID as written, pii before doi;
  * indexing_method: MedlineCitation/@IndexingMethod "Automated" -> "automated",
    "Curated" -> "curated", absent or "Manual" -> "human" (NCBI_FACTS.md section 8), except
    that In-Process / In-Data-Review / Publisher records, which nobody has indexed yet (their
    publication types are the publisher's), and book chapters -> None;
  * journal_iso: ISOAbbreviation, else MedlineJournalInfo/MedlineTA;
  * comments_corrections keeps every type but "Cites" (reference lists would bloat rows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from lxml import etree

from evidence.entrez.digest import record_digest
from evidence.errors import EntrezError
from evidence.records import Article


class ParseError(EntrezError):
    """An efetch body that is not a usable PubMed article set; retry, never cache it."""


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": None}
_INDEXING = {"automated": "automated", "curated": "curated", "manual": "human"}
_TAG = re.compile(r"<[^>]*>")
_YEAR = re.compile(r"\b(\d{4})\b")
_WORD = re.compile(r"[A-Za-z]+")
_HTML_MARKERS = (b"<html", b"<!doctype html", b"blocked diagnostic")


# ---------------------------------------------------------------- shared helpers


def clean_text(text: str | None) -> str | None:
    """Collapse whitespace; '' -> None, so 'absent' and 'empty' read the same downstream."""
    if text is None:
        return None
    # Most PubMed text needs nothing. For a long ASCII string (abstracts, affiliations,
    # titles), a few memchr scans for the whitespace str.split() knows prove it, at a
    # fraction of the cost of splitting it into words; short strings split cheaply anyway.
    if (
        len(text) > 32
        and text.isascii()
        and text[0] != " "
        and text[-1] != " "
        and "  " not in text
        and "\n" not in text
        and "\t" not in text
        and "\r" not in text
        and "\x0b" not in text
        and "\x0c" not in text
        and "\x1c" not in text
        and "\x1d" not in text
        and "\x1e" not in text
        and "\x1f" not in text
    ):
        return text
    return " ".join(text.split()) or None  # str.split's whitespace is re's \s, but faster


def parse_month(value: str | None) -> int | None:
    """'Sep', 'September', '09', '9' -> 9; anything else -> None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        month = int(value)
        return month if 1 <= month <= 12 else None
    return _MONTHS.get(value[:3].lower())


def parse_medline_date(value: str | None) -> tuple[int | None, int | None]:
    """'2015 Sep-Oct' -> (2015, 9); '1998 Dec-1999 Jan' -> (1998, 12); '2000 Spring' -> 3."""
    if not value:
        return None, None
    year_match = _YEAR.search(value)
    year = int(year_match.group(1)) if year_match else None
    for word in _WORD.findall(value):
        low = word.lower()
        if low in _SEASONS:
            return year, _SEASONS[low]
        if low[:3] in _MONTHS:
            return year, _MONTHS[low[:3]]
    return year, None


def _pub_date(
    year: str | None, month: str | None, day: str | None, season: str | None, medline: str | None
) -> tuple[int | None, int | None, int | None]:
    if medline and not year:
        y, m = parse_medline_date(medline)
        return y, m, None
    y = int(year) if year and year.strip().isdigit() else None
    m = parse_month(month) if month else _SEASONS.get((season or "").strip().lower())
    d = int(day) if day and day.strip().isdigit() else None
    return y, m, d


_NOT_YET_INDEXED = frozenset({"In-Process", "In-Data-Review", "Publisher"})


def _indexing(value: str | None, status: str | None) -> str | None:
    """NLM's IndexingMethod; None while a record still waits for indexing (nothing assigned yet)."""
    if value is None and status in _NOT_YET_INDEXED:
        return None
    return _INDEXING.get((value or "manual").lower(), (value or "").lower())


def _pages(medline_pgn: str | None, elocations: list[tuple[str, str]]) -> str | None:
    """MedlinePgn, else the e-locator an e-only article is cited by: pii, then doi."""
    if medline_pgn:
        return medline_pgn
    by_type = dict(reversed(elocations))  # first of each type wins
    return by_type.get("pii") or by_type.get("doi") or (elocations[0][1] if elocations else None)


def _doi(article_ids: dict[str, str], elocations: list[tuple[str, str]]) -> str | None:
    if article_ids.get("doi"):
        return article_ids["doi"]
    return next((value for kind, value in elocations if kind == "doi"), None)


def _author(
    last: str | None,
    fore: str | None,
    initials: str | None,
    collective: str | None,
    affiliation: str | None,
) -> dict[str, Any]:
    return {
        "last": last,
        "fore": fore,
        "initials": initials,
        "collective": collective,
        "affiliation": affiliation,
    }


# ---------------------------------------------------------------- fast path (lxml)

_PARSER_OPTIONS = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
    collect_ids=False,
)


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(**_PARSER_OPTIONS)


def check_body(data: bytes) -> None:
    head = data[:4096].lstrip().lower()
    if not head:
        raise ParseError("NCBI sent an empty answer instead of PubMed XML")
    if not head.startswith(b"<"):
        raise ParseError(f"NCBI sent something that is not XML: {_snippet(data)}")
    if any(marker in head for marker in _HTML_MARKERS):
        raise ParseError(f"NCBI sent an HTML page instead of PubMed XML: {_snippet(data)}")


def _snippet(data: bytes, size: int = 80) -> str:
    text = _TAG.sub(" ", data[:2000].decode("utf-8", "replace"))
    return (clean_text(text) or "")[:size]


def _root(data: bytes) -> etree._Element:
    check_body(data)
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"NCBI sent unreadable or truncated XML ({exc})") from None
    _check_errors(root)
    if root.tag != "PubmedArticleSet":
        raise ParseError(f"expected a PubmedArticleSet from efetch, got <{root.tag}>")
    return root


def _check_errors(root: etree._Element) -> None:
    errors = [root] if root.tag == "ERROR" else list(root.iterchildren("ERROR"))
    messages = [m for m in (_text(e) for e in errors) if m]
    if messages:
        raise ParseError(f"NCBI answered with an error: {'; '.join(messages)}")


def _text(el: etree._Element | None) -> str | None:
    """An element's text with inline markup flattened; entity references stay unexpanded."""
    if el is None:
        return None
    if not len(el):  # a leaf, the common case: skip the itertext walk
        return clean_text(el.text)
    return clean_text("".join(el.itertext()))


def _first_children(el: etree._Element | None) -> dict[str, etree._Element]:
    """Tag -> first child with that tag, in one pass (cheaper than a find() per field).

    Built from the last child back, so that the first child of each tag is the one kept."""
    if el is None:
        return {}
    return {child.tag: child for child in reversed(el)}


def _find_text(el: etree._Element, path: str) -> str | None:
    return clean_text(el.findtext(path))


def parse_efetch(data: bytes) -> list[Article]:
    """Parse an efetch `db=pubmed retmode=xml` body into one Article per record, in order.

    A batch makes tens of thousands of dicts, lists and strings and no cycle: a caller that
    parses many batches pauses the cyclic collector around them (`evidence.collector`, as
    resolve does). Not here: parses run on fetch-ahead threads, and a pause taken on two
    threads at once can race (one reads "off" just before the other turns it back on)."""
    root = _root(data)
    records = list(root.iterchildren(*_RECORD_TAGS))
    raw = _raw_slices(data, root, records)
    return [
        _journal_article(el, xml) if el.tag == "PubmedArticle" else _book_article(el, xml)
        for el, xml in zip(records, raw, strict=True)
    ]


_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")


def parse_efetch_changed(
    data: bytes, known: Mapping[str, str]
) -> tuple[dict[str, str], list[Article]]:
    """Like `parse_efetch`, for a watch: every record's digest, and Article records only for
    the records whose digest is not `known[pmid]` (unchanged records are digested, not read).

    The body is parsed and checked as a whole all the same (a truncated or error body raises
    `ParseError`); what is skipped is reading the fields of records already stored."""
    root = _root(data)
    records = list(root.iterchildren(*_RECORD_TAGS))
    raw = _raw_slices(data, root, records)
    digests: dict[str, str] = {}
    changed: list[Article] = []
    for el, xml in zip(records, raw, strict=True):
        pmid = clean_text(_record_pmid(el)) or ""
        xml = xml if xml is not None else etree.tostring(el, encoding="unicode")
        digest = record_digest(xml)
        digests[pmid] = digest
        if known.get(pmid) != digest:
            read = _journal_article if el.tag == "PubmedArticle" else _book_article
            changed.append(read(el, xml))
    return digests, changed


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
        pmid = _record_pmid(el)
        chunk = data[start:end]
        if tag != el.tag.encode() or not pmid or f">{pmid}</PMID>".encode() not in chunk:
            return fallback
        out.append(chunk.decode("utf-8"))
    return out


def _record_pmid(el: etree._Element) -> str | None:
    """`el.findtext("*/PMID")` without ElementPath's interpreted steps (once per record)."""
    for child in el.iterchildren("*"):
        for pmid in child.iterchildren("PMID"):
            return pmid.text or ""
    return None


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
    """Each valid author's names and first affiliation, reading each child once.

    The hottest loop of a parse (dozens of authors a record), so it walks each author's
    children once, keeping the first of each tag as `_first_children` would, and reads a
    leaf's text directly: every lxml access builds a Python object, and they add up."""
    if el is None:
        return []
    authors = []
    for au in el.iterchildren("Author"):
        if au.get("ValidYN") == "N":
            continue
        parts: dict[str, str | None] = {}
        for child in au:
            tag = child.tag
            if tag in parts:
                continue
            if tag == "AffiliationInfo":  # its first Affiliation
                for affiliation in child.iterchildren("Affiliation"):
                    child = affiliation
                    break
                else:
                    parts[tag] = None
                    continue
            parts[tag] = clean_text(child.text if not len(child) else "".join(child.itertext()))
        get = parts.get
        authors.append(
            {
                "last": get("LastName"),
                "fore": get("ForeName"),
                "initials": get("Initials"),
                "collective": get("CollectiveName"),
                "affiliation": get("AffiliationInfo"),
            }
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
        desc = None
        qualifiers = []
        for part in heading:  # one walk: the first DescriptorName, every QualifierName
            tag = part.tag
            if tag == "QualifierName":
                text = part.text if not len(part) else "".join(part.itertext())
                qualifiers.append(
                    {"name": clean_text(text), "major": part.get("MajorTopicYN") == "Y"}
                )
            elif tag == "DescriptorName" and desc is None:
                desc = part
        if desc is None:
            continue
        headings.append(
            {
                "descriptor": _text(desc),
                "ui": desc.get("UI"),
                "major": desc.get("MajorTopicYN") == "Y",
                "qualifiers": qualifiers,
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


# ---------------------------------------------------------------- reference path (Bio.Entrez)


def parse_with_biopython(data: bytes) -> list[Article]:
    """The same records through `Bio.Entrez.read`, offline; raw_xml is None on this path.

    Journal articles come first, then book articles (Bio.Entrez files them under two keys).
    Lives in `entrez/biopython.py`, imported on first use: Bio is slow to import and only
    tests and the benchmark need it.
    """
    from evidence.entrez.biopython import parse_with_biopython as parse

    return parse(data)
