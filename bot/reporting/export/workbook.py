"""The export as an Excel workbook: one sheet per table, safe to open, dates as real dates.

Every text cell is neutralised (`bot.core.tables.neutralise`) and stored as a string, so nothing a
person typed can run as a formula. Sheets are written in openpyxl's write-only mode, which streams
rows instead of holding a cell object for each of them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.audit import record_read
from bot.core.notice import Notice
from bot.core.tables import Cell, Table, neutralise
from bot.core.timefmt import format_when
from bot.evaluations.export import follow_up_table, response_table
from bot.programmes.programmes import cohort_label
from bot.reporting.export import sheets
from db.models import Cohort

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
_HEADER_FONT = Font(bold=True)
DEFAULT_TZ = ZoneInfo(sheets.DEFAULT_ZONE)


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
        sheets.assessments(session, cohort_id=cohort_id),
        sheets.outcomes(session, cohort_id=cohort_id),
    ]


def build_workbook(session: Session, now: datetime, *, cohort_id: int | None = None) -> bytes:
    """The export as the bytes of an .xlsx file."""
    return write_workbook(export_tables(session, now, cohort_id=cohort_id), created=now)


def export_filename(now: datetime, tz: ZoneInfo, extension: str = "xlsx") -> str:
    """'cohortbot-export-2017-02-01.xlsx', dated in `tz`."""
    return f"{FILENAME_PREFIX}-{now.astimezone(tz).date().isoformat()}.{extension}"


def write_workbook(
    tables: Sequence[Table],
    *,
    created: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> bytes:
    """`tables` as an .xlsx workbook, one sheet each with a bold, frozen, filterable header row.

    Aware datetimes are shown in `tz` (a spreadsheet has no time zones); naive ones are taken to be
    local already. `created` (aware) is recorded as the workbook's creation time.
    """
    if not tables:
        raise ValueError("a workbook needs at least one table")
    workbook = Workbook(write_only=True)
    if created is not None:
        # openpyxl would otherwise read the wall clock; it wants naive UTC.
        workbook.properties.created = created.astimezone(UTC).replace(tzinfo=None)
    titles: set[str] = set()
    for table in tables:
        _write_sheet(workbook, table, _unique_title(table.name, titles), tz)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(workbook: Any, table: Table, title: str, tz: ZoneInfo) -> None:
    sheet = workbook.create_sheet(title)
    # A write-only sheet takes its layout before the first row is written.
    for index, width in enumerate(_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, header) for header in table.headers])
    count = 0
    for row in table.rows:
        sheet.append([_cell(sheet, value, tz) for value in row])
        count += 1
    last_column = get_column_letter(max(len(table.headers), 1))
    sheet.auto_filter.ref = f"A1:{last_column}{count + 1}"


def _header_cell(sheet: Any, header: str) -> Any:
    cell = _text_cell(sheet, _safe_text(header))
    cell.font = _HEADER_FONT
    return cell


def _cell(sheet: Any, value: Cell, tz: ZoneInfo) -> Any:
    if isinstance(value, str):
        safe = _safe_text(value)
        # Neutralised text never starts with "=", so openpyxl stores it as a string by itself;
        # only text that reads as an error code ("#N/A") needs telling. Skipping a cell object
        # per string keeps a 100,000-row sheet fast.
        return _text_cell(sheet, safe) if safe in ERROR_CODES else safe
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(tz).replace(tzinfo=None)
        return _styled(sheet, value, DATETIME_FORMAT)
    if isinstance(value, date):
        return _styled(sheet, value, DATE_FORMAT)
    # Numbers, booleans and empty cells go in as they are.
    return value


def _styled(sheet: Any, value: date, number_format: str) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _safe_text(text: str) -> str:
    safe = neutralise(ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_CHARACTERS])
    assert isinstance(safe, str)
    return safe


def _text_cell(sheet: Any, text: str) -> Any:
    cell = WriteOnlyCell(sheet, value=text)
    # Stored as text whatever it looks like: never a formula, nor an error code such as "#N/A".
    cell.data_type = "s"
    return cell


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
    workbook = write_workbook(tables, created=now)
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
