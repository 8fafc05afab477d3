"""The E-utilities client: batched, cached, paced and patient.

Every call goes through `_call`, which (1) answers from the cache when it can, without
touching the rate limiter, (2) otherwise waits for a slot of the process-wide limiter,
(3) sends with a timeout (Bio.Entrez's fetcher has none and hangs), and (4) retries with
exponential backoff and jitter on what NCBI's trouble looks like: connection errors,
timeouts, 5xx, 429, truncated or unparsable XML, HTTP-200 `<ERROR>` bodies and the HTML
block page. A body that fails to parse is removed from the cache before the retry.

efetch sends up to 200 PMIDs per request, by GET for short lists (<= 20 ids, easy to read in
logs) and by POST above that, as NCBI asks for long lists; so N PMIDs cost ceil(N/200)
requests. The API key never appears in an error message or log line (`redact`).
"""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

import requests
from lxml import etree

from evidence.config import Settings
from evidence.entrez.cache import make_session
from evidence.entrez.parse import ParseError, parse_efetch
from evidence.entrez.ratelimit import RateLimiter, limiter_for
from evidence.errors import EntrezError, EntrezUnavailable
from evidence.records import Article

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH = 200
GET_MAX_IDS = 20
TIMEOUT = (10.0, 60.0)  # connect, read
MAX_TRIES = 6
UNREACHABLE_TRIES = 2  # refused / DNS failure: NCBI is not there, say so quickly
ESEARCH_CAP = 9999  # PubMed's esearch serves the first 9,999 hits of a query only
_KEY = re.compile(r"(api_key=)[^&\s'\"]+")
_XML = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
ProgressCallback = Callable[[int, int], None]


def redact(text: str, api_key: str | None = None) -> str:
    """Remove the API key from a URL, message or body."""
    text = _KEY.sub(r"\1REDACTED", text)
    return text.replace(api_key, "REDACTED") if api_key else text


@dataclass
class FetchResult:
    articles: list[Article] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)  # pmid -> reason
    from_cache: int = 0  # articles whose batch came from the cache
    requests: int = 0  # requests sent to NCBI


@dataclass
class SearchResult:
    count: int
    ids: list[str]
    webenv: str | None = None
    query_key: str | None = None
    translation: str | None = None  # PubMed's reading of the query (QueryTranslation)
    not_found: list[str] = field(default_factory=list)  # ErrorList/PhraseNotFound


class _Retry(Exception):
    """A transient failure worth another try; `wait` overrides the backoff (429)."""

    def __init__(self, message: str, penalty: bool = False) -> None:
        super().__init__(message)
        self.penalty = penalty


