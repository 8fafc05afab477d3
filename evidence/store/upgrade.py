"""Bring a store's schema to the code's: Alembic migrations, run under a lock.

`open_store` calls `upgrade_to_head` on every open. The common case (already at head) is one
cheap read and takes no lock, and imports no Alembic: the shipped revisions are read from the
migration files' own `revision` / `down_revision` lines (`revisions.py`), the store's from
`alembic_version` with one query. Alembic (and Mako, and Pygments behind it) is imported only
when a store has to be changed, which keeps every read command's start-up short. A blank
store (no tables at all) is not migrated but created at head (`create_at_head`), which needs
no Alembic either.

Otherwise one transaction holds a lock for the whole check-and-upgrade, so two processes
opening a fresh store at once never both create tables:
SQLite takes the write lock up front (`BEGIN IMMEDIATE`; the other process waits out its busy
timeout), PostgreSQL takes a transaction-scoped advisory lock (and its DDL is transactional).

A store made before migrations existed (tables, no `alembic_version`) is stamped at the
initial revision and upgraded. A store whose revision this code does not know was written by
a newer `evidence`: we refuse to touch it (`SchemaTooNew`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from evidence.errors import SchemaTooNew, StoreError
from evidence.store.health import refuse_foreign, where
from evidence.store.revisions import MIGRATIONS, shipped_head, shipped_revisions

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

INITIAL_REVISION = "0001"
# Any constant works; it only has to be the same in every evidence process.
PG_LOCK_KEY = 0x65766964  # "evid"
SENTINEL_TABLE = "policy"  # present in every store `create_all` ever made


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic Config built in code: no alembic.ini needed at run time."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The revision this code writes."""
    return shipped_head()


def known_revisions() -> set[str]:
    return shipped_revisions()


def _revision(conn: Connection) -> str | None:
    """The store's revision from `alembic_version` (None: no such table, or no row)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    try:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except DBAPIError:  # not ours after all: let the caller's checks say so
        return None
    return row[0] if row else None


def current_revision(engine: Engine) -> str | None:
    """The store's revision; None for a blank (or pre-migration) store."""
    with engine.connect() as conn:
        return _revision(conn)


def _check_known(revision: str | None, conn: Connection | None = None) -> None:
    if revision is not None and revision not in known_revisions():
        if conn is not None:
            refuse_foreign(conn, where(conn.engine))
        raise SchemaTooNew(
            f"this store was written by a newer evidence (schema {revision}); upgrade evidence"
        )


def _lock(conn: Connection) -> None:
    """Serialize migrations across processes for the rest of this transaction."""
    if conn.dialect.name == "sqlite":
        # Batch mode rebuilds a table by copy, drop, rename: with foreign keys enforced, dropping
        # a parent table (reference, policy) would fail or cascade. The pragma only takes
        # effect outside a transaction; `_check_foreign_keys` verifies the result instead.
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        # pysqlite opens transactions lazily; take the write lock now, before we read anything.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})


def _check_foreign_keys(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise StoreError(f"upgrade left {len(broken)} rows with broken links; store unchanged")


def upgrade_to_head(engine: Engine) -> str | None:
    """Migrate the store to head; return the revision it had before (None: blank store)."""
    head = head_revision()
    before = current_revision(engine)
    if before == head:
        return before
    with engine.connect() as conn:
        _check_known(before, conn)
        if before is None:
            refuse_foreign(conn, where(engine))
        conn.rollback()
    with engine.connect() as conn:
        try:
            with conn.begin():
                _lock(conn)
                before = _revision(conn)  # another process may have upgraded while we waited
                _check_known(before, conn)
                if before == head:
                    return before
                if before is None and not inspect(conn).get_table_names():
                    create_at_head(conn, head)
                    return before
                from alembic import command

                cfg = alembic_config(conn)
                if before is None and inspect(conn).has_table(SENTINEL_TABLE):
                    command.stamp(cfg, INITIAL_REVISION)  # a store made by create_all
                command.upgrade(cfg, "head")
                _check_foreign_keys(conn)
        finally:
            if conn.dialect.name == "sqlite":
                conn.invalidate()  # never hand this connection (foreign keys off) to the pool
    return before


# What Alembic's own `alembic_version` table is (alembic.runtime.migration), so a store created
# here and one created by `command.upgrade` are the same.
_VERSION_TABLE = (
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)


def create_at_head(conn: Connection, head: str) -> None:
    """Create a blank store's schema straight at `head`: the models' tables (`create_all`), the
    `articlemark` triggers migration 0007 adds, and `alembic_version` stamped at head.

    Running the seven migrations instead imports Alembic (with Mako and Pygments) and replays
    every batch operation: most of a first `policy add`'s time. The result is the same schema
    (tests/test_store_create.py compares the two, table by table, on SQLite and PostgreSQL);
    a store that exists already is still upgraded through Alembic."""
    from sqlmodel import SQLModel

    import evidence.store.models  # noqa: F401 - registers the tables on SQLModel.metadata
    from evidence.store.marks import trigger_statements

    SQLModel.metadata.create_all(conn, checkfirst=False)  # the caller saw no tables at all
    for statement in trigger_statements(conn.dialect.name):
        conn.execute(text(statement))
    conn.execute(text(_VERSION_TABLE))
    conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head})


def status(engine: Engine) -> dict[str, object]:
    """What `evidence db status` shows."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        state = "up to date"
    elif current is None:
        state = "pre-migration (stamp and upgrade)" if _has_tables(engine) else "blank"
    elif current in known_revisions():
        state = "behind (run 'evidence db upgrade')"
    else:
        state = "newer than this evidence (upgrade evidence)"
    return {
        "url": engine.url.render_as_string(hide_password=True),
        "dialect": engine.dialect.name,
        "current": current,
        "head": head,
        "state": state,
        "pending": _pending(current or (INITIAL_REVISION if _has_tables(engine) else None)),
    }


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return inspect(conn).has_table(SENTINEL_TABLE)


def _pending(current: str | None) -> list[str]:
    """Revisions between `current` and head, oldest first ([] for an unknown revision)."""
    if current is not None and current not in known_revisions():
        return []
    revs = list(_scripts().iterate_revisions("head", current or "base"))
    return [r.revision for r in reversed(revs)]
