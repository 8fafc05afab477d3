"""RIS read back by rispy (the parser Zotero-adjacent tools use) equals the store."""

from __future__ import annotations

import rispy
from _export_data import expected, exported, first_last, same_name


def test_every_field_round_trips_through_rispy(engine):
    records = rispy.loads(exported(engine, "ris"))
    want = expected(include_candidates=True)
    assert len(records) == len(want)
    for rec, exp in zip(records, want, strict=True):
        authors = [tuple(a.split(", ", 1)) for a in rec.get("authors", [])]
        assert len(authors) == len(exp["authors"])
        assert all(same_name(g, w, exp["resolved"]) for g, w in zip(authors, exp["authors"],
                                                                      strict=True))
        assert rec["title"] == exp["title"]
        assert rec["secondary_title"] == exp["journal"]
        assert rec.get("alternate_title1") == exp.get("journal_iso", exp["journal"])
        assert rec["year"] == str(exp["year"])
        assert rec.get("volume") == exp["volume"]
        assert rec.get("number") == exp["issue"]
        first, last = first_last(exp["pages"])
        assert rec["start_page"] == first
        assert (last is None and "end_page" not in rec) or rec["end_page"].endswith(last)
        assert rec.get("doi") == exp["doi"]
        assert rec.get("accession_number") == exp["pmid"]
        assert rec.get("custom2") == exp["pmcid"]
        assert rec["keywords"] == exp["keywords"]
        if exp["pmid"]:
            assert rec["urls"] == [f"https://pubmed.ncbi.nlm.nih.gov/{exp['pmid']}/"]


def test_types_dates_and_notes(engine):
    records = rispy.loads(exported(engine, "ris"))
    assert {r["type_of_reference"] for r in records} == {"JOUR"}
    assert records[0]["date"] == "2010/11/05"
    assert records[4]["date"] == "2016/01"
    unresolved = records[2]
    assert any("not resolved in PubMed" in n and "Dubský M, Husáková J" in n
               for n in unresolved["notes"])
    excluded = records[6]
    assert "decision:exclude" in excluded["keywords"]
    assert any("wrong population; animal study" in n for n in excluded["notes"])


def test_raw_layout_is_plain_ris(engine):
    text = exported(engine, "ris")
    assert text.startswith("TY  - JOUR\n")  # no counter line before TY
    assert text.count("ER  - \n") == 7
    assert "\r" not in text


def test_multi_line_values_stay_one_field():
    from evidence.export import render, writer_for
    from evidence.export.entry import ExportEntry

    entry = ExportEntry(number=1, resolved=True, title="A\ntitle", journal="J",
                        abstract="BACKGROUND: x.\n\nRESULTS: y.")
    (record,) = rispy.loads(render(writer_for("ris"), [entry]))
    assert record["abstract"] == "BACKGROUND: x. RESULTS: y."
    assert record["title"] == "A title"
