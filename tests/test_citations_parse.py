"""The shipped citation model, end to end: reference strings in many house styles -> fields.

Every string here is written for this test (synthetic authors and titles, PMIDs from the
synthetic 9xxxxxxx range); none is copied from the training or evaluation data.
"""

from __future__ import annotations

import pytest

from evidence.citations import label_citation, parse_citation
from evidence.citations.model import MODEL


def test_the_model_ships_inside_the_package():
    assert MODEL.is_file() and 10_000 < MODEL.stat().st_size < 20_000_000


def fields(c):  # type: ignore[no-untyped-def]
    return (c.authors[0] if c.authors else None, c.year, c.journal, c.volume, c.issue, c.pages)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Vancouver / NLM
        (
            "Harrow PL, Quenby ST, Ameli R. Widget implants in chronic gadgetosis. Br J Widg Surg. 2014;101(7):812-9.",
            ("Harrow PL", 2014, "Br J Widg Surg", "101", "7", "812-9"),
        ),
        # AMA with an italic journal, month and day before the year
        (
            "Okonkwo CE, Lindqvist M, Barrow T, et al. Outcomes of widget therapy at two years. "
            "*JAMA Surg.* Feb 12 2019; 154(2): 131-140. PMID 90000011",
            ("Okonkwo CE", 2019, "JAMA Surg", "154", "2", "131-140"),
        ),
        # no period between journal and year
        (
            "Barlow RJ, Fenn A. Gadget load and cardiac events. Am Heart J 2002;144(5):760-8.",
            ("Barlow RJ", 2002, "Am Heart J", "144", "5", "760-8"),
        ),
        # one-word journal, month before year
        (
            "Dunmore K, Hale S. Widget failure in the elderly. Lancet. Jun 2005;35(6):1221-1229.",
            ("Dunmore K", 2005, "Lancet", "35", "6", "1221-1229"),
        ),
        # Author: Title
        (
            "Prewitt HJ: Gadgetosis revisited. J Widg Res. 2011;12:44-50.",
            ("Prewitt HJ", 2011, "J Widg Res", "12", None, "44-50"),
        ),
        # initials with periods
        (
            "Cook D.J., Marsh G.H. Randomised trials of widgets in intensive care. Crit Care Med. 1998;26(4):700-707.",
            ("Cook DJ", 1998, "Crit Care Med", "26", "4", "700-707"),
        ),
        # inverted names, APA-like author-year, en-dash pages
        (
            "Chakroborty, A., Teller, J.B. (2011) Patterns of widget use in rural clinics. J Rural Widg 19: 131–137",
            ("Chakroborty A", 2011, "J Rural Widg", "19", None, "131-137"),
        ),
        # upper-case surnames
        (
            "NAKAMURA T, OSEI K. Widget dosing in renal failure. Kidney Int. 2016;89(2):e12-e19.",
            ("Nakamura T", 2016, "Kidney Int", "89", "2", "e12-e19"),
        ),
        # no title at all
        (
            "Whitcombe AB, Farrow C. Lancet 2010;376:1123-31.",
            ("Whitcombe AB", 2010, "Lancet", "376", None, "1123-31"),
        ),
        # natural-order names, full journal title, volume and issue words
        (
            "A. B. Holloway and C. D. Pryce, “A survey of widget registries,” Journal of Widget "
            "Medicine, vol. 12, no. 3, pp. 45–67, 2008.",
            ("Holloway AB", 2008, "Journal of Widget Medicine", "12", "3", "45-67"),
        ),
        # supplement pages and an electronic article number
        (
            "Marlow JS, Teague P. Global guidance on gadgetosis. J Vasc Widg. 2019;69(6S):3S-125S.e40.",
            ("Marlow JS", 2019, "J Vasc Widg", "69", "6S", "3S-125S.e40"),
        ),
    ],
)
def test_house_styles(text, expected):
    c = parse_citation(text, 4)
    assert fields(c) == expected
    assert c.number == 4 and c.raw == text and c.kind == "article"


