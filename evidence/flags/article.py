"""What PubMed itself says is wrong or changed about a record.

NCBI marks these in two places: publication types ("Retracted Publication", "Published
Erratum", ...) and CommentsCorrections links (RetractionIn, ErratumIn, ExpressionOfConcernIn,
UpdateIn, RepublishedIn, ...). Each flag is named for what it is: an erratum corrects a paper
and leaves it standing, a retraction withdraws it; a reviewer must never confuse the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: flag kind -> the words a report uses for it
LABELS = {
    "retracted": "retracted",
    "retraction-notice": "cites a retraction notice",
    "erratum": "erratum published",
    "expression-of-concern": "expression of concern",
    "updated": "updated version exists",
    "republished": "corrected and republished",
}

# publication type -> flag kind
_TYPES = {
    "retracted publication": "retracted",
    "retraction of publication": "retraction-notice",
    "published erratum": "erratum",
    "expression of concern": "expression-of-concern",
    "corrected and republished article": "republished",
}

# CommentsCorrections RefType -> flag kind (the link points at the notice / newer version)
_LINKS = {
    "RetractionIn": "retracted",
    "RetractionOf": "retraction-notice",
    "ErratumIn": "erratum",
    "ExpressionOfConcernIn": "expression-of-concern",
    "UpdateIn": "updated",
    "RepublishedIn": "republished",
}


@dataclass(frozen=True)
class ArticleFlag:
    kind: str  # a key of LABELS
    detail: str


def article_flags(
    publication_types: Iterable[Mapping[str, Any]],
    comments_corrections: Iterable[Mapping[str, Any]],
) -> list[ArticleFlag]:
    """The flags one PubMed record carries, one per kind, with what decided each."""
    found: dict[str, list[str]] = {}
    for pt in publication_types:
        kind = _TYPES.get(str(pt.get("name") or "").strip().lower())
        if kind:
            found.setdefault(kind, []).append(f'publication type "{pt.get("name")}"')
    for link in comments_corrections:
        kind = _LINKS.get(str(link.get("ref_type") or ""))
        if kind:
            found.setdefault(kind, []).append(_describe_link(link))
    return [ArticleFlag(kind, "; ".join(why)) for kind, why in found.items()]


def _describe_link(link: Mapping[str, Any]) -> str:
    text = str(link.get("ref_type"))
    if link.get("pmid"):
        text += f" PMID {link['pmid']}"
    if link.get("source"):
        text += f" ({link['source']})"
    return text
