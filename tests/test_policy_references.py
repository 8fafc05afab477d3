"""The reference list: the example's 32 entries exactly, the tricky forms, other identifiers."""

from __future__ import annotations

import pytest
from conftest import DATA, EXAMPLE

from evidence.policy import parse_policy, read_document
from evidence.policy.references import parse_citation, split_entries

# Read from examples/stem-cell-pad.txt once, by hand: the document is the test data.
EXAMPLE_PMIDS = [
    "26962905", "26264874", "25993296", "29793635", "21030198", "19740466", "28096194",
    "29977308", "31113463", "34788653", "35802393", "20529449", "21951607", "25995748",
    "28297569", "36105404", "25567765", "26511056", "21205939", "21684715", "22453769",
    "38294084", "24247554", "29141087", "29877199", "27851992", "28826846", "38752899",
    "21873417", "28886620", "39210722", "31159978",
]  # fmt: skip


@pytest.fixture(scope="module")
def refs():  # type: ignore[no-untyped-def]
    doc = parse_policy(read_document(EXAMPLE.read_bytes(), EXAMPLE.name))
    return {c.number: c for c in doc.references}


def test_example_has_32_references_with_their_pmids(refs):
    assert list(refs) == list(range(1, 33))
    assert [refs[n].pmid for n in range(1, 33)] == EXAMPLE_PMIDS
    assert all(c.warnings == () for c in refs.values())
    assert all(c.authors and c.title and c.journal and c.year for c in refs.values())


def fields(c):  # type: ignore[no-untyped-def]
    return (c.authors[0], c.et_al, c.journal, c.year, c.month, c.day, c.volume, c.issue, c.pages)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, ("Kullo IJ", False, "N Engl J Med", 2016, 3, 3, "374", "9", "861-71")),
        (8, ("Xie B", True, "Stem Cells Int", 2018, None, None, "2018", None, "7528464")),
        (11, ("Moazzami B", True, "Cochrane Database Syst Rev", 2022, 7, 8, "7", "7", "CD008347")),
        (12, ("Procházka V", True, "Cell Transplant", 2010, None, None, "19", "11", "1413-24")),
        (13, ("Benoit E", True, "J Transl Med", 2011, 9, 27, "9", None, "165")),
        (14, ("Skóra J", True, "Arch Med Sci", 2015, 4, 25, "11", "2", "325-31")),
        (
            16,
            (
                "Dubský M",
                True,
                "Front Endocrinol (Lausanne)",
                2022,
                None,
                None,
                "13",
                None,
                "888809",
            ),
        ),
        (22, ("Norgren L", True, "Br J Surg", 2024, 1, 31, "111", "2", None)),
        (26, ("Gerhard-Herman MD", True, "J Am Coll Cardiol", 2017, 3, 21, "69", "11", "e71-e126")),
        (28, ("Gornik HL", True, "J Am Coll Cardiol", 2024, 6, 18, "83", "24", "2497-2604")),
        (29, ("Tendera M", True, "Eur Heart J", 2011, 11, None, "32", "22", "2851-906")),
        (32, ("Conte MS", True, "J Vasc Surg", 2019, 6, None, "69", "6S", "3S-125S.e40")),
    ],
)
def test_tricky_entries(refs, number, expected):
    assert fields(refs[number]) == expected


def test_authors_titles_and_accents_as_written(refs):
    assert refs[1].authors == ("Kullo IJ", "Rooke TW")
    assert refs[1].title == "CLINICAL PRACTICE. Peripheral Artery Disease"
    assert refs[12].authors == ("Procházka V", "Gumulec J", "Jalůvka F")
    assert refs[16].authors == ("Dubský M", "Husáková J", "Bem R")
    assert refs[13].authors[1] == "O'Donnell TF"
    assert refs[14].title.startswith("Combined autologous bone marrow mononuclear cell")
    assert refs[14].raw.startswith("Skóra J, Pupka A") and refs[14].raw.endswith("PMID 25995748")


