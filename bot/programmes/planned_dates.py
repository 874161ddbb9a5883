"""Dates as UK coordinators write them in a timetable, read strictly.

Accepted forms (case and spacing do not matter; an en or em dash is a hyphen; a weekday before a
day, as in "Wed 12 September 2018", is checked against the date):

| written | means |
|---|---|
| `12 September 2018`, `12 Sep 2018`, `2018-09-12`, `12/09/2018` | one day |
| `12-13 September 2018`, `8-9 Oct 2018` (or with an en dash), `30 Sep - 2 Oct 2018`, `12 Sep to 13 Sep 2018` | one session over consecutive days |
| `3 and 17 October 2018`, `6 & 20 Nov 2018`, `3, 10 and 17 Oct 2018` | a session on each date (one per group, say) |
| `January 2019` | the month is known, the day is to be confirmed |
| `w/c 4 February 2019` (or `week commencing`) | the week (from a Monday) is known, the day is to be confirmed |

The month and year written last apply to the days before them that have none ("3 and 17 October
2018"). A date with no year is refused: a timetable often spans two years. So is an impossible
date ("31 February 2019", "30-32 January 2019"), a range that ends before it starts, one longer
than `MAX_SPAN_DAYS`, and a weekday that does not match its date.

Why not a general parser (dateparser, dateutil): both guess what is missing from today's date and
read "3 and 17 October" as one date, where a timetable needs every day stated and a refusal of
anything else.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.core.dates import MONTHS, parse_date
from bot.core.errors import InvalidInput

MAX_SPAN_DAYS = 14
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_END = re.compile(
    r"^(?:(?P<weekday>[a-z]+),?\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:\s+(?P<month>[a-z]+)\.?)?(?:,?\s+(?P<year>\d{4}))?$"
)
_MONTH_ONLY = re.compile(r"^(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})$")
_WEEK_COMMENCING = re.compile(
    r"^(?:w/?c|w\.c\.|week\s+commencing|week\s+beginning)\s+(?P<rest>.+)$"
)
_NUMERIC = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}/\d{1,2}/\d{4}$")
_LIST = re.compile(r"\s*(?:,|&|\band\b)\s*")
_RANGE = re.compile(r"\s*(?:-|\bto\b)\s*")


class Precision(StrEnum):
    """How much of a planned date is known."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class PlannedDates:
    """One session's days: `first` to `last`, or the week or month it falls in (day TBC)."""

    first: date
    last: date
    precision: Precision = Precision.DAY

    @property
    def tbc(self) -> bool:
        """Whether the day is still to be confirmed."""
        return self.precision != Precision.DAY


class DateError(ValueError):
    """Why a timetable date cannot be read, as a sentence for the coordinator."""


@dataclass(frozen=True)
class _End:
    day: int
    month: int | None
    year: int | None
    weekday: int | None


def parse_planned_dates(text: str) -> list[PlannedDates]:
    """The sessions a timetable's date cell describes, or `DateError` saying why not."""
    cleaned = " ".join(text.replace("\u2013", "-").replace("\u2014", "-").lower().split())
    if not cleaned:
        raise DateError("the date is missing")
    if match := _WEEK_COMMENCING.match(cleaned):
        monday = _one_day(match.group("rest"), text)
        if monday.weekday() != 0:
            raise DateError(
                f"'{text}': {_spoken(monday)} is a {_DAY_NAMES[monday.weekday()]}; "
                "a week commencing is a Monday"
            )
        return [PlannedDates(monday, monday + timedelta(days=4), Precision.WEEK)]
    if (match := _MONTH_ONLY.match(cleaned)) and match.group("month") in MONTHS:
        year, month = int(match.group("year")), MONTHS[match.group("month")]
        length = calendar.monthrange(year, month)[1]
        return [PlannedDates(date(year, month, 1), date(year, month, length), Precision.MONTH)]
    if _NUMERIC.match(cleaned):
        day = _one_day(cleaned, text)
        return [PlannedDates(day, day)]
    parts = _LIST.split(cleaned)
    ranges = [_RANGE.split(part) for part in parts]
    if any(len(ends) > 2 or not all(ends) for ends in ranges):
        raise DateError(f"'{text}' is not a date I can read (such as 12-13 September 2018)")
    ends = [_end(end, text) for part in ranges for end in part]
    filled = _fill_from_the_right(ends, text)
    sessions: list[PlannedDates] = []
    position = 0
    for part in ranges:
        first = filled[position]
        last = filled[position + len(part) - 1]
        position += len(part)
        if last < first:
            raise DateError(f"'{text}': the range ends before it starts")
        if (last - first).days + 1 > MAX_SPAN_DAYS:
            raise DateError(f"'{text}' spans more than {MAX_SPAN_DAYS} days")
        sessions.append(PlannedDates(first, last))
    return sessions


def _one_day(part: str, text: str) -> date:
    if _NUMERIC.match(part):
        try:
            return parse_date(part, "date")
        except InvalidInput:
            raise DateError(f"'{text}' is not a real date") from None
    (day,) = _fill_from_the_right([_end(part, text)], text)
    return day


def _end(part: str, text: str) -> _End:
    match = _END.match(part)
    if match is None:
        raise DateError(f"'{text}' is not a date I can read (such as 12-13 September 2018)")
    month_name, weekday_name = match.group("month"), match.group("weekday")
    if month_name is not None and month_name not in MONTHS:
        raise DateError(f"'{text}' has no month I recognise in '{part}'")
    if weekday_name is not None and weekday_name not in _WEEKDAYS:
        raise DateError(f"'{text}' is not a date I can read ('{weekday_name}' is no weekday)")
    return _End(
        day=int(match.group("day")),
        month=MONTHS[month_name] if month_name else None,
        year=int(match.group("year")) if match.group("year") else None,
        weekday=_WEEKDAYS[weekday_name] if weekday_name else None,
    )


def _fill_from_the_right(ends: list[_End], text: str) -> list[date]:
    """Each end as a date, taking a missing month and year from the next end that has them."""
    month, year = None, None
    days: list[date] = []
    for end in reversed(ends):
        if end.year is not None:
            year = end.year
        if end.month is not None:
            month = end.month
        elif end.year is not None:
            raise DateError(f"'{text}' gives a year with no month")
        if month is None or year is None:
            missing = "a month and year" if month is None else "a year"
            raise DateError(f"'{text}' needs {missing} (such as 12 September 2018)")
        try:
            day = date(year, month, end.day)
        except ValueError:
            raise DateError(
                f"'{text}': {end.day} {calendar.month_name[month]} {year} is not a real date"
            ) from None
        if end.weekday is not None and day.weekday() != end.weekday:
            raise DateError(
                f"'{text}': {_spoken(day)} is a {_DAY_NAMES[day.weekday()]}, "
                f"not a {_DAY_NAMES[end.weekday]}"
            )
        days.append(day)
    return list(reversed(days))


def _spoken(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def written(dates: PlannedDates) -> str:
    """`dates` the way this module reads them back ('12-13 September 2018', 'January 2019')."""
    first, last = dates.first, dates.last
    if dates.precision == Precision.MONTH:
        return f"{calendar.month_name[first.month]} {first.year}"
    if dates.precision == Precision.WEEK:
        return f"w/c {_spoken(first)}"
    if first == last:
        return _spoken(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}-{_spoken(last)}"
    if first.year == last.year:
        return f"{first.day} {calendar.month_name[first.month]} - {_spoken(last)}"
    return f"{_spoken(first)} - {_spoken(last)}"
