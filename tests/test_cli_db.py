"""`evidence db status` and `evidence db upgrade`, as a user runs them."""

from __future__ import annotations

import json

from sqlalchemy import text

from evidence.store.engine import make_engine
from evidence.store.upgrade import INITIAL_REVISION, head_revision


def test_status_of_a_blank_store_lists_every_pending_migration(cli, db_url):
    result = cli("db", "status", "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["current"] is None and info["head"] == head_revision()
    assert info["state"] == "blank" and info["pending"][0] == INITIAL_REVISION
    assert info["pending"][-1] == head_revision()


def test_upgrade_creates_then_reports_up_to_date(cli, db_url):
    first = cli("db", "upgrade")
    assert first.exit_code == 0, first.output
    assert first.stderr.strip() == f"Store at schema {head_revision()}."
    again = cli("db", "upgrade")
    assert again.stderr.strip() == f"The store is up to date (schema {head_revision()})."
    info = json.loads(cli("db", "status", "--json").stdout)
    assert (info["current"], info["state"], info["pending"]) == (head_revision(), "up to date", [])


def test_upgrade_of_an_old_store_names_both_revisions(cli, db_url):
    from alembic import command

    from evidence.store.upgrade import alembic_config

    engine = make_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), INITIAL_REVISION)
    engine.dispose()
    status = cli("db", "status")
    assert status.exit_code == 0 and "behind" in status.stdout
    result = cli("db", "upgrade", "--json")
    assert json.loads(result.stdout) | {"url": None} == {
        "url": None,
        "before": INITIAL_REVISION,
        "after": head_revision(),
        "changed": True,
    }


def test_status_of_a_newer_store_says_so_without_failing(cli, engine):
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    result = cli("db", "status", "--json")
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["current"] == "9999" and info["state"].startswith("newer")
    assert info["pending"] == []


def test_status_never_shows_the_password(cli, monkeypatch):
    monkeypatch.setenv("EVIDENCE_DB", "postgresql+psycopg://u:s3cret@127.0.0.1:9/none")
    result = cli("db", "status")
    assert result.exit_code == 1
    assert "s3cret" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
