"""A review cycle as `review list`, `review close` and the report show it. Pure.

A cycle here is anything with the ReviewCycle fields as attributes: a model row (the writing
paths) or a namespace of the columns the lean read layer selected (`review list`). Both paths
hand these functions what they read, so the view is computed once, the same way for both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from evidence.review import agreement as agree
from evidence.review.prisma import prisma_counts

#: what `counts` holds besides the PRISMA figures once a cycle is closed
NOT_COUNTS = ("search", "included_pmids")


def unsearched(cycle: Any) -> tuple[date, date] | None:
    """The part of the window not yet searched and fetched, or None when all of it was."""
    if cycle.search_complete:
        return None
    start = cycle.searched_until + timedelta(days=1) if cycle.searched_until else cycle.since
    return (start, cycle.until) if start <= cycle.until else None


def search_view(cycle: Any) -> dict[str, Any]:
    gap = unsearched(cycle)
    return {
        "searched_until": cycle.searched_until,
        "search_complete": cycle.search_complete,
        "not_searched": f"{gap[0]}..{gap[1]}" if gap else None,
        "incomplete": cycle.incomplete,
    }


def frozen_counts(cycle: Any) -> dict[str, Any] | None:
    """The PRISMA counts frozen at close; None for an open cycle (its counts are live)."""
    if cycle.status != "closed":
        return None
    return {k: v for k, v in cycle.counts.items() if k not in NOT_COUNTS}


def frozen_included(cycle: Any) -> list[str] | None:
    """The included PMIDs frozen at close; None when open (or closed before they were kept)."""
    return cycle.counts.get("included_pmids") if cycle.status == "closed" else None


def live_counts(
    cycle: Any, previous_studies: int, decisions: Iterable[tuple[str | None, str | None]]
) -> dict[str, Any]:
    """The PRISMA counts of an open cycle from its search figures and each candidate's
    (decision, reason)."""
    search = cycle.counts.get("search") or {}
    return prisma_counts(
        previous_studies,
        search.get("identified", cycle.identified),
        search.get("duplicates_removed", 0),
        search.get("not_retrieved", 0),
        decisions,
    )


def sort_pmids(pmids: Iterable[str]) -> list[str]:
    """PMIDs in numeric order (shorter first), as the included studies are listed."""
    return sorted(pmids, key=lambda p: (len(p), p))


def agreement(votes_by_candidate: Iterable[Sequence[agree.Vote]]) -> dict[str, Any]:
    """Cohen's kappa between the first two reviewers over the candidates both decided, and
    who decided."""
    votes = list(votes_by_candidate)
    result = agree.agreement(votes)
    result["reviewers"] = sorted({v.reviewer for vs in votes for v in vs})
    return result


def cycle_view(
    cycle: Any, counts: dict[str, Any], included: list[str], agreement: dict[str, Any]
) -> dict[str, Any]:
    """The cycle with its counts (frozen or live), included PMIDs and agreement."""
    return {
        "number": cycle.number,
        "status": cycle.status,
        "query": cycle.query,
        "since": cycle.since,
        "until": cycle.until,
        "date_type": cycle.date_type,
        "started_at": cycle.started_at,
        "closed_at": cycle.closed_at,
        "counts": counts,
        "included_pmids": included,
        **search_view(cycle),
        "agreement": agreement,
    }
