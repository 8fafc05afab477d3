"""Benchmark: `evidence watch --max-age 0` on a library of 1,000 policies citing 40,000 PMIDs
(30,000 distinct), twice, then `evidence status` on that store, against the fake E-utilities
server.

The fake server runs in its own process (resolve_bench's `Server`) and makes ~26 KB records on
demand (resolve_bench's `synthetic_record`); one PMID in 1,000 has gained a retraction since it
was stored, so the compare-and-store path does real work. The store holds every article as
resolve stores it (parsed, raw XML kept), 60 days ago. The watch runs as a user runs it,
`evidence watch` in a fresh subprocess, with an API key so the limit is 10 requests/s (3/s would
make the bound ~383 s: too long for routine runs). The second watch finds nothing changed.

Printed per watch: requests (target ceil(distinct/200) efetch + one esearch per policy), 429s
(target 0), wall / (requests / 10 s) (target <= 1.15) with the load average (a shared machine
inflates wall time), CPU time user+sys over the same bound (what an idle machine's ratio cannot
go below), the watch's peak RSS (target <= 300 MB), events stored; then `evidence status` wall
time (median of 3, target < 1 s) and peak RSS.

    python bench/watch_bench.py [--quick] [--policies 1000] [--refs 40] [--distinct 30000]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "tests", ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
from measured import MEASURED, PEAK  # noqa: E402
from resolve_bench import Server, synthetic_record  # noqa: E402

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
    """PubMed's record now: the stored copy, plus a retraction notice for one in 1,000."""
    xml = synthetic_record(pmid)
    if (int(pmid) - START) % CHANGED_EVERY == 0:
        xml = xml.replace("<CitationSubset>IM</CitationSubset>",
                          "<CitationSubset>IM</CitationSubset>" + RETRACTION, 1)  # fmt: skip
    return xml


def build_store(url: str, policies: int, refs: int, distinct: int) -> None:
    """Policies citing `refs` PMIDs each, neighbours overlapping, `distinct` PMIDs in all; each
    article stored as resolve stores it (parsed, with its raw XML) 60 days ago."""
    from fake_eutils.records import pubmed_article_set
    from sqlalchemy import insert

    from evidence.entrez.parse import parse_efetch
    from evidence.store import models as m
    from evidence.store import open_store, transaction

    engine = open_store(url)
    now = datetime.now(timezone.utc)
    stored = now - timedelta(days=60)
    step = max(1, distinct // policies)
    with transaction(engine) as s:
        for lo in range(0, distinct, 1000):
            pmids = [str(START + i) for i in range(lo, min(lo + 1000, distinct))]
            body = pubmed_article_set(synthetic_record(p) for p in pmids)
            s.execute(insert(m.Article),
                      [{**vars(a), "fetched_at": stored} for a in parse_efetch(body)])  # fmt: skip
            s.execute(insert(m.DesignTag), [
                dict(subject=f"pmid:{p}", design="rct", modifiers=[], level=2,
                     source="publication-type", signal="publication type", tagged_at=now)
                for p in pmids
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


def run_cli(argv: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Wall s, CPU s (user + sys), peak RSS MB, exit code and stdout of `evidence ARGV` in a
    fresh subprocess."""
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-c", MEASURED, *argv], capture_output=True,
                          text=True, env=env, cwd=cwd)  # fmt: skip
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    found = PEAK.search(proc.stderr)
    if not found:
        raise SystemExit(f"evidence {' '.join(argv)} failed: {proc.stderr[-1500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak": int(found.group(1)) / 1024,
            "code": proc.returncode, "stdout": proc.stdout, "load": os.getloadavg()[0]}  # fmt: skip


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
        watch = ["watch", "--max-age", "0", "--json"]
        runs = []
        for _ in range(2):  # the first finds the retractions, the second finds nothing
            with Server(_record) as server:
                env["EVIDENCE_EUTILS_URL"] = server.url
                runs.append(run_cli(watch, env, work) | {"stats": server.stats()})
        env["EVIDENCE_EUTILS_URL"] = "http://127.0.0.1:9/entrez/eutils/"
        status = [run_cli(["status", "--json"], env, work) for _ in range(3)]
    target = math.ceil(args.distinct / 200) + args.policies
    expected_events = sum(
        1 for p in range(args.policies) for k in range(args.refs)
        if ((p * max(1, args.distinct // args.policies) + k) % args.distinct) % CHANGED_EVERY == 0
    )  # fmt: skip
    for n, run in enumerate(runs, 1):
        stats, data = run["stats"], json.loads(run["stdout"]) if run["stdout"].strip() else {}
        requests = stats["efetch"] + stats["esearch"]
        bound = requests / RATE
        rows = [
            ("exit code (4: something changed)", f"{run['code']}"),
            ("records re-checked", f"{data.get('checked', 0):,} of {data.get('to_check', 0):,}"),
            ("requests (target ceil(N/200) + policies)",
             f"{requests:,} = {stats['efetch']} efetch + {stats['esearch']} esearch "
             f"(target {target:,})"),
            ("429s received (target 0)", f"{stats['429']}"),
            ("peak requests in any 1 s window", f"{stats['max_rate']}"),
            ("watch wall time", f"{run['wall']:.1f} s (load average {run['load']:.1f})"),
            (f"wall / (requests/{RATE} s) (target <= 1.15)", f"{run['wall'] / bound:.3f}"),
            ("watch CPU (user+sys) / bound", f"{run['cpu']:.1f} s / {bound:.1f} s = "
                                             f"{run['cpu'] / bound:.3f}"),
            ("watch peak RSS (target <= 300 MB)", f"{run['peak']:.0f} MB"),
            ("events stored", f"{len(data.get('events', [])):,} "
                              f"(expected {expected_events if n == 1 else 0:,})"),
        ]  # fmt: skip
        print(f"-- watch {n} ({'retractions to find' if n == 1 else 'nothing changed'})")
        for label, value in rows:
            print(f"{label:44}{value}")
    print(f"{'status median of 3 (target < 1 s)':44}"
          f"{statistics.median(s['wall'] for s in status):.3f} s, "
          f"peak {max(s['peak'] for s in status):.0f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
