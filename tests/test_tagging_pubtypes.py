"""Publication types -> design: every mapping and every conflict rule."""

from __future__ import annotations

import pytest

from evidence.tagging.pubtypes import normalise_indexing, tag_publication_types

JA = "Journal Article"


@pytest.mark.parametrize(
    ("types", "design"),
    [
        (["Practice Guideline", JA], "guideline"),
        (["Guideline"], "guideline"),
        (["Consensus Development Conference"], "guideline"),
        (["Consensus Development Conference, NIH"], "guideline"),
        (["Meta-Analysis", JA], "meta-analysis"),
        (["Network Meta-Analysis"], "meta-analysis"),
        (["Systematic Review", JA], "systematic-review"),
        (["Randomized Controlled Trial", JA], "rct"),
        (["Pragmatic Clinical Trial"], "rct"),
        (["Equivalence Trial"], "rct"),
        (["Controlled Clinical Trial"], "non-randomized-trial"),
        (["Clinical Trial"], "non-randomized-trial"),
        (["Clinical Trial, Phase I"], "non-randomized-trial"),
        (["Clinical Trial, Phase IV"], "non-randomized-trial"),
        (["Observational Study", JA], "observational"),
        (["Twin Study"], "observational"),
        (["Comparative Study", JA], "observational"),
        (["Evaluation Study"], "observational"),
        (["Validation Study"], "other"),
        (["Case Reports", JA], "case-report"),
        (["Review", JA], "narrative-review"),
        (["Scoping Review"], "narrative-review"),
        (["Editorial"], "editorial"),
        (["Comment", "Letter"], "editorial"),
        (["News"], "editorial"),
        (["Published Erratum"], "other"),
        (["Retraction of Publication"], "other"),
        (["Clinical Trial Protocol", JA], "other"),
        (["Historical Article", JA], "other"),
    ],
)
def test_each_type_maps(types, design):
    result = tag_publication_types(types)
    assert result is not None and result.design == design
    assert result.source == "publication-type"


@pytest.mark.parametrize(
    "types",
    [
        [JA],
        [JA, "Research Support, Non-U.S. Gov't"],
        [],
        ["Multicenter Study", JA],
        ["Retracted Publication"],
    ],
)
def test_types_that_say_nothing_leave_it_to_the_text(types):
    assert tag_publication_types(types) is None


def test_meta_analysis_that_is_also_a_systematic_review_is_a_meta_analysis():
    r = tag_publication_types(["Systematic Review", "Meta-Analysis", JA])
    assert r.design == "meta-analysis" and r.level == 1
    assert '"Meta-Analysis"' in r.signal and '"Systematic Review"' in r.signal


@pytest.mark.parametrize(
    "trial", ["Randomized Controlled Trial", "Clinical Trial", "Clinical Trial, Phase III"]
)
def test_review_of_trials_is_a_review_not_a_trial(trial):
    r = tag_publication_types(["Review", trial, JA])
    assert r.design == "narrative-review"
    assert "review wins" in r.signal


def test_review_with_rct_as_topic_mesh_is_a_review():
    mesh = [
        {"descriptor": "Randomized Controlled Trials as Topic", "major": False, "qualifiers": []}
    ]
    r = tag_publication_types(["Review", JA], mesh)
    assert r.design == "narrative-review" and "review of trials" in r.signal


def test_phase_2_without_rct_is_non_randomized_with_phase():
    r = tag_publication_types(["Clinical Trial, Phase II", JA])
    assert r.design == "non-randomized-trial" and r.modifiers == ("phase-2",) and r.level == 3


def test_rct_with_phase_3_is_rct_with_phase():
    r = tag_publication_types(
        ["Clinical Trial, Phase III", "Randomized Controlled Trial", "Multicenter Study"]
    )
    assert r.design == "rct" and set(r.modifiers) == {"phase-3", "multicenter"}


def test_guideline_wins_over_everything():
    r = tag_publication_types(["Practice Guideline", "Systematic Review", "Review"])
    assert r.design == "guideline" and r.level is None


def test_case_report_wins_over_letter_and_review():
    assert tag_publication_types(["Case Reports", "Letter"]).design == "case-report"
    assert tag_publication_types(["Case Reports", "Review"]).design == "case-report"


def test_cochrane_journal_adds_modifier_and_makes_a_review():
    r = tag_publication_types(
        ["Systematic Review", "Meta-Analysis"], journal="Cochrane Database Syst Rev"
    )
    assert r.design == "meta-analysis" and "cochrane" in r.modifiers
    r = tag_publication_types([JA], journal_iso="Cochrane Database Syst Rev")
    assert r.design == "systematic-review" and "cochrane" in r.modifiers


def test_retracted_publication_is_a_modifier():
    r = tag_publication_types(["Randomized Controlled Trial", "Retracted Publication"])
    assert r.design == "rct" and "retracted" in r.modifiers


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        (None, "human"),
        ("Manual", "human"),
        ("Curated", "curated"),
        ("Automated", "automated"),
        ("automated", "automated"),
    ],
)
def test_indexing_method_is_normalised(raw, norm):
    assert normalise_indexing(raw) == norm


def test_automated_indexing_lowers_confidence():
    human = tag_publication_types(["Randomized Controlled Trial"], indexing_method=None)
    curated = tag_publication_types(["Randomized Controlled Trial"], indexing_method="Curated")
    auto = tag_publication_types(["Randomized Controlled Trial"], indexing_method="Automated")
    assert human.confidence > curated.confidence > auto.confidence
    assert (human.indexing, auto.indexing) == ("human", "automated")


def test_accepts_the_article_json_shape():
    r = tag_publication_types([{"ui": "D016449", "name": "Randomized Controlled Trial"}])
    assert r.design == "rct" and '"Randomized Controlled Trial"' in r.signal
