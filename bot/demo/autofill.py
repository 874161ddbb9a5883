"""Answers a scripted person gives to any form: plausible, varied, and the same on every run."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.demo.forms import initial_choices, input_elements, options_of

_OPTION_KINDS = ("static_select", "radio_buttons", "checkboxes", "multi_static_select")
NOTE = "Going well: I have put the last session's ideas to work with my team."


def _pick(key: str, count: int) -> int:
    """A stable choice in range(count), leaning to the upper half (people mostly rate well)."""
    digest = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    upper = count // 2
    return upper + digest % (count - upper) if count > 1 else 0


def autofill(
    view: Mapping[str, Any],
    *,
    who: str,
    today: date,
    overrides: Mapping[str, str] | None = None,
    people: Mapping[str, str] | None = None,
) -> dict[str, list[str]]:
    """Value(s) per block id for every input of a form, by element type, with `overrides` first.

    `people` maps a user picker's block id (or "*", any picker) to whom to pick.
    """
    chosen: dict[str, list[str]] = {}
    for block_id, element in input_elements(view):
        if overrides and block_id in overrides:
            chosen[block_id] = [overrides[block_id]]
            continue
        initial = initial_choices(element)
        kind = str(element.get("type"))
        options = options_of(element)
        if initial:
            chosen[block_id] = initial
        elif kind == "plain_text_input":
            chosen[block_id] = [NOTE if element.get("multiline") else "Scripted answer"]
        elif kind == "number_input":
            chosen[block_id] = [str(max(1, int(float(element.get("min_value") or 1))))]
        elif kind == "datepicker":
            chosen[block_id] = [today.isoformat()]
        elif kind == "timepicker":
            chosen[block_id] = ["10:00"]
        elif kind == "email_text_input":
            chosen[block_id] = [f"{who.lower()}@example.nhs.uk"]
        elif kind in _OPTION_KINDS and options:
            # One choice, also for checkboxes and multi-selects: enough for every form the bot has.
            chosen[block_id] = [str(options[_pick(who + block_id, len(options))].get("value"))]
        elif kind in ("users_select", "multi_users_select") and people:
            picked = people.get(block_id) or people.get("*")
            chosen[block_id] = [picked] if picked else []
        else:
            chosen[block_id] = []
    return chosen
