"""A programme already under way: its past coaching sessions, attendance and outcomes brought in
from a table, with their past dates. Checked row by row, applied all or nothing, and importing the
same table again changes nothing. Nothing is sent to anyone: it is history.

Columns (names as in `bot.programmes.timetable_table`: case and spacing do not matter):

| column | for | values |
|---|---|---|
| `email` | every row | the participant's email |
| `record` | every row | `coaching`, `attendance` or `outcome` |
| `date` | every row | the day: of the coaching session, of the session attended, or the new role's start |
| `cohort` | optional | the cohort, when the person has a place in more than one |
| `coach` | coaching | the coach's name |
| `session` | attendance | the session's title (the cohort's session on that date) |
| `attendance` | attendance | `present`, `absent` or `excused` |
| `reason` | attendance | why, for `excused` |
| `outcome` | outcome | e.g. `permanent director`, `secondment`, `other promotion` |
| `role`, `organisation`, `note` | outcome (`note` also coaching) | free text |

An outcome imported by a coordinator counts at once (it is confirmed by them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot.coaching.allowance import allowance_of, deadline_of
from bot.core.audit import record_change
from bot.core.dates import parse_date
from bot.core.errors import InvalidInput
from bot.core.labels import OUTCOME_LABELS
from bot.core.render import render
from bot.programmes.programmes import programme_zone
from db.enums import AttendanceStatus, EnrolmentStatus, OutcomeKind, SessionStatus
from db.models import (
    CoachingSession,
    Enrolment,
    Invitation,
    Outcome,
    Person,
    ProgrammeSession,
)

RECORDS = ("coaching", "attendance", "outcome")
COLUMNS = (
    "email",
    "record",
    "date",
    "cohort",
    "coach",
    "session",
    "attendance",
    "reason",
    "outcome",
    "role",
    "organisation",
    "note",
)
REQUIRED = ("email", "record", "date")
_ATTENDANCE = {
    "present": AttendanceStatus.PRESENT,
    "attended": AttendanceStatus.PRESENT,
    "absent": AttendanceStatus.ABSENT,
    "excused": AttendanceStatus.EXCUSED,
}
_OUTCOMES: dict[str, OutcomeKind] = {
    **{label.casefold(): kind for kind, label in OUTCOME_LABELS.items()},
    **{kind.value.replace("_", " "): kind for kind in OutcomeKind},
    **{kind.value: kind for kind in OutcomeKind},
}
_LIVE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


@dataclass(frozen=True)
class HistoryError:
    """A problem with one cell: row number (the header is row 1), column and what is wrong."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class PastRecord:
    """One row as it would be written; `already` when the same record is there."""

    row: int
    record: str
    enrolment_id: int
    person_name: str
    day: date
    coach: str | None = None
    session_id: int | None = None
    session_title: str | None = None
    attendance: AttendanceStatus | None = None
    reason: str | None = None
    outcome: OutcomeKind | None = None
    role: str | None = None
    organisation: str | None = None
    note: str | None = None
    already: bool = False


@dataclass
class HistoryPlan:
    """What a history import would write."""

    records: list[PastRecord] = field(default_factory=list)
    errors: list[HistoryError] = field(default_factory=list)

    @property
    def can_import(self) -> bool:
        """Nothing is written unless every row is valid."""
        return not self.errors

    @property
    def new(self) -> list[PastRecord]:
        """The records not there yet."""
        return [r for r in self.records if not r.already]


def _column(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split())


def looks_like_history(lines: Sequence[Sequence[str]]) -> bool:
    """Whether a file's header is a history import's (it has `email` and `record` columns)."""
    header = {_column(str(cell)) for cell in lines[0]} if lines else set()
    return {"email", "record"} <= header


