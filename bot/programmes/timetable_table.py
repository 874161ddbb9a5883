"""A timetable as coordinators keep it: a table pasted from a spreadsheet or document, a CSV or an
XLSX file, read into rows of text with the columns named; and the same table written back.

Columns (case and spacing in names do not matter; only `times` and `group` may be left out):

| column | values |
|---|---|
| `cohort` | the cohort's name in the programme (e.g. `2018`) |
| `kind` | workshop, action learning set (ALS), coaching, organisational development (OD), assessment, other |
| `title` | e.g. `Launch workshop`, or for coaching `Coaching to commence by` |
| `dates` | see `bot.programmes.planned_dates` |
| `times` | `10:00-16:00`, `9.30am - 4pm`; blank for an all-day session |
| `group` | blank for the whole cohort, a group (`Group 1` or `1`), or one group per date (`1 and 2`) |
| `location` | a place, or a video link (`https://…`) |
| `compulsory` | yes or no (blank is yes) |
| `programme` | optional: the programme, when the import does not say it |
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.core.errors import InvalidInput

COLUMNS = ("cohort", "kind", "title", "dates", "times", "group", "location", "compulsory")
OPTIONAL = {"times", "group", "programme"}
KNOWN = {*COLUMNS, "programme"}
# Other names people give the same columns.
ALIASES = {
    "date": "dates",
    "time": "times",
    "type": "kind",
    "session": "title",
    "venue": "location",
    "where": "location",
    "mandatory": "compulsory",
    "groups": "group",
}
MAX_ROWS = 500
HEADER_ROW = 1


@dataclass(frozen=True)
class TableRow:
    """One row of the table: its number as the coordinator counts (the header is row 1)."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class HeaderError:
    """A column missing or not known."""

    column: str
    message: str


def canonical(column: str) -> str:
    """A column name as the import knows it ('Dates ' → 'dates', 'Type' → 'kind')."""
    name = " ".join(column.strip().lower().replace("_", " ").split())
    return ALIASES.get(name, name)


def read_rows(
    lines: Sequence[Sequence[str]],
) -> tuple[list[TableRow], list[HeaderError]]:
    """The table's rows keyed by column, or what is wrong with its header."""
    if not lines:
        return [], [HeaderError("", "the table is empty: paste it with its header row")]
    header = [canonical(cell) for cell in lines[0]]
    errors = [
        HeaderError(column, "is not a column I know") for column in header if column not in KNOWN
    ]
    if "" in header:
        errors = [e for e in errors if e.column] + [HeaderError("", "a column has no name")]
    errors += [
        HeaderError(column, "column is missing")
        for column in COLUMNS
        if column not in OPTIONAL and column not in header
    ]
    if errors:
        return [], errors
    rows = []
    for number, cells in enumerate(lines[1:], start=HEADER_ROW + 1):
        if not any(str(cell).strip() for cell in cells):
            continue
        values = {column: str(cell).strip() for column, cell in zip(header, cells, strict=False)}
        rows.append(TableRow(number, values))
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"The table has more than {MAX_ROWS} rows: import it in parts.")
    return rows, []


def lines_of_text(text: str) -> list[list[str]]:
    """A pasted table's cells: tab-separated (as copied from a spreadsheet or document) or CSV."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    first = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = "\t" if "\t" in first else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def lines_of_xlsx(content: bytes) -> list[list[str]]:
    """The first sheet of an Excel workbook as text cells (dates written out in full)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidInput(
            "That file is not an Excel workbook I can read: save it as .xlsx or CSV."
        ) from None
    sheet = workbook.worksheets[0]
    return [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return _day_text(value.date())
        return f"{_day_text(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return _day_text(value)
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def write_table(rows: Iterable[Sequence[str]]) -> str:
    """Rows under the header, tab-separated: paste it into a spreadsheet, or back into the import."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def lines_of_file(name: str, content: bytes) -> list[list[str]]:
    """A shared or given file's cells: an .xlsx workbook's first sheet, or CSV text (UTF-8)."""
    if name.lower().endswith(".xlsx"):
        return lines_of_xlsx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{name} is not UTF-8 text: save it as 'CSV UTF-8' (or .xlsx) and share it again."
        ) from None
    return lines_of_text(text)


def looks_like_timetable(lines: Sequence[Sequence[str]]) -> bool:
    """Whether a file's header is a timetable's (it has `dates` and `kind` columns)."""
    header = {canonical(str(cell)) for cell in lines[0]} if lines else set()
    return {"dates", "kind"} <= header
