"""MEDLINE (.nbib) read back by Biopython's Bio.Medline equals the store."""

from __future__ import annotations

import io

from _export_data import expected, exported
from Bio import Medline

from evidence.export.nbib import WIDTH, line


def _records(engine):  # type: ignore[no-untyped-def]
    return list(Medline.parse(io.StringIO(exported(engine, "nbib"))))


def test_every_field_round_trips_through_bio_medline(engine):
    records = _records(engine)
    want = expected(include_candidates=True)
    assert len(records) == len(want)
    for rec, exp in zip(records, want, strict=True):
        assert rec.get("PMID") == exp["pmid"]
        assert rec["TI"] == exp["title"]
        assert rec["JT"] == exp["journal"]
        assert rec["TA"] == exp.get("journal_iso", exp["journal"])
        assert rec["DP"].split(" ")[0] == str(exp["year"])
        assert rec.get("VI") == exp["volume"]
        assert rec.get("IP") == exp["issue"]
        assert rec["PG"] == exp["pages"]
        assert rec.get("LID") == (f"{exp['doi']} [doi]" if exp["doi"] else None)
        assert rec.get("PMC") == exp["pmcid"]
        people = [a for a in exp["authors"] if len(a) == 2]
        groups = [a[0] for a in exp["authors"] if len(a) == 1]
        fau = [tuple(x.split(", ", 1)) for x in rec.get("FAU", [])]
        assert [f for f, _ in fau] == [f for f, _ in people]
        assert len(rec.get("AU", [])) == len(people)
        assert rec.get("CN", []) == groups
        assert rec.get("OT", []) == exp["keywords"]


def test_dates_and_source_line_as_pubmed_writes_them(engine):
    first = _records(engine)[0]
    assert first["DP"] == "2010 Nov 5"
    assert first["AU"][:3] == ["Procházka V", "Jalůvka F", "Müller HJ"]
    assert first["SO"] == ("Cell Transplant. 2010 Nov 5;19(11):1413-24. "
                           "doi: 10.3727/096368910X90000001.")
    assert first["PT"] == ["Journal Article", "Randomized Controlled Trial"]
    assert first["OTO"] == ["NOTNLM"]


def test_lines_are_padded_and_wrapped_at_80_columns(engine):
    text = exported(engine, "nbib")
    for raw in text.splitlines():
        if raw and not raw.startswith("      "):
            assert raw[4:6] == "- ", raw
    wrapped = line("TI", "word " * 40)
    assert all(len(x) <= WIDTH for x in wrapped.splitlines())
    assert all(x.startswith("      ") for x in wrapped.splitlines()[1:])
    assert line("PMID", "90000001") == "PMID- 90000001"


def test_repeatable_tags_never_wrap_so_readers_keep_one_value(engine):
    note = "long note " * 20
    assert "\n" not in line("GN", note)
    record = next(Medline.parse(io.StringIO(line("PMID", "1") + "\n" + line("GN", note) + "\n")))
    assert record["GN"] == [" ".join(note.split())]
