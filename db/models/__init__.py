"""All cohortbot models, importable from one place (importing this registers them all)."""

from db.base import Base
from db.enums import (
    ApplicationStatus,
    AttendanceStatus,
    CommitmentProgress,
    EnrolmentStatus,
    EvaluationRequestState,
    LeaveKind,
    Level,
    OrganisationType,
    OutboundState,
    OutcomeKind,
    QuestionType,
    Readiness,
    Role,
    RsvpStatus,
    ScreeningResult,
    SessionChangeKind,
    SessionKind,
    SessionNotificationPreference,
    SessionStatus,
)
from db.models.access import RoleGrant
from db.models.applications import LIVE_APPLICATION_INDEX, Application, ApplicationStatusChange
from db.models.assessment import AssessmentResult, Outcome
from db.models.audit import SYSTEM_ACTOR, AuditEvent, AuditPersonalValue, AuditPseudonym
from db.models.coaching import CoachingSession
from db.models.evaluations import (
    CommitmentFollowUp,
    EvaluationAnswer,
    EvaluationDraft,
    EvaluationForm,
    EvaluationHeldAnswer,
    EvaluationQuestion,
    EvaluationRequest,
    EvaluationResponse,
    new_response_id,
)
from db.models.handoff import HandedOffRequest
from db.models.messaging import OutboundMessage, ProcessedEvent, UnreachableRecipient
from db.models.people import Enrolment, LeavePeriod, Person, normalise_email
from db.models.programme import ActionLearningGroup, AdvertisingRound, Cohort, Programme
from db.models.reporting import DigestSnapshot, ErasedDiversityProfile
from db.models.sessions import Invitation, ProgrammeSession, SessionChange

__all__ = [
    "LIVE_APPLICATION_INDEX",
    "SYSTEM_ACTOR",
    "ActionLearningGroup",
    "AdvertisingRound",
    "Application",
    "ApplicationStatus",
    "ApplicationStatusChange",
    "AssessmentResult",
    "AttendanceStatus",
    "AuditEvent",
    "AuditPersonalValue",
    "AuditPseudonym",
    "Base",
    "CoachingSession",
    "Cohort",
    "CommitmentFollowUp",
    "CommitmentProgress",
    "DigestSnapshot",
    "Enrolment",
    "EnrolmentStatus",
    "ErasedDiversityProfile",
    "EvaluationAnswer",
    "EvaluationDraft",
    "EvaluationForm",
    "EvaluationHeldAnswer",
    "EvaluationQuestion",
    "EvaluationRequest",
    "EvaluationRequestState",
    "EvaluationResponse",
    "HandedOffRequest",
    "Invitation",
    "LeaveKind",
    "LeavePeriod",
    "Level",
    "OrganisationType",
    "OutboundMessage",
    "OutboundState",
    "Outcome",
    "OutcomeKind",
    "Person",
    "ProcessedEvent",
    "Programme",
    "ProgrammeSession",
    "QuestionType",
    "Readiness",
    "Role",
    "RoleGrant",
    "RsvpStatus",
    "ScreeningResult",
    "SessionChange",
    "SessionChangeKind",
    "SessionKind",
    "SessionNotificationPreference",
    "SessionStatus",
    "UnreachableRecipient",
    "new_response_id",
    "normalise_email",
]
