"""Timetable dates as UK coordinators write them: every accepted form, and what is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.programmes.planned_dates import (
    MAX_SPAN_DAYS,
    DateError,
    PlannedDates,
    Precision,
    parse_planned_dates,
    written,
)

D = Precision.DAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 September 2018", [PlannedDates(date(2018, 9, 12), date(2018, 9, 12))]),
        ("Wed 12th Sept 2018", [PlannedDates(date(2018, 9, 12), date(2018, 9, 12))]),
        ("2018-09-12", [PlannedDates(date(2018, 9, 12), date(2018, 9, 12))]),
        ("12/09/2018", [PlannedDates(date(2018, 9, 12), date(2018, 9, 12))]),
        ("12-13 September 2018", [PlannedDates(date(2018, 9, 12), date(2018, 9, 13))]),
        ("8\u20139 Oct 2018", [PlannedDates(date(2018, 10, 8), date(2018, 10, 9))]),
        ("30 Sep - 2 Oct 2018", [PlannedDates(date(2018, 9, 30), date(2018, 10, 2))]),
        ("31 Dec 2018 \u2014 1 Jan 2019", [PlannedDates(date(2018, 12, 31), date(2019, 1, 1))]),
        ("12 Sep to 13 Sep 2018", [PlannedDates(date(2018, 9, 12), date(2018, 9, 13))]),
        (
            "3 and 17 October 2018",
            [
                PlannedDates(date(2018, 10, 3), date(2018, 10, 3)),
                PlannedDates(date(2018, 10, 17), date(2018, 10, 17)),
            ],
        ),
        (
            "6 & 20 Nov 2018",
            [
                PlannedDates(date(2018, 11, 6), date(2018, 11, 6)),
                PlannedDates(date(2018, 11, 20), date(2018, 11, 20)),
            ],
        ),
        (
            "3, 10-11 and 17 Oct 2018",
            [
                PlannedDates(date(2018, 10, 3), date(2018, 10, 3)),
                PlannedDates(date(2018, 10, 10), date(2018, 10, 11)),
                PlannedDates(date(2018, 10, 17), date(2018, 10, 17)),
            ],
        ),
        ("January 2019", [PlannedDates(date(2019, 1, 1), date(2019, 1, 31), Precision.MONTH)]),
        ("Feb 2020", [PlannedDates(date(2020, 2, 1), date(2020, 2, 29), Precision.MONTH)]),
        (
            "w/c 4 February 2019",
            [PlannedDates(date(2019, 2, 4), date(2019, 2, 8), Precision.WEEK)],
        ),
        (
            "Week commencing 4 Feb 2019",
            [PlannedDates(date(2019, 2, 4), date(2019, 2, 8), Precision.WEEK)],
        ),
    ],
)
def test_the_forms_coordinators_write(text: str, expected: list[PlannedDates]) -> None:
    assert parse_planned_dates(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31 February 2019", "31 February 2019 is not a real date"),
        ("30-32 January 2019", "32 January 2019 is not a real date"),
        ("29 Feb 2019", "29 February 2019 is not a real date"),
        ("12 September", "needs a year"),
        ("12-13", "needs a month and year"),
        ("13-12 September 2018", "ends before it starts"),
        ("1-20 September 2018", f"spans more than {MAX_SPAN_DAYS} days"),
        ("Tue 12 Sep 2018", "12 September 2018 is a Wednesday, not a Tuesday"),
        ("w/c 5 February 2019", "is a Tuesday; a week commencing is a Monday"),
        ("12 Septober 2018", "no month I recognise"),
        ("next Tuesday", "not a date I can read"),
        ("", "missing"),
        ("31/02/2019", "not a real date"),
    ],
)
def test_impossible_or_unclear_dates_are_refused(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_planned_dates(text)


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@given(first=days, length=st.integers(min_value=1, max_value=MAX_SPAN_DAYS))
def test_any_span_written_back_reads_the_same(first: date, length: int) -> None:
    planned = PlannedDates(first, first + timedelta(days=length - 1))

    assert parse_planned_dates(written(planned)) == [planned]


@given(day=days)
def test_any_month_or_week_written_back_reads_the_same(day: date) -> None:
    (month,) = parse_planned_dates(written(PlannedDates(day, day, Precision.MONTH)))
    monday = day - timedelta(days=day.weekday())
    (week,) = parse_planned_dates(written(PlannedDates(monday, monday, Precision.WEEK)))

    assert (month.first, month.precision) == (day.replace(day=1), Precision.MONTH)
    assert month.last.month == day.month and (month.last + timedelta(days=1)).day == 1
    assert (week.first, week.last, week.precision) == (
        monday,
        monday + timedelta(days=4),
        Precision.WEEK,
    )


@given(st.lists(st.tuples(days, st.integers(1, 3)), min_size=1, max_size=4))
def test_a_list_of_dates_reads_as_one_session_each(spans: list[tuple[date, int]]) -> None:
    planned = [PlannedDates(d, d + timedelta(days=n - 1)) for d, n in spans]

    assert parse_planned_dates(" and ".join(written(p) for p in planned)) == planned


@given(st.text(alphabet="0123456789 -/&,abcdefghijklmnoprstuvwyJSFMAOND\u2013", max_size=40))
def test_any_text_is_read_or_refused_with_a_reason(text: str) -> None:
    try:
        sessions = parse_planned_dates(text)
    except DateError as error:
        assert str(error)
        return
    assert sessions
    for planned in sessions:
        assert planned.first <= planned.last
        assert (planned.last - planned.first).days < 31
