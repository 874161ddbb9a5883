"""`/cohort help` and `/cohort status`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.home.command_catalogue import Subcommand
from bot.home.status import describe_status
from bot.slack.blocks import Message
from bot.slack.blocks.general import help_messages, status_message
from handlers.commands.routing import CommandRequest, Route


def handle_command_status(request: CommandRequest) -> Message:
    """`/cohort status`: version, database, and the roles the user holds."""
    admin = request.is_workspace_admin
    with request.services.read() as session:
        facts = describe_status(session, request.user_id, is_workspace_admin=admin)
    return status_message(facts)


def help_route(catalogue: Sequence[Subcommand]) -> Route:
    """`/cohort help`, listing `catalogue`."""
    listing = tuple(catalogue)
    return Route(
        Subcommand("help", "", "List the commands you can use, with one line on each."),
        lambda request: help_messages(listing)[1:],
        acknowledgement=lambda invocation: help_messages(listing)[0],
        handed_off=True,
    )


ROUTES: tuple[Route, ...] = (
    Route(
        Subcommand("status", "", "Check that cohortbot is working and see the roles you hold."),
        handle_command_status,
        handed_off=True,
    ),
)
