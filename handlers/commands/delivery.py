"""`/cohort unreachable [clear @person]`: who Slack says cannot receive messages."""

from __future__ import annotations

from bot.core.errors import InvalidInput
from bot.core.mentions import parse_mention
from bot.core.mrkdwn import mention
from bot.core.reachability import DELETED, resume_sending, unreachable_people
from bot.core.render import render
from bot.core.timefmt import format_when
from bot.home.command_catalogue import Subcommand
from bot.slack.blocks import Message, mrkdwn_notice
from handlers.commands.routing import CommandRequest, Route

USAGE = "Use `/cohort unreachable` to list them, or `/cohort unreachable clear @person`."
_REASONS = {
    "account_inactive": "account deactivated",
    "user_not_found": "no such user",
    "user_disabled": "account disabled",
    DELETED: "account deleted or deactivated",
}


def handle_command_unreachable(request: CommandRequest) -> Message:
    """List unreachable people, or resume sending to one of them (coordinators only)."""
    arguments = request.arguments
    if arguments and (arguments[0] != "clear" or len(arguments) != 2):
        raise InvalidInput(USAGE)
    if arguments:
        who = parse_mention(arguments[1])
        with request.uow() as session:
            request.require_coordinator(session)
            queued = resume_sending(session, who, actor=request.user_id, now=request.now())
        return mrkdwn_notice(
            f"Sending to {mention(who)} resumes: {queued} held-back "
            f"message{'' if queued == 1 else 's'} queued (any whose moment has passed is dropped)."
        )
    with request.uow() as session:
        request.require_coordinator(session)
        people = unreachable_people(session)
    tz = request.services.settings.timezone
    listed = [
        {
            "mention": mention(person.recipient),
            "reason": _REASONS.get(person.reason, person.reason),
            "since": format_when(person.since, tz),
            "held": person.held,
        }
        for person in people
    ]
    return mrkdwn_notice(render("delivery/unreachable.j2", people=listed))


ROUTES: tuple[Route, ...] = (
    Route(
        Subcommand(
            "unreachable",
            "[clear @person]",
            "Coordinators: who Slack says cannot receive messages, and what waits for them.",
        ),
        handle_command_unreachable,
    ),
)
