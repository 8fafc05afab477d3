"""PubMed publication types -> design, with the conflict rules between them.

A record usually carries several types ("Journal Article", "Review", "Randomized Controlled
Trial", "Multicenter Study" ...). The rules below are data: an ordered list of (types, design)
checks, first match wins, so the precedence is visible in one place and each conflict rule
is a line. Types that say nothing about design ("Journal Article", "Research Support, ...")
are ignored; a record with only those gets no publication-type tag, and the record's text
decides instead.

Confidence reflects how NLM assigned the types: by hand (human or curated indexing) or by
its automated indexing pipeline, which is wrong more often, so it lowers the confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from evidence.tagging import vocabulary as v
from evidence.tagging.result import PUBLICATION_TYPE, TagResult, make

COCHRANE_JOURNALS = ("cochrane database syst rev", "the cochrane database of systematic reviews")

GUIDELINE_TYPES = {
    "practice guideline",
    "guideline",
    "consensus development conference",
    "consensus development conference, nih",
}
META_TYPES = {"meta-analysis", "network meta-analysis"}
SR_TYPES = {"systematic review"}
RCT_TYPES = {
    "randomized controlled trial",
    "pragmatic clinical trial",
    "equivalence trial",
    "randomized controlled trial, veterinary",
}
TRIAL_TYPES = {
    "controlled clinical trial",
    "clinical trial",
    "clinical trial, phase i",
    "clinical trial, phase ii",
    "clinical trial, phase iii",
    "clinical trial, phase iv",
    "adaptive clinical trial",
    "clinical trial, veterinary",
}
REVIEW_TYPES = {"review", "scoping review"}
CASE_TYPES = {"case reports"}
OBSERVATIONAL_TYPES = {"observational study", "twin study", "observational study, veterinary"}
WEAK_OBSERVATIONAL_TYPES = {"comparative study", "evaluation study"}
EDITORIAL_TYPES = {"editorial", "comment", "letter", "news", "newspaper article", "interview"}
OTHER_TYPES = {
    "clinical trial protocol",
    "validation study",
    "historical article",
    "biography",
    "personal narrative",
    "published erratum",
    "retraction of publication",
    "expression of concern",
    "lecture",
    "address",
    "technical report",
    "dataset",
    "clinical study",
    "preprint",
}
# Types that never decide a design.
NEUTRAL_TYPES = {
    "journal article",
    "introductory journal article",
    "english abstract",
    "multicenter study",
    "retracted publication",
}

PHASE_OF_TYPE = {
    "clinical trial, phase i": "phase-1",
    "clinical trial, phase ii": "phase-2",
    "clinical trial, phase iii": "phase-3",
    "clinical trial, phase iv": "phase-4",
}
RCT_TOPIC_MESH = {
    "randomized controlled trials as topic",
    "clinical trials as topic",
    "controlled clinical trials as topic",
}

INDEXING_FACTOR = {"human": 1.0, "curated": 0.95, "automated": 0.85}


@dataclass(frozen=True)
class _Rule:
    name: str  # shown in `explain` next to the deciding types
    design: str
    confidence: float


def normalise_indexing(value: str | None) -> str:
    """NLM's IndexingMethod attribute: absent means indexed by hand."""
    if not value:
        return "human"
    value = value.strip().lower()
    if value in ("manual", "human"):
        return "human"
    return value if value in INDEXING_FACTOR else "human"


def type_names(publication_types: Iterable[dict | str]) -> list[str]:
    """Names from the Article JSON shape ({"ui", "name"}) or plain strings."""
    names = []
    for pt in publication_types:
        name = pt.get("name") if isinstance(pt, dict) else pt
        if name:
            names.append(str(name).strip())
    return names


def is_cochrane(journal: str | None, journal_iso: str | None = None) -> bool:
    return any(
        j and re.sub(r"[.\s]+", " ", j).strip().lower() in COCHRANE_JOURNALS
        for j in (journal, journal_iso)
    )


def modifiers_from_types(names: Iterable[str]) -> set[str]:
    lowered = {n.lower() for n in names}
    mods = {PHASE_OF_TYPE[n] for n in lowered if n in PHASE_OF_TYPE}
    if "multicenter study" in lowered:
        mods.add(v.MULTICENTER)
    if "retracted publication" in lowered:
        mods.add(v.RETRACTED)
    if "clinical trial protocol" in lowered:
        mods.add(v.PROTOCOL)
    return mods


