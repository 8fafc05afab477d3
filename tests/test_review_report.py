"""The report's "since the last review" section, in all four formats."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from review_helpers import POLICY, add_cycle, make_policy

from evidence.services import review
from evidence.services.report import build, render

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

CANDS = {"90000101": "observational", "90000102": "rct", "90000103": "meta-analysis"}


@pytest.fixture
def reviewed(engine):  # type: ignore[no-untyped-def]
    make_policy(engine)
    add_cycle(engine, 1, CANDS)
    review.decide(engine, POLICY, "90000102", "include")
    review.decide(engine, POLICY, "90000101", "include")
    review.decide(engine, POLICY, "90000103", "exclude", reason="wrong-population")
    review.close_cycle(engine, POLICY)
    return engine


def test_no_cycle_no_section(engine):
    make_policy(engine)
    report = build(engine, POLICY)
    assert report["since_last_review"] is None
    assert "Since the last review" not in render(report, "html")
    assert "SINCE THE LAST REVIEW" not in render(report, "text")


def test_json_section(reviewed):
    section = json.loads(render(build(reviewed, POLICY), "json"))["since_last_review"]
    assert section["candidates_by_design"] == {"meta-analysis": 1, "rct": 1, "observational": 1}
    assert [i["pmid"] for i in section["included"]] == ["90000102", "90000101"]
    assert section["re_examine"] is True and section["re_examine_designs"] == ["rct"]
    assert section["prisma"]["excluded_by_reason"] == {"wrong-population": 1}
    assert section["prisma"]["total"] == 4


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_signal_and_counts_in_every_format(reviewed, fmt):
    out = render(build(reviewed, POLICY), fmt)
    assert "Re-examine the conclusion: newly included RCT PMID 90000102." in out
    assert "New candidates: 3 (1 meta-analysis, 1 rct, 1 observational)." in out
    assert "90000101" in out


def test_state_of_evidence_mentions_the_cycle(reviewed):
    state = " ".join(build(reviewed, POLICY)["state_of_evidence"])
    assert "Since the last review (cycle 1, 2025-09-17 to 2026-11-01): 3 new candidates" in state


def test_html_has_the_prisma_flow_diagram(reviewed):
    html = render(build(reviewed, POLICY), "html")
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="prisma"')
    svg = ElementTree.fromstring(html[start : html.index("</svg>", start) + 6])
    text = " ".join(svg.itertext())
    assert "Records excluded (n = 1)" in text and "wrong population: 1" in text
    assert "New studies included in the review (n = 2)" in text
