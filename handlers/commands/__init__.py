"""`/cohort` and its subcommands: parse, acknowledge at once, then call a service and reply.

Each area's subcommands live in a module of their own and are gathered here, in help order.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.core.errors import CohortbotError
from bot.home import command_catalogue as catalogue
from bot.slack.blocks import notice
from bot.slack.blocks.general import unknown_subcommand_message
from handlers.commands import (
    applications,
    assessments,
    attendance,
    coaching,
    delivery,
    enrolment,
    evaluations,
    export,
    home,
    outcomes,
    participation,
    privacy,
    programmes,
    reporting,
    roles,
    timetable,
)
from handlers.commands.routing import CommandRequest, Route, reply_messages
from handlers.errors import GuardedApp

_AREA_ROUTES: tuple[Route, ...] = (
    *home.ROUTES,
    *programmes.ROUTES,
    *timetable.ROUTES,
    *applications.ROUTES,
    *enrolment.ROUTES,
    *participation.ROUTES,
    *attendance.ROUTES,
    *coaching.ROUTES,
    *evaluations.ROUTES,
    *assessments.ROUTES,
    *outcomes.ROUTES,
    *export.ROUTES,
    *privacy.ROUTES,
    *reporting.ROUTES,
    *roles.ROUTES,
    *delivery.ROUTES,
)
CATALOGUE: tuple[catalogue.Subcommand, ...] = (
    home.help_route(()).subcommand,
    *(route.subcommand for route in _AREA_ROUTES),
)
ROUTES: dict[str, Route] = {
    route.subcommand.name: route for route in (home.help_route(CATALOGUE), *_AREA_ROUTES)
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
    route = ROUTES.get(invocation.name)
    if route is None:
        suggestion = catalogue.closest(invocation.name, CATALOGUE)
        ack(**unknown_subcommand_message(invocation.name, suggestion).as_kwargs())
        return
    if route.acknowledgement is not None:
        ack(**route.acknowledgement(invocation).as_kwargs())
    else:
        ack()
    request = CommandRequest(command, invocation, context, client)
    for message in reply_messages(route.handle(request)):
        respond(**message.as_kwargs())


def register(app: GuardedApp) -> None:
    """Listen for `/cohort`."""
    app.command(catalogue.COMMAND)(handle_cohort_command)
