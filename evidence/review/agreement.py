"""Two (or more) reviewers: what a candidate's decisions add up to, and how much they agree.

Each reviewer's current decision is their latest "screen" row; a "resolve" row (the third
decision that settles a conflict) wins over everything. With one reviewer required, the latest
decision of anyone is the candidate's decision (a person may change their mind). With two or
more, the candidate stays undecided until that many reviewers have decided independently; then
it is decided when they all agree on include or exclude, and in conflict otherwise ("maybe"
from anyone is a question for the third person, so it is a conflict too).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Vote:
    """One Decision row, as the pure rules need it."""

    reviewer: str
    decision: str
    reason: str | None = None
    note: str | None = None
    kind: str = "screen"  # "screen" | "resolve"
    decided_at: datetime | None = None
    id: int = 0


@dataclass(frozen=True)
class Outcome:
    status: str  # "undecided" | "awaiting" | "decided" | "agreed" | "conflict" | "resolved"
    decision: str | None  # the candidate's resolved decision (None unless settled)
    reason: str | None = None
    note: str | None = None
    decided_at: datetime | None = None


def current_votes(votes: Iterable[Vote]) -> dict[str, Vote]:
    """Each reviewer's latest independent ("screen") decision, reviewers in the order they
    first decided (so "the first two reviewers" is well defined)."""
    latest: dict[str, Vote] = {}
    for v in sorted((v for v in votes if v.kind == "screen"), key=lambda v: v.id):
        latest[v.reviewer] = v  # a dict keeps the first insertion's position
    return latest


def outcome(votes: Sequence[Vote], required: int = 1) -> Outcome:
    """What the candidate's decision is, given every Decision row it has."""
    resolutions = sorted((v for v in votes if v.kind == "resolve"), key=lambda v: v.id)
    if resolutions:
        r = resolutions[-1]
        return Outcome("resolved", r.decision, r.reason, r.note, r.decided_at)
    current = current_votes(votes)
    if not current:
        return Outcome("undecided", None)
    if required <= 1:
        last = max(current.values(), key=lambda v: v.id)
        return Outcome("decided", last.decision, last.reason, last.note, last.decided_at)
    if len(current) < required:
        return Outcome("awaiting", None)
    chosen = list(current.values())
    values = {v.decision for v in chosen}
    if len(values) == 1 and "maybe" not in values:
        last = max(chosen, key=lambda v: v.id)
        return Outcome("agreed", chosen[0].decision, chosen[0].reason, chosen[0].note,
                       last.decided_at)  # fmt: skip
    return Outcome("conflict", None)


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' labels; None with no pairs, 1.0 when chance agreement is 1."""
    pairs = list(pairs)
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(1 for a, b in pairs if a == b) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[k] * second[k] for k in set(first) | set(second)) / (n * n)
    if expected >= 1:
        return 1.0
    return round((observed - expected) / (1 - expected), 3)


def agreement(votes_by_candidate: Iterable[Sequence[Vote]]) -> dict[str, Any]:
    """Kappa between the first two reviewers of every candidate both decided."""
    pairs = []
    for votes in votes_by_candidate:
        current = list(current_votes(votes).values())
        if len(current) >= 2:
            pairs.append((current[0].decision, current[1].decision))
    return {
        "pairs": len(pairs),
        "agreed": sum(1 for a, b in pairs if a == b),
        "kappa": cohen_kappa(pairs),
    }
