"""`/cohort` subcommands for enrolment: enrol, withdraw, defer, waiting, members."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.core.audit import record_read
from bot.core.errors import InvalidInput
from bot.core.mentions import parse_mention
from bot.core.people import SlackProfile, person_from_slack, person_with_slack_id
from bot.enrolment import enrolment as service
from bot.home.command_catalogue import Subcommand
from bot.programmes.programmes import find_cohort
from bot.slack.blocks import Message
from bot.slack.blocks.enrolment import (
    Roster,
    RosterLine,
    enrolled_reply,
    left_reply,
    members_message,
    waiting_message,
)
from db.enums import EnrolmentStatus
from db.models import Cohort
from handlers.commands.routing import CommandRequest, Route
from handlers.events.home import publish_home

ENROL = Subcommand(
    "enrol",
    '@person "<programme>" "<cohort>"',
    "Give someone a place in a cohort (or a waiting-list place when it is full).",
)
WITHDRAW = Subcommand(
    "withdraw",
    '@person "<programme>" "<cohort>" <reason…>',
    "Withdraw someone from a cohort or its waiting list, with the reason.",
)
DEFER = Subcommand(
    "defer",
    '@person "<programme>" "<cohort>" <reason…>',
    "Defer someone's place in a cohort, with the reason.",
)
WAITING = Subcommand(
    "waiting", '"<programme>" "<cohort>"', "Show a cohort's waiting list in order."
)
MEMBERS = Subcommand(
    "members", '"<programme>" "<cohort>"', "Show a cohort's headcount, capacity and members."
)


def handle_enrol(request: CommandRequest) -> Message:
    """`/cohort enrol @person programme cohort`."""
    mention, programme_name, cohort_name = _exactly(request.arguments, 3, ENROL)
    user_id = parse_mention(mention)
    with request.uow() as session:
        request.require_coordinator(session)
    # Slack is asked outside the transaction so no database lock is held while it answers.
    profile = slack_profile(request.client, user_id)
    with request.uow() as session:
        request.require_coordinator(session)
        cohort = find_cohort(session, programme_name, cohort_name)
        person = person_from_slack(session, profile, actor=request.user_id, now=request.now())
        enrolment = service.enrol(
            session,
            person_id=person.id,
            cohort_id=cohort.id,
            actor=request.user_id,
            now=request.now(),
        )
        reply = enrolled_reply(
            name=person.name,
            cohort_name=cohort.name,
            status=enrolment.status.value,
            position=enrolment.waiting_position,
        )
    publish_home(request.client, request.services, user_id)
    return reply


def handle_withdraw(request: CommandRequest) -> Message:
    """`/cohort withdraw @person programme cohort reason…`."""
    return _leave(request, WITHDRAW, service.withdraw)


def handle_defer(request: CommandRequest) -> Message:
    """`/cohort defer @person programme cohort reason…`."""
    return _leave(request, DEFER, service.defer)


def handle_waiting(request: CommandRequest) -> Message:
    """`/cohort waiting programme cohort`."""
    programme_name, cohort_name = _exactly(request.arguments, 2, WAITING)
    with request.uow() as session:
        request.require_coordinator(session)
        cohort = find_cohort(session, programme_name, cohort_name)
        listed = roster(session, cohort)
        audited(request, session, "waiting_list", cohort, len(listed.waiting))
        return waiting_message(listed)


def handle_members(request: CommandRequest) -> Message:
    """`/cohort members programme cohort`."""
    programme_name, cohort_name = _exactly(request.arguments, 2, MEMBERS)
    with request.uow() as session:
        request.require_coordinator(session)
        cohort = find_cohort(session, programme_name, cohort_name)
        listed = roster(session, cohort)
        audited(request, session, "members", cohort, len(listed.members) + len(listed.waiting))
        return members_message(listed)


def audited(
    request: CommandRequest, session: Session, what: str, cohort: Cohort, rows: int
) -> None:
    """Record in the audit trail that `request`'s person saw `rows` people of `cohort`."""
    record_read(
        session,
        actor=request.user_id,
        what=what,
        scope=f"cohort:{cohort.id}",
        rows=rows,
        now=request.now(),
    )


def roster(session: Session, cohort: Cohort) -> Roster:
    """The cohort's members and waiting list for display."""
    return Roster(
        programme_name=cohort.programme.name,
        cohort_name=cohort.name,
        capacity=cohort.capacity,
        members=[
            RosterLine(e.person.name, e.person.slack_user_id)
            for e in service.members(session, cohort.id)
        ],
        waiting=[
            RosterLine(
                e.person.name,
                e.person.slack_user_id,
                position=e.waiting_position,
                offered=e.place_offered_at is not None,
            )
            for e in service.waiting_list(session, cohort.id)
        ],
    )


def slack_profile(client: WebClient, user_id: str) -> SlackProfile:
    """The person's name, email and time zone from Slack; refused if Slack does not know them."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        if error.response.get("error") in ("user_not_found", "users_not_found"):
            raise InvalidInput(
                "I can't find that person in this Slack workspace.", field="user"
            ) from None
        raise
    if user.get("deleted") or user.get("is_bot"):
        raise InvalidInput(
            "That account is deactivated or a bot, so it cannot be enrolled.", field="user"
        )
    profile = user.get("profile") or {}
    name = profile.get("real_name") or user.get("real_name") or user.get("name") or user_id
    return SlackProfile(
        slack_user_id=user_id, name=name, email=profile.get("email"), tz=user.get("tz")
    )


def _leave(
    request: CommandRequest,
    subcommand: Subcommand,
    change: service.LeaveChange,
) -> Message:
    if len(request.arguments) < 4:
        raise InvalidInput(
            f"Usage: `{subcommand.usage}`. The reason is required; it is kept with the record.",
            field="reason",
        )
    mention, programme_name, cohort_name, *_ = request.arguments
    user_id = parse_mention(mention)
    with request.uow() as session:
        request.require_coordinator(session)
        cohort = find_cohort(session, programme_name, cohort_name)
        person = person_with_slack_id(session, user_id)
        enrolment = service.find_enrolment(session, person_id=person.id, cohort_id=cohort.id)
        before = set(e.id for e in service.waiting_list(session, cohort.id) if e.place_offered_at)
        changed = change(
            session,
            enrolment_id=enrolment.id,
            reason=request.rest(3),
            actor=request.user_id,
            now=request.now(),
        )
        offered = [
            e.person
            for e in service.waiting_list(session, cohort.id)
            if e.place_offered_at and e.id not in before
        ]
        reply = left_reply(
            name=person.name,
            cohort_name=cohort.name,
            status=_status_word(changed.status),
            offered=[someone.name for someone in offered],
        )
    for affected in (user_id, *(someone.slack_user_id for someone in offered)):
        if affected:
            publish_home(request.client, request.services, affected)
    return reply


def _status_word(status: EnrolmentStatus) -> str:
    return {EnrolmentStatus.WITHDRAWN: "withdrawn", EnrolmentStatus.DEFERRED: "deferred"}.get(
        status, status.value
    )


def _exactly(arguments: Sequence[str], count: int, subcommand: Subcommand) -> tuple[str, ...]:
    if len(arguments) != count:
        raise InvalidInput(
            f"Usage: `{subcommand.usage}` (put names with spaces in quotes).", field="arguments"
        )
    return tuple(arguments)


ROUTES: tuple[Route, ...] = (
    Route(ENROL, handle_enrol),
    Route(WITHDRAW, handle_withdraw),
    Route(DEFER, handle_defer),
    Route(WAITING, handle_waiting),
    Route(MEMBERS, handle_members),
)
