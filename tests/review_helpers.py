"""Shared by the review tests: a small synthetic policy and candidates (PMIDs 90000001+)."""

from __future__ import annotations

from datetime import date

from evidence.store import models as m
from evidence.store import transaction

POLICY = "gene-pad"
TERMS = ["stem cells", "bone marrow"]
STATEMENT = (
    "Treatment of peripheral arterial disease, including critical limb ischemia, with stem cells "
    "is not medically necessary."
)


def make_policy(engine, refs: tuple[str, ...] = ("90000001", "90000002")) -> str:  # type: ignore[no-untyped-def]
    """A policy with a last-reviewed date, one statement, intervention terms and cited PMIDs."""
    with transaction(engine) as s:
        s.add(m.Policy(id=POLICY, title="Stem-Cell Therapy for Peripheral Arterial Disease",
                       sha256="0" * 64, last_reviewed=date(2025, 9, 17),
                       intervention_terms=list(TERMS)))  # fmt: skip
        s.flush()
        s.add(m.Statement(policy_id=POLICY, revision=1, product="Commercial Products",
                          status="not medically necessary",
                          text=STATEMENT))  # fmt: skip
        for n, pmid in enumerate(refs, 1):
            s.add(m.Reference(policy_id=POLICY, revision=1, number=n, raw=f"Ref {n}", pmid=pmid))
    return POLICY


def add_cycle(engine, number: int, candidates: dict[str, str], status: str = "open") -> int:  # type: ignore[no-untyped-def]
    """A cycle whose search ran, with candidates {pmid: design}, and their Article rows."""
    search = {"identified": len(candidates) + 2, "duplicates_removed": 2, "not_retrieved": 0}
    with transaction(engine) as s:
        cycle = m.ReviewCycle(policy_id=POLICY, number=number, status=status, query="q",
                              since=date(2025, 9, 17), until=date(2026, 11, 1),
                              counts={"search": search}, search_complete=True,
                              searched_until=date(2026, 11, 1))  # fmt: skip
        s.add(cycle)
        s.flush()
        for pmid, design in candidates.items():
            s.merge(m.Article(pmid=pmid, title=f"Trial {pmid} of stem cells", journal="J Synth",
                              year=2026, abstract="Synthetic abstract."))  # fmt: skip
            s.add(m.Candidate(cycle_id=cycle.id, pmid=pmid, design=design))
        return cycle.id  # type: ignore[return-value]
