"""Taking a place in a cohort: its dates, its invitations, and the welcome with the timetable."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.months import add_months
from bot.enrolment.messages import WelcomeFacts, WelcomeSession
from bot.programmes.calendar import person_timetable, timetable_ics, year_shown
from bot.programmes.invitations import ensure_invitations
from bot.programmes.programmes import programme_zone
from db.enums import EnrolmentStatus, SessionStatus
from db.models import Cohort, Enrolment

CALENDAR_FILENAME = "cohort-timetable.ics"


def take_place(
    session: Session,
    enrolment: Enrolment,
    cohort: Cohort,
    now: datetime,
    *,
    counts_from: date | None = None,
) -> None:
    programme = cohort.programme
    zone = programme_zone(cohort)
    enrolment.status = EnrolmentStatus.ENROLLED
    enrolment.waiting_position = None
    enrolment.place_offered_at = None
    today = now.astimezone(zone).date()
    if counts_from is not None and counts_from < today:
        # 09:00 local: the same calendar day in UTC too, whatever the season.
        enrolment.enrolled_at = datetime.combine(counts_from, time(9), tzinfo=zone)
    else:
        enrolment.enrolled_at = now
    enrolled_on = enrolment.enrolled_at.astimezone(zone).date()
    enrolment.coaching_deadline = add_months(enrolled_on, programme.length_months)
    session.flush()
    ensure_invitations(session, cohort_id=cohort.id)
    _owe_welcome(session, enrolment, cohort, now)


def _owe_welcome(session: Session, enrolment: Enrolment, cohort: Cohort, now: datetime) -> None:
    programme = cohort.programme
    person = enrolment.person
    if person.slack_user_id is None:
        return
    sessions = person_timetable(session, enrolment_id=enrolment.id)
    # What is still to come (a cohort brought in under way has sessions already past), with
    # those whose day is still to be confirmed.
    live = [
        s
        for s in sessions
        if s.status in (SessionStatus.SCHEDULED, SessionStatus.DATE_TBC) and s.ends_at > now
    ]
    today = now.astimezone(programme_zone(cohort)).date()
    allowance = (
        enrolment.coaching_allowance
        if enrolment.coaching_allowance is not None
        else programme.coaching_allowance
    )
    assert enrolment.coaching_deadline is not None
    facts = WelcomeFacts(
        person_name=person.name,
        programme_name=programme.name,
        cohort_name=cohort.name,
        tz=programme_zone(cohort),
        sessions=tuple(
            WelcomeSession(
                title=s.title,
                kind=s.kind.value.replace("_", " "),
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                where=s.location or s.video_url,
                compulsory=s.compulsory,
                all_day=s.all_day,
                precision=s.date_precision.value,
            )
            for s in live
        ),
        with_year=year_shown(cohort, live, today),
        coaching_allowance=allowance,
        coaching_deadline=enrolment.coaching_deadline,
    )
    calendar_name = f"{programme.name}: {cohort.name}"
    ics = outbox.Attachment(
        CALENDAR_FILENAME,
        f"{calendar_name} timetable",
        timetable_ics(live, calendar_name=calendar_name),
    )
    assert enrolment.enrolled_at is not None
    outbox.enqueue(
        session,
        recipient=person.slack_user_id,
        kind="welcome",
        message=facts,
        due_at=now,
        idempotency_key=f"welcome:{enrolment.id}:{enrolment.enrolled_at.isoformat()}",
        attachments=[ics],
        enrolment_id=enrolment.id,
    )
