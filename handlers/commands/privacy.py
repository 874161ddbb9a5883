"""`/cohort erase @person` and `/cohort sar @person`: a coordinator acts on a person's data rights."""

from __future__ import annotations

from bot.core.errors import InvalidInput
from bot.home.command_catalogue import Subcommand
from bot.privacy.erasure import preview_erasure
from bot.privacy.subject_access import owe_subject_access
from bot.privacy.subjects import person_by_mention
from bot.slack.blocks import Message, notice
from bot.slack.blocks.privacy import erase_confirmation_view
from handlers.commands.routing import CommandRequest, Route

ERASE = Subcommand(
    "erase",
    "@person",
    "Coordinators: erase everything personal about someone (you confirm what goes first).",
)
SAR = Subcommand(
    "sar",
    "@person",
    "Coordinators: get everything held about someone (a subject access request) in a DM.",
)


def _mention(request: CommandRequest, subcommand: Subcommand) -> str:
    if len(request.arguments) != 1:
        raise InvalidInput(f"Usage: `{subcommand.usage}`")
    return request.arguments[0]


def handle_command_erase(request: CommandRequest) -> Message | None:
    """`/cohort erase @person`: the confirmation modal listing what will go."""
    mention = _mention(request, ERASE)
    with request.uow() as session:
        request.require_coordinator(session)
        preview = preview_erasure(session, person_id=person_by_mention(session, mention).id)
    request.client.views_open(
        trigger_id=request.trigger_id, view=erase_confirmation_view(preview).to_dict()
    )
    return None


def handle_command_sar(request: CommandRequest) -> Message:
    """`/cohort sar @person`: owe the coordinator the export through the outbox."""
    mention = _mention(request, SAR)
    now = request.now()
    with request.uow() as session:
        request.require_coordinator(session)
        person = person_by_mention(session, mention)
        owe_subject_access(
            session,
            person_id=person.id,
            recipient=request.user_id,
            now=now,
            tz=request.services.settings.timezone,
            idempotency_key=f"sar:{request.user_id}:{request.trigger_id or now.isoformat()}",
        )
    return notice(
        "The subject access export is on its way: it will arrive in a DM from me shortly."
    )


ROUTES: tuple[Route, ...] = (
    Route(ERASE, handle_command_erase),
    Route(SAR, handle_command_sar),
)