def test_entries_after_blank_lines_are_whole(refs):
    # 13/14 and 28/29 are separated by a blank line in the document
    assert refs[13].raw.endswith("9: 165. PMID 21951607")
    assert refs[28].raw.endswith("83(24): 2497-2604. PMID 38752899")
    assert refs[29].raw.startswith("Tendera M") and refs[29].pmid == "21873417"
    assert "CLICK" not in refs[32].raw and "medical policy" not in refs[32].raw


def test_wrapped_entries_and_page_furniture_join():
    lines = [
        "1. Doe J, Roe R. A trial of",
        "widgets in gadgetosis. *J Widg.* Mar 2020;",
        "",
        "Page 3 of 7",
        "12(3): 101-10. PMID 90000001",
        "2. Poe E. Second. *J Widg.* 2021; 2: 5. PMID 90000002",
    ]
    entries, warnings = split_entries(lines)
    assert warnings == []
    first = parse_citation(entries[0].number, entries[0].text)
    assert first.title == "A trial of widgets in gadgetosis"
    assert (first.volume, first.issue, first.pages, first.pmid) == ("12", "3", "101-10", "90000001")
    assert [e.number for e in entries] == [1, 2]


def test_a_wrapped_line_starting_with_a_number_is_not_an_entry():
    lines = [
        "1. Doe J. A study of widgets in",
        "2016. patients. *J Widg.* 2016; 1: 1. PMID 90000001",
    ]
    entries, _ = split_entries(lines)
    assert [e.number for e in entries] == [1]


@pytest.mark.parametrize(
    ("numbers", "warning"),
    [
        ([1, 2, 4], "reference numbering skips 3"),
        ([1, 2, 2, 3], "reference number 2 appears more than once"),
        ([1, 5, 6], "reference numbering skips 2-4"),
    ],
)
def test_numbering_gaps_and_duplicates_warn(numbers, warning):
    lines = [f"{n}. Doe J. Study {n}. *J Widg.* 2020; 1: {n}. PMID {90000000 + n}" for n in numbers]
    entries, warnings = split_entries(lines)
    assert [e.number for e in entries] == numbers
    assert warnings == [warning]


def test_bracketed_numbers():
    entries, _ = split_entries(
        ["[1] Doe J. One. *J Widg.* 2020; 1: 1.", "[2] Roe R. Two. *J Widg.* 2021; 2: 2."]
    )
    assert [e.number for e in entries] == [1, 2]


# ---------------------------------------------------------------- other identifier forms


@pytest.fixture(scope="module")
def other():  # type: ignore[no-untyped-def]
    path = DATA / "policies" / "other-identifiers.md"
    return parse_policy(read_document(path.read_bytes(), path.name))


def test_other_identifier_forms(other):
    got = [(c.number, c.pmid, c.doi, c.nct) for c in other.references]
    assert got == [
        (1, "90000001", "10.5555/gm.2020.0101", None),
        (2, "90000002", "10.5555/jwr.2021.4411", None),
        (3, "90000003", "10.5555/nejm.2016.003", None),
        (4, None, None, "NCT01234567"),
        (5, "90000005", "10.5555/wr.2018.165", None),
        (6, None, None, None),
    ]


def test_vancouver_and_accents(other):
    refs = {c.number: c for c in other.references}
    assert fields(refs[3]) == (
        "Smith J",
        True,
        "N Engl J Med",
        2016,
        None,
        None,
        "374",
        "9",
        "861-71",
    )
    assert refs[3].title == "Widget therapy for gadget disease"
    assert fields(refs[5]) == ("Dvořák T", False, "Widget Rev", 2018, 3, 3, "9", None, "165-170")
    assert refs[1].authors == ("Müller H", "Øster B", "Núñez C")
    assert (refs[2].year, refs[2].month, refs[2].day, refs[2].volume, refs[2].pages) == (
        2021,
        1,
        31,
        "7",
        "4411",
    )


