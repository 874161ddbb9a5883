"""Coaching through Slack: the Home button, the modal, coaches logging for their own coachees,
nudges and the at-risk list."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from bot.coaching import allowance as coaching
from bot.coaching import assignment as coach_assignment
from bot.coaching import log as coaching_log
from bot.core.people import SlackProfile
from bot.core.roles import grant_role
from bot.runtime import Runtime
from bot.slack.ids.coaching import (
    COACH_NAME_INPUT,
    COACH_USER_INPUT,
    DATE_INPUT,
    ActionId,
    BlockId,
    CallbackId,
)
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import Role
from db.models import CoachingSession, Enrolment
from scheduling.coaching import nudge_coaching
from scheduling.delivery import deliver_due
from scheduling.ticks import TICKS
from tests.coaching.coaching_data import COACH, OTHER, at, make_cohort
from tests.enrolment.test_enrolment import command, mention
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.home.test_home import open_home

OTHER_COACH = "UCOACH02"


def setup(runtime: Runtime, standin: SlackStandin) -> None:
    standin.add_user(OTHER, name="Olly Other", email="olly@example.nhs.uk")
    standin.add_user(COACH, name="Casey Coach", email="casey@example.nhs.uk")
    with unit_of_work(runtime.session_factory) as session:
        make_cohort(session)
        grant_role(session, slack_user_id=COACH, role=Role.COACH, actor=COORDINATOR, now=NOW)


def log_button(blocks: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """The block id and the 'Log a coaching session' button among `blocks`."""
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == ActionId.LOG:
                return str(block.get("block_id", "")), element
    raise AssertionError("no Log a coaching session button")


def values(
    day: str | None = "2017-01-20", coach_user: str | None = None, coach_name: str | None = "Alex"
) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        BlockId.DATE: {DATE_INPUT: {"type": "datepicker", "selected_date": day}},
        BlockId.COACH_USER: {
            COACH_USER_INPUT: {"type": "users_select", "selected_user": coach_user}
        },
        BlockId.COACH_NAME: {COACH_NAME_INPUT: {"type": "plain_text_input", "value": coach_name}},
    }


def opened_modal(standin: SlackStandin, seen: int) -> dict[str, Any]:
    call = standin.wait_for(lambda: standin.calls_to("views.open")[seen:])[0]
    assert (call.status, call.error) == (200, None)
    return dict(call.response["view"])


def logged(runtime: Runtime) -> list[tuple[str, date, str | None, str]]:
    with unit_of_work(runtime.session_factory) as session:
        rows = session.scalars(select(CoachingSession).order_by(CoachingSession.id))
        return [
            (str(r.enrolment.person.slack_user_id), r.held_on, r.coach_name, r.logged_by)
            for r in rows
        ]


def test_participant_logs_a_session_from_the_home_tab_and_sees_the_new_count(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    assert "0 of 4 sessions used" in open_home(slack, standin, PARTICIPANT)
    home = standin.home_view(PARTICIPANT)
    assert home is not None
    block_id, button = log_button(home.view["blocks"])

    payload = standin.block_actions(
        user_id=PARTICIPANT, actions=[{**button, "block_id": block_id}], view_id=home.id
    )
    assert slack.interaction(payload).status == 200
    modal = opened_modal(standin, 0)
    assert modal["callback_id"] == CallbackId.LOG
    assert modal["title"]["text"] == "Log coaching"

    result = slack.interaction(
        standin.view_submission(modal["id"], user_id=PARTICIPANT, values=values())
    )

    answer = result.json()
    assert answer["response_action"] == "update"
    shown = " ".join(b["text"]["text"] for b in answer["view"]["blocks"])
    assert "Logged: coaching session on Fri 20 Jan 2017." in shown
    assert "1 of 4 sessions used, 3 left to use by *Fri 5 Jan 2018* (338 days to go)" in shown
    assert logged(runtime) == [(PARTICIPANT, date(2017, 1, 20), "Alex", PARTICIPANT)]
    standin.wait_for(
        lambda: "1 of 4 sessions used" in str((standin.home_view(PARTICIPANT) or home).view)
    )


def test_mistakes_show_on_the_field_and_nothing_is_logged(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    slack.slash_command(PARTICIPANT, "coaching log")
    modal = opened_modal(standin, 0)
    assert modal["blocks"][1]["element"]["initial_date"] == "2017-02-01"

    def submit(**kwargs: Any) -> Any:
        return slack.interaction(
            standin.view_submission(modal["id"], user_id=PARTICIPANT, values=values(**kwargs))
        ).json()

    future = submit(day="2017-02-02")
    assert future == {
        "response_action": "errors",
        "errors": {BlockId.DATE: "That date is in the future: log a session once it has happened."},
    }
    nobody = submit(coach_name=None)
    assert list(nobody["errors"]) == [BlockId.COACH_NAME]
    assert logged(runtime) == []


def assign_coach(slack: SlackSender, standin: SlackStandin, coach: str = COACH) -> str:
    """`/cohort coach @coach @participant` by the coordinator; the reply's text."""
    return command(slack, standin, COORDINATOR, f"coach {mention(coach)} {mention(PARTICIPANT)}")


