"""Which requests the web process hands to the worker (`bot.slack.handoff`).

Only those whose acknowledgement is an empty 200 whatever the work finds: events (Bolt always
acknowledges them so), and the buttons and subcommands marked `HANDED_OFF` / `handed_off`, which
answer through Slack's Web API or the response URL and open no modal (a trigger lasts 3 seconds,
which work queued behind others must not be trusted to meet).
"""

from __future__ import annotations

from typing import Any

from bot.core.errors import CohortbotError
from bot.home import command_catalogue as catalogue
from handlers import actions, commands, events


def hands_off(body: dict[str, Any]) -> bool:
    """Whether the request whose parsed body is `body` goes to the worker."""
    kind = body.get("type")
    if kind == "event_callback":
        event = body.get("event")
        return isinstance(event, dict) and event.get("type") in events.LISTENERS
    if kind == "block_actions":
        pressed = body.get("actions")
        return (
            isinstance(pressed, list)
            and len(pressed) == 1
            and isinstance(pressed[0], dict)
            and pressed[0].get("action_id") in actions.HANDED_OFF
        )
    if kind is None and body.get("command") == catalogue.COMMAND:
        try:
            invocation = catalogue.parse(str(body.get("text", "")))
        except CohortbotError:
            return False
        route = commands.ROUTES.get(invocation.name)
        return route is not None and route.handed_off and not route.instant
    return False
