"""Killing `evidence review start` half way (SIGKILL, a real subprocess) and running it again
leaves one cycle with each candidate once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from fake_eutils import synthetic_pmids
from review_helpers import POLICY, make_policy
from sqlalchemy import text

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

HITS = 600  # three efetch batches of 200, each its own transaction


def _count(engine, sql: str) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar() or 0)


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "evidence", "review", "start", POLICY, "--until", "2026-11-01"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_sigkill_after_the_first_batch_then_resume(engine, fake_eutils):
    make_policy(engine)
    for p in synthetic_pmids(HITS, start=90010001):
        fake_eutils.add_article(
            p, title="Bone marrow stem cells in limb ischemia", edat=date(2026, 1, 5)
        )
    env = {**os.environ, "EVIDENCE_EUTILS_URL": fake_eutils.url}
    proc = _start(env)
    deadline = time.monotonic() + 60
    while _count(engine, "SELECT COUNT(*) FROM candidate") == 0 and proc.poll() is None:
        assert time.monotonic() < deadline, "no batch stored within 60 s"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored_at_kill = _count(engine, "SELECT COUNT(*) FROM candidate")
    assert 0 < stored_at_kill < HITS and stored_at_kill % 200 == 0  # whole batches only

    again = _start(env)
    assert again.wait(timeout=120) == 0, again.stderr.read().decode() if again.stderr else ""
    assert _count(engine, "SELECT COUNT(*) FROM reviewcycle") == 1
    assert _count(engine, "SELECT COUNT(*) FROM candidate") == HITS
    assert _count(engine, "SELECT COUNT(DISTINCT pmid) FROM candidate") == HITS
    assert _count(engine, "SELECT COUNT(*) FROM article") == HITS


@pytest.mark.slow
def test_repeated_sigkills_at_random_points_then_resume(engine, fake_eutils, capsys):
    """Kill `review start` again and again (seeded random delays); the last run finishes:
    one cycle, each candidate once, whole batches only after every kill."""
    import random

    make_policy(engine)
    for p in synthetic_pmids(HITS, start=90010001):
        fake_eutils.add_article(
            p, title="Bone marrow stem cells in limb ischemia", edat=date(2026, 1, 5)
        )
    env = {**os.environ, "EVIDENCE_EUTILS_URL": fake_eutils.url}
    rng = random.Random(6)
    runs = kills = 0
    for _ in range(6):
        proc = _start(env)
        runs += 1
        time.sleep(rng.uniform(0.3, 1.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        assert _count(engine, "SELECT COUNT(*) FROM reviewcycle") <= 1
        assert _count(engine, "SELECT COUNT(*) FROM candidate") % 200 == 0
        dupes = "SELECT COUNT(*) - COUNT(DISTINCT pmid) FROM candidate"
        assert _count(engine, dupes) == 0
    again = _start(env)
    runs += 1
    assert again.wait(timeout=120) == 0, again.stderr.read().decode() if again.stderr else ""
    assert _count(engine, "SELECT COUNT(*) FROM reviewcycle") == 1
    assert _count(engine, "SELECT COUNT(*) FROM candidate") == HITS
    assert _count(engine, "SELECT COUNT(DISTINCT pmid) FROM candidate") == HITS
    assert _count(engine, "SELECT COUNT(*) FROM article") == HITS
    with capsys.disabled():
        print(f"\nreview start crash loop: {runs} runs, {kills} SIGKILLs, duplicates found: 0")
