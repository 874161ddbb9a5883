"""Asking people to fill in evaluation forms: who is asked, the DM, one reminder, and closing.

A request is one person asked about one form (for one session, or at a milestone). Opening it owes
a DM with the button that opens the form; a still-open request gets exactly one reminder, in the
person's working hours and not while they are away; past its closing time it expires.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.core import outbox, outbox_claims
from bot.core.people import zone_of
from bot.core.timefmt import format_day
from bot.evaluations.forms import Milestone, reminder_after_days, window_days
from bot.evaluations.messages import RequestFacts
from bot.reminders.leave import away_or_on_leave, back_on
from bot.reminders.policy import policy_or_default
from db.enums import (
    AttendanceStatus,
    EnrolmentStatus,
    EvaluationRequestState,
    RsvpStatus,
)
from db.models import (
    Cohort,
    Enrolment,
    EvaluationDraft,
    EvaluationForm,
    EvaluationRequest,
    Invitation,
    OutboundMessage,
    Person,
    ProgrammeSession,
)

REQUEST_KIND = "evaluation_request"
REMINDER_KIND = "evaluation_reminder"
# People still in the programme, or who finished it, are asked; those who left are not.
ASKED_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)

MILESTONE_ABOUT = {
    Milestone.ENROLMENT: "the start of your programme",
    Milestone.PROGRAMME_END: "your programme, now that it has ended",
    Milestone.FOLLOW_UP: "the year since your programme ended",
    Milestone.COACHING_COMPLETE: "your coaching sessions",
}


def request_key(request_id: int) -> str:
    """The outbox idempotency key of the DM that opens request `request_id`."""
    return f"evaluation:{request_id}"


def reminder_key(request_id: int) -> str:
    """The outbox idempotency key of the one reminder about request `request_id`."""
    return f"evaluation-reminder:{request_id}"


def attendees(session: Session, programme_session: ProgrammeSession) -> list[Enrolment]:
    """Who is asked about a session: those marked present, or, until attendance is recorded at all,
    everyone invited who did not say they would not come (enrolled or completed, in Slack)."""
    invitations = list(
        session.scalars(
            select(Invitation)
            .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
            .join(Person, Enrolment.person_id == Person.id)
            .where(
                Invitation.session_id == programme_session.id,
                Enrolment.status.in_(ASKED_STATUSES),
                Person.slack_user_id.is_not(None),
            )
            .order_by(Enrolment.id)
            .options(joinedload(Invitation.enrolment).joinedload(Enrolment.person))
        )
    )
    recorded = session.scalar(
        select(
            exists().where(
                Invitation.session_id == programme_session.id,
                Invitation.attendance != AttendanceStatus.UNKNOWN,
            )
        )
    )
    if recorded:
        chosen = [i for i in invitations if i.attendance == AttendanceStatus.PRESENT]
    else:
        chosen = [i for i in invitations if i.rsvp != RsvpStatus.NOT_ATTENDING]
    return [invitation.enrolment for invitation in chosen]


def _about(request: EvaluationRequest, enrolment: Enrolment) -> str:
    programme_session = request.session
    if programme_session is not None:
        day = programme_session.starts_at.astimezone(zone_of(enrolment)).date()
        return f"{programme_session.title} on {format_day(day)}"
    try:
        return MILESTONE_ABOUT[Milestone(request.form.attached_to)]
    except ValueError:
        return request.form.title


def _message_facts(request: EvaluationRequest, *, reminder: bool) -> RequestFacts:
    enrolment = request.enrolment
    closes_at = request.closes_at or request.opened_at + timedelta(days=window_days(request.form))
    return RequestFacts(
        request_id=request.id,
        form_title=request.form.title,
        about=_about(request, enrolment),
        questions=len(request.form.questions),
        anonymous=request.form.anonymous,
        closes_at=closes_at,
        tz=zone_of(enrolment),
        reminder=reminder,
    )


def working_moment(enrolment: Enrolment, now: datetime) -> datetime:
    """`now`, or the start of the person's next working day when now is outside their hours."""
    hours = policy_or_default(enrolment.cohort.programme.reminder_policy).hours
    return hours.next_moment(now, zone_of(enrolment))


def told_at(enrolment: Enrolment, now: datetime, window: timedelta) -> datetime:
    """When to tell someone a form is open for them: in their working hours, and after an
    absence that ends within the form's window (a longer one should not hold the form back)."""
    tz = zone_of(enrolment)
    today = now.astimezone(tz).date()
    back = back_on(enrolment, today)
    if back is not None and back > today:
        first_day_back = datetime.combine(back, time(0), tzinfo=tz)
        if first_day_back - now < window:
            return working_moment(enrolment, first_day_back)
    return working_moment(enrolment, now)


