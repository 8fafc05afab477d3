"""PostgreSQL for the tests: a fresh database per test on the server EVIDENCE_TEST_PG names.

`.ci/postgres.sh` starts a throwaway server and prints its URL; `.ci/run` exports it. Without
the variable only SQLite runs (tests/test_store_postgres.py reports the skip once).
The variable is read when this module is imported, before the autouse fixture clears
EVIDENCE_* from the environment of each test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

SERVER = os.environ.get("EVIDENCE_TEST_PG") or None
DB_KINDS = ["sqlite", "postgresql"] if SERVER else ["sqlite"]


def _with_database(server: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(server).set(database=name).render_as_string(hide_password=False)


@contextmanager
def fresh_database(server: str | None = SERVER) -> Iterator[str]:
    """CREATE DATABASE with a random name; yield its URL; DROP it (forcibly) afterwards."""
    from sqlalchemy import create_engine, text

    assert server, "EVIDENCE_TEST_PG is not set"
    name = f"evidence_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=_null_pool())
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield _with_database(server, name)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _null_pool():  # type: ignore[no-untyped-def]
    from sqlalchemy.pool import NullPool

    return NullPool
