"""Stored abstract facts (issue #16): `evidence tag` computes them once, the report reads them.

The report must say the same whether the facts were stored or computed on the fly, and a
record whose abstract changed in PubMed (re-resolved from the fake E-utilities server) or
facts made by an older extractor must never show what the old text or old model said.
"""

from __future__ import annotations

import json

import pytest
from resolve_helpers import make_policy
from sqlalchemy import func, select, update
from synthetic_report import PID, add_synthetic_policy

from evidence.config import load_settings
from evidence.entrez.client import EntrezClient
from evidence.extract.stored import extractor_version
from evidence.services import tag as tag_svc
from evidence.services.facts import fact_pmids, refresh_all, refresh_facts
from evidence.services.report import build, render
from evidence.services.resolve import resolve
from evidence.store import models as m

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

TITLE = "Bone marrow cell therapy for limb ischaemia: a randomised trial"
BENEFIT = (
    "We randomly assigned 120 patients with limb ischaemia to bone marrow cell therapy or placebo. "
    "The primary outcome was major amputation at 12 months. Major amputation was significantly "
    "less frequent with cell therapy than with placebo (HR 0.50, 95% CI 0.30 to 0.80; p = 0.004)."
)
NO_BENEFIT = (
    "We randomly assigned 80 patients with limb ischaemia to bone marrow cell therapy or placebo. "
    "The primary outcome was major amputation at 12 months. Major amputation did not differ "
    "significantly between cell therapy and placebo (HR 0.95, 95% CI 0.60 to 1.40; p = 0.70)."
)


def _report(engine, policy_id: str = PID) -> dict:  # type: ignore[no-untyped-def]
    report = json.loads(render(build(engine, policy_id), "json"))
    report.pop("generated_at")
    return report


def _stored(engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
    t = m.ArticleFacts.__table__
    with engine.connect() as conn:
        return dict(conn.execute(select(t.c.pmid, t.c.extractor)).all())


def test_report_is_the_same_with_stored_facts_and_with_facts_computed_on_the_fly(engine):
    add_synthetic_policy(engine)
    on_the_fly = _report(engine)
    assert _stored(engine) == {}  # a store tagged before `articlefacts` existed

    with engine.connect() as conn:
        pmids = fact_pmids(conn)
    written = refresh_all(engine)
    assert written == len(_stored(engine)) > 0
    assert set(_stored(engine)) <= set(pmids)  # the tagged trials and syntheses with a record
    assert set(_stored(engine).values()) == {extractor_version()}
    precomputed = _report(engine)

    assert precomputed == on_the_fly
    assert precomputed["evidence_table"] and any(r["n"] for r in precomputed["evidence_table"])
    for fmt in ("text", "md", "html"):
        report = build(engine, PID)
        assert "not stated" in render(report, fmt) or fmt == "html"
    assert refresh_all(engine) == 0  # nothing new: nothing written


def test_stored_facts_are_what_the_report_reads(engine):
    """A row whose keys still match is used as stored (the abstract is not read again)."""
    add_synthetic_policy(engine)
    refresh_all(engine)
    t = m.ArticleFacts.__table__
    with engine.begin() as conn:
        pmid, facts = conn.execute(
            select(t.c.pmid, t.c.facts).where(t.c.facts["trial"].isnot(None)).order_by(t.c.pmid)
        ).first()
        facts = {**facts, "trial": {**facts["trial"], "follow_up": "stored marker"}}
        conn.execute(update(t).where(t.c.pmid == pmid).values(facts=facts))
    rows = {r["pmid"]: r for r in _report(engine)["evidence_table"]}
    assert rows[pmid]["follow_up"] == "stored marker"


def test_facts_from_an_older_extractor_are_recomputed(engine):
    add_synthetic_policy(engine)
    expected = _report(engine)
    refresh_all(engine)
    t = m.ArticleFacts.__table__
    with engine.begin() as conn:
        conn.execute(update(t).values(extractor="facts-0+older", facts={"trial": {"follow_up": "old model"}}))
    assert _report(engine) == expected  # stale rows are not read
    assert refresh_all(engine) == len(_stored(engine))  # and tagging stores them anew
    assert set(_stored(engine).values()) == {extractor_version()}
    assert _report(engine) == expected


def _client(**settings):  # type: ignore[no-untyped-def]
    return EntrezClient(load_settings().with_(**settings), sleep=lambda s: None, timeout=(2.0, 0.5))


def _row(engine, policy_id: str) -> dict:  # type: ignore[no-untyped-def]
    (row,) = _report(engine, policy_id)["evidence_table"]
    return row


def test_a_changed_abstract_gets_new_facts(engine, fake_eutils):
    pmid = "90000501"
    fake_eutils.add_article(
        pmid, title=TITLE, abstract=BENEFIT, publication_types=("Journal Article", "Randomized Controlled Trial")
    )
    pid = make_policy(engine, [pmid])
    with _client() as c:
        resolve(engine, c, pid)
    tag_svc.tag_policies(engine, pid)
    tag_svc.set_role(engine, pid, 1, "direct")
    assert set(_stored(engine)) == {pmid}  # tagging stored the trial's facts
    before = _row(engine, pid)
    assert (before["n"], before["finding"], before["effect"]["value"]) == (
        "120 randomised", "significantly decreased", 0.5
    )

    fake_eutils.change_article(pmid, abstract=NO_BENEFIT)  # PubMed's record is revised
    with _client(refresh=True) as c:
        resolve(engine, c, pid, refresh=True)
    after = _row(engine, pid)  # before tagging again: computed on the fly from the new text
    assert (after["n"], after["finding"], after["effect"]["value"]) == (
        "80 randomised", "no significant difference", 0.95
    )
    assert after["sentence"].startswith("Major amputation did not differ")

    tag_svc.tag_policies(engine, pid)  # tagging stores the new facts; the report is unchanged
    t = m.ArticleFacts.__table__
    with engine.connect() as conn:
        facts = conn.execute(select(t.c.facts).where(t.c.pmid == pmid)).scalar_one()
        assert conn.execute(select(func.count()).select_from(t)).scalar_one() == 1
    assert facts["trial"]["randomised"] == 80
    assert _row(engine, pid) == after
    assert refresh_facts(engine, [pmid]) == 0
