"""Status use-case: the whole policy library at a glance, what needs attention first.

One row per policy: when it was last reviewed and when the next review is due, its open review
cycle, how many references are unchecked or unresolved, the flags that need action (retracted,
expression of concern, erratum, superseded guideline, citation mismatch), the watch's open
events and its latest count of new high-level evidence.

It must stay fast on a library of 1,000 policies and 40,000 references, so it is a handful of
aggregate queries, never a loop over policies: PubMed's retraction and correction marks are
read from `articlemark`, three booleans per record that database triggers keep from the
stored publication types and CommentsCorrections (migration 0007); superseded guidelines use the same rule as the
report (`evidence.flags.guidelines`), on guideline-like references only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal, or_, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from evidence.flags.changes import SEVERITY
from evidence.flags.guidelines import GuidelineCite, find_superseded, looks_like_guideline
from evidence.store import models as m
from evidence.watch.interval import review_due

FLAG_KINDS = ("retracted", "expression-of-concern", "erratum", "superseded", "citation-mismatch")
# flag kind -> the ArticleMark column that says so (a reference citing a retraction notice is
# counted as retracted: both need the same action)
_MARKS = {"retracted": "retracted", "expression-of-concern": "concern", "erratum": "erratum"}
_GUIDELINE_WORDS = ("%guideline%", "%recommendation%", "%consensus statement%")


@dataclass
class PolicyStatus:
    id: str
    title: str
    last_reviewed: date | None = None
    review_every: str | None = None
    review_due: date | None = None
    overdue: bool = False
    open_cycle: int | None = None
    open_since: date | None = None
    open_until: date | None = None
    candidates: int = 0  # in the open cycle
    candidates_left: int = 0
    references: int = 0
    unchecked: int = 0
    unresolved: int = 0
    flags: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAG_KINDS, 0))
    events: dict[str, int] = field(default_factory=dict)  # open (unacknowledged) by kind
    new_evidence: dict[str, Any] | None = None  # the latest watch's search
    attention: list[str] = field(default_factory=list)  # why it needs attention, worst first

    @property
    def needs_attention(self) -> bool:
        return bool(self.attention)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"needs_attention": self.needs_attention}

    def sort_key(self) -> tuple[Any, ...]:
        worst = min((SEVERITY.get(k, 99) for k in self.events), default=99)
        acting = sum(self.flags.values()) + sum(self.events.values())
        return (not self.needs_attention, not self.events, worst, -acting,
                self.review_due or date.max, self.id)  # fmt: skip


def policy_statuses(engine: Engine, today: date | None = None) -> list[PolicyStatus]:
    """Every policy's status row, what needs attention first."""
    today = today or date.today()
    with Session(engine) as session:
        rows = {p.id: _base(p, today) for p in session.execute(_policies()).all()}
        for pid, refs, unchecked, unresolved, *marks in session.execute(_reference_counts()):
            if (row := rows.get(pid)) is not None:
                row.references, row.unchecked, row.unresolved = refs, unchecked or 0, unresolved or 0
                for kind, n in zip(_MARKS, marks, strict=True):
                    row.flags[kind] = n or 0
        for pid, n in session.execute(_mismatches()):
            if pid in rows:
                rows[pid].flags["citation-mismatch"] = n
        for pid, n in _superseded(session).items():
            if pid in rows:
                rows[pid].flags["superseded"] = n
        for pid, number, since, until, total, left in session.execute(_open_cycles()):
            if (row := rows.get(pid)) is not None:
                row.open_cycle, row.open_since, row.open_until = number, since, until
                row.candidates, row.candidates_left = total or 0, left or 0
        for pid, kind, n in session.execute(_open_events()):
            if pid in rows:
                rows[pid].events[kind] = n
        for pid, checked_at, since, count, pmids in session.execute(_latest_searches()):
            if pid in rows:
                rows[pid].new_evidence = {"checked_at": checked_at, "since": since,
                                          "count": count, "pmids": list(pmids or [])}  # fmt: skip
    for row in rows.values():
        row.events = dict(sorted(row.events.items(), key=lambda kv: SEVERITY.get(kv[0], 99)))
        row.attention = _attention(row)
    return sorted(rows.values(), key=PolicyStatus.sort_key)


def _base(p: Any, today: date) -> PolicyStatus:
    due = review_due(p.last_reviewed, p.effective_date, p.next_review, p.review_every)
    return PolicyStatus(id=p.id, title=p.title, last_reviewed=p.last_reviewed,
                        review_every=p.review_every, review_due=due,
                        overdue=due is not None and due <= today)  # fmt: skip


def _attention(row: PolicyStatus) -> list[str]:
    out = [f"{n} {kind}" for kind, n in row.events.items()]
    out += [f"{n} {kind}" for kind, n in row.flags.items() if n]
    if row.overdue:
        out.append(f"review due {row.review_due}")
    return out


