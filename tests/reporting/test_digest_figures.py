"""The digest's figures against a hand-made programme, with every expected value worked out by hand.

Two cohorts of "Aspiring Directors" as of Monday 5 June 2017, plus a second programme whose rows
must never be counted. The comments by each row say what it contributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.disclosure import Breakdown
from bot.core.errors import InvalidInput, NotFound
from bot.core.ratio import Ratio
from bot.reporting.digest.actions import ActionKind
from bot.reporting.digest.changes import snapshot
from bot.reporting.digest.figures import (
    CoachingUptake,
    DigestFigures,
    HeadlineChange,
    SessionAttendance,
    UpcomingSession,
    digest_figures,
)
from db.engine import unit_of_work
from db.enums import (
    ApplicationStatus,
    AttendanceStatus,
    EnrolmentStatus,
    EvaluationRequestState,
    Level,
    OrganisationType,
    OutcomeKind,
    QuestionPurpose,
    QuestionType,
    Readiness,
    RsvpStatus,
    SessionKind,
    SessionStatus,
)
from db.models import (
    Application,
    AssessmentResult,
    CoachingSession,
    Cohort,
    DigestSnapshot,
    Enrolment,
    EvaluationAnswer,
    EvaluationRequest,
    EvaluationResponse,
    Invitation,
    Outcome,
    Person,
    Programme,
    ProgrammeSession,
)
from tests.support.evaluations import OBJECTIVES_MET, RATING5, Q, make_form

NOW = datetime(2017, 6, 5, 9, 0, tzinfo=UTC)  # a Monday
COORDINATOR = "UCOORD01"
JAN_5 = datetime(2017, 1, 5, 12, 0, tzinfo=UTC)
MAR_1 = datetime(2017, 3, 1, 12, 0, tzinfo=UTC)
A = 1  # cohort ids: the database is emptied (and PostgreSQL's sequences restarted) between tests
B = 2
NORTH = "Aspiring Directors / 2017 North"
SOUTH = "Aspiring Directors / 2017 South"
P = AttendanceStatus.PRESENT
X = AttendanceStatus.ABSENT
E = AttendanceStatus.EXCUSED
U = AttendanceStatus.UNKNOWN
YES = RsvpStatus.ATTENDING
NO = RsvpStatus.NOT_ATTENDING
NONE = RsvpStatus.NONE


@dataclass(frozen=True)
class Answers:
    """An application's diversity answers (gender and ethnicity only kept with consent)."""

    ethnicity: str | None
    gender: str | None
    region: str | None
    organisation_type: OrganisationType

    @property
    def consent(self) -> bool:
        return self.ethnicity is not None or self.gender is not None


