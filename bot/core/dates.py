"""Dates and times typed by people, read strictly: an impossible date is refused, naming the field."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.core.errors import InvalidInput
from bot.core.mrkdwn import shorten

# Month names and the abbreviations people type, to their numbers.
MONTHS = {
    name: number
    for number, names in enumerate(
        (
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
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_WORDS = re.compile(
    r"^(?:[a-z]{3,9},?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?(?:\s+(\d{4}))?$"
)
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")

EXAMPLES = "such as 2017-02-23, 23/02/2017 or 23 Feb 2017"


def parse_date(
    text: str,
    field: str,
    *,
    default_year: int | None = None,
    on_or_after: date | None = None,
) -> date:
    """Read a date ('2017-02-23', '23/02/2017', '23 February 2017', 'Thu 23 Feb'), or refuse it.

    A day and month with no year takes `default_year`, or, given `on_or_after`, means the next
    such date from that day on ('1 Jan' typed in December is next January).
    """
    cleaned = " ".join(text.strip().lower().split())
    if match := _ISO.match(cleaned):
        year, month, day = (int(part) for part in match.groups())
    elif match := _NUMERIC_UK.match(cleaned):
        day, month, year = (int(part) for part in match.groups())
    elif match := _WORDS.match(cleaned):
        day = int(match.group(1))
        month_name = match.group(2)
        if month_name not in MONTHS:
            raise InvalidInput(
                f"{field}: '{shorten(text)}' has no month I recognise ({EXAMPLES}).", field=field
            )
        month = MONTHS[month_name]
        if match.group(3) is None:
            if on_or_after is not None:
                return _next_day_and_month(day, month, on_or_after, text, field)
            if default_year is None:
                raise InvalidInput(
                    f"{field}: '{shorten(text)}' needs a year ({EXAMPLES}).", field=field
                )
        year = int(match.group(3)) if match.group(3) else int(default_year or 0)
    else:
        raise InvalidInput(
            f"{field}: '{shorten(text)}' is not a date I can read ({EXAMPLES}).", field=field
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(f"{field}: '{shorten(text)}' is not a real date.", field=field) from None


def _next_day_and_month(day: int, month: int, earliest: date, text: str, field: str) -> date:
    # Eight years always include a leap year, so 29 February finds its next occurrence.
    for year in range(earliest.year, earliest.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= earliest:
            return candidate
    raise InvalidInput(f"{field}: '{shorten(text)}' is not a real date.", field=field)


def parse_time(text: str, field: str) -> time:
    """Read a 24-hour time such as 09:30, or refuse it."""
    match = _TIME.match(text.strip())
    if match is None:
        raise InvalidInput(f"{field}: '{shorten(text)}' is not a time such as 09:30.", field=field)
    hour, minute = int(match.group(1)), int(match.group(2))
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InvalidInput(f"{field}: '{shorten(text)}' is not a real time.", field=field)
    return time(hour, minute)


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`day` at `at` in `tz`, as an aware datetime (the earlier reading when the clocks go back)."""
    return datetime.combine(day, at, tzinfo=tz)
