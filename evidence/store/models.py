"""The schema: one SQLModel table class per kind of fact the tool keeps.

Ownership of the data: a *policy* has revisions; the statements, codes and references of a
policy are stored per revision (old revisions are kept, queries read the current one). An
*article* is one row per PMID, shared by every policy that cites it. Tags, flags and review
cycles point at those rows. JSON columns hold lists whose shape `evidence.records` documents.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Optional

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)  # sqlmodel >= 0.0.50 refuses naive datetimes


def _was_added(default: Any) -> dict[str, Any]:
    """The server default of a NOT NULL column a migration added to existing rows; declared here
    too, so a store created at head from these models is the migrated schema exactly."""
    return {"server_default": default}


def _json(default: Any = list) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


# ---------------------------------------------------------------- policies


class Policy(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=200)
    title: str
    title_source: str = "default"  # "option" | "document" | "default"
    source_file: Optional[str] = None
    sha256: str = Field(max_length=64)
    revision: int = 1
    effective_date: Optional[date] = None
    last_reviewed: Optional[date] = None
    published: Optional[str] = None
    policy_number: Optional[str] = None
    original_effective: Optional[date] = None
    next_review: Optional[date] = None
    conclusion: Optional[str] = Field(default=None, sa_column=Column(Text))
    related: list[str] = _json()
    intervention_terms: list[str] = _json()  # filled by tagging; editable by the user
    search_query: Optional[str] = Field(default=None, sa_column=Column(Text))  # review cycles
    # independent decisions each candidate needs (issue #13)
    screening_reviewers: int = Field(default=1, sa_column_kwargs=_was_added("1"))
    review_every: Optional[str] = None  # "6m", "1y", "90d" (issue #14); None: 12 months
    ingested_at: datetime = Field(default_factory=utcnow)


class PolicyRevision(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("policy_id", "revision"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    policy_id: str = Field(foreign_key="policy.id", index=True)
    revision: int
    sha256: str = Field(max_length=64)
    source_file: Optional[str] = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    ingested_at: datetime = Field(default_factory=utcnow)


class Statement(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    policy_id: str = Field(foreign_key="policy.id", index=True)
    revision: int
    product: str
    status: str
    text: str = Field(sa_column=Column(Text, nullable=False))


class BillingCode(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    policy_id: str = Field(foreign_key="policy.id", index=True)
    revision: int
    code: str
    system: str
    description: str = Field(sa_column=Column(Text, nullable=False))
    position: Optional[str] = None


class Reference(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("policy_id", "revision", "number"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    policy_id: str = Field(foreign_key="policy.id", index=True)
    revision: int
    number: int
    raw: str = Field(sa_column=Column(Text, nullable=False))
    authors: list[str] = _json()
    et_al: bool = False
    title: Optional[str] = Field(default=None, sa_column=Column(Text))
    journal: Optional[str] = None
    year: Optional[int] = None
    month: Optional[int] = None
    day: Optional[int] = None
    volume: Optional[str] = None
    issue: Optional[str] = None
    pages: Optional[str] = None
    pmid: Optional[str] = Field(default=None, index=True)  # as cited; an Article row once resolved
    doi: Optional[str] = None
    nct: Optional[str] = None
    warnings: list[str] = _json()
    # "article" | "book" | "chapter" | "report" | "web" | "other"
    kind: str = Field(default="article", sa_column_kwargs=_was_added("article"))
    journal_abbrev: Optional[str] = None
    publisher: Optional[str] = None
    place: Optional[str] = None
    edition: Optional[str] = None
    url: Optional[str] = Field(default=None, sa_column=Column(Text))
    pmcid: Optional[str] = None
    group: Optional[str] = None
    printed_number: Optional[str] = None
    # set by the citation matcher (ECitMatch) when the policy gives no PMID
    matched_pmid: Optional[str] = Field(default=None, index=True)
    match_status: Optional[str] = None  # "matched, unconfirmed" | "not found" | "ambiguous"
    match_method: Optional[str] = None
    # when the matcher is not sure: [{"pmid", "score", "title", "year", "journal", "first_author"}]
    match_candidates: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # role in the policy: "direct" | "background"; role_source "auto" | "manual"
    role: Optional[str] = None
    role_source: Optional[str] = None
    role_signal: Optional[str] = None


# ---------------------------------------------------------------- PubMed


class Article(SQLModel, table=True):
    # "when was PubMed last asked" reads this narrow index, not the wide rows (migration 0009)
    __table_args__ = (Index("ix_article_pmid_fetched_at", "pmid", "fetched_at"),)

    pmid: str = Field(primary_key=True, max_length=20)
    title: Optional[str] = Field(default=None, sa_column=Column(Text))
    abstract: Optional[str] = Field(default=None, sa_column=Column(Text))
    abstract_sections: list[dict[str, Any]] = _json()
    journal: Optional[str] = Field(default=None, sa_column=Column(Text))
    journal_iso: Optional[str] = None
    year: Optional[int] = None
    month: Optional[int] = None
    day: Optional[int] = None
    volume: Optional[str] = None
    issue: Optional[str] = None
    pages: Optional[str] = None
    doi: Optional[str] = None
    pmcid: Optional[str] = None
    authors: list[dict[str, Any]] = _json()
    language: Optional[str] = None
    publication_types: list[dict[str, Any]] = _json()
    mesh: list[dict[str, Any]] = _json()
    indexing_method: Optional[str] = None
    keywords: list[str] = _json()
    publication_status: Optional[str] = None
    citation_status: Optional[str] = None
    comments_corrections: list[dict[str, Any]] = _json()
    is_book: bool = False
    raw_xml: Optional[str] = Field(default=None, sa_column=Column(Text))
    fetched_at: datetime = Field(default_factory=utcnow)


class ArticleMark(SQLModel, table=True):
    """PubMed's retraction / correction marks of one stored record, kept by database triggers
    on `article` (migration 0007) so that `evidence status` counts them without reading
    the wide article rows. Derived data: never written by the code."""

    pmid: str = Field(primary_key=True, max_length=20)
    retracted: bool = False  # Retracted Publication / Retraction of Publication / RetractionIn/Of
    concern: bool = False  # Expression of Concern / ExpressionOfConcernIn
    erratum: bool = False  # Published Erratum / ErratumIn


class ArticleCheck(SQLModel, table=True):
    """When `evidence watch` last compared a stored record with PubMed's, and a digest of the
    record's XML as PubMed sent it then. A narrow table beside `article`, so that a record
    that has not changed costs the watch one small row write instead of rewriting the wide
    article row (~26 KB of raw XML). The digest vouches for the stored copy only while
    `checked_at >= article.fetched_at` (a later resolve may have replaced the copy)."""

    pmid: str = Field(primary_key=True, max_length=20)
    digest: str = Field(max_length=64)
    checked_at: datetime = Field(default_factory=utcnow)


class ArticleFacts(SQLModel, table=True):
    """An article's abstract facts (`evidence.extract.stored.article_facts`), computed by
    `evidence tag` for trials and syntheses so the report need not re-read every abstract.
    Derived data: a row holds while `source_key` (a digest of the title, abstract and
    sections) and `extractor` (the rules and weights version) still match; any other row is
    recomputed. Keyed by PMID, no foreign key (like `articlemark`): `article` is never rebuilt
    for it."""

    pmid: str = Field(primary_key=True, max_length=20)
    extractor: str = Field(max_length=80)
    source_key: str = Field(max_length=64)
    facts: Optional[dict[str, Any]] = Field(default=None, sa_column=Column(JSON, nullable=True))
    computed_at: datetime = Field(default_factory=utcnow)


class Unresolved(SQLModel, table=True):
    """A PMID that NCBI did not return (unknown, deleted) and why."""

    pmid: str = Field(primary_key=True, max_length=64)
    reason: str
    checked_at: datetime = Field(default_factory=utcnow)


class CitationFlag(SQLModel, table=True):
    """A disagreement between a policy's citation and the PubMed record it names."""

    # one flag per (reference, kind): re-running resolve upserts instead of duplicating
    __table_args__ = (Index("ux_citationflag_reference_kind", "reference_id", "kind", unique=True),)

    id: Optional[int] = Field(default=None, primary_key=True)
    reference_id: int = Field(foreign_key="reference.id", index=True)
    kind: str  # "year" | "volume" | "issue" | "first-page" | "first-author" | "journal" | "title" | "pmid-likely-wrong"
    detail: str = Field(sa_column=Column(Text, nullable=False))


