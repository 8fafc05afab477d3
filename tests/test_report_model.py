"""The report's facts for a synthetic policy whose answers are known (tests/synthetic_report.py)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from synthetic_report import EXPECTED, PID, SR_LAST, SYN_CONCLUSION, add_synthetic_policy

from evidence.report.model import conclusion, included_studies, phase, sample_size, to_json
from evidence.services.report import build

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "evidence" / "report" / "schema.json").read_text()
)


@pytest.fixture
def report(engine):
    add_synthetic_policy(engine)
    return build(engine, PID)


def test_summary_counts(report):
    s = report["summary"]
    for key in ("total", "resolved", "unresolved", "unchecked", "by_design", "direct_by_design"):
        assert s[key] == EXPECTED[key], key
    assert s["newest_direct_year"] == EXPECTED["newest_direct_year"]
    assert s["years_since_newest_direct"] == EXPECTED["years_since"]


def test_every_flag_named_for_what_it_is(report):
    assert {(f["number"], f["kind"]) for f in report["flags"]} == EXPECTED["flags"]
    erratum = next(r for r in report["references"] if r["number"] == 2)
    assert [f["kind"] for f in erratum["flags"]] == ["erratum"]  # not a retraction


def test_superseded_guideline_points_at_newer_edition(report):
    (flag,) = [f for f in report["flags"] if f["kind"] == "superseded"]
    assert flag["number"] == 8
    assert flag["detail"] == "superseded by ref 9 / PMID 90000009 (2020)"


def test_direct_evidence(report):
    d = report["direct_evidence"]
    assert d["strongest_designs"] == ["meta-analysis", "systematic-review"]
    assert d["strongest_level"] == 1
    assert d["newest_strongest"] == {
        "number": 2,
        "pmid": "90000002",
        "year": 2021,
        "design": "systematic-review",
    }
    assert [n["number"] for n in d["newest"]] == [4]
    ma, sr = d["syntheses"]
    assert (ma["included_studies"], ma["conclusion"]["text"]) == (12, SYN_CONCLUSION)
    assert ma["conclusion"]["source"] == "CONCLUSIONS section"
    assert (sr["included_studies"], sr["conclusion"]["text"]) == (19, SR_LAST)
    assert [(t["number"], t["sample_size"], t["phase"]) for t in d["trials"]] == [
        (3, 120, "2"),
        (4, 45, "3"),
    ]


def test_unchecked_reference_is_never_clean(report):
    unchecked = [r for r in report["references"] if r["status"] == "unchecked"]
    assert [r["number"] for r in unchecked] == [8, 9]
    assert all(not r["resolved"] and r["flags"] for r in unchecked)


def test_json_validates_against_schema(report):
    jsonschema.validate(json.loads(to_json(report)), SCHEMA)


def test_state_of_evidence_reports_and_does_not_decide(report):
    lines = report["state_of_evidence"]
    assert lines[0] == (
        "The policy cites 11 references; 8 were checked against PubMed, "
        "1 could not be found there and 2 are unchecked."
    )
    assert (
        "The newest direct study is from 2023 (ref 4, PMID 90000004), 2 years before the last "
        "review (2025-06-01)." in lines
    )
    assert "The newest level-1 study is ref 2, PMID 90000002 (systematic-review, 2021)." in lines
    assert any("retracted (ref 3)" in line and "erratum (ref 2)" in line for line in lines)
    assert lines[-1].endswith("it does not make the coverage decision.")
    assert not any("not covered" in line or "recommend" in line for line in lines)


def test_citation_text_only_basis(engine):
    add_synthetic_policy(engine, resolved=False)
    report = build(engine, PID)
    assert report["basis"]["source"] == "citation text only"
    assert report["basis"]["how_to_resolve"] == f"evidence resolve {PID}"
    assert report["summary"]["resolved"] == 0
    kinds = {f["kind"] for f in report["flags"]}
    assert kinds == {"unchecked", "superseded"}  # superseded works from the citations alone
    assert not any(line.startswith("No retraction") for line in report["state_of_evidence"])
    jsonschema.validate(json.loads(to_json(report)), SCHEMA)


def test_no_roles_yet(engine):
    from synthetic_report import REFS

    add_synthetic_policy(engine, refs=[{**r, "role": None} for r in REFS])
    report = build(engine, PID)
    assert report["direct_evidence"]["count"] == 0
    assert any("evidence tag --policy" in line for line in report["state_of_evidence"])


@pytest.mark.parametrize(
    "text, n",
    [
        ("We identified 8 trials comparing cells with placebo.", 8),
        ("Searches found 312 records; we included 12 studies.", 12),
        ("19 RCTs with 837 patients were eligible.", 19),
        ("Nineteen randomized controlled trials were included.", 19),
        ("A total of 7 randomized trials (n = 359) met the criteria.", 7),
        ("Cell therapy improved healing.", None),
    ],
)
def test_included_studies(text, n):
    assert included_studies(text) == n


@pytest.mark.parametrize(
    "text, n",
    [
        ("Patients (n = 120) were assigned.", 120),
        ("In all, 160 patients were randomized to cells or placebo.", 160),
        ("We randomized 62 participants with ischemia.", 62),
        ("Cells were given intra-arterially.", None),
    ],
)
def test_sample_size(text, n):
    assert sample_size(text) == n


@pytest.mark.parametrize(
    "text, mods, expected",
    [
        ("a randomized phase II trial", [], "2"),
        ("phase III study of PLX-PAD", [], "3"),
        ("a phase 1/2 study", [], "1/2"),
        ("a randomized trial", ["phase-2"], "2"),
        ("a randomized trial", [], None),
    ],
)
def test_phase(text, mods, expected):
    assert phase(text, mods) == expected


def test_conclusion_falls_back_to_last_sentences():
    art = {"abstract": "Background text. Methods text. Results were mixed. More work is needed."}
    assert conclusion(art) == {
        "text": "Results were mixed. More work is needed.",
        "source": "last sentences of the abstract",
    }
    assert conclusion({"abstract": None}) is None


def test_all_checked_and_clean_says_so(engine):
    from synthetic_report import REFS

    add_synthetic_policy(engine, refs=[REFS[0]])
    report = build(engine, PID)
    assert report["basis"]["source"] == "pubmed" and report["basis"]["how_to_resolve"] is None
    assert report["flags"] == []
    assert (
        "No retraction, erratum, expression of concern, update or citation problem was found "
        "among the 1 checked references." in report["state_of_evidence"]
    )


def test_matched_pmid_is_shown_as_unconfirmed(engine):
    from sqlmodel import Session, select

    from evidence.store import models as m

    add_synthetic_policy(engine)
    with Session(engine) as s:
        ref = s.exec(select(m.Reference).where(m.Reference.number == 8)).one()
        ref.matched_pmid, ref.match_status = "90000008", "matched, unconfirmed"
        s.add(ref)
        s.commit()
    r8 = build(engine, PID)["references"][7]
    assert (r8["pmid"], r8["pmid_source"], r8["status"]) == (
        "90000008",
        "matched, unconfirmed",
        "unchecked",
    )


@pytest.mark.parametrize("package", ["report", "flags"])
def test_pure_packages_never_touch_the_store(package):
    import ast

    root = Path(__file__).parent.parent / "evidence" / package
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(
                    (
                        "evidence.store",
                        "evidence.services",
                        "sqlmodel",
                        "sqlalchemy",
                        "evidence.cli",
                        "typer",
                        "rich",
                    )
                ), path
                if package == "report":
                    assert not name.startswith("evidence.flags"), path  # no sideways import
