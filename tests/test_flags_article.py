"""PubMed's own marks on a record, each named for what it is."""

from __future__ import annotations

import pytest

from evidence.flags.article import article_flags


def _pt(name):
    return [{"ui": "D000000", "name": name}]


def _cc(ref_type, pmid="90000999"):
    return [{"ref_type": ref_type, "pmid": pmid, "source": "Synth J. 2030;1:1", "note": None}]


@pytest.mark.parametrize(
    "types, links, kinds",
    [
        (_pt("Retracted Publication"), [], ["retracted"]),
        ([], _cc("RetractionIn"), ["retracted"]),
        (_pt("Retraction of Publication"), _cc("RetractionOf"), ["retraction-notice"]),
        ([], _cc("ErratumIn"), ["erratum"]),
        (_pt("Published Erratum"), _cc("ErratumFor"), ["erratum"]),
        ([], _cc("ExpressionOfConcernIn"), ["expression-of-concern"]),
        ([], _cc("UpdateIn"), ["updated"]),
        (_pt("Corrected and Republished Article"), _cc("RepublishedFrom"), ["republished"]),
        ([], _cc("RepublishedIn"), ["republished"]),
        (_pt("Journal Article") + _pt("Randomized Controlled Trial"), _cc("CommentIn"), []),
        (
            _pt("Retracted Publication"),
            _cc("RetractionIn") + _cc("ErratumIn"),
            ["retracted", "erratum"],
        ),
    ],
)
def test_kinds(types, links, kinds):
    assert [f.kind for f in article_flags(types, links)] == kinds


def test_an_erratum_is_not_a_retraction():
    (flag,) = article_flags([], _cc("ErratumIn", "90000123"))
    assert flag.kind == "erratum"
    assert "retract" not in flag.detail.lower()
    assert flag.detail == "ErratumIn PMID 90000123 (Synth J. 2030;1:1)"


def test_both_signals_are_kept_in_one_flag():
    (flag,) = article_flags(_pt("Retracted Publication"), _cc("RetractionIn", "90000124"))
    assert (
        flag.detail == 'publication type "Retracted Publication"; '
        "RetractionIn PMID 90000124 (Synth J. 2030;1:1)"
    )
