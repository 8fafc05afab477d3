"""CSV read back by the csv module: one row per reference, every column from the store."""

from __future__ import annotations

import csv
import io

from _export_data import expected, exported

from evidence.export.tabular import COLUMNS


def _rows(engine) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """Read as Excel and Python's "utf-8-sig" do: the byte-order mark is not data."""
    data = exported(engine, "csv").encode("utf-8")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_starts_with_a_utf8_byte_order_mark_unless_asked_not_to(engine):
    from evidence.services.export import export_policy

    assert exported(engine, "csv").startswith("\ufeffnumber,pmid")
    assert export_policy(engine, "synthetic-pad", "csv", bom=False)[0].startswith("number,pmid")


def test_rows_round_trip_through_the_csv_module(engine):
    rows = _rows(engine)
    want = expected(include_candidates=True)
    assert len(rows) == len(want)
    for row, exp in zip(rows, want, strict=True):
        assert list(row) == COLUMNS
        assert row["number"] == str(exp["number"])
        assert row["pmid"] == (exp["pmid"] or "")
        assert row["doi"] == (exp["doi"] or "")
        assert row["pmcid"] == (exp["pmcid"] or "")
        names = [n for n in row["authors"].split("; ") if n != "et al"]
        assert [n.split(", ")[0] for n in names] == [a[0] for a in exp["authors"]]
        assert row["title"] == exp["title"]
        assert row["journal"] == exp["journal"]
        assert row["year"] == str(exp["year"])
        assert row["volume"] == (exp["volume"] or "")
        assert row["issue"] == (exp["issue"] or "")
        assert row["pages"] == exp["pages"]
        assert row["resolved"] == ("yes" if exp["resolved"] else "no")
        tags = [k for k in exp["keywords"] if k != "unresolved"]
        got = ([f"design:{row['design']}"] if row["design"] else []) + (
            [f"level:{row['evidence_level']}"] if row["evidence_level"] else []) + (
            [f"role:{row['role']}"] if row["role"] else []) + (
            [f"decision:{row['decision']}"] if row["decision"] else []) + [
            f"flag:{f}" for f in row["flags"].split("; ") if f]
        assert got == tags


def test_cut_author_list_says_et_al(engine):
    rows = _rows(engine)
    assert rows[2]["authors"] == "Dubský, M.; Husáková, J.; Bem, R.; et al"
