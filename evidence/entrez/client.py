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

What the network may not do to us (`_transmit`):
  * redirect us elsewhere: redirects are never followed to another host (scheme, host and
    port of the configured E-utilities URL), so the API key and the request body stay there;
    a same-host redirect is followed by hand, keeping the method and the body (requests
    would turn a 302 POST into a GET without the ids);
  * hang: each request has an overall deadline (connect + headers + body), checked between
    reads of whatever the socket has, so a body trickling one byte every 2 s is abandoned;
  * flood: an answer larger than MAX_BYTES (per 200 records) is refused before it is kept;
  * lie by omission: an efetch that returns none of the PMIDs asked is not cached, and the
    missing PMIDs are explained by one text-mode efetch (NCBI says there which PMID is "not
    available" and which "is a duplicate of" another, i.e. merged).
`cancel()` (Ctrl-C) stops every later send and backoff sleep at once.
"""

from __future__ import annotations

import logging
import math
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from lxml import etree
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError

from evidence.config import Settings
from evidence.entrez.cache import expiry_for, make_session, usable_response
from evidence.entrez.parse import ParseError, parse_efetch
from evidence.entrez.ratelimit import RateLimiter, limiter_for
from evidence.errors import EntrezError, EntrezUnavailable
from evidence.records import Article

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH = 200
CITMATCH_BATCH = 50  # citations per ECitMatch request (a GET: they travel in the URL)
GET_MAX_IDS = 20
TIMEOUT = (10.0, 60.0)  # connect, read (each wait for the socket)
DEADLINE = 120.0  # the whole request, however the answer trickles in
MAX_BYTES = 64 * 2**20  # per 200 records (or per answer of the other E-utilities)
MAX_REDIRECTS = 3
REDIRECTS = (301, 302, 303, 307, 308)
MAX_TRIES = 6
UNREACHABLE_TRIES = 2  # refused / DNS failure: NCBI is not there, say so quickly
ESEARCH_CAP = 9999  # PubMed's esearch serves the first 9,999 hits of a query only
NOTHING_RETURNED = "NCBI returned nothing for this PMID (asked again next run)"
_DUPLICATE = re.compile(r"PMID (\d+) is a duplicate of PMID (\d+)")
_NOT_AVAILABLE = re.compile(r"The following PMID is not available: (\d+)")
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


class Cancelled(EntrezUnavailable):
    """The user stopped the run (Ctrl-C): nothing more is sent."""


class _TooLarge(EntrezError):
    pass


class _NotCached(Exception):
    """`cached_only`: this batch would need a request."""


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
        deadline: float = DEADLINE,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.settings = settings
        self.session = session if session is not None else make_session(settings)
        # the network goes through a plain session: the answer is read under our deadline and
        # size bound, then stored in the cache by hand (requests-cache reads bodies whole)
        self._net = requests.Session() if hasattr(self.session, "cache") else self.session
        self._sleep = sleep
        self._cancel = threading.Event()
        self.deadline, self.max_bytes = deadline, max_bytes
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
        if self._net is not self.session:
            self._net.close()

    def cancel(self) -> None:
        """Stop: no request is sent and no backoff slept after this (threads included)."""
        self._cancel.set()

    def _pause(self, seconds: float) -> None:
        if self._cancel.is_set():
            raise Cancelled("stopped by the user")
        if self._sleep is time.sleep:
            if self._cancel.wait(seconds):
                raise Cancelled("stopped by the user")
        else:
            self._sleep(seconds)

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

    # ------------------------------------------------------------ the wire

    def _same_host(self, url: str) -> bool:
        home, there = urlsplit(self.settings.eutils_url), urlsplit(url)
        return (home.scheme, home.hostname, home.port) == (there.scheme, there.hostname, there.port)

    def _transmit(
        self, endpoint: str, method: str, url: str, params: dict[str, Any], limit: int
    ) -> requests.Response:
        """Send once, following same-host redirects by hand; the body is read in full."""
        deadline = time.monotonic() + self.deadline
        target, query = url, params
        for _ in range(MAX_REDIRECTS + 1):
            left = deadline - time.monotonic()
            if left <= 0:
                raise requests.Timeout("deadline")
            timeout = (min(self.timeout[0], left), min(self.timeout[1], left))
            kw = {"data": query} if method == "POST" else {"params": query}
            response = self._net.request(
                method, target, timeout=timeout, allow_redirects=False, stream=True, **kw
            )
            location = response.headers.get("Location")
            if response.status_code not in REDIRECTS or not location:
                self._read_body(response, deadline, limit, endpoint)
                return response
            response.close()
            target = urljoin(response.url, location)
            if not self._same_host(target):
                there = urlsplit(target)
                raise EntrezError(
                    f"NCBI {endpoint} answered with a redirect to another host "
                    f"({there.scheme}://{there.netloc}); not followed, nothing was sent there"
                )
            if method == "GET" and urlsplit(target).query:
                query = None  # the Location carries its own query, as a browser would send it
        raise EntrezError(f"NCBI {endpoint}: more than {MAX_REDIRECTS} redirects; not followed")

    def _read_body(
        self, response: requests.Response, deadline: float, limit: int, endpoint: str
    ) -> None:
        """Read what the socket has, chunk by chunk, until the end, the deadline or the bound."""
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > limit:
            response.close()
            raise _TooLarge(self._too_large(endpoint, limit))
        chunks, size = [], 0
        raw = response.raw
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or self._cancel.is_set():
                    raise requests.Timeout("deadline")
                _socket_timeout(raw, min(self.timeout[1], left))
                chunk = raw.read1(1 << 16, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise _TooLarge(self._too_large(endpoint, limit))
                chunks.append(chunk)
        except (ReadTimeoutError, TimeoutError) as exc:
            raise requests.Timeout(str(exc)) from None
        except ProtocolError as exc:
            raise requests.exceptions.ChunkedEncodingError(str(exc)) from None
        except DecodeError as exc:
            raise requests.exceptions.ContentDecodingError(str(exc)) from None
        except BaseException:
            response.close()
            raise
        response._content = b"".join(chunks)
        response._content_consumed = True
        response.close()

    def _too_large(self, endpoint: str, limit: int) -> str:
        return (
            f"NCBI's answer to {endpoint} is larger than {limit // 2**20} MB; refused "
            "and not cached"
        )

    def _keep(self, response: requests.Response) -> None:
        """Store a checked answer in the HTTP cache (when there is one)."""
        cache = getattr(self.session, "cache", None)
        if cache is None or response.history or not usable_response(response):
            return
        try:
            cache.save_response(response, expires=expiry_for(self.settings))
        except Exception:  # pragma: no cover - the cache is optional; the answer is not lost
            log.warning("could not store an answer in the HTTP cache")

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
        hit = self._from_cache(method, url, full, parse)
        if hit is not None:
            return hit[0], True
        if self.settings.offline:
            raise EntrezUnavailable(
                f"offline and {endpoint} for this request is not in the cache",
                hint="run once without --offline to fill the cache",
            )
        return self._fetch(endpoint, url, method, full, parse), False

    def _from_cache(
        self, method: str, url: str, full: dict[str, Any], parse: Callable[[bytes], T]
    ) -> tuple[T] | None:
        """(parsed,) when the cache holds a usable answer; None otherwise (a bad one is dropped)."""
        if getattr(self.session, "cache", None) is None or self.settings.refresh:
            return None
        response = self._send(method, url, full, only_if_cached=True)
        if getattr(response, "from_cache", False) and response.status_code == 200:
            try:
                result = parse(response.content)
                self.cache_hits += 1
                return (result,)
            except EntrezError:
                self._forget(response)
        return None

    def _fetch(
        self,
        endpoint: str,
        url: str,
        method: str,
        full: dict[str, Any],
        parse: Callable[[bytes], T],
    ) -> T:
        last = ""
        unreachable = 0
        limit = self.max_bytes * max(1, math.ceil(len(str(full.get("id", "")).split(",")) / BATCH))
        for attempt in range(self.max_tries):
            if attempt:
                self.retries += 1
            if self._cancel.is_set():
                raise Cancelled("stopped by the user")
            self.limiter.acquire()
            if self._cancel.is_set():
                raise Cancelled("stopped by the user")
            self.requests_made += 1
            try:
                response = self._transmit(endpoint, method, url, full, limit)
                result = self._check(response, parse)
                self._keep(response)
                return result
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
                last = f"{endpoint}: no complete answer within the deadline ({self.deadline:.0f} s)"
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                last = f"{endpoint}: broken answer ({type(exc).__name__})"
            log.info("retrying %s after: %s", endpoint, self._redact(last))
            if attempt + 1 < self.max_tries:
                self._pause(self._backoff(attempt))
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

    def cached_articles(self, pmids: Iterable[str]) -> FetchResult | None:
        """What `fetch_articles` would return, when the HTTP cache answers every batch of it;
        None as soon as one batch is not there (nothing is sent then). Cheap enough to ask
        before handing a batch to a thread."""
        try:
            return self.fetch_articles(pmids, cached_only=True)
        except _NotCached:
            return None

    def fetch_articles(
        self,
        pmids: Iterable[str],
        progress: ProgressCallback | None = None,
        *,
        cached_only: bool = False,
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
            articles, from_cache = self.efetch_batch(batch, cached_only=cached_only)
            seen = {a.pmid for a in articles}
            result.articles.extend(a for a in articles if a.pmid in set(batch))
            result.from_cache += len(articles) if from_cache else 0
            lost = [p for p in batch if p not in seen]
            if lost:
                result.missing.update(self.explain_missing(lost))
            done += len(batch)
            if progress:
                progress(done, len(wanted))
        result.requests = self.requests_made - before
        return result

    def explain_missing(self, pmids: Sequence[str]) -> dict[str, str]:
        """Why efetch's XML left these PMIDs out, from one text-mode efetch: NCBI writes
        "The following PMID is not available" (deleted, never existed) or "PMID A is a
        duplicate of PMID B" (merged) there. A PMID it says nothing about was simply not
        returned: it is asked again next run (the empty answer was not cached)."""
        reasons = {p: NOTHING_RETURNED for p in pmids}
        params = {"db": "pubmed", "id": ",".join(pmids)}
        method = "GET" if len(pmids) <= GET_MAX_IDS else "POST"
        try:
            text, _ = self._call("efetch.fcgi", params, _check_text, method)
        except Cancelled:
            raise
        except EntrezError:
            return reasons
        for old, new in _DUPLICATE.findall(text):
            if old in reasons:
                reasons[old] = f"merged into PMID {new} (PubMed replaced PMID {old} by {new})"
        for gone in _NOT_AVAILABLE.findall(text):
            if gone in reasons:
                reasons[gone] = "not in PubMed (deleted or never existed)"
        return reasons

    def efetch_batch(
        self, pmids: Sequence[str], *, cached_only: bool = False
    ) -> tuple[list[Article], bool]:
        return self.efetch_with(pmids, parse_efetch, cached_only=cached_only)

    def efetch_with(
        self, pmids: Sequence[str], parse: Callable[[bytes], T], *, cached_only: bool = False
    ) -> tuple[T, bool]:
        """One efetch (<= BATCH PMIDs) read by `parse`, which must raise ParseError on a body
        that is not a PubMed article set (then it is retried and never cached). With
        `cached_only`, only the cache answers (`_NotCached` when it cannot)."""
        params = {"db": "pubmed", "retmode": "xml", "id": ",".join(pmids)}
        method = "GET" if len(pmids) <= GET_MAX_IDS else "POST"
        if cached_only:
            url = self.settings.eutils_url + "efetch.fcgi"
            hit = self._from_cache(method, url, self._params(params), parse)
            if hit is None:
                raise _NotCached(f"{len(pmids)} PMIDs not in the cache")
            return hit[0], True
        return self._call("efetch.fcgi", params, parse, method)

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

        Each citation is a dict with journal, year, volume, first_page, author and key;
        CITMATCH_BATCH of them per request (the citations travel in the URL). A `|` inside a
        field would shift NCBI's columns, so it is replaced by a space. An AMBIGUOUS answer
        that lists its candidates keeps them in `citmatch_candidates` (key -> PMIDs).
        """
        self.citmatch_reasons: dict[str, str] = {}
        self.citmatch_candidates: dict[str, list[str]] = {}
        answers: dict[str, str | None] = {str(c.get("key")): None for c in citations}
        for start in range(0, len(citations), CITMATCH_BATCH):
            self._ecitmatch_batch(citations[start : start + CITMATCH_BATCH], answers)
        for key, value in answers.items():
            if value is None and key not in self.citmatch_reasons:
                self.citmatch_reasons[key] = "not found"
        return answers

    def _ecitmatch_batch(
        self, citations: list[dict[str, Any]], answers: dict[str, str | None]
    ) -> None:
        lines = []
        for c in citations:
            fields = [c.get(k) for k in ("journal", "year", "volume", "first_page", "author", "key")]
            lines.append("|".join(str(f or "").replace("|", " ").strip() for f in fields) + "|")
        params = {"db": "pubmed", "retmode": "xml", "bdata": "\r".join(lines)}
        text, _ = self._call("ecitmatch.cgi", params, _check_text)
        for line in text.splitlines():
            parts = line.split("|")
            if len(parts) < 7:
                continue
            key, value = parts[5].strip(), parts[6].strip()
            if key not in answers:
                continue
            if value.isdigit():
                answers[key] = value
                continue
            answers[key] = None
            if value.startswith("AMBIGUOUS"):
                self.citmatch_reasons[key] = "ambiguous"
                listed = re.findall(r"\d{1,9}", value.partition(" ")[2])
                if "citations" not in value and listed:
                    self.citmatch_candidates[key] = listed
            else:
                self.citmatch_reasons[key] = "not found"


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


def _socket_timeout(raw: Any, seconds: float) -> None:
    """Bound the next socket wait by what is left of the deadline (best effort)."""
    sock = getattr(getattr(raw, "_connection", None), "sock", None)
    if sock is not None:
        try:
            sock.settimeout(max(0.01, seconds))
        except OSError:
            pass


def batches_needed(n: int) -> int:
    return math.ceil(n / BATCH)
