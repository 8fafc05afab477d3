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
from typing import TYPE_CHECKING, Any

from evidence.flags.changes import SEVERITY
from evidence.flags.guidelines import GuidelineCite, find_superseded, looks_like_guideline
from evidence.store import queries as q
from evidence.store.read import Reader, reading
from evidence.watch.interval import review_due

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

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


def policy_statuses(engine: Engine | Reader | str, today: date | None = None) -> list[PolicyStatus]:
    """Every policy's status row, what needs attention first (`engine`: an engine, a Reader
    or the store's URL; evidence.store.read)."""
    today = today or date.today()
    with reading(engine) as reader:
        rows = {p["id"]: _base(p, today) for p in q.status_policies(reader)}
        for pid, refs, unchecked, unresolved, *marks in q.status_reference_counts(reader):
            if (row := rows.get(pid)) is not None:
                row.references, row.unchecked, row.unresolved = refs, unchecked or 0, unresolved or 0
                for kind, n in zip(_MARKS, marks, strict=True):
                    row.flags[kind] = n or 0
        for pid, n in q.status_mismatches(reader):
            if pid in rows:
                rows[pid].flags["citation-mismatch"] = n
        for pid, n in _superseded(reader).items():
            if pid in rows:
                rows[pid].flags["superseded"] = n
        for pid, number, since, until, total, left in q.status_open_cycles(reader):
            if (row := rows.get(pid)) is not None:
                row.open_cycle, row.open_since, row.open_until = number, since, until
                row.candidates, row.candidates_left = total or 0, left or 0
        for pid, kind, n in q.status_open_events(reader):
            if pid in rows:
                rows[pid].events[kind] = n
        for pid, checked_at, since, count, pmids in q.status_latest_searches(reader):
            if pid in rows:
                rows[pid].new_evidence = {"checked_at": checked_at, "since": since,
                                          "count": count, "pmids": list(pmids or [])}  # fmt: skip
    for row in rows.values():
        row.events = dict(sorted(row.events.items(), key=lambda kv: SEVERITY.get(kv[0], 99)))
        row.attention = _attention(row)
    return sorted(rows.values(), key=PolicyStatus.sort_key)


def _base(p: dict[str, Any], today: date) -> PolicyStatus:
    due = review_due(p["last_reviewed"], p["effective_date"], p["next_review"], p["review_every"])
    return PolicyStatus(id=p["id"], title=p["title"], last_reviewed=p["last_reviewed"],
                        review_every=p["review_every"], review_due=due,
                        overdue=due is not None and due <= today)  # fmt: skip


def _attention(row: PolicyStatus) -> list[str]:
    out = [f"{n} {kind}" for kind, n in row.events.items()]
    out += [f"{n} {kind}" for kind, n in row.flags.items() if n]
    if row.overdue:
        out.append(f"review due {row.review_due}")
    return out


def _superseded(reader: Reader) -> dict[str, int]:
    """Older guideline editions per policy: the report's rule, on guideline-like rows only."""
    cites: dict[str, list[GuidelineCite]] = {}
    for pid, number, text, year, pmid, design in q.status_guideline_rows(reader, _GUIDELINE_WORDS):
        if design == "guideline" or looks_like_guideline(text or ""):
            cites.setdefault(pid, []).append(GuidelineCite(number, text or "", year, pmid))
    return {pid: len({s.older.key for s in find_superseded(c)}) for pid, c in cites.items()}


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
