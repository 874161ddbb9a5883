"""Final assessments: how many assessed, readiness, the talent map by region and the nine-box grid.

Each participant counts once, by their latest graded result (by assessment date, then as recorded);
a participant with only did-not-attend rows counts as not attending. The totals are operational
counts for the steering group and are shown as they are.

The talent map by region is not: a region with two participants would show one person's
readiness to the other, and to anyone who knows who the region's participants are. Its cells
follow the disclosure rule (`bot.core.disclosure`: 1 to 7 shown as `*`, others rounded to 5),
and because the readiness totals are published exactly beside it, a cell that the others in its
column (or row) would give away is hidden too (`disclose_talent_map`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import date, datetime
from itertools import product
from typing import TypeVar

from bot.core.disclosure import SUPPRESSED, disclose_count
from bot.reporting.digest.figures import AssessmentFigures
from bot.reporting.digest.rows import AssessmentRow, EnrolmentRow, SessionRow
from db.enums import Level, Readiness, SessionKind

NO_REGION = "Not recorded"
K = TypeVar("K", bound=Hashable)


def disclose_talent_map(
    counts: Mapping[str, Mapping[K, int]], columns: Sequence[K]
) -> dict[str, dict[K, str]]:
    """A region x readiness table made safe to publish beside exact row and column totals.

    Every cell goes through `disclose_count`. Then, in any row or column where exactly one
    non-zero cell is hidden, the smallest other non-zero cell is hidden too, or, when there is
    none, the line's zeros (a shown total minus shown zeros would give the hidden cell away);
    repeated until nothing changes.
    """
    shown = {
        region: {column: disclose_count(cells.get(column, 0)) for column in columns}
        for region, cells in counts.items()
    }

    def count(cell: tuple[str, K]) -> int:
        return counts[cell[0]].get(cell[1], 0)

    lines = [[(region, column) for column in columns] for region in counts]
    lines += [[(region, column) for region in counts] for column in columns]
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [c for c in line if shown[c[0]][c[1]] == SUPPRESSED and count(c) > 0]
            if len(hidden) != 1:
                continue
            others = sorted(
                (c for c in line if shown[c[0]][c[1]] != SUPPRESSED and count(c) > 0), key=count
            )
            to_hide = others[:1] or [c for c in line if shown[c[0]][c[1]] != SUPPRESSED]
            for region, column in to_hide:
                shown[region][column] = SUPPRESSED
                changed = True
    return shown


def latest_graded(rows: Sequence[AssessmentRow]) -> dict[int, AssessmentRow]:
    """By enrolment id: the latest graded result."""
    latest: dict[int, AssessmentRow] = {}
    order = sorted(rows, key=lambda row: (row.assessed_on or date.min, row.id))
    for row in order:
        if not row.did_not_attend:
            latest[row.enrolment_id] = row
    return latest


def assessment_ended(sessions: Sequence[SessionRow], now: datetime) -> set[int]:
    """Ids of cohorts with an assessment session that has ended."""
    return {
        row.cohort_id
        for row in sessions
        if row.kind == SessionKind.ASSESSMENT and row.ends_at <= now
    }


def assessment_figures(
    participants: Sequence[EnrolmentRow],
    results: Sequence[AssessmentRow],
    sessions: Sequence[SessionRow],
    now: datetime,
) -> AssessmentFigures:
    """The assessment section for `participants` (enrolled or completed enrolments)."""
    ids = {row.enrolment.id for row in participants}
    graded = {key: row for key, row in latest_graded(results).items() if key in ids}
    with_rows = {row.enrolment_id for row in results}
    did_not_attend = {row.enrolment_id for row in results if row.did_not_attend} & ids
    ended = assessment_ended(sessions, now)
    readiness = dict.fromkeys(Readiness, 0)
    nine_box = dict.fromkeys(product(Level, Level), 0)
    talent: dict[str, dict[Readiness, int]] = {}
    not_assessed: dict[int, int] = {}
    for row in participants:
        enrolment = row.enrolment
        result = graded.get(enrolment.id)
        if result is None:
            if enrolment.id not in with_rows and enrolment.cohort_id in ended:
                not_assessed[enrolment.cohort_id] = not_assessed.get(enrolment.cohort_id, 0) + 1
            continue
        if result.readiness is None or result.performance is None or result.potential is None:
            continue  # The database refuses such a row; this keeps the types honest.
        readiness[result.readiness] += 1
        nine_box[(result.performance, result.potential)] += 1
        region = (enrolment.person.region or "").strip() or NO_REGION
        talent.setdefault(region, dict.fromkeys(Readiness, 0))[result.readiness] += 1
    return AssessmentFigures(
        participants=len(participants),
        assessed=len(graded),
        did_not_attend=len(did_not_attend - graded.keys()),
        not_yet_assessed_after_date=sum(not_assessed.values()),
        not_yet_assessed_by_cohort=dict(sorted(not_assessed.items())),
        readiness=readiness,
        talent_map=disclose_talent_map(
            {region: talent[region] for region in sorted(talent, key=_region_order)},
            list(Readiness),
        ),
        nine_box=nine_box,
    )


def _region_order(region: str) -> tuple[bool, str]:
    return (region == NO_REGION, region.casefold())
