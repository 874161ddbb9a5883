"""The workbook writers the export was measured against, each keeping the export's formatting.

The product writes with XlsxWriter (`bot.reporting.export.workbook.write_workbook`); these are the
other two candidates, openpyxl's write-only mode (what the product used before) and PyExcelerate,
written to the same promise: a bold, frozen, filterable header row, real dates, and text that is
never a formula. The digest benchmark times all three on the same tables and reads each workbook
back to check that promise.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.tables import ILLEGAL_CHARACTERS, Cell, Table, neutralise
from bot.reporting.export.workbook import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    DEFAULT_TZ,
    MAX_CELL_CHARACTERS,
    _unique_title,
    _widths,
    write_workbook,
)

Writer = Callable[..., bytes]


def _safe_text(text: str) -> str:
    safe = neutralise(ILLEGAL_CHARACTERS.sub("", text)[:MAX_CELL_CHARACTERS])
    assert isinstance(safe, str)
    return safe


def _local(value: datetime, tz: ZoneInfo) -> datetime:
    return value if value.tzinfo is None else value.astimezone(tz).replace(tzinfo=None)


def write_with_openpyxl(
    tables: Sequence[Table], *, created: datetime | None = None, tz: ZoneInfo = DEFAULT_TZ
) -> bytes:
    """The export as the product wrote it before: openpyxl in write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook(write_only=True)
    if created is not None:
        workbook.properties.created = created.astimezone(UTC).replace(tzinfo=None)

    def text_cell(sheet: Any, text: str) -> Any:
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell

    def styled(sheet: Any, value: date, number_format: str) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell

    def cell(sheet: Any, value: Cell) -> Any:
        if isinstance(value, str):
            safe = _safe_text(value)
            return text_cell(sheet, safe) if safe in ERROR_CODES else safe
        if isinstance(value, datetime):
            return styled(sheet, _local(value, tz), DATETIME_FORMAT)
        if isinstance(value, date):
            return styled(sheet, value, DATE_FORMAT)
        return value

    titles: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_unique_title(table.name, titles))
        for index, width in enumerate(_widths(table), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for name in table.headers:
            header_cell = text_cell(sheet, _safe_text(name))
            header_cell.font = bold
            header.append(header_cell)
        sheet.append(header)
        count = 0
        for row in table.rows:
            sheet.append([cell(sheet, value) for value in row])
            count += 1
        last_column = get_column_letter(max(len(table.headers), 1))
        sheet.auto_filter.ref = f"A1:{last_column}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_with_pyexcelerate(
    tables: Sequence[Table], *, created: datetime | None = None, tz: ZoneInfo = DEFAULT_TZ
) -> bytes:
    """The export through PyExcelerate, which holds every cell and writes each sheet at the end."""
    from pyexcelerate import Font as PyFont
    from pyexcelerate import Format, Panes, Style, Workbook

    workbook = Workbook()
    bold = Style(font=PyFont(bold=True))
    day = Style(format=Format(DATE_FORMAT))
    moment = Style(format=Format(DATETIME_FORMAT))
    titles: set[str] = set()
    for table in tables:
        rows: list[list[Any]] = [[_safe_text(name) for name in table.headers]]
        day_columns: set[int] = set()
        moment_columns: set[int] = set()
        for row in table.rows:
            values: list[Any] = []
            for column, value in enumerate(row, start=1):
                if isinstance(value, str):
                    values.append(_safe_text(value))
                elif isinstance(value, datetime):
                    values.append(_local(value, tz))
                    moment_columns.add(column)
                elif isinstance(value, date):
                    values.append(value)
                    day_columns.add(column)
                else:
                    values.append(value)
            rows.append(values)
        sheet = workbook.new_sheet(_unique_title(table.name, titles), data=rows)
        # A column of dates is styled as a whole; the header row's own style wins over it.
        for column in day_columns:
            sheet.set_col_style(column, day)
        for column in moment_columns:
            sheet.set_col_style(column, moment)
        sheet.set_row_style(1, bold)
        sheet.panes = Panes(0, 1)
        sheet.auto_filter = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WRITERS: dict[str, Writer] = {
    "XlsxWriter (constant memory), the product's": write_workbook,
    "openpyxl (write-only), before": write_with_openpyxl,
    "PyExcelerate": write_with_pyexcelerate,
}

REFERENCE_WRITER = "openpyxl (write-only), before"


def formatting_problems(content: bytes, tables: Sequence[Table]) -> list[str]:
    """What a workbook breaks of the export's promise, read back with openpyxl (empty: none)."""
    from openpyxl import load_workbook

    problems: list[str] = []
    book = load_workbook(io.BytesIO(content))
    for sheet, table in zip(book.worksheets, tables, strict=True):
        if sheet.freeze_panes != "A2":
            problems.append(f"{sheet.title}: header not frozen")
        if not all(cell.font.bold for cell in sheet[1]):
            problems.append(f"{sheet.title}: header not bold")
        if not sheet.auto_filter.ref or not sheet.auto_filter.ref.startswith("A1:"):
            problems.append(f"{sheet.title}: no filter")
        for row in sheet.iter_rows(min_row=2, max_row=min(sheet.max_row, 50)):
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value[:1] == "="):
                    problems.append(f"{sheet.title}!{cell.coordinate}: a formula")
                if cell.is_date and not cell.number_format.startswith("dd/mm/yyyy"):
                    problems.append(f"{sheet.title}!{cell.coordinate}: date without format")
        for index, value in enumerate(table.rows[0] if table.rows else ()):
            if isinstance(value, date) and not sheet.cell(2, index + 1).is_date:
                problems.append(
                    f"{sheet.title}: dates stored as {sheet.cell(2, index + 1).data_type}"
                )
    return sorted(set(problems))
