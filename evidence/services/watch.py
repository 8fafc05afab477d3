"""Watch use-case: notice when the evidence behind the policies changes, and keep each change.

A run (1) re-fetches every cited PMID whose stored copy is older than `max_age_days`, 200 per
efetch, through the same paced, retried client as `resolve`, with the HTTP cache bypassed (a
cached answer would hide the very change we look for); (2) compares each stored copy with the
new one (`evidence.flags.changes`), stores the new copy and one event per citing policy in the
same transaction, and retags studies whose publication types changed (a manual tag holds);
(3) runs one small esearch per policy for RCTs, meta-analyses, systematic reviews and
guidelines that entered PubMed since its last review (count and the first PMIDs).

Events are rows with a fingerprint (policy, reference, PMID, kind, new value) under a unique
index, inserted "on conflict do nothing": a change is stored once however many watches see it,
two at once included, and a second run with nothing changed writes nothing. The searches run
in a thread beside the fetches, so together they keep the rate limit's every slot busy.

When NCBI cannot be reached the run stops asking, keeps everything it stored and lists what
it did not check; the caller picks the exit code.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from evidence.entrez.background import in_background  # stdlib only: no HTTP stack
from evidence.entrez.digest import record_digest
from evidence.errors import EntrezError, EntrezUnavailable, EvidenceError, InputError, NotFound
from evidence.flags.changes import LABELS, SEVERITY, Change, designs_changed, record_changes
from evidence.records import Article
from evidence.review.query import design_clause
from evidence.store import in_transaction, transaction
from evidence.store import models as m
from evidence.store.checks import mark_checked

if TYPE_CHECKING:  # the report imports last_watch: it must not pull in the HTTP stack
    from evidence.entrez.client import EntrezClient
from evidence.store.upsert import upsert

Progress = Callable[[int, int], None]
HIGH_LEVEL = ("rct", "meta-analysis", "systematic-review", "guideline")
FIRST_PMIDS = 5  # retmax of the new-evidence search: a count and a glimpse, not a review
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{}/"
_COMPARED = ("pmid", "title", "publication_types", "comments_corrections")
PLAN_CHUNK = 20  # policies whose searches are planned in one read transaction
FETCH_AHEAD = 2  # efetch answers in flight while the previous one is compared and stored


@dataclass
class Cite:
    policy_id: str
    reference_id: int
    number: int


@dataclass
class WatchResult:
    run_id: int
    started_at: datetime
    finished_at: datetime | None = None
    max_age_days: int = 30
    policies: dict[str, str] = field(default_factory=dict)  # id -> title, the policies watched
    to_check: int = 0  # PMIDs whose stored copy was old enough
    checked: int = 0  # of those, re-fetched and compared
    not_checked: list[str] = field(default_factory=list)
    searched: int = 0
    not_searched: list[str] = field(default_factory=list)  # policy ids
    requests: int = 0
    unreachable: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)  # stored by this run, worst first
    new_evidence: dict[str, dict[str, Any]] = field(default_factory=dict)  # policy -> search

    @property
    def needs_attention(self) -> bool:
        return bool(self.events)

    @property
    def partial(self) -> bool:
        return self.unreachable is not None or bool(self.not_checked or self.not_searched)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["needs_attention"], out["partial"] = self.needs_attention, self.partial
        out["by_policy"] = by_policy(self)
        return out


def by_policy(result: WatchResult) -> list[dict[str, Any]]:
    """The run's events grouped by policy, the policy with the most serious event first."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for e in result.events:
        groups.setdefault(e["policy_id"], []).append(e)
    rows = [
        {"id": pid, "title": result.policies.get(pid, pid), "events": events,
         "new_evidence": result.new_evidence.get(pid)}
        for pid, events in groups.items()
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (min(e["severity"] for e in r["events"]), r["id"]))


# ---------------------------------------------------------------- the run


