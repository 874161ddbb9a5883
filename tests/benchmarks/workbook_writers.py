"""The workbook writers the export was measured against, each keeping the export's formatting.

The product writes with rustpy-xlsxwriter (`bot.reporting.export.workbook.write_workbook`); these
are the other candidates, written to the same promise where their API allows it: a bold, frozen,
filterable header row, real dates, and text that is never a formula. They are XlsxWriter in
constant-memory mode (what the product used before), openpyxl's write-only mode (before that),
PyExcelerate, and fastxlsx (values only: it has no API for fonts, panes, filters or number formats).
The digest benchmark times them all on the same tables and reads each workbook back to check the
promise.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
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


def write_with_xlsxwriter(tables: Sequence[Table], *, tz: ZoneInfo = DEFAULT_TZ) -> bytes:
    """The export as the product wrote it before: XlsxWriter in constant-memory mode, typed writes."""
    from xlsxwriter import Workbook

    buffer = io.BytesIO()
    # Nothing is guessed from text: a string that looks like a formula, a number or a link stays text.
    workbook = Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_date_format": DATETIME_FORMAT,
        },
    )
    header_style = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": DATE_FORMAT})
    moment = workbook.add_format({"num_format": DATETIME_FORMAT})
    titles: set[str] = set()
    for table in tables:
        sheet = workbook.add_worksheet(_unique_title(table.name, titles))
        # In constant-memory mode, columns and panes are laid out before the first row.
        for index, width in enumerate(_widths(table)):
            sheet.set_column(index, index, width)
        sheet.freeze_panes(1, 0)
        for column, header in enumerate(table.headers):
            sheet.write_string(0, column, _safe_text(header), header_style)
        # The typed writers skip XlsxWriter's per-cell guess at the type, most of its cost.
        write_string, write_number = sheet.write_string, sheet.write_number
        write_boolean, write_datetime = sheet.write_boolean, sheet.write_datetime
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
                    write_datetime(row_number, column, _local(value, tz), moment)
                elif isinstance(value, date):
                    write_datetime(row_number, column, value, day)
        sheet.autofilter(0, 0, row_number, max(len(table.headers), 1) - 1)
    workbook.close()
    return buffer.getvalue()


def write_with_openpyxl(tables: Sequence[Table], *, tz: ZoneInfo = DEFAULT_TZ) -> bytes:
    """The export as the product first wrote it: openpyxl in write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook(write_only=True)

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


def write_with_pyexcelerate(tables: Sequence[Table], *, tz: ZoneInfo = DEFAULT_TZ) -> bytes:
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


def write_with_fastxlsx(tables: Sequence[Table], *, tz: ZoneInfo = DEFAULT_TZ) -> bytes:
    """The export's values through fastxlsx, which writes values only and only to a file."""
    from fastxlsx import DType, WriteOnlyWorkbook

    workbook = WriteOnlyWorkbook()
    titles: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_unique_title(table.name, titles))
        rows: list[list[Any]] = [[_safe_text(name) for name in table.headers]]
        for row in table.rows:
            rows.append(
                [
                    _safe_text(value)
                    if isinstance(value, str)
                    else _local(value, tz)
                    if isinstance(value, datetime)
                    else value
                    for value in row
                ]
            )
        # Its stubs declare DType's members as plain ints.
        sheet.write_matrix((0, 0), rows, dtype=DType.Any)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "export.xlsx"
        workbook.save(str(path))
        return path.read_bytes()


PRODUCT_WRITER = "rustpy-xlsxwriter, the product's"
REFERENCE_WRITER = "openpyxl (write-only), first"
WRITERS: dict[str, Writer] = {
    PRODUCT_WRITER: write_workbook,
    "XlsxWriter (constant memory), before": write_with_xlsxwriter,
    REFERENCE_WRITER: write_with_openpyxl,
    "PyExcelerate": write_with_pyexcelerate,
    "fastxlsx": write_with_fastxlsx,
}


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


# Texts a person might type that a spreadsheet would otherwise run, or read as something else.
_HOSTILE_TEXTS = (
    "=1+1",
    '=HYPERLINK("http://evil.example","Click")',
    "@SUM(A1)",
    "+44 113",
    "#N/A",
    "http://example.org",
)
_PROBE_DAY = date(2017, 6, 5)
# 09:00 UTC in June is 10:00 in London.
_PROBE_MOMENT = datetime(2017, 6, 5, 9, 0, tzinfo=ZoneInfo("UTC"))
PROBE_TABLES = (
    Table(
        "Probe",
        ("Text", "Day", "Moment", "Count"),
        [(text, _PROBE_DAY, _PROBE_MOMENT, 3) for text in _HOSTILE_TEXTS],
    ),
    Table("Empty", ("Name", "When"), []),
)


def probe_problems(writer: Writer) -> list[str]:
    """What `writer` breaks of the promise on a small table of hostile text, dates and no rows."""
    from openpyxl import load_workbook

    content = writer(PROBE_TABLES)
    book = load_workbook(io.BytesIO(content))
    problems = formatting_problems(content, PROBE_TABLES)
    probe, empty = book.worksheets
    for row, text in enumerate(_HOSTILE_TEXTS, start=2):
        cell = probe.cell(row, 1)
        if (cell.value, cell.data_type) != (_safe_text(text), "s"):
            problems.append(f"{text!r} read back as {cell.value!r} ({cell.data_type})")
    day, moment = probe.cell(2, 2), probe.cell(2, 3)
    if (day.value, day.number_format) != (datetime(2017, 6, 5), DATE_FORMAT):
        problems.append(f"a date read back as {day.value!r} ({day.number_format})")
    if (moment.value, moment.number_format) != (datetime(2017, 6, 5, 10, 0), DATETIME_FORMAT):
        problems.append(f"a time read back as {moment.value!r} ({moment.number_format})")
    if [cell.value for cell in empty[1]] != ["Name", "When"]:
        problems.append("an empty table lost its header")
    return sorted(set(problems))
