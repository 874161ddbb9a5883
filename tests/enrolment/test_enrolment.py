"""Enrolment through `/cohort`: places, capacity, the welcome DM, withdrawal and deferral."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.core import outbox
from bot.runtime import Runtime
from bot.slack.blocks import notice
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import EnrolmentStatus, OutboundState, SessionKind
from db.models import (
    AuditEvent,
    Cohort,
    Enrolment,
    Invitation,
    OutboundMessage,
    Person,
    Programme,
    ProgrammeSession,
)
from scheduling.delivery import deliver_due
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT

PROGRAMME = "Future Leaders"
COHORT = "Cohort 1"
WHERE = f'"{PROGRAMME}" "{COHORT}"'


def mention(user_id: str) -> str:
    return f"<@{user_id}|someone>"


def make_cohort(
    runtime: Runtime, *, capacity: int = 15, sessions: int = 2, cohort: str = COHORT
) -> int:
    """A programme with one cohort and `sessions` weekly sessions from 6 March 2017."""
    with unit_of_work(runtime.session_factory) as session:
        programme = session.scalar(select(Programme).where(Programme.name == PROGRAMME))
        if programme is None:
            programme = Programme(name=PROGRAMME)
            session.add(programme)
        row = Cohort(programme=programme, name=cohort, capacity=capacity)
        session.add(row)
        for index in range(sessions):
            starts = datetime(2017, 3, 6, 10, 0, tzinfo=UTC) + timedelta(weeks=index)
            session.add(
                ProgrammeSession(
                    cohort=row,
                    kind=SessionKind.WORKSHOP if index == 0 else SessionKind.ACTION_LEARNING_SET,
                    title="Launch workshop" if index == 0 else f"Action learning set {index}",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=6),
                    location="Leeds" if index == 0 else None,
                    compulsory=index == 0,
                )
            )
        session.flush()
        return row.id


def add_people(standin: SlackStandin, *user_ids: str) -> None:
    for user_id in user_ids:
        standin.add_user(user_id, name=f"Person {user_id}", email=f"{user_id.lower()}@nhs.example")


def command(slack: SlackSender, standin: SlackStandin, user_id: str, text: str) -> str:
    """Send `/cohort text` and return the text of the reply (acknowledgement or response URL)."""
    seen = len(standin.responses)
    result = slack.slash_command(user_id, text)
    assert result.status == 200
    if result.body:
        reply = result.json()
        if reply.get("text"):
            return str(reply["text"])
    standin.wait_for(lambda: len(standin.responses) > seen, timeout=10)
    return str(standin.responses[seen][1]["text"])


def deliver(runtime: Runtime) -> None:
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)


def enrolments(runtime: Runtime) -> dict[str, Enrolment]:
    with unit_of_work(runtime.session_factory) as session:
        rows = session.scalars(select(Enrolment).join(Enrolment.person)).all()
        return {row.person.slack_user_id or "": row for row in rows}


def audit_actions(runtime: Runtime) -> list[str]:
    with unit_of_work(runtime.session_factory) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_coordinator_enrols_a_slack_user_who_gets_the_welcome_dm_with_the_timetable(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime)

    reply = command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")

    assert "Pat Participant is now enrolled in *Cohort 1*" in reply
    with unit_of_work(runtime.session_factory) as session:
        person = session.scalars(select(Person)).one()
        assert (person.name, person.email, person.slack_tz) == (
            "Pat Participant",
            "pat@example.nhs.uk",
            "Europe/London",
        )
        enrolment = session.scalars(select(Enrolment)).one()
        assert enrolment.status == EnrolmentStatus.ENROLLED
        # Enrolled on 1 Feb 2017 into a 12-month programme.
        assert str(enrolment.coaching_deadline) == "2018-02-01"
        assert len(session.scalars(select(Invitation)).all()) == 2
    assert audit_actions(runtime)[-2:] == ["person.create", "enrolment.enrol"]

    deliver(runtime)

    welcome, file_share = standin.messages_in(PARTICIPANT)
    body = " ".join(block["text"]["text"] for block in welcome.blocks or [] if "text" in block)
    assert "Welcome to Future Leaders" in welcome.text
    assert "Mon 6 Mar, 10:00 to 16:00*  Launch workshop (workshop, compulsory), Leeds" in body
    assert (
        "Mon 13 Mar, 10:00 to 16:00*  Action learning set 1 (action learning set, optional)" in body
    )
    assert "4 one-to-one coaching sessions to use by *Thu 1 Feb 2018*" in body
    (uploaded,) = standin.files.values()
    assert uploaded.filename == "cohort-timetable.ics"
    assert file_share.files and file_share.files[0]["name"] == "cohort-timetable.ics"
    assert uploaded.content is not None
    calendar = Calendar.from_ical(uploaded.content)
    events = calendar.walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [
        "Launch workshop",
        "Action learning set 1",
    ]
    assert events[0].decoded("DTSTART") == datetime(2017, 3, 6, 10, 0, tzinfo=UTC)


def test_a_full_cohort_puts_people_on_the_waiting_list_in_order_of_arrival(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime, capacity=1)
    add_people(standin, "UAAA0001", "UBBB0002")

    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")
    second = command(slack, standin, COORDINATOR, f"enrol {mention('UAAA0001')} {WHERE}")
    command(slack, standin, COORDINATOR, f"enrol {mention('UBBB0002')} {WHERE}")

    assert "full, so Person UAAA0001 is on its waiting list at position 1" in second
    people = enrolments(runtime)
    assert people[PARTICIPANT].status == EnrolmentStatus.ENROLLED
    assert (people["UAAA0001"].status, people["UAAA0001"].waiting_position) == (
        EnrolmentStatus.WAITING,
        1,
    )
    assert people["UBBB0002"].waiting_position == 2
    waiting = command(slack, standin, COORDINATOR, f"waiting {WHERE}")
    assert "waiting list: 2 people" in waiting
    members = command(slack, standin, COORDINATOR, f"members {WHERE}")
    assert "1 of 1 places taken, 2 on the waiting list" in members

    deliver(runtime)
    (notice_dm,) = standin.messages_in("UAAA0001")
    assert "on its waiting list at position 1" in notice_dm.text


def test_the_waiting_list_shows_people_in_order(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime, capacity=1)
    add_people(standin, "UAAA0001", "UBBB0002")
    for user_id in (PARTICIPANT, "UBBB0002", "UAAA0001"):
        command(slack, standin, COORDINATOR, f"enrol {mention(user_id)} {WHERE}")

    command(slack, standin, COORDINATOR, f"waiting {WHERE}")

    listing = standin.responses[-1][1]["blocks"][1]["text"]["text"]
    assert listing == "1. <@UBBB0002>\n2. <@UAAA0001>"


def test_enrolling_someone_already_in_the_cohort_is_refused(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime)
    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")

    reply = command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")

    assert "Pat Participant is already enrolled in Cohort 1, so nothing was changed" in reply
    assert len(enrolments(runtime)) == 1


def test_plain_names_and_unknown_cohorts_are_refused_clearly(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime)

    plain = command(slack, standin, COORDINATOR, f"enrol pat {WHERE}")
    unknown = command(
        slack, standin, COORDINATOR, f'enrol {mention(PARTICIPANT)} "{PROGRAMME}" Nope'
    )
    stranger = command(slack, standin, COORDINATOR, f"enrol {mention('UNOBODY1')} {WHERE}")

    assert "'pat' is not a mention" in plain
    assert "No cohort called 'Nope' in Future Leaders. Cohorts: Cohort 1." in unknown
    assert "can't find that person in this Slack workspace" in stranger
    assert enrolments(runtime) == {}


def test_participants_cannot_enrol_withdraw_defer_or_list(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime)
    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")
    before = audit_actions(runtime)

    for text in (
        f"enrol {mention(COORDINATOR)} {WHERE}",
        f"withdraw {mention(PARTICIPANT)} {WHERE} bored",
        f"defer {mention(PARTICIPANT)} {WHERE} busy",
        f"waiting {WHERE}",
        f"members {WHERE}",
    ):
        assert "only programme coordinators can do that" in command(
            slack, standin, PARTICIPANT, text
        )

    assert audit_actions(runtime) == before
    assert enrolments(runtime)[PARTICIPANT].status == EnrolmentStatus.ENROLLED


def test_withdrawal_needs_a_reason_and_cancels_pending_messages(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime)
    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")
    enrolment_id = enrolments(runtime)[PARTICIPANT].id
    with unit_of_work(runtime.session_factory) as session:
        outbox.enqueue(
            session,
            recipient=PARTICIPANT,
            kind="session_reminder",
            message=notice("See you at the workshop"),
            due_at=NOW + timedelta(days=30),
            idempotency_key="reminder-1",
            enrolment_id=enrolment_id,
        )

    no_reason = command(slack, standin, COORDINATOR, f"withdraw {mention(PARTICIPANT)} {WHERE}")
    reply = command(
        slack, standin, COORDINATOR, f"withdraw {mention(PARTICIPANT)} {WHERE} new job abroad"
    )

    assert "The reason is required" in no_reason
    assert "is now withdrawn from *Cohort 1*" in reply
    enrolment = enrolments(runtime)[PARTICIPANT]
    assert (enrolment.status, enrolment.status_reason) == (
        EnrolmentStatus.WITHDRAWN,
        "new job abroad",
    )
    with unit_of_work(runtime.session_factory) as session:
        states = {row.kind: row.state for row in session.scalars(select(OutboundMessage))}
    assert states == {
        "welcome": OutboundState.CANCELLED,
        "session_reminder": OutboundState.CANCELLED,
    }
    deliver(runtime)
    assert standin.messages_in(PARTICIPANT) == []
    assert audit_actions(runtime)[-1] == "enrolment.withdrawn"


def test_deferral_records_the_reason_and_can_be_followed_by_re_enrolment(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime)
    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")

    reply = command(
        slack, standin, COORDINATOR, f"defer {mention(PARTICIPANT)} {WHERE} maternity leave"
    )

    assert "is now deferred from *Cohort 1*" in reply
    enrolment = enrolments(runtime)[PARTICIPANT]
    assert (enrolment.status, enrolment.status_reason) == (
        EnrolmentStatus.DEFERRED,
        "maternity leave",
    )
    again = command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")
    assert "is now enrolled" in again
    # Nothing about the person changed in Slack, so only the enrolment is audited.
    assert audit_actions(runtime)[-2:] == ["enrolment.deferred", "enrolment.enrol"]


def welcome_texts(standin: SlackStandin, user_id: str) -> list[str]:
    return [m.text for m in standin.messages_in(user_id)]


def first_block_text(message: Any) -> str:
    return str(message.blocks[0]["text"]["text"])


def test_a_known_applicant_is_matched_to_their_slack_account_by_email(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime)
    with unit_of_work(runtime.session_factory) as session:
        session.add(Person(name="P. Participant", email="Pat@Example.nhs.uk", job_title="Deputy"))

    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")

    with unit_of_work(runtime.session_factory) as session:
        (person,) = session.scalars(select(Person)).all()
        assert (person.slack_user_id, person.name, person.job_title) == (
            PARTICIPANT,
            "Pat Participant",
            "Deputy",
        )


@pytest.mark.parametrize(
    ("verb", "reason", "status"),
    [
        ("withdraw", "Can't come", EnrolmentStatus.WITHDRAWN),
        ("defer", "O'Neill's leave  (back in May)", EnrolmentStatus.DEFERRED),
    ],
)
def test_a_reason_with_an_apostrophe_is_kept_as_typed(
    runtime: Runtime,
    slack: SlackSender,
    standin: SlackStandin,
    verb: str,
    reason: str,
    status: EnrolmentStatus,
) -> None:
    make_cohort(runtime)
    command(slack, standin, COORDINATOR, f"enrol {mention(PARTICIPANT)} {WHERE}")

    reply = command(slack, standin, COORDINATOR, f"{verb} {mention(PARTICIPANT)} {WHERE} {reason}")

    assert f"is now {status.value}" in reply
    enrolment = enrolments(runtime)[PARTICIPANT]
    assert (enrolment.status, enrolment.status_reason) == (status, reason)
