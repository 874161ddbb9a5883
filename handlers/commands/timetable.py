"""`/cohort timetable import|export ["<programme>"]`: a whole timetable pasted in, or given back."""

from __future__ import annotations

import json

from bot.core.errors import InvalidInput
from bot.home.command_catalogue import Subcommand
from bot.programmes.programmes import find_programme
from bot.programmes.timetable_import import export_timetable
from bot.slack.blocks import Message
from bot.slack.blocks.timetable import timetable_export_message, timetable_import_modal
from db.models import Programme
from handlers.commands.reporting import only_programme
from handlers.commands.routing import CommandRequest, Route

TIMETABLE = Subcommand(
    "timetable",
    "import <programme> | export [<programme>]",
    "Paste a programme's whole timetable in, or get it back as a table (coordinators).",
)
USAGE = (
    'Use `/cohort timetable import "<programme>"` to paste a timetable in (or share a CSV or '
    'XLSX file with me in a DM), or `/cohort timetable export ["<programme>"]` to get it back.'
)


def handle_command_timetable(request: CommandRequest) -> Message | None:
    """`/cohort timetable import "<programme>"` opens the paste form; `export` gives the table."""
    words = request.arguments
    action = words[0].casefold() if words else ""
    if action not in ("import", "export") or len(words) > 2:
        raise InvalidInput(USAGE)
    with request.uow() as session:
        request.require_coordinator(session)
        programme: Programme = (
            find_programme(session, words[1]) if len(words) == 2 else only_programme(session)
        )
        if action == "export":
            return timetable_export_message(programme.name, export_timetable(session, programme))
        view = timetable_import_modal(
            programme.name, table="", metadata=json.dumps({"programme_id": programme.id})
        )
    request.client.views_open(trigger_id=request.trigger_id, view=view)
    return None


ROUTES: tuple[Route, ...] = (Route(TIMETABLE, handle_command_timetable),)
