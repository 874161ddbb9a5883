"""Dates and times as people read them in messages: "Tue 4 Jul, 10:00", in their own time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

# Spelt out rather than taken from strftime's %a/%b, which follow the server's locale.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
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
