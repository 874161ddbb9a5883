"""Owing the steering group its weekly digest: the message, two charts and a detail workbook.

Each programme with a steering channel is owed one digest a week, once its digest time (Monday
09:00 in the programme's time zone unless `COHORTBOT_DIGEST_AT` says otherwise) has passed. The
outbox's idempotency key `digest:<programme id>:<week's Monday>` makes that exactly once, however
often the tick runs, after restarts and with two clock processes; the week's `DigestSnapshot` is
stored in the same transaction, so the next digest can say what changed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.errors import InvalidInput
from bot.core.labels import OUTCOME_LABELS, READINESS_LABELS
from bot.core.logging_setup import exception_outline
from bot.core.outbox import Attachment
from bot.core.settings import WeeklyTime
from bot.core.tables import Table
from bot.programmes.timetable import KIND_LABELS
from bot.reporting.digest.changes import snapshot
from bot.reporting.digest.charts import (
    CohortRates,
    SessionRate,
    attendance_alt_text,
    attendance_chart,
    talent_grid,
    talent_grid_alt_text,
)
from bot.reporting.digest.figures import DigestFigures
from bot.reporting.digest.gather import digest_figures
from bot.reporting.digest.message import DigestMessage
from bot.reporting.export.workbook import write_workbook
from db.enums import Level, Readiness
from db.models import DigestSnapshot, Programme

DIGEST_KIND = "steering_digest"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Digest:
    """A digest ready to send: the message, its files, and the figures it was made from."""

    figures: DigestFigures
    message: DigestMessage
    attachments: tuple[Attachment, ...]


def digest_key(programme_id: int, week_of: date) -> str:
    """The outbox idempotency key of a programme's scheduled digest for one week."""
    return f"digest:{programme_id}:{week_of.isoformat()}"


def week_due(programme: Programme, now: datetime, at: WeeklyTime) -> date | None:
    """The Monday of this week (programme time) if its digest time has passed, else None."""
    tz = ZoneInfo(programme.timezone)
    local = now.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    due_day = monday + timedelta(days=at.weekday)
    due = datetime.combine(due_day, at.at, tzinfo=tz)
    return monday if local >= due else None


def steering_channel(programme: Programme, default_channel: str | None) -> str | None:
    """Where `programme`'s digest goes: its own steering channel, else `COHORTBOT_STEERING_CHANNEL`."""
    return programme.steering_channel_id or default_channel or None


def owe_digests(
    session: Session, now: datetime, at: WeeklyTime, default_channel: str | None = None
) -> int:
    """Owe each programme with a steering channel this week's digest, once `at` has passed.

    `at` is the configured `COHORTBOT_DIGEST_AT` (by default Monday 09:00); `default_channel`
    (`COHORTBOT_STEERING_CHANNEL`) serves programmes without a channel of their own. Returns how
    many digests were newly owed.
    """
    programmes = [
        programme
        for programme in session.scalars(select(Programme).order_by(Programme.id))
        if steering_channel(programme, default_channel)
    ]
    weeks: dict[int, date] = {}
    for programme in programmes:
        try:
            week = week_due(programme, now, at)
        except ZoneInfoNotFoundError:
            logger.error("programme %d: unknown time zone; no digest owed", programme.id)
            continue
        if week is not None:
            weeks[programme.id] = week
    already = outbox.owed_keys(session, [digest_key(pid, week) for pid, week in weeks.items()])
    owed = 0
    for programme in programmes:
        week = weeks.get(programme.id)
        if week is None or digest_key(programme.id, week) in already:
            continue
        channel = str(steering_channel(programme, default_channel))
        # Each programme in a savepoint of its own: one that cannot be built is logged (and
        # tried again next tick) without holding back every other programme's digest.
        try:
            with session.begin_nested():
                digest = build_digest(session, programme, now)
                if _enqueue(session, channel, digest, now, digest_key(programme.id, week)):
                    store_snapshot(session, digest.figures)
                    owed += 1
        except Exception as error:
            logger.error(
                "programme %d: the weekly digest could not be built: %s",
                programme.id,
                exception_outline(error),
            )
    return owed


