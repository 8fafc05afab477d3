"""URL -> SQLAlchemy engine, with the settings a shared store needs.

SQLite: WAL so readers never block the writer, a busy timeout so two processes wait for
each other instead of failing with "database is locked", foreign keys on. PostgreSQL needs
nothing special. `open_store` brings the schema to the code's through the Alembic migrations
(`evidence.store.upgrade`); nothing calls `create_all` on a user's store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, create_engine

from evidence.errors import StoreError

BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create the engine; for SQLite, create the file's folder and set the pragmas."""
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot use database URL {url!r}: {exc}") from None


def open_store(url: str, upgrade: bool = True) -> Engine:
    """Open the store at `url`, creating or migrating its schema to this code's.

    Raises SchemaTooNew when a newer evidence wrote the store; `upgrade=False` opens it as it
    is (for `evidence db status`)."""
    engine = make_engine(url)
    if not upgrade:
        return engine
    from evidence.store.upgrade import upgrade_to_head

    try:
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
