"""The E-utilities client against the real loopback fake server."""

from __future__ import annotations

from datetime import date

import pytest
from fake_eutils import add_many, synthetic_pmids
from fake_eutils.server import FAULT_KINDS

from evidence.config import load_settings
from evidence.entrez.client import EntrezClient, redact
from evidence.errors import EntrezError, EntrezUnavailable

KEY = "a-secret-key-123"


def client(**kw):  # type: ignore[no-untyped-def]
    settings = load_settings().with_(**kw.pop("settings", {}))
    kw.setdefault("sleep", lambda s: None)
    return EntrezClient(settings, **kw)


def test_450_pmids_cost_three_posts_and_a_second_fetch_none(fake_eutils):
    pmids = synthetic_pmids(450)
    add_many(fake_eutils, pmids)
    with client() as c:
        first = c.fetch_articles(pmids)
        assert sorted(a.pmid for a in first.articles) == pmids
        assert first.requests == 3 and first.from_cache == 0
        assert [r["ids"] for r in fake_eutils.requests] == [200, 200, 50]
        assert {r["method"] for r in fake_eutils.requests} == {"POST"}
        again = c.fetch_articles(pmids)
    assert again.requests == 0 and again.from_cache == 450
    assert len(fake_eutils.requests) == 3


def test_short_lists_use_get_and_send_tool_and_email(fake_eutils, monkeypatch):
    monkeypatch.setenv("NCBI_EMAIL", "someone@example.org")
    add_many(fake_eutils, ["90000001"])
    with client() as c:
        c.fetch_articles(["90000001"])
    (req,) = fake_eutils.requests
    assert req["method"] == "GET"
    assert req["params"]["tool"] == "evidence" and req["params"]["email"] == "someone@example.org"


def test_unknown_and_invalid_pmids_are_reported(fake_eutils):
    add_many(fake_eutils, ["90000001"])
    with client() as c:
        result = c.fetch_articles(["90000001", "90000002", "12abc", "0"])
    assert [a.pmid for a in result.articles] == ["90000001"]
    assert result.missing == {
        "90000002": "not in PubMed (deleted or never existed)",
        "12abc": "invalid PMID",
        "0": "invalid PMID",
    }


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_each_fault_kind_is_retried_and_never_cached(fake_eutils, kind):
    fake_eutils.slow_seconds = 1.0
    pmids = synthetic_pmids(30)
    add_many(fake_eutils, pmids)
    fake_eutils.fail_next(2, kind)
    with client(timeout=(2.0, 0.5)) as c:
        result = c.fetch_articles(pmids)
        assert sorted(a.pmid for a in result.articles) == pmids
        assert result.requests == 3
        again = c.fetch_articles(pmids)  # the cache holds the good answer only
    assert again.requests == 0 and len(again.articles) == 30


