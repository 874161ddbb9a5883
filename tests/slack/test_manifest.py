"""The Slack app manifest covers everything the bot registers."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack.manifest import build_manifest
from handlers.commands import CATALOGUE
from handlers.events import SUBSCRIBED_EVENTS


def manifest(url: str | None = "https://example.org", **kw: Any) -> dict[str, Any]:
    return build_manifest(url, CATALOGUE, SUBSCRIBED_EVENTS, **kw)


def test_manifest_declares_the_command_and_its_subcommands() -> None:
    (command,) = manifest()["features"]["slash_commands"]

    assert command["command"] == "/cohort"
    for sub in CATALOGUE:
        assert sub.name in command["usage_hint"]


def test_manifest_subscribes_to_the_events_the_app_listens_for() -> None:
    events = manifest()["settings"]["event_subscriptions"]["bot_events"]

    assert events == list(SUBSCRIBED_EVENTS)
    assert "app_home_opened" in events


def test_socket_mode_manifest_has_no_urls() -> None:
    socket = manifest(None, socket_mode=True)

    assert socket["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in socket["settings"]["interactivity"]
    assert "url" not in socket["features"]["slash_commands"][0]


def test_http_manifest_needs_a_url() -> None:
    with pytest.raises(ValueError, match="public URL"):
        manifest(None)


def test_scopes_include_history_for_reconciling_sends() -> None:
    scopes = manifest()["oauth_config"]["scopes"]["bot"]

    assert {"commands", "chat:write", "im:write", "im:history", "users:read"} <= set(scopes)
