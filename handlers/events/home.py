"""The App Home tab."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.core.logging_setup import exception_outline
from bot.core.roles import roles_of
from bot.home.home import home_facts
from bot.slack.app_context import Services
from bot.slack.blocks.home import home_view
from handlers.request import SlackRequest

logger = logging.getLogger(__name__)


def handle_event_app_home_opened(
    event: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Publish the App Home tab for the person who opened it."""
    if event.get("tab") != "home":
        return
    request = SlackRequest(event["user"], context, client)
    # Workspace admins are coordinators; only Slack knows who they are.
    _publish(
        client, request.services, request.user_id, is_workspace_admin=request.is_workspace_admin
    )


def publish_home(client: WebClient, services: Services, user_id: str) -> None:
    """Refresh someone's Home tab after a change that affects it; a failure is only logged."""
    try:
        _publish(client, services, user_id)
    except Exception as error:
        # Best effort: the change itself is committed, and the tab is rebuilt when next opened.
        logger.warning("could not refresh the Home tab of a user: %s", exception_outline(error))


def _publish(
    client: WebClient, services: Services, user_id: str, *, is_workspace_admin: bool = False
) -> None:
    with services.read() as session:
        facts = home_facts(
            session,
            slack_user_id=user_id,
            roles=roles_of(session, user_id, is_workspace_admin=is_workspace_admin),
            now=services.clock(),
            default_tz=services.settings.timezone,
        )
    client.views_publish(user_id=user_id, view=home_view(facts).to_dict())


LISTENERS: dict[str, Callable[..., None]] = {"app_home_opened": handle_event_app_home_opened}
