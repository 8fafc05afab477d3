"""`tag_article` / `tag_citation`: the precedence of the sources and what `explain` shows."""

from __future__ import annotations

from evidence.records import Article, Citation
from evidence.tagging import manual_tag, tag_article, tag_citation


def _article(**kw) -> Article:
    kw.setdefault("pmid", "90000001")
    kw["publication_types"] = [{"ui": "", "name": t} for t in kw.pop("types", ["Journal Article"])]
    return Article(**kw)


def test_publication_types_win_over_text():
    a = _article(title="X: a narrative review", types=["Randomized Controlled Trial"])
    r = tag_article(a)
    assert (r.design, r.source) == ("rct", "publication-type")
    assert r.alternatives["record-text"].design == "narrative-review"


def test_record_text_when_types_say_nothing():
    a = _article(title="X: a randomized controlled trial", citation_status="In-Process")
    r = tag_article(a, citation=Citation(number=1, raw="x", title="X: a review"))
    assert (r.design, r.source) == ("rct", "record-text")
    assert r.alternatives["publication-type"] is None
    assert r.alternatives["citation-text"].design == "narrative-review"


def test_citation_text_when_the_record_has_no_text():
    a = _article(title=None, abstract=None)
    r = tag_article(a, citation=Citation(number=1, raw="x", title="X: a meta-analysis"))
    assert (r.design, r.source) == ("meta-analysis", "citation-text")


def test_text_adds_modifiers_to_a_type_tag_but_not_a_second_phase():
    a = _article(
        title="A randomized, double-blind, placebo-controlled phase II trial of X",
        types=["Randomized Controlled Trial", "Clinical Trial, Phase III"],
    )
    r = tag_article(a)
    assert "phase-3" in r.modifiers and "phase-2" not in r.modifiers
    assert {"double-blind", "placebo-controlled"} <= set(r.modifiers)


def test_type_tag_of_a_review_gets_no_trial_modifiers():
    a = _article(title="Double-blind trials of X: phase II evidence", types=["Review"])
    assert tag_article(a).modifiers == ()


def test_meta_analysis_type_with_nonrandomized_text_is_level_3():
    a = _article(title="X: meta-analysis of observational studies", types=["Meta-Analysis"])
    r = tag_article(a)
    assert r.level == 3 and "includes-nonrandomized" in r.modifiers


def test_retracted_type_travels_to_a_text_tag():
    a = _article(title="X: a randomized trial", types=["Journal Article", "Retracted Publication"])
    assert "retracted" in tag_article(a).modifiers


def test_automated_indexing_override():
    a = _article(title="X", types=["Randomized Controlled Trial"], indexing_method="human")
    assert tag_article(a, indexing="automated").indexing == "automated"


def test_tag_citation_reads_raw_text_when_title_missing():
    r = tag_citation(
        Citation(number=1, raw="Doe J. X: a randomized controlled trial. J X. 2020;1:1.")
    )
    assert r.design == "rct"


def test_manual_tag():
    r = manual_tag("rct", "read the full text")
    assert (r.source, r.confidence, r.level) == (
        "manual",
        1.0,
        2,
    ) and "read the full text" in r.signal
    assert r.to_dict()["design"] == "rct"
