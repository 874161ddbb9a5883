"""Which requests the web process hands to the worker (`bot.slack.handoff`), and their acks.

Only those whose acknowledgement is known before their work: events (Bolt always acknowledges
them with an empty 200), and the buttons and subcommands marked `HANDED_OFF` / `handed_off`,
which answer through Slack's Web API or the response URL and open no modal (a trigger lasts 3
seconds, which work queued behind others must not be trusted to meet). A subcommand with an
`acknowledgement` (help) is acknowledged with it, as its listener acknowledges it.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltResponse

from bot.core.errors import CohortbotError
from bot.home import command_catalogue as catalogue
from handlers import actions, commands, events


def hands_off(body: dict[str, Any]) -> BoltResponse | None:
    """The acknowledgement of the request whose parsed body is `body` if it goes to the worker."""
    kind = body.get("type")
    if kind == "event_callback":
        event = body.get("event")
        handed = isinstance(event, dict) and event.get("type") in events.LISTENERS
        return _empty() if handed else None
    if kind == "block_actions":
        pressed = body.get("actions")
        handed = (
            isinstance(pressed, list)
            and len(pressed) == 1
            and isinstance(pressed[0], dict)
            and pressed[0].get("action_id") in actions.HANDED_OFF
        )
        return _empty() if handed else None
    if kind is None and body.get("command") == catalogue.COMMAND:
        return _command_acknowledgement(str(body.get("text", "")))
    return None


def _command_acknowledgement(text: str) -> BoltResponse | None:
    try:
        invocation = catalogue.parse(text)
    except CohortbotError:
        return None
    route = commands.ROUTES.get(invocation.name)
    if route is None or not route.handed_off:
        return None
    if route.acknowledgement is None:
        return _empty()
    # Made by Bolt's own `ack`, so that the bytes are those the listener's `ack` would send.
    return _ack()(**route.acknowledgement(invocation).as_kwargs())


def _empty() -> BoltResponse:
    return _ack()()


def _ack() -> Ack:
    return Ack()  # type: ignore[no-untyped-call]
