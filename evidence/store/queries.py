"""The read commands' SELECTs, in plain SQL over the tables `evidence.store.models` defines.

Each function takes a `Reader` (evidence.store.read) and returns plain tuples or dicts whose
values are what the ORM would have handed back (dates as `date`, JSON as lists and dicts).
Only the selected columns are named here; the schema itself lives in the models and the
migrations. Every function is listed in `QUERIES` with sample arguments, and
tests/test_store_read.py runs each on a freshly migrated store on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from evidence.store.read import Reader, as_bool, as_date, as_datetime, as_json

F = TypeVar("F", bound=Callable[..., Any])
#: name -> (query, sample arguments after the reader): what the schema test runs
QUERIES: dict[str, tuple[Callable[..., Any], tuple[Any, ...]]] = {}


def _query(*sample: Any) -> Callable[[F], F]:
    def register(fn: F) -> F:
        QUERIES[fn.__name__] = (fn, sample)
        return fn

    return register


def _dicts(names: Sequence[str], rows: list[tuple[Any, ...]], convert: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    convert = {name: fn for name, fn in convert.items() if name in names}
    for row in rows:
        d = dict(zip(names, row, strict=True))
        for name, fn in convert.items():
            d[name] = fn(d[name])
        out.append(d)
    return out


# A reference's PMID (cited, else matched), and the key its design tag is stored under.
PMID = "coalesce(r.pmid, r.matched_pmid)"
SUBJECT = f"CASE WHEN {PMID} IS NOT NULL THEN 'pmid:' || {PMID} ELSE 'ref:' || CAST(r.id AS VARCHAR) END"
CURRENT = "JOIN policy p ON p.id = r.policy_id AND p.revision = r.revision"


# ---------------------------------------------------------------- policies

POLICY_COLUMNS = (
    "id", "title", "title_source", "revision", "source_file", "sha256", "policy_number",
    "effective_date", "original_effective", "last_reviewed", "next_review", "published",
    "conclusion", "related", "review_every",
)  # fmt: skip
_POLICY_TYPES = {"effective_date": as_date, "original_effective": as_date, "last_reviewed": as_date,
                 "next_review": as_date, "related": as_json}  # fmt: skip


@_query()
def policy_rows(reader: Reader) -> list[dict[str, Any]]:
    """Every policy (the columns `policy list` shows), by id."""
    names = ("id", "title", "revision", "effective_date", "last_reviewed")
    rows = reader.rows(f"SELECT {', '.join(names)} FROM policy ORDER BY id")
    return _dicts(names, rows, {"effective_date": as_date, "last_reviewed": as_date})


@_query("p1")
def policy(reader: Reader, policy_id: str) -> dict[str, Any] | None:
    rows = reader.rows(f"SELECT {', '.join(POLICY_COLUMNS)} FROM policy WHERE id = ?", (policy_id,))
    found = _dicts(POLICY_COLUMNS, rows, _POLICY_TYPES)
    return found[0] if found else None


@_query()
def current_reference_counts(reader: Reader) -> dict[str, int]:
    """policy id -> how many references its current revision has (one query for all)."""
    rows = reader.rows(f"SELECT r.policy_id, count(*) FROM reference r {CURRENT} GROUP BY r.policy_id")
    return {pid: n for pid, n in rows}


@_query("p1", 1)
def statements(reader: Reader, policy_id: str, revision: int) -> list[dict[str, Any]]:
    names = ("product", "status", "text")
    sql = "SELECT product, status, text FROM statement WHERE policy_id = ? AND revision = ? ORDER BY id"
    return _dicts(names, reader.rows(sql, (policy_id, revision)), {})


@_query("p1", 1)
def billing_codes(reader: Reader, policy_id: str, revision: int) -> list[dict[str, Any]]:
    names = ("code", "system", "description", "position")
    sql = ("SELECT code, system, description, position FROM billingcode "
           "WHERE policy_id = ? AND revision = ? ORDER BY id")  # fmt: skip
    return _dicts(names, reader.rows(sql, (policy_id, revision)), {})


REFERENCE_COLUMNS = (
    "id", "number", "raw", "authors", "et_al", "title", "journal", "year", "month", "day",
    "volume", "issue", "pages", "pmid", "doi", "nct", "kind", "matched_pmid", "match_status",
    "match_candidates", "group", "printed_number", "warnings", "role",
)  # fmt: skip
_REFERENCE_TYPES = {"authors": as_json, "et_al": as_bool, "match_candidates": as_json,
                    "warnings": as_json}  # fmt: skip


@_query("p1", 1)
def references(
    reader: Reader, policy_id: str, revision: int, columns: Sequence[str] = REFERENCE_COLUMNS
) -> list[dict[str, Any]]:
    """A revision's references (the named columns, every one by default), in their order in
    the policy."""
    cols = ", ".join(f'"{c}"' if c == "group" else c for c in columns)
    sql = f"SELECT {cols} FROM reference WHERE policy_id = ? AND revision = ? ORDER BY number"
    return _dicts(columns, reader.rows(sql, (policy_id, revision)), _REFERENCE_TYPES)


TAG_COLUMNS = ("subject", "design", "level", "source", "modifiers", "signal")


@_query(["pmid:1", "ref:1"])
def design_tags(reader: Reader, subjects: Sequence[str]) -> dict[str, dict[str, Any]]:
    """subject -> its design tag."""
    sql = f"SELECT {', '.join(TAG_COLUMNS)} FROM designtag WHERE subject IN ({{ids}})"
    rows = _dicts(TAG_COLUMNS, reader.chunked(sql, subjects), {"modifiers": as_json})
    return {r["subject"]: r for r in rows}


# ---------------------------------------------------------------- PubMed records

@_query(["1", "2"], ("pmid", "title", "authors", "fetched_at"))
def articles(
    reader: Reader, pmids: Sequence[str], columns: Sequence[str], undecoded: Sequence[str] = ()
) -> dict[str, dict[str, Any]]:
    """PMID -> the named columns (the first must be `pmid`) of its stored record, decoded by
    their declared types except those `undecoded` names (left as SQLite stores them, for a
    caller that decodes only the part it reads; psycopg decodes JSON itself)."""
    sql = f"SELECT {', '.join(columns)} FROM article WHERE pmid IN ({{ids}})"
    convert = {c: fn for c, fn in reader.converters("article").items() if c not in undecoded}
    rows = _dicts(columns, reader.chunked(sql, pmids), convert)
    return {r[columns[0]]: r for r in rows}


@_query(["1", "2"])
def article_facts(reader: Reader, pmids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """PMID -> its stored abstract facts row: {extractor, source_key, facts}."""
    sql = "SELECT pmid, extractor, source_key, facts FROM articlefacts WHERE pmid IN ({ids})"
    return {pmid: {"extractor": extractor, "source_key": key, "facts": as_json(facts)}
            for pmid, extractor, key, facts in reader.chunked(sql, pmids)}  # fmt: skip


#: the index on article(pmid, fetched_at) (models.Article, migration 0009_report2)
ARTICLE_FETCHED_INDEX = "ix_article_pmid_fetched_at"


@_query(["1", "2"])
def last_fetched(reader: Reader, pmids: Sequence[str]) -> datetime | None:
    """When PubMed was last asked about these records: the newest fetch, or the newest watch
    check (a watch that finds a record unchanged records the check, not a new fetch)."""
    found = []
    # `fetched_at` is the wide row's last column, behind ~26 KB of raw XML: read from the index
    # on (pmid, fetched_at) (SQLite's planner would take the primary key's and walk the row)
    hint = f" INDEXED BY {ARTICLE_FETCHED_INDEX}" if reader.sqlite else ""
    for sql in (f"SELECT max(fetched_at) FROM article{hint} WHERE pmid IN ({{ids}})",
                "SELECT max(checked_at) FROM articlecheck WHERE pmid IN ({ids})"):  # fmt: skip
        found += [as_datetime(r[0]) for r in reader.chunked(sql, pmids) if r[0] is not None]
    return max(found) if found else None  # type: ignore[type-var]


@_query(["1", "2"])
def unresolved(reader: Reader, pmids: Sequence[str]) -> dict[str, str]:
    """PMID -> why NCBI returned no record for it."""
    rows = reader.chunked("SELECT pmid, reason FROM unresolved WHERE pmid IN ({ids})", pmids)
    return {pmid: reason for pmid, reason in rows}


@_query([1, 2])
def citation_flags(reader: Reader, reference_ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """(reference id, kind, detail) of these references' citation flags, in the order stored."""
    sql = "SELECT reference_id, kind, detail, id FROM citationflag WHERE reference_id IN ({ids})"
    rows = sorted(reader.chunked(sql, reference_ids), key=lambda r: r[3])
    return [(ref, kind, detail) for ref, kind, detail, _ in rows]