def plan_history(session: Session, lines: Sequence[Sequence[str]], *, now: datetime) -> HistoryPlan:
    """Check every row against the people, sessions and records there are; writes nothing."""
    plan = HistoryPlan()
    if not lines:
        plan.errors.append(HistoryError(1, "", "the file is empty"))
        return plan
    header = [_column(str(cell)) for cell in lines[0]]
    plan.errors += [
        HistoryError(1, c, "is not a column I know") for c in header if c not in COLUMNS
    ]
    plan.errors += [HistoryError(1, c, "column is missing") for c in REQUIRED if c not in header]
    if plan.errors:
        return plan
    seen_coaching: dict[tuple[int, date, str], int] = {}
    for number, cells in enumerate(lines[1:], start=2):
        values = {c: str(v).strip() for c, v in zip(header, cells, strict=False)}
        if not any(values.values()):
            continue
        found = len(plan.errors)

        def fail(column: str, message: str, number: int = number) -> None:
            plan.errors.append(HistoryError(number, column, message))

        record = values.get("record", "").casefold()
        if record not in RECORDS:
            fail("record", f"'{values.get('record', '')}' is not one of {', '.join(RECORDS)}")
            continue
        enrolment = _enrolment(session, values, fail)
        try:
            day = parse_date(values.get("date", ""), "date")
        except InvalidInput as error:
            fail("date", str(error).removeprefix("date: "))
            continue
        if enrolment is None:
            continue
        today = now.astimezone(programme_zone(enrolment.cohort)).date()
        if day > today:
            fail("date", "is in the future: only what has happened can be brought in")
            continue
        if record == "coaching":
            past = _coaching(session, number, enrolment, day, values, fail)
            if past is not None:
                key = (enrolment.id, day, (past.coach or "").casefold())
                if key in seen_coaching:
                    fail("date", f"repeats row {seen_coaching[key]}")
                    continue
                seen_coaching[key] = number
        elif record == "attendance":
            past = _attendance(session, number, enrolment, day, values, fail)
        else:
            past = _outcome(session, number, enrolment, day, values, fail)
        if past is not None and len(plan.errors) == found:
            plan.records.append(past)
    _check_allowances(session, plan)
    plan.errors.sort(key=lambda e: (e.row, e.column))
    return plan


Fail = Callable[..., None]


def _enrolment(session: Session, values: dict[str, str], fail: Fail) -> Enrolment | None:
    email = values.get("email", "").casefold()
    person = session.scalar(select(Person).where(Person.email.ilike(email))) if email else None
    if person is None:
        fail("email", f"'{values.get('email', '')}' is nobody enrolled here")
        return None
    enrolments = session.scalars(
        select(Enrolment)
        .where(Enrolment.person_id == person.id, Enrolment.status.in_(_LIVE))
        .options(joinedload(Enrolment.cohort), joinedload(Enrolment.person))
    ).all()
    cohort = values.get("cohort", "").casefold()
    if cohort:
        enrolments = [e for e in enrolments if e.cohort.name.casefold() == cohort]
    if len(enrolments) != 1:
        where = f"in cohort '{values.get('cohort')}'" if cohort else "in a cohort"
        problem = "has no place" if not enrolments else "has more than one place: say which cohort"
        fail("cohort" if cohort or enrolments else "email", f"{person.name} {problem} {where}")
        return None
    return enrolments[0]


def _coaching(
    session: Session,
    number: int,
    enrolment: Enrolment,
    day: date,
    values: dict[str, str],
    fail: Fail,
) -> PastRecord | None:
    coach = " ".join(values.get("coach", "").split())
    if not coach:
        fail("coach", "name the coach")
        return None
    enrolled_on = enrolment.enrolled_at.date() if enrolment.enrolled_at else None
    if enrolled_on is not None and day < enrolled_on:
        fail("date", f"is before {enrolment.person.name}'s place began ({enrolled_on:%d %b %Y})")
        return None
    deadline = deadline_of(enrolment)
    if deadline is not None and day > deadline:
        fail("date", f"is after the coaching deadline ({deadline:%d %b %Y})")
        return None
    existing = session.scalars(
        select(CoachingSession)
        .where(CoachingSession.enrolment_id == enrolment.id, CoachingSession.held_on == day)
        .options(joinedload(CoachingSession.coach))
    ).all()
    already = any(
        (row.coach.name if row.coach else row.coach_name or "").casefold() == coach.casefold()
        for row in existing
    )
    return PastRecord(
        row=number,
        record="coaching",
        enrolment_id=enrolment.id,
        person_name=enrolment.person.name,
        day=day,
        coach=coach,
        note=values.get("note") or None,
        already=already,
    )


def _attendance(
    session: Session,
    number: int,
    enrolment: Enrolment,
    day: date,
    values: dict[str, str],
    fail: Fail,
) -> PastRecord | None:
    status = _ATTENDANCE.get(values.get("attendance", "").casefold())
    if status is None:
        fail("attendance", f"'{values.get('attendance', '')}' is not present, absent or excused")
        return None
    reason = values.get("reason") or None
    if status == AttendanceStatus.EXCUSED and not reason:
        fail("reason", "an excused absence needs a reason")
        return None
    title = " ".join(values.get("session", "").split())
    zone = programme_zone(enrolment.cohort)
    candidates = [
        invitation
        for invitation in session.scalars(
            select(Invitation)
            .join(ProgrammeSession, Invitation.session_id == ProgrammeSession.id)
            .where(
                Invitation.enrolment_id == enrolment.id,
                ProgrammeSession.status == SessionStatus.SCHEDULED,
            )
            .options(joinedload(Invitation.session))
        )
        if invitation.session.starts_at.astimezone(zone).date()
        <= day
        <= invitation.session.ends_at.astimezone(zone).date()
        and (not title or invitation.session.title.casefold() == title.casefold())
    ]
    if len(candidates) != 1:
        what = f"'{title}'" if title else "a session"
        problem = "no" if not candidates else "more than one"
        fail("session", f"{enrolment.person.name} was invited to {problem} {what} on that day")
        return None
    (invitation,) = candidates
    return PastRecord(
        row=number,
        record="attendance",
        enrolment_id=enrolment.id,
        person_name=enrolment.person.name,
        day=day,
        session_id=invitation.session_id,
        session_title=invitation.session.title,
        attendance=status,
        reason=reason,
        already=(invitation.attendance, invitation.attendance_reason) == (status, reason),
    )


