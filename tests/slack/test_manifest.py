"""The Slack app manifest covers everything the bot registers."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack.manifest import USAGE_HINT_EXAMPLES, build_manifest, usage_hint
from handlers.commands import CATALOGUE
from handlers.events import SUBSCRIBED_EVENTS


def manifest(url: str | None = "https://example.org", **kw: Any) -> dict[str, Any]:
    return build_manifest(url, CATALOGUE, SUBSCRIBED_EVENTS, **kw)


def test_manifest_declares_the_command_with_a_one_line_usage_hint() -> None:
    (command,) = manifest()["features"]["slash_commands"]

    assert command["command"] == "/cohort"
    hint = command["usage_hint"]
    assert "\n" not in hint and len(hint) <= 100
    assert "help" in hint
    for name in USAGE_HINT_EXAMPLES:
        assert name in hint


def test_usage_hint_examples_are_real_subcommands() -> None:
    names = {sub.name for sub in CATALOGUE}

    assert set(USAGE_HINT_EXAMPLES) <= names
    assert usage_hint(()) != usage_hint(CATALOGUE)


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
