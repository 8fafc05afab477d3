"""Report use-case: gather one policy's evidence from the store, build and render the report.

The store is read here and only here; `evidence.report` receives plain records. Flags that
need a rule (PubMed's retraction/erratum marks, superseded guidelines) are computed here
with `evidence.flags` so that the report package stays free of sideways imports.

The store is read through the lean read layer (`evidence.store.read`: plain SELECTs, no ORM),
so `evidence report` starts without SQLAlchemy (issue #16). The two sections that need the
review and watch services' own logic (since the last review, since the last watch) go
through those services' ORM reads, and only when the policy has a review cycle or a watch.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from evidence import collector
from evidence.errors import InputError
from evidence.extract.stored import FACT_DESIGNS
from evidence.files import write_atomic  # noqa: F401  (re-exported for callers)
from evidence.flags.article import article_flags
from evidence.flags.guidelines import GuidelineCite, find_superseded, looks_like_guideline
from evidence.report.model import ReferenceInput, ReportData, ReportInput, build_report, names_author
from evidence.services.facts import facts_for
from evidence.services.policy import find_policy, subject_of
from evidence.store import queries as q
from evidence.store.read import Reader, as_json, as_json_items_until, reading

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

FORMATS = ("text", "md", "html", "json")


def gather(engine: Engine | Reader | str, policy_id: str) -> ReportInput:
    """Everything the report needs about one policy, as plain records (`engine`: an engine,
    a Reader or the store's URL; evidence.store.read)."""
    with reading(engine) as session:
        p = find_policy(session, policy_id)
        refs = q.references(session, p["id"], p["revision"], REFERENCE_COLUMNS)
        inputs = _reference_inputs(session, refs)
        policy = {
            "id": p["id"],
            "title": p["title"],
            "effective_date": p["effective_date"],
            "last_reviewed": p["last_reviewed"],
            "conclusion": p["conclusion"],
            "statements": q.statements(session, p["id"], p["revision"]),
            "codes": [
                dict(code=c["code"], system=c["system"], description=c["description"])
                for c in q.billing_codes(session, p["id"], p["revision"])
            ],
        }
        since, watched = _review_and_watch(session, p["id"])
        new = _new_studies(session, since)
        trials = q.policy_trials(session, p["id"])
        ctgov = q.trials_asked_at(session, p["id"])
        pmids = [i.pmid for i in inputs if i.pmid]
        pubmed = q.last_fetched(session, pmids) if pmids else None
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


def _review_and_watch(reader: Reader, policy_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The "since the last review" and "since the last watch" sections, from the review and
    watch services (ORM reads); a policy with no review cycle and no watch needs neither."""
    cycles, watched = q.has_review_cycles(reader, policy_id), q.watched(reader, policy_id)
    if not cycles and not watched:
        return None, None
    from sqlmodel import Session

    from evidence.services.review import since_last_review
    from evidence.services.watch import last_watch

    with Session(reader.engine()) as session:
        return (since_last_review(session, policy_id) if cycles else None,
                last_watch(session, policy_id) if watched else None)  # fmt: skip


def _utc(moment: datetime | None) -> datetime | None:
    """Stores hand back naive UTC (SQLite) or aware times (PostgreSQL): make both aware."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def _version() -> str | None:
    from evidence import installed_version

    return installed_version()


def _new_studies(session: Reader, since: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The latest cycle's included studies with their records' trial facts (new rows)."""
    included = (since or {}).get("included", [])
    articles = _articles(session, [inc["pmid"] for inc in included])
    studies = {
        p: a for inc in included if inc.get("design") in FACT_DESIGNS and (a := articles.get(p := inc["pmid"]))
    }  # fmt: skip
    _read_sections(articles, studies)
    facts = facts_for(session, studies)
    out = []
    for inc in included:
        a = articles.get(inc["pmid"])
        doc = facts.get(inc["pmid"]) or {}
        out.append({**inc, "doi": a["doi"] if a else None, "facts": doc.get("trial")})
    return out


#: the Reference columns the report reads (not the parser's warnings and match candidates)
REFERENCE_COLUMNS = ("id", "number", "raw", "authors", "title", "journal", "year", "pmid", "doi",
                     "matched_pmid", "match_status", "role")  # fmt: skip

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


def _articles(session: Reader, pmids: list[str]) -> dict[str, dict[str, Any]]:
    """Articles by PMID as the report's plain dicts, a few chunked queries, no raw XML; of the
    authors only those up to the first named one (`first_author` reads no further). The
    abstract sections are left as stored until `_read_sections` says whose are read."""
    found = q.articles(session, pmids, ARTICLE_COLUMNS, undecoded=("authors", "abstract_sections"))
    for a in found.values():
        a["authors"] = as_json_items_until(a["authors"], names_author)
    return found


def _read_sections(articles: dict[str, dict[str, Any]], wanted: Iterable[str]) -> None:
    """Decode the abstract sections of the `wanted` records (direct trials and syntheses: their
    facts and conclusions are read from them) and drop the others' undecoded: decoding every
    record's ~2 KB of sections took a tenth of a 10,000-reference report (issue #16), and
    nothing else in the report reads them."""
    wanted = set(wanted)
    for pmid, a in articles.items():
        if pmid in wanted:
            a["abstract_sections"] = as_json(a["abstract_sections"])
        else:
            del a["abstract_sections"]


def _unresolved(session: Reader, pmids: list[str]) -> dict[str, str]:
    return q.unresolved(session, pmids)


def _tags(session: Reader, subjects: list[str]) -> dict[str, dict[str, Any]]:
    found = q.design_tags(session, subjects)  # fresh dicts: the key they are found by is dropped
    for tag in found.values():
        del tag["subject"]
    return found


def _citation_flags(session: Reader, ref_ids: list[int]) -> dict[int, list[dict[str, str]]]:
    out: dict[int, list[dict[str, str]]] = {}
    for ref_id, kind, detail in q.citation_flags(session, ref_ids):
        out.setdefault(ref_id, []).append(_citation_flag(kind, detail))
    return out


def _reference_inputs(session: Reader, refs: list[dict[str, Any]]) -> list[ReferenceInput]:
    """Every reference's input from five chunked `IN` queries, not three queries a reference
    (30,000 ORM queries made a 10,000-reference report take 6.5 s; issue #16); each
    reference's PMID and tag key are worked out once."""
    keys = [(r["pmid"] or r["matched_pmid"], subject_of(r)) for r in refs]
    pmids = [pmid for pmid, _ in keys if pmid]
    articles = _articles(session, pmids)
    unresolved = _unresolved(session, [p for p in pmids if p not in articles])
    tags = _tags(session, [subject for _, subject in keys])
    flags = _citation_flags(session, [r["id"] for r in refs if r["id"] is not None])
    studies = {}  # the records whose facts the evidence table shows: direct trials and syntheses
    for r, (pmid, subject) in zip(refs, keys, strict=True):
        if pmid in articles and r["role"] == "direct" and _fact_design(tags.get(subject)):
            studies[pmid] = articles[pmid]
    _read_sections(articles, studies)
    facts = facts_for(session, studies)
    return [
        _reference_input(r, pmid, articles.get(pmid) if pmid else None, unresolved, tags.get(subject),
                         flags.get(r["id"], []), facts)  # fmt: skip
        for r, (pmid, subject) in zip(refs, keys, strict=True)
    ]


def _fact_design(tag: dict[str, Any] | None) -> bool:
    return tag is not None and tag["design"] in FACT_DESIGNS


def _reference_input(
    r: dict[str, Any],
    pmid: str | None,
    article: dict[str, Any] | None,
    unresolved: dict[str, str],
    tag: dict[str, Any] | None,
    citation_flags: list[dict[str, str]],
    facts: dict[str, dict[str, Any]],
) -> ReferenceInput:
    """One reference's input. The article and tag dicts are handed over as read, not copied:
    the report only reads them, and they are made fresh for this report."""
    doc = facts.get(pmid) if pmid and r["role"] == "direct" and _fact_design(tag) else None
    flags: list[dict[str, Any]] = list(citation_flags)
    if article is not None:
        flags += [
            {"kind": f.kind, "detail": f.detail}
            for f in article_flags(article["publication_types"], article["comments_corrections"])
        ]
    return ReferenceInput(
        number=r["number"],
        raw=r["raw"],
        authors=r["authors"],
        title=r["title"],
        journal=r["journal"],
        year=r["year"],
        pmid=pmid,
        pmid_source=None if not pmid else "cited" if r["pmid"] else (r["match_status"] or "matched"),
        role=r["role"],
        article=article or None,
        unresolved_reason=unresolved.get(pmid) if pmid and article is None else None,
        tag=tag or None,
        flags=flags,
        doi=(article["doi"] if article else None) or r["doi"],
        facts=doc.get("trial") if doc else None,
        abstract_reads=doc,
    )


def _citation_flag(kind: str, detail: str) -> dict[str, str]:
    if kind == "pmid-likely-wrong":
        return {"kind": "pmid-likely-wrong", "detail": detail}
    detail = detail if detail.startswith(kind) else f"{kind}: {detail}"
    return {"kind": "citation-mismatch", "detail": detail}


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


def build(engine: Engine | Reader | str, policy_id: str) -> ReportData:
    with collector.paused():  # a big report's objects form no cycles (evidence.collector)
        return build_report(gather(engine, policy_id))


def render(report: ReportData, fmt: str) -> str:
    """The report in one of FORMATS."""
    with collector.paused():
        return _render(report, fmt)


def _render(report: ReportData, fmt: str) -> str:
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


