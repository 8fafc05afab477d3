"""The HTTP cache in front of ClinicalTrials.gov: its own requests-cache SQLite file.

It sits beside the E-utilities cache (`<EVIDENCE_CACHE stem>-ctgov.sqlite`) so that either can
be deleted alone. Registry records change daily (status, dates, results), so answers expire
after a day, or sooner if EVIDENCE_CACHE_DAYS is set lower. Only complete JSON answers are kept:
a 400 text body, an HTML page served with 200, or broken JSON is never stored.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import requests
from requests_cache import CachedSession

from evidence.config import Settings
from evidence.httpcache import open_cache

CTGOV_CACHE_DAYS = 1


def cache_file(settings: Settings) -> Path:
    base = Path(settings.cache_path).expanduser()
    return base.with_name(f"{base.stem}-ctgov{base.suffix or '.sqlite'}")


def make_session(settings: Settings) -> CachedSession:
    """A CachedSession; offline mode answers from the cache alone (a miss is a 504)."""
    session = open_cache(
        cache_file(settings),
        expire_after=timedelta(days=min(CTGOV_CACHE_DAYS, settings.cache_days)),
        allowable_codes=(200,),
        allowable_methods=("GET",),
        filter_fn=usable_response,
        match_headers=False,
        stale_if_error=False,
    )
    session.settings.only_if_cached = settings.offline
    return session


def usable_response(response: requests.Response) -> bool:
    if response.status_code != 200:
        return False
    body = (response.content or b"").lstrip()
    if not body.startswith(b"{"):
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and ("studies" in data or "protocolSection" in data)
