"""Review cycles: the saved search, `start` (search, fetch, tag, store candidates), screening
decisions, `close` (freeze the PRISMA counts), listing and diffing cycles, and the report's
"since the last review" section.

A policy has at most one open cycle; `start` opens one or resumes it. `start` is idempotent and
crash-safe: the cycle row is committed before the search, each batch of candidates is one
transaction, and (cycle, PMID) is unique, so a run killed half way and run again leaves one cycle
with each candidate once. A PMID is not a candidate when the policy already cites it or an
earlier cycle decided it; a candidate an earlier cycle closed without screening comes back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from evidence.errors import InputError, NotFound
from evidence.records import Article as ArticleRecord
from evidence.review.prisma import REASON_LABELS, parse_decision, parse_reason, prisma_counts
from evidence.review.query import build_query, condition_terms, parse_designs
from evidence.review.window import review_window
from evidence.services.policy import current_references, get_policy
from evidence.store import models as m
from evidence.store import transaction

Progress = Callable[[int, int], None]
BATCH = 200  # one efetch request and one transaction per batch
# screening order: the designs that could change a conclusion first
DESIGN_RANK = (
    "meta-analysis", "systematic-review", "guideline", "rct", "non-randomized-trial",
    "observational", "case-report", "narrative-review", "editorial", "other", "unknown",
)  # fmt: skip
RE_EXAMINE = ("rct", "meta-analysis", "systematic-review", "guideline")


class Client(Protocol):
    """What `start` needs of `evidence.entrez.client.EntrezClient`."""

    def search_all(
        self, term: str, mindate: date, maxdate: date, datetype: str = ...
    ) -> list[str]: ...

    def fetch_articles(self, pmids: list[str], progress: Progress | None = None) -> Any: ...


# ---------------------------------------------------------------- the saved search


def _statement_texts(session: Session, policy: m.Policy) -> list[str]:
    stmt = select(m.Statement.text).where(
        m.Statement.policy_id == policy.id, m.Statement.revision == policy.revision
    )
    return list(session.exec(stmt))


def _intervention_terms(session: Session, policy: m.Policy) -> list[str]:
    """The stored (editable) terms, else tagging's derivation from the title and statements."""
    from evidence.tagging.role import derive_terms

    if policy.intervention_terms:
        return list(policy.intervention_terms)
    return derive_terms(policy.title, _statement_texts(session, policy))


def derive_query(session: Session, policy: m.Policy, designs: Iterable[str] = ()) -> str:
    """The default query: the policy's intervention terms AND its condition [AND designs]."""
    terms = _intervention_terms(session, policy)
    conditions = condition_terms(policy.title, _statement_texts(session, policy), exclude=terms)
    return build_query(terms, conditions, tuple(designs))


def review_query(
    engine: Engine, policy_id: str, new_query: str | None = None, designs: str | None = None
) -> dict[str, Any]:
    """Show the saved search; `new_query` saves a hand-written one, `designs` re-derives it."""
    with transaction(engine) as session:
        policy = get_policy(session, policy_id)
        if new_query is not None:
            if not new_query.strip():
                raise InputError("the query is empty")
            policy.search_query = new_query.strip()
            session.add(policy)
        elif designs is not None:
            policy.search_query = derive_query(session, policy, parse_designs(designs))
            session.add(policy)
        saved = policy.search_query
        terms = _intervention_terms(session, policy)
        conditions = condition_terms(policy.title, _statement_texts(session, policy), exclude=terms)
        query = saved or derive_query(session, policy)
        return {
            "policy": policy.id,
            "query": query,
            "saved": saved is not None,
            "intervention_terms": terms,
            "condition_terms": conditions,
        }


# ---------------------------------------------------------------- start


@dataclass
class StartResult:
    cycle: int
    resumed: bool
    query: str
    since: date
    until: date
    date_type: str
    identified: int
    duplicates: int
    added: int
    candidates: int
    from_cache: int = 0
    not_retrieved: dict[str, str] = field(default_factory=dict)


