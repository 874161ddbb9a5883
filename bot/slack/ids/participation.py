"""Ids for being away: the App Home buttons and the 'I'm away' modal."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """Buttons about being away."""

    AWAY = "participation.away"
    BACK = "participation.back"


class CallbackId(StrEnum):
    """Modals about being away."""

    AWAY = "participation.away_until"


class BlockId(StrEnum):
    """Fields of the 'I'm away' modal."""

    LAST_DAY = "participation.last_day_away"


LAST_DAY_INPUT = "participation.last_day_away_input"
