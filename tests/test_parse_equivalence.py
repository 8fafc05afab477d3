"""The tuned `parse_efetch` gives exactly the records of the plain walk (tests/parse_reference.py).

Issue #16 made the parser faster; these tests pin that nothing a user could see changed:
every field of every record (raw_xml included, dict key order included: the store writes
these as JSON) is compared, and bodies that fail must fail alike. Run on the real efetch
samples in ../shared (skipped without them) and, always, on synthetic records: the resolve
benchmark's, the fake server's, and hand-made odd ones (inline markup, MathML, entities,
odd whitespace, collective and invalid authors, missing fields, duplicates, books).
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import pytest
from fake_eutils.records import article_xml, pubmed_article_set
from parse_reference import reference_parse

from evidence.entrez.parse import ParseError, clean_text, parse_efetch

ROOT = Path(__file__).resolve().parent.parent
DOCTYPE = (
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
MML = 'xmlns:mml="http://www.w3.org/1998/Math/MathML"'


def outcome(parse, data: bytes) -> list[tuple[str, str]] | tuple[str, str]:  # type: ignore[no-untyped-def]
    """Every field of every record as its repr (so '1' != 1 and key order counts), or the error."""
    try:
        articles = parse(data)
    except ParseError as exc:
        return ("ParseError", str(exc))
    return [(f.name, repr(getattr(a, f.name))) for a in articles for f in dataclasses.fields(a)]


def differences(bodies: dict[str, bytes]) -> list[tuple[str, object, object]]:
    out = []
    for name, data in bodies.items():
        mine, reference = outcome(parse_efetch, data), outcome(reference_parse, data)
        if isinstance(mine, tuple) or isinstance(reference, tuple) or len(mine) != len(reference):
            if mine != reference:
                out.append((name, mine, reference))
            continue
        out.extend((name, m, r) for m, r in zip(mine, reference, strict=True) if m != r)
    return out


# ---------------------------------------------------------------- hand-made odd records


def _record(pmid: int, article: str, citation: str = "", pubmed_data: str = "", attrs: str = "") -> str:
    attrs = attrs if "Status=" in attrs else f' Status="MEDLINE"{attrs}'
    return (
        f'<PubmedArticle><MedlineCitation Owner="NLM"{attrs}>'
        f'<PMID Version="1">{pmid}</PMID><Article PubModel="Print">{article}</Article>{citation}'
        f"</MedlineCitation><PubmedData>{pubmed_data}</PubmedData></PubmedArticle>"
    )


JOURNAL = (
    "<Journal><JournalIssue><Volume>7</Volume><PubDate><Year>2020</Year><Month>Feb</Month>"
    "</PubDate></JournalIssue><Title>Odd  journal</Title></Journal>"
)
ODD_RECORDS = [
    # inline markup, MathML and char references in title, abstract, affiliation, MeSH, keywords
    _record(
        90000101,
        JOURNAL + "<ArticleTitle>CO<sub>2</sub> and <i>E. coli</i>: x<sup>2</sup> &lt;&amp;&gt; "
        f"<mml:math {MML}><mml:mi>&#x3b1;</mml:mi><mml:mo>+</mml:mo></mml:math> end.</ArticleTitle>"
        '<Abstract><AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">A <b>bold</b>\n'
        "\t claim.  </AbstractText><AbstractText>Plain&#160;text&#x2009;here\u3000.</AbstractText>"
        '<AbstractText Label="">   </AbstractText><AbstractText Label="EMPTY"/></Abstract>'
        '<AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>Smith<sup>1</sup></LastName>'
        "<ForeName> Jo\u00a0Ann </ForeName><Initials>J</Initials><AffiliationInfo><Affiliation>"
        "Dept <i>of</i> X, \n  Y.</Affiliation><Affiliation>Second</Affiliation></AffiliationInfo>"
        "<AffiliationInfo><Affiliation>Other</Affiliation></AffiliationInfo></Author></AuthorList>"
        "<Language>eng</Language>",
        '<MeshHeadingList><MeshHeading><DescriptorName UI="D1" MajorTopicYN="Y">Ions, <i>heavy</i>'
        '</DescriptorName><QualifierName UI="Q1" MajorTopicYN="N"> therapy\n</QualifierName>'
        '</MeshHeading></MeshHeadingList><KeywordList><Keyword MajorTopicYN="N">a <i>b</i>'
        "</Keyword><Keyword> </Keyword></KeywordList>",
    ),
    # collective, invalid and odd authors; duplicated and empty children
    _record(
        90000102,
        JOURNAL + "<ArticleTitle/><VernacularTitle>Titre  vernaculaire</VernacularTitle>"
        "<AuthorList><Author><CollectiveName>The <i>Study</i> Group</CollectiveName></Author>"
        '<Author ValidYN="N"><LastName>Withdrawn</LastName></Author>'
        '<Author ValidYN="Y"><LastName></LastName><LastName>Second</LastName><ForeName/>'
        '<Identifier Source="ORCID">0000</Identifier><AffiliationInfo/><AffiliationInfo>'
        "<Affiliation>Late</Affiliation></AffiliationInfo></Author>"
        "<Author><Initials> </Initials><Suffix>Jr</Suffix></Author><Author/></AuthorList>"
        '<ELocationID EIdType="doi" ValidYN="N">10.1/bad</ELocationID>'
        '<ELocationID EIdType="pii">e12</ELocationID><ELocationID EIdType="doi">10.1/good</ELocationID>'
        '<PublicationTypeList><PublicationType UI="D016428">Journal  Article</PublicationType>'
        "<PublicationType>No UI</PublicationType></PublicationTypeList>",
        "<MeshHeadingList><MeshHeading><QualifierName>first</QualifierName><DescriptorName "
        'UI="D2">After qualifier</DescriptorName><DescriptorName UI="D3">Twice</DescriptorName>'
        "</MeshHeading><MeshHeading><QualifierName>orphan</QualifierName></MeshHeading>"
        "<MeshHeading/></MeshHeadingList>"
        '<CommentsCorrectionsList><CommentsCorrections RefType="Cites"><RefSource>x</RefSource>'
        '</CommentsCorrections><CommentsCorrections RefType="ErratumIn"><RefSource>J  1</RefSource>'
        '<PMID Version="1"> 90000001 </PMID><Note>n <i>b</i></Note></CommentsCorrections>'
        "</CommentsCorrectionsList>",
        '<ArticleIdList><ArticleId IdType="pubmed">90000102</ArticleId><ArticleId IdType="doi">'
        '</ArticleId><ArticleId IdType="doi">10.1/first</ArticleId><ArticleId IdType="doi">'
        '10.1/second</ArticleId><ArticleId IdType="pmc">PMC1</ArticleId></ArticleIdList>'
        "<PublicationStatus>epublish</PublicationStatus>",
        attrs=' IndexingMethod="Curated"',
    ),
    # almost nothing: no journal issue, no dates, no authors, status waiting for indexing
    _record(90000103, "<ArticleTitle>Bare.</ArticleTitle>", attrs=' Status="In-Process"'),
    _record(
        90000104,
        "<Journal><JournalIssue><PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate>"
        "</JournalIssue><ISOAbbreviation/></Journal><ArticleTitle>Dates</ArticleTitle>"
        "<Pagination><MedlinePgn/></Pagination>",
        "<MedlineJournalInfo><MedlineTA>Odd J</MedlineTA></MedlineJournalInfo>",
    ),
    _record(
        90000105,
        "<Journal><JournalIssue><PubDate><Year> 2001</Year><Season>Winter</Season><Day>x</Day>"
        "</PubDate></JournalIssue></Journal><ArticleTitle>Season</ArticleTitle>",
    ),
]
# an internal DTD subset declaring an entity: references stay unexpanded, as before
ENTITY_BODY = (
    '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY who "Someone">\n]>\n'
    "<PubmedArticleSet>"
    + _record(
        90000106,
        JOURNAL + "<ArticleTitle>By &who; today</ArticleTitle><AuthorList><Author>"
        "<LastName>&who;</LastName><AffiliationInfo><Affiliation>At &who;</Affiliation>"
        "</AffiliationInfo></Author></AuthorList>",
        '<MeshHeadingList><MeshHeading><DescriptorName UI="D4">&who;</DescriptorName>'
        "</MeshHeading></MeshHeadingList>",
    )
    + "</PubmedArticleSet>"
).encode()


ODD_BODY = (
    f'<?xml version="1.0" ?>\n{DOCTYPE}<PubmedArticleSet>\n' + "\n".join(ODD_RECORDS) + "</PubmedArticleSet>"
).encode()


def odd_bodies() -> dict[str, bytes]:
    head = f'<?xml version="1.0" ?>\n{DOCTYPE}'
    bodies = {
        "odd records": ODD_BODY,
        "entity": ENTITY_BODY,
        "latin-1": (
            '<?xml version="1.0" encoding="ISO-8859-1"?>\n<PubmedArticleSet>'
            + ODD_RECORDS[2].replace("Bare.", "Caf\u00e9.")
            + "</PubmedArticleSet>"
        ).encode("latin-1"),
        "no record": b'<?xml version="1.0" ?>\n<PubmedArticleSet></PubmedArticleSet>',
        "no citation": (head + "<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>").encode(),
        "no pmid": (head + "<PubmedArticleSet>" + ODD_RECORDS[2].replace("90000103", " ")).encode()
        + b"</PubmedArticleSet>",
    }
    for i, record in enumerate(ODD_RECORDS):
        bodies[f"odd record {i}"] = (head + "<PubmedArticleSet>" + record + "</PubmedArticleSet>").encode()
    return bodies


def fake_bodies() -> dict[str, bytes]:
    """The fake server's records in their many shapes, and the resolve benchmark's 27 KB ones."""
    spec = importlib.util.spec_from_file_location("resolve_bench", ROOT / "bench" / "resolve_bench.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    fakes = [
        article_xml(90000201),
        article_xml(90000202, book=True, abstract="A book.", authors=["Editor E"]),
        article_xml(
            90000203,
            medline_date="2015 Sep-Oct",
            pages=None,
            elocation_doi="10.9/e1",
            authors=[{"collective": "A  Group"}, "Smith J", {"last": "Ng", "affiliation": "Lab\n A"}],
            abstract=[("Background", "x  y\n z"), ("Results", "r")],
            mesh=["A", {"descriptor": "B", "major": True, "qualifiers": ["q", "r"]}],
            keywords=["k1", " k2 "],
            comments_corrections=[("ErratumIn", "90000201"), ("Cites", "90000202")],
            status="Publisher",
            indexing_method=None,
            month=None,
        ),
    ]
    synthetic = [bench.synthetic_record(str(bench.START + i)) for i in range(40)]
    return {"fake server": pubmed_article_set(fakes), "synthetic 27 KB": pubmed_article_set(synthetic)}


def test_tuned_parser_equals_the_plain_walk_on_synthetic_and_odd_records() -> None:
    bodies = {**odd_bodies(), **fake_bodies()}
    for path in sorted((ROOT / "tests" / "data" / "efetch").iterdir()):
        bodies[path.name] = path.read_bytes()
    assert differences(bodies) == []
    odd = parse_efetch(bodies["odd records"])
    assert [a.pmid for a in odd] == [str(90000101 + i) for i in range(len(ODD_RECORDS))]
    assert odd[0].title == "CO2 and E. coli: x2 <&> \u03b1+ end."
    assert odd[1].authors[0]["collective"] == "The Study Group" and len(odd[1].authors) == 4


def test_tuned_parser_equals_the_plain_walk_on_every_real_sample(shared: Path) -> None:
    files = sorted(p for p in (shared / "corpora" / "eutils-real").rglob("*") if p.suffix in (".xml", ".json"))
    bodies = {str(p.relative_to(shared)): p.read_bytes() for p in files}
    records = [outcome(reference_parse, data) for data in bodies.values()]
    fields = len(dataclasses.fields(parse_efetch(ODD_BODY)[0]))
    assert sum(len(r) for r in records if isinstance(r, list)) // fields > 150
    assert differences(bodies) == []


@pytest.mark.parametrize(
    "text",
    ["", " ", "a", " a", "a ", "a  b", "a\tb", "a\nb", "a\rb", "a\u00a0b", "a\u2009b", "a\u3000b", "a\x85b", "\u2028"]
    + ["Plain words, one space each.", "é accentué", "x" * 300, "tab\tin a long string " * 5]
    + [f"{'a long ASCII string, ' * 3}{c}end" for c in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "]
    + [" a long ASCII string that starts with a space", "a long ASCII string that ends with a space "],
)
def test_clean_text_fast_path_agrees_with_split_and_join(text: str) -> None:
    assert clean_text(text) == (" ".join(text.split()) or None)
