"""What changed between the stored copy of a PubMed record and the copy fetched today.

A watch cares about what a reviewer must act on: a new retraction (or the record turning out
to be a retraction notice), an erratum, an expression of concern, an update or republication
(PubMed marks these with publication types and CommentsCorrections links), publication types
added by re-indexing (a study re-indexed as a Randomized Controlled Trial changes its design),
and a record that PubMed no longer returns (deleted or merged). Each mark is compared as an
atom (one publication type, one link with its PMID), so a second erratum is news too, while
a record that merely gained a MeSH term is not.

`SEVERITY` orders kinds for digests and status: what withdraws evidence first, what adds
evidence last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from evidence.flags.article import _LINKS, _TYPES, _describe_link  # one vocabulary of marks

#: event kind -> rank (0 = most serious)
SEVERITY = {
    "retracted": 0,
    "retraction-notice": 1,
    "expression-of-concern": 2,
    "vanished": 3,
    "erratum": 4,
    "updated": 5,
    "republished": 6,
    "publication-type": 7,
    "new-evidence": 8,
    "pmid-found": 9,
}
LABELS = {
    "retracted": "retracted",
    "retraction-notice": "is a retraction notice",
    "expression-of-concern": "expression of concern",
    "vanished": "no longer in PubMed (deleted or merged)",
    "erratum": "erratum published",
    "updated": "updated version published",
    "republished": "corrected and republished",
    "publication-type": "publication types added",
    "new-evidence": "new high-level evidence since the last review",
    "pmid-found": "PMID now known",
}
#: kinds that need a reviewer; anything else is information
NEEDS_ACTION = frozenset(SEVERITY)


@dataclass(frozen=True)
class Change:
    kind: str  # a key of SEVERITY
    old: str | None
    new: str | None


def _marks(record: Mapping[str, Any]) -> dict[str, set[str]]:
    """flag kind -> the atoms that say so ('publication type "X"', 'ErratumIn PMID n (...)')."""
    found: dict[str, set[str]] = {}
    for pt in record.get("publication_types") or ():
        kind = _TYPES.get(str(pt.get("name") or "").strip().lower())
        if kind:
            found.setdefault(kind, set()).add(f'publication type "{pt.get("name")}"')
    for link in record.get("comments_corrections") or ():
        kind = _LINKS.get(str(link.get("ref_type") or ""))
        if kind:
            found.setdefault(kind, set()).add(_describe_link(link))
    return found


def _type_names(record: Mapping[str, Any]) -> list[str]:
    return [str(pt.get("name") or "").strip() for pt in record.get("publication_types") or ()]


def record_changes(old: Mapping[str, Any], new: Mapping[str, Any] | None) -> list[Change]:
    """The changes from `old` to `new` (None: PubMed did not return the record), most serious
    first. Records are dicts with `publication_types` and `comments_corrections` (and `title`)."""
    if new is None:
        return [Change("vanished", old.get("title"), "not returned by PubMed (deleted or merged)")]
    before, after = _marks(old), _marks(new)
    changes = []
    for kind, atoms in after.items():
        added = sorted(atoms - before.get(kind, set()))
        if added:
            shown = "; ".join(sorted(before.get(kind, set()))) or None
            changes.append(Change(kind, shown, "; ".join(added)))
    old_types = _type_names(old)
    flagged = {name for name in _type_names(new) if name.lower() in _TYPES}
    added_types = [t for t in _type_names(new) if t and t not in old_types and t not in flagged]
    if added_types:
        changes.append(Change("publication-type", ", ".join(old_types) or None,
                              ", ".join(added_types)))  # fmt: skip
    return sorted(changes, key=lambda c: SEVERITY[c.kind])


def designs_changed(changes: Iterable[Change]) -> bool:
    """Whether the record's design tag may have changed (publication types were added)."""
    return any(c.kind in ("publication-type", "retraction-notice") for c in changes)
