"""A moved session's reminders are withdrawn whatever state their send is in: none goes out later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.core import outbox_claims
from bot.programmes.timetable import move_session
from bot.reminders.reminders import owe_due_reminders
from bot.runtime import Runtime
from bot.standin import SlackStandin
from db.engine import unit_of_work
from db.enums import OutboundState
from db.models import OutboundMessage
from scheduling.clock_process import run_once
from scheduling.delivery import RECONCILE_AFTER
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.support.people import programme_with_session

LONDON = ZoneInfo("Europe/London")
SESSION_START = datetime(2017, 3, 16, 10, 0, tzinfo=LONDON)
TWO_DAYS_BEFORE = datetime(2017, 3, 14, 9, 0, tzinfo=LONDON)
NEW_START = datetime(2017, 3, 23, 10, 0, tzinfo=LONDON)
OLD_DATE = "Thu 16 Mar"


def slack_unavailable(runtime: Runtime, standin: SlackStandin) -> None:
    """Slack answers 503: the send may or may not have happened, so it waits to be reconciled."""
    standin.fail_next("chat.postMessage", status=503)
    run_once(runtime.tick_dependencies(), TWO_DAYS_BEFORE)


def slack_refuses_for_now(runtime: Runtime, standin: SlackStandin) -> None:
    """Slack answers an error worth retrying: the send is queued again for later."""
    standin.fail_next("chat.postMessage", status=200, error="service_unavailable")
    run_once(runtime.tick_dependencies(), TWO_DAYS_BEFORE)


def pass_dies_after_claiming(runtime: Runtime, standin: SlackStandin) -> None:
    """A pass claims the reminder and is killed before it calls Slack."""
    with unit_of_work(runtime.session_factory) as session:
        assert owe_due_reminders(session, TWO_DAYS_BEFORE) == 1
    with unit_of_work(runtime.session_factory) as session:
        claimant = outbox_claims.new_claimant()
        assert outbox_claims.claim_due(session, TWO_DAYS_BEFORE, 10, claimant=claimant)


def answer_lost_after_posting(runtime: Runtime, standin: SlackStandin) -> None:
    """Slack posts the reminder but its answer is lost: it was delivered, and stays so."""
    standin.lose_response_next("chat.postMessage", status=None)
    run_once(runtime.tick_dependencies(), TWO_DAYS_BEFORE)


@pytest.mark.parametrize(
    ("fault", "delivered_before_the_move"),
    [
        (slack_unavailable, False),
        (slack_refuses_for_now, False),
        (pass_dies_after_claiming, False),
        (answer_lost_after_posting, True),
    ],
    ids=["in-doubt-503", "waiting-for-retry", "claimed-by-a-dead-pass", "answer-lost"],
)
def test_moving_a_session_withdraws_reminders_whatever_their_send_state(
    runtime: Runtime,
    standin: SlackStandin,
    fault: Callable[[Runtime, SlackStandin], None],
    delivered_before_the_move: bool,
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        programme_session, _ = programme_with_session(
            session, starts_at=SESSION_START, people={PARTICIPANT: None}
        )
        session_id = programme_session.id
    fault(runtime, standin)
    with unit_of_work(runtime.session_factory) as session:
        (reminder,) = session.scalars(
            select(OutboundMessage).where(OutboundMessage.kind == "session_reminder")
        )
        assert reminder.state != OutboundState.SENT  # not confirmed: the fault left it open
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

    # Later passes, past the time a send in doubt is looked up in Slack's history.
    for minutes in (5, 60, 24 * 60):
        run_once(runtime.tick_dependencies(), TWO_DAYS_BEFORE + timedelta(minutes=minutes))

    texts = [message.text for message in standin.messages_in(PARTICIPANT)]
    about_old_date = [text for text in texts if OLD_DATE in text and "has moved" not in text]
    assert len(about_old_date) == (1 if delivered_before_the_move else 0), texts
    assert any("has moved" in text for text in texts)
    assert any("is in 9 days: Thu 23 Mar" in text for text in texts)
    with unit_of_work(runtime.session_factory) as session:
        old = session.scalars(
            select(OutboundMessage).where(
                OutboundMessage.kind == "session_reminder",
                OutboundMessage.idempotency_key.contains("20170316"),
            )
        ).one()
    assert old.state == (
        OutboundState.SENT if delivered_before_the_move else OutboundState.CANCELLED
    )
    assert timedelta(minutes=5) > RECONCILE_AFTER
