"""Enumerations stored in the database.

Every enum is a StrEnum whose *values* are what is stored (plain VARCHARs, see
``db.base.enum_column_type``). Values are stable identifiers: never rename one
without a data migration; adding one needs no migration at all.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ApplicationStatus",
    "AttendanceStatus",
    "CommitmentProgress",
    "EnrolmentStatus",
    "EvaluationRequestState",
    "LeaveKind",
    "Level",
    "OrganisationType",
    "OutboundState",
    "OutcomeKind",
    "QuestionType",
    "Readiness",
    "Role",
    "RsvpStatus",
    "ScreeningResult",
    "SessionChangeKind",
    "SessionKind",
    "SessionNotificationPreference",
    "SessionStatus",
]


class OrganisationType(StrEnum):
    """Kind of health or care organisation a person works for."""

    ACUTE = "acute"
    COMMUNITY = "community"
    MENTAL_HEALTH = "mental_health"
    AMBULANCE = "ambulance"
    SPECIALIST = "specialist"
    COMMISSIONING = "commissioning"
    ARMS_LENGTH_BODY = "arms_length_body"
    OTHER = "other"


class ApplicationStatus(StrEnum):
    """Where an application is in the selection process."""

    RECEIVED = "received"
    SCREENED_OUT = "screened_out"
    SHORTLISTED = "shortlisted"
    INTERVIEWED = "interviewed"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    UNSUCCESSFUL = "unsuccessful"
    WITHDRAWN = "withdrawn"

    @classmethod
    def live(cls) -> frozenset[ApplicationStatus]:
        """Statuses of an application still going through selection."""
        return frozenset({cls.RECEIVED, cls.SHORTLISTED, cls.INTERVIEWED, cls.OFFERED})


class ScreeningResult(StrEnum):
    """Outcome of screening an application against the non-negotiable criteria."""

    MEETS_CRITERIA = "meets_criteria"
    DOES_NOT_MEET_CRITERIA = "does_not_meet_criteria"


class EnrolmentStatus(StrEnum):
    """A person's standing in a cohort."""

    ENROLLED = "enrolled"
    WAITING = "waiting"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


class SessionNotificationPreference(StrEnum):
    """Which sessions a participant wants to be told about."""

    ALL = "all"
    COMPULSORY_ONLY = "compulsory_only"


class LeaveKind(StrEnum):
    """Why a participant is away from the programme for a while."""

    AWAY = "away"
    MATERNITY = "maternity"
    PARENTAL = "parental"
    SICK = "sick"
    OTHER = "other"


class SessionKind(StrEnum):
    """Kind of programme session."""

    WORKSHOP = "workshop"
    ACTION_LEARNING_SET = "action_learning_set"
    COACHING = "coaching"
    ORGANISATIONAL_DEVELOPMENT = "organisational_development"
    ASSESSMENT = "assessment"
    OTHER = "other"


class SessionStatus(StrEnum):
    """Whether a session is going ahead."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    # Planned for a month or a week, the day still to be confirmed: on the timetable, but
    # nothing timed (reminders, check-in, attendance, evaluations) happens until a day is set.
    DATE_TBC = "date_tbc"


class DatePrecision(StrEnum):
    """How much of a session's date is known: the day, or only its week or month."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class SessionChangeKind(StrEnum):
    """What happened to a session."""

    MOVED = "moved"
    CANCELLED = "cancelled"
    REINSTATED = "reinstated"
    DETAILS_CHANGED = "details_changed"


class RsvpStatus(StrEnum):
    """A participant's reply to an invitation."""

    NONE = "none"
    ATTENDING = "attending"
    NOT_ATTENDING = "not_attending"


class AttendanceStatus(StrEnum):
    """Whether a participant turned up."""

    UNKNOWN = "unknown"
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class QuestionType(StrEnum):
    """Kind of evaluation question, which decides how its answer is stored."""

    RATING5 = "rating5"
    OBJECTIVES_MET = "objectives_met"
    AGREEMENT5 = "agreement5"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    FREE_TEXT = "free_text"


class QuestionPurpose(StrEnum):
    """What the results read a question as, beyond its own distribution."""

    # "Overall, how would you rate …": the headline share rating it Excellent or Good.
    OVERALL = "overall"
    # "Did it meet its learning objectives?": the headline share answering Completely or Largely.
    OBJECTIVES = "objectives"
    # The free-text commitment to change, followed up 30 and 90 days later.
    COMMITMENT = "commitment"
    # Which of the categories the commitment falls in.
    COMMITMENT_CATEGORY = "commitment_category"
    # A confidence question asked at baseline and again at the end, compared pairwise.
    CONFIDENCE = "confidence"


class EvaluationRequestState(StrEnum):
    """Completion state of an evaluation request."""

    OPEN = "open"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class CommitmentProgress(StrEnum):
    """Answer to "have you done what you committed to at the workshop?"."""

    YES = "yes"
    PARTLY = "partly"
    NOT_YET = "not_yet"


class Readiness(StrEnum):
    """Readiness for a director role, from the final assessment."""

    READY_NOW = "ready_now"
    READY_12_18_MONTHS = "ready_12_18_months"
    READY_LATER = "ready_later"


class Level(StrEnum):
    """Low/medium/high axis of the nine-box grid (performance or potential)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class OutcomeKind(StrEnum):
    """Career outcome reported for a participant."""

    PERMANENT_DIRECTOR = "permanent_director"
    INTERIM_DIRECTOR = "interim_director"
    ACTING_DIRECTOR = "acting_director"
    SECONDMENT = "secondment"
    SIDEWAYS_MOVE = "sideways_move"
    OTHER_PROMOTION = "other_promotion"
    LEFT_SERVICE = "left_service"


class OutboundState(StrEnum):
    """Delivery state of an outbox message."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # Owed to someone Slack says cannot receive messages; sent once they are reachable again.
    UNDELIVERABLE = "undeliverable"


class Role(StrEnum):
    """Permission role granted to a Slack user."""

    COORDINATOR = "coordinator"
    STEERING = "steering"
    COACH = "coach"
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