def _open_cycle(session: Session, policy_id: str) -> m.ReviewCycle | None:
    stmt = select(m.ReviewCycle).where(
        m.ReviewCycle.policy_id == policy_id, m.ReviewCycle.status == "open"
    )
    return session.exec(stmt).first()


def _cycles(session: Session, policy_id: str) -> list[m.ReviewCycle]:
    stmt = (
        select(m.ReviewCycle)
        .where(m.ReviewCycle.policy_id == policy_id)
        .order_by(m.ReviewCycle.number)  # type: ignore[arg-type]
    )
    return list(session.exec(stmt))


def _begin_cycle(
    session: Session,
    policy_id: str,
    since: date | None,
    until: date | None,
    query: str | None,
    today: date,
) -> tuple[m.ReviewCycle, bool]:
    """The open cycle (checked against what was asked), or a new one."""
    policy = get_policy(session, policy_id)
    cycle = _open_cycle(session, policy.id)
    if cycle is not None:
        asked = {"query": query, "since": since, "until": until}
        for name, value in asked.items():
            if value is not None and value != getattr(cycle, name):
                raise InputError(
                    f"cycle {cycle.number} is open with a different {name}",
                    hint="run 'evidence review start' without it, or close the cycle first",
                )
        return cycle, True
    cycles = _cycles(session, policy.id)
    window = review_window(
        today, policy.last_reviewed, cycles[-1].until if cycles else None, since, until
    )
    cycle = m.ReviewCycle(
        policy_id=policy.id,
        number=(cycles[-1].number + 1) if cycles else 1,
        query=query or policy.search_query or derive_query(session, policy),
        since=window.since,
        until=window.until,
        date_type=window.date_type,
    )
    session.add(cycle)
    session.flush()
    return cycle, False


def _referenced_pmids(session: Session, policy: m.Policy) -> set[str]:
    refs = current_references(session, policy)
    return {p for r in refs for p in (r.pmid, r.matched_pmid) if p}


def _earlier_candidates(session: Session, cycle: m.ReviewCycle, decision: Any) -> set[str]:
    """PMIDs of the policy's earlier cycles whose decision matches `decision` (a condition)."""
    stmt = (
        select(m.Candidate.pmid)
        .join(m.ReviewCycle, m.Candidate.cycle_id == m.ReviewCycle.id)  # type: ignore[arg-type]
        .where(
            m.ReviewCycle.policy_id == cycle.policy_id,
            m.ReviewCycle.number < cycle.number,
            decision,
        )
    )
    return set(session.exec(stmt))


def _decided_earlier(session: Session, cycle: m.ReviewCycle) -> set[str]:
    return _earlier_candidates(session, cycle, m.Candidate.decision.is_not(None))  # type: ignore[union-attr]


def _candidate_pmids(session: Session, cycle_id: int) -> set[str]:
    return set(session.exec(select(m.Candidate.pmid).where(m.Candidate.cycle_id == cycle_id)))


def start_cycle(
    engine: Engine,
    client: Client,
    policy_id: str,
    since: date | None = None,
    until: date | None = None,
    query: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH,
    page_size: int = 10_000,
) -> StartResult:
    """Open (or resume) a cycle, search PubMed, and store new hits as tagged candidates."""
    with transaction(engine) as session:
        cycle, resumed = _begin_cycle(
            session, policy_id, since, until, query, today or date.today()
        )
    hits = client.search_all(
        cycle.query, cycle.since, cycle.until, datetype=cycle.date_type, page_size=page_size
    )
    with transaction(engine) as session:
        policy = get_policy(session, cycle.policy_id)
        seen = _referenced_pmids(session, policy) | _decided_earlier(session, cycle)
        duplicates = [p for p in hits if p in seen]
        have = _candidate_pmids(session, cycle.id)  # type: ignore[arg-type]
        todo = [p for p in hits if p not in seen and p not in have]
        cycle = session.get(m.ReviewCycle, cycle.id)  # type: ignore[assignment]
        cycle.identified = len(hits)
        search = dict(cycle.counts.get("search") or {})
        search.update(identified=len(hits), duplicates_removed=len(duplicates))
        cycle.counts = {**cycle.counts, "search": search}
        session.add(cycle)
    result = StartResult(
        cycle=cycle.number, resumed=resumed, query=cycle.query, since=cycle.since,
        until=cycle.until, date_type=cycle.date_type, identified=len(hits),
        duplicates=len(duplicates), added=0, candidates=len(have),
    )  # fmt: skip
    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        _store_batch(engine, client, cycle, batch, result)
        if progress:
            progress(min(start + batch_size, len(todo)), len(todo))
    _record_not_retrieved(engine, cycle.id, hits, result)  # type: ignore[arg-type]
    return result


