"""Build stores with policies and references directly (the policy parser is another issue)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from evidence.store import models as m
from evidence.store import transaction


def make_policy(
    engine: Any,
    pmids: Sequence[str | None],
    policy_id: str = "synthetic-policy",
    extra: Sequence[dict[str, Any]] = (),
) -> str:
    """A policy whose current revision cites `pmids` (None = a reference without PMID)."""
    with transaction(engine) as session:
        session.add(
            m.Policy(
                id=policy_id,
                title="Synthetic policy",
                sha256="0" * 64,
                revision=1,
                ingested_at=datetime.now(timezone.utc),
            )
        )
        session.flush()
        number = 0
        for number, pmid in enumerate(pmids, 1):
            session.add(
                m.Reference(
                    policy_id=policy_id,
                    revision=1,
                    number=number,
                    raw=f"Reference {number}.",
                    pmid=pmid,
                    title=f"Synthetic study {pmid}.",
                    journal="J Synth Med",
                    year=2020,
                    authors=["Synthetic A"],
                )
            )
        for i, fields in enumerate(extra, number + 1):
            session.add(
                m.Reference(
                    policy_id=policy_id, revision=1, number=i, raw=f"Reference {i}.", **fields
                )
            )
    return policy_id
