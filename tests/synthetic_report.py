"""A synthetic policy whose report answers are known, stored with real rows (PMIDs 90000001+).

Imported by the report tests; every number asserted there can be checked by reading this file.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from evidence.store import models as m
from evidence.store import transaction

PID = "synthetic-cell-therapy"
HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"
SYN_CONCLUSION = "Cell therapy reduced major amputation, but the certainty of evidence is low."
SR_LAST = "Overall effects were small. More large trials are needed before routine use."


def _pt(*names: str) -> list[dict[str, Any]]:
    return [{"ui": None, "name": n} for n in names]


def _cc(ref_type: str, pmid: str) -> list[dict[str, Any]]:
    return [{"ref_type": ref_type, "pmid": pmid, "source": "Synth J. 2030;1:1", "note": None}]


# number, cited pmid, year, title, design, level, role, article extras (None = no record)
REFS: list[dict[str, Any]] = [
    dict(
        number=1,
        pmid="90000001",
        year=2019,
        design="meta-analysis",
        level=1,
        role="direct",
        title="Cell therapy for synthetic limb disease: a meta-analysis",
        article=dict(
            abstract_sections=[
                {
                    "label": "BACKGROUND",
                    "category": "BACKGROUND",
                    "text": "Limb disease is common.",
                },
                {
                    "label": "METHODS",
                    "category": "METHODS",
                    "text": "We included 12 studies (n = 600).",
                },
                {"label": "CONCLUSIONS", "category": "CONCLUSIONS", "text": SYN_CONCLUSION},
            ],
            abstract="Limb disease is common. We included 12 studies (n = 600). " + SYN_CONCLUSION,
            publication_types=_pt("Journal Article", "Meta-Analysis"),
        ),
    ),
    dict(
        number=2,
        pmid="90000002",
        year=2021,
        design="systematic-review",
        level=1,
        role="direct",
        title="Cell therapy for limb disease: a systematic review",
        article=dict(
            abstract="We searched five databases. Nineteen RCTs were included in the "
            "review. " + SR_LAST,
            publication_types=_pt("Systematic Review"),
            comments_corrections=_cc("ErratumIn", "90000102"),
        ),
    ),
    dict(
        number=3,
        pmid="90000003",
        year=2022,
        design="rct",
        level=2,
        role="direct",
        title="Marrow cells for limb disease: a randomized trial",
        article=dict(
            abstract="In this phase II trial, a total of 120 patients were randomized to "
            "cells or placebo. Amputation did not differ.",
            publication_types=_pt("Randomized Controlled Trial", "Retracted Publication"),
            comments_corrections=_cc("RetractionIn", "90000103"),
        ),
    ),
    dict(
        number=4,
        pmid="90000004",
        year=2023,
        design="rct",
        level=2,
        role="direct",
        title="Progenitor cells in limb disease: a phase III randomized trial",
        article=dict(
            abstract="Patients (n = 45) received cells or placebo. Pain improved.",
            publication_types=_pt("Randomized Controlled Trial"),
            comments_corrections=_cc("ExpressionOfConcernIn", "90000104"),
        ),
    ),
    dict(
        number=5,
        pmid="90000005",
        year=2015,
        design="observational",
        level=4,
        role="background",
        title="Limb disease in a cohort",
        article=dict(comments_corrections=_cc("UpdateIn", "90000105")),
        citation_flags=[("year", "cited 2014, PubMed 2015")],
    ),
    dict(
        number=6,
        pmid="90000006",
        year=2010,
        design="narrative-review",
        level=5,
        role="background",
        title="Physiology of collateral growth",
        article=dict(),
        citation_flags=[("pmid-likely-wrong", "the record agrees with nothing the citation says")],
    ),
    dict(
        number=7,
        pmid="90000007",
        year=2024,
        design="rct",
        level=2,
        role="background",
        title="A trial that PubMed does not know",
        unresolved="PMID not found in PubMed",
    ),
    dict(
        number=8,
        pmid=None,
        year=2014,
        design="guideline",
        level=None,
        role="background",
        title="2014 ABC/XYZ Guideline on the management of synthetic limb disease",
    ),
    dict(
        number=9,
        pmid="90000009",
        year=2020,
        design="guideline",
        level=None,
        role="background",
        title="2020 ABC/XYZ Guideline for synthetic limb disease",
    ),
    dict(
        number=10,
        pmid="90000010",
        year=2018,
        design="other",
        level=None,
        role="background",
        title="Retraction: marrow cells for limb disease",
        article=dict(
            publication_types=_pt("Retraction of Publication"),
            comments_corrections=_cc("RetractionOf", "90000003"),
        ),
    ),
    dict(
        number=11,
        pmid="90000011",
        year=2012,
        design="narrative-review",
        level=5,
        role="background",
        title=HOSTILE,
        article=dict(journal="Hostile | Journal <b>bold</b>"),
    ),
]

EXPECTED = {
    "total": 11,
    "resolved": 8,
    "unresolved": 1,
    "unchecked": 2,
    "by_design": {
        "meta-analysis": 1,
        "systematic-review": 1,
        "rct": 3,
        "observational": 1,
        "guideline": 2,
        "narrative-review": 2,
        "other": 1,
    },
    "direct_by_design": {"meta-analysis": 1, "systematic-review": 1, "rct": 2},
    "newest_direct_year": 2023,
    "years_since": 2,
    "flags": {
        (2, "erratum"),
        (3, "retracted"),
        (4, "expression-of-concern"),
        (5, "updated"),
        (5, "citation-mismatch"),
        (6, "pmid-likely-wrong"),
        (7, "unresolved"),
        (8, "unchecked"),
        (8, "superseded"),
        (9, "unchecked"),
        (10, "retraction-notice"),
    },
}


def add_synthetic_policy(
    engine, pid: str = PID, refs: list[dict[str, Any]] | None = None, resolved: bool = True
) -> None:  # type: ignore[no-untyped-def]
    """Store the policy, its references, records, tags and flags (records only if `resolved`)."""
    with transaction(engine) as s:
        s.add(
            m.Policy(
                id=pid,
                title="Cell Therapy for Synthetic Limb Disease",
                sha256="0" * 64,
                effective_date=date(2026, 1, 1),
                last_reviewed=date(2025, 6, 1),
                conclusion="The evidence is insufficient to determine that the technology "
                "improves the net health outcome.",
            )
        )
        s.flush()  # the policy row first: the tables below point at it
        s.add(
            m.Statement(
                policy_id=pid,
                revision=1,
                product="Commercial Products",
                status="not medically necessary",
                text="Cell therapy is not medically necessary.",
            )
        )
        s.add(
            m.Statement(
                policy_id=pid,
                revision=1,
                product="Medicare Advantage Plans",
                status="not covered",
                text="Cell therapy is not covered.",
            )
        )
        s.add(
            m.BillingCode(
                policy_id=pid,
                revision=1,
                code="0263T",
                system="CPT",
                description="Intramuscular autologous bone marrow cell therapy",
            )
        )
        for spec in refs if refs is not None else REFS:
            _add_reference(s, pid, spec, resolved)


def _add_reference(s, pid: str, spec: dict[str, Any], resolved: bool) -> None:  # type: ignore[no-untyped-def]
    n = spec["number"]
    ref = m.Reference(
        policy_id=pid,
        revision=1,
        number=n,
        raw=f"{n}. Author{n} A. {spec['title']}. Synth J. {spec['year']}. PMID {spec['pmid']}",
        authors=[f"Author{n} A"],
        title=spec["title"],
        journal="Synth J",
        year=spec["year"],
        pmid=spec["pmid"],
        role=spec["role"],
        role_source="auto",
    )
    s.add(ref)
    s.flush()
    subject = f"pmid:{spec['pmid']}" if spec["pmid"] else f"ref:{ref.id}"
    if s.get(m.DesignTag, subject) is None:
        s.add(
            m.DesignTag(
                subject=subject,
                design=spec["design"],
                level=spec["level"],
                source="publication-type" if spec.get("article") is not None else "citation-text",
                signal="synthetic",
                confidence=0.9,
            )
        )
    if not resolved:
        return
    if spec.get("article") is not None and s.get(m.Article, spec["pmid"]) is None:
        fields = {
            "title": spec["title"],
            "year": spec["year"],
            "journal": "Synthetic Journal",
            "authors": [{"last": f"Author{n}", "initials": "A"}],
            **spec["article"],
        }
        s.add(m.Article(pmid=spec["pmid"], **fields))
    if spec.get("unresolved") and s.get(m.Unresolved, spec["pmid"]) is None:
        s.add(m.Unresolved(pmid=spec["pmid"], reason=spec["unresolved"]))
    for kind, detail in spec.get("citation_flags", []):
        s.add(m.CitationFlag(reference_id=ref.id, kind=kind, detail=detail))
