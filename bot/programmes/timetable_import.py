"""Importing a programme's timetable from a table: every row checked and previewed with the same
warnings as the session form, confirmed once, applied all or nothing; the same table imported
again changes nothing; and the timetable exported as the same table.

A row whose session is already there (same cohort, kind, title, group and dates) is left as it is;
a row giving the day of a session planned for a month or week ("January 2019", then "15 January
2019") sets its day. A session that has already ended when it is imported is history: nothing is
sent about it. An all-day session is kept as the working day (09:00 to 17:00) and shown as all day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.core.audit import record_change
from bot.core.errors import InvalidInput
from bot.core.render import render
from bot.core.timefmt import format_span, year_needed
from bot.programmes.invitations import ensure_invitations
from bot.programmes.planned_dates import (
    PlannedDates,
    Precision,
    written,
)
from bot.programmes.programmes import find_programme, programme_zone
from bot.programmes.timetable import (
    KIND_LABELS,
    Pending,
    SessionDetails,
    plan_warnings,
    session_snapshot,
)
from bot.programmes.timetable_rows import PlannedSession, RowError, row_sessions
from bot.programmes.timetable_table import TableRow, read_rows, write_table
from db.enums import DatePrecision, SessionKind, SessionStatus
from db.models import Cohort, Programme, ProgrammeSession

NEW = "new"
DAY_SET = "day set"
ALREADY = "already there"
MOVED = "moved since, left as it is"
DATED = "dated since, left as it is"
CANCELLED = "cancelled since, left as it is"


@dataclass
class TimetablePlan:
    """What an import would do: every row as parsed, its errors and its warnings."""

    programme: Programme
    sessions: list[PlannedSession] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def can_import(self) -> bool:
        """Nothing is written unless every row is valid."""
        return not self.errors

    @property
    def changes(self) -> list[PlannedSession]:
        """The sessions the import would add or give a day."""
        return [s for s in self.sessions if s.state in (NEW, DAY_SET)]

    @property
    def warnings(self) -> list[str]:
        """Every warning of the sessions to be added, each naming its row."""
        return [
            f"Row {s.row} ({s.title}, {s.cohort.name}): {warning}"
            for s in self.changes
            for warning in s.warnings
        ]

    @property
    def fingerprint(self) -> str:
        """A short digest of the changes and warnings: a confirmation is for exactly this plan."""
        text = "\n".join(
            [
                *(f"{s.row}|{s.starts_at.isoformat()}|{s.state}" for s in self.changes),
                *self.warnings,
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class TimetableNeedsConfirmation(InvalidInput):
    """The import is possible but has warnings the coordinator has not confirmed."""

    def __init__(self, plan: TimetablePlan) -> None:
        super().__init__("Please check the warnings, then confirm the import.")
        self.plan = plan


def plan_timetable(
    session: Session, lines: Sequence[Sequence[str]], *, programme_name: str | None
) -> TimetablePlan:
    """Check every row of the table against the programme; writes nothing."""
    rows, header_errors = read_rows(lines)
    programme = _programme(session, rows, programme_name)
    plan = TimetablePlan(programme=programme)
    plan.errors += [RowError(1, e.column, e.message) for e in header_errors]
    cohorts = {c.name.casefold(): c for c in programme.cohorts}
    for row in rows:
        other = row.cells.get("programme", "")
        if other and other.casefold() != programme.name.casefold():
            plan.errors.append(
                RowError(row.number, "programme", f"is not {programme.name}, this import's")
            )
            continue
        plan.sessions += row_sessions(session, row, cohorts, plan.errors)
    _match_existing(session, plan)
    _warn(session, plan)
    plan.errors.sort(key=lambda error: (error.row, error.column))
    return plan


def _programme(session: Session, rows: Sequence[TableRow], name: str | None) -> Programme:
    if name:
        return find_programme(session, name)
    named = {row.cells.get("programme", "").strip() for row in rows} - {""}
    if len(named) == 1:
        return find_programme(session, named.pop())
    programmes = list(session.scalars(select(Programme)))
    if len(programmes) == 1 and not named:
        return programmes[0]
    raise InvalidInput(
        "Say which programme the timetable is for: "
        '`/cohort timetable import "<programme>"`, or a `programme` column.'
    )


def _key(
    cohort_id: int, kind: SessionKind, title: str, group_id: int | None
) -> tuple[int, SessionKind, str, int | None]:
    return (cohort_id, kind, title.casefold(), group_id)


def _match_existing(session: Session, plan: TimetablePlan) -> None:
    """Mark what is already there (as planned, or changed since: moved, dated or cancelled, all
    left as they are), and what gives a day to a session planned for a month or week."""
    existing = session.scalars(
        select(ProgrammeSession)
        .join(Cohort, ProgrammeSession.cohort_id == Cohort.id)
        .where(Cohort.programme_id == plan.programme.id)
        .options(selectinload(ProgrammeSession.changes))
    ).all()
    by_key: dict[tuple[object, ...], list[ProgrammeSession]] = {}
    for row in existing:
        key = _key(row.cohort_id, row.kind, row.title, row.action_learning_group_id)
        by_key.setdefault(key, []).append(row)
    used: set[int] = set()
    for index, planned in enumerate(plan.sessions):
        group_id = planned.group.id if planned.group else None
        candidates = [
            row
            for row in by_key.get(
                _key(planned.cohort.id, planned.kind, planned.title, group_id), []
            )
            if row.id not in used
        ]
        found = _already(planned, candidates)
        if found is not None:
            row, state = found
            used.add(row.id)
            plan.sessions[index] = _with(planned, state=state, existing_id=row.id)
            continue
        undated = next(
            (
                row
                for row in candidates
                if row.status == SessionStatus.DATE_TBC and not planned.dates.tbc
            ),
            None,
        )
        if undated is not None:
            used.add(undated.id)
            plan.sessions[index] = _with(planned, state=DAY_SET, existing_id=undated.id)


def _already(
    planned: PlannedSession, candidates: Sequence[ProgrammeSession]
) -> tuple[ProgrammeSession, str] | None:
    """The session this row imported before, and how it stands now, if there is one."""
    times = (planned.starts_at, planned.ends_at)
    precision = planned.dates.precision.value
    for row in candidates:
        if (row.starts_at, row.ends_at) == times and row.date_precision.value == precision:
            cancelled = row.status == SessionStatus.CANCELLED
            return row, CANCELLED if cancelled else ALREADY
    for row in candidates:
        moved_from = {(c.old_starts_at, c.old_ends_at) for c in row.changes}
        if times in moved_from:
            return row, CANCELLED if row.status == SessionStatus.CANCELLED else MOVED
    if planned.dates.tbc:
        # Planned for a month or week, and given its day since (by an import or a move).
        for row in candidates:
            day = row.starts_at.astimezone(programme_zone(row.cohort)).date()
            if (
                row.status != SessionStatus.DATE_TBC
                and planned.dates.first <= day <= planned.dates.last
            ):
                return row, CANCELLED if row.status == SessionStatus.CANCELLED else DATED
    return None


def _with(planned: PlannedSession, **changes: object) -> PlannedSession:
    return replace(planned, **changes)  # type: ignore[arg-type]


def _warn(session: Session, plan: TimetablePlan) -> None:
    """The session form's warnings for each session to be added, counting the import's others."""
    for index, planned in enumerate(plan.sessions):
        if planned.state not in (NEW, DAY_SET):
            continue
        pending = [
            Pending(
                label=f"row {other.row} {other.title}",
                kind=other.kind,
                starts_at=other.starts_at,
                ends_at=other.ends_at,
                group_id=other.group.id if other.group else None,
            )
            for other in plan.sessions
            if other is not planned
            and other.state in (NEW, DAY_SET)
            and other.cohort.id == planned.cohort.id
            and not other.dates.tbc
        ]
        details = SessionDetails(
            kind=planned.kind,
            title=planned.title,
            starts_at=planned.starts_at,
            ends_at=planned.ends_at,
            group_id=planned.group.id if planned.group else None,
        )
        warnings = plan_warnings(
            session,
            planned.cohort,
            details,
            session_id=planned.existing_id,
            pending=pending,
            window_only=planned.dates.tbc,
        )
        plan.sessions[index] = _with(planned, warnings=tuple(warnings))


def apply_timetable(
    session: Session,
    plan: TimetablePlan,
    *,
    confirmed: str | None,
    actor: str,
    now: datetime,
) -> int:
    """Write the plan's changes, all or nothing; returns how many sessions were added or dated.

    `confirmed` is the fingerprint of the plan whose warnings the coordinator saw and accepted;
    an import with warnings and no matching confirmation raises `TimetableNeedsConfirmation`.
    """
    if not plan.can_import:
        raise InvalidInput("The timetable has errors: nothing was imported.")
    if plan.warnings and confirmed != plan.fingerprint:
        raise TimetableNeedsConfirmation(plan)
    for planned in plan.changes:
        precision = DatePrecision(planned.dates.precision.value)
        if planned.existing_id is not None:
            row = session.get_one(ProgrammeSession, planned.existing_id)
            before: dict[str, object] | None = session_snapshot(row)
        else:
            row, before = ProgrammeSession(cohort_id=planned.cohort.id), None
            session.add(row)
        row.kind, row.title = planned.kind, planned.title
        row.starts_at, row.ends_at = planned.starts_at, planned.ends_at
        row.all_day, row.date_precision = planned.all_day, precision
        row.status = SessionStatus.DATE_TBC if planned.dates.tbc else SessionStatus.SCHEDULED
        row.location, row.video_url = planned.location, planned.video_url
        row.compulsory = planned.compulsory
        row.action_learning_group_id = planned.group.id if planned.group else None
        # A session over before it is imported is history: nothing is sent about it.
        row.past_when_added = planned.ends_at <= now
        session.flush()
        record_change(
            session,
            actor=actor,
            action="session.import" if before is None else "session.day_set",
            entity=row,
            before=before,
            after=session_snapshot(row),
            now=now,
        )
    for cohort_id in {planned.cohort.id for planned in plan.changes}:
        ensure_invitations(session, cohort_id=cohort_id)
    return len(plan.changes)


def export_timetable(session: Session, programme: Programme) -> str:
    """The programme's timetable as the import reads it (tab-separated, one row per session)."""
    sessions = session.scalars(
        select(ProgrammeSession)
        .join(Cohort, ProgrammeSession.cohort_id == Cohort.id)
        .where(
            Cohort.programme_id == programme.id,
            ProgrammeSession.status.in_((SessionStatus.SCHEDULED, SessionStatus.DATE_TBC)),
        )
        .order_by(Cohort.name, ProgrammeSession.starts_at, ProgrammeSession.id)
        .options(joinedload(ProgrammeSession.cohort), joinedload(ProgrammeSession.group))
    ).all()
    zone = ZoneInfo(programme.timezone)
    rows = []
    for row in sessions:
        start, end = row.starts_at.astimezone(zone), row.ends_at.astimezone(zone)
        if row.all_day or row.status == SessionStatus.DATE_TBC:
            last, times = end.date(), ""
        else:
            last, times = end.date(), f"{start:%H:%M}-{end:%H:%M}"
        precision = Precision(row.date_precision.value)
        rows.append(
            (
                row.cohort.name,
                KIND_LABELS.get(row.kind, "Coaching"),
                row.title,
                written(PlannedDates(start.date(), last, precision)),
                times,
                row.group.name if row.group else "",
                row.video_url or row.location or "",
                "yes" if row.compulsory else "no",
            )
        )
    return write_table(rows)


