"""Resolve a policy's references against PubMed and keep what NCBI says in the store.

Only PMIDs not stored yet are fetched (all of them with refresh), 200 per request, and
finished batches are written whole, a few per transaction, with the citation flags of the
references they answer: an interrupted run keeps whole batches and never a half-written
one. PMIDs NCBI does not return become Unresolved rows with the reason (cleared when a
later run finds them). References without a PMID are looked up with ECitMatch and get a
"matched, unconfirmed" candidate. When NCBI cannot be reached the run stops fetching,
keeps everything stored and says so in `unreachable`; the caller decides the exit code.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, fields
from functools import partial
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from evidence import collector
from evidence.entrez.background import in_background
from evidence.entrez.client import BATCH, EntrezClient, FetchResult
from evidence.errors import EntrezError, EntrezUnavailable, InputError
from evidence.flags.citation import check_citation
from evidence.records import Article, Citation
from evidence.services.match import (
    AMBIGUOUS,
    CONFIRMED,
    MATCHED,
    NO_BETTER,
    NOT_ARTICLE,
    NOT_FOUND,
    SUGGESTED,
    Found,
    candidates_json,
    citmatch_fields,
    find,
)
from evidence.services.policy import current_references, get_policy
from evidence.store import in_transaction, transaction
from evidence.store import models as m
from evidence.store.engine import RETRY_ATTEMPTS, pause_or_raise
from evidence.store.upsert import delete_in, insert_many, upsert

ProgressCallback = Callable[[int, int], None]
UNREACHABLE_REASON = "not checked: NCBI could not be reached"
INTERRUPTED_REASON = "not fetched: stopped by the user"
FETCH_AHEAD = 2  # batches in flight at once; the rate limiter still spaces the sends
# the first batch, started before the references were loaded: its answer from the cache, or
# the requests in flight for the first batches
_Started = FetchResult | deque[tuple[list[str], Future[FetchResult]]] | None


@dataclass
class ResolveSummary:
    resolved: int = 0  # PMIDs of the references that have an Article row now
    from_cache: int = 0  # articles this run took from the HTTP cache
    fetched: int = 0  # articles this run fetched from NCBI
    unresolved: dict[str, str] = field(default_factory=dict)  # pmid -> reason
    flagged: int = 0  # references with at least one citation flag
    requests: int = 0  # requests sent to NCBI
    unreachable: str | None = None  # why NCBI could not be used, if it could not
    matched: int = 0  # references without a PMID matched this run (unconfirmed until accepted)
    ambiguous: int = 0  # references with two close candidates, kept for the user to choose
    not_articles: int = 0  # books, reports, web pages: never given a PMID
    suggested: dict[str, str] = field(default_factory=dict)  # ref number -> PMID(s) the citation matches
    references: int = 0
    interrupted: bool = False  # Ctrl-C: what was stored stays; the rest was not done

    @property
    def partial(self) -> bool:
        return bool(self.unresolved) or self.unreachable is not None or self.interrupted

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def resolve(
    engine: Engine,
    client: EntrezClient,
    policy_id: str | None = None,
    refresh: bool = False,
    progress: ProgressCallback | None = None,
) -> ResolveSummary:
    """Fetch the PubMed records behind the current references of one policy (or all)."""
    summary = ResolveSummary()
    before = client.requests_made
    checked: dict[int, list[tuple[str, str]]] = {}
    refs: list[m.Reference] = []
    try:
        # the first requests leave before the references are loaded whole (most of a second
        # for 10,000 of them), when no reference waits for a PMID from ECitMatch
        todo, started = _start(engine, client, policy_id, refresh)
        refs = _references(engine, policy_id)
        summary.references = len(refs)
        if todo is None:
            if _match_citations(engine, client, [r for r in refs if not r.pmid], refresh, summary):
                refs = _references(engine, policy_id)  # they carry their matched PMIDs now
            wanted = _pmids(refs)
            todo = wanted if refresh else sorted(set(wanted) - _stored(engine, wanted), key=_pmid_key)
        with collector.paused():  # collected after each write instead (_Writer.flush)
            _fetch(engine, client, todo, summary, progress, refs, checked, started)
    except EntrezUnavailable as exc:
        summary.unreachable = str(exc)
    except EntrezError as exc:  # a batch that kept failing: keep what is stored, say why
        summary.unreachable = str(exc)
    except KeyboardInterrupt:  # stop every thread's sends and sleeps; finished batches stay
        client.cancel()
        summary.interrupted = True
    finally:
        summary.requests = client.requests_made - before
    if not refs:
        refs = _references(engine, policy_id)
        summary.references = len(refs)
    if not summary.interrupted:
        summary.flagged = _check_citations(engine, client, refs, refresh, summary, checked)
    _tally(engine, _pmids(refs), summary)
    return summary


# ---------------------------------------------------------------- gathering


def _references(engine: Engine, policy_id: str | None) -> list[m.Reference]:
    with Session(engine) as session:
        if policy_id is not None:
            policies = [get_policy(session, policy_id)]
        else:
            policies = list(session.exec(select(m.Policy).order_by(m.Policy.id)))  # type: ignore[arg-type]
        return [r for p in policies for r in current_references(session, p)]


def _start(
    engine: Engine, client: EntrezClient, policy_id: str | None, refresh: bool
) -> tuple[list[str] | None, _Started]:
    """The PMIDs to fetch, read with one lean query, and the first batch under way: from the
    cache, or FETCH_AHEAD requests sent. (None, None) when a reference still needs ECitMatch
    (its PMID is not known yet: the caller works the list out after matching)."""
    from sqlalchemy import select as core_select

    columns = (m.Reference.pmid, m.Reference.matched_pmid, m.Reference.match_status, m.Reference.id)
    with Session(engine) as session:
        policies = (
            [get_policy(session, policy_id)] if policy_id is not None
            else list(session.exec(select(m.Policy)))  # type: ignore[arg-type]
        )
        rows = []
        for p in policies:
            stmt = core_select(*columns).where(
                m.Reference.policy_id == p.id, m.Reference.revision == p.revision  # type: ignore[arg-type]
            )
            rows.extend(session.execute(stmt))
    if any(
        not pmid and rid is not None and status != CONFIRMED and (refresh or status is None)
        for pmid, _, status, rid in rows
    ):
        return None, None
    found = {(pmid or matched or "").strip() for pmid, matched, _, _ in rows}
    wanted = sorted((p for p in found if p), key=_pmid_key)
    todo = wanted if refresh else sorted(set(wanted) - _stored(engine, wanted), key=_pmid_key)
    if not todo:
        return todo, None
    first = todo[:BATCH]
    cached = client.cached_articles(first)
    if cached is not None:
        return todo, cached
    batches = [todo[i : i + BATCH] for i in range(0, min(len(todo), BATCH * FETCH_AHEAD), BATCH)]
    return todo, deque((b, in_background(partial(client.fetch_articles, b), "efetch")) for b in batches)


def _pmid_key(p: str) -> tuple[int, str]:
    return (int(p), p) if p.isdigit() else (0, p)


def _pmids(refs: Iterable[m.Reference]) -> list[str]:
    found = {(r.pmid or r.matched_pmid or "").strip() for r in refs}
    return sorted((p for p in found if p), key=_pmid_key)


def _stored(engine: Engine, pmids: list[str]) -> set[str]:
    if not pmids:
        return set()
    with Session(engine) as session:
        out: set[str] = set()
        for i in range(0, len(pmids), 500):
            chunk = pmids[i : i + 500]
            out.update(session.exec(select(m.Article.pmid).where(m.Article.pmid.in_(chunk))))  # type: ignore[attr-defined]
        return out


# ---------------------------------------------------------------- ECitMatch


def citmatch_query(ref: m.Reference) -> dict[str, Any] | None:
    """The ECitMatch fields of a reference, or None when it lacks journal or year."""
    fields_ = citmatch_fields(citation_record(ref))
    return None if fields_ is None else fields_ | {"key": str(ref.id)}


def _match_citations(
    engine: Engine,
    client: EntrezClient,
    refs: list[m.Reference],
    refresh: bool,
    summary: ResolveSummary,
) -> int:
    """Find PMIDs for references that print none; returns how many were looked at.

    Done once per reference (again with --refresh); a reference that is not a journal
    article is marked so and never given a PMID."""
    todo = [
        r for r in refs
        if r.id is not None and r.match_status != CONFIRMED and (refresh or r.match_status is None)
    ]
    if not todo:
        return 0
    citations = {str(r.id): citation_record(r) for r in todo}
    found = find(client, citations, save=lambda arts: _save_batch(engine, arts, {}))
    with transaction(engine) as session:
        for key, citation in citations.items():
            ref = session.get(m.Reference, int(key))
            if ref is None:
                continue
            _apply(ref, citation, found.get(key), summary)
            session.add(ref)
    return len(todo)


def _apply(ref: m.Reference, citation: Citation, found: Found | None, summary: ResolveSummary) -> None:
    if citation.kind != "article" or found is None:
        ref.matched_pmid, ref.match_status, ref.match_candidates = None, NOT_ARTICLE, []
        ref.match_method = f"not matched: the reference is a {citation.kind}"
        summary.not_articles += 1
        return
    verdict = found.verdict
    ref.match_method = found.method
    ref.match_candidates = candidates_json(verdict.candidates) if verdict.status != "not found" else []
    if verdict.status == "matched":
        ref.matched_pmid, ref.match_status = verdict.pmid, MATCHED
        summary.matched += 1
    elif verdict.status == "ambiguous":
        ref.matched_pmid, ref.match_status = None, AMBIGUOUS
        summary.ambiguous += 1
    else:
        ref.matched_pmid, ref.match_status = None, NOT_FOUND


# ---------------------------------------------------------------- typo correction


def _suggest_corrections(
    engine: Engine,
    client: EntrezClient,
    refs: list[m.Reference],
    wrong: set[int],
    refresh: bool,
    summary: ResolveSummary,
) -> None:
    """A printed PMID whose record is not the cited work: find the PMID the citation
    matches and keep it as a suggestion (never in place of the printed one)."""
    todo = [
        r for r in refs
        if r.id in wrong and r.pmid and r.match_status != CONFIRMED
        and (refresh or r.match_status is None)
    ]
    if not todo:
        return
    citations = {str(r.id): citation_record(r) for r in todo}
    found = find(client, citations, save=lambda arts: _save_batch(engine, arts, {}))
    with transaction(engine) as session:
        for key in citations:
            ref = session.get(m.Reference, int(key))
            result = found.get(key)
            if ref is None:
                continue
            better = [
                c for c in (result.verdict.candidates if result else ())
                if result and result.verdict.status != "not found" and c.pmid != ref.pmid
            ]
            ref.match_candidates = candidates_json(tuple(better))
            ref.match_status = SUGGESTED if better else NO_BETTER
            ref.match_method = result.method if result else None
            session.add(ref)
            if better:
                summary.suggested[str(ref.number)] = ",".join(c.pmid for c in better)


def suggestion_note(ref: m.Reference) -> str:
    """The words added to a pmid-likely-wrong flag when the citation matches another PMID."""
    if ref.match_status != SUGGESTED or not ref.match_candidates:
        return ""
    pmids = " or ".join(str(c["pmid"]) for c in ref.match_candidates)
    how = "--accept --ref {n}" if len(ref.match_candidates) == 1 else "--accept --ref {n} --pmid PMID"
    return (
        f"; the citation matches PMID {pmids} (a typo in the printed PMID?); "
        f"accept with `evidence resolve {ref.policy_id} {how.format(n=ref.number)}`"
    )


# ---------------------------------------------------------------- efetch


def _fetch(
    engine: Engine,
    client: EntrezClient,
    todo: list[str],
    summary: ResolveSummary,
    progress: ProgressCallback | None,
    refs: Iterable[m.Reference] = (),
    checked: dict[int, list[tuple[str, str]]] | None = None,
    started: _Started = None,
) -> None:
    """Fetch `todo`, write it, and check the citations of the references it answers; their
    flags go into `checked` (reference id -> flags) as they are written.

    A batch the HTTP cache holds is read and parsed on this thread: a thread gains nothing
    there and costs GIL hand-offs. Batches that need NCBI are sent FETCH_AHEAD at a time,
    because a round trip is longer than the limiter's 1/3 s spacing; the shared limiter
    still spaces the sends. Finished batches are written a few at a time (`_Writer`), and
    always before waiting on the network. A batch that kept failing (a streak of
    5xx/429/bad bodies) does not stop the others: it gets one more pass at the end, and
    only then is the run partial. NCBI unreachable stops at once.
    """
    batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
    writer = _Writer(engine, refs, {} if checked is None else checked)
    done = 0
    if progress:
        progress(0, len(todo))

    def saved(batch: list[str], result: FetchResult) -> None:
        nonlocal done
        writer.add(result)
        summary.from_cache += result.from_cache
        summary.fetched += len(result.articles) - result.from_cache
        done += len(batch)
        if progress:
            progress(done, len(todo))

    try:
        failed = _fetch_in_flight(client, batches, saved, writer.flush, started)
        for batch in failed:  # second pass, one at a time; a second failure raises
            writer.flush()
            saved(batch, client.fetch_articles(batch))
    finally:
        writer.close()  # what finished stays, whatever stopped the run


GROUP = 600  # articles written per transaction at most (whole batches: a kill keeps whole ones)
QUEUED = 1  # parsed batches waiting for the writer thread at most (memory stays flat)
THREADED = True  # the writer thread (off: written on the calling thread, as before)
COLLECT_EVERY = 5  # batches between two young-generation collections while the collector is paused


@dataclass
class _Batch:
    """One fetched batch as the writer thread stores it: its records, its misses and the
    citation flags of the references it answers."""

    articles: list[Article]
    missing: dict[str, str]
    flags: dict[int, list[tuple[str, str]]]


_COMMIT, _STOP = "commit", "stop"


class _Writer:
    """Writes finished batches on a thread of its own while this one reads and parses the
    next: SQLite and lxml both release the GIL, so a cached run uses both cores. Batches are
    executed as they come and committed a few at a time (GROUP articles, and whenever the
    run is about to wait on NCBI), so a kill keeps whole batches only and nothing waits
    uncommitted on the network. After a conflict with another writer the transaction is
    rolled back and every batch since the last commit is written again.

    The citations of the references these records answer are checked here, against the
    records in hand (on the calling thread), and their flags written with the records."""

    def __init__(
        self, engine: Engine, refs: Iterable[m.Reference], flags: dict[int, list[tuple[str, str]]]
    ) -> None:
        self.engine = engine
        self.by_pmid = _refs_by_pmid(refs)
        self.flags = flags  # reference id -> the flags written with its record
        self.queue: queue.Queue[_Batch | str] = queue.Queue(maxsize=QUEUED)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        self.added = 0
        self.connection: Connection | None = None  # THREADED off: written on this thread
        self.pending: list[_Batch] = []  # written since the last commit
        self.written = 0

    # ------------------------------------------------------------ the calling thread

    def add(self, result: FetchResult) -> None:
        self._raise()
        latest = {a.pmid: a for a in result.articles}  # a PMID twice: the last one
        flags = _flags_for(latest, self.by_pmid)
        self.flags.update(flags)
        self._put(_Batch(list(latest.values()), dict(result.missing), flags))
        self.added += 1
        if self.added % COLLECT_EVERY == 0 and not gc.isenabled():
            gc.collect(1)  # paused for the fetch (evidence.collector): young objects only

    def flush(self) -> None:
        """Commit what was handed over (without waiting for it)."""
        if self.thread is not None or self.connection is not None:
            self._put(_COMMIT)

    def close(self) -> None:
        """Write and commit everything handed over, then stop the thread; raises its error."""
        if self.connection is not None:
            self._put(_STOP)
        if self.thread is not None:
            self._put(_STOP)
            self.thread.join()
            self.thread = None
        self._raise()

    def _put(self, item: _Batch | str) -> None:
        if not THREADED:
            self._inline(item)
            return
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="resolve-writer", daemon=True)
            self.thread.start()
        while True:
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                self._raise()  # the writer stopped: say why instead of waiting forever
                if self.thread is None or not self.thread.is_alive():
                    return

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    # ------------------------------------------------------------ the writer thread

    def _inline(self, item: _Batch | str) -> None:
        if self.connection is None:
            self.connection = self.engine.connect()
        try:
            self._handle(self.connection, item)
        finally:
            if item == _STOP:
                self.connection.close()
                self.connection = None

    def _handle(self, connection: Connection, item: _Batch | str) -> None:
        if isinstance(item, _Batch):
            self.pending.append(item)
            self.written += len(item.articles)
            _write(connection, self.pending, [item], commit=self.written >= GROUP)
        else:
            _write(connection, self.pending, [], commit=True)
        if not connection.in_transaction():
            self.pending, self.written = [], 0

    def _run(self) -> None:
        try:
            with self.engine.connect() as connection:
                while True:
                    item = self.queue.get()
                    self._handle(connection, item)
                    if item == _STOP:
                        return
        except BaseException as exc:  # handed to the calling thread; the queue is drained
            self.error = exc
            while True:
                try:
                    if self.queue.get(timeout=1) == _STOP:
                        return
                except queue.Empty:
                    return


def _write(connection: Connection, pending: list[_Batch], new: list[_Batch], commit: bool) -> None:
    """Write `new` in the open transaction (and commit when asked); after a conflict with
    another writer, roll back and write all of `pending` again, a few times."""
    todo = new
    for attempt in range(1, RETRY_ATTEMPTS + 1):
        try:
            for batch in todo:
                _write_batch(connection, batch)
            if commit and connection.in_transaction():
                connection.commit()
            return
        except DBAPIError as exc:
            connection.rollback()
            pause_or_raise(exc, attempt)
            todo = pending


def _write_batch(connection: Connection, batch: _Batch) -> None:
    """The articles upserted, their misses recorded, old misses cleared, and the flags of the
    references that cite them replaced (in the caller's transaction)."""
    now = m.utcnow()
    # shallow rows: dataclasses.asdict deep-copies every nested list, the slowest step here
    rows = [{**vars(a), "fetched_at": now} for a in batch.articles]
    upsert(connection, m.Article, rows, ["pmid"])
    delete_in(connection, "unresolved", "pmid", sorted(a.pmid for a in batch.articles))
    misses = [{"pmid": p, "reason": r, "checked_at": now} for p, r in batch.missing.items()]
    upsert(connection, m.Unresolved, misses, ["pmid"])
    _replace_flags(connection, sorted(batch.flags), _flag_rows(batch.flags))


def _fetch_in_flight(
    client: EntrezClient,
    batches: list[list[str]],
    saved: Callable[[list[str], FetchResult], None],
    before_waiting: Callable[[], None] = lambda: None,
    started: _Started = None,
) -> list[list[str]]:
    """Save every batch in order: from the cache on this thread while nothing is in flight,
    else with FETCH_AHEAD requests in flight; return the batches that failed. `started`: the
    first batch's cached answer, or the first requests already in flight (`_start`)."""
    queue, failed = deque(batches), []
    pending: deque[tuple[list[str], Future[FetchResult]]] = deque()
    if isinstance(started, FetchResult):
        saved(queue.popleft(), started)
    elif started:
        pending = started
        for _ in started:
            queue.popleft()
    try:
        while queue or pending:
            if not pending:
                cached = client.cached_articles(queue[0])
                if cached is not None:
                    saved(queue.popleft(), cached)
                    continue
            while queue and len(pending) < FETCH_AHEAD:
                batch = queue.popleft()
                pending.append((batch, in_background(partial(client.fetch_articles, batch), "efetch")))
            before_waiting()
            batch, future = pending.popleft()
            try:
                result = future.result()
            except EntrezUnavailable:
                raise
            except EntrezError:
                failed.append(batch)
                continue
            saved(batch, result)
    except KeyboardInterrupt:
        client.cancel()  # the threads in flight stop at their next send or sleep
        raise
    return failed


def _save_batch(
    engine: Engine,
    articles: list[Article],
    missing: dict[str, str],
    by_pmid: dict[str, list[m.Reference]] | None = None,
) -> dict[int, list[tuple[str, str]]]:
    """One transaction: the articles upserted, their misses recorded, old misses cleared, and
    the flags of the references in `by_pmid` that cite these articles replaced; returns
    those flags (reference id -> flags).

    Upserts (keys sorted, so two writers lock rows in one order), re-run on a clash with
    another process resolving the same PMIDs."""
    latest = {a.pmid: a for a in articles}  # a PMID twice: the last one
    batch = _Batch(list(latest.values()), missing, _flags_for(latest, by_pmid or {}))
    with engine.connect() as connection:
        _write(connection, [batch], [batch], commit=True)
    return batch.flags


# ---------------------------------------------------------------- citation check


_CITATION_FIELDS = tuple(f.name for f in fields(Citation))
_CHECKED_FIELDS = (
    "pmid", "title", "year", "volume", "issue", "pages", "authors", "journal", "journal_iso",
    "publication_status",
)


def citation_record(ref: m.Reference) -> Citation:
    values = {name: getattr(ref, name) for name in _CITATION_FIELDS}
    values["authors"], values["warnings"] = tuple(ref.authors or ()), tuple(ref.warnings or ())
    return Citation(**values)


def _records_to_check(session: Session, pmids: list[str]) -> dict[str, Article]:
    """The fields the citation check compares (never the raw XML, abstract or MeSH: loading
    whole rows was most of a large run's time)."""
    columns = [getattr(m.Article, name) for name in _CHECKED_FIELDS]
    stmt = select(*columns).where(m.Article.pmid.in_(pmids))  # type: ignore[attr-defined]
    return {row.pmid: Article(**dict(zip(_CHECKED_FIELDS, row, strict=True))) for row in session.execute(stmt)}


def _refs_by_pmid(refs: Iterable[m.Reference]) -> dict[str, list[m.Reference]]:
    """PMID -> the stored references that cite it (printed or matched)."""
    by_pmid: dict[str, list[m.Reference]] = {}
    for r in refs:
        if r.id is not None and (pmid := r.pmid or r.matched_pmid):
            by_pmid.setdefault(pmid, []).append(r)
    return by_pmid


def _flags_for(
    records: dict[str, Article], by_pmid: dict[str, list[m.Reference]]
) -> dict[int, list[tuple[str, str]]]:
    """Reference id -> its flags, for the references citing one of `records`."""
    found: dict[int, list[tuple[str, str]]] = {}
    for pmid, record in records.items():
        for ref in by_pmid.get(pmid, ()):
            found[ref.id] = check_citation(citation_record(ref), record)  # type: ignore[index]
    return found


def _citation_flags(engine: Engine, refs: list[m.Reference]) -> dict[int, list[tuple[str, str]]]:
    """Reference id -> its flags, for every reference whose record is stored; 500 PMIDs at a
    time so memory stays flat however long the list."""
    by_pmid = _refs_by_pmid(refs)
    pmids = sorted(by_pmid)
    found: dict[int, list[tuple[str, str]]] = {}
    if not pmids:
        return found
    with Session(engine) as session:
        for i in range(0, len(pmids), 500):
            found.update(_flags_for(_records_to_check(session, pmids[i : i + 500]), by_pmid))
    return found


def _flag_rows(
    found: dict[int, list[tuple[str, str]]], notes: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    notes = notes or {}
    return [
        {"reference_id": rid, "kind": k, "detail": d + (notes.get(rid, "") if k == "pmid-likely-wrong" else "")}
        for rid, flags in found.items()
        for k, d in flags
    ]


def _replace_flags(session: Session | Connection, ids: list[int], rows: list[dict[str, Any]]) -> None:
    """The flags of references `ids` become `rows` (in the caller's transaction)."""
    connection = session.connection() if isinstance(session, Session) else session
    delete_in(connection, "citationflag", "reference_id", ids)
    insert_many(
        connection,
        "citationflag",
        ("reference_id", "kind", "detail"),
        [(r["reference_id"], r["kind"], r["detail"]) for r in rows],
    )


def _check_citations(
    engine: Engine,
    client: EntrezClient | None,
    refs: list[m.Reference],
    refresh: bool = False,
    summary: ResolveSummary | None = None,
    checked: dict[int, list[tuple[str, str]]] | None = None,
) -> int:
    """Replace each checked reference's flags; returns how many references carry flags.

    `checked`: references whose flags this run already wrote with their records (they are
    not read and checked again). A printed PMID flagged as likely wrong gets a suggestion
    first (when NCBI can be asked), and the flag says which PMID the citation matches."""
    checked = checked or {}
    fresh = _citation_flags(engine, [r for r in refs if r.id not in checked])
    found = checked | fresh
    wrong = {rid for rid, flags in found.items() if any(k == "pmid-likely-wrong" for k, _ in flags)}
    if wrong and client is not None and summary is not None and summary.unreachable is None:
        try:
            _suggest_corrections(engine, client, refs, wrong, refresh, summary)
        except EntrezError as exc:
            summary.unreachable = str(exc)
    notes = _notes(engine, wrong)
    write = {rid: flags for rid, flags in found.items() if rid in fresh or rid in wrong}
    rows = _flag_rows(write, notes)
    if write:
        in_transaction(engine, lambda session: _replace_flags(session, sorted(write), rows))
    return sum(1 for flags in found.values() if flags)


def _notes(engine: Engine, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    with Session(engine) as session:
        rows = session.exec(select(m.Reference).where(m.Reference.id.in_(sorted(ids))))  # type: ignore[attr-defined]
        return {r.id: note for r in rows if (note := suggestion_note(r))}  # type: ignore[misc]


def _tally(engine: Engine, wanted: list[str], summary: ResolveSummary) -> None:
    stored = _stored(engine, wanted)
    summary.resolved = len(stored)
    with Session(engine) as session:
        for pmid in wanted:
            if pmid in stored:
                continue
            row = session.get(m.Unresolved, pmid)
            fallback = INTERRUPTED_REASON if summary.interrupted else UNREACHABLE_REASON
            summary.unresolved[pmid] = row.reason if row else fallback


# ---------------------------------------------------------------- accepting matches


@dataclass
class Accepted:
    number: int
    pmid: str
    was: str | None  # the printed PMID a correction replaced, if any


def accept_matches(
    engine: Engine, policy_id: str, number: int | None = None, pmid: str | None = None
) -> list[Accepted]:
    """Confirm matches: every "matched, unconfirmed" reference of the policy, or one
    reference (`number`), choosing `pmid` among its candidates when it has several.

    A printed PMID is replaced only here, by the user's choice of its suggestion; the
    printed one stays in `match_method` (and in the raw text)."""
    if pmid is not None and number is None:
        raise InputError("--pmid needs the reference number: --accept --ref N --pmid PMID")
    with transaction(engine) as session:
        refs = current_references(session, get_policy(session, policy_id))
        if number is None:
            chosen = [(r, r.matched_pmid) for r in refs if r.match_status == MATCHED and r.matched_pmid]
        else:
            ref = next((r for r in refs if r.number == number), None)
            if ref is None:
                raise InputError(f"policy {policy_id!r} has no reference {number}")
            chosen = [(ref, _choice(ref, pmid))]
        done = [_confirm(session, r, p) for r, p in chosen if p]
    _check_citations(engine, None, [r for r in _references(engine, policy_id) if r.number in {a.number for a in done}])
    return done


def _choice(ref: m.Reference, pmid: str | None) -> str:
    listed = [str(c.get("pmid")) for c in ref.match_candidates or []]
    allowed = set(listed) | ({ref.matched_pmid} if ref.matched_pmid else set())
    if pmid is not None:
        pmid = pmid.strip()
        if pmid not in allowed:
            offer = ", ".join(sorted(allowed)) or "none"
            raise InputError(
                f"PMID {pmid} is not a candidate for reference {ref.number} (candidates: {offer})"
            )
        return pmid
    if ref.match_status == MATCHED and ref.matched_pmid:
        return ref.matched_pmid
    if ref.match_status == CONFIRMED:
        raise InputError(f"reference {ref.number} is already confirmed")
    if len(allowed) == 1:
        return next(iter(allowed))
    if len(allowed) > 1:
        raise InputError(
            f"reference {ref.number} has {len(allowed)} candidates ({', '.join(sorted(allowed))}): "
            f"choose one with --accept --ref {ref.number} --pmid PMID"
        )
    raise InputError(f"reference {ref.number} has no match to accept ({ref.match_status or 'not matched'})")


def _confirm(session: Session, ref: m.Reference, pmid: str) -> Accepted:
    was = None
    if ref.pmid and ref.pmid != pmid:  # a corrected typo: the user chose the suggestion
        was = ref.pmid
        ref.match_method = f"printed PMID {was} replaced by {pmid} (accepted); {ref.match_method or ''}".rstrip("; ")
        ref.pmid = pmid
        ref.matched_pmid = None
    elif not ref.pmid:
        ref.matched_pmid = pmid
    ref.match_status = CONFIRMED
    ref.match_candidates = [c for c in ref.match_candidates or [] if str(c.get("pmid")) == pmid]
    session.add(ref)
    return Accepted(ref.number, pmid, was)
