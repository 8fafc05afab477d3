"""The date window a cycle searches, and which PubMed date it searches on.

The date type is the Entrez date (`edat`): the day the record entered PubMed. "New in PubMed
since the last review" is exactly that; the publication date (`pdat`) would miss records indexed
late (an article printed in 2024 but added in 2026 was never seen by a 2025 review) and would
include ahead-of-print dates in the future. A record keeps its edat once set, so consecutive
windows cover every record.

Default `since`: the previous cycle's `until`, else the policy's last-reviewed date. Windows
overlap by that one day (PubMed's mindate and maxdate are inclusive) on purpose: a record is
never missed, and de-duplication against earlier cycles drops what the overlap brings back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from evidence.errors import InputError

DATE_TYPE = "edat"


@dataclass(frozen=True)
class Window:
    since: date
    until: date
    date_type: str = DATE_TYPE

    def describe(self) -> str:
        return f"{self.since.isoformat()} to {self.until.isoformat()} (Entrez date)"


def parse_date(text: str, what: str = "date") -> date:
    """ISO dates ('2025-09-17'), also with slashes; anything else is a user error."""
    try:
        return date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise InputError(f"{what} {text!r} is not a date", hint="use YYYY-MM-DD") from None


def review_window(
    today: date,
    last_reviewed: date | None = None,
    previous_until: date | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Window:
    """since: explicit > previous cycle's until > last reviewed; until: explicit > today."""
    start = since or previous_until or last_reviewed
    if start is None:
        raise InputError(
            "the policy has no last-reviewed date and no earlier cycle",
            hint="give the start of the window with --since YYYY-MM-DD",
        )
    end = until or today
    check_window(start, end)
    return Window(start, end)


def check_window(start: date, end: date) -> None:
    """A reversed window is a mistake; an empty one (it starts the day it ends, e.g. the day
    after a cycle that ended today) would search nothing new and freeze a cycle of nothing."""
    if start > end:
        raise InputError(f"the window starts ({start}) after it ends ({end})")
    if start == end:
        raise InputError(
            f"the window {start}..{end} is empty; nothing is new since the last search"
        )
