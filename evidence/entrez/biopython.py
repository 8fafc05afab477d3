"""Bio.Entrez.read -> `Article`: the reference implementation `parse_efetch` is tested against.

Bio.Entrez looks up the DTD named in the DOCTYPE: its local cache, its bundled copies, then a
download with urllib at parse time. `OfflineDataHandler` answers from the bundled copies only,
serves an unknown pubmed_YYMMDD.dtd (NCBI ships a new one each year) the newest bundled pubmed
DTD, and refuses any other DTD or schema with ParseError instead of fetching it.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from typing import Any

from evidence.entrez.parse import (
    _TAG,
    ParseError,
    _author,
    _doi,
    _indexing,
    _join_sections,
    _pages,
    _pub_date,
    check_body,
    clean_text,
)
from evidence.records import Article

_ERROR_ELEMENT = re.compile(rb"<ERROR>\s*([^<]+?)\s*</ERROR>")
_PUBMED_DTD = re.compile(r"pubmed_(\d{6})\.dtd")


def parse_with_biopython(data: bytes) -> list[Article]:
    """The same records through `Bio.Entrez.read` (offline); raw_xml is None on this path.

    Journal articles come first, then book articles: Bio.Entrez files them under two keys
    and so loses their interleaving. Compare by PMID.
    """
    from Bio.Entrez.Parser import CorruptedXMLError, NotXMLError

    check_body(data)
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
