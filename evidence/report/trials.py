"""The report's ongoing-and-unpublished-trials part, from stored ClinicalTrials.gov records.

Pure: trial dicts in (the `Trial` row's fields plus `cited` and `cited_by`), rows and sentences
out. Registry dates are partial ("2025", "2025-06", "2025-06-30") and are compared as
prefixes, so "completed 2025-06" counts as on or after a review of 2025-06-01.

A trial is *news* when its primary completion (ACTUAL) or its first results posting falls on
or after the policy's last review: the policy could not have weighed it. A trial is *due* when
it has not posted results, is still running or has completed, and its primary completion
date (estimated or actual) is passed or within the next 12 months: its results may be about
to reach the literature.
"""

from __future__ import annotations

from datetime import date
from typing import Any

ONGOING = ("ACTIVE_NOT_RECRUITING", "ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING",
           "RECRUITING", "SUSPENDED")  # fmt: skip
STATUS_WORDS = {
    "ACTIVE_NOT_RECRUITING": "active, not recruiting",
    "ENROLLING_BY_INVITATION": "enrolling by invitation",
    "NOT_YET_RECRUITING": "not yet recruiting",
    "RECRUITING": "recruiting",
    "SUSPENDED": "suspended",
    "COMPLETED": "completed",
    "TERMINATED": "terminated",
    "WITHDRAWN": "withdrawn",
    "UNKNOWN": "status unknown",
    "WITHHELD": "withheld",
}
DUE_MONTHS = 12
SHOWN = 25  # rows the text/Markdown/HTML tables show; JSON carries them all


def nct_url(nct: str) -> str:
    return f"https://clinicaltrials.gov/study/{nct}"


def phase_text(phases: list[str] | tuple[str, ...] | None) -> str | None:
    """["PHASE1", "PHASE2"] -> "1/2"; ["NA"] -> "not applicable"; none -> None."""
    phases = list(phases or [])
    nums = [p.replace("EARLY_PHASE1", "early 1").replace("PHASE", "") for p in phases if p != "NA"]
    if nums:
        return "/".join(nums)
    return "not applicable" if "NA" in phases else None


def status_text(t: dict[str, Any]) -> str:
    s = STATUS_WORDS.get(t.get("status") or "", (t.get("status") or "not stated").lower())
    if t.get("status") == "UNKNOWN" and t.get("last_known_status"):
        s += f" (last known: {STATUS_WORDS.get(t['last_known_status'], t['last_known_status'])})"
    return s


def _on_or_after(partial: str | None, day: date | None) -> bool:
    if not partial or day is None:
        return False
    return partial >= day.isoformat()[: len(partial)]


def _add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    return date(day.year + y, m + 1, min(day.day, 28))


def news(t: dict[str, Any], last_reviewed: date | None) -> str | None:
    """Why the trial is new since the last review, or None."""
    if _on_or_after(t.get("results_first_posted"), last_reviewed):
        return f"posted results {t['results_first_posted']}"
    if (
        t.get("status") == "COMPLETED"
        and t.get("primary_completion_type") != "ESTIMATED"
        and _on_or_after(t.get("primary_completion"), last_reviewed)
    ):
        return f"completed {t['primary_completion']}"
    return None


def due(t: dict[str, Any], today: date) -> bool:
    if t.get("has_results") or t.get("results_first_posted"):
        return False
    if t.get("status") not in (*ONGOING, "COMPLETED"):
        return False
    pc = t.get("primary_completion")
    return bool(pc) and pc <= _add_months(today, DUE_MONTHS).isoformat()[: len(pc)]


def _rank(t: dict[str, Any]) -> tuple[int, int, str]:
    """Cited first, then trials still to report, then by primary completion."""
    group = 0 if t.get("status") in ONGOING else 1 if t.get("status") == "COMPLETED" else 2
    return (0 if t.get("cited") else 1, group, t.get("primary_completion") or "9999")


def ongoing_rows(trials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The report's `ongoing_trials` (exact keys; see schema.json)."""
    return [
        {
            "nct_id": t["nct_id"],
            "title": t.get("title"),
            "status": t.get("status"),
            "phase": phase_text(t.get("phases")),
            "enrollment": {"count": t.get("enrollment"), "type": t.get("enrollment_type")},
            "primary_completion": {
                "date": t.get("primary_completion"),
                "type": t.get("primary_completion_type"),
            },
            "results_posted": bool(t.get("has_results") or t.get("results_first_posted")),
            "sponsor": t.get("sponsor"),
            "cited": bool(t.get("cited")),
        }
        for t in sorted(trials, key=_rank)
    ]


def enrollment_text(e: dict[str, Any]) -> str:
    if e.get("count") is None:
        return "not stated"
    kind = {"ACTUAL": "actual", "ESTIMATED": "planned"}.get(e.get("type") or "", "")
    return f"{e['count']} {kind}".strip()


def completion_text(pc: dict[str, Any]) -> str:
    if not pc.get("date"):
        return "not stated"
    kind = {"ACTUAL": "", "ESTIMATED": " (estimated)"}.get(pc.get("type") or "", "")
    return f"{pc['date']}{kind}"


def due_lines(trials: list[dict[str, Any]], last_reviewed: date | None, today: date) -> list[str]:
    """Sentences for the summary: trials new since the review, then trials due to report."""
    out = []
    for t in sorted(trials, key=_rank):
        why = news(t, last_reviewed)
        if why:
            out.append(f"{t['nct_id']} {why}, after the last review: {_short(t)}.")
    for t in sorted(trials, key=_rank):
        if not news(t, last_reviewed) and due(t, today):
            pc = completion_text(
                {"date": t.get("primary_completion"), "type": t.get("primary_completion_type")}
            )
            out.append(
                f"{t['nct_id']} ({status_text(t)}) has primary completion {pc} and no results "
                f"posted: {_short(t)}."
            )
    return out


def _short(t: dict[str, Any]) -> str:
    title = str(t.get("title") or "untitled").rstrip(". ")
    return title if len(title) <= 90 else title[:87].rstrip() + "..."
