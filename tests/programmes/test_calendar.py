"""`/cohort calendar`: coordinators see a cohort's timetable; participants get theirs as an .ics file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from bot.programmes.invitations import ensure_invitations
from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import DatePrecision, SessionKind, SessionStatus
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.support.programmes import (
    command_reply,
    make_cohort,
    make_group,
    make_person,
    make_session,
)


def plan(runtime: Runtime, extra_sessions: int = 0) -> None:
    with unit_of_work(runtime.session_factory) as session:
        cohort = make_cohort(session)
        red = make_group(session, cohort, "Red")
        blue = make_group(session, cohort, "Blue")
        make_person(session, cohort, "Pat", slack_user_id=PARTICIPANT, group=red)
        make_session(session, cohort, "Launch workshop")
        make_session(
            session, cohort, "Red set", group=red, starts_at=datetime(2017, 4, 4, 9, tzinfo=UTC)
        )
        make_session(
            session, cohort, "Blue set", group=blue, starts_at=datetime(2017, 4, 5, 9, tzinfo=UTC)
        )
        for day in range(extra_sessions):
            make_session(
                session,
                cohort,
                f"Extra {day}",
                starts_at=datetime(2017, 5, 1, 9, tzinfo=UTC) + timedelta(days=day),
            )


def test_coordinator_sees_the_whole_cohort_timetable(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    plan(runtime)

    reply = command_reply(slack, standin, COORDINATOR, 'calendar "Aspiring Directors" 2017')

    assert "3 sessions" in reply
    result = standin.responses[-1][1]
    shown = "\n".join(b["text"]["text"] for b in result["blocks"] if b["type"] == "section")
    assert "Launch workshop" in shown and "Red set" in shown and "Blue set" in shown
    # The programme (from 1 Feb 2017, twelve months) spans two calendar years: dates say which.
    assert "Tue 7 Mar 2017, 10:00 to 13:00" in shown
    assert not standin.files


def test_a_long_timetable_stays_within_slacks_block_limit(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    plan(runtime, extra_sessions=120)

    command_reply(slack, standin, COORDINATOR, "calendar 2017")

    blocks = standin.responses[-1][1]["blocks"]
    assert len(blocks) <= 50
    assert "Extra 119" in "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")


def test_participant_gets_their_own_timetable_and_an_ics_in_their_dm(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    plan(runtime)

    reply = command_reply(slack, standin, PARTICIPANT, "calendar")

    assert "Your timetable" in reply and "2 sessions" in reply
    (uploaded,) = standin.files.values()
    assert uploaded.filename == "cohort-timetable.ics"
    assert uploaded.channels == [standin.im_channel_id(PARTICIPANT)]
    assert uploaded.content is not None
    calendar = Calendar.from_ical(uploaded.content)
    titles = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert titles == ["Launch workshop", "Red set"]


def test_someone_not_enrolled_is_told_they_have_no_timetable(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    plan(runtime)
    standin.add_user("UOTHER01", name="Olly Other")

    reply = command_reply(slack, standin, "UOTHER01", "calendar")

    assert "not enrolled in a cohort" in reply
    assert not standin.files


def test_coordinator_without_a_cohort_named_gets_the_only_one_or_is_asked_which(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    plan(runtime)

    assert "3 sessions" in command_reply(slack, standin, COORDINATOR, "calendar")
    with unit_of_work(runtime.session_factory) as session:
        make_cohort(session, programme="Nurse Leaders", cohort="2018")
    reply = command_reply(slack, standin, COORDINATOR, "calendar")
    assert "Which cohort?" in reply and "Nurse Leaders / 2018" in reply


def test_all_day_multi_day_and_undated_sessions_are_shown_as_one(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        cohort = make_cohort(session)
        cohort.start_date = date(2017, 1, 9)
        cohort.programme.length_months = 11
        make_person(session, cohort, "Pat", slack_user_id=PARTICIPANT)
        two_days = make_session(session, cohort, "Launch workshop")
        two_days.all_day = True
        two_days.starts_at = datetime(2017, 3, 7, 9, tzinfo=UTC)
        two_days.ends_at = datetime(2017, 3, 8, 17, tzinfo=UTC)
        later = make_session(session, cohort, "System leadership", kind=SessionKind.OTHER)
        later.all_day, later.status = True, SessionStatus.DATE_TBC
        later.date_precision = DatePrecision.MONTH
        later.starts_at = datetime(2017, 6, 1, 8, tzinfo=UTC)
        later.ends_at = datetime(2017, 6, 30, 16, tzinfo=UTC)
        ensure_invitations(session, cohort_id=cohort.id)

    command_reply(slack, standin, PARTICIPANT, "calendar")

    result = standin.responses[-1][1]
    shown = "\n".join(b["text"]["text"] for b in result["blocks"] if b["type"] == "section")
    # All in 2017, in a programme inside 2017: no year needed, except for the undated month.
    assert "*Launch workshop* · Tue 7 Mar to Wed 8 Mar (all day) · Workshop" in shown
    assert "*System leadership* · June 2017 (date TBC) · Other" in shown
    (ics,) = standin.files.values()
    assert ics.content is not None
    calendar = Calendar.from_ical(ics.content)
    (event,) = [c for c in calendar.walk("VEVENT")]
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (
        date(2017, 3, 7),
        date(2017, 3, 9),
    )
