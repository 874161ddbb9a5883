"""When a reminder may reach someone: within working hours on a working day, in their time zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class WorkingHours:
    """The window in which people are happy to be reminded (default 09:00-17:00, Monday-Friday)."""

    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))
    skip_bank_holidays: bool = True

    def is_working_day(self, day: date) -> bool:
        """A listed weekday that is not an England-and-Wales bank holiday."""
        if day.weekday() not in self.weekdays:
            return False
        return not (self.skip_bank_holidays and day in bank_holidays(day.year))

    def next_moment(self, instant: datetime, tz: ZoneInfo) -> datetime:
        """`instant` if it falls in working hours in `tz`, else the start of the next working day."""
        local = instant.astimezone(tz)
        day = local.date()
        if self.is_working_day(day) and self.start <= local.time() < self.end:
            return instant
        if self.is_working_day(day) and local.time() < self.start:
            return datetime.combine(day, self.start, tzinfo=tz)
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        # combine() with a ZoneInfo gives 09:00 local on either side of a clock change.
        return datetime.combine(day, self.start, tzinfo=tz)

    def last_working_day_on_or_before(self, day: date) -> date:
        """`day`, or the nearest earlier working day."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day


@cache
def bank_holidays(year: int) -> holidays.HolidayBase:
    """England-and-Wales bank holidays for `year`, from the maintained `holidays` library."""
    return holidays.country_holidays("GB", subdiv="ENG", years=year)
