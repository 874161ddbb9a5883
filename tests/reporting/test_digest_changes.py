"""The digest compared with earlier snapshots, and restricted to some cohorts or a date."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.core.errors import InvalidInput, NotFound
from bot.core.ratio import Ratio
from bot.reporting.digest.actions import ActionKind
from bot.reporting.digest.changes import snapshot
from bot.reporting.digest.figures import HeadlineChange
from tests.reporting.digest_dataset import SOUTH, A, B, figures_for


def test_week_on_week_against_last_weeks_snapshot(
    db: sessionmaker[Session], programme_id: int
) -> None:
    figures = figures_for(db, programme_id)

    assert snapshot(figures) == {
        "enrolled_now": 6,
        "enrolled_ever": 8,
        "sessions_held": 5,
        "attendance_percent": 53,
        "coaching_commenced": 4,
        "with_new_role": 2,
        "director_roles": 1,
        "assessed": 4,
        "applicants": "30",
    }
    assert [(c.key, c.before, c.now, c.change) for c in figures.changes] == [
        ("enrolled_now", "5", "6", "+1"),
        ("enrolled_ever", "8", "8", "no change"),
        ("sessions_held", "3", "5", "+2"),
        ("attendance_percent", "60", "53", "-7"),
        ("coaching_commenced", "4", "4", "no change"),
        ("with_new_role", "1", "2", "+1"),
        ("director_roles", None, "1", "new"),
        ("assessed", "2", "4", "+2"),
        # Last week's count was suppressed, so no change can be worked out.
        ("applicants", "*", "30", "*"),
    ]
    assert figures.changes[0] == HeadlineChange(
        key="enrolled_now", label="Participants enrolled", now="6", before="5", change="+1"
    )


def test_since_limits_the_session_lists_and_compares_with_that_weeks_snapshot(
    db: sessionmaker[Session], programme_id: int
) -> None:
    figures = figures_for(db, programme_id, since=date(2017, 5, 25))

    north, south = figures.cohorts
    assert [s.title for s in north.sessions] == ["Board visit", "Action learning set 1"]
    assert south.sessions == ()
    assert figures.headline.sessions_held == 5  # the headline is always to date
    assert [(c.key, c.change) for c in figures.changes][:2] == [
        ("enrolled_now", "no change"),
        ("enrolled_ever", "new"),
    ]


def test_one_cohort_gets_no_diversity_and_no_comparison(
    db: sessionmaker[Session], programme_id: int
) -> None:
    figures = figures_for(db, programme_id, cohort_ids=[B])

    assert figures.cohort_ids == (B,)
    assert figures.diversity is None
    assert figures.changes == ()
    assert [cohort.label for cohort in figures.cohorts] == [SOUTH]
    headline = figures.headline
    assert (headline.enrolled_now, headline.enrolled_ever, headline.participants) == (3, 3, 3)
    assert (headline.sessions_held, headline.attendance) == (1, Ratio(2, 3))
    assert headline.coaching_commenced == Ratio(2, 3)
    assert (headline.outcomes, headline.director_roles) == (Ratio(0, 3), 0)
    assert headline.assessed == Ratio(2, 3)
    assert [a.kind for a in figures.actions] == [
        ActionKind.COACHING_AT_RISK,
        ActionKind.NO_INVITATIONS,
    ]
    assert [u.title for u in figures.upcoming] == ["Action learning set 1"]


def test_cohorts_of_another_programme_and_unknown_programmes_are_refused(
    db: sessionmaker[Session], programme_id: int
) -> None:
    with pytest.raises(InvalidInput, match="not all part of Aspiring Directors"):
        figures_for(db, programme_id, cohort_ids=[A, 3])
    with pytest.raises(NotFound):
        figures_for(db, 999)
