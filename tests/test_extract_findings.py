"""infer_finding and trial_facts on hand-written abstracts of every shape a reviewer meets.

The abstracts are invented for these tests (no real trial); each pins what a reader of the
report would see: the label, the sentence it rests on, and the effect with its CI and p.
"""

from __future__ import annotations

import pytest

from evidence.extract import Effect, infer_finding, trial_facts

STRUCTURED_HR = """BACKGROUND: Whether drug Z prevents stroke in atrial fibrillation is uncertain.
METHODS: In this double-blind trial, we randomly assigned 2,400 patients with atrial fibrillation to receive
drug Z or placebo. The primary outcome was stroke or systemic embolism. Secondary outcomes included death from
any cause and major bleeding.
RESULTS: After a median follow-up of 2.1 years, stroke or systemic embolism occurred in 51 patients receiving
drug Z and in 113 receiving placebo (hazard ratio [HR], 0.45; 95% confidence interval [CI], 0.32 to 0.62;
P<0.001). Death from any cause did not differ significantly between the groups (HR 0.91, 95% CI 0.74-1.12;
P = 0.38). Major bleeding was more frequent with drug Z than with placebo (HR 1.54, 95% CI 1.10-2.16; P=0.01).
CONCLUSIONS: Drug Z reduced stroke but increased major bleeding."""

UNSTRUCTURED_P_ONLY = (
    "Postoperative pain after tonsillectomy remains common. Sixty children were randomized to ketamine or "
    "saline before surgery. Pain scores in the first six hours were significantly lower in the ketamine group "
    "than in the saline group (p < 0.01). The time to first analgesic request was similar in the two groups "
    "(p = 0.64). "
    "Ketamine before tonsillectomy reduces early pain."
)

DID_NOT_DIFFER = (
    "OBJECTIVE: To compare early and late removal of urinary catheters after hysterectomy. METHODS: 180 women "
    "were randomly allocated to early removal or late removal of the catheter. RESULTS: The rate of urinary "
    "retention did not differ between early and late removal (4% vs 3%, P = 0.71). Length of hospital stay was "
    "shorter with early removal (2.1 vs 3.0 days, P < 0.001). CONCLUSION: Early removal is safe."
)

NON_INFERIORITY = (
    "BACKGROUND: Oral antibiotics may be as good as intravenous ones for bone infection. METHODS: In this "
    "open-label non-inferiority trial, 1,054 adults were randomly assigned to oral or intravenous antibiotic "
    "therapy for the first 6 weeks. The primary end point was definitive treatment failure within 1 year. "
    "RESULTS: Definitive treatment failure occurred in 13.2% of the intravenous group and 14.6% of the oral "
    "group (difference, -1.4 percentage points; 95% CI, -5.6 to 2.9), showing that oral therapy was "
    "non-inferior to intravenous therapy for treatment failure. CONCLUSIONS: Oral therapy was noninferior."
)

TWO_PRIMARY = (
    "METHODS: We enrolled 640 patients with heart failure and randomly assigned them to telemonitoring or "
    "usual care. The co-primary outcomes were all-cause mortality and hospitalisation for heart failure at "
    "12 months. RESULTS: All-cause mortality was lower with telemonitoring than with usual care (8.0% vs 12.5%; "
    "relative risk 0.64, 95% CI 0.42 to 0.97; P = 0.03). Hospitalisation for heart failure did not differ "
    "significantly between telemonitoring and usual care (RR 0.95, 95% CI 0.77-1.18). CONCLUSIONS: "
    "Telemonitoring reduced mortality."
)

META_ANALYSIS = (
    "BACKGROUND: Cell therapy has been proposed for critical limb ischaemia. METHODS: We searched MEDLINE and "
    "Embase for randomised controlled trials of autologous cell therapy versus standard care. RESULTS: We "
    "included 12 randomised trials involving 1,310 patients. Compared with standard care, cell therapy did not "
    "significantly reduce major amputation (RR 0.83, 95% CI 0.61 to 1.12; P = 0.22). Wound healing was improved "
    "with cell therapy (RR 1.59, 95% CI 1.21-2.08). CONCLUSIONS: There is no evidence that cell therapy reduces "
    "amputation."
)

SILENT = (
    "BACKGROUND: Exercise may help older adults. METHODS: We randomly assigned 90 residents of care homes to a "
    "walking programme or usual activities. RESULTS: Walking speed increased more in the walking group "
    "(P = 0.02). CONCLUSIONS: A walking programme is feasible."
)


