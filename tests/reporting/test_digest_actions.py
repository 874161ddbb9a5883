"""What the digest says is coming up, and the actions it suggests (naming nobody)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from bot.reporting.digest.actions import ActionKind
from bot.reporting.digest.figures import UpcomingSession
from db.enums import SessionKind
from tests.reporting.digest_dataset import NORTH, SOUTH, A, B, at, figures_for


def test_coming_up_in_the_next_two_weeks(db: sessionmaker[Session], programme_id: int) -> None:
    upcoming = figures_for(db, programme_id).upcoming

    assert [(u.cohort_label, u.title, u.invited, u.replied_yes) for u in upcoming] == [
        (SOUTH, "Action learning set 1", 0, 0),
        (NORTH, "Action learning set 2", 3, 2),
    ]
    assert upcoming[1] == UpcomingSession(
        session_id=upcoming[1].session_id,
        cohort_id=A,
        cohort_label=NORTH,
        title="Action learning set 2",
        kind=SessionKind.ACTION_LEARNING_SET,
        starts_at=at(date(2017, 6, 12)),
        compulsory=True,
        invited=3,
        replied_yes=2,
        ends_at=at(date(2017, 6, 12), 13),
    )


def test_suggested_actions_name_nobody(db: sessionmaker[Session], programme_id: int) -> None:
    figures = figures_for(db, programme_id)

    assert [(a.kind, a.cohort_id, a.text) for a in figures.actions] == [
        (
            ActionKind.ATTENDANCE_NOT_RECORDED,
            A,
            f"{NORTH}: attendance at Board visit on Tue 30 May has not been recorded yet.",
        ),
        (
            ActionKind.LOW_ATTENDANCE,
            A,
            f"{NORTH}: only 50% (2 of 4) attended Action learning set 1 on Thu 1 Jun, a "
            "compulsory session (below 70%).",
        ),
        (
            ActionKind.COACHING_AT_RISK,
            A,
            f"{NORTH}: 1 participant at risk of not using their coaching allowance in time.",
        ),
        (
            ActionKind.NOT_ASSESSED,
            A,
            f"{NORTH}: 1 participant not yet assessed, though the assessment has taken place.",
        ),
        (
            ActionKind.COACHING_AT_RISK,
            B,
            f"{SOUTH}: 1 participant at risk of not using their coaching allowance in time.",
        ),
        (
            ActionKind.NO_INVITATIONS,
            B,
            f"{SOUTH}: nobody is invited yet to Action learning set 1 on Thu 8 Jun.",
        ),
    ]
    names = ("Ann", "Bob", "Cat", "Dan", "Eve", "Gus", "Hal", "Ivy")
    assert not any(name in action.text for action in figures.actions for name in names)