def _store_batch(
    engine: Engine, client: Client, cycle: m.ReviewCycle, batch: list[str], result: StartResult
) -> None:
    """Fetch what the store lacks, then save articles, tags and candidates in one transaction."""
    with Session(engine) as session:
        stored = {
            a.pmid: a for a in session.exec(select(m.Article).where(m.Article.pmid.in_(batch)))
        }  # type: ignore[attr-defined]
    records = {p: _to_record(a) for p, a in stored.items()}
    lacking = [p for p in batch if p not in stored]
    if lacking:
        fetched = client.fetch_articles(lacking)
        result.from_cache += getattr(fetched, "from_cache", 0)
        result.not_retrieved.update(fetched.missing)
        records.update({a.pmid: a for a in fetched.articles})
    with transaction(engine) as session:
        have = _candidate_pmids(session, cycle.id)  # type: ignore[arg-type]
        for pmid in batch:
            record = records.get(pmid)
            if record is None or pmid in have:
                continue
            if pmid not in stored:
                session.merge(m.Article(**_article_row(record)))
            tag = _save_tag(session, record)
            session.add(
                m.Candidate(
                    cycle_id=cycle.id,  # type: ignore[arg-type]
                    pmid=pmid,
                    design=tag.design if tag else None,
                    level=tag.level if tag else None,
                )
            )
            result.added += 1
            result.candidates += 1
        for pmid, reason in result.not_retrieved.items():
            if pmid in batch:
                session.merge(m.Unresolved(pmid=pmid, reason=reason))


def _record_not_retrieved(
    engine: Engine, cycle_id: int, hits: list[str], result: StartResult
) -> None:
    with transaction(engine) as session:
        cycle = session.get(m.ReviewCycle, cycle_id)
        assert cycle is not None
        stored = _candidate_pmids(session, cycle_id)
        missing = [p for p in hits if p in result.not_retrieved and p not in stored]
        search = dict(cycle.counts.get("search") or {})
        search["not_retrieved"] = len(missing)
        cycle.counts = {**cycle.counts, "search": search}
        session.add(cycle)


def _to_record(row: m.Article) -> ArticleRecord:
    return ArticleRecord(**{f.name: getattr(row, f.name) for f in fields(ArticleRecord)})


def _article_row(record: ArticleRecord) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in fields(ArticleRecord)}


def _save_tag(session: Session, record: ArticleRecord) -> m.DesignTag | None:
    """Tag the article unless a tag exists (a manual one is never overwritten); return the tag."""
    subject = f"pmid:{record.pmid}"
    existing = session.get(m.DesignTag, subject)
    if existing is not None:
        return existing
    from evidence.services.tag import tag_columns
    from evidence.tagging import tag_article

    row = m.DesignTag(subject=subject, **tag_columns(tag_article(record)))
    session.add(row)
    return row


# ---------------------------------------------------------------- screening


def _current_cycle(session: Session, policy_id: str) -> m.ReviewCycle:
    policy = get_policy(session, policy_id)
    cycles = _cycles(session, policy.id)
    if not cycles:
        raise NotFound(
            f"policy {policy.id!r} has no review cycle",
            hint="start one with 'evidence review start'",
        )
    return cycles[-1]


