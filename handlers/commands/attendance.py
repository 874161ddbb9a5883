"""`/cohort attendance <session id> [record]`: a session's register, and recording it."""

from __future__ import annotations

from bot.attendance import attendance
from bot.core.errors import InvalidInput
from bot.home.command_catalogue import Subcommand
from bot.slack.blocks import Message
from bot.slack.blocks.attendance import record_modal, register_message
from handlers.commands.routing import CommandRequest, Route

USAGE = "Usage: `/cohort attendance <session id>` or `/cohort attendance <session id> record`."


def handle_command_attendance(request: CommandRequest) -> Message | None:
    """Show the register, or (with `record`) open the pre-filled recording form."""
    words = request.arguments
    if len(words) not in (1, 2) or (len(words) == 2 and words[1].lower() != "record"):
        raise InvalidInput(USAGE)
    with request.uow() as session:
        roles = request.roles(session)
        if len(words) == 1:
            return register_message(
                attendance.register(
                    session,
                    words[0],
                    slack_user_id=request.user_id,
                    roles=roles,
                    now=request.now(),
                )
            )
        programme_session = attendance.recordable_session(
            session, words[0], slack_user_id=request.user_id, roles=roles, now=request.now()
        )
        view = record_modal(attendance.register_of(session, programme_session, can_record=True))
    request.client.views_open(trigger_id=request.trigger_id, view=view)
    return None


ROUTES: tuple[Route, ...] = (
    Route(
        Subcommand(
            "attendance",
            "<session id> [record]",
            "See a session's register, or record who came.",
        ),
        handle_command_attendance,
    ),
)
