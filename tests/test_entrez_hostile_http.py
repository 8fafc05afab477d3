"""What a hostile or broken network may not do to a resolve (issue #15, HTTP): real loopback
servers with fault modes, real subprocesses for Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_eutils import FakeEutils, add_many, synthetic_pmids
from resolve_helpers import make_policy

from evidence.config import load_settings
from evidence.entrez.client import EntrezClient
from evidence.errors import EntrezError
from evidence.store import open_store

KEY = "hostile-secret-key-77"


def client(**kw):  # type: ignore[no-untyped-def]
    kw.setdefault("timeout", (2.0, 5.0))
    return EntrezClient(load_settings(), sleep=lambda s: None, **kw)


@pytest.fixture
def other_host():  # type: ignore[no-untyped-def]
    """A second server: where a redirect to another host would take the request."""
    with FakeEutils() as other:
        yield other


def test_a_redirect_to_another_host_is_never_followed_nor_sent_the_key(
    fake_eutils, other_host, monkeypatch
):
    monkeypatch.setenv("NCBI_API_KEY", KEY)
    pmids = synthetic_pmids(25)  # a POST: the key and the ids travel in the body
    add_many(fake_eutils, pmids)
    add_many(other_host, pmids)
    fake_eutils.other_host_url = other_host.url.replace("127.0.0.1", "localhost")
    fake_eutils.fail_next(10, "redirect_other_host")
    with client() as c, pytest.raises(EntrezError) as refused:
        c.fetch_articles(pmids)
    assert "redirect to another host" in str(refused.value) and KEY not in str(refused.value)
    assert other_host.requests == [], "nothing was sent to the other host"
    assert fake_eutils.count("efetch.fcgi") == 1, "a refusal, not a retry loop"


@pytest.mark.parametrize("kind", ["redirect_307", "redirect_302"])
@pytest.mark.parametrize("n", [5, 25])  # GET and POST
def test_a_same_host_redirect_keeps_the_method_and_the_ids(fake_eutils, kind, n):
    pmids = synthetic_pmids(n)
    add_many(fake_eutils, pmids)
    fake_eutils.fail_next(1, kind)
    with client() as c:
        result = c.fetch_articles(pmids)
    assert sorted(a.pmid for a in result.articles) == pmids and result.missing == {}
    first, moved = fake_eutils.requests[:2]
    assert moved["method"] == first["method"] and moved["ids"] == n


def test_a_trickling_body_is_abandoned_at_the_deadline_then_retried(fake_eutils):
    pmids = synthetic_pmids(3)
    add_many(fake_eutils, pmids)
    fake_eutils.trickle_seconds = 0.5  # one byte every half second, forever in practice
    fake_eutils.fail_next(1, "trickle")
    started = time.monotonic()
    with client(deadline=2.0) as c:
        result = c.fetch_articles(pmids)
    elapsed = time.monotonic() - started
    assert sorted(a.pmid for a in result.articles) == pmids
    assert 1.9 < elapsed < 6.0, elapsed  # gave up on the trickle after ~2 s, not per read


@pytest.mark.parametrize("kind", ["huge", "huge_unsized"])
def test_a_huge_answer_is_refused_and_not_cached(fake_eutils, kind):
    pmids = synthetic_pmids(3)
    add_many(fake_eutils, pmids)
    fake_eutils.huge_bytes = 3 * 2**20
    fake_eutils.fail_next(1, kind)
    with client(max_bytes=2**20) as c:
        with pytest.raises(EntrezError, match="larger than 1 MB; refused"):
            c.fetch_articles(pmids)
        assert len(c.session.cache.responses) == 0
        assert sorted(a.pmid for a in c.fetch_articles(pmids).articles) == pmids


def test_an_empty_answer_is_not_cached_and_not_called_deleted(fake_eutils, cli, db_url):
    pmids = synthetic_pmids(32)
    add_many(fake_eutils, pmids)
    make_policy(open_store(db_url), pmids)
    fake_eutils.fail_next(1, "empty_set")
    first = cli("resolve", "synthetic-policy")
    assert first.exit_code == 3
    assert "NCBI returned nothing for 32 PMIDs; they are asked again next run." in first.stderr
    assert "deleted" not in first.stderr
    second = cli("resolve", "synthetic-policy")
    assert second.exit_code == 0, second.stderr
    assert "Resolved 32 PMIDs (0 from cache, 32 fetched" in second.stderr


def test_a_merged_pmid_says_so_and_names_the_new_one(fake_eutils):
    add_many(fake_eutils, ["90000001", "90000003"])
    fake_eutils.merged["90000002"] = "90000003"
    with client() as c:
        result = c.fetch_articles(["90000001", "90000002", "90000004"])
    assert result.missing == {
        "90000002": "merged into PMID 90000003 (PubMed replaced PMID 90000002 by 90000003)",
        "90000004": "not in PubMed (deleted or never existed)",
    }


# ---------------------------------------------------------------- Ctrl-C, in a real process


def _start_resolve(tmp_path: Path, url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "EVIDENCE_DB": str(tmp_path / "evidence.sqlite"),
        "EVIDENCE_CACHE": str(tmp_path / "http_cache.sqlite"),
        "EVIDENCE_EUTILS_URL": url,
    }
    cmd = [sys.executable, "-m", "evidence", "resolve", "synthetic-policy"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _interrupt_when(proc: subprocess.Popen[bytes], ready) -> tuple[float, int, str]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 60
    while not ready() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "resolve ended before it could be interrupted"
    time.sleep(0.3)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    return time.monotonic() - sent, proc.returncode, err.decode()


@pytest.mark.parametrize("fault", ["slow", "503"])
def test_ctrl_c_stops_within_2_s_during_a_request_or_a_backoff(tmp_path, fault):
    pmids = synthetic_pmids(450)  # three batches, two in flight
    with FakeEutils(slow_seconds=40.0) as fake:
        add_many(fake, pmids)
        engine = open_store(f"sqlite:///{tmp_path / 'evidence.sqlite'}")
        make_policy(engine, pmids)
        engine.dispose()
        fake.fail_next(2 if fault == "slow" else 100, fault)
        proc = _start_resolve(tmp_path, fake.url)
        waited = 2 if fault == "slow" else 4  # 503: a few tries in, so a backoff is running
        took, code, err = _interrupt_when(proc, lambda: fake.count("efetch.fcgi") >= waited)
    assert took < 2.0, f"took {took:.1f} s to stop"
    assert code == 130, err
    assert "Interrupted: kept what is stored" in err and "450 PMIDs not fetched" in err
    assert "Traceback" not in err
