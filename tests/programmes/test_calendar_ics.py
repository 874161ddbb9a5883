"""The .ics timetable, parsed back with the icalendar library, and the timetables it is made of."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar
from sqlalchemy.orm import Session, sessionmaker

from bot.programmes.calendar import cohort_timetable, person_timetable, timetable_ics
from db.engine import unit_of_work
from db.enums import SessionChangeKind, SessionStatus
from db.models import SessionChange
from tests.support.programmes import make_cohort, make_group, make_person, make_session


def test_each_session_is_one_event_with_utc_times_and_a_stable_uid(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        cohort = make_cohort(session)
        workshop = make_session(
            session,
            cohort,
            "Two-day workshop",
            starts_at=datetime(2017, 3, 7, 9, tzinfo=UTC),
            hours=32,
        )
        workshop.location = "Leeds & York"
        optional = make_session(session, cohort, "Webinar", compulsory=False)
        optional.video_url = "https://meet.example.org/x"
        optional.status = SessionStatus.CANCELLED
        session.add(
            SessionChange(
                session=optional, kind=SessionChangeKind.CANCELLED, changed_by="U1", reason="ill"
            )
        )
        session.flush()
        text = timetable_ics(cohort_timetable(session, cohort_id=cohort.id), calendar_name="2017")
        ids = (workshop.id, optional.id)

    calendar = Calendar.from_ical(text)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {f"session-{ids[0]}@cohortbot", f"session-{ids[1]}@cohortbot"}
    first = events[f"session-{ids[0]}@cohortbot"]
    assert first.decoded("dtstart") == datetime(2017, 3, 7, 9, tzinfo=UTC)
    assert first.decoded("dtend") == datetime(2017, 3, 8, 17, tzinfo=UTC)
    assert str(first["summary"]) == "Two-day workshop"
    assert str(first["location"]) == "Leeds & York"
    assert "Compulsory" in str(first["description"])
    assert str(first["status"]) == "CONFIRMED" and first.decoded("sequence") == 0
    second = events[f"session-{ids[1]}@cohortbot"]
    assert str(second["status"]) == "CANCELLED"
    assert str(second["url"]) == "https://meet.example.org/x"
    assert "Optional" in str(second["description"])
    assert second.decoded("sequence") == 1
    assert str(calendar["x-wr-calname"]) == "2017"


def test_person_timetable_holds_whole_cohort_and_own_group_sessions_in_order(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        cohort = make_cohort(session)
        red = make_group(session, cohort, "Red")
        blue = make_group(session, cohort, "Blue")
        ann = make_person(session, cohort, "Ann", group=red)
        loner = make_person(session, cohort, "Lee")
        make_session(session, cohort, "Later", starts_at=datetime(2017, 5, 1, 9, tzinfo=UTC))
        make_session(session, cohort, "Red set", group=red)
        make_session(session, cohort, "Blue set", group=blue)
        make_session(session, cohort, "Sooner", starts_at=datetime(2017, 2, 6, 9, tzinfo=UTC))

        titles = [row.title for row in person_timetable(session, enrolment_id=ann.id)]
        assert titles == ["Sooner", "Red set", "Later"]
        titles = [row.title for row in person_timetable(session, enrolment_id=loner.id)]
        assert titles == ["Sooner", "Later"]