def watch(
    engine: Engine,
    client: EntrezClient,
    policy_ids: list[str] | None = None,
    max_age_days: int = 30,
    today: date | None = None,
    progress: Progress | None = None,
    search: bool = True,
) -> WatchResult:
    """Re-check the cited records of the given policies (all when None) and search for new
    high-level evidence; returns what changed. Never raises for NCBI trouble."""
    if max_age_days < 0:
        raise InputError("--max-age must be 0 or more days")
    today = today or date.today()
    policies = _policies(engine, policy_ids)
    result = _begin(engine, policies, max_age_days)
    before = client.requests_made
    with _bypass_cache(client):
        cites = _cites(engine, list(policies))
        _pmid_found_events(engine, result, cites)
        stale, vouched = _stale(engine, cites, max_age_days)
        result.to_check = len(stale)
        searcher = _Searcher(engine, client, result, today) if search else None
        if searcher:
            searcher.start()
        try:
            retag = _refetch(engine, client, result, stale, vouched, cites, progress)
        finally:
            if searcher:
                searcher.join()
        _retag(engine, retag)
    result.requests = client.requests_made - before
    _finish(engine, result)
    return result


def _policies(engine: Engine, policy_ids: list[str] | None) -> dict[str, str]:
    with Session(engine) as session:
        stmt = select(m.Policy.id, m.Policy.title).order_by(m.Policy.id)
        if policy_ids:
            stmt = stmt.where(m.Policy.id.in_(policy_ids))  # type: ignore[attr-defined]
        found = dict(session.execute(stmt).all())  # type: ignore[arg-type]
    missing = [p for p in policy_ids or () if p not in found]
    if missing:
        raise NotFound(f"no policy {missing[0]!r}", hint="see 'evidence policy list'")
    return found


def _begin(engine: Engine, policies: dict[str, str], max_age_days: int) -> WatchResult:
    with transaction(engine) as session:
        run = m.WatchRun(max_age_days=max_age_days, policies=sorted(policies))
        session.add(run)
        session.flush()
        return WatchResult(run_id=run.id, started_at=run.started_at,  # type: ignore[arg-type]
                           max_age_days=max_age_days, policies=policies)  # fmt: skip


@contextmanager
def _bypass_cache(client: EntrezClient) -> Iterator[None]:
    """Every request of the run goes to NCBI (answers are still stored for --offline use)."""
    saved = client.settings
    client.settings = saved.with_(refresh=True, offline=False)
    try:
        yield
    finally:
        client.settings = saved


def _cites(engine: Engine, policy_ids: list[str]) -> dict[str, list[Cite]]:
    """PMID -> the current references citing it (cited or matched), in one query."""
    pmid = func.coalesce(m.Reference.pmid, m.Reference.matched_pmid)
    stmt = (
        select(pmid, m.Reference.policy_id, m.Reference.id, m.Reference.number)
        .join(m.Policy, (m.Policy.id == m.Reference.policy_id)
              & (m.Policy.revision == m.Reference.revision))  # fmt: skip
        .where(pmid.is_not(None), m.Reference.policy_id.in_(policy_ids))  # type: ignore[attr-defined]
    )
    out: dict[str, list[Cite]] = {}
    with Session(engine) as session:
        for p, pid, rid, number in session.execute(stmt):
            p = p.strip()
            if p:
                out.setdefault(p, []).append(Cite(pid, rid, number))
    return out


def _stale(
    engine: Engine, cites: dict[str, list[Cite]], max_age_days: int
) -> tuple[list[str], dict[str, str]]:
    """Cited PMIDs whose stored copy was last fetched or checked more than `max_age_days`
    ago (0: every one), and the digests that still vouch for their stored copies (a digest
    recorded before a later re-fetch by resolve vouches for nothing)."""
    cutoff = m.utcnow() - timedelta(days=max_age_days)
    pmids = sorted(cites)
    found: list[str] = []
    vouched: dict[str, str] = {}
    check = m.ArticleCheck
    with Session(engine) as session:
        for i in range(0, len(pmids), 500):
            stmt = (
                select(m.Article.pmid, m.Article.fetched_at, check.digest, check.checked_at)
                .outerjoin(check, check.pmid == m.Article.pmid)
                .where(m.Article.pmid.in_(pmids[i : i + 500]))  # type: ignore[attr-defined]
            )
            for pmid, fetched_at, digest, checked_at in session.execute(stmt):
                trusted = checked_at is not None and checked_at >= fetched_at
                if (checked_at if trusted else fetched_at) <= cutoff:
                    found.append(pmid)
                if trusted:
                    vouched[pmid] = digest
    return sorted(found, key=int), vouched


