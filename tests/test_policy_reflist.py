"""Finding the reference list and splitting its entries, in every layout plans use."""

from __future__ import annotations

import pytest

from evidence.policy import parse_policy, read_document
from evidence.policy.reflist import find_reference_list

ONE = "Abernathy KL, Osei-Bonsu M. Widget therapy for gadgetosis: a randomized trial. J Gadget Med. 2021;14(3):201-212."
TWO = "Bergqvist H, Lindqvist E. Long-term outcomes after widget implantation. Widget Surg Rev. 2019;7(2):88-97."
THREE = (
    "National Widget Society. Clinical practice guideline on gadgetosis. Chicago, IL: National Widget Society; 2022."
)
FOUR = "Castellano-Ruiz P, Mbeki T. Cost-effectiveness of widget therapy. Value Gadget Health. 2022;25:1104-1113."
ENTRIES = [ONE, TWO, THREE, FOUR]

BODY = """Widget Therapy for Gadgetosis

Policy Statement

Widget therapy is not medically necessary.

Background

Gadgetosis is an invented condition (Abernathy 2021).
"""


def raws(text: str, name: str = "policy.txt") -> list[str]:
    doc = parse_policy(read_document(text.encode(), name))
    return [c.raw.replace("*", "") for c in doc.references]


def numbered(form: str, entries: list[str] = ENTRIES) -> str:
    return "\n".join(form.format(n=n, entry=e) for n, e in enumerate(entries, start=1))


# ---------------------------------------------------------------- the heading


@pytest.mark.parametrize(
    "heading",
    [
        "REFERENCES",
        "References",
        "References:",
        "4 References",
        "4. References",
        "IV. References",
        "HTA 101: References",
        "List of references",
        "Reference List",
        "Bibliography",
        "Literature Cited",
        "Works Cited",
        "Sources",
        "**References**",
        "The above policy is based on the following references:",
    ],
)
def test_reference_heading_family(heading):
    text = f"{BODY}\n{heading}\n\n{numbered('{n}. {entry}')}\n\nPolicy History\n\n1. 01/01/2026 New policy.\n"
    assert raws(text) == ENTRIES


@pytest.mark.parametrize(
    ("name", "page"),
    [
        (
            "policy.md",
            f"# Widget Therapy\n\n## Policy\n\nNot covered.\n\n## References\n\n{numbered('{n}. {entry}')}\n",
        ),
        ("policy.md", f"# Widget Therapy\n\n### 5 References\n\n{numbered('- {entry}')}\n\n### Index\n\nWidget\n"),
        (
            "policy.html",
            "<html><body><h1>Widget Therapy</h1><h3>References</h3><ol>"
            + "".join(f"<li>{e}</li>" for e in ENTRIES)
            + "</ol><h3>Coding</h3><p>0999T Widget implantation</p></body></html>",
        ),
    ],
    ids=["markdown-numbered", "markdown-bullets", "html-ol"],
)
def test_markdown_and_html_headings(name, page):
    assert raws(page, name) == ENTRIES


def test_a_contents_page_that_names_references_is_skipped():
    contents = "Contents\nPolicy Statement ........ 1\nReferences ........ 7\nReferences\nPolicy History\nAppendix\n"
    text = f"{contents}\n{BODY}\nReferences\n\n{numbered('{n}. {entry}')}\n\nAppendix\n\nSearch terms\n"
    assert raws(text) == ENTRIES


def test_no_heading_the_list_is_found_by_shape():
    text = f"{BODY}\n{numbered('{entry}')}\n\nPolicy History\n\n01/01/2026 Annual review.\n"
    doc = parse_policy(text)
    assert [c.raw for c in doc.references] == ENTRIES
    assert doc.warnings[0] == "no reference heading found; the list was recognised by its shape"


@pytest.mark.parametrize(
    "section",
    [
        "Policy History",
        "Policy History/Revision Information",
        "Revision Details",
        "Index",
        "Websites for Additional Information",
        "Associated Documents",
        "Appendix A: Search strategy",
        "Coding",
        "CODING",
        "Disclaimer",
        "Definitions",
        "Document History",
        "Attachment A: Claims-Related Information",
    ],
)
def test_the_list_ends_at_the_next_section_of_any_kind(section):
    after = "1. Widget Society. Living with gadgetosis. Available at: https://widgets.example.org. Accessed 2025."
    text = f"{BODY}\nReferences\n\n{numbered('{n}. {entry}')}\n\n{section}\n\n{after}\n"
    assert raws(text) == ENTRIES


