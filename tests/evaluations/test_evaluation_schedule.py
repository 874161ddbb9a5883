"""Which evaluations are due: sessions that just ended, and the programme milestones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.evaluations.requests import close_requests
from bot.evaluations.schedule import open_milestone_evaluations, open_session_evaluations
from db.engine import unit_of_work
from db.enums import AttendanceStatus, EnrolmentStatus, QuestionType, SessionStatus
from db.models import (
    CoachingSession,
    Cohort,
    Enrolment,
    EvaluationForm,
    EvaluationRequest,
    Invitation,
    Person,
    Programme,
)
from tests.evaluations.test_evaluation_requests import (
    ENDED,
    OPENED,
    A,
    B,
    asked,
    workshop,
    workshop_form,
)
from tests.support.evaluations import Q, make_form

LONDON = ZoneInfo("Europe/London")
START = date(2017, 1, 9)
# Twelve months after the start, and a year after that.
PROGRAMME_END = date(2018, 1, 9)
FOLLOW_UP = date(2019, 1, 9)


def milestone_form(session: Session, milestone: str) -> EvaluationForm:
    return make_form(
        session,
        key=f"{milestone}_form",
        attached_to=milestone,
        questions=[Q("confidence", QuestionType.AGREEMENT5)],
    )


def cohort_with(session: Session, *people: str) -> list[Enrolment]:
    """A cohort started on START with one enrolled participant per Slack id."""
    programme = Programme(name="Aspiring Directors")
    cohort = Cohort(programme=programme, name="2017", start_date=START)
    enrolments = [
        Enrolment(
            person=Person(slack_user_id=slack_user_id, name=slack_user_id),
            cohort=cohort,
            status=EnrolmentStatus.ENROLLED,
            enrolled_at=datetime(2017, 1, 5, 12, 0, tzinfo=UTC),
        )
        for slack_user_id in people
    ]
    session.add_all([programme, cohort, *enrolments])
    session.flush()
    return enrolments


def early_morning(day: date) -> datetime:
    """Half past midnight in London on `day`: the first tick of the day."""
    return datetime(day.year, day.month, day.day, 0, 30, tzinfo=LONDON)


def open_milestones(db: sessionmaker[Session], at: datetime) -> int:
    with unit_of_work(db) as session:
        return open_milestone_evaluations(session, at)


# After sessions


def test_sessions_over_a_week_ago_cancelled_or_without_a_form_are_not_evaluated(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        programme_session, _ = workshop(session, (A,))
        workshop_form(session)
    with unit_of_work(db) as session:
        assert open_session_evaluations(session, ENDED + timedelta(days=7, seconds=1)) == 0
        assert open_session_evaluations(session, ENDED - timedelta(seconds=1)) == 0
        session.scalars(select(EvaluationForm)).one().attached_to = "organisational_development"
        assert open_session_evaluations(session, OPENED) == 0
        session.scalars(select(EvaluationForm)).one().attached_to = "workshop"
        session.get_one(
            type(programme_session), programme_session.id
        ).status = SessionStatus.CANCELLED
        assert open_session_evaluations(session, OPENED) == 0
        assert asked(session) == []


def test_once_a_form_is_closed_nobody_recorded_later_is_asked(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        programme_session, (a, b) = workshop(session, (A, B))
        a.attendance = AttendanceStatus.PRESENT
        form = workshop_form(session)
        ids = (form.id, programme_session.cohort_id, programme_session.id, b.id)
    with unit_of_work(db) as session:
        assert open_session_evaluations(session, OPENED) == 1
        form_id, cohort_id, session_id, invitation_id = ids
        close_requests(
            session, form_id=form_id, cohort_id=cohort_id, session_id=session_id, now=OPENED
        )
        session.get_one(Invitation, invitation_id).attendance = AttendanceStatus.PRESENT
    with unit_of_work(db) as session:
        assert open_session_evaluations(session, OPENED + timedelta(hours=1)) == 0
        assert asked(session) == [A]
        # Nor once a newer version of the same form is deployed: it is still that session's form.
        make_form(
            session,
            key="workshop",
            version=2,
            attached_to="workshop",
            questions=[Q("overall", QuestionType.RATING5)],
        )
    with unit_of_work(db) as session:
        assert open_session_evaluations(session, OPENED + timedelta(hours=2)) == 0
        assert asked(session) == [A]


# Milestones


def test_the_baseline_is_asked_once_at_enrolment_but_not_once_the_programme_has_ended(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        cohort_with(session, A)
        milestone_form(session, "enrolment")
    assert open_milestones(db, early_morning(PROGRAMME_END)) == 0
    enrolled_at = datetime(2017, 1, 5, 12, 0, tzinfo=UTC)
    assert open_milestones(db, enrolled_at - timedelta(seconds=1)) == 0
    assert open_milestones(db, enrolled_at) == 1
    assert open_milestones(db, enrolled_at + timedelta(days=1)) == 0
    with unit_of_work(db) as session:
        (request,) = session.scalars(select(EvaluationRequest)).all()
        assert (request.session_id, request.form.key) == (None, "enrolment_form")


@pytest.mark.parametrize(
    ("enrolled_on", "baseline"), [(PROGRAMME_END, 1), (PROGRAMME_END + timedelta(days=1), 0)]
)
def test_someone_enrolled_on_the_programmes_last_day_still_gets_the_baseline(
    db: sessionmaker[Session], enrolled_on: date, baseline: int
) -> None:
    with unit_of_work(db) as session:
        (late,) = cohort_with(session, A)
        late.enrolled_at = datetime.combine(enrolled_on, datetime.min.time(), LONDON) + timedelta(
            hours=10
        )
        milestone_form(session, "enrolment")
        milestone_form(session, "programme_end")
    at = datetime.combine(enrolled_on, datetime.min.time(), LONDON) + timedelta(hours=11)

    open_milestones(db, at)

    with unit_of_work(db) as session:
        forms = [r.form.key for r in session.scalars(select(EvaluationRequest))]
    assert forms.count("enrolment_form") == baseline


def test_no_baseline_for_someone_enrolled_long_ago_once_the_programme_is_under_way(
    db: sessionmaker[Session],
) -> None:
    # A form added (or a bot deployed) in June would otherwise "baseline" people five months in.
    with unit_of_work(db) as session:
        cohort_with(session, A)
        milestone_form(session, "enrolment")
    assert open_milestones(db, early_morning(date(2017, 6, 1))) == 0


def test_the_baseline_waits_for_no_one_who_enrolled_well_before_the_start(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        (early,) = cohort_with(session, A)
        early.enrolled_at = datetime(2016, 11, 1, 12, 0, tzinfo=UTC)
        milestone_form(session, "enrolment")
    # Seven weeks after enrolling but still before the cohort starts: still a baseline.
    assert open_milestones(db, early_morning(START - timedelta(days=1))) == 1


@pytest.mark.parametrize(
    ("milestone", "due_on"),
    [("programme_end", PROGRAMME_END), ("follow_up", FOLLOW_UP)],
)
def test_a_milestone_evaluation_is_asked_on_its_day_not_the_day_before(
    db: sessionmaker[Session], milestone: str, due_on: date
) -> None:
    with unit_of_work(db) as session:
        _a, b = cohort_with(session, A, B)
        b.status = EnrolmentStatus.COMPLETED
        milestone_form(session, milestone)
    day_before = datetime.combine(due_on - timedelta(days=1), datetime.max.time(), LONDON)
    assert open_milestones(db, day_before) == 0
    assert open_milestones(db, early_morning(due_on)) == 2
    assert open_milestones(db, early_morning(due_on) + timedelta(days=1)) == 0
    with unit_of_work(db) as session:
        assert asked(session) == [A, B]


def test_a_milestone_long_past_is_not_caught_up(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        cohort_with(session, A)
        milestone_form(session, "programme_end")
    assert open_milestones(db, early_morning(PROGRAMME_END + timedelta(days=7))) == 0


def test_the_coaching_evaluation_is_asked_when_the_last_session_of_the_allowance_is_logged(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        (enrolment,) = cohort_with(session, A)
        milestone_form(session, "coaching_complete")
        for month in (3, 5, 7):
            session.add(
                CoachingSession(enrolment=enrolment, held_on=date(2017, month, 1), logged_by=A)
            )
        enrolment_id = enrolment.id
    assert open_milestones(db, early_morning(date(2017, 9, 2))) == 0
    with unit_of_work(db) as session:
        session.add(
            CoachingSession(enrolment_id=enrolment_id, held_on=date(2017, 9, 1), logged_by=A)
        )
    assert open_milestones(db, early_morning(date(2017, 9, 2))) == 1
    assert open_milestones(db, early_morning(date(2017, 9, 3))) == 0
