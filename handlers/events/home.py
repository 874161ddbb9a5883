"""The App Home tab."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.app_context import Services
from bot.blocks.general import home_view
from bot.roles import roles_of


def handle_event_app_home_opened(
    event: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Publish the App Home tab for the person who opened it."""
    if event.get("tab") != "home":
        return
    user_id = event["user"]
    with Services.of(context).uow() as session:
        roles = sorted(role.value for role in roles_of(session, user_id))
    client.views_publish(user_id=user_id, view=home_view(roles).to_dict())


LISTENERS: dict[str, Callable[..., None]] = {"app_home_opened": handle_event_app_home_opened}
