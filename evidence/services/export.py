"""Export use-case: gather a policy's references into `ExportEntry` records and write a format.

A reference whose PMID has an Article row is exported from the PubMed record (full author
names, journal, DOI, PMCID); any other reference is exported from the policy's own citation
text. Design tag, evidence level, role, citation flags and screening decisions ride along so
every format can carry them in a field its readers filter on. The writers in `evidence.export`
never see the store.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TextIO

from evidence.export import format_name, writer_for
from evidence.export.entry import Author, ExportEntry, printable_pages
from evidence.flags.guidelines import GuidelineCite, find_superseded, looks_like_guideline
from evidence.services.policy import find_policy, subject_of
from evidence.store import queries as q
from evidence.store.read import CHUNK, Reader, reading

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

Row = dict[str, Any]

# Article-level corrections that a reader of the bibliography must not miss.
_CORRECTION_FLAGS = {
    "RetractionIn": "retracted",
    "ErratumIn": "erratum",
    "ExpressionOfConcernIn": "expression-of-concern",
    "UpdateIn": "updated",
}


def gather_entries(
    engine: Engine | Reader | str, policy_id: str, include_candidates: bool = False
) -> list[ExportEntry]:
    """The policy's current references (and, on request, its current cycle's candidates).

    Read through the lean layer a chunk of references at a time, with only the columns an
    export writes: the articles, tags and flags of one chunk are dropped once its entries are
    built, so a 10,000-reference policy never holds every PubMed record at once (issue #16)."""
    with reading(engine) as reader:
        policy = find_policy(reader, policy_id)
        refs = q.export_references(reader, policy["id"], policy["revision"])
        entries: list[ExportEntry] = []
        for i in range(0, len(refs), CHUNK):
            entries += _reference_entries(reader, refs[i : i + CHUNK])
        entries = _with_superseded(entries)
        if include_candidates:
            number = max((r["number"] for r in refs), default=0)
            candidates = q.current_candidates(reader, policy["id"])
            for i in range(0, len(candidates), CHUNK):
                chunk = candidates[i : i + CHUNK]
                entries += _candidate_entries(reader, chunk, number + 1 + i)
        return entries


def _reference_entries(reader: Reader, refs: list[Row]) -> list[ExportEntry]:
    articles = q.articles(reader, [p for r in refs if (p := _pmid(r))], q.EXPORT_ARTICLE_COLUMNS)
    tags = q.design_tags(reader, [subject_of(r) for r in refs])
    flags: dict[int, list[str]] = {}
    for ref_id, kind, _ in q.citation_flags(reader, [r["id"] for r in refs]):
        flags.setdefault(ref_id, []).append(kind)
    return [
        _reference_entry(r, articles.get(_pmid(r)), tags.get(subject_of(r)), flags.get(r["id"]))
        for r in refs
    ]


def _candidate_entries(reader: Reader, candidates: list[Row], first: int) -> list[ExportEntry]:
    pmids = [c["pmid"] for c in candidates]
    articles = q.articles(reader, pmids, q.EXPORT_ARTICLE_COLUMNS)
    tags = q.design_tags(reader, [f"pmid:{p}" for p in pmids])
    return [
        _candidate_entry(n, c, articles.get(c["pmid"]), tags.get(f"pmid:{c['pmid']}"))
        for n, c in enumerate(candidates, start=first)
    ]


def _with_superseded(entries: list[ExportEntry]) -> list[ExportEntry]:
    """Older editions of a cited guideline get the flag the report gives them."""
    cites = [
        GuidelineCite(key=i, title=e.title or "", year=e.year, pmid=e.pmid)
        for i, e in enumerate(entries)
        if e.design == "guideline"
        or (e.design in (None, "unknown", "other") and looks_like_guideline(e.title or ""))
    ]
    older = {s.older.key for s in find_superseded(cites)}
    return [
        replace(e, flags=tuple(sorted({*e.flags, "superseded"}))) if i in older else e
        for i, e in enumerate(entries)
    ]


def prepare_export(
    engine: Engine | Reader | str, policy_id: str, fmt: str, include_candidates: bool = False,
    bom: bool = True,
) -> tuple[Callable[[TextIO], None], int]:
    """A function that writes the export to a text stream, and the number of entries in it.

    The store is read here (a missing policy fails before any file is touched); the text is
    written as it is formatted, so a big export never sits in memory whole. CSV starts with a
    UTF-8 byte-order mark unless `bom` is False: without it Excel reads the file as the
    system's code page and garbles every accented author name."""
    writer = writer_for(fmt)
    entries = gather_entries(engine, policy_id, include_candidates)
    mark = "\ufeff" if bom and format_name(fmt) == "csv" else ""

    def write(stream: TextIO) -> None:
        stream.write(mark)
        writer(entries, stream)

    return write, len(entries)


def export_policy(
    engine: Engine | Reader | str, policy_id: str, fmt: str, include_candidates: bool = False,
    bom: bool = True,
) -> tuple[str, int]:
    """The export's text and the number of entries in it (see `prepare_export`)."""
    write, count = prepare_export(engine, policy_id, fmt, include_candidates, bom)
    buffer = io.StringIO(newline="")
    write(buffer)
    return buffer.getvalue(), count


# ---------------------------------------------------------------- building entries


def _pmid(ref: Row) -> str:
    """The PMID the policy cites, else the one the citation matcher found."""
    return ref["pmid"] or ref["matched_pmid"] or ""


def _reference_entry(
    ref: Row, article: Row | None, tag: Row | None, flags: list[str] | None
) -> ExportEntry:
    flags = flags or []
    common = dict(number=ref["number"], role=ref["role"], citation=ref["raw"], nct=ref["nct"],
                  **_tag_fields(tag))
    if article is not None:
        notes = () if ref["pmid"] else (
            f"PMID found by matching the citation ({ref['match_status'] or 'matched'}); "
            f"the policy cites no PMID",)
        return _from_article(article, flags=_flags(flags, article), extra_notes=notes, **common)
    return ExportEntry(
        resolved=False,
        kind=ref["kind"] if ref["kind"] in ("book", "report", "web") else "article",
        authors=tuple(author_from_citation(a) for a in ref["authors"]),
        et_al=ref["et_al"],
        title=ref["title"],
        journal=ref["journal"],
        journal_abbrev=ref["journal_abbrev"] or ref["journal"],  # policies cite journals by their abbreviation
        publisher=ref["publisher"],
        place=ref["place"],
        web_url=ref["url"],
        year=ref["year"],
        month=ref["month"],
        day=ref["day"],
        volume=ref["volume"],
        issue=ref["issue"],
        pages=printable_pages(ref["pages"]),
        pmid=_pmid(ref) or None,
        doi=ref["doi"],
        pmcid=ref["pmcid"],
        flags=_flags(flags, None),
        **common,
    )


def _candidate_entry(
    number: int, cand: Row, article: Row | None, tag: Row | None
) -> ExportEntry:
    common: dict[str, Any] = dict(
        number=number, source="candidate", decision=cand["decision"],
        reason="; ".join(x for x in (cand["reason"], cand["reason_text"]) if x) or None,
        **_tag_fields(tag),
    )
    if article is not None:
        return _from_article(article, flags=_flags([], article), **common)
    return ExportEntry(resolved=False, pmid=cand["pmid"], **common)


def _tag_fields(tag: Row | None) -> dict[str, Any]:
    return {"design": tag["design"], "level": tag["level"]} if tag else {}


def _from_article(a: Row, **fields: Any) -> ExportEntry:
    return ExportEntry(
        resolved=True,
        kind="book" if a["is_book"] else "article",
        authors=tuple(author_from_record(x) for x in a["authors"]),
        title=a["title"],
        journal=a["journal"],
        journal_abbrev=a["journal_iso"],
        year=a["year"],
        month=a["month"],
        day=a["day"],
        volume=a["volume"],
        issue=a["issue"],
        pages=printable_pages(a["pages"]),
        pmid=a["pmid"],
        doi=a["doi"],
        pmcid=a["pmcid"],
        abstract=a["abstract"],
        language=a["language"],
        citation_status=a["citation_status"],
        publication_status=a["publication_status"],
        publication_types=tuple(p["name"] for p in a["publication_types"] if p.get("name")),
        mesh=tuple(x["descriptor"] for x in a["mesh"] if x.get("descriptor")),
        **fields,
    )


def _flags(citation_flags: list[str], article: Row | None) -> tuple[str, ...]:
    found = set(citation_flags)
    if article is not None:
        if any(p.get("name") == "Retracted Publication" for p in article["publication_types"]):
            found.add("retracted")
        for c in article["comments_corrections"]:
            if c.get("ref_type") in _CORRECTION_FLAGS:
                found.add(_CORRECTION_FLAGS[c["ref_type"]])
    return tuple(sorted(found))


# ---------------------------------------------------------------- names


def author_from_record(a: dict[str, Any]) -> Author:
    """A PubMed author dict ({last, fore, initials, collective}) as an export author."""
    if a.get("collective"):
        return Author(literal=a["collective"])
    initials = a.get("initials") or None
    given = a.get("fore") or (_dotted(initials) if initials else None)
    return Author(family=a.get("last"), given=given, initials=initials)


_INITIALS = re.compile(r"^(?P<family>.+?)\s+(?P<initials>[^\W\d_]{1,4})$")
_PARTICLES = frozenset("da de del della der di dos du la le ten ter van von den d' al el".split())
_GROUP_WORDS = re.compile(
    r"\b(group|force|society|association|committee|collaboration|consortium|investigators|"
    r"trialists|council|college|organi[sz]ation|network|panel|institute|foundation)\b", re.I)


def _looks_like_family_name(family: str) -> bool:
    """A surname has at most three words and no lowercase word but particles ("den Ruijter")."""
    words = family.split()
    if len(words) > 3 or _GROUP_WORDS.search(family):
        return False
    return all(w[:1].isupper() or w.lower() in _PARTICLES for w in words)


def author_from_citation(name: str) -> Author:
    """Split a name as citations write it ("Kullo IJ", "Peeters Weem SM") into family + given.

    The trailing all-capitals token is the initials; a name without one, or whose rest does not
    read as a surname (a task force, a society, "Task Force on PAD"), is a group and stays whole.
    """
    name = " ".join(name.split())
    match = _INITIALS.match(name)
    if match and match["initials"].isupper() and _looks_like_family_name(match["family"]):
        initials = match["initials"]
        return Author(family=match["family"], given=_dotted(initials), initials=initials)
    return Author(literal=name)


def _dotted(initials: str) -> str:
    """"IJ" -> "I. J.": the form BibTeX and CSL processors split into two given names."""
    return " ".join(f"{c}." for c in initials if c.isalpha())