# ---------------------------------------------------------------- export

EXPORT_REFERENCE_COLUMNS = (
    "id", "number", "role", "raw", "nct", "pmid", "matched_pmid", "match_status", "kind",
    "authors", "et_al", "title", "journal", "journal_abbrev", "publisher", "place", "url",
    "year", "month", "day", "volume", "issue", "pages", "doi", "pmcid",
)  # fmt: skip
#: the Article columns an export writes: never raw_xml or abstract_sections
EXPORT_ARTICLE_COLUMNS = (
    "pmid", "is_book", "authors", "title", "journal", "journal_iso", "year", "month", "day",
    "volume", "issue", "pages", "doi", "pmcid", "abstract", "language", "citation_status",
    "publication_status", "publication_types", "mesh", "comments_corrections",
)  # fmt: skip


@_query("p1", 1)
def export_references(reader: Reader, policy_id: str, revision: int) -> list[dict[str, Any]]:
    """A revision's references with only the columns `evidence export` writes, in order."""
    sql = (f"SELECT {', '.join(EXPORT_REFERENCE_COLUMNS)} FROM reference "
           "WHERE policy_id = ? AND revision = ? ORDER BY number")  # fmt: skip
    rows = reader.rows(sql, (policy_id, revision))
    return _dicts(EXPORT_REFERENCE_COLUMNS, rows, {"authors": as_json, "et_al": as_bool})