def test_hazard_ratio_with_ci_in_a_structured_abstract():
    f = infer_finding(STRUCTURED_HR, "drug Z", "placebo", "stroke or systemic embolism")
    assert f.label == "significantly decreased"
    assert "0.45" in f.evidence and f.evidence.startswith("After a median follow-up")
    assert f.effect == Effect("HR", 0.45, 0.32, 0.62, "<0.001")


def test_harm_is_an_increase():
    f = infer_finding(STRUCTURED_HR, "drug Z", "placebo", "major bleeding")
    assert f.label == "significantly increased"
    assert f.effect == Effect("HR", 1.54, 1.1, 2.16, "0.01")


def test_p_value_only_in_an_unstructured_abstract():
    f = infer_finding(UNSTRUCTURED_P_ONLY, "ketamine", "saline", "pain scores")
    assert f.label == "significantly decreased"
    assert f.evidence.startswith("Pain scores in the first six hours")
    assert f.effect == Effect(None, None, None, None, "<0.01")


def test_similar_means_no_difference():
    f = infer_finding(UNSTRUCTURED_P_ONLY, "ketamine", "saline", "time to first analgesic request")
    assert f.label == "no significant difference"
    assert f.evidence.startswith("The time to first analgesic request was similar")


def test_did_not_differ():
    f = infer_finding(DID_NOT_DIFFER, "early removal", "late removal", "urinary retention")
    assert f.label == "no significant difference"
    assert f.evidence.startswith("The rate of urinary retention did not differ")
    assert f.effect.p == "0.71"


def test_shorter_is_a_decrease():
    f = infer_finding(DID_NOT_DIFFER, "early removal", "late removal", "length of hospital stay")
    assert f.label == "significantly decreased"


def test_swapping_the_arms_swaps_the_direction():
    f = infer_finding(STRUCTURED_HR, "placebo", "drug Z", "stroke or systemic embolism")
    assert f.label == "significantly increased"  # the HR is stated for drug Z against placebo
    assert infer_finding(STRUCTURED_HR, "placebo", "drug Z", "major bleeding").label == "significantly decreased"


def test_non_inferiority_is_no_significant_difference():
    f = infer_finding(NON_INFERIORITY, "oral antibiotic therapy", "intravenous antibiotic therapy",
                      "definitive treatment failure")  # fmt: skip
    assert f.label == "no significant difference"
    assert "non-inferior" in f.evidence
    assert (f.effect.ci_low, f.effect.ci_high) == (-5.6, 2.9)


def test_an_arm_named_by_a_letter_ends_its_sentence():
    # "drug C." is not an initial: the result is the next sentence, not the methods one
    abstract = (
        "In this non-inferiority trial, 500 patients received drug B or drug C. The cure rate was 85% with "
        "B and 84% with C (difference 1%, 95% CI -4 to 6), meeting the non-inferiority margin."
    )
    f = infer_finding(abstract, "drug B", "drug C", "cure rate")
    assert f.label == "no significant difference"
    assert f.evidence.startswith("The cure rate was 85%")


def test_initials_do_not_end_a_sentence():
    from evidence.extract.sentences import split_sentences

    assert split_sentences("As reported by J. A. Smith and A. B. Jones, the rate fell. It rose later.") == [
        "As reported by J. A. Smith and A. B. Jones, the rate fell.",
        "It rose later.",
    ]


def test_two_primary_outcomes_each_with_its_finding():
    t = trial_facts(TWO_PRIMARY)
    primary = [o for o in t.outcomes if o.primary]
    assert [o.name for o in primary] == ["all-cause mortality", "hospitalisation for heart failure at 12 months"]
    assert primary[0].finding.label == "significantly decreased"
    assert primary[0].finding.effect == Effect("RR", 0.64, 0.42, 0.97, "0.03")
    assert primary[1].finding.label == "no significant difference"
    assert (t.randomised, t.intervention, t.comparator) == (640, "telemonitoring", "usual care")


def test_structured_trial_facts():
    t = trial_facts(STRUCTURED_HR)
    assert t.randomised == 2400 and "2,400 patients" in t.n_sentence
    assert (t.intervention, t.comparator) == ("drug Z", "placebo")
    assert t.follow_up == "2.1 years" and t.follow_up_sentence.startswith("After a median follow-up")
    names = [(o.name, o.primary) for o in t.outcomes]
    assert names[0] == ("stroke or systemic embolism", True)
    assert ("death from any cause", False) in names and ("major bleeding", False) in names
    by_name = {o.name: o.finding.label for o in t.outcomes}
    assert by_name["death from any cause"] == "no significant difference"
    assert by_name["major bleeding"] == "significantly increased"
    assert t.trials_pooled is None and t.patients_pooled is None
    assert t.conclusion == "Drug Z reduced stroke but increased major bleeding."


