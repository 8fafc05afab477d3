"""The same known facts in all four formats, and what each format promises on its own."""

from __future__ import annotations

import json
import os
import re

import pytest
from synthetic_report import HOSTILE, PID, SR_LAST, SYN_CONCLUSION, add_synthetic_policy

from evidence.errors import InputError
from evidence.services.report import build, render, write_atomic

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

FACTS = [
    "Cell Therapy for Synthetic Limb Disease",
    "2026-01-01",
    "2025-06-01",
    "Medicare Advantage Plans",
    "not medically necessary",
    "0263T",
    "The evidence is insufficient to determine",
    "RETRACTED",
    "erratum",
    "expression of concern",
    "updated version",
    "retraction notice cited",
    "citation mismatch",
    "PMID likely wrong",
    "unresolved",
    "superseded by ref 9 / PMID 90000009 (2020)",
    "unchecked",
    "12 included studies",
    "19 included studies; flagged: erratum",
    SYN_CONCLUSION,
    SR_LAST,
    "n = 120, phase 2; flagged: RETRACTED",
    "n = 45, phase 3",
    "Newest: 2023",
    "2 years before the last review",
    "it does not make the coverage decision",
    "evidence resolve " + PID,
]
COUNT_ROW = {  # design rct: 3 overall, 2 direct
    "text": r"\n\s*rct\s+3\s+2\n",
    "md": r"\| rct \| 3 \| 2 \|",
    "html": r'<td>rct</td><td class="num">3</td><td class="num">2</td>',
}


@pytest.fixture
def report(engine):
    add_synthetic_policy(engine)
    return build(engine, PID)


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_facts_in_every_human_format(report, fmt):
    out = render(report, fmt)
    flat = " ".join(out.split())  # the text format wraps long sentences
    missing = [f for f in FACTS if f not in flat]
    assert not missing
    assert re.search(COUNT_ROW[fmt], out)


def test_facts_in_json(report):
    data = json.loads(render(report, "json"))
    assert data["summary"]["direct_by_design"] == {
        "meta-analysis": 1,
        "systematic-review": 1,
        "rct": 2,
    }
    assert data["summary"]["newest_direct_year"] == 2023
    ma = data["direct_evidence"]["syntheses"][0]
    assert (ma["pmid"], ma["included_studies"], ma["conclusion"]["text"]) == (
        "90000001",
        12,
        SYN_CONCLUSION,
    )
    kinds = {(f["pmid"], f["kind"]) for f in data["flags"]}
    assert ("90000003", "retracted") in kinds and ("90000002", "erratum") in kinds
    assert data["since_last_review"] is None


def test_text_fits_100_columns(report):
    assert max(len(line) for line in render(report, "text").splitlines()) <= 100


def test_markdown_tables_survive_hostile_cells(report):
    md = render(report, "md")
    row = next(line for line in md.splitlines() if line.startswith("| 11 |"))
    assert row.count(" | ") == 8  # 9 cells: the pipe in the journal is escaped
    assert "Hostile \\| Journal \\<b\\>bold\\</b\\>" in row
    assert "<script>" not in md


def test_html_is_self_contained_and_escaped(report):
    html = render(report, "html")
    assert "<script" not in html.lower()
    assert "<img" not in html
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in html
    assert not re.search(r'src=["\']?(https?:)?//', html)  # no external asset
    assert "<link" not in html  # (links out to PubMed, doi.org, ClinicalTrials.gov are fine)
    assert html.count("<svg") == 2 and "<title>" in html
    assert "<table" in html and "@media print" in html


def test_write_is_atomic(tmp_path, report):
    target = tmp_path / "r.html"
    target.write_text("old")
    write_atomic(target, render(report, "html"))
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.html")] == []


def test_written_report_is_readable_by_others(tmp_path, report):
    old = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "new.md", render(report, "md"))
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_write_into_missing_folder_is_one_line_error(tmp_path):
    with pytest.raises(InputError, match="cannot write"):
        write_atomic(tmp_path / "no" / "such" / "r.txt", "x")


def test_unknown_format(report):
    with pytest.raises(InputError):
        render(report, "pdf")


def test_hostile_title_is_a_fact_too(report):
    assert HOSTILE in json.loads(render(report, "json"))["references"][10]["title"]
