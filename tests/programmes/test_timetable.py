"""Sessions from Slack: date errors naming the field, warnings that need confirming, moves and cancellations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.core import outbox
from bot.programmes.invitations import ensure_invitations
from bot.runtime import Runtime
from bot.slack.blocks import notice
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import DatePrecision, OutboundState, SessionChangeKind, SessionKind, SessionStatus
from db.models import (
    AuditEvent,
    Cohort,
    Invitation,
    OutboundMessage,
    ProgrammeSession,
    SessionChange,
)
from scheduling.delivery import deliver_due
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.programmes import (
    chosen,
    command_reply,
    make_cohort,
    make_group,
    make_person,
    make_session,
    open_modal,
    picked_date,
    picked_time,
    submit,
    text,
    ticked,
)

ADD = 'session add "Aspiring Directors" 2017'


def setup_cohort(runtime: Runtime) -> int:
    with unit_of_work(runtime.session_factory) as session:
        cohort = make_cohort(session)
        make_person(session, cohort, "Pat", slack_user_id=PARTICIPANT)
        return cohort.id


def session_form(
    day: str = "2017-03-07",
    *,
    kind: str = "workshop",
    title: str = "Launch workshop",
    start: str = "10:00",
    end: str = "16:00",
    end_day: str | None = None,
    **extra: dict[str, Any],
) -> dict[str, dict[str, Any]]:
    fields = {
        "kind": chosen(kind),
        "title": text(title),
        "start_date": picked_date(day),
        "start_time": picked_time(start),
        "end_time": picked_time(end),
        "compulsory": chosen("compulsory", "radio_buttons"),
        "audience": chosen("whole"),
        "location": text("Leeds"),
        **extra,
    }
    if end_day:
        fields["end_date"] = picked_date(end_day)
    return fields


def add_session(
    slack: SlackSender, standin: SlackStandin, **form: Any
) -> tuple[str, dict[str, Any]]:
    view_id = open_modal(slack, standin, COORDINATOR, ADD)
    return view_id, submit(slack, standin, view_id, COORDINATOR, **session_form(**form))


def sessions(runtime: Runtime) -> list[ProgrammeSession]:
    with unit_of_work(runtime.session_factory) as session:
        return list(session.scalars(select(ProgrammeSession).order_by(ProgrammeSession.id)))


def test_a_two_day_workshop_is_one_session_and_everyone_is_invited(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)

    _, answer = add_session(slack, standin, end_day="2017-03-08", end="17:00")

    assert answer["response_action"] == "update"
    (row,) = sessions(runtime)
    assert row.starts_at == datetime(2017, 3, 7, 10, tzinfo=UTC)
    assert row.ends_at == datetime(2017, 3, 8, 17, tzinfo=UTC)
    assert (row.kind, row.location, row.compulsory) == (SessionKind.WORKSHOP, "Leeds", True)
    with unit_of_work(runtime.session_factory) as session:
        assert len(session.scalars(select(Invitation)).all()) == 1
        assert session.scalars(
            select(AuditEvent).where(AuditEvent.action == "session.create")
        ).one()


def test_impossible_date_is_refused_naming_the_field(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)

    _, answer = add_session(slack, standin, day="2017-02-30")

    assert answer == {
        "response_action": "errors",
        "errors": {"start_date": "Start date: '2017-02-30' is not a real date."},
    }
    assert sessions(runtime) == []


def test_end_before_start_is_refused_naming_the_end(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)

    _, answer = add_session(slack, standin, start="14:00", end="09:00")
    assert answer["errors"] == {"end_time": "The end must be after the start."}
    _, answer = add_session(slack, standin, day="2017-03-07", end_day="2017-03-06")
    assert answer["errors"] == {"end_date": "The end must be after the start."}
    assert sessions(runtime) == []


def warnings_shown(answer: dict[str, Any]) -> str:
    assert answer["response_action"] == "update"
    blocks = answer["view"]["blocks"]
    assert any(b.get("block_id") == "confirm" for b in blocks)
    return "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")


def test_bank_holiday_is_warned_about_and_saved_only_once_confirmed(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)

    view_id, answer = add_session(slack, standin, day="2017-04-14")

    assert "Fri 14 Apr 2017 is a bank holiday (Good Friday)" in warnings_shown(answer)
    assert sessions(runtime) == []
    # The form comes back filled in, so only the tick is new.
    form = session_form("2017-04-14", confirm=ticked("yes"))
    answer = submit(slack, standin, view_id, COORDINATOR, **form)
    assert answer["view"]["title"]["text"] == "Saved"
    assert len(sessions(runtime)) == 1


def test_weekend_and_outside_the_programme_window_are_warned_about(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)

    _, answer = add_session(slack, standin, day="2018-03-10")

    shown = warnings_shown(answer)
    assert "Sat 10 Mar 2018 is a weekend" in shown
    assert "outside the programme's window (Wed 1 Feb 2017 to Thu 1 Feb 2018)" in shown


def test_action_learning_set_before_the_workshop_and_overlaps_are_warned_about(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    cohort_id = setup_cohort(runtime)
    with unit_of_work(runtime.session_factory) as session:
        cohort = session.get_one(Cohort, cohort_id)
        red = make_group(session, cohort, "Red")
        blue = make_group(session, cohort, "Blue")
        make_session(session, cohort, "Workshop", starts_at=datetime(2017, 3, 7, 10, tzinfo=UTC))
        make_session(
            session,
            cohort,
            "Blue set",
            kind=SessionKind.ACTION_LEARNING_SET,
            group=blue,
            starts_at=datetime(2017, 2, 28, 10, tzinfo=UTC),
        )
        red_id, blue_id = red.id, blue.id

    # A red group set at the same time as the blue one: different people, no overlap.
    _, answer = add_session(
        slack,
        standin,
        day="2017-02-28",
        kind="action_learning_set",
        title="Red set",
        audience=chosen(str(red_id)),
    )
    shown = warnings_shown(answer)
    assert "before the cohort's workshop (Workshop, Tue 7 Mar, 10:00)" in shown
    assert "overlaps" not in shown

    _, answer = add_session(
        slack,
        standin,
        day="2017-03-07",
        kind="other",
        title="Clash",
        start="12:00",
        end="13:00",
        audience=chosen(str(blue_id)),
    )
    assert "overlaps" in warnings_shown(answer) and "Workshop" in warnings_shown(answer)


def test_plain_weekday_session_needs_no_confirmation(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)

    _, answer = add_session(slack, standin, day="2017-03-08")

    assert answer["view"]["title"]["text"] == "Saved"


def existing_session(runtime: Runtime) -> int:
    with unit_of_work(runtime.session_factory) as session:
        cohort = session.scalars(select(Cohort)).one()
        row = make_session(session, cohort, "Launch workshop")
        ensure_invitations(session, cohort_id=cohort.id)
        return row.id


def test_moving_records_why_tells_the_invited_and_cancels_pending_messages(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)
    session_id = existing_session(runtime)
    with unit_of_work(runtime.session_factory) as session:
        outbox.enqueue(
            session,
            recipient=PARTICIPANT,
            kind="reminder",
            message=notice("see you"),
            due_at=NOW.replace(month=3),
            idempotency_key="reminder-1",
            session_id=session_id,
        )

    view_id = open_modal(slack, standin, COORDINATOR, f"session move {session_id}")
    answer = submit(
        slack,
        standin,
        view_id,
        COORDINATOR,
        start_date=picked_date("2017-03-09"),
        start_time=picked_time("10:00"),
        end_time=picked_time("13:00"),
        reason=text("Room flooded"),
    )
    assert answer["view"]["title"]["text"] == "Saved"

    with unit_of_work(runtime.session_factory) as session:
        change = session.scalars(select(SessionChange)).one()
        assert (change.kind, change.reason, change.changed_by) == (
            SessionChangeKind.MOVED,
            "Room flooded",
            COORDINATOR,
        )
        assert change.old_starts_at == datetime(2017, 3, 7, 10, tzinfo=UTC)
        assert change.new_starts_at == datetime(2017, 3, 9, 10, tzinfo=UTC)
        states = {m.kind: m.state for m in session.scalars(select(OutboundMessage))}
        assert states == {
            "reminder": OutboundState.CANCELLED,
            "session_moved": OutboundState.PENDING,
        }
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)
    (message,) = standin.messages_in(standin.im_channel_id(PARTICIPANT))
    assert "Launch workshop" in message.text and "Room flooded" in message.text
    assert "Tue 7 Mar, 10:00" in message.text and "Thu 9 Mar, 10:00" in message.text


def test_moving_needs_a_reason(slack: SlackSender, standin: SlackStandin, runtime: Runtime) -> None:
    setup_cohort(runtime)
    session_id = existing_session(runtime)

    view_id = open_modal(slack, standin, COORDINATOR, f"session move {session_id}")
    answer = submit(
        slack,
        standin,
        view_id,
        COORDINATOR,
        start_date=picked_date("2017-03-09"),
        start_time=picked_time("10:00"),
        end_time=picked_time("13:00"),
        reason=text(" "),
    )
    assert "reason" in answer["errors"]


def test_cancelling_records_why_and_tells_the_invited(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)
    session_id = existing_session(runtime)

    reply = command_reply(
        slack, standin, COORDINATOR, f"session cancel {session_id} O'Neill's train can't run"
    )

    assert "Cancelled" in reply and "1 people invited" in reply
    (row,) = sessions(runtime)
    assert (row.status, row.change_reason) == (SessionStatus.CANCELLED, "O'Neill's train can't run")
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)
    (message,) = standin.messages_in(standin.im_channel_id(PARTICIPANT))
    assert "cancelled" in message.text and "O'Neill's train can't run" in message.text
    assert "already cancelled" in command_reply(
        slack, standin, COORDINATOR, f"session cancel {session_id} again"
    )


def test_participants_cannot_change_sessions(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)
    session_id = existing_session(runtime)

    for command in (ADD, f"session move {session_id}", f"session cancel {session_id} no"):
        assert "only programme coordinators" in command_reply(slack, standin, PARTICIPANT, command)
    assert sessions(runtime)[0].status == SessionStatus.SCHEDULED


def test_editing_a_session_keeps_its_times_and_updates_details(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)
    session_id = existing_session(runtime)

    view_id = open_modal(slack, standin, COORDINATOR, f"session edit {session_id}")
    blocks = {b.get("block_id") for b in standin.views[view_id].view["blocks"]}
    assert "start_date" not in blocks
    form = session_form(title="Launch day", location=text("York"))
    for time_field in ("start_date", "start_time", "end_time"):
        form.pop(time_field)
    answer = submit(slack, standin, view_id, COORDINATOR, **form)

    assert answer["view"]["title"]["text"] == "Saved"
    (row,) = sessions(runtime)
    assert (row.title, row.location) == ("Launch day", "York")
    assert row.starts_at == datetime(2017, 3, 7, 10, tzinfo=UTC)


def test_facilitator_is_recorded_from_the_users_select(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)
    standin.add_user("UFACIL01", name="fran", real_name="Fran Facilitator")

    add_session(
        slack,
        standin,
        day="2017-03-08",
        facilitator={"type": "users_select", "selected_user": "UFACIL01"},
    )

    with unit_of_work(runtime.session_factory) as session:
        row = session.scalars(select(ProgrammeSession)).one()
        assert row.facilitator is not None
        assert (row.facilitator.slack_user_id, row.facilitator.name) == (
            "UFACIL01",
            "Fran Facilitator",
        )


def test_ticking_the_box_accepts_only_the_warnings_that_were_shown(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)
    view_id, answer = add_session(slack, standin, day="2017-04-14")
    assert "Good Friday" in warnings_shown(answer)

    # The coordinator changes the date to another bank holiday and ticks the box.
    form = session_form("2017-05-01", confirm=ticked("yes"))
    answer = submit(slack, standin, view_id, COORDINATOR, **form)

    assert "May Day" in warnings_shown(answer)
    assert sessions(runtime) == []


def test_moving_onto_a_weekend_needs_confirming(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)
    session_id = existing_session(runtime)
    view_id = open_modal(slack, standin, COORDINATOR, f"session move {session_id}")
    form = {
        "start_date": picked_date("2017-03-11"),
        "start_time": picked_time("10:00"),
        "end_time": picked_time("13:00"),
        "reason": text("Only free day"),
    }

    answer = submit(slack, standin, view_id, COORDINATOR, **form)
    assert "Sat 11 Mar 2017 is a weekend" in warnings_shown(answer)
    assert sessions(runtime)[0].starts_at == datetime(2017, 3, 7, 10, tzinfo=UTC)

    answer = submit(slack, standin, view_id, COORDINATOR, **form, confirm=ticked("yes"))
    assert answer["view"]["title"]["text"] == "Saved"
    assert sessions(runtime)[0].starts_at == datetime(2017, 3, 11, 10, tzinfo=UTC)


def test_a_session_with_no_times_is_all_day_and_one_time_alone_is_refused(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)
    view_id = open_modal(slack, standin, COORDINATOR, ADD)
    fields = session_form(end_day="2017-03-08")
    del fields["start_time"], fields["end_time"]

    half = submit(slack, standin, view_id, COORDINATOR, **fields, start_time=picked_time("10:00"))
    answer = submit(slack, standin, view_id, COORDINATOR, **fields)

    assert half["errors"] == {
        "end_time": "Give both times, or leave both empty for an all-day session."
    }
    assert answer["response_action"] == "update"
    (row,) = sessions(runtime)
    assert row.all_day is True
    assert (row.starts_at, row.ends_at) == (
        datetime(2017, 3, 7, 9, tzinfo=UTC),
        datetime(2017, 3, 8, 17, tzinfo=UTC),
    )
    assert "Saved" in str(answer["view"])


def test_planned_coaching_before_the_workshop_is_warned_about(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)
    existing_session(runtime)  # the launch workshop, Tue 7 Mar 2017
    view_id = open_modal(slack, standin, COORDINATOR, ADD)
    fields = session_form("2017-03-06", kind="coaching", title="Coaching to commence by")
    del fields["start_time"], fields["end_time"]

    answer = submit(slack, standin, view_id, COORDINATOR, **fields)

    assert answer["response_action"] == "update"
    warned = str(answer["view"])
    assert "Coaching is planned to commence before the cohort" in warned
    assert [row.kind for row in sessions(runtime)] == [SessionKind.WORKSHOP]


def test_moving_a_session_still_to_be_dated_gives_it_its_day(
    slack: SlackSender, standin: SlackStandin, runtime: Runtime
) -> None:
    setup_cohort(runtime)
    session_id = existing_session(runtime)
    with unit_of_work(runtime.session_factory) as session:
        row = session.get_one(ProgrammeSession, session_id)
        row.status, row.date_precision, row.all_day = (
            SessionStatus.DATE_TBC,
            DatePrecision.MONTH,
            True,
        )

    view_id = open_modal(slack, standin, COORDINATOR, f"session move {session_id}")
    submit(
        slack,
        standin,
        view_id,
        COORDINATOR,
        start_date=picked_date("2017-03-09"),
        start_time=picked_time("10:00"),
        end_time=picked_time("13:00"),
        reason=text("The day is set"),
    )

    (row,) = sessions(runtime)
    assert (row.status, row.date_precision, row.all_day) == (
        SessionStatus.SCHEDULED,
        DatePrecision.DAY,
        False,
    )
    assert row.starts_at == datetime(2017, 3, 9, 10, tzinfo=UTC)
