"""Reading one stored PubMed record, for `evidence article show`.

Read through the lean read layer (`evidence.store.read`: plain SELECTs, no ORM), so the
command starts without SQLAlchemy (issue #16); only the columns shown are selected (never the
raw XML)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from evidence.errors import InputError, NotFound
from evidence.store import queries as q
from evidence.store.read import Reader, as_datetime, reading

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

#: the Article columns `article show` shows
COLUMNS = (
    "pmid", "title", "authors", "journal", "journal_iso", "year", "month", "day", "volume",
    "issue", "pages", "doi", "pmcid", "publication_types", "mesh", "citation_status",
    "publication_status", "indexing_method", "comments_corrections", "abstract",
    "abstract_sections", "fetched_at",
)  # fmt: skip


def _date(a: dict[str, Any]) -> str | None:
    if not a["year"]:
        return None
    parts = [str(a["year"])]
    if a["month"]:
        parts.append(MONTHS[a["month"] - 1])
        if a["day"]:
            parts.append(str(a["day"]))
    return " ".join(parts)


def _author(d: dict[str, Any]) -> str:
    if d.get("collective"):
        return str(d["collective"])
    return " ".join(p for p in (d.get("last"), d.get("initials") or d.get("fore")) if p)


def show_article(engine: Engine | Reader | str, pmid: str) -> dict[str, Any]:
    """Everything stored about one PMID, shaped for display and JSON (`engine`: an engine, a
    Reader or the store's URL)."""
    if not re.fullmatch(r"[1-9][0-9]{0,8}", pmid.strip()):
        raise InputError(f"{pmid.strip()[:40]!r} is not a PMID", hint="a PMID is 1 to 9 digits")
    with reading(engine) as reader:
        a = q.articles(reader, [pmid.strip()], COLUMNS).get(pmid.strip())
        if a is None:
            unresolved = q.unresolved(reader, [pmid.strip()])
            why = f" ({unresolved[pmid.strip()]})" if unresolved else ""
            raise NotFound(f"PMID {pmid} is not in the store{why}", hint="run 'evidence resolve'")
    return {
        "pmid": a["pmid"],
        "title": a["title"],
        "authors": [_author(x) for x in a["authors"]],
        "journal": a["journal"],
        "journal_iso": a["journal_iso"],
        "date": _date(a),
        "year": a["year"],
        "volume": a["volume"],
        "issue": a["issue"],
        "pages": a["pages"],
        "doi": a["doi"],
        "pmcid": a["pmcid"],
        "publication_types": [p.get("name") for p in a["publication_types"]],
        "mesh": [(x.get("descriptor") or "") + ("*" if x.get("major") else "") for x in a["mesh"]],
        "citation_status": a["citation_status"],
        "publication_status": a["publication_status"],
        "indexing_method": a["indexing_method"],
        "comments_corrections": a["comments_corrections"],
        "abstract": a["abstract"],
        "abstract_sections": a["abstract_sections"],
        "fetched_at": as_datetime(a["fetched_at"]),  # in UTC on PostgreSQL too, as the ORM gives it
    }
