"""Whether a signed body keeps the shapes every Slack payload keeps, which Bolt relies on.

Bolt's middleware, listener matchers and even its log of unhandled requests read a payload as
Slack shapes it (an event is an object, an action id a string) and raise otherwise, which Bolt
answers with a 500. A body that breaks one of those shapes is not from Slack and can never
succeed, so the web layer refuses it with a 400 before Bolt sees it. The rules only refuse:
every payload Slack documents passes them.
"""

from __future__ import annotations

from typing import Any

# Fields that are strings wherever Slack sends them, at the top of a payload.
_TOP_STRINGS = (
    "type",
    "token",
    "team_id",
    "api_app_id",
    "enterprise_id",
    "user_id",
    "channel_id",
    "command",
    "text",
    "trigger_id",
    "response_url",
    "callback_id",
    "action_id",
    "block_id",
    "event_id",
    "challenge",
)
# Fields that are an object, or an id string in some payloads, or null.
_OBJECT_OR_ID = ("user", "team", "channel", "enterprise", "message", "container")
# Fields that are objects wherever Slack sends them.
_OBJECTS = ("event", "view", "state")


def keeps_slack_shapes(body: dict[str, Any]) -> bool:
    """Whether `body` (as Bolt parses it) could be a payload Slack sent."""
    if not _strings(body, _TOP_STRINGS):
        return False
    if any(not _object_or_id(body.get(name)) for name in _OBJECT_OR_ID):
        return False
    if any(name in body and not isinstance(body[name], dict) for name in _OBJECTS):
        return False
    event = body.get("event")
    if isinstance(event, dict) and not (
        _strings(event, ("type", "subtype", "bot_id", "channel_type"))
        and _object_or_id(event.get("user"))
    ):
        return False
    view = body.get("view")
    if isinstance(view, dict) and not _strings(view, ("id", "callback_id", "type", "hash")):
        return False
    actions = body.get("actions")
    if actions is not None and not (
        isinstance(actions, list)
        and all(
            isinstance(action, dict) and _strings(action, ("action_id", "block_id", "type"))
            for action in actions
        )
    ):
        return False
    authorizations = body.get("authorizations")
    return authorizations is None or (
        isinstance(authorizations, list) and all(isinstance(one, dict) for one in authorizations)
    )


def _strings(mapping: dict[str, Any], names: tuple[str, ...]) -> bool:
    return all(isinstance(mapping[name], str) for name in names if name in mapping)


def _object_or_id(value: Any) -> bool:
    return value is None or isinstance(value, str | dict)
