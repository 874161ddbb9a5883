"""Reminders land inside working hours, in the recipient's time zone, around DST and bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.core.working_hours import WorkingHours

LONDON = ZoneInfo("Europe/London")
HOURS = WorkingHours()


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # Inside hours: unchanged.
        (datetime(2017, 2, 1, 10, 0, tzinfo=LONDON), datetime(2017, 2, 1, 10, 0, tzinfo=LONDON)),
        # Before nine: nine the same day.
        (datetime(2017, 2, 1, 7, 30, tzinfo=LONDON), datetime(2017, 2, 1, 9, 0, tzinfo=LONDON)),
        # After five on a Friday: Monday at nine.
        (datetime(2017, 2, 3, 17, 0, tzinfo=LONDON), datetime(2017, 2, 6, 9, 0, tzinfo=LONDON)),
        # Saturday: Monday.
        (datetime(2017, 2, 4, 11, 0, tzinfo=LONDON), datetime(2017, 2, 6, 9, 0, tzinfo=LONDON)),
        # Good Friday and Easter Monday 2017 are bank holidays: Tuesday.
        (datetime(2017, 4, 13, 18, 0, tzinfo=LONDON), datetime(2017, 4, 18, 9, 0, tzinfo=LONDON)),
        # The late summer bank holiday.
        (datetime(2017, 8, 28, 10, 0, tzinfo=LONDON), datetime(2017, 8, 29, 9, 0, tzinfo=LONDON)),
    ],
)
def test_moves_into_the_next_working_window(instant: datetime, expected: datetime) -> None:
    assert HOURS.next_moment(instant, LONDON) == expected


@pytest.mark.parametrize(
    ("before", "after_utc"),
    [
        # Clocks go forward on Sun 26 Mar 2017: Monday 09:00 is 08:00 UTC (BST).
        (datetime(2017, 3, 25, 12, 0, tzinfo=UTC), datetime(2017, 3, 27, 8, 0, tzinfo=UTC)),
        # Clocks go back on Sun 29 Oct 2017: Monday 09:00 is 09:00 UTC (GMT).
        (datetime(2017, 10, 28, 12, 0, tzinfo=UTC), datetime(2017, 10, 30, 9, 0, tzinfo=UTC)),
    ],
)
def test_nine_oclock_stays_nine_oclock_local_across_clock_changes(
    before: datetime, after_utc: datetime
) -> None:
    moved = HOURS.next_moment(before, LONDON)

    assert moved == after_utc
    assert moved.astimezone(LONDON).time() == time(9, 0)


def test_the_recipients_own_time_zone_is_used() -> None:
    new_york = ZoneInfo("America/New_York")
    # 10:00 in London is 05:00 in New York: too early there.
    moved = HOURS.next_moment(datetime(2017, 2, 1, 10, 0, tzinfo=LONDON), new_york)

    assert moved == datetime(2017, 2, 1, 9, 0, tzinfo=new_york)


def test_last_working_day_skips_back_over_weekends_and_holidays() -> None:
    assert HOURS.last_working_day_on_or_before(date(2017, 4, 17)) == date(2017, 4, 13)
    assert HOURS.last_working_day_on_or_before(date(2017, 2, 1)) == date(2017, 2, 1)
