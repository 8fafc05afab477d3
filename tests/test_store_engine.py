"""The store shared by several processes: SQLite settings, concurrent first open, concurrent
writers doing upserts (no "database is locked", no duplicate rows), upsert semantics."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, text
from sqlmodel import select

import evidence.store.models as m
from evidence.store import open_store, transaction
from evidence.store.upgrade import current_revision, head_revision
from evidence.store.upsert import upsert

# A writer: open the (possibly blank) store, then for SECONDS upsert articles, references and
# flags that the other writer upserts too. Prints its counts as JSON; any exception fails it.
WORKER = r"""
import json, random, sys, time
from sqlmodel import select
import evidence.store.models as m
from evidence.store import open_store, transaction
from evidence.store.upsert import upsert

url, seconds = sys.argv[1], float(sys.argv[2])
start_at, seed = float(sys.argv[3]), int(sys.argv[4])
while time.time() < start_at:
    time.sleep(0.005)
engine = open_store(url)
rng = random.Random(seed)
done = 0
deadline = time.time() + seconds
while time.time() < deadline:
    with transaction(engine) as s:
        upsert(s, m.Policy, [{"id": "shared", "title": f"by {seed}", "sha256": "0" * 64}], ["id"])
        refs = [{"policy_id": "shared", "revision": 1, "number": n, "raw": f"ref {n} by {seed}"}
                for n in rng.sample(range(1, 21), 5)]
        upsert(s, m.Reference, refs, ["policy_id", "revision", "number"])
        pmids = rng.sample(range(90000001, 90000201), 20)
        articles = [{"pmid": str(p), "title": f"t{p} by {seed}"} for p in pmids]
        upsert(s, m.Article, articles, ["pmid"])
        ids = s.exec(select(m.Reference.id).where(m.Reference.policy_id == "shared")).all()
        flags = [{"reference_id": i, "kind": k, "detail": f"by {seed}"}
                 for i in rng.sample(list(ids), min(3, len(ids))) for k in ("year", "journal")]
        upsert(s, m.CitationFlag, flags, ["reference_id", "kind"])
    done += 1
engine.dispose()
print(json.dumps({"transactions": done}))
"""


def _run_writers(url: str, writers: int = 2, seconds: float = 2.0) -> list[dict]:
    start_at = time.time() + 1.0  # let every interpreter start, then go together
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, str(seconds), str(start_at), str(seed)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in range(writers)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err[-2000:]
        assert "database is locked" not in err
        results.append(json.loads(out))
    return results


@pytest.mark.timeout(90)
def test_two_writers_on_a_blank_store_finish_without_locks_or_duplicates(db_url):
    results = _run_writers(db_url)
    assert all(r["transactions"] > 0 for r in results)

    engine = open_store(db_url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
        assert versions == 1
        with transaction(engine) as s:
            refs = s.exec(select(m.Reference.number)).all()
            assert len(refs) == len(set(refs)) <= 20
            pairs = s.exec(select(m.CitationFlag.reference_id, m.CitationFlag.kind)).all()
            assert len(pairs) == len(set(pairs)) > 0
            assert s.exec(select(func.count()).select_from(m.Article)).one() <= 200
    finally:
        engine.dispose()


def test_sqlite_store_is_set_up_for_sharing(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'shared.sqlite'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        engine.dispose()


def test_upsert_inserts_then_updates_only_the_columns_given(engine):
    with transaction(engine) as s:
        upsert(
            s, m.Article, [{"pmid": "90000001", "title": "first", "journal": "J Vasc"}], ["pmid"]
        )
    with transaction(engine) as s:
        upsert(
            s, m.Article, [{"pmid": "90000001", "title": "second"}, {"pmid": "90000002"}], ["pmid"]
        )
    with transaction(engine) as s:
        first, second = s.get(m.Article, "90000001"), s.get(m.Article, "90000002")
        assert (first.title, first.journal) == ("second", "J Vasc")
        assert second.authors == [] and second.fetched_at is not None  # model defaults filled


def test_upsert_with_no_update_columns_keeps_what_is_there(engine):
    with transaction(engine) as s:
        upsert(
            s,
            m.DesignTag,
            [
                {
                    "subject": "pmid:90000001",
                    "design": "rct",
                    "source": "manual",
                    "signal": "set by hand",
                }
            ],
            ["subject"],
        )
        upsert(
            s,
            m.DesignTag,
            [
                {
                    "subject": "pmid:90000001",
                    "design": "other",
                    "source": "citation-text",
                    "signal": "rule",
                }
            ],
            ["subject"],
            update_cols=[],
        )
    with transaction(engine) as s:
        assert s.get(m.DesignTag, "pmid:90000001").design == "rct"


def test_upsert_takes_the_last_of_repeated_keys_in_one_batch(engine):
    rows = [{"pmid": "90000003", "reason": "unknown"}, {"pmid": "90000003", "reason": "deleted"}]
    with transaction(engine) as s:
        assert upsert(s, m.Unresolved, rows, ["pmid"]) == 1
    with transaction(engine) as s:
        assert s.get(m.Unresolved, "90000003").reason == "deleted"


def test_upsert_of_many_rows_is_split_below_the_parameter_limit(engine):
    rows = [{"pmid": str(90000000 + i), "title": f"t{i}"} for i in range(3000)]
    with transaction(engine) as s:
        assert upsert(s, m.Article, rows, ["pmid"]) == 3000
    with transaction(engine) as s:
        assert s.exec(select(func.count()).select_from(m.Article)).one() == 3000
