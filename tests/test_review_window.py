"""The date window: explicit > previous cycle's end > last reviewed; until defaults to today."""

from __future__ import annotations

from datetime import date

import pytest

from evidence.errors import InputError
from evidence.review.window import parse_date, review_window

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("kwargs", "since", "until"),
    [
        ({"last_reviewed": date(2025, 9, 17)}, date(2025, 9, 17), TODAY),
        ({"last_reviewed": date(2025, 9, 17), "previous_until": date(2026, 3, 1)},
         date(2026, 3, 1), TODAY),
        ({"last_reviewed": date(2025, 9, 17), "since": date(2024, 1, 1),
          "until": date(2024, 6, 30)}, date(2024, 1, 1), date(2024, 6, 30)),
    ],
)  # fmt: skip
def test_window_defaults(kwargs, since, until):
    w = review_window(TODAY, **kwargs)
    assert (w.since, w.until, w.date_type) == (since, until, "edat")


def test_no_start_known_asks_for_since():
    with pytest.raises(InputError, match="--since"):
        review_window(TODAY)


def test_window_backwards_is_refused():
    with pytest.raises(InputError, match="starts"):
        review_window(TODAY, since=date(2027, 1, 1))


def test_dates_are_iso():
    assert parse_date("2025/09/17") == date(2025, 9, 17)
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        parse_date("17.09.2025", "--since")