class Builder:
    """Adds rows for the dataset with as little ceremony as possible."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.submitted = datetime(2016, 10, 1, 9, 0, tzinfo=UTC)

    def add(self, *rows: Any) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def application(
        self,
        programme: Programme,
        person: Person,
        answers: Answers,
        status: ApplicationStatus = ApplicationStatus.ACCEPTED,
    ) -> Application:
        # Applications arrive a day apart, in the order they are made here.
        self.submitted += timedelta(days=1)
        row = Application(
            programme=programme,
            person=person,
            status=status,
            job_title="Deputy director",
            organisation="An NHS trust",
            organisation_type=answers.organisation_type,
            region=answers.region,
            diversity_consent=answers.consent,
            gender=answers.gender,
            ethnicity=answers.ethnicity,
            submitted_at=self.submitted,
        )
        self.add(row)
        return row

    def enrol(
        self,
        cohort: Cohort,
        name: str,
        *,
        region: str | None,
        status: EnrolmentStatus = EnrolmentStatus.ENROLLED,
        enrolled_at: datetime | None = JAN_5,
        coaching: int = 0,
        answers: Answers | None = None,
        link_application: bool = True,
        **extra: Any,
    ) -> Enrolment:
        person = Person(name=name, region=region)
        enrolment = Enrolment(
            person=person, cohort=cohort, status=status, enrolled_at=enrolled_at, **extra
        )
        self.add(enrolment)
        if answers is not None:
            application = self.application(cohort.programme, person, answers)
            if link_application:
                enrolment.application_id = application.id
        for number in range(coaching):
            self.add(
                CoachingSession(
                    enrolment=enrolment,
                    held_on=date(2017, 2, 1) + timedelta(weeks=number),
                    coach_name="Alex Coach",
                    logged_by=COORDINATOR,
                )
            )
        return enrolment

    def session_with(
        self,
        cohort: Cohort,
        title: str,
        starts_at: datetime,
        invitations: list[tuple[Enrolment, RsvpStatus, AttendanceStatus]],
        *,
        kind: SessionKind = SessionKind.ACTION_LEARNING_SET,
        hours: int = 3,
        compulsory: bool = True,
        status: SessionStatus = SessionStatus.SCHEDULED,
    ) -> ProgrammeSession:
        row = ProgrammeSession(
            cohort=cohort,
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            compulsory=compulsory,
            status=status,
        )
        self.add(row)
        for enrolment, rsvp, attendance in invitations:
            self.add(Invitation(session=row, enrolment=enrolment, rsvp=rsvp, attendance=attendance))
        return row

    def graded(
        self,
        enrolment: Enrolment,
        on: date,
        readiness: Readiness,
        performance: Level,
        potential: Level,
    ) -> None:
        self.add(
            AssessmentResult(
                enrolment=enrolment,
                assessed_on=on,
                readiness=readiness,
                performance=performance,
                potential=potential,
                recorded_by=COORDINATOR,
            )
        )

    def did_not_attend(self, enrolment: Enrolment, reason: str) -> None:
        self.add(
            AssessmentResult(
                enrolment=enrolment, did_not_attend_reason=reason, recorded_by=COORDINATOR
            )
        )

    def outcome(
        self,
        enrolment: Enrolment,
        kind: OutcomeKind,
        *,
        credited: bool = True,
        confirmed: bool = True,
    ) -> None:
        self.add(
            Outcome(
                person=enrolment.person,
                enrolment=enrolment if credited else None,
                kind=kind,
                reported_by=COORDINATOR,
                confirmed_by=COORDINATOR if confirmed else None,
                confirmed_at=NOW - timedelta(days=3) if confirmed else None,
            )
        )


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def build(session: Session) -> int:
    """The hand-made programme; returns its id."""
    build_ = Builder(session)
    programme = Programme(name="Aspiring Directors")
    north = Cohort(programme=programme, name="2017 North", start_date=date(2017, 1, 9))
    south = Cohort(programme=programme, name="2017 South", start_date=date(2017, 3, 6))
    build_.add(programme, north, south)
    assert (north.id, south.id) == (A, B)
    acute, community = OrganisationType.ACUTE, OrganisationType.COMMUNITY

    # 2017 North. Workshop 10 Jan, so coaching should have started by 21 Feb.
    ann = build_.enrol(
        north, "Ann", region="North West", coaching=2,
        answers=Answers("White", "Woman", "North West", acute),
    )  # fmt: skip
    # Not started, and 4 left with 7 full months to go: at risk for both reasons.
    bob = build_.enrol(
        north, "Bob", region="North West", answers=Answers("White", "Man", "North West", acute)
    )
    # 3 left with 7 months to go is fine. No consent: gender and ethnicity not stated.
    cat = build_.enrol(
        north, "Cat", region="North West", coaching=1,
        answers=Answers(None, None, "North West", community),
    )  # fmt: skip
    # Withdrawn: enrolled once, but not a participant.
    dan = build_.enrol(
        north, "Dan", region="London", status=EnrolmentStatus.WITHDRAWN,
        answers=Answers("White", "Man", "London", acute),
    )  # fmt: skip
    # Completed: a participant, but not enrolled now; the application is not linked.
    eve = build_.enrol(
        north, "Eve", region="London", status=EnrolmentStatus.COMPLETED, coaching=4,
        answers=Answers("Asian", "Woman", "London", OrganisationType.MENTAL_HEALTH),
        link_application=False,
    )  # fmt: skip
    # Waiting: never enrolled.
    build_.enrol(
        north, "Fay", region="London", status=EnrolmentStatus.WAITING, enrolled_at=None,
        waiting_position=1,
    )  # fmt: skip

    # 2017 South. Workshop 1 May, so coaching is not expected to start before 12 Jun.
    # Allowance 2 and a deadline already passed with 1 unused: at risk.
    gus = build_.enrol(
        south, "Gus", region=None, enrolled_at=MAR_1, coaching=1,
        coaching_allowance=2, coaching_deadline=date(2017, 6, 1),
        answers=Answers("White", "Man", None, acute),
    )  # fmt: skip
    # 4 left with 8 full months to go (to 1 Mar 2018): not behind.
    hal = build_.enrol(
        south, "Hal", region="London", enrolled_at=MAR_1,
        answers=Answers("Black", "Man", "London", acute),
    )  # fmt: skip
    # An earlier, unsuccessful application ("Mixed") must not be what counts for Ivy.
    ivy_person = Person(name="Ivy", region="London")
    build_.add(ivy_person)
    build_.application(
        programme, ivy_person, Answers("Mixed", "Woman", "London", community),
        ApplicationStatus.UNSUCCESSFUL,
    )  # fmt: skip
    ivy_application = build_.application(
        programme, ivy_person, Answers("White", "Woman", "London", community)
    )
    ivy = Enrolment(
        person=ivy_person, cohort=south, status=EnrolmentStatus.ENROLLED, enrolled_at=MAR_1,
        application_id=ivy_application.id,
    )  # fmt: skip
    build_.add(ivy)
    for number in range(4):
        build_.add(
            CoachingSession(
                enrolment=ivy, held_on=date(2017, 3, 10 + number), coach_name="Alex Coach",
                logged_by=COORDINATOR,
            )
        )  # fmt: skip

    # Applicants who did not become participants.
    for number in range(12):
        build_.application(
            programme,
            Person(name=f"Applicant W{number}"),
            Answers("White", "Woman", "London", acute),
            ApplicationStatus.UNSUCCESSFUL,
        )
    for number in range(6):
        build_.application(
            programme,
            Person(name=f"Applicant A{number}"),
            Answers("Asian", "Man", "London", acute),
            ApplicationStatus.UNSUCCESSFUL,
        )
    for number in range(3):
        build_.application(
            programme,
            Person(name=f"Applicant N{number}"),
            Answers(None, None, "South East", OrganisationType.AMBULANCE),
        )

    # Sessions of 2017 North.
    build_.session_with(
        north, "Launch workshop", at(date(2017, 1, 10), 9),
        [(ann, YES, P), (bob, YES, P), (cat, NONE, X), (dan, NO, E), (eve, YES, P)],
        kind=SessionKind.WORKSHOP, hours=8,
    )  # fmt: skip
    build_.session_with(
        north, "Assessment centre", at(date(2017, 5, 20), 9),
        [(ann, NONE, P), (bob, NONE, P), (cat, NONE, X)],
        kind=SessionKind.ASSESSMENT, hours=8,
    )  # fmt: skip
    build_.session_with(
        north, "Board visit", at(date(2017, 5, 30)), [(ann, NONE, U), (cat, NONE, U)],
        kind=SessionKind.ORGANISATIONAL_DEVELOPMENT, compulsory=False,
    )  # fmt: skip
    build_.session_with(
        north, "Action learning set 1", at(date(2017, 6, 1)),
        [(ann, YES, P), (bob, NONE, X), (cat, YES, P), (eve, NONE, U)],
    )  # fmt: skip
    build_.session_with(
        north, "Cancelled set", at(date(2017, 4, 3)), [(ann, YES, P)],
        status=SessionStatus.CANCELLED,
    )  # fmt: skip
    build_.session_with(
        north, "Action learning set 2", at(date(2017, 6, 12)),
        [(ann, YES, U), (bob, NONE, U), (cat, YES, U)],
    )  # fmt: skip
    build_.session_with(north, "Action learning set 3", at(date(2017, 7, 20)), [(ann, NONE, U)])

    # Sessions of 2017 South.
    build_.session_with(
        south, "Launch workshop", at(date(2017, 5, 1), 9),
        [(gus, YES, P), (hal, YES, P), (ivy, NO, E)],
        kind=SessionKind.WORKSHOP, hours=8,
    )  # fmt: skip
    build_.session_with(south, "Action learning set 1", at(date(2017, 6, 8)), [])
    # Under way at NOW: not held yet, not coming up either.
    build_.session_with(south, "Webinar", NOW - timedelta(hours=1), [(gus, YES, U)], hours=2)

    # Assessments.
    build_.graded(ann, date(2017, 5, 20), Readiness.READY_NOW, Level.HIGH, Level.HIGH)
    build_.did_not_attend(bob, "On leave")
    build_.graded(eve, date(2017, 5, 25), Readiness.READY_12_18_MONTHS, Level.MEDIUM, Level.HIGH)
    build_.graded(eve, date(2017, 5, 20), Readiness.READY_LATER, Level.MEDIUM, Level.LOW)
    build_.graded(dan, date(2017, 5, 20), Readiness.READY_NOW, Level.HIGH, Level.HIGH)
    build_.graded(gus, date(2017, 5, 21), Readiness.READY_12_18_MONTHS, Level.HIGH, Level.MEDIUM)
    build_.did_not_attend(ivy, "Work commitments")
    build_.graded(ivy, date(2017, 5, 30), Readiness.READY_NOW, Level.HIGH, Level.HIGH)

    # Outcomes.
    build_.outcome(ann, OutcomeKind.PERMANENT_DIRECTOR)
    build_.outcome(ann, OutcomeKind.SECONDMENT, credited=False)
    build_.outcome(eve, OutcomeKind.OTHER_PROMOTION)
    build_.outcome(gus, OutcomeKind.ACTING_DIRECTOR, confirmed=False)
    build_.outcome(hal, OutcomeKind.LEFT_SERVICE)
    build_.outcome(dan, OutcomeKind.INTERIM_DIRECTOR)

    # Snapshots: last week's is the one to compare with.
    build_.add(
        DigestSnapshot(programme=programme, week_of=date(2017, 5, 22), figures={"enrolled_now": 6}),
        DigestSnapshot(
            programme=programme,
            week_of=date(2017, 5, 29),
            figures={
                "enrolled_now": 5, "enrolled_ever": 8, "sessions_held": 3,
                "attendance_percent": 60, "coaching_commenced": 4, "with_new_role": 1,
                "assessed": 2, "applicants": "*",
            },
        ),
        DigestSnapshot(programme=programme, week_of=date(2017, 6, 5), figures={"enrolled_now": 99}),
    )  # fmt: skip

    # Another programme, none of which may be counted.
    other = Programme(name="Other programme")
    elsewhere = Cohort(programme=other, name="2017", start_date=date(2017, 1, 9))
    build_.add(other, elsewhere)
    zed = build_.enrol(
        elsewhere, "Zed", region="London", coaching=1,
        answers=Answers("White", "Man", "London", acute),
    )  # fmt: skip
    build_.session_with(
        elsewhere, "Workshop", at(date(2017, 5, 31)), [(zed, YES, P)], kind=SessionKind.WORKSHOP
    )
    build_.graded(zed, date(2017, 5, 20), Readiness.READY_NOW, Level.HIGH, Level.HIGH)
    build_.outcome(zed, OutcomeKind.PERMANENT_DIRECTOR)
    build_.add(DigestSnapshot(programme=other, week_of=date(2017, 5, 29), figures={}))
    return programme.id


@pytest.fixture
def programme_id(db: sessionmaker[Session]) -> int:
    with unit_of_work(db) as session:
        return build(session)


def figures_for(db: sessionmaker[Session], programme_id: int, **options: Any) -> DigestFigures:
    with unit_of_work(db) as session:
        return digest_figures(session, programme_id=programme_id, now=NOW, **options)


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
    assert assessments.talent_map["London"] == {
        Readiness.READY_NOW: 1,
        Readiness.READY_12_18_MONTHS: 1,
        Readiness.READY_LATER: 0,
    }
    assert assessments.talent_map["North West"][Readiness.READY_NOW] == 1
    assert assessments.talent_map["Not recorded"][Readiness.READY_12_18_MONTHS] == 1
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


def test_diversity_is_disclosed_at_programme_level(
    db: sessionmaker[Session], programme_id: int
) -> None:
    diversity = figures_for(db, programme_id).diversity

    assert diversity is not None
    # 29 people applied (Ivy twice); the 7 participants are all among them.
    assert (diversity.applicants_total, diversity.participants_total) == ("30", "*")
    tables = {table.dimension: table for table in diversity.tables}
    assert [table.title for table in diversity.tables] == [
        "Ethnicity", "Gender", "Region", "Organisation type",
    ]  # fmt: skip
    ethnicity = tables["ethnicity"]
    # Applicants: Asian 7, Black 1, White 17, not stated 4 (Ivy's earlier "Mixed" is not counted).
    assert ethnicity.categories == ("Asian", "Black", "White", "Not stated")
    assert ethnicity.applicants == Breakdown(
        cells={"Asian": "*", "Black": "*", "White": "15", "Not stated": "*"}, total="30"
    )
    # Participants: White 4 (Ann, Bob, Gus, Ivy), Asian 1, Black 1, not stated 1 (Cat).
    assert ethnicity.participants == Breakdown(
        cells={"Asian": "*", "Black": "*", "White": "*", "Not stated": "*"}, total="*"
    )
    gender = tables["gender"]
    # Applicants: Man 10, Woman 15, not stated 4: with the total shown, the one small cell would be
    # 30 - 10 - 15, so the next smallest (Man) is hidden too.
    assert gender.categories == ("Man", "Woman", "Not stated")
    assert gender.applicants == Breakdown(
        cells={"Man": "*", "Woman": "15", "Not stated": "*"}, total="30"
    )
    region = tables["region"]
    # Applicants: London 22, North West 3, South East 3, not stated 1 (Gus).
    assert region.categories == ("London", "North West", "South East", "Not stated")
    assert region.applicants == Breakdown(
        cells={"London": "20", "North West": "*", "South East": "*", "Not stated": "*"}, total="30"
    )
    # Participants: London 3 (Eve, Hal, Ivy), North West 3, South East 0, not stated 1.
    assert region.participants == Breakdown(
        cells={"London": "*", "North West": "*", "South East": "0", "Not stated": "*"}, total="*"
    )
    organisation = tables["organisation_type"]
    # Applicants: Acute 23, Ambulance 3, Community 2 (Cat, Ivy), Mental health 1 (Eve).
    assert organisation.categories == ("Acute", "Ambulance", "Community", "Mental health")
    assert organisation.applicants == Breakdown(
        cells={"Acute": "25", "Ambulance": "*", "Community": "*", "Mental health": "*"},
        total="30",
    )
    assert organisation.participants.cells["Ambulance"] == "0"


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


def add_evaluations(session: Session) -> None:
    """Workshop evaluations: North's 2 of 5 answered (closed), South's 3 of 3, Zed's elsewhere."""
    form = make_form(
        session,
        key="workshop",
        title="Workshop evaluation",
        questions=[
            Q("overall", QuestionType.RATING5, options=RATING5, purpose=QuestionPurpose.OVERALL),
            Q(
                "objectives",
                QuestionType.OBJECTIVES_MET,
                options=OBJECTIVES_MET,
                purpose=QuestionPurpose.OBJECTIVES,
            ),
        ],
    )
    overall, objectives = form.questions
    workshops = {
        row.cohort_id: row
        for row in session.scalars(
            select(ProgrammeSession).where(ProgrammeSession.kind == SessionKind.WORKSHOP)
        )
    }
    # (cohort, person, completed, overall rating, objectives met): 1 is Excellent / Completely.
    answers = [
        (A, "Ann", True, 1, 1),
        (A, "Bob", True, 2, 2),
        (A, "Cat", False, 0, 0),
        (A, "Dan", False, 0, 0),
        (A, "Eve", False, 0, 0),
        (B, "Gus", True, 3, 2),
        (B, "Hal", True, 1, 3),
        (B, "Ivy", True, 4, 4),
        (3, "Zed", True, 5, 4),
    ]
    for cohort_id, name, completed, rating, met in answers:
        enrolment = session.scalars(
            select(Enrolment).join(Enrolment.person).where(Person.name == name)
        ).one()
        workshop = workshops[cohort_id]
        state = EvaluationRequestState.COMPLETED if completed else EvaluationRequestState.EXPIRED
        session.add(
            EvaluationRequest(
                form=form, enrolment=enrolment, session=workshop, cohort_id=cohort_id,
                opened_at=NOW - timedelta(days=30), closes_at=NOW - timedelta(days=16),
                state=state,
            )
        )  # fmt: skip
        if completed:
            session.add(
                EvaluationResponse(
                    form=form, session=workshop, cohort_id=cohort_id, enrolment=enrolment,
                    submitted_on=date(2017, 5, 10), submitted_at=NOW - timedelta(days=26),
                    answers=[
                        EvaluationAnswer(question=overall, value_number=rating),
                        EvaluationAnswer(question=objectives, value_number=met),
                    ],
                )
            )  # fmt: skip
    session.flush()