def tag_publication_types(
    publication_types: Iterable[dict | str],
    mesh: Iterable[dict | str] = (),
    journal: str | None = None,
    journal_iso: str | None = None,
    indexing_method: str | None = None,
) -> TagResult | None:
    """The design PubMed's types say, or None when they say nothing about design."""
    names = type_names(publication_types)
    lowered = {n.lower() for n in names}
    indexing = normalise_indexing(indexing_method)
    mods = modifiers_from_types(names)
    cochrane = is_cochrane(journal, journal_iso)
    if cochrane:
        mods.add(v.COCHRANE)
    decided = _decide(lowered, _mesh_names(mesh), cochrane)
    if decided is None:
        return None
    rule, deciding = decided
    shown = [n for n in names if n.lower() in deciding] or ([journal or journal_iso or ""])
    signal = f"{rule.name}: " + " + ".join(f'"{s}"' for s in shown)
    confidence = rule.confidence * INDEXING_FACTOR[indexing]
    return make(rule.design, PUBLICATION_TYPE, signal, confidence, mods, indexing)


def _mesh_names(mesh: Iterable[dict | str]) -> set[str]:
    out = set()
    for h in mesh:
        name = h.get("descriptor") if isinstance(h, dict) else h
        if name:
            out.add(str(name).lower())
    return out


def _decide(types: set[str], mesh: set[str], cochrane: bool) -> tuple[_Rule, set[str]] | None:
    """The precedence and conflict rules, strongest evidence first. Returns the rule and the
    types that decided it."""

    def has(group: set[str]) -> set[str]:
        return types & group

    if has(GUIDELINE_TYPES):
        return _Rule("guideline or consensus type", v.GUIDELINE, 0.95), has(GUIDELINE_TYPES)
    if has(META_TYPES):
        # a meta-analysis that is also a systematic review is a meta-analysis
        name = (
            "meta-analysis (wins over systematic review)" if has(SR_TYPES) else "meta-analysis type"
        )
        return _Rule(name, v.META_ANALYSIS, 0.95), has(META_TYPES | SR_TYPES)
    if has(SR_TYPES):
        return _Rule("systematic review type", v.SYSTEMATIC_REVIEW, 0.95), has(SR_TYPES)
    if has(REVIEW_TYPES) and (has(RCT_TYPES | TRIAL_TYPES) or mesh & RCT_TOPIC_MESH):
        # a review of RCTs is a review, not an RCT
        deciding = has(REVIEW_TYPES | RCT_TYPES | TRIAL_TYPES)
        return _Rule(
            "review of trials (review wins over trial types)", v.NARRATIVE_REVIEW, 0.85
        ), deciding
    if cochrane and not has(RCT_TYPES | TRIAL_TYPES | CASE_TYPES | EDITORIAL_TYPES):
        return _Rule("Cochrane review journal", v.SYSTEMATIC_REVIEW, 0.9), set()
    if has(RCT_TYPES):
        deciding = has(RCT_TYPES | set(PHASE_OF_TYPE))
        return _Rule("randomized trial type", v.RCT, 0.95), deciding
    if has(TRIAL_TYPES):
        # "Clinical Trial, Phase II" (or any trial type) without an RCT type is non-randomized
        return _Rule("trial type without randomization", v.NON_RANDOMIZED_TRIAL, 0.8), has(
            TRIAL_TYPES
        )
    if has(CASE_TYPES):
        return _Rule("case report type", v.CASE_REPORT, 0.9), has(CASE_TYPES)
    if has(OBSERVATIONAL_TYPES):
        return _Rule("observational type", v.OBSERVATIONAL, 0.85), has(OBSERVATIONAL_TYPES)
    if has(REVIEW_TYPES):
        return _Rule("review type", v.NARRATIVE_REVIEW, 0.85), has(REVIEW_TYPES)
    if has(EDITORIAL_TYPES):
        return _Rule("editorial, comment or letter type", v.EDITORIAL, 0.9), has(EDITORIAL_TYPES)
    if has(WEAK_OBSERVATIONAL_TYPES):
        return _Rule("comparative/evaluation type", v.OBSERVATIONAL, 0.5), has(
            WEAK_OBSERVATIONAL_TYPES
        )
    if has(OTHER_TYPES):
        return _Rule("non-study publication type", v.OTHER, 0.8), has(OTHER_TYPES)
    return None
