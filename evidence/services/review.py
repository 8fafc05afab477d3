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
from datetime import date, timedelta
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from evidence.errors import InputError, NotFound
from evidence.records import Article as ArticleRecord
from evidence.review import cycle as views
from evidence.review.prisma import REASON_LABELS
from evidence.review.query import (
    QueryParts,
    condition_terms,
    derive_parts,
    parse_designs,
    render_query,
)
from evidence.review.window import review_window
from evidence.services.cycles import diff_cycles, list_cycles
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
SETTLED = ("include", "exclude")
# a window is searched in parts; each part searched and fetched is recorded as done, so a run
# that fails half way leaves the cycle knowing exactly which dates are still to search
PART_DAYS = 731


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


def _cited_mesh(session: Session, policy: m.Policy) -> list[str]:
    """The MeSH headings of the policy's resolved references, most frequent first."""
    pmids = _referenced_pmids(session, policy)
    if not pmids:
        return []
    rows = session.exec(select(m.Article.mesh).where(m.Article.pmid.in_(pmids)))  # type: ignore[attr-defined]
    counts = Counter(h.get("descriptor") for mesh in rows for h in (mesh or []) if h.get("descriptor"))
    return [h for h, _ in counts.most_common()]


def query_parts(session: Session, policy: m.Policy) -> QueryParts:
    terms = _intervention_terms(session, policy)
    conditions = condition_terms(policy.title, _statement_texts(session, policy), exclude=terms)
    return derive_parts(terms, conditions, _cited_mesh(session, policy))


def derive_query(session: Session, policy: m.Policy, designs: Iterable[str] = ()) -> str:
    """The default query: the policy's intervention AND its condition [AND designs], each as
    title/abstract words with their synonyms OR MeSH headings."""
    return render_query(query_parts(session, policy), tuple(designs))


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
        parts = query_parts(session, policy)
        query = saved or render_query(parts)
        return {
            "policy": policy.id,
            "query": query,
            "saved": saved is not None,
            "intervention_terms": terms,
            "condition_terms": conditions,
            "intervention_mesh": list(parts.intervention_mesh),
            "condition_mesh": list(parts.condition_mesh),
            "condition_synonyms": list(parts.conditions) + list(parts.abbreviations),
        }


def query_preview(engine: Engine, client: Any, policy_id: str) -> dict[str, Any]:
    """Ask PubMed (esearch, no ids) how many records the policy's query finds, over all
    dates, and how PubMed translated it, before a cycle is opened on it."""
    with Session(engine) as session:
        policy = get_policy(session, policy_id)
        query = policy.search_query or derive_query(session, policy)
    found = client.count(query)
    return {"policy": policy_id, "query": query, "count": found.count,
            "translation": found.translation, "not_found": list(found.not_found)}  # fmt: skip


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
    searched_until: date | None = None  # the window is searched from `since` to here
    complete: bool = False  # the whole window searched and fetched


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
        today, policy.last_reviewed, _searched_to(cycles[-1]) if cycles else None, since, until
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


def _searched_to(cycle: m.ReviewCycle) -> date:
    """Where the cycle's completed search ended: the next cycle starts there (a cycle closed
    with its search not run hands its whole window on)."""
    return cycle.searched_until or cycle.since


def _unsearched(cycle: m.ReviewCycle) -> tuple[date, date] | None:
    """The part of the window not yet searched and fetched, or None when all of it was."""
    return views.unsearched(cycle)


def _parts(lo: date, hi: date, days: int) -> list[tuple[date, date]]:
    """[lo, hi] in consecutive, non-overlapping parts of at most `days` days."""
    out = []
    while lo <= hi:
        end = min(lo + timedelta(days=max(1, days) - 1), hi)
        out.append((lo, end))
        lo = end + timedelta(days=1)
    return out


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
    """Included or excluded earlier ("maybe" or never screened: a candidate again)."""
    return _earlier_candidates(session, cycle, m.Candidate.decision.in_(SETTLED))  # type: ignore[union-attr]


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
    part_days: int = PART_DAYS,
) -> StartResult:
    """Open (or resume) a cycle, search PubMed, and store new hits as tagged candidates.

    The window is searched part by part; a part counts as searched only once every hit of it
    is stored (or known to have no record), so a resumed run searches exactly what is left.
    """
    with transaction(engine) as session:
        cycle, resumed = _begin_cycle(
            session, policy_id, since, until, query, today or date.today()
        )
        have = len(_candidate_pmids(session, cycle.id))  # type: ignore[arg-type]
    search = cycle.counts.get("search") or {}
    result = StartResult(
        cycle=cycle.number, resumed=resumed, query=cycle.query, since=cycle.since,
        until=cycle.until, date_type=cycle.date_type,
        identified=search.get("identified", 0), duplicates=search.get("duplicates_removed", 0),
        added=0, candidates=have, searched_until=cycle.searched_until,
        complete=cycle.search_complete,
    )  # fmt: skip
    todo_window = _unsearched(cycle)
    if todo_window is None:
        return result
    for lo, hi in _parts(*todo_window, part_days):
        _search_part(engine, client, cycle, lo, hi, result, progress, batch_size, page_size)
    _rank_after_start(engine, cycle.policy_id)
    return result


