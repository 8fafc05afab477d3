"""Report use-case: gather one policy's evidence from the store, build and render the report.

The store is read here and only here; `evidence.report` receives plain records. Flags that
need a rule (PubMed's retraction/erratum marks, superseded guidelines) are computed here
with `evidence.flags` so that the report package stays free of sideways imports.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from evidence.errors import InputError
from evidence.extract.stored import FACT_DESIGNS
from evidence.files import write_atomic  # noqa: F401  (re-exported for callers)
from evidence.flags.article import article_flags
from evidence.flags.guidelines import GuidelineCite, find_superseded, looks_like_guideline
from evidence.report.model import ReferenceInput, ReportData, ReportInput, build_report
from evidence.services.facts import facts_for
from evidence.services.policy import current_references, get_policy, subject_of
from evidence.services.review import since_last_review
from evidence.services.trials import last_asked, stored_trials
from evidence.services.watch import last_watch
from evidence.store import models as m

FORMATS = ("text", "md", "html", "json")


def gather(engine: Engine, policy_id: str) -> ReportInput:
    """Everything the report needs about one policy, as plain records."""
    with Session(engine) as session:
        p = get_policy(session, policy_id)
        refs = current_references(session, p)
        inputs = _reference_inputs(session, refs)
        policy = {
            "id": p.id,
            "title": p.title,
            "effective_date": p.effective_date,
            "last_reviewed": p.last_reviewed,
            "conclusion": p.conclusion,
            "statements": [
                dict(product=s.product, status=s.status, text=s.text)
                for s in _current(session, m.Statement, p)
            ],
            "codes": [
                dict(code=c.code, system=c.system, description=c.description)
                for c in _current(session, m.BillingCode, p)
            ],
        }
        since = since_last_review(session, p.id)
        new = _new_studies(session, since)
        watched = last_watch(session, p.id)
        trials = stored_trials(session, p.id)
        ctgov = last_asked(session, p.id)
        pmids = [i.pmid for i in inputs if i.pmid]
        pubmed = _pubmed_last_asked(session, pmids)
    _add_superseded(inputs)
    return ReportInput(
        policy=policy,
        references=inputs,
        since_last_review=since,
        new_studies=new,
        trials=trials,
        generated_at=datetime.now(timezone.utc),
        tool_version=_version(),
        pubmed_last_asked=_utc(pubmed),
        ctgov_last_asked=_utc(ctgov),
        since_last_watch=watched,
    )


def _utc(moment: datetime | None) -> datetime | None:
    """Stores hand back naive UTC (SQLite) or aware times (PostgreSQL): make both aware."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def _version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("evidence")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return None


