"""Block Kit, view and message-metadata checks, done the way Slack rejects bad payloads.

slack_sdk's models check most per-element limits, but only in `to_dict()`, and they quietly drop
fields and elements they do not know; Slack rejects those, so the comparison below catches them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS: Final = 50
MAX_VIEW_BLOCKS: Final = 100
MAX_VIEW_BYTES: Final = 250 * 1024
MAX_MESSAGE_TEXT: Final = 40_000
MAX_ATTACHMENTS: Final = 100
_TEXT_OBJECT_TYPES: Final = frozenset({"plain_text", "mrkdwn"})
# What a view may carry in a request; id, hash, state and the like belong only to Slack's answers,
# and Slack refuses a view copied wholesale from an interaction payload.
REQUEST_VIEW_FIELDS: Final = frozenset(
    {
        "type",
        "title",
        "blocks",
        "close",
        "submit",
        "private_metadata",
        "callback_id",
        "clear_on_close",
        "notify_on_close",
        "external_id",
        "submit_disabled",
    }
)


@dataclass(frozen=True)
class Rejection:
    """Why Slack would refuse a payload: the error code and a human-readable reason."""

    error: str
    reason: str


def decode_json_argument(value: Any) -> Any:
    """Return a JSON argument as data; forms carry it as a string, JSON bodies inline."""
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value


def _dropped_fields(given: Any, rendered: Any, path: str) -> list[str]:
    """List the places where slack_sdk's model dropped or rewrote something it was given."""
    if isinstance(given, dict):
        if rendered is None:
            return [f"{path or 'element'} (unknown type {given.get('type')!r})"]
        if not isinstance(rendered, dict):
            return []
        dropped: list[str] = []
        for key, value in given.items():
            where = f"{path}.{key}" if path else key
            if value is None:
                continue
            if key not in rendered:
                dropped.append(where)
            else:
                dropped.extend(_dropped_fields(value, rendered[key], where))
        return dropped
    if isinstance(given, list) and isinstance(rendered, list):
        dropped = []
        for index, (item, out) in enumerate(zip(given, rendered, strict=False)):
            dropped.extend(_dropped_fields(item, out, f"{path}[{index}]"))
        return dropped
    # slack_sdk expands a bare string into a text object; Slack's API does not.
    is_expanded = isinstance(rendered, dict) and rendered.get("type") in _TEXT_OBJECT_TYPES
    if isinstance(given, str) and is_expanded:
        return [f"{path} (a bare string where Slack needs a text object)"]
    return []


def block_problem(block: Any) -> str | None:
    """Return why one block would be refused, or None when Slack would accept it."""
    if not isinstance(block, dict):
        return "is not a JSON object"
    try:
        parsed = Block.parse(block)
    except Exception as error:  # the models raise TypeError/ValueError/warnings on bad shapes
        return f"cannot be read ({type(error).__name__}: {error})"
    if parsed is None:
        return f"has an unknown type {block.get('type')!r}"
    try:
        rendered = parsed.to_dict()
    except Exception as error:  # SlackObjectFormationError, or AttributeError on broken nesting
        return f"breaks a Block Kit rule: {error}"
    dropped = _dropped_fields(block, rendered, "")
    if dropped:
        return "has fields Slack does not accept: " + ", ".join(dropped)
    return None


def _blocks_problem(blocks: Any, limit: int, surface: str) -> str | None:
    """Return why a list of blocks would be refused on a surface with the given block limit."""
    if not isinstance(blocks, list):
        return "blocks must be a JSON array"
    if len(blocks) > limit:
        return f"{len(blocks)} blocks in a {surface}; Slack allows at most {limit}"
    for index, block in enumerate(blocks):
        problem = block_problem(block)
        if problem is not None:
            kind = block.get("type") if isinstance(block, dict) else None
            return f"block {index} ({kind}) {problem}"
    return None


def check_message_blocks(value: Any) -> Rejection | None:
    """Check a message's `blocks` argument (JSON string or list)."""
    try:
        blocks = decode_json_argument(value)
    except ValueError:
        return Rejection("invalid_blocks", "blocks is not valid JSON")
    problem = _blocks_problem(blocks, MAX_MESSAGE_BLOCKS, "message")
    return None if problem is None else Rejection("invalid_blocks", problem)


def check_attachments(value: Any) -> Rejection | None:
    """Check a message's legacy `attachments`, including any blocks they carry."""
    try:
        attachments = decode_json_argument(value)
    except ValueError:
        return Rejection("invalid_attachments", "attachments is not valid JSON")
    if not isinstance(attachments, list):
        return Rejection("invalid_attachments", "attachments must be a JSON array")
    if len(attachments) > MAX_ATTACHMENTS:
        return Rejection("too_many_attachments", f"{len(attachments)} attachments")
    for attachment in attachments:
        if isinstance(attachment, dict) and "blocks" in attachment:
            rejection = check_message_blocks(attachment["blocks"])
            if rejection is not None:
                return Rejection(rejection.error, "in an attachment: " + rejection.reason)
    return None


def check_view(value: Any, *, expected_type: str | None = None) -> Rejection | None:
    """Check a `view` argument: shape, block limits, serialised size and slack_sdk's rules."""
    try:
        view = decode_json_argument(value)
    except ValueError:
        return Rejection("invalid_arguments", "view is not valid JSON")
    if not isinstance(view, dict):
        return Rejection("invalid_arguments", "view must be a JSON object")
    size = len(json.dumps(view, ensure_ascii=False).encode("utf-8"))
    if size > MAX_VIEW_BYTES:
        return Rejection("view_too_large", f"view is {size} bytes; Slack allows {MAX_VIEW_BYTES}")
    view_type = view.get("type")
    if expected_type is not None and view_type != expected_type:
        return Rejection(
            "invalid_arguments", f"view type must be {expected_type!r}, not {view_type!r}"
        )
    if view_type == "modal" and not view.get("title"):
        return Rejection("invalid_arguments", "a modal needs a title")
    problem = _blocks_problem(view.get("blocks", []), MAX_VIEW_BLOCKS, f"{view_type} view")
    if problem is not None:
        return Rejection("invalid_arguments", problem)
    unknown = sorted(set(view) - REQUEST_VIEW_FIELDS)
    if unknown:
        return Rejection(
            "invalid_arguments", "view has fields Slack does not accept: " + ", ".join(unknown)
        )
    try:
        View(**view).to_dict()
    except Exception as error:  # SlackObjectFormationError and friends
        return Rejection("invalid_arguments", f"view breaks a rule: {error}")
    return None


def check_metadata(value: Any) -> Rejection | None:
    """Check message `metadata`: an object with a string event_type and an object event_payload."""
    try:
        metadata = decode_json_argument(value)
    except ValueError:
        return Rejection("invalid_metadata_format", "metadata is not valid JSON")
    if not isinstance(metadata, dict):
        return Rejection("invalid_metadata_format", "metadata must be a JSON object")
    if not isinstance(metadata.get("event_type"), str) or not metadata["event_type"]:
        return Rejection(
            "invalid_metadata_format", "metadata.event_type must be a non-empty string"
        )
    if not isinstance(metadata.get("event_payload"), dict):
        return Rejection("invalid_metadata_format", "metadata.event_payload must be a JSON object")
    return None
