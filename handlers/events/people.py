"""`user_change`: Slack says a person was deactivated, deleted or brought back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.core.reachability import slack_says_changed
from handlers.request import SlackRequest


def handle_event_user_change(
    event: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Stop sending to someone whose account is gone; resume when it is back."""
    user = event.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str) or user.get("is_bot"):
        return
    request = SlackRequest(user["id"], context, client)
    with request.uow() as session:
        slack_says_changed(
            session, user["id"], deleted=bool(user.get("deleted")), now=request.now()
        )


LISTENERS: dict[str, Callable[..., None]] = {"user_change": handle_event_user_change}
