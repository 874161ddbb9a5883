"""Disclosure control for equality data, against hand-made cases and as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.disclosure import (
    SUPPRESSED,
    disclose_breakdown,
    disclose_change,
    disclose_count,
    published_change,
)


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, "0"),
        (1, "*"),
        (7, "*"),
        (8, "10"),
        (12, "10"),
        (13, "15"),
        (45, "45"),
        (47, "45"),
        (48, "50"),
    ],
)
def test_single_counts(count: int, shown: str) -> None:
    assert disclose_count(count) == shown


def test_one_small_cell_hides_the_next_smallest_so_it_cannot_be_worked_out() -> None:
    breakdown = disclose_breakdown({"Asian": 3, "Black": 9, "White": 30, "Mixed": 0})

    assert breakdown.cells == {"Asian": "*", "Black": "*", "White": "30", "Mixed": "0"}
    assert breakdown.total == "40"


def test_two_small_cells_need_nothing_more() -> None:
    breakdown = disclose_breakdown({"Woman": 2, "Man": 5, "Prefer not to say": 20})

    assert breakdown.cells == {"Woman": "*", "Man": "*", "Prefer not to say": "20"}
    assert breakdown.total == "25"


def test_a_lone_small_cell_beside_zeros_hides_the_zeros_and_the_total() -> None:
    # The headline gives the number of participants exactly, so "Asian *, Black 0" would say
    # that all 4 of them are Asian: the zeros go too.
    breakdown = disclose_breakdown({"Asian": 4, "Black": 0, "White": 0})

    assert breakdown.cells == {"Asian": "*", "Black": "*", "White": "*"}
    assert breakdown.total == SUPPRESSED


def test_zeros_are_shown_where_they_give_nothing_away() -> None:
    breakdown = disclose_breakdown({"Asian": 4, "Black": 0, "White": 3})

    assert breakdown.cells == {"Asian": "*", "Black": "0", "White": "*"}
    assert breakdown.total == "*"


def test_changes_come_only_from_disclosed_values() -> None:
    assert disclose_change(11, 10) == "no change"
    assert disclose_change(13, 12) == "+5"
    assert disclose_change(9, 6) == SUPPRESSED


@pytest.mark.parametrize(
    ("now", "before", "change"),
    [("30", "25", "+5"), ("20", "25", "-5"), ("6", "6", "no change"), ("30", "*", "*"),
     ("*", "10", "*"), ("30", "thirty", "*")],
)  # fmt: skip
def test_a_published_change_is_worked_out_from_published_values_only(
    now: str, before: str, change: str
) -> None:
    assert published_change(now, before) == change


@given(st.integers(0, 500), st.integers(0, 500))
def test_a_change_reveals_nothing_the_two_published_counts_do_not(
    this_week: int, last_week: int
) -> None:
    change = disclose_change(this_week, last_week)

    assert change == published_change(disclose_count(this_week), disclose_count(last_week))
    assert change in (SUPPRESSED, "no change") or int(change) % 5 == 0


@given(st.dictionaries(st.sampled_from("ABCDEFG"), st.integers(0, 200), min_size=1))
def test_nothing_shown_is_small_and_everything_shown_is_rounded(counts: dict[str, int]) -> None:
    breakdown = disclose_breakdown(counts)

    for shown in [*breakdown.cells.values(), breakdown.total]:
        assert shown == SUPPRESSED or int(shown) % 5 == 0
        assert shown == SUPPRESSED or not 1 <= int(shown) <= 7


@given(st.dictionaries(st.sampled_from("ABCDEFG"), st.integers(0, 200), min_size=1))
def test_no_small_count_can_be_read_off_the_zeros_beside_it(counts: dict[str, int]) -> None:
    breakdown = disclose_breakdown(counts)

    # Knowing the exact total, a reader could work out a lone hidden cell from shown zeros.
    hidden = [name for name, shown in breakdown.cells.items() if shown == SUPPRESSED]
    shown_zeros = [name for name, shown in breakdown.cells.items() if shown == "0"]
    assert not (len(hidden) == 1 and shown_zeros and len(shown_zeros) == len(counts) - 1)


@given(st.dictionaries(st.sampled_from("ABCDEFG"), st.integers(0, 200), min_size=1))
def test_never_exactly_one_hidden_cell_beside_a_shown_total(counts: dict[str, int]) -> None:
    breakdown = disclose_breakdown(counts)

    hidden = [name for name, shown in breakdown.cells.items() if shown == SUPPRESSED]
    assert len(hidden) != 1 or breakdown.total == SUPPRESSED
