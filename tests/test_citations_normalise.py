"""Normalising labelled segments: author forms, dates, volumes and issues, pages, journals."""

from __future__ import annotations

import pytest

from evidence.citations import normalise
from evidence.citations.abbrev import abbreviate


@pytest.mark.parametrize(
    ("text", "names", "et_al"),
    [
        ("Smith AB, Doe C.", ("Smith AB", "Doe C"), False),
        ("Smith, A.B., Doe, B.", ("Smith AB", "Doe B"), False),
        ("Smith, A. B., Doe, B. C., & Roe, R.", ("Smith AB", "Doe BC", "Roe R"), False),
        ("A. B. Smith, C. Doe and E. F. Roe", ("Smith AB", "Doe C", "Roe EF"), False),
        ("SMITH AB, DOE C", ("Smith AB", "Doe C"), False),
        ("Cook D.J., Guyatt G.H.", ("Cook DJ", "Guyatt GH"), False),
        (
            "Kullo IJ, Rooke TW, Peeters Weem SM, den Ruijter HM, et al.",
            ("Kullo IJ", "Rooke TW", "Peeters Weem SM", "den Ruijter HM"),
            True,
        ),
        ("O'Donnell TF, Procházka V, Skóra J", ("O'Donnell TF", "Procházka V", "Skóra J"), False),
        ("Smith, John A.; Doe, Jane", ("Smith JA", "Doe J"), False),
        ("Lau, Heather H C, Watts, Joel C", ("Lau HHC", "Watts JC"), False),
        ("Martin- Facklam, M., Mur- phy, K.", ("Martin-Facklam M", "Murphy K"), False),
        ("American Heart Association", ("American Heart Association",), False),
        ("Centers for Widget & Gadget Services", ("Centers for Widget & Gadget Services",), False),
        # a country's dotted initials are not a person's: the agency stays one author
        ("U.S. Food and Drug Administration (FDA).", ("U.S. Food and Drug Administration (FDA)",), False),
        ("U.K. Department of Widgets and Gadgets", ("U.K. Department of Widgets and Gadgets",), False),
        ("Guo F, Sheikh K, Widget Research Network", ("Guo F", "Sheikh K", "Widget Research Network"), False),
        ("Doe J, Roe R, and others", ("Doe J", "Roe R"), True),
        # organisations by each kind of word, the test made once per list (speed, issue #11)
        ("Board of Widget Governors", ("Board of Widget Governors",), False),
        ("Doe J, Widget Task - Force", ("Doe J", "Widget Task Force"), False),
        (
            "Doe J, Roe R, Lee K, Park S, Kim H, Widget Panel et al.",
            ("Doe J", "Roe R", "Lee K", "Park S", "Kim H", "Widget Panel"),
            True,
        ),
        ("", (), False),
    ],
)
def test_author_forms(text, names, et_al):
    assert normalise.authors(text) == (names, et_al)


@pytest.mark.parametrize(
    ("text", "ymd"),
    [
        ("2016;", (2016, None, None)),
        ("Mar 03 2016;", (2016, 3, 3)),
        ("2016 Mar 3;", (2016, 3, 3)),
        ("June 5, 2005.", (2005, 6, 5)),
        ("(2011)", (2011, None, None)),
        ("2010 Oct-Dec", (2010, 10, None)),
        ("Spring 1999", (1999, 3, None)),
        ("2019-07-08", (2019, 7, 8)),
        ("n.d.", (None, None, None)),
    ],
)
def test_dates(text, ymd):
    assert normalise.date(text) == ymd


@pytest.mark.parametrize(
    ("text", "pages"),
    [
        ("861-71.", "861-71"),
        ("pp. 334–344", "334-344"),
        ("131 — 137", "131-137"),
        ("p. A65.", "A65"),
        ("e71-e126.", "e71-e126"),
        ("3S-125S.e40.", "3S-125S.e40"),
        ("CD008347.", "CD008347"),
        ("7528464", "7528464"),
    ],
)
def test_pages(text, pages):
    assert normalise.pages(text) == pages


@pytest.mark.parametrize(
    ("text", "vi"),
    [
        ("374(9):", ("374", "9")),
        ("69(6S):", ("69", "6S")),
        ("vol. 36, no. 9,", ("36", "9")),
        ("38 Suppl 2", ("38", "Suppl 2")),
        ("19:", ("19", None)),
        ("2018:", ("2018", None)),
        ("2011;(10):", (None, "10")),  # Cochrane: a year, then the issue alone
        ("(4):", (None, "4")),
        ("2014;37(11):", ("37", "11")),
    ],
)
def test_volume_and_issue(text, vi):
    assert normalise.volume_issue(text) == vi


def test_journal_as_printed_and_abbreviated():
    assert normalise.journal("*N Engl J Med.*") == "N Engl J Med"
    assert normalise.journal("Front Endocrinol (Lausanne).") == "Front Endocrinol (Lausanne)"
    assert abbreviate("N Engl J Med") == "N Engl J Med"
    assert abbreviate("J. Appl. Phys.") == "J Appl Phys"
    assert abbreviate("Journal of Vascular Surgery") == "J Vasc Surg"
    assert abbreviate("Lancet") == "Lancet"
    assert abbreviate("Frontiers in Endocrinology (Lausanne)") == "Front Endocrinol (Lausanne)"
    assert abbreviate("Zeitschrift fur Qxyzzology Wunderbar") is None


def test_underscores_are_text_unless_they_wrap_words():
    assert normalise.clean("_Lancet_.") == "Lancet"
    assert normalise.clean("100 % _ of snake_case") == "100 % _ of snake_case"
