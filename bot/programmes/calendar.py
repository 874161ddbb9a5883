"""Timetables: the sessions that apply to a person or a cohort, and the same as an .ics calendar."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.timefmt import format_span, year_needed
from bot.programmes.programmes import programme_window
from db.models import Cohort, Enrolment, ProgrammeSession, SessionStatus

PRODUCT_ID = "-//cohortbot//timetable//EN"


def session_uid(programme_session: ProgrammeSession) -> str:
    """The event's stable UID, so calendars update it rather than adding a copy."""
    return f"session-{programme_session.id}@cohortbot"


def _event(programme_session: ProgrammeSession) -> Event:
    event = Event()
    event.add("uid", session_uid(programme_session))
    # A fixed stamp (the session's last change) keeps the file identical for identical data.
    event.add("dtstamp", programme_session.updated_at.astimezone(UTC))
    if programme_session.all_day:
        # All day in calendars too: dates, the end being the day after the last (RFC 5545).
        zone = ZoneInfo(programme_session.cohort.programme.timezone)
        first = programme_session.starts_at.astimezone(zone).date()
        last = programme_session.ends_at.astimezone(zone).date()
        event.add("dtstart", first)
        event.add("dtend", last + timedelta(days=1))
    else:
        event.add("dtstart", programme_session.starts_at.astimezone(UTC))
        event.add("dtend", programme_session.ends_at.astimezone(UTC))
    event.add("summary", programme_session.title)
    if programme_session.location:
        event.add("location", programme_session.location)
    if programme_session.video_url:
        event.add("url", programme_session.video_url)
        if not programme_session.location:
            event.add("location", programme_session.video_url)
    attendance = "Compulsory" if programme_session.compulsory else "Optional"
    description = f"{attendance} {programme_session.kind.value.replace('_', ' ')}."
    if programme_session.change_reason:
        description += f" Changed: {programme_session.change_reason}"
    event.add("description", description)
    cancelled = programme_session.status == SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # Outlook applies an update only when the sequence number goes up.
    event.add("sequence", len(programme_session.changes))
    return event


def timetable_ics(sessions: Sequence[ProgrammeSession], *, calendar_name: str) -> str:
    """An iCalendar file with one event per session (cancelled ones marked as such)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    for programme_session in sessions:
        # A session still to be dated has no day to put in a calendar yet.
        if programme_session.status != SessionStatus.DATE_TBC:
            calendar.add_component(_event(programme_session))
    ical: bytes = calendar.to_ical()
    return ical.decode("utf-8")


def cohort_timetable(session: Session, *, cohort_id: int) -> list[ProgrammeSession]:
    """Every session of the cohort (whole-cohort and group ones), in order."""
    return list(
        session.scalars(
            select(ProgrammeSession)
            .where(ProgrammeSession.cohort_id == cohort_id)
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
    )


def person_timetable(session: Session, *, enrolment_id: int) -> list[ProgrammeSession]:
    """The sessions that apply to the enrolment (whole cohort, or its group), in order."""
    enrolment = session.get_one(Enrolment, enrolment_id)
    group_id = enrolment.action_learning_group_id
    return [
        programme_session
        for programme_session in cohort_timetable(session, cohort_id=enrolment.cohort_id)
        if programme_session.action_learning_group_id in (None, group_id)
    ]


def session_span(programme_session: ProgrammeSession, tz: ZoneInfo, *, with_year: bool) -> str:
    """When the session is, as one: all day, over several days, or still to be dated."""
    return format_span(
        programme_session.starts_at,
        programme_session.ends_at,
        tz,
        all_day=programme_session.all_day,
        precision=programme_session.date_precision.value,
        with_year=with_year,
    )


def year_shown(cohort: Cohort, sessions: Sequence[ProgrammeSession], today: date) -> bool:
    """Whether a timetable shows years: its programme spans two calendar years, or a session
    is not in the current year."""
    days = [d for s in sessions for d in (s.starts_at.date(), s.ends_at.date())]
    window = programme_window(cohort)
    if window is not None:
        days += [window[0], window[1]]
    return year_needed(days, today)
