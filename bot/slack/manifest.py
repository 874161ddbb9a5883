"""The Slack app manifest: paste it into api.slack.com/apps to create the app in one go."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from bot.home import command_catalogue as catalogue
from bot.home.command_catalogue import Subcommand
from bot.slack.web import SLACK_PATH

# Each scope is here for a reason a reviewer at the workspace can check.
BOT_SCOPES: dict[str, str] = {
    "commands": "the /cohort slash command",
    "chat:write": "reminders, replies and the steering-group digest",
    "im:write": "opening a direct message with a participant",
    "im:history": "checking a direct message before re-sending after a crash, so none is sent twice",
    "channels:history": "checking the steering channel before re-posting the digest after a crash",
    "groups:history": "the same, when the steering channel is private",
    "users:read": "each person's time zone, and whether they administer the workspace",
    "users:read.email": "matching imported participants to Slack users by email",
    "files:read": "reading a CSV of applications shared with the bot",
    "files:write": "calendar (.ics) files, charts and exports",
}

# The subcommands a person most often types, named in the usage hint Slack shows under `/cohort`
# (one line: the full list of 39 is what `/cohort help` is for).
USAGE_HINT_EXAMPLES = ("status", "calendar", "coaching", "away")


def usage_hint(subcommands: Sequence[Subcommand]) -> str:
    """One readable line: what to type, a few common subcommands, and where the rest are listed."""
    known = {sub.name for sub in subcommands}
    examples = ", ".join(name for name in USAGE_HINT_EXAMPLES if name in known)
    return f"[subcommand] [arguments], e.g. {examples}; help lists them all"


# The app-level token that Socket Mode connects with needs this one scope.
APP_TOKEN_SCOPE = "connections:write"


def build_manifest(
    url: str | None,
    subcommands: Sequence[Subcommand],
    events: Sequence[str],
    *,
    socket_mode: bool = False,
) -> dict[str, Any]:
    """The manifest as data; `url` is the public base URL (not needed for Socket Mode)."""
    if not socket_mode and not url:
        raise ValueError("a public URL is needed unless the app uses Socket Mode")
    request_url = None if socket_mode else url.rstrip("/") + SLACK_PATH  # type: ignore[union-attr]

    def with_url(settings: dict[str, Any], key: str = "request_url") -> dict[str, Any]:
        return settings if request_url is None else {**settings, key: request_url}

    command = {
        "command": catalogue.COMMAND,
        "description": "Run your leadership development programme",
        "usage_hint": usage_hint(subcommands),
        # Slack then sends mentions as <@U123|name>, which cannot be confused with plain text.
        "should_escape": True,
    }
    return {
        "display_information": {
            "name": "cohortbot",
            "description": "Reminders, coaching, evaluations and steering-group digests for "
            "cohort-based leadership development programmes.",
            "background_color": "#005eb8",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "cohortbot", "always_online": True},
            "slash_commands": [with_url(command, key="url")],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": with_url({"bot_events": list(events)}),
            "interactivity": with_url({"is_enabled": True}),
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def render_manifest(
    url: str | None,
    subcommands: Sequence[Subcommand],
    events: Sequence[str],
    *,
    socket_mode: bool = False,
) -> str:
    """The manifest as YAML, ready to paste."""
    manifest = build_manifest(url, subcommands, events, socket_mode=socket_mode)
    return str(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True))