def _outcome(
    session: Session,
    number: int,
    enrolment: Enrolment,
    day: date,
    values: dict[str, str],
    fail: Fail,
) -> PastRecord | None:
    kind = _OUTCOMES.get(" ".join(values.get("outcome", "").casefold().split()))
    if kind is None:
        known = ", ".join(label.lower() for label in OUTCOME_LABELS.values())
        fail("outcome", f"'{values.get('outcome', '')}' is not one of {known}")
        return None
    already = session.scalar(
        select(Outcome.id).where(
            Outcome.person_id == enrolment.person_id,
            Outcome.kind == kind,
            Outcome.started_on == day,
        )
    )
    return PastRecord(
        row=number,
        record="outcome",
        enrolment_id=enrolment.id,
        person_name=enrolment.person.name,
        day=day,
        outcome=kind,
        role=values.get("role") or None,
        organisation=values.get("organisation") or None,
        note=values.get("note") or None,
        already=already is not None,
    )


def _check_allowances(session: Session, plan: HistoryPlan) -> None:
    """Refuse coaching beyond a person's allowance, counting what is there and the file's rows."""
    counted: dict[int, int] = {}
    for past in plan.new:
        if past.record != "coaching":
            continue
        enrolment = session.get_one(Enrolment, past.enrolment_id)
        if past.enrolment_id not in counted:
            counted[past.enrolment_id] = len(enrolment.coaching_sessions)
        counted[past.enrolment_id] += 1
        if counted[past.enrolment_id] > allowance_of(enrolment):
            plan.errors.append(
                HistoryError(
                    past.row,
                    "date",
                    f"is beyond {past.person_name}'s allowance of {allowance_of(enrolment)} "
                    "sessions (ask a coordinator to raise it first)",
                )
            )


def apply_history(session: Session, plan: HistoryPlan, *, actor: str, now: datetime) -> int:
    """Write the new records, all or nothing, sending nothing; returns how many were written."""
    if not plan.can_import:
        raise InvalidInput("The file has errors: nothing was imported.")
    for past in plan.new:
        if past.record == "coaching":
            entity: CoachingSession | Invitation | Outcome = CoachingSession(
                enrolment_id=past.enrolment_id,
                held_on=past.day,
                coach_name=past.coach,
                note=past.note,
                logged_by=actor,
            )
            session.add(entity)
        elif past.record == "attendance":
            entity = session.scalars(
                select(Invitation).where(
                    Invitation.enrolment_id == past.enrolment_id,
                    Invitation.session_id == past.session_id,
                )
            ).one()
            assert past.attendance is not None
            entity.attendance, entity.attendance_reason = past.attendance, past.reason
            entity.attendance_recorded_by = actor
        else:
            enrolment = session.get_one(Enrolment, past.enrolment_id)
            assert past.outcome is not None
            entity = Outcome(
                person_id=enrolment.person_id,
                enrolment_id=enrolment.id,
                kind=past.outcome,
                role_title=past.role,
                started_on=past.day,
                organisation=past.organisation,
                note=past.note,
                reported_by=actor,
                confirmed_by=actor,
                confirmed_at=now,
            )
            session.add(entity)
        session.flush()
        record_change(
            session,
            actor=actor,
            action=f"history.{past.record}",
            entity=entity,
            before=None,
            after={"row": past.row, "day": past.day.isoformat(), "record": past.record},
            now=now,
        )
    return len(plan.new)


def history_preview(plan: HistoryPlan, *, limit: int = 40) -> str:
    """What the import would write, row by row, and its errors (mrkdwn, user text escaped)."""
    return render(
        "reporting/history_preview.j2",
        plan=plan,
        records=plan.records[:limit],
        more=max(0, len(plan.records) - limit),
        errors=plan.errors[:limit],
        more_errors=max(0, len(plan.errors) - limit),
        outcome_labels=OUTCOME_LABELS,
    )
