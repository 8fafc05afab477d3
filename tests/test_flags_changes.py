"""What counts as a change between two copies of a PubMed record."""

from __future__ import annotations

import pytest

from evidence.flags.changes import Change, designs_changed, record_changes

JA = {"ui": "D016428", "name": "Journal Article"}
RCT = {"ui": "D016449", "name": "Randomized Controlled Trial"}
RETRACTED = {"ui": "D016441", "name": "Retracted Publication"}


def rec(types=(JA,), links=()):  # type: ignore[no-untyped-def]
    return {"title": "A study.", "publication_types": list(types),
            "comments_corrections": [{"ref_type": t, "pmid": p, "source": None} for t, p in links]}  # fmt: skip


def test_nothing_changed_is_no_change():
    assert record_changes(rec(), rec()) == []


def test_a_retraction_is_one_change_with_both_marks():
    changes = record_changes(rec(), rec((JA, RETRACTED), [("RetractionIn", "90000100")]))
    both = 'RetractionIn PMID 90000100; publication type "Retracted Publication"'
    assert changes == [Change("retracted", None, both)]


@pytest.mark.parametrize(("ref_type", "kind"), [
    ("ErratumIn", "erratum"), ("ExpressionOfConcernIn", "expression-of-concern"),
    ("UpdateIn", "updated"), ("RepublishedIn", "republished"), ("RetractionOf", "retraction-notice"),
])  # fmt: skip
def test_each_link_type_is_its_own_kind(ref_type, kind):
    assert [c.kind for c in record_changes(rec(), rec(links=[(ref_type, "1")]))] == [kind]


def test_a_second_erratum_is_news_the_first_is_not_repeated():
    old = rec(links=[("ErratumIn", "1")])
    changes = record_changes(old, rec(links=[("ErratumIn", "1"), ("ErratumIn", "2")]))
    assert changes == [Change("erratum", "ErratumIn PMID 1", "ErratumIn PMID 2")]


def test_reindexing_adds_publication_types_and_may_change_the_design():
    changes = record_changes(rec(), rec((JA, RCT)))
    assert changes == [Change("publication-type", "Journal Article", "Randomized Controlled Trial")]
    assert designs_changed(changes)


def test_a_vanished_record_is_a_change_and_comments_are_ignored():
    assert record_changes(rec(), None)[0].kind == "vanished"
    assert record_changes(rec(), rec(links=[("CommentIn", "5")])) == []


def test_the_most_serious_change_comes_first():
    changes = record_changes(rec(), rec((JA, RCT, RETRACTED), [("ErratumIn", "3")]))
    assert [c.kind for c in changes] == ["retracted", "erratum", "publication-type"]
