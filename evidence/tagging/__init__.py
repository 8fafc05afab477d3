"""Study design, evidence level and role, each with the signal that decided it.

Pure: records in, `TagResult` out; no store, no network. Precedence of the sources:
a manual tag (kept by the service, never recomputed) > PubMed publication types > the
record's text (title, abstract, journal, MeSH) > the citation's text. `tag_article` also
keeps what every source would have said (`alternatives`), which `evidence tag explain` shows.
"""

from __future__ import annotations

from typing import Any

from evidence.tagging import vocabulary
from evidence.tagging.pubtypes import modifiers_from_types, tag_publication_types, type_names
from evidence.tagging.result import (
    CITATION_TEXT,
    MANUAL,
    PUBLICATION_TYPE,
    RECORD_TEXT,
    SOURCES,
    TagResult,
    make,
)
from evidence.tagging.role import BACKGROUND, DIRECT, ROLES, decide_role, derive_terms
from evidence.tagging.text_rules import (
    normalise,
    tag_citation_text,
    tag_record_text,
    text_modifiers,
)

__all__ = [
    "BACKGROUND",
    "CITATION_TEXT",
    "DIRECT",
    "MANUAL",
    "PUBLICATION_TYPE",
    "RECORD_TEXT",
    "ROLES",
    "SOURCES",
    "TagResult",
    "decide_role",
    "derive_terms",
    "manual_tag",
    "tag_article",
    "tag_citation",
    "vocabulary",
]

_TRIAL_DESIGNS = (vocabulary.RCT, vocabulary.NON_RANDOMIZED_TRIAL)


def tag_citation(citation: Any) -> TagResult:
    """Tag a policy citation (records.Citation or a Reference row) from its title and journal."""
    result = tag_citation_text(getattr(citation, "title", None), getattr(citation, "journal", None))
    if (
        result.design == vocabulary.UNKNOWN
        and getattr(citation, "raw", None)
        and not getattr(citation, "title", None)
    ):
        # the parser could not split the entry: read the raw text as the title
        result = tag_citation_text(citation.raw, getattr(citation, "journal", None))
    return _with_alternatives(result, {CITATION_TEXT: result})


def tag_article(article: Any, citation: Any = None, indexing: str | None = None) -> TagResult:
    """Tag a PubMed record (records.Article or an Article row).

    `indexing` overrides the record's IndexingMethod (human/curated/automated). `citation`,
    when given, is the policy's citation of this record: it decides only when the record has
    neither useful publication types nor any text.
    """
    types = type_names(article.publication_types or [])
    by_type = tag_publication_types(
        types,
        article.mesh or [],
        article.journal,
        getattr(article, "journal_iso", None),
        indexing or getattr(article, "indexing_method", None),
    )
    by_text = tag_record_text(
        article.title,
        article.abstract,
        article.journal,
        article.mesh or [],
        getattr(article, "journal_iso", None),
    )
    by_citation = tag_citation(citation) if citation is not None else None
    alternatives: dict[str, TagResult | None] = {
        PUBLICATION_TYPE: by_type,
        RECORD_TEXT: by_text,
        CITATION_TEXT: by_citation,
    }
    words = normalise(f"{article.title or ''} {article.abstract or ''}")
    if by_type is not None:
        chosen = by_type.with_modifiers(_text_extras(by_type, words))
    elif by_text.design == vocabulary.UNKNOWN and by_citation is not None:
        chosen = by_citation
    else:
        chosen = by_text
    chosen = chosen.with_modifiers(modifiers_from_types(types))
    return _with_alternatives(chosen, alternatives)


def _text_extras(by_type: TagResult, words: str) -> set[str]:
    """Modifiers the text adds to a publication-type tag (phase only where types gave none)."""
    extra = text_modifiers(words)
    has_phase = any(m in vocabulary.PHASES for m in by_type.modifiers)
    if has_phase or by_type.design not in _TRIAL_DESIGNS:
        extra -= set(vocabulary.PHASES)
    if by_type.design not in _TRIAL_DESIGNS:
        extra -= {vocabulary.BLINDED, vocabulary.DOUBLE_BLIND, vocabulary.PLACEBO_CONTROLLED}
    if by_type.design in (vocabulary.META_ANALYSIS, vocabulary.SYSTEMATIC_REVIEW):
        from evidence.tagging.text_rules import NONRANDOMIZED_CONTENT

        if NONRANDOMIZED_CONTENT.search(words):
            extra.add(vocabulary.INCLUDES_NONRANDOMIZED)
    return extra


def manual_tag(design: str, note: str | None = None) -> TagResult:
    """A tag a person set; `note` is their reason."""
    signal = f"set by hand{': ' + note if note else ''}"
    return make(design, MANUAL, signal, 1.0)


def _with_alternatives(result: TagResult, alternatives: dict[str, TagResult | None]) -> TagResult:
    from dataclasses import replace

    return replace(result, alternatives=alternatives)
