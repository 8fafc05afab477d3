"""The shared pieces every writer relies on: names, pages, keys, format names, layering."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from evidence.errors import ExportError
from evidence.export import FORMATS, format_name, writer_for
from evidence.export.entry import Author, page_range
from evidence.services.export import author_from_citation, author_from_record


@pytest.mark.parametrize(("cited", "author"), [
    ("Kullo IJ", Author(family="Kullo", given="I. J.", initials="IJ")),
    ("Procházka V", Author(family="Procházka", given="V.", initials="V")),
    ("Peeters Weem SM", Author(family="Peeters Weem", given="S. M.", initials="SM")),
    ("den Ruijter HM", Author(family="den Ruijter", given="H. M.", initials="HM")),
    ("O'Donnell TF", Author(family="O'Donnell", given="T. F.", initials="TF")),
    ("Bartelink MEL", Author(family="Bartelink", given="M. E. L.", initials="MEL")),
    ("American Diabetes Association", Author(literal="American Diabetes Association")),
    ("Task Force  on  PAD", Author(literal="Task Force on PAD")),
    ("ESC Scientific Document Group", Author(literal="ESC Scientific Document Group")),
    ("Writing Committee MC", Author(literal="Writing Committee MC")),
])
def test_cited_names_split_into_family_and_initials(cited, author):
    assert author_from_citation(cited) == author


def test_pubmed_names_keep_fore_names_and_groups():
    assert author_from_record({"last": "Jalůvka", "fore": "František", "initials": "F"}) == (
        Author(family="Jalůvka", given="František", initials="F"))
    assert author_from_record({"last": "Bem", "fore": None, "initials": "R"}).given == "R."
    assert author_from_record({"collective": "ESC Task Force"}) == Author(literal="ESC Task Force")


@pytest.mark.parametrize(("pages", "first", "last"), [
    ("861-71", "861", "871"), ("2450-2467", "2450", "2467"), ("10-7", "10", "17"),
    ("e71-e126", "e71", "e126"), ("3S-125S.e40", "3S", "125S.e40"), ("7528464", "7528464", None),
    ("1440-1449.e5", "1440", "1449.e5"), (None, None, None),
])
def test_page_ranges_expand_only_plain_numbers(pages, first, last):
    assert page_range(pages) == (first, last)


@pytest.mark.parametrize(("name", "canonical"), [
    ("RIS", "ris"), ("bib", "bibtex"), ("json", "csljson"), ("medline", "nbib"), ("csv", "csv"),
    ("ama", "ama"),
])
def test_format_names_and_aliases(name, canonical):
    assert format_name(name) == canonical
    assert callable(writer_for(name))


def test_unknown_format_names_the_choices():
    with pytest.raises(ExportError, match="use one of ris, bibtex"):
        format_name("docx")


def test_exporters_never_touch_the_store_or_the_terminal():
    package = Path(__file__).resolve().parent.parent / "evidence" / "export"
    forbidden = ("evidence.store", "evidence.services", "evidence.cli", "evidence.console",
                 "sqlmodel", "sqlalchemy", "typer", "rich")
    assert set(FORMATS.values()) <= {p.stem for p in package.glob("*.py")}
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.startswith(forbidden)], module.name


@pytest.mark.parametrize(("family", "title", "key"), [
    ("Kullo", "CLINICAL PRACTICE. Peripheral Artery Disease", "kullo2016peripheral"),
    ("Norgren", "PACE: randomized, controlled, phase III study", "norgren2016pace"),
    ("Skóra", "The 2016 guideline on limb ischaemia", "skora2016guideline"),
    ("Dubský", None, "dubsky2016"),
])
def test_keys_use_the_first_significant_title_word(family, title, key):
    from evidence.export.entry import ExportEntry, citation_keys

    entry = ExportEntry(number=1, resolved=False, year=2016, title=title,
                        authors=(Author(family=family, given="A.", initials="A"),))
    assert citation_keys([entry]) == [key]
