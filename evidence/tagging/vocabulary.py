"""The words a tag is made of: design slugs, modifiers, and the evidence level each design earns.

Slugs are a contract with stored tags, exports and users' scripts: add new ones, never rename.

Levels follow the Oxford CEBM 2011 table for treatment benefits:
  1  systematic review / meta-analysis of randomized trials
  2  randomized trial
  3  non-randomized controlled study
  4  case series, case-control, historically controlled and other observational studies
  5  mechanism-based reasoning (narrative reviews, editorials, comment)
Guidelines are syntheses, not studies: they get no level (None) and are marked `synthesis`.

Decision for systematic reviews (or meta-analyses) whose text says they pool non-randomized
studies: CEBM levels a review by the studies it contains, so such a review gets level 3 (the
best of what it pools when that includes non-randomized controlled studies), marked by the
`includes-nonrandomized` modifier. A review whose pooled designs are not stated keeps level 1.
"""

from __future__ import annotations

GUIDELINE = "guideline"
META_ANALYSIS = "meta-analysis"
SYSTEMATIC_REVIEW = "systematic-review"
RCT = "rct"
NON_RANDOMIZED_TRIAL = "non-randomized-trial"
OBSERVATIONAL = "observational"
CASE_REPORT = "case-report"
NARRATIVE_REVIEW = "narrative-review"
EDITORIAL = "editorial"
OTHER = "other"
UNKNOWN = "unknown"

DESIGNS: tuple[str, ...] = (
    GUIDELINE,
    META_ANALYSIS,
    SYSTEMATIC_REVIEW,
    RCT,
    NON_RANDOMIZED_TRIAL,
    OBSERVATIONAL,
    CASE_REPORT,
    NARRATIVE_REVIEW,
    EDITORIAL,
    OTHER,
    UNKNOWN,
)

DESIGN_LABELS: dict[str, str] = {
    GUIDELINE: "Guideline / consensus statement",
    META_ANALYSIS: "Meta-analysis",
    SYSTEMATIC_REVIEW: "Systematic review",
    RCT: "Randomized controlled trial",
    NON_RANDOMIZED_TRIAL: "Non-randomized trial",
    OBSERVATIONAL: "Observational study",
    CASE_REPORT: "Case report / case series",
    NARRATIVE_REVIEW: "Narrative review",
    EDITORIAL: "Editorial / comment / letter",
    OTHER: "Other primary research",
    UNKNOWN: "Unknown",
}

# Modifiers: trial phase, conduct, and source collection.
PHASES: tuple[str, ...] = ("phase-1", "phase-2", "phase-3", "phase-4")
MULTICENTER = "multicenter"
BLINDED = "blinded"
DOUBLE_BLIND = "double-blind"
PLACEBO_CONTROLLED = "placebo-controlled"
COCHRANE = "cochrane"
INCLUDES_NONRANDOMIZED = "includes-nonrandomized"
PROTOCOL = "protocol"
RETRACTED = "retracted"

MODIFIERS: tuple[str, ...] = (
    *PHASES,
    MULTICENTER,
    BLINDED,
    DOUBLE_BLIND,
    PLACEBO_CONTROLLED,
    COCHRANE,
    INCLUDES_NONRANDOMIZED,
    PROTOCOL,
    RETRACTED,
)

SYNTHESIS = "synthesis"  # what a guideline is instead of a level

_LEVELS: dict[str, int | None] = {
    META_ANALYSIS: 1,
    SYSTEMATIC_REVIEW: 1,
    RCT: 2,
    NON_RANDOMIZED_TRIAL: 3,
    OBSERVATIONAL: 4,
    CASE_REPORT: 4,
    NARRATIVE_REVIEW: 5,
    EDITORIAL: 5,
    GUIDELINE: None,
    OTHER: None,
    UNKNOWN: None,
}

# Order used to pick the strongest design and to sort listings (strongest first).
STRENGTH: dict[str, int] = {d: i for i, d in enumerate(DESIGNS)}


def is_design(value: str) -> bool:
    return value in DESIGNS


def level_for(design: str, modifiers: tuple[str, ...] | list[str] = ()) -> int | None:
    """CEBM 2011 treatment-benefit level; None for guidelines (syntheses) and unlevelled kinds."""
    level = _LEVELS.get(design)
    if design in (META_ANALYSIS, SYSTEMATIC_REVIEW) and INCLUDES_NONRANDOMIZED in modifiers:
        return 3
    return level


def level_label(design: str, level: int | None) -> str:
    """What to print in a level column: the number, 'synthesis' for guidelines, else '-'."""
    if design == GUIDELINE:
        return SYNTHESIS
    return str(level) if level is not None else "-"


def order_modifiers(modifiers: set[str] | list[str] | tuple[str, ...]) -> list[str]:
    """Modifiers in vocabulary order, so stored tags compare equal across runs."""
    known = [m for m in MODIFIERS if m in modifiers]
    return known + sorted(set(modifiers) - set(MODIFIERS))
