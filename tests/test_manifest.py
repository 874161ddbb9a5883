"""The Slack app manifest covers everything the bot registers."""

from __future__ import annotations

import pytest

from bot import command_catalogue as catalogue
from bot.manifest import BOT_EVENTS, build_manifest
from handlers import events


def test_manifest_declares_the_command_and_its_subcommands() -> None:
    manifest = build_manifest("https://example.org")

    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/cohort"
    for sub in catalogue.CATALOGUE:
        assert sub.name in command["usage_hint"]


def test_every_subscribed_event_has_a_listener() -> None:
    # Bolt answers 404 to an event nobody listens for, and Slack would keep retrying it.
    registered = {
        name.removeprefix("handle_event_")
        for name in dir(events)
        if name.startswith("handle_event_")
    }

    assert set(BOT_EVENTS) <= registered


def test_socket_mode_manifest_has_no_urls() -> None:
    manifest = build_manifest(None, socket_mode=True)

    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in manifest["settings"]["interactivity"]
    assert "url" not in manifest["features"]["slash_commands"][0]


def test_http_manifest_needs_a_url() -> None:
    with pytest.raises(ValueError, match="public URL"):
        build_manifest(None)


def test_scopes_include_history_for_reconciling_sends() -> None:
    scopes = build_manifest("https://example.org")["oauth_config"]["scopes"]["bot"]

    assert {"commands", "chat:write", "im:write", "im:history", "users:read"} <= set(scopes)