def _require_open(cycle: m.ReviewCycle) -> None:
    if cycle.status != "open":
        raise InputError(
            f"cycle {cycle.number} is closed; its decisions are frozen",
            hint="start a new cycle with 'evidence review start'",
        )


def _rank(design: str | None) -> int:
    return DESIGN_RANK.index(design) if design in DESIGN_RANK else len(DESIGN_RANK)


def _author_names(authors: list[dict[str, Any]]) -> list[str]:
    """PubMed's author list as "Last FM" names (a collective name as it is)."""
    names = []
    for au in authors:
        name = au.get("collective") or " ".join(x for x in (au.get("last"), au.get("initials")) if x)
        if name:
            names.append(str(name))
    return names


def _candidate_view(c: Any, a: Any | None) -> dict[str, Any]:
    """One candidate: `c` has the Candidate's columns, `a` the Article's (None when missing)."""
    return {
        "pmid": c.pmid,
        "title": a.title if a else None,
        "authors": _author_names(a.authors or []) if a else [],
        "journal": (a.journal_iso or a.journal) if a else None,
        "year": a.year if a else None,
        "design": c.design,
        "level": c.level,
        "abstract": a.abstract if a else None,
        "decision": c.decision,
        "reason": c.reason,
        "reason_label": REASON_LABELS.get(c.reason or ""),
        "note": c.reason_text,
        "decided_at": c.decided_at,
    }


# The columns a candidate's view shows, selected as plain rows: loading whole ORM objects
# (raw XML, MeSH, abstract sections) made a cycle of 2,000 candidates take a second to list
# (bench/web_bench.py).
_CANDIDATE_COLUMNS = ("id", "pmid", "design", "level", "decision", "reason", "reason_text", "decided_at")
_ARTICLE_COLUMNS = ("pmid", "title", "authors", "journal", "journal_iso", "year", "abstract")


class _Columns:
    """Attribute access to one model's slice of a joined row (what _candidate_view reads)."""

    __slots__ = ("_row", "_prefix")

    def __init__(self, row: Any, prefix: str) -> None:
        self._row, self._prefix = row, prefix

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, self._prefix + name)


def _candidates(session: Session, cycle_id: int) -> list[dict[str, Any]]:
    columns = [getattr(m.Candidate, k).label("c_" + k) for k in _CANDIDATE_COLUMNS]
    columns += [getattr(m.Article, k).label("a_" + k) for k in _ARTICLE_COLUMNS]
    stmt = (
        select(*columns)
        .join(m.Article, m.Article.pmid == m.Candidate.pmid, isouter=True)  # type: ignore[arg-type]
        .where(m.Candidate.cycle_id == cycle_id)
    )
    rows = [
        _candidate_view(_Columns(r, "c_"), _Columns(r, "a_") if r.a_pmid is not None else None)
        for r in session.exec(stmt)  # type: ignore[call-overload]
    ]
    rows.sort(
        key=lambda r: (
            _rank(r["design"]),
            -(r["year"] or 0),
            int(r["pmid"]) if r["pmid"].isdigit() else 0,
        )
    )
    return rows


def candidates(engine: Engine, policy_id: str, unscreened: bool = False) -> dict[str, Any]:
    """The current cycle's candidates, the designs that could change a conclusion first."""
    with Session(engine) as session:
        cycle = _current_cycle(session, policy_id)
        rows = _candidates(session, cycle.id)  # type: ignore[arg-type]
        if unscreened:
            rows = [r for r in rows if r["decision"] is None]
        return {"cycle": cycle.number, "status": cycle.status, "candidates": rows}


