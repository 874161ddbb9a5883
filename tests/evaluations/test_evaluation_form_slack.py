"""Filling in an evaluation in Slack: the DM's button, the modal's pages, errors and replies."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.evaluations.requests import close_requests, open_requests
from bot.runtime import Runtime
from bot.slack.ids.evaluations import ANSWER_INPUT, ActionId, CallbackId, question_block_id
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import EvaluationRequestState, QuestionPurpose, QuestionType, SessionKind
from db.models import (
    EvaluationAnswer,
    EvaluationDraft,
    EvaluationHeldAnswer,
    EvaluationRequest,
    EvaluationResponse,
)
from scheduling.delivery import deliver_due
from tests.fixtures.bot import NOW, PARTICIPANT
from tests.home.test_home import open_home
from tests.support.evaluations import Q, make_form
from tests.support.people import programme_with_session

OTHER = "UPART002"
WORKSHOP_STARTS = datetime(2017, 1, 31, 9, 0, tzinfo=UTC)
TWELVE = tuple(f"Trust {n}" for n in range(1, 13))
Values = dict[str, dict[str, dict[str, Any]]]


def ask(runtime: Runtime, standin: SlackStandin, questions: list[Q], **form: Any) -> None:
    """A workshop attended by PARTICIPANT and OTHER, each sent the form's DM."""
    standin.add_user(OTHER, name="Olly Other", email="olly@example.nhs.uk")
    with unit_of_work(runtime.session_factory) as session:
        programme_session, invitations = programme_with_session(
            session,
            starts_at=WORKSHOP_STARTS,
            people={PARTICIPANT: None, OTHER: None},
            kind=SessionKind.WORKSHOP,
        )
        open_requests(
            session,
            form=make_form(session, questions=questions, **form),
            cohort=programme_session.cohort,
            enrolments=[invitation.enrolment for invitation in invitations],
            now=NOW,
            programme_session=programme_session,
        )
    deps = runtime.tick_dependencies()
    deliver_due(deps.uow, deps.client, NOW)


def press(slack: SlackSender, standin: SlackStandin, owner: str, *, by: str) -> None:
    """`by` presses the 'Fill in the form' button in `owner`'s DM."""
    (dm,) = standin.messages_in(owner)
    for block in dm.blocks or []:
        for element in block.get("elements", []):
            if element.get("action_id") == ActionId.OPEN_FORM:
                payload = standin.block_actions(
                    user_id=by,
                    actions=[{**element, "block_id": block.get("block_id", "")}],
                    channel_id=dm.channel,
                    message={"ts": dm.ts, "text": dm.text, "blocks": dm.blocks},
                )
                assert slack.interaction(payload).status == 200
                return
    raise AssertionError("no 'Fill in the form' button in the DM")


def opened(standin: SlackStandin, seen: int = 0) -> dict[str, Any]:
    """The modal opened by the `seen`+1-th views.open call (checked by the stand-in)."""
    call = standin.wait_for(lambda: standin.calls_to("views.open")[seen:])[0]
    assert (call.status, call.error) == (200, None)
    return dict(call.response["view"])


def submit(
    slack: SlackSender, standin: SlackStandin, view_id: str, values: Values, user: str = PARTICIPANT
) -> dict[str, Any]:
    """Submit the open modal (the stand-in applies an 'update' answer, as Slack would)."""
    result = slack.interaction(standin.view_submission(view_id, user_id=user, values=values))
    assert result.status == 200
    return dict(result.json())


def picked(kind: str, *values: str) -> dict[str, Any]:
    options = [{"value": v, "text": {"type": "plain_text", "text": v}} for v in values]
    if kind in ("checkboxes", "multi_static_select"):
        return {"type": kind, "selected_options": options}
    return {"type": kind, "selected_option": options[0] if options else None}


