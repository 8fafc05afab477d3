"""Schema migrations: a blank store reaches head, the migrations build exactly the models'
schema, an old store upgrades in place with every row kept, a newer store is refused."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import evidence.store.models as m
from evidence.errors import SchemaTooNew
from evidence.store import open_store, transaction
from evidence.store.autogen import schema_drift
from evidence.store.engine import make_engine
from evidence.store.upgrade import (
    INITIAL_REVISION,
    alembic_config,
    current_revision,
    head_revision,
    upgrade_to_head,
)

# Every hostile character a text column must keep: quotes, SQL, accents, emoji, newlines.
NASTY = "Procházka 'x'; DROP TABLE policy; -- \"q\" \u2603\n%s ?"


@pytest.fixture
def bare(db_url: str):  # type: ignore[no-untyped-def]
    """An engine on the test's database with no schema yet (open_store would upgrade it)."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


def _upgrade_to(eng, revision: str) -> None:  # type: ignore[no-untyped-def]
    with eng.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def _value(column: Any, i: int) -> Any:
    """A synthetic value of the column's type; distinct per row i (unique keys hold)."""
    kind = column.type
    if isinstance(kind, Boolean):
        return i % 2 == 0
    if isinstance(kind, Integer):
        return i
    if isinstance(kind, Float):
        return i + 0.25
    if isinstance(kind, DateTime):
        return datetime(2024, 1, 2, 3, 4, 5 + i)
    if isinstance(kind, Date):
        return date(2020, 1, i)
    if isinstance(kind, JSON):
        return [f"{NASTY} {i}", {"label": "CONCLUSIONS", "n": i, "accent": "Skóra"}]
    text_value = f"{i}-{NASTY}"
    length = getattr(kind, "length", None)
    return text_value[:length] if length else text_value


def _fill_every_table(conn: Connection, rows_per_table: int = 2) -> MetaData:
    """Insert rows into every table the store has, foreign keys pointing at real rows."""
    meta = MetaData()
    meta.reflect(conn)
    for table in meta.sorted_tables:
        if table.name == "alembic_version":
            continue
        for i in range(1, rows_per_table + 1):
            row = {}
            for column in table.columns:
                fks = list(column.foreign_keys)
                if column.primary_key and isinstance(column.type, Integer):
                    continue  # the database numbers it (a sequence, on PostgreSQL)
                if fks:
                    target = fks[0].column
                    row[column.name] = conn.execute(select(target).limit(1)).scalar_one()
                else:
                    row[column.name] = _value(column, i)
            conn.execute(insert(table).values(row))
    return meta


def _dump(conn: Connection, meta: MetaData) -> dict[str, list[tuple]]:
    """Every row of every table of `meta`, in key order (columns as `meta` knows them)."""
    out = {}
    for table in meta.sorted_tables:
        if table.name == "alembic_version":
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return out


