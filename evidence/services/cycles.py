"""Listing and diffing a policy's review cycles (`evidence review list`, `review diff`) through
the lean read layer.

`evidence.services.review` writes cycles through the ORM; listing them only reads, so it runs
four plain SELECTs (`evidence.store.queries`) and starts without SQLAlchemy (issue #16). The
view itself is `evidence.review.cycle`'s, the same one `review close` and the report build.
"""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from evidence.errors import NotFound
from evidence.review import agreement as agree
from evidence.review import cycle as views
from evidence.services.policy import find_policy
from evidence.store import queries as q
from evidence.store.read import Reader, reading

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def list_cycles(engine: Engine | Reader | str, policy_id: str) -> list[dict[str, Any]]:
    """Every review cycle of the policy with its counts (frozen at close, else live),
    included PMIDs and reviewer agreement (`engine`: an engine, a Reader or the store's URL)."""
    with reading(engine) as reader:
        policy = find_policy(reader, policy_id)
        cycles = [SimpleNamespace(**c) for c in q.review_cycles(reader, policy["id"])]
        if not cycles:
            return []
        candidates = q.policy_candidates(reader, policy["id"])
        votes = q.policy_votes(reader, policy["id"])
        live = [c for c in cycles if views.frozen_counts(c) is None]
        cols = ("pmid", "matched_pmid")
        refs = q.references(reader, policy["id"], policy["revision"], cols) if live else []
    number = {c.id: c.number for c in cycles}
    by_cycle: dict[int, list[tuple[str, str | None, str | None]]] = defaultdict(list)
    for cycle_id, pmid, decision, reason in candidates:
        by_cycle[cycle_id].append((pmid, decision, reason))
    ballots: dict[int, dict[int, list[agree.Vote]]] = defaultdict(lambda: defaultdict(list))
    for cycle_id, candidate_id, vote_id, reviewer, kind, decision in sorted(votes, key=lambda v: v[2]):
        ballots[cycle_id][candidate_id].append(agree.Vote(reviewer, decision, kind=kind, id=vote_id))
    cited = {p for r in refs for p in (r["pmid"], r["matched_pmid"]) if p}

    def previous_studies(cycle: SimpleNamespace) -> int:
        """The policy's references plus studies included by earlier cycles (each once)."""
        included = {pmid for cid, pmid, decision, _ in candidates
                    if decision == "include" and number[cid] < cycle.number}  # fmt: skip
        return len(refs) + len(included - cited)

    out = []
    for c in cycles:
        mine = by_cycle[c.id]
        counts, included = views.frozen_counts(c), views.frozen_included(c)
        if counts is None:
            counts = views.live_counts(c, previous_studies(c), [(d, r) for _, d, r in mine])
        if included is None:
            included = views.sort_pmids(p for p, d, _ in mine if d == "include")
        out.append(views.cycle_view(c, counts, included, views.agreement(ballots[c.id].values())))
    return out


def diff_cycles(
    engine: Engine | Reader | str, policy_id: str, from_n: int | None = None, to_n: int | None = None
) -> dict[str, Any]:
    """What changed from cycle `from_n` (default: the one before) to `to_n` (default: the last)."""
    with reading(engine) as reader:
        ids = q.cycle_ids(reader, find_policy(reader, policy_id)["id"])
        if not ids:
            raise NotFound(f"policy {policy_id!r} has no review cycle")
        to_n = to_n if to_n is not None else max(ids)
        from_n = from_n if from_n is not None else to_n - 1
        for n in (to_n, from_n):
            if n not in ids and n != 0:
                raise NotFound(f"policy {policy_id!r} has no cycle {n}", hint="see 'evidence review list'")
        earlier = ids.get(from_n)
        old = _decisions(reader, earlier) if earlier is not None else {}
        new = _decisions(reader, ids[to_n])
    old_included = {p for p, (_, decision) in old.items() if decision == "include"}
    return {
        "from": from_n,
        "to": to_n,
        "new_candidates": [{"pmid": p, "design": design, "decision": decision}
                           for p, (design, decision) in new.items() if p not in old],
        "decisions_changed": [{"pmid": p, "from": old[p][1], "to": decision}
                              for p, (_, decision) in new.items()
                              if p in old and old[p][1] != decision],
        "included_added": sorted(p for p, (_, decision) in new.items()
                                 if decision == "include" and p not in old_included),
    }  # fmt: skip


def _decisions(reader: Reader, cycle_id: int) -> dict[str, tuple[str | None, str | None]]:
    """PMID -> (design, decision) of the cycle's candidates, in the order they were stored."""
    return {pmid: (design, decision) for pmid, design, decision in q.cycle_decisions(reader, cycle_id)}
