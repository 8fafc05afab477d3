"""Superseded guidelines, found from titles and years alone."""

from __future__ import annotations

import pytest

from evidence.flags.guidelines import GuidelineCite, bodies, find_superseded, looks_like_guideline

AHA_2016 = (
    "2016 AHA/ACC Guideline on the Management of Patients With Lower Extremity "
    "Peripheral Artery Disease: A Report of the American College of Cardiology/American "
    "Heart Association Task Force on Clinical Practice Guidelines"
)
ACC_2024 = (
    "2024 ACC/AHA/AACVPR/APMA/ABC/SCAI/SVM/SVN/SVS/SIR/VESS Guideline for the Management "
    "of Lower Extremity Peripheral Artery Disease"
)
ESC_OLD = (
    "ESC Guidelines on the diagnosis and treatment of peripheral artery diseases: the Task "
    "Force of the European Society of Cardiology (ESC)"
)
ESC_2024 = "2024 ESC Guidelines for the management of peripheral arterial and aortic diseases"
NICE_HF = "Chronic heart failure in adults: NICE guideline 2018"


@pytest.mark.parametrize(
    "title, expected",
    [
        (AHA_2016, {"AHA", "ACC"}),
        (ESC_OLD, {"ESC"}),
        ("Guideline for sepsis (SSC) endorsed by the Society for Vascular Surgery", {"SSC", "SVS"}),
        (NICE_HF, {"NICE"}),
        ("Stem cells for PAD: a phase II RCT", set()),
    ],
)
def test_bodies(title, expected):
    assert bodies(title) == expected


def test_newer_edition_supersedes_older_of_same_bodies():
    cites = [
        GuidelineCite(26, AHA_2016, 2017, "90000026"),
        GuidelineCite(28, ACC_2024, 2024, "90000028"),
        GuidelineCite(29, ESC_OLD, 2011),
        GuidelineCite(31, ESC_2024, 2024, "90000031"),
    ]
    found = {s.older.key: s.detail for s in find_superseded(cites)}
    assert found == {
        26: "superseded by ref 28 / PMID 90000028 (2024)",
        29: "superseded by ref 31 / PMID 90000031 (2024)",
    }


def test_edition_year_in_title_wins_over_publication_year():
    # a "2016" guideline published in 2017 is older than a 2017 edition
    cites = [
        GuidelineCite(1, AHA_2016, 2017),
        GuidelineCite(2, AHA_2016.replace("2016", "2017"), 2017),
    ]
    assert [(s.older.key, s.newer.key) for s in find_superseded(cites)] == [(1, 2)]


@pytest.mark.parametrize(
    "other",
    [
        "2024 ESC Guidelines for the management of peripheral arterial and aortic diseases",  # body
        "2020 AHA/ACC Guideline for the Management of Hypertrophic Cardiomyopathy",  # topic
        "2016 AHA/ACC Guideline on Lower Extremity Peripheral Artery Disease",  # same year
    ],
)
def test_not_superseded(other):
    assert find_superseded([GuidelineCite(1, AHA_2016, 2016), GuidelineCite(2, other, 2024)]) == []


def test_newest_of_several_editions_is_named():
    mid = "2017 ESC Guidelines on the Diagnosis and Treatment of Peripheral Arterial Diseases"
    cites = [
        GuidelineCite(1, ESC_OLD, 2011),
        GuidelineCite(2, mid, 2018),
        GuidelineCite(3, ESC_2024, 2024),
    ]
    assert {s.older.key: s.newer.key for s in find_superseded(cites)} == {1: 3, 2: 3}


@pytest.mark.parametrize(
    "title, yes",
    [
        (ESC_2024, True),
        ("Consensus statement on CLI", True),
        ("A randomized trial of cells", False),
        (None, False),
    ],
)
def test_looks_like_guideline(title, yes):
    assert looks_like_guideline(title) is yes