@_query("p1")
def current_candidates(reader: Reader, policy_id: str) -> list[dict[str, Any]]:
    """The candidates of the policy's latest review cycle (pmid, decision, reasons), ordered
    as PMIDs are (shorter first)."""
    names = ("pmid", "decision", "reason", "reason_text")
    sql = (f"SELECT {', '.join('c.' + n for n in names)} FROM candidate c "
           "WHERE c.cycle_id = (SELECT id FROM reviewcycle WHERE policy_id = ? "
           "ORDER BY number DESC LIMIT 1)")  # fmt: skip
    rows = _dicts(names, reader.rows(sql, (policy_id,)), {})
    return sorted(rows, key=lambda c: (len(c["pmid"]), c["pmid"]))


# ---------------------------------------------------------------- trials, watch, review cycles

TRIAL_COLUMNS = (
    "nct_id", "title", "status", "last_known_status", "phases", "study_type", "allocation",
    "enrollment", "enrollment_type", "primary_completion", "primary_completion_type",
    "completion", "has_results", "results_first_posted", "sponsor", "last_update",
    "conditions", "interventions", "fetched_at",
)  # fmt: skip
_TRIAL_TYPES = {"phases": as_json, "has_results": as_bool, "conditions": as_json,
                "interventions": as_json, "fetched_at": as_datetime, "cited": as_bool,
                "cited_by": as_json, "matched_search": as_bool}  # fmt: skip


@_query("p1")
def policy_trials(reader: Reader, policy_id: str) -> list[dict[str, Any]]:
    """The policy's stored trials (every Trial column) with why each belongs to it."""
    names = (*TRIAL_COLUMNS, "cited", "cited_by", "matched_search")
    cols = ", ".join([*(f"t.{c}" for c in TRIAL_COLUMNS), "l.cited", "l.cited_by", "l.matched_search"])
    sql = (f"SELECT {cols} FROM trial t JOIN policytrial l ON l.nct_id = t.nct_id "
           "WHERE l.policy_id = ? ORDER BY t.nct_id")  # fmt: skip
    return _dicts(names, reader.rows(sql, (policy_id,)), _TRIAL_TYPES)


@_query("p1")
def trials_asked_at(reader: Reader, policy_id: str) -> datetime | None:
    rows = reader.rows("SELECT asked_at FROM trialsearch WHERE policy_id = ?", (policy_id,))
    return as_datetime(rows[0][0]) if rows else None


@_query("p1")
def watched(reader: Reader, policy_id: str) -> bool:
    """Has a watch looked at this policy (a new-evidence search, or an open event)?"""
    sql = ("SELECT 1 FROM policywatch WHERE policy_id = ? UNION ALL "
           "SELECT 1 FROM watchevent WHERE policy_id = ? AND acknowledged_at IS NULL")  # fmt: skip
    return bool(reader.rows(sql, (policy_id, policy_id)))


