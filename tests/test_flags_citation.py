"""Citation vs. PubMed record: synthetic pairs (PMIDs 90000001+), accepted equivalences included."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evidence.flags import check_citation
from evidence.records import Article, Citation

ARTICLE = Article(
    pmid="90000001",
    title="Autologous bone-marrow cell therapy for critical limb ischemia: a randomized trial.",
    journal="The New England journal of medicine",
    journal_iso="N Engl J Med",
    year=2016,
    volume="69",
    issue="6 Suppl",
    pages="861-71",
    authors=[{"last": "Procházka", "fore": "Václav", "initials": "V"}],
    publication_status="ppublish",
)
CITATION = Citation(
    number=1,
    raw="(synthetic)",
    authors=("Prochazka V", "Smith J"),
    et_al=True,
    title="Autologous bone marrow cell therapy for critical limb ischemia: a randomized trial",
    journal="N Engl J Med",
    year=2016,
    volume="69",
    issue="6S",
    pages="861-871",
)


def kinds(citation: Citation = CITATION, article: Article = ARTICLE) -> list[str]:
    return [kind for kind, _ in check_citation(citation, article)]


def test_a_faithful_citation_raises_nothing() -> None:
    assert check_citation(CITATION, ARTICLE) == []


@pytest.mark.parametrize(
    "citation_change, article_change",
    [
        ({"journal": "New England Journal of Medicine"}, {}),
        ({"journal": "The New England Journal of Medicine."}, {}),
        (
            {"journal": "Int J Mol Sci"},
            {"journal": "International journal of molecular sciences", "journal_iso": None},
        ),
        (
            {"journal": "J Vasc Surg"},
            {"journal": "Journal of vascular surgery", "journal_iso": "J Vasc Surg"},
        ),
        ({"issue": "Suppl 6"}, {}),
        ({"issue": "6S"}, {"issue": "6S"}),
        ({"pages": "861-71"}, {}),
        ({"pages": "3S-125S.e40"}, {"pages": "3S-125S.e40"}),
        ({"pages": "e71-e126"}, {"pages": "71-126"}),
        ({"pages": "7528464"}, {"pages": "7528464"}),
        ({"pages": "7528464"}, {"pages": "10.9999/som.7528464"}),  # a DOI is not compared
        ({"year": 2015}, {}),  # online-first year, issue in 2016
        ({"year": 2017}, {"publication_status": "aheadofprint"}),  # print year of an epub record
        ({"authors": ("PROCHAZKA V",)}, {}),
        (
            {"authors": ("Synthetic Limb Study Group",)},
            {"authors": [{"collective": "Synthetic Limb Study Group."}]},
        ),
        ({"issue": None, "volume": None, "pages": None, "journal": None, "year": None}, {}),
        (
            {},
            {
                "issue": None,
                "volume": None,
                "pages": None,
                "journal": None,
                "year": None,
                "authors": [],
            },
        ),
    ],
)
def test_accepted_equivalences_and_missing_fields(
    citation_change: dict[str, object], article_change: dict[str, object]
) -> None:
    assert kinds(replace(CITATION, **citation_change), replace(ARTICLE, **article_change)) == []


@pytest.mark.parametrize(
    "change, kind, detail",
    [
        ({"year": 2013}, "year", "year: policy says 2013; PubMed says 2016"),
        ({"year": 2017}, "year", "year: policy says 2017; PubMed says 2016"),
        ({"volume": "96"}, "volume", "volume: policy says 96; PubMed says 69"),
        ({"issue": "7"}, "issue", "issue: policy says 7; PubMed says 6 Suppl"),
        ({"pages": "816-71"}, "first-page", "first-page: policy says 816-71; PubMed says 861-71"),
        (
            {"authors": ("Kullo IJ",)},
            "first-author",
            "first-author: policy says Kullo IJ; PubMed says Procházka V",
        ),
        (
            {"journal": "Lancet"},
            "journal",
            "journal: policy says Lancet; "
            "PubMed says N Engl J Med (The New England journal of medicine)",
        ),
    ],
)
def test_each_mismatch_is_flagged_with_both_sides(
    change: dict[str, object], kind: str, detail: str
) -> None:
    assert check_citation(replace(CITATION, **change), ARTICLE) == [(kind, detail)]


def test_a_different_title_is_flagged_with_its_similarity() -> None:
    citation = replace(CITATION, title="Bone marrow cells for limb ischemia: long-term follow-up")
    ((kind, detail),) = check_citation(citation, ARTICLE)
    assert kind == "title"
    assert detail.startswith("title similarity ")
    assert "policy says 'Bone marrow cells" in detail and "PubMed says 'Autologous" in detail


def test_unrelated_record_is_flagged_pmid_likely_wrong_first() -> None:
    citation = Citation(
        number=7,
        raw="(synthetic)",
        authors=("Kullo IJ",),
        title="Peripheral artery disease: a clinical review of diagnosis",
        journal="JAMA",
        year=2016,  # one field agreeing by chance is not enough
        volume="315",
        pages="1054-62",
    )
    found = kinds(citation)
    assert found[0] == "pmid-likely-wrong"
    assert set(found[1:]) == {"volume", "first-page", "first-author", "journal", "title"}
    detail = check_citation(citation, ARTICLE)[0][1]
    assert "PMID 90000001" in detail and "Kullo IJ" in detail and "Procházka V" in detail


def test_a_citation_agreeing_on_author_and_journal_is_not_likely_wrong() -> None:
    citation = replace(CITATION, title="Something else entirely about knees", year=2001)
    assert "pmid-likely-wrong" not in kinds(citation)
    assert set(kinds(citation)) == {"year", "title"}


def test_without_titles_needs_three_disagreements_to_call_pmid_wrong() -> None:
    bare = Citation(number=2, raw="(synthetic)", authors=("Kullo IJ",), journal="JAMA", year=2001)
    assert kinds(bare, replace(ARTICLE, title=None))[0] == "pmid-likely-wrong"
    assert "pmid-likely-wrong" not in kinds(
        replace(bare, journal=None), replace(ARTICLE, title=None)
    )
