"""The saved PubMed search of a policy: (intervention terms) AND (condition terms) [AND designs].

Intervention terms come from the policy (tagging derives them from its title and coverage
statements and stores them, editable, on the policy). The condition is read here, by rule, from
the same places: the title's "... for <condition>" and the statements' "treatment of <condition>,
including <narrower condition>, with ...". A qualifier such as "critical" or "chronic" is also
dropped once, so "critical limb ischemia" searches "limb ischemia" too, and "-emia" gains its
British "-aemia" spelling. Terms are searched in title/abstract ([tiab]); intervention terms are
truncated ("stem cell*") so plurals and compounds match. The user sees the query and can edit it.

`derive_parts` widens both groups with the vocabulary in `synonyms.json` (data, not code): each
word's spelling, plural and adjective forms ("artery"/"arterial", "ischemia"/"ischaemic"), the
synonym family of a phrase (its other names, abbreviations such as PAD or CLTI, its MeSH
headings, and the narrower families it names, e.g. Buerger disease under PAD), and the MeSH
headings of the policy's own cited records whose words contain one of the policy's terms.
A record not yet indexed for MEDLINE has no MeSH, which is why the words stay in the query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

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


# ---------------------------------------------------------------- synonyms and MeSH

MAX_VARIANTS = 8  # spelling/plural variants searched per phrase


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """synonyms.json, read once: word forms and synonym families."""
    text = resources.files("evidence.review").joinpath("synonyms.json").read_text("utf-8")
    return json.loads(text)


def _norm(text: str) -> str:
    return re.sub(r"[\s\-]+", " ", text.strip().lower().replace("\u2019", "'"))


@lru_cache(maxsize=1)
def _forms() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """word -> its base word; base word -> every form (base first)."""
    to_base: dict[str, str] = {}
    forms: dict[str, tuple[str, ...]] = {}
    for base, variants in vocabulary()["word_forms"].items():
        forms[base] = (base, *variants)
        for w in forms[base]:
            to_base[w] = base
    return to_base, forms


def _base_words(phrase: str) -> tuple[str, ...]:
    to_base, _ = _forms()
    words = []
    for w in _norm(phrase).replace("'s", "").split():
        w = to_base.get(w, w)
        if w not in to_base and len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "is", "us")):
            w = w[:-1]  # a plain plural
        words.append(w)
    return tuple(words)


def word_variants(phrase: str) -> list[str]:
    """The phrase and each variant that changes one word to another of its forms:
    'peripheral arterial disease' -> '... artery disease', '... arterial diseases', ..."""
    to_base, forms = _forms()
    words = _norm(phrase).split()
    out = [" ".join(words)]
    for i, w in enumerate(words):
        for form in forms.get(to_base.get(w, ""), ()):
            v = " ".join([*words[:i], form, *words[i + 1 :]])
            if v not in out and len(out) < MAX_VARIANTS:
                out.append(v)
    return out


def _family_of(phrase: str) -> dict[str, Any] | None:
    key = _base_words(phrase)
    for family in vocabulary()["families"]:
        if any(_base_words(t) == key for t in family["terms"]):
            return family
    return None


def _families(phrases: Iterable[str]) -> list[dict[str, Any]]:
    """The families of the phrases, with the narrower families they name (once each)."""
    found: list[dict[str, Any]] = []
    todo = list(phrases)
    while todo:
        family = _family_of(todo.pop(0))
        if family is None or family in found:
            continue
        found.append(family)
        todo.extend(family.get("narrower", []))
    return found


def matching_headings(headings: Iterable[str], terms: Iterable[str]) -> list[str]:
    """The MeSH headings whose words contain every word of one of `terms` (word forms folded:
    "Peripheral Arterial Disease" matches "peripheral artery disease")."""
    keys = [set(_base_words(t)) for t in terms if t.strip()]
    out: list[str] = []
    for heading in headings:
        words = set(_base_words(heading.replace(",", " ")))
        if any(k and k <= words for k in keys) and heading not in out:
            out.append(heading)
    return out


@dataclass(frozen=True)
class QueryParts:
    """The two groups of the derived query, each as title/abstract terms and MeSH headings."""

    interventions: tuple[str, ...]
    intervention_mesh: tuple[str, ...]
    conditions: tuple[str, ...]
    abbreviations: tuple[str, ...]
    condition_mesh: tuple[str, ...]


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        key = _norm(item)
        if key and key not in seen:
            seen[key] = item
    return tuple(seen.values())


def derive_parts(
    interventions: Sequence[str], conditions: Sequence[str], record_mesh: Iterable[str] = ()
) -> QueryParts:
    """Widen the policy's intervention and condition terms with word forms, synonym families
    and the MeSH headings of its cited records (`record_mesh`) that name one of them."""
    headings = list(dict.fromkeys(record_mesh))
    i_families = _families(interventions)
    c_families = _families(conditions)
    i_terms = [*interventions, *(t for f in i_families for t in f["terms"])]
    c_phrases = [*conditions, *(t for f in c_families for t in f["terms"])]
    c_terms = [v for p in c_phrases for v in word_variants(p)]
    c_terms += [re.sub(r"([^a])emia\b", r"\1aemia", t) for t in c_terms if re.search(r"[^a]emia\b", t)]
    return QueryParts(
        interventions=_dedupe(t.lower() for t in i_terms),
        intervention_mesh=_dedupe([*(h for f in i_families for h in f.get("mesh", [])),
                                   *matching_headings(headings, interventions)]),  # fmt: skip
        conditions=_dedupe(c_terms),
        abbreviations=_dedupe(a for f in c_families for a in f.get("abbreviations", [])),
        condition_mesh=_dedupe([*(h for f in c_families for h in f.get("mesh", [])),
                                *matching_headings(headings, c_phrases)]),  # fmt: skip
    )


def mesh_clause(heading: str) -> str:
    return f'"{heading.strip().replace(chr(34), "")}"[mh]'


def abbreviation_clause(abbr: str) -> str:
    return f'"{abbr.strip().replace(chr(34), "")}"[tiab]'


def render_query(parts: QueryParts, designs: Sequence[str] = ()) -> str:
    """(intervention words OR headings) AND (condition words OR abbreviations OR headings)."""
    if not parts.interventions and not parts.intervention_mesh:
        return build_query([], [])  # raises the user error
    first = [intervention_clause(t) for t in parts.interventions]
    first += [mesh_clause(h) for h in parts.intervention_mesh]
    groups = ["(" + " OR ".join(first) + ")"]
    second = [condition_clause(t) for t in parts.conditions]
    second += [abbreviation_clause(a) for a in parts.abbreviations]
    second += [mesh_clause(h) for h in parts.condition_mesh]
    if second:
        groups.append("(" + " OR ".join(second) + ")")
    if designs:
        groups.append("(" + design_clause(designs) + ")")
    return " AND ".join(groups)
