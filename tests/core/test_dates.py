"""Dates people type are read strictly."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.core.dates import parse_date, parse_time
from bot.core.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-02-23", date(2017, 2, 23)),
        ("23/02/2017", date(2017, 2, 23)),
        ("23 February 2017", date(2017, 2, 23)),
        ("Thu 23rd Feb 2017", date(2017, 2, 23)),
        ("29 Feb 2016", date(2016, 2, 29)),
    ],
)
def test_readable_dates(text: str, expected: date) -> None:
    assert parse_date(text, "Start date") == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("23-34 February 2017", "is not a date I can read"),
        ("30 Feb 2017", "is not a real date"),
        ("29 Feb 2017", "is not a real date"),
        ("2017-13-01", "is not a real date"),
        ("31/04/2017", "is not a real date"),
        ("23 Febtember 2017", "has no month I recognise"),
        ("23 Feb", "needs a year"),
        ("next Tuesday", "is not a date I can read"),
    ],
)
def test_impossible_dates_are_refused_naming_the_field(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, "Start date")

    assert caught.value.field == "Start date"
    assert str(caught.value).startswith(f"Start date: '{text}' {reason}")


def test_year_can_be_implied() -> None:
    assert parse_date("30 Mar", "Date", default_year=2017) == date(2017, 3, 30)
    with pytest.raises(InvalidInput, match="not a real date"):
        parse_date("30 Feb", "Date", default_year=2017)


def test_times() -> None:
    assert parse_time("09:30", "Start time") == time(9, 30)
    with pytest.raises(InvalidInput, match="not a real time"):
        parse_time("25:00", "Start time")


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("7 Dec", date(2017, 2, 1), date(2017, 12, 7)),
        ("1 January", date(2017, 12, 20), date(2018, 1, 1)),
        ("1 Jan", date(2017, 1, 1), date(2017, 1, 1)),
        ("29 Feb", date(2017, 3, 1), date(2020, 2, 29)),
        ("23 Feb 2017", date(2017, 3, 1), date(2017, 2, 23)),
    ],
)
def test_a_day_and_month_is_the_next_such_date(text: str, today: date, expected: date) -> None:
    assert parse_date(text, "Date", on_or_after=today) == expected


def test_an_impossible_day_and_month_is_refused_even_with_no_year() -> None:
    with pytest.raises(InvalidInput, match="not a real date"):
        parse_date("31 Feb", "Date", on_or_after=date(2017, 1, 1))
