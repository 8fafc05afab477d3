"""URL -> SQLAlchemy engine, with the settings a shared store needs.

SQLite: WAL so readers never block the writer, a busy timeout so two processes wait for
each other instead of failing with "database is locked", foreign keys on. PostgreSQL needs
nothing special. `open_store` brings the schema to the code's through the Alembic migrations
(`evidence.store.upgrade`); only a blank store is created with `create_all`, straight at head
(`upgrade.create_at_head`, tested to give the migrated schema).
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session, create_engine

from evidence.errors import StoreError
from evidence.store.health import translate_errors

BUSY_TIMEOUT_MS = 30_000
RETRY_ATTEMPTS = 6
# PostgreSQL: serialization failure, deadlock detected (one of the two waiters is cancelled).
RETRY_SQLSTATES = {"40001", "40P01"}
T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _switch_to_wal(cursor) -> None:  # type: ignore[no-untyped-def]
    """Two processes opening a blank file at once both try to switch it to WAL; SQLite answers
    one of them "database is locked" at once (deadlock avoidance: no busy wait). The switch is
    made once per file, so waiting a moment and asking again settles it."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.01, 0.05))


def make_engine(url: str) -> Engine:
    """Create the engine; for SQLite, create the file's folder and set the pragmas."""
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            event.listen(engine, "connect", _sqlite_pragmas)
            translate_errors(engine)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot use database URL {url!r}: {exc}") from None


def open_store(url: str, upgrade: bool = True, check: bool = True) -> Engine:
    """Open the store at `url`, creating or migrating its schema to this code's.

    Raises SchemaTooNew when a newer evidence wrote the store; `upgrade=False` opens it as it
    is (for `evidence db status`). `check` runs SQLite's quick_check first, so a damaged file
    is refused before anything is written into it; commands that only read skip it (it reads
    the whole file) and meet damage as a one-line error when they touch it."""
    from evidence.store.health import quick_check, refuse_foreign_file

    engine = make_engine(url)
    if not upgrade:
        return engine
    refuse_foreign_file(engine)
    from evidence.store.upgrade import upgrade_to_head

    try:
        if check:
            quick_check(engine)
        with reachable(engine):
            upgrade_to_head(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


@contextmanager
def reachable(engine: Engine) -> Iterator[None]:
    """Turn "cannot connect / cannot open" into a one-line StoreError (password hidden)."""
    try:
        yield
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "no reason"
        where = engine.url.render_as_string(hide_password=True)
        raise StoreError(f"cannot open the store at {where}: {reason}") from None


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _retryable(exc: DBAPIError) -> bool:
    """A conflict with another writer that running the unit again resolves: a unique key
    another process inserted first, a deadlock or serialization failure, a busy SQLite."""
    if isinstance(exc, IntegrityError):
        return True
    if getattr(exc.orig, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


def in_transaction(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work(session)` in one transaction; when it collides with a concurrent writer,
    roll back and run it again (a few times, with a short random pause).

    `work` must be idempotent as a whole (read, decide, write): it may run more than once, so
    it must not mutate state outside the session before it returns."""
    for attempt in range(1, RETRY_ATTEMPTS + 1):
        try:
            with transaction(engine) as session:
                return work(session)
        except DBAPIError as exc:
            pause_or_raise(exc, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def pause_or_raise(exc: DBAPIError, attempt: int) -> None:
    """After `attempt` (1-based) failed with `exc`: re-raise it when it is not a conflict
    another run resolves or the attempts are used up, else pause briefly (a random, growing
    pause, so two writers do not collide again) before the caller runs the unit again."""
    if attempt >= RETRY_ATTEMPTS or not _retryable(exc):
        raise exc
    time.sleep(random.uniform(0.02, 0.1) * attempt)