def decide(
    engine: Engine,
    policy_id: str,
    pmid: str,
    decision: str,
    reason: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Record (or change) a screening decision in the open cycle."""
    decision = parse_decision(decision)
    slug = parse_reason(reason) if reason else None
    if decision == "exclude" and slug is None:
        raise InputError("an exclusion needs a reason", hint="add --reason (1-7 or its name)")
    if decision != "exclude":
        slug = None
    with transaction(engine) as session:
        cycle = _current_cycle(session, policy_id)
        _require_open(cycle)
        stmt = select(m.Candidate).where(
            m.Candidate.cycle_id == cycle.id, m.Candidate.pmid == pmid.strip()
        )
        cand = session.exec(stmt).first()
        if cand is None:
            raise NotFound(f"PMID {pmid} is not a candidate of cycle {cycle.number}")
        cand.decision, cand.reason = decision, slug
        cand.reason_text = note.strip() if note and note.strip() else None
        cand.decided_at = m.utcnow()
        session.add(cand)
        return {"cycle": cycle.number, "pmid": cand.pmid, "decision": decision,
                "reason": slug, "note": cand.reason_text}  # fmt: skip


def undo(engine: Engine, policy_id: str, pmid: str | None = None) -> dict[str, Any]:
    """Take back the open cycle's latest decision (or the one on `pmid`): the candidate is
    unscreened again. Returns what was undone; NotFound when nothing is decided."""
    with transaction(engine) as session:
        cycle = _current_cycle(session, policy_id)
        _require_open(cycle)
        stmt = select(m.Candidate).where(
            m.Candidate.cycle_id == cycle.id, m.Candidate.decision.is_not(None)  # type: ignore[union-attr]
        )
        if pmid is not None:
            stmt = stmt.where(m.Candidate.pmid == pmid.strip())
        cand = session.exec(stmt.order_by(m.Candidate.decided_at.desc())).first()  # type: ignore[union-attr]
        if cand is None:
            raise NotFound(f"nothing to undo in cycle {cycle.number}")
        undone = {"cycle": cycle.number, "pmid": cand.pmid, "undone": cand.decision,
                  "decision": None}  # fmt: skip
        cand.decision = cand.reason = cand.reason_text = cand.decided_at = None
        session.add(cand)
        return undone


# ---------------------------------------------------------------- close, list, diff


def _previous_studies(session: Session, cycle: m.ReviewCycle) -> int:
    """The policy's references plus studies included by earlier cycles (each study once)."""
    policy = get_policy(session, cycle.policy_id)
    refs = current_references(session, policy)
    cited = {p for r in refs for p in (r.pmid, r.matched_pmid) if p}
    included = _earlier_candidates(session, cycle, m.Candidate.decision == "include")
    return len(refs) + len(included - cited)


def _live_counts(session: Session, cycle: m.ReviewCycle) -> dict[str, Any]:
    search = cycle.counts.get("search") or {}
    decisions = session.exec(
        select(m.Candidate.decision, m.Candidate.reason).where(m.Candidate.cycle_id == cycle.id)
    ).all()
    return prisma_counts(
        _previous_studies(session, cycle),
        search.get("identified", cycle.identified),
        search.get("duplicates_removed", 0),
        search.get("not_retrieved", 0),
        decisions,
    )


def _included(session: Session, cycle_id: int) -> list[str]:
    stmt = select(m.Candidate.pmid).where(
        m.Candidate.cycle_id == cycle_id, m.Candidate.decision == "include"
    )
    return sorted(session.exec(stmt), key=lambda p: (len(p), p))


def close_cycle(engine: Engine, policy_id: str, force: bool = False) -> dict[str, Any]:
    """Freeze the open cycle: its search, window, PRISMA counts and included studies."""
    with transaction(engine) as session:
        cycle = _current_cycle(session, policy_id)
        _require_open(cycle)
        counts = _live_counts(session, cycle)
        if counts["not_screened"] and not force:
            raise InputError(
                f"{counts['not_screened']} candidates of cycle {cycle.number} are not screened",
                hint="screen them with 'evidence review screen', or close with --force",
            )
        cycle.counts = {**counts, "search": cycle.counts.get("search") or {},
                        "included_pmids": _included(session, cycle.id)}  # type: ignore[arg-type]  # fmt: skip
        cycle.status, cycle.closed_at = "closed", m.utcnow()
        session.add(cycle)
        return _cycle_view(session, cycle)


def _cycle_view(session: Session, cycle: m.ReviewCycle) -> dict[str, Any]:
    counts = (
        {k: v for k, v in cycle.counts.items() if k not in ("search", "included_pmids")}
        if cycle.status == "closed"
        else _live_counts(session, cycle)
    )
    included = cycle.counts.get("included_pmids") if cycle.status == "closed" else None
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
        "included_pmids": included if included is not None else _included(session, cycle.id),  # type: ignore[arg-type]
    }


