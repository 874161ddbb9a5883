"""The one error handler: domain errors become a friendly reply, anything else is logged."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse, Respond

from bot.blocks import notice
from bot.errors import CohortbotError

SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on our side and nothing was changed. "
    "Please try again; if it keeps happening, tell a programme coordinator."
)


def handle_error(
    error: Exception, body: dict[str, Any], respond: Respond | None, logger: logging.Logger
) -> BoltResponse | None:
    """Reply to the user where Slack gave us a way to, and log what was unexpected."""
    if isinstance(error, CohortbotError):
        message = notice(str(error))
    else:
        # The body can hold personal data, so only its shape is logged.
        logger.exception("unhandled error for a %s request", body.get("type") or "slash command")
        message = notice(SOMETHING_WENT_WRONG)
    if respond is not None:
        respond(**message.as_kwargs())
    return None


def register(app: App) -> None:
    """Install the error handler."""
    app.error(handle_error)
