"""Citation parsing speed: 5,000 references through `evidence.citations.parse_citations` (goal < 2 s),
and `evidence policy add` of the example policy into a fresh store, wall clock in a fresh process
(goal < 1.5 s; a blank store is created at head, without running the migrations).

The references are real strings: AnyStyle's gold.xml and the real PubMed records in
../shared/corpora/eutils-real rendered in the house styles, each string distinct.

The figure against the goal is what a user pays: a fresh process that imports the parser,
loads the model and parses the 5,000 references cold (`cold_seconds`, the median of `--repeat`
fresh processes, the best shown beside it).
It is then split up in this process: the model load timed alone, and the parse of the same
references once the model is loaded (and warmed on strings outside the timed set), best of
`--repeat`, each round cold (no token features, no parses remembered). The references go in
as one batch, as a policy's reference list does (`parse_citations`); the same strings one at
a time through `parse_citation` are timed once for comparison.

    python bench/citations_bench.py [--count 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "stem-cell-pad.txt"


def references(count: int) -> list[str]:
    from evidence.citations.corpus import read_anystyle, text_of
    from evidence.citations.render import render_article, render_other
    from evidence.citations.train import ANYSTYLE, pubmed_articles

    texts = {text_of(s) for s in read_anystyle(SHARED / ANYSTYLE / "gold.xml")}
    articles = [a for a in pubmed_articles(SHARED) if a.year and a.journal]
    rng = random.Random(2026)
    while len(texts) < count + 50 and articles:
        article = rng.choice(articles)
        texts.add(text_of(render_article(article, rng) if rng.random() < 0.85 else render_other(article, rng)))
    out = sorted(texts)
    rng.shuffle(out)
    return out[: count + 50]


def cold_seconds(texts: list[str]) -> tuple[float, float]:
    """(wall, CPU) of import + model load + `parse_citations(texts)` in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.json"
        path.write_text(json.dumps(texts), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        done = subprocess.run(
            [sys.executable, __file__, "--cold", str(path)], env=env, check=True, capture_output=True, text=True
        )
        wall, cpu = map(float, done.stdout.split())
        return wall, cpu


def _cold(path: Path) -> int:
    """The child of `cold_seconds`: the clock starts before the parser is imported."""
    texts = json.loads(path.read_text(encoding="utf-8"))
    start, start_cpu = time.perf_counter(), time.process_time()
    from evidence.citations import parse_citations

    parse_citations(texts)
    print(time.perf_counter() - start, time.process_time() - start_cpu)
    return 0


def policy_add_seconds() -> tuple[float, float]:
    """(wall, CPU of the child) of one `evidence policy add` of the example into a fresh store.

    Bytecode caching is left on (PYTHONDONTWRITEBYTECODE dropped), as in an installed package:
    otherwise every run compiles the project's modules from source (~0.1 s)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "EVIDENCE_DB": str(Path(tmp) / "e.sqlite"), "EVIDENCE_CACHE": str(Path(tmp) / "c.sqlite")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        exe = Path(sys.executable).with_name("evidence")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "evidence"]
        before = os.times()
        start = time.perf_counter()
        subprocess.run([*cmd, "policy", "add", str(EXAMPLE), "--id", "bench"], env=env, check=True, capture_output=True)
        wall = time.perf_counter() - start
        after = os.times()
        return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cold", type=Path, help=argparse.SUPPRESS)  # the child of cold_seconds
    args = parser.parse_args(argv)
    if args.cold:
        return _cold(args.cold)
    if not (SHARED / "corpora" / "citations-anystyle").is_dir():
        print(f"skipped: {SHARED} is not present (the shared corpus is needed)")
        return 0
    sys.path.insert(0, str(ROOT))
    from evidence.citations import forget, parse_citation, parse_citations
    texts = references(args.count)
    warm, timed = texts[:50], texts[50:]
    cold_seconds(timed)  # warm-up: bytecode written, files in the page cache
    cold = [cold_seconds(timed) for _ in range(args.repeat)]
    cold_wall, cold_cpu = median(w for w, _ in cold), median(c for _, c in cold)
    start, start_cpu = time.perf_counter(), time.process_time()
    from evidence.citations.model import _scorer

    _scorer()  # what a reference list loads (numpy and the exported weights, not crfsuite)
    load, load_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    parse_citations(warm * 5)
    best = cpu = one_cpu = float("inf")
    for _ in range(args.repeat):
        forget()  # every round from cold: no token features, no parses remembered
        start, start_cpu = time.perf_counter(), time.process_time()
        parse_citations(timed)  # as a policy's reference list is read: one batch
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    forget()
    start_cpu = time.process_time()
    for i, text in enumerate(timed):
        parse_citation(text, i)
    one_cpu = time.process_time() - start_cpu
    chars = sum(map(len, timed)) / len(timed)
    verdict = "ok" if cold_wall < 2.0 else "SLOW"
    print(
        f"{len(timed)} references ({chars:.0f} chars on average) from cold in a fresh process "
        f"(import, model load, parse): {cold_wall:.2f} s wall, {cold_cpu:.2f} s CPU, "
        f"median of {args.repeat} (best {min(w for w, _ in cold):.2f} s wall) [{verdict}: goal < 2 s]"
    )
    print(f"  of which model load: {load * 1000:.0f} ms ({load_cpu * 1000:.0f} ms CPU)")
    print(
        f"  parse, warmed process: {best:.2f} s, {len(timed) / best:,.0f} references/s "
        f"({cpu:.2f} s CPU, {cpu * 1000 / len(timed):.2f} ms CPU per reference), best of {args.repeat}"
    )
    print(f"  one at a time (parse_citation, crfsuite's tagger): {one_cpu:.2f} s CPU")
    policy_add_seconds()  # warm-up: bytecode written, files in the page cache
    adds = [policy_add_seconds() for _ in range(args.repeat)]
    wall, cpu = median(w for w, _ in adds), median(c for _, c in adds)
    verdict = "ok" if wall < 1.5 else "SLOW"
    print(
        f"evidence policy add {EXAMPLE.name}: {wall:.2f} s wall ({cpu:.2f} s CPU), "
        f"median of {args.repeat} [{verdict}: goal < 1.5 s]"
    )
    load_now = os.getloadavg()[0]
    note = "; wall times are inflated, compare CPU" if load_now > (os.cpu_count() or 1) else ""
    print(f"load average {load_now:.1f} on {os.cpu_count()} CPUs{note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
