"""Issue #16's table: how fast the everyday commands start, and big policies at real size.

Every command runs as a user runs it, in a fresh `python -m evidence` subprocess (start-up and
opening the store included); the figure is the median of `--runs`, peak RSS the subprocess's
own high-water mark. The 10,000-reference policy is built by bulk insert (store_bench's
builder) with each article carrying ~26 KB of raw XML, the size real PubMed records have, so
an export that decoded raw XML would show it, and the abstract facts `evidence tag` stores for
its trials and syntheses. Resolve figures (from the cache, and cold against
the paced fake server) are printed by resolve_bench.

    python bench/speed_bench.py [--refs 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from store_bench import build_store, measure  # noqa: E402

EXAMPLE = ROOT / "examples" / "stem-cell-pad.txt"
RAW_XML_KB = 26

# (what, the figure before #16, the target)
ROWS = {
    "policy list, empty store": ("0.98 s", "< 0.30 s"),
    "report of the example (text)": ("0.80 s", "< 0.40 s"),
    "report, 10,000-reference policy": ("6.5 s", "< 1.5 s"),
    "  the same as md / html / json": ("-", "< 1.5 s"),
    "export, 10,000-reference policy (peak)": ("1,072 MB", "< 250 MB"),
    "status, library of 1,000 policies (#14)": ("-", "< 1 s"),
}


def _env(work: Path, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "NCBI_"))}
    env.update(EVIDENCE_DB=str(db), EVIDENCE_CACHE=str(work / "http_cache.sqlite"),
               EVIDENCE_EUTILS_URL="http://127.0.0.1:9/entrez/eutils/")
    return env


def _pad_raw_xml(url: str) -> None:
    """Give every article the raw XML size of a real record."""
    from sqlalchemy import text

    from evidence.store import open_store

    engine = open_store(url)
    filler = "<!-- " + "x" * (RAW_XML_KB * 1024) + " -->"
    with engine.begin() as con:
        con.execute(text("UPDATE article SET raw_xml = raw_xml || :f"), {"f": filler})
    with engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def _store_facts(url: str) -> None:
    """Store the abstract facts of every trial and synthesis, as `evidence tag` does for the
    studies it tags (the bulk builder writes tags directly, not through tagging)."""
    from evidence.services.facts import refresh_all
    from evidence.store import open_store

    engine = open_store(url)
    refresh_all(engine)
    with engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--library", type=int, default=1000,
                        help="policies in the status library (40 references each)")
    args = parser.parse_args([] if argv is None else argv)
    results: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="speed-bench-") as tmp:
        work = Path(tmp)
        empty = _env(work, work / "empty.sqlite")
        measure(["db", "upgrade"], empty, work, 1)  # a fresh, migrated store (reads make none)
        seconds, _ = measure(["policy", "list"], empty, work, args.runs)
        results["policy list, empty store"] = f"{seconds:.2f} s"

        example = _env(work, work / "example.sqlite")
        measure(["policy", "add", str(EXAMPLE), "--id", "pad"], example, work, 1)
        measure(["tag", "pad"], example, work, 1)
        seconds, _ = measure(["report", "pad", "--format", "text", "-o", "r.txt"], example, work, args.runs)
        results["report of the example (text)"] = f"{seconds:.2f} s"

        big_db = work / "big.sqlite"
        build_store(f"sqlite:///{big_db}", 1, args.refs, args.refs)
        _pad_raw_xml(f"sqlite:///{big_db}")
        _store_facts(f"sqlite:///{big_db}")
        big = _env(work, big_db)
        size = sum(p.stat().st_size for p in work.glob("big.sqlite*")) / 2**20
        seconds, _ = measure(["report", "policy-000", "--format", "text", "-o", "big.txt"], big, work, 3)
        results["report, 10,000-reference policy"] = f"{seconds:.2f} s"
        other = [measure(["report", "policy-000", "--format", fmt, "-o", f"big.{fmt}"], big, work, 3)[0]
                 for fmt in ("md", "html", "json")]  # fmt: skip
        results["  the same as md / html / json"] = " / ".join(f"{s:.2f}" for s in other) + " s"
        _, peak = measure(["export", "policy-000", "--format", "ris", "-o", "big.ris"], big, work, 3)
        results["export, 10,000-reference policy (peak)"] = f"{peak:.0f} MB"

        library = work / "library.sqlite"  # issue #14's library: 40 references a policy
        build_store(f"sqlite:///{library}", args.library, args.library * 30, 40)
        seconds, _ = measure(["status", "--json"], _env(work, library), work, args.runs)
        results["status, library of 1,000 policies (#14)"] = f"{seconds:.2f} s"
    print(f"store for the big policy: {args.refs:,} references, {size:.0f} MB "
          f"(~{RAW_XML_KB} KB raw XML per article); medians of fresh processes")
    print(f"{'what':<40} {'before':>10} {'target':>10} {'now':>10}")
    for label, (before, target) in ROWS.items():
        print(f"{label:<40} {before:>10} {target:>10} {results[label]:>10}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