def test_meta_analysis_pools_trials_and_patients():
    t = trial_facts(META_ANALYSIS, title="Autologous cell therapy for critical limb ischaemia: a meta-analysis")
    assert (t.trials_pooled, t.patients_pooled) == (12, 1310)
    assert t.randomised is None  # a meta-analysis randomises no one
    f = infer_finding(META_ANALYSIS, "autologous cell therapy", "standard care", "major amputation")
    assert f.label == "no significant difference"
    assert f.effect == Effect("RR", 0.83, 0.61, 1.12, "0.22")
    healing = infer_finding(META_ANALYSIS, "autologous cell therapy", "standard care", "wound healing")
    assert healing.label == "significantly increased"


def test_what_the_abstract_does_not_say_is_none():
    f = infer_finding(SILENT, "walking programme", "usual activities", "falls")
    assert (f.label, f.evidence, f.effect) == (None, None, None)
    t = trial_facts(SILENT)
    assert t.follow_up is None and t.follow_up_sentence is None
    assert t.outcomes == () and t.analysed is None
    assert t.trials_pooled is None and t.patients_pooled is None


def test_empty_abstract():
    assert infer_finding("", "a", "b", "c").label is None
    t = trial_facts("")
    assert (t.randomised, t.intervention, t.outcomes, t.conclusion) == (None, None, (), None)


def test_pubmed_sections_are_read_like_headed_text():
    sections = [
        {"label": "METHODS", "category": "METHODS", "text": "We randomized 120 adults to drug Q or placebo."},
        {"label": "RESULTS", "category": "RESULTS", "text": "Nausea was less frequent with drug Q (P = 0.004)."},
        {"label": "CONCLUSIONS", "category": "CONCLUSIONS", "text": "Drug Q prevents nausea."},
    ]
    t = trial_facts("", sections=sections)
    assert (t.randomised, t.intervention, t.comparator) == (120, "drug Q", "placebo")
    assert t.conclusion == "Drug Q prevents nausea."


@pytest.mark.parametrize(
    "sentence, effect",
    [
        ("odds ratio 2.10 (1.30-3.40), P<0.001", Effect("OR", 2.1, 1.3, 3.4, "<0.001")),
        ("mean difference −2.3 points (95% CI −4.1 to −0.5; p = .01)", Effect("MD", -2.3, -4.1, -0.5, ".01")),
        ("SMD -0.42 (95% CI -0.70 to -0.14)", Effect("SMD", -0.42, -0.7, -0.14, None)),
        ("incidence rate ratio 0.38 [95% confidence interval (CI): 0.20 – 0.76, p = 0.006]",
         Effect("IRR", 0.38, 0.2, 0.76, "0.006")),
        ("no statistics at all", None),
    ],
)  # fmt: skip
def test_effects_as_written(sentence, effect):
    from evidence.extract.effects import effect as read

    assert read(sentence) == effect


def test_arms_named_by_a_letter_before_group():
    """ "(R group)" in the prompt lets "the C group" / "the R group" in a sentence name the arms."""
    from evidence.extract import features

    q = features.Prompt("Rocuronium 0.9 mg/kg (R group)", "cisatracurium 0.15 mg/kg (C group)", "time to laryngoscopy")
    toks = features.mask("Time to laryngoscopy was longer in the C group than in the R group (P < 0.05).", q)
    assert toks.index("CMP") < toks.index("INT")
    assert "a" not in features._labels("a group of 40 adults given rocuronium")


def test_greater_improvement_in_a_bad_outcome_is_a_decrease_feature():
    """ "greater improvement in pain" is less pain: the judged direction, not the word "greater"."""
    from evidence.extract import features

    q = features.Prompt("duloxetine", "placebo", "pain severity")
    f = features.label_features("Duloxetine showed significantly greater improvement in pain severity than placebo.", q)
    assert f.get("eff=down|arm") == 1.0


def test_values_compared_with_vs_follow_the_arm_order():
    from evidence.extract import features

    q = features.Prompt("off-pump surgery", "on-pump surgery", "ejection fraction")
    text = "Off-pump patients had lower ejection fraction than on-pump ones (28.6 ± 5.8% vs. 40.5 ± 7.4%, p < 0.05)."
    assert features.label_features(text, q).get("vs_num=int_smaller") == 1.0
