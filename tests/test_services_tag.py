"""Tagging use-cases against a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select
from tagging_store import add_article, add_policy, stem_policy

from evidence.errors import InputError, NotFound
from evidence.services import tag as svc
from evidence.services.policy import show_policy
from evidence.store import models as m

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "stem-cell-pad.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def stem(engine):
    stem_policy(engine)
    return engine


def _designs(engine):
    return {
        r["number"]: (r["design"], r["source"], r["role"]) for r in svc.list_tags(engine, "stem")
    }


def test_tags_every_reference_by_its_best_source(stem):
    summary = svc.tag_policies(stem, "stem")
    assert summary.references == 4 and summary.changed == 4
    assert _designs(stem) == {
        1: ("rct", "publication-type", "direct"),
        2: ("guideline", "record-text", "background"),
        3: ("meta-analysis", "citation-text", "direct"),
        4: ("narrative-review", "citation-text", "background"),
    }


def test_tagging_is_idempotent(stem):
    svc.tag_policies(stem)
    with Session(stem) as s:
        before = {t.subject: (t.tagged_at, t.design) for t in s.exec(select(m.DesignTag))}
    again = svc.tag_policies(stem)
    assert again.changed == 0
    with Session(stem) as s:
        after = {t.subject: (t.tagged_at, t.design) for t in s.exec(select(m.DesignTag))}
    assert before == after


def test_manual_tag_survives_retagging(stem):
    svc.tag_policies(stem)
    svc.set_tag(stem, "90000001", "non-randomized-trial", note="read the methods")
    summary = svc.tag_policies(stem)
    assert summary.manual_kept == 1
    view = svc.explain(stem, "90000001")
    assert (view["design"], view["source"]) == ("non-randomized-trial", "manual")
    assert view["sources"]["publication-type"]["design"] == "rct"
    assert view["note"] == "read the methods"


def test_manual_tag_by_policy_number_and_ref_id(stem):
    svc.tag_policies(stem)
    svc.set_tag(stem, "stem#4", "systematic-review")
    row = svc.list_tags(stem, "stem")[3]
    assert (row["design"], row["source"]) == ("systematic-review", "manual")
    svc.set_tag(stem, row["subject"], "editorial")
    assert svc.list_tags(stem, "stem")[3]["design"] == "editorial"


def test_unknown_design_lists_the_valid_ones(stem):
    with pytest.raises(InputError) as exc:
        svc.set_tag(stem, "90000001", "trial")
    assert "meta-analysis" in str(exc.value) and "non-randomized-trial" in str(exc.value)


@pytest.mark.parametrize("target", ["90009999", "stem#99", "nope#1", "ref:9999"])
def test_unknown_study_is_not_found(stem, target):
    with pytest.raises(NotFound):
        svc.set_tag(stem, target, "rct")


def test_unreadable_target(stem):
    with pytest.raises(InputError):
        svc.explain(stem, "not a pmid")


def test_manual_role_survives_retagging(stem):
    svc.tag_policies(stem)
    svc.set_role(stem, "stem", 2, "direct")
    svc.tag_policies(stem)
    assert _designs(stem)[2][2] == "direct"
    with pytest.raises(InputError):
        svc.set_role(stem, "stem", 2, "primary")


def test_explain_names_the_deciding_signal(stem):
    svc.tag_policies(stem)
    view = svc.explain(stem, "90000001")
    assert view["source"] == "publication-type"
    assert (
        view["signal"]
        == 'randomized trial type: "Randomized Controlled Trial" + "Clinical Trial, Phase II"'
    )
    assert view["indexing"] == "human" and view["stored"]
    assert view["sources"]["record-text"]["design"] == "rct"
    assert view["references"][0]["role"] == "direct"


def test_terms_are_derived_stored_and_editable(stem):
    terms = svc.edit_terms(stem, "stem")
    assert "stem cell" in terms
    terms = svc.edit_terms(stem, "stem", add=["Peripheral  Artery Disease"], remove=["stem cell"])
    assert "peripheral artery disease" in terms and "stem cell" not in terms
    with pytest.raises(InputError):
        svc.edit_terms(stem, "stem", remove=["not a term"])
    svc.tag_policies(stem)
    assert _designs(stem)[2][2] == "direct"  # the guideline's title now names a term


def test_matched_pmid_is_tagged_from_its_record(engine):
    add_article(engine, "90000011", title="X in Y", types=["Case Reports"])
    add_policy(
        engine, "p", "Gene Therapy for Y", [], [{"title": "X in Y", "matched_pmid": "90000011"}]
    )
    svc.tag_policies(engine, "p")
    row = svc.list_tags(engine, "p")[0]
    assert (row["design"], row["subject"]) == ("case-report", "pmid:90000011")


def test_policy_show_carries_tags_and_roles(stem):
    svc.tag_policies(stem)
    refs = show_policy(stem, "stem")["references"]
    assert [(r["design"], r["role"]) for r in refs][:2] == [
        ("rct", "direct"),
        ("guideline", "background"),
    ]
    assert refs[2]["evidence_level"] == 1


def test_unknown_policy(engine):
    with pytest.raises(NotFound):
        svc.tag_policies(engine, "nope")


def test_progress_is_reported(stem):
    calls = []
    svc.tag_policies(stem, "stem", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (4, 4)


def test_example_policy_is_tagged_offline_from_its_citations(engine):
    """The demo's path: the real parser, no PubMed records, tags from the citation text."""
    from evidence.services.policy import add_policy as ingest

    ingest(
        engine,
        EXAMPLE.read_bytes(),
        EXAMPLE.name,
        policy_id="stem-cell-pad",
        title="Stem-Cell Therapy for Peripheral Arterial Disease",
    )
    summary = svc.tag_policies(engine, "stem-cell-pad")
    assert summary.references == 32 and summary.by_source == {"citation-text": 32}
    labels = {
        int(c["id"].split("-")[1]): c["design"]
        for c in json.loads((DATA / "tagging" / "citations.json").read_text())["citations"]
        if c["id"].startswith("example-")
    }
    rows = svc.list_tags(engine, "stem-cell-pad")
    correct = sum(r["design"] == labels[r["number"]] for r in rows)
    assert correct / 32 >= 0.85
    shown = show_policy(engine, "stem-cell-pad")["references"]
    assert all(r["design"] and r["role"] in ("direct", "background") for r in shown)
    roles = {r["number"]: r["role"] for r in shown}
    assert roles[8] == "direct" and roles[26] == "background"  # a stem-cell MA; a PAD guideline


def test_one_unresolved_pmid_cited_differently_by_two_policies_is_stable(engine):
    add_policy(
        engine, "a", "Gene Therapy for Z", [], [{"title": "X in Z: a review", "pmid": "90000021"}]
    )
    add_policy(
        engine,
        "b",
        "Gene Therapy for Y",
        [],
        [{"title": "X in Z: a meta-analysis", "pmid": "90000021"}],
    )
    svc.tag_policies(engine)
    assert svc.tag_policies(engine).changed == 0
    assert svc.explain(engine, "90000021")["design"] == "meta-analysis"


def test_manual_tag_follows_a_reference_when_a_pmid_is_matched(stem):
    svc.tag_policies(stem)
    svc.set_tag(stem, "stem#4", "editorial", note="it is a comment")
    with Session(stem) as s:
        ref = s.exec(select(m.Reference).where(m.Reference.number == 4)).one()
        ref.matched_pmid = "90000031"
        s.add(ref)
        s.commit()
    add_article(stem, "90000031", title="Pathophysiology of PAD: a review", types=["Review"])
    svc.tag_policies(stem)
    view = svc.explain(stem, "90000031")
    assert (view["design"], view["source"], view["note"]) == (
        "editorial",
        "manual",
        "it is a comment",
    )
