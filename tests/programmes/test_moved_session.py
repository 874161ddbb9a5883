"""A moved session re-plans its reminders: the old one is cancelled, the move is announced."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.programmes.timetable import move_session
from bot.reminders.reminders import owe_due_reminders
from bot.runtime import Runtime
from bot.standin import SlackStandin
from db.engine import unit_of_work
from db.enums import OutboundState
from db.models import OutboundMessage
from scheduling.clock_process import run_once
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.support.people import programme_with_session

LONDON = ZoneInfo("Europe/London")
SESSION_START = datetime(2017, 3, 16, 10, 0, tzinfo=LONDON)
TWO_DAYS_BEFORE = datetime(2017, 3, 14, 9, 0, tzinfo=LONDON)
NEW_START = datetime(2017, 3, 23, 10, 0, tzinfo=LONDON)


def test_moving_a_session_cancels_its_reminder_announces_the_move_and_replans(
    runtime: Runtime, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        programme_session, _ = programme_with_session(
            session, starts_at=SESSION_START, people={PARTICIPANT: None}
        )
        session_id = programme_session.id
    # The 2-day reminder is owed but not yet sent when the coordinator moves the session.
    with unit_of_work(runtime.session_factory) as session:
        assert owe_due_reminders(session, TWO_DAYS_BEFORE) == 1
    with unit_of_work(runtime.session_factory) as session:
        move_session(
            session,
            session_id,
            starts_at=NEW_START,
            ends_at=NEW_START.replace(hour=13),
            reason="Facilitator ill",
            actor=COORDINATOR,
            now=TWO_DAYS_BEFORE,
        )

    run_once(runtime.tick_dependencies(), TWO_DAYS_BEFORE)

    with unit_of_work(runtime.session_factory) as session:
        old = session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.kind == "session_reminder")
            .order_by(OutboundMessage.id)
        ).first()
        assert old is not None and old.state == OutboundState.CANCELLED
        assert "20170316" in old.idempotency_key
    moved, replanned = standin.messages_in(PARTICIPANT)
    assert "*Action learning set 1* has moved." in moved.text
    assert "Now: Thu 23 Mar, 10:00" in moved.text
    # The next reminder already due for the new time (a week and more ahead) names the new time.
    assert "*Action learning set 1* is in 9 days: Thu 23 Mar, 10:00 to 13:00." in replanned.text

    run_once(runtime.tick_dependencies(), datetime(2017, 3, 21, 9, 0, tzinfo=LONDON))

    latest = standin.messages_in(PARTICIPANT)[-1]
    assert "*Action learning set 1* is in 2 days: Thu 23 Mar, 10:00 to 13:00." in latest.text
    assert len(standin.messages_in(PARTICIPANT)) == 3
