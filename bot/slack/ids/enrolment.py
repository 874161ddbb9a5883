"""Ids for enrolment: the buttons of a waiting-list place offer."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """Buttons a person offered a freed place can press."""

    ACCEPT_PLACE = "enrolment.accept_place"
    DECLINE_PLACE = "enrolment.decline_place"


class BlockId(StrEnum):
    """Blocks the listeners look for."""

    PLACE_OFFER_ACTIONS = "enrolment.place_offer_actions"
