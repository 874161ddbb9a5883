"""Assessments through Slack: the modal, inline errors, offering another date, and the report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.runtime import Runtime
from bot.slack.ids.assessments import ATTENDED, DID_NOT_ATTEND, YES, CallbackId, Field
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import Level, Readiness, SessionKind
from db.models import AssessmentResult
from scheduling.delivery import deliver_due
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.programmes import (
    chosen,
    command_reply,
    make_cohort,
    make_person,
    make_session,
    open_modal,
    picked_date,
    submit,
    text,
    ticked,
)

OTHER = "UPART002"


def mention(user_id: str) -> str:
    return f"<@{user_id}|someone>"


def setup(runtime: Runtime, standin: SlackStandin) -> int:
    """A cohort with two participants and a second assessment sitting; returns that session's id."""
    standin.add_user(OTHER, name="Olly Other", email="olly@example.nhs.uk")
    with unit_of_work(runtime.session_factory) as session:
        cohort = make_cohort(session)
        make_person(session, cohort, "Pat Participant", slack_user_id=PARTICIPANT, region="London")
        make_person(session, cohort, "Olly Other", slack_user_id=OTHER)
        return make_session(
            session,
            cohort,
            "Assessment centre (second sitting)",
            kind=SessionKind.ASSESSMENT,
            starts_at=datetime(2017, 3, 14, 9, 30, tzinfo=UTC),
        ).id