def list_cycles(engine: Engine, policy_id: str) -> list[dict[str, Any]]:
    with Session(engine) as session:
        policy = get_policy(session, policy_id)
        return [_cycle_view(session, c) for c in _cycles(session, policy.id)]


def _decisions(session: Session, cycle: m.ReviewCycle | None) -> dict[str, m.Candidate]:
    if cycle is None:
        return {}
    rows = session.exec(select(m.Candidate).where(m.Candidate.cycle_id == cycle.id))
    return {c.pmid: c for c in rows}


def diff_cycles(
    engine: Engine, policy_id: str, from_n: int | None = None, to_n: int | None = None
) -> dict[str, Any]:
    """What changed from cycle `from_n` (default: the one before) to `to_n` (default: the last)."""
    with Session(engine) as session:
        cycles = {c.number: c for c in _cycles(session, get_policy(session, policy_id).id)}
        if not cycles:
            raise NotFound(f"policy {policy_id!r} has no review cycle")
        to_n = to_n if to_n is not None else max(cycles)
        from_n = from_n if from_n is not None else to_n - 1
        for n in (to_n, from_n):
            if n not in cycles and n != 0:
                raise NotFound(
                    f"policy {policy_id!r} has no cycle {n}", hint="see 'evidence review list'"
                )
        old, new = _decisions(session, cycles.get(from_n)), _decisions(session, cycles[to_n])
        old_included = {p for p, c in old.items() if c.decision == "include"}
        return {
            "from": from_n,
            "to": to_n,
            "new_candidates": [{"pmid": p, "design": c.design, "decision": c.decision}
                               for p, c in new.items() if p not in old],
            "decisions_changed": [{"pmid": p, "from": old[p].decision, "to": c.decision}
                                  for p, c in new.items()
                                  if p in old and old[p].decision != c.decision],
            "included_added": sorted(p for p, c in new.items()
                                     if c.decision == "include" and p not in old_included),
        }  # fmt: skip


# ---------------------------------------------------------------- the report's section


def since_last_review(session: Session, policy_id: str) -> dict[str, Any] | None:
    """The report's "since the last review" section: the latest cycle, or None before any."""
    cycles = _cycles(session, policy_id)
    if not cycles:
        return None
    cycle = cycles[-1]
    rows = _candidates(session, cycle.id)  # type: ignore[arg-type]
    by_design = Counter(r["design"] or "unknown" for r in rows)
    included = [{k: r[k] for k in ("pmid", "title", "journal", "year", "design")}
                for r in rows if r["decision"] == "include"]  # fmt: skip
    signal = sorted({r["design"] for r in included if r["design"] in RE_EXAMINE}, key=_rank)
    view = _cycle_view(session, cycle)
    return {
        "cycle": cycle.number,
        "status": cycle.status,
        "since": cycle.since,
        "until": cycle.until,
        "date_type": cycle.date_type,
        "query": cycle.query,
        "candidates": len(rows),
        "candidates_by_design": dict(sorted(by_design.items(), key=lambda kv: _rank(kv[0]))),
        "included": included,
        "re_examine": bool(signal),
        "re_examine_designs": signal,
        "prisma": view["counts"],
        "exclusion_reasons": dict(REASON_LABELS),
    }