def send_digest_now(
    session: Session,
    programme: Programme,
    now: datetime,
    *,
    request_key: str,
    default_channel: str | None = None,
) -> str | None:
    """Owe the steering channel the digest now (for `/cohort digest send`); returns the channel.

    `request_key` identifies the request, so a request handled twice sends once (None the second
    time). Raises `InvalidInput` when the programme has no steering channel.
    """
    channel = steering_channel(programme, default_channel)
    if channel is None:
        raise InvalidInput(
            f"{programme.name} has no steering channel yet: set one with "
            f'`/cohort programme edit "{programme.name}"`, then send the digest again.'
        )
    digest = build_digest(session, programme, now)
    key = f"digest-now:{programme.id}:{request_key}"
    if not _enqueue(session, channel, digest, now, key):
        return None
    store_snapshot(session, digest.figures)
    return channel


def _enqueue(session: Session, channel: str, digest: Digest, now: datetime, key: str) -> bool:
    row = outbox.enqueue(
        session,
        recipient=channel,
        kind=DIGEST_KIND,
        message=digest.message,
        due_at=now,
        idempotency_key=key,
        attachments=digest.attachments,
    )
    return row is not None


def store_snapshot(session: Session, figures: DigestFigures) -> None:
    """Keep what this week's digest published (replacing an earlier send in the same week)."""
    row = session.scalars(
        select(DigestSnapshot).where(
            DigestSnapshot.programme_id == figures.programme_id,
            DigestSnapshot.week_of == figures.week_of,
        )
    ).first()
    if row is None:
        session.add(
            DigestSnapshot(
                programme_id=figures.programme_id,
                week_of=figures.week_of,
                figures=snapshot(figures),
            )
        )
    else:
        row.figures = snapshot(figures)
    session.flush()


def build_digest(
    session: Session,
    programme: Programme,
    now: datetime,
    *,
    cohort_ids: Sequence[int] | None = None,
    since: date | None = None,
    preview: bool = False,
    default_channel: str | None = None,
) -> Digest:
    """The digest of `programme` (or some of its cohorts) as of `now`.

    A preview is shown to a coordinator without files, so it says where they will appear: the
    programme's steering channel, else `default_channel` (`COHORTBOT_STEERING_CHANNEL`).
    """
    figures = digest_figures(
        session, programme_id=programme.id, now=now, cohort_ids=cohort_ids, since=since
    )
    tz = ZoneInfo(programme.timezone)
    message = DigestMessage(
        figures, tz=tz, preview=preview, posted_in=steering_channel(programme, default_channel)
    )
    attachments = () if preview else digest_attachments(figures, tz)
    return Digest(figures=figures, message=message, attachments=attachments)


def chart_rates(figures: DigestFigures) -> list[CohortRates]:
    """Each cohort's attendance, as the attendance chart takes it."""
    return [
        CohortRates(
            cohort=cohort.label,
            sessions=[SessionRate(s.title, s.attended, s.invited) for s in cohort.sessions],
        )
        for cohort in figures.cohorts
    ]


def digest_attachments(figures: DigestFigures, tz: ZoneInfo) -> tuple[Attachment, ...]:
    """The attendance chart, the talent grid and the workbook of the digest's own tables."""
    day = figures.week_of.isoformat()
    rates = chart_rates(figures)
    nine_box = figures.assessments.nine_box
    return (
        Attachment(
            f"attendance-{day}.png",
            "Attendance by session",
            attendance_chart(rates),
            alt_text=attendance_alt_text(rates),
        ),
        Attachment(
            f"talent-grid-{day}.png",
            "Talent grid",
            talent_grid(nine_box),
            alt_text=talent_grid_alt_text(nine_box),
        ),
        Attachment(
            f"digest-{day}.xlsx",
            "Digest in full",
            write_workbook(digest_tables(figures), tz=tz),
        ),
    )


