"""Two processes resolving and tagging one store at once (SQLite, and PostgreSQL when
EVIDENCE_TEST_PG is set): both exit 0, no "database is locked", no duplicate row, and the
same end state as running them one after the other.

Process A resolves then tags policy A; process B does the same for policy B, which cites half
of A's PMIDs; both share one HTTP cache and one fake E-utilities server.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pg
import pytest
from fake_eutils import FakeEutils, article_xml, synthetic_pmids
from resolve_helpers import make_policy
from sqlalchemy import text

from evidence.store import open_store

pytestmark = pytest.mark.slow

ALL = synthetic_pmids(900, start=90200001)
POLICIES = {"policy-a": ALL[:600], "policy-b": ALL[300:]}  # 300 PMIDs in common
ROUNDS = 3
DESIGNS = ["Randomized Controlled Trial", "Meta-Analysis", "Observational Study", "Review"]


def _record(pmid: str) -> str:
    n = int(pmid)
    kind = DESIGNS[n % len(DESIGNS)]
    return article_xml(
        pmid,
        title=f"Synthetic study {pmid} of stem cell therapy ({kind}).",
        publication_types=["Journal Article", kind],
        abstract="Bone marrow cells were given." if n % 2 else "Exercise was studied.",
    )


@pytest.fixture(scope="module")
def server():  # type: ignore[no-untyped-def]
    with FakeEutils(enforce_rate=False) as fake:
        fake.synthesize = _record
        yield fake


@contextmanager
def _store(kind: str, tmp: Path, name: str) -> Iterator[str]:
    if kind == "postgresql":
        with pg.fresh_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp / f'{name}.sqlite'}"


def _seed(url: str) -> None:
    engine = open_store(url)
    for policy_id, pmids in POLICIES.items():
        make_policy(engine, pmids, policy_id=policy_id)
    engine.dispose()


def _job(policy_id: str) -> list[str]:
    """resolve then tag one policy, as one shell line (stops at the first failure)."""
    evidence = [sys.executable, "-m", "evidence"]
    resolve = shlex.join([*evidence, "resolve", "--policy", policy_id])
    tag = shlex.join([*evidence, "tag", "--policy", policy_id])
    return ["sh", "-c", f"{resolve} && {tag}"]


def _env(url: str, cache: Path, server: FakeEutils) -> dict[str, str]:
    return {
        **os.environ,
        "EVIDENCE_DB": url,
        "EVIDENCE_CACHE": str(cache),
        "EVIDENCE_EUTILS_URL": server.url,
    }


def _run(jobs: list[list[str]], env: dict[str, str]) -> list[tuple[int, str]]:
    """Start every job at once; wait for all; (exit code, stderr) of each."""
    procs = [
        subprocess.Popen(j, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for j in jobs
    ]
    return [(p.wait(timeout=120), p.stderr.read().decode() if p.stderr else "") for p in procs]


def _state(url: str) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """What a user would see, without timestamps or surrogate keys."""
    queries = {
        "article": "SELECT pmid, title, year FROM article ORDER BY pmid",
        "designtag": "SELECT subject, design, level, source FROM designtag ORDER BY subject",
        "reference": "SELECT policy_id, number, pmid, role, role_source FROM reference "
        "ORDER BY policy_id, number",
        "citationflag": "SELECT r.policy_id, r.number, f.kind FROM citationflag f "
        "JOIN reference r ON r.id = f.reference_id ORDER BY r.policy_id, r.number, f.kind",
        "unresolved": "SELECT pmid FROM unresolved ORDER BY pmid",
    }
    engine = open_store(url)
    try:
        with engine.connect() as conn:
            return {k: [tuple(r) for r in conn.execute(text(q))] for k, q in queries.items()}
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", pg.DB_KINDS)
def test_two_processes_resolve_and_tag_one_store(kind, tmp_path, server, capsys):
    with _store(kind, tmp_path, "sequential") as url:
        _seed(url)
        env = _env(url, tmp_path / "sequential-cache.sqlite", server)
        for job in POLICIES:
            [(code, err)] = _run([_job(job)], env)
            assert code == 0, err
        expected = _state(url)
    assert len(expected["article"]) == len(ALL)
    assert len(expected["designtag"]) == len(ALL)

    for round_ in range(ROUNDS):
        with _store(kind, tmp_path, f"round{round_}") as url:
            _seed(url)
            env = _env(url, tmp_path / f"cache{round_}.sqlite", server)
            results = _run([_job(p) for p in POLICIES], env)
            for code, err in results:
                assert "locked" not in err.lower(), err
                assert code == 0, err
            state = _state(url)
        pmids = [row[0] for row in state["article"]]
        subjects = [row[0] for row in state["designtag"]]
        assert len(pmids) == len(set(pmids)) == len(ALL), "an article twice or missing"
        assert len(subjects) == len(set(subjects)) == len(ALL), "a design tag twice or missing"
        assert state == expected
    with capsys.disabled():
        print(
            f"\nconcurrency ({kind}): {ROUNDS} rounds x 2 processes (resolve + tag), "
            f"{len(ALL)} PMIDs ({len(POLICIES['policy-a']) + len(POLICIES['policy-b']) - len(ALL)}"
            " shared), all exit 0, no 'database is locked', duplicates found: 0"
        )


OPENER = r"""
import sys, time
from evidence.store.engine import make_engine
url, start_at = sys.argv[1], float(sys.argv[2])
while time.time() < start_at:
    pass
with make_engine(url).connect():
    pass
"""


def test_processes_opening_one_blank_sqlite_file_at_once(tmp_path):
    """Each process switches the new file to WAL on connect; SQLite refuses all but one at
    once with "database is locked" (no busy wait): the loser must wait, not fail."""
    import time

    failures = []
    for round_ in range(12):
        url = f"sqlite:///{tmp_path / f'blank{round_}.sqlite'}"
        start_at = str(time.time() + 0.8)
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPENER, url, start_at],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for _ in range(4)
        ]
        for p in procs:
            if p.wait(timeout=60) != 0:
                failures.append(p.stderr.read().decode()[-300:] if p.stderr else "")
    assert failures == []
