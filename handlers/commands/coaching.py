"""`/cohort coaching`: the at-risk list for coordinators, and logging a session;
`/cohort coach` and `/cohort coachees`: which coach looks after whom."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.coaching import allowance as coaching
from bot.coaching import assignment as coach_assignment
from bot.coaching import log as coaching_log
from bot.core.audit import record_read
from bot.core.errors import InvalidInput, NotFound, PermissionDenied
from bot.core.mentions import parse_mention
from bot.home.command_catalogue import Subcommand
from bot.programmes.programmes import only_cohort, resolve_cohort
from bot.slack.blocks import Message
from bot.slack.blocks.coaching import (
    coach_change_reply,
    coachees_message,
    log_modal,
    report_message,
    status_message,
)
from db.enums import Role
from db.models import Cohort
from handlers.commands.enrolment import slack_profile
from handlers.commands.routing import CommandRequest, Route

SUBCOMMAND = Subcommand(
    "coaching",
    '[log [@person]] ["<programme>" "<cohort>"]',
    "Your coaching, or log a session; coordinators see who is at risk.",
)


def handle_command_coaching(request: CommandRequest) -> Message | None:
    """`/cohort coaching …`: log a session, a cohort's at-risk list, or one's own status."""
    words = request.arguments
    if words and words[0].casefold() == "log":
        _open_log_form(request, words[1:])
        return None
    with request.uow() as session:
        roles = request.roles(session)
        if Role.COORDINATOR in roles:
            cohort = resolve_cohort(session, words) if words else only_cohort(session)
            return report_message(coaching.cohort_coaching(session, cohort, request.now()))
        if not words:
            try:
                enrolment = coaching.current_enrolment(session, request.user_id, yourself=True)
            except NotFound:
                enrolment = None
            if enrolment is not None:
                today = coaching.local_today(enrolment, request.now())
                return status_message(coaching.coaching_status(session, enrolment, today))
        # Neither a coordinator nor (asking about themselves) enrolled: the polite refusal.
        request.require_coordinator(session)
    return None


def _open_log_form(request: CommandRequest, words: tuple[str, ...]) -> None:
    participant = parse_mention(words[0]) if words else request.user_id
    with request.uow() as session:
        roles = request.roles(session)
        yourself = participant == request.user_id
        if not yourself and not roles & coaching_log.LOGGERS_FOR_OTHERS:
            raise PermissionDenied(
                "Sorry, only their own coach or a coordinator can log coaching for someone else. "
                "To log your own, use `/cohort coaching log`."
            )
        enrolment = coaching.current_enrolment(session, participant, yourself=yourself)
        coaching_log.enrolment_to_log_for(session, enrolment.id, actor=request.user_id, roles=roles)
        form = coaching_log.log_form(
            session, enrolment, actor=request.user_id, roles=roles, now=request.now()
        )
    request.client.views_open(trigger_id=request.trigger_id, view=log_modal(form).to_dict())


COACH = Subcommand(
    "coach",
    '@coach @participant ["<programme>" "<cohort>"] | remove @participant',
    "Assign a participant's coach, or remove them (coordinators).",
)
COACHEES = Subcommand(
    "coachees", "[@coach]", "The participants you coach (coordinators: anyone's coachees)."
)


def handle_command_coach(request: CommandRequest) -> Message:
    """`/cohort coach @coach @participant [programme cohort]` or `/cohort coach remove @participant`."""
    words = request.arguments
    removing = bool(words) and words[0].casefold() == "remove"
    start, wanted = (1, 1) if removing else (0, 2)
    people, where = words[start : start + wanted], words[start + wanted :]
    if len(people) < wanted or len(where) > 2:
        raise InvalidInput(f"Use {coach_assignment.USAGE}, or `/cohort coach remove @participant`.")
    ids = [parse_mention(word) for word in people]
    with request.uow() as session:
        request.require_coordinator(session)
        if removing:
            return coach_change_reply(
                coach_assignment.remove_coach(
                    session,
                    participant=ids[0],
                    cohort=_cohort(session, where),
                    actor=request.user_id,
                    now=request.now(),
                )
            )
    # Slack is asked outside the transaction so no database lock is held while it answers.
    profile = slack_profile(request.client, ids[0])
    with request.uow() as session:
        request.require_coordinator(session)
        change = coach_assignment.assign_coach(
            session,
            coach=profile,
            participant=ids[1],
            cohort=_cohort(session, where),
            actor=request.user_id,
            now=request.now(),
        )
    return coach_change_reply(change)


def _cohort(session: Session, words: tuple[str, ...]) -> Cohort | None:
    return resolve_cohort(session, words) if words else None


def handle_command_coachees(request: CommandRequest) -> Message:
    """`/cohort coachees [@coach]`: a coach's coachees and how their coaching stands."""
    words = request.arguments
    if len(words) > 1:
        raise InvalidInput("Use `/cohort coachees`, or `/cohort coachees @coach` (coordinators).")
    coach = parse_mention(words[0]) if words else request.user_id
    yourself = coach == request.user_id
    with request.uow() as session:
        if not yourself:
            request.require_coordinator(session)
        elif not request.roles(session) & {Role.COACH, Role.COORDINATOR}:
            raise PermissionDenied(
                "Sorry, only coaches have coachees. A coordinator can make you a coach with "
                "`/cohort role add @you coach`."
            )
        statuses = coach_assignment.coachees(session, coach, request.now())
        # By reference only: whose coachees, as the coach's own person record.
        record_read(
            session,
            actor=request.user_id,
            what="coachees",
            scope="own" if yourself else "coach",
            rows=len(statuses),
            now=request.now(),
        )
    return coachees_message(statuses, coach_slack_user_id=coach, yourself=yourself)


ROUTES: tuple[Route, ...] = (
    Route(SUBCOMMAND, handle_command_coaching),
    Route(COACH, handle_command_coach),
    Route(COACHEES, handle_command_coachees),
)
