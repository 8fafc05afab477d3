"""Every policy at a glance, for the workspace's first page: when it was last reviewed, when
the next review is due, its open cycle and what is left to screen, and the flags a reviewer
should act on (citation mismatches, retractions, errata ...).

A handful of grouped queries for the whole library, never one query per policy, so the page
stays fast with hundreds of policies. (`evidence status`, issue 13's sibling, computes the same
figures for the terminal; the two are meant to become one.)
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from evidence.flags.article import article_flags
from evidence.store import models as m

REVIEW_INTERVAL = timedelta(days=365)  # when a policy names no next review date
SCREENED = ("include", "exclude")


def next_review(policy: m.Policy) -> date | None:
    """The policy's own next-review date, else a year after its last review."""
    if policy.next_review:
        return policy.next_review
    return policy.last_reviewed + REVIEW_INTERVAL if policy.last_reviewed else None


def policy_overview(engine: Engine, today: date | None = None) -> list[dict[str, Any]]:
    """One row per policy (by id): review dates, open cycle, candidates left, flags."""
    today = today or date.today()
    with Session(engine) as session:
        policies = list(session.exec(select(m.Policy).order_by(m.Policy.id)))  # type: ignore[arg-type]
        cycles = _latest_cycles(session)
        left = _candidates_left(session, [c.id for c in cycles.values() if c.status == "open"])
        flags = _flag_counts(session)
        rows = []
        for p in policies:
            cycle = cycles.get(p.id)
            is_open = cycle is not None and cycle.status == "open"
            total, todo = left.get(cycle.id, (0, 0)) if is_open else (0, 0)  # type: ignore[union-attr]
            due = next_review(p)
            rows.append(
                {
                    "id": p.id,
                    "title": p.title,
                    "last_reviewed": p.last_reviewed,
                    "next_review": due,
                    "review_due": due is not None and due <= today,
                    "cycles": cycle.number if cycle else 0,
                    "open_cycle": cycle.number if is_open else None,
                    "open_since": cycle.since if is_open else None,
                    "open_until": cycle.until if is_open else None,
                    "candidates": total,
                    "candidates_left": todo,
                    "flags": flags.get(p.id, 0),
                }
            )
        return rows


def _latest_cycles(session: Session) -> dict[str, m.ReviewCycle]:
    latest = (
        select(m.ReviewCycle.policy_id, func.max(m.ReviewCycle.number).label("n"))
        .group_by(m.ReviewCycle.policy_id)
        .subquery()
    )
    stmt = select(m.ReviewCycle).join(
        latest,
        (m.ReviewCycle.policy_id == latest.c.policy_id) & (m.ReviewCycle.number == latest.c.n),
    )
    return {c.policy_id: c for c in session.exec(stmt)}


def _candidates_left(session: Session, cycle_ids: list[int | None]) -> dict[int, tuple[int, int]]:
    """cycle id -> (candidates, not yet included or excluded)."""
    if not cycle_ids:
        return {}
    undecided = case((m.Candidate.decision.in_(SCREENED), 0), else_=1)  # type: ignore[union-attr]
    stmt = (
        select(m.Candidate.cycle_id, func.count(), func.sum(undecided))
        .where(m.Candidate.cycle_id.in_(cycle_ids))  # type: ignore[attr-defined]
        .group_by(m.Candidate.cycle_id)
    )
    return {cid: (int(n), int(todo or 0)) for cid, n, todo in session.exec(stmt)}  # type: ignore[call-overload]


def _flag_counts(session: Session) -> Counter[str]:
    """policy id -> flags on its current references: citation mismatches and PubMed's marks."""
    current = (m.Policy.id == m.Reference.policy_id) & (m.Policy.revision == m.Reference.revision)
    counts: Counter[str] = Counter()
    cited = (
        select(m.Reference.policy_id, func.count())
        .join(m.Policy, current)
        .join(m.CitationFlag, m.CitationFlag.reference_id == m.Reference.id)  # type: ignore[arg-type]
        .group_by(m.Reference.policy_id)
    )
    counts.update(dict(session.exec(cited).all()))  # type: ignore[call-overload]
    pmid = func.coalesce(m.Reference.pmid, m.Reference.matched_pmid)
    marked = (
        select(m.Reference.policy_id, m.Article.publication_types, m.Article.comments_corrections)
        .join(m.Policy, current)
        .join(m.Article, m.Article.pmid == pmid)  # type: ignore[arg-type]
    )
    for policy_id, types, links in session.exec(marked):  # type: ignore[call-overload]
        counts[policy_id] += len(article_flags(types, links))
    return counts
