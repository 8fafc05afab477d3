"""One process-wide pace for requests to ClinicalTrials.gov.

Nothing official states a limit (CTGOV_FACTS §7): robots.txt asks for `Crawl-delay: 1` and
third-party guidance says about 50 requests a minute per IP, and the API does answer 429 at
peak hours without a Retry-After. So requests are spaced evenly, one per 1.2 s (50/min), and
after a 429 the whole process pauses (`penalize`). Answers from the cache are not paced.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

INTERVAL = 1.2  # seconds between requests: 50 per minute, and never faster than Crawl-delay 1


class Pace:
    def __init__(
        self,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()
        self.waited = 0.0

    def acquire(self) -> None:
        """Block until this caller may send one request (slots reserved under the lock)."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self.waited += slot - now
            self._sleep(slot - now)

    def penalize(self, seconds: float) -> None:
        with self._lock:
            self._next = max(self._next, self._clock() + seconds)


_shared: Pace | None = None
_lock = threading.Lock()


def shared_pace() -> Pace:
    global _shared
    with _lock:
        if _shared is None:
            _shared = Pace()
        return _shared
