"""Policy dates as health plans write them -> `datetime.date`.

Plans print `01|01|2026` (pipes), `1/1/2026`, `January 1, 2026`, `Jan 1, 2026` or ISO
`2026-01-01`. US plans put the month first, so slashed and piped dates are read M/D/Y.
A month and year alone (`11/2025`, `November 2025`, `Nov. 2025`), as many plans print review
dates, is the 1st of that month: a review cycle then starts early rather than late, so nothing
published in that month is missed. Anything else (or an impossible date) is None: a policy
without a readable date is still a policy, and the caller decides whether that deserves a warning.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MDY = re.compile(r"(\d{1,2})\s*[|/.\-]\s*(\d{1,2})\s*[|/.\-]\s*(\d{4})")
_MONTH_FIRST = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DAY_FIRST = re.compile(r"(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})")
_MONTH_YEAR = re.compile(r"(?<![\d/|.\-])(\d{1,2})\s*[|/.\-]\s*(\d{4})(?![\d/|.\-])")
_MONTH_NAME_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")


def month_number(name: str) -> int | None:
    """'Mar', 'March', 'sept.' -> 3/3/9; anything else None."""
    return MONTHS.get(name.lower().rstrip("."))


def parse_date(text: str | None) -> date | None:
    """The first date found in `text`, or None."""
    if not text:
        return None
    text = text.strip()
    for pattern, order in (
        (_ISO, "ymd"),
        (_MDY, "mdy"),
        (_MONTH_FIRST, "Mdy"),
        (_DAY_FIRST, "dMy"),
        (_MONTH_YEAR, "my"),
        (_MONTH_NAME_YEAR, "My"),
    ):
        for match in pattern.finditer(text):
            found = _build(match.groups(), order)
            if found is not None:
                return found
    return None


def _build(parts: tuple[str, ...], order: str) -> date | None:
    values: dict[str, int | None] = {}
    for key, part in zip(order, parts, strict=True):
        values[key.lower()] = month_number(part) if key == "M" else int(part)
    year, month, day = values.get("y"), values.get("m"), values.get("d", 1)  # no day: the 1st
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
