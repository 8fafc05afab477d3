"""`evidence review ...` end to end: the example policy against the fake E-utilities server."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import EXAMPLE

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

POLICY = "stem-cell-pad"
UNTIL = "2026-11-01"
# synthetic records whose titles match the query derived from the example policy
RECORDS = {
    "90000001": ("Autologous bone marrow mononuclear cells in critical limb ischemia: a "
                 "randomized controlled trial", ["Randomized Controlled Trial"], date(2026, 2, 3)),
    "90000002": ("Stem cell therapy for peripheral arterial disease: a meta-analysis",
                 ["Meta-Analysis", "Systematic Review"], date(2026, 5, 4)),
    "90000003": ("Cell therapy with G-CSF mobilised progenitor cells in limb ischaemia",
                 ["Case Reports"], date(2025, 12, 1)),
    "90000004": ("Stem cells for peripheral arterial disease: an old trial",
                 ["Randomized Controlled Trial"], date(2024, 1, 1)),  # before the last review
    "90000005": ("Statins in peripheral arterial disease", ["Randomized Controlled Trial"],
                 date(2026, 3, 1)),  # not the intervention
}  # fmt: skip


def _store(fake, pmids=RECORDS):  # type: ignore[no-untyped-def]
    for pmid in pmids:
        title, types, edat = RECORDS[pmid]
        fake.add_article(pmid, title=title, publication_types=types, edat=edat,
                         abstract="A synthetic abstract.")  # fmt: skip


@pytest.fixture
def policy(cli):  # type: ignore[no-untyped-def]
    result = cli("policy", "add", str(EXAMPLE), "--id", POLICY,
                 "--title", "Stem-Cell Therapy for Peripheral Arterial Disease")  # fmt: skip
    assert result.exit_code == 0, result.output
    return POLICY


def _json(result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_query_is_derived_then_editable(cli, policy):
    view = _json(cli("review", "query", policy, "--json"))
    assert view["saved"] is False
    assert (
        '"stem cell*"[tiab]' in view["query"]
        and '"peripheral arterial disease"[tiab]' in view["query"]
    )
    rct = _json(cli("review", "query", policy, "--designs", "rct,meta-analysis", "--json"))
    assert rct["saved"] and rct["query"].endswith(
        '("randomized controlled trial"[pt] OR "meta-analysis"[pt])'
    )
    mine = _json(cli("review", "query", policy, "--set", '"limb ischemia"[tiab]', "--json"))
    assert mine["query"] == '"limb ischemia"[tiab]'
    assert cli("review", "query", policy, "--designs", "cohort").exit_code == 1


def test_scripted_review_of_the_example_policy(cli, policy, fake_eutils):
    _store(fake_eutils)
    started = _json(cli("review", "start", policy, "--until", UNTIL, "--json"))
    assert (started["cycle"], started["since"], started["added"]) == (1, "2025-09-17", 3)
    listed = _json(cli("review", "candidates", policy, "--json"))["candidates"]
    assert [(c["pmid"], c["design"]) for c in listed] == [
        ("90000002", "meta-analysis"), ("90000001", "rct"), ("90000003", "case-report")
    ]  # fmt: skip

    # screen: include the meta-analysis, exclude the RCT (reason 3 + note), skip, then quit
    screened = cli("review", "screen", policy, input="i\n\ne\n3\nsham comparator\ns\n")
    assert screened.exit_code == 0, screened.output
    assert "Screened 2; 1 left in cycle 1." in screened.stderr
    assert "Stem cell therapy for peripheral arterial disease: a meta-analysis" in screened.stdout

    closing = cli("review", "close", policy)
    assert closing.exit_code == 1 and "1 candidates of cycle 1 are not screened" in closing.stderr
    assert (
        cli(
            "review", "decide", policy, "90000003", "exclude", "--reason", "wrong-study-design"
        ).exit_code
        == 0
    )
    assert (
        cli(
            "review", "decide", policy, "90000001", "include", "--note", "changed my mind"
        ).exit_code
        == 0
    )
    closed = _json(cli("review", "close", policy, "--json"))
    assert closed["included_pmids"] == ["90000001", "90000002"]
    assert closed["counts"]["previous_studies"] == 32
    assert (closed["counts"]["excluded"], closed["counts"]["total"]) == (1, 34)
    late = cli("review", "decide", policy, "90000003", "include")
    assert late.exit_code == 1 and "cycle 1 is closed" in late.stderr

    report = _json(cli("report", policy, "--format", "json"))["since_last_review"]
    assert report["re_examine_designs"] == ["meta-analysis", "rct"]

    # the next cycle: from the last cycle's end; earlier decisions are not candidates again
    guideline = "Bone marrow cells in peripheral arterial disease: a guideline"
    fake_eutils.add_article(
        "90000006",
        title=guideline,
        publication_types=["Practice Guideline"],
        edat=date(2026, 11, 10),
    )
    second = _json(cli("review", "start", policy, "--until", "2026-11-28", "--json"))
    assert (second["cycle"], second["since"], second["added"]) == (2, UNTIL, 1)
    diff = _json(cli("review", "diff", policy, "--json"))
    assert [c["pmid"] for c in diff["new_candidates"]] == ["90000006"]
    assert [r["number"] for r in _json(cli("review", "list", policy, "--json"))] == [1, 2]


def test_unreachable_ncbi_is_one_line_exit_3(cli, policy):
    result = cli("review", "start", policy)
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: NCBI E-utilities unreachable")
    assert [c["status"] for c in _json(cli("review", "list", policy, "--json"))] == ["open"]


def test_no_cycle_yet(cli, policy):
    result = cli("review", "decide", policy, "90000001", "include")
    assert result.exit_code == 1 and "has no review cycle" in result.stderr
    assert cli("review", "list", policy, "--json").stdout.strip() == "[]"


def test_query_preview_asks_pubmed_for_count_and_translation(cli, policy, fake_eutils):
    _store(fake_eutils)
    view = _json(cli("review", "query", policy, "--preview", "--json"))
    assert view["count"] == 4  # every record naming the intervention and the condition
    assert '"Peripheral Arterial Disease"[MeSH Terms]' in view["translation"]
    assert '"stem cell*"[Title/Abstract]' in view["translation"]
    [search] = [r for r in fake_eutils.requests if r["endpoint"] == "esearch.fcgi"]
    assert search["params"]["retmax"] == "0" and "mindate" not in search["params"]
    text = cli("review", "query", policy, "--preview")
    assert "PubMed finds 4 records" in text.stderr
    assert _json(cli("review", "list", policy, "--json")) == []  # no cycle was opened