# ---------------------------------------------------------------- tags


class DesignTag(SQLModel, table=True):
    """The current design tag of a study. `subject` is "pmid:<PMID>" or "ref:<reference id>"
    (a reference with no PMID). A manual tag is never overwritten by `evidence tag`."""

    subject: str = Field(primary_key=True, max_length=80)
    design: str
    modifiers: list[str] = _json()
    level: Optional[int] = None
    source: str  # "manual" | "publication-type" | "record-text" | "citation-text"
    signal: str = Field(sa_column=Column(Text, nullable=False))  # what decided it
    confidence: float = 0.0
    indexing: Optional[str] = None  # for publication types: "human" | "curated" | "automated"
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    tagged_at: datetime = Field(default_factory=utcnow)


# ---------------------------------------------------------------- review cycles


class ReviewCycle(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("policy_id", "number"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    policy_id: str = Field(foreign_key="policy.id", index=True)
    number: int
    status: str = "open"  # "open" | "closed"
    query: str = Field(sa_column=Column(Text, nullable=False))
    since: date
    until: date
    date_type: str = "edat"
    identified: int = 0
    counts: dict[str, Any] = _json(dict)  # PRISMA counts, frozen at close
    started_at: datetime = Field(default_factory=utcnow)
    closed_at: Optional[datetime] = None
    # issue #13: how far the window was searched *and* fetched (since..searched_until), whether
    # all of it was, and whether the cycle was closed with --force before it was
    searched_until: Optional[date] = None
    search_complete: bool = Field(default=False, sa_column_kwargs=_was_added(false()))
    incomplete: bool = Field(default=False, sa_column_kwargs=_was_added(false()))


class Candidate(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cycle_id", "pmid"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="reviewcycle.id", index=True)
    pmid: str = Field(index=True)
    # the resolved decision, kept in step with the Decision rows: None (unscreened, awaiting a
    # second reviewer, or in conflict) | "include" | "exclude" | "maybe"
    decision: Optional[str] = None
    reason: Optional[str] = None
    reason_text: Optional[str] = Field(default=None, sa_column=Column(Text))
    decided_at: Optional[datetime] = None
    # review cycles (issue #6): the design tag when the candidate was stored, and the screening stage
    design: Optional[str] = None
    level: Optional[int] = None
    stage: str = Field(default="title-abstract", sa_column_kwargs=_was_added("title-abstract"))
    relevance: Optional[float] = None  # issue #13: the ranker's score (0-1), higher first


class Decision(SQLModel, table=True):
    """One reviewer's screening decision on one candidate (issue #13). Rows are appended, never
    changed: a reviewer's current decision is their latest row, and undo deletes that row.
    `kind` is "screen" (an independent decision) or "resolve" (the third decision that settles
    a conflict)."""

    __table_args__ = (Index("ix_decision_candidate_reviewer", "candidate_id", "reviewer"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    reviewer: str = Field(max_length=200)
    kind: str = "screen"
    decision: str  # "include" | "exclude" | "maybe"
    reason: Optional[str] = None
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    decided_at: datetime = Field(default_factory=utcnow)


# ---------------------------------------------------------------- ClinicalTrials.gov (issue #12)


class Trial(SQLModel, table=True):
    """A ClinicalTrials.gov record as last fetched, one row per NCT id, shared by policies.

    Dates stay the registry's partial-date strings ("2025", "2025-06", "2025-06-30")."""

    nct_id: str = Field(primary_key=True, max_length=20)
    title: Optional[str] = Field(default=None, sa_column=Column(Text))
    status: Optional[str] = None
    last_known_status: Optional[str] = None
    phases: list[str] = _json()
    study_type: Optional[str] = None
    allocation: Optional[str] = None
    enrollment: Optional[int] = None
    enrollment_type: Optional[str] = None  # ACTUAL | ESTIMATED | None (not stated)
    primary_completion: Optional[str] = None
    primary_completion_type: Optional[str] = None
    completion: Optional[str] = None
    has_results: bool = False
    results_first_posted: Optional[str] = None
    sponsor: Optional[str] = Field(default=None, sa_column=Column(Text))
    last_update: Optional[str] = None
    conditions: list[str] = _json()
    interventions: list[str] = _json()
    fetched_at: datetime = Field(default_factory=utcnow)


class PolicyTrial(SQLModel, table=True):
    """Why a trial belongs to a policy: it matched the policy's search, or something cites it
    (`cited`: the policy's citations or its PubMed records name its NCT id)."""

    __table_args__ = (UniqueConstraint("policy_id", "nct_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    policy_id: str = Field(foreign_key="policy.id", index=True)
    nct_id: str = Field(foreign_key="trial.nct_id", index=True)
    cited: bool = False
    matched_search: bool = False
    cited_by: list[str] = _json()  # "ref 3", "PMID 90000001"
    found_at: datetime = Field(default_factory=utcnow)


class TrialSearch(SQLModel, table=True):
    """When ClinicalTrials.gov was last asked about a policy, and what was asked."""

    policy_id: str = Field(primary_key=True, foreign_key="policy.id", max_length=200)
    query: dict[str, Any] = _json(dict)
    total: Optional[int] = None
    found: int = 0
    missing: list[str] = _json()  # cited NCT ids the registry does not have
    asked_at: datetime = Field(default_factory=utcnow)
# ---------------------------------------------------------------- watch (issue #14)


class WatchRun(SQLModel, table=True):
    """One `evidence watch`: what it was asked, how far it got."""

    id: Optional[int] = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: Optional[datetime] = None
    max_age_days: int = 30
    policies: list[str] = _json()  # [] = every policy
    checked: int = 0  # PMIDs re-fetched and compared
    not_checked: int = 0  # PMIDs it meant to re-fetch but could not
    searched: int = 0  # policies whose new-evidence search ran
    requests: int = 0
    events: int = 0  # events this run stored
    status: str = "running"  # "running" | "complete" | "partial"
    problem: Optional[str] = Field(default=None, sa_column=Column(Text))


class WatchEvent(SQLModel, table=True):
    """A change the watch saw in a policy's evidence. `fingerprint` makes each change one row
    however many watches see it (two at once, or the same vanished record every night)."""

    __table_args__ = (Index("ux_watchevent_fingerprint", "fingerprint", unique=True),)

    id: Optional[int] = Field(default=None, primary_key=True)
    fingerprint: str = Field(max_length=64)
    run_id: Optional[int] = Field(default=None, foreign_key="watchrun.id", index=True)
    policy_id: str = Field(foreign_key="policy.id", index=True)
    reference_id: Optional[int] = Field(default=None, foreign_key="reference.id")
    reference_number: Optional[int] = None
    pmid: Optional[str] = Field(default=None, index=True)
    kind: str
    detected_at: datetime = Field(default_factory=utcnow)
    old_value: Optional[str] = Field(default=None, sa_column=Column(Text))
    new_value: Optional[str] = Field(default=None, sa_column=Column(Text))
    acknowledged_by: Optional[str] = None
    acknowledged_at: Optional[datetime] = None


class PolicyWatch(SQLModel, table=True):
    """The new-evidence search of one policy in one watch: how many high-level studies (RCTs,
    meta-analyses, systematic reviews, guidelines) entered PubMed since its last review."""

    __table_args__ = (UniqueConstraint("run_id", "policy_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="watchrun.id", index=True)
    policy_id: str = Field(foreign_key="policy.id", index=True)
    checked_at: datetime = Field(default_factory=utcnow)
    since: Optional[date] = None
    query: Optional[str] = Field(default=None, sa_column=Column(Text))
    count: Optional[int] = None  # None: the search could not run (see problem)
    pmids: list[str] = _json()  # the first few
    problem: Optional[str] = Field(default=None, sa_column=Column(Text))
