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


# ---------------------------------------------------------------- #13: MeSH and synonym families

from evidence.review.query import derive_parts, matching_headings, render_query  # noqa: E402


def test_synonym_families_widen_the_condition():
    parts = derive_parts(["stem cells"], ["peripheral arterial disease", "critical limb ischemia"])
    for term in ("peripheral artery disease", "peripheral arterial diseases",
                 "chronic limb threatening ischemia", "critical limb ischaemia",
                 "thromboangiitis obliterans", "buerger disease"):  # fmt: skip
        assert term in parts.conditions, term
    assert {"PAD", "CLI", "CLTI"} <= set(parts.abbreviations)
    assert {"Peripheral Arterial Disease", "Chronic Limb-Threatening Ischemia",
            "Thromboangiitis Obliterans"} <= set(parts.condition_mesh)  # fmt: skip
    assert "Stem Cells" in parts.intervention_mesh
    query = render_query(parts)
    assert query.startswith('("stem cell*"[tiab] OR ')
    assert '"Peripheral Arterial Disease"[mh]' in query and '"CLTI"[tiab]' in query


def test_a_condition_without_a_family_keeps_its_word_forms_only():
    parts = derive_parts(["acupuncture"], ["chronic low back pain"])
    assert parts.conditions == ("chronic low back pain",)
    assert parts.abbreviations == () and parts.condition_mesh == ()


def test_headings_of_cited_records_that_name_a_term_join_the_query():
    headings = ["Humans", "Peripheral Arterial Disease", "Stem Cell Transplantation",
                "Leukocytes, Mononuclear", "Transplantation, Autologous"]  # fmt: skip
    assert matching_headings(headings, ["peripheral artery disease"]) == ["Peripheral Arterial Disease"]
    assert matching_headings(headings, ["stem cells"]) == ["Stem Cell Transplantation"]
    parts = derive_parts(["gene therapy"], ["hemophilia b"], ["Genetic Therapy", "Hemophilia B"])
    assert parts.condition_mesh == ("Hemophilia B",)


def test_the_fake_server_reads_mesh_as_whole_headings():
    from fake_eutils.search import compile_query, translate

    fields = {"tiab": "a trial", "mh": "peripheral arterial disease\nhumans", "pt": "", "all": ""}
    assert compile_query('"peripheral arterial disease"[mh]')(fields)
    assert not compile_query('"arterial disease"[mh]')(fields)
    assert compile_query('"limb threatening"[tiab]')({**fields, "tiab": "chronic limb-threatening"})
    assert translate('("x y"[mh] OR "z*"[tiab])', "2025/09/17", "2026/12/01") == (
        '(("x y"[MeSH Terms] OR "z*"[Title/Abstract])) AND 2025/09/17:2026/12/01[Date - Entrez]'
    )
