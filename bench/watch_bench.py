"""Benchmark: `evidence watch --max-age 0` on a library of 1,000 policies citing 40,000 PMIDs
(30,000 distinct), then `evidence status` on that store, against the fake E-utilities server.

The fake server runs in its own process and makes ~26 KB records on demand (resolve_bench's
`synthetic_record`); one PMID in 1,000 has gained a retraction since it was stored, so the
compare-and-store path does real work. The store is bulk-inserted (every article stored 60 days
ago). The watch runs as a user runs it, `evidence watch` in a fresh subprocess, with an API key
so the limit is 10 requests/s (3/s would make the bound ~383 s: too long for routine runs).

Printed: requests (target ceil(distinct/200) efetch + one esearch per policy), 429s (target 0),
wall / (requests / 10 s) (target <= 1.15), the watch's peak RSS (target <= 300 MB), events
stored, and `evidence status` wall time (median of 3, target < 1 s) and peak RSS.

    python bench/watch_bench.py [--quick] [--policies 1000] [--refs 40] [--distinct 30000]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "tests", ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
from measured import MEASURED, PEAK  # noqa: E402

START = 90_000_001
RATE = 10
CHANGED_EVERY = 1000  # one PMID in this many was retracted since it was stored
PUB_TYPES = ["Journal Article", "Randomized Controlled Trial", "Multicenter Study"]
RETRACTION = (
    '<CommentsCorrectionsList><CommentsCorrections RefType="RetractionIn"><RefSource>Synthetic J. '
    "2026;1:1.</RefSource><PMID Version=\"1\">99999999</PMID></CommentsCorrections>"
    "</CommentsCorrectionsList>"
)


def _record(pmid: str) -> str:
    from resolve_bench import synthetic_record

    xml = synthetic_record(pmid)
    if (int(pmid) - START) % CHANGED_EVERY == 0:
        xml = xml.replace("<CitationSubset>IM</CitationSubset>",
                          "<CitationSubset>IM</CitationSubset>" + RETRACTION, 1)  # fmt: skip
    return xml


def _serve(conn) -> None:  # type: ignore[no-untyped-def]
    from fake_eutils.server import FakeEutils

    with FakeEutils() as fake:
        fake.synthesize = _record
        conn.send(fake.url)
        conn.recv()  # "stop"
        conn.send({"efetch": fake.count("efetch.fcgi"), "esearch": fake.count("esearch.fcgi"),
                   "429": fake.count(status=429), "max_rate": fake.max_rate_seen})  # fmt: skip


class Server:
    def __enter__(self) -> Server:
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child,), daemon=True)
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


def build_store(url: str, policies: int, refs: int, distinct: int) -> None:
    """Policies citing `refs` PMIDs each, neighbours overlapping, `distinct` PMIDs in all."""
    from sqlalchemy import insert

    from evidence.store import models as m
    from evidence.store import open_store, transaction

    engine = open_store(url)
    now = datetime.now(timezone.utc)
    stored = now - timedelta(days=60)
    step = max(1, distinct // policies)
    with transaction(engine) as s:
        for lo in range(0, distinct, 5000):
            s.execute(insert(m.Article), [
                dict(pmid=str(START + i), title=f"Synthetic randomized trial {START + i}.",
                     journal="J Synth Med", year=2020, publication_types=[
                         {"ui": "D000000", "name": t} for t in PUB_TYPES],
                     comments_corrections=[], authors=[], abstract_sections=[], mesh=[],
                     keywords=[], fetched_at=stored)
                for i in range(lo, min(lo + 5000, distinct))
            ])  # fmt: skip
            s.execute(insert(m.DesignTag), [
                dict(subject=f"pmid:{START + i}", design="rct", modifiers=[], level=2,
                     source="publication-type", signal="publication type", tagged_at=now)
                for i in range(lo, min(lo + 5000, distinct))
            ])  # fmt: skip
        s.execute(insert(m.Policy), [
            dict(id=f"policy-{p:04d}", title=f"Cell therapy for limb ischemia {p}",
                 sha256=f"{p:064x}", revision=1, last_reviewed=date(2025, 9, 1),
                 intervention_terms=["cell therapy"], related=[],
                 search_query='"cell therapy"[tiab] AND "limb ischemia"[tiab]' if p % 2 else None,
                 ingested_at=now)
            for p in range(policies)
        ])  # fmt: skip
        rows = [
            dict(policy_id=f"policy-{p:04d}", revision=1, number=k + 1, raw=f"Reference {k + 1}.",
                 pmid=str(START + (p * step + k) % distinct), authors=[], warnings=[],
                 match_candidates=[])
            for p in range(policies) for k in range(refs)
        ]  # fmt: skip
        for lo in range(0, len(rows), 10_000):
            s.execute(insert(m.Reference), rows[lo : lo + 10_000])
    with engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def run_cli(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int, str]:
    """Wall s, peak RSS MB, exit code and stdout of `evidence ARGV` in a fresh subprocess."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", MEASURED, *argv], capture_output=True,
                          text=True, env=env, cwd=cwd)  # fmt: skip
    wall = time.perf_counter() - start
    found = PEAK.search(proc.stderr)
    if not found:
        raise SystemExit(f"evidence {' '.join(argv)} failed: {proc.stderr[-1500:]}")
    return wall, int(found.group(1)) / 1024, proc.returncode, proc.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 policies, 3,000 PMIDs")
    parser.add_argument("--policies", type=int, default=1000)
    parser.add_argument("--refs", type=int, default=40)
    parser.add_argument("--distinct", type=int, default=30_000)
    args = parser.parse_args([] if argv is None else argv)
    if args.quick:
        args.policies, args.distinct = 100, 3000
    with tempfile.TemporaryDirectory(prefix="watch-bench-") as tmp:
        work = Path(tmp)
        db = work / "evidence.sqlite"
        t0 = time.perf_counter()
        build_store(f"sqlite:///{db}", args.policies, args.refs, args.distinct)
        print(f"store: {args.policies:,} policies, {args.policies * args.refs:,} references, "
              f"{args.distinct:,} distinct PMIDs; built in {time.perf_counter() - t0:.1f} s",
              flush=True)  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "NCBI_"))}
        env.update(EVIDENCE_DB=str(db), EVIDENCE_CACHE=str(work / "http_cache.sqlite"),
                   NCBI_API_KEY="bench-key-not-secret")  # fmt: skip
        with Server() as server:
            env["EVIDENCE_EUTILS_URL"] = server.url
            wall, peak, code, out = run_cli(
                ["watch", "--max-age", "0", "--json", "--quiet"], env, work)
            stats = server.stats()
        env["EVIDENCE_EUTILS_URL"] = "http://127.0.0.1:9/entrez/eutils/"
        data = json.loads(out) if out.strip() else {}
        status = [run_cli(["status", "--json"], env, work) for _ in range(3)]
    requests = stats["efetch"] + stats["esearch"]
    target = math.ceil(args.distinct / 200) + args.policies
    expected_events = sum(
        1 for p in range(args.policies) for k in range(args.refs)
        if ((p * max(1, args.distinct // args.policies) + k) % args.distinct) % CHANGED_EVERY == 0
    )  # fmt: skip
    rows = [
        ("exit code (4: something changed)", f"{code}"),
        ("records re-checked", f"{data.get('checked', 0):,} of {data.get('to_check', 0):,}"),
        ("requests (target ceil(N/200) + policies)",
         f"{requests:,} = {stats['efetch']} efetch + {stats['esearch']} esearch (target {target:,})"),
        ("429s received (target 0)", f"{stats['429']}"),
        ("peak requests in any 1 s window", f"{stats['max_rate']}"),
        ("watch wall time", f"{wall:.1f} s"),
        (f"wall / (requests/{RATE} s) (target <= 1.15)", f"{wall / (requests / RATE):.3f}"),
        ("watch peak RSS (target <= 300 MB)", f"{peak:.0f} MB"),
        ("events stored", f"{len(data.get('events', [])):,} (expected {expected_events:,})"),
        ("status median of 3 (target < 1 s)",
         f"{statistics.median(s[0] for s in status):.3f} s, peak {max(s[1] for s in status):.0f} MB"),
    ]  # fmt: skip
    for label, value in rows:
        print(f"{label:44}{value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
