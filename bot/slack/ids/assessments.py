"""Ids for recording final assessments: the modal, its fields and the 'offer another date' form."""

from __future__ import annotations

from enum import StrEnum

from bot.reporting.assessment_fields import AssessmentField


class CallbackId(StrEnum):
    """Modals about assessments."""

    RECORD = "assessments.record"
    OFFER = "assessments.offer"


# The area names the fields it validates; aliased so the two can never diverge.
Field = AssessmentField
# Not a field: the line naming the nine-box position chosen so far.
BOX_BLOCK = "assessments.box"

ATTENDED = "attended"
DID_NOT_ATTEND = "did_not_attend"
YES = "yes"
NO = "no"