def test_unknown_heading_after_the_list_ends_it_unless_citations_follow():
    text = f"{BODY}\nReferences\n\n{numbered('{n}. {entry}')}\n\nWidget Committee Members\n\nDr A. Person, chair\n"
    assert raws(text) == ENTRIES


# ---------------------------------------------------------------- numbering forms


@pytest.mark.parametrize(
    "form",
    ["{n}. {entry}", "[{n}] {entry}", "{n}) {entry}", "({n}) {entry}", "{n}\n{entry}", "• {n} {entry}",
     "• {n}. {entry}", "{n} {entry}", "- {entry}", "• {entry}", "{entry}\n", "{entry}"],
    ids=["dot", "bracket", "paren", "parens", "number-alone", "bullet-number", "bullet-number-dot",
         "bare-number", "dash-bullet", "bullet", "paragraphs", "lines"],
)  # fmt: skip
def test_entry_forms(form):
    text = f"{BODY}\nReferences\n\n{numbered(form)}\n\nPolicy History\n\n01/01/2026 New.\n"
    doc = parse_policy(text)
    assert [c.raw for c in doc.references] == ENTRIES
    assert [c.number for c in doc.references] == [1, 2, 3, 4]


def test_wrapped_lines_are_joined_by_shape_in_an_unnumbered_list():
    wrapped = [
        "Abernathy KL, Osei-Bonsu M. Widget therapy for gadgetosis: a randomized trial. J Gadget",
        "Med. 2021;14(3):201-212.",
        "Bergqvist H, Lindqvist E. Long-term outcomes after widget implantation. Widget Surg Rev.",
        "2019;7(2):88-97.",
        "National Widget Society. Clinical practice guideline on gadgetosis. Chicago, IL: National",
        "Widget Society; 2022.",
        "Castellano-Ruiz P, Mbeki T. Cost-effectiveness of widget therapy. Value Gadget Health.",
        "2022;25:1104-1113.",
    ]
    text = BODY + "\nReferences\n\n" + "\n".join(wrapped) + "\n\nPolicy History\n"
    assert raws(text) == ENTRIES


def test_subheaded_groups_are_one_list_with_the_group_kept():
    text = (
        f"{BODY}\nReferences\n\nPeer Reviewed Publications:\n\n1. {ONE}\n2. {TWO}\n\n"
        f"Government Agency, Medical Society, and Other Authoritative Publications:\n\n1. {THREE}\n2. {FOUR}\n"
    )
    doc = parse_policy(text)
    assert [c.raw for c in doc.references] == ENTRIES
    assert [c.group for c in doc.references] == ["Peer Reviewed Publications"] * 2 + [
        "Government Agency, Medical Society, and Other Authoritative Publications"
    ] * 2
    assert [c.number for c in doc.references] == [1, 2, 3, 4]
    assert [c.printed_number for c in doc.references] == ["1", "2", "1", "2"]
    assert doc.warnings == ()  # numbering each group from 1 is the usual layout


# ---------------------------------------------------------------- page chrome


def test_running_headers_and_page_numbers_are_removed_even_mid_entry():
    header = "Widget Therapy for Gadgetosis  Policy Number: MP-0999"
    chrome = ["", "Page 8 of 13", "Acme Health Plan Medical Policy  Effective 03/01/2026", header, ""]
    pages = [
        header,
        "Acme Health Plan Medical Policy  Effective 03/01/2026",
        BODY,
        *chrome,
        "Rationale",
        "Text.",
        *chrome,
    ]
    split_two = TWO.split(" Widget Surg")
    refs = [f"1. {ONE}", f"2. {split_two[0]}", *chrome, f"Widget Surg{split_two[1]}", f"3. {THREE}", f"4. {FOUR}"]
    text = "\n".join(pages + ["References", ""] + refs + ["", "Page 9 of 13", "Policy History"])
    assert raws(text) == ENTRIES


