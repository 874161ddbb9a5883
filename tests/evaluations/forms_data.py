"""What the evaluation forms tests share."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.evaluations.forms import (
    FormDefinition,
    FormDefinitionError,
    load_forms,
)

BUILTIN_KEYS = {
    "workshop",
    "action_learning_set",
    "organisational_development",
    "coaching",
    "baseline",
    "programme_end",
    "follow_up",
}

VALID: dict[str, Any] = {
    "key": "workshop",
    "version": 1,
    "title": "Workshop feedback",
    "anonymous": False,
    "attached_to": "workshop",
    "questions": [
        {"key": "overall", "type": "rating5", "purpose": "overall", "text": "Overall?"},
        {
            "key": "category",
            "type": "single_choice",
            "text": "Which?",
            "options": ["Career", "Impact"],
        },
        {"key": "comments", "type": "free_text", "required": False, "text": "Anything else?"},
    ],
}


def write_form(directory: Path, data: object, name: str = "workshop.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def form_with(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """The valid form with `change` applied to a copy."""
    data = copy.deepcopy(VALID)
    change(data)
    return data


def load_one(tmp_path: Path, data: dict[str, Any]) -> FormDefinition:
    write_form(tmp_path, data)
    (form,) = load_forms(tmp_path)
    return form


def problems_of(tmp_path: Path, data: object) -> tuple[str, ...]:
    write_form(tmp_path, data)
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(tmp_path)
    return caught.value.problems


def q(index: int, **changes: Any) -> Callable[[dict[str, Any]], None]:
    """A change to question `index` of the valid form (None deletes the field)."""

    def change(data: dict[str, Any]) -> None:
        for name, value in changes.items():
            if value is None:
                del data["questions"][index][name]
            else:
                data["questions"][index][name] = value

    return change


def top(**changes: Any) -> Callable[[dict[str, Any]], None]:
    """A change to the form's top-level fields (None deletes the field)."""

    def change(data: dict[str, Any]) -> None:
        for name, value in changes.items():
            if value is None:
                del data[name]
            else:
                data[name] = value

    return change


def both(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for each in changes:
            each(data)

    return change