def _new_studies(session: Session, since: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The latest cycle's included studies with their records' trial facts (new rows)."""
    included = (since or {}).get("included", [])
    articles = _articles(session, [inc["pmid"] for inc in included])
    facts = facts_for(session, {
        p: a for inc in included if inc.get("design") in FACT_DESIGNS and (a := articles.get(p := inc["pmid"]))
    })  # fmt: skip
    out = []
    for inc in included:
        a = articles.get(inc["pmid"])
        doc = facts.get(inc["pmid"]) or {}
        out.append({**inc, "doi": a["doi"] if a else None, "facts": doc.get("trial")})
    return out


def _current(session: Session, model: Any, p: m.Policy) -> list[Any]:
    stmt = select(model).where(model.policy_id == p.id, model.revision == p.revision)
    return list(session.exec(stmt.order_by(model.id)))


#: how many ids one `IN` query carries (well under SQLite's and PostgreSQL's parameter limits)
CHUNK = 500

#: the Article columns the report reads (never raw_xml: ~26 KB a record that nothing here uses)
ARTICLE_COLUMNS = (
    "pmid",
    "title",
    "abstract",
    "abstract_sections",
    "journal",
    "journal_iso",
    "year",
    "authors",
    "publication_types",
    "comments_corrections",
    "doi",
)


def _chunks(ids: list[Any]) -> list[list[Any]]:
    unique = list(dict.fromkeys(ids))
    return [unique[i : i + CHUNK] for i in range(0, len(unique), CHUNK)]


def _articles(session: Session, pmids: list[str]) -> dict[str, dict[str, Any]]:
    """Articles by PMID as the report's plain dicts, a few chunked queries, no raw XML."""
    cols = [getattr(m.Article, c) for c in ARTICLE_COLUMNS]
    out: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(pmids):
        for row in session.execute(select(*cols).where(m.Article.pmid.in_(chunk))):  # type: ignore[attr-defined]
            out[row[0]] = dict(zip(ARTICLE_COLUMNS, row, strict=True))
    return out


def _unresolved(session: Session, pmids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in _chunks(pmids):
        stmt = select(m.Unresolved.pmid, m.Unresolved.reason).where(m.Unresolved.pmid.in_(chunk))  # type: ignore[attr-defined]
        out.update({pmid: reason for pmid, reason in session.execute(stmt)})
    return out


def _tags(session: Session, subjects: list[str]) -> dict[str, dict[str, Any]]:
    t = m.DesignTag
    cols = (t.subject, t.design, t.level, t.source, t.modifiers, t.signal)
    out: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(subjects):
        for subject, design, level, source, modifiers, signal in session.execute(
            select(*cols).where(t.subject.in_(chunk))  # type: ignore[attr-defined]
        ):
            out[subject] = dict(
                design=design, level=level, source=source, modifiers=modifiers, signal=signal
            )
    return out


def _citation_flags(session: Session, ref_ids: list[int]) -> dict[int, list[dict[str, str]]]:
    f = m.CitationFlag
    out: dict[int, list[dict[str, str]]] = {}
    for chunk in _chunks(ref_ids):
        stmt = (
            select(f.reference_id, f.kind, f.detail)
            .where(f.reference_id.in_(chunk))  # type: ignore[attr-defined]
            .order_by(f.id)
        )
        for ref_id, kind, detail in session.execute(stmt):
            out.setdefault(ref_id, []).append(_citation_flag(kind, detail))
    return out


def _reference_inputs(session: Session, refs: list[m.Reference]) -> list[ReferenceInput]:
    """Every reference's input from five chunked `IN` queries, not three queries a reference
    (30,000 ORM queries made a 10,000-reference report take 6.5 s; issue #16)."""
    pmids = [p for p in (r.pmid or r.matched_pmid for r in refs) if p]
    articles = _articles(session, pmids)
    unresolved = _unresolved(session, [p for p in pmids if p not in articles])
    tags = _tags(session, [subject_of(r) for r in refs])
    flags = _citation_flags(session, [r.id for r in refs if r.id is not None])
    facts = facts_for(session, _fact_articles(refs, articles, tags))
    return [
        _reference_input(r, articles, unresolved, tags.get(subject_of(r)), flags.get(r.id, []), facts)
        for r in refs
    ]


def _fact_articles(
    refs: list[m.Reference], articles: dict[str, dict[str, Any]], tags: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The records whose facts the evidence table shows: direct trials and syntheses."""
    out = {}
    for r in refs:
        pmid, tag = r.pmid or r.matched_pmid, tags.get(subject_of(r))
        if pmid in articles and r.role == "direct" and tag is not None and tag["design"] in FACT_DESIGNS:
            out[pmid] = articles[pmid]
    return out


def _reference_input(
    r: m.Reference,
    articles: dict[str, dict[str, Any]],
    unresolved: dict[str, str],
    tag: dict[str, Any] | None,
    citation_flags: list[dict[str, str]],
    facts: dict[str, dict[str, Any]],
) -> ReferenceInput:
    pmid = r.pmid or r.matched_pmid
    article = articles.get(pmid) if pmid else None
    direct_study = tag is not None and tag["design"] in FACT_DESIGNS and r.role == "direct"
    doc = facts.get(pmid) if pmid and direct_study else None  # the stored abstract facts
    flags: list[dict[str, Any]] = list(citation_flags)
    if article is not None:
        flags += [
            asdict(f)
            for f in article_flags(article["publication_types"], article["comments_corrections"])
        ]
    return ReferenceInput(
        number=r.number,
        raw=r.raw,
        authors=list(r.authors),
        title=r.title,
        journal=r.journal,
        year=r.year,
        pmid=pmid,
        pmid_source=None if not pmid else "cited" if r.pmid else (r.match_status or "matched"),
        role=r.role,
        article=dict(article) if article else None,
        unresolved_reason=unresolved.get(pmid) if pmid and article is None else None,
        tag=dict(tag) if tag else None,
        flags=flags,
        doi=(article["doi"] if article else None) or r.doi,
        facts=doc.get("trial") if doc else None,
        abstract_reads=doc,
    )


def _citation_flag(kind: str, detail: str) -> dict[str, str]:
    if kind == "pmid-likely-wrong":
        return {"kind": "pmid-likely-wrong", "detail": detail}
    detail = detail if detail.startswith(kind) else f"{kind}: {detail}"
    return {"kind": "citation-mismatch", "detail": detail}


def _pubmed_last_asked(session: Session, pmids: list[str]) -> Any:
    """When PubMed was last asked about these records: the newest fetch, or the newest watch
    check (a watch that found a record unchanged records the check, not a new fetch)."""
    if not pmids:
        return None
    fetched = session.exec(select(func.max(m.Article.fetched_at))
                           .where(m.Article.pmid.in_(pmids))).one()  # type: ignore[attr-defined]  # fmt: skip
    checked = session.exec(select(func.max(m.ArticleCheck.checked_at))
                           .where(m.ArticleCheck.pmid.in_(pmids))).one()  # type: ignore[attr-defined]  # fmt: skip
    return max((t for t in (fetched, checked) if t is not None), default=None)


def _add_superseded(inputs: list[ReferenceInput]) -> None:
    """Flag older guideline editions, from PubMed titles when known, else the citation."""
    cites = []
    for r in inputs:
        title = (r.article or {}).get("title") or r.title or ""
        design = (r.tag or {}).get("design")
        if design == "guideline" or (
            design in (None, "unknown", "other") and looks_like_guideline(title)
        ):
            year = (r.article or {}).get("year") or r.year
            cites.append(GuidelineCite(key=r.number, title=title, year=year, pmid=r.pmid))
    by_number = {r.number: r for r in inputs}
    for s in find_superseded(cites):
        by_number[s.older.key].flags.append({"kind": "superseded", "detail": s.detail})


def build(engine: Engine, policy_id: str) -> ReportData:
    return build_report(gather(engine, policy_id))


def render(report: ReportData, fmt: str) -> str:
    """The report in one of FORMATS."""
    if fmt == "json":
        from evidence.report.model import to_json

        return to_json(report)
    if fmt == "text":
        from evidence.report.text import render_text

        return render_text(report)
    if fmt == "md":
        from evidence.report.markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from evidence.report.html import render_html

        return render_html(report)
    raise InputError(f"unknown report format {fmt!r}", hint="use one of " + ", ".join(FORMATS))