@dataclass(frozen=True)
class PreviewLine:
    """One session of the preview, as people read it."""

    row: int
    kind: str
    title: str
    cohort: str
    group: str | None
    when: str
    where: str | None
    compulsory: bool
    state: str


def preview(plan: TimetablePlan, today: date, *, limit: int = 40) -> str:
    """Every row as parsed, its errors and the warnings to confirm (mrkdwn, user text escaped)."""
    zone = ZoneInfo(plan.programme.timezone)
    spanned = {d for s in plan.sessions for d in (s.dates.first, s.dates.last)}
    with_year = year_needed(spanned, today)
    lines = [
        PreviewLine(
            row=s.row,
            kind=KIND_LABELS.get(s.kind, s.kind.value),
            title=s.title,
            cohort=s.cohort.name,
            group=s.group.name if s.group else None,
            when=format_span(
                s.starts_at,
                s.ends_at,
                zone,
                all_day=s.all_day,
                precision=s.dates.precision.value,
                with_year=with_year,
            ),
            where=s.location or s.video_url,
            compulsory=s.compulsory,
            state=s.state,
        )
        for s in plan.sessions
    ]
    return render(
        "programmes/timetable_preview.j2",
        plan=plan,
        changes=len(plan.changes),
        already=len(plan.sessions) - len(plan.changes),
        errors=plan.errors[:limit],
        more_errors=max(0, len(plan.errors) - limit),
        lines=lines[:limit],
        more_lines=max(0, len(lines) - limit),
        warnings=plan.warnings,
    )
