"""The talent map by region is published under the disclosure rule: no cell gives a person away."""

from __future__ import annotations

import random
from itertools import product

import pytest

from bot.core.disclosure import SUPPRESSED
from bot.reporting.digest.assessment_figures import disclose_talent_map
from db.enums import Readiness

NOW, SOON, LATER = Readiness.READY_NOW, Readiness.READY_12_18_MONTHS, Readiness.READY_LATER


def test_a_region_of_two_participants_shows_neither_readiness() -> None:
    shown = disclose_talent_map(
        {"London": {NOW: 20, SOON: 10}, "Wessex": {NOW: 1, SOON: 1}}, [NOW, SOON]
    )

    assert shown["Wessex"] == {NOW: SUPPRESSED, SOON: SUPPRESSED}


def test_a_hidden_cell_cannot_be_worked_out_from_its_column_total() -> None:
    # The readiness totals are published exactly (30 ready now): with London's 25 shown,
    # Wessex's hidden 5 would follow, so London's cell in that column is hidden too.
    shown = disclose_talent_map(
        {"London": {NOW: 25, SOON: 10}, "Wessex": {NOW: 5, SOON: 10}}, [NOW, SOON]
    )

    assert shown["Wessex"][NOW] == SUPPRESSED
    assert shown["London"][NOW] == SUPPRESSED


def test_a_lone_small_cell_among_zeros_hides_the_zeros_of_its_column() -> None:
    # Only Wessex has anyone 'ready later': a shown 0 elsewhere would place the published total there.
    shown = disclose_talent_map(
        {"London": {NOW: 10, LATER: 0}, "Wessex": {NOW: 10, LATER: 2}}, [NOW, LATER]
    )

    assert shown["Wessex"][LATER] == SUPPRESSED
    assert shown["London"][LATER] == SUPPRESSED


@pytest.mark.parametrize("seed", range(40))
def test_no_row_or_column_has_exactly_one_hidden_person(seed: int) -> None:
    rng = random.Random(seed)
    regions = [f"Region {n}" for n in range(rng.randint(1, 6))]
    counts = {
        region: {r: rng.choice([0, 0, 1, 2, 3, 6, 9, 12, 30]) for r in Readiness}
        for region in regions
    }

    shown = disclose_talent_map(counts, list(Readiness))

    for region, readiness in product(regions, Readiness):
        count, cell = counts[region][readiness], shown[region][readiness]
        # Nothing from 1 to 7 is ever shown, and a shown count is a multiple of 5 near the truth.
        assert (
            cell == SUPPRESSED
            or (count == 0 == int(cell))
            or (count >= 8 and abs(int(cell) - count) <= 2)
        )
    lines = [[(g, r) for r in Readiness] for g in regions] + [
        [(g, r) for g in regions] for r in Readiness
    ]
    for line in lines:
        hidden = [c for c in line if shown[c[0]][c[1]] == SUPPRESSED and counts[c[0]][c[1]] > 0]
        assert len(hidden) != 1 or all(shown[g][r] == SUPPRESSED for g, r in line)
