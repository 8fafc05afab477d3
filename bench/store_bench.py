"""A team-sized store: 500 policies, 25,000 articles. How long do reports, exports and the CLI
take, and how much memory do they use?

The store is built in a temp dir by bulk inserts through the store's own models (parsing and
resolving are measured by parse_bench and resolve_bench): synthetic PMIDs (90000001 and up),
articles with realistic field sizes (title ~110 chars, 6 authors, a ~1,500-character structured
abstract, 10 MeSH headings, ~4 KB of raw XML), each policy with 50 references pointing at the
articles (neighbouring policies share some), a design tag per article. Each command then runs
as a user runs it, in a fresh subprocess (so start-up is included), median of `--runs`; its
peak RSS comes from getrusage in that subprocess.

    python bench/store_bench.py [--policies 500] [--articles 25000] [--refs 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the peak-memory wrapper lives with the tests
from measured import MEASURED, PEAK  # noqa: E402

HELP_RUNS = 10
DESIGNS = [("rct", 2), ("meta-analysis", 1), ("systematic-review", 1), ("observational", 4),
           ("case-report", 4), ("narrative-review", None), ("guideline", None)]
WORDS = ("stem cell therapy bone marrow mononuclear peripheral arterial disease critical limb "
         "ischemia randomized trial outcomes amputation ulcer healing perfusion patients "
         "autologous injection progenitor collateral angiogenesis follow-up safety").split()
PUBTYPE = {"rct": "Randomized Controlled Trial", "meta-analysis": "Meta-Analysis",
           "systematic-review": "Systematic Review", "observational": "Observational Study",
           "case-report": "Case Reports", "narrative-review": "Review",
           "guideline": "Practice Guideline"}


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def article_rows(n: int, rng: random.Random) -> list[dict]:  # type: ignore[type-arg]
    now = datetime.now(timezone.utc)
    rows = []
    for i in range(n):
        pmid = str(90_000_001 + i)
        design = DESIGNS[i % len(DESIGNS)][0]
        sections = [
            {"label": label, "category": label, "text": " ".join(_sentence(rng, 14) for _ in range(4))}
            for label in ("BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS")
        ]
        title = _sentence(rng, 15)
        rows.append(dict(
            pmid=pmid, title=title,
            abstract=" ".join(s["text"] for s in sections), abstract_sections=sections,
            journal="Journal of Synthetic Vascular Medicine", journal_iso="J Synth Vasc Med",
            year=2000 + i % 25, month=1 + i % 12, day=1 + i % 28, volume=str(10 + i % 60),
            issue=str(1 + i % 12), pages=f"{100 + i % 900}-{110 + i % 900}",
            doi=f"10.9999/synth.{pmid}", pmcid=None,
            authors=[{"last": f"Author{j}{i % 97}", "initials": "AB", "fore": "Anna B",
                      "affiliations": ["Department of Vascular Surgery, Synthetic University"]}
                     for j in range(6)],
            language="eng",
            publication_types=[{"ui": "D016428", "name": "Journal Article"},
                               {"ui": "D000000", "name": PUBTYPE[design]}],
            mesh=[{"descriptor": rng.choice(WORDS).capitalize(), "major": j == 0, "qualifiers": []}
                  for j in range(10)],
            indexing_method="human", keywords=[], publication_status="ppublish",
            citation_status="MEDLINE", comments_corrections=[], is_book=False,
            raw_xml=f"<PubmedArticle><PMID>{pmid}</PMID><ArticleTitle>{title}</ArticleTitle>"
            + "<AbstractText>" + " ".join(s["text"] for s in sections) + "</AbstractText>" * 2
            + "</PubmedArticle>",
            fetched_at=now,
        ))
    return rows


def build_store(url: str, policies: int, articles: int, refs: int, seed: int = 1) -> None:
    """Bulk-insert the synthetic store (the models' own tables, via SQLAlchemy core inserts)."""
    from sqlalchemy import insert

    from evidence.store import models as m
    from evidence.store import open_store, transaction

    rng = random.Random(seed)
    engine = open_store(url)
    now = datetime.now(timezone.utc)
    arts = article_rows(articles, rng)
    with transaction(engine) as s:
        for start in range(0, len(arts), 2000):
            s.execute(insert(m.Article), arts[start : start + 2000])
        s.execute(insert(m.DesignTag), [
            dict(subject=f"pmid:{a['pmid']}", design=DESIGNS[i % len(DESIGNS)][0], modifiers=[],
                 level=DESIGNS[i % len(DESIGNS)][1], source="publication-type",
                 signal=f"publication type {PUBTYPE[DESIGNS[i % len(DESIGNS)][0]]!r}",
                 confidence=0.95, indexing="human", tagged_at=now)
            for i, a in enumerate(arts)
        ])
        s.execute(insert(m.Policy), [
            dict(id=f"policy-{p:03d}", title=f"Synthetic Policy {p}: {_sentence(rng, 6)}",
                 title_source="document", source_file=f"policy-{p:03d}.txt", sha256=f"{p:064x}",
                 revision=1, effective_date=date(2026, 1, 1), last_reviewed=date(2025, 9, 17),
                 published="Published 01/01/2026", conclusion=_sentence(rng, 30), related=[],
                 intervention_terms=["stem cell", "bone marrow"], ingested_at=now)
            for p in range(policies)
        ])
        s.execute(insert(m.Statement), [
            dict(policy_id=f"policy-{p:03d}", revision=1, product=product, status=status,
                 text=_sentence(rng, 40))
            for p in range(policies)
            for product, status in (("Medicare Advantage", "not covered"),
                                    ("Commercial", "not medically necessary"))
        ])
        rows = []
        for p in range(policies):
            base = (p * articles) // max(policies, 1)
            for k in range(refs):
                a = arts[(base + k * 7) % articles]
                rows.append(dict(
                    policy_id=f"policy-{p:03d}", revision=1, number=k + 1,
                    raw=f"{k + 1}. Author0{a['pmid'][-2:]} AB, et al. {a['title']} "
                        f"*J Synth Vasc Med.* {a['year']}; {a['volume']}({a['issue']}): "
                        f"{a['pages']}. PMID {a['pmid']}",
                    authors=["Author0 AB"], et_al=True, title=a["title"],
                    journal="J Synth Vasc Med", year=a["year"], volume=a["volume"],
                    issue=a["issue"], pages=a["pages"], pmid=a["pmid"], warnings=[],
                    role="direct" if k % 3 else "background", role_source="terms",
                ))
        for start in range(0, len(rows), 5000):
            s.execute(insert(m.Reference), rows[start : start + 5000])
    with engine.connect() as con:  # the first command measured must not pay for the bulk WAL
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def measure(argv: list[str], env: dict[str, str], cwd: Path, runs: int) -> tuple[float, float]:
    """Median wall time (s) and peak RSS (MB) of `evidence ARGV` in fresh subprocesses."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", MEASURED, *argv], capture_output=True,
                              text=True, env=env, cwd=cwd)
        times.append(time.perf_counter() - start)
        found = PEAK.search(proc.stderr)
        if proc.returncode != 0 or not found:
            raise SystemExit(f"evidence {' '.join(argv)} failed: {proc.stderr[-1000:]}")
        peaks.append(int(found.group(1)) / 1024)
    return statistics.median(times), max(peaks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=500)
    parser.add_argument("--articles", type=int, default=25_000)
    parser.add_argument("--refs", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args([] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="store-bench-") as tmp:
        work = Path(tmp)
        db = work / "evidence.sqlite"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "NCBI_"))}
        env.update(EVIDENCE_DB=str(db), EVIDENCE_CACHE=str(work / "http_cache.sqlite"),
                   EVIDENCE_EUTILS_URL="http://127.0.0.1:9/entrez/eutils/")
        start = time.perf_counter()
        build_store(f"sqlite:///{db}", args.policies, args.articles, args.refs)
        built = time.perf_counter() - start
        size = sum(p.stat().st_size for p in work.glob("evidence.sqlite*")) / 2**20
        print(f"store: {args.policies} policies, {args.articles} articles, "
              f"{args.policies * args.refs} references; built in {built:.1f} s, {size:.0f} MB")
        pid = f"policy-{args.policies // 2:03d}"
        jobs: list[tuple[str, list[str], int]] = [
            ("evidence --help", ["--help"], HELP_RUNS),
            ("policy list", ["policy", "list"], args.runs),
            ("tag list (1 policy)", ["tag", "list", pid, "--json"], args.runs),
            ("article show", ["article", "show", "90000001", "--json"], args.runs),
            ("report text (1 policy)", ["report", pid, "--format", "text", "-o", "r.txt"], args.runs),
            ("report html (1 policy)", ["report", pid, "--format", "html", "-o", "r.html"], args.runs),
        ] + [
            (f"export {fmt} (1 policy)", ["export", pid, "--format", fmt, "-o", f"refs.{fmt}"],
             args.runs)
            for fmt in ("ris", "bibtex", "csljson")
        ]
        print(f"{'command':<26} {'runs':>4} {'median s':>9} {'peak RSS MB':>12}")
        for label, cmd, runs in jobs:
            seconds, peak = measure(cmd, env, work, runs)
            target = "  (target < 0.3 s)" if cmd == ["--help"] else ""
            print(f"{label:<26} {runs:>4} {seconds:>9.3f} {peak:>12.0f}{target}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
