"""The HTTP cache: what it keeps, what it refuses, and that the API key is never in it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import requests
from fake_eutils import add_many, synthetic_pmids

from evidence.config import load_settings
from evidence.entrez.cache import make_session, usable_response
from evidence.entrez.client import EntrezClient

KEY = "a-secret-key-123"


def _response(body: bytes, url: str, status: int = 200) -> requests.Response:
    r = requests.Response()
    r.status_code, r._content, r.url = status, body, url
    return r


def test_session_settings_follow_the_settings(tmp_path):
    settings = load_settings().with_(
        cache_path=str(tmp_path / "c" / "http.sqlite"), cache_days=7, offline=True
    )
    session = make_session(settings)
    assert session.settings.expire_after == timedelta(days=7)
    assert session.settings.only_if_cached is True
    assert set(session.settings.allowable_methods) == {"GET", "POST"}
    assert {"api_key", "email", "tool"} <= set(session.settings.ignored_parameters)
    session.close()
    assert (tmp_path / "c" / "http.sqlite").exists()


@pytest.mark.parametrize("kind", ["error_body", "html_block", "truncated", "429", "500"])
def test_a_bad_answer_is_never_cached(fake_eutils, kind):
    add_many(fake_eutils, ["90000001"])
    fake_eutils.fail_next(1, kind)
    with EntrezClient(load_settings(), sleep=lambda s: None) as c:
        c.fetch_articles(["90000001"])
        bodies = [r.content for r in c.session.cache.responses.values()]
    assert len(bodies) == 1 and bodies[0].rstrip().endswith(b"</PubmedArticleSet>")


@pytest.mark.parametrize("method_ids", [1, 30], ids=["GET", "POST"])
def test_the_api_key_is_not_in_keys_urls_bodies_or_the_file(fake_eutils, monkeypatch, method_ids):
    monkeypatch.setenv("NCBI_API_KEY", KEY)
    monkeypatch.setenv("NCBI_EMAIL", "someone@example.org")
    pmids = synthetic_pmids(method_ids)
    add_many(fake_eutils, pmids)
    settings = load_settings()
    with EntrezClient(settings) as c:
        c.fetch_articles(pmids)
        stored = list(c.session.cache.responses.values())
    assert len(stored) == 1
    request = stored[0].request
    assert KEY not in (request.url or "") and KEY.encode() not in (request.body or b"")
    assert "someone@example.org" not in (request.url or "")
    assert KEY.encode() not in Path(settings.cache_path).read_bytes()


def test_offline_reads_what_an_online_run_cached(fake_eutils):
    pmids = synthetic_pmids(40)
    add_many(fake_eutils, pmids)
    with EntrezClient(load_settings()) as c:
        c.fetch_articles(pmids)
    with EntrezClient(load_settings().with_(offline=True)) as c:
        result = c.fetch_articles(pmids)
    assert result.from_cache == 40 and result.requests == 0 and len(fake_eutils.requests) == 1


@pytest.mark.parametrize(
    ("body", "endpoint", "ok"),
    [
        # an empty set for PMIDs that were asked is never kept (issue #15)
        (b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n</PubmedArticleSet>', "efetch.fcgi", False),
        (b"<PubmedArticleSet>\n<PubmedArticle>x</PubmedArticle></PubmedArticleSet>", "efetch.fcgi", True),
        (
            b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n<PubmedArticle><Medline',
            "efetch.fcgi",
            False,
        ),
        (
            b"<eSearchResult>\n\t<ERROR>Search Backend failed: x</ERROR>\n</eSearchResult>",
            "esearch.fcgi",
            False,
        ),
        (b"<eSearchResult><Count>0</Count><ERROR/></eSearchResult>", "esearch.fcgi", True),
        (
            b"<!DOCTYPE html>\n<html><title>NCBI - WWW Error Blocked Diagnostic</title></html>",
            "efetch.fcgi",
            False,
        ),
        (b'{"error":"API rate limit exceeded","count":"11"}', "esearch.fcgi", False),
        (b"J|2020|1|1|A B|k|90000001\n", "ecitmatch.cgi", True),
        (b"", "efetch.fcgi", False),
    ],
)
def test_usable_response(body, endpoint, ok):
    assert usable_response(_response(body, f"http://x/eutils/{endpoint}")) is ok


def test_the_corpus_error_bodies_are_refused(shared):
    ex = shared / "corpora" / "eutils-real" / "excerpts"
    failed = (ex / "esearch_xml_search_backend_failed.xml").read_bytes()
    assert not usable_response(_response(failed, "http://x/esearch.fcgi"))
    limit = (ex / "rate_limit_429_observed.json").read_bytes()
    assert not usable_response(_response(limit, "http://x/efetch.fcgi", status=200))
    empty = (
        shared / "corpora" / "eutils-real" / "metapub" / "pmid_xml" / "37909814.xml"
    ).read_bytes()
    # NCBI's real answer for an unavailable PMID: not kept, so a transient one is asked again
    assert not usable_response(_response(empty, "http://x/efetch.fcgi"))
