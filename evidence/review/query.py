"""The saved PubMed search of a policy: (intervention terms) AND (condition terms) [AND designs].

Intervention terms come from the policy (tagging derives them from its title and coverage
statements and stores them, editable, on the policy). The condition is read here, by rule, from
the same places: the title's "... for <condition>" and the statements' "treatment of <condition>,
including <narrower condition>, with ...". A qualifier such as "critical" or "chronic" is also
dropped once, so "critical limb ischemia" searches "limb ischemia" too, and "-emia" gains its
British "-aemia" spelling. Terms are searched in title/abstract ([tiab]); intervention terms are
truncated ("stem cell*") so plurals and compounds match. The user sees the query and can edit it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from evidence.errors import InputError

# design slug -> PubMed publication-type clauses (the slugs are tagging's vocabulary)
DESIGN_FILTERS: dict[str, tuple[str, ...]] = {
    "rct": ('"randomized controlled trial"[pt]',),
    "meta-analysis": ('"meta-analysis"[pt]',),
    "systematic-review": ('"systematic review"[pt]',),
    "guideline": ('"guideline"[pt]', '"practice guideline"[pt]'),
}
_DESIGN_ALIASES = {
    "rcts": "rct",
    "randomized-controlled-trial": "rct",
    "meta-analyses": "meta-analysis",
    "metaanalysis": "meta-analysis",
    "systematic-reviews": "systematic-review",
    "sr": "systematic-review",
    "guidelines": "guideline",
}
_QUALIFIERS = (
    "critical", "chronic", "acute", "severe", "advanced", "end-stage", "refractory",
    "symptomatic", "lower-extremity", "lower extremity",
)  # fmt: skip
_TITLE_CONDITION = re.compile(r"\b(?:for|in)\s+(?:the\s+)?(?:treatment\s+of\s+)?(.+)$", re.I)
_STATEMENT_CONDITION = re.compile(
    r"\b(?:treatment|management|therapy)\s+of\s+(.+?)(?:,?\s+(?:with|using|by|via|through)\b|"
    r"\s+(?:is|are)\b|[.;:]|$)",
    re.I,
)
_SPLIT = re.compile(r",?\s+(?:including|such as|and|or)\s+|,\s*|/", re.I)
_ABBREVIATION = re.compile(r"\s*\([^)]*\)")
_STOP_PHRASES = {"the", "a", "an", "patients", "adults", "children", "other"}


def parse_designs(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """ "rct,meta-analysis" -> ("rct", "meta-analysis"); an unknown design is a user error."""
    if text is None:
        return ()
    items = text.split(",") if isinstance(text, str) else list(text)
    designs: list[str] = []
    for item in items:
        slug = item.strip().lower().replace(" ", "-")
        if not slug:
            continue
        slug = _DESIGN_ALIASES.get(slug, slug)
        if slug not in DESIGN_FILTERS:
            valid = ", ".join(DESIGN_FILTERS)
            raise InputError(f"unknown design {item.strip()!r}", hint=f"use one of: {valid}")
        if slug not in designs:
            designs.append(slug)
    return tuple(designs)


def condition_terms(
    title: str | None, statements: Sequence[str] = (), exclude: Sequence[str] = ()
) -> list[str]:
    """The condition phrases of a policy, read from its title and coverage statements."""
    phrases: list[str] = []
    if title:
        match = _TITLE_CONDITION.search(_ABBREVIATION.sub("", title))
        if match:
            phrases.extend(_split(match.group(1)))
    for text in statements:
        match = _STATEMENT_CONDITION.search(_ABBREVIATION.sub("", text))
        if match:
            phrases.extend(_split(match.group(1)))
    lowered = [t.lower() for t in exclude]
    terms: list[str] = []
    for phrase in phrases:
        if any(t and t in phrase for t in lowered):
            continue  # "stem-cell therapy" is the intervention, not the condition
        for variant in _variants(phrase):
            if variant not in terms:
                terms.append(variant)
    return terms


def _split(text: str) -> list[str]:
    parts = (p.strip(" .,;:'\"").lower() for p in _SPLIT.split(text))
    return [p for p in parts if len(p) > 3 and p not in _STOP_PHRASES]


def _variants(phrase: str) -> list[str]:
    """The phrase, the phrase without a leading severity qualifier, and -aemia spellings."""
    out = [phrase]
    for q in _QUALIFIERS:
        if phrase.startswith(q + " ") and len(phrase.split()) > 2:
            out.append(phrase[len(q) + 1 :])
            break
    out += [re.sub(r"([^a])emia\b", r"\1aemia", p) for p in out if re.search(r"[^a]emia\b", p)]
    return out


def intervention_clause(term: str) -> str:
    """'stem cells' -> '"stem cell*"[tiab]': truncated so plurals and compounds match."""
    t = re.sub(r"\s+", " ", term.strip().lower().replace('"', ""))
    if t.endswith("*"):
        return f'"{t}"[tiab]'
    last = t.split(" ")[-1]
    if re.fullmatch(r"[a-z]{4,}", last):
        if last.endswith("s") and not last.endswith(("ss", "is", "us")):
            t = t[:-1]
        t += "*"
    return f'"{t}"[tiab]'


def condition_clause(term: str) -> str:
    return f'"{term.strip().lower().replace(chr(34), "")}"[tiab]'


def design_clause(designs: Sequence[str]) -> str:
    return " OR ".join(clause for d in designs for clause in DESIGN_FILTERS[d])


def build_query(
    interventions: Sequence[str], conditions: Sequence[str] = (), designs: Sequence[str] = ()
) -> str:
    """The PubMed query: every group in parentheses, groups joined by AND."""
    terms = list(dict.fromkeys(t.strip().lower() for t in interventions if t.strip()))
    if not terms:
        raise InputError(
            "the policy has no intervention terms to search for",
            hint="run 'evidence tag --policy ID', or 'evidence review query ID --set QUERY'",
        )
    groups = ["(" + " OR ".join(intervention_clause(t) for t in terms) + ")"]
    if conditions:
        groups.append("(" + " OR ".join(condition_clause(t) for t in conditions) + ")")
    if designs:
        groups.append("(" + design_clause(designs) + ")")
    return " AND ".join(groups)
