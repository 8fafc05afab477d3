"""A blank store is created straight at head (`create_all` + the `articlemark` triggers +
`alembic_version` stamped), not by running every migration; that store must be the very
schema the migrations build, or stores would differ by how they were born. These tests
compare the two, table by table, on SQLite and PostgreSQL, so drift between the models and
the migrations fails here."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pg
import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from evidence.store import open_store
from evidence.store.engine import make_engine
from evidence.store.upgrade import alembic_config, current_revision, head_revision


@contextmanager
def _another_database(db_url: str, tmp_path: Path) -> Iterator[str]:
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    else:
        with pg.fresh_database() as url:
            yield url


def _migrated(url: str) -> Engine:
    """A store built the long way: every Alembic migration from base to head."""
    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return engine


def _triggers(conn: Connection) -> list[tuple]:
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"))
    else:
        rows = conn.execute(
            text(
                "SELECT trigger_name, event_object_table, event_manipulation, action_timing, "
                "action_orientation, action_statement FROM information_schema.triggers "
                "WHERE trigger_schema = current_schema()"
            )
        )
    return sorted(tuple(r) for r in rows)


def _functions(conn: Connection) -> list[tuple]:
    if conn.dialect.name == "sqlite":
        return []
    rows = conn.execute(
        text(
            "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
        )
    )
    return sorted(tuple(r) for r in rows)


def _indexes(conn: Connection) -> list[tuple]:
    """Every index as the database itself states it (SQLite's own SQL; PostgreSQL's indexdef)."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"))
        # the automatic indexes of UNIQUE / PRIMARY KEY constraints are numbered in creation
        # order; what they index is compared through the constraints below
        return sorted((n if s else "(automatic)", t, s) for n, t, s in rows)
    rows = conn.execute(
        text("SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
    )
    return sorted(tuple(r) for r in rows)


def schema(engine: Engine) -> dict[str, object]:
    """Everything about a store's schema a difference in which would matter."""
    with engine.connect() as conn:
        insp = inspect(conn)
        tables = {}
        for name in sorted(insp.get_table_names()):
            tables[name] = {
                "columns": sorted(
                    (
                        c["name"],
                        str(c["type"]),
                        c["nullable"],
                        str(c.get("default")),
                        bool(c.get("autoincrement") is True),
                    )
                    for c in insp.get_columns(name)
                ),
                "primary key": insp.get_pk_constraint(name)["constrained_columns"],
                "foreign keys": sorted(
                    (
                        tuple(f["constrained_columns"]),
                        f["referred_table"],
                        tuple(f["referred_columns"]),
                        tuple(sorted((f.get("options") or {}).items())),
                    )
                    for f in insp.get_foreign_keys(name)
                ),  # fmt: skip
                "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(name)),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(name)
                ),
                "checks": sorted(str(c["sqltext"]) for c in insp.get_check_constraints(name)),
            }
        return {
            "tables": tables,
            "raw indexes": _indexes(conn),
            "triggers": _triggers(conn),
            "functions": _functions(conn),
            "revision": conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one(),
        }


def test_a_blank_store_is_created_at_head_with_the_migrated_schema(db_url, tmp_path):
    fast = open_store(db_url)
    try:
        assert current_revision(fast) == head_revision()
        with _another_database(db_url, tmp_path) as url:
            slow = _migrated(url)
            try:
                built, migrated = schema(fast), schema(slow)
            finally:
                slow.dispose()
    finally:
        fast.dispose()
    assert built["revision"] == migrated["revision"] == head_revision()
    assert built["triggers"], "the articlemark triggers are part of the schema"
    assert sorted(built["tables"]) == sorted(migrated["tables"])
    for table in built["tables"]:
        assert built["tables"][table] == migrated["tables"][table], table
    for part in ("raw indexes", "triggers", "functions"):
        assert built[part] == migrated[part], part


def test_marks_are_kept_by_the_triggers_in_a_store_created_at_head(engine):
    """The triggers are not only present but fire: a retracted record is marked on insert."""
    from evidence.store import transaction
    from evidence.store.models import Article

    with transaction(engine) as session:
        session.add(Article(pmid="90000001", publication_types=[{"type": "Retracted Publication"}]))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT retracted, concern FROM articlemark")).one() == (True, False)


def test_creating_a_blank_store_imports_no_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    code = (
        "import sys; from evidence.store import open_store; "
        f"open_store({url!r}).dispose(); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_existing_store_behind_head_still_upgrades_through_the_migrations(bare_url):
    engine = make_engine(bare_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0006")
    engine.dispose()
    engine = open_store(bare_url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            assert "articlemark" in inspect(conn).get_table_names()
    finally:
        engine.dispose()


@pytest.fixture
def bare_url(db_url: str) -> str:
    return db_url
