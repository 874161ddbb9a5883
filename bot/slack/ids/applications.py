"""Callback, block and action ids for applications and imports."""

from __future__ import annotations

from enum import StrEnum


class CallbackId(StrEnum):
    """Modal callback ids."""

    APPLY = "application.apply"


class ActionId(StrEnum):
    """Button and input action ids."""

    CONFIRM_IMPORT = "application.import.confirm"
    INPUT = "application.input"


def block_id(field: str) -> str:
    """The block id of an application form field (the field names are in bot.applications.form)."""
    return f"application.{field}"


def field_of(block: str) -> str:
    """The form field a block id belongs to."""
    return block.removeprefix("application.")
