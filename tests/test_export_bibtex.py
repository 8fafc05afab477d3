"""BibTeX read back by bibtexparser (v2) and by pybtex equals the store, accents included."""

from __future__ import annotations

import bibtexparser
import pytest
from _export_data import expected, exported, first_last, same_name
from bibtexparser import middlewares as mw
from pylatexenc.latex2text import LatexNodes2Text

from evidence.export.bibtex import escape, protect_title
from evidence.export.entry import ExportEntry, citation_keys

KEYS = ["prochazka2010cella", "skora2018autologous", "dubsky2022comparison",
        "prochazka2010cellb", "peetersweem2016quality", "dubsky2025bone", "skora2025mouse"]
_latex = LatexNodes2Text()


def text(value: str) -> str:
    return _latex.latex_to_text(value)


def _check(fields: dict, authors: list[tuple[str, ...]], exp: dict) -> None:  # type: ignore[type-arg]
    """One entry against the store; `authors` as (family, given) or (group,)."""
    want = exp["authors"] + ([("others",)] if exp["number"] == 3 else [])
    assert len(authors) == len(want)
    assert all(same_name(g, w, exp["resolved"]) for g, w in zip(authors, want, strict=True))
    assert text(fields["title"]) == exp["title"]
    assert text(fields["journal"]) == exp["journal"]
    assert fields["year"] == str(exp["year"])
    assert fields.get("volume") == exp["volume"]
    assert fields.get("number") == exp["issue"]
    first, last = first_last(exp["pages"])
    got_first, _, got_last = text(fields["pages"]).replace("–", "-").partition("-")
    assert got_first == first and (got_last.endswith(last) if last else not got_last)
    assert fields.get("doi") == exp["doi"]
    assert fields.get("pmid") == exp["pmid"]
    assert fields.get("pmcid") == exp["pmcid"]
    assert [k.strip() for k in fields["keywords"].split(",")] == exp["keywords"]


def test_round_trip_through_bibtexparser_v2(engine):
    library = bibtexparser.parse_string(
        exported(engine, "bibtex"),
        append_middleware=[mw.SeparateCoAuthors(), mw.SplitNameParts()],
    )
    assert not library.failed_blocks  # duplicate keys would land here too
    assert [e.key for e in library.entries] == KEYS
    for entry, exp in zip(library.entries, expected(True), strict=True):
        fields = {f.key: f.value for f in entry.fields}
        names = fields.pop("author")
        authors = [
            (text(" ".join(n.von + n.last)), text(" ".join(n.first))) if n.first
            else (text(" ".join(n.last)),)
            for n in names
        ]
        _check(fields, authors, exp)


def test_round_trip_through_pybtex(engine):
    pybtex = pytest.importorskip("pybtex.database")
    db = pybtex.parse_string(exported(engine, "bibtex"), "bibtex")
    assert list(db.entries) == KEYS
    for key, exp in zip(KEYS, expected(True), strict=True):
        entry = db.entries[key]
        authors = [
            (text(" ".join(p.prelast_names + p.last_names)),
             text(" ".join(p.first_names + p.middle_names))) if p.first_names
            else (text(" ".join(p.last_names)),)
            for p in entry.persons["author"]
        ]
        _check({k.lower(): v for k, v in entry.fields.items()}, authors, exp)


def test_group_authors_and_compound_surnames_stay_whole(engine):
    bib = exported(engine, "bibtex")
    assert "{ESC Task Force \\& Friends}" in bib
    assert "{Peeters Weem}, S. M." in bib
    assert "den Ruijter, Hester M" in bib  # "den" is a particle, BibTeX's von part


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("Peripheral Artery Disease", "Peripheral Artery Disease"),
        ("CLINICAL PRACTICE. The JUVENTAS trial", "{CLINICAL} {PRACTICE.} The {JUVENTAS} trial"),
        ("AHA/ACC guideline on mRNA", "{AHA/ACC} guideline on {mRNA}"),
        ("50% & $5 #1 a_b {x}", r"50\% \& \$5 \#1 a\_b \{x\}"),
        ("back\\slash ~ ^", r"back\textbackslash{}slash \textasciitilde{} \textasciicircum{}"),
    ],
)
def test_titles_are_escaped_and_acronyms_braced(title, written):
    assert protect_title(title) == written


def test_escape_keeps_accents():
    assert escape("Procházka, Jalůvka, Skóra, Dubský, Müller") == (
        "Procházka, Jalůvka, Skóra, Dubský, Müller")


def test_keys_are_ascii_stable_and_unique():
    titles = ["The peripheral artery", "Peripheral arteries", "On 2 things"]
    entries = [ExportEntry(number=i, resolved=True, year=2016, title=t)
               for i, t in enumerate(titles, 1)]
    assert citation_keys(entries) == [
        "anon2016peripherala", "anon2016peripheralb", "anon2016things"]
    assert citation_keys(entries) == citation_keys(list(entries))
