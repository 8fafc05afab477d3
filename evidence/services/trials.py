"""Trials use-case: find a policy's trials on ClinicalTrials.gov, store them, list them.

Which trials: a search for the policy's intervention terms (query.intr, the terms `evidence
tag` derived or the user edited) within its condition (query.cond, from the title's
"<intervention> for <condition>"), plus every NCT id that the policy's citations or the
PubMed records behind them name (Reference.nct, the citation text, the abstract, the
record's DataBankList). What was fetched is stored with its time, so the report works offline;
when the registry cannot be reached (or `--offline` finds nothing cached) the stored trials
are kept and listed and the result says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, delete, select

from evidence.errors import CtgovUnavailable
from evidence.report.trials import ongoing_rows
from evidence.services.policy import current_references, get_policy
from evidence.store import models as m
from evidence.store import transaction
from evidence.tagging.role import split_title
from evidence.trials.parse import TrialRecord, find_ncts, normalize_nct

if TYPE_CHECKING:  # the client pulls in requests and requests-cache (~0.35 s), which the report
    from evidence.trials.client import CtgovClient  # reading stored trials never needs (#16)

MAX_TERMS = 8  # intervention terms in one query.intr; the families can be long


@dataclass
class TrialsResult:
    policy_id: str
    query: dict[str, Any]
    trials: list[dict[str, Any]] = field(default_factory=list)  # stored rows (+ cited, cited_by)
    total: int | None = None
    fetched: int = 0
    missing: list[str] = field(default_factory=list)
    asked_at: datetime | None = None
    unreachable: str | None = None  # why the registry was not asked (kept what is stored)
    # NCT id -> where the policy cites it; fetch_trials fills it (list_trials, a read of the
    # store, does not scan every record's XML for it)
    cited: dict[str, list[str]] = field(default_factory=dict)

    @property
    def partial(self) -> bool:
        return bool(self.unreachable)

    @property
    def unfetched(self) -> list[dict[str, Any]]:
        """Cited trials with no stored record yet (the registry was not reached): offline, the
        policy's own citations still say which trials to look at."""
        stored = {t["nct_id"] for t in self.trials}
        return [
            {"nct_id": nct, "cited_by": where}
            for nct, where in sorted(self.cited.items())
            if nct not in stored and nct not in self.missing
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy_id,
            "query": self.query,
            "ctgov_last_asked": self.asked_at.isoformat() if self.asked_at else None,
            "total": self.total,
            "missing": self.missing,
            "unfetched": self.unfetched,
            "unreachable": self.unreachable,
            "trials": ongoing_rows(self.trials),
        }


def _quote(term: str) -> str:
    return '"' + term.replace('"', " ").strip() + '"'


def trial_query(policy: m.Policy) -> dict[str, Any]:
    """query.intr / query.cond for the policy (no Essie brackets: `[` is reserved)."""
    intervention, condition = split_title(policy.title or "")
    terms = [t for t in (policy.intervention_terms or []) if t.strip()][:MAX_TERMS]
    if not terms and intervention:
        terms = [intervention]
    clean = [t.replace("[", " ").replace("]", " ") for t in terms]
    return {
        "intr": " OR ".join(_quote(t) for t in clean) or None,
        "cond": condition.replace("[", " ").replace("]", " ").strip() or None,
    }


def cited_ncts(session: Session, policy: m.Policy) -> dict[str, list[str]]:
    """NCT id -> where it is cited ("policy text", "ref 3", "PMID 90000001")."""
    out: dict[str, list[str]] = {}

    def note(nct: str, where: str) -> None:
        out.setdefault(nct, [])
        if where not in out[nct]:
            out[nct].append(where)

    revision = session.exec(
        select(m.PolicyRevision).where(
            m.PolicyRevision.policy_id == policy.id, m.PolicyRevision.revision == policy.revision
        )
    ).first()
    for nct in find_ncts(revision.text if revision else None):
        note(nct, "policy text")
    for r in current_references(session, policy):
        for text in (r.nct, r.raw, r.url):
            for nct in find_ncts(text):
                note(nct, f"ref {r.number}")
        pmid = r.pmid or r.matched_pmid
        article = session.get(m.Article, pmid) if pmid else None
        if article is not None:
            for nct in find_ncts(f"{article.abstract or ''} {article.raw_xml or ''}"):
                note(nct, f"PMID {article.pmid}")
    return out


