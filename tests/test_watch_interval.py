"""Review intervals and when a review is due."""

from __future__ import annotations

from datetime import date

import pytest

from evidence.errors import InputError
from evidence.watch.interval import add_interval, parse_interval, review_due


@pytest.mark.parametrize(("text", "short"), [("6m", "6m"), ("12m", "12m"), ("1y", "1y"),
                                              ("90d", "90d"), ("6 months", "6m"), ("2 Years", "2y")])  # fmt: skip
def test_intervals_are_read_in_their_short_form(text, short):
    assert parse_interval(text) == short


@pytest.mark.parametrize("text", ["", "0m", "fortnightly", "6w", "-1y"])
def test_an_unreadable_interval_is_a_user_error(text):
    with pytest.raises(InputError):
        parse_interval(text)


def test_month_ends_stay_in_their_month():
    assert add_interval(date(2025, 1, 31), "1m") == date(2025, 2, 28)
    assert add_interval(date(2024, 2, 29), "1y") == date(2025, 2, 28)
    assert add_interval(date(2025, 11, 15), "3m") == date(2026, 2, 15)


def test_the_interval_set_by_hand_wins_then_the_document_then_twelve_months():
    last, stated = date(2025, 9, 17), date(2026, 3, 1)
    assert review_due(last, None, stated, "6m") == date(2026, 3, 17)
    assert review_due(last, None, stated, None) == stated
    assert review_due(last, None, None, None) == date(2026, 9, 17)
    assert review_due(None, date(2025, 1, 1), None, None) == date(2026, 1, 1)
    assert review_due(None, None, None, "6m") is None
