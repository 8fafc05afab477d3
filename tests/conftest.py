"""Shared fixtures: every test gets its own store, cache and environment.

No test reaches the network: EVIDENCE_EUTILS_URL points at a closed loopback port unless a
test starts the fake E-utilities server. Tests that read ../shared skip when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pg  # tests/pg.py: PostgreSQL databases for the db_url fixture
import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = ROOT / "examples" / "stem-cell-pad.txt"
SHARED = ROOT.parent / "shared"
CLOSED_PORT_URL = "http://127.0.0.1:9/entrez/eutils/"
CLOSED_PORT_CTGOV = "http://127.0.0.1:9/api/v2"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith(("EVIDENCE_", "NCBI_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("EVIDENCE_DB", str(tmp_path / "evidence.sqlite"))
    monkeypatch.setenv("EVIDENCE_CACHE", str(tmp_path / "http_cache.sqlite"))
    monkeypatch.setenv("EVIDENCE_EUTILS_URL", CLOSED_PORT_URL)
    monkeypatch.setenv("EVIDENCE_CTGOV_URL", CLOSED_PORT_CTGOV)


@pytest.fixture(params=pg.DB_KINDS)
def db_url(request, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The test's store: SQLite, and PostgreSQL too when EVIDENCE_TEST_PG names a server
    (a fresh database per test). EVIDENCE_DB points at it, so the `cli` fixture uses it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'evidence.sqlite'}"
        return
    with pg.fresh_database() as url:
        monkeypatch.setenv("EVIDENCE_DB", url)
        yield url


@pytest.fixture
def engine(db_url: str):  # type: ignore[no-untyped-def]
    from evidence.store import open_store

    eng = open_store(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    """Run the CLI in-process: cli("policy", "list", input=...) -> Result (stdout, stderr apart)."""
    from evidence.cli import app

    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), input=input, prog_name="evidence")

    return run


@pytest.fixture
def shared() -> Path:
    """../shared, or skip (a user's clone does not have it)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket connection fails the test (proves a path stays offline)."""
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
from fake_ctgov import fake_ctgov  # noqa: E402,F401  (the ClinicalTrials.gov stand-in fixture)
from fake_eutils import fake_eutils  # noqa: E402,F401  (the fake E-utilities server fixture)
