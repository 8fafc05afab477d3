"""A broken HTTP cache never stops a command: damaged, read-only or impossible to create, the
command goes on without it, says once which file and why, and deletes nothing."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE
from fake_eutils import add_many, synthetic_pmids
from resolve_helpers import make_policy

from evidence.httpcache import open_cache


def _garbage(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(20_000))


def test_a_damaged_cache_is_set_aside_and_a_new_one_started(tmp_path, caplog):
    path = tmp_path / "http_cache.sqlite"
    _garbage(path)
    damaged = path.read_bytes()
    with caplog.at_level(logging.WARNING, logger="evidence"):
        session = open_cache(path)
    assert session.cache_file == path
    aside = list(tmp_path.glob("http_cache.sqlite.broken-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged  # kept, not deleted
    assert str(path) in caplog.text and "set aside" in caplog.text


def test_a_cache_that_cannot_be_created_means_no_cache(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache's folder should be")
    with caplog.at_level(logging.WARNING, logger="evidence"):
        session = open_cache(blocker / "http_cache.sqlite")
    assert session.cache_file is None
    assert "going on without it" in caplog.text


def test_resolve_with_a_damaged_cache_warns_once_and_resolves(cli, fake_eutils, tmp_path, monkeypatch):
    from evidence.store import open_store

    cache = tmp_path / "http_cache.sqlite"
    monkeypatch.setenv("EVIDENCE_CACHE", str(cache))
    _garbage(cache)
    pmids = synthetic_pmids(3)
    add_many(fake_eutils, pmids)
    make_policy(open_store(f"sqlite:///{os.environ['EVIDENCE_DB']}"), pmids)
    result = cli("resolve", "synthetic-policy")
    assert result.exit_code == 0, result.stderr
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("Warning:") and "HTTP cache" in ln]
    assert len(warnings) == 1 and str(cache) in warnings[0]
    assert "Resolved 3 PMIDs" in result.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE")
def test_a_full_disk_before_the_cache_exists_does_not_hang(tmp_path):
    env = {**os.environ, "EVIDENCE_DB": str(tmp_path / "e.sqlite"), "EVIDENCE_CACHE": str(tmp_path / "c.sqlite")}
    subprocess.run([sys.executable, "-m", "evidence", "policy", "add", str(EXAMPLE), "--id", "pad"],
                   env=env, check=True, capture_output=True, timeout=300)
    code = (
        "import resource, signal, sys\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))\n"
        "from evidence.cli import main\nsys.argv = ['evidence', 'resolve', 'pad', '--offline']\nmain()"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (1, 3), proc.stderr
    assert "Traceback" not in proc.stderr and "unexpected" not in proc.stderr
