"""Design from words: each title/citation rule, negations, protocols, abstract and MeSH rules."""

from __future__ import annotations

import pytest

from evidence.tagging.text_rules import TITLE_RULES, tag_citation_text, tag_record_text


@pytest.mark.parametrize(
    ("title", "design", "rule"),
    [
        ("Rationale and design of the X trial", "other", "protocol"),
        ("Study protocol for a randomised controlled trial of X", "other", "protocol"),
        (
            "2016 Guideline on X: Perioperative Implications",
            "narrative-review",
            "article about a guideline",
        ),
        (
            "A critique of the new hypertension guidelines",
            "narrative-review",
            "article about a guideline",
        ),
        ("CLINICAL PRACTICE. Gout", "narrative-review", "NEJM-style clinical practice review"),
        ("2020 ACC/AHA Guideline for the Management of X", "guideline", "guideline or consensus"),
        ("International consensus statement on X", "guideline", "guideline or consensus"),
        ("Position paper of the European society on X", "guideline", "guideline or consensus"),
        (
            "X versus Y: A Meta-Analysis of Randomized Controlled Trials",
            "meta-analysis",
            "meta-analysis",
        ),
        ("X for Y: a systematic review and meta-analysis", "meta-analysis", "meta-analysis"),
        ("X for Y: a systematic review", "systematic-review", "systematic review"),
        ("Umbrella review of X", "systematic-review", "systematic review"),
        ("Randomized trials of X: a review", "narrative-review", "review of trials"),
        ("Effect of X on Y: A Randomized Clinical Trial", "rct", "randomized trial"),
        ("A randomised, double-blind, placebo-controlled trial of X", "rct", "randomized trial"),
        ("X: results of the randomized-start FOO pilot trial", "rct", "randomized trial"),
        (
            "X in Y: Phase II Study Report",
            "non-randomized-trial",
            "trial phase without randomization",
        ),
        ("A single-arm study of X", "non-randomized-trial", "non-randomized trial"),
        ("A non-randomized controlled study of X", "non-randomized-trial", "non-randomized trial"),
        ("Giant X of the Y: a case report", "case-report", "case report or series"),
        ("A case of X presenting as Y", "case-report", "case report or series"),
        ("X after Y: a retrospective cohort study", "observational", "observational design"),
        ("Risk of X in a nationwide registry", "observational", "observational design"),
        ("A case-control study of X", "observational", "observational design"),
        ("Editorial: the year in X", "editorial", "editorial or comment"),
        ("Comment on X", "editorial", "editorial or comment"),
        ("Erratum to: X", "other", "erratum or retraction notice"),
        ("X: a review", "narrative-review", "narrative review"),
        ("X: Recent Advances", "narrative-review", "narrative review"),
        ("Risk factors for X in Y", "observational", "association study"),
        ("Pathogenesis and Management of X", "narrative-review", "review-like topic"),
        ("X signaling in mice", "other", "laboratory or technical study"),
    ],
)
def test_each_citation_rule(title, design, rule):
    r = tag_citation_text(title, "Some J")
    assert r.design == design, r.signal
    assert r.signal.startswith(rule + ":")
    assert r.source == "citation-text" and 0 < r.confidence <= 1


def test_every_title_rule_is_exercised():
    """A guard: a new rule needs a case in test_each_citation_rule."""
    cases = test_each_citation_rule.pytestmark[0].args[1]
    assert {r.name for r in TITLE_RULES} <= {c[2] for c in cases}


@pytest.mark.parametrize(
    "title",
    [
        "A non-randomized comparison of X and Y",
        "Outcomes of a not randomized study of X",
        "Quasi-randomized study of X",
        "Frailty and depression: a Mendelian randomization study",
    ],
)
def test_negated_randomization_is_not_an_rct(title):
    assert tag_citation_text(title).design != "rct"


@pytest.mark.parametrize(
    "title",
    [
        "Adding X to guideline-based care: a randomized trial",
        "Adherence to guidelines in X: a cohort study",
    ],
)
def test_guideline_words_that_do_not_make_a_guideline(title):
    assert tag_citation_text(title).design != "guideline"


