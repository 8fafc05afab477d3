"""The one module of the workspace that calls `evidence.services`: each function is one use-case
a route needs, shaped for the pages and the JSON API.

It is deliberately thin: the screening functions are the ones `evidence review candidates|
decide|resolve|undo` call (named reviewers, relevance ranking, blinding, conflicts), so a
decision made in the browser is the same Decision row; rows are given every field the page
reads, so the templates never test for a missing key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from evidence.services import review as review_service

# the filters the screen page offers over the candidates' decision
DECISION_FILTERS = ("undecided", "include", "exclude", "maybe", "conflict")


def policies(engine: Engine) -> list[dict[str, Any]]:
    """Every policy with its review state (GET /, GET /api/policies): `evidence status`'s rows,
    what needs attention first, with the flags and open watch events added up for the badge."""
    from evidence.services.status import policy_statuses

    return [
        s.to_dict() | {"flag_total": sum(s.flags.values()) + sum(s.events.values())}
        for s in policy_statuses(engine)
    ]


def report_html(engine: Engine, policy_id: str) -> str:
    """The policy's evidence report, exactly as `evidence report --format html` renders it."""
    from evidence.services.report import build, render

    return render(build(engine, policy_id), "html")


def exclusion_reasons() -> list[dict[str, str]]:
    """The reasons `evidence review decide --reason` accepts, in the CLI's numbering."""
    from evidence.review.prisma import EXCLUSION_REASONS

    return [{"slug": slug, "label": label, "key": str(n)}
            for n, (slug, label) in enumerate(EXCLUSION_REASONS, 1)]  # fmt: skip


def search_terms(engine: Engine, policy_id: str) -> dict[str, list[str]]:
    """The words the screen page highlights: the policy's intervention terms, and its condition
    (the phrases the derived search uses, and their distinctive words)."""
    from evidence.services.screening import screen_terms

    return screen_terms(engine, policy_id)["terms"]


def candidates(
    engine: Engine, policy_id: str, reviewer: str | None = None, detail: bool = True
) -> dict[str, Any]:
    """The current cycle's candidates as this reviewer may see them (the other reviewer's
    decision stays hidden until both decided), most relevant first when they are ranked.
    `detail` False: without abstracts and author lists (the screen page's list)."""
    view = review_service.candidates(engine, policy_id, reviewer=reviewer, order="relevance", detail=detail)
    rows = [_row(r, n) for n, r in enumerate(view["candidates"], 1)]
    return {**{k: v for k, v in view.items() if k != "candidates"}, "policy": policy_id,
            "reviewer": view.get("reviewer", reviewer),
            "reviewers_required": view.get("reviewers_required", 1), "candidates": rows}  # fmt: skip


def _row(r: dict[str, Any], position: int) -> dict[str, Any]:
    """A candidate with every field the page reads, present even when the service lacks it:
    `decision` is the candidate's (resolved) decision, `my_*` this reviewer's own."""
    row = dict(r)
    row.setdefault("rank", None)
    row.setdefault("relevance", None)
    row["score"] = row["relevance"]
    if "my_decision" not in row:  # one reviewer: the candidate's decision is the reviewer's
        row.update(my_decision=row.get("decision"), my_reason=row.get("reason"), my_note=row.get("note"))
        row.setdefault("status", "agreed" if row.get("decision") else "undecided")
    row.setdefault("conflict", row.get("status") == "conflict")
    row.setdefault("decisions", [])
    row["position"] = position  # the service's order: relevance when ranked, else design
    return row


def search(engine: Engine, policy_id: str, text: str) -> list[str]:
    """The candidates whose title, abstract, journal, authors or PMID hold every word."""
    from evidence.services.screening import search as find

    return find(engine, policy_id, text)


def candidate(engine: Engine, policy_id: str, pmid: str, reviewer: str | None = None) -> dict[str, Any]:
    """One candidate with its abstract, every author and the policy's terms marked in its title
    and abstract (GET /api/policies/<id>/candidates/<pmid>): what the screen page loads for
    the record it shows, and prefetches for the next ones."""
    from evidence.services.screening import candidate as one

    row = one(engine, policy_id, pmid, reviewer=reviewer)
    row = _row(row, 0)
    del row["position"], row["rank"]  # the list's to say
    return row


def decide(
    engine: Engine,
    policy_id: str,
    pmid: str,
    decision: str,
    reason: str | None = None,
    note: str | None = None,
    reviewer: str | None = None,
    resolve: bool = False,
) -> dict[str, Any]:
    """One decision, the same call (and the same row) as `evidence review decide`; `resolve`
    makes it the third decision that settles a conflict (`evidence review resolve`)."""
    func = review_service.resolve_conflict if resolve else review_service.decide
    return func(engine, policy_id, pmid, decision, reason=reason, note=note, reviewer=reviewer)


def undo(engine: Engine, policy_id: str, reviewer: str | None = None) -> dict[str, Any]:
    """Take back this reviewer's latest decision in the open cycle."""
    return review_service.undo_last(engine, policy_id, reviewer=reviewer)


def _design_rank(design: str) -> int:
    order = review_service.DESIGN_RANK
    return order.index(design) if design in order else len(order)


def decision_state(row: dict[str, Any]) -> str:
    """The screen page's decision filter for one candidate (this reviewer's own decision, or
    a conflict between reviewers): one of DECISION_FILTERS."""
    if row.get("conflict"):
        return "conflict"
    return row.get("my_decision") or "undecided"


# what the screen page's list does not read (the record shown loads in full from the API)
_UNLISTED = frozenset(("relevance", "reason", "reason_label", "note", "decided_at"))


def _listed(row: dict[str, Any]) -> dict[str, Any]:
    """A candidate as the screen page's list has it: without what it does not read and
    without empty values (2,000 rows of nulls were a third of the page)."""
    return {k: v for k, v in row.items() if k not in _UNLISTED and v not in (None, False, [])}


def screen_view(engine: Engine, policy_id: str, reviewer: str | None = None) -> dict[str, Any]:
    """Everything the screen page shows: the policy, its cycle's candidates (the list: no
    abstracts), the first record in full, the words to highlight, the exclusion reasons and
    the filters' choices."""
    from evidence.services.screening import screen_terms

    policy = screen_terms(engine, policy_id)
    view = candidates(engine, policy_id, reviewer=reviewer, detail=False)
    rows = view["candidates"]
    first = rows[0]["pmid"] if rows else None
    return {
        **view,
        "candidates": [_listed(r) for r in rows],
        # the record shown first comes with the page; the others load when shown
        "current": candidate(engine, policy_id, first, reviewer=reviewer) if first else None,
        "title": policy["title"],
        "terms": policy["terms"],
        "reasons": exclusion_reasons(),
        "designs": sorted({r.get("design") or "unknown" for r in rows}, key=_design_rank),
        "design_order": list(review_service.DESIGN_RANK),
        "years": sorted({r["year"] for r in rows if r.get("year")}, reverse=True),
        "decisions": list(DECISION_FILTERS),
    }
