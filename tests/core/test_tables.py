"""Export tables: formulas neutralised, values written plainly."""

from __future__ import annotations

import csv
import io
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.core.tables import FORMULA_TRIGGERS, Table, neutralise, to_csv


def test_text_that_would_run_as_a_formula_gets_a_leading_quote() -> None:
    assert neutralise('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert neutralise("+44 113 000") == "'+44 113 000"
    assert neutralise("-2") == "'-2"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise(" =1+1") == "' =1+1"
    assert neutralise("\x01@SUM(A1)") == "'\x01@SUM(A1)"
    assert neutralise("Leeds") == "Leeds"
    assert neutralise(" Leeds") == " Leeds"
    assert neutralise(-2) == -2
    assert neutralise(None) is None


@given(st.text())
def test_no_neutralised_text_starts_a_formula_even_behind_spaces(text: str) -> None:
    cell = neutralise(text)
    assert isinstance(cell, str) and not cell.startswith(FORMULA_TRIGGERS)
    skipped = "".join(chr(code) for code in range(33))
    assert cell.startswith("'") or not cell.lstrip(skipped).startswith(FORMULA_TRIGGERS)
    assert cell.removeprefix("'") == text or cell == text


def test_csv_has_headers_iso_dates_and_no_live_formulas() -> None:
    table = Table(
        "Outcomes",
        ("Name", "Started", "Confirmed", "Note"),
        [("Pat", date(2017, 3, 1), True, "=1+1"), ("Sam", None, False, "fine")],
    )

    rows = list(csv.reader(io.StringIO(to_csv(table))))

    assert rows == [
        ["Name", "Started", "Confirmed", "Note"],
        ["Pat", "2017-03-01", "yes", "'=1+1"],
        ["Sam", "", "no", "fine"],
    ]
