"""`/cohort` and its subcommands: parse, acknowledge at once, then call a service and reply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import command_catalogue as catalogue
from bot.app_context import Services
from bot.blocks import Message, help_message, notice, status_message, unknown_subcommand_message
from bot.errors import CohortbotError
from bot.status import describe_status
from handlers.slack_context import is_workspace_admin


@dataclass(frozen=True)
class CommandRequest:
    """One `/cohort` invocation with what a subcommand needs to serve it."""

    user_id: str
    arguments: tuple[str, ...]
    services: Services
    client: WebClient


def handle_command_status(request: CommandRequest) -> Message:
    """`/cohort status`."""
    admin = is_workspace_admin(request.client, request.user_id)
    with request.services.uow() as session:
        facts = describe_status(session, request.user_id, is_workspace_admin=admin)
    return status_message(facts)


def handle_command_help(request: CommandRequest) -> Message:
    """`/cohort help`."""
    return help_message(catalogue.CATALOGUE)


SUBCOMMANDS: dict[str, Callable[[CommandRequest], Message]] = {
    "help": handle_command_help,
    "status": handle_command_status,
}


def handle_cohort_command(
    ack: Ack, command: dict[str, Any], context: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """Acknowledge `/cohort` within Slack's 3 seconds; answer slow subcommands afterwards."""
    try:
        invocation = catalogue.parse(command.get("text", ""))
    except CohortbotError as error:
        ack(**notice(str(error)).as_kwargs())
        return
    handler = SUBCOMMANDS.get(invocation.name)
    if handler is None:
        suggestion = catalogue.closest(invocation.name)
        ack(**unknown_subcommand_message(invocation.name, suggestion).as_kwargs())
        return
    request = CommandRequest(
        user_id=command["user_id"],
        arguments=invocation.arguments,
        services=Services.of(context),
        client=client,
    )
    if handler is handle_command_help:
        ack(**handler(request).as_kwargs())
        return
    ack()
    respond(**handler(request).as_kwargs())


def register(app: App) -> None:
    """Listen for `/cohort`."""
    app.command(catalogue.COMMAND)(handle_cohort_command)
