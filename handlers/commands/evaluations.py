"""`/cohort evaluations`: coordinators' live response rates and results, opening and closing forms
by hand, and the CSV export of responses."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from bot.core.errors import InvalidInput
from bot.evaluations import admin as admin
from bot.home.command_catalogue import Subcommand
from bot.slack.blocks import Message
from bot.slack.blocks.evaluation_results import (
    closed_message,
    cohort_results_message,
    export_message,
    opened_message,
    session_results_message,
)
from db.models import Programme, ProgrammeSession
from handlers.commands.routing import CommandRequest, Route

SUBCOMMAND = Subcommand(
    "evaluations",
    '[<session id> | open|close <form> <session id> | export [<form>]] ["<programme>" ["<cohort>"]]',
    "Coordinators: evaluation response rates and results; open, close or export a form.",
)
NAME_THE_FORM = (
    "Say which form and where, e.g. `/cohort evaluations {action} workshop 12` for session #12, "
    'or `/cohort evaluations {action} baseline "<programme>" "<cohort>"`.'
)


def handle_command_evaluations(request: CommandRequest) -> Message:
    """`/cohort evaluations …`: results for a cohort or session; open, close or export a form."""
    words = request.arguments
    action = words[0].casefold() if words else ""
    now = request.now()
    with request.uow() as session:
        request.require_coordinator(session)
        if action in ("open", "close"):
            return _open_or_close(session, request, action, words[1:])
        if action == "export":
            form_key, cohort = admin.export_scope(session, words[1:])
            export = admin.export_responses(
                session,
                recipient=request.user_id,
                form_key=form_key,
                cohort=cohort,
                now=now,
                request_key=request.trigger_id,
            )
            return export_message(export)
        target = admin.find_results_target(session, words)
        if isinstance(target, ProgrammeSession):
            found = admin.session_results(session, target, now, random.SystemRandom())
            return session_results_message(found)
        if isinstance(target, Programme):
            return cohort_results_message(admin.programme_results(session, target, now))
        return cohort_results_message(admin.cohort_results(session, target, now))


def _open_or_close(
    session: Session, request: CommandRequest, action: str, words: tuple[str, ...]
) -> Message:
    if not words:
        raise InvalidInput(NAME_THE_FORM.format(action=action))
    form_key, target = words[0], admin.find_target(session, words[1:])
    actor, now = request.user_id, request.now()
    if action == "open":
        opened = admin.open_by_hand(session, form_key=form_key, target=target, actor=actor, now=now)
        return opened_message(opened)
    closed = admin.close_by_hand(session, form_key=form_key, target=target, actor=actor, now=now)
    return closed_message(closed)


ROUTES: tuple[Route, ...] = (Route(SUBCOMMAND, handle_command_evaluations),)
