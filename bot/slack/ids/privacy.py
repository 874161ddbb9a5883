"""Ids for data-subject rights: the erasure confirmation modal."""

from __future__ import annotations

from enum import StrEnum


class CallbackId(StrEnum):
    """Modals about data-subject rights."""

    ERASE = "privacy.erase"


class Field(StrEnum):
    """Inputs of the erasure modal (block id and action id alike)."""

    CONFIRM = "privacy.erase.confirm"


CONFIRMED = "confirmed"
