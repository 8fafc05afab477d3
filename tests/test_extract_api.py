"""The public surface of evidence.extract that the report and the hidden checks call."""

from __future__ import annotations

import dataclasses

import evidence.extract as ex
from evidence.extract import Effect, Finding, Outcome, TrialFacts, infer_finding, trial_facts

ABSTRACT = (
    "BACKGROUND: Drug X may reduce strokes. METHODS: In this double-blind trial, 1200 patients with "
    "atrial fibrillation were randomly assigned to receive drug X or placebo. The primary outcome was "
    "stroke at 12 months. RESULTS: The median follow-up was 14 months. Stroke occurred less often with "
    "drug X than with placebo (HR 0.72, 95% CI 0.55-0.94; P = 0.02). CONCLUSIONS: Drug X reduces stroke."
)


def test_interface_names_and_fields():
    for name in ("infer_finding", "trial_facts", "included_studies", "sample_size", "phase", "conclusion"):
        assert callable(getattr(ex, name))
    assert [f.name for f in dataclasses.fields(Effect)] == ["measure", "value", "ci_low", "ci_high", "p"]
    assert [f.name for f in dataclasses.fields(Finding)] == ["label", "evidence", "effect"]
    assert [f.name for f in dataclasses.fields(Outcome)] == ["name", "primary", "finding"]
    assert [f.name for f in dataclasses.fields(TrialFacts)] == [
        "randomised", "analysed", "n_sentence", "intervention", "comparator", "arms_sentence",
        "follow_up", "follow_up_sentence", "outcomes", "trials_pooled", "patients_pooled", "conclusion",
    ]  # fmt: skip


def test_infer_finding_gives_label_and_sentence():
    f = infer_finding(ABSTRACT, "drug X", "placebo", "stroke")
    assert f.label == "significantly decreased"
    assert f.evidence.startswith("Stroke occurred less often")
    assert f.effect == Effect("HR", 0.72, 0.55, 0.94, "0.02")


def test_trial_facts_first_shape():
    t = trial_facts(ABSTRACT)
    assert (t.randomised, t.intervention, t.comparator, t.follow_up) == (1200, "drug X", "placebo", "14 months")
    assert t.outcomes[0].name == "stroke at 12 months" and t.outcomes[0].primary
    assert t.outcomes[0].finding.label == "significantly decreased"
    assert t.conclusion == "Drug X reduces stroke."


def test_report_model_still_exports_the_moved_readers():
    from evidence.report import model

    assert model.included_studies is ex.included_studies and model.sample_size is ex.sample_size
