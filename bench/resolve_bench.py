"""Benchmark: resolve 10,000 synthetic PMIDs against the fake E-utilities server at 3 req/s.

The fake server runs in its own process (so its work does not share our GIL or our memory
figures), holds NCBI's limit of 3 requests/s without a key and answers 429 above it. Records
are realistic in size (about 26 KB, like the metapub samples: long structured abstracts, many
authors with affiliations, MeSH, reference lists) and are made on demand by the server.

Printed: requests used (target ceil(N/200)), 429s received (target 0), wall time as a ratio
of the limit's bound requests/3 s (target <= 1.10), peak memory of this process (target
<= 300 MB), and the same figures for a naive one-PMID-per-request client on a smaller N,
extrapolated to N (it is said so in the output).

Run: python bench/resolve_bench.py [N] [N_SINGLE]
"""

from __future__ import annotations

import math
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "tests"):  # the fake server lives with the tests
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

N = 10_000
N_SINGLE = 60
START = 90_000_001
RATE = 3

WORDS = (
    "autologous bone marrow mononuclear cells were injected intramuscularly in patients with "
    "critical limb ischemia and followed for amputation free survival rest pain ulcer healing "
    "ankle brachial index transcutaneous oxygen pressure and adverse events over twelve months"
).split()


def _sentence(seed: int, n: int) -> str:
    words = [WORDS[(seed * 7 + i * 13) % len(WORDS)] for i in range(n)]
    return " ".join(words).capitalize() + "."


def synthetic_record(pmid: str) -> str:
    """One ~26 KB PubmedArticle for a synthetic PMID."""
    from fake_eutils.records import article_xml

    seed = int(pmid)
    abstract = [
        (label, " ".join(_sentence(seed + k + j, 28) for j in range(6)))
        for k, label in enumerate(("Background", "Methods", "Results", "Conclusions"))
    ]
    authors = [
        {
            "last": f"Author{(seed + i) % 997}",
            "fore": "Anna Maria",
            "initials": "AM",
            "affiliation": "Department of Vascular Surgery, Synthetic University Hospital, "
            f"{100 + i} Research Avenue, Springfield, 0{i:04d}, Country. a{i}@example.org",
        }
        for i in range(24)
    ]
    mesh = [
        {"descriptor": w.capitalize(), "major": i % 4 == 0, "qualifiers": ["therapy", "methods"]}
        for i, w in enumerate(WORDS[:18])
    ]
    return article_xml(
        pmid,
        title=f"Synthetic randomized trial {pmid} of cell therapy for limb ischemia.",
        abstract=abstract,
        authors=authors,
        mesh=mesh,
        keywords=WORDS[:10],
        publication_types=["Journal Article", "Randomized Controlled Trial", "Multicenter Study"],
        doi=f"10.5555/synthetic.{pmid}",
        pmcid=f"PMC{pmid}",
        references=[str(START + 500_000 + (seed + i) % 10_000) for i in range(60)],
    )


def _serve(conn, synthesize: Callable[[str], str]) -> None:  # type: ignore[no-untyped-def]
    from fake_eutils.server import FakeEutils

    with FakeEutils() as fake:
        fake.synthesize = synthesize
        conn.send(fake.url)
        conn.recv()  # "stop"
        conn.send(
            {
                "efetch": fake.count("efetch.fcgi"),
                "esearch": fake.count("esearch.fcgi"),
                "429": fake.count(status=429),
                "max_rate": fake.max_rate_seen,
                "violations": fake.rate_violations,
            }
        )


class Server:
    """The fake E-utilities server in its own process (forked: `synthesize` need not pickle),
    so its CPU is not the measured client's; `stats()` stops it and returns its counts."""

    def __init__(self, synthesize: Callable[[str], str] = synthetic_record) -> None:
        self.synthesize = synthesize

    def __enter__(self) -> Server:
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, self.synthesize), daemon=True)
        self.proc.start()
        self.url = self.conn.recv()
        return self

    def stats(self) -> dict[str, int]:
        self.conn.send("stop")
        return self.conn.recv()

    def __exit__(self, *exc: object) -> None:
        self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.terminate()