# ---------------------------------------------------------------- events


def fingerprint(policy_id: str, number: int | None, pmid: str | None, kind: str,
                new: str | None) -> str:  # fmt: skip
    text = "\x1f".join([policy_id, str(number or ""), pmid or "", kind, new or ""])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _event_rows(run_id: int, pmid: str, change: Change, cites: list[Cite]) -> list[dict[str, Any]]:
    now = m.utcnow()
    return [
        dict(fingerprint=fingerprint(c.policy_id, c.number, pmid, change.kind, change.new),
             run_id=run_id, policy_id=c.policy_id, reference_id=c.reference_id,
             reference_number=c.number, pmid=pmid, kind=change.kind, detected_at=now,
             old_value=change.old, new_value=change.new)
        for c in cites
    ]  # fmt: skip


def _insert_events(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert-if-new by fingerprint: a change another watch stored first is left as it is."""
    upsert(session, m.WatchEvent, rows, ["fingerprint"], update_cols=[])


def _pmid_found_events(engine: Engine, result: WatchResult, cites: dict[str, list[Cite]]) -> None:
    """References the policy gave no PMID for, now matched to one (ECitMatch): once each."""
    stmt = select(m.Reference.id, m.Reference.matched_pmid, m.Reference.match_status).where(
        m.Reference.pmid.is_(None), m.Reference.matched_pmid.is_not(None)  # type: ignore[union-attr]
    )
    rows: list[dict[str, Any]] = []
    with Session(engine) as session:
        matched = {rid: (p, status) for rid, p, status in session.execute(stmt)}
    for pmid, refs in cites.items():
        for c in refs:
            if c.reference_id in matched:
                status = matched[c.reference_id][1] or "matched"
                rows += _event_rows(result.run_id, pmid, Change("pmid-found", None,
                                                                f"PMID {pmid} ({status})"), [c])
    if rows:
        in_transaction(engine, lambda s: _insert_events(s, rows))


# ---------------------------------------------------------------- re-fetching


def _old_records(session: Session, pmids: list[str]) -> dict[str, dict[str, Any]]:
    names = (*_COMPARED, "raw_xml")
    columns = [getattr(m.Article, name) for name in names]
    old: dict[str, dict[str, Any]] = {}
    for i in range(0, len(pmids), 500):
        stmt = select(*columns).where(m.Article.pmid.in_(pmids[i : i + 500]))  # type: ignore[attr-defined]
        old.update((row.pmid, dict(zip(names, row, strict=True))) for row in session.execute(stmt))
    return old


@dataclass
class _Answer:
    """One efetch batch as the watch reads it: every returned record's digest, and the
    records whose digest no stored check vouches for, read in full."""

    digests: dict[str, str]
    articles: dict[str, Article]


def _known(engine: Engine, batch: list[str], vouched: dict[str, str]) -> dict[str, str]:
    """The digests a batch's answer is compared with: the checks', else (a record no check
    vouches for yet: the first watch) the digest of the stored raw XML. Read in the calling
    thread, before the request goes: the batches' requests leave in order."""
    known = {p: vouched[p] for p in batch if p in vouched}
    known.update(_stored_digests(engine, [p for p in batch if p not in known]))
    return known


def _fetch(client: EntrezClient, batch: list[str], known: dict[str, str]) -> _Answer:
    """One efetch; unchanged records are digested, not read. PMIDs left out are compared
    with None (vanished) without the text-mode efetch resolve asks why (the event says
    "deleted or merged" either way)."""
    from evidence.entrez.parse import parse_efetch_changed

    (digests, articles), _ = client.efetch_with(
        batch, lambda data: parse_efetch_changed(data, known))
    return _Answer(digests, {a.pmid: a for a in articles})


def _stored_digests(engine: Engine, pmids: list[str]) -> dict[str, str]:
    """The digests of the stored copies' raw XML (read, not rewritten: reading is cheap)."""
    if not pmids:
        return {}
    stmt = select(m.Article.pmid, m.Article.raw_xml).where(
        m.Article.pmid.in_(pmids), m.Article.raw_xml.is_not(None))  # type: ignore[attr-defined,union-attr]  # fmt: skip
    with Session(engine) as session:
        return {p: record_digest(raw) for p, raw in session.execute(stmt)}


def _refetch(
    engine: Engine,
    client: EntrezClient,
    result: WatchResult,
    stale: list[str],
    vouched: dict[str, str],
    cites: dict[str, list[Cite]],
    progress: Progress | None,
) -> set[str]:
    """Fetch, compare and store batch by batch, FETCH_AHEAD requests in flight while the
    previous answer is compared and stored (the client's limiter paces the sends); a batch
    that failed is asked once more at the end. Returns the policies to retag."""
    from evidence.entrez.client import BATCH

    batches = deque(stale[i : i + BATCH] for i in range(0, len(stale), BATCH))
    pending: deque[tuple[list[str], Future[_Answer]]] = deque()
    failed: list[list[str]] = []
    retag: set[str] = set()
    done: set[str] = set()

    def saved(batch: list[str], answer: _Answer) -> None:
        retag.update(_save_batch(engine, result.run_id, batch, answer, cites))
        done.update(batch)
        result.checked = len(done)
        if progress:
            progress(result.checked, len(stale))

    if progress:
        progress(0, len(stale))
    try:
        while batches or pending:
            while batches and len(pending) < FETCH_AHEAD:
                batch = batches.popleft()
                known = _known(engine, batch, vouched)
                pending.append((batch, in_background(partial(_fetch, client, batch, known), "watch-efetch")))
            batch, future = pending.popleft()
            try:
                saved(batch, future.result())
            except EntrezUnavailable:
                raise
            except EntrezError:
                failed.append(batch)
        for batch in failed:  # a second pass, one at a time, as resolve does
            try:
                saved(batch, _fetch(client, batch, _known(engine, batch, vouched)))
            except EntrezUnavailable:
                raise
            except EntrezError as exc:
                result.unreachable = result.unreachable or str(exc)
    except EntrezUnavailable as exc:
        result.unreachable = str(exc)
    except KeyboardInterrupt:
        client.cancel()  # the fetches in flight stop at their next send or sleep
        raise
    result.not_checked = [p for p in stale if p not in done]
    return retag


def _save_batch(
    engine: Engine, run_id: int, batch: list[str], answer: _Answer, cites: dict[str, list[Cite]],
) -> set[str]:  # fmt: skip
    """One transaction: a record whose digest matches the stored copy's costs one narrow
    `articlecheck` row; a changed one is compared, rewritten and its changes stored as events."""
    now = m.utcnow()
    unread = [p for p in batch if p in answer.digests and p not in answer.articles]

    def work(session: Session) -> set[str]:
        checks = [{"pmid": p, "digest": answer.digests[p], "checked_at": now} for p in unread]
        old = _old_records(session, [p for p in batch if p not in answer.digests
                                     or p in answer.articles])  # fmt: skip
        rows: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        retag: set[str] = set()
        for pmid, before in old.items():
            record, raw = answer.articles.get(pmid), before.pop("raw_xml")
            if record is not None:
                checks.append({"pmid": pmid, "digest": answer.digests[pmid], "checked_at": now})
                if raw is not None and record_digest(raw) == answer.digests[pmid]:
                    continue  # the stored copy is PubMed's record as it is now
                rows.append({**vars(record), "fetched_at": now})
            changes = record_changes(before, _compared(record) if record else None)
            for change in changes:
                events += _event_rows(run_id, pmid, change, cites.get(pmid, []))
            if designs_changed(changes):
                retag.update(c.policy_id for c in cites.get(pmid, []))
        upsert(session, m.Article, rows, ["pmid"])
        mark_checked(session, checks)
        _insert_events(session, events)
        return retag

    return in_transaction(engine, work)


def _compared(a: Article) -> dict[str, Any]:
    return {name: getattr(a, name) for name in _COMPARED}


def _retag(engine: Engine, policy_ids: set[str]) -> None:
    """Re-run the tagger where publication types changed; a manual tag is never overwritten."""
    from evidence.services.tag import tag_policies

    for pid in sorted(policy_ids):
        tag_policies(engine, pid)


# ---------------------------------------------------------------- new evidence


class _Searcher(threading.Thread):
    """One esearch per policy, beside the fetches (the shared limiter paces both)."""

    def __init__(self, engine: Engine, client: EntrezClient, result: WatchResult, today: date):
        super().__init__(name="watch-search", daemon=True)
        self.engine, self.client, self.result, self.today = engine, client, result, today
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # a thread's error reaches nobody: say it in the result
            self.error = exc
            self.result.unreachable = self.result.unreachable or f"search stopped: {exc}"
            self.result.not_searched = [p for p in self.result.policies
                                        if p not in self.result.new_evidence]  # fmt: skip

    def _run(self) -> None:
        pending: list[dict[str, Any]] = []
        stopped: str | None = None
        for pid, plan in _search_plans(self.engine, list(self.result.policies)):
            if plan["problem"] is None:
                if stopped is None:
                    stopped = self._search(plan)
                if plan.get("count") is None and plan["problem"] is None:
                    plan["problem"] = "not searched: NCBI could not be reached"
                if plan.get("count") is None:
                    self.result.not_searched.append(pid)
            self.result.new_evidence[pid] = _public(plan)
            pending.append({"run_id": self.result.run_id, "policy_id": pid, **_row(plan)})
            if len(pending) >= 100:
                _save_searches(self.engine, self.result, pending)
                pending = []
        _save_searches(self.engine, self.result, pending)
        if stopped and not self.result.unreachable:
            self.result.unreachable = stopped

    def _search(self, plan: dict[str, Any]) -> str | None:
        """Count the policy's new high-level studies; returns why NCBI is out of reach, if so."""
        try:
            found = self.client.esearch(
                plan["term"], plan["since"], self.today, datetype="edat",
                retmax=FIRST_PMIDS, usehistory=False,
            )  # fmt: skip
        except EntrezUnavailable as exc:
            return str(exc)
        except EntrezError as exc:
            plan["problem"] = str(exc)
            return None
        plan.update(count=found.count, pmids=found.ids[:FIRST_PMIDS])
        self.result.searched += 1
        return None


def _public(plan: dict[str, Any]) -> dict[str, Any]:
    keys = ("since", "query", "count", "pmids", "problem", "previous")
    return {k: plan.get(k) for k in keys}


def _row(plan: dict[str, Any]) -> dict[str, Any]:
    return {k: plan.get(k) for k in ("since", "query", "count", "pmids", "problem")} | {
        "pmids": plan.get("pmids") or [], "checked_at": m.utcnow()}  # fmt: skip


def _search_plans(
    engine: Engine, policy_ids: list[str], chunk: int = PLAN_CHUNK
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Per policy: its query with the high-level filter, the date to search from, and what
    the previous watch counted. Made a few at a time as the searches go, so the first search
    is sent at once (deriving 1,000 queries first left the limiter's slots idle), each chunk
    in a short read transaction (a long one would keep SQLite's WAL from checkpointing)."""
    from evidence.services.review import derive_query

    previous = _previous_counts(engine, policy_ids)
    for i in range(0, len(policy_ids), chunk):
        plans: list[tuple[str, dict[str, Any]]] = []
        with Session(engine) as session:
            stmt = select(m.Policy).where(m.Policy.id.in_(policy_ids[i : i + chunk]))  # type: ignore[attr-defined]
            policies = {p.id: p for p in session.execute(stmt).scalars()}
            for pid in policy_ids[i : i + chunk]:
                policy = policies[pid]
                plan: dict[str, Any] = {"since": policy.last_reviewed or policy.effective_date,
                                        "query": None, "problem": None,
                                        "previous": previous.get(pid)}  # fmt: skip
                try:
                    plan["query"] = policy.search_query or derive_query(session, policy)
                    plan["term"] = f"({plan['query']}) AND ({design_clause(HIGH_LEVEL)})"
                except EvidenceError as exc:
                    plan["problem"] = f"no search: {exc}"
                if plan["since"] is None and plan["problem"] is None:
                    plan["problem"] = "no search: the policy has no last-reviewed or effective date"
                plans.append((pid, plan))
        yield from plans


def _previous_counts(engine: Engine, policy_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The latest counted search of each policy (any earlier run)."""
    latest = (
        select(m.PolicyWatch.policy_id, func.max(m.PolicyWatch.id).label("id"))
        .where(m.PolicyWatch.count.is_not(None))  # type: ignore[union-attr]
        .group_by(m.PolicyWatch.policy_id)
        .subquery()
    )
    stmt = select(m.PolicyWatch.policy_id, m.PolicyWatch.count, m.PolicyWatch.since).join(
        latest, latest.c.id == m.PolicyWatch.id
    )
    wanted = set(policy_ids)
    with Session(engine) as session:
        return {pid: {"count": n, "since": since} for pid, n, since in session.execute(stmt)
                if pid in wanted}  # fmt: skip


def _save_searches(engine: Engine, result: WatchResult, rows: list[dict[str, Any]]) -> None:
    """Store the counts; a count above the previous watch's (same window start) is an event."""
    if not rows:
        return
    events = []
    for r in rows:
        prev = (result.new_evidence.get(r["policy_id"]) or {}).get("previous") or {}
        prev_count = prev.get("count") if prev.get("since") == r["since"] else None
        if r["count"] and r["count"] > (prev_count or 0):
            shown = ", ".join(r["pmids"])
            new = f"{r['count']} since {r['since']}" + (f" (first: PMID {shown})" if shown else "")
            events.append(dict(
                fingerprint=fingerprint(r["policy_id"], None, None, "new-evidence",
                                        f"{r['since']}:{r['count']}"),
                run_id=result.run_id, policy_id=r["policy_id"], kind="new-evidence",
                detected_at=m.utcnow(), old_value=None if prev_count is None else str(prev_count),
                new_value=new,
            ))  # fmt: skip

    def work(session: Session) -> None:
        upsert(session, m.PolicyWatch, rows, ["run_id", "policy_id"])
        _insert_events(session, events)

    in_transaction(engine, work)


# ---------------------------------------------------------------- finishing, listing, ack


def _finish(engine: Engine, result: WatchResult) -> None:
    result.finished_at = m.utcnow()
    result.events = events_of_run(engine, result.run_id)
    values = dict(
        finished_at=result.finished_at, checked=result.checked,
        not_checked=len(result.not_checked), searched=result.searched,
        requests=result.requests, events=len(result.events),
        status="partial" if result.partial else "complete", problem=result.unreachable,
    )  # fmt: skip
    with transaction(engine) as session:
        session.execute(update(m.WatchRun).where(m.WatchRun.id == result.run_id).values(**values))


def event_view(e: m.WatchEvent, design: str | None = None) -> dict[str, Any]:
    return {
        "id": e.id, "policy_id": e.policy_id, "reference": e.reference_number, "pmid": e.pmid,
        "kind": e.kind, "label": LABELS.get(e.kind, e.kind), "severity": SEVERITY.get(e.kind, 99),
        "detected_at": e.detected_at, "old_value": e.old_value, "new_value": e.new_value,
        "url": PUBMED.format(e.pmid) if e.pmid else None, "design": design,
        "acknowledged_by": e.acknowledged_by, "acknowledged_at": e.acknowledged_at,
    }  # fmt: skip


def _views(session: Session, rows: list[m.WatchEvent]) -> list[dict[str, Any]]:
    subjects = sorted({f"pmid:{e.pmid}" for e in rows if e.pmid})
    designs: dict[str, str] = {}
    for i in range(0, len(subjects), 500):
        stmt = select(m.DesignTag.subject, m.DesignTag.design).where(
            m.DesignTag.subject.in_(subjects[i : i + 500])  # type: ignore[attr-defined]
        )
        designs.update(dict(session.execute(stmt).all()))  # type: ignore[arg-type]
    views = [event_view(e, designs.get(f"pmid:{e.pmid}")) for e in rows]
    return sorted(views, key=lambda v: (v["severity"], v["policy_id"], v["reference"] or 0,
                                        v["id"]))  # fmt: skip


def events_of_run(engine: Engine, run_id: int) -> list[dict[str, Any]]:
    with Session(engine) as session:
        rows = session.execute(select(m.WatchEvent).where(m.WatchEvent.run_id == run_id))
        return _views(session, list(rows.scalars()))


def open_events(session: Session, policy_id: str | None = None) -> list[dict[str, Any]]:
    """Events nobody has acknowledged yet (of one policy, or all), most serious first."""
    stmt = select(m.WatchEvent).where(m.WatchEvent.acknowledged_at.is_(None))  # type: ignore[union-attr]
    if policy_id is not None:
        stmt = stmt.where(m.WatchEvent.policy_id == policy_id)
    return _views(session, list(session.execute(stmt).scalars()))


def last_watch(session: Session, policy_id: str) -> dict[str, Any] | None:
    """The report's "since the last watch" section: the policy's open events and the latest
    new-evidence search; None when no watch has looked at the policy."""
    search = session.execute(
        select(m.PolicyWatch).where(m.PolicyWatch.policy_id == policy_id)
        .order_by(m.PolicyWatch.id.desc()).limit(1)  # type: ignore[union-attr]
    ).scalar_one_or_none()  # fmt: skip
    events = open_events(session, policy_id)
    if search is None and not events:
        return None
    return {
        "checked_at": search.checked_at if search else None,
        "new_evidence": None if search is None else {
            "since": search.since, "count": search.count, "pmids": list(search.pmids),
            "problem": search.problem},
        "events": events,
    }  # fmt: skip


def reviewer() -> str:
    """Who acknowledges: EVIDENCE_REVIEWER, else the OS user."""
    name = os.environ.get("EVIDENCE_REVIEWER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


def acknowledge(
    engine: Engine, event_ids: list[int] | None = None, policy_id: str | None = None,
    by: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Mark events as handled: the given ids, or every open event of a policy."""
    if not event_ids and not policy_id:
        raise InputError("say which events to acknowledge", hint="give EVENT ids or --policy ID")
    who, now = by or reviewer(), m.utcnow()

    def work(session: Session) -> list[int]:
        stmt = select(m.WatchEvent.id)
        if event_ids:
            stmt = stmt.where(m.WatchEvent.id.in_(event_ids))  # type: ignore[union-attr]
            found = set(session.execute(stmt).scalars())
            missing = sorted(set(event_ids) - found)
            if missing:
                raise NotFound(f"no watch event {missing[0]}", hint="see 'evidence status'")
        if policy_id:
            if session.get(m.Policy, policy_id) is None:
                raise NotFound(f"no policy {policy_id!r}", hint="see 'evidence policy list'")
            stmt = stmt.where(m.WatchEvent.policy_id == policy_id)
        stmt = stmt.where(m.WatchEvent.acknowledged_at.is_(None))  # type: ignore[union-attr]
        ids = sorted(session.execute(stmt).scalars())
        if ids:
            session.execute(update(m.WatchEvent).where(m.WatchEvent.id.in_(ids))  # type: ignore[union-attr]
                            .values(acknowledged_by=who, acknowledged_at=now))  # fmt: skip
        return ids

    ids = in_transaction(engine, work)
    return {"acknowledged": ids, "by": who, "at": now}
