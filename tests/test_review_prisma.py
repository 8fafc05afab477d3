"""PRISMA 2020 counts, exclusion reasons, and the flow diagram's SVG."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from evidence.errors import InputError
from evidence.report.prisma_svg import render_prisma_svg
from evidence.review.prisma import REASON_LABELS, parse_decision, parse_reason, prisma_counts

DECISIONS = [("include", None), ("exclude", "wrong-outcome"), ("exclude", "wrong-outcome"),
             ("exclude", "other"), (None, None)]  # fmt: skip


def test_counts_for_an_updated_review():
    assert prisma_counts(32, 120, 5, 1, DECISIONS) == {
        "previous_studies": 32,
        "identified": 120,
        "duplicates_removed": 5,
        "not_retrieved": 1,
        "screened": 4,
        "excluded": 3,
        "excluded_by_reason": {"wrong-outcome": 2, "other": 1},
        "not_screened": 1,
        "included": 1,
        "total": 33,
    }


@pytest.mark.parametrize(
    ("text", "slug"),
    [("1", "wrong-population"), ("6", "not-primary-research"), ("wrong outcome", "wrong-outcome"),
     ("Wrong-Study-Design", "wrong-study-design"), ("other", "other")],
)  # fmt: skip
def test_reasons_by_number_slug_or_label(text, slug):
    assert parse_reason(text) == slug


@pytest.mark.parametrize("bad", ["0", "8", "too old"])
def test_unknown_reason_lists_the_choices(bad):
    with pytest.raises(InputError, match="1=wrong-population"):
        parse_reason(bad)


def test_decisions():
    assert [parse_decision(d) for d in ("i", "Exclude", "include", "m", "Maybe")] == [
        "include", "exclude", "include", "maybe", "maybe"
    ]  # fmt: skip
    with pytest.raises(InputError):
        parse_decision("perhaps")


def test_maybe_is_not_a_screening_result():
    counts = prisma_counts(2, 3, 0, 0, [("maybe", None), ("include", None), (None, None)])
    assert (counts["screened"], counts["not_screened"], counts["included"]) == (1, 2, 1)


def test_svg_is_wellformed_with_every_count_and_reason():
    svg = render_prisma_svg(prisma_counts(32, 120, 5, 1, DECISIONS), REASON_LABELS)
    root = ElementTree.fromstring(svg)
    text = " ".join(t for t in root.itertext())
    phrases = ("(n = 120)", "duplicates (n = 5)", "Records excluded (n = 3)", "wrong outcome: 2",
               "Not screened when the cycle closed (n = 1)", "(n = 33)")  # fmt: skip
    for phrase in phrases:
        assert phrase in text
    assert len(root.findall("{http://www.w3.org/2000/svg}rect")) == 8
    assert len(root.findall("{http://www.w3.org/2000/svg}line")) == 6


def test_svg_escapes_text():
    svg = render_prisma_svg({"identified": 1}, title="<script>alert(1)</script>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