# ---------------------------------------------------------------- the queries


def _policies() -> Any:
    p = m.Policy
    return select(p.id, p.title, p.last_reviewed, p.effective_date, p.next_review, p.review_every)


def _current() -> Any:
    return and_(m.Policy.id == m.Reference.policy_id, m.Policy.revision == m.Reference.revision)


def _pmid() -> Any:
    return func.coalesce(m.Reference.pmid, m.Reference.matched_pmid)


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _reference_counts() -> Any:
    # every stored record has its articlemark row (the triggers see to it), so a missing
    # mark is a missing record: one index lookup per reference instead of two
    u, k = m.Unresolved, m.ArticleMark
    marks = [_count(getattr(k, column).is_(True)) for column in _MARKS.values()]
    return (
        select(m.Reference.policy_id, func.count(),
               _count(and_(k.pmid.is_(None), u.pmid.is_(None))),
               _count(and_(k.pmid.is_(None), u.pmid.is_not(None))), *marks)  # type: ignore[union-attr]
        .join(m.Policy, _current())
        .outerjoin(k, k.pmid == _pmid())
        .outerjoin(u, u.pmid == _pmid())
        .group_by(m.Reference.policy_id)
    )  # fmt: skip


def _mismatches() -> Any:
    """References whose citation disagrees with their record (any kind of mismatch)."""
    return (
        select(m.Reference.policy_id, func.count(func.distinct(m.CitationFlag.reference_id)))
        .join(m.Policy, _current())
        .join(m.CitationFlag, m.CitationFlag.reference_id == m.Reference.id)
        .group_by(m.Reference.policy_id)
    )


def _subject() -> Any:
    return case(
        (_pmid().is_not(None), literal("pmid:") + _pmid()),
        else_=literal("ref:") + cast(m.Reference.id, String),
    )


def _superseded(session: Session) -> dict[str, int]:
    """Older guideline editions per policy: the report's rule, on guideline-like rows only."""
    a, t = m.Article, m.DesignTag
    title = func.coalesce(a.title, m.Reference.title)
    sqlite = session.get_bind().dialect.name == "sqlite"  # its LIKE ignores ASCII case already
    worded = or_(*(title.like(w) if sqlite else title.ilike(w) for w in _GUIDELINE_WORDS))
    untagged = or_(t.design.is_(None), t.design.in_(("unknown", "other")))  # type: ignore[union-attr,attr-defined]
    stmt = (
        select(m.Reference.policy_id, m.Reference.number, title,
               func.coalesce(a.year, m.Reference.year), _pmid(), t.design)
        .join(m.Policy, _current())
        .outerjoin(a, a.pmid == _pmid())
        .outerjoin(t, t.subject == _subject())
        .where(or_(t.design == "guideline", and_(untagged, worded)))
    )  # fmt: skip
    cites: dict[str, list[GuidelineCite]] = {}
    for pid, number, text, year, pmid, design in session.execute(stmt):
        if design == "guideline" or looks_like_guideline(text or ""):
            cites.setdefault(pid, []).append(GuidelineCite(number, text or "", year, pmid))
    return {pid: len({s.older.key for s in find_superseded(c)}) for pid, c in cites.items()}


def _open_cycles() -> Any:
    c, k = m.ReviewCycle, m.Candidate
    return (
        select(c.policy_id, c.number, c.since, c.until, func.count(k.id),
               _count(and_(k.id.is_not(None), or_(k.decision.is_(None), k.decision == "maybe"))))  # type: ignore[union-attr]
        .outerjoin(k, k.cycle_id == c.id)
        .where(c.status == "open")
        .group_by(c.policy_id, c.number, c.since, c.until)
    )


def _open_events() -> Any:
    e = m.WatchEvent
    return (
        select(e.policy_id, e.kind, func.count())
        .where(e.acknowledged_at.is_(None))  # type: ignore[union-attr]
        .group_by(e.policy_id, e.kind)
    )


def _latest_searches() -> Any:
    w = m.PolicyWatch
    latest = select(w.policy_id, func.max(w.id).label("id")).group_by(w.policy_id).subquery()
    return select(w.policy_id, w.checked_at, w.since, w.count, w.pmids).join(
        latest, latest.c.id == w.id
    )


# ---------------------------------------------------------------- the review interval


def set_review_interval(engine: Engine, policy_id: str, every: str | None) -> dict[str, Any]:
    """`policy set ID --review-every 6m`: store the interval (None: back to the default)."""
    from evidence.services.policy import get_policy
    from evidence.store import transaction
    from evidence.watch.interval import parse_interval

    value = parse_interval(every) if every else None
    with transaction(engine) as session:
        policy = get_policy(session, policy_id)
        policy.review_every = value
        session.add(policy)
        due = review_due(policy.last_reviewed, policy.effective_date, policy.next_review, value)
        return {"id": policy.id, "review_every": value or "12m (default)", "review_due": due}
