"""What the extractor returns: frozen records, each value beside the sentence it came from.

Nothing here is guessed: a field the abstract does not state is None (the report prints
"not stated").
"""

from __future__ import annotations

from dataclasses import dataclass

#: the three findings, for the intervention relative to the comparator (Evidence Inference's labels)
INCREASED = "significantly increased"
DECREASED = "significantly decreased"
NO_DIFFERENCE = "no significant difference"
LABELS: tuple[str, ...] = (INCREASED, DECREASED, NO_DIFFERENCE)


@dataclass(frozen=True)
class Effect:
    """An effect estimate as the abstract states it."""

    measure: str | None  # "RR" | "OR" | "HR" | "MD" | "SMD" | "RD" | "IRR" | ... as stated
    value: float | None
    ci_low: float | None
    ci_high: float | None
    p: str | None  # as written: "0.03", "<0.001"


@dataclass(frozen=True)
class Finding:
    """What the abstract says the intervention did to one outcome, and the sentence that says it."""

    label: str | None  # one of LABELS, or None when the abstract does not say
    evidence: str | None  # the deciding sentence
    effect: Effect | None = None


@dataclass(frozen=True)
class Outcome:
    name: str
    primary: bool
    finding: Finding


@dataclass(frozen=True)
class TrialFacts:
    """The facts a reader of an RCT or meta-analysis abstract looks for first."""

    randomised: int | None
    analysed: int | None
    n_sentence: str | None
    intervention: str | None
    comparator: str | None
    arms_sentence: str | None
    follow_up: str | None
    follow_up_sentence: str | None
    outcomes: tuple[Outcome, ...]  # primary first
    trials_pooled: int | None  # meta-analyses / systematic reviews
    patients_pooled: int | None
    conclusion: str | None
