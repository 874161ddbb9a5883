"""Hostile values in every modal a button opens: a 200, a specific answer, nothing half-written.

`test_hostile_input` covers the modals commands open; these are the ones opened from a button in a
DM or on the Home tab: "Can't make it" on a reminder, "Fill in the form" on an evaluation, a
commitment follow-up's answers, "Log a session", "Record attendance", "I'm away", "Report a new
role" and a coordinator's "Reject". Each button is pressed through the signed endpoint, from the
message the bot delivered when there is one, and the modal it opens is submitted with hostile
values in a random subset of its inputs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from bot.evaluations.requests import open_requests
from bot.runtime import Runtime
from bot.slack.ids import attendance, coaching, evaluations, outcomes, participation, reminders
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import OutcomeKind, QuestionType, SessionKind
from db.models import Cohort, CommitmentFollowUp, EvaluationRequest, Invitation, Outcome
from scheduling.delivery import deliver_due
from tests.fixtures.bot import COORDINATOR, NOW
from tests.home.test_home import open_home
from tests.slack.test_hostile_input import FUZZ, submit_hostile_values
from tests.support.evaluations import Q, make_form
from tests.support.programmes import make_cohort, make_person, make_session


@dataclass(frozen=True)
class Seeded:
    """The participant of one example and the ids their buttons carry."""

    participant: str
    invitation_id: int
    past_session_id: int
    request_id: int
    follow_up_id: int
    outcome_id: int
    enrolment_id: int


@pytest.fixture
def seed(runtime: Runtime, standin: SlackStandin) -> Callable[[], Seeded]:
    """Makes, for each example, a new participant (a submission may use up what a button opens:
    a form sent, a role rejected, the coaching allowance logged) with a session coming up, one
    just held, an evaluation to fill in, a commitment to follow up and a new role awaiting a
    coordinator, and delivers the evaluation DM."""
    with unit_of_work(runtime.session_factory) as session:
        cohort_id = make_cohort(session).id
    made = itertools.count(1)

    def make() -> Seeded:
        number = next(made)
        participant = f"UFUZZ{number:04d}"
        standin.add_user(participant, name="Pat Participant", email=f"{participant}@example.nhs.uk")
        with unit_of_work(runtime.session_factory) as session:
            cohort = session.get_one(Cohort, cohort_id)
            enrolment = make_person(session, cohort, "Pat Participant", slack_user_id=participant)
            coming = make_session(
                session, cohort, "Action learning set", starts_at=NOW + timedelta(days=3)
            )
            held = make_session(
                session,
                cohort,
                "Launch workshop",
                starts_at=NOW - timedelta(days=2),
                kind=SessionKind.WORKSHOP,
            )
            invitation = Invitation(session=coming, enrolment=enrolment)
            session.add_all([invitation, Invitation(session=held, enrolment=enrolment)])
            form = make_form(
                session,
                key=f"workshop_{number}",
                questions=[
                    Q("overall", QuestionType.RATING5, options=("Excellent", "Good")),
                    Q("useful", QuestionType.MULTIPLE_CHOICE, options=("Talks", "Groups")),
                    Q("commitment", QuestionType.FREE_TEXT),
                ],
            )
            open_requests(
                session,
                form=form,
                cohort=cohort,
                enrolments=[enrolment],
                now=NOW,
                programme_session=held,
            )
            follow_up = CommitmentFollowUp(enrolment=enrolment, session=held, due_on=NOW.date())
            outcome = Outcome(
                person=enrolment.person,
                enrolment=enrolment,
                kind=OutcomeKind.INTERIM_DIRECTOR,
                role_title="Interim director",
                organisation="Leeds Teaching Hospitals",
                reported_by=participant,
            )
            session.add_all([follow_up, outcome])
            session.flush()
            ids = Seeded(
                participant=participant,
                invitation_id=invitation.id,
                past_session_id=held.id,
                request_id=session.scalars(
                    sa.select(EvaluationRequest.id).where(
                        EvaluationRequest.enrolment_id == enrolment.id
                    )
                ).one(),
                follow_up_id=follow_up.id,
                outcome_id=outcome.id,
                enrolment_id=enrolment.id,
            )
        deps = runtime.tick_dependencies()
        deliver_due(deps.uow, deps.client, NOW)
        return ids

    return make


# Each button: who presses it (the example's participant or the coordinator), its action id,
# its value (named by a field of `Seeded`, or literal) and whether it lives on the Home tab.
BUTTONS: dict[str, tuple[str, str, str, bool]] = {
    "can't make it": ("participant", reminders.ActionId.NOT_ATTENDING, "invitation_id", False),
    "fill in the form": ("participant", evaluations.ActionId.OPEN_FORM, "request_id", False),
    "commitment: yes": ("participant", evaluations.ActionId.COMMITMENT_YES, "follow_up_id", False),
    "commitment: partly": (
        "participant",
        evaluations.ActionId.COMMITMENT_PARTLY,
        "follow_up_id",
        False,
    ),
    "commitment: not yet": (
        "participant",
        evaluations.ActionId.COMMITMENT_NOT_YET,
        "follow_up_id",
        False,
    ),
    "log a coaching session": ("participant", coaching.ActionId.LOG, "enrolment_id", False),
    "record attendance": (COORDINATOR, attendance.ActionId.RECORD, "past_session_id", False),
    "reject a new role": (COORDINATOR, outcomes.ActionId.REJECT, "outcome_id", False),
    "i'm away": ("participant", participation.ActionId.AWAY, "", True),
    "report a new role": ("participant", outcomes.ActionId.REPORT, "self", True),
}


def delivered_button(
    standin: SlackStandin, user: str, action_id: str, value: str
) -> tuple[dict[str, Any], Any] | None:
    """The button with `action_id` and `value` in a message delivered to `user`, with that message."""
    for message in standin.messages_in(user):
        for block in message.blocks or []:
            for element in block.get("elements", []):
                if (element.get("action_id"), element.get("value")) == (action_id, value):
                    return {**element, "block_id": block.get("block_id", "")}, message
    return None


def press(slack: SlackSender, standin: SlackStandin, seeded: Seeded, name: str) -> dict[str, Any]:
    """Press the named button as Slack would send it; the modal it opened."""
    user, action_id, value_of, on_home = BUTTONS[name]
    user = seeded.participant if user == "participant" else user
    value = str(getattr(seeded, value_of, value_of))
    opened = len(standin.calls_to("views.open"))
    found = delivered_button(standin, user, action_id, value)
    if on_home:
        open_home(slack, standin, user)
        home = standin.home_view(user)
        assert home is not None
        button = {"type": "button", "action_id": action_id, "value": value, "block_id": "home"}
        payload = standin.block_actions(user_id=user, actions=[button], view_id=home.id)
    elif found is not None:
        button, message = found
        payload = standin.block_actions(
            user_id=user,
            actions=[button],
            channel_id=message.channel,
            message={"ts": message.ts, "text": message.text, "blocks": message.blocks},
        )
    else:
        button = {"type": "button", "action_id": action_id, "value": value, "block_id": "b"}
        payload = standin.block_actions(user_id=user, actions=[button])
    result = slack.interaction(payload)
    assert result.status == 200, (name, result.status, result.body[:300])
    call = standin.wait_for(lambda: standin.calls_to("views.open")[opened:])[0]
    assert (call.status, call.error) == (200, None), name
    return dict(call.response["view"])


def test_the_evaluation_button_is_pressed_from_its_delivered_message(
    seed: Callable[[], Seeded], standin: SlackStandin
) -> None:
    seeded = seed()
    found = delivered_button(
        standin, seeded.participant, evaluations.ActionId.OPEN_FORM, str(seeded.request_id)
    )
    assert found is not None


@pytest.mark.parametrize("name", sorted(BUTTONS))
def test_every_button_modal_answers_hostile_values_with_a_specific_message(
    name: str,
    seed: Callable[[], Seeded],
    slack: SlackSender,
    standin: SlackStandin,
    db: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    @FUZZ
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        seeded = seed()
        user = seeded.participant if BUTTONS[name][0] == "participant" else COORDINATOR
        view = press(slack, standin, seeded, name)
        assert any(block["type"] == "input" for block in view["blocks"]), name
        submit_hostile_values(slack, standin, db, caplog, view["id"], user, data, name)

    check()
