"""The example policy, pinned down: dates, statements, codes, conclusion, related, published."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import EXAMPLE

from evidence.policy import parse_policy, read_document
from evidence.policy.document import status_of
from evidence.records import BillingCode

CONCLUSION = (
    "The evidence is insufficient to determine that the technology results in an improvement in the net health outcome."
)
DESCRIPTOR = (
    "Intramuscular autologous bone marrow cell therapy, with preparation of harvested cells, "
    "multiple injections, one leg, including ultrasound guidance, if performed; "
)
POSITION = "not covered for Medicare Advantage Plans and not medically necessary for Commercial Products"


@pytest.fixture(scope="module")
def doc():  # type: ignore[no-untyped-def]
    return parse_policy(read_document(EXAMPLE.read_bytes(), EXAMPLE.name))


def test_header_fields(doc):
    assert doc.title is None  # the example has no title line
    assert doc.effective_date == date(2026, 1, 1)
    assert doc.last_reviewed == date(2025, 9, 17)
    assert doc.published == "Provider Update, November 2025"
    assert doc.related == ("Orthopedic Applications of Stem Cell Therapy",)
    assert doc.warnings == ()


def test_statements(doc):
    assert [(s.product, s.status) for s in doc.statements] == [
        ("Medicare Advantage Plans", "not covered"),
        ("Commercial Products", "not medically necessary"),
    ]
    for s in doc.statements:
        assert s.text.startswith("Treatment of peripheral arterial disease, including critical limb")
        assert s.text.endswith("improvement in the net health outcome.")


def test_conclusion(doc):
    assert doc.conclusion == CONCLUSION


def test_codes(doc):
    assert doc.codes == (
        BillingCode(
            "0263T",
            "CPT",
            DESCRIPTOR + "complete procedure including unilateral or bilateral bone marrow harvest",
            POSITION,
        ),
        BillingCode(
            "0264T",
            "CPT",
            DESCRIPTOR + "complete procedure excluding bone marrow harvest",
            POSITION,
        ),
        BillingCode(
            "0265T",
            "CPT",
            DESCRIPTOR + "unilateral or bilateral bone marrow harvest only "
            "for intramuscular autologous bone marrow cell therapy",
            POSITION,
        ),
    )


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("X is not covered as the evidence is insufficient", "not covered"),
        ("X is not medically necessary.", "not medically necessary"),
        ("X is considered experimental/investigational.", "investigational"),
        ("X is investigational and therefore not covered.", "investigational"),
        ("X is considered medically necessary when criteria are met.", "medically necessary"),
        ("X is covered for members with diabetes.", "covered"),
        ("X is not considered medically necessary.", "not medically necessary"),
        ("X is unproven and not medically necessary.", "not medically necessary"),
        ("X is considered experimental and investigational.", "investigational"),
        ("II. Experimental, Investigational, or Unproven", "investigational"),
        ("X is not reasonable and necessary.", "not medically necessary"),
        ("X is reasonable and necessary when criteria are met.", "medically necessary"),
        ("X should only be used in the context of research.", "investigational"),
        ("Nothing here states a position.", None),
    ],
)
def test_status_of(sentence, status):
    assert status_of(sentence) == status


TITLED = """# Gene Therapy for Widgetosis

EFFECTIVE DATE: January 1, 2026

POLICY LAST REVIEWED: 2025-09-17

POLICY STATEMENT

Medicare Advantage Plans

Gene therapy for widgetosis is considered experimental/investigational.

Commercial Products

Gene therapy for widgetosis is medically necessary when criteria are met.

CODING

The following HCPCS and ICD-10 codes are covered:

- J3399 Injection, onasemnogene abeparvovec
- I70.221 Atherosclerosis of native arteries of extremities with rest pain, right leg

REFERENCES

