"""The outbox: owed messages are rows first, then sent once by the clock process."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core import outbox, outbox_claims
from bot.runtime import Runtime
from bot.slack.blocks import notice
from bot.standin import SlackStandin
from db.engine import unit_of_work
from db.enums import OutboundState
from db.models import OutboundMessage
from scheduling.delivery import METADATA_EVENT_TYPE, deliver_due
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.statements import selects, statements


def owe(runtime: Runtime, key: str, *, due_in: timedelta = timedelta(0), **kw: object) -> None:
    with unit_of_work(runtime.session_factory) as session:
        outbox.enqueue(
            session,
            recipient=kw.pop("recipient", PARTICIPANT),  # type: ignore[arg-type]
            kind="test",
            message=notice(f"Hello & welcome ({key})"),
            due_at=NOW + due_in,
            idempotency_key=key,
            **kw,  # type: ignore[arg-type]
        )


def rows(runtime: Runtime) -> list[OutboundMessage]:
    with unit_of_work(runtime.session_factory) as session:
        return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def deliver(runtime: Runtime, at_offset: timedelta = timedelta(0)) -> str:
    deps = runtime.tick_dependencies()
    return str(deliver_due(deps.uow, deps.client, NOW + at_offset))


def test_due_message_is_sent_as_a_dm_tagged_with_its_outbox_id(
    runtime: Runtime, standin: SlackStandin
) -> None:
    owe(runtime, "welcome-1")

    assert deliver(runtime) == "sent 1, failed 0, retrying 0"

    (row,) = rows(runtime)
    assert row.state == OutboundState.SENT and row.ts and row.channel_id
    (message,) = standin.messages_in(PARTICIPANT)
    assert message.text == "Hello &amp; welcome (welcome-1)"
    assert message.metadata == {
        "event_type": METADATA_EVENT_TYPE,
        "event_payload": {"outbox_id": row.id},
    }


def test_owing_the_same_message_twice_is_a_no_op(runtime: Runtime, standin: SlackStandin) -> None:
    owe(runtime, "same")
    owe(runtime, "same")

    deliver(runtime)
    deliver(runtime)

    assert len(standin.messages_in(PARTICIPANT)) == 1


def test_nothing_is_sent_before_it_is_due(runtime: Runtime, standin: SlackStandin) -> None:
    owe(runtime, "later", due_in=timedelta(hours=1))

    assert deliver(runtime) == "sent 0, failed 0, retrying 0"
    assert deliver(runtime, timedelta(hours=1)) == "sent 1, failed 0, retrying 0"


def test_a_rolled_back_change_owes_nothing(runtime: Runtime, standin: SlackStandin) -> None:
    with pytest.raises(RuntimeError), unit_of_work(runtime.session_factory) as session:
        outbox.enqueue(
            session,
            recipient=PARTICIPANT,
            kind="test",
            message=notice("never"),
            due_at=NOW,
            idempotency_key="rolled-back",
        )
        raise RuntimeError("the change failed")

    assert rows(runtime) == []


def test_attachments_are_uploaded_to_the_same_dm(runtime: Runtime, standin: SlackStandin) -> None:
    ics = outbox.Attachment(
        "timetable.ics", "Your timetable", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    )
    owe(runtime, "with-file", attachments=[ics])

    deliver(runtime)

    (uploaded,) = standin.files.values()
    message, file_share = standin.messages_in(PARTICIPANT)
    assert file_share.files and file_share.files[0]["name"] == "timetable.ics"
    assert uploaded.filename == "timetable.ics"
    assert isinstance(ics.content, str)
    assert uploaded.content == ics.content.encode()
    assert uploaded.channels == [message.channel]


def test_binary_attachments_survive_the_json_outbox_with_their_alt_text(
    runtime: Runtime, standin: SlackStandin
) -> None:
    png = bytes(range(256)) * 4
    chart = outbox.Attachment("chart.png", "Attendance", png, alt_text="Bar chart of attendance")
    owe(runtime, "with-chart", attachments=[chart])

    deliver(runtime)

    (uploaded,) = standin.files.values()
    assert (uploaded.filename, uploaded.content) == ("chart.png", png)
    assert uploaded.alt_txt == "Bar chart of attendance"


def test_permanent_error_fails_the_row_without_retrying(
    runtime: Runtime, standin: SlackStandin
) -> None:
    standin.add_user("UGONE001", name="Gone", deleted=True)
    owe(runtime, "to-deactivated", recipient="UGONE001")
    owe(runtime, "to-participant")

    report = deliver(runtime)

    # The coordinators' alert is owed and sent in the same pass, which sends all that is due.
    assert report == "sent 2, failed 1, retrying 0, newly unreachable 1"
    failed = [row for row in rows(runtime) if row.state == OutboundState.FAILED]
    assert [row.last_error for row in failed] == ["account_inactive"]


def test_coordinators_are_told_once_about_an_undeliverable_recipient(
    runtime: Runtime, standin: SlackStandin
) -> None:
    standin.add_user("UGONE001", name="Gone", deleted=True)
    owe(runtime, "first", recipient="UGONE001")
    owe(runtime, "second", recipient="UGONE001")

    deliver(runtime)
    deliver(runtime)

    (alert,) = standin.messages_in(COORDINATOR)
    assert "<@UGONE001>" in alert.text and "`account_inactive`" in alert.text
    assert "deactivated" in alert.text


def test_error_slack_answered_is_retried_later(runtime: Runtime, standin: SlackStandin) -> None:
    standin.fail_next("chat.postMessage", status=200, error="internal_error")
    owe(runtime, "flaky")

    assert deliver(runtime) == "sent 0, failed 0, retrying 1"
    assert deliver(runtime, timedelta(minutes=1)) == "sent 0, failed 0, retrying 0"
    assert deliver(runtime, timedelta(minutes=2)) == "sent 1, failed 0, retrying 0"


def test_pending_messages_about_a_withdrawn_enrolment_can_be_cancelled(runtime: Runtime) -> None:
    owe(runtime, "a", due_in=timedelta(days=1))
    with unit_of_work(runtime.session_factory) as session:
        session.scalars(select(OutboundMessage)).one().session_id = None

    with unit_of_work(runtime.session_factory) as session, pytest.raises(ValueError):
        outbox_claims.cancel_pending(session, now=NOW)


@pytest.mark.parametrize("lost_answer", [500, None], ids=["5xx", "dropped"])
def test_a_post_whose_answer_was_lost_is_found_in_history_not_posted_again(
    runtime: Runtime, standin: SlackStandin, lost_answer: int | None
) -> None:
    standin.lose_response_next("chat.postMessage", status=lost_answer)
    owe(runtime, "lost-answer")

    assert deliver(runtime) == "sent 0, failed 0, retrying 0, outcome unknown 1"
    assert deliver(runtime, timedelta(seconds=30)) == "sent 0, failed 0, retrying 0"
    assert (
        deliver(runtime, timedelta(minutes=2))
        == "sent 0, failed 0, retrying 0, reconciled 1 found sent"
    )

    (row,) = rows(runtime)
    (message,) = standin.messages_in(PARTICIPANT)
    assert row.state == OutboundState.SENT and row.ts == message.ts


def test_a_post_that_never_reached_slack_is_sent_after_reconciling(
    runtime: Runtime, standin: SlackStandin
) -> None:
    standin.drop_connection_next("chat.postMessage")
    owe(runtime, "never-arrived")

    assert deliver(runtime) == "sent 0, failed 0, retrying 0, outcome unknown 1"
    assert (
        deliver(runtime, timedelta(minutes=2))
        == "sent 1, failed 0, retrying 0, reconciled 1 queued again"
    )

    assert len(standin.messages_in(PARTICIPANT)) == 1


@pytest.mark.parametrize("wanted", [1, 2_000])
def test_owed_keys_finds_those_held_in_one_query_however_many_are_asked(
    runtime: Runtime, wanted: int
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        outbox.enqueue_new(
            session,
            [
                outbox.Owed(PARTICIPANT, "test", notice(f"n{n}"), NOW, f"held:{n}")
                for n in range(0, 2 * wanted, 2)
            ],
        )
    asked = [f"held:{n}" for n in range(wanted)] + ["held:x'); DROP TABLE outbound_messages; --"]

    with unit_of_work(runtime.session_factory) as session, statements(runtime.engine) as seen:
        found = outbox.owed_keys(session, asked)

    assert found == {f"held:{n}" for n in range(0, wanted, 2)}
    assert len(selects(seen)) == 1
