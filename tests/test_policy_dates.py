"""Policy dates in the forms health plans print them."""

from __future__ import annotations

from datetime import date

import pytest

from evidence.policy.dates import month_number, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01|01|2026", date(2026, 1, 1)),
        ("09|17|2025", date(2025, 9, 17)),
        ("January 1, 2026", date(2026, 1, 1)),
        ("Jan 1, 2026", date(2026, 1, 1)),
        ("Sept. 17, 2025", date(2025, 9, 17)),
        ("1/1/2026", date(2026, 1, 1)),
        ("12/31/2025", date(2025, 12, 31)),
        ("2026-01-01", date(2026, 1, 1)),
        ("17 September 2025", date(2025, 9, 17)),
        ("  Effective 03|15|2024 (revised)", date(2024, 3, 15)),
        # a month and year alone, as review dates are often printed: the 1st of the month
        ("11/2025", date(2025, 11, 1)),
        ("Next Review: 03/2026", date(2026, 3, 1)),
        ("November 2025", date(2025, 11, 1)),
        ("Nov. 2025", date(2025, 11, 1)),
        ("12|2025", date(2025, 12, 1)),
    ],
)
def test_known_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", None, "soon", "13|45|2026", "February 30, 2025", "2026", "13/2025", "2014-2018", "In 2025", "2025-11"],
)
def test_unknown_or_impossible_is_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(("name", "number"), [("Mar", 3), ("march", 3), ("Sept", 9), ("Foo", None)])
def test_month_number(name, number):
    assert month_number(name) == number
