"""Bulk import of applications from CSV: check every row, preview, then write all or nothing.

Parsing and planning change nothing; `run_import` writes, and only a plan without errors. Rows
are matched to existing applications by programme, email and round, so importing the same file
again changes nothing. A row naming a cohort is a coordinator's selection: the application is
accepted for that cohort at once and the person enrolled (or put on its waiting list).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.applications.applications import SYSTEM, live_application, submit_application
from bot.applications.form import (
    FIELDS,
    REQUIRED_FIELDS,
    ApplicationAnswers,
    FormErrors,
    check_answers,
)
from bot.applications.rounds import find_programme, find_round
from bot.core.audit import record_change
from bot.core.errors import NotFound
from bot.core.mrkdwn import shorten
from bot.core.render import render
from bot.enrolment.enrolment import enrol, free_places
from db.enums import ApplicationStatus, EnrolmentStatus
from db.models import (
    AdvertisingRound,
    Application,
    ApplicationStatusChange,
    Cohort,
    Enrolment,
    Person,
    Programme,
)

PROGRAMME_COLUMN = "programme"
ROUND_COLUMN = "round"
COHORT_COLUMN = "cohort"
COLUMNS = (*FIELDS, PROGRAMME_COLUMN, ROUND_COLUMN, COHORT_COLUMN)
SELECTED_REASON = "imported as selected"
# Someone already in one of these states in a row's cohort is left as they are.
HELD = frozenset({EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING, EnrolmentStatus.COMPLETED})
# The header is row 1, as a spreadsheet numbers it.
FIRST_DATA_ROW = 2
MAX_ROWS = 2000


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell (or the whole file, when `row` is 1 and `column` is blank)."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ImportRow:
    """One checked row."""

    row: int
    programme: str
    round: str | None
    answers: ApplicationAnswers
    cohort: str | None = None


@dataclass
class CohortPlacements:
    """What selected rows would do to one cohort: places taken, waiting-list places, no change."""

    name: str
    enrol: int = 0
    wait: int = 0
    already: int = 0


@dataclass
class ImportPlan:
    """What an import would do."""

    new: list[ImportRow] = field(default_factory=list)
    already_imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    unmatched_emails: list[str] = field(default_factory=list)
    # By cohort id, for rows naming a cohort, in the order first met.
    cohorts: dict[int, CohortPlacements] = field(default_factory=dict)

    @property
    def can_import(self) -> bool:
        """Nothing is written unless every row is valid."""
        return not self.errors


def _canonical(column: str) -> str:
    return column.strip().lower().replace(" ", "_").replace("-", "_")


def parse_csv(
    text: str, *, programme: str | None = None, round_name: str | None = None
) -> tuple[list[ImportRow], list[RowError]]:
    """Check every row of a CSV file; `programme`/`round_name` fill in blank or missing columns."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [_canonical(column) for column in next(reader, [])]
    errors: list[RowError] = []
    unknown = [column for column in header if column not in COLUMNS]
    errors += [RowError(1, column, "is not a column I know") for column in unknown]
    needed = [*REQUIRED_FIELDS, *([] if programme else [PROGRAMME_COLUMN])]
    errors += [
        RowError(1, column, "column is missing") for column in needed if column not in header
    ]
    if errors:
        return [], errors
    rows: list[ImportRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(reader, start=FIRST_DATA_ROW):
        if not any(cell.strip() for cell in cells):
            continue
        if number - FIRST_DATA_ROW >= MAX_ROWS:
            errors.append(RowError(number, "", f"the file has more than {MAX_ROWS} rows"))
            break
        values = dict(zip(header, cells, strict=False))
        row_programme = (values.get(PROGRAMME_COLUMN) or "").strip() or programme
        row_round = (values.get(ROUND_COLUMN) or "").strip() or round_name
        row_cohort = (values.get(COHORT_COLUMN) or "").strip() or None
        try:
            answers = check_answers(values)
        except FormErrors as invalid:
            errors += [
                RowError(number, column, message) for column, message in invalid.errors.items()
            ]
            continue
        if not row_programme:
            errors.append(RowError(number, PROGRAMME_COLUMN, "This is required."))
            continue
        key = (row_programme.lower(), answers.email)
        if key in seen:
            errors.append(RowError(number, "email", f"repeats row {seen[key]}"))
            continue
        seen[key] = number
        rows.append(ImportRow(number, row_programme, row_round, answers, row_cohort))
    return rows, errors


@dataclass(frozen=True)
class ParsedFile:
    """A CSV file's checked rows, its errors, and the Slack user id of each email."""

    rows: list[ImportRow]
    errors: list[RowError]
    slack_ids: dict[str, str | None]


def read_file(
    text: str,
    *,
    lookup: Callable[[str], str | None],
    programme: str | None = None,
    round_name: str | None = None,
) -> ParsedFile:
    """Check a CSV file and match its emails to Slack users (no database: call it before one)."""
    rows, errors = parse_csv(text, programme=programme, round_name=round_name)
    # Every valid row is looked up even when others have errors, so the preview lists as
    # unmatched only the emails that really match no Slack account.
    slack_ids = {row.answers.email: lookup(row.answers.email) for row in rows}
    return ParsedFile(rows, errors, slack_ids)


def plan_import(session: Session, parsed: ParsedFile) -> ImportPlan:
    """Decide what each row would do, against the database; writes nothing."""
    plan = ImportPlan(errors=list(parsed.errors))
    # Places left and queue length of each cohort met, counted down as rows are placed.
    places: dict[int, list[int]] = {}
    for row in parsed.rows:
        try:
            programme, advertising_round = _target(session, row)
        except NotFound as missing:
            column = ROUND_COLUMN if "round" in str(missing) else PROGRAMME_COLUMN
            plan.errors.append(RowError(row.row, column, str(missing)))
            continue
        cohort = None
        if row.cohort is not None:
            cohort = _cohort(session, programme, row.cohort)
            if cohort is None:
                plan.errors.append(
                    RowError(
                        row.row, COHORT_COLUMN, _unknown_cohort(session, programme, row.cohort)
                    )
                )
                continue
            if parsed.slack_ids.get(row.answers.email) is None:
                message = (
                    "matches no Slack account, so they cannot be enrolled from a spreadsheet "
                    "(cohortbot could not remind them in Slack); add them to Slack first or "
                    "leave the cohort blank"
                )
                plan.errors.append(RowError(row.row, "email", message))
                continue
        person = session.scalar(select(Person).where(Person.email == row.answers.email))
        if person is not None and _already_imported(session, programme, advertising_round, person):
            plan.already_imported += 1
            continue
        live = live_application(session, programme.id, person.id) if person else None
        if live is not None:
            message = f"already has a live application to {programme.name} (number {live.id})"
            plan.errors.append(RowError(row.row, "email", message))
            continue
        plan.new.append(row)
        if parsed.slack_ids.get(row.answers.email) is None:
            plan.unmatched_emails.append(row.answers.email)
        if cohort is not None:
            placements = plan.cohorts.setdefault(cohort.id, CohortPlacements(cohort.name))
            if person is not None and _held(session, person.id, cohort.id):
                placements.already += 1
                continue
            free, queue = places.setdefault(cohort.id, _free_and_queue(session, cohort))
            if free > 0 and not queue:
                placements.enrol += 1
                places[cohort.id][0] -= 1
            else:
                placements.wait += 1
                places[cohort.id][1] += 1
    plan.errors.sort(key=lambda error: (error.row, error.column))
    return plan


def _target(session: Session, row: ImportRow) -> tuple[Programme, AdvertisingRound | None]:
    programme = find_programme(session, row.programme)
    return programme, find_round(programme, row.round) if row.round else None


def _cohort(session: Session, programme: Programme, name: str) -> Cohort | None:
    return session.scalar(
        select(Cohort).where(
            Cohort.programme_id == programme.id, func.lower(Cohort.name) == name.lower()
        )
    )


def _unknown_cohort(session: Session, programme: Programme, name: str) -> str:
    known = session.scalars(
        select(Cohort.name).where(Cohort.programme_id == programme.id).order_by(Cohort.name)
    ).all()
    listed = f"its cohorts are {', '.join(known)}" if known else "it has no cohorts yet"
    return f"{programme.name} has no cohort called '{shorten(name)}': {listed}"


def _held(session: Session, person_id: int, cohort_id: int) -> bool:
    status = session.scalar(
        select(Enrolment.status).where(
            Enrolment.person_id == person_id, Enrolment.cohort_id == cohort_id
        )
    )
    return status in HELD


def _free_and_queue(session: Session, cohort: Cohort) -> list[int]:
    # As `enrol` decides: a free place goes to the waiting list's first, not to a newcomer.
    queue = session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.cohort_id == cohort.id,
            Enrolment.status == EnrolmentStatus.WAITING,
            Enrolment.place_offered_at.is_(None),
        )
    )
    return [free_places(session, cohort), int(queue or 0)]


