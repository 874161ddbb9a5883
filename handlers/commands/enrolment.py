"""`/cohort` subcommands for enrolment."""

from __future__ import annotations

from handlers.commands.routing import Route

ROUTES: tuple[Route, ...] = ()