def test_a_coach_logs_for_a_coachee_who_is_told_in_a_dm(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    assign_coach(slack, standin)
    slack.slash_command(COACH, f"coaching log {mention(PARTICIPANT)}")
    modal = opened_modal(standin, 0)
    assert "Logging a session for *Person 0*" in modal["blocks"][0]["text"]["text"]
    assert modal["blocks"][2]["element"]["initial_user"] == COACH

    result = slack.interaction(
        standin.view_submission(
            modal["id"], user_id=COACH, values=values(coach_user=COACH, coach_name=None)
        )
    )

    shown = " ".join(b["text"]["text"] for b in result.json()["view"]["blocks"])
    assert "Logged: coaching session for Person 0 on Fri 20 Jan 2017." in shown
    assert logged(runtime) == [(PARTICIPANT, date(2017, 1, 20), None, COACH)]
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)
    told = standin.messages_in(PARTICIPANT)[-1]
    assert f"<@{COACH}> logged a coaching session for you on Fri 20 Jan 2017" in told.text


def test_a_participant_cannot_log_for_someone_else(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)

    reply = command(slack, standin, OTHER, f"coaching log {mention(PARTICIPANT)}")

    assert "only their own coach or a coordinator can log coaching for someone else" in reply
    assert standin.calls_to("views.open") == []


