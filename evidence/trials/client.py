"""The ClinicalTrials.gov v2 client: cached, paced, patient, and short-spoken when it fails.

Every call goes through `_get`: (1) the cache answers when it can, without waiting for the
pace; (2) offline, a miss is `CtgovUnavailable`; (3) otherwise wait for the process-wide pace,
send with a timeout and retry with capped exponential backoff and jitter on 429, 5xx,
timeouts, dropped connections and broken JSON (CT.gov rate-limits at peak hours and sends no
Retry-After, so a 429 pauses the whole process). A 400 is the caller's mistake and is not
retried: its plain-text body (the API's own message) becomes the one-line error. A 404 on
/studies/{id} means the registry has no such trial. Redirects (an NCT alias answers 301) are
followed by hand and only on the same host, as the Entrez client does: a redirect elsewhere is
refused before anything is sent there. Searches follow `nextPageToken` until it is absent (or
null) or `limit` is reached.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import requests

from evidence.config import Settings
from evidence.errors import CtgovError, CtgovUnavailable
from evidence.trials.cache import make_session
from evidence.trials.parse import (
    FIELDS,
    CtgovParseError,
    TrialRecord,
    normalize_nct,
    parse_page,
    parse_single,
)
from evidence.trials.ratelimit import Pace, shared_pace

log = logging.getLogger(__name__)
T = TypeVar("T")

TIMEOUT = (10.0, 60.0)
MAX_TRIES = 6
UNREACHABLE_TRIES = 2
PAGE_SIZE = 100
SEARCH_LIMIT = 300  # trials per search: enough for a policy, a bound for a vague query
IDS_BATCH = 50
MAX_REDIRECTS = 3
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class SearchResult:
    trials: list[TrialRecord] = field(default_factory=list)
    total: int | None = None  # totalCount (first page only, when asked)
    pages: int = 0
    truncated: bool = False  # stopped at `limit` with more pages left


class _Retry(Exception):
    def __init__(self, message: str, penalty: bool = False) -> None:
        super().__init__(message)
        self.penalty = penalty


class NotInRegistry(CtgovError):
    """404 for /studies/{id}."""


class CtgovClient:
    def __init__(
        self,
        settings: Settings,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        *,
        timeout: tuple[float, float] = TIMEOUT,
        max_tries: int = MAX_TRIES,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        pace: Pace | None = None,
    ) -> None:
        self.settings = settings
        self.base = settings.ctgov_url.rstrip("/")
        self.session = session if session is not None else make_session(settings)
        self._sleep = sleep
        self.timeout, self.max_tries = timeout, max_tries
        self.backoff_base, self.backoff_cap = backoff_base, backoff_cap
        self.pace = pace or shared_pace()
        self.requests_made = 0
        self.cache_hits = 0
        self.retries = 0
        self.rate_limited = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> CtgovClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ the API

    def search(
        self,
        *,
        cond: str | None = None,
        intr: str | None = None,
        term: str | None = None,
        limit: int = SEARCH_LIMIT,
        page_size: int = PAGE_SIZE,
    ) -> SearchResult:
        """Studies matching query.cond / query.intr / query.term, every page up to `limit`."""
        params: dict[str, Any] = {
            "query.cond": cond,
            "query.intr": intr,
            "query.term": term,
            "fields": ",".join(FIELDS),
            "pageSize": min(page_size, limit),
            "countTotal": "true",
            "format": "json",
        }
        return self._pages(params, limit)

    def studies(self, nct_ids: Iterable[str]) -> tuple[list[TrialRecord], list[str]]:
        """The studies with these NCT ids: (found, not in the registry).

        One `filter.ids` request per 50 ids; because one unknown id fails the whole batch
        (CTGOV_FACTS §11), a batch that fails with 400/404 is asked again id by id.
        """
        ids = sorted({n for i in nct_ids if (n := normalize_nct(i))})
        found: list[TrialRecord] = []
        missing: list[str] = []
        for start in range(0, len(ids), IDS_BATCH):
            batch = ids[start : start + IDS_BATCH]
            params = {
                "filter.ids": ",".join(batch),
                "fields": ",".join(FIELDS),
                "pageSize": len(batch),
                "format": "json",
            }
            try:
                got = self._pages(params, len(batch)).trials
            except CtgovError as exc:
                if isinstance(exc, CtgovUnavailable) or getattr(exc, "status", None) not in (
                    400,
                    404,
                ):
                    raise
                got = []
                for nct in batch:
                    try:
                        got.append(self.study(nct))
                    except NotInRegistry:
                        pass
            seen = {t.nct_id for t in got}
            found += got
            missing += [n for n in batch if n not in seen]
        return found, missing

    def study(self, nct_id: str) -> TrialRecord:
        nct = normalize_nct(nct_id)
        if nct is None:
            raise CtgovError(f"{nct_id!r} is not an NCT number")
        params = {"fields": ",".join(FIELDS), "format": "json"}
        return self._get(f"/studies/{nct}", params, parse_single)

    def _pages(self, params: dict[str, Any], limit: int) -> SearchResult:
        result = SearchResult()
        token: str | None = None
        while True:
            page = dict(params, pageToken=token) if token else params
            trials, token, total = self._get("/studies", page, parse_page)
            result.pages += 1
            if result.pages == 1:
                result.total = total
            result.trials += trials
            if not token:
                return result
            if len(result.trials) >= limit:
                result.trials = result.trials[:limit]
                result.truncated = True
                return result

    # ------------------------------------------------------------ plumbing

    def _get(self, path: str, params: dict[str, Any], parse: Callable[[bytes], T]) -> T:
        try:
            return self._get_once(path, params, parse)
        except CtgovError as exc:
            # Some piece names are not documented officially (CTGOV_FACTS marks them); if the
            # registry refuses one, ask for whole records instead of failing the command.
            if getattr(exc, "status", None) != 400 or "'fields'" not in str(exc) or not params.get("fields"):
                raise
            log.warning("ClinicalTrials.gov refused the field list (%s); asking for whole records", exc)
            return self._get_once(path, {k: v for k, v in params.items() if k != "fields"}, parse)

    def _get_once(self, path: str, params: dict[str, Any], parse: Callable[[bytes], T]) -> T:
        url = self.base + path
        clean = {k: v for k, v in params.items() if v not in (None, "")}
        if hasattr(self.session, "cache") and not self.settings.refresh:
            response = self.session.get(url, params=clean, timeout=self.timeout, only_if_cached=True)
            if getattr(response, "from_cache", False) and response.status_code == 200:
                try:
                    result = parse(response.content)
                    self.cache_hits += 1
                    return result
                except CtgovParseError:
                    self._forget(response)
        if self.settings.offline:
            raise CtgovUnavailable(
                f"offline and ClinicalTrials.gov {path.split('/')[1]} for this request is not "
                "in the cache",
                hint="run once without --offline",
            )
        return self._fetch(url, clean, parse)

    def _fetch(self, url: str, params: dict[str, Any], parse: Callable[[bytes], T]) -> T:
        kw = {"force_refresh": True} if hasattr(self.session, "cache") else {}
        last, unreachable = "", 0
        for attempt in range(self.max_tries):
            if attempt:
                self.retries += 1
            self.pace.acquire()
            self.requests_made += 1
            try:
                return self._check(self._send(url, params, **kw), parse)
            except _Retry as exc:
                last = str(exc)
                if exc.penalty:
                    self.pace.penalize(self._backoff(attempt))
            except requests.ConnectionError as exc:
                last = f"cannot connect to {self.base}: {_reason(exc)}"
                if _is_unreachable(exc):
                    unreachable += 1
                    if unreachable >= UNREACHABLE_TRIES:
                        raise CtgovUnavailable(f"ClinicalTrials.gov unreachable ({last})") from None
            except requests.Timeout:
                last = f"no answer within {self.timeout[1]:.0f} s"
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                last = f"broken answer ({type(exc).__name__})"
            log.info("retrying %s after: %s", url, last)
            if attempt + 1 < self.max_tries:
                self._sleep(self._backoff(attempt))
        raise CtgovUnavailable(f"ClinicalTrials.gov failed after {self.max_tries} tries: {last}")

    def _send(self, url: str, params: dict[str, Any] | None, **kw: Any) -> requests.Response:
        """GET, following same-host redirects by hand (never another host's)."""
        for _ in range(MAX_REDIRECTS + 1):
            response = self.session.get(
                url, params=params, timeout=self.timeout, allow_redirects=False, **kw
            )
            location = response.headers.get("Location")
            if response.status_code not in REDIRECTS or not location:
                return response
            url = urljoin(response.url, location)
            if not _same_host(self.base, url):
                there = urlsplit(url)
                raise CtgovError(
                    "ClinicalTrials.gov answered with a redirect to another host "
                    f"({there.scheme}://{there.netloc}); not followed"
                )
            if urlsplit(url).query:
                params = None  # the Location carries its own query
        raise CtgovError(f"ClinicalTrials.gov: more than {MAX_REDIRECTS} redirects; not followed")

    def _check(self, response: requests.Response, parse: Callable[[bytes], T]) -> T:
        status = response.status_code
        if status == 429:
            self.rate_limited += 1
            raise _Retry("HTTP 429 (rate limited)", penalty=True)
        if status >= 500:
            raise _Retry(f"HTTP {status}")
        if status == 404:
            err: CtgovError = NotInRegistry(f"ClinicalTrials.gov has no study at {response.url}")
            err.status = 404  # type: ignore[attr-defined]
            raise err
        if status != 200:
            message = _first_line(response.text) or response.reason or ""
            err = CtgovError(f"ClinicalTrials.gov refused the request (HTTP {status}): {message}")
            err.status = status  # type: ignore[attr-defined]
            raise err
        try:
            return parse(response.content)
        except CtgovParseError as exc:
            self._forget(response)
            raise _Retry(str(exc)) from None

    def _forget(self, response: requests.Response) -> None:
        cache = getattr(self.session, "cache", None)
        if cache is not None and response.request is not None:
            try:
                cache.delete(requests=[response.request])
            except Exception:  # pragma: no cover
                log.warning("could not drop a bad answer from the CT.gov cache")

    def _backoff(self, attempt: int) -> float:
        """Exponential, capped at 30 s, with +-25% jitter (as CT.gov clients found they need)."""
        return min(self.backoff_cap, self.backoff_base * 2**attempt) * random.uniform(0.75, 1.25)


def _same_host(home: str, url: str) -> bool:
    a, b = urlsplit(home), urlsplit(url)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def _first_line(text: str) -> str:
    """The API's plain-text message, on one line and not too long for a terminal."""
    line = " ".join((text or "").split())
    return line if len(line) <= 300 else line[:297] + "..."


def _reason(exc: BaseException) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "Connection reset"):
        if marker in text:
            return marker.lower()
    return type(exc).__name__


def _is_unreachable(exc: BaseException) -> bool:
    text = str(exc)
    return any(
        m in text
        for m in ("Connection refused", "Name or service not known", "nodename nor servname",
                  "Temporary failure in name resolution", "No route to host")
    )  # fmt: skip
