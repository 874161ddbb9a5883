"""Payloads shaped as Slack delivers them: commands, block actions, submissions, events."""

from __future__ import annotations

import time
import uuid
from typing import Any


def slash_command(
    *,
    team_id: str,
    app_id: str,
    command: str,
    text: str,
    user_id: str,
    user_name: str,
    channel_id: str,
    channel_name: str,
    trigger_id: str,
    response_url: str,
) -> dict[str, Any]:
    """A slash command payload (Socket Mode `slash_commands` envelope, or the HTTP form fields)."""
    return {
        "token": "standin-verification-token",
        "team_id": team_id,
        "team_domain": "standin",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def block_actions(
    *,
    team_id: str,
    app_id: str,
    user_id: str,
    user_name: str,
    actions: list[dict[str, Any]],
    trigger_id: str,
    response_url: str | None,
    channel_id: str | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A `block_actions` interaction payload, from a message or from a view."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "standin"},
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "api_app_id": app_id,
        "token": "standin-verification-token",
        "trigger_id": trigger_id,
        "actions": [{"action_ts": f"{time.time():.6f}", **action} for action in actions],
        "is_enterprise_install": False,
    }
    if channel_id is not None:
        payload["channel"] = {"id": channel_id, "name": channel_id}
        payload["container"] = {"type": "message", "channel_id": channel_id}
    if message is not None:
        payload["message"] = message
        payload["container"] = {
            "type": "message",
            "message_ts": message.get("ts"),
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
    if view is not None:
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view.get("id")}
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


def view_submission(
    *,
    team_id: str,
    app_id: str,
    user_id: str,
    user_name: str,
    view: dict[str, Any],
    values: dict[str, dict[str, dict[str, Any]]],
    trigger_id: str,
) -> dict[str, Any]:
    """A `view_submission` payload for a stored view, with the given state values."""
    submitted = {**view, "state": {"values": values}}
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "standin"},
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "api_app_id": app_id,
        "token": "standin-verification-token",
        "trigger_id": trigger_id,
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
    }


def event_callback(
    *, team_id: str, app_id: str, bot_user_id: str, event: dict[str, Any]
) -> dict[str, Any]:
    """An Events API `event_callback` body wrapping one event."""
    return {
        "token": "standin-verification-token",
        "team_id": team_id,
        "api_app_id": app_id,
        "event": {"event_ts": f"{time.time():.6f}", **event},
        "type": "event_callback",
        "event_id": "Ev" + uuid.uuid4().hex[:10].upper(),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
