"""`/cohort outcome` and `/cohort outcomes`: record a new role; see those recorded or awaiting."""

from __future__ import annotations

from bot.core.audit import record_read
from bot.core.errors import InvalidInput
from bot.core.mentions import parse_mention
from bot.home.command_catalogue import Subcommand
from bot.reporting import outcomes
from bot.slack.blocks import Message
from bot.slack.blocks.outcomes import list_message, outcome_modal
from handlers.commands.routing import CommandRequest, Route

OUTCOME = Subcommand(
    "outcome",
    "[@person]",
    "Record a new role: your own (a coordinator confirms it), or, as a coordinator, someone's.",
)
OUTCOMES = Subcommand(
    "outcomes", "", "Confirmed new roles, and those awaiting a coordinator's confirmation."
)


def handle_command_outcome(request: CommandRequest) -> None:
    """`/cohort outcome [@person]`: open the 'New role' modal."""
    words = request.arguments
    if len(words) > 1:
        raise InvalidInput("Use: `/cohort outcome` for yourself, or `/cohort outcome @person`.")
    subject = parse_mention(words[0]) if words else request.user_id
    with request.uow() as session:
        form = outcomes.outcome_form(
            session, subject=subject, actor=request.user_id, roles=request.roles(session)
        )
    today = request.now().astimezone(request.services.settings.timezone).date()
    view = outcome_modal(
        subject=form.subject, name=form.name, for_someone_else=form.for_someone_else, today=today
    )
    request.client.views_open(trigger_id=request.trigger_id, view=view.to_dict())


def handle_command_outcomes(request: CommandRequest) -> Message:
    """`/cohort outcomes`: the coordinators' list, with Confirm / Reject on those awaiting."""
    with request.uow() as session:
        request.require_coordinator(session)
        lines = outcomes.outcome_lines(session)
        confirmed, awaiting = outcomes.split_lines(lines)
        record_read(
            session,
            actor=request.user_id,
            what="outcomes",
            scope="all",
            rows=len(lines),
            now=request.now(),
        )
    return list_message(confirmed, awaiting)


ROUTES: tuple[Route, ...] = (
    Route(OUTCOME, handle_command_outcome),
    Route(OUTCOMES, handle_command_outcomes),
)
