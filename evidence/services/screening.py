"""Screening a review cycle: candidates (ranked), decisions by named reviewers, undo, two
reviewers with conflicts and their resolution, and the ranker's retraining.

Every function here is what a front end calls: the CLI (`evidence review ...`) and the web
workspace use the same ones, so a decision made in either is the same Decision row.

Decisions are rows appended per reviewer (never updated): a reviewer's current decision is their
latest row, undo deletes it. The candidate row carries the *resolved* decision, recomputed
under a row lock in the same transaction as every change, so two reviewers deciding at once
on one PostgreSQL store both keep their decision and the resolved one is right.
With two reviewers required a reviewer does not see the other's decision until both decided.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from evidence.config import os_user
from evidence.errors import InputError, NotFound
from evidence.review import agreement as agree
from evidence.review import rank as ranker
from evidence.review.prisma import REASON_LABELS, parse_decision, parse_reason
from evidence.services.policy import current_references, get_policy
from evidence.services.review import (
    _current_cycle,
    _cycles,
    _rank,
    _require_open,
)
from evidence.store import in_transaction
from evidence.store import models as m

ORDERS = ("relevance", "design")
RETRAIN_EVERY = 10  # decisions between refits of the ranker (the list stays fast meanwhile)
MAX_REVIEWERS = 3


def _reviewer(name: str | None) -> str:
    text = (name or "").strip()
    return text[:200] if text else os_user()


def _vote(d: m.Decision) -> agree.Vote:
    return agree.Vote(d.reviewer, d.decision, d.reason, d.note, d.kind, d.decided_at, d.id or 0)


def _votes_by_candidate(session: Session, cycle_id: int) -> dict[int, list[agree.Vote]]:
    stmt = (
        select(m.Decision)
        .join(m.Candidate, m.Candidate.id == m.Decision.candidate_id)  # type: ignore[arg-type]
        .where(m.Candidate.cycle_id == cycle_id)
        .order_by(col(m.Decision.id))
    )
    out: dict[int, list[agree.Vote]] = defaultdict(list)
    for d in session.exec(stmt):
        out[d.candidate_id].append(_vote(d))
    return out


def _required(session: Session, policy_id: str) -> int:
    return max(1, get_policy(session, policy_id).screening_reviewers or 1)


# ---------------------------------------------------------------- listing


# the Article columns a candidate row shows (loading whole Article rows, raw XML included, is
# what made listing 2,000 candidates slow); the list of a cycle leaves out the abstract and the
# author list (decoding 2,000 JSON author lists cost more than the rest of the row): the first
# author's name parts come out of the JSON in SQL, on SQLite and PostgreSQL alike
_CANDIDATE = (m.Candidate.id, m.Candidate.pmid, m.Candidate.design, m.Candidate.level,
              m.Candidate.decision, m.Candidate.reason, m.Candidate.reason_text,
              m.Candidate.decided_at, m.Candidate.relevance)  # fmt: skip
_LISTED = (m.Article.title, m.Article.journal, m.Article.journal_iso, m.Article.year,
           m.Article.authors[(0, "last")].as_string().label("first_last"),
           m.Article.authors[(0, "initials")].as_string().label("first_initials"),
           m.Article.authors[(0, "collective")].as_string().label("first_collective"),
           m.Article.authors[(1,)].as_string().label("second_author"))  # fmt: skip
_DETAIL = (m.Article.abstract, m.Article.authors)


def _author_name(au: dict[str, Any]) -> str:
    return au.get("collective") or " ".join(x for x in (au.get("last"), au.get("initials")) if x)


def _authors(a: Any) -> list[str]:
    if a is None or a.title is None and not a.authors:
        return []
    return [name for au in a.authors or [] if (name := _author_name(au))]


def _first_author(a: Any) -> tuple[str | None, bool]:
    """(the first author's name, whether more follow), from the SQL-extracted name parts."""
    if a.first_collective:
        return a.first_collective, a.second_author is not None
    name = f"{a.first_last or ''} {a.first_initials or ''}".strip()
    return name or None, a.second_author is not None


_UNDECIDED = agree.outcome([])


def _row(
    c: Any, votes: list[agree.Vote], required: int, reviewer: str | None, detail: bool = True
) -> dict[str, Any]:
    """One candidate as a dict; `c` is a row of _CANDIDATE + _LISTED (+ _DETAIL when the
    abstract and every author are wanted). Built 2,000 times for a page: no vote, no work."""
    if votes:
        result = agree.outcome(votes, required)
        current = agree.current_votes(votes)
        mine = current.get(reviewer) if reviewer else None
        # blinded until every required reviewer has decided (or a third person resolved it)
        visible = required <= 1 or result.status in ("agreed", "conflict", "resolved")
        shown = list(current.values()) if visible else ([mine] if mine else [])
    else:
        result, mine, shown = _UNDECIDED, None, []
    first, et_al = _first_author(c)
    row = {
        "pmid": c.pmid,
        "title": c.title,
        "first_author": first,
        "et_al": et_al,
        "journal": c.journal_iso or c.journal,
        "year": c.year,
        "design": c.design,
        "level": c.level,
        "decision": c.decision,
        "reason": c.reason,
        "reason_label": REASON_LABELS.get(c.reason) if c.reason else None,
        "note": c.reason_text,
        "decided_at": c.decided_at,
        "status": result.status,
        "conflict": result.status == "conflict",
        "my_decision": mine.decision if mine else None,
        "my_reason": mine.reason if mine else None,
        "my_note": mine.note if mine else None,
        "decisions": [{"reviewer": v.reviewer, "decision": v.decision, "reason": v.reason,
                       "note": v.note, "decided_at": v.decided_at} for v in shown],  # fmt: skip
        "relevance": c.relevance,
        "rank": None,
    }
    if detail:
        row["authors"] = _authors(c)
        row["abstract"] = c.abstract
    return row


def _rows_stmt(cycle_id: int, detail: bool) -> Any:
    return (
        select(*_CANDIDATE, *_LISTED, *(_DETAIL if detail else ()))  # type: ignore[call-overload]
        .join(m.Article, m.Article.pmid == m.Candidate.pmid, isouter=True)
        .where(m.Candidate.cycle_id == cycle_id)
    )


def _by_design(r: dict[str, Any]) -> tuple[int, int, int]:
    pmid = int(r["pmid"]) if r["pmid"].isdigit() else 0
    return (_rank(r["design"]), -(r["year"] or 0), pmid)


def candidate_rows(
    session: Session, cycle: m.ReviewCycle, reviewer: str | None = None, order: str = "design",
    detail: bool = True,
) -> list[dict[str, Any]]:  # fmt: skip
    """Every candidate of the cycle as a dict, with `rank` (1 = most relevant) set when the
    ranker has scored them; sorted by relevance or by design (highest-level designs first).
    `detail`: with the abstract and every author (`authors`); without, the rows a list shows
    (`first_author` and `et_al` are there either way)."""
    votes = _votes_by_candidate(session, cycle.id)  # type: ignore[arg-type]
    required = _required(session, cycle.policy_id)
    rows = [_row(r, votes.get(r.id, []), required, reviewer, detail)
            for r in session.exec(_rows_stmt(cycle.id, detail))]  # type: ignore[arg-type]  # fmt: skip
    by_relevance = sorted(rows, key=lambda r: (-(r["relevance"] or 0.0), *_by_design(r)))
    if any(r["relevance"] is not None for r in rows):
        for n, r in enumerate(by_relevance, 1):
            r["rank"] = n
    return by_relevance if order == "relevance" else sorted(rows, key=_by_design)


def _check_order(order: str) -> str:
    text = (order or "relevance").strip().lower()
    if text not in ORDERS:
        raise InputError(f"unknown order {order!r}", hint="use relevance or design")
    return text


def candidates(
    engine: Engine,
    policy_id: str,
    unscreened: bool = False,
    reviewer: str | None = None,
    order: str = "design",
    detail: bool = True,
) -> dict[str, Any]:
    """The current cycle's candidates for `reviewer`.

    order "relevance": most probable inclusions first (the ranker is refit first when enough
    decisions came in since it last was); with nothing to learn from it falls back to design
    order, and `order` in the answer says which was used. `unscreened`: only those this
    reviewer has not decided and that are not settled. `detail` False leaves out the abstract
    and the author list (`candidate` gives them for one), for a list of thousands.
    """
    order = _check_order(order)
    if order == "relevance":
        _refresh_ranking(engine, policy_id)
    who = _reviewer(reviewer)
    with Session(engine) as session:
        cycle = _current_cycle(session, policy_id)
        rows = candidate_rows(session, cycle, who, order, detail=detail)
        required = _required(session, cycle.policy_id)
        ranked = any(r["rank"] is not None for r in rows)
        total = len(rows)
        left = [r for r in rows if _open_for(r)]
        in_conflict = sum(1 for r in rows if r["conflict"])
        if unscreened:
            rows = left
        return {
            "cycle": cycle.number,
            "status": cycle.status,
            "reviewer": who,
            "reviewers_required": required,
            "order": order if ranked else "design",
            "progress": {"candidates": total, "left": len(left),
                         "conflicts": in_conflict},  # fmt: skip
            "candidates": rows,
        }


def candidate(
    engine: Engine, policy_id: str, pmid: str, reviewer: str | None = None, highlight: bool = True
) -> dict[str, Any]:
    """One candidate of the current cycle as `candidates` lists it with `detail` (abstract,
    every author, this reviewer's and the visible decisions), for the screen page to load
    the record it shows. `highlight`: with `highlight`, the title and the abstract cut into
    pieces that mark the policy's terms (evidence.review.highlight). `rank` is the list's to
    say (it depends on every other candidate), so it is not here."""
    from evidence.review.highlight import mark

    who = _reviewer(reviewer)
    with Session(engine) as session:
        cycle = _current_cycle(session, policy_id)
        found = session.exec(_rows_stmt(cycle.id, True).where(m.Candidate.pmid == pmid.strip())).first()  # type: ignore[arg-type]
        if found is None:
            raise NotFound(f"PMID {pmid} is not a candidate of cycle {cycle.number}")
        votes = session.exec(select(m.Decision).where(m.Decision.candidate_id == found.id)
                             .order_by(col(m.Decision.id))).all()  # fmt: skip
        row = _row(found, [_vote(d) for d in votes], _required(session, cycle.policy_id), who)
        row.pop("rank")
        row.update(cycle=cycle.number, cycle_status=cycle.status, reviewer=who)
        if highlight:
            terms = highlight_terms(session, get_policy(session, policy_id))
            row["highlight"] = {"terms": terms, "title": mark(row["title"], terms),
                                "abstract": mark(row["abstract"], terms)}  # fmt: skip
        return row


def search(engine: Engine, policy_id: str, text: str) -> list[str]:
    """The PMIDs of the current cycle's candidates whose title, abstract, journal, authors or
    PMID hold every word of `text` (case-insensitive), for the screen page's word filter: its
    list has no abstracts to look in."""
    words = text.lower().split()
    with Session(engine) as session:
        cycle = _current_cycle(session, policy_id)
        stmt = (
            select(m.Candidate.pmid, m.Article.title, m.Article.abstract, m.Article.journal,  # type: ignore[call-overload]
                   m.Article.journal_iso, m.Article.authors)
            .join(m.Article, m.Article.pmid == m.Candidate.pmid, isouter=True)
            .where(m.Candidate.cycle_id == cycle.id)
        )  # fmt: skip
        found = []
        for r in session.exec(stmt):
            names = " ".join(_author_name(au) for au in r.authors or [])
            hay = " ".join(x or "" for x in (r.title, r.abstract, r.journal, r.journal_iso, names, r.pmid)).lower()
            if all(w in hay for w in words):
                found.append(r.pmid)
        return found


def screen_terms(engine: Engine, policy_id: str) -> dict[str, Any]:
    """The policy's title and the words the screen page marks (see `highlight_terms`), without
    reading its references as `show_policy` does."""
    with Session(engine) as session:
        policy = get_policy(session, policy_id)
        return {"policy": policy.id, "title": policy.title, "terms": highlight_terms(session, policy)}


def highlight_terms(session: Session, policy: m.Policy) -> dict[str, list[str]]:
    """The words the screen page marks: the policy's intervention terms, and its condition
    (the phrases the derived search uses, and their distinctive words). Without the MeSH
    part of the derived search, which reads every cited record."""
    from evidence.review.highlight import highlight_terms as terms
    from evidence.review.query import condition_terms
    from evidence.services.review import _intervention_terms, _statement_texts

    intervention = _intervention_terms(session, policy)
    statements = _statement_texts(session, policy)
    return terms(intervention, condition_terms(policy.title, statements, exclude=intervention))


def _open_for(row: dict[str, Any]) -> bool:
    """Still to screen for the reviewer the row was built for."""
    return row["my_decision"] is None and row["status"] in ("undecided", "awaiting")


# ---------------------------------------------------------------- decisions


def _lock_candidate(session: Session, cycle: m.ReviewCycle, pmid: str) -> m.Candidate:
    stmt = (
        select(m.Candidate)
        .where(m.Candidate.cycle_id == cycle.id, m.Candidate.pmid == pmid.strip())
        .with_for_update()
    )
    cand = session.exec(stmt).first()
    if cand is None:
        raise NotFound(f"PMID {pmid} is not a candidate of cycle {cycle.number}")
    return cand


def _settle(session: Session, cand: m.Candidate, required: int) -> agree.Outcome:
    """Recompute the candidate's resolved decision from its Decision rows."""
    session.flush()
    rows = session.exec(
        select(m.Decision).where(m.Decision.candidate_id == cand.id).order_by(col(m.Decision.id))
    ).all()
    result = agree.outcome([_vote(d) for d in rows], required)
    cand.decision, cand.reason = result.decision, result.reason if result.decision else None
    cand.reason_text = result.note if result.decision else None
    cand.decided_at = result.decided_at if result.decision else None
    session.add(cand)
    return result


def _checked(decision: str, reason: str | None, note: str | None) -> tuple[str, str | None, str | None]:
    value = parse_decision(decision)
    slug = parse_reason(reason) if reason else None
    if value == "exclude" and slug is None:
        raise InputError("an exclusion needs a reason", hint="add --reason (1-7 or its name)")
    if value != "exclude":
        slug = None
    text = note.strip() if note and note.strip() else None
    return value, slug, text


def _record(
    engine: Engine, policy_id: str, pmid: str, decision: str, reason: str | None,
    note: str | None, reviewer: str | None, kind: str,
) -> dict[str, Any]:  # fmt: skip
    value, slug, text = _checked(decision, reason, note)
    who = _reviewer(reviewer)

    def work(session: Session) -> dict[str, Any]:
        cycle = _current_cycle(session, policy_id)
        _require_open(cycle)
        cand = _lock_candidate(session, cycle, pmid)
        required = _required(session, cycle.policy_id)
        if kind == "resolve":
            votes = [_vote(d) for d in session.exec(
                select(m.Decision).where(m.Decision.candidate_id == cand.id))]  # fmt: skip
            if agree.outcome(votes, required).status not in ("conflict", "resolved"):
                raise InputError(
                    f"PMID {cand.pmid} is not in conflict",
                    hint="see 'evidence review conflicts POLICY'",
                )
        session.add(m.Decision(candidate_id=cand.id, reviewer=who, kind=kind,  # type: ignore[arg-type]
                               decision=value, reason=slug, note=text))  # fmt: skip
        result = _settle(session, cand, required)
        return {"cycle": cycle.number, "pmid": cand.pmid, "reviewer": who, "kind": kind,
                "decision": value, "reason": slug, "note": text, "status": result.status,
                "resolved": result.decision}  # fmt: skip

    return in_transaction(engine, work)


def decide(
    engine: Engine,
    policy_id: str,
    pmid: str,
    decision: str,
    reason: str | None = None,
    note: str | None = None,
    reviewer: str | None = None,
) -> dict[str, Any]:
    """Record (or change) `reviewer`'s decision (include | exclude | maybe) in the open cycle.

    The answer's `decision` is what this reviewer decided; `resolved` is the candidate's
    decision now (None while a second reviewer is awaited or the two disagree)."""
    return _record(engine, policy_id, pmid, decision, reason, note, reviewer, "screen")


def resolve_conflict(
    engine: Engine,
    policy_id: str,
    pmid: str,
    decision: str,
    reason: str | None = None,
    note: str | None = None,
    reviewer: str | None = None,
) -> dict[str, Any]:
    """The third decision that settles a conflict between reviewers (it wins over theirs)."""
    return _record(engine, policy_id, pmid, decision, reason, note, reviewer, "resolve")


def undo_last(engine: Engine, policy_id: str, reviewer: str | None = None) -> dict[str, Any]:
    """Take back `reviewer`'s latest decision in the open cycle; their earlier decision on
    that candidate (if any) becomes current again."""
    who = _reviewer(reviewer)

    def work(session: Session) -> dict[str, Any]:
        cycle = _current_cycle(session, policy_id)
        _require_open(cycle)
        stmt = (
            select(m.Decision, m.Candidate)
            .join(m.Candidate, m.Candidate.id == m.Decision.candidate_id)  # type: ignore[arg-type]
            .where(m.Candidate.cycle_id == cycle.id, m.Decision.reviewer == who)
            .order_by(col(m.Decision.id).desc())
        )
        found = session.exec(stmt).first()
        if found is None:
            raise NotFound(f"{who} has no decision to undo in cycle {cycle.number}")
        row, cand = found
        cand = _lock_candidate(session, cycle, cand.pmid)
        undone = {"decision": row.decision, "reason": row.reason, "kind": row.kind}
        session.delete(row)
        result = _settle(session, cand, _required(session, cycle.policy_id))
        return {"cycle": cycle.number, "pmid": cand.pmid, "reviewer": who, "undone": undone,
                "status": result.status, "resolved": result.decision}  # fmt: skip

    return in_transaction(engine, work)


def conflicts(engine: Engine, policy_id: str) -> dict[str, Any]:
    """The open cycle's candidates whose reviewers disagree (or said maybe), with every
    reviewer's decision; settled ones (resolved by a third decision) are listed apart."""
    with Session(engine) as session:
        cycle = _current_cycle(session, policy_id)
        rows = candidate_rows(session, cycle, None, "design", detail=False)
        keep = ("pmid", "title", "design", "year", "decisions", "decision", "status")
        return {
            "cycle": cycle.number,
            "status": cycle.status,
            "reviewers_required": _required(session, cycle.policy_id),
            "conflicts": [{k: r[k] for k in keep} for r in rows if r["status"] == "conflict"],
            "resolved": [{k: r[k] for k in keep} for r in rows if r["status"] == "resolved"],
        }


def review_settings(engine: Engine, policy_id: str, reviewers: int | None = None) -> dict[str, Any]:
    """Show or set how many independent decisions each candidate of the policy needs.

    Changing it re-settles the open cycle's candidates (a second reviewer now required puts
    candidates decided once back to "awaiting")."""
    if reviewers is not None and not 1 <= reviewers <= MAX_REVIEWERS:
        raise InputError(f"--reviewers must be 1 to {MAX_REVIEWERS}, not {reviewers}")

    def work(session: Session) -> dict[str, Any]:
        policy = get_policy(session, policy_id)
        if reviewers is not None and reviewers != policy.screening_reviewers:
            policy.screening_reviewers = reviewers
            session.add(policy)
            cycles = _cycles(session, policy.id)
            if cycles and cycles[-1].status == "open":
                cands = session.exec(
                    select(m.Candidate).where(m.Candidate.cycle_id == cycles[-1].id).with_for_update()
                ).all()
                for cand in cands:
                    _settle(session, cand, reviewers)
        return {"policy": policy.id, "reviewers": policy.screening_reviewers}

    return in_transaction(engine, work)


def cycle_agreement(session: Session, cycle: m.ReviewCycle) -> dict[str, Any]:
    """Cohen's kappa between the first two reviewers over the candidates both decided."""
    from evidence.review.cycle import agreement

    return agreement(_votes_by_candidate(session, cycle.id).values())  # type: ignore[arg-type]


# ---------------------------------------------------------------- ranking


_TEXT = (m.Article.title, m.Article.abstract, m.Article.mesh, m.Article.keywords)


def _article_doc(a: Any) -> ranker.Doc:
    """A Doc from an Article row or a (title, abstract, mesh, keywords) tuple."""
    return ranker.doc_from(a.title, a.abstract, a.mesh or [], a.keywords or [])


def _training_set(session: Session, cycle: m.ReviewCycle) -> tuple[list[ranker.Doc], list[int]]:
    """Positives: direct references, inclusions; negatives: background references, exclusions
    (earlier cycles and this one so far)."""
    policy = get_policy(session, cycle.policy_id)
    docs: list[ranker.Doc] = []
    labels: list[int] = []
    refs = current_references(session, policy)
    pmids = {p for r in refs for p in (r.pmid, r.matched_pmid) if p}
    articles = {a.pmid: a for a in session.exec(
        select(m.Article).where(col(m.Article.pmid).in_(pmids)))} if pmids else {}  # fmt: skip
    for ref in refs:
        if ref.role not in ("direct", "background"):
            continue
        art = articles.get(ref.pmid or "") or articles.get(ref.matched_pmid or "")
        docs.append(_article_doc(art) if art else ranker.doc_from(ref.title or ref.raw))
        labels.append(1 if ref.role == "direct" else 0)
    stmt = (
        select(m.Candidate.decision, *_TEXT)  # type: ignore[call-overload]
        .join(m.ReviewCycle, m.Candidate.cycle_id == m.ReviewCycle.id)  # type: ignore[arg-type]
        .join(m.Article, m.Article.pmid == m.Candidate.pmid)  # type: ignore[arg-type]
        .where(
            m.ReviewCycle.policy_id == cycle.policy_id,
            m.ReviewCycle.number <= cycle.number,
            col(m.Candidate.decision).in_(("include", "exclude")),
        )
    )
    for row in session.exec(stmt):
        docs.append(_article_doc(row))
        labels.append(1 if row[0] == "include" else 0)
    return docs, labels


def _settled_count(session: Session, cycle_id: int) -> int:
    stmt = select(m.Candidate.id).where(
        m.Candidate.cycle_id == cycle_id, col(m.Candidate.decision).in_(("include", "exclude"))
    )
    return len(session.exec(stmt).all())


def rank_cycle(engine: Engine, policy_id: str) -> dict[str, Any]:
    """Fit the ranker on what the policy and the decisions so far say, and store a relevance
    score on every candidate of the open cycle. Nothing happens without a positive and a
    negative to learn from."""
    started = time.perf_counter()
    with Session(engine) as session:
        cycle = _current_cycle(session, policy_id)
        if cycle.status != "open":
            return {"cycle": cycle.number, "ranked": 0, "trained": False}
        docs, labels = _training_set(session, cycle)
        pairs = session.exec(
            select(m.Candidate.id, *_TEXT)  # type: ignore[call-overload]
            .join(m.Article, m.Article.pmid == m.Candidate.pmid)
            .where(m.Candidate.cycle_id == cycle.id)
        ).all()
        settled = _settled_count(session, cycle.id)  # type: ignore[arg-type]
        cycle_id, number = cycle.id, cycle.number
    info = {"cycle": number, "positives": sum(labels), "negatives": len(labels) - sum(labels),
            "decisions": settled, "candidates": len(pairs)}  # fmt: skip
    if not ranker.can_rank(labels) or not pairs:
        return {**info, "ranked": 0, "trained": False}
    scores = ranker.score(docs, labels, [_article_doc(row) for row in pairs])
    params = [{"cid": row[0], "score": s} for row, s in zip(pairs, scores, strict=True)]

    def work(session: Session) -> None:
        table = m.Candidate.__table__  # type: ignore[attr-defined]
        session.execute(  # type: ignore[call-overload]
            update(table).where(table.c.id == bindparam("cid")).values(relevance=bindparam("score")),
            params,
            execution_options={"synchronize_session": False},
        )
        cycle = session.get(m.ReviewCycle, cycle_id)
        assert cycle is not None
        cycle.counts = {**cycle.counts, "ranking": info}
        session.add(cycle)

    in_transaction(engine, work)
    return {**info, "ranked": len(pairs), "trained": True,
            "seconds": round(time.perf_counter() - started, 3)}  # fmt: skip


def _refresh_ranking(engine: Engine, policy_id: str) -> None:
    """Refit when the scores are missing or RETRAIN_EVERY decisions came in since the last fit."""
    with Session(engine) as session:
        cycle = _current_cycle(session, policy_id)
        if cycle.status != "open":
            return
        last = cycle.counts.get("ranking")
        n = session.exec(
            select(func.count()).select_from(m.Candidate).where(m.Candidate.cycle_id == cycle.id)
        ).one()
        settled = _settled_count(session, cycle.id)  # type: ignore[arg-type]
    if last and last.get("candidates") == n and abs(settled - last.get("decisions", 0)) < RETRAIN_EVERY:
        return
    rank_cycle(engine, policy_id)