def test_blank_store_reaches_head(db_url):
    engine = open_store(db_url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            assert schema_drift(conn) == []
    finally:
        engine.dispose()


def test_migrations_build_exactly_the_models(bare):
    upgrade_to_head(bare)
    with bare.connect() as conn:
        drift = schema_drift(conn)
    assert drift == [], "models and migrations disagree: run `make migration` (see docs/STORE.md)"


def test_old_store_upgrades_with_every_row_kept(bare):
    _upgrade_to(bare, INITIAL_REVISION)
    with bare.begin() as conn:
        meta = _fill_every_table(conn)
        before = _dump(conn, meta)
    # tables later revisions add (0005: decision; 0007: the watch tables) are not in
    # 0001; every 0001 table is filled
    assert set(before) <= set(SQLModel.metadata.tables) and all(before.values())

    assert upgrade_to_head(bare) == INITIAL_REVISION
    assert current_revision(bare) == head_revision()
    with bare.connect() as conn:
        assert _dump(conn, meta) == before


def test_upgrade_folds_duplicate_flags_into_the_oldest(bare):
    _upgrade_to(bare, INITIAL_REVISION)
    with bare.connect() as conn:
        if any(ix["unique"] for ix in inspect(conn).get_indexes("citationflag")):
            pytest.skip("0001 was regenerated with the key 0002 adds: no old store can hold dupes")
    with bare.begin() as conn:
        _fill_every_table(conn, rows_per_table=1)
        ref = conn.execute(text("SELECT id FROM reference")).scalar_one()
        for detail in ("first", "second"):
            conn.execute(
                text(
                    "INSERT INTO citationflag (reference_id, kind, detail) VALUES (:r, 'year', :d)"
                ),
                {"r": ref, "d": detail},
            )
    upgrade_to_head(bare)
    with bare.connect() as conn:
        details = conn.execute(text("SELECT detail FROM citationflag WHERE kind = 'year'")).all()
    assert [d for (d,) in details] == ["first"]


def test_store_made_before_migrations_is_stamped_and_upgraded(bare):
    SQLModel.metadata.create_all(bare)  # how the first skeleton made stores
    with transaction(bare) as session:
        session.add(m.Policy(id="p1", title=NASTY, sha256="0" * 64))
    assert current_revision(bare) is None

    engine = open_store(bare.url.render_as_string(hide_password=False))
    try:
        assert current_revision(engine) == head_revision()
        with transaction(engine) as session:
            assert session.get(m.Policy, "p1").title == NASTY
    finally:
        engine.dispose()


def _stamp_newer(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))


def test_store_newer_than_the_code_is_refused(engine):
    _stamp_newer(engine)
    with pytest.raises(SchemaTooNew):
        upgrade_to_head(engine)


@pytest.mark.parametrize("args", [("policy", "list"), ("db", "upgrade")])
def test_cli_refuses_a_newer_store_in_one_line(cli, engine, args):
    _stamp_newer(engine)
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: this store was written by a newer evidence (schema 9999); upgrade evidence"
    ]
    assert current_revision(engine) == "9999"  # untouched


def test_sqlite_batch_rebuild_of_a_parent_table_keeps_its_children(tmp_path):
    """What a future batch migration on `reference` does under the migration lock: copy,
    drop, rename. With foreign keys enforced the drop would fail; the lock turns them off."""
    from alembic.operations import Operations

    from evidence.store import upgrade
    from evidence.store.upsert import upsert

    engine = open_store(f"sqlite:///{tmp_path / 'batch.sqlite'}")
    with transaction(engine) as s:
        upsert(s, m.Policy, [{"id": "p", "title": "t", "sha256": "0" * 64}], ["id"])
        upsert(s, m.Reference, [{"policy_id": "p", "revision": 1, "number": 1, "raw": "r"}],
               ["policy_id", "revision", "number"])  # fmt: skip
        ref_id = s.exec(select(m.Reference.id)).one()[0]
        upsert(s, m.CitationFlag, [{"reference_id": ref_id, "kind": "year", "detail": "d"}],
               ["reference_id", "kind"])  # fmt: skip
    with engine.connect() as conn:
        with conn.begin():
            upgrade._lock(conn)
            with Operations(MigrationContext.configure(conn)).batch_alter_table(
                "reference", recreate="always"
            ):
                pass
            upgrade._check_foreign_keys(conn)
        conn.invalidate()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM citationflag").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_revisions_read_without_alembic_agree_with_alembic():
    """open_store reads the shipped revisions from the files' own lines (no Alembic import):
    that reading must be Alembic's."""
    from alembic.script import ScriptDirectory

    from evidence.store.revisions import shipped_head, shipped_revisions
    from evidence.store.upgrade import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config())
    assert shipped_head() == scripts.get_current_head()
    assert shipped_revisions() == {s.revision for s in scripts.walk_revisions()}


def test_opening_a_store_at_head_imports_no_alembic(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'e.sqlite'}"
    open_store(url).dispose()
    code = (
        "import sys; from evidence.store import open_store; "
        f"open_store({url!r}).dispose(); print(any(m.startswith('alembic') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
