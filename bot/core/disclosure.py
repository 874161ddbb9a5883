"""Statistical disclosure control for equality data (ethnicity, gender: special-category data).

NHS Digital's rule for published counts: a count from 1 to 7 is shown as `*`, every other count is
rounded to the nearest 5, and a second cell is suppressed wherever a shown total would let a reader
work out a suppressed one. Operational counts (attendance, coaching, outcomes) do not go through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SUPPRESSED = "*"
SMALLEST_SHOWN = 8
ROUND_TO = 5


def disclose_count(count: int) -> str:
    """One count as it may be published: '0', '*' for 1-7, else rounded to the nearest 5."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    if count == 0:
        return "0"
    if count < SMALLEST_SHOWN:
        return SUPPRESSED
    return str(ROUND_TO * ((count + ROUND_TO // 2) // ROUND_TO))


@dataclass(frozen=True)
class Breakdown:
    """A disclosed breakdown: each category's shown value, and the shown total."""

    cells: dict[str, str]
    total: str


def disclose_breakdown(counts: Mapping[str, int]) -> Breakdown:
    """A breakdown of one total (e.g. applicants by ethnicity) made safe to publish with its total."""
    cells = {name: disclose_count(count) for name, count in counts.items()}
    total = disclose_count(sum(counts.values()))
    suppressed = [name for name, shown in cells.items() if shown == SUPPRESSED]
    if len(suppressed) == 1 and total != SUPPRESSED:
        # With the total shown, one hidden cell could be worked out from the others: hide the
        # smallest other non-zero cell too.
        others = sorted(
            (count, name) for name, count in counts.items() if name != suppressed[0] and count > 0
        )
        if others:
            cells[others[0][1]] = SUPPRESSED
    if len(suppressed) == 1 and all(counts[name] == 0 for name in counts if name != suppressed[0]):
        # The only non-zero cell is the total itself. Hiding the total is not enough when the
        # same people are counted exactly elsewhere (a digest shows how many participants there
        # are): the zeros would give the hidden cell away, so they are hidden too.
        cells = dict.fromkeys(cells, SUPPRESSED)
        total = SUPPRESSED
    return Breakdown(cells=cells, total=total)


def disclose_change(this_week: int, last_week: int) -> str:
    """A week-on-week change computed only from disclosed values, so it cannot single anyone out."""
    return published_change(disclose_count(this_week), disclose_count(last_week))


def published_change(now_shown: str, before_shown: str) -> str:
    """The change between two values as they were published: '+5', '-1', 'no change' or '*'.

    Only published values go in, so the change reveals nothing they did not; a suppressed or
    non-numeric value gives '*' rather than a guess.
    """
    if SUPPRESSED in (now_shown, before_shown):
        return SUPPRESSED
    try:
        change = int(now_shown) - int(before_shown)
    except ValueError:
        return SUPPRESSED
    return f"{change:+d}" if change else "no change"
