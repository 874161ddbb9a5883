"""`/cohort coaching`: the at-risk list for coordinators, and logging a session."""

from __future__ import annotations

from bot import coaching
from bot.blocks import Message
from bot.blocks.coaching import log_modal, report_message, status_message
from bot.command_catalogue import Subcommand
from bot.errors import NotFound, PermissionDenied
from bot.mentions import parse_mention
from bot.programmes import only_cohort, resolve_cohort
from db.enums import Role
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
        if not yourself and not roles & coaching.LOGGERS_FOR_OTHERS:
            raise PermissionDenied(
                "Sorry, only coaches and coordinators can log coaching for someone else. "
                "To log your own, use `/cohort coaching log`."
            )
        enrolment = coaching.current_enrolment(session, participant, yourself=yourself)
        coaching.enrolment_to_log_for(session, enrolment.id, actor=request.user_id, roles=roles)
        form = coaching.log_form(
            session, enrolment, actor=request.user_id, roles=roles, now=request.now()
        )
    request.client.views_open(trigger_id=request.trigger_id, view=log_modal(form).to_dict())


ROUTES: tuple[Route, ...] = (Route(SUBCOMMAND, handle_command_coaching),)
