"""Block Kit as plain text, for the terminal: readable lines, with buttons numbered to press."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.demo.forms import options_of
from bot.demo.mrkdwn import Names, emoji

_SPECIAL = re.compile(r"<([^<>\n]+)>")
# Elements a person can use in a message, numbered in the terminal.
Control = tuple[str, dict[str, Any]]


def mrkdwn_to_text(text: str, person: Names, channel: Names) -> str:
    """mrkdwn with mentions by name, links as `label (url)` and Slack's escapes undone."""

    def special(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            return "@" + person(target[1:])
        if target.startswith("#"):
            return "#" + (label or channel(target[1:]).removeprefix("#"))
        if target.startswith("!"):
            return label or "@" + target[1:].split("^")[0]
        return f"{label} ({target})" if label and label != target else target

    return emoji(html.unescape(_SPECIAL.sub(special, text)))


def _text(obj: object, person: Names, channel: Names) -> str:
    if not isinstance(obj, Mapping):
        return ""
    text = str(obj.get("text", ""))
    return mrkdwn_to_text(text, person, channel) if obj.get("type") == "mrkdwn" else emoji(text)


def blocks_to_text(
    blocks: Sequence[Mapping[str, Any]],
    person: Names,
    channel: Names,
    number: Callable[[str, dict[str, Any]], int],
) -> str:
    """Blocks as lines; `number(block_id, element)` numbers each control for `:press N`."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        block_id = str(block.get("block_id", ""))
        if kind == "header":
            lines.append(_text(block.get("text"), person, channel).upper())
        elif kind == "section":
            if block.get("text"):
                lines.append(_text(block["text"], person, channel))
            lines.extend("  " + _text(f, person, channel) for f in block.get("fields") or [])
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") != "image":
                lines.append("  " + _control(block_id, accessory, number))
        elif kind == "context":
            parts = [_text(e, person, channel) for e in block.get("elements") or []]
            lines.append("  " + " · ".join(p for p in parts if p))
        elif kind == "divider":
            lines.append("  ────────")
        elif kind == "image":
            lines.append(f"  [picture: {block.get('alt_text', '')}]")
        elif kind == "actions":
            controls = [_control(block_id, e, number) for e in block.get("elements") or []]
            lines.append("  " + "  ".join(controls))
        elif kind == "input":
            lines.append(f"  {_text(block.get('label'), person, channel)}: (a field)")
    return "\n".join(lines)


def _control(
    block_id: str, element: dict[str, Any], number: Callable[[str, dict[str, Any]], int]
) -> str:
    label = _plain(element.get("text")) or element.get("type", "menu")
    if element.get("type") != "button":
        choices = ", ".join(_plain(o.get("text")) for o in options_of(element))
        label = f"{label}: {choices}" if choices else str(label)
    return f"[{number(block_id, element)}] {label}"


def _plain(obj: object) -> str:
    return str(obj.get("text", "")) if isinstance(obj, Mapping) else ""
