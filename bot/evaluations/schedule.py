"""Which evaluations are due now: after a session ends, and at each programme milestone.

Both are asked by ticks that run every few minutes, so they only open requests not yet opened
(`open_requests` skips those). Nothing older than a week is caught up, so a first deploy does not
ask people about sessions and milestones long past.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from bot.coaching.allowance import allowance_of
from bot.core.months import add_months
from bot.evaluations.forms import Milestone, forms_attached_to
from bot.evaluations.requests import ASKED_STATUSES, attendees, open_requests
from bot.programmes.programmes import programme_window, programme_zone
from db.enums import EnrolmentStatus, SessionStatus
from db.models import (
    CoachingSession,
    Cohort,
    Enrolment,
    EvaluationForm,
    EvaluationRequest,
    Person,
    ProgrammeSession,
)

CATCH_UP = timedelta(days=7)
FOLLOW_UP_MONTHS = 12


def _closed(session: Session, form_key: str, session_id: int, now: datetime) -> bool:
    """Whether the form for this session has closed (by hand or at the end of its window).

    By key, not version: a newer version of a form already closed for the session stays closed.
    """
    return bool(
        session.scalar(
            select(
                exists().where(
                    EvaluationRequest.form_id == EvaluationForm.id,
                    EvaluationForm.key == form_key,
                    EvaluationRequest.session_id == session_id,
                    EvaluationRequest.closes_at <= now,
                )
            )
        )
    )


def open_session_evaluations(session: Session, now: datetime, *, limit: int | None = None) -> int:
    """Ask the attendees of sessions that ended in the last week about them; returns how many.

    Someone whose attendance is recorded after the first pass is asked on a later one, until the
    form closes. With `limit`, at most that many, in a stable order (session end, form, person).
    """
    ended = session.scalars(
        select(ProgrammeSession)
        .where(
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            # Imported after it ended (a programme brought in under way): nothing about the past.
            ProgrammeSession.past_when_added.is_(False),
            ProgrammeSession.ends_at <= now,
            ProgrammeSession.ends_at > now - CATCH_UP,
        )
        .order_by(ProgrammeSession.ends_at, ProgrammeSession.id)
        .options(joinedload(ProgrammeSession.cohort).joinedload(Cohort.programme))
    ).all()
    opened = 0
    for programme_session in ended:
        forms = forms_attached_to(session, programme_session.kind.value)
        if not forms:
            continue
        people = attendees(session, programme_session)
        for form in forms:
            left = None if limit is None else limit - opened
            if left == 0:
                return opened
            if _closed(session, form.key, programme_session.id, now):
                continue
            opened += open_requests(
                session,
                form=form,
                cohort=programme_session.cohort,
                enrolments=people,
                now=now,
                programme_session=programme_session,
                limit=left,
            )
    return opened


def _recent(due: date, today: date) -> bool:
    return due <= today < due + CATCH_UP


def due_milestones(
    enrolment: Enrolment, now: datetime, *, coaching_used: int, last_coaching: date | None
) -> list[Milestone]:
    """The milestones whose evaluation `enrolment` is due now (on their programme's calendar)."""
    zone = programme_zone(enrolment.cohort)
    today = now.astimezone(zone).date()
    due: list[Milestone] = []
    window = programme_window(enrolment.cohort)
    start, end = window if window is not None else (None, None)
    enrolled_at = enrolment.enrolled_at
    if (
        enrolment.status == EnrolmentStatus.ENROLLED
        and enrolled_at is not None
        and enrolled_at <= now
        # The last day (start + length) is inside the programme, as the timetable's window is.
        and (end is None or today <= end)
        # A baseline taken months into the programme would measure its effect, not the start:
        # asked in the week after enrolment, or any time before the cohort starts.
        and (
            _recent(enrolled_at.astimezone(zone).date(), today)
            or (start is not None and today < start)
        )
    ):
        due.append(Milestone.ENROLMENT)
    if end is not None and _recent(end, today):
        due.append(Milestone.PROGRAMME_END)
    if end is not None and _recent(add_months(end, FOLLOW_UP_MONTHS), today):
        due.append(Milestone.FOLLOW_UP)
    allowance = allowance_of(enrolment)
    if (
        allowance > 0
        and coaching_used >= allowance
        and last_coaching is not None
        and _recent(last_coaching, today)
    ):
        due.append(Milestone.COACHING_COMPLETE)
    return due


def open_milestone_evaluations(session: Session, now: datetime, *, limit: int | None = None) -> int:
    """Ask each participant for the milestone evaluations now due to them; returns how many.

    With `limit`, at most that many, in a stable order (milestone, cohort, enrolment), so that a
    national enrolment is asked over several calls, each carrying on where the last stopped.
    """
    forms = {milestone: forms_attached_to(session, milestone.value) for milestone in Milestone}
    if not any(forms.values()):
        return 0
    coaching = {
        enrolment_id: (int(used), last)
        for enrolment_id, used, last in session.execute(
            select(
                CoachingSession.enrolment_id,
                func.count(CoachingSession.id),
                func.max(CoachingSession.held_on),
            ).group_by(CoachingSession.enrolment_id)
        )
    }
    enrolments = session.scalars(
        select(Enrolment)
        .join(Person, Enrolment.person_id == Person.id)
        .where(Enrolment.status.in_(ASKED_STATUSES), Person.slack_user_id.is_not(None))
        .order_by(Enrolment.id)
        .options(
            contains_eager(Enrolment.person),
            selectinload(Enrolment.cohort).selectinload(Cohort.programme),
        )
    ).all()
    due: dict[tuple[Milestone, int], list[Enrolment]] = defaultdict(list)
    cohorts: dict[int, Cohort] = {}
    for enrolment in enrolments:
        used, last = coaching.get(enrolment.id, (0, None))
        for milestone in due_milestones(enrolment, now, coaching_used=used, last_coaching=last):
            due[milestone, enrolment.cohort_id].append(enrolment)
            cohorts[enrolment.cohort_id] = enrolment.cohort
    opened = 0
    order = list(Milestone)
    for milestone, cohort_id in sorted(due, key=lambda pair: (order.index(pair[0]), pair[1])):
        for form in forms[milestone]:
            left = None if limit is None else limit - opened
            if left == 0:
                return opened
            opened += open_requests(
                session,
                form=form,
                cohort=cohorts[cohort_id],
                enrolments=due[milestone, cohort_id],
                now=now,
                limit=left,
            )
    return opened