def typed(text: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": text}


def values(**answers: dict[str, Any]) -> Values:
    return {question_block_id(key): {ANSWER_INPUT: state} for key, state in answers.items()}


def shown(view: dict[str, Any]) -> str:
    """The visible text of a view's section, header and context blocks."""
    parts: list[str] = []
    for block in view["blocks"]:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(e.get("text", "") for e in block.get("elements", []))
    return "\n".join(parts)


def stored(runtime: Runtime) -> list[tuple[int | None, str | None, list[Any] | None]]:
    with unit_of_work(runtime.session_factory) as session:
        rows = session.scalars(select(EvaluationAnswer).order_by(EvaluationAnswer.question_id))
        return [(a.value_number, a.value_text, a.value_choices) for a in rows]


def request_state(runtime: Runtime, user: str = PARTICIPANT) -> EvaluationRequestState:
    with unit_of_work(runtime.session_factory) as session:
        requests = session.scalars(select(EvaluationRequest).order_by(EvaluationRequest.id))
        return next(r.state for r in requests if r.enrolment.person.slack_user_id == user)


ROUND_TRIPS = [
    (QuestionType.RATING5, None, "radio_buttons", ("2",), (2, None, None)),
    (QuestionType.OBJECTIVES_MET, None, "radio_buttons", ("4",), (4, None, None)),
    (QuestionType.AGREEMENT5, None, "radio_buttons", ("5",), (5, None, None)),
    (QuestionType.YES_NO, None, "radio_buttons", ("0",), (0, None, None)),
    (QuestionType.SINGLE_CHOICE, ("Leeds", "York"), "radio_buttons", ("2",), (None, "York", None)),
    (QuestionType.SINGLE_CHOICE, TWELVE, "static_select", ("12",), (None, "Trust 12", None)),
    (
        QuestionType.MULTIPLE_CHOICE,
        ("Finance", "People", "Strategy"),
        "checkboxes",
        ("3", "1"),
        (None, None, ["Finance", "Strategy"]),
    ),
    (
        QuestionType.MULTIPLE_CHOICE,
        TWELVE,
        "multi_static_select",
        ("11",),
        (None, None, ["Trust 11"]),
    ),
]


@pytest.mark.parametrize(("kind", "options", "element", "chosen", "expected"), ROUND_TRIPS)
def test_a_question_of_each_kind_goes_from_the_dm_to_the_database(
    runtime: Runtime,
    slack: SlackSender,
    standin: SlackStandin,
    kind: QuestionType,
    options: tuple[str, ...] | None,
    element: str,
    chosen: tuple[str, ...],
    expected: tuple[Any, ...],
) -> None:
    ask(runtime, standin, [Q("only", kind, text="How was it?", options=options)])

    press(slack, standin, PARTICIPANT, by=PARTICIPANT)
    modal = opened(standin)
    (question,) = [b for b in modal["blocks"] if b["type"] == "input"]
    assert question["block_id"] == question_block_id("only")
    assert question["element"]["type"] == element
    assert question["optional"] is False
    answer = submit(slack, standin, modal["id"], values(only=picked(element, *chosen)))

    assert answer["response_action"] == "update"
    assert "your answers to Test evaluation have been sent" in shown(answer["view"])
    assert stored(runtime) == [expected]
    assert request_state(runtime) == EvaluationRequestState.COMPLETED


def test_free_text_is_a_multiline_input_with_its_limit_and_optional_ones_may_be_left_empty(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    ask(
        runtime,
        standin,
        [
            Q("commitment", QuestionType.FREE_TEXT, max_length=300),
            Q("else", QuestionType.FREE_TEXT, max_length=500, required=False),
        ],
    )
    press(slack, standin, PARTICIPANT, by=PARTICIPANT)
    modal = opened(standin)
    commitment, other = [b for b in modal["blocks"] if b["type"] == "input"]
    assert commitment["element"] == {
        "type": "plain_text_input",
        "action_id": ANSWER_INPUT,
        "multiline": True,
        "max_length": 300,
    }
    assert other["optional"] is True

    submit(
        slack,
        standin,
        modal["id"],
        values(commitment=typed("Coach my deputy"), **{"else": typed(None)}),
    )

    assert stored(runtime) == [(None, "Coach my deputy", None)]


def test_the_first_page_says_whether_the_form_is_anonymous(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    ask(runtime, standin, [Q("overall", QuestionType.RATING5)], anonymous=True, title="Workshop")

    press(slack, standin, PARTICIPANT, by=PARTICIPANT)
    modal = opened(standin)

    assert modal["title"]["text"] == "Workshop"
    assert modal["submit"]["text"] == "Send"
    assert (
        "*This form is anonymous.* Your answers are stored without your name, your Slack id or the"
        " time you sent them, and results are only shown for groups of five or more" in shown(modal)
    )
    assert "Page 1" not in shown(modal)
    assert modal["private_metadata"] == '{"request": 1, "page": 1}'


def test_mistakes_show_on_each_field_at_fault_and_nothing_is_stored(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    ask(
        runtime,
        standin,
        [
            Q("overall", QuestionType.RATING5),
            Q("venue", QuestionType.SINGLE_CHOICE, options=("Leeds", "York")),
            Q("commitment", QuestionType.FREE_TEXT, max_length=20),
        ],
    )
    press(slack, standin, PARTICIPANT, by=PARTICIPANT)
    modal = opened(standin)

    answer = submit(
        slack,
        standin,
        modal["id"],
        values(
            overall=picked("radio_buttons"),
            venue=picked("radio_buttons", "7"),
            commitment=typed("x" * 21),
        ),
    )

    assert answer == {
        "response_action": "errors",
        "errors": {
            question_block_id("overall"): "Please answer this question.",
            question_block_id("venue"): "That is not one of the options for this question.",
            question_block_id("commitment"): "Please keep this to 20 characters; it is 21 now.",
        },
    }
    assert stored(runtime) == []
    assert request_state(runtime) == EvaluationRequestState.OPEN


def test_sending_twice_from_two_open_modals_is_refused_cleanly(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    ask(runtime, standin, [Q("overall", QuestionType.RATING5)])
    press(slack, standin, PARTICIPANT, by=PARTICIPANT)
    press(slack, standin, PARTICIPANT, by=PARTICIPANT)
    first, second = opened(standin, 0), opened(standin, 1)
    answer = values(overall=picked("radio_buttons", "1"))

    submit(slack, standin, first["id"], answer)
    again = submit(slack, standin, second["id"], answer)

    assert again["response_action"] == "update"
    assert "You have already sent this evaluation — thank you." in shown(again["view"])
    assert stored(runtime) == [(1, None, None)]
    press(slack, standin, PARTICIPANT, by=PARTICIPANT)
    _, reply = standin.wait_for_response()
    assert reply["text"] == "You have already sent this evaluation — thank you."
    assert len(standin.calls_to("views.open")) == 2


def test_a_late_submission_is_told_the_form_closed_and_nothing_is_kept(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    ask(runtime, standin, [Q("overall", QuestionType.RATING5)])
    press(slack, standin, PARTICIPANT, by=PARTICIPANT)
    modal = opened(standin)
    with unit_of_work(runtime.session_factory) as session:
        request = session.scalars(select(EvaluationRequest).order_by(EvaluationRequest.id)).first()
        assert request is not None
        close_requests(
            session,
            form_id=request.form_id,
            cohort_id=request.cohort_id,
            session_id=request.session_id,
            now=NOW,
        )

    answer = submit(slack, standin, modal["id"], values(overall=picked("radio_buttons", "1")))

    assert answer["response_action"] == "update"
    assert (
        "This evaluation closed on Wed 1 Feb, 09:00, so your answers could not be kept."
        in shown(answer["view"])
    )
    assert stored(runtime) == []
    press(slack, standin, PARTICIPANT, by=PARTICIPANT)
    _, reply = standin.wait_for_response()
    assert reply["text"] == "This evaluation closed on Wed 1 Feb, 09:00."


def test_someone_elses_button_is_refused(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    ask(runtime, standin, [Q("overall", QuestionType.RATING5)])

    press(slack, standin, PARTICIPANT, by=OTHER)

    _, reply = standin.wait_for_response()
    assert reply["text"] == "This evaluation was sent to someone else, so only they can fill it in."
    assert standin.calls_to("views.open") == []


def test_a_workshop_commitment_is_promised_a_follow_up(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    commitment = Q(
        "commitment", QuestionType.FREE_TEXT, max_length=200, purpose=QuestionPurpose.COMMITMENT
    )
    ask(runtime, standin, [commitment])
    press(slack, standin, PARTICIPANT, by=PARTICIPANT)

    answer = submit(slack, standin, opened(standin)["id"], values(commitment=typed("Delegate")))

    assert "In 30 and 90 days I will ask you whether you have acted on it." in shown(answer["view"])


def test_a_120_question_form_goes_page_by_page_into_one_response(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    kinds = (QuestionType.RATING5, QuestionType.YES_NO, QuestionType.AGREEMENT5)
    questions = [Q(f"q{n:03}", kinds[n % 3], section=f"Part {n // 15 + 1}") for n in range(120)]
    ask(runtime, standin, questions)
    press(slack, standin, PARTICIPANT, by=PARTICIPANT)
    modal = opened(standin)

    def page_answers(view: dict[str, Any]) -> Values:
        keys = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
        return {key: {ANSWER_INPUT: picked("radio_buttons", "1")} for key in keys}

    assert (modal["submit"]["text"], len(modal["blocks"])) == ("Next", 98)
    assert "Page 1 of 2" in shown(modal)
    second = submit(slack, standin, modal["id"], page_answers(modal))

    assert second["response_action"] == "update"
    assert (second["view"]["submit"]["text"], second["view"]["callback_id"]) == (
        "Send",
        CallbackId.FORM_PAGE,
    )
    assert "Page 2 of 2" in shown(second["view"])
    assert second["view"]["private_metadata"] == '{"request": 1, "page": 2}'
    with unit_of_work(runtime.session_factory) as session:
        (draft,) = session.scalars(select(EvaluationDraft))
        assert len(draft.answers) == 90
        assert session.scalars(select(EvaluationResponse)).all() == []

    # Closed and reopened from the DM, page 1 comes back with the answers already given.
    press(slack, standin, PARTICIPANT, by=PARTICIPANT)
    reopened = [b for b in opened(standin, 1)["blocks"] if b["type"] == "input"]
    assert len(reopened) == 90
    assert all(b["element"]["initial_option"]["value"] == "1" for b in reopened)

    done = submit(slack, standin, modal["id"], page_answers(second["view"]))

    assert "have been sent" in shown(done["view"])
    assert len(stored(runtime)) == 120
    with unit_of_work(runtime.session_factory) as session:
        assert session.scalars(select(EvaluationDraft)).all() == []
        (response,) = session.scalars(select(EvaluationResponse))
        assert response.enrolment_id is not None and response.submitted_at is not None
        assert response.form.key == "test_form"


def test_answers_never_reach_the_logs(
    runtime: Runtime,
    slack: SlackSender,
    standin: SlackStandin,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    ask(
        runtime,
        standin,
        [
            Q("venue", QuestionType.SINGLE_CHOICE, options=("Leeds", "Mablethorpe")),
            Q("commitment", QuestionType.FREE_TEXT, max_length=200),
        ],
        anonymous=True,
    )
    press(slack, standin, PARTICIPANT, by=PARTICIPANT)
    modal = opened(standin)

    submit(
        slack,
        standin,
        modal["id"],
        values(venue=picked("radio_buttons", "2"), commitment=typed("Quokka-secret-plan")),
    )

    # Anonymous and alone in its group: held back, sealed, readable nowhere in the database.
    assert stored(runtime) == []
    with unit_of_work(runtime.session_factory) as session:
        (held,) = session.scalars(select(EvaluationHeldAnswer)).all()
    assert b"Quokka-secret-plan" not in held.sealed and b"Mablethorpe" not in held.sealed
    assert "Quokka-secret-plan" not in caplog.text
    # The capture did see the bot at work (so the check above could fail).
    assert "views.open" in caplog.text


def test_a_form_waiting_on_the_home_tab_opens_from_its_button_there(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    ask(runtime, standin, [Q("overall", QuestionType.RATING5)], title="Workshop feedback")

    assert "Workshop feedback" in open_home(slack, standin, PARTICIPANT)
    home = standin.home_view(PARTICIPANT)
    assert home is not None
    (block, button) = next(
        (block, element)
        for block in home.view["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == ActionId.OPEN_FORM
    )
    assert button["text"]["text"] == "Fill in: Workshop feedback"
    payload = standin.block_actions(
        user_id=PARTICIPANT,
        actions=[{**button, "block_id": block.get("block_id", "")}],
        view_id=home.id,
    )
    assert slack.interaction(payload).status == 200

    modal = opened(standin)
    assert modal["callback_id"] == CallbackId.FORM_PAGE
    assert modal["title"]["text"] == "Workshop feedback"