def test_a_batch_that_keeps_failing_raises_without_the_key(fake_eutils, monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", KEY)
    add_many(fake_eutils, ["90000001"])
    fake_eutils.fail_next(10, "500")
    with client(max_tries=3) as c, pytest.raises(EntrezError) as info:
        c.fetch_articles(["90000001"])
    assert "3 tries" in str(info.value) and KEY not in str(info.value)
    assert fake_eutils.count("efetch.fcgi") == 3


def test_unreachable_ncbi_is_said_quickly_without_the_key(monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", KEY)
    with client() as c, pytest.raises(EntrezUnavailable) as info:
        c.fetch_articles(["90000001"])
    assert "unreachable" in str(info.value) and KEY not in str(info.value)
    assert c.requests_made == 2


def test_offline_with_an_empty_cache_sends_nothing(fake_eutils):
    with client(settings={"offline": True}) as c, pytest.raises(EntrezUnavailable):
        c.fetch_articles(["90000001"])
    assert fake_eutils.requests == []


def test_refresh_bypasses_the_cache(fake_eutils):
    add_many(fake_eutils, ["90000001"])
    with client() as c:
        c.fetch_articles(["90000001"])
    fake_eutils.add_article("90000001", title="Corrected title.")
    with client(settings={"refresh": True}) as c:
        (article,) = c.fetch_articles(["90000001"]).articles
    assert article.title == "Corrected title." and len(fake_eutils.requests) == 2


def test_search_all_pages_through_the_history_server(fake_eutils):
    pmids = synthetic_pmids(120)
    add_many(
        fake_eutils, pmids, abstract="Bone marrow cells for limb ischemia.", edat=date(2023, 5, 1)
    )
    add_many(
        fake_eutils, synthetic_pmids(5, 91000001), abstract="Unrelated.", edat=date(2023, 5, 1)
    )
    with client() as c:
        found = c.search_all(
            '"bone marrow"[tiab] AND ischemia', date(2023, 1, 1), date(2023, 12, 31), page_size=50
        )
    assert found == pmids
    searches = [r["params"] for r in fake_eutils.requests]
    assert len(searches) == 3
    assert [p.get("retstart") for p in searches] == ["0", "50", "100"]
    assert all(p.get("WebEnv", "").startswith("MCID_") for p in searches[1:])


def test_search_all_splits_a_window_past_9999_hits(fake_eutils):
    for i, p in enumerate(synthetic_pmids(10_050)):
        fake_eutils.add_article(
            p, title="Cell therapy trial.", edat=date(2022, 1 + i % 12, 1 + i % 28)
        )
    with client() as c:
        found = c.search_all("cell therapy", date(2022, 1, 1), date(2022, 12, 31))
    assert len(found) == 10_050 and found == sorted(set(found), key=int)
    assert fake_eutils.count("esearch.fcgi") == 3  # the full window, then two halves


def test_esearch_date_window_and_zero_hits(fake_eutils):
    fake_eutils.add_article("90000001", title="Stem cells in PAD.", edat=date(2021, 6, 1))
    fake_eutils.add_article("90000002", title="Stem cells in PAD.", edat=date(2024, 6, 1))
    with client() as c:
        hit = c.esearch("stem cells", date(2024, 1, 1), date(2024, 12, 31))
        none = c.esearch("nothing like this")
    assert hit.ids == ["90000002"] and hit.count == 1 and hit.webenv
    assert none.count == 0 and none.ids == []


def test_retstart_past_the_wall_is_an_error_not_retried(fake_eutils):
    with client() as c, pytest.raises(EntrezError, match="9998"):
        c.esearch("anything", retstart=10_000)
    assert fake_eutils.count("esearch.fcgi") == 1


def test_ecitmatch_matches_not_found_and_ambiguous(fake_eutils):
    fake_eutils.add_article(
        "90000001",
        journal_iso="J Synth Med",
        year=2019,
        volume="7",
        pages="11-20",
        authors=["Kullo IJ"],
    )
    for p in ("90000002", "90000003"):
        fake_eutils.add_article(
            p, journal_iso="J Synth Med", year=2018, volume="3", pages="5-9", authors=["Twin A"]
        )
    with client() as c:
        answers = c.ecitmatch(
            [
                {
                    "journal": "J Synth Med",
                    "year": 2019,
                    "volume": "7",
                    "first_page": "11",
                    "author": "Kullo IJ",
                    "key": "a",
                },
                {
                    "journal": "J Synth Med",
                    "year": 2018,
                    "volume": "3",
                    "first_page": "5",
                    "author": "Twin A",
                    "key": "b",
                },
                {
                    "journal": "J Synth Med",
                    "year": 2001,
                    "volume": "1",
                    "first_page": "1",
                    "author": "Nobody",
                    "key": "c",
                },
            ]
        )
        assert c.citmatch_reasons == {"b": "ambiguous", "c": "not found"}
    assert answers == {"a": "90000001", "b": None, "c": None}


def test_redact_strips_the_key():
    url = f"http://x/efetch.fcgi?db=pubmed&api_key={KEY}&id=1"
    assert KEY not in redact(url) and "api_key=REDACTED" in redact(url)
    assert KEY not in redact(f"key is {KEY}", KEY)
