"""The coaching allowance: the at-risk rule, a participant's status and the cohort totals."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching import allowance as coaching
from bot.coaching.allowance import risks
from db.engine import unit_of_work
from db.enums import Role
from db.models import (
    CoachingSession,
    Cohort,
)
from tests.coaching.coaching_data import (
    DEADLINE,
    OTHER,
    PARTICIPANT,
    at,
    enrolment_of,
    log,
)

# The at-risk rule


def test_nobody_is_at_risk_early_on_with_plenty_of_time() -> None:
    assert (
        risks(
            used=0,
            allowance=4,
            deadline=DEADLINE,
            today=date(2017, 2, 1),
            started_by=date(2017, 2, 21),
        )
        == ()
    )


def test_not_started_six_weeks_after_the_workshop_is_at_risk() -> None:
    assert risks(
        used=0,
        allowance=4,
        deadline=DEADLINE,
        today=date(2017, 2, 21),
        started_by=date(2017, 2, 21),
    ) == ("not started by Tue 21 Feb 2017",)


def test_more_sessions_left_than_one_per_two_months_is_at_risk() -> None:
    # 7 full months left allow 3.5 sessions comfortably: 4 are too many, 3 are fine.
    today = date(2017, 6, 1)
    assert risks(used=0, allowance=4, deadline=DEADLINE, today=today, started_by=None) == (
        "4 left with 7 full month(s) to go",
    )
    assert risks(used=1, allowance=4, deadline=DEADLINE, today=today, started_by=None) == ()


def test_a_passed_deadline_with_sessions_left_is_at_risk_and_all_used_never_is() -> None:
    late = date(2018, 1, 6)
    assert risks(used=3, allowance=4, deadline=DEADLINE, today=late, started_by=None) == (
        "deadline passed with 1 unused",
    )
    assert risks(used=4, allowance=4, deadline=DEADLINE, today=late, started_by=None) == ()


def test_full_months_between_counts_whole_calendar_months() -> None:
    assert coaching.full_months_between(date(2017, 1, 31), date(2017, 2, 28)) == 1
    assert coaching.full_months_between(date(2017, 6, 1), DEADLINE) == 7
    assert coaching.full_months_between(date(2017, 12, 10), DEADLINE) == 0


# Status


def test_status_shows_used_remaining_deadline_and_days_left(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        enrolment = enrolment_of(session, PARTICIPANT)
        status = coaching.coaching_status(session, enrolment, date(2017, 2, 1))
        assert (status.used, status.allowance, status.remaining) == (0, 4, 4)
        assert (status.deadline, status.days_left, status.at_risk) == (DEADLINE, 338, False)
        enrolment.coaching_allowance = 6
        log(session)
        status = coaching.coaching_status(session, enrolment, date(2017, 2, 1))
        assert (status.used, status.allowance, status.remaining) == (1, 6, 5)


def test_a_missing_deadline_falls_back_to_enrolment_plus_programme_length(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        enrolment = enrolment_of(session, PARTICIPANT)
        enrolment.coaching_deadline = None
        assert coaching.deadline_of(enrolment) == date(2018, 1, 5)


# Coordinators


def test_cohort_totals_and_at_risk_list(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        log(session, whose=OTHER, actor=OTHER)
        cohort = session.scalars(select(Cohort)).one()
        report = coaching.cohort_coaching(session, cohort, at(date(2017, 3, 1)))
        assert (report.label, report.enrolled, report.commenced) == (
            "Aspiring Directors / 2017",
            2,
            1,
        )
        assert (report.used, report.allowance) == (1, 8)
        assert [(s.slack_user_id, s.risks) for s in report.at_risk] == [
            (PARTICIPANT, ("not started by Tue 21 Feb 2017",))
        ]


def test_a_coordinator_may_log_for_a_participant(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        status = log(session, actor="UCOORD01", roles=frozenset({Role.COORDINATOR}))
        assert status.used == 1
        assert session.scalars(select(CoachingSession)).one().logged_by == "UCOORD01"
