"""Intervention terms from a policy's own words, and direct vs background."""

from __future__ import annotations

import pytest
from tagging_store import STEM_STATEMENT

from evidence.tagging.role import decide_role, derive_terms, split_title


def test_stem_cell_policy_terms():
    terms = derive_terms("Stem-Cell Therapy for Peripheral Arterial Disease", [STEM_STATEMENT])
    for expected in (
        "stem cell",
        "bone marrow",
        "progenitor cell",
        "mononuclear cell",
        "stromal cell",
        "cell therapy",
        "colony-stimulating factor",
        "g-csf",
        "gm-csf",
    ):
        assert expected in terms
    for condition_or_generic in (
        "peripheral",
        "arterial",
        "disease",
        "limb",
        "ischemia",
        "injection",
        "infusion",
        "source",
        "therapy",
    ):
        assert condition_or_generic not in terms


def test_terms_for_a_policy_outside_the_families():
    statement = (
        "Treatment of diabetic foot ulcers with topical oxygen wound therapy is considered "
        "investigational."
    )
    terms = derive_terms("Topical Oxygen Wound Therapy for Diabetic Foot Ulcers", [statement])
    assert "topical oxygen wound" not in terms  # "topical" is how, not what
    assert any("oxygen wound" in t for t in terms)
    assert not any(w in t for t in terms for w in ("diabetic", "foot", "ulcer"))


def test_known_family_is_added_by_a_member():
    terms = derive_terms("Platelet-Rich Plasma for Osteoarthritis")
    assert "platelet-rich plasma" in terms and "prp" in terms


def test_split_title():
    assert split_title("Stem-Cell Therapy for PAD") == ("Stem-Cell Therapy", "PAD")
    assert split_title("Gene therapy") == ("Gene therapy", "")


TERMS = ["stem cell", "bone marrow", "g-csf", "cell therapy"]


@pytest.mark.parametrize(
    ("title", "abstract", "mesh", "role", "where"),
    [
        ("Autologous stem-cell therapy for CLI: a meta-analysis", None, [], "direct", "title"),
        ("Bone Marrow Derived Cells in limb ischemia", None, [], "direct", "title"),
        ("Effect of G-CSF on walking", None, [], "direct", "title"),
        ("Outcomes in limb ischemia", None, ["Stem Cell Transplantation"], "direct", "MeSH"),
        (
            "Outcomes in limb ischemia",
            "Stem cells were given. Stem cells helped.",
            [],
            "direct",
            "abstract",
        ),
        (
            "Outcomes in limb ischemia",
            "Unlike stem cells, drugs were given.",
            [],
            "background",
            None,
        ),
        ("Guidelines for peripheral artery disease", None, [], "background", None),
    ],
)
def test_decide_role(title, abstract, mesh, role, where):
    r = decide_role(TERMS, title, abstract, mesh)
    assert r.role == role
    if where:
        assert f"in {where}" in r.signal


def test_no_terms_means_background():
    assert decide_role([], "stem cells").role == "background"
