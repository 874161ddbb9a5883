"""`/cohort` subcommands for follow-ups, quorum, leave and notification preferences."""

from __future__ import annotations

from handlers.commands.routing import Route

ROUTES: tuple[Route, ...] = ()
