"""efetch XML -> Article: synthetic records (PMIDs 90000001+) in tests/data/efetch/."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from evidence.entrez.parse import (
    ParseError,
    parse_efetch,
    parse_medline_date,
    parse_with_biopython,
)
from evidence.errors import EntrezError
from evidence.records import Article

EFETCH = Path(__file__).resolve().parent / "data" / "efetch"
PARSERS = [parse_efetch, parse_with_biopython]


def body(name: str) -> bytes:
    return (EFETCH / name).read_bytes()


def by_pmid(name: str) -> dict[str, Article]:
    return {a.pmid: a for a in parse_efetch(body(name))}


def without_raw(article: Article) -> Article:
    return dataclasses.replace(article, raw_xml=None)


# ---------------------------------------------------------------- fields


@pytest.mark.parametrize(
    "pmid, expected",
    [
        (
            "90000001",
            dict(
                title="Autologous bone-marrow cells in CO2-treated limbs: a randomized trial.",
                journal="The Journal of synthetic vascular medicine",
                journal_iso="J Synth Vasc Med",
                year=2019,
                month=9,
                day=7,
                volume="69",
                issue="6S",
                pages="861-71",
                doi="10.9999/jsvm.2019.0001",
                pmcid="PMC9000001",
                language="eng",
                indexing_method="human",
                citation_status="MEDLINE",
                publication_status="ppublish",
                keywords=["stem cells", "ischaemia"],
                is_book=False,
            ),
        ),
        (
            "90000002",
            dict(year=2015, month=9, day=None, pages="e71-e126", indexing_method="automated"),
        ),
        (
            "90000003",
            dict(
                year=2021,
                month=3,
                pages="7528464",
                doi="10.9999/som.7528464",
                indexing_method="curated",
                citation_status="PubMed-not-MEDLINE",
                abstract="An unlabelled abstract.",
            ),
        ),
        (
            "90000004",
            dict(
                month=9,
                pages="3S-125S.e40",
                mesh=[],
                citation_status="In-Process",
                indexing_method=None,
                publication_status="aheadofprint",
            ),
        ),
        (
            "90000005",
            dict(
                title="Un titre en français.",
                month=None,
                citation_status="Publisher",
                indexing_method=None,
                journal_iso="Rev Synth",
            ),
        ),
    ],
)
def test_journal_article_fields(pmid: str, expected: dict[str, object]) -> None:
    article = by_pmid("journal_articles.xml")[pmid]
    assert {k: getattr(article, k) for k in expected} == expected


def test_records_keep_document_order() -> None:
    pmids = [a.pmid for a in parse_efetch(body("journal_articles.xml"))]
    assert pmids == ["90000001", "90000002", "90000003", "90000004", "90000005"]


def test_structured_abstract_keeps_sections_and_flattens_markup() -> None:
    article = by_pmid("journal_articles.xml")["90000001"]
    assert [(s["label"], s["category"]) for s in article.abstract_sections] == [
        ("BACKGROUND", "BACKGROUND"),
        ("METHODS", "METHODS"),
        ("CONCLUSIONS", "CONCLUSIONS"),
    ]
    assert article.abstract_sections[1]["text"] == (
        "We randomized 120 patients; the effect size was d=0.4 with p < 0.05 & no harm."
    )
    assert article.abstract.splitlines()[0] == "BACKGROUND: Limb ischaemia is common."


def test_authors_in_order_with_collective_name_and_invalid_ones_skipped() -> None:
    authors = by_pmid("journal_articles.xml")["90000001"].authors
    assert authors == [
        {
            "last": "Procházka",
            "fore": "Václav",
            "initials": "V",
            "collective": None,
            "affiliation": "First Institute, Synthetic City.",
        },
        {
            "last": "Smith",
            "fore": "Jane A",
            "initials": "JA",
            "collective": None,
            "affiliation": None,
        },
        {
            "last": None,
            "fore": None,
            "initials": None,
            "collective": "Synthetic Limb Study Group",
            "affiliation": None,
        },
    ]


def test_publication_types_and_mesh_with_qualifiers() -> None:
    article = by_pmid("journal_articles.xml")["90000001"]
    assert article.publication_types == [
        {"ui": "D016428", "name": "Journal Article"},
        {"ui": "D016449", "name": "Randomized Controlled Trial"},
    ]
    assert article.mesh[1] == {
        "descriptor": "Peripheral Arterial Disease",
        "ui": "D000002",
        "major": True,
        "qualifiers": [{"name": "therapy", "major": True}, {"name": "pathology", "major": False}],
    }


def test_retraction_erratum_concern_and_update_links_kept_cites_dropped() -> None:
    records = by_pmid("journal_articles.xml")
    retracted = records["90000002"]
    assert {"ui": "D016441", "name": "Retracted Publication"} in retracted.publication_types
    assert [(c["ref_type"], c["pmid"]) for c in retracted.comments_corrections] == [
        ("RetractionIn", "90000011"),
        ("ErratumIn", "90000012"),
        ("ExpressionOfConcernIn", "90000013"),
        ("UpdateIn", None),
    ]
    assert retracted.comments_corrections[1]["note"] == "Dosage error in text"
    assert [c["ref_type"] for c in records["90000001"].comments_corrections] == ["CommentIn"]


def test_book_article() -> None:
    (book,) = parse_efetch(body("book_article.xml"))
    assert (book.pmid, book.is_book, book.title, book.journal, book.year) == (
        "90000010",
        True,
        "GENE1-Related Disorders",
        "SynthReviews®",
        1999,
    )
    assert [a["last"] for a in book.authors] == ["Writer"]  # chapter authors, not editors
    assert book.publication_types == [{"ui": "D016454", "name": "Review"}]
    assert (book.indexing_method, book.publication_status) == (None, "ppublish")


def test_raw_xml_rereads_to_the_same_record() -> None:
    for article in parse_efetch(body("journal_articles.xml")):
        wrapped = f"<PubmedArticleSet>{article.raw_xml}</PubmedArticleSet>".encode()
        assert parse_efetch(wrapped) == [article]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2015 Sep-Oct", (2015, 9)),
        ("2010 Oct-Dec", (2010, 10)),
        ("1998 Dec-1999 Jan", (1998, 12)),
        ("2000 Spring", (2000, 3)),
        ("2001 Winter", (2001, None)),
        ("1975-1976", (1975, None)),
        ("", (None, None)),
    ],
)
def test_medline_date_forms(text: str, expected: tuple[int | None, int | None]) -> None:
    assert parse_medline_date(text) == expected


# ---------------------------------------------------------------- both parsers, offline


@pytest.mark.parametrize("name", ["journal_articles.xml", "book_article.xml", "newer_dtd.xml"])
def test_biopython_path_gives_the_same_records(name: str, no_network: None) -> None:
    assert parse_with_biopython(body(name)) == [without_raw(a) for a in parse_efetch(body(name))]


@pytest.mark.parametrize("parse", PARSERS)
def test_newer_dtd_parses_offline(parse, no_network: None) -> None:  # type: ignore[no-untyped-def]
    (article,) = parse(body("newer_dtd.xml"))
    assert (article.pmid, article.year, article.journal_iso) == ("90000020", 2027, "Synth Future J")


@pytest.mark.parametrize("parse", PARSERS)
def test_empty_article_set_is_valid(parse) -> None:  # type: ignore[no-untyped-def]
    assert parse(body("empty_set.xml")) == []


# ---------------------------------------------------------------- bodies that are not records


@pytest.mark.parametrize("parse", PARSERS)
@pytest.mark.parametrize(
    "name, message",
    [
        ("truncated.xml", "truncated"),
        ("error.xml", "error"),
        ("blocked.html", "HTML page"),
        ("rate_limit_429.json", "not XML"),
    ],
)
def test_unusable_bodies_raise_parse_error(
    parse, name: str, message: str, no_network: None
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParseError, match=message):
        parse(body(name))


@pytest.mark.parametrize("data", [b"", b"   \n", b"Service unavailable", b"<eSearchResult/>"])
def test_empty_and_foreign_bodies_raise_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError) as info:
        parse_efetch(data)
    assert isinstance(info.value, EntrezError)  # the client's retry loop catches EntrezError


def test_error_element_message_is_reported() -> None:
    with pytest.raises(ParseError, match="Search Backend failed: Database is not supported"):
        parse_efetch(body("error.xml"))


@pytest.mark.parametrize("parse", PARSERS)
def test_entity_expansion_is_refused_or_left_unexpanded(parse, no_network: None) -> None:  # type: ignore[no-untyped-def]
    try:
        records = parse(body("billion_laughs.xml"))
    except ParseError:
        return
    assert all("lollol" not in (a.title or "") for a in records)


@pytest.mark.parametrize("parse", PARSERS)
def test_external_entities_are_not_fetched(parse, no_network: None) -> None:  # type: ignore[no-untyped-def]
    try:
        records = parse(body("external_entity.xml"))
    except ParseError:
        return
    (article,) = records
    assert article.title == "Leak &local;&remote; end."  # references kept as written
    assert "root:" not in (article.raw_xml or "")