def test_evaluations_of_the_programmes_cohorts_only(
    db: sessionmaker[Session], programme_id: int
) -> None:
    with unit_of_work(db) as session:
        add_evaluations(session)

    figures = figures_for(db, programme_id)

    evaluations = figures.evaluations
    assert evaluations is not None
    assert [
        (r.cohort_id, r.form_key, r.session_title, r.requested, r.completed, r.closed)
        for r in evaluations.response_rates
    ] == [
        (A, "workshop", "Launch workshop", 5, 2, True),
        (B, "workshop", "Launch workshop", 3, 3, True),
    ]
    assert evaluations.response_rates[0].rate == Ratio(2, 5)
    # Ann, Bob, Gus, Hal and Ivy answered; Zed's answers are another programme's.
    assert evaluations.responses == 5
    assert evaluations.excellent_or_good == Ratio(3, 5)  # 1, 2, 3, 1, 4
    assert evaluations.objectives_met == Ratio(3, 5)  # 1, 2, 2, 3, 4
    assert evaluations.commitments_by_category is None  # nobody was asked
    low = [a for a in figures.actions if a.kind == ActionKind.LOW_RESPONSE_RATE]
    assert [a.text for a in low] == [
        f"{NORTH}: only 40% (2 of 5) answered the evaluation of Launch workshop."
    ]

    south = figures_for(db, programme_id, cohort_ids=[B]).evaluations
    assert south is not None
    # Fewer than 5 responses in South alone: the shares are withheld.
    assert (south.responses, south.excellent_or_good, south.objectives_met) == (3, None, None)


def test_ratios_round_half_up_and_compare_exactly() -> None:
    assert Ratio(1, 8).percent == 13  # 12.5
    assert Ratio(0, 0).percent is None
    assert Ratio(7, 10).below(70) is False
    assert Ratio(69, 100).below(70) is True
    assert Ratio(0, 0).below(70) is False
