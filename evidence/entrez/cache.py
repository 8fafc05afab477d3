"""The HTTP cache in front of NCBI: a requests-cache SQLite file, safe to keep and share.

What it refuses to keep matters as much as what it keeps. NCBI answers trouble with HTTP 200
(an `<ERROR>` body, the HTML block page) or with truncated XML; a cache that stores one of
those serves it back for a month (biocommons/eutils#134). `usable_response` is the filter:
only complete answers of the expected shape are stored, and the client also deletes an entry
whose body later fails to parse. An efetch answer holding none of the PMIDs asked is not kept
either: a transient empty `<PubmedArticleSet>` cached for a month would call good PMIDs
deleted on every run. The API key, email and tool name are ignored parameters, so
they are neither part of the cache keys nor stored with the request (URL or POST body).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from requests_cache import CachedSession

from evidence.config import Settings
from evidence.httpcache import open_cache

SECRET_PARAMS = ["api_key", "email", "tool"]
_ERROR_ELEMENT = re.compile(rb"<ERROR>\s*[^<\s]")
_RECORD = re.compile(rb"<Pubmed(?:Book)?Article[\s>]")
_XML_ROOTS = {
    "efetch.fcgi": b"</PubmedArticleSet>",
    "esearch.fcgi": b"</eSearchResult>",
    "epost.fcgi": b"</ePostResult>",
    "esummary.fcgi": b"</eSummaryResult>",
}


def make_session(settings: Settings) -> CachedSession:
    """A CachedSession at settings.cache_path that expires answers after settings.cache_days.

    PubMed records change after they appear (MeSH indexing, retraction and erratum notices),
    hence an expiry (30 days by default, EVIDENCE_CACHE_DAYS). Offline mode reads the cache
    alone (`only_if_cached`: a miss is a 504 that the client reports as unavailable);
    `--refresh` is a per-request `force_refresh` in the client.
    """
    session = open_cache(
        Path(settings.cache_path).expanduser(),
        expire_after=timedelta(days=settings.cache_days),
        allowable_codes=(200,),
        allowable_methods=("GET", "POST"),
        ignored_parameters=SECRET_PARAMS,
        filter_fn=usable_response,
        match_headers=False,
        stale_if_error=False,
    )
    session.settings.only_if_cached = settings.offline
    return session


def expiry_for(settings: Settings) -> datetime:
    """When an answer stored now stops being fresh (what requests-cache's expire_after gives)."""
    return datetime.now(timezone.utc) + timedelta(days=settings.cache_days)


def endpoint_of(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def usable_response(response: requests.Response) -> bool:
    """True for a complete, error-free answer of the shape its endpoint promises."""
    if response.status_code != 200:
        return False
    body = response.content or b""
    head = body[:512].lstrip().lower()
    if not head or b"<html" in head or head.startswith(b"<!doctype html"):
        return False
    endpoint = endpoint_of(response.url or "")
    if head.startswith((b"{", b"[")):
        try:
            data = json.loads(body)
        except ValueError:
            return False
        return not (
            isinstance(data, dict)
            and ("error" in data or "ERROR" in str(data.get("esearchresult", "")))
        )
    closing = _XML_ROOTS.get(endpoint)
    if endpoint == "efetch.fcgi" and not head.startswith(b"<"):
        return False  # text mode: asked only to explain missing PMIDs, never kept
    if closing is not None:
        if endpoint == "efetch.fcgi" and not _RECORD.search(body):
            return False  # none of the PMIDs asked: NCBI's trouble or a real miss, ask again
        return body.rstrip().endswith(closing) and not _ERROR_ELEMENT.search(body)
    return True  # ecitmatch's plain text and anything else already checked for HTML
