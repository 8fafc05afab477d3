"""PubMed efetch XML -> `Article` records. Pure: bytes in, records out, no network, no disk.

Two parsers produce the same records:

* `parse_efetch` is the production path. It parses the body once with lxml and walks the
  tree with a handful of `find` calls per article. The lxml parser is locked down: it never
  loads a DTD (so a DOCTYPE naming a DTD newer than anything we know, e.g. pubmed_270101.dtd,
  costs nothing and reaches nothing), never resolves entities (external entities and
  billion-laughs payloads stay unexpanded references) and refuses huge trees.
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

import io
import os
import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

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


def _check_body(data: bytes) -> None:
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
    _check_body(data)
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
    """Tag -> first child with that tag, in one pass (cheaper than a find() per field)."""
    children: dict[str, etree._Element] = {}
    if el is None:
        return children
    for child in el:
        children.setdefault(child.tag, child)
    return children


def _find_text(el: etree._Element, path: str) -> str | None:
    return clean_text(el.findtext(path))


def parse_efetch(data: bytes) -> list[Article]:
    """Parse an efetch `db=pubmed retmode=xml` body into one Article per record, in order."""
    root = _root(data)
    records = [child for child in root if child.tag in _RECORD_TAGS]
    raw = _raw_slices(data, root, records)
    return [
        _journal_article(el, xml) if el.tag == "PubmedArticle" else _book_article(el, xml)
        for el, xml in zip(records, raw, strict=True)
    ]


_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")


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


# ---------------------------------------------------------------- reference path (Bio.Entrez)

_ERROR_ELEMENT = re.compile(rb"<ERROR>\s*([^<]+?)\s*</ERROR>")
_PUBMED_DTD = re.compile(r"pubmed_(\d{6})\.dtd")


def parse_with_biopython(data: bytes) -> list[Article]:
    """The same records through `Bio.Entrez.read` (offline); raw_xml is None on this path.

    Journal articles come first, then book articles: Bio.Entrez files them under two keys
    and so loses their interleaving. Compare by PMID.
    """
    from Bio.Entrez.Parser import CorruptedXMLError, NotXMLError

    _check_body(data)
    error = _ERROR_ELEMENT.search(data[:4096])
    if error:  # before Bio.Entrez, which would first ask for efetch.dtd (not bundled)
        raise ParseError(
            f"NCBI answered with an error: {error.group(1).decode('utf-8', 'replace')}"
        )
    handler = _offline_handler_class()(validate=False, escape=True, ignore_errors=False)
    try:
        record = handler.read(io.BytesIO(data))
    except (CorruptedXMLError, NotXMLError) as exc:
        raise ParseError(f"NCBI sent unreadable or truncated XML ({exc})") from None
    except RuntimeError as exc:  # Bio.Entrez's way of reporting a non-empty <ERROR>
        raise ParseError(f"NCBI answered with an error: {exc}") from None
    except ValueError as exc:  # no DOCTYPE, insecure DTD URL, entity it will not follow
        raise ParseError(f"Bio.Entrez refused the XML ({exc})") from None
    if not isinstance(record, dict) or not {"PubmedArticle", "PubmedBookArticle"} & set(record):
        raise ParseError("expected a PubmedArticleSet from efetch")
    return [_bio_article(a) for a in record.get("PubmedArticle", [])] + [
        _bio_book(b) for b in record.get("PubmedBookArticle", [])
    ]


_HANDLER: type | None = None


def _offline_handler_class() -> type:
    """A Bio.Entrez DataHandler whose DTD lookups never leave the disk.

    Bio.Entrez reads DTDs from its local cache, then its bundled copies, then downloads them.
    We answer from the bundled copies; an unknown pubmed_YYMMDD.dtd (NCBI ships a new one
    each year) is served the newest bundled pubmed DTD, whose element model it extends; any
    other unknown DTD is refused with ParseError rather than fetched.
    """
    global _HANDLER
    if _HANDLER is None:
        from Bio.Entrez.Parser import DataHandler

        class OfflineDataHandler(DataHandler):  # type: ignore[misc, valid-type]
            def open_dtd_file(self, filename: str):  # type: ignore[no-untyped-def]
                handle = _open_bundled(DataHandler.global_dtd_dir, filename)
                if handle is None and _PUBMED_DTD.fullmatch(filename):
                    handle = _open_bundled(DataHandler.global_dtd_dir, _newest_pubmed_dtd())
                if handle is None:
                    raise ParseError(f"{filename} is not available offline")
                return handle

            def open_xsd_file(self, filename: str):  # type: ignore[no-untyped-def]
                raise ParseError(f"{filename} (an XML schema) is not available offline")

        _HANDLER = OfflineDataHandler
    return _HANDLER


def _open_bundled(directory: str, filename: str):  # type: ignore[no-untyped-def]
    path = os.path.join(directory, os.path.basename(filename))
    return open(path, "rb") if os.path.isfile(path) else None


def _newest_pubmed_dtd() -> str:
    from Bio.Entrez.Parser import DataHandler

    names = [n for n in os.listdir(DataHandler.global_dtd_dir) if _PUBMED_DTD.fullmatch(n)]
    # pubmed_YYMMDD: sort on the date, reading YY below 80 as 20YY (pubmed_020114 is 2002)
    return max(names, key=lambda n: (int(n[7:9]) < 80, n[7:13]))


def _s(value: Any) -> str | None:
    """A Bio.Entrez string (escape=True: markup kept as tags, text escaped) -> flat text."""
    if value is None:
        return None
    text = _TAG.sub("", str(value))
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return clean_text(text)


def _attr(value: Any, name: str) -> str | None:
    return getattr(value, "attributes", {}).get(name)


def _bio_pub_date(d: dict[str, Any] | None) -> tuple[int | None, int | None, int | None]:
    d = d or {}
    return _pub_date(
        d.get("Year"), d.get("Month"), d.get("Day"), d.get("Season"), d.get("MedlineDate")
    )


def _bio_elocations(art: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (_attr(loc, "EIdType") or "", _s(loc))
        for loc in art.get("ELocationID", [])
        if _s(loc) and _attr(loc, "ValidYN") != "N"
    ]


def _bio_ids(ids: Iterable[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for aid in ids:
        if _s(aid):
            out.setdefault(_attr(aid, "IdType") or "", _s(aid))
    return out


def _bio_sections(abstract: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [
        {"label": _attr(t, "Label"), "category": _attr(t, "NlmCategory"), "text": _s(t)}
        for t in (abstract or {}).get("AbstractText", [])
        if _s(t)
    ]


def _bio_authors(author_list: Iterable[Any] | None) -> list[dict[str, Any]]:
    authors = []
    for au in author_list or []:
        if _attr(au, "ValidYN") == "N":
            continue
        affiliations = au.get("AffiliationInfo") or [{}]
        authors.append(
            _author(
                _s(au.get("LastName")),
                _s(au.get("ForeName")),
                _s(au.get("Initials")),
                _s(au.get("CollectiveName")),
                _s(affiliations[0].get("Affiliation")),
            )
        )
    return authors


def _bio_pts(pts: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"ui": _attr(pt, "UI"), "name": _s(pt)} for pt in pts]


def _bio_mesh(headings: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "descriptor": _s(h["DescriptorName"]),
            "ui": _attr(h["DescriptorName"], "UI"),
            "major": _attr(h["DescriptorName"], "MajorTopicYN") == "Y",
            "qualifiers": [
                {"name": _s(q), "major": _attr(q, "MajorTopicYN") == "Y"}
                for q in h.get("QualifierName", [])
            ],
        }
        for h in headings
        if "DescriptorName" in h
    ]


def _bio_keywords(lists: Iterable[Any]) -> list[str]:
    return [k for kl in lists for k in (_s(kw) for kw in kl) if k]


def _bio_comments(items: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "ref_type": _attr(cc, "RefType"),
            "pmid": _s(cc.get("PMID")),
            "source": _s(cc.get("RefSource")),
            "note": _s(cc.get("Note")),
        }
        for cc in items
        if _attr(cc, "RefType") != "Cites"
    ]


def _first(values: Any) -> Any:
    if isinstance(values, list):
        return values[0] if values else None
    return values


def _bio_article(rec: dict[str, Any]) -> Article:
    citation = rec["MedlineCitation"]
    art = citation["Article"]
    journal = art.get("Journal", {})
    issue = journal.get("JournalIssue", {})
    pubmed_data = rec.get("PubmedData", {})
    elocations = _bio_elocations(art)
    ids = _bio_ids(pubmed_data.get("ArticleIdList", []))
    year, month, day = _bio_pub_date(issue.get("PubDate"))
    sections = _bio_sections(art.get("Abstract"))
    return Article(
        pmid=_s(citation["PMID"]) or "",
        title=_s(art.get("ArticleTitle")) or _s(art.get("VernacularTitle")),
        abstract=_join_sections(sections),
        abstract_sections=sections,
        journal=_s(journal.get("Title")),
        journal_iso=_s(journal.get("ISOAbbreviation"))
        or _s(citation.get("MedlineJournalInfo", {}).get("MedlineTA")),
        year=year,
        month=month,
        day=day,
        volume=_s(issue.get("Volume")),
        issue=_s(issue.get("Issue")),
        pages=_pages(_s(art.get("Pagination", {}).get("MedlinePgn")), elocations),
        doi=_doi(ids, elocations),
        pmcid=ids.get("pmc"),
        authors=_bio_authors(art.get("AuthorList")),
        language=_s(_first(art.get("Language"))),
        publication_types=_bio_pts(art.get("PublicationTypeList", [])),
        mesh=_bio_mesh(citation.get("MeshHeadingList", [])),
        indexing_method=_indexing(_attr(citation, "IndexingMethod"), _attr(citation, "Status")),
        keywords=_bio_keywords(citation.get("KeywordList", [])),
        publication_status=_s(pubmed_data.get("PublicationStatus")),
        citation_status=_attr(citation, "Status"),
        comments_corrections=_bio_comments(citation.get("CommentsCorrectionsList", [])),
        is_book=False,
        raw_xml=None,
    )


def _bio_book(rec: dict[str, Any]) -> Article:
    doc = rec["BookDocument"]
    book = doc.get("Book", {})
    book_title = _s(book.get("BookTitle"))
    year, month, day = _bio_pub_date(book.get("PubDate"))
    ids = _bio_ids(doc.get("ArticleIdList", []))
    for key, value in _bio_ids(rec.get("PubmedBookData", {}).get("ArticleIdList", [])).items():
        ids.setdefault(key, value)
    sections = _bio_sections(doc.get("Abstract"))
    author_list = _first(doc.get("AuthorList")) or _first(book.get("AuthorList"))
    return Article(
        pmid=_s(doc["PMID"]) or "",
        title=_s(doc.get("ArticleTitle")) or book_title or _s(doc.get("VernacularTitle")),
        abstract=_join_sections(sections),
        abstract_sections=sections,
        journal=book_title,
        year=year,
        month=month,
        day=day,
        doi=ids.get("doi"),
        pmcid=ids.get("pmc"),
        authors=_bio_authors(author_list),
        language=_s(_first(doc.get("Language"))),
        publication_types=_bio_pts(doc.get("PublicationType", [])),
        indexing_method=None,
        keywords=_bio_keywords(doc.get("KeywordList", [])),
        publication_status=_s(rec.get("PubmedBookData", {}).get("PublicationStatus")),
        is_book=True,
        raw_xml=None,
    )
