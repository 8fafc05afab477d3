"""Prioritised screening: the ranker learns from the policy's own references and decisions."""

from __future__ import annotations

import pytest
from review_helpers import POLICY, add_cycle, make_policy

from evidence.review import rank as ranker
from evidence.services import review
from evidence.services.screening import RETRAIN_EVERY
from evidence.store import models as m
from evidence.store import transaction

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

ON_TOPIC = "Autologous bone marrow cells for critical limb ischemia: a randomized trial"
OFF_TOPIC = "Statin therapy and cholesterol targets in primary prevention"


def test_the_model_puts_on_topic_texts_first():
    train = [ranker.doc_from(t) for t in (
        "Stem cell therapy for peripheral arterial disease", "Bone marrow mononuclear cells in limb ischemia",
        "Guideline on antithrombotic therapy for peripheral artery disease", "Pathogenesis of atherosclerosis",
    )]  # fmt: skip
    scores = ranker.score(train, [1, 1, 0, 0], [ranker.doc_from(OFF_TOPIC), ranker.doc_from(ON_TOPIC)])
    assert scores[1] > scores[0]
    with pytest.raises(ValueError, match="positive and one negative"):
        ranker.score(train[:2], [1, 1], [ranker.doc_from(ON_TOPIC)])


@pytest.fixture
def ranked(engine):  # type: ignore[no-untyped-def]
    make_policy(engine)
    with transaction(engine) as s:  # the policy's references: 1 direct, 1 background (by role)
        for ref in s.exec(m.Reference.__table__.select()).all():  # type: ignore[attr-defined]
            row = s.get(m.Reference, ref.id)
            direct = row.number == 1
            row.title = ("Bone marrow stem cells for critical limb ischemia" if direct
                         else "Cholesterol lowering and cardiovascular prevention")  # fmt: skip
            row.role = "direct" if direct else "background"
            s.add(row)
    cands = {f"9000{n:04d}": "rct" for n in range(201, 201 + 2 * RETRAIN_EVERY)}
    add_cycle(engine, 1, cands)
    with transaction(engine) as s:
        for i, pmid in enumerate(cands):
            a = s.get(m.Article, pmid)
            a.title, a.abstract = (ON_TOPIC, "Stem cells.") if i % 2 else (OFF_TOPIC, "Statins.")
            s.add(a)
    return engine


def test_candidates_in_relevance_order_with_rank_and_score(ranked):
    view = review.candidates(ranked, POLICY, order="relevance")
    assert view["order"] == "relevance"
    rows = view["candidates"]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    half = len(rows) // 2
    assert all(r["title"] == ON_TOPIC for r in rows[:half])
    assert rows[0]["relevance"] > rows[-1]["relevance"]
    by_design = review.candidates(ranked, POLICY, order="design")
    assert by_design["order"] == "design" and by_design["candidates"][0]["rank"] is not None


def test_the_ranker_is_refit_as_decisions_come_in(ranked):
    first = review.candidates(ranked, POLICY, order="relevance")["candidates"]
    for r in first[-RETRAIN_EVERY:]:  # off-topic ones, excluded
        review.decide(ranked, POLICY, r["pmid"], "exclude", reason="1")
    review.candidates(ranked, POLICY, order="relevance")
    info = review.list_cycles(ranked, POLICY)  # the ranking's record is in the cycle's counts
    with transaction(ranked) as s:
        cycle = s.get(m.ReviewCycle, 1)
        assert cycle.counts["ranking"]["decisions"] == RETRAIN_EVERY
        assert cycle.counts["ranking"]["negatives"] == 1 + RETRAIN_EVERY
    assert info[0]["status"] == "open"


def test_nothing_to_learn_from_falls_back_to_design_order(engine):
    make_policy(engine)  # references without roles
    add_cycle(engine, 1, {"90000101": "case-report", "90000102": "meta-analysis"})
    view = review.candidates(engine, POLICY, order="relevance")
    assert view["order"] == "design"
    assert [r["design"] for r in view["candidates"]] == ["meta-analysis", "case-report"]


def test_cli_shows_rank_and_score(cli, ranked):
    result = cli("review", "candidates", POLICY, "--json")
    assert result.exit_code == 0, result.output
    import json

    rows = json.loads(result.stdout)["candidates"]
    assert rows[0]["rank"] == 1 and rows[0]["relevance"] is not None
    table = cli("review", "candidates", POLICY)
    assert "relevance order" in table.stdout and "score" in table.stdout
    bad = cli("review", "candidates", POLICY, "--order", "random")
    assert bad.exit_code == 1 and "unknown order 'random'" in bad.stderr
