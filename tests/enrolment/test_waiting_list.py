"""A freed place is offered to the first person waiting, who alone can accept or decline it."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from bot.runtime import Runtime
from bot.slack.ids.enrolment import ActionId, BlockId
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import EnrolmentStatus
from db.models import AuditEvent
from tests.enrolment.test_enrolment import (
    WHERE,
    add_people,
    command,
    deliver,
    enrolments,
    make_cohort,
    mention,
)
from tests.fixtures.bot import COORDINATOR, PARTICIPANT

FIRST, SECOND = "UWAIT001", "UWAIT002"


def full_cohort_with_two_waiting(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    make_cohort(runtime, capacity=1)
    add_people(standin, FIRST, SECOND)
    for user_id in (PARTICIPANT, FIRST, SECOND):
        command(slack, standin, COORDINATOR, f"enrol {mention(user_id)} {WHERE}")


def offer_in_dm(standin: SlackStandin, user_id: str) -> Any:
    offers = [m for m in standin.messages_in(user_id) if "place has freed up" in m.text]
    assert len(offers) == 1
    return offers[0]


def click(
    slack: SlackSender, standin: SlackStandin, clicker: str, offer: Any, action_id: str
) -> None:
    (button,) = [
        element
        for block in offer.blocks
        if block.get("block_id") == BlockId.PLACE_OFFER_ACTIONS
        for element in block["elements"]
        if element["action_id"] == action_id
    ]
    payload = standin.block_actions(
        user_id=clicker,
        actions=[
            {
                "type": "button",
                "action_id": action_id,
                "block_id": BlockId.PLACE_OFFER_ACTIONS,
                "value": button["value"],
                "text": button["text"],
            }
        ],
        channel_id=offer.channel,
        message={"ts": offer.ts, "text": offer.text, "blocks": offer.blocks},
    )
    assert slack.interaction(payload).status == 200


def same_message(standin: SlackStandin, user_id: str, original: Any) -> Any:
    (message,) = [m for m in standin.messages_in(user_id) if m.ts == original.ts]
    return message


def withdraw_participant(slack: SlackSender, standin: SlackStandin) -> str:
    return command(
        slack, standin, COORDINATOR, f"withdraw {mention(PARTICIPANT)} {WHERE} moved region"
    )


def test_a_freed_place_is_offered_to_the_first_person_waiting_who_keeps_their_position(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    full_cohort_with_two_waiting(runtime, slack, standin)

    reply = withdraw_participant(slack, standin)

    assert "The freed place has been offered to Person UWAIT001" in reply
    people = enrolments(runtime)
    assert people[FIRST].status == EnrolmentStatus.WAITING
    assert people[FIRST].waiting_position == 1
    assert people[FIRST].place_offered_at is not None
    assert (people[SECOND].waiting_position, people[SECOND].place_offered_at) == (2, None)
    deliver(runtime)
    offer = offer_in_dm(standin, FIRST)
    assert [e["text"]["text"] for e in offer.blocks[1]["elements"]] == ["Accept place", "Decline"]
    assert not [m for m in standin.messages_in(SECOND) if "place has freed up" in m.text]
    listing = command(slack, standin, COORDINATOR, f"waiting {WHERE}")
    assert "waiting list: 2 people" in listing
    assert "offered a place, awaiting an answer" in str(standin.responses[-1][1]["blocks"])


def test_a_held_offer_keeps_the_place_from_newcomers(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    full_cohort_with_two_waiting(runtime, slack, standin)
    withdraw_participant(slack, standin)
    add_people(standin, "ULATE001")

    reply = command(slack, standin, COORDINATOR, f"enrol {mention('ULATE001')} {WHERE}")

    assert "waiting list at position 3" in reply


def test_accepting_the_offer_enrols_them_and_replaces_the_buttons(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    full_cohort_with_two_waiting(runtime, slack, standin)
    withdraw_participant(slack, standin)
    deliver(runtime)
    offer = offer_in_dm(standin, FIRST)

    click(slack, standin, FIRST, offer, ActionId.ACCEPT_PLACE)

    standin.wait_for("chat.update")
    people = enrolments(runtime)
    assert people[FIRST].status == EnrolmentStatus.ENROLLED
    assert people[FIRST].coaching_deadline is not None
    assert (people[SECOND].status, people[SECOND].waiting_position) == (
        EnrolmentStatus.WAITING,
        1,
    )
    updated = same_message(standin, FIRST, offer)
    assert "You accepted the place in *Cohort 1*" in updated.text
    assert all(block["type"] != "actions" for block in updated.blocks or [])
    deliver(runtime)
    assert any(m.text.startswith("Welcome to Future Leaders") for m in standin.messages_in(FIRST))
    with unit_of_work(runtime.session_factory) as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert "enrolment.accept_place" in actions


def test_declining_offers_the_place_to_the_next_person(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    full_cohort_with_two_waiting(runtime, slack, standin)
    withdraw_participant(slack, standin)
    deliver(runtime)

    offer = offer_in_dm(standin, FIRST)
    click(slack, standin, FIRST, offer, ActionId.DECLINE_PLACE)

    standin.wait_for("chat.update")
    people = enrolments(runtime)
    assert people[FIRST].status == EnrolmentStatus.WITHDRAWN
    assert "Declined" in (people[FIRST].status_reason or "")
    assert people[SECOND].waiting_position == 1
    assert people[SECOND].place_offered_at is not None
    assert "You declined the place" in same_message(standin, FIRST, offer).text
    deliver(runtime)
    offer_in_dm(standin, SECOND)


def test_someone_else_clicking_a_forwarded_offer_changes_nothing(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    full_cohort_with_two_waiting(runtime, slack, standin)
    withdraw_participant(slack, standin)
    deliver(runtime)
    offer = offer_in_dm(standin, FIRST)
    seen = len(standin.responses)

    click(slack, standin, SECOND, offer, ActionId.ACCEPT_PLACE)

    standin.wait_for(lambda: len(standin.responses) > seen)
    _, refusal = standin.responses[seen]
    assert "made to someone else" in refusal["text"]
    assert refusal.get("replace_original") is False
    people = enrolments(runtime)
    assert people[FIRST].place_offered_at is not None
    assert people[SECOND].status == EnrolmentStatus.WAITING
    assert standin.calls_to("chat.update") == []


def test_an_answered_offer_cannot_be_answered_again(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    full_cohort_with_two_waiting(runtime, slack, standin)
    withdraw_participant(slack, standin)
    deliver(runtime)
    # As the person still sees it in a stale client, buttons and all.
    offer = copy.deepcopy(offer_in_dm(standin, FIRST))
    click(slack, standin, FIRST, offer, ActionId.ACCEPT_PLACE)
    standin.wait_for("chat.update")
    seen = len(standin.responses)

    click(slack, standin, FIRST, offer, ActionId.DECLINE_PLACE)

    standin.wait_for(lambda: len(standin.responses) > seen)
    assert "already been answered" in standin.responses[seen][1]["text"]
    assert enrolments(runtime)[FIRST].status == EnrolmentStatus.ENROLLED


def test_raising_the_capacity_offers_the_new_place_to_the_first_person_waiting(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    from bot.enrolment.cohorts import save_cohort
    from bot.programmes.programmes import CohortDetails
    from db.models import Cohort, Enrolment

    full_cohort_with_two_waiting(runtime, slack, standin)
    with unit_of_work(runtime.session_factory) as session:
        cohort = session.scalars(select(Cohort)).one()
        save_cohort(
            session,
            CohortDetails(name=cohort.name, capacity=2, start_date=cohort.start_date),
            programme_id=cohort.programme_id,
            cohort_id=cohort.id,
            actor=COORDINATOR,
            now=runtime.clock(),
        )
    deliver(runtime)

    offer_in_dm(standin, FIRST)
    with unit_of_work(runtime.session_factory) as session:
        waiting = session.scalars(
            select(Enrolment).where(Enrolment.status == EnrolmentStatus.WAITING)
        ).all()
        offered = {e.person.slack_user_id for e in waiting if e.place_offered_at is not None}
    assert offered == {FIRST}
