# ruff: noqa: E501  (XML bodies are clearer on one line)
"""Synthetic PubMed records in the exact layout of NCBI's 2025 efetch XML.

Real 2025 answers (../shared/corpora/eutils-real/metapub/pmid_xml/) put each PubmedArticle on
one long line under the pubmed_250101 DOCTYPE; parsers must not depend on that, but the fake
server should serve what NCBI serves. Synthetic PMIDs only (90000001 and up in the tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape, quoteattr

XML_DECL = '<?xml version="1.0" ?>\n'
DOCTYPE = (
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PT_UI = {
    "Journal Article": "D016428",
    "Review": "D016454",
    "Randomized Controlled Trial": "D016449",
    "Meta-Analysis": "D017418",
    "Systematic Review": "D000078182",
    "Practice Guideline": "D017065",
    "Guideline": "D016431",
    "Observational Study": "D064888",
    "Case Reports": "D002363",
    "Editorial": "D016421",
    "Comment": "D016420",
    "Letter": "D016422",
    "Published Erratum": "D016425",
    "Retraction of Publication": "D016440",
    "Retracted Publication": "D016441",
    "Clinical Trial, Phase II": "D017427",
    "Multicenter Study": "D016448",
}


def _el(tag: str, text: object, **attrs: str) -> str:
    attr = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    return f"<{tag}{attr}>{escape(str(text))}</{tag}>"


def _date(tag: str, d: date, pad: bool = True, hm: bool = False, **attrs: str) -> str:
    month, day = (f"{d.month:02d}", f"{d.day:02d}") if pad else (str(d.month), str(d.day))
    extra = "<Hour>0</Hour><Minute>0</Minute>" if hm else ""
    attr = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    return (
        f"<{tag}{attr}><Year>{d.year}</Year><Month>{month}</Month><Day>{day}</Day>{extra}</{tag}>"
    )


def _author(a: str | dict[str, Any]) -> str:
    if isinstance(a, str):  # "Kullo IJ" -> last name + initials
        last, _, initials = a.rpartition(" ") if " " in a else (a, "", "")
        a = {"last": last, "initials": initials, "fore": initials}
    if a.get("collective"):
        return f'<Author ValidYN="Y">{_el("CollectiveName", a["collective"])}</Author>'
    parts = _el("LastName", a["last"])
    if a.get("fore"):
        parts += _el("ForeName", a["fore"])
    if a.get("initials"):
        parts += _el("Initials", a["initials"])
    if a.get("affiliation"):
        parts += f"<AffiliationInfo>{_el('Affiliation', a['affiliation'])}</AffiliationInfo>"
    return f'<Author ValidYN="Y">{parts}</Author>'


def _abstract(abstract: str | Sequence[tuple[str, str]] | None) -> str:
    if not abstract:
        return ""
    if isinstance(abstract, str):
        body = _el("AbstractText", abstract)
    else:
        body = "".join(
            _el("AbstractText", text, Label=label.upper(), NlmCategory=label.upper())
            for label, text in abstract
        )
    return f"<Abstract>{body}</Abstract>"


def _mesh(mesh: Iterable[str | dict[str, Any]]) -> str:
    items = []
    for i, m in enumerate(mesh):
        if isinstance(m, str):
            m = {"descriptor": m}
        ui = m.get("ui") or f"D{900000 + i:06d}"
        major = "Y" if m.get("major") else "N"
        quals = "".join(
            _el("QualifierName", q, UI=f"Q{i:06d}", MajorTopicYN="N")
            for q in m.get("qualifiers", [])
        )
        items.append(
            f"<MeshHeading>{_el('DescriptorName', m['descriptor'], UI=ui, MajorTopicYN=major)}{quals}</MeshHeading>"
        )
    return f"<MeshHeadingList>{''.join(items)}</MeshHeadingList>" if items else ""


def _comments(items: Iterable[tuple[str, str] | dict[str, Any]]) -> str:
    out = []
    for c in items:
        if not isinstance(c, dict):
            c = {"ref_type": c[0], "pmid": c[1]}
        source = c.get("source") or f"Synthetic J. 2024;1:1. PMID {c.get('pmid')}"
        pmid = _el("PMID", c["pmid"], Version="1") if c.get("pmid") else ""
        out.append(
            f"<CommentsCorrections RefType={quoteattr(c['ref_type'])}>{_el('RefSource', source)}{pmid}</CommentsCorrections>"
        )
    return f"<CommentsCorrectionsList>{''.join(out)}</CommentsCorrectionsList>" if out else ""


def article_xml(
    pmid: str | int,
    *,
    title: str = "A synthetic study.",
    journal: str = "Journal of synthetic medicine",
    journal_iso: str = "J Synth Med",
    year: int = 2020,
    month: int | None = 5,
    day: int | None = None,
    medline_date: str | None = None,
    volume: str | None = "12",
    issue: str | None = "3",
    pages: str | None = "100-10",
    elocation_doi: str | None = None,
    doi: str | None = None,
    pmcid: str | None = None,
    edat: date | None = None,
    publication_types: Sequence[str] = ("Journal Article",),
    abstract: str | Sequence[tuple[str, str]] | None = None,
    mesh: Sequence[str | dict[str, Any]] = (),
    authors: Sequence[str | dict[str, Any]] = ("Synthetic A",),
    status: str = "MEDLINE",
    indexing_method: str | None = "Automated",
    comments_corrections: Sequence[tuple[str, str] | dict[str, Any]] = (),
    keywords: Sequence[str] = (),
    language: str = "eng",
    publication_status: str = "ppublish",
    references: Sequence[str] = (),
    book: bool = False,
) -> str:
    """One `<PubmedArticle>` element on one line, in the 2025 element order."""
    pmid = str(pmid)
    edat = edat or date(year, month or 1, day or 1)
    if medline_date:
        pubdate = f"<PubDate>{_el('MedlineDate', medline_date)}</PubDate>"
    else:
        pubdate = f"<PubDate><Year>{year}</Year>"
        pubdate += _el("Month", MONTHS[month - 1]) if month else ""
        pubdate += (_el("Day", f"{day:02d}") if month and day else "") + "</PubDate>"
    issue_xml = (_el("Volume", volume) if volume else "") + (_el("Issue", issue) if issue else "")
    pagination = ""
    if pages:
        start = pages.split("-")[0]
        pagination = f"<Pagination>{_el('StartPage', start)}{_el('MedlinePgn', pages)}</Pagination>"
    eloc = (
        _el("ELocationID", elocation_doi or doi, EIdType="doi", ValidYN="Y")
        if (elocation_doi or doi)
        else ""
    )
    pts = "".join(
        _el("PublicationType", pt, UI=PT_UI.get(pt, "D016428")) for pt in publication_types
    )
    kw = "".join(_el("Keyword", k, MajorTopicYN="N") for k in keywords)
    kw = f'<KeywordList Owner="NOTNLM">{kw}</KeywordList>' if kw else ""
    im = f" IndexingMethod={quoteattr(indexing_method)}" if indexing_method else ""
    ids = _el("ArticleId", pmid, IdType="pubmed")
    ids += _el("ArticleId", doi, IdType="doi") if doi else ""
    ids += _el("ArticleId", pmcid, IdType="pmc") if pmcid else ""
    refs = "".join(
        f"<Reference>{_el('Citation', f'Synthetic reference {r}.')}<ArticleIdList>"
        f"{_el('ArticleId', r, IdType='pubmed')}</ArticleIdList></Reference>"
        for r in references
    )
    refs = f"<ReferenceList>{refs}</ReferenceList>" if refs else ""
    revised = date(max(edat.year, year), 1, 15)
    citation = (
        f'<MedlineCitation Status={quoteattr(status)} Owner="NLM"{im}>'
        f"{_el('PMID', pmid, Version='1')}"
        f"{_date('DateRevised', revised)}"
        f'<Article PubModel="Print-Electronic"><Journal>{_el("ISSN", "0000-0000", IssnType="Electronic")}'
        f'<JournalIssue CitedMedium="Internet">{issue_xml}{pubdate}</JournalIssue>'
        f"{_el('Title', journal)}{_el('ISOAbbreviation', journal_iso)}</Journal>"
        f"{_el('ArticleTitle', title)}{pagination}{eloc}{_abstract(abstract)}"
        f'<AuthorList CompleteYN="Y">{"".join(_author(a) for a in authors)}</AuthorList>'
        f"{_el('Language', language)}<PublicationTypeList>{pts}</PublicationTypeList>"
        f"{_date('ArticleDate', edat, DateType='Electronic')}</Article>"
        f"<MedlineJournalInfo>{_el('Country', 'United States')}{_el('MedlineTA', journal_iso)}"
        f"{_el('NlmUniqueID', '0000000')}</MedlineJournalInfo>"
        f"<CitationSubset>IM</CitationSubset>{_comments(comments_corrections)}{_mesh(mesh)}{kw}"
        f"</MedlineCitation>"
    )
    history = (
        _date("PubMedPubDate", edat, pad=False, hm=True, PubStatus="pubmed")
        + _date("PubMedPubDate", edat, pad=False, hm=True, PubStatus="medline")
        + _date("PubMedPubDate", edat, pad=False, hm=True, PubStatus="entrez")
    )
    data = (
        f"<PubmedData><History>{history}</History>{_el('PublicationStatus', publication_status)}"
        f"<ArticleIdList>{ids}</ArticleIdList>{refs}</PubmedData>"
    )
    return f"<PubmedArticle>{citation}{data}</PubmedArticle>"


def pubmed_article_set(xml_parts: Iterable[str]) -> bytes:
    """The efetch body: declaration, 2025 DOCTYPE, one article per line (empty set when none)."""
    body = "\n".join(xml_parts)
    return f"{XML_DECL}{DOCTYPE}<PubmedArticleSet>\n{body}</PubmedArticleSet>".encode()
