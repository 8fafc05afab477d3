"""Reading one stored PubMed record, for `evidence article show`."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from evidence.errors import InputError, NotFound
from evidence.store import models as m

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _date(a: m.Article) -> str | None:
    if not a.year:
        return None
    parts = [str(a.year)]
    if a.month:
        parts.append(MONTHS[a.month - 1])
        if a.day:
            parts.append(str(a.day))
    return " ".join(parts)


def _author(d: dict[str, Any]) -> str:
    if d.get("collective"):
        return str(d["collective"])
    return " ".join(p for p in (d.get("last"), d.get("initials") or d.get("fore")) if p)


def show_article(engine: Engine, pmid: str) -> dict[str, Any]:
    """Everything stored about one PMID, shaped for display and JSON."""
    if not re.fullmatch(r"[1-9][0-9]{0,8}", pmid.strip()):
        raise InputError(f"{pmid.strip()[:40]!r} is not a PMID", hint="a PMID is 1 to 9 digits")
    with Session(engine) as session:
        a = session.get(m.Article, pmid.strip())
        if a is None:
            unresolved = session.get(m.Unresolved, pmid.strip())
            why = f" ({unresolved.reason})" if unresolved else ""
            raise NotFound(f"PMID {pmid} is not in the store{why}", hint="run 'evidence resolve'")
        return {
            "pmid": a.pmid,
            "title": a.title,
            "authors": [_author(x) for x in a.authors],
            "journal": a.journal,
            "journal_iso": a.journal_iso,
            "date": _date(a),
            "year": a.year,
            "volume": a.volume,
            "issue": a.issue,
            "pages": a.pages,
            "doi": a.doi,
            "pmcid": a.pmcid,
            "publication_types": [p.get("name") for p in a.publication_types],
            "mesh": [(x.get("descriptor") or "") + ("*" if x.get("major") else "") for x in a.mesh],
            "citation_status": a.citation_status,
            "publication_status": a.publication_status,
            "indexing_method": a.indexing_method,
            "comments_corrections": a.comments_corrections,
            "abstract": a.abstract,
            "abstract_sections": a.abstract_sections,
            "fetched_at": a.fetched_at,
        }
