"""Helpers for the tagging tests: put synthetic policies, references and PubMed records
into a real store (synthetic PMIDs 90000001 and up; no real PubMed data)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any

from evidence.store import models as m
from evidence.store import transaction

# the installed SQLModel refuses the naive datetimes of models.utcnow(); pass aware ones
NOW = datetime.now(timezone.utc)

STEM_STATEMENT = (
    "Treatment of peripheral arterial disease, including critical limb ischemia, with injection "
    "or infusion of stem cells from concentrated bone marrow, expanded in vitro, stimulated from "
    "peripheral blood, or from an allogeneic source, is not covered as the evidence is "
    "insufficient to determine that the technology results in an improvement in the net health "
    "outcome."
)


def add_policy(
    engine: Any,
    policy_id: str,
    title: str,
    statements: list[str],
    references: list[dict[str, Any]],
) -> None:
    """A policy with statements and numbered references (dicts of Reference fields)."""
    with transaction(engine) as s:
        s.add(
            m.Policy(
                id=policy_id,
                title=title,
                sha256=hashlib.sha256(title.encode()).hexdigest(),
                ingested_at=NOW,
            )
        )
        s.flush()
        for text in statements:
            s.add(
                m.Statement(
                    policy_id=policy_id,
                    revision=1,
                    product="Commercial Products",
                    status="not medically necessary",
                    text=text,
                )
            )
        for i, ref in enumerate(references, 1):
            fields = {"number": i, "raw": ref.get("title") or "?", **ref}
            s.add(m.Reference(policy_id=policy_id, revision=1, **fields))


def add_article(engine: Any, pmid: str, **fields: Any) -> None:
    types = fields.pop("types", None)
    if types is not None:
        fields["publication_types"] = [{"ui": "", "name": t} for t in types]
    mesh = fields.pop("mesh_terms", None)
    if mesh is not None:
        fields["mesh"] = [
            {"descriptor": d, "ui": "", "major": False, "qualifiers": []} for d in mesh
        ]
    with transaction(engine) as s:
        s.add(m.Article(pmid=pmid, fetched_at=NOW, **fields))


def stem_policy(engine: Any) -> None:
    """A small stem-cell policy: a resolved RCT, a resolved guideline without useful types,
    an unresolved meta-analysis citation, and an unresolved background review."""
    add_article(
        engine,
        "90000001",
        title="Bone marrow cells for limb ischemia: a randomized trial",
        abstract="Patients were randomly assigned to bone marrow mononuclear cells or placebo.",
        types=["Journal Article", "Randomized Controlled Trial", "Clinical Trial, Phase II"],
        indexing_method="human",
        journal="J Vasc Surg",
    )
    add_article(
        engine,
        "90000002",
        title="Guidelines for the management of peripheral artery disease",
        abstract="This document updates the recommendations.",
        types=["Journal Article"],
        citation_status="In-Process",
        journal="Eur Heart J",
    )
    add_policy(
        engine,
        "stem",
        "Stem-Cell Therapy for Peripheral Arterial Disease",
        [STEM_STATEMENT],
        [
            {
                "title": "Bone marrow cells for limb ischemia: a randomized trial",
                "pmid": "90000001",
                "journal": "J Vasc Surg",
            },
            {
                "title": "Guidelines for the management of peripheral artery disease",
                "pmid": "90000002",
                "journal": "Eur Heart J",
            },
            {
                "title": "Stem cell therapy for limb ischemia: meta-analysis of randomized trials",
                "journal": "Stem Cells Int",
            },
            {
                "title": "Pathophysiology of peripheral artery disease: a review",
                "journal": "Int J Mol Sci",
            },
        ],
    )
