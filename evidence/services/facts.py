"""Stored abstract facts: read them for the report, compute and store them when tagging.

The rules are in `evidence.extract.stored` (pure). `evidence tag` calls `refresh_facts` for the
trials and syntheses it tags, so a report reads one `articlefacts` row per table row instead of
re-reading the abstract (4 ms each: 12.5 s of a 10,000-reference report). `facts_for` is the
report's side: stored rows that still hold for the article's text and the current extractor,
and for anything else (a store from before `articlefacts`, a record resolved again with a new
abstract, a newer model) the facts computed on the fly, not written: the report only reads.

Both take a `Session` or a `Connection` and use chunked `IN` queries, never one per article.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from evidence.extract.stored import FACT_DESIGNS, article_facts, extractor_version, fresh, source_key

#: how many ids one `IN` query carries (well under SQLite's and PostgreSQL's parameter limits)
CHUNK = 500

#: the Article columns the facts are read from
SOURCE_COLUMNS = ("pmid", "title", "abstract", "abstract_sections")


def _chunks(ids: Iterable[str]) -> list[list[str]]:
    unique = list(dict.fromkeys(ids))
    return [unique[i : i + CHUNK] for i in range(0, len(unique), CHUNK)]


def stored_rows(conn: Any, pmids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The `articlefacts` rows of these PMIDs: {pmid: {extractor, source_key, facts}}."""
    from sqlalchemy import select

    from evidence.store.models import ArticleFacts

    t = ArticleFacts.__table__  # type: ignore[attr-defined]
    out: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(pmids):
        stmt = select(t.c.pmid, t.c.extractor, t.c.source_key, t.c.facts).where(t.c.pmid.in_(chunk))
        for pmid, extractor, key, facts in conn.execute(stmt):
            out[pmid] = {"extractor": extractor, "source_key": key, "facts": facts}
    return out


def facts_for(conn: Any, articles: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """{pmid: facts} for these articles (plain dicts with title, abstract, abstract_sections):
    the stored facts where they still hold, else computed now (and not stored)."""
    stored = stored_rows(conn, articles)
    return {
        pmid: stored[pmid]["facts"] if fresh(stored.get(pmid), a) else article_facts(a)
        for pmid, a in articles.items()
    }


def _sources(conn: Any, pmids: Iterable[str]) -> dict[str, dict[str, Any]]:
    from sqlalchemy import select

    from evidence.store.models import Article

    t = Article.__table__  # type: ignore[attr-defined]
    cols = [t.c[c] for c in SOURCE_COLUMNS]
    out: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(pmids):
        for row in conn.execute(select(*cols).where(t.c.pmid.in_(chunk))):
            out[row[0]] = dict(zip(SOURCE_COLUMNS, row, strict=True))
    return out


def refresh_facts(engine: Any, pmids: Iterable[str]) -> int:
    """Compute and store the facts of these articles where missing or stale. Returns how many
    rows were written (0 when every stored row still holds: tagging again with nothing new
    writes nothing). The abstracts are read outside any write transaction; a row written by a
    concurrent run is harmless, since each row carries the key of the text it was read from."""
    from evidence.store import in_transaction
    from evidence.store.models import ArticleFacts, utcnow
    from evidence.store.upsert import upsert

    pmids = list(dict.fromkeys(pmids))
    if not pmids:
        return 0
    with engine.connect() as conn:
        articles = _sources(conn, pmids)
        stored = stored_rows(conn, articles)
    version, now = extractor_version(), utcnow()
    rows = [
        dict(pmid=pmid, extractor=version, source_key=source_key(a), facts=article_facts(a), computed_at=now)
        for pmid, a in articles.items()
        if not fresh(stored.get(pmid), a)
    ]
    def write(session: Any) -> None:  # re-run whole when it clashes with a concurrent writer
        for start in range(0, len(rows), CHUNK):
            upsert(session, ArticleFacts, rows[start : start + CHUNK], ["pmid"])

    if rows:
        in_transaction(engine, write)
    return len(rows)


def fact_pmids(conn: Any) -> list[str]:
    """Every stored article whose design tag is a trial or synthesis (what the table reads)."""
    from sqlalchemy import select

    from evidence.store.models import DesignTag

    t = DesignTag.__table__  # type: ignore[attr-defined]
    stmt = select(t.c.subject).where(t.c.design.in_(FACT_DESIGNS), t.c.subject.like("pmid:%"))
    return [subject[5:] for (subject,) in conn.execute(stmt)]


def refresh_all(engine: Any) -> int:
    """`refresh_facts` for every tagged trial and synthesis in the store (bulk-built stores,
    benchmarks); `evidence tag` does the same for the policies it tags."""
    with engine.connect() as conn:
        pmids = fact_pmids(conn)
    return refresh_facts(engine, pmids)
