"""Who is reminded of what, and when."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.core.working_hours import WorkingHours
from bot.reminders.reminders import DEFAULT_POINTS, due_reminders, reminder_moment
from db.engine import unit_of_work
from db.enums import EnrolmentStatus, RsvpStatus, SessionNotificationPreference
from db.models import LeavePeriod
from tests.support.people import programme_with_session

LONDON = ZoneInfo("Europe/London")
# Thursday 16 March 2017, 10:00 in London.
SESSION_START = datetime(2017, 3, 16, 10, 0, tzinfo=LONDON)


def points_due(db: sessionmaker[Session], now: datetime) -> list[tuple[str, str, datetime]]:
    with unit_of_work(db) as session:
        return [(r.recipient, r.point, r.due_at) for r in due_reminders(session, now)]


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        # 14 days before is Thursday 2 March: 09:00 that day.
        (DEFAULT_POINTS[0], datetime(2017, 3, 2, 9, 0, tzinfo=LONDON)),
        # 2 days before is Tuesday 14 March.
        (DEFAULT_POINTS[1], datetime(2017, 3, 14, 9, 0, tzinfo=LONDON)),
        # The morning of the session.
        (DEFAULT_POINTS[2], datetime(2017, 3, 16, 9, 0, tzinfo=LONDON)),
    ],
)
def test_reminder_moments(point: object, expected: datetime) -> None:
    assert reminder_moment(SESSION_START, point, LONDON, WorkingHours()) == expected  # type: ignore[arg-type]


def test_a_monday_session_is_reminded_two_days_before_on_the_friday() -> None:
    monday = datetime(2017, 3, 20, 10, 0, tzinfo=LONDON)

    moment = reminder_moment(monday, DEFAULT_POINTS[1], LONDON, WorkingHours())

    assert moment == datetime(2017, 3, 17, 9, 0, tzinfo=LONDON)


def test_an_early_session_is_reminded_an_hour_before() -> None:
    early = datetime(2017, 3, 16, 8, 30, tzinfo=LONDON)

    assert reminder_moment(early, DEFAULT_POINTS[2], LONDON, WorkingHours()) == early - timedelta(
        hours=1
    )


def test_nothing_is_due_before_the_first_moment(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        programme_with_session(session, starts_at=SESSION_START)

    assert points_due(db, datetime(2017, 3, 2, 8, 59, tzinfo=LONDON)) == []
    assert points_due(db, datetime(2017, 3, 2, 9, 0, tzinfo=LONDON)) == [
        ("UPART001", "14-days", datetime(2017, 3, 2, 9, 0, tzinfo=LONDON))
    ]


def test_each_person_is_reminded_at_nine_in_their_own_time_zone(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        programme_with_session(
            session,
            starts_at=SESSION_START,
            people={"ULONDON1": None, "UNEWYORK": "America/New_York"},
        )

    due = points_due(db, datetime(2017, 3, 2, 12, 0, tzinfo=LONDON))

    assert due == [("ULONDON1", "14-days", datetime(2017, 3, 2, 9, 0, tzinfo=LONDON))]
    later = points_due(db, datetime(2017, 3, 2, 14, 0, tzinfo=UTC))
    assert (
        "UNEWYORK",
        "14-days",
        datetime(2017, 3, 2, 9, 0, tzinfo=ZoneInfo("America/New_York")),
    ) in later


def test_after_downtime_only_the_latest_reminder_is_owed(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        programme_with_session(session, starts_at=SESSION_START)

    # Down from 1 March to the morning of 15 March: the 14-day and 2-day moments both passed.
    due = points_due(db, datetime(2017, 3, 15, 11, 0, tzinfo=LONDON))

    assert due == [("UPART001", "2-days", datetime(2017, 3, 14, 9, 0, tzinfo=LONDON))]


def test_no_reminder_once_the_session_has_started(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        programme_with_session(session, starts_at=SESSION_START)

    assert points_due(db, SESSION_START + timedelta(minutes=1)) == []


def test_people_who_cannot_come_or_have_left_are_not_reminded(db: sessionmaker[Session]) -> None:
    now = datetime(2017, 3, 14, 10, 0, tzinfo=LONDON)
    with unit_of_work(db) as session:
        _, invitations = programme_with_session(
            session,
            starts_at=SESSION_START,
            people={
                "UDECLINE": None,
                "UWITHDRN": None,
                "UAWAY001": None,
                "UONLEAVE": None,
                "UCOMING1": None,
            },
        )
        declined, withdrawn, away, on_leave, _ = invitations
        declined.rsvp = RsvpStatus.NOT_ATTENDING
        withdrawn.enrolment.status = EnrolmentStatus.WITHDRAWN
        away.enrolment.away_until = date(2017, 3, 20)
        session.add(
            LeavePeriod(
                enrolment=on_leave.enrolment,
                starts_on=date(2017, 1, 1),
                ends_on=None,
                recorded_by="UCOORD01",
            )
        )

    assert [recipient for recipient, _, _ in points_due(db, now)] == ["UCOMING1"]


def test_optional_sessions_respect_each_persons_choice(db: sessionmaker[Session]) -> None:
    now = datetime(2017, 3, 14, 10, 0, tzinfo=LONDON)
    with unit_of_work(db) as session:
        _, invitations = programme_with_session(
            session,
            starts_at=SESSION_START,
            compulsory=False,
            people={"UALL0001": None, "UQUIET01": None},
        )
        invitations[1].enrolment.optional_sessions = SessionNotificationPreference.COMPULSORY_ONLY

    assert [recipient for recipient, _, _ in points_due(db, now)] == ["UALL0001"]
