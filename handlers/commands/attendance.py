"""`/cohort` subcommands for attendance."""

from __future__ import annotations

from handlers.commands.routing import Route

ROUTES: tuple[Route, ...] = ()
