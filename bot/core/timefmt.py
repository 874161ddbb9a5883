"""Dates and times as people read them in messages: "Tue 4 Jul, 10:00", in their own time zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

# Spelt out rather than taken from strftime's %a/%b, which follow the server's locale.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_day(day: date) -> str:
    """'Tue 4 Jul'."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def day_with_year(day: date) -> str:
    """'Tue 4 Jul 2017'."""
    return f"{format_day(day)} {day.year}"


def format_when(instant: datetime, tz: ZoneInfo) -> str:
    """'Tue 4 Jul, 10:00' in `tz`."""
    if instant.tzinfo is None:
        raise ValueError("cannot show a naive datetime: its time zone is unknown")
    local = instant.astimezone(tz)
    return f"{format_day(local.date())}, {local:%H:%M}"


def format_span(
    starts_at: datetime,
    ends_at: datetime,
    tz: ZoneInfo,
    *,
    all_day: bool = False,
    precision: str = "day",
    with_year: bool = False,
) -> str:
    """A session's when, as one (an all-day session shows its days only): 'Wed 12 Sep 2018, 10:00 to 16:00',
    'Wed 12 Sep to Thu 13 Sep (all day)',
    'January 2019 (date TBC)', 'w/c Mon 4 Feb 2019 (day TBC)'.

    The year is shown when asked
    for, and always for a date still to be confirmed.
    """
    start = starts_at.astimezone(tz)
    end = ends_at.astimezone(tz)
    if precision == "month":
        return f"{_MONTH_NAMES[start.month - 1]} {start.year} (date TBC)"
    if precision == "week":
        return f"w/c {day_with_year(start.date())} (day TBC)"
    year = f" {end.year}" if with_year else ""
    if all_day:
        last = end.date()
        if last == start.date():
            return f"{format_day(last)}{year} (all day)"
        first_year = f" {start.year}" if with_year and start.year != last.year else ""
        return f"{format_day(start.date())}{first_year} to {format_day(last)}{year} (all day)"
    if start.date() == end.date():
        return f"{format_day(start.date())}{year}, {start:%H:%M} to {end:%H:%M}"
    first_year = f" {start.year}" if with_year and start.year != end.year else ""
    return (
        f"{format_day(start.date())}{first_year}, {start:%H:%M} to "
        f"{format_day(end.date())}{year}, {end:%H:%M}"
    )


def year_needed(days: Iterable[date], today: date) -> bool:
    """Whether dates need their year to be clear: some are not in the current year, or they
    span two calendar years."""
    years = {day.year for day in days}
    return bool(years) and (years != {today.year})