@_query("p1")
def has_review_cycles(reader: Reader, policy_id: str) -> bool:
    return bool(reader.rows("SELECT 1 FROM reviewcycle WHERE policy_id = ?", (policy_id,)))


# ---------------------------------------------------------------- status (issue #14)


@_query()
def status_policies(reader: Reader) -> list[dict[str, Any]]:
    names = ("id", "title", "last_reviewed", "effective_date", "next_review", "review_every")
    rows = reader.rows(f"SELECT {', '.join(names)} FROM policy")
    return _dicts(names, rows, {"last_reviewed": as_date, "effective_date": as_date,
                                "next_review": as_date})  # fmt: skip


def _count(condition: str) -> str:
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"


@_query()
def status_reference_counts(reader: Reader) -> list[tuple[Any, ...]]:
    """Per policy: references, unchecked (no record, not known unresolved), unresolved, and
    how many cite a retracted / expression-of-concern / erratum record. Every stored record
    has its articlemark row (database triggers), so a missing mark is a missing record."""
    sql = (
        f"SELECT r.policy_id, count(*), {_count('k.pmid IS NULL AND u.pmid IS NULL')}, "
        f"{_count('k.pmid IS NULL AND u.pmid IS NOT NULL')}, {_count('k.retracted IS TRUE')}, "
        f"{_count('k.concern IS TRUE')}, {_count('k.erratum IS TRUE')} "
        f"FROM reference r {CURRENT} "
        f"LEFT OUTER JOIN articlemark k ON k.pmid = {PMID} "
        f"LEFT OUTER JOIN unresolved u ON u.pmid = {PMID} "
        "GROUP BY r.policy_id"
    )
    return reader.rows(sql)


@_query()
def status_mismatches(reader: Reader) -> list[tuple[str, int]]:
    """Per policy: references whose citation disagrees with their record."""
    sql = (f"SELECT r.policy_id, count(DISTINCT f.reference_id) FROM reference r {CURRENT} "
           "JOIN citationflag f ON f.reference_id = r.id GROUP BY r.policy_id")  # fmt: skip
    return reader.rows(sql)  # type: ignore[return-value]


@_query(("%guideline%",))
def status_guideline_rows(reader: Reader, words: Sequence[str]) -> list[tuple[Any, ...]]:
    """(policy, number, title, year, PMID, design) of current references that are tagged as
    guidelines, or untagged and worded like one (record title, else the citation's)."""
    like = "LIKE" if reader.sqlite else "ILIKE"  # SQLite's LIKE ignores ASCII case already
    title = "coalesce(a.title, r.title)"
    worded = " OR ".join(f"{title} {like} ?" for _ in words)
    sql = (
        f"SELECT r.policy_id, r.number, {title}, coalesce(a.year, r.year), {PMID}, t.design "
        f"FROM reference r {CURRENT} "
        f"LEFT OUTER JOIN article a ON a.pmid = {PMID} "
        f"LEFT OUTER JOIN designtag t ON t.subject = {SUBJECT} "
        "WHERE t.design = 'guideline' OR "
        f"((t.design IS NULL OR t.design IN ('unknown', 'other')) AND ({worded}))"
    )
    return reader.rows(sql, tuple(words))


@_query()
def status_open_cycles(reader: Reader) -> list[tuple[Any, ...]]:
    """(policy, cycle number, since, until, candidates, left to screen) of open cycles."""
    left = _count("k.id IS NOT NULL AND (k.decision IS NULL OR k.decision = 'maybe')")
    sql = (f"SELECT c.policy_id, c.number, c.since, c.until, count(k.id), {left} "
           "FROM reviewcycle c LEFT OUTER JOIN candidate k ON k.cycle_id = c.id "
           "WHERE c.status = 'open' GROUP BY c.policy_id, c.number, c.since, c.until")  # fmt: skip
    return [(p, n, as_date(s), as_date(u), t, x) for p, n, s, u, t, x in reader.rows(sql)]


@_query()
def status_open_events(reader: Reader) -> list[tuple[str, str, int]]:
    sql = ("SELECT policy_id, kind, count(*) FROM watchevent WHERE acknowledged_at IS NULL "
           "GROUP BY policy_id, kind")  # fmt: skip
    return reader.rows(sql)  # type: ignore[return-value]


