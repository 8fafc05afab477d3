"""A study's role in a policy: `direct` (it tests the policy's intervention) or `background`.

The intervention's terms come from the policy itself: the title's "<intervention> for
<condition>" and each coverage statement's "with / using / of <intervention>" phrase, with the
condition's words and generic words (injection, treatment, source ...) dropped, then widened
by synonym families (a stem-cell policy also covers progenitor, mononuclear and stromal cells,
bone marrow, cell therapy). The families are data below and apply to any policy whose terms
touch them; the user can edit a policy's terms afterwards (`evidence tag terms`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

DIRECT = "direct"
BACKGROUND = "background"
ROLES = (DIRECT, BACKGROUND)

STOPWORDS = frozenset(
    "a an the of for in on with without from by to and or as at via using use used is are be been "
    "its their this that these those any all other such including include includes into than per "
    "not no only both either each".split()
)
# Words that describe how or where something is given, not what it is.
GENERIC = frozenset(
    "treatment treatments therapy therapies therapeutic injection injections infusion infusions "
    "administration administered administering application applications procedure procedures "
    "technique techniques technology device devices concentrated concentrate concentration "
    "expanded expansion stimulated stimulation mobilized mobilised vitro vivo source sources "
    "derived based allogeneic autologous autogenous harvested fresh freshly cultured patient "
    "patients management care services service method methods intervention interventions "
    "blood local systemic intravenous intramuscular intra arterial topical oral use new "
    "medically necessary covered investigational experimental considered".split()
)
# Families of interchangeable terms: if a derived term touches a family, all of it joins.
SYNONYM_FAMILIES: tuple[tuple[str, ...], ...] = (
    (
        "stem cell",
        "progenitor cell",
        "mononuclear cell",
        "stromal cell",
        "mesenchymal cell",
        "bone marrow",
        "cell therapy",
        "cellular therapy",
        "cell transplantation",
        "cell based therapy",
    ),
    (
        "colony-stimulating factor",
        "g-csf",
        "gm-csf",
        "granulocyte colony-stimulating factor",
        "granulocyte-macrophage colony-stimulating factor",
        "filgrastim",
        "sargramostim",
    ),
    ("platelet-rich plasma", "prp", "platelet concentrate"),
    ("gene therapy", "gene transfer"),
    ("hyperbaric oxygen", "hbot"),
    ("shock wave", "shockwave", "eswt"),
)
# Phrases in an intervention statement that imply a family not named in it.
TRIGGERS: tuple[tuple[re.Pattern[str], int], ...] = (
    (
        re.compile(
            r"\b(?:stimulated|mobili[sz]ed)\b.*\bperipheral blood\b"
            r"|\bperipheral blood\b.*\b(?:stimulated|mobili[sz]ed)\b"
        ),
        1,
    ),
)

_SPLIT = re.compile(
    r",|;|:|\(|\)|\bor\b|\band\b|\bfrom\b|\bof\b|\bwith\b|\busing\b|\bvia\b|\bby\b|\bin\b|\bfor\b"
    r"|\bto\b"
)
_STATEMENT_INTERVENTION = re.compile(
    r"\b(?:with|using|by means of)\s+(.+?)(?:,?\s+(?:is|are|may be|will be)\s+(?:not\s+)?"
    r"(?:covered|medically|considered|investigational|experimental|eligible|unproven)|$)",
    re.IGNORECASE,
)
_STATEMENT_CONDITION = re.compile(
    r"\b(?:treatment|management|therapy) of (.+?)(?:,| with | using |$)"
    r"|\bincluding (.+?)(?:,| with |$)",
    re.IGNORECASE,
)
_TITLE_SPLIT = re.compile(r"^(.+?)\s+(?:for|in|to treat)\s+(.+)$", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("-", " "))


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def split_title(title: str) -> tuple[str, str]:
    """("stem cell therapy", "peripheral arterial disease") from "Stem-Cell Therapy for PAD"."""
    m = _TITLE_SPLIT.match(title.strip())
    return (m.group(1), m.group(2)) if m else (title.strip(), "")


def _phrases(text: str, drop: frozenset[str]) -> list[str]:
    out = []
    for chunk in _SPLIT.split(text.lower()):
        words = [_singular(w) for w in _words(chunk)]
        kept = [w for w in words if w not in STOPWORDS and w not in GENERIC and w not in drop]
        kept = [w for w in kept if not w.isdigit()]
        if not kept or len(kept) > 4 or (len(kept) == 1 and len(kept[0]) < 4):
            continue
        out.append(" ".join(kept))
    return out


def derive_terms(title: str, statements: Iterable[str] = ()) -> list[str]:
    """Intervention terms from a policy's title and coverage statements (see module doc)."""
    intervention, condition = split_title(title)
    interventions = [intervention]
    conditions = [condition]
    for s in statements:
        for m in _STATEMENT_CONDITION.finditer(s):
            conditions.extend(g for g in m.groups() if g)
        m = _STATEMENT_INTERVENTION.search(s)
        if m:
            interventions.append(m.group(1))
    drop = frozenset(_singular(w) for c in conditions for w in _words(c)) - frozenset({"cell"})
    terms: list[str] = []
    for text in interventions:
        for p in _phrases(text, drop):
            if p not in terms:
                terms.append(p)
    whole = " ".join(interventions).lower()
    families = {i for pat, i in TRIGGERS if pat.search(whole)}
    for i, family in enumerate(SYNONYM_FAMILIES):
        norm_family = [" ".join(_singular(w) for w in _words(f)) for f in family]
        if any(
            f in t or t in f for t in terms for f in norm_family if len(t.split()) > 1 or t == f
        ):
            families.add(i)
    for i in sorted(families):
        for f in SYNONYM_FAMILIES[i]:
            if f not in terms:
                terms.append(f)
    return terms


def _term_pattern(term: str) -> re.Pattern[str]:
    words = _words(term)
    body = r"[\s-]+".join(re.escape(w) for w in words)
    return re.compile(rf"\b{body}(?:s|es)?\b", re.IGNORECASE)


@dataclass(frozen=True)
class RoleResult:
    role: str
    signal: str


def find_term(terms: Iterable[str], text: str | None) -> tuple[str, int]:
    """The first term found in `text` and how often terms occur there."""
    if not text:
        return "", 0
    first, count = "", 0
    for term in terms:
        hits = len(_term_pattern(term).findall(text))
        if hits and not first:
            first = term
        count += hits
    return first, count


def decide_role(
    terms: Iterable[str],
    title: str | None,
    abstract: str | None = None,
    mesh: Iterable[dict | str] = (),
) -> RoleResult:
    """`direct` when the title or MeSH names an intervention term, or the abstract does at
    least twice (a single passing mention in a background abstract is not enough)."""
    terms = [t for t in terms if t.strip()]
    if not terms:
        return RoleResult(BACKGROUND, "policy has no intervention terms")
    term, _ = find_term(terms, title)
    if term:
        return RoleResult(DIRECT, f'"{term}" in title')
    mesh_text = "; ".join(str(h.get("descriptor") if isinstance(h, dict) else h) for h in mesh)
    term, _ = find_term(terms, mesh_text)
    if term:
        return RoleResult(DIRECT, f'"{term}" in MeSH')
    term, count = find_term(terms, abstract)
    if count >= 2:
        return RoleResult(DIRECT, f'"{term}" in abstract ({count} mentions)')
    return RoleResult(BACKGROUND, "no intervention term in title, MeSH or abstract")
