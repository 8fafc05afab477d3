"""One process-wide pace for all requests to NCBI.

NCBI allows 3 requests/s without an API key and 10 with one, counted per second, and answers
429 beyond that without a Retry-After. The limiter hands out send slots so that no sliding
1-second window (plus a small safety margin for scheduling jitter between our clock and the
server's) ever holds more than the limit, spaced evenly rather than in bursts. Threads share
it: slots are reserved under a lock and slept on outside it. After a 429 the whole process
pauses (`penalize`), since the limit is per client, not per request.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

MARGIN = 0.06  # seconds added to the 1 s window: arrival jitter at the server


class RateLimiter:
    def __init__(
        self,
        rate: int,
        window: float = 1.0,
        margin: float = MARGIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.window = window + margin
        self.interval = self.window / rate
        self._clock, self._sleep = clock, sleep
        self._slots: deque[float] = deque(maxlen=rate)
        self._not_before = 0.0
        self._lock = threading.Lock()
        self.waited = 0.0

    def reserve(self) -> float:
        """Reserve the next free slot; returns how long the caller must wait for it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._not_before)
            if self._slots:
                slot = max(slot, self._slots[-1] + self.interval)
            if len(self._slots) == self.rate:
                slot = max(slot, self._slots[0] + self.window)
            self._slots.append(slot)
            return slot - now

    def acquire(self) -> None:
        """Block until this caller may send one request."""
        delay = self.reserve()
        if delay > 0:
            self.waited += delay
            self._sleep(delay)

    def penalize(self, seconds: float) -> None:
        """After a 429: nobody in the process sends for `seconds`."""
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + seconds)


_limiters: dict[int, RateLimiter] = {}
_registry_lock = threading.Lock()


def limiter_for(api_key: str | None) -> RateLimiter:
    """The shared limiter for this process: 10/s with an API key, 3/s without."""
    rate = 10 if api_key else 3
    with _registry_lock:
        if rate not in _limiters:
            _limiters[rate] = RateLimiter(rate)
        return _limiters[rate]
