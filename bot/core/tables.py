"""Tables of plain values for exports (CSV and Excel), and the guard against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

Cell = str | int | float | bool | date | datetime | None

# Control characters that an .xlsx file cannot hold (XML 1.0 forbids them); tab, newline and carriage
# return are allowed.
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# A spreadsheet treats text starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Some spreadsheets skip these before deciding whether text is a formula.
_SKIPPED_BEFORE_A_FORMULA = "".join(chr(code) for code in range(33))


def neutralise(cell: Cell) -> Cell:
    """`cell`, with text that a spreadsheet would run as a formula made inert by a leading quote.

    Numbers, dates and booleans pass unchanged: only text can smuggle a formula in. Spaces and
    control characters in front of a formula do not hide it.
    """
    if isinstance(cell, str) and (
        cell.startswith(FORMULA_TRIGGERS)
        or cell.lstrip(_SKIPPED_BEFORE_A_FORMULA).startswith(FORMULA_TRIGGERS)
    ):
        return "'" + cell
    return cell


@dataclass(frozen=True)
class Table:
    """One sheet of an export: a name, column headers and rows of plain values."""

    name: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]] = field(default_factory=list)

    def safe_rows(self) -> list[tuple[Cell, ...]]:
        """The rows with every text cell neutralised."""
        return [tuple(neutralise(cell) for cell in row) for row in self.rows]


def to_csv(table: Table) -> str:
    """`table` as CSV text (dates in ISO format), safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(header) for header in table.headers])
    for row in table.safe_rows():
        writer.writerow(["" if cell is None else _text(cell) for cell in row])
    return buffer.getvalue()


def _text(cell: Cell) -> str:
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    return str(cell)