def test_titles_journals_and_identifiers():
    c = parse_citation(
        "Okonkwo CE, Lindqvist M, Barrow T, et al. Outcomes of widget therapy at two years. "
        "*JAMA Surg.* Feb 12 2019; 154(2): 131-140. doi:10.5555/jsurg.2019.0131. PMID: 90000011."
    )
    assert c.title == "Outcomes of widget therapy at two years"
    assert c.authors == ("Okonkwo CE", "Lindqvist M", "Barrow T") and c.et_al
    assert (c.month, c.day) == (2, 12)
    assert (c.pmid, c.doi) == ("90000011", "10.5555/jsurg.2019.0131")
    assert c.journal_abbrev == "JAMA Surg"
    assert c.warnings == ()


def test_a_printed_full_journal_title_gets_its_abbreviation():
    c = parse_citation(
        "Harrow PL, Ameli R. Widget implants in chronic gadgetosis. American Journal of Medicine. 2014;101(7):812-9."
    )
    assert c.journal == "American Journal of Medicine"
    assert c.journal_abbrev == "Am J Med"


def test_book_report_and_web_page_kinds():
    book = parse_citation(
        "Institute of Widget Medicine. Clinical Guidelines for Gadgetosis. 2nd ed. Washington, DC: "
        "National Academies Press; 2011."
    )
    assert book.kind == "book"
    assert (book.place, book.publisher, book.year, book.edition) == (
        "Washington, DC",
        "National Academies Press",
        2011,
        "2nd",
    )
    assert book.authors == ("Institute of Widget Medicine",)
    report = parse_citation(
        "Agency for Widget Research. Widgets for gadgetosis: a technology assessment. "
        "Rockville, MD: Agency for Widget Research; 2019. Technology Assessment Report No. 41."
    )
    assert report.kind == "report" and report.year == 2019
    web = parse_citation(
        "Widget Society. Patient information on widgets. Available at: "
        "https://www.widget-society.example/patients. Accessed March 3, 2020."
    )
    assert web.kind == "web"
    assert web.url == "https://www.widget-society.example/patients"
    assert web.year is None or web.year == 2020
    chapter = parse_citation(
        "Harrow PL. Widget surgery. In: Quenby ST, Ameli R, eds. Textbook of Gadgetosis. "
        "3rd ed. New York, NY: Widget Press; 2015:101-130."
    )
    assert chapter.kind == "chapter" and chapter.pages == "101-130"


def test_labels_cover_each_segment_in_order():
    segments = label_citation("Barlow RJ, Fenn A. Gadget load and cardiac events. Am Heart J 2002;144(5):760-8.")
    assert [label for label, _ in segments] == ["author", "title", "journal", "date", "volume", "pages"]
    assert "".join(text for _, text in segments).replace(" ", "") == (
        "BarlowRJ,FennA.Gadgetloadandcardiacevents.AmHeartJ2002;144(5):760-8."
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        ".,;:()[]***",
        "\x00\x01\x02 garbage \ufffd\ufffd",
        "1234567890 " * 50,
        "PMID PMID PMID doi: doi:",
        "é" * 5000,
        "Smith J. " + "very long title " * 7000,  # about 110 KB
    ],
)
def test_garbage_and_huge_entries_never_raise(text):
    c = parse_citation(text, 9)
    assert c.number == 9
    assert c.raw == " ".join(text.split())


def test_a_reference_that_opens_with_its_journal():
    c = parse_citation("Gut. 2010;59(3):300-5.")
    assert (c.authors, c.journal, c.year, c.volume, c.issue, c.pages) == ((), "Gut", 2010, "59", "3", "300-5")
    assert c.kind == "article"


def test_a_web_page_is_not_dated_by_when_it_was_read():
    c = parse_citation(
        "Widget Council. Coverage of widgets (20.1). https://www.widget-council.example/ncd. Accessed January 5, 2024."
    )
    assert c.kind == "web" and c.year is None


def test_guidance_from_an_agency_is_a_report():
    c = parse_citation(
        "National Institute for Widget Excellence (NIWE). Widget therapy for gadgetosis. "
        "Interventional procedures guidance [IPG123]. 2018."
    )
    assert c.kind == "report" and c.year == 2018


def test_a_one_word_title_after_a_single_author():
    c = parse_citation("Kovář V. Widgets. J Gadget Med. 2021;14:1-9.")
    assert (c.authors, c.title, c.journal, c.year, c.volume, c.pages) == (
        ("Kovář V",),
        "Widgets",
        "J Gadget Med",
        2021,
        "14",
        "1-9",
    )