def digest_tables(figures: DigestFigures) -> list[Table]:
    """The digest's figures in full, as the workbook's sheets: counts only, no names."""
    labels = {cohort.cohort_id: cohort.label for cohort in figures.cohorts}
    h = figures.headline
    tables = [
        Table(
            "Headline",
            ("Figure", "Value"),
            [
                ("Enrolled now", h.enrolled_now),
                ("Given a place so far", h.enrolled_ever),
                ("Participants (enrolled or completed)", h.participants),
                ("Sessions held", h.sessions_held),
                ("Attended", h.attendance.numerator),
                ("Invited", h.attendance.denominator),
                ("Coaching commenced", h.coaching_commenced.numerator),
                ("Assessed", h.assessed.numerator),
                ("With a new role", h.outcomes.numerator),
                ("In a director role", h.director_roles),
            ],
        ),
        Table(
            "Attendance",
            (
                *("Cohort", "Session", "Kind", "Starts", "Compulsory", "Invited", "Replied"),
                *("Attended", "Excused", "Absent", "Recorded", "Rate (%)"),
            ),
            [
                (
                    *(cohort.label, s.title, KIND_LABELS.get(s.kind, s.kind.value), s.starts_at),
                    *(s.compulsory, s.invited, s.replied, s.attended, s.excused, s.absent),
                    *(s.recorded, s.rate.percent),
                )
                for cohort in figures.cohorts
                for s in cohort.sessions
            ],
        ),
        Table(
            "Coaching",
            (
                *("Cohort", "Enrolled", "Commenced", "Sessions used", "Allowance", "At risk"),
                *("Not started", "Behind", "Deadline passed"),
            ),
            [
                (
                    *(cohort.label, c.enrolled, c.commenced, c.used, c.allowance, c.at_risk),
                    *(c.not_started, c.behind, c.deadline_passed),
                )
                for cohort in figures.cohorts
                for c in (cohort.coaching,)
            ],
        ),
    ]
    if figures.evaluations is not None:
        tables.append(
            Table(
                "Response rates",
                ("Form", "Cohort", "Session", "Requested", "Completed", "Rate (%)", "Closed"),
                [
                    (
                        *(r.form_title, labels.get(r.cohort_id, ""), r.session_title),
                        *(r.requested, r.completed, r.rate.percent, r.closed),
                    )
                    for r in figures.evaluations.response_rates
                ],
            )
        )
    a = figures.assessments
    tables += [
        Table(
            "Talent map",
            ("Region", *(READINESS_LABELS[r] for r in Readiness)),
            [
                (region, *(counts.get(r, "0") for r in Readiness))
                for region, counts in a.talent_map.items()
            ],
        ),
        Table(
            "Nine box",
            ("Performance", "Potential", "People"),
            [
                (performance.value, potential.value, a.nine_box.get((performance, potential), 0))
                for performance in Level
                for potential in Level
            ],
        ),
        Table(
            "Outcomes",
            ("Outcome", "Participants (confirmed)", "Share of participants (%)"),
            [
                (OUTCOME_LABELS[kind], count, _percent(count, figures.outcomes.participants))
                for kind, count in figures.outcomes.by_kind.items()
            ],
        ),
    ]
    if figures.diversity is not None:
        tables.append(
            Table(
                "Diversity",
                ("Characteristic", "Category", "Applicants", "Participants"),
                [
                    (
                        t.title,
                        category,
                        t.applicants.cells.get(category, "0"),
                        t.participants.cells.get(category, "0"),
                    )
                    for t in figures.diversity.tables
                    for category in t.categories
                ]
                + [
                    (t.title, "Total", t.applicants.total, t.participants.total)
                    for t in figures.diversity.tables
                ],
            )
        )
    tables += [
        Table(
            "Coming up",
            ("Starts", "Cohort", "Session", "Compulsory", "Invited", "Attending"),
            [
                (s.starts_at, s.cohort_label, s.title, s.compulsory, s.invited, s.replied_yes)
                for s in figures.upcoming
            ],
        ),
        Table("Suggested actions", ("Action",), [(action.text,) for action in figures.actions]),
    ]
    return tables


def _percent(numerator: int, denominator: int) -> int | None:
    return (200 * numerator + denominator) // (2 * denominator) if denominator else None
