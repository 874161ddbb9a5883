"""Human labels for stored enum values, as an export shows them ("Ready now", not "ready_now")."""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from bot.applications.form import ORGANISATION_TYPE_LABELS
from bot.core.labels import OUTCOME_LABELS, READINESS_LABELS
from bot.programmes.timetable import KIND_LABELS
from db.enums import (
    AttendanceStatus,
    EnrolmentStatus,
    RsvpStatus,
    ScreeningResult,
)

# Only the values whose plain reading ("ready 12 18 months") would be wrong or unclear;
# every other value reads well as its words with a capital letter.
_OWN_LABELS: tuple[tuple[StrEnum, str], ...] = (
    (RsvpStatus.NONE, "No reply"),
    (AttendanceStatus.UNKNOWN, "Not recorded"),
    (EnrolmentStatus.WAITING, "Waiting list"),
    (ScreeningResult.DOES_NOT_MEET_CRITERIA, "Does not meet criteria"),
)
# Keyed by enum class as well as value: members of different enums with the same value
# ("other", "withdrawn") are equal as strings, so a plain dict would mix them up.
_SPECIAL: dict[tuple[type, str], str] = {
    (type(member), member.value): text
    for member, text in (
        *ORGANISATION_TYPE_LABELS.items(),
        *KIND_LABELS.items(),
        *READINESS_LABELS.items(),
        *OUTCOME_LABELS.items(),
        *_OWN_LABELS,
    )
}


# Cached: an export asks for about 400,000 labels of a few dozen values.
@cache
def label(value: StrEnum | None) -> str | None:
    """`value` as people read it: 'Ready now', 'Mental health', 'Left the service'; None stays None."""
    if value is None:
        return None
    special = _SPECIAL.get((type(value), value.value))
    if special is not None:
        return special
    return value.value.replace("_", " ").capitalize()


def yes_no(value: bool) -> str:
    """'Yes' or 'No', which reads better in a spreadsheet than TRUE/FALSE."""
    return "Yes" if value else "No"