def _owe_request_dms(session: Session, requests: Sequence[EvaluationRequest]) -> None:
    """Owe each request's DM, in one insert; keys already in the outbox are left alone."""
    _owe_dms(session, requests, reminder=False, due_at=None)


def _owe_dms(
    session: Session,
    requests: Sequence[EvaluationRequest],
    *,
    reminder: bool,
    due_at: datetime | None,
) -> None:
    """Owe each request's DM (or its reminder), in one insert; keys already owed are left alone.

    `due_at` None: each when its request opened.
    """
    key_of = reminder_key if reminder else request_key
    keys = {request.id: key_of(request.id) for request in requests}
    already = outbox.owed_keys(session, list(keys.values()))
    outbox.enqueue_new(
        session,
        [
            outbox.Owed(
                recipient=str(request.enrolment.person.slack_user_id),
                kind=REMINDER_KIND if reminder else REQUEST_KIND,
                message=_message_facts(request, reminder=reminder),
                due_at=request.opened_at if due_at is None else due_at,
                idempotency_key=keys[request.id],
                session_id=request.session_id,
                enrolment_id=request.enrolment_id,
            )
            for request in requests
            if keys[request.id] not in already
        ],
    )


def _load_leave(session: Session, people: Sequence[Enrolment]) -> None:
    """Load everyone's leave periods, which `told_at` reads, a few queries for the lot."""
    ids = [enrolment.id for enrolment in people]
    for start in range(0, len(ids), 500):
        session.scalars(
            select(Enrolment)
            .where(Enrolment.id.in_(ids[start : start + 500]))
            .options(selectinload(Enrolment.leave_periods))
        ).all()


def _store(
    session: Session, build: Callable[[Enrolment], EvaluationRequest], people: Sequence[Enrolment]
) -> list[EvaluationRequest]:
    """Insert a request for each of `people` in one flush; those another process opened meanwhile
    (the unique indexes refuse them) are skipped, which takes a second, row-by-row attempt."""
    requests = [build(enrolment) for enrolment in people]
    try:
        with session.begin_nested():
            session.add_all(requests)
            session.flush()
        return requests
    except IntegrityError:
        pass
    stored = []
    for enrolment in people:
        request = build(enrolment)
        try:
            with session.begin_nested():
                session.add(request)
                session.flush()
        except IntegrityError:
            continue
        stored.append(request)
    return stored


def open_requests(
    session: Session,
    *,
    form: EvaluationForm,
    cohort: Cohort,
    enrolments: Sequence[Enrolment],
    now: datetime,
    programme_session: ProgrammeSession | None = None,
    limit: int | None = None,
) -> int:
    """Ask each of `enrolments` (not yet asked) to fill in `form`, owing each a DM; returns how many.

    With `limit`, at most that many, the first not yet asked in the order given: a later call
    carries on from there.
    """
    session_id = programme_session.id if programme_session is not None else None
    # Any version counts: a form bumped to a new version must not ask the same people again.
    asked = set(
        session.scalars(
            select(EvaluationRequest.enrolment_id)
            .join(EvaluationForm, EvaluationRequest.form_id == EvaluationForm.id)
            .where(
                EvaluationForm.key == form.key,
                EvaluationRequest.session_id == session_id
                if session_id is not None
                else EvaluationRequest.session_id.is_(None),
            )
        )
    )
    people = [
        enrolment
        for enrolment in enrolments
        if enrolment.id not in asked and enrolment.person.slack_user_id is not None
    ][:limit]
    if not people:
        return 0
    _load_leave(session, people)
    window = timedelta(days=window_days(form))

    def build(enrolment: Enrolment) -> EvaluationRequest:
        # The form's window, and the reminder, count from when the person is told.
        told = told_at(enrolment, now, window)
        return EvaluationRequest(
            form=form,
            enrolment=enrolment,
            cohort=cohort,
            session=programme_session,
            opened_at=told,
            closes_at=told + window,
        )

    opened = _store(session, build, people)
    _owe_request_dms(session, opened)
    return len(opened)


def cancel_owed(session: Session, request_ids: Sequence[int], why: str) -> int:
    """Cancel the request DMs and reminders not yet sent for these requests."""
    keys = [key for rid in request_ids for key in (request_key(rid), reminder_key(rid))]
    cancelled = 0
    for start in range(0, len(keys), 500):
        rows = session.scalars(
            select(OutboundMessage.id).where(
                OutboundMessage.idempotency_key.in_(keys[start : start + 500]),
                OutboundMessage.state.in_(outbox_claims.UNSENT_STATES),
            )
        ).all()
        cancelled += outbox_claims.cancel_unsent(session, rows, why)
    return cancelled


