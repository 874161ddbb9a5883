"""`/cohort export`: a coordinator is sent the Excel workbook in a DM."""

from __future__ import annotations

from bot.home.command_catalogue import Subcommand
from bot.programmes.programmes import resolve_cohort
from bot.reporting.export.workbook import owe_export
from bot.slack.blocks import Message, notice
from handlers.commands.routing import CommandRequest, Route

SUBCOMMAND = Subcommand(
    "export",
    '["<programme>" "<cohort>"]',
    "Coordinators: get every record (or one cohort's) as an Excel workbook in a DM.",
)


def handle_command_export(request: CommandRequest) -> Message:
    """`/cohort export [cohort]`: owe the coordinator the workbook through the outbox."""
    now = request.now()
    with request.uow() as session:
        request.require_coordinator(session)
        cohort_id = resolve_cohort(session, request.arguments).id if request.arguments else None
        filename = owe_export(
            session,
            recipient=request.user_id,
            now=now,
            tz=request.services.settings.timezone,
            # One workbook per invocation, even if the same request were handled twice.
            idempotency_key=f"export:{request.user_id}:{request.trigger_id or now.isoformat()}",
            cohort_id=cohort_id,
        )
    return notice(f"Your export is on its way: {filename} will arrive in a DM from me shortly.")


# Acknowledged with nothing, then answered: building the workbook can take seconds, longer than
# Slack waits for an answer.
ROUTES: tuple[Route, ...] = (Route(SUBCOMMAND, handle_command_export),)
