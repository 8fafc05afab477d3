"""The workspace with a cycle of 2,000 candidates on SQLite: how long does each page take to
render, and a decision to make its round trip? (Issue 13: pages < 300 ms, decision < 100 ms.)

The store is built in a temp dir by bulk inserts (store_bench's synthetic articles: ~1,500-
character abstracts, 6 authors, ~4 KB of raw XML each): one policy with 30 references and an
open cycle of `--candidates` candidates. `evidence serve --port 0` then runs as a user runs it,
in its own process, and each URL is fetched over a kept-alive HTTP connection `--runs` times
(median and 95th percentile of the wall time, client side). Decisions alternate include /
exclude / maybe over different candidates; undo is timed too. When Chromium and chromedriver
are installed, the screen page is also opened in headless Chromium and timed from navigation
start to the first record shown (the list and the record drawn by screen.js).

    python bench/web_bench.py [--candidates 2000] [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
import random  # noqa: E402

from store_bench import DESIGNS, article_rows  # noqa: E402

PID = "bench-policy"
PAGE_TARGET, DECISION_TARGET = 0.300, 0.100


def build_store(url: str, candidates: int, refs: int = 30) -> None:
    """One policy, its references, and an open cycle with `candidates` candidates."""
    from sqlalchemy import insert

    from evidence.store import models as m
    from evidence.store import open_store, transaction

    rng = random.Random(13)
    engine = open_store(url)
    arts = article_rows(candidates + refs, rng)
    now = datetime.now(timezone.utc)
    with transaction(engine) as s:
        s.execute(insert(m.Article), arts)
        s.execute(insert(m.Policy), [dict(
            id=PID, title="Stem-Cell Therapy for Peripheral Arterial Disease", title_source="option",
            sha256="0" * 64, revision=1, effective_date=date(2026, 1, 1), last_reviewed=date(2025, 9, 17),
            related=[], intervention_terms=["stem cell", "bone marrow"], ingested_at=now)])  # fmt: skip
        s.execute(insert(m.Statement), [dict(
            policy_id=PID, revision=1, product="Commercial", status="not medically necessary",
            text="Stem cell therapy for peripheral arterial disease, including critical limb ischemia, "
                 "is not medically necessary.")])  # fmt: skip
        s.execute(insert(m.Reference), [dict(
            policy_id=PID, revision=1, number=k + 1, raw=f"{k + 1}. {a['title']} PMID {a['pmid']}",
            authors=[], title=a["title"], year=a["year"], pmid=a["pmid"], warnings=[],
            role="direct" if k % 3 else "background") for k, a in enumerate(arts[:refs])])  # fmt: skip
        cycle = m.ReviewCycle(policy_id=PID, number=1, query="q", since=date(2025, 9, 17),
                              until=date(2026, 11, 1), counts={"search": {"identified": candidates}})  # fmt: skip
        s.add(cycle)
        s.flush()
        s.execute(insert(m.Candidate), [dict(
            cycle_id=cycle.id, pmid=a["pmid"], design=DESIGNS[i % len(DESIGNS)][0],
            level=DESIGNS[i % len(DESIGNS)][1], stage="title-abstract")
            for i, a in enumerate(arts[refs:])])  # fmt: skip
    with engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def _stats(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def _row(label: str, times: list[float], target: float, size: int | None = None,
         cpu: list[float] | None = None) -> None:  # fmt: skip
    median, p95 = _stats(times)
    verdict = "ok" if median < target else "SLOW"
    extra = f"{size / 1024:>7.0f}" if size is not None else f"{'':>7}"
    server = f"{statistics.median(cpu) * 1000:>8.1f}" if cpu else f"{'':>8}"
    print(f"{label:<38} {len(times):>4} {median * 1000:>9.1f} {p95 * 1000:>8.1f} {server} {extra}   "
          f"< {target * 1000:.0f} ms {verdict}", flush=True)  # fmt: skip


def _cpu(response) -> float:  # type: ignore[no-untyped-def]
    """The server's CPU time for the answer, from its Server-Timing header."""
    timing = dict(part.strip().split(";dur=") for part in response.headers["server-timing"].split(","))
    return float(timing["cpu"]) / 1000


def _time_get(session, url: str, runs: int) -> tuple[list[float], int, list[float]]:  # type: ignore[no-untyped-def]
    times, size, cpu = [], 0, []
    for _ in range(runs):
        start = time.perf_counter()
        r = session.get(url, timeout=30)
        times.append(time.perf_counter() - start)
        if r.status_code != 200:
            raise SystemExit(f"GET {url.split('?')[0]}: {r.status_code} {r.text[:300]}")
        size = len(r.content)
        cpu.append(_cpu(r))
    return times, size, cpu