def _already_imported(
    session: Session,
    programme: Programme,
    advertising_round: AdvertisingRound | None,
    person: Person,
) -> bool:
    query = select(Application.id).where(
        Application.programme_id == programme.id, Application.person_id == person.id
    )
    if advertising_round is None:
        query = query.where(Application.round_id.is_(None))
    else:
        query = query.where(Application.round_id == advertising_round.id)
    return session.scalar(query.limit(1)) is not None


def run_import(
    session: Session,
    plan: ImportPlan,
    *,
    slack_ids: Mapping[str, str | None],
    actor: str,
    now: datetime,
) -> int:
    """Write the planned applications (each screened as it arrives); refuses a plan with errors.

    A row naming a cohort is accepted for it and the person enrolled there (or put on its
    waiting list), unless they already hold a place or a waiting-list place in it.
    """
    if not plan.can_import:
        raise ValueError("an import with errors must not be written")
    for row in plan.new:
        programme, advertising_round = _target(session, row)
        application = submit_application(
            session,
            programme=programme,
            advertising_round=advertising_round,
            answers=row.answers,
            slack_user_id=slack_ids.get(row.answers.email),
            actor=actor,
            now=now,
        )
        cohort = _cohort(session, programme, row.cohort) if row.cohort else None
        if cohort is not None:
            _accept_selected(session, application, cohort, actor=actor, now=now)
    return len(plan.new)


