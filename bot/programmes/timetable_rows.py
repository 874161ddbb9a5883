"""Reading one row of a timetable: its cohort, kind, title, dates, times, groups and place, as the
sessions it describes (one per date), or the errors that stop it, by column.

The import (`timetable_import`) plans, checks and applies what these rows describe.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.core.dates import local_instant
from bot.programmes.planned_dates import (
    DateError,
    PlannedDates,
    parse_planned_dates,
)
from bot.programmes.programmes import programme_zone
from bot.programmes.timetable import ALL_DAY_ENDS, ALL_DAY_STARTS, KIND_LABELS
from bot.programmes.timetable_table import TableRow
from db.enums import SessionKind
from db.models import ActionLearningGroup, Cohort

_KINDS: dict[str, SessionKind] = {
    **{label.casefold(): kind for kind, label in KIND_LABELS.items()},
    **{kind.value: kind for kind in SessionKind},
    **{kind.value.replace("_", " "): kind for kind in SessionKind},
    "als": SessionKind.ACTION_LEARNING_SET,
    "od": SessionKind.ORGANISATIONAL_DEVELOPMENT,
    "coaching": SessionKind.COACHING,
}
_YES = {"yes", "y", "true", "compulsory", "required", "1", ""}
_NO = {"no", "n", "false", "optional", "0"}
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")
_TIME_RANGE = re.compile(r"\s*(?:-|\u2013|\u2014|\bto\b)\s*")
_GROUPS = re.compile(r"\s*(?:,|&|\band\b|/)\s*")
Fail = Callable[[str, str], None]


@dataclass(frozen=True)
class RowError:
    """A problem with one cell: row number (the header is row 1), column and what is wrong."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class PlannedSession:
    """One session a row describes, as it would be saved."""

    row: int
    cohort: Cohort
    kind: SessionKind
    title: str
    dates: PlannedDates
    times: tuple[time, time] | None
    group: ActionLearningGroup | None
    location: str | None
    video_url: str | None
    compulsory: bool
    starts_at: datetime
    ends_at: datetime
    # NEW, DAY_SET (a session planned for a month or week gets its day), or one of the states
    # of a session already there, left as it is.
    state: str = "new"
    existing_id: int | None = None
    warnings: tuple[str, ...] = ()

    @property
    def all_day(self) -> bool:
        """No times: planned by the day."""
        return self.times is None


def row_sessions(
    session: Session, row: TableRow, cohorts: dict[str, Cohort], errors: list[RowError]
) -> list[PlannedSession]:
    """The sessions of one row (one per date), or none with its errors added."""
    cells, found = row.cells, len(errors)

    def fail(column: str, message: str) -> None:
        errors.append(RowError(row.number, column, message))

    cohort = cohorts.get(cells.get("cohort", "").casefold())
    if cohort is None:
        known = ", ".join(sorted(c.name for c in cohorts.values())) or "none yet"
        fail("cohort", f"'{cells.get('cohort', '')}' is not a cohort of it (cohorts: {known})")
    kind = _KINDS.get(" ".join(cells.get("kind", "").casefold().split()))
    if kind is None:
        fail(
            "kind",
            f"'{cells.get('kind', '')}' is not one of {', '.join(KIND_LABELS.values())}, Coaching",
        )
    title = " ".join(cells.get("title", "").split())
    if not title:
        fail("title", "give the session a title")
    elif len(title) > 200:
        fail("title", "is longer than 200 characters")
    try:
        all_dates = parse_planned_dates(cells.get("dates", ""))
    except DateError as error:
        fail("dates", str(error))
        all_dates = []
    times = _times(cells.get("times", ""), fail)
    if times is not None and any(d.tbc for d in all_dates):
        fail("times", "a time needs a day: leave it blank until the day is set")
    compulsory_text = cells.get("compulsory", "").casefold()
    if compulsory_text not in _YES | _NO:
        fail("compulsory", f"'{cells.get('compulsory', '')}' is not yes or no")
    location = cells.get("location", "").strip() or None
    video_url = None
    if location and location.startswith(("https://", "http://")):
        video_url, location = location, None
    groups = _groups(cohort, cells.get("group", ""), len(all_dates), fail) if cohort else []
    if len(errors) > found or cohort is None or kind is None:
        return []
    zone = programme_zone(cohort)
    return [
        PlannedSession(
            row=row.number,
            cohort=cohort,
            kind=kind,
            title=title,
            dates=dates,
            times=times,
            group=group,
            location=location,
            video_url=video_url,
            compulsory=compulsory_text not in _NO,
            starts_at=_instant(dates, times, zone, start=True),
            ends_at=_instant(dates, times, zone, start=False),
        )
        for dates, group in zip(all_dates, groups, strict=True)
    ]


def _instant(
    dates: PlannedDates, times: tuple[time, time] | None, zone: ZoneInfo, *, start: bool
) -> datetime:
    # All day (or day to be confirmed) is the working day, so that reminders, check-in and
    # overlaps treat it as people do; only how it is shown says "all day".
    start_at, end_at = times if times is not None else (ALL_DAY_STARTS, ALL_DAY_ENDS)
    return local_instant(dates.first if start else dates.last, start_at if start else end_at, zone)


def _times(text: str, fail: Fail) -> tuple[time, time] | None:
    if not text.strip():
        return None
    parts = _TIME_RANGE.split(text.strip().lower())
    read = [_time(part) for part in parts]
    if len(parts) != 2 or None in read:
        fail("times", f"'{text}' is not a start and end such as 10:00-16:00 (or leave it blank)")
        return None
    start, end = read
    assert start is not None and end is not None
    if end <= start:
        fail("times", f"'{text}': the end must be after the start")
        return None
    return start, end


def _time(text: str) -> time | None:
    match = _TIME.match(text.strip())
    if match is None:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half is None and match.group(2) is None:
        return None  # "10-4" is too unclear: 10:00 to 04:00?
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _groups(cohort: Cohort, text: str, dates: int, fail: Fail) -> list[ActionLearningGroup | None]:
    if not text.strip() or text.strip().casefold() in {"all", "whole cohort", "everyone"}:
        return [None] * dates
    by_name = {g.name.casefold(): g for g in cohort.groups}
    names = [name for name in _GROUPS.split(text.strip()) if name]
    found: list[ActionLearningGroup | None] = []
    for name in names:
        group = by_name.get(name.casefold()) or by_name.get(f"group {name}".casefold())
        if group is None:
            known = ", ".join(g.name for g in cohort.groups) or "none yet: split the cohort first"
            fail("group", f"'{name}' is not a group of {cohort.name} (groups: {known})")
            return []
        found.append(group)
    if len(found) == 1:
        return found * dates
    if dates and len(found) != dates:
        fail(
            "group", f"names {len(found)} groups for {dates} dates: give one group, or one per date"
        )
        return []
    return found