def _expire(
    session: Session, requests: Sequence[EvaluationRequest], closes_at: datetime | None
) -> int:
    for request in requests:
        request.state = EvaluationRequestState.EXPIRED
        if closes_at is not None:
            request.closes_at = closes_at
    cancel_owed(session, [request.id for request in requests], "evaluation closed")
    # Half-filled pages of a form that can no longer be sent are of no use to anyone.
    session.execute(
        delete(EvaluationDraft).where(
            EvaluationDraft.request_id.in_([request.id for request in requests])
        )
    )
    return len(requests)


def close_requests(
    session: Session, *, form_id: int, cohort_id: int, session_id: int | None, now: datetime
) -> int:
    """Close a form by hand for a cohort (and session): open requests expire now, and DMs or
    reminders not yet sent are cancelled; returns how many requests closed."""
    requests = session.scalars(
        select(EvaluationRequest)
        .where(
            EvaluationRequest.form_id == form_id,
            EvaluationRequest.cohort_id == cohort_id,
            EvaluationRequest.session_id == session_id
            if session_id is not None
            else EvaluationRequest.session_id.is_(None),
            EvaluationRequest.state == EvaluationRequestState.OPEN,
        )
        .order_by(EvaluationRequest.id)
    ).all()
    return _expire(session, requests, now)


def expire_requests(session: Session, now: datetime, *, limit: int | None = None) -> int:
    """Expire open requests whose window has closed; returns how many (at most `limit`)."""
    requests = session.scalars(
        select(EvaluationRequest)
        .where(
            EvaluationRequest.state == EvaluationRequestState.OPEN,
            EvaluationRequest.closes_at <= now,
        )
        .order_by(EvaluationRequest.id)
        .limit(limit)
    ).all()
    return _expire(session, requests, None)


def cancel_for_leavers(session: Session, *, limit: int | None = None) -> int:
    """Cancel the open requests of people no longer in the programme (withdrawn, deferred …).

    They are not asked to answer any more, nor counted in response rates; their half-filled
    pages go too. Returns how many requests were cancelled (at most `limit`).
    """
    requests = session.scalars(
        select(EvaluationRequest)
        .join(Enrolment, EvaluationRequest.enrolment_id == Enrolment.id)
        .where(
            EvaluationRequest.state == EvaluationRequestState.OPEN,
            Enrolment.status.not_in(ASKED_STATUSES),
        )
        .order_by(EvaluationRequest.id)
        .limit(limit)
    ).all()
    if not requests:
        return 0
    ids = [request.id for request in requests]
    for request in requests:
        request.state = EvaluationRequestState.CANCELLED
    cancel_owed(session, ids, "left the programme")
    session.execute(delete(EvaluationDraft).where(EvaluationDraft.request_id.in_(ids)))
    return len(requests)


def remind_open_requests(session: Session, now: datetime, *, limit: int | None = None) -> int:
    """Owe the one reminder to each request still open a few days after it opened; returns how many.

    Only in the person's working hours and not while they are away or on leave, so the reminder
    is owed for right now and never sits in the outbox after the form closes or is completed.
    With `limit`, at most that many, oldest requests first; a later call carries on from there.
    """
    candidates = session.scalars(
        select(EvaluationRequest)
        .where(
            EvaluationRequest.state == EvaluationRequestState.OPEN,
            EvaluationRequest.reminded_at.is_(None),
            EvaluationRequest.closes_at > now,
        )
        .order_by(EvaluationRequest.id)
        .options(
            joinedload(EvaluationRequest.form),
            joinedload(EvaluationRequest.enrolment).joinedload(Enrolment.person),
            joinedload(EvaluationRequest.session),
        )
    ).all()
    due = [
        request
        for request in candidates
        if now >= request.opened_at + timedelta(days=reminder_after_days(request.form))
        and request.enrolment.person.slack_user_id is not None
        and request.enrolment.status in ASKED_STATUSES
        and working_moment(request.enrolment, now) == now
    ]
    _load_leave(session, [request.enrolment for request in due])
    chosen = [
        request
        for request in due
        if not away_or_on_leave(
            request.enrolment, now.astimezone(zone_of(request.enrolment)).date()
        )
    ][:limit]
    for request in chosen:
        request.reminded_at = now
    _owe_dms(session, chosen, reminder=True, due_at=now)
    return len(chosen)