def test_randomized_phase_2_is_rct_with_phase():
    r = tag_citation_text("a randomized, double-blind multicenter phase II trial of X")
    assert r.design == "rct" and set(r.modifiers) == {"phase-2", "multicenter", "double-blind"}


def test_phase_3_without_randomization_keeps_phase():
    r = tag_citation_text("Phase III study of X in Y")
    assert r.design == "non-randomized-trial" and r.modifiers == ("phase-3",)


def test_cochrane_journal_is_a_systematic_review():
    r = tag_citation_text("Local X for Y", "Cochrane Database Syst Rev")
    assert r.design == "systematic-review" and "cochrane" in r.modifiers and r.level == 1


def test_cochrane_protocol_stays_a_protocol():
    r = tag_citation_text("X for Y (Protocol)", "Cochrane Database Syst Rev")
    assert r.design == "other" and "protocol" in r.modifiers


def test_meta_analysis_of_nonrandomized_studies_is_level_3():
    r = tag_citation_text(
        "X: Meta-Analysis of Randomized, Nonrandomized, and Noncontrolled Studies"
    )
    assert r.design == "meta-analysis" and "includes-nonrandomized" in r.modifiers and r.level == 3


def test_no_signal_is_unknown():
    r = tag_citation_text("Combined X and Y as the last resort for Z")
    assert r.design == "unknown" and r.confidence == 0.0


# ------------------------------------------------------------------ record text


@pytest.mark.parametrize(
    ("abstract", "design", "rule"),
    [
        (
            "This protocol describes a trial. Participants will be randomized.",
            "other",
            "protocol (abstract)",
        ),
        (
            "We conducted a meta-analysis using a random-effects model.",
            "meta-analysis",
            "meta-analysis (abstract)",
        ),
        (
            "We searched MEDLINE and Embase for studies of X.",
            "systematic-review",
            "systematic review (abstract)",
        ),
        ("Patients were randomly assigned to X or placebo.", "rct", "random assignment (abstract)"),
        (
            "In this open-label study, 20 patients received X.",
            "non-randomized-trial",
            "non-randomized trial (abstract)",
        ),
        ("We report a 54-year-old man with X.", "case-report", "case report (abstract)"),
        (
            "Data from a population-based cohort of 10 000 adults.",
            "observational",
            "observational design (abstract)",
        ),
        ("In this review we discuss X.", "narrative-review", "review (abstract)"),
        ("X was measured in cell lines and in mice.", "other", "laboratory study (abstract)"),
    ],
)
def test_abstract_rules(abstract, design, rule):
    r = tag_record_text("Effects of X on Y", abstract)
    assert (r.design, r.source) == (design, "record-text")
    assert r.signal.startswith(rule + ":") and "in abstract" in r.signal


def test_title_rule_beats_abstract():
    r = tag_record_text(
        "X: a systematic review", "Patients were randomly assigned in the included trials."
    )
    assert r.design == "systematic-review" and "in title" in r.signal


def test_mendelian_randomization_abstract_is_not_rct():
    r = tag_record_text("Frailty and depression", "We used Mendelian randomization on cohort data.")
    assert r.design == "observational"


@pytest.mark.parametrize(
    ("mesh", "design"),
    [
        (["Humans", "Retrospective Studies"], "observational"),
        (["Humans", "Double-Blind Method"], "rct"),
        (["Animals", "Mice"], "other"),
    ],
)
def test_mesh_rules(mesh, design):
    r = tag_record_text("Effects of X on Y", "X changed Y.", mesh=mesh)
    assert r.design == design and "MeSH" in r.signal


def test_record_without_design_words_is_other_research_with_low_confidence():
    r = tag_record_text("Effects of X on Y", "X changed Y.")
    assert r.design == "other" and r.confidence < 0.5


def test_record_without_text_is_unknown():
    assert tag_record_text(None, None).design == "unknown"


def test_cochrane_record():
    r = tag_record_text("Local X for Y", "Background...", journal="Cochrane Database Syst Rev")
    assert r.design == "systematic-review" and "cochrane" in r.modifiers


def test_inline_html_in_abstract_is_ignored():
    r = tag_record_text("Effects of X", "Patients were <i>randomly</i> assigned to X.")
    assert r.design == "rct"
