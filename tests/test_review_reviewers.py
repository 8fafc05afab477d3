"""Two reviewers: independent, blinded decisions, conflicts and their resolution, kappa,
PRISMA from resolved decisions, undo, and two people writing at once on one store."""

from __future__ import annotations

import threading

import pytest
from review_helpers import POLICY, add_cycle, make_policy

from evidence.errors import InputError, NotFound
from evidence.services import review
from evidence.store import open_store

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

CANDS = {"90000101": "rct", "90000102": "rct", "90000103": "observational",
         "90000104": "case-report"}  # fmt: skip


@pytest.fixture
def dual(engine):  # type: ignore[no-untyped-def]
    make_policy(engine)
    add_cycle(engine, 1, CANDS)
    assert review.review_settings(engine, POLICY, reviewers=2) == {"policy": POLICY, "reviewers": 2}
    return engine


def _row(engine, pmid: str, reviewer: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    rows = review.candidates(engine, POLICY, reviewer=reviewer)["candidates"]
    return next(r for r in rows if r["pmid"] == pmid)


def test_a_reviewer_does_not_see_the_other_until_both_decided(dual):
    first = review.decide(dual, POLICY, "90000101", "include", reviewer="ana")
    assert (first["status"], first["resolved"]) == ("awaiting", None)
    bob = _row(dual, "90000101", "bob")
    assert (bob["decision"], bob["my_decision"], bob["decisions"]) == (None, None, [])
    ana = _row(dual, "90000101", "ana")
    assert ana["my_decision"] == "include" and [d["reviewer"] for d in ana["decisions"]] == ["ana"]
    second = review.decide(dual, POLICY, "90000101", "include", reviewer="bob")
    assert (second["status"], second["resolved"]) == ("agreed", "include")
    seen = _row(dual, "90000101", "carol")
    assert [(d["reviewer"], d["decision"]) for d in seen["decisions"]] == [
        ("ana", "include"), ("bob", "include")]  # fmt: skip


def test_conflicts_are_listed_and_a_third_decision_resolves_them(dual):
    review.decide(dual, POLICY, "90000102", "include", reviewer="ana")
    review.decide(dual, POLICY, "90000102", "exclude", reason="wrong-outcome", reviewer="bob")
    review.decide(dual, POLICY, "90000103", "maybe", reviewer="ana")
    review.decide(dual, POLICY, "90000103", "maybe", reviewer="bob")
    listed = review.conflicts(dual, POLICY)
    assert [c["pmid"] for c in listed["conflicts"]] == ["90000102", "90000103"]
    assert [(d["reviewer"], d["decision"], d["reason"]) for d in listed["conflicts"][0]["decisions"]] == [
        ("ana", "include", None), ("bob", "exclude", "wrong-outcome")]  # fmt: skip
    with pytest.raises(InputError, match="not in conflict"):
        review.resolve_conflict(dual, POLICY, "90000104", "include", reviewer="carol")
    done = review.resolve_conflict(dual, POLICY, "90000102", "exclude", reason="3",
                                   reviewer="carol")  # fmt: skip
    assert (done["status"], done["resolved"]) == ("resolved", "exclude")
    assert [c["pmid"] for c in review.conflicts(dual, POLICY)["conflicts"]] == ["90000103"]
    counts = review.list_cycles(dual, POLICY)[0]["counts"]
    assert (counts["excluded"], counts["excluded_by_reason"]) == (1, {"wrong-comparator": 1})
    assert counts["not_screened"] == 3  # a conflict, an awaited second decision, an undecided


def test_kappa_in_the_cycle_listing(dual):
    for pmid, a, b in (("90000101", "include", "include"), ("90000102", "exclude", "exclude"),
                       ("90000103", "include", "exclude"), ("90000104", "exclude", "exclude")):  # fmt: skip
        review.decide(dual, POLICY, pmid, a, reason="1", reviewer="ana")
        review.decide(dual, POLICY, pmid, b, reason="1", reviewer="bob")
    agreement = review.list_cycles(dual, POLICY)[0]["agreement"]
    # observed 3/4; chance (2/4*1/4 + 2/4*3/4) = 1/2 -> kappa 0.5
    assert (agreement["pairs"], agreement["agreed"], agreement["kappa"]) == (4, 3, 0.5)
    assert agreement["reviewers"] == ["ana", "bob"]


def test_undo_takes_back_the_reviewers_latest_decision_only(dual):
    review.decide(dual, POLICY, "90000101", "include", reviewer="ana")
    review.decide(dual, POLICY, "90000101", "exclude", reason="1", reviewer="ana")
    review.decide(dual, POLICY, "90000102", "include", reviewer="bob")
    undone = review.undo_last(dual, POLICY, reviewer="ana")
    assert (undone["pmid"], undone["undone"]["decision"]) == ("90000101", "exclude")
    assert _row(dual, "90000101", "ana")["my_decision"] == "include"  # the earlier one is back
    assert _row(dual, "90000102", "bob")["my_decision"] == "include"
    review.undo_last(dual, POLICY, reviewer="ana")
    with pytest.raises(NotFound, match="ana has no decision to undo"):
        review.undo_last(dual, POLICY, reviewer="ana")


def test_one_reviewer_keeps_the_old_behaviour(engine):
    make_policy(engine)
    add_cycle(engine, 1, CANDS)
    done = review.decide(engine, POLICY, "90000101", "maybe", reviewer="ana")
    assert (done["status"], done["resolved"]) == ("decided", "maybe")
    review.decide(engine, POLICY, "90000101", "include", reviewer="bob")  # anyone may change it
    assert _row(engine, "90000101", "ana")["decision"] == "include"
    with pytest.raises(InputError, match="1 to 3"):
        review.review_settings(engine, POLICY, reviewers=0)


def test_two_people_deciding_at_once_lose_nothing(dual, db_url):
    """Two reviewers, each in their own thread with their own engine (as two processes would
    be), decide every candidate at the same time; every decision and the right resolution stay."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def screen(name: str, decision: str) -> None:
        engine = open_store(db_url)
        try:
            barrier.wait()
            for _ in range(3):  # change their mind twice: more writes racing
                for pmid in CANDS:
                    review.decide(engine, POLICY, pmid, decision, reason="1", reviewer=name)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=screen, args=("ana", "include")),
               threading.Thread(target=screen, args=("bob", "include"))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    rows = review.candidates(dual, POLICY, reviewer="ana")["candidates"]
    assert {r["pmid"]: r["decision"] for r in rows} == dict.fromkeys(CANDS, "include")
    assert all(len(r["decisions"]) == 2 for r in rows)
    assert review.list_cycles(dual, POLICY)[0]["agreement"]["pairs"] == 4
