"""Percentages as the report gives them: whole when exact, one decimal where rounding would
change the figure."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.ratio import Ratio


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown", "percent"),
    [
        (37, 40, "92.5", 93),
        (12, 15, "80", 80),
        (1, 3, "33.3", 33),
        (2, 3, "66.7", 67),
        (0, 5, "0", 0),
        (5, 5, "100", 100),
        (0, 0, None, None),
    ],
)
def test_shown_percentages(
    numerator: int, denominator: int, shown: str | None, percent: int | None
) -> None:
    ratio = Ratio(numerator, denominator)

    assert (ratio.shown, ratio.percent) == (shown, percent)


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_the_shown_figure_is_within_a_twentieth_of_a_percent(
    numerator: int, denominator: int
) -> None:
    shown = Ratio(numerator, denominator).shown

    assert shown is not None
    assert abs(float(shown) - 100 * numerator / denominator) <= 0.05 + 1e-9
    exact = (100 * numerator) % denominator == 0
    assert ("." in shown) is not exact
