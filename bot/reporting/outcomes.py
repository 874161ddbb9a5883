"""Career outcomes: new roles recorded by coordinators, or reported by participants and confirmed.

An outcome counts once it is confirmed (`confirmed_by`/`confirmed_at` set). A coordinator's own
record is confirmed at once; a participant's report waits for a coordinator, who confirms it or
rejects it with a reason. A rejected report is deleted (the audit trail keeps it and the reason),
since the schema has no 'rejected' state and a rejected role is not an outcome.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, select
from sqlalchemy.orm import Session, joinedload

from bot.core import outbox
from bot.core.audit import record_change
from bot.core.errors import InvalidInput, NotFound, PermissionDenied
from bot.core.labels import OUTCOME_LABELS
from bot.core.people import person_by_slack_id
from bot.core.roles import role_holders
from bot.reporting.outcome_fields import OutcomeField as Field
from db.enums import EnrolmentStatus, OutcomeKind, Role
from db.models import Enrolment, Outcome, Person

REPORTED_KIND = "outcome_reported"
CONFIRMED_KIND = "outcome_confirmed"
REJECTED_KIND = "outcome_rejected"
MAX_TITLE_LENGTH = 200
MAX_ORGANISATION_LENGTH = 200
MAX_NOTE_LENGTH = 1000
MAX_REASON_LENGTH = 500
PARTICIPANT_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
# A role agreed but not yet started can be reported; much further ahead is a typo.
LATEST_START = timedelta(days=366)


@dataclass(frozen=True)
class OutcomeEntry:
    """What the outcome modal holds (nothing checked yet)."""

    kind: OutcomeKind | None
    started_on: date | None
    role_title: str | None = None
    organisation: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class OutcomeLine:
    """An outcome as lists show it."""

    outcome_id: int
    name: str
    slack_user_id: str | None
    kind: str
    role_title: str | None
    organisation: str | None
    started_on: date | None
    confirmed: bool
    reported_by: str


@dataclass(frozen=True)
class ConfirmedOutcome:
    """A confirmed outcome, with what the digest groups by."""

    outcome_id: int
    person_id: int
    enrolment_id: int | None
    cohort_id: int | None
    kind: OutcomeKind
    started_on: date | None
    confirmed_at: datetime


@dataclass(frozen=True)
class OutcomeReported:
    """Owed to each coordinator: a participant reported a new role, to confirm or reject."""

    line: OutcomeLine


@dataclass(frozen=True)
class OutcomeConfirmed:
    """Owed to the participant: their new role is confirmed and counts."""

    line: OutcomeLine


@dataclass(frozen=True)
class OutcomeRejected:
    """Owed to the participant: their report was not accepted, and why."""

    line: OutcomeLine
    reason: str


OutcomeNews = OutcomeConfirmed | OutcomeRejected


def line_of(outcome: Outcome) -> OutcomeLine:
    """`outcome` as lists show it."""
    return OutcomeLine(
        outcome_id=outcome.id,
        name=outcome.person.name,
        slack_user_id=outcome.person.slack_user_id,
        kind=OUTCOME_LABELS[outcome.kind],
        role_title=outcome.role_title,
        organisation=outcome.organisation,
        started_on=outcome.started_on,
        confirmed=outcome.confirmed_at is not None,
        reported_by=outcome.reported_by,
    )


def person_for(session: Session, slack_user_id: str, *, yourself: bool) -> Person:
    """The person a new role is recorded for: someone who has been on a programme."""
    person = person_by_slack_id(session, slack_user_id)
    if person is None or not person.enrolments:
        who = "You have" if yourself else "They have"
        raise NotFound(f"{who} not been on a programme, so there is no outcome to record.")
    return person


def check_may_record(actor: str, subject: str, roles: Collection[Role]) -> None:
    """Participants report their own roles; only coordinators record one for someone else."""
    if actor != subject and Role.COORDINATOR not in roles:
        raise PermissionDenied(
            "Sorry, you can only report your own new role; coordinators record them for others."
        )


def _latest_enrolment(session: Session, person: Person) -> Enrolment | None:
    # A place they took up comes first: an outcome credited to a waiting-list place or a
    # withdrawal would count for no programme's participants.
    took_up = case((Enrolment.status.in_(PARTICIPANT_STATUSES), 0), else_=1)
    return session.scalar(
        select(Enrolment)
        .where(Enrolment.person_id == person.id)
        .order_by(took_up, Enrolment.enrolled_at.desc().nulls_last(), Enrolment.id.desc())
        .limit(1)
    )


def _clean(value: str | None, limit: int, field_id: str, what: str) -> str | None:
    cleaned = (value or "").strip() or None
    if cleaned is not None and len(cleaned) > limit:
        raise InvalidInput(f"Keep {what} to {limit} characters.", field=field_id)
    return cleaned


def record_outcome(
    session: Session,
    *,
    subject: str,
    actor: str,
    roles: Collection[Role],
    entry: OutcomeEntry,
    now: datetime,
) -> Outcome:
    """Record a new role for `subject` (a Slack id): confirmed at once if a coordinator records it.

    A participant's own report waits for confirmation, and each coordinator is told by DM, with
    Confirm and Reject buttons.
    """
    check_may_record(actor, subject, roles)
    person = person_for(session, subject, yourself=actor == subject)
    if entry.kind is None:
        raise InvalidInput("Choose what kind of move it is.", field=Field.KIND)
    if entry.started_on is None:
        raise InvalidInput("Pick the date the role started (or starts).", field=Field.STARTED_ON)
    if entry.started_on > now.date() + LATEST_START:
        raise InvalidInput(
            "That start date is more than a year away: check the year.", field=Field.STARTED_ON
        )
    role_title = _clean(entry.role_title, MAX_TITLE_LENGTH, Field.ROLE_TITLE, "the role title")
    if role_title is None and entry.kind != OutcomeKind.LEFT_SERVICE:
        raise InvalidInput("Give the role title.", field=Field.ROLE_TITLE)
    organisation = _clean(
        entry.organisation, MAX_ORGANISATION_LENGTH, Field.ORGANISATION, "the organisation"
    )
    note = _clean(entry.note, MAX_NOTE_LENGTH, Field.NOTE, "the note")
    duplicate = session.scalar(
        select(Outcome.id).where(
            Outcome.person_id == person.id,
            Outcome.kind == entry.kind,
            Outcome.started_on == entry.started_on,
        )
    )
    if duplicate is not None:
        raise InvalidInput(
            "That move, with that start date, is already recorded.", field=Field.STARTED_ON
        )
    confirmed = Role.COORDINATOR in roles
    enrolment = _latest_enrolment(session, person)
    outcome = Outcome(
        person=person,
        enrolment_id=enrolment.id if enrolment else None,
        kind=entry.kind,
        role_title=role_title,
        organisation=organisation,
        started_on=entry.started_on,
        note=note,
        reported_by=actor,
        confirmed_by=actor if confirmed else None,
        confirmed_at=now if confirmed else None,
    )
    session.add(outcome)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="outcome.record",
        entity=outcome,
        before=None,
        after=_snapshot(outcome),
        now=now,
    )
    if not confirmed:
        message = OutcomeReported(line_of(outcome))
        for coordinator in role_holders(session)[Role.COORDINATOR]:
            outbox.enqueue(
                session,
                recipient=coordinator,
                kind=REPORTED_KIND,
                message=message,
                due_at=now,
                idempotency_key=f"{REPORTED_KIND}:{outcome.id}:{coordinator}",
                enrolment_id=outcome.enrolment_id,
            )
    return outcome


def _snapshot(outcome: Outcome) -> dict[str, object]:
    return {
        "person_id": outcome.person_id,
        "kind": outcome.kind.value,
        "role_title": outcome.role_title,
        "organisation": outcome.organisation,
        "started_on": outcome.started_on.isoformat() if outcome.started_on else None,
        "note": outcome.note,
        "confirmed_by": outcome.confirmed_by,
    }


def awaiting(session: Session, outcome_id: int, roles: Collection[Role]) -> Outcome:
    """An outcome awaiting confirmation, if the person acting is a coordinator."""
    if Role.COORDINATOR not in roles:
        raise PermissionDenied(
            "Sorry, only programme coordinators can confirm or reject new roles."
        )
    outcome = session.get(Outcome, outcome_id)
    if outcome is None:
        raise NotFound("That report is no longer there: another coordinator may have rejected it.")
    if outcome.confirmed_by is not None:
        # Said as plain text (errors are escaped), so a name rather than a <@mention>.
        confirmer = session.scalar(
            select(Person.name).where(Person.slack_user_id == outcome.confirmed_by)
        )
        raise InvalidInput(
            f"That new role was already confirmed by {confirmer or 'another coordinator'}."
        )
    return outcome


def confirm_outcome(
    session: Session,
    *,
    outcome_id: int,
    actor: str,
    roles: Collection[Role],
    now: datetime,
) -> Outcome:
    """Confirm a reported outcome so it counts; the participant is told by DM."""
    outcome = awaiting(session, outcome_id, roles)
    outcome.confirmed_by = actor
    outcome.confirmed_at = now
    record_change(
        session,
        actor=actor,
        action="outcome.confirm",
        entity=outcome,
        before={"confirmed_by": None},
        after={"confirmed_by": actor},
        now=now,
    )
    _tell(session, outcome, CONFIRMED_KIND, OutcomeConfirmed(line_of(outcome)), now)
    return outcome


def reject_outcome(
    session: Session,
    *,
    outcome_id: int,
    actor: str,
    roles: Collection[Role],
    reason: str | None,
    now: datetime,
) -> OutcomeLine:
    """Reject a reported outcome (with the reason the participant is told); it is removed."""
    outcome = awaiting(session, outcome_id, roles)
    cleaned = _clean(reason, MAX_REASON_LENGTH, Field.REASON, "the reason")
    if cleaned is None:
        raise InvalidInput("Say why, so the participant knows what to correct.", field=Field.REASON)
    line = line_of(outcome)
    record_change(
        session,
        actor=actor,
        action="outcome.reject",
        entity=outcome,
        before=_snapshot(outcome),
        after={"rejected_because": cleaned},
        now=now,
    )
    _tell(session, outcome, REJECTED_KIND, OutcomeRejected(line, cleaned), now)
    session.delete(outcome)
    session.flush()
    return line


def _tell(
    session: Session, outcome: Outcome, kind: str, message: OutcomeNews, now: datetime
) -> None:
    recipient = outcome.person.slack_user_id
    if recipient is None:
        return
    outbox.enqueue(
        session,
        recipient=recipient,
        kind=kind,
        message=message,
        due_at=now,
        idempotency_key=f"{kind}:{outcome.id}",
        enrolment_id=outcome.enrolment_id,
    )


def outcome_lines(session: Session, *, person_id: int | None = None) -> list[OutcomeLine]:
    """Outcomes (of one person, or everyone), newest start first."""
    query = (
        select(Outcome)
        .options(joinedload(Outcome.person))
        .order_by(Outcome.started_on.desc().nulls_last(), Outcome.id.desc())
    )
    if person_id is not None:
        query = query.where(Outcome.person_id == person_id)
    return [line_of(outcome) for outcome in session.scalars(query)]


def confirmed_outcomes(
    session: Session, *, cohort_ids: Collection[int] | None = None
) -> list[ConfirmedOutcome]:
    """Every confirmed outcome with its cohort (via the credited enrolment), in one query."""
    query = (
        select(Outcome, Enrolment.cohort_id)
        .outerjoin(Enrolment, Outcome.enrolment_id == Enrolment.id)
        .where(Outcome.confirmed_at.is_not(None))
        .order_by(Outcome.started_on, Outcome.id)
    )
    if cohort_ids is not None:
        query = query.where(Enrolment.cohort_id.in_(list(cohort_ids)))
    return [
        ConfirmedOutcome(
            outcome_id=outcome.id,
            person_id=outcome.person_id,
            enrolment_id=outcome.enrolment_id,
            cohort_id=cohort_id,
            kind=outcome.kind,
            started_on=outcome.started_on,
            confirmed_at=outcome.confirmed_at,
        )
        for outcome, cohort_id in session.execute(query)
        if outcome.confirmed_at is not None
    ]


def split_lines(lines: Sequence[OutcomeLine]) -> tuple[list[OutcomeLine], list[OutcomeLine]]:
    """(confirmed, awaiting confirmation)."""
    return [line for line in lines if line.confirmed], [
        line for line in lines if not line.confirmed
    ]


@dataclass(frozen=True)
class OutcomeForm:
    """Whose new role the modal records, for whom it is opened."""

    subject: str
    name: str
    for_someone_else: bool


def outcome_form(
    session: Session, *, subject: str, actor: str, roles: Collection[Role]
) -> OutcomeForm:
    """Check `actor` may record a new role for `subject` and say what the modal shows."""
    check_may_record(actor, subject, roles)
    person = person_for(session, subject, yourself=actor == subject)
    return OutcomeForm(subject=subject, name=person.name, for_someone_else=actor != subject)