1. Doe J, Roe R. A trial of widgets. *J Widg.* 2020; 1(1): 1-10. PMID 90000001
"""


def test_title_other_statuses_and_code_systems():
    doc = parse_policy(read_document(TITLED.encode(), "titled.md"))
    assert doc.title == "Gene Therapy for Widgetosis"
    assert (doc.effective_date, doc.last_reviewed) == (date(2026, 1, 1), date(2025, 9, 17))
    assert [(s.product, s.status) for s in doc.statements] == [
        ("Medicare Advantage Plans", "investigational"),
        ("Commercial Products", "medically necessary"),
    ]
    assert [(c.code, c.system, c.position) for c in doc.codes] == [
        ("J3399", "HCPCS", "covered"),
        ("I70.221", "ICD-10-CM", "covered"),
    ]


def test_last_review_date_variant_and_single_statement():
    text = (
        "Effective: 1/1/2026\nLast Review Date: Sep 17, 2025\n\nPOLICY STATEMENT\n\n"
        "Widget therapy is not medically necessary.\n\nREFERENCES\n\n"
        "1. Doe J. Widgets. *J Widg.* 2020; 1: 1. PMID 90000001\n"
    )
    doc = parse_policy(text)
    assert (doc.effective_date, doc.last_reviewed) == (date(2026, 1, 1), date(2025, 9, 17))
    assert [(s.product, s.status) for s in doc.statements] == [("All products", "not medically necessary")]


def test_no_reference_list_is_parsed_with_a_warning():
    """Issue 11 changed the rule: such a policy is stored; its statements still count."""
    text = EXAMPLE.read_text(encoding="utf-8").split("REFERENCES")[0]
    doc = parse_policy(text)
    assert doc.references == ()
    assert doc.warnings == ("no reference list found; stored without references",)
    assert [s.status for s in doc.statements] == ["not covered", "not medically necessary"]


def test_html_table_header_fields_and_h1_title():
    page = (
        "<html><head><title>Site | Widget Policy</title></head><body><h1>Widget Policy</h1>"
        "<table><tr><td>Effective Date</td><td>01/01/2026</td></tr>"
        "<tr><td>Last Reviewed</td><td>September 17, 2025</td></tr></table>"
        "<h2>References</h2>"
        "<ol><li>Doe J. Widgets. <em>J Widg.</em> 2020; 1: 1. PMID 90000001</li></ol>"
        "</body></html>"
    )
    doc = parse_policy(read_document(page.encode(), "widget.html"))
    assert doc.title == "Widget Policy"
    assert (doc.effective_date, doc.last_reviewed) == (date(2026, 1, 1), date(2025, 9, 17))
    assert [(c.number, c.journal, c.pmid) for c in doc.references] == [(1, "J Widg", "90000001")]


# ---------------------------------------------------------------- other plans' house styles

from policy_styles import STYLES, Style, expected_raws, policy_file  # noqa: E402


def _parsed(style: Style):  # type: ignore[no-untyped-def]
    data, name = policy_file(style)
    return parse_policy(read_document(data, name))


@pytest.fixture(scope="module", params=STYLES, ids=lambda s: s.file)
def styled(request):  # type: ignore[no-untyped-def]
    return request.param, _parsed(request.param)


def test_house_style_references_are_every_whole_entry(styled):
    style, doc = styled
    raws = [c.raw.replace("*", "") for c in doc.references]  # journals in italics come as *...*
    assert raws == expected_raws(style)
    assert [c.number for c in doc.references] == list(range(1, len(style.refs) + 1))
    assert all(c.printed_number is None for c in doc.references)
    not_numbered = "the reference list is not numbered; numbered in the order written"
    assert (not_numbered in doc.warnings) is (not style.numbered)
    assert [w for w in doc.warnings if w != not_numbered] == []


def test_house_style_groups(styled):
    style, doc = styled
    assert [c.group for c in doc.references] == (style.groups or [None] * len(style.refs))


def test_house_style_header(styled):
    style, doc = styled
    assert doc.title == style.title
    assert doc.policy_number == style.policy_number
    assert (doc.effective_date, doc.original_effective) == (style.effective, style.original_effective)
    assert (doc.last_reviewed, doc.next_review) == (style.last_reviewed, style.next_review)
    assert doc.published == style.published


def test_house_style_positions_each_with_its_text(styled):
    style, doc = styled
    got = [
        (s.product, s.status, s.text[: len(start)])
        for s, (_, _, start) in zip(doc.statements, style.statements, strict=False)
    ]
    assert len(doc.statements) == len(style.statements)
    assert got == style.statements


def test_house_style_pmids_and_fields_reach_the_citation_parser(styled):
    style, doc = styled
    if style.pmids:
        assert [c.pmid for c in doc.references] == style.pmids
    first = doc.references[0]
    assert first.authors and first.year and first.raw.split()[0].rstrip(",") == first.authors[0].split()[0]


PRINTABLE = [s for s in STYLES if s.form == "file" and s.file.endswith((".txt", ".md"))]


@pytest.mark.parametrize("form", ["pdf", "html"])
@pytest.mark.parametrize("style", PRINTABLE, ids=lambda s: s.file)
def test_house_styles_printed_to_pdf_or_saved_as_html_read_the_same(style, form):
    """The plan publishes the same text as a PDF (no blank lines survive) or a web page."""
    from policy_forms import DEJAVU, to_html, to_pdf

    if form == "pdf" and not DEJAVU.exists():
        pytest.skip(f"{DEJAVU} absent (Debian package fonts-dejavu-core)")
    data, name = policy_file(style)
    text = read_document(data, name)
    doc = parse_policy(read_document(to_pdf(text) if form == "pdf" else to_html(text).encode(), f"p.{form}"))
    assert [c.raw.replace("*", "") for c in doc.references] == expected_raws(style)
    assert [(s.product, s.status) for s in doc.statements] == [(p, st) for p, st, _ in style.statements]
    assert (doc.title, doc.policy_number, doc.effective_date) == (style.title, style.policy_number, style.effective)
