"""Names of the assessment forms' fields, which errors point at; the Slack ids reuse them."""

from __future__ import annotations

from enum import StrEnum


class AssessmentField(StrEnum):
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
