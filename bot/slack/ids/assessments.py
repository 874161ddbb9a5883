"""Ids for recording final assessments: the modal, its fields and the 'offer another date' form."""

from __future__ import annotations

from enum import StrEnum


class CallbackId(StrEnum):
    """Modals about assessments."""

    RECORD = "assessments.record"
    OFFER = "assessments.offer"


class Field(StrEnum):
    """Fields of the assessment modals; each is both the block id and its element's action id."""

    ATTENDED = "assessments.attended"
    DATE = "assessments.date"
    PANEL = "assessments.panel"
    READINESS = "assessments.readiness"
    PERFORMANCE = "assessments.performance"
    POTENTIAL = "assessments.potential"
    AREAS = "assessments.areas"
    OTHER_AREAS = "assessments.other_areas"
    FEEDBACK = "assessments.feedback"
    REASON = "assessments.reason"
    REASON_NOTE = "assessments.reason_note"
    OFFER_SESSION = "assessments.offer_session"
    # Not a field: the line naming the nine-box position chosen so far.
    BOX = "assessments.box"


ATTENDED = "attended"
DID_NOT_ATTEND = "did_not_attend"
YES = "yes"
NO = "no"
