"""resolve(): PMIDs of a policy's references -> Article / Unresolved rows, against the fake."""

from __future__ import annotations

from collections import Counter

import pytest
from fake_eutils import add_many, synthetic_pmids
from resolve_helpers import make_policy
from sqlmodel import Session, select

from evidence.config import load_settings
from evidence.entrez.client import EntrezClient
from evidence.services.resolve import resolve
from evidence.store import models as m

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set


def client(**settings):  # type: ignore[no-untyped-def]
    return EntrezClient(load_settings().with_(**settings), sleep=lambda s: None, timeout=(2.0, 0.5))


def articles(engine) -> dict[str, m.Article]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return {a.pmid: a for a in s.exec(select(m.Article))}


def test_450_references_resolve_in_three_requests_then_none(engine, fake_eutils):
    pmids = synthetic_pmids(450)
    add_many(fake_eutils, pmids)
    make_policy(engine, pmids)
    with client() as c:
        first = resolve(engine, c, "synthetic-policy")
        second = resolve(engine, c, "synthetic-policy")
    assert (first.resolved, first.fetched, first.requests, first.unresolved) == (450, 450, 3, {})
    assert (second.resolved, second.requests, second.fetched) == (450, 0, 0)
    assert sorted(articles(engine)) == pmids


@pytest.mark.parametrize("seed", [45, 57, 55])  # together: every fault kind
def test_under_30_percent_faults_every_pmid_is_stored_once_and_right(engine, fake_eutils, seed):
    fake_eutils.slow_seconds = 1.0
    pmids = synthetic_pmids(450)
    add_many(fake_eutils, pmids)
    make_policy(engine, pmids + pmids[:10])  # cited twice: still one row each
    fake_eutils.faults(rate=0.3, seed=seed)
    with client() as c:
        summary = resolve(engine, c)
    stored = articles(engine)
    assert summary.unreachable is None and summary.resolved == 450
    assert sorted(stored) == pmids
    assert all(a.title == f"Synthetic study {p}." for p, a in stored.items())
    assert fake_eutils.faults_injected  # faults really happened
    with Session(engine) as s:
        counts = Counter(s.exec(select(m.Article.pmid)))
    assert max(counts.values()) == 1


def test_a_batch_that_exhausts_its_retries_gets_a_second_pass(engine, fake_eutils):
    pmids = synthetic_pmids(200)  # one batch
    add_many(fake_eutils, pmids)
    make_policy(engine, pmids)
    fake_eutils.fail_next(6, "500")  # a streak as long as the client's tries
    with client() as c:
        summary = resolve(engine, c)
    assert summary.unreachable is None and summary.resolved == 200
    assert fake_eutils.count("efetch.fcgi") == 7


def test_a_batch_that_fails_twice_leaves_the_run_partial_and_the_rest_stored(engine, fake_eutils):
    pmids = synthetic_pmids(200)
    add_many(fake_eutils, pmids)
    make_policy(engine, pmids)
    fake_eutils.fail_next(12, "error_body")
    with client() as c:
        summary = resolve(engine, c)
    assert summary.partial and "ERROR" in (summary.unreachable or "").upper()
    assert articles(engine) == {}


def test_unknown_pmids_are_recorded_then_cleared_when_found(engine, fake_eutils):
    add_many(fake_eutils, ["90000001"])
    make_policy(engine, ["90000001", "90000002"])
    with client() as c:
        summary = resolve(engine, c)
    assert summary.unresolved == {"90000002": "not in PubMed (deleted or never existed)"}
    assert summary.partial
    fake_eutils.add_article("90000002")
    with client() as c:
        later = resolve(engine, c)
    assert later.unresolved == {} and later.resolved == 2
    with Session(engine) as s:
        assert s.exec(select(m.Unresolved)).all() == []


def test_ecitmatch_fills_matched_pmid_and_fetches_it(engine, fake_eutils):
    fake_eutils.add_article(
        "90000077",
        title="Peripheral artery disease.",
        journal_iso="Circulation",
        year=2016,
        volume="133",
        pages="1431-46",
        authors=["Kullo IJ"],
    )
    no_pmid = {
        "journal": "Circulation",
        "year": 2016,
        "volume": "133",
        "pages": "1431-46",
        "authors": ["Kullo IJ", "Rooke TW"],
        "title": "Peripheral artery disease.",
    }
    lost = {
        "journal": "Circulation",
        "year": 1999,
        "volume": "1",
        "pages": "1-2",
        "authors": ["Nobody X"],
    }
    make_policy(engine, [], extra=[no_pmid, lost])
    with client() as c:
        summary = resolve(engine, c)
    with Session(engine) as s:
        refs = {r.number: r for r in s.exec(select(m.Reference))}
    assert refs[1].matched_pmid == "90000077"
    assert refs[1].match_status == "matched, unconfirmed"
    assert refs[1].match_method == "ecitmatch: Circulation|2016|133|1431|Kullo IJ"
    assert refs[2].matched_pmid is None and refs[2].match_status == "not found"
    assert summary.matched == 1 and "90000077" in articles(engine)