def _accept_selected(
    session: Session, application: Application, cohort: Cohort, *, actor: str, now: datetime
) -> None:
    """Take an imported application straight to accepted for `cohort`, and enrol the person.

    Screening has run and its result stays on the application, but a coordinator's selection is
    not screened out: a screened-out status the screening gave is replaced by acceptance.
    """
    before = _audited(application)
    screened_out = [
        change
        for change in application.status_changes
        if change.to_status == ApplicationStatus.SCREENED_OUT and change.changed_by == SYSTEM
    ]
    for change in screened_out:
        application.status_changes.remove(change)
    reason = SELECTED_REASON
    if application.screening_result is not None and screened_out:
        reason += f" (screening, not applied: {application.screening_reason})"
    application.status = ApplicationStatus.ACCEPTED
    application.offered_cohort_id = cohort.id
    application.status_changes.append(
        ApplicationStatusChange(
            from_status=ApplicationStatus.RECEIVED,
            to_status=ApplicationStatus.ACCEPTED,
            changed_by=actor,
            changed_at=now,
            reason=reason,
        )
    )
    session.flush()
    record_change(
        session,
        actor=actor,
        action="application.status",
        entity=application,
        before=before,
        after={**_audited(application), "reason": reason, "feedback": None},
        now=now,
    )
    if not _held(session, application.person_id, cohort.id):
        # A cohort already under way is brought in from its start: the coaching deadline runs
        # from then and the coaching done since can be logged.
        enrol(
            session,
            person_id=application.person_id,
            cohort_id=cohort.id,
            actor=actor,
            now=now,
            application_id=application.id,
            counts_from=cohort.start_date,
        )


def _audited(application: Application) -> dict[str, object]:
    return {
        "programme_id": application.programme_id,
        "person_id": application.person_id,
        "round_id": application.round_id,
        "status": application.status.value,
        "offered_cohort_id": application.offered_cohort_id,
        "screening_result": (
            application.screening_result.value if application.screening_result else None
        ),
    }


def placements_summary(plan: ImportPlan) -> str:
    """What an import did to cohorts, e.g. " Cohort 1: 2 enrolled, 1 on the waiting list." """
    parts = []
    for placed in plan.cohorts.values():
        counts = [f"{placed.enrol} enrolled"]
        if placed.wait:
            counts.append(f"{placed.wait} on the waiting list")
        if placed.already:
            counts.append(f"{placed.already} already there")
        parts.append(f"{placed.name}: {', '.join(counts)}")
    return f" {'; '.join(parts)}." if parts else ""


def preview(plan: ImportPlan, *, limit: int = 25) -> str:
    """What the import would do, with the first `limit` errors (mrkdwn, user text escaped)."""
    return render(
        "applications/import_preview.j2",
        plan=plan,
        errors=plan.errors[:limit],
        more=max(0, len(plan.errors) - limit),
    )
