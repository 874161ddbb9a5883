"""The digest's headline, attendance, coaching, assessment and outcome figures, against the hand-made
programme of `tests.reporting.digest_dataset`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.ratio import Ratio
from bot.reporting.digest.figures import CoachingUptake, SessionAttendance
from db.engine import unit_of_work
from db.enums import Level, OutcomeKind, Readiness, SessionKind
from db.models import Enrolment, Person
from tests.reporting.digest_dataset import NORTH, SOUTH, A, B, Builder, at, figures_for


def test_the_headline(db: sessionmaker[Session], programme_id: int) -> None:
    figures = figures_for(db, programme_id)

    assert (figures.programme_name, figures.cohort_ids) == ("Aspiring Directors", None)
    assert (figures.today, figures.week_of) == (date(2017, 6, 5), date(2017, 6, 5))
    headline = figures.headline
    # Ann, Bob, Cat, Gus, Hal, Ivy; plus Dan and Eve ever; Eve is the seventh participant.
    assert (headline.enrolled_now, headline.enrolled_ever, headline.participants) == (6, 8, 7)
    # Both workshops, the assessment, the board visit and set 1 (not the cancelled set or webinar).
    assert headline.sessions_held == 5
    assert headline.attendance == Ratio(3 + 2 + 2 + 0 + 2, 5 + 3 + 3 + 2 + 4)
    assert headline.attendance.percent == 53
    assert headline.coaching_commenced == Ratio(4, 6)  # Ann, Cat, Gus, Ivy
    assert headline.outcomes == Ratio(2, 7)  # Ann and Eve; Hal left, Gus is unconfirmed
    assert headline.outcomes.percent == 29
    assert headline.director_roles == 1  # Ann (Dan's does not count: he withdrew)
    assert headline.assessed == Ratio(4, 7)  # Ann, Eve, Gus, Ivy


def test_attendance_by_session_held(db: sessionmaker[Session], programme_id: int) -> None:
    figures = figures_for(db, programme_id)

    north, south = figures.cohorts
    assert (north.cohort_id, north.label, north.enrolled) == (A, NORTH, 3)
    assert (south.cohort_id, south.label, south.enrolled) == (B, SOUTH, 3)
    counts = [
        (s.title, s.invited, s.replied, s.attended, s.excused, s.absent, s.recorded, s.low)
        for s in north.sessions
    ]
    assert counts == [
        ("Launch workshop", 5, 4, 3, 1, 1, 5, True),
        ("Assessment centre", 3, 0, 2, 0, 1, 3, True),
        ("Board visit", 2, 0, 0, 0, 0, 0, False),  # optional, so never flagged as low
        ("Action learning set 1", 4, 2, 2, 0, 1, 3, True),
    ]
    assert [s.rate.percent for s in north.sessions] == [60, 67, 0, 50]
    assert south.sessions == (
        SessionAttendance(
            session_id=south.sessions[0].session_id,
            cohort_id=B,
            title="Launch workshop",
            kind=SessionKind.WORKSHOP,
            starts_at=at(date(2017, 5, 1), 9),
            compulsory=True,
            invited=3,
            replied=3,
            attended=2,
            excused=1,
            absent=0,
            recorded=3,
        ),
    )


def test_coaching_uptake_applies_the_at_risk_rule(
    db: sessionmaker[Session], programme_id: int
) -> None:
    north, south = figures_for(db, programme_id).cohorts

    assert north.coaching == CoachingUptake(
        cohort_id=A, enrolled=3, commenced=2, used=3, allowance=12,
        at_risk=1, not_started=1, behind=1, deadline_passed=0,
    )  # fmt: skip
    assert south.coaching == CoachingUptake(
        cohort_id=B, enrolled=3, commenced=2, used=5, allowance=10,
        at_risk=1, not_started=0, behind=0, deadline_passed=1,
    )  # fmt: skip
    assert (north.coaching.commenced_rate.percent, north.coaching.used_rate.percent) == (67, 25)


def test_assessments_and_the_talent_map(db: sessionmaker[Session], programme_id: int) -> None:
    assessments = figures_for(db, programme_id).assessments

    assert (assessments.participants, assessments.assessed, assessments.did_not_attend) == (7, 4, 1)
    # Cat has nothing recorded though North's assessment centre has been; South has had none.
    assert assessments.not_yet_assessed_after_date == 1
    assert assessments.not_yet_assessed_by_cohort == {A: 1}
    assert assessments.readiness == {
        Readiness.READY_NOW: 2,  # Ann, Ivy (graded after not attending once)
        Readiness.READY_12_18_MONTHS: 2,  # Eve (her later grading), Gus
        Readiness.READY_LATER: 0,
    }
    assert list(assessments.talent_map) == ["London", "North West", "Not recorded"]
    # One or two people a region: every non-zero cell is hidden (the disclosure rule).
    assert assessments.talent_map["London"] == {
        Readiness.READY_NOW: "*",
        Readiness.READY_12_18_MONTHS: "*",
        Readiness.READY_LATER: "0",
    }
    assert assessments.talent_map["North West"][Readiness.READY_NOW] == "*"
    assert assessments.talent_map["Not recorded"][Readiness.READY_12_18_MONTHS] == "*"
    boxes = {box: count for box, count in assessments.nine_box.items() if count}
    assert boxes == {
        (Level.HIGH, Level.HIGH): 2,
        (Level.MEDIUM, Level.HIGH): 1,
        (Level.HIGH, Level.MEDIUM): 1,
    }
    assert len(assessments.nine_box) == 9


def test_outcomes_to_date(db: sessionmaker[Session], programme_id: int) -> None:
    outcomes = figures_for(db, programme_id).outcomes

    assert {kind: n for kind, n in outcomes.by_kind.items() if n} == {
        OutcomeKind.PERMANENT_DIRECTOR: 1,
        OutcomeKind.SECONDMENT: 1,
        OutcomeKind.OTHER_PROMOTION: 1,
        OutcomeKind.LEFT_SERVICE: 1,
    }
    assert list(outcomes.by_kind) == list(OutcomeKind)
    assert (outcomes.participants, outcomes.with_new_role, outcomes.in_director_role) == (7, 2, 1)
    assert outcomes.awaiting_confirmation == 1
    assert outcomes.share == Ratio(2, 7)


def test_outcomes_by_kind_count_participants_not_moves(
    db: sessionmaker[Session], programme_id: int
) -> None:
    with unit_of_work(db) as session:
        ann = session.scalars(
            select(Enrolment).join(Enrolment.person).where(Person.name == "Ann")
        ).one()
        # Ann's second secondment (her first is credited to no enrolment): still one person.
        Builder(session).outcome(ann, OutcomeKind.SECONDMENT)

    outcomes = figures_for(db, programme_id).outcomes

    assert outcomes.by_kind[OutcomeKind.SECONDMENT] == 1  # 1 of 7 participants, not 2
    assert (outcomes.with_new_role, outcomes.awaiting_confirmation) == (2, 1)


def test_ratios_round_half_up_and_compare_exactly() -> None:
    assert Ratio(1, 8).percent == 13  # 12.5
    assert Ratio(0, 0).percent is None
    assert Ratio(7, 10).below(70) is False
    assert Ratio(69, 100).below(70) is True
    assert Ratio(0, 0).below(70) is False