def test_unreachable_ncbi_keeps_the_store(engine, fake_eutils, monkeypatch):
    add_many(fake_eutils, ["90000001"])
    make_policy(engine, ["90000001"])
    with client() as c:
        resolve(engine, c)
    make_policy(engine, ["90000002"], policy_id="second")
    monkeypatch.setenv("EVIDENCE_EUTILS_URL", "http://127.0.0.1:9/entrez/eutils/")
    with client() as c:
        summary = resolve(engine, c)
    assert summary.unreachable and "unreachable" in summary.unreachable
    assert summary.unresolved == {"90000002": "not checked: NCBI could not be reached"}
    assert sorted(articles(engine)) == ["90000001"]


def test_refresh_refetches_stored_pmids(engine, fake_eutils):
    add_many(fake_eutils, ["90000001"])
    make_policy(engine, ["90000001"])
    with client() as c:
        resolve(engine, c)
    fake_eutils.add_article("90000001", title="Updated after indexing.")
    with client(refresh=True) as c:
        summary = resolve(engine, c, refresh=True)
    assert summary.fetched == 1 and articles(engine)["90000001"].title == "Updated after indexing."


def _flags(engine) -> dict[tuple[int, str], str]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        stmt = select(m.Reference.number, m.CitationFlag.kind, m.CitationFlag.detail).join(
            m.CitationFlag, m.CitationFlag.reference_id == m.Reference.id  # type: ignore[arg-type]
        )
        rows = s.exec(stmt)  # type: ignore[call-overload]
        return {(n, k): d for n, k, d in rows}


def _rows(engine) -> dict[str, dict]:  # type: ignore[no-untyped-def,type-arg]
    return {p: a.model_dump(exclude={"fetched_at"}) for p, a in articles(engine).items()}


def test_a_resolve_from_the_cache_stores_what_the_first_one_stored(engine, fake_eutils, tmp_path):
    """The cached path (parsed on the calling thread, several batches per transaction, the
    citations checked against the records in hand) writes the same rows and flags."""
    from evidence.store import open_store

    pmids = synthetic_pmids(1_250)  # seven batches: more than one transaction's worth
    add_many(fake_eutils, pmids)
    make_policy(engine, pmids, extra=[{"pmid": pmids[3], "year": 1990, "journal": "Other J"}])
    with client(eutils_url=fake_eutils.url) as c:
        first = resolve(engine, c, "synthetic-policy")
    sent = fake_eutils.count("efetch.fcgi")
    fresh = open_store(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    make_policy(fresh, pmids, extra=[{"pmid": pmids[3], "year": 1990, "journal": "Other J"}])
    with client(eutils_url=fake_eutils.url) as c:
        again = resolve(fresh, c, "synthetic-policy")
    assert fake_eutils.count("efetch.fcgi") == sent  # nothing asked of NCBI
    assert (again.resolved, again.from_cache, again.requests) == (1_250, 1_250, 0)
    assert again.flagged == first.flagged > 0
    assert _flags(fresh) == _flags(engine)
    assert _rows(fresh) == _rows(engine)
    fresh.dispose()


def test_ncbi_gone_after_the_cached_batches_keeps_them_and_their_flags(engine, fake_eutils, tmp_path):
    """Batches answered by the cache wait to be written together; a run that stops on the
    next batch (NCBI unreachable) still keeps every one of them, flags included."""
    from evidence.store import open_store

    pmids = synthetic_pmids(600)
    add_many(fake_eutils, pmids)
    wrong = [{"pmid": pmids[5], "year": 1990, "journal": "Other J"}]
    make_policy(engine, pmids[:400], extra=wrong)
    with client(eutils_url=fake_eutils.url) as c:
        resolve(engine, c, "synthetic-policy")  # the cache now answers the first two batches
    fresh = open_store(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    make_policy(fresh, pmids, extra=wrong)
    url = fake_eutils.url
    fake_eutils.stop()  # NCBI unreachable from here on
    with client(eutils_url=url) as c:
        summary = resolve(fresh, c, "synthetic-policy")
    assert summary.unreachable is not None and summary.partial
    assert sorted(articles(fresh)) == pmids[:400]
    assert sorted(summary.unresolved) == pmids[400:]
    assert set(_flags(fresh).values()) == set(_flags(engine).values()) != set()
    fresh.dispose()
