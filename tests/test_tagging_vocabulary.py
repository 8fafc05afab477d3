"""Design slugs and CEBM 2011 levels."""

from __future__ import annotations

import pytest

from evidence.tagging import vocabulary as v


@pytest.mark.parametrize(
    ("design", "modifiers", "level"),
    [
        ("meta-analysis", (), 1),
        ("systematic-review", ("cochrane",), 1),
        ("meta-analysis", ("includes-nonrandomized",), 3),  # SR of non-randomised studies
        ("systematic-review", ("includes-nonrandomized",), 3),
        ("rct", ("phase-3",), 2),
        ("non-randomized-trial", ("phase-2",), 3),
        ("observational", (), 4),
        ("case-report", (), 4),
        ("narrative-review", (), 5),
        ("editorial", (), 5),
        ("guideline", (), None),
        ("other", (), None),
        ("unknown", (), None),
    ],
)
def test_cebm_levels(design, modifiers, level):
    assert v.level_for(design, modifiers) == level


def test_guidelines_are_syntheses_not_levelled():
    assert v.level_label("guideline", None) == "synthesis"
    assert v.level_label("rct", 2) == "2"
    assert v.level_label("other", None) == "-"


def test_every_design_has_a_label_and_strength():
    assert set(v.DESIGN_LABELS) == set(v.DESIGNS) == set(v.STRENGTH)
    assert v.is_design("rct") and not v.is_design("RCT trial")


def test_modifier_order_is_stable():
    assert v.order_modifiers({"cochrane", "phase-2", "multicenter"}) == [
        "phase-2",
        "multicenter",
        "cochrane",
    ]
