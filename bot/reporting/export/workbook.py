"""The export as an Excel workbook: one sheet per table, safe to open, dates as real dates.

Every text cell is neutralised (`bot.core.tables.neutralise`) and written as a string, so nothing a
person typed can run as a formula. Sheets are written with XlsxWriter in constant-memory mode, which
streams each row to disk as soon as the next one starts; at national scale (about a million cells)
it is several times faster than openpyxl's write-only mode (figures: README, Benchmarks). XlsxWriter
is imported when a workbook is written, so the web process does not load it at start.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from itertools import islice
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.audit import record_read
from bot.core.notice import Notice
from bot.core.tables import ILLEGAL_CHARACTERS, Cell, Table, neutralise
from bot.core.timefmt import format_when
from bot.evaluations.export import follow_up_table, response_table
from bot.programmes.programmes import cohort_label
from bot.reporting.export import sheets
from db.models import Cohort

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

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
# Nothing is guessed from text: a string that looks like a formula, a number or a link stays text.
_WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "default_date_format": DATETIME_FORMAT,
}


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
    from xlsxwriter import Workbook

    if not tables:
        raise ValueError("a workbook needs at least one table")
    buffer = io.BytesIO()
    workbook = Workbook(buffer, _WORKBOOK_OPTIONS)
    if created is not None:
        # XlsxWriter would otherwise read the wall clock; it wants naive UTC.
        workbook.set_properties({"created": created.astimezone(UTC).replace(tzinfo=None)})
    styles = _Styles(workbook)
    titles: set[str] = set()
    for table in tables:
        _write_sheet(workbook.add_worksheet(_unique_title(table.name, titles)), table, styles, tz)
    workbook.close()
    return buffer.getvalue()


class _Styles:
    """The workbook's three cell formats, made once and shared by every sheet."""

    def __init__(self, workbook: Workbook) -> None:
        self.header: Format = workbook.add_format({"bold": True})
        self.day: Format = workbook.add_format({"num_format": DATE_FORMAT})
        self.moment: Format = workbook.add_format({"num_format": DATETIME_FORMAT})


def _write_sheet(sheet: Worksheet, table: Table, styles: _Styles, tz: ZoneInfo) -> None:
    # In constant-memory mode, columns and panes are laid out before the first row.
    for index, width in enumerate(_widths(table)):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    for column, header in enumerate(table.headers):
        sheet.write_string(0, column, _safe_text(header), styles.header)
    # The typed writers skip XlsxWriter's per-cell guess at the type, which is most of its cost.
    write_string, write_number = sheet.write_string, sheet.write_number
    write_boolean, write_datetime = sheet.write_boolean, sheet.write_datetime
    # Most text repeats (cohorts, statuses, people on every session), so each is made safe once.
    safe_texts: dict[str, str] = {}
    row_number = 0
    for row_number, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, str):
                safe = safe_texts.get(value)
                if safe is None:
                    safe = safe_texts[value] = _safe_text(value)
                write_string(row_number, column, safe)
            elif isinstance(value, bool):
                write_boolean(row_number, column, value)
            elif isinstance(value, int | float):
                write_number(row_number, column, value)
            elif isinstance(value, datetime):
                if value.tzinfo is not None:
                    value = value.astimezone(tz).replace(tzinfo=None)
                write_datetime(row_number, column, value, styles.moment)
            elif isinstance(value, date):
                write_datetime(row_number, column, value, styles.day)
            # None is an empty cell: nothing is written.
    sheet.autofilter(0, 0, row_number, max(len(table.headers), 1) - 1)


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