class EntrezClient:
    def __init__(
        self,
        settings: Settings,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        *,
        timeout: tuple[float, float] = TIMEOUT,
        max_tries: int = MAX_TRIES,
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.settings = settings
        self.session = session if session is not None else make_session(settings)
        self._sleep = sleep
        self.timeout = timeout
        self.max_tries = max_tries
        self.backoff_base, self.backoff_cap = backoff_base, backoff_cap
        self.limiter = limiter or limiter_for(settings.api_key)
        self.requests_made = 0
        self.cache_hits = 0
        self.retries = 0
        self.rate_limited = 0

    # ------------------------------------------------------------ plumbing

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> EntrezClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in params.items() if v is not None}
        out["tool"] = self.settings.tool
        if self.settings.email:
            out["email"] = self.settings.email
        if self.settings.api_key:
            out["api_key"] = self.settings.api_key
        return out

    def _redact(self, text: str) -> str:
        return redact(text, self.settings.api_key)

    def _send(
        self, method: str, url: str, params: dict[str, Any], **cache_kw: Any
    ) -> requests.Response:
        if method == "POST":
            return self.session.request("POST", url, data=params, timeout=self.timeout, **cache_kw)
        return self.session.request("GET", url, params=params, timeout=self.timeout, **cache_kw)

    def _forget(self, response: requests.Response) -> None:
        cache = getattr(self.session, "cache", None)
        if cache is not None and response.request is not None:
            try:
                cache.delete(requests=[response.request])
            except Exception:  # pragma: no cover - a cache that cannot delete is not fatal
                log.warning("could not drop a bad answer from the HTTP cache")

    def _call(
        self,
        endpoint: str,
        params: dict[str, Any],
        parse: Callable[[bytes], T],
        method: str = "GET",
    ) -> tuple[T, bool]:
        """One E-utility call with cache, pace and retries; returns (parsed, from_cache)."""
        url = self.settings.eutils_url + endpoint
        full = self._params(params)
        cached = getattr(self.session, "cache", None) is not None
        if cached and not self.settings.refresh:
            response = self._send(method, url, full, only_if_cached=True)
            if getattr(response, "from_cache", False) and response.status_code == 200:
                try:
                    result = parse(response.content)
                    self.cache_hits += 1
                    return result, True
                except EntrezError:
                    self._forget(response)
        if self.settings.offline:
            raise EntrezUnavailable(
                f"offline and {endpoint} for this request is not in the cache",
                hint="run once without --offline to fill the cache",
            )
        return self._fetch(endpoint, url, method, full, parse), False

    def _fetch(
        self,
        endpoint: str,
        url: str,
        method: str,
        full: dict[str, Any],
        parse: Callable[[bytes], T],
    ) -> T:
        kw = {"force_refresh": True} if hasattr(self.session, "cache") else {}
        last = ""
        unreachable = 0
        for attempt in range(self.max_tries):
            if attempt:
                self.retries += 1
            self.limiter.acquire()
            self.requests_made += 1
            try:
                response = self._send(method, url, full, **kw)
                return self._check(response, parse)
            except _Retry as exc:
                last = str(exc)
                if exc.penalty:
                    self.limiter.penalize(self._backoff(attempt))
            except requests.ConnectionError as exc:
                last = self._redact(f"cannot connect to {url}: {_reason(exc)}")
                if _is_unreachable(exc):
                    unreachable += 1
                    if unreachable >= UNREACHABLE_TRIES:
                        raise EntrezUnavailable(f"NCBI E-utilities unreachable ({last})") from None
            except requests.Timeout:
                last = f"{endpoint}: no answer within {self.timeout[1]:.0f} s"
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                last = f"{endpoint}: broken answer ({type(exc).__name__})"
            log.info("retrying %s after: %s", endpoint, self._redact(last))
            if attempt + 1 < self.max_tries:
                self._sleep(self._backoff(attempt))
        raise EntrezError(
            f"NCBI {endpoint} failed after {self.max_tries} tries: {self._redact(last)}"
        )

    def _check(self, response: requests.Response, parse: Callable[[bytes], T]) -> T:
        status = response.status_code
        if status == 429:
            self.rate_limited += 1
            raise _Retry("HTTP 429 (rate limit exceeded)", penalty=True)
        if status >= 500:
            raise _Retry(f"HTTP {status}")
        if status != 200:
            raise EntrezError(self._redact(f"NCBI answered HTTP {status} for {response.url}"))
        try:
            return parse(response.content)
        except ParseError as exc:  # NCBI in trouble: worth another try, never worth keeping
            self._forget(response)
            raise _Retry(self._redact(str(exc))) from None
        except EntrezError:  # a definite answer we cannot use (e.g. the 9,998 retstart wall)
            self._forget(response)
            raise

    def _backoff(self, attempt: int) -> float:
        """Exponential with full jitter in its upper half, capped."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2**attempt)
        return ceiling * random.uniform(0.5, 1.0)

    # ------------------------------------------------------------ efetch

    def fetch_articles(
        self, pmids: Iterable[str], progress: ProgressCallback | None = None
    ) -> FetchResult:
        """Fetch PubMed records, 200 per request; PMIDs NCBI does not return are `missing`.

        The list is de-duplicated and sorted so the same set always makes the same requests
        (and so the same cache keys). A batch that still fails after the retries raises.
        """
        result = FetchResult()
        wanted: list[str] = []
        for raw in pmids:
            p = str(raw).strip()
            if not p.isdigit() or not 0 < int(p) < 10**9:
                result.missing[p] = "invalid PMID"
            else:
                wanted.append(str(int(p)))
        wanted = sorted(set(wanted), key=int)
        before = self.requests_made
        done = 0
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            articles, from_cache = self.efetch_batch(batch)
            seen = {a.pmid for a in articles}
            result.articles.extend(a for a in articles if a.pmid in set(batch))
            result.from_cache += len(articles) if from_cache else 0
            for p in batch:
                if p not in seen:
                    result.missing[p] = "not in PubMed (deleted or never existed)"
            done += len(batch)
            if progress:
                progress(done, len(wanted))
        result.requests = self.requests_made - before
        return result

    def efetch_batch(self, pmids: Sequence[str]) -> tuple[list[Article], bool]:
        params = {"db": "pubmed", "retmode": "xml", "id": ",".join(pmids)}
        method = "GET" if len(pmids) <= GET_MAX_IDS else "POST"
        return self._call("efetch.fcgi", params, parse_efetch, method)

    # ------------------------------------------------------------ esearch

    def esearch(
        self,
        term: str,
        mindate: date | str | None = None,
        maxdate: date | str | None = None,
        datetype: str = "edat",
        retstart: int = 0,
        retmax: int = 10_000,
        usehistory: bool = True,
        webenv: str | None = None,
    ) -> SearchResult:
        params: dict[str, Any] = {
            "db": "pubmed",
            "term": term,
            "retstart": retstart,
            "retmax": retmax,
            "usehistory": "y" if usehistory else None,
            "WebEnv": webenv,
        }
        if mindate or maxdate:
            params.update(
                datetype=datetype,
                mindate=_ymd(mindate or date(1800, 1, 1)),
                maxdate=_ymd(maxdate or date(3000, 12, 31)),
            )
        result, _ = self._call("esearch.fcgi", params, _parse_esearch, method=_method(term))
        return result

    def count(self, term: str) -> SearchResult:
        """How many records PubMed finds for `term` (all dates) and how it reads it; no ids."""
        return self.esearch(term, retmax=0, usehistory=False)

    def search_all(
        self,
        term: str,
        mindate: date,
        maxdate: date,
        datetype: str = "edat",
        page_size: int = 10_000,
    ) -> list[str]:
        """Every PMID matching `term` in [mindate, maxdate], de-duplicated and sorted.

        PubMed's esearch serves only the first 9,999 hits of a query, so a window with more
        hits is split in halves by date until each half fits; each window is paged through
        the history server (WebEnv + query_key + retstart).
        """
        ids: set[str] = set()
        page_size = max(1, min(page_size, ESEARCH_CAP))
        self._search_window(term, mindate, maxdate, datetype, page_size, ids)
        return sorted(ids, key=int)

    def _search_window(
        self, term: str, lo: date, hi: date, datetype: str, page_size: int, ids: set[str]
    ) -> None:
        first = self.esearch(term, lo, hi, datetype, retstart=0, retmax=page_size)
        if first.count > ESEARCH_CAP and lo < hi:
            mid = lo + timedelta(days=(hi - lo).days // 2)
            self._search_window(term, lo, mid, datetype, page_size, ids)
            self._search_window(term, mid + timedelta(days=1), hi, datetype, page_size, ids)
            return
        ids.update(first.ids)
        total = min(first.count, ESEARCH_CAP)
        start = len(first.ids)
        while start < total:
            page = self._history_page(first, start, page_size, term, lo, hi, datetype)
            if not page:
                break
            ids.update(page)
            start += len(page)

    def _history_page(
        self,
        first: SearchResult,
        start: int,
        size: int,
        term: str,
        lo: date,
        hi: date,
        datetype: str,
    ) -> list[str]:
        if first.webenv and first.query_key:
            params = {
                "db": "pubmed",
                "WebEnv": first.webenv,
                "query_key": first.query_key,
                "retstart": start,
                "retmax": size,
            }
            result, _ = self._call(
                "esearch.fcgi",
                params
                | {
                    "term": term,
                    "usehistory": "y",
                    "datetype": datetype,
                    "mindate": _ymd(lo),
                    "maxdate": _ymd(hi),
                },
                _parse_esearch,
                method=_method(term),
            )
            return result.ids
        return self.esearch(
            term, lo, hi, datetype, retstart=start, retmax=size, usehistory=False
        ).ids

    # ------------------------------------------------------------ ecitmatch

    def ecitmatch(self, citations: list[dict[str, Any]]) -> dict[str, str | None]:
        """Match citations to PMIDs; key -> PMID, or None (see `citmatch_reasons`).

        Each citation is a dict with journal, year, volume, first_page, author and key. A
        `|` inside a field would shift NCBI's columns, so it is replaced by a space.
        """
        self.citmatch_reasons: dict[str, str] = {}
        if not citations:
            return {}
        lines = []
        for c in citations:
            fields = [
                c.get("journal"),
                c.get("year"),
                c.get("volume"),
                c.get("first_page"),
                c.get("author"),
                c.get("key"),
            ]
            lines.append("|".join(str(f or "").replace("|", " ").strip() for f in fields) + "|")
        params = {"db": "pubmed", "retmode": "xml", "bdata": "\r".join(lines)}
        text, _ = self._call("ecitmatch.cgi", params, _check_text)
        answers: dict[str, str | None] = {str(c.get("key")): None for c in citations}
        for line in text.splitlines():
            parts = line.split("|")
            if len(parts) < 7:
                continue
            key, value = parts[5].strip(), parts[6].strip()
            if value.isdigit():
                answers[key] = value
            else:
                answers[key] = None
                self.citmatch_reasons[key] = (
                    "ambiguous" if value.startswith("AMBIGUOUS") else "not found"
                )
        for key, value in answers.items():
            if value is None and key not in self.citmatch_reasons:
                self.citmatch_reasons[key] = "not found"
        return answers


# ---------------------------------------------------------------- parsers for small answers


def check_body(data: bytes) -> None:
    """Raise ParseError for bodies that are plainly not an answer (empty, HTML, JSON)."""
    head = data[:512].lstrip().lower()
    if not head:
        raise ParseError("empty answer from NCBI")
    if head.startswith(b"<!doctype html") or b"<html" in head:
        raise ParseError("NCBI sent an HTML page instead of an answer (blocked or down?)")
    if head.startswith((b"{", b"[")):
        raise ParseError(f"NCBI sent JSON instead of XML: {data[:120]!r}")


def _check_text(data: bytes) -> str:
    check_body(data)
    return data.decode("utf-8", "replace")


def _parse_esearch(data: bytes) -> SearchResult:
    check_body(data)
    try:
        root = etree.fromstring(data, _XML)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"unreadable esearch answer: {exc}") from None
    error = root.find("ERROR")
    if error is not None and (error.text or "").strip():
        message = error.text.strip()
        if "cannot be larger than" in message:  # deterministic: retrying will not help
            raise EntrezError(f"NCBI esearch refused the page: {message.splitlines()[-1][:200]}")
        raise ParseError(f"NCBI esearch error: {message[:200]}")
    if root.tag != "eSearchResult" or root.find("Count") is None:
        raise ParseError("esearch answer without a Count")
    return SearchResult(
        count=int(root.findtext("Count") or 0),
        ids=[i.text for i in root.findall("IdList/Id") if i.text],
        webenv=root.findtext("WebEnv"),
        query_key=root.findtext("QueryKey"),
        translation=root.findtext("QueryTranslation"),
        not_found=[e.text for e in root.findall("ErrorList/PhraseNotFound") if e.text],
    )


def _method(term: str) -> str:
    """A long query (a derived search with its synonyms) goes in a POST body, as NCBI asks
    for long requests; a GET URL that long can be refused (414)."""
    return "POST" if len(term) > 1500 else "GET"


def _ymd(d: date | str) -> str:
    return d.strftime("%Y/%m/%d") if isinstance(d, date) else d


def _reason(exc: BaseException) -> str:
    text = str(exc)
    m = re.search(r"\[Errno -?\d+\] [^'\")]+|Name or service not known|Connection reset", text)
    return m.group(0) if m else type(exc).__name__


def _is_unreachable(exc: BaseException) -> bool:
    """Refused connections and DNS failures: nothing at the other end, not a hiccup."""
    text = str(exc)
    return any(
        s in text
        for s in (
            "Connection refused",
            "NameResolutionError",
            "Name or service not known",
            "Temporary failure in name resolution",
            "Errno 111",
            "nodename nor servname",
        )
    )


def batches_needed(n: int) -> int:
    return math.ceil(n / BATCH)
