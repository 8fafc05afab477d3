"""Review intervals: "6m", "12m", "1y", "90d" -> when a policy's next review is due."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from evidence.errors import InputError

DEFAULT = "12m"
_FORM = re.compile(r"^\s*(\d{1,4})\s*(d|days?|m|months?|y|years?)\s*$", re.I)


def parse_interval(text: str) -> str:
    """The interval in its short form ("6 months" -> "6m"); a user error when unreadable."""
    match = _FORM.match(text or "")
    if not match or int(match.group(1)) == 0:
        raise InputError(f"cannot read the review interval {text!r}",
                         hint="use e.g. 6m, 12m, 1y or 90d")  # fmt: skip
    return f"{int(match.group(1))}{match.group(2)[0].lower()}"


def add_interval(start: date, interval: str) -> date:
    """`start` plus the interval; a month end stays within the month (Jan 31 + 1m = Feb 28)."""
    n, unit = int(interval[:-1]), interval[-1]
    if unit == "d":
        return start + timedelta(days=n)
    months = n * 12 if unit == "y" else n
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def review_due(
    last_reviewed: date | None,
    effective: date | None,
    next_review: date | None,
    interval: str | None,
) -> date | None:
    """When the next review is due: the interval set by hand wins; else the date the document
    states; else 12 months after the last review (or the effective date)."""
    start = last_reviewed or effective
    if interval:
        return add_interval(start, interval) if start else None
    if next_review:
        return next_review
    return add_interval(start, DEFAULT) if start else None
