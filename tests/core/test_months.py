"""Adding calendar months clamps to the end of shorter months."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.months import add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2017, 2, 1), 12, date(2018, 2, 1)),
        (date(2017, 1, 31), 1, date(2017, 2, 28)),
        (date(2016, 1, 31), 1, date(2016, 2, 29)),
        (date(2017, 8, 31), 6, date(2018, 2, 28)),
        (date(2017, 11, 15), 3, date(2018, 2, 15)),
        (date(2017, 3, 31), -1, date(2017, 2, 28)),
        (date(2017, 5, 31), 1, date(2017, 6, 30)),
        (date(2017, 12, 31), 0, date(2017, 12, 31)),
    ],
)
def test_add_months_clamps_the_day(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected
