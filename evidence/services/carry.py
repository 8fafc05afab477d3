"""A new policy revision keeps the work done on the old one.

When a policy's text changes, its references are stored anew (the old revision's rows stay as
they were). Without this step every role set by hand, every citation-mismatch flag, every
PMID the matcher found and every tag set by hand on a reference without a PMID would vanish
until `resolve` and `tag` ran again, and the report would say "no reference is marked as
direct evidence" in between.

Each new reference is paired with at most one old one: the same printed PMID, else the same
DOI, else a citation text that is nearly the same (a corrected typo, a changed page range).
A pair carries over what was learnt about the citation; an unpaired new reference starts
fresh and is resolved and tagged by the next runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz
from sqlmodel import Session, select

from evidence.store import models as m

SIMILAR = 90  # rapidfuzz ratio of normalised citation texts: same citation, small edits

_CARRIED = ("matched_pmid", "match_status", "match_method", "match_candidates", "role", "role_source", "role_signal")


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def pair_references(old: list[m.Reference], new: list[m.Reference]) -> list[tuple[m.Reference, m.Reference]]:
    """(old, new) pairs: by PMID, then DOI, then citation similarity; each reference once."""
    pairs: list[tuple[m.Reference, m.Reference]] = []
    free_old = list(old)
    free_new = list(new)
    for key in ("pmid", "doi"):
        index = {getattr(r, key).lower(): r for r in free_old if getattr(r, key)}
        for ref in list(free_new):
            value = getattr(ref, key)
            match = index.pop(value.lower(), None) if value else None
            if match is not None:
                pairs.append((match, ref))
                free_old.remove(match)
                free_new.remove(ref)
    texts = {id(r): _norm(r.raw) for r in free_old}
    for ref in free_new:
        text = _norm(ref.raw)
        best = max(free_old, key=lambda o: fuzz.ratio(texts[id(o)], text), default=None)
        if best is not None and fuzz.ratio(texts[id(best)], text) >= SIMILAR:
            pairs.append((best, ref))
            free_old.remove(best)
    return pairs


def carry_over(session: Session, old: list[m.Reference], new: list[m.Reference]) -> int:
    """Copy resolution, role, flags and hand-set tags from the old revision; return pairs."""
    pairs = pair_references(old, new)
    flags = _flags_by_reference(session, [o.id for o, _ in pairs if o.id is not None])
    for before, after in pairs:
        same_citation = _norm(before.raw) == _norm(after.raw)
        for name in _CARRIED:
            if name.startswith("match") and after.pmid:
                continue  # a printed PMID needs no matcher's guess
            setattr(after, name, getattr(before, name))
        session.add(after)
        session.flush()
        if same_citation:  # a changed citation is checked anew by the next resolve
            for flag in flags.get(before.id, ()):
                session.add(m.CitationFlag(reference_id=after.id, kind=flag.kind, detail=flag.detail))
        _carry_reference_tag(session, before, after)
    return len(pairs)


def _flags_by_reference(session: Session, ids: Iterable[int]) -> dict[int, list[m.CitationFlag]]:
    out: dict[int, list[m.CitationFlag]] = {}
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for flag in session.exec(select(m.CitationFlag).where(m.CitationFlag.reference_id.in_(chunk))):  # type: ignore[attr-defined]
            out.setdefault(flag.reference_id, []).append(flag)
    return out


def _carry_reference_tag(session: Session, before: m.Reference, after: m.Reference) -> None:
    """A tag stored per reference (no PMID: subject "ref:<id>") follows the reference; tags
    stored per PMID are shared by every revision already."""
    if before.pmid or before.matched_pmid:
        return
    old = session.get(m.DesignTag, f"ref:{before.id}")
    if old is None or session.get(m.DesignTag, f"ref:{after.id}") is not None:
        return
    session.add(
        m.DesignTag(
            subject=f"ref:{after.id}", design=old.design, modifiers=list(old.modifiers), level=old.level,
            source=old.source, signal=old.signal, confidence=old.confidence, indexing=old.indexing,
            note=old.note, tagged_at=old.tagged_at,
        )
    )