def _cpu() -> float:
    """CPU seconds of this process (every thread), user + system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_batched(n: int, tmp: Path) -> dict[str, float]:
    """The real path: `resolve` into a fresh SQLite store through the cached, paced client."""
    from resolve_helpers import make_policy

    from evidence.config import load_settings
    from evidence.entrez.client import EntrezClient
    from evidence.services.resolve import resolve
    from evidence.store import open_store

    with Server() as server:
        settings = load_settings(
            environ={
                "EVIDENCE_DB": str(tmp / "bench.sqlite"),
                "EVIDENCE_CACHE": str(tmp / "bench_cache.sqlite"),
                "EVIDENCE_EUTILS_URL": server.url,
            }
        )
        engine = open_store(settings.db_url)
        make_policy(engine, [str(START + i) for i in range(n)], policy_id="bench")
        with EntrezClient(settings) as client:
            t0 = time.perf_counter()
            summary = resolve(engine, client, "bench")
            wall = time.perf_counter() - t0
        stats = server.stats()
        # the same PMIDs again into a fresh store: every answer comes from the HTTP cache
        warm_settings = settings.with_(db_url=f"sqlite:///{tmp / 'bench_warm.sqlite'}")
        warm_engine = open_store(warm_settings.db_url)
        make_policy(warm_engine, [str(START + i) for i in range(n)], policy_id="bench")
        with EntrezClient(warm_settings) as client:
            t0, c0 = time.perf_counter(), _cpu()
            warm = resolve(warm_engine, client, "bench")
            warm_wall, warm_cpu = time.perf_counter() - t0, _cpu() - c0
        warm_requests = warm.requests  # the server has stopped: its counts were read above
    return {
        "n": n,
        "resolved": summary.resolved,
        "requests": summary.requests,
        "efetch": stats["efetch"],
        "429": stats["429"],
        "wall": wall,
        "ratio": wall / (summary.requests / RATE),
        "max_rate": stats["max_rate"],
        "peak_mb": _peak_mb(),
        "cache_mb": (tmp / "bench_cache.sqlite").stat().st_size / 2**20,
        "warm_wall": warm_wall,
        "warm_cpu": warm_cpu,
        "warm_resolved": warm.resolved,
        "warm_requests": warm_requests,
        "db_mb": (tmp / "bench.sqlite").stat().st_size / 2**20,
    }


def floors(tmp: Path) -> dict[str, float]:
    """What the cached resolve cannot go below on this machine, measured in the same run: reading
    the cached bodies, building their lxml trees (any lxml parser pays this), our parse alone, and
    writing the warm store's article rows again with bare sqlite3 (same pragmas, same commits).
    Done one after another on one thread; the resolve overlaps the write with the parse."""
    import sqlite3

    from lxml import etree
    from requests_cache.backends.sqlite import SQLiteCache

    from evidence.entrez.parse import parse_efetch
    from evidence.services.resolve import GROUP
    from evidence.store.engine import make_engine

    t0 = time.perf_counter()
    cache = SQLiteCache(str(tmp / "bench_cache.sqlite"))
    bodies = [r.content for r in cache.responses.values() if b"<PubmedArticleSet" in r.content[:400]]
    t1 = time.perf_counter()
    for body in bodies:
        etree.fromstring(body)
    t2 = time.perf_counter()
    for body in bodies:
        parse_efetch(body)
    t3 = time.perf_counter()
    source = sqlite3.connect(tmp / "bench_warm.sqlite")
    columns = [r[1] for r in source.execute("PRAGMA table_info(article)")]
    rows = source.execute("SELECT * FROM article").fetchall()
    # the store's own connection setup (its pragmas), then the driver alone
    target = make_engine(f"sqlite:///{tmp / 'floor.sqlite'}").raw_connection()
    target.execute(f"CREATE TABLE article ({', '.join(columns)})")
    marks = ", ".join("?" * len(columns))
    t4 = time.perf_counter()
    for i in range(0, len(rows), GROUP):
        target.executemany(f"INSERT INTO article VALUES ({marks})", rows[i : i + GROUP])
        target.commit()
    t5 = time.perf_counter()
    mb = sum(len(b) for b in bodies) / 2**20
    return {"read": t1 - t0, "tree": t2 - t1, "parse": t3 - t2, "write": t5 - t4, "mb": mb}


def run_single(n: int, n_target: int) -> dict[str, float]:
    """A naive client: one efetch per PMID (same pacing, no cache); measured on n, scaled."""
    import requests

    from evidence.config import load_settings
    from evidence.entrez.client import EntrezClient

    with Server() as server:
        settings = load_settings(environ={"EVIDENCE_EUTILS_URL": server.url})
        with EntrezClient(settings, session=requests.Session()) as client:
            t0 = time.perf_counter()
            got = sum(len(client.efetch_batch([str(START + 20_000 + i)])[0]) for i in range(n))
            wall = time.perf_counter() - t0
        stats = server.stats()
    return {
        "n": n,
        "resolved": got,
        "requests": stats["efetch"],
        "429": stats["429"],
        "wall": wall,
        "ratio": wall / (stats["efetch"] / RATE),
        "max_rate": stats["max_rate"],
        "extrapolated_wall": wall / n * n_target,
        "extrapolated_requests": n_target,
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else N
    n_single = int(args[1]) if len(args) > 1 else N_SINGLE
    with tempfile.TemporaryDirectory() as tmp:
        sample = len(synthetic_record(str(START)).encode())
        print(
            f"resolve {n:,} synthetic PMIDs at {RATE} requests/s; "
            f"record size {sample / 1024:.1f} KB",
            flush=True,
        )
        b = run_batched(n, Path(tmp))
        f = floors(Path(tmp))
    s = run_single(n_single, n)
    print(f"{'':34}{'batched (200/request)':>24}{'one PMID per request':>26}")
    rows = [
        (
            "PMIDs resolved",
            f"{b['resolved']:,} of {n:,}",
            f"{s['resolved']} of {n_single} measured",
        ),
        (
            "requests used (target ceil(N/200))",
            f"{b['requests']} (target {math.ceil(n / 200)})",
            f"{s['extrapolated_requests']:,} (extrapolated)",
        ),
        ("429s received (target 0)", f"{b['429']}", f"{s['429']}"),
        ("peak requests in any 1 s window", f"{b['max_rate']}", f"{s['max_rate']}"),
        (
            "wall time",
            f"{b['wall']:.1f} s",
            f"{s['extrapolated_wall'] / 60:.1f} min (extrapolated "
            f"from {s['wall']:.1f} s for {n_single})",
        ),
        ("wall / (requests/3 s) (target <= 1.10)", f"{b['ratio']:.3f}", f"{s['ratio']:.3f}"),
        ("peak memory, this process (<= 300 MB)", f"{b['peak_mb']:.0f} MB", "-"),
        (
            "again from the cache, fresh store (< 4 s)",
            f"{b['warm_wall']:.1f} s ({b['warm_cpu']:.1f} s CPU), {b['warm_requests']} requests",
            f"{b['warm_resolved']:,} resolved",
        ),
        ("HTTP cache / store size", f"{b['cache_mb']:.0f} MB / {b['db_mb']:.0f} MB", "-"),
        ("floor: read the cached bodies", f"{f['read']:.1f} s", f"{f['mb']:.0f} MB of XML"),
        ("floor: lxml tree build alone", f"{f['tree']:.1f} s", f"{f['mb'] / f['tree']:.0f} MB/s"),
        ("floor: our parse alone", f"{f['parse']:.1f} s", f"{n / f['parse']:,.0f} records/s"),
        ("floor: bare sqlite3 row write", f"{f['write']:.1f} s", "same rows, pragmas, commits"),
    ]
    for label, left, right in rows:
        print(f"{label:34}{left:>24}   {right}")


if __name__ == "__main__":
    main()