def _time_decisions(session, base: str, token: str, pmids: list[str], runs: int):  # type: ignore[no-untyped-def]
    headers = {"X-Evidence-Token": token, "Content-Type": "application/json"}
    kinds = [{"decision": "include"}, {"decision": "exclude", "reason": "wrong-outcome"}, {"decision": "maybe"}]
    decide, undo, cpu = [], [], []
    for n in range(runs):
        body = {"pmid": pmids[n], **kinds[n % 3], "note": "bench"}
        start = time.perf_counter()
        r = session.post(f"{base}/api/policies/{PID}/decisions", json=body, headers=headers, timeout=30)
        decide.append(time.perf_counter() - start)
        if r.status_code != 200:
            raise SystemExit(f"POST decision: {r.status_code} {r.text[:300]}")
        cpu.append(_cpu(r))
    for _ in range(min(runs, 10)):
        start = time.perf_counter()
        r = session.post(f"{base}/api/policies/{PID}/undo", json={}, headers=headers, timeout=30)
        undo.append(time.perf_counter() - start)
        if r.status_code != 200:
            raise SystemExit(f"POST undo: {r.status_code} {r.text[:300]}")
    return decide, undo, cpu


def _browser_times(url: str, runs: int, profile: Path) -> list[float] | None:
    """Navigation start -> first record drawn, in headless Chromium (None when absent)."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    try:
        from web_helpers import CHROMEDRIVER, CHROMIUM, chrome
    except ImportError:
        return None
    if not (CHROMIUM and CHROMEDRIVER):
        return None
    driver = chrome(profile)
    try:
        driver.get(url)  # sets the cookie
        times = []
        screen = url.split("/?", 1)[0] + f"/policies/{PID}/screen"
        for _ in range(runs):
            driver.get(screen)
            shown = driver.execute_script(
                "return document.getElementById('record').dataset.pmid ? performance.now() : null;"
            )
            if shown is None:
                raise SystemExit("the screen page showed no record")
            times.append(shown / 1000)
        return times
    finally:
        driver.quit()


def main(argv: list[str] | None = None) -> int:
    import requests

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args([] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="web-bench-") as tmp:
        work = Path(tmp)
        db = f"sqlite:///{work / 'evidence.sqlite'}"
        build_store(db, args.candidates)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "NCBI_"))}
        env.update(EVIDENCE_CACHE=str(work / "http_cache.sqlite"), EVIDENCE_EUTILS_URL="http://127.0.0.1:9/")
        proc = subprocess.Popen([sys.executable, "-m", "evidence", "--db", db, "serve", "--port", "0",
                                 "--reviewer", "bench"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, env=env)  # fmt: skip
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            base, token = url.split("/?token=")
            session = requests.Session()
            session.headers["X-Evidence-Token"] = token
            session.get(url, timeout=30)  # warm: first import of templates, store opened
            print(f"cycle of {args.candidates} candidates on SQLite; {args.runs} runs each, client-side wall time")
            print(f"{'request':<38} {'runs':>4} {'median ms':>9} {'p95 ms':>8} {'cpu ms':>8} {'KB':>7}   target")
            print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; cpu ms = the server's own "
                  "CPU time for the answer, from its Server-Timing header)")
            for label, path in [
                ("GET / (every policy)", "/"),
                ("GET /policies/<id> (the report)", f"/policies/{PID}"),
                ("GET /policies/<id>/screen", f"/policies/{PID}/screen"),
                ("GET /api/policies", "/api/policies"),
                ("GET /api/policies/<id>/candidates", f"/api/policies/{PID}/candidates"),
            ]:
                session.get(base + path, timeout=30)
                times, size, cpu = _time_get(session, base + path, args.runs)
                _row(label, times, PAGE_TARGET, size, cpu)
            pmids = [str(90_000_001 + 30 + i) for i in range(args.runs)]
            decide, undo, cpu = _time_decisions(session, base, token, pmids, args.runs)
            _row("POST /api/policies/<id>/decisions", decide, DECISION_TARGET, cpu=cpu)
            _row("POST /api/policies/<id>/undo", undo, DECISION_TARGET)
            shown = _browser_times(url, max(3, args.runs // 4), work)
            if shown is not None:
                _row("Chromium: screen page to first record", shown, PAGE_TARGET)
            else:
                print("Chromium: not installed; the in-browser figure is skipped")
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
