"""PRISMA 2020 counts for an updated review, and the fixed list of exclusion reasons.

The flow of one cycle (PRISMA 2020, flow diagram for updated systematic reviews, databases only):
studies included in the previous version (the policy's references plus studies included in
earlier cycles) -> records identified in PubMed -> duplicates removed (already cited by the
policy, or already decided in an earlier cycle) -> records not retrieved (PubMed returned no
record) -> records screened -> excluded (with reasons) / not screened (a cycle closed with
`--force`) -> new studies included -> total studies (previous + new). Screening is at
title/abstract stage; a reason is recorded already there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from evidence.errors import InputError

EXCLUSION_REASONS: tuple[tuple[str, str], ...] = (
    ("wrong-population", "wrong population"),
    ("wrong-intervention", "wrong intervention"),
    ("wrong-comparator", "wrong comparator"),
    ("wrong-outcome", "wrong outcome"),
    ("wrong-study-design", "wrong study design"),
    ("not-primary-research", "not primary research / duplicate publication"),
    ("other", "other"),
)
REASON_LABELS = dict(EXCLUSION_REASONS)
DECISIONS = ("include", "exclude", "maybe")  # "maybe": undecided, to come back to


def parse_reason(value: str) -> str:
    """A reason as its number in the list (1-7), its slug or its label -> the slug."""
    text = value.strip().lower()
    if text.isdigit() and 1 <= int(text) <= len(EXCLUSION_REASONS):
        return EXCLUSION_REASONS[int(text) - 1][0]
    for slug, label in EXCLUSION_REASONS:
        if text in (slug, label, slug.replace("-", " ")):
            return slug
    choices = "; ".join(f"{i}={slug}" for i, (slug, _) in enumerate(EXCLUSION_REASONS, 1))
    raise InputError(f"unknown exclusion reason {value!r}", hint=f"use one of: {choices}")


def parse_decision(value: str) -> str:
    text = value.strip().lower()
    aliases = {"i": "include", "e": "exclude", "m": "maybe", "included": "include",
               "excluded": "exclude", "?": "maybe"}  # fmt: skip
    text = aliases.get(text, text)
    if text not in DECISIONS:
        raise InputError(f"unknown decision {value!r}", hint="use include, exclude or maybe")
    return text


def prisma_counts(
    previous_studies: int,
    identified: int,
    duplicates_removed: int,
    not_retrieved: int,
    decisions: Iterable[tuple[str | None, str | None]],
) -> dict[str, Any]:
    """The counts from the search figures and each candidate's (decision, reason)."""
    tally: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for decision, reason in decisions:
        # "maybe" (and a conflict between reviewers, decision None) is not a screening result
        tally[decision if decision in ("include", "exclude") else "not screened"] += 1
        if decision == "exclude":
            reasons[reason or "other"] += 1
    screened = tally["include"] + tally["exclude"]
    return {
        "previous_studies": previous_studies,
        "identified": identified,
        "duplicates_removed": duplicates_removed,
        "not_retrieved": not_retrieved,
        "screened": screened,
        "excluded": tally["exclude"],
        "excluded_by_reason": {s: reasons[s] for s, _ in EXCLUSION_REASONS if reasons[s]},
        "not_screened": tally["not screened"],
        "included": tally["include"],
        "total": previous_studies + tally["include"],
    }
