"""Bulk import of applications from CSV: check every row, preview, then write all or nothing.

Parsing and planning change nothing; `run_import` writes, and only a plan without errors. Rows
are matched to existing applications by programme, email and round, so importing the same file
again changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.application_form import (
    FIELDS,
    REQUIRED_FIELDS,
    ApplicationAnswers,
    FormErrors,
    check_answers,
)
from bot.applications import live_application, submit_application
from bot.errors import NotFound
from bot.render import render
from bot.rounds import find_programme, find_round
from db.models import AdvertisingRound, Application, Person, Programme

PROGRAMME_COLUMN = "programme"
ROUND_COLUMN = "round"
COLUMNS = (*FIELDS, PROGRAMME_COLUMN, ROUND_COLUMN)
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


@dataclass
class ImportPlan:
    """What an import would do."""

    new: list[ImportRow] = field(default_factory=list)
    already_imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    unmatched_emails: list[str] = field(default_factory=list)

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
        rows.append(ImportRow(number, row_programme, row_round, answers))
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
    slack_ids = {row.answers.email: lookup(row.answers.email) for row in rows} if not errors else {}
    return ParsedFile(rows, errors, slack_ids)


def plan_import(session: Session, parsed: ParsedFile) -> ImportPlan:
    """Decide what each row would do, against the database; writes nothing."""
    plan = ImportPlan(errors=list(parsed.errors))
    for row in parsed.rows:
        try:
            programme, advertising_round = _target(session, row)
        except NotFound as missing:
            column = ROUND_COLUMN if "round" in str(missing) else PROGRAMME_COLUMN
            plan.errors.append(RowError(row.row, column, str(missing)))
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
    plan.errors.sort(key=lambda error: (error.row, error.column))
    return plan


def _target(session: Session, row: ImportRow) -> tuple[Programme, AdvertisingRound | None]:
    programme = find_programme(session, row.programme)
    return programme, find_round(programme, row.round) if row.round else None


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
    """Write the planned applications (each screened as it arrives); refuses a plan with errors."""
    if not plan.can_import:
        raise ValueError("an import with errors must not be written")
    for row in plan.new:
        programme, advertising_round = _target(session, row)
        submit_application(
            session,
            programme=programme,
            advertising_round=advertising_round,
            answers=row.answers,
            slack_user_id=slack_ids.get(row.answers.email),
            actor=actor,
            now=now,
        )
    return len(plan.new)


def preview(plan: ImportPlan, *, limit: int = 25) -> str:
    """What the import would do, with the first `limit` errors (mrkdwn, user text escaped)."""
    return render(
        "applications/import_preview.j2",
        plan=plan,
        errors=plan.errors[:limit],
        more=max(0, len(plan.errors) - limit),
    )
