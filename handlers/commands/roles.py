"""`/cohort role add|remove @user <role>` and `/cohort roles`: who may do what."""

from __future__ import annotations

from bot.core import roles
from bot.core.errors import InvalidInput
from bot.core.labels import ROLE_AS_NOUN, ROLE_LABELS
from bot.core.mentions import parse_mention
from bot.core.mrkdwn import Mrkdwn, mention
from bot.core.render import render
from bot.home.command_catalogue import Subcommand
from bot.slack.blocks import Message, mrkdwn_notice
from handlers.commands.routing import CommandRequest, Route

USAGE = "Use `/cohort role add @person coordinator` or `/cohort role remove @person coordinator`."


def handle_command_role(request: CommandRequest) -> Message:
    """Grant or revoke a workspace-wide role (coordinators only)."""
    if len(request.arguments) != 3 or request.arguments[0] not in ("add", "remove"):
        raise InvalidInput(USAGE)
    action, who, role_name = request.arguments
    slack_user_id = parse_mention(who)
    role = roles.parse_role(role_name)
    with request.uow() as session:
        request.require_coordinator(session)
        change = roles.grant_role if action == "add" else roles.revoke_role
        change(
            session,
            slack_user_id=slack_user_id,
            role=role,
            actor=request.user_id,
            now=request.now(),
        )
    verb = "is now" if action == "add" else "is no longer"
    return mrkdwn_notice(f"{mention(slack_user_id)} {verb} {ROLE_AS_NOUN[role]}.")


def handle_command_roles(request: CommandRequest) -> Message:
    """List who holds each role (coordinators only)."""
    with request.uow() as session:
        request.require_coordinator(session)
        holders = roles.role_holders(session)
    # Joined here so the mentions stay trusted mrkdwn through the template's escaping.
    listed = {
        role: Mrkdwn(", ".join(mention(user) for user in users)) for role, users in holders.items()
    }
    return mrkdwn_notice(render("roles.j2", holders=listed, labels=ROLE_LABELS))


ROUTES: tuple[Route, ...] = (
    Route(
        Subcommand(
            "role",
            "add|remove @person <role>",
            "Grant or take away a role: coordinator, steering, coach, facilitator or participant.",
        ),
        handle_command_role,
    ),
    Route(Subcommand("roles", "", "List who holds each role."), handle_command_roles),
)
