"""The export as an Excel workbook: one sheet per table, safe to open, dates as real dates.

Every text cell is neutralised (`bot.core.tables.neutralise`) and written as a string, so nothing a
person typed can run as a formula. Sheets are written by rustpy-xlsxwriter, a binding of the Rust
port of XlsxWriter: Python hands it each sheet's rows and the cells are written in Rust, streamed in
constant-memory mode. At national scale (about 1.5 million cells) that takes about a seventh of the
CPU of XlsxWriter's own per-cell Python (figures, and why it was chosen: README, Benchmarks).
It is imported when a workbook is written, so the web process does not load it at start.

What it cannot do: set the workbook's creation time (it records the moment of writing), and write
a header with no rows under it, so an empty table gets one blank row inside its filter.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from itertools import chain, islice
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.audit import record_read
from bot.core.notice import Notice
from bot.core.tables import ILLEGAL_CHARACTERS, Cell, Table, neutralise
from bot.core.timefmt import format_when
from bot.evaluations.export import follow_up_table, response_table
from bot.programmes.programmes import cohort_label
from bot.reporting.export import outcome_sheets, sheets
from db.models import Cohort

if TYPE_CHECKING:
    from rustpy_xlsxwriter import Format

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
FILENAME_PREFIX = "cohortbot-export"
EXPORT_KIND = "export"
# Excel's own limits: longer text is cut, longer sheet names are refused.
MAX_CELL_CHARACTERS = 32_767
MAX_SHEET_TITLE = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Column widths come from the header and this many rows: enough to be sensible, cheap at 10,000.
_WIDTH_SAMPLE = 200
_MIN_WIDTH = 8
_MAX_WIDTH = 60
DEFAULT_TZ = ZoneInfo(sheets.DEFAULT_ZONE)
# Options for every sheet ("general"): the header frozen and filterable.
_EVERY_SHEET = "general"


def export_tables(session: Session, now: datetime, *, cohort_id: int | None = None) -> list[Table]:
    """Every sheet of the export, in the order the workbook shows them.

    `now` is when the export is taken: sessions that have not happened yet show no attendance.
    `cohort_id` narrows the export to one cohort.
    """
    return [
        sheets.participants(session, cohort_id=cohort_id),
        sheets.applications(session, cohort_id=cohort_id),
        sheets.sessions_and_attendance(session, now, cohort_id=cohort_id),
        sheets.coaching(session, cohort_id=cohort_id),
        # Anonymous responses carry no name, and small or still-open groups are left out
        # (see bot.evaluations.export).
        response_table(session, cohort_id=cohort_id, now=now),
        follow_up_table(session, cohort_id=cohort_id),
        outcome_sheets.assessments(session, cohort_id=cohort_id),
        outcome_sheets.outcomes(session, cohort_id=cohort_id),
    ]


def build_workbook(session: Session, now: datetime, *, cohort_id: int | None = None) -> bytes:
    """The export as the bytes of an .xlsx file."""
    return write_workbook(export_tables(session, now, cohort_id=cohort_id))


def export_filename(now: datetime, tz: ZoneInfo, extension: str = "xlsx") -> str:
    """'cohortbot-export-2017-02-01.xlsx', dated in `tz`."""
    return f"{FILENAME_PREFIX}-{now.astimezone(tz).date().isoformat()}.{extension}"


def write_workbook(tables: Sequence[Table], *, tz: ZoneInfo = DEFAULT_TZ) -> bytes:
    """`tables` as an .xlsx workbook, one sheet each with a bold, frozen, filterable header row.

    Aware datetimes are shown in `tz` (a spreadsheet has no time zones); naive ones are taken to be
    local already.
    """
    from rustpy_xlsxwriter import Format, write_worksheets

    if not tables:
        raise ValueError("a workbook needs at least one table")
    day = Format().set_num_format(DATE_FORMAT)
    moment = Format().set_num_format(DATETIME_FORMAT)
    # The writer's per-sheet options are keyed by sheet name, and "general" means every sheet.
    titles: set[str] = {_EVERY_SHEET}
    sheets_data: list[tuple[str, Any]] = []
    widths: dict[str, Any] = {}
    formats: dict[str, Any] = {}
    for table in tables:
        title = _unique_title(table.name, titles)
        records, formats[title] = _records(table, tz, day=day, moment=moment)
        sheets_data.append((title, records))
        widths[title] = _widths(table)
    buffer = io.BytesIO()
    write_worksheets(
        sheets_data,
        buffer,
        freeze_panes={_EVERY_SHEET: {"row": 1, "col": 0}},
        bold_headers=True,
        autofilter={_EVERY_SHEET: True},
        autofit=False,
        column_widths=widths,
        column_formats=formats,
        datetime_format=DATETIME_FORMAT,
    )
    return buffer.getvalue()


def _records(
    table: Table, tz: ZoneInfo, *, day: Format, moment: Format
) -> tuple[list[dict[str, Cell]], dict[str, Format]]:
    """`table`'s rows as the writer takes them (a dict per row, keyed by the safe header), and the
    date format of each column that holds dates or times."""
    headers = _safe_headers(table.headers)
    width = len(headers)
    rows: Sequence[tuple[Cell, ...]] = table.rows
    if any(length != width for length in map(len, rows)):
        rows = [(*row[:width], *(None,) * (width - len(row))) for row in rows]
    # Each distinct value is looked at once (most text repeats: cohorts, statuses, people on
    # every session): text is made safe and aware times are put in `tz`. Only the values that
    # change are mapped, and the rows are rebuilt only if there are any.
    changed: dict[Cell, Cell] = {}
    for value in set(chain.from_iterable(rows)):
        if isinstance(value, str):
            safe = _safe_text(value)
            if safe != value:
                changed[value] = safe
        elif isinstance(value, datetime) and value.tzinfo is not None:
            changed[value] = value.astimezone(tz).replace(tzinfo=None)
    if changed:
        get = changed.get
        records = [
            dict(zip(headers, [get(value, value) for value in row], strict=True)) for row in rows
        ]
    else:
        records = [dict(zip(headers, row, strict=True)) for row in rows]
    if not records:
        # The writer takes its header from the rows: an empty table is given one blank row.
        records.append(dict.fromkeys(headers))
    return records, _date_formats(headers, rows, day=day, moment=moment)


def _date_formats(
    headers: Sequence[str], rows: Sequence[tuple[Cell, ...]], *, day: Format, moment: Format
) -> dict[str, Format]:
    # A column holds one kind of value: its first value that is not empty tells which.
    formats: dict[str, Format] = {}
    for column, header in enumerate(headers):
        first = next((row[column] for row in rows if row[column] is not None), None)
        if isinstance(first, datetime):
            formats[header] = moment
        elif isinstance(first, date):
            formats[header] = day
    return formats


def _safe_headers(headers: Sequence[str]) -> list[str]:
    # Each header names its column in the rows handed to the writer, so two may not be alike.
    safe: list[str] = []
    for header in headers:
        text, number = _safe_text(header), 2
        while text in safe:
            text, number = f"{_safe_text(header)} ({number})", number + 1
        safe.append(text)
    return safe


def _safe_text(text: str) -> str:
    safe = neutralise(ILLEGAL_CHARACTERS.sub("", text)[:MAX_CELL_CHARACTERS])
    assert isinstance(safe, str)
    return safe


def _widths(table: Table) -> list[float]:
    widths = [len(header) for header in table.headers]
    for row in islice(table.rows, _WIDTH_SAMPLE):
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _shown_length(value))
    return [float(min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)) for width in widths]


def _shown_length(value: Cell) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("dd/mm/yyyy hh:mm")
    if isinstance(value, date):
        return len("dd/mm/yyyy")
    return len(str(value))


def _unique_title(name: str, taken: set[str]) -> str:
    base = _SHEET_TITLE_FORBIDDEN.sub(" ", name).strip()[:MAX_SHEET_TITLE] or "Sheet"
    title, number = base, 2
    while title.casefold() in taken:
        suffix = f" ({number})"
        title, number = base[: MAX_SHEET_TITLE - len(suffix)] + suffix, number + 1
    taken.add(title.casefold())
    return title


def owe_export(
    session: Session,
    *,
    recipient: str,
    now: datetime,
    tz: ZoneInfo,
    idempotency_key: str,
    cohort_id: int | None = None,
) -> str:
    """Owe `recipient` a DM with the export workbook attached; the workbook's filename."""
    filename = export_filename(now, tz)
    tables = export_tables(session, now, cohort_id=cohort_id)
    workbook = write_workbook(tables)
    record_read(
        session,
        actor=recipient,
        what="export",
        scope=f"cohort:{cohort_id}" if cohort_id else "all",
        rows=sum(len(table.rows) for table in tables),
        now=now,
    )
    scope = cohort_label(session.get_one(Cohort, cohort_id)) if cohort_id else "all cohorts"
    outbox.enqueue(
        session,
        recipient=recipient,
        kind=EXPORT_KIND,
        message=Notice.plain(f"Here is your export ({scope}), taken {format_when(now, tz)}."),
        due_at=now,
        idempotency_key=idempotency_key,
        attachments=[outbox.Attachment(filename, f"cohortbot export: {scope}", workbook)],
    )
    return filename