def fetch_trials(engine: Engine, client: CtgovClient, policy_id: str) -> TrialsResult:
    """Ask the registry, store what it says, and return the policy's stored trials."""
    with Session(engine) as session:
        p = get_policy(session, policy_id)
        query = trial_query(p)
        cited = cited_ncts(session, p)
    result = TrialsResult(policy_id=policy_id, query=query, cited=cited)
    try:
        found: list[TrialRecord] = []
        if query["intr"] or query["cond"]:
            search = client.search(intr=query["intr"], cond=query["cond"])
            found, result.total = search.trials, search.total
        have = {t.nct_id for t in found}
        extra, result.missing = client.studies([n for n in cited if n not in have])
        found += extra
    except CtgovUnavailable as exc:
        result.unreachable = str(exc)
        return _with_stored(engine, result)
    result.fetched = len(found)
    _save(engine, policy_id, query, found, cited, have, result)
    return _with_stored(engine, result)


def _save(
    engine: Engine,
    policy_id: str,
    query: dict[str, Any],
    found: list[TrialRecord],
    cited: dict[str, list[str]],
    searched: set[str],
    result: TrialsResult,
) -> None:
    now = m.utcnow()
    with transaction(engine) as s:
        for t in found:
            row = s.get(m.Trial, t.nct_id) or m.Trial(nct_id=t.nct_id)
            for key, value in t.to_dict().items():
                setattr(row, key, value)
            row.fetched_at = now
            s.add(row)
        s.flush()
        s.exec(delete(m.PolicyTrial).where(m.PolicyTrial.policy_id == policy_id))  # type: ignore[call-overload]
        for t in found:
            where = cited.get(t.nct_id, [])
            s.add(
                m.PolicyTrial(
                    policy_id=policy_id,
                    nct_id=t.nct_id,
                    cited=bool(where),
                    matched_search=t.nct_id in searched,
                    cited_by=where,
                    found_at=now,
                )
            )
        search = s.get(m.TrialSearch, policy_id) or m.TrialSearch(policy_id=policy_id)
        search.query, search.total, search.found = query, result.total, len(found)
        search.missing, search.asked_at = result.missing, now
        s.add(search)


def _with_stored(engine: Engine, result: TrialsResult) -> TrialsResult:
    with Session(engine) as session:
        result.trials = stored_trials(session, result.policy_id)
        asked = session.get(m.TrialSearch, result.policy_id)
        result.asked_at = asked.asked_at if asked else None
        if asked and not result.missing and result.unreachable:
            result.missing = list(asked.missing)
    return result


def stored_trials(session: Session, policy_id: str) -> list[dict[str, Any]]:
    """The policy's stored trials as plain dicts (the report's input)."""
    rows = session.exec(
        select(m.Trial, m.PolicyTrial)
        .join(m.PolicyTrial, m.PolicyTrial.nct_id == m.Trial.nct_id)  # type: ignore[arg-type]
        .where(m.PolicyTrial.policy_id == policy_id)
        .order_by(m.Trial.nct_id)
    )
    out = []
    for trial, link in rows:
        d = trial.model_dump()
        d.update(cited=link.cited, cited_by=list(link.cited_by), matched_search=link.matched_search)
        out.append(d)
    return out


def last_asked(session: Session, policy_id: str) -> datetime | None:
    asked = session.get(m.TrialSearch, policy_id)
    return asked.asked_at if asked else None


def list_trials(engine: Engine, policy_id: str) -> TrialsResult:
    """What is stored, without asking the registry."""
    with Session(engine) as session:
        p = get_policy(session, policy_id)
        query = trial_query(p)
    return _with_stored(engine, TrialsResult(policy_id=policy_id, query=query))


__all__ = ["TrialsResult", "cited_ncts", "fetch_trials", "list_trials", "normalize_nct"]