def test_unparseable_entry_is_kept_with_warnings(other):
    last = other.references[-1]
    assert last.raw == "Widget manufacturer. Instructions for use of the widget device, revision C."
    assert last.journal is None and last.year is None
    assert "could not find the journal and date" in last.warnings
    assert "no PMID, DOI or NCT id" in last.warnings
    assert all(c.warnings == () for c in other.references[:5])


def test_synthetic_policy_header(other):
    assert other.title == "Widget Therapy for Gadgetosis"
    assert [(s.product, s.status) for s in other.statements] == [
        ("Commercial Products", "investigational")
    ]
    assert other.published == "Provider Update, January 2026"
    assert other.conclusion and other.conclusion.startswith("The evidence is insufficient")
    assert [(c.code, c.system, c.position) for c in other.codes] == [
        ("A9999", "HCPCS", "not medically necessary")
    ]


@pytest.mark.parametrize("heading", ["REFERENCES", "References", "Bibliography", "CITATIONS:"])
def test_reference_heading_variants_and_where_the_list_ends(heading):
    text = (
        f"POLICY STATEMENT\n\nWidgets are not covered.\n\n{heading}\n\n"
        "1. Doe J. One. *J Widg.* 2020; 1: 1. PMID 90000001\n\n"
        "2. Roe R. Two. *J Widg.* 2021; 2: 2. PMID 90000002\n\n"
        "POLICY HISTORY\n\n3. Not a reference. 2020.\n"
    )
    doc = parse_policy(text)
    assert [(c.number, c.pmid) for c in doc.references] == [(1, "90000001"), (2, "90000002")]


@pytest.mark.parametrize(
    "tail",
    [
        "https://pubmed.ncbi.nlm.nih.gov/90000042/",
        "Available at: http://www.ncbi.nlm.nih.gov/pubmed/90000042. Accessed May 2, 2020.",
    ],
)
def test_a_pubmed_address_gives_the_pmid(tail):
    ref = f"1. Doe J, Roe R. A randomized trial of widgets. Otolaryngol Head Neck Surg. 2019;161(1):S1-S45. {tail}"
    (c,) = parse_policy(f"References\n{ref}\n").references
    assert (c.pmid, c.journal, c.pages) == ("90000042", "Otolaryngol Head Neck Surg", "S1-S45")


def test_markdown_references_a_line_each_without_blank_lines():
    text = (
        "# Widget Therapy\n\n## Coverage\nWidget therapy is **not medically necessary**.\n\n## References\n"
        "[1] Doe J, Roe R. Widget trial. *J Widg*. 2012;10:CD004739. PMID: 90000001.\n"
        "[2] Poe P. Widgets vs gadgets: a meta-analysis. Widget Rev 2018; 144: 1153-61.\n"
        "[3] Widget Society. Widget Indications. 14th ed. Springfield: Widget Press; 2019.\n"
    )
    doc = parse_policy(read_document(text.encode(), "widget.md"))
    assert [(c.number, c.pmid) for c in doc.references] == [(1, "90000001"), (2, None), (3, None)]
    assert doc.references[1].title == "Widgets vs gadgets: a meta-analysis"
    assert [s.status for s in doc.statements] == ["not medically necessary"]


def test_a_numbered_list_run_into_one_line_is_cut_at_its_numbers():
    run_in = (
        "1. Doe J, Roe R, Poe P, et al. A randomized trial of widgets. JAMA Psychiatry. 2016 Aug 1;73(8):789-95. "
        "2. Moe M, Loe L. The basis of widgets: vol. 2. Crit Rev Oncol Hematol. 2002 Jul;43(1):33-56. PMID: 90000002. "
        "3. Zoe Z, et al. Widgets in combined treatment. Lancet Oncol. 2002;3(8):487-97."
    )
    refs = parse_policy(f"References\n{run_in}\n").references
    assert [(c.number, c.authors[0], c.pmid) for c in refs] == [
        (1, "Doe J", None),
        (2, "Moe M", "90000002"),
        (3, "Zoe Z", None),
    ]
    assert refs[1].title == "The basis of widgets: vol. 2"