def graded(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    fields: dict[str, dict[str, Any]] = {
        Field.ATTENDED: chosen(ATTENDED, "radio_buttons"),
        Field.DATE: picked_date("2017-01-30"),
        Field.PANEL: text("Dr A Smith"),
        Field.READINESS: chosen(Readiness.READY_12_18_MONTHS, "radio_buttons"),
        Field.PERFORMANCE: chosen(Level.HIGH),
        Field.POTENTIAL: chosen(Level.HIGH),
        Field.AREAS: ticked("Influencing", "System leadership"),
        Field.FEEDBACK: chosen(YES, "radio_buttons"),
    }
    return {**fields, **changes}


def stored(runtime: Runtime) -> list[tuple[Any, ...]]:
    with unit_of_work(runtime.session_factory) as session:
        rows = session.scalars(select(AssessmentResult).order_by(AssessmentResult.id))
        return [
            (
                r.enrolment.person.slack_user_id,
                r.readiness,
                r.performance,
                r.potential,
                r.did_not_attend_reason,
            )
            for r in rows
        ]


def shown(answer: dict[str, Any]) -> str:
    return " ".join(b.get("text", {}).get("text", "") for b in answer["view"]["blocks"])


def test_a_coordinator_records_an_assessment_in_the_modal(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    view_id = open_modal(slack, standin, COORDINATOR, f"assess {mention(PARTICIPANT)}")
    modal = standin.views[view_id].view
    assert modal["callback_id"] == CallbackId.RECORD
    assert "*Pat Participant* (Aspiring Directors / 2017)" in modal["blocks"][0]["text"]["text"]

    answer = submit(slack, standin, view_id, COORDINATOR, **graded())

    assert answer["response_action"] == "update"
    assert (
        "Saved: *Pat Participant* is *High performance, high potential*, "
        "ready within 12\u201318 months." in shown(answer)
    )
    assert stored(runtime) == [
        (PARTICIPANT, Readiness.READY_12_18_MONTHS, Level.HIGH, Level.HIGH, None)
    ]


def test_mistakes_show_inline_on_the_field_and_nothing_is_stored(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    view_id = open_modal(slack, standin, COORDINATOR, f"assess {mention(PARTICIPANT)}")

    future = submit(
        slack, standin, view_id, COORDINATOR, **graded(**{Field.DATE: picked_date("2017-02-02")})
    )
    fields = graded()
    del fields[Field.READINESS]
    unready = submit(slack, standin, view_id, COORDINATOR, **fields)

    assert future == {
        "response_action": "errors",
        "errors": {
            Field.DATE: "That date is in the future: record an assessment once it has happened."
        },
    }
    assert unready == {
        "response_action": "errors",
        "errors": {Field.READINESS: "Choose how ready they are for a director role."},
    }
    assert stored(runtime) == []


def test_a_non_attender_keeps_a_reason_and_is_offered_another_date_by_dm(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    second_sitting = setup(runtime, standin)
    view_id = open_modal(slack, standin, COORDINATOR, f"assess {mention(PARTICIPANT)}")

    answer = submit(
        slack,
        standin,
        view_id,
        COORDINATOR,
        **{
            Field.ATTENDED: chosen(DID_NOT_ATTEND, "radio_buttons"),
            Field.DATE: picked_date("2017-01-30"),
            Field.REASON: chosen("leave"),
        },
    )

    assert "Saved: *Pat Participant* did not attend (Leave)." in shown(answer)
    assert answer["view"]["callback_id"] == CallbackId.OFFER
    options = answer["view"]["blocks"][1]["element"]["options"]
    assert [(o["value"], o["text"]["text"]) for o in options] == [
        (
            str(second_sitting),
            f"#{second_sitting} Tue 14 Mar, 09:30 Assessment centre (second sitting)",
        )
    ]
    assert stored(runtime) == [(PARTICIPANT, None, None, None, "Leave")]

    offered = submit(
        slack, standin, view_id, COORDINATOR, **{Field.OFFER_SESSION: chosen(str(second_sitting))}
    )

    assert (
        "Offered *Pat Participant* another date: "
        "*Assessment centre (second sitting)*, Tue 14 Mar, 09:30" in shown(offered)
    )
    assert standin.messages_in(PARTICIPANT) == []
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)
    (invitation,) = standin.messages_in(PARTICIPANT)
    assert (
        "*Assessment centre (second sitting)* is in 41 days: Tue 14 Mar, 09:30" in invitation.text
    )
    assert "I'll be there" in str(invitation.blocks)


def test_another_date_can_be_offered_by_command_once(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    second_sitting = setup(runtime, standin)

    reply = command_reply(
        slack, standin, COORDINATOR, f"assess offer {mention(OTHER)} #{second_sitting}"
    )
    again = command_reply(
        slack, standin, COORDINATOR, f"assess offer {mention(OTHER)} {second_sitting}"
    )

    assert "Offered *Olly Other* another date: *Assessment centre (second sitting)*" in reply
    assert f"They have already been offered session #{second_sitting}." in again
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)
    assert len(standin.messages_in(OTHER)) == 1


def test_the_assessments_report_lists_people_readiness_and_the_grid(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    view_id = open_modal(slack, standin, COORDINATOR, f"assess {mention(PARTICIPANT)}")
    submit(slack, standin, view_id, COORDINATOR, **graded())

    reply = command_reply(slack, standin, COORDINATOR, 'assessments "Aspiring Directors" 2017')

    assert "*Assessments in Aspiring Directors / 2017*" in reply
    assert "Assessed: 1. Not yet assessed: 1. Did not attend: 0." in reply
    assert "*Readiness:* Ready now 0; Ready within 12\u201318 months 1; Ready later 0." in reply
    assert "High            0       0       1" in reply
    assert "Low             0       0       0" in reply
    assert (
        f"<@{PARTICIPANT}>: High performance, high potential; ready within 12\u201318 months"
        in reply
    )
    assert f"<@{OTHER}>: not yet assessed" in reply


def test_non_coordinators_are_refused(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    second_sitting = setup(runtime, standin)

    for text_ in (
        f"assess {mention(OTHER)}",
        "assessments",
        f"assess offer {mention(OTHER)} {second_sitting}",
    ):
        assert "only programme coordinators can do that" in command_reply(
            slack, standin, PARTICIPANT, text_
        )
    assert standin.calls_to("views.open") == []


def test_choosing_performance_and_potential_names_the_box_in_the_modal(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    view_id = open_modal(slack, standin, COORDINATOR, f"assess {mention(PARTICIPANT)}")
    assert "choose performance and potential" in str(standin.views[view_id].view)
    choice = {
        "action_id": Field.POTENTIAL,
        "block_id": Field.POTENTIAL,
        **chosen(Level.LOW),
    }
    payload = standin.block_actions(user_id=COORDINATOR, actions=[choice], view_id=view_id)
    payload["view"]["state"] = {
        "values": {
            Field.PERFORMANCE: {Field.PERFORMANCE: chosen(Level.MEDIUM)},
            Field.POTENTIAL: {Field.POTENTIAL: chosen(Level.LOW)},
        }
    }

    assert slack.interaction(payload).status == 200

    call = standin.wait_for("views.update")
    assert (call.status, call.error) == (200, None)
    redrawn = standin.views[view_id].view
    assert "Nine-box position: *Medium performance, low potential*" in str(redrawn)
    assert stored(runtime) == []
    # The redrawn modal still knows whose assessment it records.
    submit(slack, standin, view_id, COORDINATOR, **graded())
    assert stored(runtime) == [
        (PARTICIPANT, Readiness.READY_12_18_MONTHS, Level.HIGH, Level.HIGH, None)
    ]