def _search_part(
    engine: Engine, client: Client, cycle: m.ReviewCycle, lo: date, hi: date,
    result: StartResult, progress: Progress | None, batch_size: int, page_size: int,
) -> None:  # fmt: skip
    hits = client.search_all(cycle.query, lo, hi, datetype=cycle.date_type, page_size=page_size)
    with Session(engine) as session:
        policy = get_policy(session, cycle.policy_id)
        seen = _referenced_pmids(session, policy) | _decided_earlier(session, cycle)
        have = _candidate_pmids(session, cycle.id)  # type: ignore[arg-type]
    duplicates = [p for p in hits if p in seen]
    todo = [p for p in hits if p not in seen and p not in have]
    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), batch_size):
        _store_batch(engine, client, cycle, todo[start : start + batch_size], result)
        if progress:
            progress(min(start + batch_size, len(todo)), len(todo))
    _record_part(engine, cycle.id, lo, hi, hits, duplicates, result)  # type: ignore[arg-type]


def _rank_after_start(engine: Engine, policy_id: str) -> None:
    from evidence.services.screening import rank_cycle

    rank_cycle(engine, policy_id)


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


def _record_part(
    engine: Engine, cycle_id: int, lo: date, hi: date, hits: list[str], duplicates: list[str],
    result: StartResult,
) -> None:  # fmt: skip
    """Mark [lo, hi] searched and fetched, and add its figures to the cycle's search counts."""
    with transaction(engine) as session:
        cycle = session.get(m.ReviewCycle, cycle_id)
        assert cycle is not None
        stored = _candidate_pmids(session, cycle_id)
        missing = [p for p in hits if p in result.not_retrieved and p not in stored]
        search = dict(cycle.counts.get("search") or {})
        parts = [p for p in search.get("parts", []) if p.get("since") != lo.isoformat()]
        parts.append({"since": lo.isoformat(), "until": hi.isoformat(), "identified": len(hits),
                      "duplicates_removed": len(duplicates), "not_retrieved": len(missing)})  # fmt: skip
        search["parts"] = parts
        for key in ("identified", "duplicates_removed", "not_retrieved"):
            search[key] = sum(p[key] for p in parts)
        cycle.counts = {**cycle.counts, "search": search}
        cycle.identified = search["identified"]
        cycle.searched_until = hi
        cycle.search_complete = hi >= cycle.until
        session.add(cycle)
        result.identified, result.duplicates = search["identified"], search["duplicates_removed"]
        result.searched_until, result.complete = hi, cycle.search_complete


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


# ---------------------------------------------------------------- close, list, diff


def _previous_studies(session: Session, cycle: m.ReviewCycle) -> int:
    """The policy's references plus studies included by earlier cycles (each study once)."""
    policy = get_policy(session, cycle.policy_id)
    refs = current_references(session, policy)
    cited = {p for r in refs for p in (r.pmid, r.matched_pmid) if p}
    included = _earlier_candidates(session, cycle, m.Candidate.decision == "include")
    return len(refs) + len(included - cited)


def _live_counts(session: Session, cycle: m.ReviewCycle) -> dict[str, Any]:
    decisions = session.exec(
        select(m.Candidate.decision, m.Candidate.reason).where(m.Candidate.cycle_id == cycle.id)
    ).all()
    return views.live_counts(cycle, _previous_studies(session, cycle), decisions)


def _included(session: Session, cycle_id: int) -> list[str]:
    stmt = select(m.Candidate.pmid).where(
        m.Candidate.cycle_id == cycle_id, m.Candidate.decision == "include"
    )
    return views.sort_pmids(session.exec(stmt))


