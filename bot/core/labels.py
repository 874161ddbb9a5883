"""What people call the assessment and outcome values, wherever the bot shows them."""

from __future__ import annotations

from db.enums import CommitmentProgress, Level, OutcomeKind, Readiness, Role

READINESS_LABELS: dict[Readiness, str] = {
    Readiness.READY_NOW: "Ready now",
    Readiness.READY_12_18_MONTHS: "Ready within 12\u201318 months",
    Readiness.READY_LATER: "Ready later",
}
LEVEL_LABELS: dict[Level, str] = {Level.LOW: "Low", Level.MEDIUM: "Medium", Level.HIGH: "High"}
OUTCOME_LABELS: dict[OutcomeKind, str] = {
    OutcomeKind.PERMANENT_DIRECTOR: "Permanent director role",
    OutcomeKind.INTERIM_DIRECTOR: "Interim director role",
    OutcomeKind.ACTING_DIRECTOR: "Acting director role",
    OutcomeKind.SECONDMENT: "Secondment",
    OutcomeKind.SIDEWAYS_MOVE: "Sideways move for development",
    OutcomeKind.OTHER_PROMOTION: "Other promotion",
    OutcomeKind.LEFT_SERVICE: "Left the service",
}
# "<@U1> is now a member of the steering group", never "is now a steering".
ROLE_AS_NOUN: dict[Role, str] = {
    Role.COORDINATOR: "a coordinator",
    Role.STEERING: "a member of the steering group",
    Role.COACH: "a coach",
    Role.FACILITATOR: "a facilitator",
    Role.PARTICIPANT: "a participant",
}
ROLE_LABELS: dict[Role, str] = {
    Role.COORDINATOR: "Coordinators",
    Role.STEERING: "Steering group",
    Role.COACH: "Coaches",
    Role.FACILITATOR: "Facilitators",
    Role.PARTICIPANT: "Participants",
}
COMMITMENT_PROGRESS_LABELS: dict[CommitmentProgress, str] = {
    CommitmentProgress.YES: "Yes",
    CommitmentProgress.PARTLY: "Partly",
    CommitmentProgress.NOT_YET: "Not yet",
}
