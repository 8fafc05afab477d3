"""The saved search: condition terms by rule, the query's shape, design filters."""

from __future__ import annotations

import pytest

from evidence.errors import InputError
from evidence.review.query import build_query, condition_terms, intervention_clause, parse_designs

STATEMENT = (
    "Treatment of peripheral arterial disease, including critical limb ischemia, with injection "
    "or infusion of stem cells from concentrated bone marrow, is not covered."
)


def test_condition_from_title_and_statement():
    terms = condition_terms("Stem-Cell Therapy for Peripheral Arterial Disease (PAD)", [STATEMENT])
    assert terms == [
        "peripheral arterial disease",
        "critical limb ischemia",
        "limb ischemia",
        "critical limb ischaemia",
        "limb ischaemia",
    ]


@pytest.mark.parametrize(
    ("title", "statements", "expected"),
    [
        ("Gene Therapy for Hemophilia B", [], ["hemophilia b"]),
        ("Acupuncture in Chronic Low Back Pain", [], ["chronic low back pain", "low back pain"]),
        (None, ["Management of obstructive sleep apnea using oral appliances is covered."],
         ["obstructive sleep apnea"]),
        ("Bariatric Surgery", [], []),
    ],
)  # fmt: skip
def test_condition_rules_hold_for_other_policies(title, statements, expected):
    assert condition_terms(title, statements) == expected


def test_a_condition_phrase_naming_the_intervention_is_dropped():
    assert condition_terms("Policy for stem cell therapy", [], exclude=["stem cell"]) == []


@pytest.mark.parametrize(
    ("term", "clause"),
    [
        ("stem cells", '"stem cell*"[tiab]'),
        ("Bone Marrow", '"bone marrow*"[tiab]'),
        ("G-CSF", '"g-csf"[tiab]'),
        ("progenitor cell*", '"progenitor cell*"[tiab]'),
    ],
)
def test_intervention_terms_are_truncated_phrases(term, clause):
    assert intervention_clause(term) == clause


def test_query_groups_and_designs():
    designs = parse_designs("rct,guidelines")
    q = build_query(["stem cells", "bone marrow"], ["limb ischemia"], designs)
    assert q == (
        '("stem cell*"[tiab] OR "bone marrow*"[tiab]) AND ("limb ischemia"[tiab]) AND '
        '("randomized controlled trial"[pt] OR "guideline"[pt] OR "practice guideline"[pt])'
    )


def test_no_intervention_terms_is_a_user_error():
    with pytest.raises(InputError, match="no intervention terms"):
        build_query([], ["limb ischemia"])


def test_unknown_design_names_the_valid_ones():
    with pytest.raises(InputError, match="rct, meta-analysis, systematic-review, guideline"):
        parse_designs("rct,cohort")
