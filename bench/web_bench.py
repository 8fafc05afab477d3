"""The workspace with a cycle of 2,000 candidates on SQLite: how long does each page take to
render, a decision to make its round trip, and the ranker to rank them? (Issue 13: pages
< 300 ms, decision < 100 ms, ranking < 2 s; WSS@95 reported.)

The store is built in a temp dir by bulk inserts (store_bench's synthetic articles: ~1,500-
character abstracts, 6 authors, ~4 KB of raw XML each): one policy with 30 references and an
open cycle of `--candidates` candidates. `evidence serve --port 0` then runs as a user runs it,
in its own process, and each URL is fetched over a kept-alive HTTP connection `--runs` times
(median and 95th percentile of the wall time, client side). Decisions alternate include /
exclude / maybe over different candidates; undo is timed too. Each answer's own CPU time on
the server comes from its Server-Timing header (the machine may be shared: wall time depends
on the load, printed with the figures; CPU time much less). When Chromium and chromedriver are
installed, the pages are also opened in headless Chromium: time to DOMContentLoaded
(`performance.timing`), for the screen page to the first record drawn by screen.js, and from
the key `j` to the next record's abstract shown (it was fetched ahead). Ranking is
`rank_cycle` in this process (fit + score + store), wall and CPU; WSS@95 is the simulation of
`evidence.review.evaluate` on ../shared's real records (skipped when absent, or `--no-wss`).

    python bench/web_bench.py [--candidates 2000] [--runs 20] [--no-wss]
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
PAGE_TARGET, DECISION_TARGET, RANK_TARGET = 0.300, 0.100, 2.0


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


_LOADED = "const t = performance.timing; return (t.domContentLoadedEventEnd - t.navigationStart) / 1000;"
_NEXT = """
const done = arguments[arguments.length - 1];
const abstract = document.getElementById('r-abstract');
const before = document.getElementById('record').dataset.pmid;
const start = performance.now();
document.dispatchEvent(new KeyboardEvent('keydown', {key: 'j', bubbles: true}));
(function wait() {
  const pmid = document.getElementById('record').dataset.pmid;
  if (pmid !== before && abstract.dataset.pmid === pmid) done((performance.now() - start) / 1000);
  else if (performance.now() - start > 10000) done(null);
  else requestAnimationFrame(wait);
})();
"""


def _browser_times(url: str, runs: int, profile: Path) -> dict[str, list[float]] | None:
    """In headless Chromium (None when absent): each page's time to DOMContentLoaded, the
    screen page's time to its first record drawn, and key j -> the next abstract shown."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    try:
        from web_helpers import CHROMEDRIVER, CHROMIUM, chrome
    except ImportError:
        return None
    if not (CHROMIUM and CHROMEDRIVER):
        return None
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chrome(profile)
    driver.set_script_timeout(30)
    base = url.split("/?", 1)[0]
    times: dict[str, list[float]] = {}
    try:
        driver.get(url)  # sets the cookie
        for label, path in [("/", "/"), ("report", f"/policies/{PID}"), ("screen", f"/policies/{PID}/screen")]:
            for _ in range(runs):
                driver.get(base + path)
                times.setdefault(label, []).append(driver.execute_script(_LOADED))
                if label != "screen":
                    continue
                shown = driver.execute_script(  # the mark screen.js sets once it drew the record
                    "const m = performance.getEntriesByName('evidence:first-record')[0];"
                    "return document.getElementById('record').dataset.pmid && m ? m.startTime : null;"
                )
                if shown is None:
                    raise SystemExit("the screen page showed no record")
                times.setdefault("first record", []).append(shown / 1000)
                WebDriverWait(driver, 10).until(  # the next two fetched ahead, as a reader would wait
                    lambda d: len(d.execute_script(
                        "return performance.getEntriesByType('resource').filter((e) => "
                        "e.name.includes('/candidates/'))")) >= 2)  # fmt: skip
                for _ in range(2):
                    step = driver.execute_async_script(_NEXT)
                    if step is None:
                        raise SystemExit("key j did not show the next record's abstract")
                    times.setdefault("next", []).append(step)
        return times
    finally:
        driver.quit()


def _ranking(db: str, runs: int) -> tuple[list[float], list[float]]:
    """rank_cycle on the bench store, in this process: wall and CPU seconds per run."""
    from evidence.services import review
    from evidence.store import open_store

    engine = open_store(db)
    try:
        review.rank_cycle(engine, PID)  # warm: imports scikit-learn once
        wall, cpu = [], []
        for _ in range(runs):
            w, c = time.perf_counter(), time.process_time()
            review.rank_cycle(engine, PID)
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
        return wall, cpu
    finally:
        engine.dispose()


def _wss() -> None:
    from statistics import mean

    from evidence.review import evaluate

    records = evaluate.real_records()
    if not records:
        print("WSS@95: ../shared/corpora/eutils-real is absent; skipped")
        return
    rows = evaluate.wss(records)
    each = ", ".join(f"{r['topic']} {r['wss95']:.3f}" for r in rows)
    print(f"WSS@95 (simulated screening on ../shared's real records): mean {mean(r['wss95'] for r in rows):.3f} "
          f"over {len(rows)} topics ({each}); random order: 0", flush=True)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    import requests

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-wss", action="store_true", help="skip the WSS@95 simulation")
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
            print(f"(load average {_load()} on {os.cpu_count()} CPUs; cpu ms = the server's own "
                  "CPU time for the answer, from its Server-Timing header)")
            first = session.get(f"{base}/api/policies/{PID}/candidates", params={"limit": "20"}, timeout=60)
            later = [c["pmid"] for c in first.json()["candidates"]][10:20]
            for label, path in [
                ("GET / (every policy)", "/"),
                ("GET /policies/<id> (the report)", f"/policies/{PID}"),
                ("GET /policies/<id>/screen", f"/policies/{PID}/screen"),
                ("GET /api/policies", "/api/policies"),
                ("GET /api/policies/<id>/candidates", f"/api/policies/{PID}/candidates"),
                ("GET /api/policies/<id>/candidates/<pmid>", f"/api/policies/{PID}/candidates/{later[0]}"),
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
                _row("Chromium: / to DOMContentLoaded", shown["/"], PAGE_TARGET)
                _row("Chromium: report to DOMContentLoaded", shown["report"], PAGE_TARGET)
                _row("Chromium: screen to DOMContentLoaded", shown["screen"], PAGE_TARGET)
                _row("Chromium: screen to first record", shown["first record"], PAGE_TARGET)
                _row("Chromium: key j to next abstract", shown["next"], DECISION_TARGET)
            else:
                print("Chromium: not installed; the in-browser figures are skipped")
        finally:
            proc.terminate()
            proc.wait(timeout=15)
        wall, cpu = _ranking(db, max(3, args.runs // 5))
        _row(f"rank {args.candidates} candidates (rank_cycle)", wall, RANK_TARGET, cpu=cpu)
    print(f"(load average now {_load()})")
    if not args.no_wss:
        _wss()
    return 0


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