@_query()
def status_latest_searches(reader: Reader) -> list[tuple[Any, ...]]:
    """(policy, checked at, since, count, first PMIDs) of each policy's latest watch search."""
    sql = ("SELECT w.policy_id, w.checked_at, w.since, w.count, w.pmids FROM policywatch w "
           "JOIN (SELECT policy_id, max(id) AS id FROM policywatch GROUP BY policy_id) latest "
           "ON latest.id = w.id")  # fmt: skip
    return [(p, as_datetime(c), as_date(s), n, as_json(x)) for p, c, s, n, x in reader.rows(sql)]


# ---------------------------------------------------------------- tag list, article show, review list

#: the DesignTag columns `tag list` shows
LISTED_TAG_COLUMNS = ("subject", "design", "modifiers", "level", "source", "signal", "confidence",
                      "indexing", "note", "tagged_at")  # fmt: skip


@_query(["pmid:1", "ref:1"])
def tag_rows(reader: Reader, subjects: Sequence[str]) -> dict[str, dict[str, Any]]:
    """subject -> its design tag with what a listing shows (confidence, note, when)."""
    sql = f"SELECT {', '.join(LISTED_TAG_COLUMNS)} FROM designtag WHERE subject IN ({{ids}})"
    rows = _dicts(LISTED_TAG_COLUMNS, reader.chunked(sql, subjects),
                  {"modifiers": as_json, "tagged_at": as_datetime})  # fmt: skip
    return {r["subject"]: r for r in rows}


CYCLE_COLUMNS = ("id", "number", "status", "query", "since", "until", "date_type", "identified",
                 "counts", "started_at", "closed_at", "searched_until", "search_complete",
                 "incomplete")  # fmt: skip
_CYCLE_TYPES = {"since": as_date, "until": as_date, "counts": as_json, "started_at": as_datetime,
                "closed_at": as_datetime, "searched_until": as_date, "search_complete": as_bool,
                "incomplete": as_bool}  # fmt: skip


@_query("p1")
def review_cycles(reader: Reader, policy_id: str) -> list[dict[str, Any]]:
    """The policy's review cycles (what `review list` shows of each), by number."""
    sql = f"SELECT {', '.join(CYCLE_COLUMNS)} FROM reviewcycle WHERE policy_id = ? ORDER BY number"
    return _dicts(CYCLE_COLUMNS, reader.rows(sql, (policy_id,)), _CYCLE_TYPES)


@_query("p1")
def policy_candidates(reader: Reader, policy_id: str) -> list[tuple[int, str, str | None, str | None]]:
    """(cycle id, PMID, decision, reason) of every candidate of the policy's review cycles."""
    sql = ("SELECT c.cycle_id, c.pmid, c.decision, c.reason FROM candidate c "
           "JOIN reviewcycle r ON r.id = c.cycle_id WHERE r.policy_id = ?")  # fmt: skip
    return reader.rows(sql, (policy_id,))  # type: ignore[return-value]


@_query("p1")
def policy_votes(reader: Reader, policy_id: str) -> list[tuple[int, int, int, str, str, str]]:
    """(cycle id, candidate id, decision id, reviewer, kind, decision) of every screening
    decision in the policy's review cycles, in the order they were made."""
    sql = ("SELECT c.cycle_id, d.candidate_id, d.id, d.reviewer, d.kind, d.decision "
           "FROM decision d JOIN candidate c ON c.id = d.candidate_id "
           "JOIN reviewcycle r ON r.id = c.cycle_id WHERE r.policy_id = ? ORDER BY d.id")  # fmt: skip
    return reader.rows(sql, (policy_id,))  # type: ignore[return-value]


@_query("p1")
def cycle_ids(reader: Reader, policy_id: str) -> dict[int, int]:
    """cycle number -> cycle id, for the policy's review cycles."""
    rows = reader.rows("SELECT number, id FROM reviewcycle WHERE policy_id = ?", (policy_id,))
    return {number: cycle_id for number, cycle_id in rows}


@_query(1)
def cycle_decisions(reader: Reader, cycle_id: int) -> list[tuple[str, str | None, str | None]]:
    """(PMID, design, decision) of the cycle's candidates, in the order they were stored."""
    sql = "SELECT pmid, design, decision FROM candidate WHERE cycle_id = ? ORDER BY id"
    return reader.rows(sql, (cycle_id,))  # type: ignore[return-value]
