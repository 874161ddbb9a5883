"""Recording attendance: the prompt after a session, the pre-filled form, the register, absence flags."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.attendance.attendance import ABSENCES_TO_FLAG
from bot.runtime import Runtime
from bot.slack.blocks.attendance import PAGE_SIZE
from bot.slack.ids.attendance import ActionId, BlockId, reason_block, status_block
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import AttendanceStatus, Role, RsvpStatus, SessionStatus
from db.models import (
    AuditEvent,
    Invitation,
    OutboundMessage,
    Person,
    ProgrammeSession,
    RoleGrant,
)
from scheduling.attendance import TICKS
from scheduling.clock_process import run_once
from scheduling.delivery import deliver_due
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.people import programme_with_session

FACILITATOR = "UFACIL01"
SECOND = "UPART002"
THIRD = "UPART003"
STEERING = "USTEER01"
# The fixed clock is at NOW: these sessions ran 09:00 to 12:00 UTC the day before, or earlier.
STARTED = NOW - timedelta(days=1)
ENDED = STARTED + timedelta(hours=3)


def plan(
    runtime: Runtime,
    *,
    facilitator: bool = True,
    starts_at: Any = STARTED,
    people: tuple[str, ...] = (PARTICIPANT, SECOND, THIRD),
) -> int:
    """A session with three invitees: one coming, one not (with a reason), one silent."""
    with unit_of_work(runtime.session_factory) as session:
        programme_session, invitations = programme_with_session(
            session, starts_at=starts_at, people=dict.fromkeys(people)
        )
        if facilitator:
            programme_session.facilitator = Person(slack_user_id=FACILITATOR, name="Fran Facil")
        replies = [(RsvpStatus.ATTENDING, None), (RsvpStatus.NOT_ATTENDING, "Clinic <!here>")]
        for invitation, (rsvp, reason) in zip(invitations, replies, strict=False):
            invitation.rsvp, invitation.rsvp_reason = rsvp, reason
        session.flush()
        return programme_session.id


def add_users(standin: SlackStandin) -> None:
    for user_id in (FACILITATOR, SECOND, THIRD, STEERING):
        standin.add_user(user_id, name=f"Person {user_id}", email=f"{user_id.lower()}@nhs.example")


def command(slack: SlackSender, standin: SlackStandin, user_id: str, text: str) -> dict[str, Any]:
    """Send `/cohort text` and return the reply posted to the response URL."""
    seen = len(standin.responses)
    assert slack.slash_command(user_id, text).status == 200
    standin.wait_for(lambda: len(standin.responses) > seen, timeout=10)
    return standin.responses[seen][1]


def press(
    slack: SlackSender, standin: SlackStandin, user: str, message: Any, action_id: str
) -> None:
    """Press the button `action_id` on a message (a stand-in Message or a reply payload)."""
    blocks = message.blocks if hasattr(message, "blocks") else message["blocks"]
    (button,) = [
        {**element, "block_id": block["block_id"]}
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == action_id
    ]
    payload = standin.block_actions(
        user_id=user,
        actions=[button],
        channel_id=getattr(message, "channel", None),
        message={"ts": getattr(message, "ts", "1.0"), "text": "", "blocks": blocks},
    )
    assert slack.interaction(payload).status == 200


def opened_view(standin: SlackStandin, count: int = 1) -> dict[str, Any]:
    return dict(standin.wait_for("views.open", count=count).response["view"])


def open_form(
    slack: SlackSender, standin: SlackStandin, user: str, session_id: int
) -> dict[str, Any]:
    """`/cohort attendance <id> record`, and the form it opens."""
    opened = len(standin.calls_to("views.open"))
    assert slack.slash_command(user, f"attendance {session_id} record").status == 200
    return opened_view(standin, count=opened + 1)


def form_values(
    view: dict[str, Any], changes: dict[str, tuple[str, str | None]] | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """The state Slack submits for a form as it was opened, with some invitees changed.

    `changes` maps an invitation id (as text) to (status, reason).
    """
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        if element["type"] == "static_select":
            values[block["block_id"]] = {
                element["action_id"]: {
                    "type": "static_select",
                    "selected_option": element.get("initial_option"),
                }
            }
        else:
            values[block["block_id"]] = {
                element["action_id"]: {
                    "type": "plain_text_input",
                    "value": element.get("initial_value"),
                }
            }
    for invitation_id, (status, reason) in (changes or {}).items():
        values[status_block(int(invitation_id))][ActionId.STATUS]["selected_option"] = {
            "text": {"type": "plain_text", "text": status.title()},
            "value": status,
        }
        values[reason_block(int(invitation_id))][ActionId.REASON]["value"] = reason
    return values


def prefill(view: dict[str, Any]) -> dict[int, tuple[str, str | None]]:
    """What the form shows for each invitee, by invitation id."""
    shown: dict[int, tuple[str, str | None]] = {}
    for block in view["blocks"]:
        block_id = block.get("block_id", "")
        if block_id.startswith("attendance.status."):
            shown[int(block_id.rsplit(".", 1)[1])] = (
                block["element"]["initial_option"]["value"],
                None,
            )
    for block in view["blocks"]:
        block_id = block.get("block_id", "")
        if block_id.startswith("attendance.reason."):
            invitation_id = int(block_id.rsplit(".", 1)[1])
            shown[invitation_id] = (shown[invitation_id][0], block["element"].get("initial_value"))
    return shown


def attendance(runtime: Runtime) -> dict[str, tuple[AttendanceStatus, str | None, str | None]]:
    with unit_of_work(runtime.session_factory) as session:
        rows = session.scalars(select(Invitation).order_by(Invitation.id)).all()
        return {
            str(row.enrolment.person.slack_user_id): (
                row.attendance,
                row.attendance_reason,
                row.attendance_recorded_by,
            )
            for row in rows
        }


def invitation_ids(runtime: Runtime) -> dict[str, int]:
    with unit_of_work(runtime.session_factory) as session:
        rows = session.scalars(select(Invitation)).all()
        return {str(row.enrolment.person.slack_user_id): row.id for row in rows}


def submit(
    slack: SlackSender,
    standin: SlackStandin,
    user: str,
    view: dict[str, Any],
    changes: dict[str, tuple[str, str | None]] | None = None,
) -> Any:
    result = slack.interaction(
        standin.view_submission(view["id"], user_id=user, values=form_values(view, changes))
    )
    assert result.status == 200
    return result.json() if result.body else None


def test_the_facilitator_is_prompted_when_the_session_ends_and_the_form_is_prefilled(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    add_users(standin)
    plan(runtime)
    deps = runtime.tick_dependencies()

    results = {r.tick_id: r.summary for r in run_once(deps, ENDED - timedelta(minutes=30), TICKS)}
    # The two who did not say they couldn't come may still check in for the last half hour.
    assert results["plan-attendance"] == "owed 2 check-in(s) and 1 attendance prompt(s)"
    deliver_due(deps.uow, deps.client, ENDED - timedelta(minutes=1))
    assert standin.messages_in(FACILITATOR) == []
    run_once(deps, ENDED, TICKS)
    deliver_due(deps.uow, deps.client, ENDED)

    (prompt,) = standin.messages_in(FACILITATOR)
    assert "*Action learning set 1* (Tue 31 Jan, 09:00) has ended" in prompt.text
    assert standin.messages_in(COORDINATOR) == []
    press(slack, standin, FACILITATOR, prompt, ActionId.RECORD)
    view = opened_view(standin)
    ids = invitation_ids(runtime)
    assert view["title"]["text"] == "Record attendance"
    assert prefill(view) == {
        ids[PARTICIPANT]: ("present", None),
        ids[SECOND]: ("excused", "Clinic <!here>"),
        ids[THIRD]: ("absent", None),
    }


def test_without_a_facilitator_the_coordinators_are_prompted_once(
    runtime: Runtime, standin: SlackStandin
) -> None:
    plan(runtime, facilitator=False)
    deps = runtime.tick_dependencies()

    run_once(deps, ENDED, TICKS)
    run_once(deps, ENDED + timedelta(minutes=5), TICKS)
    deliver_due(deps.uow, deps.client, ENDED + timedelta(minutes=5))

    (prompt,) = standin.messages_in(COORDINATOR)
    assert "Please record who was there" in prompt.text


def test_sessions_long_over_get_no_prompt(runtime: Runtime, standin: SlackStandin) -> None:
    plan(runtime)
    results = {
        r.tick_id: r.summary
        for r in run_once(runtime.tick_dependencies(), ENDED + timedelta(days=30), TICKS)
    }
    assert results["plan-attendance"] == "owed 0 check-in(s) and 0 attendance prompt(s)"


def test_submitting_records_attendance_audited_and_reopening_shows_it(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    add_users(standin)
    session_id = plan(runtime)
    ids = invitation_ids(runtime)

    view = open_form(slack, standin, FACILITATOR, session_id)
    assert submit(slack, standin, FACILITATOR, view) is None

    assert attendance(runtime) == {
        PARTICIPANT: (AttendanceStatus.PRESENT, None, FACILITATOR),
        SECOND: (AttendanceStatus.EXCUSED, "Clinic <!here>", FACILITATOR),
        THIRD: (AttendanceStatus.ABSENT, None, FACILITATOR),
    }
    with unit_of_work(runtime.session_factory) as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "invitation.attendance")
        ).all()
    assert len(actions) == 3

    # A correction: the silent one turned up late after all.
    reopened = open_form(slack, standin, COORDINATOR, session_id)
    assert prefill(reopened)[ids[THIRD]] == ("absent", None)
    submit(slack, standin, COORDINATOR, reopened, {str(ids[THIRD]): ("present", None)})
    assert attendance(runtime)[THIRD] == (AttendanceStatus.PRESENT, None, COORDINATOR)
    assert attendance(runtime)[PARTICIPANT] == (AttendanceStatus.PRESENT, None, FACILITATOR)

    assert prefill(open_form(slack, standin, FACILITATOR, session_id))[ids[THIRD]] == (
        "present",
        None,
    )


def test_an_excused_absence_needs_a_reason_and_nothing_is_half_written(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    add_users(standin)
    session_id = plan(runtime)
    ids = invitation_ids(runtime)
    view = open_form(slack, standin, FACILITATOR, session_id)

    answer = submit(slack, standin, FACILITATOR, view, {str(ids[THIRD]): ("excused", "  ")})

    assert answer == {
        "response_action": "errors",
        "errors": {reason_block(ids[THIRD]): "Please give the reason they were excused."},
    }
    assert {status for status, _, _ in attendance(runtime).values()} == {AttendanceStatus.UNKNOWN}


def test_only_the_facilitator_or_a_coordinator_may_record(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    add_users(standin)
    session_id = plan(runtime)
    view = open_form(slack, standin, FACILITATOR, session_id)

    reply = command(slack, standin, PARTICIPANT, f"attendance {session_id} record")
    assert "only the session's facilitator or a coordinator" in reply["text"]
    register = command(slack, standin, COORDINATOR, f"attendance {session_id}")
    seen = len(standin.responses)
    press(slack, standin, PARTICIPANT, register, ActionId.RECORD)
    standin.wait_for(lambda: len(standin.responses) > seen)
    assert "only the session's facilitator" in standin.responses[seen][1]["text"]
    assert len(standin.calls_to("views.open")) == 1
    # A form opened by the facilitator and submitted by someone else changes nothing.
    answer = submit(slack, standin, PARTICIPANT, view)
    assert answer["response_action"] == "errors"
    assert {status for status, _, _ in attendance(runtime).values()} == {AttendanceStatus.UNKNOWN}


def test_attendance_cannot_be_recorded_before_the_start_or_for_a_cancelled_session(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    future = plan(runtime, starts_at=NOW + timedelta(days=1), people=(PARTICIPANT,))
    reply = command(slack, standin, COORDINATOR, f"attendance {future} record")
    assert "has not started yet" in reply["text"]

    with unit_of_work(runtime.session_factory) as session:
        invitation = session.scalars(select(Invitation)).one()
        invitation.session.status = SessionStatus.CANCELLED
        invitation.session.starts_at = STARTED
        invitation.session.ends_at = ENDED
    reply = command(slack, standin, COORDINATOR, f"attendance {future} record")
    assert "was cancelled" in reply["text"]
    assert standin.calls_to("views.open") == []


def test_the_register_shows_replies_attendance_counts_and_rate(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    add_users(standin)
    session_id = plan(runtime)
    with unit_of_work(runtime.session_factory) as session:
        session.add(
            RoleGrant(
                slack_user_id=STEERING, role=Role.STEERING, granted_by=COORDINATOR, granted_at=NOW
            )
        )

    before = command(slack, standin, COORDINATOR, f"attendance #{session_id}")
    assert (
        f"*Register for #{session_id} Action learning set 1* (Tue 31 Jan, 09:00)" in before["text"]
    )
    assert "Attendance has not been recorded yet." in before["text"]

    submit(slack, standin, FACILITATOR, open_form(slack, standin, FACILITATOR, session_id))
    register = command(slack, standin, COORDINATOR, f"attendance {session_id}")

    text = register["text"]
    assert "Present 1 · absent 1 · excused 1 · not recorded 0." in text
    assert "Attendance rate: 33% (1 of 3 recorded)." in text
    lines = "\n".join(
        block["text"]["text"] for block in register["blocks"] if block["type"] == "section"
    )
    assert (
        f"<@{SECOND}>: said they couldn't (Clinic &lt;!here&gt;); *excused* (Clinic &lt;!here&gt;)"
        in lines
    )
    assert f"<@{PARTICIPANT}>: said they'd come; *present*" in lines
    assert f"<@{THIRD}>: no reply; *absent*" in lines
    assert any(block.get("block_id") == BlockId.RECORD_ACTIONS for block in register["blocks"])

    press(slack, standin, COORDINATOR, register, ActionId.RECORD)
    assert opened_view(standin, count=2)["title"]["text"] == "Record attendance"

    read_only = command(slack, standin, STEERING, f"attendance {session_id}")
    assert "Attendance rate: 33%" in read_only["text"]
    assert not any(b.get("block_id") == BlockId.RECORD_ACTIONS for b in read_only["blocks"])

    refused = command(slack, standin, PARTICIPANT, f"attendance {session_id}")
    assert "can see its register" in refused["text"]
    assert "Usage" in command(slack, standin, COORDINATOR, "attendance")["text"]


def test_repeated_unexplained_absences_are_flagged_once_per_count(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    add_users(standin)
    first = plan(runtime, people=(PARTICIPANT, THIRD))
    with unit_of_work(runtime.session_factory) as session:
        programme_session = session.get_one(ProgrammeSession, first)
        later = ProgrammeSession(
            cohort=programme_session.cohort,
            kind=programme_session.kind,
            title="Workshop day",
            starts_at=STARTED + timedelta(hours=4),
            ends_at=STARTED + timedelta(hours=6),
        )
        session.add(later)
        for invitation in list(programme_session.invitations):
            session.add(Invitation(session=later, enrolment=invitation.enrolment))
        session.flush()
        second = later.id
    ids_by_session: dict[int, dict[str, int]] = {}
    with unit_of_work(runtime.session_factory) as session:
        for row in session.scalars(select(Invitation)):
            ids_by_session.setdefault(row.session_id, {})[
                str(row.enrolment.person.slack_user_id)
            ] = row.id

    def record(session_id: int, user: str, status: str, reason: str | None) -> None:
        view = open_form(slack, standin, COORDINATOR, session_id)
        submit(
            slack,
            standin,
            COORDINATOR,
            view,
            {str(ids_by_session[session_id][user]): (status, reason)},
        )

    deps = runtime.tick_dependencies()
    record(first, THIRD, "absent", None)
    deliver_due(deps.uow, deps.client, NOW)
    assert standin.messages_in(COORDINATOR) == []

    record(second, THIRD, "absent", "Did not say")
    deliver_due(deps.uow, deps.client, NOW)
    (flag,) = standin.messages_in(COORDINATOR)
    assert (
        f"<@{THIRD}> has now missed {ABSENCES_TO_FLAG} sessions of Aspiring Directors" in flag.text
    )
    assert "Workshop day" in flag.text
    assert "Attendance is a condition of the programme" in flag.text

    # Excused, then absent again: the same count is not flagged twice.
    record(second, THIRD, "excused", "Was ill")
    record(second, THIRD, "absent", None)
    deliver_due(deps.uow, deps.client, NOW)
    assert len(standin.messages_in(COORDINATOR)) == 1
    # The participant who said they'd come and did is never flagged.
    with unit_of_work(runtime.session_factory) as session:
        kinds = session.scalars(select(OutboundMessage.kind)).all()
    assert kinds.count("absence_flag") == 1


def test_a_big_session_is_recorded_page_by_page(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    people = tuple(f"UBIG{index:04d}" for index in range(PAGE_SIZE + 5))
    session_id = plan(runtime, people=people, facilitator=False)

    view = open_form(slack, standin, COORDINATOR, session_id)
    assert len(view["blocks"]) <= 100
    assert len(prefill(view)) == PAGE_SIZE

    pushed = submit(slack, standin, COORDINATOR, view)
    assert pushed["response_action"] == "push"
    page_two = pushed["view"]
    assert len(prefill(page_two)) == 5
    assert "page 2 of 2" in page_two["blocks"][0]["text"]["text"]
    recorded = attendance(runtime)
    assert (
        sum(status != AttendanceStatus.UNKNOWN for status, _, _ in recorded.values()) == PAGE_SIZE
    )

    # Slack shows the pushed view; its submission carries its own metadata and state.
    payload = standin.view_submission(view["id"], user_id=COORDINATOR, values=form_values(page_two))
    payload["view"]["private_metadata"] = page_two["private_metadata"]
    closed = slack.interaction(payload)
    assert closed.json() == {"response_action": "clear"}
    assert AttendanceStatus.UNKNOWN not in {status for status, _, _ in attendance(runtime).values()}


def test_two_recorders_at_once_never_overwrite_each_other_silently(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    add_users(standin)
    session_id = plan(runtime)
    ids = invitation_ids(runtime)
    facilitators_form = open_form(slack, standin, FACILITATOR, session_id)
    coordinators_form = open_form(slack, standin, COORDINATOR, session_id)

    submit(slack, standin, FACILITATOR, facilitators_form, {str(ids[THIRD]): ("present", None)})
    answer = submit(slack, standin, COORDINATOR, coordinators_form)

    (error,) = answer["errors"].values()
    assert "changed by someone else a moment ago" in error
    assert "Here is what it is now:" in error and "present" in error
    assert attendance(runtime)[THIRD] == (AttendanceStatus.PRESENT, None, FACILITATOR)
    # Opened again, the form shows what is recorded now, and saves.
    assert (
        submit(slack, standin, COORDINATOR, open_form(slack, standin, COORDINATOR, session_id))
        is None
    )
