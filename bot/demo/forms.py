"""A modal's inputs as Slack reports them: from what was typed into the demo's form to `state.values`.

The page names each field after its block id; the terminal and the scripted year pass plain strings.
Every element type the bot uses is here, shaped as Slack shapes it in a `view_submission`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

State = dict[str, dict[str, dict[str, Any]]]
# What each single-value element reports, and under which key.
_TEXT_KEYS = {
    "plain_text_input": "value",
    "number_input": "value",
    "email_text_input": "value",
    "url_text_input": "value",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
}
_MULTI_KEYS = {
    "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
}
_ONE_OPTION = {"static_select", "radio_buttons", "overflow"}
_MANY_OPTIONS = {"multi_static_select", "checkboxes"}


def options_of(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An element's options, flattening option groups."""
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def input_elements(view: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(block id, element) of every input block in a view."""
    for block in view.get("blocks") or []:
        if block.get("type") == "input" and isinstance(block.get("element"), dict):
            yield str(block.get("block_id", "")), block["element"]


def element_state(element: Mapping[str, Any], chosen: Sequence[str]) -> dict[str, Any]:
    """The state Slack reports for one element, given the value(s) chosen in it."""
    kind = str(element.get("type"))
    present = [value for value in chosen if value != ""]
    state: dict[str, Any] = {"type": kind}
    if kind in _TEXT_KEYS:
        state[_TEXT_KEYS[kind]] = present[0] if present else None
    elif kind in _MULTI_KEYS:
        state[_MULTI_KEYS[kind]] = present
    elif kind in _ONE_OPTION:
        matching = [o for o in options_of(element) if o.get("value") in present[:1]]
        state["selected_option"] = matching[0] if matching else None
    elif kind in _MANY_OPTIONS:
        state["selected_options"] = [o for o in options_of(element) if o.get("value") in present]
    else:
        raise ValueError(f"the demo cannot fill in a {kind!r} element")
    return state


def state_values(view: Mapping[str, Any], chosen: Mapping[str, Sequence[str]]) -> State:
    """`view.state.values` for a submission, from the value(s) chosen per block id."""
    values: State = {}
    for block_id, element in input_elements(view):
        action_id = str(element.get("action_id", block_id))
        values[block_id] = {action_id: element_state(element, chosen.get(block_id, ()))}
    return values


def initial_choices(element: Mapping[str, Any]) -> list[str]:
    """What an element shows before anyone touches it (its initial value or options)."""
    for key in (
        "initial_value",
        "initial_date",
        "initial_time",
        "initial_user",
        "initial_conversation",
        "initial_channel",
    ):
        if element.get(key) not in (None, ""):
            return [str(element[key])]
    for key in ("initial_users", "initial_conversations", "initial_channels"):
        if element.get(key):
            return [str(v) for v in element[key]]
    if isinstance(element.get("initial_option"), dict):
        return [str(element["initial_option"].get("value"))]
    return [str(o.get("value")) for o in element.get("initial_options") or []]


def chosen_from_state(
    values: Mapping[str, Mapping[str, Mapping[str, Any]]],
) -> dict[str, list[str]]:
    """The value(s) per block id held in a submitted state, to fill the form in again."""
    chosen: dict[str, list[str]] = {}
    for block_id, actions in values.items():
        for state in actions.values():
            picked: list[str] = []
            for key in dict.fromkeys((*_TEXT_KEYS.values(), *_MULTI_KEYS.values())):
                value = state.get(key)
                if isinstance(value, list):
                    picked.extend(str(v) for v in value)
                elif value is not None:
                    picked.append(str(value))
            if isinstance(state.get("selected_option"), dict):
                picked.append(str(state["selected_option"].get("value")))
            picked.extend(str(o.get("value")) for o in state.get("selected_options") or [])
            chosen[block_id] = picked
    return chosen
