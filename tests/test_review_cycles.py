"""Screening decisions, closing, listing and diffing cycles, the report's section (store level)."""

from __future__ import annotations

import pytest
from review_helpers import POLICY, add_cycle, make_policy
from sqlmodel import Session

from evidence.errors import InputError, NotFound
from evidence.services import review

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

CANDS = {"90000101": "observational", "90000102": "rct", "90000103": "meta-analysis",
         "90000104": "case-report"}  # fmt: skip


@pytest.fixture
def cycle(engine):  # type: ignore[no-untyped-def]
    make_policy(engine)
    add_cycle(engine, 1, CANDS)
    return engine


def test_candidates_come_highest_level_design_first(cycle):
    rows = review.candidates(cycle, POLICY)["candidates"]
    assert [r["design"] for r in rows] == ["meta-analysis", "rct", "observational", "case-report"]


def test_decide_records_reason_and_note_and_can_change(cycle):
    review.decide(cycle, POLICY, "90000102", "exclude", reason="3", note="sham arm only")
    first = review.candidates(cycle, POLICY)["candidates"][1]
    assert (first["decision"], first["reason"], first["note"]) == (
        "exclude",
        "wrong-comparator",
        "sham arm only",
    )
    assert first["decided_at"] is not None
    review.decide(cycle, POLICY, "90000102", "include")
    again = review.candidates(cycle, POLICY)["candidates"][1]
    assert (again["decision"], again["reason"], again["note"]) == ("include", None, None)


@pytest.mark.parametrize(
    ("pmid", "decision", "reason", "error", "match"),
    [
        ("90000102", "exclude", None, InputError, "needs a reason"),
        ("90000102", "exclude", "9", InputError, "unknown exclusion reason"),
        ("90000102", "perhaps", None, InputError, "unknown decision"),
        ("90000999", "include", None, NotFound, "not a candidate"),
    ],
)
def test_bad_decisions(cycle, pmid, decision, reason, error, match):
    with pytest.raises(error, match=match):
        review.decide(cycle, POLICY, pmid, decision, reason=reason)


def test_close_refuses_unscreened_then_force_counts_them(cycle):
    review.decide(cycle, POLICY, "90000103", "include")
    review.decide(cycle, POLICY, "90000104", "exclude", reason="wrong-study-design")
    with pytest.raises(InputError, match="2 candidates of cycle 1 are not screened"):
        review.close_cycle(cycle, POLICY)
    view = review.close_cycle(cycle, POLICY, force=True)
    assert view["status"] == "closed" and view["included_pmids"] == ["90000103"]
    assert view["counts"] == {
        "previous_studies": 2, "identified": 6, "duplicates_removed": 2, "not_retrieved": 0,
        "screened": 2, "excluded": 1, "excluded_by_reason": {"wrong-study-design": 1},
        "not_screened": 2, "included": 1, "total": 3,
    }  # fmt: skip


def test_a_closed_cycle_is_frozen(cycle):
    review.decide(cycle, POLICY, "90000103", "include")
    review.close_cycle(cycle, POLICY, force=True)
    with pytest.raises(InputError, match="cycle 1 is closed"):
        review.decide(cycle, POLICY, "90000103", "exclude", reason="other")
    with pytest.raises(InputError, match="closed"):
        review.close_cycle(cycle, POLICY)
    assert review.list_cycles(cycle, POLICY)[0]["counts"]["included"] == 1


def test_diff_between_cycles(cycle):
    review.decide(cycle, POLICY, "90000103", "include")
    review.close_cycle(cycle, POLICY, force=True)
    add_cycle(cycle, 2, {"90000101": "observational", "90000201": "guideline"})
    review.decide(cycle, POLICY, "90000101", "include")
    review.decide(cycle, POLICY, "90000201", "include")
    assert review.diff_cycles(cycle, POLICY) == {
        "from": 1,
        "to": 2,
        "new_candidates": [{"pmid": "90000201", "design": "guideline", "decision": "include"}],
        "decisions_changed": [{"pmid": "90000101", "from": None, "to": "include"}],
        "included_added": ["90000101", "90000201"],
    }
    first = review.diff_cycles(cycle, POLICY, from_n=0, to_n=1)
    assert [c["pmid"] for c in first["new_candidates"]] == sorted(CANDS)
    with pytest.raises(NotFound, match="no cycle 7"):
        review.diff_cycles(cycle, POLICY, to_n=7)


def test_previous_studies_count_earlier_inclusions(cycle):
    review.decide(cycle, POLICY, "90000103", "include")
    review.close_cycle(cycle, POLICY, force=True)
    add_cycle(cycle, 2, {"90000201": "rct"})
    assert review.list_cycles(cycle, POLICY)[1]["counts"]["previous_studies"] == 3


def test_since_last_review_section(cycle):
    with Session(cycle) as s:
        assert review.since_last_review(s, "no-cycles-yet") is None
    review.decide(cycle, POLICY, "90000102", "include")
    review.decide(cycle, POLICY, "90000101", "include")
    with Session(cycle) as s:
        section = review.since_last_review(s, POLICY)
    assert section["candidates_by_design"] == {"meta-analysis": 1, "rct": 1, "observational": 1,
                                               "case-report": 1}  # fmt: skip
    assert [i["pmid"] for i in section["included"]] == ["90000102", "90000101"]
    assert section["re_examine"] is True and section["re_examine_designs"] == ["rct"]
    assert section["prisma"]["included"] == 2


def test_no_signal_when_only_low_level_studies_are_included(cycle):
    review.decide(cycle, POLICY, "90000101", "include")
    with Session(cycle) as s:
        assert review.since_last_review(s, POLICY)["re_examine"] is False
