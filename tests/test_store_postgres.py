"""The schema's types on every dialect the tests have (SQLite; PostgreSQL with
EVIDENCE_TEST_PG): JSON, dates, aware datetimes, long Text, accents, SQL metacharacters."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pg
import pytest

import evidence.store.models as m
from evidence.store import transaction
from evidence.store.upsert import upsert

LONG = "Dubský 'é' ; -- " * 5000  # 80,000 characters, over any VARCHAR limit a dialect has


def test_postgresql_server_for_the_tests():
    """Reports, once, that the PostgreSQL half of the suite did not run."""
    if not pg.SERVER:
        pytest.skip("EVIDENCE_TEST_PG not set: store tests ran on SQLite only (.ci/postgres.sh)")
    assert pg.DB_KINDS == ["sqlite", "postgresql"]


def test_every_kind_of_column_round_trips(engine):
    reviewed = datetime(2025, 9, 17, 8, 30, tzinfo=timezone.utc)
    with transaction(engine) as s:
        s.add(
            m.Policy(
                id="p",
                title=LONG[:300],
                sha256="f" * 64,
                effective_date=date(2026, 1, 1),
                conclusion=LONG,
                related=["Policy 1.01.01", "Procházka"],
                ingested_at=reviewed,
            )
        )
        s.add(
            m.Article(
                pmid="90000001",
                abstract=LONG,
                authors=[{"last": "Jalůvka", "fore": None}],
                abstract_sections=[{"label": "CONCLUSIONS", "text": LONG[:100]}],
                mesh=[{"descriptor": "Ischemia", "major": True, "qualifiers": ["therapy"]}],
                journal=LONG,
                is_book=True,
            )
        )
        s.add(m.Unresolved(pmid="9" * 64, reason=LONG[:500]))
    with transaction(engine) as s:
        p, a = s.get(m.Policy, "p"), s.get(m.Article, "90000001")
        assert (p.conclusion, p.related, p.effective_date) == (
            LONG,
            ["Policy 1.01.01", "Procházka"],
            date(2026, 1, 1),
        )
        assert p.ingested_at == reviewed and p.ingested_at.tzinfo is not None
        assert a.authors == [{"last": "Jalůvka", "fore": None}] and a.mesh[0]["major"] is True
        assert (a.abstract, a.journal, a.is_book) == (LONG, LONG, True)
        assert s.get(m.Unresolved, "9" * 64).reason == LONG[:500]


def test_upsert_keeps_unicode_and_json_on_this_dialect(engine):
    with transaction(engine) as s:
        upsert(s, m.Article, [{"pmid": "90000002", "keywords": ["ß", "Skóra"]}], ["pmid"])
        upsert(s, m.Article, [{"pmid": "90000002", "title": "Dubský"}], ["pmid"])
    with transaction(engine) as s:
        a = s.get(m.Article, "90000002")
        assert (a.title, a.keywords) == ("Dubský", ["ß", "Skóra"])
