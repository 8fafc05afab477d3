"""Screening a big cycle: relevance ranking of 2,000 candidates (issue #13 asks < 2 s), listing
them, and one decision's round trip, on SQLite.

The store is built in a temp dir: a policy with 32 references (20 direct, 12 background, with
titles) and a cycle of `--candidates` synthetic articles (PMIDs 90000001 and up; title ~15
words, a ~1,000-character abstract, 8 MeSH headings), a third of them on the policy's topic.
Ranking is `rank_cycle` (fit TF-IDF + logistic regression, score and store every candidate);
median of `--runs`.

    python bench/review_bench.py [--candidates 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ON = ("stem cell bone marrow mononuclear autologous progenitor injection critical limb ischemia "
      "peripheral arterial disease amputation ulcer perfusion").split()  # fmt: skip
OFF = ("statin cholesterol hypertension diabetes screening cancer vaccine asthma sleep "
       "depression exercise diet kidney").split()  # fmt: skip
COMMON = "randomized trial patients outcomes follow-up safety cohort study results".split()
MESH = ["Humans", "Male", "Female", "Aged", "Treatment Outcome", "Peripheral Arterial Disease",
        "Stem Cell Transplantation", "Hypertension", "Neoplasms", "Diabetes Mellitus"]  # fmt: skip


def _text(rng: random.Random, topic: list[str], n: int) -> str:
    return " ".join(rng.choice(topic + COMMON) for _ in range(n))


def build(url: str, n: int) -> None:
    from evidence.store import models as m
    from evidence.store import open_store, transaction

    rng = random.Random(13)
    engine = open_store(url)
    with transaction(engine) as s:
        s.add(m.Policy(id="bench", title="Stem-Cell Therapy for Peripheral Arterial Disease",
                       sha256="0" * 64, last_reviewed=date(2025, 9, 17),
                       intervention_terms=["stem cells"]))  # fmt: skip
        s.flush()
        for k in range(32):
            direct = k < 20
            s.add(m.Reference(policy_id="bench", revision=1, number=k + 1, raw=f"ref {k}",
                              title=_text(rng, ON if direct else OFF, 12),
                              role="direct" if direct else "background"))  # fmt: skip
        cycle = m.ReviewCycle(policy_id="bench", number=1, query="q", since=date(2025, 9, 17),
                              until=date(2026, 11, 1), search_complete=True,
                              searched_until=date(2026, 11, 1))  # fmt: skip
        s.add(cycle)
        s.flush()
        for i in range(n):
            topic = ON if i % 3 == 0 else OFF
            pmid = str(90_000_001 + i)
            s.add(m.Article(pmid=pmid, title=_text(rng, topic, 15), abstract=_text(rng, topic, 140),
                            mesh=[{"descriptor": h} for h in rng.sample(MESH, 8)]))  # fmt: skip
            s.add(m.Candidate(cycle_id=cycle.id, pmid=pmid, design="rct"))
    engine.dispose()


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from evidence.services import review
    from evidence.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'review.sqlite'}"
        build(url, args.candidates)
        engine = open_store(url)
        review.rank_cycle(engine, "bench")  # warm: imports scikit-learn once
        rank = [_timed(lambda: review.rank_cycle(engine, "bench")) for _ in range(args.runs)]
        listing = [_timed(lambda: review.candidates(engine, "bench", reviewer="ana", order="design"))
                   for _ in range(args.runs)]  # fmt: skip
        pmids = [str(90_000_001 + i) for i in range(args.runs)]
        decide = [_timed(lambda p=p: review.decide(engine, "bench", p, "include", reviewer="ana"))
                  for p in pmids]  # fmt: skip
        top = review.candidates(engine, "bench", order="relevance")["candidates"][: args.candidates // 3]
        precision = sum(1 for r in top if (int(r["pmid"]) - 90_000_001) % 3 == 0) / max(1, len(top))
        engine.dispose()
    print(f"{'what':44s} {'median s':>9s}")
    print(f"{'rank ' + str(args.candidates) + ' candidates (fit + score + store)':44s} "
          f"{statistics.median(rank):9.3f}   (issue #13: < 2 s)")  # fmt: skip
    print(f"{'list ' + str(args.candidates) + ' candidates (service)':44s} {statistics.median(listing):9.3f}")
    print(f"{'one decision (service round trip)':44s} {statistics.median(decide):9.3f}")
    print(f"on-topic share of the top third after ranking: {precision:.2f} (random: 0.33)")


if __name__ == "__main__":
    main()
