"""`/cohort reminders`, `/cohort away`, `/cohort leave` and `/cohort notifications`."""

from __future__ import annotations

from datetime import date

from bot.core.dates import parse_date
from bot.core.errors import InvalidInput
from bot.core.mentions import parse_mention
from bot.core.mrkdwn import mention
from bot.home.command_catalogue import Subcommand
from bot.reminders.leave import (
    leave_kind,
    live_enrolments,
    read_last_day_away,
    record_leave,
    set_away,
    set_notifications,
)
from bot.reminders.participation import change_policy, show_policy
from bot.slack.blocks import Message
from bot.slack.blocks.participation import (
    away_message,
    leave_message,
    notifications_message,
    policy_message,
)
from db.enums import LeaveKind, Role, SessionNotificationPreference
from handlers.commands.routing import CommandRequest, Route

REMINDERS_USAGE = (
    'Use `/cohort reminders "<programme>"` to see the policy, or add '
    "`<kind|all> 21,7,2,0`, `hours 08:30-16:30` or `quorum 50%` to change it."
)
AWAY_USAGE = (
    "Use `/cohort away <last day away>` (such as `/cohort away 23 Feb` or "
    "`/cohort away 23/02/2017`) or `/cohort away off`."
)
LEAVE_USAGE = (
    "Use `/cohort leave @person <from> <to|open> [away|maternity|parental|sick|other] "
    "[--extend-coaching]`."
)
NOTIFICATIONS = {
    "all": SessionNotificationPreference.ALL,
    "compulsory": SessionNotificationPreference.COMPULSORY_ONLY,
}


def handle_command_reminders(request: CommandRequest) -> Message:
    """`/cohort reminders "<programme>" [<kind|all> <days> | hours <from-to> | quorum <share>]`."""
    if not request.arguments:
        raise InvalidInput(REMINDERS_USAGE)
    name, *change = request.arguments
    with request.uow() as session:
        if change:
            request.require_coordinator(session)
            programme, policy = change_policy(
                session, name, change, actor=request.user_id, now=request.now()
            )
        else:
            programme, policy = show_policy(session, name)
        can_change = Role.COORDINATOR in request.roles(session)
        return policy_message(programme.name, policy, can_change=can_change)


def handle_command_away(request: CommandRequest) -> Message:
    """`/cohort away <date>` or `/cohort away off`: pause your reminders while you are away."""
    if not request.arguments:
        raise InvalidInput(AWAY_USAGE)
    now = request.now()
    with request.uow() as session:
        until = read_last_day_away(session, request.user_id, request.rest(0), now=now)
        set_away(session, request.user_id, until, now=now)
    return away_message(until)


def handle_command_leave(request: CommandRequest) -> Message:
    """`/cohort leave @person <from> <to|open> [kind] [--extend-coaching]` (coordinators)."""
    words = list(request.arguments)
    extend = "--extend-coaching" in words
    words = [w for w in words if w != "--extend-coaching"]
    if len(words) not in (3, 4):
        raise InvalidInput(LEAVE_USAGE)
    who = parse_mention(words[0], "person")
    now = request.now()
    starts_on = _date(words[1], "from", now.year)
    ends_on = (
        None if words[2].lower() == "open" else parse_date(words[2], "to", on_or_after=starts_on)
    )
    kind = leave_kind(words[3]) if len(words) == 4 else LeaveKind.AWAY
    with request.uow() as session:
        request.require_coordinator(session)
        recorded = record_leave(
            session,
            who,
            starts_on=starts_on,
            ends_on=ends_on,
            kind=kind,
            extend_coaching=extend,
            actor=request.user_id,
            now=now,
        )
        deadline = max(recorded.coaching_deadlines, default=None)
    return leave_message(mention(who), kind.value, starts_on, ends_on, deadline)


def handle_command_notifications(request: CommandRequest) -> Message:
    """`/cohort notifications [all|compulsory]`: how much you hear about optional sessions."""
    with request.uow() as session:
        if not request.arguments:
            enrolments = live_enrolments(session, request.user_id)
            hears_all = all(
                e.optional_sessions == SessionNotificationPreference.ALL for e in enrolments
            )
            return notifications_message(hears_all)
        choice = NOTIFICATIONS.get(request.arguments[0].lower())
        if choice is None or len(request.arguments) != 1:
            raise InvalidInput(
                "Use `/cohort notifications all` or `/cohort notifications compulsory`."
            )
        set_notifications(session, request.user_id, choice, now=request.now())
    return notifications_message(choice == SessionNotificationPreference.ALL)


def _date(text: str, field: str, year: int) -> date:
    return parse_date(text, field, default_year=year)


ROUTES: tuple[Route, ...] = (
    Route(
        Subcommand(
            "reminders",
            "<programme> [<kind|all> <days> | hours | quorum]",
            "See or set a programme's reminder policy.",
        ),
        handle_command_reminders,
    ),
    Route(
        Subcommand("away", "<last day away> | off", "Pause your reminders while away."),
        handle_command_away,
    ),
    Route(
        Subcommand(
            "leave",
            "@person <from> <to|open> [kind] [--extend-coaching]",
            "Record leave (coordinators).",
        ),
        handle_command_leave,
    ),
    Route(
        Subcommand(
            "notifications",
            "[all | compulsory]",
            "Hear about optional sessions or not.",
        ),
        handle_command_notifications,
    ),
)
