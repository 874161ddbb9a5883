"""`/cohort` subcommands for the coaching allowance."""

from __future__ import annotations

from handlers.commands.routing import Route

ROUTES: tuple[Route, ...] = ()
