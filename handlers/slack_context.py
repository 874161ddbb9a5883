"""Facts about the person behind a request that only Slack knows."""

from __future__ import annotations

from slack_sdk import WebClient


def is_workspace_admin(client: WebClient, slack_user_id: str) -> bool:
    """Whether Slack says the user administers the workspace (admins are coordinators too)."""
    user = client.users_info(user=slack_user_id)["user"]
    return bool(user.get("is_admin") or user.get("is_owner"))
