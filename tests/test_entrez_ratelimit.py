"""The process-wide pace: never above NCBI's limit in any 1-second window."""

from __future__ import annotations

import threading

import pytest
from fake_eutils import add_many, synthetic_pmids

from evidence.config import load_settings
from evidence.entrez.client import EntrezClient
from evidence.entrez.ratelimit import RateLimiter, limiter_for


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.mark.parametrize("rate", [3, 10])
def test_slots_are_spaced_and_never_exceed_the_rate(rate):
    clock = FakeClock()
    limiter = RateLimiter(rate, clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(5 * rate):
        limiter.acquire()
        sent.append(clock.now)
    for t in sent:
        assert sum(1 for s in sent if t <= s < t + 1.0) <= rate
    gaps = [b - a for a, b in zip(sent, sent[1:], strict=False)]
    assert min(gaps) >= 1.0 / rate  # evenly spaced, no bursts
    assert sent[-1] - sent[0] <= (len(sent) - 1) * 1.1 / rate  # and not much slower


def test_a_429_pauses_the_whole_process():
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    limiter.penalize(5.0)
    start = clock.now
    limiter.acquire()
    assert clock.now - start >= 5.0


def test_the_limiter_is_shared_per_process():
    assert limiter_for(None) is limiter_for(None) and limiter_for(None).rate == 3
    assert limiter_for("k").rate == 10


@pytest.mark.parametrize(("key", "limit", "n"), [(None, 3, 9), ("a-secret-key-123", 10, 24)])
def test_threads_sharing_the_limit_never_trip_the_fake(fake_eutils, monkeypatch, key, limit, n):
    if key:
        monkeypatch.setenv("NCBI_API_KEY", key)
    pmids = synthetic_pmids(n)
    add_many(fake_eutils, pmids)
    settings = load_settings()

    def work(chunk: list[str]) -> None:
        with EntrezClient(settings) as c:
            for p in chunk:
                c.fetch_articles([p])

    threads = [threading.Thread(target=work, args=(pmids[i::3],)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fake_eutils.count("efetch.fcgi") == n
    assert fake_eutils.rate_violations == 0 and fake_eutils.count(status=429) == 0
    assert fake_eutils.max_rate_seen <= limit
    if key:
        assert fake_eutils.max_rate_seen > 3  # the key's higher limit is used


def test_a_real_429_is_answered_by_backing_off(fake_eutils):
    add_many(fake_eutils, ["90000001"])
    fake_eutils.fail_next(1, "429")
    with EntrezClient(load_settings(), backoff_base=0.4) as c:
        c.fetch_articles(["90000001"])
        assert c.rate_limited == 1
    first, second = fake_eutils.requests
    assert first["status"] == 429 and second["status"] == 200
    assert second["time"] - first["time"] >= 0.2
