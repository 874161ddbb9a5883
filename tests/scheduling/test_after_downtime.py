"""After downtime the clock catches up without sending two reminders of one session in a day."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.runtime import Runtime
from bot.standin import SlackStandin
from db.engine import unit_of_work
from scheduling.clock_process import run_once
from tests.fixtures.bot import PARTICIPANT
from tests.support.people import programme_with_session

LONDON = ZoneInfo("Europe/London")
SESSION_START = datetime(2017, 3, 16, 10, 0, tzinfo=LONDON)


def test_back_on_the_session_morning_it_sends_only_that_mornings_reminder(
    runtime: Runtime, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        programme_with_session(session, starts_at=SESSION_START, people={PARTICIPANT: None})

    # Down from before the 14-day moment until 07:30 on the day; the 2-day reminder was missed.
    run_once(runtime.tick_dependencies(), datetime(2017, 3, 16, 7, 30, tzinfo=LONDON))
    assert standin.messages_in(PARTICIPANT) == []
    run_once(runtime.tick_dependencies(), datetime(2017, 3, 16, 9, 0, tzinfo=LONDON))

    (reminder,) = standin.messages_in(PARTICIPANT)
    assert "is today" in reminder.text


def test_back_the_day_before_it_sends_the_missed_reminder_worded_for_that_day(
    runtime: Runtime, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        programme_with_session(session, starts_at=SESSION_START, people={PARTICIPANT: None})

    run_once(runtime.tick_dependencies(), datetime(2017, 3, 15, 11, 0, tzinfo=LONDON))
    run_once(runtime.tick_dependencies(), datetime(2017, 3, 16, 9, 0, tzinfo=LONDON))

    late, morning = standin.messages_in(PARTICIPANT)
    assert "is tomorrow" in late.text
    assert "is today" in morning.text


def test_deployed_into_a_running_programme_it_owes_only_this_weeks_digest(
    runtime: Runtime, standin: SlackStandin
) -> None:
    standin.add_channel("C0STEER01", name="steering-group")
    with unit_of_work(runtime.session_factory) as session:
        held, _ = programme_with_session(
            session,
            starts_at=datetime(2017, 1, 20, 9, 0, tzinfo=LONDON),
            people={PARTICIPANT: None},
        )
        held.cohort.programme.steering_channel_id = "C0STEER01"

    # The clock's first run, months into the programme, on a Wednesday.
    run_once(runtime.tick_dependencies(), datetime(2017, 5, 3, 10, 0, tzinfo=LONDON))

    # One digest (its charts and workbook follow as files), for the current week only.
    (digest,) = [m.text for m in standin.messages_in("C0STEER01") if m.text]
    assert "week of Mon 1 May" in digest
    assert standin.messages_in(PARTICIPANT) == []  # nothing about the session long past
