"""SIGKILL `evidence resolve` (a real subprocess) at seeded random points, then run it to the
end: every PMID stored once, no half-written row, the store and the HTTP cache intact.

The fake E-utilities server answers every request slowly (its "slow" fault on every request),
so a run of 1,200 PMIDs (6 efetch batches) lasts long enough to be killed during its first
request, between batches and while a batch is being written. The figures (runs, kills, where
they landed, duplicates found) are printed for the closing note (`pytest -s`).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_eutils import FakeEutils, article_xml, synthetic_pmids
from resolve_helpers import make_policy

from evidence.store import open_store

pytestmark = pytest.mark.slow

PMIDS = synthetic_pmids(1200, start=90100001)
BATCH = 200
KILLS_PER_ROUND = 4  # random-delay kills per store (fresh store per round), then one more
MIN_KILLS = 12
MAX_ROUNDS = 5
SEED = 8


def _record(pmid: str) -> str:
    return article_xml(pmid, title=f"Synthetic randomized trial {pmid}.", doi=f"10.5555/s.{pmid}")


@pytest.fixture
def slow_server():  # type: ignore[no-untyped-def]
    with FakeEutils(enforce_rate=False, slow_seconds=0.25) as fake:
        fake.synthesize = _record
        fake.faults(rate=1.0, kinds=("slow",), seed=SEED)
        yield fake


def _env(tmp: Path, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "EVIDENCE_DB": str(tmp / "evidence.sqlite"),
        "EVIDENCE_CACHE": str(tmp / "http_cache.sqlite"),
        "EVIDENCE_EUTILS_URL": url,
    }


def _resolve(env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "evidence", "resolve", "--policy", "synthetic-policy", *extra]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _query(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def _articles(db: Path) -> int:
    return _query(db, "SELECT COUNT(*) FROM article")[0][0]


def check_store(db: Path) -> int:
    """The invariants a kill must never break; returns duplicate PMIDs found (must be 0)."""
    assert _query(db, "PRAGMA integrity_check") == [("ok",)]
    assert _query(db, "PRAGMA foreign_key_check") == []
    duplicates = _query(db, "SELECT COUNT(*) - COUNT(DISTINCT pmid) FROM article")[0][0]
    half = _query(
        db, "SELECT COUNT(*) FROM article WHERE title IS NULL OR title = '' OR raw_xml IS NULL"
    )
    assert half == [(0,)], "an article row without title or raw XML"
    orphans = _query(
        db, "SELECT COUNT(*) FROM reference r LEFT JOIN policy p ON p.id = r.policy_id "
        "WHERE p.id IS NULL"
    )
    assert orphans == [(0,)], "a reference without its policy"
    flags = _query(
        db, "SELECT COUNT(*) FROM (SELECT reference_id, kind FROM citationflag "
        "GROUP BY reference_id, kind HAVING COUNT(*) > 1)"
    )
    assert flags == [(0,)], "a citation flag twice"
    assert _articles(db) % BATCH == 0, "a batch half written"
    return duplicates


def _kill_at(env: dict[str, str], db: Path, delay: float) -> str | None:
    """Start a run, SIGKILL it after `delay` s; where the kill landed (None: it had finished)."""
    before = _articles(db)
    proc = _resolve(env)
    time.sleep(delay)
    if proc.poll() is not None:
        assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
        return None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = _articles(db)
    if after == before:
        return "before its first batch was stored" if before == 0 else "between batches"
    return "mid-run (a batch stored)"


def _kill_while_writing(env: dict[str, str], db: Path) -> bool:
    """Kill right after the article count moves: the next batch is in flight or being written."""
    before = _articles(db)
    proc = _resolve(env)
    deadline = time.monotonic() + 30
    while _articles(db) == before and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


def test_sigkill_resolve_at_random_points_then_finish(tmp_path, slow_server, capsys):
    rng = random.Random(SEED)
    runs = kills = duplicates = rounds = 0
    landed: dict[str, int] = {}
    while kills < MIN_KILLS and rounds < MAX_ROUNDS:  # a loaded machine finishes runs sooner
        tmp = tmp_path / f"round{rounds}"
        tmp.mkdir()
        env = _env(tmp, slow_server.url)
        db = tmp / "evidence.sqlite"
        engine = open_store(f"sqlite:///{db}")
        make_policy(engine, PMIDS)
        engine.dispose()
        for i in range(KILLS_PER_ROUND):
            if _articles(db) == len(PMIDS):
                break
            # the first kill of each round lands during start-up or the first request
            delay = rng.uniform(0.3, 1.2) if i == 0 else rng.uniform(0.5, 2.5)
            where = _kill_at(env, db, delay)
            runs += 1
            if where is not None:
                kills += 1
                landed[where] = landed.get(where, 0) + 1
            duplicates += check_store(db)
        runs += 1
        if _kill_while_writing(env, db):
            kills += 1
            landed["while a batch was written"] = landed.get("while a batch was written", 0) + 1
        duplicates += check_store(db)
        final = _resolve(env)
        runs += 1
        assert final.wait(timeout=60) == 0, final.stderr.read().decode() if final.stderr else ""
        duplicates += check_store(db)
        assert _articles(db) == len(PMIDS)
        stored = {p for (p,) in _query(db, "SELECT pmid FROM article")}
        assert stored == set(PMIDS)
        assert _query(db, "SELECT COUNT(*) FROM unresolved") == [(0,)]
        rounds += 1
    assert duplicates == 0
    assert kills >= MIN_KILLS
    _check_cache_usable(tmp_path / f"round{rounds - 1}", slow_server)
    with capsys.disabled():
        print(
            f"\ncrash test: {runs} runs, {kills} SIGKILLs ({landed}), "
            f"{rounds} stores completed, duplicates found: {duplicates}"
        )


def _check_cache_usable(tmp: Path, server: FakeEutils) -> None:
    """The cache survived the kills: intact, and an offline run into a fresh store answers
    every PMID from it."""
    assert _query(tmp / "http_cache.sqlite", "PRAGMA integrity_check") == [("ok",)]
    env = _env(tmp, server.url)
    env["EVIDENCE_DB"] = str(tmp / "fresh.sqlite")
    engine = open_store(f"sqlite:///{tmp / 'fresh.sqlite'}")
    make_policy(engine, PMIDS)
    engine.dispose()
    sent = len(server.requests)
    offline = _resolve(env, "--offline")
    assert offline.wait(timeout=60) == 0, offline.stderr.read().decode() if offline.stderr else ""
    assert len(server.requests) == sent
    assert _articles(tmp / "fresh.sqlite") == len(PMIDS)