def test_a_nudge_carries_the_count_and_a_button_only_its_owner_can_use(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    moment: datetime = at(date(2017, 2, 21))
    assert "nudge-coaching" in {tick.id for tick in TICKS}
    assert nudge_coaching(runtime.tick_dependencies(), moment).summary == "owed 2 coaching nudge(s)"
    deliver_due(runtime.tick_dependencies().uow, runtime.client, moment)
    (nudge,) = standin.messages_in(PARTICIPANT)
    assert "0 of 4 sessions used, 4 left to use by *Fri 5 Jan 2018*" in nudge.text
    block_id, button = log_button(nudge.blocks or [])

    def press(user: str) -> None:
        payload = standin.block_actions(
            user_id=user,
            actions=[{**button, "block_id": block_id}],
            channel_id=nudge.channel,
            message={"ts": nudge.ts, "text": nudge.text, "blocks": nudge.blocks},
        )
        assert slack.interaction(payload).status == 200

    press(OTHER)
    _, refusal = standin.wait_for_response()
    assert "only the participant, their coach or a coordinator" in refusal["text"]
    assert standin.calls_to("views.open") == []

    press(PARTICIPANT)
    assert opened_modal(standin, 0)["callback_id"] == CallbackId.LOG


def test_coordinators_see_the_at_risk_list_and_cohort_totals(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    with unit_of_work(runtime.session_factory) as session:
        enrolment = coaching.current_enrolment(session, PARTICIPANT, yourself=True)
        enrolment.coaching_deadline = date(2017, 6, 1)
        other = session.scalars(select(Enrolment).where(Enrolment.id != enrolment.id)).one()
        coaching_log.log_coaching_session(
            session,
            enrolment_id=other.id,
            actor=OTHER,
            roles=set(),
            held_on=date(2017, 1, 20),
            coach=coaching_log.CoachRef(name="Alex"),
            note=None,
            now=NOW,
        )

    reply = command(slack, standin, COORDINATOR, 'coaching "Aspiring Directors" 2017')

    assert "*Coaching in Aspiring Directors / 2017*" in reply
    assert "Commenced: 1 of 2 participants. Sessions used: 1 of 8." in reply
    assert (
        f"<@{PARTICIPANT}>: 0 of 4 used, deadline Thu 1 Jun 2017; 4 left with 4 full month(s) to go"
        in reply
    )
    assert f"<@{OTHER}>" not in reply


def test_participants_see_their_own_status_and_others_are_refused(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)

    assert "*Coaching:* 0 of 4 sessions used" in command(slack, standin, PARTICIPANT, "coaching")
    refused = command(slack, standin, COACH, "coaching")
    assert "only programme coordinators can do that" in refused


# Coach assignment


def test_a_coordinator_assigns_a_coach_and_both_are_told_by_dm(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)

    reply = assign_coach(slack, standin)

    assert reply == (
        f"<@{COACH}> is now <@{PARTICIPANT}>'s coach on Aspiring Directors / 2017. "
        "Both have been told by DM."
    )
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)
    (to_coach,) = standin.messages_in(COACH)
    assert f"You are now the coach of <@{PARTICIPANT}> on Aspiring Directors / 2017." in (
        to_coach.text
    )
    (to_participant,) = standin.messages_in(PARTICIPANT)
    assert f"<@{COACH}> is now your coach on Aspiring Directors / 2017." in to_participant.text
    coachees = command(slack, standin, COACH, "coachees")
    assert "*Your coachees* (1):" in coachees
    assert f"<@{PARTICIPANT}> (Aspiring Directors / 2017): 0 of 4 used" in coachees
    assert f"<@{PARTICIPANT}>" in command(slack, standin, COORDINATOR, f"coachees {mention(COACH)}")


def test_only_coordinators_assign_and_only_to_people_with_the_coach_role(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)

    assert "only programme coordinators" in command(
        slack, standin, COACH, f"coach {mention(COACH)} {mention(PARTICIPANT)}"
    )
    assert "Olly Other does not hold the coach role" in assign_coach(slack, standin, coach=OTHER)
    assert "Use `/cohort coach @coach @participant" in command(
        slack, standin, COORDINATOR, f"coach {mention(COACH)}"
    )
    assert "No programme called 'Nope'" in command(
        slack, standin, COORDINATOR, f"coach {mention(COACH)} {mention(PARTICIPANT)} Nope 2017"
    )
    with unit_of_work(runtime.session_factory) as session:
        assert coaching.current_enrolment(session, PARTICIPANT, yourself=True).coach is None
    named = f'coach {mention(COACH)} {mention(PARTICIPANT)} "Aspiring Directors" 2017'
    assert "is now" in command(slack, standin, COORDINATOR, named)
    help_text = command(slack, standin, COORDINATOR, "help")
    assert "coachees" in help_text and "remove @participant" in help_text


def test_another_coach_is_refused_while_the_coordinator_still_can_log(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    standin.add_user(OTHER_COACH, name="Chris Coach", email="chris@example.nhs.uk")
    with unit_of_work(runtime.session_factory) as session:
        grant_role(session, slack_user_id=OTHER_COACH, role=Role.COACH, actor=COORDINATOR, now=NOW)
    assign_coach(slack, standin)

    refused = command(slack, standin, OTHER_COACH, f"coaching log {mention(PARTICIPANT)}")

    assert "Only Person 0's own coach can log sessions for them" in refused
    assert standin.calls_to("views.open") == []
    slack.slash_command(COORDINATOR, f"coaching log {mention(PARTICIPANT)}")
    modal = opened_modal(standin, 0)
    assert modal["blocks"][2]["element"]["initial_user"] == COACH
    result = slack.interaction(
        standin.view_submission(
            modal["id"], user_id=COORDINATOR, values=values(coach_user=None, coach_name=None)
        )
    )
    assert result.json()["response_action"] == "update"
    assert logged(runtime) == [(PARTICIPANT, date(2017, 1, 20), None, COORDINATOR)]


def test_reassigning_replaces_the_coach_and_removing_clears_it(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    standin.add_user(OTHER_COACH, name="Chris Coach", email="chris@example.nhs.uk")
    with unit_of_work(runtime.session_factory) as session:
        grant_role(session, slack_user_id=OTHER_COACH, role=Role.COACH, actor=COORDINATOR, now=NOW)
    assign_coach(slack, standin)

    replaced = assign_coach(slack, standin, coach=OTHER_COACH)

    assert "replacing Casey Coach" in replaced
    assert "Only Person 0's own coach" in command(
        slack, standin, COACH, f"coaching log {mention(PARTICIPANT)}"
    )
    removed = command(slack, standin, COORDINATOR, f"coach remove {mention(PARTICIPANT)}")
    assert removed == (
        f"<@{PARTICIPANT}> no longer has a coach on Aspiring Directors / 2017 "
        "(Chris Coach was, and has been told)."
    )
    assert "Only Person 0's own coach" in command(
        slack, standin, OTHER_COACH, f"coaching log {mention(PARTICIPANT)}"
    )
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)
    assert [m.text.split(" on ")[0] for m in standin.messages_in(COACH)] == [
        f"You are now the coach of <@{PARTICIPANT}>",
        f"You are no longer the coach of <@{PARTICIPANT}>",
    ]
    assert [m.text.split(" on ")[0] for m in standin.messages_in(OTHER_COACH)] == [
        f"You are now the coach of <@{PARTICIPANT}>",
        f"You are no longer the coach of <@{PARTICIPANT}>",
    ]
    assert "none yet" in command(slack, standin, OTHER_COACH, "coachees")


def test_the_home_tab_names_the_participants_coach(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    assert "Your coach" not in open_home(slack, standin, PARTICIPANT)
    with unit_of_work(runtime.session_factory) as session:
        coach_assignment.assign_coach(
            session,
            coach=SlackProfile(COACH, "Casey Coach", "casey@example.nhs.uk", "Europe/London"),
            participant=PARTICIPANT,
            cohort=None,
            actor=COORDINATOR,
            now=NOW,
        )

    assert "Your coach: Casey Coach." in open_home(slack, standin, PARTICIPANT)
