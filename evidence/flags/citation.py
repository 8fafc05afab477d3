"""Citation check (stub: the `pubmed` branch writes the real comparison)."""

from __future__ import annotations

from evidence.records import Article, Citation


def check_citation(citation: Citation, article: Article) -> list[tuple[str, str]]:
    """Mismatches between a policy's citation and the PubMed record, as (kind, detail)."""
    return []
