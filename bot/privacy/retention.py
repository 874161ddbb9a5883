"""The retention schedule, applied by the clock: personal data kept no longer than it is needed.

- Unsuccessful applications (screened out, unsuccessful, withdrawn, offer declined) lose their
  free text `unsuccessful_months` after their round closes (or after they were submitted, with no
  round). An applicant with no place in any cohort and nothing else still in time is erased
  outright (`bot.privacy.erasure`), which also takes their diversity answers out of the records.
- Participants are erased `participant_years` after the last of their cohorts ended (its last
  session, else its start date), unless they applied since or hold a role (a coach, say).
- Delivered (and cancelled) outbox messages lose their payload `delivered_days` after sending.
- Processed Slack event ids are forgotten after a day by the clock's own `purge-processed-events`
  tick (`bot.core.event_log`): Slack retries for minutes, so a day is all dedupe needs.

Each run is audited (one `retention.applied` event with the counts, and one erasure event per
person erased) and, when it changed anything, summarised to coordinators by DM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.months import add_months
from bot.core.notice import Notice
from bot.core.roles import role_holders
from bot.core.settings import Retention
from bot.core.timefmt import format_day
from bot.privacy.erasure import erase_person
from db.enums import ApplicationStatus, OutboundState, Role
from db.models import (
    SYSTEM_ACTOR,
    AdvertisingRound,
    Application,
    ApplicationStatusChange,
    AuditEvent,
    Cohort,
    Enrolment,
    OutboundMessage,
    Person,
    ProgrammeSession,
    RoleGrant,
)

UNSUCCESSFUL = frozenset(
    {
        ApplicationStatus.SCREENED_OUT,
        ApplicationStatus.UNSUCCESSFUL,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.DECLINED,
    }
)
CLEARED_TEXT = "(removed after delivery)"
RETENTION_KIND = "retention_summary"
RETENTION_ACTION = "retention.applied"


@dataclass(frozen=True)
class RetentionReport:
    """What one run of the schedule did."""

    applications_anonymised: int = 0
    applicants_erased: int = 0
    participants_erased: int = 0
    payloads_cleared: int = 0

    @property
    def changed_anything(self) -> bool:
        """Whether the run removed anything."""
        return any(self.as_dict().values())

    def as_dict(self) -> dict[str, int]:
        """The counts by name, as the audit trail keeps them."""
        return {
            "applications_anonymised": self.applications_anonymised,
            "applicants_erased": self.applicants_erased,
            "participants_erased": self.participants_erased,
            "payloads_cleared": self.payloads_cleared,
        }

    def summary(self) -> str:
        """One line for the clock's log and the coordinators' DM."""
        return (
            f"anonymised {self.applications_anonymised} unsuccessful application(s), erased "
            f"{self.applicants_erased} applicant(s) and {self.participants_erased} former "
            f"participant(s), cleared {self.payloads_cleared} delivered message(s)"
        )


def apply_retention(
    session: Session, *, retention: Retention, now: datetime, tz: ZoneInfo
) -> RetentionReport:
    """Apply the schedule as of `now`, audit it, and tell coordinators if anything went."""
    today = now.astimezone(tz).date()
    anonymised, applicants = _unsuccessful_applications(session, retention, today, now)
    report = RetentionReport(
        applications_anonymised=anonymised,
        applicants_erased=applicants,
        participants_erased=_former_participants(session, retention, today, now),
        payloads_cleared=_delivered_payloads(session, retention, now),
    )
    session.add(
        AuditEvent(
            at=now,
            actor=SYSTEM_ACTOR,
            action=RETENTION_ACTION,
            entity_type="retention",
            entity_id="-",
            before=None,
            after=report.as_dict(),
        )
    )
    if report.changed_anything:
        _tell_coordinators(session, report, retention, now, today)
    return report


def _free_text_left() -> sa.ColumnElement[bool]:
    return sa.or_(
        Application.job_title != "",
        Application.organisation != "",
        Application.supporting_statement.is_not(None),
        Application.current_level.is_not(None),
        Application.professional_accreditation.is_not(None),
        Application.screening_reason.is_not(None),
    )


def _unsuccessful_applications(
    session: Session, retention: Retention, today: date, now: datetime
) -> tuple[int, int]:
    """Anonymise the due unsuccessful applications; erase applicants with nothing else left."""
    rows = session.execute(
        sa.select(
            Application.id,
            Application.person_id,
            Application.submitted_at,
            AdvertisingRound.closes_on,
        )
        .outerjoin(AdvertisingRound, AdvertisingRound.id == Application.round_id)
        .join(Person, Person.id == Application.person_id)
        .where(Application.status.in_(UNSUCCESSFUL), Person.erased_at.is_(None), _free_text_left())
        .order_by(Application.id)
    ).all()
    due: dict[int, list[int]] = {}
    for application_id, person_id, submitted_at, closes_on in rows:
        closed = closes_on or submitted_at.date()
        if add_months(closed, retention.unsuccessful_months) <= today:
            due.setdefault(person_id, []).append(application_id)
    anonymised = erased = 0
    for person_id, application_ids in due.items():
        if _nothing_else_held(session, person_id, application_ids):
            erase_person(session, person_id=person_id, actor=SYSTEM_ACTOR, now=now)
            erased += 1
            continue
        # Someone still on a programme (or applying again) keeps their diversity answers, which
        # their latest application carries; the old application's own words go.
        session.execute(
            sa.update(Application)
            .where(Application.id.in_(application_ids))
            .values(
                job_title="",
                organisation="",
                supporting_statement=None,
                current_level=None,
                professional_accreditation=None,
                screening_reason=None,
                recent_provider_experience=None,
            )
        )
        session.execute(
            sa.update(ApplicationStatusChange)
            .where(ApplicationStatusChange.application_id.in_(application_ids))
            .values(reason=None, feedback=None)
        )
        anonymised += len(application_ids)
    return anonymised, erased


def _nothing_else_held(session: Session, person_id: int, due: list[int]) -> bool:
    """Whether the person has no place in a cohort, no role and no application still in time."""
    if session.scalar(sa.select(Enrolment.id).where(Enrolment.person_id == person_id).limit(1)):
        return False
    if _holds_a_role(session, person_id):
        return False
    others = session.scalar(
        sa.select(Application.id)
        .where(Application.person_id == person_id, Application.id.not_in(due))
        .limit(1)
    )
    return others is None


def _holds_a_role(session: Session, person_id: int) -> bool:
    slack_user_id = session.scalar(sa.select(Person.slack_user_id).where(Person.id == person_id))
    if slack_user_id is None:
        return False
    grant = session.scalar(
        sa.select(RoleGrant.id).where(RoleGrant.slack_user_id == slack_user_id).limit(1)
    )
    return grant is not None


def _former_participants(session: Session, retention: Retention, today: date, now: datetime) -> int:
    """Erase people whose every cohort ended more than `participant_years` ago."""
    last_session = (
        sa.select(ProgrammeSession.cohort_id, sa.func.max(ProgrammeSession.ends_at).label("ends"))
        .group_by(ProgrammeSession.cohort_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(Enrolment.person_id, last_session.c.ends, Cohort.start_date, Enrolment.created_at)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Person, Person.id == Enrolment.person_id)
        .outerjoin(last_session, last_session.c.cohort_id == Enrolment.cohort_id)
        .where(Person.erased_at.is_(None))
    ).all()
    ended: dict[int, date] = {}
    for person_id, ends, start_date, created_at in rows:
        end = _as_date(ends) if ends is not None else start_date or _as_date(created_at)
        ended[person_id] = max(end, ended.get(person_id, date.min))
    cut_off = add_months(today, -12 * retention.participant_years)
    erased = 0
    for person_id, end in sorted(ended.items()):
        if end > cut_off or _holds_a_role(session, person_id):
            continue
        applied_since = session.scalar(
            sa.select(sa.func.max(Application.submitted_at)).where(
                Application.person_id == person_id
            )
        )
        if applied_since is not None and _as_date(applied_since) > cut_off:
            continue
        erase_person(session, person_id=person_id, actor=SYSTEM_ACTOR, now=now)
        erased += 1
    return erased


def _as_date(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _delivered_payloads(session: Session, retention: Retention, now: datetime) -> int:
    """Clear the payloads of messages delivered (or cancelled) more than `delivered_days` ago."""
    before = now - timedelta(days=retention.delivered_days)
    done = sa.or_(
        sa.and_(OutboundMessage.state == OutboundState.SENT, OutboundMessage.sent_at < before),
        sa.and_(
            OutboundMessage.state == OutboundState.CANCELLED, OutboundMessage.created_at < before
        ),
    )
    ids = list(
        session.scalars(
            sa.select(OutboundMessage.id).where(
                done,
                OutboundMessage.payload["text"].as_string().is_distinct_from(CLEARED_TEXT),
            )
        )
    )
    for start in range(0, len(ids), 500):
        session.execute(
            sa.update(OutboundMessage)
            .where(OutboundMessage.id.in_(ids[start : start + 500]))
            .values(payload={"text": CLEARED_TEXT})
        )
    return len(ids)


def _tell_coordinators(
    session: Session, report: RetentionReport, retention: Retention, now: datetime, today: date
) -> None:
    text = (
        f"The retention schedule ran on {format_day(today)} {today.year}: {report.summary()}. "
        f"(Unsuccessful applications are anonymised {retention.unsuccessful_months} months after "
        f"their round closes; participants are erased {retention.participant_years} years after "
        "their programme ends.)"
    )
    for coordinator in dict.fromkeys(role_holders(session)[Role.COORDINATOR]):
        outbox.enqueue(
            session,
            recipient=coordinator,
            kind=RETENTION_KIND,
            message=Notice.plain(text),
            due_at=now,
            idempotency_key=f"retention:{now.isoformat()}:{coordinator}",
        )