def test_page_chrome_between_unnumbered_paragraphs_does_not_split_or_invent_entries():
    chrome = ["", "Page 4 of 9", "https://www.acme.example.com/policies/mp-0999", ""]
    first, rest = ONE.split(" J Gadget")
    text = "\n".join(
        [
            *chrome,
            BODY,
            *chrome,
            "References",
            "",
            first,
            *chrome,
            f"J Gadget{rest}",
            "",
            TWO,
            "",
            THREE,
            "",
            FOUR,
            *chrome,
            "Policy History",
        ]  # fmt: skip
    )
    assert raws(text) == ENTRIES


# ---------------------------------------------------------------- bad input: never a dropped entry


def test_numbering_that_restarts_keeps_every_entry_renumbered_with_the_printed_number():
    text = f"{BODY}\nReferences\n\n1. {ONE}\n2. {TWO}\n1. {THREE}\n2. {FOUR}\n"
    doc = parse_policy(text)
    assert [c.raw for c in doc.references] == ENTRIES
    assert [(c.number, c.printed_number) for c in doc.references] == [(1, "1"), (2, "2"), (3, "1"), (4, "2")]
    assert "reference numbering restarts at 1 after 2" in doc.warnings
    assert doc.references[2].warnings[0] == "printed as number 1; stored as 3"
    assert not any(w.startswith("printed as") for w in doc.references[0].warnings)


def test_duplicate_numbers_keep_every_entry():
    text = f"{BODY}\nReferences\n\n1. {ONE}\n2. {TWO}\n2. {THREE}\n3. {FOUR}\n"
    doc = parse_policy(text)
    assert [c.raw for c in doc.references] == ENTRIES
    assert [(c.number, c.printed_number) for c in doc.references] == [(1, "1"), (2, "2"), (3, "2"), (4, "3")]
    assert "reference number 2 appears more than once" in doc.warnings


def test_gaps_keep_the_printed_numbers():
    text = f"{BODY}\nReferences\n\n1. {ONE}\n2. {TWO}\n4. {THREE}\n5. {FOUR}\n"
    doc = parse_policy(text)
    assert [(c.number, c.printed_number) for c in doc.references] == [(1, None), (2, None), (4, None), (5, None)]
    assert doc.warnings == ("reference numbering skips 3",)


def test_an_entry_of_100_kb_is_kept_whole():
    huge = "Abernathy KL. " + "A very long title " * 6000 + ". J Gadget Med. 2021;14(3):201-212."
    text = f"{BODY}\nReferences\n\n1. {huge}\n2. {TWO}\n"
    doc = parse_policy(text)
    assert len(doc.references) == 2 and len(doc.references[0].raw) > 100_000
    assert doc.references[1].raw == TWO


def test_20000_entries_are_all_kept():
    refs = "\n".join(f"{n}. Author{n} A. Study {n}. J Gadget Med. 2021;14:{n}-{n + 9}." for n in range(1, 20_001))
    found = find_reference_list(f"{BODY}\nReferences\n\n{refs}\n".split("\n"))
    assert [e.number for e in found.entries] == list(range(1, 20_001))
    assert found.entries[-1].text == "Author20000 A. Study 20000. J Gadget Med. 2021;14:20000-20009."


def test_no_list_at_all():
    doc = parse_policy(BODY)
    assert doc.references == () and doc.warnings == ("no reference list found; stored without references",)


def test_every_headed_list_is_taken_each_under_its_heading():
    text = (
        f"{BODY}\nReferences\n\n1. {ONE}\n2. {TWO}\n\nAppendix A: Evidence tables\n\nTable 1. Trials.\n\n"
        f"Additional references\n\n1. {THREE}\n2. {FOUR}\n\nPolicy History\n\n01/01/2026 New.\n"
    )
    doc = parse_policy(text)
    assert [c.raw for c in doc.references] == ENTRIES
    assert [c.group for c in doc.references] == ["References"] * 2 + ["Additional references"] * 2
    assert [(c.number, c.printed_number) for c in doc.references] == [(1, "1"), (2, "2"), (3, "1"), (4, "2")]