def close_cycle(engine: Engine, policy_id: str, force: bool = False) -> dict[str, Any]:
    """Freeze the open cycle: its search, window, PRISMA counts and included studies.

    A cycle whose search did not cover its window is refused: its counts would say nothing
    new was found in dates never searched. `force` closes it marked incomplete (the report
    says which dates were not searched), and the next cycle starts where the search ended.
    """
    with transaction(engine) as session:
        cycle = _current_cycle(session, policy_id)
        _require_open(cycle)
        gap = _unsearched(cycle)
        if gap and not force:
            raise InputError(
                f"search not run for {gap[0]}..{gap[1]}; "
                "run 'evidence review start' when NCBI can be reached"
            )
        counts = _live_counts(session, cycle)
        if counts["not_screened"] and not force:
            raise InputError(
                f"{counts['not_screened']} candidates of cycle {cycle.number} are not screened",
                hint="screen them with 'evidence review screen', or close with --force",
            )
        cycle.counts = {**counts, "search": cycle.counts.get("search") or {},
                        "included_pmids": _included(session, cycle.id)}  # type: ignore[arg-type]  # fmt: skip
        cycle.status, cycle.closed_at = "closed", m.utcnow()
        cycle.incomplete = gap is not None
        session.add(cycle)
        return _cycle_view(session, cycle)


def _cycle_view(session: Session, cycle: m.ReviewCycle) -> dict[str, Any]:
    counts, included = views.frozen_counts(cycle), views.frozen_included(cycle)
    return views.cycle_view(
        cycle,
        counts if counts is not None else _live_counts(session, cycle),
        included if included is not None else _included(session, cycle.id),  # type: ignore[arg-type]
        _agreement(session, cycle),
    )


def _agreement(session: Session, cycle: m.ReviewCycle) -> dict[str, Any]:
    from evidence.services.screening import cycle_agreement

    return cycle_agreement(session, cycle)


# ---------------------------------------------------------------- the report's section


def _cycle_tally(session: Session, cycle: m.ReviewCycle) -> tuple[Counter[str], list[dict[str, Any]]]:
    """The cycle's candidates counted by design, and its inclusions (design order), in two
    queries that read no abstract and no decision rows: the report does not screen."""
    from sqlalchemy import func

    designs = session.exec(
        select(m.Candidate.design, func.count())  # type: ignore[call-overload]
        .where(m.Candidate.cycle_id == cycle.id)
        .group_by(m.Candidate.design)
    )
    by_design: Counter[str] = Counter()
    for design, n in designs:
        by_design[design or "unknown"] += n
    stmt = (
        select(m.Candidate.pmid, m.Candidate.design, m.Article.title, m.Article.journal,  # type: ignore[call-overload]
               m.Article.journal_iso, m.Article.year)
        .join(m.Article, m.Article.pmid == m.Candidate.pmid, isouter=True)
        .where(m.Candidate.cycle_id == cycle.id, m.Candidate.decision == "include")
    )  # fmt: skip
    included = [{"pmid": r.pmid, "title": r.title, "journal": r.journal_iso or r.journal,
                 "year": r.year, "design": r.design} for r in session.exec(stmt)]  # fmt: skip
    included.sort(key=lambda r: (_rank(r["design"]), -(r["year"] or 0),
                                 int(r["pmid"]) if r["pmid"].isdigit() else 0))  # fmt: skip
    return by_design, included


def since_last_review(session: Session, policy_id: str) -> dict[str, Any] | None:
    """The report's "since the last review" section: the latest cycle, or None before any."""
    cycles = _cycles(session, policy_id)
    if not cycles:
        return None
    cycle = cycles[-1]
    by_design, included = _cycle_tally(session, cycle)
    signal = sorted({r["design"] for r in included if r["design"] in RE_EXAMINE}, key=_rank)
    view = _cycle_view(session, cycle)
    return {
        "cycle": cycle.number,
        "status": cycle.status,
        "since": cycle.since,
        "until": cycle.until,
        "date_type": cycle.date_type,
        "query": cycle.query,
        "candidates": sum(by_design.values()),
        "candidates_by_design": dict(sorted(by_design.items(), key=lambda kv: _rank(kv[0]))),
        "included": included,
        "re_examine": bool(signal),
        "re_examine_designs": signal,
        "prisma": view["counts"],
        "exclusion_reasons": dict(REASON_LABELS),
        **views.search_view(cycle),
    }


# the screening functions live in evidence.services.screening; they are re-exported here so
# `from evidence.services import review` reaches every review-cycle use-case
from evidence.services.screening import (  # noqa: E402
    candidates,
    conflicts,
    decide,
    rank_cycle,
    resolve_conflict,
    review_settings,
    undo_last,
)

__all__ = [
    "candidates", "close_cycle", "conflicts", "decide", "diff_cycles", "list_cycles",
    "query_preview", "rank_cycle", "resolve_conflict", "review_query", "review_settings",
    "since_last_review", "start_cycle", "undo_last",
]  # fmt: skip
